//! Entrypoints opened by Services: every Service of the workload's namespace whose selector
//! matches the workload's pods is one path, reaching as far as its type and its load balancer
//! let it.
//!
//! A Service works at layer 4: nothing in it shows whether the application behind it
//! authenticates its clients, so every entrypoint here has `Unknown` authentication.
//!
//! Only the Service object is read. How far a load balancer really reaches also depends on
//! what no Service shows: subnets, firewalls, security groups and the cloud controller's own
//! configuration (OpenStack's `internal-lb` option makes every load balancer internal, and an
//! NLB made by an AWS Load Balancer Controller older than v2.2 keeps its internet-facing
//! scheme when the annotation is absent). Where the object says nothing, a load balancer is
//! taken to face the internet.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Service, ServicePort};

use crate::api::{Authentication, Entrypoint, Exposure};
use crate::engine::address;
use crate::engine::selector::service_selects;
use crate::engine::snapshot::{ObjectKey, Snapshot};
use crate::engine::workload::{Workload, namespace_or_default};

/// In-tree AWS cloud provider: any value but `false` asks for an internal ELB or NLB.
const AWS_INTERNAL: &str = "service.beta.kubernetes.io/aws-load-balancer-internal";
/// AWS Load Balancer Controller: `internal` (its default) or `internet-facing`.
const AWS_SCHEME: &str = "service.beta.kubernetes.io/aws-load-balancer-scheme";
/// `external` or `nlb-ip` hands the Service to the AWS Load Balancer Controller.
const AWS_TYPE: &str = "service.beta.kubernetes.io/aws-load-balancer-type";
/// The `loadBalancerClass` of the AWS Load Balancer Controller.
const AWS_NLB_CLASS: &str = "service.k8s.aws/nlb";
/// A certificate the AWS load balancer terminates TLS with.
const AWS_SSL_CERT: &str = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
/// The ports that certificate covers; every port when absent, empty or `*`.
const AWS_SSL_PORTS: &str = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";
/// GKE reads the first of these that is present; the second is the older spelling.
const GKE_TYPE: [&str; 2] = [
    "networking.gke.io/load-balancer-type",
    "cloud.google.com/load-balancer-type",
];
/// The `loadBalancerClass` of GKE's internal passthrough Network Load Balancer.
const GKE_INTERNAL_CLASS: &str = "networking.gke.io/l4-regional-internal";
/// The annotation Kubernetes reads when `spec.loadBalancerSourceRanges` is empty.
const SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// An annotation that makes a cloud's own controller build an internal load balancer, and the
/// values that do so, compared as that controller compares them.
struct Marker {
    key: &'static str,
    is_internal: fn(&str) -> bool,
}

/// The internal-load-balancer annotations that take a single key, checked in this order. GKE's
/// two keys are read apart, in [`gke_marker`], because one shadows the other.
const MARKERS: [Marker; 5] = [
    Marker {
        key: AWS_INTERNAL,
        // The in-tree provider tests only for "false": "true" and a CIDR such as "0.0.0.0/0"
        // (the value its own early docs used) both make an internal load balancer.
        is_internal: |value| !value.is_empty() && value != "false",
    },
    Marker {
        key: "service.beta.kubernetes.io/azure-load-balancer-internal",
        is_internal: |value| value == "true",
    },
    Marker {
        key: "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        is_internal: |value| value == "private",
    },
    Marker {
        key: "service.beta.kubernetes.io/openstack-internal-load-balancer",
        is_internal: |value| value == "true",
    },
    Marker {
        key: "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type",
        // The classic load balancer spells it "intranet", the network load balancer "Intranet";
        // the controller accepts either case.
        is_internal: |value| value.eq_ignore_ascii_case("intranet"),
    },
];

/// The entrypoints the Services of `workload`'s namespace open to it: one per Service whose
/// selector matches the workload's pod labels, sorted by name.
///
/// An ExternalName Service is a DNS alias and selects no pods; a Service without a selector
/// sends traffic wherever its hand-made endpoints point, which is not judged here.
pub fn entrypoints(workload: &Workload, snapshot: &Snapshot) -> Vec<Entrypoint> {
    let mut entrypoints: Vec<Entrypoint> = snapshot
        .services_in(workload.namespace())
        .filter(|service| reaches(service, workload))
        .map(entrypoint)
        .collect();

    entrypoints.sort_by(|a, b| order(a).cmp(&order(b)));
    entrypoints
}

fn order(entrypoint: &Entrypoint) -> (&str, &str, Option<&str>) {
    let service = entrypoint.service.as_deref();
    (&entrypoint.kind, &entrypoint.name, service)
}

/// Whether `service` sends traffic to `workload`'s pods: it lives in the workload's namespace,
/// it is not an ExternalName alias, and its selector matches the pod template's labels.
pub(super) fn reaches(service: &Service, workload: &Workload) -> bool {
    let same_namespace = namespace_or_default(&service.metadata) == workload.namespace();
    let is_alias = service_type(service) == ServiceType::ExternalName;
    let selector = service
        .spec
        .as_ref()
        .and_then(|spec| spec.selector.as_ref());

    same_namespace && !is_alias && service_selects(selector, workload.pod_labels())
}

/// Reads a boolean the way Go's `strconv.ParseBool` does, as the cloud controllers written in
/// Go read their annotations; `None` for anything else.
pub(super) fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// The four Service types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
    ExternalName,
}

fn service_type(service: &Service) -> ServiceType {
    let type_ = service.spec.as_ref().and_then(|spec| spec.type_.as_deref());
    match type_ {
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        Some("ExternalName") => ServiceType::ExternalName,
        // ClusterIP is the default. A type the API server would refuse, from a file, is read
        // as the default rather than dropped, so the path still shows.
        _ => ServiceType::ClusterIp,
    }
}

fn entrypoint(service: &Service) -> Entrypoint {
    let reach = reach(service);

    Entrypoint {
        kind: "Service".to_string(),
        name: ObjectKey::of(&service.metadata).to_string(),
        scope: reach.scope,
        reason: reach.reason,
        service: None,
        gateway: None,
        hosts: Vec::new(),
        ports: ports(service),
        tls: terminates_tls(service),
        authentication: Authentication::Unknown,
    }
}

/// How far a path reaches, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reach {
    scope: Exposure,
    reason: String,
}

impl Reach {
    fn new(scope: Exposure, reason: impl Into<String>) -> Reach {
        Reach {
            scope,
            reason: reason.into(),
        }
    }
}

fn reach(service: &Service) -> Reach {
    let by_type = match service_type(service) {
        ServiceType::LoadBalancer => load_balancer_reach(service),
        ServiceType::NodePort => Reach::new(Exposure::External, "NodePort Service"),
        _ if is_headless(service) => Reach::new(Exposure::Cluster, "headless Service"),
        _ => Reach::new(Exposure::Cluster, "ClusterIP Service"),
    };

    if has_external_ips(service) && by_type.scope < Exposure::External {
        let reason = format!("{} with externalIPs", by_type.reason);
        return Reach::new(Exposure::External, reason);
    }
    by_type
}

fn is_headless(service: &Service) -> bool {
    let cluster_ip = service
        .spec
        .as_ref()
        .and_then(|spec| spec.cluster_ip.as_deref());
    cluster_ip == Some("None")
}

fn has_external_ips(service: &Service) -> bool {
    let external_ips = service
        .spec
        .as_ref()
        .and_then(|spec| spec.external_ips.as_ref());
    external_ips.is_some_and(|ips| !ips.is_empty())
}

/// A LoadBalancer Service also opens its node ports, which reach External; so an internal
/// load balancer leaves the Service External and a public one makes it Internet.
fn load_balancer_reach(service: &Service) -> Reach {
    let verdict = controller_verdict(service);

    if verdict.scope == Exposure::Internet && private_source_ranges(service) {
        let reason = "LoadBalancer Service open only to private loadBalancerSourceRanges";
        return Reach::new(Exposure::External, reason);
    }
    verdict
}

/// The verdict of whichever controller builds the load balancer. A `loadBalancerClass` hands
/// the Service to one named implementation, and the in-tree cloud providers then leave it
/// alone, so their annotations no longer count.
fn controller_verdict(service: &Service) -> Reach {
    let annotations = annotations(service);
    let class = service
        .spec
        .as_ref()
        .and_then(|spec| spec.load_balancer_class.as_deref());

    match class {
        Some(AWS_NLB_CLASS) => aws_controller_verdict(annotations),
        Some(GKE_INTERNAL_CLASS) => internal(format!("of class {GKE_INTERNAL_CLASS}")),
        Some(class) => public(format!("of class {class}, which shows no internal marker")),
        None if is_for_aws_controller(annotations) => aws_controller_verdict(annotations),
        None => in_tree_verdict(annotations),
    }
}

/// The in-tree AWS provider skips Services typed `external` or `nlb-ip`: the AWS Load
/// Balancer Controller builds those.
fn is_for_aws_controller(annotations: &BTreeMap<String, String>) -> bool {
    let type_ = annotations.get(AWS_TYPE).map(String::as_str);
    matches!(type_, Some("external" | "nlb-ip"))
}

/// The AWS Load Balancer Controller reads its scheme annotation first, then the older
/// `aws-load-balancer-internal` as a boolean, and builds an internal NLB when neither is set.
/// An unknown scheme makes it refuse the Service, which leaves only the node ports: External.
fn aws_controller_verdict(annotations: &BTreeMap<String, String>) -> Reach {
    if let Some(scheme) = annotations.get(AWS_SCHEME) {
        let detail = format!("with annotation {AWS_SCHEME} {scheme}");
        return if scheme == "internet-facing" {
            public(detail)
        } else {
            internal(detail)
        };
    }

    let legacy = annotations.get(AWS_INTERNAL);
    match legacy.map(|value| parse_go_bool(value)) {
        Some(Some(false)) => public(format!("with annotation {AWS_INTERNAL} false")),
        Some(_) => internal(format!("with annotation {AWS_INTERNAL}")),
        None => internal(
            "with scheme internal (the AWS Load Balancer Controller's default)".to_string(),
        ),
    }
}

fn in_tree_verdict(annotations: &BTreeMap<String, String>) -> Reach {
    let single_key = MARKERS.iter().find(|marker| {
        let value = annotations.get(marker.key);
        value.is_some_and(|value| (marker.is_internal)(value))
    });
    let marker = single_key
        .map(|marker| marker.key)
        .or_else(|| gke_marker(annotations));

    match marker {
        Some(key) => internal(format!("with annotation {key}")),
        None => public("without an internal marker".to_string()),
    }
}

/// GKE reads `networking.gke.io/load-balancer-type` and, only when it is absent, the older
/// `cloud.google.com/` key; `Internal` and the deprecated `internal` both mean internal.
fn gke_marker(annotations: &BTreeMap<String, String>) -> Option<&'static str> {
    let (key, value) = GKE_TYPE
        .into_iter()
        .find_map(|key| annotations.get(key).map(|value| (key, value)))?;

    matches!(value.as_str(), "Internal" | "internal").then_some(key)
}

fn internal(detail: String) -> Reach {
    Reach::new(Exposure::External, format!("LoadBalancer Service {detail}"))
}

fn public(detail: String) -> Reach {
    Reach::new(Exposure::Internet, format!("LoadBalancer Service {detail}"))
}

/// True when the load balancer admits only private sources. Kubernetes reads the spec field
/// and falls back on the older annotation only when the field is empty; an absent list means
/// `0.0.0.0/0`. A range that does not parse as a CIDR counts as public.
fn private_source_ranges(service: &Service) -> bool {
    let ranges = source_ranges(service);
    !ranges.is_empty() && ranges.iter().all(|range| address::is_private_range(range))
}

fn source_ranges(service: &Service) -> Vec<String> {
    let spec = service.spec.as_ref();
    let field = spec.and_then(|spec| spec.load_balancer_source_ranges.as_deref());
    let field = field.unwrap_or_default();
    if !field.is_empty() {
        return field.iter().map(|range| range.trim().to_string()).collect();
    }

    let annotation = annotations(service).get(SOURCE_RANGES);
    let listed = annotation.map(|value| value.split(',').map(str::trim));
    let listed = listed
        .into_iter()
        .flatten()
        .filter(|range| !range.is_empty());
    listed.map(str::to_string).collect()
}

/// The Service ports, and the node ports of a NodePort or LoadBalancer Service, sorted.
fn ports(service: &Service) -> Vec<i32> {
    let opens_node_ports = matches!(
        service_type(service),
        ServiceType::NodePort | ServiceType::LoadBalancer
    );

    let mut ports: Vec<i32> = service_ports(service)
        .iter()
        .flat_map(|port| {
            let node_port = port.node_port.filter(|_| opens_node_ports);
            std::iter::once(port.port).chain(node_port)
        })
        .collect();

    ports.sort_unstable();
    ports.dedup();
    ports
}

fn service_ports(service: &Service) -> &[ServicePort] {
    let ports = service.spec.as_ref().and_then(|spec| spec.ports.as_deref());
    ports.unwrap_or_default()
}

/// Whether the load balancer terminates TLS on every Service port. Only AWS shows this on the
/// Service: both its controllers terminate TLS with the certificate `aws-load-balancer-ssl-cert`
/// names, on the ports `aws-load-balancer-ssl-ports` lists by number or name.
fn terminates_tls(service: &Service) -> bool {
    let is_load_balancer = service_type(service) == ServiceType::LoadBalancer;
    let certificate = annotations(service).get(AWS_SSL_CERT);
    let has_certificate = certificate.is_some_and(|arn| !arn.trim().is_empty());

    is_load_balancer && has_certificate && tls_covers_every_port(service)
}

/// The in-tree provider splits the list on commas without trimming, so `"443, 8443"` covers
/// port 443 but not 8443; this reads it the same way.
fn tls_covers_every_port(service: &Service) -> bool {
    let listed = annotations(service).get(AWS_SSL_PORTS).map(String::as_str);
    let Some(listed) = listed.filter(|listed| !listed.is_empty() && *listed != "*") else {
        return true;
    };

    let listed: Vec<&str> = listed.split(',').collect();
    service_ports(service).iter().all(|port| {
        let by_number = listed.contains(&port.port.to_string().as_str());
        let by_name = port
            .name
            .as_deref()
            .is_some_and(|name| listed.contains(&name));
        by_number || by_name
    })
}

fn annotations(service: &Service) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    service.metadata.annotations.as_ref().unwrap_or(&EMPTY)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::snapshot::ClusterObject;
    use crate::engine::testing::{self, parse, running, snapshot, workload_key};
    use crate::engine::workload::WorkloadKind;

    /// Deployment `namespace/name` whose pods carry `labels`.
    fn deployment(namespace: &str, name: &str, labels: Value) -> ClusterObject {
        let deployment = testing::deployment(namespace, name, labels, running("shop/app:1.0"));
        ClusterObject::Deployment(deployment)
    }

    fn service(manifest: Value) -> ClusterObject {
        ClusterObject::Service(parse(manifest))
    }

    /// A snapshot holding the Deployment `shop/web` (pods labelled `app: web`) and `services`.
    fn shop(services: Vec<Value>) -> Snapshot {
        let web = deployment("shop", "web", json!({ "app": "web", "tier": "front" }));
        let services = services.into_iter().map(service);
        snapshot(std::iter::once(web).chain(services))
    }

    fn workload<'a>(snapshot: &'a Snapshot, namespace: &str, name: &str) -> &'a Workload {
        let key = workload_key(namespace, WorkloadKind::Deployment, name);
        snapshot
            .workload(&key)
            .expect("the test inserted this workload")
    }

    fn web_entrypoints(services: Vec<Value>) -> Vec<Entrypoint> {
        let snapshot = shop(services);
        entrypoints(workload(&snapshot, "shop", "web"), &snapshot)
    }

    fn only(services: Vec<Value>) -> Entrypoint {
        let mut found = web_entrypoints(services);
        assert_eq!(found.len(), 1, "expected exactly one entrypoint: {found:?}");
        found.remove(0)
    }

    /// A Service `shop/web` selecting the web pods, of `type_`, with `annotations`.
    fn web_service(type_: &str, annotations: Value) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": "web", "namespace": "shop", "annotations": annotations },
            "spec": {
                "type": type_,
                "selector": { "app": "web" },
                "ports": [{ "name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080 }]
            }
        })
    }

    fn load_balancer(annotations: Value) -> Value {
        web_service("LoadBalancer", annotations)
    }

    fn scope_of(manifest: Value) -> Exposure {
        only(vec![manifest]).scope
    }

    fn with_spec(mut manifest: Value, field: &str, value: Value) -> Value {
        manifest["spec"][field] = value;
        manifest
    }

    #[test]
    fn service_of_default_type_reaches_the_cluster() {
        let manifest = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": { "selector": { "app": "web" }, "ports": [{ "port": 80 }] }
        });

        let found = only(vec![manifest]);

        assert_eq!(found.kind, "Service");
        assert_eq!(found.name, "shop/web");
        assert_eq!(found.scope, Exposure::Cluster);
        assert_eq!(found.reason, "ClusterIP Service");
        assert_eq!(found.service, None);
        assert!(found.hosts.is_empty());
        assert_eq!(found.ports, vec![80]);
        assert!(!found.tls);
        assert_eq!(found.authentication, Authentication::Unknown);
    }

    #[test]
    fn cluster_ip_service_leaves_out_a_stray_node_port() {
        let found = only(vec![web_service("ClusterIP", json!({}))]);

        assert_eq!(found.ports, vec![80]);
    }

    #[test]
    fn headless_service_reaches_the_cluster() {
        let manifest = with_spec(
            web_service("ClusterIP", json!({})),
            "clusterIP",
            json!("None"),
        );

        let found = only(vec![manifest]);

        assert_eq!(found.scope, Exposure::Cluster);
        assert_eq!(found.reason, "headless Service");
    }

    #[test]
    fn external_name_service_selects_no_pods() {
        let manifest = web_service("ExternalName", json!({}));
        let manifest = with_spec(manifest, "externalName", json!("db.example.com"));

        assert!(web_entrypoints(vec![manifest]).is_empty());
    }

    #[test]
    fn service_selecting_other_labels_opens_nothing() {
        let manifest = with_spec(
            web_service("ClusterIP", json!({})),
            "selector",
            json!({ "app": "api" }),
        );

        assert!(web_entrypoints(vec![manifest]).is_empty());
    }

    #[test]
    fn service_without_selector_opens_nothing() {
        let mut manifest = web_service("ClusterIP", json!({}));
        manifest["spec"]
            .as_object_mut()
            .expect("spec is an object")
            .remove("selector");

        assert!(web_entrypoints(vec![manifest]).is_empty());
    }

    #[test]
    fn service_in_another_namespace_does_not_match() {
        let mut manifest = web_service("ClusterIP", json!({}));
        manifest["metadata"]["namespace"] = json!("billing");

        assert!(web_entrypoints(vec![manifest]).is_empty());
    }

    #[test]
    fn service_without_namespace_reaches_workloads_of_default() {
        let mut snapshot = Snapshot::default();
        snapshot.insert(deployment("default", "web", json!({ "app": "web" })));
        let mut manifest = web_service("ClusterIP", json!({}));
        manifest["metadata"]
            .as_object_mut()
            .expect("metadata is an object")
            .remove("namespace");
        snapshot.insert(service(manifest));

        let found = entrypoints(workload(&snapshot, "default", "web"), &snapshot);

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "default/web");
    }

    #[test]
    fn service_selecting_several_deployments_reaches_each() {
        let mut snapshot = shop(vec![with_spec(
            web_service("ClusterIP", json!({})),
            "selector",
            json!({ "tier": "front" }),
        )]);
        snapshot.insert(deployment("shop", "web-canary", json!({ "tier": "front" })));
        snapshot.insert(deployment("shop", "api", json!({ "tier": "back" })));

        let reached = |name: &str| entrypoints(workload(&snapshot, "shop", name), &snapshot);

        assert_eq!(reached("web").len(), 1);
        assert_eq!(reached("web-canary").len(), 1);
        assert_eq!(reached("web-canary")[0].name, "shop/web");
        assert!(reached("api").is_empty());
    }

    #[test]
    fn entrypoints_are_sorted_by_service_name() {
        let mut second = web_service("ClusterIP", json!({}));
        second["metadata"]["name"] = json!("web-admin");
        let mut first = web_service("ClusterIP", json!({}));
        first["metadata"]["name"] = json!("a-web");

        let names: Vec<String> = web_entrypoints(vec![second, first])
            .into_iter()
            .map(|entrypoint| entrypoint.name)
            .collect();

        assert_eq!(names, vec!["shop/a-web", "shop/web-admin"]);
    }

    #[test]
    fn node_port_service_is_external_and_lists_its_node_ports() {
        let found = only(vec![web_service("NodePort", json!({}))]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(found.reason, "NodePort Service");
        assert_eq!(found.ports, vec![80, 30080]);
    }

    #[test]
    fn external_ips_make_a_cluster_ip_service_external() {
        let manifest = with_spec(
            web_service("ClusterIP", json!({})),
            "externalIPs",
            json!(["203.0.113.7"]),
        );

        let found = only(vec![manifest]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(found.reason, "ClusterIP Service with externalIPs");
    }

    #[test]
    fn empty_external_ips_leave_a_service_in_the_cluster() {
        let manifest = with_spec(
            web_service("ClusterIP", json!({})),
            "externalIPs",
            json!([]),
        );

        assert_eq!(scope_of(manifest), Exposure::Cluster);
    }

    #[test]
    fn external_ips_do_not_lower_a_public_load_balancer() {
        let manifest = with_spec(load_balancer(json!({})), "externalIPs", json!(["10.0.0.9"]));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn load_balancer_without_internal_marker_faces_the_internet() {
        let found = only(vec![load_balancer(json!({}))]);

        assert_eq!(found.scope, Exposure::Internet);
        assert_eq!(
            found.reason,
            "LoadBalancer Service without an internal marker"
        );
    }

    #[test]
    fn load_balancer_lists_service_and_node_ports_sorted_once() {
        let manifest = with_spec(
            load_balancer(json!({})),
            "ports",
            json!([
                { "name": "https", "port": 443, "nodePort": 30443 },
                { "name": "http", "port": 80, "nodePort": 30080 },
                { "name": "http-udp", "port": 80, "protocol": "UDP", "nodePort": 30081 }
            ]),
        );

        assert_eq!(
            only(vec![manifest]).ports,
            vec![80, 443, 30080, 30081, 30443]
        );
    }

    #[test]
    fn aws_internal_true_is_external() {
        let found = only(vec![load_balancer(json!({ AWS_INTERNAL: "true" }))]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "LoadBalancer Service with annotation \
             service.beta.kubernetes.io/aws-load-balancer-internal"
        );
    }

    #[test]
    fn aws_internal_cidr_is_external() {
        let manifest = load_balancer(json!({ AWS_INTERNAL: "0.0.0.0/0" }));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn aws_internal_false_faces_the_internet() {
        let manifest = load_balancer(json!({ AWS_INTERNAL: "false" }));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn aws_controller_type_defaults_to_an_internal_scheme() {
        let found = only(vec![load_balancer(json!({ AWS_TYPE: "external" }))]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "LoadBalancer Service with scheme internal \
             (the AWS Load Balancer Controller's default)"
        );
    }

    #[test]
    fn aws_controller_nlb_ip_type_defaults_to_an_internal_scheme() {
        let manifest = load_balancer(json!({ AWS_TYPE: "nlb-ip" }));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn aws_controller_scheme_internet_facing_faces_the_internet() {
        let found = only(vec![load_balancer(json!({
            AWS_TYPE: "external",
            AWS_SCHEME: "internet-facing"
        }))]);

        assert_eq!(found.scope, Exposure::Internet);
        assert_eq!(
            found.reason,
            "LoadBalancer Service with annotation \
             service.beta.kubernetes.io/aws-load-balancer-scheme internet-facing"
        );
    }

    #[test]
    fn aws_controller_scheme_internal_is_external() {
        let manifest = load_balancer(json!({ AWS_TYPE: "external", AWS_SCHEME: "internal" }));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn aws_controller_class_defaults_to_an_internal_scheme() {
        let manifest = with_spec(
            load_balancer(json!({})),
            "loadBalancerClass",
            json!(AWS_NLB_CLASS),
        );

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn aws_controller_class_with_internet_facing_scheme_faces_the_internet() {
        let manifest = load_balancer(json!({ AWS_SCHEME: "internet-facing" }));
        let manifest = with_spec(manifest, "loadBalancerClass", json!(AWS_NLB_CLASS));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn aws_controller_reads_legacy_internal_false_as_internet_facing() {
        let manifest = load_balancer(json!({ AWS_TYPE: "external", AWS_INTERNAL: "false" }));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn aws_scheme_annotation_alone_does_not_reach_the_in_tree_provider() {
        let manifest = load_balancer(json!({ AWS_SCHEME: "internal" }));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn gke_load_balancer_type_internal_is_external() {
        let found = only(vec![load_balancer(json!({
            "networking.gke.io/load-balancer-type": "Internal"
        }))]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "LoadBalancer Service with annotation networking.gke.io/load-balancer-type"
        );
    }

    #[test]
    fn gke_load_balancer_type_external_faces_the_internet() {
        let manifest = load_balancer(json!({ "networking.gke.io/load-balancer-type": "External" }));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn gke_legacy_load_balancer_type_internal_is_external() {
        let manifest = load_balancer(json!({ "cloud.google.com/load-balancer-type": "Internal" }));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn gke_legacy_lower_case_internal_is_external() {
        let manifest = load_balancer(json!({ "cloud.google.com/load-balancer-type": "internal" }));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn gke_new_annotation_shadows_the_legacy_one() {
        let manifest = load_balancer(json!({
            "networking.gke.io/load-balancer-type": "External",
            "cloud.google.com/load-balancer-type": "Internal"
        }));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn gke_internal_load_balancer_class_is_external() {
        let manifest = with_spec(
            load_balancer(json!({})),
            "loadBalancerClass",
            json!("networking.gke.io/l4-regional-internal"),
        );

        let found = only(vec![manifest]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "LoadBalancer Service of class networking.gke.io/l4-regional-internal"
        );
    }

    #[test]
    fn other_load_balancer_class_ignores_in_tree_markers() {
        let manifest = load_balancer(json!({
            "service.beta.kubernetes.io/azure-load-balancer-internal": "true"
        }));
        let manifest = with_spec(manifest, "loadBalancerClass", json!("example.com/edge"));

        let found = only(vec![manifest]);

        assert_eq!(found.scope, Exposure::Internet);
        assert_eq!(
            found.reason,
            "LoadBalancer Service of class example.com/edge, which shows no internal marker"
        );
    }

    #[test]
    fn azure_internal_true_is_external() {
        let annotations =
            json!({ "service.beta.kubernetes.io/azure-load-balancer-internal": "true" });

        assert_eq!(scope_of(load_balancer(annotations)), Exposure::External);
    }

    #[test]
    fn azure_internal_false_faces_the_internet() {
        let annotations =
            json!({ "service.beta.kubernetes.io/azure-load-balancer-internal": "false" });

        assert_eq!(scope_of(load_balancer(annotations)), Exposure::Internet);
    }

    #[test]
    fn ibm_private_ip_type_is_external() {
        let annotations =
            json!({ "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": "private" });

        assert_eq!(scope_of(load_balancer(annotations)), Exposure::External);
    }

    #[test]
    fn ibm_public_ip_type_faces_the_internet() {
        let annotations =
            json!({ "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": "public" });

        assert_eq!(scope_of(load_balancer(annotations)), Exposure::Internet);
    }

    #[test]
    fn openstack_internal_true_is_external() {
        let annotations =
            json!({ "service.beta.kubernetes.io/openstack-internal-load-balancer": "true" });

        assert_eq!(scope_of(load_balancer(annotations)), Exposure::External);
    }

    #[test]
    fn openstack_internal_false_faces_the_internet() {
        let annotations =
            json!({ "service.beta.kubernetes.io/openstack-internal-load-balancer": "false" });

        assert_eq!(scope_of(load_balancer(annotations)), Exposure::Internet);
    }

    #[test]
    fn alibaba_intranet_address_type_is_external() {
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type";

        assert_eq!(
            scope_of(load_balancer(json!({ key: "intranet" }))),
            Exposure::External
        );
        assert_eq!(
            scope_of(load_balancer(json!({ key: "Intranet" }))),
            Exposure::External
        );
    }

    #[test]
    fn alibaba_internet_address_type_faces_the_internet() {
        let key = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type";

        assert_eq!(
            scope_of(load_balancer(json!({ key: "internet" }))),
            Exposure::Internet
        );
    }

    #[test]
    fn private_source_ranges_make_a_load_balancer_external() {
        let ranges = json!([
            "10.0.0.0/8",
            "172.20.0.0/16",
            "192.168.1.0/24",
            "100.64.0.0/10",
            "127.0.0.1/32",
            "fd00:1234::/32",
            "::1/128"
        ]);
        let manifest = with_spec(load_balancer(json!({})), "loadBalancerSourceRanges", ranges);

        let found = only(vec![manifest]);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "LoadBalancer Service open only to private loadBalancerSourceRanges"
        );
    }

    #[test]
    fn one_public_source_range_keeps_a_load_balancer_on_the_internet() {
        let ranges = json!(["10.0.0.0/8", "198.51.100.0/24"]);
        let manifest = with_spec(load_balancer(json!({})), "loadBalancerSourceRanges", ranges);

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn source_range_wider_than_a_private_block_is_public() {
        let ranges = json!(["10.0.0.0/7"]);
        let manifest = with_spec(load_balancer(json!({})), "loadBalancerSourceRanges", ranges);

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn source_range_that_is_not_a_cidr_is_public() {
        let ranges = json!(["10.0.0.1"]);
        let manifest = with_spec(load_balancer(json!({})), "loadBalancerSourceRanges", ranges);

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn source_ranges_annotation_counts_when_the_field_is_empty() {
        let manifest = load_balancer(json!({ SOURCE_RANGES: "10.1.0.0/16, 192.168.0.0/16" }));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn source_ranges_field_shadows_the_annotation() {
        let manifest = load_balancer(json!({ SOURCE_RANGES: "10.1.0.0/16" }));
        let manifest = with_spec(manifest, "loadBalancerSourceRanges", json!(["0.0.0.0/0"]));

        assert_eq!(scope_of(manifest), Exposure::Internet);
    }

    #[test]
    fn private_source_ranges_narrow_an_internet_facing_aws_controller_load_balancer() {
        let manifest =
            load_balancer(json!({ AWS_TYPE: "external", AWS_SCHEME: "internet-facing" }));
        let manifest = with_spec(manifest, "loadBalancerSourceRanges", json!(["10.0.0.0/16"]));

        assert_eq!(scope_of(manifest), Exposure::External);
    }

    #[test]
    fn aws_ssl_certificate_means_tls() {
        let certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";

        let found = only(vec![load_balancer(json!({ AWS_SSL_CERT: certificate }))]);

        assert!(found.tls);
    }

    #[test]
    fn aws_ssl_ports_naming_every_port_mean_tls() {
        let certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
        let manifest = load_balancer(json!({ AWS_SSL_CERT: certificate, AWS_SSL_PORTS: "http" }));

        assert!(only(vec![manifest]).tls);
    }

    #[test]
    fn aws_ssl_ports_leaving_out_a_port_are_not_tls() {
        let certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
        let manifest = load_balancer(json!({ AWS_SSL_CERT: certificate, AWS_SSL_PORTS: "443" }));

        assert!(!only(vec![manifest]).tls);
    }

    #[test]
    fn aws_ssl_certificate_on_a_cluster_ip_service_is_not_tls() {
        let certificate = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
        let manifest = web_service("ClusterIP", json!({ AWS_SSL_CERT: certificate }));

        assert!(!only(vec![manifest]).tls);
    }

    #[test]
    fn go_booleans_read_as_strconv_parse_bool_reads_them() {
        assert_eq!(parse_go_bool("True"), Some(true));
        assert_eq!(parse_go_bool("0"), Some(false));
        assert_eq!(parse_go_bool("yes"), None);
    }
}
