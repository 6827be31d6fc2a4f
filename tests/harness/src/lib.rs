//! A real Kubernetes control plane for end-to-end tests: etcd, kube-apiserver and
//! kube-controller-manager built from pinned Go modules (see `tests/controlplane/build.sh`),
//! started on free loopback ports once per test binary, with a fresh namespace per test.
//!
//! There is no kubelet and no scheduler: Pods are stored but never run. Everything an
//! operator sees through the API (watches, server-side apply, CRDs, RBAC, garbage collection,
//! namespace finalization, the workload controllers) is the real thing.

mod control_plane;
mod operator;
mod pki;
mod process;
mod tools;
mod wait;

pub use control_plane::{ControlPlane, TestNamespace, control_plane};
pub use operator::{Operator, http_get};
pub use tools::Tools;
pub use wait::wait_until;
