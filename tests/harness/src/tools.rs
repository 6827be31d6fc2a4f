//! Finds the pinned control-plane binaries in the cache that `tests/controlplane/build.sh`
//! fills.

use std::path::{Path, PathBuf};

const VERSIONS: &str = include_str!("../../controlplane/versions.env");

/// Paths of the real binaries the tests run.
#[derive(Debug, Clone)]
pub struct Tools {
    /// etcd, the API server's storage.
    pub etcd: PathBuf,
    /// kube-apiserver.
    pub kube_apiserver: PathBuf,
    /// kube-controller-manager: workload controllers, garbage collector, namespace deletion.
    pub kube_controller_manager: PathBuf,
    /// kubectl, as a user would run it.
    pub kubectl: PathBuf,
    /// helm, as a user would run it.
    pub helm: PathBuf,
    /// The folder of Gateway API's CRD manifests (standard channel), for `kubectl apply -f`.
    pub gateway_api_crds: PathBuf,
    /// The pinned Kubernetes version, such as `v1.37.2`.
    pub kubernetes_version: String,
}

impl Tools {
    /// Locates every binary, or explains which one is missing and how to build it.
    pub fn locate() -> Result<Tools, String> {
        let root = tools_dir();
        let kubernetes_version = pinned("KUBERNETES_VERSION");
        let kubernetes = root.join(format!("kubernetes-{kubernetes_version}"));
        let etcd = root.join(format!("etcd-{}", pinned("ETCD_VERSION")));
        let helm = root.join(format!("helm-{}", pinned("HELM_VERSION")));
        let gateway_api = root.join(format!("gateway-api-{}", pinned("GATEWAY_API_VERSION")));

        let tools = Tools {
            etcd: etcd.join("etcd"),
            kube_apiserver: kubernetes.join("kube-apiserver"),
            kube_controller_manager: kubernetes.join("kube-controller-manager"),
            kubectl: kubernetes.join("kubectl"),
            helm: helm.join("helm"),
            gateway_api_crds: gateway_api.clone(),
            kubernetes_version,
        };

        for binary in [
            &tools.etcd,
            &tools.kube_apiserver,
            &tools.kube_controller_manager,
            &tools.kubectl,
            &tools.helm,
            &gateway_api.join("gateway.networking.k8s.io_httproutes.yaml"),
        ] {
            ensure_built(binary)?;
        }
        Ok(tools)
    }
}

/// The cache the build script writes to: `$APPASSET_TOOLS_DIR`, or
/// `~/.cache/appasset-operator/tools`.
fn tools_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("APPASSET_TOOLS_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/appasset-operator/tools")
}

fn pinned(key: &str) -> String {
    VERSIONS
        .lines()
        .filter_map(|line| line.split_once('='))
        .find(|(name, _)| name.trim() == key)
        .map(|(_, value)| value.trim().to_string())
        .unwrap_or_else(|| panic!("tests/controlplane/versions.env does not pin {key}"))
}

/// A binary counts only inside a folder the build script finished (it writes `.complete`
/// last), so a build that was interrupted is never mistaken for a usable one.
fn ensure_built(binary: &Path) -> Result<(), String> {
    let folder = binary.parent().expect("binary paths have a folder");
    if binary.is_file() && folder.join(".complete").is_file() {
        return Ok(());
    }
    Err(format!(
        "{} is missing: the end-to-end tests run against real control-plane binaries built \
         from pinned Go modules. Build them with `tests/controlplane/build.sh` (about 20 \
         minutes on 2 cores the first time, nothing afterwards), or run every test with \
         `tests/run`, which builds them first.",
        binary.display()
    ))
}
