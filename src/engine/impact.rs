//! Which assets a change to one object can alter, so the controller re-evaluates exactly
//! those and no others. Every answer is computed for the object as it was and as it is,
//! because a changed selector or backend can both add and drop workloads.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};

use super::containers::template_containers;
use super::gateway_api::{self, Gateway, ReferenceGrant, Route};
use super::selector::{label_selector_matches, service_selects};
use super::snapshot::{ClusterObject, ObjectKey, Snapshot, WorkloadKey, controller_of};
use super::workload::{Workload, WorkloadKind, namespace_or_default};

/// The assets that `object`, as given, bears on in `snapshot`.
pub fn affected(snapshot: &Snapshot, object: &ClusterObject) -> BTreeSet<WorkloadKey> {
    match object {
        ClusterObject::Namespace(namespace) => {
            let name = namespace.metadata.name.as_deref().unwrap_or_default();
            snapshot
                .workloads_in(name)
                .map(|(key, _)| key.clone())
                .collect()
        }
        ClusterObject::Deployment(o) => own(WorkloadKind::Deployment, &o.metadata),
        ClusterObject::StatefulSet(o) => own(WorkloadKind::StatefulSet, &o.metadata),
        ClusterObject::DaemonSet(o) => own(WorkloadKind::DaemonSet, &o.metadata),
        ClusterObject::CronJob(o) => own(WorkloadKind::CronJob, &o.metadata),
        ClusterObject::Job(o) => controlled(WorkloadKind::Job, WorkloadKind::CronJob, &o.metadata),
        ClusterObject::ReplicaSet(o) => controlled(
            WorkloadKind::ReplicaSet,
            WorkloadKind::Deployment,
            &o.metadata,
        ),
        ClusterObject::Pod(pod) => snapshot.asset_of_pod(pod).into_iter().collect(),
        ClusterObject::Service(service) => {
            let mut affected = selected_by_service(snapshot, service);
            affected.extend(naming_service(snapshot, service));
            affected
        }
        ClusterObject::Ingress(ingress) => behind_ingress(snapshot, ingress),
        ClusterObject::NetworkPolicy(policy) => selected_by_policy(snapshot, policy),
        ClusterObject::Gateway(gateway) => behind_gateway(snapshot, gateway),
        ClusterObject::Route(route) => behind_route(snapshot, route),
        ClusterObject::ReferenceGrant(grant) => behind_grant(snapshot, grant),
    }
}

fn own(
    kind: WorkloadKind,
    metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> BTreeSet<WorkloadKey> {
    BTreeSet::from([WorkloadKey {
        namespace: namespace_or_default(metadata).to_string(),
        kind,
        name: metadata.name.clone().unwrap_or_default(),
    }])
}

/// A Job or ReplicaSet stands for its CronJob or Deployment when one controls it.
fn controlled(
    kind: WorkloadKind,
    usual_controller: WorkloadKind,
    metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> BTreeSet<WorkloadKey> {
    match controller_of(metadata).filter(|c| c.kind == usual_controller.as_str()) {
        Some(controller) => BTreeSet::from([WorkloadKey {
            namespace: namespace_or_default(metadata).to_string(),
            kind: usual_controller,
            name: controller.name,
        }]),
        None => own(kind, metadata),
    }
}

fn selected_by_service(snapshot: &Snapshot, service: &Service) -> BTreeSet<WorkloadKey> {
    let namespace = namespace_or_default(&service.metadata);
    let selector = service
        .spec
        .as_ref()
        .and_then(|spec| spec.selector.as_ref());
    snapshot
        .workloads_in(namespace)
        .filter(|(_, workload)| service_selects(selector, workload.pod_labels()))
        .map(|(key, _)| key.clone())
        .collect()
}

/// Workloads whose environment may name the Service: a dependency appears or disappears
/// with the Service it names. Any value containing the name counts here; the dependency step
/// decides what really is a reference.
fn naming_service(snapshot: &Snapshot, service: &Service) -> BTreeSet<WorkloadKey> {
    let Some(name) = service
        .metadata
        .name
        .as_deref()
        .filter(|name| !name.is_empty())
    else {
        return BTreeSet::new();
    };
    snapshot
        .workloads()
        .filter(|(_, workload)| env_values(workload).any(|value| value.contains(name)))
        .map(|(key, _)| key.clone())
        .collect()
}

fn env_values(workload: &Workload) -> impl Iterator<Item = &str> {
    template_containers(workload)
        .flat_map(|(container, _)| container.env.iter().flatten())
        .filter_map(|variable| variable.value.as_deref())
}

fn selected_by_services(snapshot: &Snapshot, keys: BTreeSet<ObjectKey>) -> BTreeSet<WorkloadKey> {
    keys.iter()
        .filter_map(|key| snapshot.service(key))
        .flat_map(|service| selected_by_service(snapshot, service))
        .collect()
}

fn behind_ingress(snapshot: &Snapshot, ingress: &Ingress) -> BTreeSet<WorkloadKey> {
    let namespace = namespace_or_default(&ingress.metadata);
    let Some(spec) = ingress.spec.as_ref() else {
        return BTreeSet::new();
    };

    let rules = spec
        .rules
        .iter()
        .flatten()
        .filter_map(|rule| rule.http.as_ref());
    let paths = rules
        .flat_map(|http| http.paths.iter())
        .map(|path| &path.backend);
    let backends = paths.chain(spec.default_backend.as_ref());
    let services = backends
        .filter_map(|backend| backend.service.as_ref())
        .map(|service| ObjectKey::new(namespace, &service.name))
        .collect();

    selected_by_services(snapshot, services)
}

fn selected_by_policy(snapshot: &Snapshot, policy: &NetworkPolicy) -> BTreeSet<WorkloadKey> {
    let namespace = namespace_or_default(&policy.metadata);
    let selector = policy
        .spec
        .as_ref()
        .and_then(|spec| spec.pod_selector.as_ref());
    snapshot
        .workloads_in(namespace)
        .filter(|(_, workload)| {
            selector.is_none_or(|selector| label_selector_matches(selector, workload.pod_labels()))
        })
        .map(|(key, _)| key.clone())
        .collect()
}

fn behind_gateway(snapshot: &Snapshot, gateway: &Gateway) -> BTreeSet<WorkloadKey> {
    let key = ObjectKey::of(&gateway.metadata);
    snapshot
        .routes()
        .filter(|route| attaches_to(route, &key))
        .flat_map(|route| behind_route(snapshot, route))
        .collect()
}

fn attaches_to(route: &Route, gateway: &ObjectKey) -> bool {
    let namespace = namespace_or_default(&route.metadata);
    route.spec.parent_refs.iter().any(|parent| {
        let is_gateway = parent.kind.as_deref().unwrap_or("Gateway") == "Gateway"
            && parent.group.as_deref().unwrap_or(gateway_api::GROUP) == gateway_api::GROUP;
        let parent_namespace = parent.namespace.as_deref().unwrap_or(namespace);
        is_gateway && parent.name == gateway.name && parent_namespace == gateway.namespace
    })
}

/// Every Service a route names, granted or not: whether a ReferenceGrant admits a backend is
/// for the entrypoint step to decide, and a workload re-evaluated needlessly costs one
/// comparison.
fn behind_route(snapshot: &Snapshot, route: &Route) -> BTreeSet<WorkloadKey> {
    let namespace = namespace_or_default(&route.metadata);
    let services = route
        .spec
        .rules
        .iter()
        .flat_map(|rule| rule.backend_refs.iter())
        .filter(|backend| {
            backend.group.as_deref().unwrap_or("").is_empty()
                && backend.kind.as_deref().unwrap_or("Service") == "Service"
        })
        .map(|backend| {
            let backend_namespace = backend.namespace.as_deref().unwrap_or(namespace);
            ObjectKey::new(backend_namespace, &backend.name)
        })
        .collect();
    selected_by_services(snapshot, services)
}

/// A grant changes which routes from other namespaces reach the Services of its own.
fn behind_grant(snapshot: &Snapshot, grant: &ReferenceGrant) -> BTreeSet<WorkloadKey> {
    let namespace = namespace_or_default(&grant.metadata);
    snapshot
        .routes()
        .filter(|route| namespace_or_default(&route.metadata) != namespace)
        .flat_map(|route| behind_route(snapshot, route))
        .filter(|key| key.namespace == namespace)
        .collect()
}
