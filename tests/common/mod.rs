//! What the end-to-end tests of the operator share: the CRDs installed as a user would, an
//! operator limited to one test's namespace, and waiting on AppAssets.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use appasset_harness::{ControlPlane, Operator, TestNamespace, control_plane, wait_until};
use appasset_operator::api::{AppAsset, Exposure};
use kube::api::{Api, ListParams};

pub const APPASSET: &str = env!("CARGO_BIN_EXE_appasset");

pub fn repository(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn corpus(path: &str) -> PathBuf {
    repository("../shared/corpus/online-boutique").join(path)
}

/// The control plane with the AppAsset CRD installed from `crds/`, as a user would.
pub fn cluster() -> &'static ControlPlane {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    let cp = control_plane();
    INSTALLED.get_or_init(|| {
        let crds = repository("crds");
        succeed(cp.kubectl(&["apply", "--server-side", "-f", crds.to_str().unwrap()]));
        succeed(cp.kubectl(&[
            "wait",
            "--for=condition=Established",
            "crd/appassets.appasset.io",
            "crd/assetpolicies.appasset.io",
            "--timeout=60s",
        ]));
    });
    cp
}

pub fn succeed(output: std::process::Output) -> String {
    assert!(
        output.status.success(),
        "command failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn apply(cp: &ControlPlane, namespace: &str, file: &Path) {
    succeed(cp.kubectl(&["apply", "-n", namespace, "-f", file.to_str().unwrap()]));
}

/// An operator limited to the test's namespace, so tests running side by side never write
/// each other's assets.
pub async fn operator(cp: &ControlPlane, ns: &TestNamespace, extra: &[&str]) -> Operator {
    let namespaces = format!("--namespaces={}", ns.name);
    let mut args = vec![namespaces.as_str(), "--discovery-interval=1"];
    args.extend_from_slice(extra);
    Operator::start(cp, Path::new(APPASSET), &args).await
}

pub fn assets_api(ns: &TestNamespace) -> Api<AppAsset> {
    Api::namespaced(ns.client.clone(), &ns.name)
}

pub async fn assets(ns: &TestNamespace) -> Vec<AppAsset> {
    assets_api(ns)
        .list(&ListParams::default())
        .await
        .expect("listing AppAssets")
        .items
}

pub fn exposure(asset: &AppAsset) -> Option<Exposure> {
    asset.status.as_ref().and_then(|status| status.exposure)
}

/// Waits until the asset `name` has `expected` exposure, and returns it.
pub async fn asset_with_exposure(ns: &TestNamespace, name: &str, expected: Exposure) -> AppAsset {
    let api = assets_api(ns);
    wait_until(&format!("{name} in {} is {expected}", ns.name), || async {
        let asset = api.get_opt(name).await.ok().flatten()?;
        (exposure(&asset) == Some(expected)).then_some(asset)
    })
    .await
}

/// Waits until the asset `name` is gone.
pub async fn asset_gone(ns: &TestNamespace, name: &str) {
    let api = assets_api(ns);
    wait_until(&format!("{name} in {} is gone", ns.name), || async {
        api.get_opt(name).await.ok()?.is_none().then_some(())
    })
    .await
}

/// A Deployment named `name` whose pods carry `app: <app>`, listening on 8080, with
/// `annotations` on the Deployment.
pub fn deployment(name: &str, app: &str, annotations: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  annotations: {{{annotations}}}
spec:
  selector:
    matchLabels: {{app: {app}, name: {name}}}
  template:
    metadata:
      labels: {{app: {app}, name: {name}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{{containerPort: 8080}}]
"
    )
}

/// A Service named `name` of `kind` selecting pods with `app: <app>`.
pub fn service(name: &str, app: &str, kind: &str, annotations: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: {name}
  annotations: {{{annotations}}}
spec:
  type: {kind}
  selector: {{app: {app}}}
  ports: [{{port: 80, targetPort: 8080}}]
"
    )
}
