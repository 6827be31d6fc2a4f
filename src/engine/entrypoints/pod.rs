//! Entrypoints the pods open themselves, with no Service: the node's own network
//! (`hostNetwork`) and ports bound on the node (`hostPort`). Both reach whatever can reach the
//! node, so both are External; whether the nodes face the internet is not shown by any object
//! read here.
//!
//! A `hostIP` on a port narrows the address the node binds it to (`127.0.0.1` keeps it on the
//! node itself); the port still counts as External, since the objects show no more than that
//! the node opens it.

use k8s_openapi::api::core::v1::{ContainerPort, PodSpec};

use crate::api::{Authentication, Entrypoint, Exposure};
use crate::engine::snapshot::ObjectKey;
use crate::engine::workload::Workload;

/// The entrypoints `workload`'s pods open on their node, sorted by kind.
///
/// - `hostNetwork: true` gives one `HostNetwork` entrypoint listing every container port.
///   Kubernetes then defaults each port's `hostPort` to its `containerPort`, so such pods read
///   from the API show host ports that manifests do not; the `HostNetwork` entrypoint stands
///   for them, and no `HostPort` entrypoint is added, so both sources give the same answer.
/// - Otherwise, container ports with a `hostPort` give one `HostPort` entrypoint listing the
///   host ports.
///
/// Init containers count: a sidecar declared as an init container serves for the pod's life.
pub fn entrypoints(workload: &Workload) -> Vec<Entrypoint> {
    let Some(spec) = workload.template.spec.as_ref() else {
        return Vec::new();
    };
    let name = ObjectKey::new(workload.namespace(), workload.name()).to_string();

    let entrypoint = if spec.host_network == Some(true) {
        Some(host_network(name, spec))
    } else {
        host_ports(name, spec)
    };

    let mut entrypoints: Vec<Entrypoint> = entrypoint.into_iter().collect();
    entrypoints.sort_by(|a, b| order(a).cmp(&order(b)));
    entrypoints
}

fn order(entrypoint: &Entrypoint) -> (&str, &str, Option<&str>) {
    let service = entrypoint.service.as_deref();
    (&entrypoint.kind, &entrypoint.name, service)
}

fn host_network(name: String, spec: &PodSpec) -> Entrypoint {
    let ports = sorted(container_ports(spec).map(|port| port.container_port));
    node_entrypoint("HostNetwork", name, ports, "pod shares the node's network")
}

fn host_ports(name: String, spec: &PodSpec) -> Option<Entrypoint> {
    let bound = container_ports(spec).filter_map(|port| port.host_port);
    // hostPort 0 is how the API writes "not bound on the node".
    let ports = sorted(bound.filter(|port| *port > 0));

    let reason = "container ports bound on the node with hostPort";
    (!ports.is_empty()).then(|| node_entrypoint("HostPort", name, ports, reason))
}

fn node_entrypoint(kind: &str, name: String, ports: Vec<i32>, reason: &str) -> Entrypoint {
    Entrypoint {
        kind: kind.to_string(),
        name,
        scope: Exposure::External,
        reason: reason.to_string(),
        service: None,
        gateway: None,
        hosts: Vec::new(),
        ports,
        tls: false,
        authentication: Authentication::Unknown,
    }
}

fn container_ports(spec: &PodSpec) -> impl Iterator<Item = &ContainerPort> {
    let init = spec.init_containers.iter().flatten();
    let containers = spec.containers.iter().chain(init);
    containers.flat_map(|container| container.ports.iter().flatten())
}

fn sorted(ports: impl Iterator<Item = i32>) -> Vec<i32> {
    let mut ports: Vec<i32> = ports.collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::testing::{deployment, parse};

    fn workload(manifest: Value) -> Workload {
        Workload::from_deployment(parse(manifest))
    }

    /// The Deployment `edge/agent` running a pod with this spec.
    fn agent(pod_spec: Value) -> Workload {
        let agent = deployment("edge", "agent", json!({ "app": "agent" }), pod_spec);
        Workload::from_deployment(agent)
    }

    fn only(pod_spec: Value) -> Entrypoint {
        let mut found = entrypoints(&agent(pod_spec));
        assert_eq!(found.len(), 1, "expected exactly one entrypoint: {found:?}");
        found.remove(0)
    }

    #[test]
    fn host_network_is_external_with_every_container_port() {
        let found = only(json!({
            "hostNetwork": true,
            "initContainers": [{
                "name": "proxy", "image": "envoy:1.30", "restartPolicy": "Always",
                "ports": [{ "containerPort": 15001 }]
            }],
            "containers": [
                { "name": "agent", "image": "agent:2", "ports": [
                    { "containerPort": 9100 },
                    { "containerPort": 8125, "protocol": "UDP" },
                    { "containerPort": 8125 }
                ] },
                { "name": "logs", "image": "fluent-bit:3" }
            ]
        }));

        assert_eq!(found.kind, "HostNetwork");
        assert_eq!(found.name, "edge/agent");
        assert_eq!(found.scope, Exposure::External);
        assert_eq!(found.reason, "pod shares the node's network");
        assert_eq!(found.ports, vec![8125, 9100, 15001]);
        assert_eq!(found.service, None);
        assert!(found.hosts.is_empty());
        assert!(!found.tls);
        assert_eq!(found.authentication, Authentication::Unknown);
    }

    #[test]
    fn host_network_without_ports_still_opens_the_node_network() {
        let found = only(json!({
            "hostNetwork": true,
            "containers": [{ "name": "agent", "image": "agent:2" }]
        }));

        assert_eq!(found.kind, "HostNetwork");
        assert!(found.ports.is_empty());
    }

    #[test]
    fn host_network_with_defaulted_host_ports_opens_only_the_host_network() {
        let found = only(json!({
            "hostNetwork": true,
            "containers": [{ "name": "agent", "image": "agent:2", "ports": [
                { "containerPort": 9100, "hostPort": 9100 }
            ] }]
        }));

        assert_eq!(found.kind, "HostNetwork");
        assert_eq!(found.ports, vec![9100]);
    }

    #[test]
    fn host_network_false_opens_nothing_by_itself() {
        let found = entrypoints(&agent(json!({
            "hostNetwork": false,
            "containers": [{ "name": "agent", "image": "agent:2", "ports": [
                { "containerPort": 9100 }
            ] }]
        })));

        assert!(found.is_empty());
    }

    #[test]
    fn host_ports_open_one_entrypoint_listing_them() {
        let found = only(json!({
            "initContainers": [{
                "name": "setup", "image": "setup:1",
                "ports": [{ "containerPort": 8443, "hostPort": 443 }]
            }],
            "containers": [{ "name": "ingress", "image": "nginx:1.27", "ports": [
                { "containerPort": 8080, "hostPort": 80 },
                { "containerPort": 8080, "hostPort": 80, "protocol": "UDP" },
                { "containerPort": 10254 }
            ] }]
        }));

        assert_eq!(found.kind, "HostPort");
        assert_eq!(found.name, "edge/agent");
        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "container ports bound on the node with hostPort"
        );
        assert_eq!(found.ports, vec![80, 443]);
        assert_eq!(found.authentication, Authentication::Unknown);
    }

    #[test]
    fn container_ports_without_host_port_open_nothing() {
        let found = entrypoints(&agent(json!({
            "containers": [{ "name": "agent", "image": "agent:2", "ports": [
                { "containerPort": 9100 },
                { "containerPort": 9101, "hostPort": 0 }
            ] }]
        })));

        assert!(found.is_empty());
    }

    #[test]
    fn workload_without_namespace_is_named_in_default() {
        let workload = workload(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": { "name": "agent" },
            "spec": {
                "selector": { "matchLabels": { "app": "agent" } },
                "template": {
                    "metadata": { "labels": { "app": "agent" } },
                    "spec": { "hostNetwork": true, "containers": [{ "name": "a", "image": "a" }] }
                }
            }
        }));

        assert_eq!(entrypoints(&workload)[0].name, "default/agent");
    }
}
