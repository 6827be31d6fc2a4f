//! Starting etcd, kube-apiserver and kube-controller-manager, and handing out clients,
//! kubeconfigs and namespaces to the tests of one test binary.

use std::fs::{self, File};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{Api, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

use crate::pki::{ClientCredentials, Pki};
use crate::process;
use crate::tools::Tools;
use crate::wait::wait_until;

/// How long the control plane may take to become ready: a cold start of kube-apiserver on a
/// busy two-core machine takes about ten seconds.
const STARTUP_DEADLINE: Duration = Duration::from_secs(120);

/// The control plane shared by every test of one test binary.
pub struct ControlPlane {
    dir: PathBuf,
    kubeconfig: PathBuf,
    tools: Tools,
    components: Mutex<Vec<Component>>,
}

struct Component {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

/// A namespace made for one test, and a client for the cluster.
pub struct TestNamespace {
    /// The namespace's name, unique within the test binary.
    pub name: String,
    /// A client whose background tasks live on the calling test's runtime.
    pub client: Client,
}

static CONTROL_PLANE: OnceLock<Result<ControlPlane, String>> = OnceLock::new();
static NAMESPACES: AtomicUsize = AtomicUsize::new(0);

/// The control plane of this test binary, started by the first caller. Panics with the reason
/// (a missing binary and how to build it, or a component's log) when it cannot start.
pub fn control_plane() -> &'static ControlPlane {
    let started = CONTROL_PLANE.get_or_init(|| {
        // Starting blocks on a runtime of its own; a thread keeps that runtime apart from the
        // calling test's.
        std::thread::spawn(ControlPlane::start)
            .join()
            .unwrap_or_else(|_| Err("starting the control plane panicked".to_string()))
    });
    match started {
        Ok(control_plane) => control_plane,
        Err(reason) => panic!("no control plane for this test: {reason}"),
    }
}

impl ControlPlane {
    fn start() -> Result<ControlPlane, String> {
        let tools = Tools::locate()?;

        let root = process::scratch_root();
        process::sweep_stale_folders(&root);
        let dir = root.join(std::process::id().to_string());
        fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        process::remove_at_exit(&dir);

        let pki = Pki::generate(&dir).map_err(|e| format!("generating certificates: {e}"))?;
        let apiserver_port = free_port()?;
        let server = format!("https://127.0.0.1:{apiserver_port}");
        let kubeconfig = dir.join("admin.kubeconfig");
        write_kubeconfig(&kubeconfig, &server, &pki, &pki.admin)?;
        let controller_manager_kubeconfig = dir.join("controller-manager.kubeconfig");
        write_kubeconfig(
            &controller_manager_kubeconfig,
            &server,
            &pki,
            &pki.controller_manager,
        )?;

        let control_plane = ControlPlane {
            dir,
            kubeconfig,
            tools,
            components: Mutex::new(Vec::new()),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("building a runtime: {e}"))?;

        let etcd = control_plane.start_etcd()?;
        control_plane.start_apiserver(&pki, apiserver_port, &etcd)?;
        runtime.block_on(control_plane.until_ready("kube-apiserver", "/readyz", None))?;

        let controller_manager_port = free_port()?;
        control_plane.start_controller_manager(
            &pki,
            &controller_manager_kubeconfig,
            controller_manager_port,
        )?;
        let health = format!("https://127.0.0.1:{controller_manager_port}");
        runtime.block_on(control_plane.until_ready(
            "kube-controller-manager",
            "/healthz",
            Some(&health),
        ))?;
        runtime.block_on(control_plane.until_service_accounts_work())?;
        Ok(control_plane)
    }

    fn start_etcd(&self) -> Result<String, String> {
        let client_url = format!("http://127.0.0.1:{}", free_port()?);
        let peer_url = format!("http://127.0.0.1:{}", free_port()?);
        let mut command = Command::new(&self.tools.etcd);
        command.args([
            "--name=e2e",
            &format!("--data-dir={}", self.dir.join("etcd").display()),
            &format!("--listen-client-urls={client_url}"),
            &format!("--advertise-client-urls={client_url}"),
            &format!("--listen-peer-urls={peer_url}"),
            &format!("--initial-advertise-peer-urls={peer_url}"),
            &format!("--initial-cluster=e2e={peer_url}"),
            // The data is thrown away with the test binary; fsync would only slow every write.
            "--unsafe-no-fsync=true",
            "--log-level=warn",
        ]);
        self.launch("etcd", command)?;
        Ok(client_url)
    }

    fn start_apiserver(&self, pki: &Pki, port: u16, etcd: &str) -> Result<(), String> {
        let mut command = Command::new(&self.tools.kube_apiserver);
        command.args([
            &format!("--etcd-servers={etcd}"),
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            &format!("--secure-port={port}"),
            &format!("--cert-dir={}", self.dir.join("apiserver").display()),
            &format!("--tls-cert-file={}", pki.serving_cert.display()),
            &format!("--tls-private-key-file={}", pki.serving_key.display()),
            &format!("--client-ca-file={}", pki.ca_cert.display()),
            "--authorization-mode=RBAC",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            &format!(
                "--service-account-key-file={}",
                pki.service_account_public.display()
            ),
            &format!(
                "--service-account-signing-key-file={}",
                pki.service_account_private.display()
            ),
            "--service-cluster-ip-range=10.0.0.0/24",
            "--allow-privileged=true",
            // Endpoints may not hold a loopback address, so the reconciler of the `kubernetes`
            // Service would only log errors here.
            "--endpoint-reconciler-type=none",
        ]);
        self.launch("kube-apiserver", command)
    }

    fn start_controller_manager(
        &self,
        pki: &Pki,
        kubeconfig: &Path,
        port: u16,
    ) -> Result<(), String> {
        let kubeconfig = kubeconfig.display();
        let mut command = Command::new(&self.tools.kube_controller_manager);
        command.args([
            &format!("--kubeconfig={kubeconfig}"),
            &format!("--authentication-kubeconfig={kubeconfig}"),
            &format!("--authorization-kubeconfig={kubeconfig}"),
            "--bind-address=127.0.0.1",
            &format!("--secure-port={port}"),
            &format!(
                "--cert-dir={}",
                self.dir.join("controller-manager").display()
            ),
            "--leader-elect=false",
            // Each controller acts as its own service account, so RBAC is exercised as in a
            // real cluster rather than bypassed by one all-powerful identity.
            "--use-service-account-credentials=true",
            &format!(
                "--service-account-private-key-file={}",
                pki.service_account_private.display()
            ),
            &format!("--root-ca-file={}", pki.ca_cert.display()),
        ]);
        self.launch("kube-controller-manager", command)
    }

    fn launch(&self, name: &'static str, mut command: Command) -> Result<(), String> {
        let log = self.dir.join(format!("{name}.log"));
        let file = File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
        let stderr = file
            .try_clone()
            .map_err(|e| format!("{}: {e}", log.display()))?;
        command.stdin(Stdio::null()).stdout(file).stderr(stderr);

        let child = process::spawn(command).map_err(|e| format!("starting {name}: {e}"))?;
        self.lock_components().push(Component { name, child, log });
        Ok(())
    }

    async fn until_ready(&self, name: &str, path: &str, url: Option<&str>) -> Result<(), String> {
        let client = match url {
            None => self.client().await,
            Some(url) => insecure_client(url)?,
        };
        let started = Instant::now();
        loop {
            let request = http::Request::get(path)
                .body(Vec::new())
                .expect("static request");
            if client.request_text(request).await.is_ok() {
                return Ok(());
            }
            self.ensure_running()?;
            if started.elapsed() > STARTUP_DEADLINE {
                return Err(format!("{name} was not ready within {STARTUP_DEADLINE:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Pods need their namespace's `default` ServiceAccount, which kube-controller-manager
    /// creates; tests that make Pods right away would otherwise race it.
    async fn until_service_accounts_work(&self) -> Result<(), String> {
        let accounts: Api<ServiceAccount> = Api::namespaced(self.client().await, "default");
        let started = Instant::now();
        while accounts.get_opt("default").await.ok().flatten().is_none() {
            self.ensure_running()?;
            if started.elapsed() > STARTUP_DEADLINE {
                return Err("kube-controller-manager created no default ServiceAccount".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Fails with the end of a component's log when it has exited.
    fn ensure_running(&self) -> Result<(), String> {
        for component in self.lock_components().iter_mut() {
            if let Ok(Some(status)) = component.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}); the end of {}:\n{}",
                    component.name,
                    component.log.display(),
                    tail(&component.log, 30)
                ));
            }
        }
        Ok(())
    }

    fn lock_components(&self) -> std::sync::MutexGuard<'_, Vec<Component>> {
        self.components
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A kubeconfig with cluster-admin rights, for kubectl, helm and the operator.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// The folder for this test binary's scratch files, removed when it exits.
    pub fn scratch(&self) -> &Path {
        &self.dir
    }

    /// The pinned binaries this control plane runs.
    pub fn tools(&self) -> &Tools {
        &self.tools
    }

    /// A fresh client with cluster-admin rights. Make one per test: a client's background
    /// tasks belong to the runtime that created it.
    pub async fn client(&self) -> Client {
        let kubeconfig = Kubeconfig::read_from(&self.kubeconfig).expect("the harness kubeconfig");
        let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
            .await
            .expect("the harness kubeconfig is valid");
        Client::try_from(config).expect("a client for the harness kubeconfig")
    }

    /// Creates a namespace named after `purpose` and unique within this test binary.
    pub async fn namespace(&self, purpose: &str) -> TestNamespace {
        let client = self.client().await;
        let name = format!("{purpose}-{}", NAMESPACES.fetch_add(1, Ordering::Relaxed));
        let namespace: Namespace = serde_json::from_value(serde_json::json!({
            "metadata": { "name": name }
        }))
        .expect("a namespace");
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &namespace)
            .await
            .unwrap_or_else(|e| panic!("creating namespace {name}: {e}"));

        let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), &name);
        wait_until(
            &format!("namespace {name} has its default ServiceAccount"),
            || async { accounts.get_opt("default").await.ok().flatten() },
        )
        .await;
        TestNamespace { name, client }
    }

    /// Runs kubectl against this control plane and returns what it did.
    pub fn kubectl(&self, args: &[&str]) -> Output {
        self.run_tool(&self.tools.kubectl, args)
    }

    /// Applies `manifests` (YAML, several documents allowed) in `namespace` with kubectl, and
    /// panics with kubectl's error when it fails.
    pub fn apply_yaml(&self, namespace: &str, manifests: &str) {
        static FILES: AtomicUsize = AtomicUsize::new(0);
        let file = self.dir.join(format!(
            "manifest-{}.yaml",
            FILES.fetch_add(1, Ordering::Relaxed)
        ));
        fs::write(&file, manifests).expect("writing a manifest file");
        let path = file.to_str().expect("a UTF-8 scratch path");
        let output = self.kubectl(&["apply", "-n", namespace, "-f", path]);
        assert!(
            output.status.success(),
            "kubectl apply failed: {}\n{manifests}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Runs helm against this control plane, with its caches inside the scratch folder.
    pub fn helm(&self, args: &[&str]) -> Output {
        self.run_tool(&self.tools.helm, args)
    }

    fn run_tool(&self, binary: &Path, args: &[&str]) -> Output {
        let home = self.dir.join("home");
        Command::new(binary)
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", &home)
            .env("HELM_CACHE_HOME", home.join("helm-cache"))
            .env("HELM_CONFIG_HOME", home.join("helm-config"))
            .env("HELM_DATA_HOME", home.join("helm-data"))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", binary.display()))
    }
}

fn write_kubeconfig(
    path: &Path,
    server: &str,
    pki: &Pki,
    credentials: &ClientCredentials,
) -> Result<(), String> {
    let ca = fs::read(&pki.ca_cert).map_err(|e| format!("reading the CA: {e}"))?;
    let kubeconfig = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{ "name": "e2e", "cluster": {
            "server": server,
            "certificate-authority-data": base64(&ca),
        }}],
        "users": [{ "name": "e2e", "user": {
            "client-certificate-data": base64(credentials.cert_pem.as_bytes()),
            "client-key-data": base64(credentials.key_pem.as_bytes()),
        }}],
        "contexts": [{ "name": "e2e", "context": { "cluster": "e2e", "user": "e2e" } }],
        "current-context": "e2e",
    });
    // JSON is valid YAML, which is what kubectl, helm and kube-rs read.
    fs::write(path, kubeconfig.to_string()).map_err(|e| format!("{}: {e}", path.display()))
}

/// A client for a component's own HTTPS port, which serves a self-signed certificate and
/// answers health checks without credentials.
fn insecure_client(url: &str) -> Result<Client, String> {
    let mut config = Config::new(url.parse().map_err(|e| format!("{url}: {e}"))?);
    config.accept_invalid_certs = true;
    Client::try_from(config).map_err(|e| format!("a client for {url}: {e}"))
}

/// A port that was free a moment ago. Another process could take it before the component
/// binds it; on a test machine that race has not been seen, and it would fail loudly.
pub(crate) fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("finding a free loopback port: {e}"))
}

fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
