//! Which assets a change to one object can alter, so the controller re-evaluates exactly
//! those and no others. Every answer is computed for the object as it was and as it is,
//! because a changed selector or backend can both add and drop workloads.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};

use super::containers::template_containers;
use super::gateway_api::{Gateway, ReferenceGrant, Route};
use super::selector::{label_selector_matches, service_selects};
use super::snapshot::{
    ClusterObject, ObjectKey, Snapshot, WorkloadKey, controller_of, grants_cluster_admin,
};
use super::workload::{Workload, WorkloadKind, namespace_or_default};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;

/// The assets that `object`, as given, bears on in `snapshot`.
pub fn affected(snapshot: &Snapshot, object: &ClusterObject) -> BTreeSet<WorkloadKey> {
    match object {
        ClusterObject::Namespace(namespace) => in_namespace(snapshot, namespace),
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
        ClusterObject::ClusterRoleBinding(binding) => bound_to_cluster_admin(snapshot, binding),
        // A policy may select assets by classification, which only the assessment knows.
        ClusterObject::AssetPolicy(_) => snapshot.workloads().map(|(key, _)| key.clone()).collect(),
    }
}

/// A namespace's labels and annotations bear on its own workloads (owner, classification),
/// and on the workloads behind its routes wherever they run: a Gateway may admit routes by
/// namespace labels.
fn in_namespace(
    snapshot: &Snapshot,
    namespace: &k8s_openapi::api::core::v1::Namespace,
) -> BTreeSet<WorkloadKey> {
    let name = namespace.metadata.name.as_deref().unwrap_or_default();
    let mut affected: BTreeSet<WorkloadKey> = snapshot
        .workloads_in(name)
        .map(|(key, _)| key.clone())
        .collect();
    let routes = snapshot
        .routes()
        .filter(|route| namespace_or_default(&route.metadata) == name);
    affected.extend(routes.flat_map(|route| behind_route(snapshot, route)));
    affected
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
    // Host names are case-insensitive, and the dependency step reads them so.
    let name = name.to_ascii_lowercase();
    let names_it = |value: &str| value.to_ascii_lowercase().contains(&name);
    snapshot
        .workloads()
        .filter(|(_, workload)| env_values(workload).any(names_it))
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
    let parents = route.spec.parent_refs.iter();
    parents
        .filter_map(|parent| parent.gateway(namespace))
        .any(|key| key == *gateway)
}

/// Every Service a route names, granted or not: whether a ReferenceGrant admits a backend is
/// for the entrypoint step to decide, and a workload re-evaluated needlessly costs one
/// comparison.
fn behind_route(snapshot: &Snapshot, route: &Route) -> BTreeSet<WorkloadKey> {
    let namespace = namespace_or_default(&route.metadata);
    let backends = route
        .spec
        .rules
        .iter()
        .flat_map(|rule| rule.backend_refs.iter());
    let services = backends
        .filter_map(|backend| backend.service(namespace))
        .collect();
    selected_by_services(snapshot, services)
}

/// A binding to cluster-admin bears on every workload of the namespaces its ServiceAccount
/// subjects live in (all namespaces for the group of every ServiceAccount); which of their
/// pods run as the bound account is for the risk step to decide.
fn bound_to_cluster_admin(
    snapshot: &Snapshot,
    binding: &ClusterRoleBinding,
) -> BTreeSet<WorkloadKey> {
    if !grants_cluster_admin(binding) {
        return BTreeSet::new();
    }
    let subjects = binding.subjects.iter().flatten();
    let mut namespaces = BTreeSet::new();
    for subject in subjects {
        match (subject.kind.as_str(), subject.name.as_str()) {
            ("Group", "system:serviceaccounts") => {
                return snapshot.workloads().map(|(key, _)| key.clone()).collect();
            }
            ("Group", group) => namespaces.extend(
                group
                    .strip_prefix("system:serviceaccounts:")
                    .map(str::to_string),
            ),
            ("ServiceAccount", _) => namespaces.extend(subject.namespace.clone()),
            _ => {}
        }
    }
    let in_namespaces = namespaces
        .iter()
        .flat_map(|namespace| snapshot.workloads_in(namespace));
    in_namespaces.map(|(key, _)| key.clone()).collect()
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::api::Exposure;
    use crate::engine::asset::assess;
    use crate::engine::dependencies::dependencies;
    use crate::engine::settings::Settings;
    use crate::engine::testing::{
        self, controller, job, namespace, parse, replica_set, route, service, snapshot,
        workload_key,
    };

    fn deployment_key(namespace: &str, name: &str) -> WorkloadKey {
        workload_key(namespace, WorkloadKind::Deployment, name)
    }

    /// Deployment `namespace/name`, pods labelled `app: <name>` and `tier: <tier>`, listening
    /// on 8080, its container's environment `env`.
    fn deployment_with(namespace: &str, name: &str, tier: &str, env: Value) -> ClusterObject {
        let pod_spec = json!({ "containers": [{
            "name": "server",
            "image": format!("registry.example/{name}:1.0"),
            "ports": [{ "containerPort": 8080 }],
            "env": env
        }] });
        let pod_labels = json!({ "app": name, "tier": tier });
        ClusterObject::Deployment(testing::deployment(namespace, name, pod_labels, pod_spec))
    }

    fn deployment(namespace: &str, name: &str) -> ClusterObject {
        deployment_with(namespace, name, "backend", json!([]))
    }

    /// Service `namespace/name` selecting the pods of Deployment `name`.
    fn service_for(namespace: &str, name: &str) -> ClusterObject {
        service(namespace, name, json!({ "app": name }))
    }

    /// HTTPRoute `namespace/name` attached to Gateway infra/public, sending traffic to
    /// `backend_refs`.
    fn http_route(namespace: &str, name: &str, backend_refs: Value) -> ClusterObject {
        route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": name, "namespace": namespace },
            "spec": {
                "parentRefs": [{ "name": "public", "namespace": "infra" }],
                "rules": [{ "backendRefs": backend_refs }]
            }
        }))
    }

    /// Gateway infra/`name` with one HTTP listener admitting routes from `namespaces`.
    fn gateway(name: &str, namespaces: Value) -> ClusterObject {
        ClusterObject::Gateway(parse(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": name, "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": namespaces }
                }]
            }
        })))
    }

    /// ReferenceGrant in shop letting HTTPRoutes of `from_namespace` reach its Services.
    fn grant_in_shop(from_namespace: &str) -> ClusterObject {
        ClusterObject::ReferenceGrant(parse(json!({
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": { "name": "routes", "namespace": "shop" },
            "spec": {
                "from": [{
                    "group": "gateway.networking.k8s.io",
                    "kind": "HTTPRoute",
                    "namespace": from_namespace
                }],
                "to": [{ "group": "", "kind": "Service" }]
            }
        })))
    }

    fn set<const N: usize>(keys: [WorkloadKey; N]) -> BTreeSet<WorkloadKey> {
        BTreeSet::from(keys)
    }

    #[test]
    fn namespace_bears_on_every_workload_in_it() {
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "api"),
            deployment("shop-2", "web"),
        ]);

        let affected = affected(&snapshot, &namespace("shop", json!({})));

        assert_eq!(
            affected,
            set([deployment_key("shop", "api"), deployment_key("shop", "web")])
        );
    }

    #[test]
    fn namespace_label_change_bears_on_workloads_behind_its_routes_in_other_namespaces() {
        // Gateway infra/public admits routes only from namespaces labelled expose=public. The
        // HTTPRoute in edge sends traffic to Service shop/web, granted by a ReferenceGrant in
        // shop. Labelling namespace edge attaches the route, and Deployment shop/web becomes
        // reachable from the internet: its asset changes, though it lives in shop.
        let selector = json!({
            "from": "Selector",
            "selector": { "matchLabels": { "expose": "public" } }
        });
        let backend = json!([{ "name": "web", "namespace": "shop", "port": 80 }]);
        let mut snapshot = snapshot(vec![
            namespace("edge", json!({})),
            gateway("public", selector),
            http_route("edge", "web", backend),
            grant_in_shop("edge"),
            service_for("shop", "web"),
            deployment("shop", "web"),
        ]);
        let web = deployment_key("shop", "web");
        let exposure = |snapshot: &Snapshot| {
            let now = parse(json!("2025-01-01T00:00:00Z"));
            let asset =
                assess(&web, snapshot, &Settings::default(), &now).expect("web is an asset");
            asset.status.and_then(|status| status.exposure)
        };
        assert_eq!(exposure(&snapshot), Some(Exposure::Cluster));

        let affected = snapshot.apply(namespace("edge", json!({ "expose": "public" })));

        assert_eq!(exposure(&snapshot), Some(Exposure::Internet));
        assert!(
            affected.contains(&web),
            "labelling namespace edge changed the exposure of {web}, but only {affected:?} \
             were returned"
        );
    }

    #[test]
    fn deployment_bears_on_its_own_asset() {
        let snapshot = Snapshot::default();

        let affected = affected(&snapshot, &deployment("shop", "web"));

        assert_eq!(affected, set([deployment_key("shop", "web")]));
    }

    #[test]
    fn stateful_set_bears_on_its_own_asset() {
        let stateful_set = ClusterObject::StatefulSet(parse(json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": { "name": "db", "namespace": "shop" },
            "spec": {
                "serviceName": "db",
                "selector": { "matchLabels": { "app": "db" } },
                "template": {
                    "metadata": { "labels": { "app": "db" } },
                    "spec": { "containers": [{ "name": "postgres", "image": "postgres:16" }] }
                }
            }
        })));

        let affected = affected(&Snapshot::default(), &stateful_set);

        assert_eq!(
            affected,
            set([workload_key("shop", WorkloadKind::StatefulSet, "db")])
        );
    }

    #[test]
    fn daemon_set_bears_on_its_own_asset() {
        let daemon_set = ClusterObject::DaemonSet(parse(json!({
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": { "name": "node-exporter", "namespace": "monitoring" },
            "spec": {
                "selector": { "matchLabels": { "app": "node-exporter" } },
                "template": {
                    "metadata": { "labels": { "app": "node-exporter" } },
                    "spec": { "containers": [{
                        "name": "exporter",
                        "image": "quay.io/prometheus/node-exporter:v1.8.2"
                    }] }
                }
            }
        })));

        let affected = affected(&Snapshot::default(), &daemon_set);

        let node_exporter = workload_key("monitoring", WorkloadKind::DaemonSet, "node-exporter");
        assert_eq!(affected, set([node_exporter]));
    }

    #[test]
    fn cron_job_bears_on_its_own_asset() {
        let cron_job = ClusterObject::CronJob(parse(json!({
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": { "name": "report", "namespace": "shop" },
            "spec": {
                "schedule": "0 3 * * *",
                "jobTemplate": { "spec": { "template": { "spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [{ "name": "report", "image": "shop/report:1.0" }]
                } } } }
            }
        })));

        let affected = affected(&Snapshot::default(), &cron_job);

        assert_eq!(
            affected,
            set([workload_key("shop", WorkloadKind::CronJob, "report")])
        );
    }

    #[test]
    fn job_of_a_cron_job_bears_on_the_cron_job() {
        let owner = controller("batch/v1", "CronJob", "report");

        let affected = affected(&Snapshot::default(), &job("shop", "report-28910400", owner));

        assert_eq!(
            affected,
            set([workload_key("shop", WorkloadKind::CronJob, "report")])
        );
    }

    #[test]
    fn job_without_a_cron_job_bears_on_itself() {
        let affected = affected(&Snapshot::default(), &job("shop", "migrate", json!([])));

        assert_eq!(
            affected,
            set([workload_key("shop", WorkloadKind::Job, "migrate")])
        );
    }

    #[test]
    fn replica_set_of_a_deployment_bears_on_the_deployment() {
        let owner = controller("apps/v1", "Deployment", "web");

        let affected = affected(
            &Snapshot::default(),
            &replica_set("shop", "web-7d4b9c8f6", owner),
        );

        assert_eq!(affected, set([deployment_key("shop", "web")]));
    }

    #[test]
    fn replica_set_of_another_controller_bears_on_itself() {
        let owner = controller("argoproj.io/v1alpha1", "Rollout", "web");

        let affected = affected(
            &Snapshot::default(),
            &replica_set("shop", "web-6f9c7d5b8", owner),
        );

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web-6f9c7d5b8");
        assert_eq!(affected, set([replica_set]));
    }

    fn pod(name: &str, owner_references: Value) -> ClusterObject {
        ClusterObject::Pod(parse(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": { "name": name, "namespace": "shop", "ownerReferences": owner_references },
            "spec": { "containers": [{ "name": "main", "image": "shop/web:1.0" }] }
        })))
    }

    #[test]
    fn pod_bears_on_the_asset_it_belongs_to() {
        let deployment_owner = controller("apps/v1", "Deployment", "web");
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            replica_set("shop", "web-7d4b9c8f6", deployment_owner),
        ]);
        let owner = controller("apps/v1", "ReplicaSet", "web-7d4b9c8f6");

        let affected = affected(&snapshot, &pod("web-7d4b9c8f6-x2x9k", owner));

        assert_eq!(affected, set([deployment_key("shop", "web")]));
    }

    #[test]
    fn uncontrolled_pod_bears_on_itself() {
        let affected = affected(&Snapshot::default(), &pod("debug", json!([])));

        assert_eq!(
            affected,
            set([workload_key("shop", WorkloadKind::Pod, "debug")])
        );
    }

    #[test]
    fn service_bears_on_the_workloads_it_selects() {
        let snapshot = snapshot(vec![
            deployment_with("shop", "web", "frontend", json!([])),
            deployment_with("shop", "admin", "frontend", json!([])),
            deployment_with("shop", "api", "backend", json!([])),
            deployment_with("shop-2", "web", "frontend", json!([])),
        ]);

        let affected = affected(
            &snapshot,
            &service("shop", "frontends", json!({ "tier": "frontend" })),
        );

        assert_eq!(
            affected,
            set([
                deployment_key("shop", "admin"),
                deployment_key("shop", "web")
            ])
        );
    }

    #[test]
    fn service_without_a_selector_bears_on_no_workload() {
        let snapshot = snapshot(vec![deployment("shop", "web")]);
        let manual = ClusterObject::Service(parse(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": "legacy-db", "namespace": "shop" },
            "spec": { "ports": [{ "port": 5432 }] }
        })));

        assert!(affected(&snapshot, &manual).is_empty());
    }

    #[test]
    fn service_bears_on_workloads_naming_it_in_env_values() {
        let env = json!([
            { "name": "ORDERS_URL", "value": "http://orders.shop.svc.cluster.local:8080" }
        ]);
        let snapshot = snapshot(vec![
            deployment("shop", "orders"),
            deployment_with("web", "checkout", "frontend", env),
            deployment("web", "catalog"),
        ]);

        let affected = affected(&snapshot, &service_for("shop", "orders"));

        assert_eq!(
            affected,
            set([
                deployment_key("shop", "orders"),
                deployment_key("web", "checkout"),
            ])
        );
    }

    #[test]
    fn service_named_in_an_upper_case_env_value_bears_on_the_workload() {
        // Host names are case-insensitive, and the dependency step lower-cases them: a
        // workload with CART_ADDR=CARTSERVICE:7070 depends on Service cartservice. Its asset
        // changes when that Service comes or goes.
        let env = json!([{ "name": "CART_ADDR", "value": "CARTSERVICE:7070" }]);
        let mut snapshot = snapshot(vec![deployment_with("shop", "checkout", "backend", env)]);
        let cart = service("shop", "cartservice", json!({ "app": "cart" }));
        snapshot.insert(cart.clone());
        let checkout = deployment_key("shop", "checkout");
        let workload = snapshot.workload(&checkout).expect("checkout is stored");
        assert_eq!(dependencies(workload, &snapshot).len(), 1);

        let affected = affected(&snapshot, &cart);

        assert_eq!(affected, set([checkout]));
    }

    #[test]
    fn ingress_bears_on_workloads_behind_its_backend_services() {
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "api"),
            deployment("shop", "admin"),
            deployment("shop", "fallback"),
            service_for("shop", "web"),
            service_for("shop", "api"),
            service_for("shop", "admin"),
            service_for("shop", "fallback"),
        ]);
        let ingress = ClusterObject::Ingress(parse(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": { "name": "shop", "namespace": "shop" },
            "spec": {
                "ingressClassName": "nginx",
                "defaultBackend": { "service": { "name": "fallback", "port": { "number": 80 } } },
                "rules": [{
                    "host": "shop.example.com",
                    "http": { "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": { "service": { "name": "web", "port": { "number": 80 } } }
                        },
                        {
                            "path": "/api",
                            "pathType": "Prefix",
                            "backend": { "service": { "name": "api", "port": { "number": 80 } } }
                        }
                    ] }
                }]
            }
        })));

        let affected = affected(&snapshot, &ingress);

        assert_eq!(
            affected,
            set([
                deployment_key("shop", "api"),
                deployment_key("shop", "fallback"),
                deployment_key("shop", "web"),
            ])
        );
    }

    fn network_policy(pod_selector: Value) -> ClusterObject {
        ClusterObject::NetworkPolicy(parse(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": "policy", "namespace": "shop" },
            "spec": { "podSelector": pod_selector, "policyTypes": ["Ingress"] }
        })))
    }

    #[test]
    fn network_policy_bears_on_the_workloads_its_pod_selector_selects() {
        let snapshot = snapshot(vec![
            deployment_with("shop", "web", "frontend", json!([])),
            deployment_with("shop", "api", "backend", json!([])),
            deployment_with("shop", "db", "data", json!([])),
            deployment_with("shop-2", "api", "backend", json!([])),
        ]);
        let policy = network_policy(json!({
            "matchExpressions": [
                { "key": "tier", "operator": "In", "values": ["backend", "data"] }
            ]
        }));

        let affected = affected(&snapshot, &policy);

        assert_eq!(
            affected,
            set([deployment_key("shop", "api"), deployment_key("shop", "db")])
        );
    }

    #[test]
    fn network_policy_with_an_empty_pod_selector_bears_on_every_workload_of_its_namespace() {
        let snapshot = snapshot(vec![
            deployment_with("shop", "web", "frontend", json!([])),
            deployment_with("shop", "api", "backend", json!([])),
            deployment_with("shop-2", "api", "backend", json!([])),
        ]);

        let affected = affected(&snapshot, &network_policy(json!({})));

        assert_eq!(
            affected,
            set([deployment_key("shop", "api"), deployment_key("shop", "web")])
        );
    }

    #[test]
    fn gateway_bears_on_workloads_behind_routes_attached_to_it() {
        let to_internal = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "admin", "namespace": "shop" },
            "spec": {
                "parentRefs": [{ "name": "internal", "namespace": "infra" }],
                "rules": [{ "backendRefs": [{ "name": "admin", "port": 80 }] }]
            }
        }));
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "admin"),
            service_for("shop", "web"),
            service_for("shop", "admin"),
            http_route("shop", "web", json!([{ "name": "web", "port": 80 }])),
            to_internal,
        ]);

        let affected = affected(&snapshot, &gateway("public", json!({ "from": "All" })));

        assert_eq!(affected, set([deployment_key("shop", "web")]));
    }

    #[test]
    fn route_bears_on_workloads_behind_its_backend_services_in_any_namespace() {
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("edge", "web"),
            deployment("edge", "docs"),
            service_for("shop", "web"),
            service_for("edge", "web"),
            service_for("edge", "docs"),
        ]);
        let backends = json!([
            { "name": "web", "namespace": "shop", "port": 80 },
            { "name": "docs", "port": 80 }
        ]);

        let affected = affected(&snapshot, &http_route("edge", "site", backends));

        assert_eq!(
            affected,
            set([
                deployment_key("edge", "docs"),
                deployment_key("shop", "web")
            ])
        );
    }

    #[test]
    fn route_backend_of_another_kind_bears_on_nothing() {
        let snapshot = snapshot(vec![deployment("shop", "web"), service_for("shop", "web")]);
        let backends = json!([{
            "group": "multicluster.x-k8s.io",
            "kind": "ServiceImport",
            "name": "web",
            "port": 80
        }]);

        let affected = affected(&snapshot, &http_route("shop", "web", backends));

        assert!(affected.is_empty());
    }

    #[test]
    fn reference_grant_bears_on_workloads_of_its_namespace_behind_routes_from_other_namespaces() {
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "api"),
            deployment("edge", "docs"),
            service_for("shop", "web"),
            service_for("shop", "api"),
            service_for("edge", "docs"),
            http_route(
                "edge",
                "site",
                json!([
                    { "name": "web", "namespace": "shop", "port": 80 },
                    { "name": "docs", "port": 80 }
                ]),
            ),
            // A route of shop's own needs no grant to reach shop's Services.
            http_route("shop", "api", json!([{ "name": "api", "port": 80 }])),
        ]);

        let affected = affected(&snapshot, &grant_in_shop("edge"));

        assert_eq!(affected, set([deployment_key("shop", "web")]));
    }
}
