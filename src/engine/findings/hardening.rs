//! Hardening outside the Pod Security Standards: the service account token every pod gets by
//! default (`sa-token-automount`), and resource limits (`no-resource-limits`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::FindingId;
use super::pod::{Member, Role, members, pod_spec};
use crate::api::Finding;
use crate::engine::workload::Workload;

/// The resources whose limits a container should set.
const LIMITED: [&str; 2] = ["cpu", "memory"];

/// The hardening findings of the workload's pods.
pub(super) fn findings(workload: &Workload) -> Vec<Finding> {
    let Some(spec) = pod_spec(workload) else {
        return Vec::new();
    };

    let mut found: Vec<Finding> = token_automount(spec).into_iter().collect();
    let members = members(workload);
    found.extend(members.iter().filter_map(missing_limits));
    found
}

/// `sa-token-automount`: the pod spec does not set `automountServiceAccountToken: false`,
/// so every pod gets an API token that an intruder can use against the cluster.
///
/// Only the pod spec is read. A ServiceAccount can opt out for every pod that runs as it,
/// and the pod inherits that when it says nothing, but ServiceAccounts are not among the
/// facts; such a pod is reported, and setting the field on the pod spec settles it.
fn token_automount(spec: &PodSpec) -> Option<Finding> {
    if spec.automount_service_account_token == Some(false) {
        return None;
    }

    // serviceAccount is the deprecated spelling the API still honours when the other is unset.
    let account = spec
        .service_account_name
        .as_deref()
        .or(spec.service_account.as_deref())
        .filter(|name| !name.is_empty())
        .unwrap_or("default");

    let message = format!(
        "the pods mount a token of service account {account} \
         (automountServiceAccountToken is not false)"
    );
    Some(FindingId::SaTokenAutomount.finding(message))
}

/// `no-resource-limits`: a container without a cpu or memory limit can starve its neighbours
/// on the node. A namespace's LimitRange may fill in defaults at admission; those are not
/// among the facts, so only what the workload states is judged. Ephemeral containers are
/// skipped: the API allows them no resources.
fn missing_limits(member: &Member) -> Option<Finding> {
    if member.role == Role::Ephemeral {
        return None;
    }

    let limits = member
        .resources
        .and_then(|resources| resources.limits.as_ref());
    let missing: Vec<&str> = LIMITED
        .into_iter()
        .filter(|resource| !limits.is_some_and(|limits| sets(limits, resource)))
        .collect();
    if missing.is_empty() {
        return None;
    }

    let message = format!("{} sets no {} limit", member.label(), missing.join(" or "));
    Some(FindingId::NoResourceLimits.finding(message))
}

fn sets(limits: &BTreeMap<String, Quantity>, resource: &str) -> bool {
    limits
        .get(resource)
        .is_some_and(|quantity| !quantity.0.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Asset;
    use crate::api::Severity;
    use serde_json::{Value, json};

    /// Deployment shop/web with one container, `app`, limited to `limits`.
    fn limited(limits: Value) -> Asset {
        Asset::deployment(json!({
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "resources": { "requests": { "cpu": "100m" }, "limits": limits },
            }],
        }))
    }

    #[test]
    fn the_service_account_token_is_mounted_unless_the_pod_opts_out() {
        let asset = Asset::deployment(json!({
            "serviceAccountName": "web",
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        let found = asset.findings_of("sa-token-automount");

        assert_eq!(found[0].severity, Severity::Low);
        assert_eq!(
            found[0].message,
            "the pods mount a token of service account web (automountServiceAccountToken is \
             not false)"
        );
    }

    #[test]
    fn pods_without_a_service_account_run_as_default() {
        let asset = Asset::deployment(json!({
            "automountServiceAccountToken": true,
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert!(asset.messages_of("sa-token-automount")[0].contains("service account default"));
    }

    #[test]
    fn opting_out_on_the_pod_is_fine() {
        let asset = Asset::deployment(json!({
            "automountServiceAccountToken": false,
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert!(asset.findings_of("sa-token-automount").is_empty());
    }

    #[test]
    fn cpu_and_memory_limits_are_fine() {
        let asset = limited(json!({ "cpu": "500m", "memory": "256Mi" }));

        assert!(asset.findings_of("no-resource-limits").is_empty());
    }

    #[test]
    fn a_missing_memory_limit_is_named() {
        let asset = limited(json!({ "cpu": "500m" }));

        assert_eq!(
            asset.messages_of("no-resource-limits"),
            ["container app sets no memory limit"]
        );
    }

    #[test]
    fn requests_alone_are_no_limits() {
        let asset = limited(json!({}));

        assert_eq!(
            asset.messages_of("no-resource-limits"),
            ["container app sets no cpu or memory limit"]
        );
    }

    #[test]
    fn init_containers_need_limits_too() {
        let asset = Asset::deployment(json!({
            "initContainers": [{ "name": "migrate", "image": "shop/migrate:1.0" }],
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "resources": { "limits": { "cpu": "1", "memory": "1Gi" } },
            }],
        }));

        assert_eq!(
            asset.messages_of("no-resource-limits"),
            ["init container migrate sets no cpu or memory limit"]
        );
    }
}
