//! Paths opened by Gateway API routes (HTTPRoute, GRPCRoute, TLSRoute, TCPRoute): a route
//! attached to a Gateway sends traffic to the Services its rules name, and each of those
//! Services to the pods it selects.
//!
//! Attachment is judged from the objects' specs with Gateway API's own rules, never from the
//! routes' `status`: `appasset scan` reads manifests that no controller has seen, and the
//! operator must not depend on which Gateway implementation runs. What is not read:
//! - a listener's `allowedRoutes.kinds`: the kinds a listener carries are taken from its
//!   protocol, which is what an absent `kinds` means, and a narrower list can only remove
//!   paths, so ignoring it overstates exposure rather than hiding it;
//! - backends that only receive copies of requests (the HTTPRoute `RequestMirror` filter);
//! - implementation-specific policies attached to routes or Gateways (Envoy Gateway
//!   SecurityPolicy, Istio AuthorizationPolicy and the like), so authentication they add is
//!   not seen.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::{Authentication, Entrypoint, Exposure};
use crate::engine::address;
use crate::engine::gateway_api::{
    self, Gateway, GatewayAddress, Listener, ParentReference, ReferenceGrantFrom, ReferenceGrantTo,
    Route, RouteKind,
};
use crate::engine::selector::{label_selector_matches, service_selects};
use crate::engine::settings::Settings;
use crate::engine::snapshot::{ObjectKey, Snapshot};
use crate::engine::workload::{Workload, namespace_or_default};

/// The label the API server puts on every namespace, holding its name. Namespace selectors
/// commonly use it, and it is there even when `appasset scan` was given no Namespace object.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The paths by which Gateway API routes reach `workload`: one per route, Gateway it is
/// attached to, and Service of the workload it sends traffic to, sorted by kind, route,
/// Gateway and Service.
///
/// A route reaches a Service named by a `backendRef` of core group and kind Service; one in
/// another namespace only when a ReferenceGrant there trusts the route's kind and namespace
/// with that Service. The route is attached to a Gateway named by a `parentRef` when at
/// least one of the listeners the `parentRef` selects (by `sectionName` and `port`, when
/// given) carries the route's kind, lets the route's namespace in by its `allowedRoutes`, and,
/// when both it and the route name hosts, shares one. The entrypoint's ports and TLS come
/// from those listeners; its hosts are the route's hostnames narrowed to what the listeners
/// accept, or the listeners' hostnames when the route names none.
///
/// Its scope is the Gateway's: Internet, unless the GatewayClass is configured internal or
/// every IP address of the Gateway is private, then External.
pub fn entrypoints(
    workload: &Workload,
    snapshot: &Snapshot,
    settings: &Settings,
) -> Vec<Entrypoint> {
    let mut found: Vec<Entrypoint> = snapshot
        .routes()
        .flat_map(|route| route_entrypoints(route, workload, snapshot, settings))
        .collect();

    found.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    found
}

fn sort_key(entrypoint: &Entrypoint) -> (&str, &str, &Option<String>, &Option<String>) {
    let Entrypoint {
        kind,
        name,
        gateway,
        service,
        ..
    } = entrypoint;
    (kind, name, gateway, service)
}

fn route_entrypoints(
    route: &Route,
    workload: &Workload,
    snapshot: &Snapshot,
    settings: &Settings,
) -> Vec<Entrypoint> {
    let services = reached_services(route, workload, snapshot);
    if services.is_empty() {
        return Vec::new();
    }

    let attachments = attachments(route, snapshot);

    let mut found = Vec::new();
    for (gateway, attachment) in &attachments {
        for service in &services {
            found.push(entrypoint(route, gateway, attachment, service, settings));
        }
    }
    found
}

fn entrypoint(
    route: &Route,
    gateway: &ObjectKey,
    attachment: &Attachment,
    service: &ObjectKey,
    settings: &Settings,
) -> Entrypoint {
    let (scope, reason) = scope(route.kind, gateway, attachment.gateway, settings);

    Entrypoint {
        kind: route.kind.as_str().to_string(),
        name: ObjectKey::of(&route.metadata).to_string(),
        scope,
        reason,
        service: Some(service.to_string()),
        gateway: Some(gateway.to_string()),
        hosts: attachment.hosts.iter().cloned().collect(),
        ports: attachment.ports.iter().copied().collect(),
        tls: attachment.tls,
        authentication: authentication(route.kind),
    }
}

/// An HTTP or gRPC route is served by a proxy configured from objects the engine can read, and
/// they show no authentication. Two signals are not read: the experimental `ExternalAuth`
/// filter, which would need route filters in [`gateway_api::RouteRule`], and
/// implementation-specific `ExtensionRef` filters and policies. TLS and TCP routes pass bytes
/// through unread, so whether the workload authenticates cannot be told.
fn authentication(kind: RouteKind) -> Authentication {
    match kind {
        RouteKind::Http | RouteKind::Grpc => Authentication::None,
        RouteKind::Tls | RouteKind::Tcp => Authentication::Unknown,
    }
}

/// The Services of `workload` that `route` sends traffic to.
fn reached_services(
    route: &Route,
    workload: &Workload,
    snapshot: &Snapshot,
) -> BTreeSet<ObjectKey> {
    let route_namespace = namespace_or_default(&route.metadata);

    route
        .spec
        .rules
        .iter()
        .flat_map(|rule| &rule.backend_refs)
        .filter_map(|backend| backend.service(route_namespace))
        .filter(|service| service.namespace == workload.namespace())
        .filter(|service| {
            service.namespace == route_namespace || is_granted(route, service, snapshot)
        })
        .filter(|service| selects(service, workload, snapshot))
        .collect()
}

/// A Service only selects pods of its own namespace, which the caller has checked.
fn selects(service: &ObjectKey, workload: &Workload, snapshot: &Snapshot) -> bool {
    let Some(service) = snapshot.service(service) else {
        return false;
    };
    let selector = service
        .spec
        .as_ref()
        .and_then(|spec| spec.selector.as_ref());
    service_selects(selector, workload.pod_labels())
}

/// Whether one ReferenceGrant in the Service's namespace trusts both the route (its kind and
/// namespace) and the Service. A `from` of one grant never pairs with a `to` of another.
fn is_granted(route: &Route, service: &ObjectKey, snapshot: &Snapshot) -> bool {
    let route_namespace = namespace_or_default(&route.metadata);

    snapshot
        .reference_grants_in(&service.namespace)
        .any(|grant| {
            let spec = &grant.spec;
            spec.from
                .iter()
                .any(|from| trusts(from, route.kind, route_namespace))
                && spec.to.iter().any(|to| grants_service(to, &service.name))
        })
}

fn trusts(from: &ReferenceGrantFrom, kind: RouteKind, namespace: &str) -> bool {
    from.group == gateway_api::GROUP && from.kind == kind.as_str() && from.namespace == namespace
}

/// A `to` without a name grants every Service of the namespace.
fn grants_service(to: &ReferenceGrantTo, service: &str) -> bool {
    let name_matches = to.name.as_deref().is_none_or(|name| name == service);
    to.group.is_empty() && to.kind == "Service" && name_matches
}

/// What the listeners of one Gateway that admit a route open for it, merged over every
/// `parentRef` that names the Gateway.
///
/// A listener is relevant to a `parentRef` when it matches its `sectionName` and `port`,
/// whichever are given. It admits the route when:
/// - its protocol carries the route's kind: HTTP and HTTPS carry HTTPRoute and GRPCRoute, TLS
///   carries TLSRoute, TCP carries TCPRoute;
/// - its `allowedRoutes.namespaces.from` lets the route's namespace in: `Same` (the default)
///   the Gateway's own, `All` any, `Selector` those whose labels its selector matches;
/// - its hostname, when it has one and its protocol matches on host names (HTTP, HTTPS, TLS),
///   intersects the route's hostnames, or the route names none.
#[derive(Debug)]
struct Attachment<'a> {
    gateway: &'a Gateway,
    hosts: BTreeSet<String>,
    ports: BTreeSet<i32>,
    tls: bool,
}

impl<'a> Attachment<'a> {
    fn new(gateway: &'a Gateway) -> Self {
        Attachment {
            gateway,
            hosts: BTreeSet::new(),
            ports: BTreeSet::new(),
            tls: false,
        }
    }

    /// Adds a listener that admitted the route, with the host names the route answers to on
    /// it.
    fn admit(&mut self, listener: &Listener, hosts: Vec<String>) {
        self.hosts.extend(hosts);
        self.ports.insert(listener.port);
        // With TLS passthrough the workload itself terminates TLS, which still counts.
        self.tls |= matches!(listener.protocol.as_str(), "HTTPS" | "TLS");
    }
}

/// The Gateways `route` is attached to, by key.
fn attachments<'a>(route: &Route, snapshot: &'a Snapshot) -> BTreeMap<ObjectKey, Attachment<'a>> {
    let mut attachments: BTreeMap<ObjectKey, Attachment<'a>> = BTreeMap::new();

    for parent in &route.spec.parent_refs {
        let Some(key) = parent.gateway(namespace_or_default(&route.metadata)) else {
            continue;
        };
        let Some(gateway) = snapshot.gateway(&key) else {
            continue;
        };

        let admitting = admitting_listeners(parent, route, gateway, snapshot);
        if admitting.is_empty() {
            continue;
        }

        let attachment = attachments
            .entry(key)
            .or_insert_with(|| Attachment::new(gateway));
        for (listener, hosts) in admitting {
            attachment.admit(listener, hosts);
        }
    }
    attachments
}

/// The listeners of `gateway` relevant to `parent` that admit `route`, each with the host
/// names the route answers to on it.
fn admitting_listeners<'a>(
    parent: &ParentReference,
    route: &Route,
    gateway: &'a Gateway,
    snapshot: &Snapshot,
) -> Vec<(&'a Listener, Vec<String>)> {
    let route_namespace = namespace_or_default(&route.metadata);
    let gateway_namespace = namespace_or_default(&gateway.metadata);

    gateway
        .spec
        .listeners
        .iter()
        .filter(|listener| is_relevant(listener, parent))
        .filter(|listener| carries(listener, route.kind))
        .filter(|listener| lets_in(listener, route_namespace, gateway_namespace, snapshot))
        .filter_map(|listener| Some((listener, hosts_on(listener, route)?)))
        .collect()
}

fn is_relevant(listener: &Listener, parent: &ParentReference) -> bool {
    let section = parent.section_name.as_deref();
    let name_matches = section.is_none_or(|section| section == listener.name);
    let port_matches = parent.port.is_none_or(|port| port == listener.port);
    name_matches && port_matches
}

fn carries(listener: &Listener, kind: RouteKind) -> bool {
    let protocol = listener.protocol.as_str();
    match kind {
        RouteKind::Http | RouteKind::Grpc => matches!(protocol, "HTTP" | "HTTPS"),
        RouteKind::Tls => protocol == "TLS",
        RouteKind::Tcp => protocol == "TCP",
    }
}

/// `Selector` without a selector, or a `from` Gateway API does not define, is invalid and is
/// taken to let no route in.
fn lets_in(
    listener: &Listener,
    route_namespace: &str,
    gateway_namespace: &str,
    snapshot: &Snapshot,
) -> bool {
    let allowed = listener.allowed_routes.as_ref();
    let namespaces = allowed.and_then(|allowed| allowed.namespaces.as_ref());
    let from = namespaces.and_then(|namespaces| namespaces.from.as_deref());

    match from.unwrap_or("Same") {
        "All" => true,
        "Same" => route_namespace == gateway_namespace,
        "Selector" => namespaces
            .and_then(|namespaces| namespaces.selector.as_ref())
            .is_some_and(|selector| {
                label_selector_matches(selector, &namespace_labels(route_namespace, snapshot))
            }),
        _ => false,
    }
}

/// A namespace's labels as the API server keeps them: its own, plus its name label.
fn namespace_labels(name: &str, snapshot: &Snapshot) -> BTreeMap<String, String> {
    let namespace = snapshot.namespace(name);
    let mut labels = namespace
        .and_then(|namespace| namespace.metadata.labels.clone())
        .unwrap_or_default();

    labels.insert(NAMESPACE_NAME_LABEL.to_string(), name.to_string());
    labels
}

/// The host names `route` answers to on `listener`; None when both name hosts and none of
/// them intersect, which keeps the route off the listener.
///
/// Where both name hosts, each intersection is the narrower of the pair, so a route for
/// `*.example.com` on a listener for `shop.example.com` answers to `shop.example.com` only.
fn hosts_on(listener: &Listener, route: &Route) -> Option<Vec<String>> {
    let route_hosts = &route.spec.hostnames;
    let Some(listener_host) = listener_hostname(listener) else {
        return Some(route_hosts.clone());
    };
    if route_hosts.is_empty() {
        return Some(vec![listener_host.to_string()]);
    }

    let shared: Vec<String> = route_hosts
        .iter()
        .filter_map(|route_host| intersection(route_host, listener_host))
        .collect();
    (!shared.is_empty()).then_some(shared)
}

/// A TCP or UDP listener's hostname is ignored: those protocols carry no host name to match.
fn listener_hostname(listener: &Listener) -> Option<&str> {
    let matches_hosts = matches!(listener.protocol.as_str(), "HTTP" | "HTTPS" | "TLS");
    listener.hostname.as_deref().filter(|_| matches_hosts)
}

fn intersection(route_host: &str, listener_host: &str) -> Option<String> {
    if covers(listener_host, route_host) {
        Some(route_host.to_string())
    } else if covers(route_host, listener_host) {
        Some(listener_host.to_string())
    } else {
        None
    }
}

/// Whether every name `host` stands for is one `pattern` stands for. A leading `*.` stands
/// for one label or more, so `*.example.com` covers `a.b.example.com` and `*.b.example.com`
/// but not `example.com`.
fn covers(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(suffix) => host.len() > suffix.len() && host.ends_with(suffix),
        None => pattern == host,
    }
}

fn scope(
    kind: RouteKind,
    key: &ObjectKey,
    gateway: &Gateway,
    settings: &Settings,
) -> (Exposure, String) {
    let class = &gateway.spec.gateway_class_name;
    let route = kind.as_str();

    if settings.internal_gateway_classes.contains(class) {
        let reason = format!("{route} through Gateway {key} of internal class {class}");
        return (Exposure::External, reason);
    }

    let through = format!("{route} through Gateway {key} of class {class}");
    match private_addresses(gateway) {
        Some(addresses) => {
            let plural = if addresses.len() > 1 { "es" } else { "" };
            let listed = addresses.join(", ");
            let reason = format!("{through} with private address{plural} {listed}");
            (Exposure::External, reason)
        }
        None => (Exposure::Internet, through),
    }
}

/// The Gateway's IP addresses when there is at least one and all are private; None when any
/// is public or none is an IP address (a load balancer's host name shows nothing either way).
///
/// The addresses bound, in `status`, are what clients reach; the ones requested in `spec`
/// stand in for them until the implementation has reported any.
fn private_addresses(gateway: &Gateway) -> Option<Vec<&str>> {
    let bound = &gateway.status.addresses;
    let addresses = if bound.is_empty() {
        &gateway.spec.addresses
    } else {
        bound
    };

    let ips: Vec<&str> = addresses
        .iter()
        .filter(|address| is_ip_address(address))
        .map(|address| address.value.as_str())
        .collect();

    let all_private = !ips.is_empty() && ips.iter().all(|ip| address::is_private_address(ip));
    all_private.then_some(ips)
}

/// An address without a type is an IP address: that is the type's default.
fn is_ip_address(address: &GatewayAddress) -> bool {
    let address_type = address.address_type.as_deref();
    address_type.is_none_or(|address_type| address_type == "IPAddress")
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::snapshot::ClusterObject;
    use crate::engine::testing::{deployment, namespace, parse, route, snapshot};

    /// The workload every test looks for: Deployment shop/web, whose pods carry `app: web`.
    fn web() -> Workload {
        let pod_spec = json!({ "containers": [{ "name": "web", "image": "shop/web:1.4" }] });
        Workload::from_deployment(deployment("shop", "web", json!({ "app": "web" }), pod_spec))
    }

    fn service(namespace: &str, name: &str, app: &str) -> ClusterObject {
        ClusterObject::Service(parse(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": name, "namespace": namespace },
            "spec": { "selector": { "app": app }, "ports": [{ "port": 8080 }] }
        })))
    }

    fn web_service() -> ClusterObject {
        service("shop", "web", "web")
    }

    fn gateway(manifest: Value) -> ClusterObject {
        ClusterObject::Gateway(parse(manifest))
    }

    /// Gateway infra/public of class istio with one HTTP listener on port 80 that admits routes
    /// of every namespace.
    fn public_gateway() -> ClusterObject {
        gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": { "from": "All" } }
                }]
            }
        }))
    }

    /// Gateway infra/public with the given listeners, all admitting routes of every namespace.
    fn public_gateway_with(listeners: Value) -> ClusterObject {
        let mut listeners = listeners;
        for listener in listeners.as_array_mut().expect("listeners are a list") {
            listener["allowedRoutes"] = json!({ "namespaces": { "from": "All" } });
        }
        gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": { "gatewayClassName": "istio", "listeners": listeners }
        }))
    }

    /// Gateway infra/public with one open HTTP listener and the given `status`.
    fn public_gateway_with_status(status: Value) -> ClusterObject {
        gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": { "from": "All" } }
                }]
            },
            "status": status
        }))
    }

    /// A route `namespace/web` of `kind` attached to `parent`, sending traffic to Service
    /// shop/web.
    fn route_to_web(kind: &str, namespace: &str, parent: Value) -> ClusterObject {
        route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": kind,
            "metadata": { "name": "web", "namespace": namespace },
            "spec": {
                "parentRefs": [parent],
                "rules": [{
                    "backendRefs": [{ "name": "web", "namespace": "shop", "port": 8080 }]
                }]
            }
        }))
    }

    /// HTTPRoute shop/web for shop.example.com through Gateway infra/public to Service web.
    fn web_route() -> ClusterObject {
        route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "parentRefs": [{ "name": "public", "namespace": "infra" }],
                "hostnames": ["shop.example.com"],
                "rules": [{ "backendRefs": [{ "name": "web", "port": 8080 }] }]
            }
        }))
    }

    /// HTTPRoute shop/web with the given hostnames, attached to Gateway infra/public.
    fn web_route_for(hostnames: Value) -> ClusterObject {
        route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "parentRefs": [{ "name": "public", "namespace": "infra" }],
                "hostnames": hostnames,
                "rules": [{ "backendRefs": [{ "name": "web", "port": 8080 }] }]
            }
        }))
    }

    /// HTTPRoute edge/web through Gateway infra/public to Service shop/web, across
    /// namespaces.
    fn edge_route() -> ClusterObject {
        route_to_web(
            "HTTPRoute",
            "edge",
            json!({ "name": "public", "namespace": "infra" }),
        )
    }

    /// A `from` entry of a ReferenceGrant, trusting routes of `kind` in `namespace`.
    fn routes_of(kind: &str, namespace: &str) -> Value {
        json!({ "group": "gateway.networking.k8s.io", "kind": kind, "namespace": namespace })
    }

    /// A ReferenceGrant in shop with one `from` and one `to` entry.
    fn grant(from: Value, to: Value) -> ClusterObject {
        ClusterObject::ReferenceGrant(parse(json!({
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": { "name": "edge-routes", "namespace": "shop" },
            "spec": { "from": [from], "to": [to] }
        })))
    }

    fn found_with(settings: &Settings, objects: Vec<ClusterObject>) -> Vec<Entrypoint> {
        entrypoints(&web(), &snapshot(objects), settings)
    }

    fn found(objects: Vec<ClusterObject>) -> Vec<Entrypoint> {
        found_with(&Settings::default(), objects)
    }

    fn only(found: Vec<Entrypoint>) -> Entrypoint {
        assert_eq!(
            found.len(),
            1,
            "expected exactly one entrypoint: {found:#?}"
        );
        found.into_iter().next().expect("length checked")
    }

    #[test]
    fn http_route_through_a_gateway_makes_the_backend_internet() {
        let found = found(vec![web_service(), public_gateway(), web_route()]);

        assert_eq!(
            found,
            vec![Entrypoint {
                kind: "HTTPRoute".to_string(),
                name: "shop/web".to_string(),
                scope: Exposure::Internet,
                reason: "HTTPRoute through Gateway infra/public of class istio".to_string(),
                service: Some("shop/web".to_string()),
                gateway: Some("infra/public".to_string()),
                hosts: vec!["shop.example.com".to_string()],
                ports: vec![80],
                tls: false,
                authentication: Authentication::None,
            }]
        );
    }

    #[test]
    fn service_that_selects_other_pods_makes_no_entrypoint() {
        let api = service("shop", "web", "api");

        assert!(found(vec![api, public_gateway(), web_route()]).is_empty());
    }

    #[test]
    fn missing_service_makes_no_entrypoint() {
        assert!(found(vec![public_gateway(), web_route()]).is_empty());
    }

    #[test]
    fn service_in_another_namespace_never_reaches_the_workload() {
        let other = service("other", "web", "web");
        let other_route = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "other" },
            "spec": {
                "parentRefs": [{ "name": "public", "namespace": "infra" }],
                "rules": [{ "backendRefs": [{ "name": "web", "port": 8080 }] }]
            }
        }));

        assert!(found(vec![other, public_gateway(), other_route]).is_empty());
    }

    #[test]
    fn backend_ref_to_a_non_service_kind_is_ignored() {
        let service_import = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "parentRefs": [{ "name": "public", "namespace": "infra" }],
                "rules": [{
                    "backendRefs": [{
                        "group": "multicluster.x-k8s.io",
                        "kind": "ServiceImport",
                        "name": "web",
                        "port": 8080
                    }]
                }]
            }
        }));

        assert!(found(vec![web_service(), public_gateway(), service_import]).is_empty());
    }

    #[test]
    fn backend_ref_spelling_out_the_core_group_and_service_kind_reaches_the_service() {
        let explicit = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "parentRefs": [{ "name": "public", "namespace": "infra" }],
                "rules": [{
                    "backendRefs": [{ "group": "", "kind": "Service", "name": "web", "port": 8080 }]
                }]
            }
        }));

        let entrypoint = only(found(vec![web_service(), public_gateway(), explicit]));

        assert_eq!(entrypoint.service.as_deref(), Some("shop/web"));
    }

    #[test]
    fn gateway_of_an_internal_class_makes_the_route_external() {
        let settings = Settings {
            internal_gateway_classes: ["istio".to_string()].into(),
            ..Settings::default()
        };

        let found = found_with(
            &settings,
            vec![web_service(), public_gateway(), web_route()],
        );

        let entrypoint = only(found);
        assert_eq!(entrypoint.scope, Exposure::External);
        assert_eq!(
            entrypoint.reason,
            "HTTPRoute through Gateway infra/public of internal class istio"
        );
    }

    #[test]
    fn gateway_with_a_private_status_address_makes_the_route_external() {
        let private = public_gateway_with_status(json!({
            "addresses": [{ "type": "IPAddress", "value": "10.0.0.5" }]
        }));

        let entrypoint = only(found(vec![web_service(), private, web_route()]));

        assert_eq!(entrypoint.scope, Exposure::External);
        assert_eq!(
            entrypoint.reason,
            "HTTPRoute through Gateway infra/public of class istio with private address 10.0.0.5"
        );
    }

    #[test]
    fn gateway_with_a_public_status_address_stays_internet() {
        let mixed = public_gateway_with_status(json!({
            "addresses": [
                { "type": "IPAddress", "value": "10.0.0.5" },
                { "type": "IPAddress", "value": "203.0.113.10" }
            ]
        }));

        let entrypoint = only(found(vec![web_service(), mixed, web_route()]));

        assert_eq!(entrypoint.scope, Exposure::Internet);
    }

    #[test]
    fn gateway_with_only_a_hostname_address_stays_internet() {
        let load_balancer = public_gateway_with_status(json!({
            "addresses": [{
                "type": "Hostname",
                "value": "internal-a1b2.eu-west-1.elb.amazonaws.com"
            }]
        }));

        let entrypoint = only(found(vec![web_service(), load_balancer, web_route()]));

        assert_eq!(entrypoint.scope, Exposure::Internet);
    }

    #[test]
    fn requested_spec_address_counts_until_status_reports_one() {
        let requested = gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "addresses": [{ "value": "192.168.10.20" }],
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": { "from": "All" } }
                }]
            }
        }));

        let entrypoint = only(found(vec![web_service(), requested, web_route()]));

        assert_eq!(entrypoint.scope, Exposure::External);
        assert!(
            entrypoint
                .reason
                .ends_with("with private address 192.168.10.20")
        );
    }

    #[test]
    fn private_ranges_are_those_not_routed_on_the_internet() {
        for private in [
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.0.1",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "fc00::1",
            "fd12:3456::1",
            "::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(address::is_private_address(private), "{private} is private");
        }
        for public in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2001:db8::1",
            "not-an-ip",
        ] {
            assert!(
                !address::is_private_address(public),
                "{public} is not private"
            );
        }
    }

    #[test]
    fn cross_namespace_backend_without_reference_grant_is_not_reached() {
        assert!(found(vec![web_service(), public_gateway(), edge_route()]).is_empty());
    }

    #[test]
    fn cross_namespace_backend_with_a_matching_reference_grant_is_reached() {
        let grant = grant(
            routes_of("HTTPRoute", "edge"),
            json!({ "group": "", "kind": "Service" }),
        );

        let entrypoint = only(found(vec![
            web_service(),
            public_gateway(),
            edge_route(),
            grant,
        ]));

        assert_eq!(entrypoint.name, "edge/web");
        assert_eq!(entrypoint.service.as_deref(), Some("shop/web"));
    }

    #[test]
    fn reference_grant_naming_the_service_admits_it() {
        let grant = grant(
            routes_of("HTTPRoute", "edge"),
            json!({ "group": "", "kind": "Service", "name": "web" }),
        );

        assert_eq!(
            found(vec![web_service(), public_gateway(), edge_route(), grant]).len(),
            1
        );
    }

    #[test]
    fn reference_grant_for_another_route_kind_does_not_count() {
        let grant = grant(
            routes_of("GRPCRoute", "edge"),
            json!({ "group": "", "kind": "Service" }),
        );

        assert!(found(vec![web_service(), public_gateway(), edge_route(), grant]).is_empty());
    }

    #[test]
    fn reference_grant_for_another_service_name_does_not_count() {
        let grant = grant(
            routes_of("HTTPRoute", "edge"),
            json!({ "group": "", "kind": "Service", "name": "api" }),
        );

        assert!(found(vec![web_service(), public_gateway(), edge_route(), grant]).is_empty());
    }

    #[test]
    fn reference_grant_for_another_namespace_does_not_count() {
        let grant = grant(
            routes_of("HTTPRoute", "dev"),
            json!({ "group": "", "kind": "Service" }),
        );

        assert!(found(vec![web_service(), public_gateway(), edge_route(), grant]).is_empty());
    }

    #[test]
    fn reference_grant_outside_the_backend_namespace_does_not_count() {
        let in_edge = ClusterObject::ReferenceGrant(parse(json!({
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": { "name": "edge-routes", "namespace": "edge" },
            "spec": {
                "from": [{
                    "group": "gateway.networking.k8s.io",
                    "kind": "HTTPRoute",
                    "namespace": "edge"
                }],
                "to": [{ "group": "", "kind": "Service" }]
            }
        })));

        assert!(found(vec![web_service(), public_gateway(), edge_route(), in_edge]).is_empty());
    }

    #[test]
    fn parent_ref_to_a_missing_gateway_attaches_nowhere() {
        let missing = route_to_web(
            "HTTPRoute",
            "shop",
            json!({ "name": "missing", "namespace": "infra" }),
        );

        assert!(found(vec![web_service(), public_gateway(), missing]).is_empty());
    }

    #[test]
    fn parent_ref_to_a_mesh_service_attaches_to_no_gateway() {
        let mesh = route_to_web(
            "HTTPRoute",
            "shop",
            json!({ "group": "", "kind": "Service", "name": "web" }),
        );

        assert!(found(vec![web_service(), public_gateway(), mesh]).is_empty());
    }

    #[test]
    fn allowed_routes_same_is_the_default_and_rejects_a_route_from_another_namespace() {
        let same_only = gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{ "name": "http", "port": 80, "protocol": "HTTP" }]
            }
        }));

        assert!(found(vec![web_service(), same_only, web_route()]).is_empty());
    }

    #[test]
    fn allowed_routes_same_admits_a_route_of_the_gateway_namespace() {
        let shop_gateway = gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "edge", "namespace": "shop" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": { "from": "Same" } }
                }]
            }
        }));
        let shop_route = route_to_web("HTTPRoute", "shop", json!({ "name": "edge" }));

        let entrypoint = only(found(vec![web_service(), shop_gateway, shop_route]));

        assert_eq!(entrypoint.gateway.as_deref(), Some("shop/edge"));
    }

    #[test]
    fn allowed_routes_all_admits_a_route_from_any_namespace() {
        let entrypoint = only(found(vec![web_service(), public_gateway(), web_route()]));

        assert_eq!(entrypoint.gateway.as_deref(), Some("infra/public"));
    }

    /// Gateway infra/public whose HTTP listener admits routes of namespaces matching
    /// `selector`.
    fn gateway_selecting(selector: Value) -> ClusterObject {
        gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": {
                        "namespaces": { "from": "Selector", "selector": selector }
                    }
                }]
            }
        }))
    }

    #[test]
    fn allowed_routes_selector_admits_a_route_whose_namespace_labels_match() {
        let selecting = gateway_selecting(json!({ "matchLabels": { "expose": "public" } }));
        let shop = namespace("shop", json!({ "expose": "public" }));

        assert_eq!(
            found(vec![web_service(), selecting, web_route(), shop]).len(),
            1
        );
    }

    #[test]
    fn allowed_routes_selector_rejects_a_route_whose_namespace_labels_differ() {
        let selecting = gateway_selecting(json!({ "matchLabels": { "expose": "public" } }));
        let shop = namespace("shop", json!({ "expose": "internal" }));

        assert!(found(vec![web_service(), selecting, web_route(), shop]).is_empty());
    }

    #[test]
    fn allowed_routes_selector_sees_the_namespace_name_label_without_a_namespace_object() {
        let selecting = gateway_selecting(json!({
            "matchExpressions": [{
                "key": "kubernetes.io/metadata.name",
                "operator": "In",
                "values": ["shop", "blog"]
            }]
        }));

        assert_eq!(found(vec![web_service(), selecting, web_route()]).len(), 1);
    }

    #[test]
    fn allowed_routes_selector_without_a_selector_admits_nothing() {
        let no_selector = gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "public", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 80,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": { "from": "Selector" } }
                }]
            }
        }));

        assert!(found(vec![web_service(), no_selector, web_route()]).is_empty());
    }

    /// Gateway infra/public with an HTTP listener on 80 and an HTTPS listener on 443.
    fn http_and_https_gateway() -> ClusterObject {
        public_gateway_with(json!([
            { "name": "http", "port": 80, "protocol": "HTTP" },
            {
                "name": "https",
                "port": 443,
                "protocol": "HTTPS",
                "tls": { "certificateRefs": [{ "name": "shop-cert" }] }
            }
        ]))
    }

    #[test]
    fn route_without_section_name_attaches_to_every_listener() {
        let entrypoint = only(found(vec![
            web_service(),
            http_and_https_gateway(),
            web_route(),
        ]));

        assert_eq!(entrypoint.ports, vec![80, 443]);
        assert!(entrypoint.tls);
    }

    #[test]
    fn section_name_picks_one_listener() {
        let https_only = route_to_web(
            "HTTPRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra", "sectionName": "https" }),
        );

        let entrypoint = only(found(vec![
            web_service(),
            http_and_https_gateway(),
            https_only,
        ]));

        assert_eq!(entrypoint.ports, vec![443]);
        assert!(entrypoint.tls);
    }

    #[test]
    fn section_name_naming_no_listener_attaches_nowhere() {
        let admin = route_to_web(
            "HTTPRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra", "sectionName": "admin" }),
        );

        assert!(found(vec![web_service(), http_and_https_gateway(), admin]).is_empty());
    }

    #[test]
    fn parent_ref_port_picks_the_listeners_on_that_port() {
        let plain_http = route_to_web(
            "HTTPRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra", "port": 80 }),
        );

        let entrypoint = only(found(vec![
            web_service(),
            http_and_https_gateway(),
            plain_http,
        ]));

        assert_eq!(entrypoint.ports, vec![80]);
        assert!(!entrypoint.tls);
    }

    #[test]
    fn parent_refs_to_two_listeners_of_one_gateway_make_one_entrypoint() {
        let both = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "parentRefs": [
                    { "name": "public", "namespace": "infra", "sectionName": "http" },
                    { "name": "public", "namespace": "infra", "sectionName": "https" }
                ],
                "rules": [{ "backendRefs": [{ "name": "web", "port": 8080 }] }]
            }
        }));

        let entrypoint = only(found(vec![web_service(), http_and_https_gateway(), both]));

        assert_eq!(entrypoint.ports, vec![80, 443]);
    }

    #[test]
    fn one_entrypoint_per_gateway_and_service_in_order() {
        let canary = service("shop", "web-canary", "web");
        let internal = gateway(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": { "name": "internal", "namespace": "infra" },
            "spec": {
                "gatewayClassName": "istio",
                "listeners": [{
                    "name": "http",
                    "port": 8080,
                    "protocol": "HTTP",
                    "allowedRoutes": { "namespaces": { "from": "All" } }
                }]
            }
        }));
        let split = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "parentRefs": [
                    { "name": "public", "namespace": "infra" },
                    { "name": "internal", "namespace": "infra" }
                ],
                "rules": [
                    { "backendRefs": [{ "name": "web-canary", "port": 8080, "weight": 10 }] },
                    { "backendRefs": [{ "name": "web", "port": 8080, "weight": 90 }] }
                ]
            }
        }));

        let found = found(vec![
            web_service(),
            canary,
            public_gateway(),
            internal,
            split,
        ]);

        let pairs: Vec<(Option<&str>, Option<&str>)> = found
            .iter()
            .map(|e| (e.gateway.as_deref(), e.service.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                (Some("infra/internal"), Some("shop/web")),
                (Some("infra/internal"), Some("shop/web-canary")),
                (Some("infra/public"), Some("shop/web")),
                (Some("infra/public"), Some("shop/web-canary")),
            ]
        );
    }

    #[test]
    fn http_route_does_not_attach_to_a_tcp_listener() {
        let tcp_only = public_gateway_with(json!([
            { "name": "raw", "port": 8080, "protocol": "TCP" }
        ]));

        assert!(found(vec![web_service(), tcp_only, web_route()]).is_empty());
    }

    #[test]
    fn tcp_route_attaches_to_a_tcp_listener_with_unknown_authentication() {
        let tcp = public_gateway_with(json!([
            { "name": "http", "port": 80, "protocol": "HTTP" },
            { "name": "raw", "port": 5432, "protocol": "TCP" }
        ]));
        let tcp_route = route_to_web(
            "TCPRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra" }),
        );

        let entrypoint = only(found(vec![web_service(), tcp, tcp_route]));

        assert_eq!(entrypoint.kind, "TCPRoute");
        assert_eq!(entrypoint.ports, vec![5432]);
        assert!(!entrypoint.tls);
        assert!(entrypoint.hosts.is_empty());
        assert_eq!(entrypoint.authentication, Authentication::Unknown);
    }

    #[test]
    fn tls_route_attaches_to_a_tls_listener_and_counts_as_tls() {
        let passthrough = public_gateway_with(json!([
            { "name": "https", "port": 443, "protocol": "HTTPS" },
            {
                "name": "passthrough",
                "port": 8443,
                "protocol": "TLS",
                "hostname": "db.example.com",
                "tls": { "mode": "Passthrough" }
            }
        ]));
        let tls_route = route_to_web(
            "TLSRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra" }),
        );

        let entrypoint = only(found(vec![web_service(), passthrough, tls_route]));

        assert_eq!(entrypoint.kind, "TLSRoute");
        assert_eq!(entrypoint.ports, vec![8443]);
        assert_eq!(entrypoint.hosts, vec!["db.example.com"]);
        assert!(entrypoint.tls);
        assert_eq!(entrypoint.authentication, Authentication::Unknown);
    }

    #[test]
    fn grpc_route_attaches_to_an_https_listener() {
        let https = public_gateway_with(json!([
            { "name": "https", "port": 443, "protocol": "HTTPS" },
            { "name": "raw", "port": 9000, "protocol": "TCP" }
        ]));
        let grpc_route = route_to_web(
            "GRPCRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra" }),
        );

        let entrypoint = only(found(vec![web_service(), https, grpc_route]));

        assert_eq!(entrypoint.kind, "GRPCRoute");
        assert_eq!(entrypoint.ports, vec![443]);
        assert!(entrypoint.tls);
        assert_eq!(entrypoint.authentication, Authentication::None);
    }

    #[test]
    fn entrypoints_sort_by_route_kind_first() {
        let both = public_gateway_with(json!([
            { "name": "http", "port": 80, "protocol": "HTTP" },
            { "name": "raw", "port": 5432, "protocol": "TCP" }
        ]));
        let tcp_route = route_to_web(
            "TCPRoute",
            "shop",
            json!({ "name": "public", "namespace": "infra" }),
        );

        let found = found(vec![web_service(), both, tcp_route, web_route()]);

        let kinds: Vec<&str> = found.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, vec!["HTTPRoute", "TCPRoute"]);
    }

    #[test]
    fn route_hostnames_are_the_hosts_on_a_listener_without_one() {
        let route = web_route_for(json!(["www.example.com", "shop.example.com"]));

        let entrypoint = only(found(vec![web_service(), public_gateway(), route]));

        assert_eq!(
            entrypoint.hosts,
            vec!["shop.example.com", "www.example.com"]
        );
    }

    #[test]
    fn listener_hostnames_are_the_hosts_when_the_route_names_none() {
        let named = public_gateway_with(json!([
            { "name": "shop", "port": 80, "protocol": "HTTP", "hostname": "shop.example.com" },
            { "name": "blog", "port": 80, "protocol": "HTTP", "hostname": "blog.example.com" },
            { "name": "any", "port": 8080, "protocol": "HTTP" }
        ]));

        let entrypoint = only(found(vec![web_service(), named, web_route_for(json!([]))]));

        assert_eq!(
            entrypoint.hosts,
            vec!["blog.example.com", "shop.example.com"]
        );
        assert_eq!(entrypoint.ports, vec![80, 8080]);
    }

    #[test]
    fn route_hostnames_outside_the_listener_hostname_keep_the_route_off_it() {
        let admin_only = public_gateway_with(json!([
            { "name": "admin", "port": 443, "protocol": "HTTPS", "hostname": "admin.example.com" }
        ]));

        assert!(found(vec![web_service(), admin_only, web_route()]).is_empty());
    }

    #[test]
    fn wildcard_listener_keeps_the_route_hostnames_it_covers() {
        let wildcard = public_gateway_with(json!([
            { "name": "https", "port": 443, "protocol": "HTTPS", "hostname": "*.example.com" }
        ]));
        let route = web_route_for(json!(["shop.example.com", "shop.example.net"]));

        let entrypoint = only(found(vec![web_service(), wildcard, route]));

        assert_eq!(entrypoint.hosts, vec!["shop.example.com"]);
    }

    #[test]
    fn wildcard_route_narrows_to_the_listener_hostname() {
        let named = public_gateway_with(json!([
            { "name": "https", "port": 443, "protocol": "HTTPS", "hostname": "shop.example.com" }
        ]));
        let route = web_route_for(json!(["*.example.com"]));

        let entrypoint = only(found(vec![web_service(), named, route]));

        assert_eq!(entrypoint.hosts, vec!["shop.example.com"]);
    }

    #[test]
    fn wildcard_does_not_cover_its_own_parent_domain() {
        let wildcard = public_gateway_with(json!([
            { "name": "https", "port": 443, "protocol": "HTTPS", "hostname": "*.example.com" }
        ]));
        let apex = web_route_for(json!(["example.com"]));

        assert!(found(vec![web_service(), wildcard, apex]).is_empty());
    }
}
