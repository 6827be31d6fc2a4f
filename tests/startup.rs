//! What `appasset run` says when the cluster is not ready for it. This binary's control plane
//! never gets the AppAsset CRD.

use std::process::Stdio;
use std::time::Duration;

use appasset_harness::control_plane;

#[tokio::test]
async fn run_without_the_crd_exits_and_says_how_to_install_it() {
    let cp = control_plane();

    let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_appasset"))
        .args(["run", "--metrics-address=127.0.0.1:0"])
        .env("KUBECONFIG", cp.kubeconfig())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .expect("appasset run exits instead of waiting for a CRD")
        .expect("appasset run starts");

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("appassets.appasset.io is not installed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("appasset crd | kubectl apply -f -"),
        "{stderr}"
    );
}
