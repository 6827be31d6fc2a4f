//! Entrypoints opened by Ingresses: each Ingress of the workload's namespace whose rules or
//! default backend lead to a Service that selects the workload's pods is one path per
//! (Ingress, Service) pair, reaching as far as the Ingress's load balancer.
//!
//! The verdicts read only the Ingress and its backend Services. What they cannot see:
//! - The IngressClass objects. An Ingress with no class goes to the cluster's default class,
//!   and an IngressClassParams of the AWS Load Balancer Controller can set the scheme of every
//!   Ingress of its class; neither is read, so such an Ingress counts as facing the internet.
//! - The IngressGroup of the AWS Load Balancer Controller (`alb.ingress.kubernetes.io/group.name`)
//!   puts several Ingresses, possibly of several namespaces, behind one ALB whose scheme any
//!   member may set. Each Ingress is judged alone here.
//! - ingress-nginx can require authentication for every Ingress from its ConfigMap
//!   (`global-auth-url`); that is not read, so such Ingresses show `None`.
//! - An ALB also terminates TLS with the certificates its `certificate-arn` annotation names,
//!   and authenticates only on HTTPS listeners; TLS is judged from `spec.tls` alone.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::{Ingress, IngressRule, IngressTLS};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::service::{parse_go_bool, reaches};
use crate::api::{Authentication, Entrypoint, Exposure};
use crate::engine::settings::Settings;
use crate::engine::snapshot::{ObjectKey, Snapshot};
use crate::engine::workload::Workload;

/// The class an Ingress named before `spec.ingressClassName` existed; still honoured by most
/// controllers, and the only way to choose GKE's internal load balancer.
const LEGACY_CLASS: &str = "kubernetes.io/ingress.class";
/// GKE's class for an internal Application Load Balancer.
const GKE_INTERNAL_CLASS: &str = "gce-internal";
/// The class the AWS Load Balancer Controller's docs and Helm chart use.
const ALB_CLASS: &str = "alb";
/// Every annotation the AWS Load Balancer Controller reads starts with this.
const ALB_PREFIX: &str = "alb.ingress.kubernetes.io/";
/// `internal` (the controller's default) or `internet-facing`.
const ALB_SCHEME: &str = "alb.ingress.kubernetes.io/scheme";
/// `none` (default), `oidc` or `cognito`.
const ALB_AUTH_TYPE: &str = "alb.ingress.kubernetes.io/auth-type";
/// `authenticate` (default), `deny` or `allow`; `allow` lets unauthenticated requests through.
const ALB_ON_UNAUTHENTICATED: &str = "alb.ingress.kubernetes.io/auth-on-unauthenticated-request";
/// Azure Application Gateway Ingress Controller: a boolean, `false` by default.
const AGIC_PRIVATE_IP: &str = "appgw.ingress.kubernetes.io/use-private-ip";
/// ingress-nginx: the URL of a service that must approve every request.
const NGINX_AUTH_URL: &str = "nginx.ingress.kubernetes.io/auth-url";
/// ingress-nginx: `basic` or `digest`.
const NGINX_AUTH_TYPE: &str = "nginx.ingress.kubernetes.io/auth-type";
/// ingress-nginx: the CA bundle client certificates must be signed by.
const NGINX_AUTH_TLS_SECRET: &str = "nginx.ingress.kubernetes.io/auth-tls-secret";
/// ingress-nginx: `on` (default), `off`, `optional` or `optional_no_ca`.
const NGINX_AUTH_TLS_VERIFY: &str = "nginx.ingress.kubernetes.io/auth-tls-verify-client";

/// Authentication methods, strongest first; an entrypoint gets the first that applies.
///
/// - A client certificate proves possession of a private key the CA vouched for, checked by
///   the proxy before any request reaches the workload.
/// - OIDC at the ALB sends every unauthenticated client to the identity provider.
/// - An external service (`auth-url`) approves each request; it is as strong as that service,
///   which the objects do not show. oauth2-proxy is wired in this way, so its known patterns
///   (`auth-url` ending in `/oauth2/auth`, `auth-signin` at `/oauth2/start`) count as External.
/// - Basic or digest authentication checks a static password list.
const STRONGEST_FIRST: [Authentication; 4] = [
    Authentication::ClientCertificate,
    Authentication::Oidc,
    Authentication::External,
    Authentication::Basic,
];

/// The entrypoints the Ingresses of `workload`'s namespace open to it: one per Ingress and
/// backend Service that exists and selects the workload's pods, sorted by Ingress, then
/// Service.
///
/// An Ingress is Internet unless it is shown to be internal, and then External: its class is
/// one of `settings.internal_ingress_classes` or GKE's `gce-internal`; it is served by the AWS
/// Load Balancer Controller (class `alb`, or any `alb.ingress.kubernetes.io/` annotation) with
/// a scheme other than `internet-facing`, `internal` being that controller's default; or the
/// Azure Application Gateway Ingress Controller is told to use a private IP.
///
/// Authentication is the strongest method the annotations show, strongest first: client
/// certificate, OIDC, an external auth service, basic; `None` when they show none.
pub fn entrypoints(
    workload: &Workload,
    snapshot: &Snapshot,
    settings: &Settings,
) -> Vec<Entrypoint> {
    let mut entrypoints: Vec<Entrypoint> = snapshot
        .ingresses_in(workload.namespace())
        .flat_map(|ingress| ingress_entrypoints(ingress, workload, snapshot, settings))
        .collect();

    entrypoints.sort_by(|a, b| order(a).cmp(&order(b)));
    entrypoints
}

fn order(entrypoint: &Entrypoint) -> (&str, &str, Option<&str>) {
    let service = entrypoint.service.as_deref();
    (&entrypoint.kind, &entrypoint.name, service)
}

fn ingress_entrypoints(
    ingress: &Ingress,
    workload: &Workload,
    snapshot: &Snapshot,
    settings: &Settings,
) -> Vec<Entrypoint> {
    let namespace = ObjectKey::of(&ingress.metadata).namespace;
    let reach = reach(ingress, settings);

    routes(ingress)
        .into_iter()
        .filter_map(|(name, route)| {
            let service = snapshot.service(&ObjectKey::new(&namespace, &name))?;
            let reached = reaches(service, workload);
            reached.then(|| entrypoint(ingress, service, route, &reach))
        })
        .collect()
}

/// How the rules of one Ingress lead to one Service: by which hosts, and whether also by a
/// rule without a host or the default backend.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Route {
    hosts: BTreeSet<String>,
    hostless: bool,
}

impl Route {
    fn add(&mut self, host: Option<&str>) {
        match host {
            Some(host) => {
                self.hosts.insert(host.to_string());
            }
            None => self.hostless = true,
        }
    }
}

/// Every backend Service the Ingress names, by Service name. Resource backends lead to no
/// Service and are left out.
fn routes(ingress: &Ingress) -> BTreeMap<String, Route> {
    let mut routes: BTreeMap<String, Route> = BTreeMap::new();

    for rule in rules(ingress) {
        // An empty host is how some tools write "no host": it matches every host.
        let host = rule.host.as_deref().filter(|host| !host.is_empty());
        let paths = rule.http.iter().flat_map(|http| &http.paths);
        for service in paths.filter_map(|path| path.backend.service.as_ref()) {
            routes.entry(service.name.clone()).or_default().add(host);
        }
    }

    let spec = ingress.spec.as_ref();
    let default_backend = spec.and_then(|spec| spec.default_backend.as_ref());
    if let Some(service) = default_backend.and_then(|backend| backend.service.as_ref()) {
        routes.entry(service.name.clone()).or_default().add(None);
    }
    routes
}

fn rules(ingress: &Ingress) -> &[IngressRule] {
    let rules = ingress.spec.as_ref().and_then(|spec| spec.rules.as_deref());
    rules.unwrap_or_default()
}

fn entrypoint(ingress: &Ingress, service: &Service, route: Route, reach: &Reach) -> Entrypoint {
    let tls = covered_by_tls(ingress, &route);

    Entrypoint {
        kind: "Ingress".to_string(),
        name: ObjectKey::of(&ingress.metadata).to_string(),
        scope: reach.scope,
        reason: reach.reason.clone(),
        service: Some(ObjectKey::of(&service.metadata).to_string()),
        gateway: None,
        hosts: route.hosts.into_iter().collect(),
        ports: if tls { vec![80, 443] } else { vec![80] },
        tls,
        authentication: authentication(ingress, service),
    }
}

/// Whether TLS covers every way the route is reached: each of its hosts is listed in some
/// `spec.tls` entry, and a rule without host or the default backend has an entry listing no
/// hosts. Hosts are compared exactly, as the Ingress API defines them; a wildcard entry
/// covers only the same wildcard rule host.
fn covered_by_tls(ingress: &Ingress, route: &Route) -> bool {
    let entries = tls_entries(ingress);
    let lists = |entry: &IngressTLS, host: &String| entry_hosts(entry).contains(host);

    let hosts_covered = route
        .hosts
        .iter()
        .all(|host| entries.iter().any(|entry| lists(entry, host)));
    let hostless_covered =
        !route.hostless || entries.iter().any(|entry| entry_hosts(entry).is_empty());

    !entries.is_empty() && hosts_covered && hostless_covered
}

fn tls_entries(ingress: &Ingress) -> &[IngressTLS] {
    let entries = ingress.spec.as_ref().and_then(|spec| spec.tls.as_deref());
    entries.unwrap_or_default()
}

fn entry_hosts(entry: &IngressTLS) -> &[String] {
    entry.hosts.as_deref().unwrap_or_default()
}

/// How far a path reaches, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reach {
    scope: Exposure,
    reason: String,
}

impl Reach {
    fn internal(reason: String) -> Reach {
        Reach {
            scope: Exposure::External,
            reason,
        }
    }

    fn public(reason: String) -> Reach {
        Reach {
            scope: Exposure::Internet,
            reason,
        }
    }
}

/// The first rule that marks the Ingress internal decides; a class the user configured as
/// internal wins over any annotation.
fn reach(ingress: &Ingress, settings: &Settings) -> Reach {
    let class = class(ingress);
    let described = match class {
        Some(class) => format!("Ingress of class {class}"),
        None => "Ingress without a class".to_string(),
    };

    if class.is_some_and(|class| settings.internal_ingress_classes.contains(class)) {
        return Reach::internal(format!("{described}, configured as internal"));
    }
    if class == Some(GKE_INTERNAL_CLASS) {
        return Reach::internal(format!("{described} (GKE's internal load balancer)"));
    }
    if is_for_alb(ingress) {
        return alb_reach(ingress, described);
    }
    if annotation(&ingress.metadata, AGIC_PRIVATE_IP).and_then(parse_go_bool) == Some(true) {
        return Reach::internal(format!("{described} with annotation {AGIC_PRIVATE_IP}"));
    }
    Reach::public(described)
}

/// `spec.ingressClassName`, else the legacy annotation. The API server refuses an Ingress that
/// sets both, so the order only matters for files.
fn class(ingress: &Ingress) -> Option<&str> {
    let spec = ingress.spec.as_ref();
    let field = spec.and_then(|spec| spec.ingress_class_name.as_deref());
    let class = field.or_else(|| annotation(&ingress.metadata, LEGACY_CLASS));
    class.filter(|class| !class.is_empty())
}

/// The AWS Load Balancer Controller serves class `alb`; an IngressClass of any other name may
/// point at it too, which its `alb.ingress.kubernetes.io/` annotations give away.
fn is_for_alb(ingress: &Ingress) -> bool {
    let annotations = ingress.metadata.annotations.iter().flatten();
    let mut keys = annotations.map(|(key, _)| key);

    class(ingress) == Some(ALB_CLASS) || keys.any(|key| key.starts_with(ALB_PREFIX))
}

/// The controller builds an internal ALB unless the scheme says `internet-facing`; an unknown
/// scheme makes it refuse the Ingress, which then opens nothing public either.
fn alb_reach(ingress: &Ingress, described: String) -> Reach {
    match annotation(&ingress.metadata, ALB_SCHEME) {
        Some("internet-facing") => {
            Reach::public(format!("{described} with scheme internet-facing"))
        }
        Some(scheme) => Reach::internal(format!("{described} with scheme {scheme}")),
        None => Reach::internal(format!(
            "{described} with scheme internal (the AWS Load Balancer Controller's default)"
        )),
    }
}

/// The strongest authentication the Ingress shows for the path to `service`, in the order of
/// [`STRONGEST_FIRST`]; `None` when it shows none, since the objects of an HTTP proxy are read.
///
/// An ALB Ingress is read for ALB annotations only, any other for ingress-nginx annotations
/// only: each controller ignores the other's.
fn authentication(ingress: &Ingress, service: &Service) -> Authentication {
    STRONGEST_FIRST
        .into_iter()
        .find(|method| applies(*method, ingress, service))
        .unwrap_or(Authentication::None)
}

fn applies(method: Authentication, ingress: &Ingress, service: &Service) -> bool {
    let alb = is_for_alb(ingress);
    let nginx = |key: &str| annotation(&ingress.metadata, key).filter(|_| !alb);

    match method {
        Authentication::ClientCertificate => requires_client_certificate(nginx),
        Authentication::Oidc => alb && alb_authenticates(ingress, service),
        Authentication::External => nginx(NGINX_AUTH_URL).is_some_and(|url| !url.is_empty()),
        Authentication::Basic => matches!(nginx(NGINX_AUTH_TYPE), Some("basic" | "digest")),
        Authentication::None | Authentication::Unknown => false,
    }
}

/// ingress-nginx requires a client certificate once a CA secret is named, unless
/// `auth-tls-verify-client` turns verification off or makes it optional.
fn requires_client_certificate<'a>(nginx: impl Fn(&str) -> Option<&'a str>) -> bool {
    let has_secret = nginx(NGINX_AUTH_TLS_SECRET).is_some_and(|secret| !secret.is_empty());
    let verify = nginx(NGINX_AUTH_TLS_VERIFY);

    has_secret && matches!(verify, None | Some("on"))
}

/// The ALB reads its authentication annotations from the backend Service first, then from
/// the Ingress.
fn alb_authenticates(ingress: &Ingress, service: &Service) -> bool {
    let read = |key: &str| {
        annotation(&service.metadata, key).or_else(|| annotation(&ingress.metadata, key))
    };

    let identity_provider = matches!(read(ALB_AUTH_TYPE), Some("oidc" | "cognito"));
    identity_provider && read(ALB_ON_UNAUTHENTICATED) != Some("allow")
}

fn annotation<'a>(metadata: &'a ObjectMeta, key: &str) -> Option<&'a str> {
    let annotations = metadata.annotations.as_ref()?;
    annotations.get(key).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::snapshot::ClusterObject;
    use crate::engine::testing::{deployment, parse, running, snapshot, workload_key};
    use crate::engine::workload::WorkloadKind;

    fn service(name: &str, selector: Value, annotations: Value) -> ClusterObject {
        let manifest = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": name, "namespace": "shop", "annotations": annotations },
            "spec": { "selector": selector, "ports": [{ "port": 80, "targetPort": 8080 }] }
        });
        ClusterObject::Service(parse(manifest))
    }

    fn ingress(manifest: Value) -> ClusterObject {
        ClusterObject::Ingress(parse(manifest))
    }

    /// An Ingress `shop/<name>` with these annotations and spec.
    fn ingress_manifest(name: &str, annotations: Value, spec: Value) -> Value {
        json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": { "name": name, "namespace": "shop", "annotations": annotations },
            "spec": spec
        })
    }

    fn backend(service: &str) -> Value {
        json!({ "service": { "name": service, "port": { "number": 80 } } })
    }

    fn rule(host: Option<&str>, service: &str) -> Value {
        let path = json!({ "path": "/", "pathType": "Prefix", "backend": backend(service) });
        let mut rule = json!({ "http": { "paths": [path] } });
        if let Some(host) = host {
            rule["host"] = json!(host);
        }
        rule
    }

    /// `shop/storefront` of class nginx, sending `shop.example.com` to Service `web`.
    fn storefront(annotations: Value) -> Value {
        let spec = json!({
            "ingressClassName": "nginx",
            "rules": [rule(Some("shop.example.com"), "web")]
        });
        ingress_manifest("storefront", annotations, spec)
    }

    fn class_only(class: &str) -> Value {
        let spec =
            json!({ "ingressClassName": class, "rules": [rule(Some("shop.example.com"), "web")] });
        ingress_manifest("storefront", json!({}), spec)
    }

    /// The Deployment `shop/web`, the Service `shop/web` selecting it, and `ingresses`.
    fn shop(ingresses: Vec<Value>) -> Snapshot {
        let app = json!({ "app": "web" });
        let web = deployment("shop", "web", app.clone(), running("shop/app:1.0"));
        let mut shop = snapshot([
            ClusterObject::Deployment(web),
            service("web", app, json!({})),
        ]);
        for manifest in ingresses {
            shop.insert(ingress(manifest));
        }
        shop
    }

    fn web(snapshot: &Snapshot) -> &Workload {
        let key = workload_key("shop", WorkloadKind::Deployment, "web");
        snapshot.workload(&key).expect("the test inserted shop/web")
    }

    fn found_with(snapshot: &Snapshot, settings: &Settings) -> Vec<Entrypoint> {
        entrypoints(web(snapshot), snapshot, settings)
    }

    fn found(ingresses: Vec<Value>) -> Vec<Entrypoint> {
        found_with(&shop(ingresses), &Settings::default())
    }

    fn only(manifest: Value) -> Entrypoint {
        let mut found = found(vec![manifest]);
        assert_eq!(found.len(), 1, "expected exactly one entrypoint: {found:?}");
        found.remove(0)
    }

    fn only_in(snapshot: &Snapshot) -> Entrypoint {
        let mut found = found_with(snapshot, &Settings::default());
        assert_eq!(found.len(), 1, "expected exactly one entrypoint: {found:?}");
        found.remove(0)
    }

    #[test]
    fn rule_reaches_the_workload_through_its_service() {
        let found = only(storefront(json!({})));

        assert_eq!(found.kind, "Ingress");
        assert_eq!(found.name, "shop/storefront");
        assert_eq!(found.service.as_deref(), Some("shop/web"));
        assert_eq!(found.scope, Exposure::Internet);
        assert_eq!(found.reason, "Ingress of class nginx");
        assert_eq!(found.hosts, vec!["shop.example.com"]);
        assert_eq!(found.ports, vec![80]);
        assert!(!found.tls);
        assert_eq!(found.authentication, Authentication::None);
    }

    #[test]
    fn backend_service_not_selecting_the_workload_opens_nothing() {
        let mut snapshot = shop(vec![]);
        snapshot.insert(service("api", json!({ "app": "api" }), json!({})));
        let spec = json!({ "rules": [rule(Some("api.example.com"), "api")] });
        snapshot.insert(ingress(ingress_manifest("api", json!({}), spec)));

        assert!(found_with(&snapshot, &Settings::default()).is_empty());
    }

    #[test]
    fn backend_service_missing_from_the_snapshot_opens_nothing() {
        let spec = json!({ "rules": [rule(Some("shop.example.com"), "web-v2")] });

        assert!(found(vec![ingress_manifest("storefront", json!({}), spec)]).is_empty());
    }

    #[test]
    fn ingress_in_another_namespace_opens_nothing() {
        let mut manifest = storefront(json!({}));
        manifest["metadata"]["namespace"] = json!("billing");

        assert!(found(vec![manifest]).is_empty());
    }

    #[test]
    fn default_backend_reaches_without_hosts() {
        let spec = json!({ "defaultBackend": backend("web") });

        let found = only(ingress_manifest("catch-all", json!({}), spec));

        assert_eq!(found.service.as_deref(), Some("shop/web"));
        assert!(found.hosts.is_empty());
        assert_eq!(found.reason, "Ingress without a class");
        assert_eq!(found.scope, Exposure::Internet);
    }

    #[test]
    fn hosts_leading_to_one_service_are_sorted_once() {
        let spec = json!({ "rules": [
            rule(Some("www.example.com"), "web"),
            rule(Some("shop.example.com"), "web"),
            rule(Some("www.example.com"), "web")
        ] });

        let found = only(ingress_manifest("storefront", json!({}), spec));

        assert_eq!(found.hosts, vec!["shop.example.com", "www.example.com"]);
    }

    #[test]
    fn each_service_of_an_ingress_selecting_the_workload_is_one_entrypoint() {
        let mut snapshot = shop(vec![]);
        snapshot.insert(service("web-admin", json!({ "app": "web" }), json!({})));
        snapshot.insert(service("api", json!({ "app": "api" }), json!({})));
        let spec = json!({ "rules": [
            rule(Some("admin.example.com"), "web-admin"),
            rule(Some("shop.example.com"), "web"),
            rule(Some("api.example.com"), "api")
        ] });
        snapshot.insert(ingress(ingress_manifest("storefront", json!({}), spec)));

        let services: Vec<Option<String>> = found_with(&snapshot, &Settings::default())
            .into_iter()
            .map(|entrypoint| entrypoint.service)
            .collect();

        assert_eq!(
            services,
            vec![
                Some("shop/web".to_string()),
                Some("shop/web-admin".to_string())
            ]
        );
    }

    #[test]
    fn entrypoints_are_sorted_by_ingress_name() {
        let mut second = storefront(json!({}));
        second["metadata"]["name"] = json!("storefront-b");
        let mut first = storefront(json!({}));
        first["metadata"]["name"] = json!("storefront-a");

        let names: Vec<String> = found(vec![second, first])
            .into_iter()
            .map(|entrypoint| entrypoint.name)
            .collect();

        assert_eq!(names, vec!["shop/storefront-a", "shop/storefront-b"]);
    }

    #[test]
    fn tls_listing_every_host_adds_port_443() {
        let spec = json!({
            "rules": [rule(Some("shop.example.com"), "web"), rule(Some("www.example.com"), "web")],
            "tls": [
                { "hosts": ["shop.example.com"], "secretName": "shop-tls" },
                { "hosts": ["www.example.com"], "secretName": "www-tls" }
            ]
        });

        let found = only(ingress_manifest("storefront", json!({}), spec));

        assert!(found.tls);
        assert_eq!(found.ports, vec![80, 443]);
    }

    #[test]
    fn tls_missing_one_host_is_not_tls() {
        let spec = json!({
            "rules": [rule(Some("shop.example.com"), "web"), rule(Some("www.example.com"), "web")],
            "tls": [{ "hosts": ["shop.example.com"], "secretName": "shop-tls" }]
        });

        let found = only(ingress_manifest("storefront", json!({}), spec));

        assert!(!found.tls);
        assert_eq!(found.ports, vec![80]);
    }

    #[test]
    fn tls_without_hosts_covers_a_rule_without_host() {
        let spec =
            json!({ "rules": [rule(None, "web")], "tls": [{ "secretName": "default-tls" }] });

        assert!(only(ingress_manifest("storefront", json!({}), spec)).tls);
    }

    #[test]
    fn tls_without_hosts_does_not_cover_a_named_host() {
        let spec = json!({
            "rules": [rule(Some("shop.example.com"), "web")],
            "tls": [{ "secretName": "default-tls" }]
        });

        assert!(!only(ingress_manifest("storefront", json!({}), spec)).tls);
    }

    #[test]
    fn tls_for_the_hosts_does_not_cover_the_default_backend() {
        let spec = json!({
            "defaultBackend": backend("web"),
            "rules": [rule(Some("shop.example.com"), "web")],
            "tls": [{ "hosts": ["shop.example.com"], "secretName": "shop-tls" }]
        });

        let found = only(ingress_manifest("storefront", json!({}), spec));

        assert_eq!(found.hosts, vec!["shop.example.com"]);
        assert!(!found.tls);
    }

    #[test]
    fn configured_internal_class_is_external() {
        let snapshot = shop(vec![class_only("nginx-internal")]);
        let settings = Settings {
            internal_ingress_classes: ["nginx-internal".to_string()].into(),
            ..Settings::default()
        };

        let found = found_with(&snapshot, &settings);

        assert_eq!(found[0].scope, Exposure::External);
        assert_eq!(
            found[0].reason,
            "Ingress of class nginx-internal, configured as internal"
        );
    }

    #[test]
    fn class_not_configured_as_internal_faces_the_internet() {
        let snapshot = shop(vec![class_only("nginx")]);
        let settings = Settings {
            internal_ingress_classes: ["nginx-internal".to_string()].into(),
            ..Settings::default()
        };

        assert_eq!(
            found_with(&snapshot, &settings)[0].scope,
            Exposure::Internet
        );
    }

    #[test]
    fn legacy_class_annotation_names_the_class() {
        let spec = json!({ "rules": [rule(Some("shop.example.com"), "web")] });
        let manifest = ingress_manifest("storefront", json!({ LEGACY_CLASS: "traefik" }), spec);

        assert_eq!(only(manifest).reason, "Ingress of class traefik");
    }

    #[test]
    fn legacy_class_annotation_can_be_configured_internal() {
        let spec = json!({ "rules": [rule(Some("shop.example.com"), "web")] });
        let annotations = json!({ LEGACY_CLASS: "nginx-internal" });
        let snapshot = shop(vec![ingress_manifest("storefront", annotations, spec)]);
        let settings = Settings {
            internal_ingress_classes: ["nginx-internal".to_string()].into(),
            ..Settings::default()
        };

        assert_eq!(
            found_with(&snapshot, &settings)[0].scope,
            Exposure::External
        );
    }

    #[test]
    fn gke_internal_class_is_external() {
        let spec = json!({ "rules": [rule(Some("shop.example.com"), "web")] });
        let manifest =
            ingress_manifest("storefront", json!({ LEGACY_CLASS: "gce-internal" }), spec);

        let found = only(manifest);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "Ingress of class gce-internal (GKE's internal load balancer)"
        );
    }

    #[test]
    fn gke_external_class_faces_the_internet() {
        let spec = json!({ "rules": [rule(Some("shop.example.com"), "web")] });
        let manifest = ingress_manifest("storefront", json!({ LEGACY_CLASS: "gce" }), spec);

        assert_eq!(only(manifest).scope, Exposure::Internet);
    }

    #[test]
    fn alb_class_defaults_to_an_internal_scheme() {
        let found = only(class_only("alb"));

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "Ingress of class alb with scheme internal (the AWS Load Balancer Controller's default)"
        );
    }

    #[test]
    fn alb_with_internet_facing_scheme_faces_the_internet() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ ALB_SCHEME: "internet-facing" });

        let found = only(manifest);

        assert_eq!(found.scope, Exposure::Internet);
        assert_eq!(
            found.reason,
            "Ingress of class alb with scheme internet-facing"
        );
    }

    #[test]
    fn alb_with_explicit_internal_scheme_is_external() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ ALB_SCHEME: "internal" });

        assert_eq!(
            only(manifest).reason,
            "Ingress of class alb with scheme internal"
        );
    }

    #[test]
    fn alb_annotation_under_another_class_means_the_aws_controller() {
        let mut manifest = class_only("aws-alb");
        manifest["metadata"]["annotations"] =
            json!({ "alb.ingress.kubernetes.io/target-type": "ip" });

        assert_eq!(only(manifest).scope, Exposure::External);
    }

    #[test]
    fn configured_internal_class_wins_over_an_internet_facing_scheme() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ ALB_SCHEME: "internet-facing" });
        let snapshot = shop(vec![manifest]);
        let settings = Settings {
            internal_ingress_classes: ["alb".to_string()].into(),
            ..Settings::default()
        };

        assert_eq!(
            found_with(&snapshot, &settings)[0].scope,
            Exposure::External
        );
    }

    #[test]
    fn azure_private_ip_is_external() {
        let mut manifest = class_only("azure-application-gateway");
        manifest["metadata"]["annotations"] = json!({ AGIC_PRIVATE_IP: "true" });

        let found = only(manifest);

        assert_eq!(found.scope, Exposure::External);
        assert_eq!(
            found.reason,
            "Ingress of class azure-application-gateway with annotation \
             appgw.ingress.kubernetes.io/use-private-ip"
        );
    }

    #[test]
    fn azure_private_ip_false_faces_the_internet() {
        let mut manifest = class_only("azure-application-gateway");
        manifest["metadata"]["annotations"] = json!({ AGIC_PRIVATE_IP: "false" });

        assert_eq!(only(manifest).scope, Exposure::Internet);
    }

    #[test]
    fn auth_url_is_external_authentication() {
        let annotations = json!({
            NGINX_AUTH_URL: "https://$host/oauth2/auth",
            "nginx.ingress.kubernetes.io/auth-signin": "https://$host/oauth2/start?rd=$request_uri"
        });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::External
        );
    }

    #[test]
    fn auth_type_basic_is_basic_authentication() {
        let annotations = json!({
            NGINX_AUTH_TYPE: "basic",
            "nginx.ingress.kubernetes.io/auth-secret": "storefront-users"
        });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::Basic
        );
    }

    #[test]
    fn auth_type_digest_is_basic_authentication() {
        let annotations = json!({ NGINX_AUTH_TYPE: "digest" });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::Basic
        );
    }

    #[test]
    fn unknown_auth_type_is_no_authentication() {
        let annotations = json!({ NGINX_AUTH_TYPE: "Basic" });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::None
        );
    }

    #[test]
    fn auth_tls_secret_requires_a_client_certificate_by_default() {
        let annotations = json!({ NGINX_AUTH_TLS_SECRET: "shop/client-ca" });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::ClientCertificate
        );
    }

    #[test]
    fn auth_tls_verify_client_on_requires_a_client_certificate() {
        let annotations =
            json!({ NGINX_AUTH_TLS_SECRET: "shop/client-ca", NGINX_AUTH_TLS_VERIFY: "on" });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::ClientCertificate
        );
    }

    #[test]
    fn optional_client_certificate_is_no_authentication() {
        for verify in ["optional", "optional_no_ca", "off"] {
            let annotations =
                json!({ NGINX_AUTH_TLS_SECRET: "shop/client-ca", NGINX_AUTH_TLS_VERIFY: verify });

            assert_eq!(
                only(storefront(annotations)).authentication,
                Authentication::None,
                "auth-tls-verify-client {verify}"
            );
        }
    }

    #[test]
    fn alb_oidc_is_oidc_authentication() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ ALB_AUTH_TYPE: "oidc" });

        assert_eq!(only(manifest).authentication, Authentication::Oidc);
    }

    #[test]
    fn alb_cognito_is_oidc_authentication() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ ALB_AUTH_TYPE: "cognito" });

        assert_eq!(only(manifest).authentication, Authentication::Oidc);
    }

    #[test]
    fn alb_letting_unauthenticated_requests_through_is_no_authentication() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] =
            json!({ ALB_AUTH_TYPE: "oidc", ALB_ON_UNAUTHENTICATED: "allow" });

        assert_eq!(only(manifest).authentication, Authentication::None);
    }

    #[test]
    fn alb_authentication_on_the_service_counts() {
        let mut snapshot = shop(vec![class_only("alb")]);
        snapshot.insert(service(
            "web",
            json!({ "app": "web" }),
            json!({ ALB_AUTH_TYPE: "cognito" }),
        ));

        assert_eq!(only_in(&snapshot).authentication, Authentication::Oidc);
    }

    #[test]
    fn alb_authentication_on_the_service_overrides_the_ingress() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ ALB_AUTH_TYPE: "oidc" });
        let mut snapshot = shop(vec![manifest]);
        snapshot.insert(service(
            "web",
            json!({ "app": "web" }),
            json!({ ALB_AUTH_TYPE: "none" }),
        ));

        assert_eq!(only_in(&snapshot).authentication, Authentication::None);
    }

    #[test]
    fn alb_annotations_do_not_authenticate_an_nginx_ingress() {
        let mut snapshot = shop(vec![storefront(json!({}))]);
        snapshot.insert(service(
            "web",
            json!({ "app": "web" }),
            json!({ ALB_AUTH_TYPE: "oidc" }),
        ));

        assert_eq!(only_in(&snapshot).authentication, Authentication::None);
    }

    #[test]
    fn nginx_annotations_do_not_authenticate_an_alb_ingress() {
        let mut manifest = class_only("alb");
        manifest["metadata"]["annotations"] = json!({ NGINX_AUTH_URL: "https://auth.example.com" });

        assert_eq!(only(manifest).authentication, Authentication::None);
    }

    #[test]
    fn strongest_authentication_wins() {
        let annotations = json!({
            NGINX_AUTH_TYPE: "basic",
            NGINX_AUTH_URL: "https://auth.example.com/verify",
            NGINX_AUTH_TLS_SECRET: "shop/client-ca"
        });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::ClientCertificate
        );
    }

    #[test]
    fn external_authentication_outranks_basic() {
        let annotations = json!({
            NGINX_AUTH_TYPE: "basic",
            NGINX_AUTH_URL: "https://auth.example.com/verify"
        });

        assert_eq!(
            only(storefront(annotations)).authentication,
            Authentication::External
        );
    }
}
