//! How far a workload is reachable, all paths and NetworkPolicy taken together.
//!
//! Each entrypoint first gets the scope its own object gives it; then NetworkPolicy narrows
//! the paths that cross the pod network:
//! - a default deny with no allow blocks every path, because traffic from a Service, an
//!   ingress controller or a load balancer reaches the pod over the pod network too;
//! - a policy that admits only some sources narrows in-cluster paths to Restricted, but leaves
//!   External and Internet paths as they are: whether the admitted sources include the load
//!   balancer or ingress controller depends on addresses the objects do not show, and
//!   overstating exposure is the safer mistake;
//! - `hostNetwork` pods bypass NetworkPolicy entirely.

use crate::api::{Entrypoint, Exposure};

use super::network_policy::{IngressIsolation, IngressVerdict};
use super::workload::Workload;

/// The kind of entrypoint a `hostNetwork` pod opens; NetworkPolicy does not apply to it.
const HOST_NETWORK: &str = "HostNetwork";

/// Narrows each entrypoint's scope by what NetworkPolicy admits, saying so in its reason.
pub fn apply_network_policy(entrypoints: &mut [Entrypoint], isolation: &IngressIsolation) {
    for entrypoint in entrypoints.iter_mut().filter(|e| e.kind != HOST_NETWORK) {
        let narrowed = narrow(entrypoint.scope, isolation.verdict);
        if narrowed != entrypoint.scope {
            entrypoint.reason = format!(
                "{}; narrowed to {narrowed} by NetworkPolicy {}",
                entrypoint.reason,
                isolation.policies.join(", ")
            );
            entrypoint.scope = narrowed;
        }
    }
}

/// The asset's exposure: the highest scope over its entrypoints, or for a workload reached
/// by none, what its own declared ports allow.
pub fn exposure(
    workload: &Workload,
    entrypoints: &[Entrypoint],
    isolation: &IngressIsolation,
) -> Exposure {
    let direct = direct_scope(workload, isolation.verdict);
    let paths = entrypoints.iter().map(|entrypoint| entrypoint.scope);
    paths.chain([direct]).max().unwrap_or(Exposure::Isolated)
}

/// Any pod can connect to a pod's declared ports by its IP, Service or not. A workload that
/// declares no port and has no Service is Isolated: nothing is known to listen.
fn direct_scope(workload: &Workload, verdict: IngressVerdict) -> Exposure {
    if declares_ports(workload) {
        narrow(Exposure::Cluster, verdict)
    } else {
        Exposure::Isolated
    }
}

/// Paths from outside the cluster keep their scope under a partial policy (see the module
/// documentation).
fn narrow(scope: Exposure, verdict: IngressVerdict) -> Exposure {
    match verdict {
        IngressVerdict::Open => scope,
        IngressVerdict::Restricted if scope >= Exposure::External => scope,
        IngressVerdict::Restricted => scope.min(Exposure::Restricted),
        IngressVerdict::Isolated => Exposure::Isolated,
    }
}

fn declares_ports(workload: &Workload) -> bool {
    let Some(spec) = workload.template.spec.as_ref() else {
        return false;
    };
    let init = spec.init_containers.iter().flatten();
    spec.containers.iter().chain(init).any(|container| {
        container
            .ports
            .as_ref()
            .is_some_and(|ports| !ports.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Authentication;
    use crate::engine::testing::deployment;
    use serde_json::json;

    fn workload(ports: bool) -> Workload {
        let ports = if ports {
            json!([{ "containerPort": 8080 }])
        } else {
            json!([])
        };
        let container = json!({ "name": "web", "image": "web:1", "ports": ports });
        let pod_spec = json!({ "containers": [container] });
        Workload::from_deployment(deployment("shop", "web", json!({ "app": "web" }), pod_spec))
    }

    fn entrypoint(kind: &str, scope: Exposure) -> Entrypoint {
        Entrypoint {
            kind: kind.to_string(),
            name: "shop/web".to_string(),
            scope,
            reason: "test".to_string(),
            service: None,
            gateway: None,
            hosts: Vec::new(),
            ports: vec![80],
            tls: false,
            authentication: Authentication::Unknown,
        }
    }

    fn isolation(verdict: IngressVerdict) -> IngressIsolation {
        let policies = match verdict {
            IngressVerdict::Open => Vec::new(),
            _ => vec!["deny-all".to_string()],
        };
        IngressIsolation { verdict, policies }
    }

    #[test]
    fn declared_ports_without_a_service_are_reachable_from_the_cluster() {
        let open = isolation(IngressVerdict::Open);
        assert_eq!(exposure(&workload(true), &[], &open), Exposure::Cluster);
    }

    #[test]
    fn no_port_and_no_service_is_isolated() {
        let open = isolation(IngressVerdict::Open);
        assert_eq!(exposure(&workload(false), &[], &open), Exposure::Isolated);
    }

    #[test]
    fn the_highest_path_wins() {
        let paths = [
            entrypoint("Service", Exposure::Cluster),
            entrypoint("Service", Exposure::Internet),
            entrypoint("HostPort", Exposure::External),
        ];
        let open = isolation(IngressVerdict::Open);
        assert_eq!(exposure(&workload(true), &paths, &open), Exposure::Internet);
    }

    #[test]
    fn a_partial_policy_restricts_in_cluster_paths() {
        let mut paths = [entrypoint("Service", Exposure::Cluster)];
        let restricted = isolation(IngressVerdict::Restricted);

        apply_network_policy(&mut paths, &restricted);

        assert_eq!(paths[0].scope, Exposure::Restricted);
        assert!(
            paths[0].reason.contains("NetworkPolicy deny-all"),
            "{}",
            paths[0].reason
        );
        assert_eq!(
            exposure(&workload(true), &paths, &restricted),
            Exposure::Restricted
        );
    }

    #[test]
    fn a_partial_policy_leaves_internet_paths_internet() {
        let mut paths = [entrypoint("Service", Exposure::Internet)];
        let restricted = isolation(IngressVerdict::Restricted);

        apply_network_policy(&mut paths, &restricted);

        assert_eq!(paths[0].scope, Exposure::Internet);
        assert_eq!(
            exposure(&workload(true), &paths, &restricted),
            Exposure::Internet
        );
    }

    #[test]
    fn a_default_deny_blocks_every_path_over_the_pod_network() {
        let mut paths = [entrypoint("Ingress", Exposure::Internet)];
        let denied = isolation(IngressVerdict::Isolated);

        apply_network_policy(&mut paths, &denied);

        assert_eq!(paths[0].scope, Exposure::Isolated);
        assert_eq!(
            exposure(&workload(true), &paths, &denied),
            Exposure::Isolated
        );
    }

    #[test]
    fn host_network_ignores_network_policy() {
        let mut paths = [entrypoint("HostNetwork", Exposure::External)];
        let denied = isolation(IngressVerdict::Isolated);

        apply_network_policy(&mut paths, &denied);

        assert_eq!(
            exposure(&workload(true), &paths, &denied),
            Exposure::External
        );
    }
}
