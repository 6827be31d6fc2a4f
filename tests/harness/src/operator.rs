//! Runs the `appasset` binary against the control plane, as a deployment would run it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::control_plane::{ControlPlane, free_port};
use crate::process;
use crate::wait::wait_until;

/// A running `appasset run`, stopped when dropped.
pub struct Operator {
    child: Child,
    metrics_port: u16,
    log: std::path::PathBuf,
}

impl Operator {
    /// Starts `binary run` with `args`, and waits until `/readyz` says the inventory synced.
    pub async fn start(control_plane: &ControlPlane, binary: &Path, args: &[&str]) -> Operator {
        let metrics_port = free_port().expect("a free port for metrics");
        let log = control_plane
            .scratch()
            .join(format!("operator-{metrics_port}.log"));
        let file = std::fs::File::create(&log).expect("creating the operator log");
        let mut command = Command::new(binary);
        command
            .arg("run")
            .arg(format!("--metrics-address=127.0.0.1:{metrics_port}"))
            .args(args)
            .env("KUBECONFIG", control_plane.kubeconfig())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file);
        let child = process::spawn(command).expect("starting appasset run");
        let mut operator = Operator {
            child,
            metrics_port,
            log,
        };

        let ready = format!("the operator on port {metrics_port} is ready");
        wait_until(&ready, || {
            let answer = operator.get("/readyz").map(|(status, _)| status == 200);
            let exited = operator.child.try_wait().ok().flatten();
            if let Some(status) = exited {
                panic!("appasset run exited ({status}):\n{}", operator.log_text());
            }
            std::future::ready(answer.filter(|ready| *ready))
        })
        .await;
        operator
    }

    /// GET `path` on the operator's HTTP port: the status code and body.
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        http_get(self.metrics_port, path)
    }

    /// The value of one sample in `/metrics`, such as
    /// `appasset_api_writes_total{resource="appassets",verb="apply"}`; zero when absent.
    pub fn metric(&self, sample: &str) -> f64 {
        let (_, body) = self.get("/metrics").expect("the operator serves /metrics");
        body.lines()
            .filter_map(|line| line.rsplit_once(' '))
            .find(|(name, _)| *name == sample)
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0.0)
    }

    /// Every write the operator has made to the API server.
    pub fn writes(&self) -> f64 {
        let (_, body) = self.get("/metrics").expect("the operator serves /metrics");
        body.lines()
            .filter(|line| line.starts_with("appasset_api_writes_total{"))
            .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
            .sum()
    }

    /// What the operator has logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops the operator and waits for it to exit.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Operator {
    /// A failing test shows what the operator logged, since its scratch folder goes with the
    /// test binary.
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = self.log_text();
            let lines: Vec<&str> = log.lines().collect();
            let tail = lines[lines.len().saturating_sub(40)..].join("\n");
            eprintln!("--- the last lines appasset run logged ---\n{tail}");
        }
    }
}

/// A plain HTTP/1.0 GET on loopback: enough for `/metrics` and the health endpoints without
/// an HTTP client library.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}
