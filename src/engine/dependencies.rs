//! The Services a workload calls, read from the plain values of its containers' environment.
//!
//! A value names a Service in one of these forms, each with an optional scheme (`http://`,
//! `grpc://`, `redis://`, ...), userinfo, port and path, and several of them may be listed
//! with commas:
//!
//! - `name`: a Service in the workload's own namespace;
//! - `name.namespace`, `name.namespace.svc`, `name.namespace.svc.<cluster domain>`, with any
//!   cluster domain, since clusters need not use `cluster.local`;
//! - `pod.name.namespace.svc[.<cluster domain>]`: one pod of a StatefulSet behind a headless
//!   Service, as Kafka or ZooKeeper client lists name their brokers.
//!
//! Only references to a Service present in the snapshot count, so host names outside the
//! cluster never become dependencies. Host names are compared in lower case, as DNS does.
//!
//! Only `env[].value` is read. A `valueFrom` points into a ConfigMap, a Secret or the pod's
//! own fields; the engine does not resolve it, because the pod template alone does not say
//! what it holds and a Secret's contents must never be read to build an inventory.

use k8s_openapi::api::core::v1::{Container, EnvVar};

use super::containers::template_containers;
use super::snapshot::{ObjectKey, Snapshot};
use super::workload::Workload;
use crate::api::Dependency;

/// Endings of the environment variable names under which a bare Service name counts.
///
/// A bare word such as `frontend`, `cart` or `true` is as likely to be a mode, a feature flag
/// or a display name as an address, and Services are often named after ordinary words. A bare
/// value is therefore read as an address only when the variable's name says it holds one.
const ADDRESS_ENV_SUFFIXES: [&str; 7] = [
    "_HOST",
    "_ADDR",
    "_ADDRESS",
    "_SERVICE",
    "_URL",
    "_ENDPOINT",
    "_URI",
];

/// The Services `workload` names in its containers' environment, init containers included,
/// sorted by service, port and source, each listed once.
pub fn dependencies(workload: &Workload, snapshot: &Snapshot) -> Vec<Dependency> {
    let namespace = workload.namespace();

    let mut found: Vec<Dependency> = template_containers(workload)
        .flat_map(|(container, _)| container_dependencies(container, namespace, snapshot))
        .collect();

    found.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    found.dedup();
    found
}

fn sort_key(dependency: &Dependency) -> (&str, Option<i32>, &str) {
    (&dependency.service, dependency.port, &dependency.source)
}

fn container_dependencies(
    container: &Container,
    namespace: &str,
    snapshot: &Snapshot,
) -> Vec<Dependency> {
    let variables = container.env.iter().flatten();

    variables
        .flat_map(|variable| {
            let source = format!("{}/{}", container.name, variable.name);
            addresses(variable)
                .into_iter()
                .filter_map(|address| service_named(&address, namespace, snapshot))
                .map(move |(key, port)| Dependency {
                    service: key.to_string(),
                    port,
                    source: source.clone(),
                })
        })
        .collect()
}

/// The addresses one variable's value holds, with the bare-name rule applied.
fn addresses(variable: &EnvVar) -> Vec<Address> {
    let Some(value) = variable.value.as_deref() else {
        return Vec::new();
    };
    let names_an_address = ADDRESS_ENV_SUFFIXES
        .iter()
        .any(|suffix| variable.name.ends_with(suffix));

    value
        .split(',')
        .filter_map(|item| Address::parse(item.trim()))
        .filter(|address| names_an_address || !address.is_bare())
        .collect()
}

/// The existing Service an address names, with the port it gives.
fn service_named(
    address: &Address,
    own_namespace: &str,
    snapshot: &Snapshot,
) -> Option<(ObjectKey, Option<i32>)> {
    let labels: Vec<&str> = address.host.split('.').collect();

    let key = match labels.as_slice() {
        [name] => ObjectKey::new(own_namespace, name),
        [name, namespace] | [name, namespace, "svc", ..] => ObjectKey::new(namespace, name),
        [_pod, name, namespace, "svc", ..] => ObjectKey::new(namespace, name),
        _ => return None,
    };

    snapshot.service(&key).map(|_| (key, address.port))
}

/// A network address written in an environment value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Address {
    /// The host, in lower case and without a trailing root dot.
    host: String,
    port: Option<i32>,
    has_scheme: bool,
}

impl Address {
    /// Reads `[scheme://][userinfo@]host[:port][/path]`; `None` for anything else, such as a
    /// non-numeric port or an empty host.
    fn parse(text: &str) -> Option<Address> {
        let (has_scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) if is_scheme(scheme) => (true, rest),
            Some(_) => return None,
            None => (false, text),
        };

        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_and_port = authority
            .rsplit_once('@')
            .map_or(authority, |(_, after)| after);
        let (host, port) = match host_and_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(parse_port(port)?)),
            None => (host_and_port, None),
        };

        let host = host.strip_suffix('.').unwrap_or(host);
        (!host.is_empty()).then(|| Address {
            host: host.to_ascii_lowercase(),
            port,
            has_scheme,
        })
    }

    /// A single DNS label with neither scheme nor port: it may just as well be a plain word.
    fn is_bare(&self) -> bool {
        !self.has_scheme && self.port.is_none() && !self.host.contains('.')
    }
}

fn is_scheme(text: &str) -> bool {
    let mut chars = text.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());

    starts_with_letter && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

fn parse_port(text: &str) -> Option<i32> {
    let port: u16 = text.parse().ok()?;
    (port != 0).then_some(i32::from(port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{self, service, snapshot};
    use serde_json::{Value, json};

    /// Deployment `namespace/frontend` whose pods run `pod_spec`.
    fn deployment(namespace: &str, pod_spec: Value) -> Workload {
        let pod_labels = json!({ "app": "frontend" });
        let frontend = testing::deployment(namespace, "frontend", pod_labels, pod_spec);
        Workload::from_deployment(frontend)
    }

    /// A workload in `shop` with one container `server` with `env`.
    fn with_env(env: Value) -> Workload {
        let container = json!({ "name": "server", "image": "app:1", "env": env });
        deployment("shop", json!({ "containers": [container] }))
    }

    /// A snapshot holding a Service for each `(namespace, name)` in `services`.
    fn snapshot_with(services: &[(&str, &str)]) -> Snapshot {
        let services = services
            .iter()
            .map(|(namespace, name)| service(namespace, name, json!({ "app": name })));
        snapshot(services)
    }

    fn dependency(service: &str, port: Option<i32>, source: &str) -> Dependency {
        Dependency {
            service: service.to_string(),
            port,
            source: source.to_string(),
        }
    }

    fn services_of(found: &[Dependency]) -> Vec<(&str, Option<i32>)> {
        let pairs = found.iter().map(|d| (d.service.as_str(), d.port));
        pairs.collect()
    }

    #[test]
    fn online_boutique_frontend_depends_on_the_services_it_names() {
        // The frontend's env from Online Boutique's kubernetes-manifests.yaml; that file
        // defines no shoppingassistantservice Service, so its address names nothing.
        let env = json!([
            { "name": "PORT", "value": "8080" },
            { "name": "PRODUCT_CATALOG_SERVICE_ADDR", "value": "productcatalogservice:3550" },
            { "name": "CURRENCY_SERVICE_ADDR", "value": "currencyservice:7000" },
            { "name": "CART_SERVICE_ADDR", "value": "cartservice:7070" },
            { "name": "RECOMMENDATION_SERVICE_ADDR", "value": "recommendationservice:8080" },
            { "name": "SHIPPING_SERVICE_ADDR", "value": "shippingservice:50051" },
            { "name": "CHECKOUT_SERVICE_ADDR", "value": "checkoutservice:5050" },
            { "name": "AD_SERVICE_ADDR", "value": "adservice:9555" },
            { "name": "SHOPPING_ASSISTANT_SERVICE_ADDR", "value": "shoppingassistantservice:80" },
            { "name": "ENABLE_PROFILER", "value": "0" },
        ]);
        let server = json!({
            "name": "server",
            "image": "microservices-demo/frontend:v0.10.6",
            "env": env,
        });
        let workload = deployment("default", json!({ "containers": [server] }));
        let snapshot = snapshot_with(&[
            ("default", "adservice"),
            ("default", "cartservice"),
            ("default", "checkoutservice"),
            ("default", "currencyservice"),
            ("default", "frontend"),
            ("default", "productcatalogservice"),
            ("default", "recommendationservice"),
            ("default", "shippingservice"),
        ]);

        let found = dependencies(&workload, &snapshot);

        let expected = [
            ("default/adservice", Some(9555)),
            ("default/cartservice", Some(7070)),
            ("default/checkoutservice", Some(5050)),
            ("default/currencyservice", Some(7000)),
            ("default/productcatalogservice", Some(3550)),
            ("default/recommendationservice", Some(8080)),
            ("default/shippingservice", Some(50051)),
        ];
        assert_eq!(services_of(&found), expected);
    }

    #[test]
    fn online_boutique_cartservice_depends_on_redis_cart() {
        let workload = with_env(json!([{ "name": "REDIS_ADDR", "value": "redis-cart:6379" }]));
        let snapshot = snapshot_with(&[("shop", "redis-cart")]);

        let found = dependencies(&workload, &snapshot);

        let expected = dependency("shop/redis-cart", Some(6379), "server/REDIS_ADDR");
        assert_eq!(found, [expected]);
    }

    #[test]
    fn a_service_missing_from_the_snapshot_is_ignored() {
        let workload = with_env(json!([{ "name": "CART_ADDR", "value": "cartservice:7070" }]));
        let snapshot = snapshot_with(&[("other", "cartservice")]);

        assert!(dependencies(&workload, &snapshot).is_empty());
    }

    #[test]
    fn namespace_qualified_names_are_resolved_in_that_namespace() {
        let workload = with_env(json!([
            { "name": "A", "value": "orders.billing" },
            { "name": "B", "value": "orders.billing.svc:8080" },
            { "name": "C", "value": "orders.billing.svc.cluster.local:9090" },
            { "name": "D", "value": "orders.billing.svc.corp.example." },
        ]));
        let snapshot = snapshot_with(&[("billing", "orders"), ("shop", "orders")]);

        let found = dependencies(&workload, &snapshot);

        let expected = [
            dependency("billing/orders", None, "server/A"),
            dependency("billing/orders", None, "server/D"),
            dependency("billing/orders", Some(8080), "server/B"),
            dependency("billing/orders", Some(9090), "server/C"),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn urls_with_scheme_userinfo_and_path_name_their_host() {
        let workload = with_env(json!([
            { "name": "ORDERS", "value": "http://orders.billing.svc.cluster.local/api/v1" },
            { "name": "CACHE", "value": "redis://:hunter2@redis-cart:6379/0" },
            { "name": "DB", "value": "postgres://app:secret@db.data:5432/app?sslmode=require" },
            { "name": "RPC", "value": "grpc://Checkout" },
        ]));
        let snapshot = snapshot_with(&[
            ("billing", "orders"),
            ("shop", "redis-cart"),
            ("data", "db"),
            ("shop", "checkout"),
        ]);

        let found = dependencies(&workload, &snapshot);

        let expected = [
            dependency("billing/orders", None, "server/ORDERS"),
            dependency("data/db", Some(5432), "server/DB"),
            dependency("shop/checkout", None, "server/RPC"),
            dependency("shop/redis-cart", Some(6379), "server/CACHE"),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn a_comma_separated_list_names_every_service_in_it() {
        let brokers = "kafka-0.kafka-headless.data.svc.cluster.local:9092,\
                       kafka-1.kafka-headless.data.svc.cluster.local:9092, queue.data:4222";
        let workload = with_env(json!([{ "name": "BOOTSTRAP", "value": brokers }]));
        let snapshot = snapshot_with(&[("data", "kafka-headless"), ("data", "queue")]);

        let found = dependencies(&workload, &snapshot);

        let expected = [
            dependency("data/kafka-headless", Some(9092), "server/BOOTSTRAP"),
            dependency("data/queue", Some(4222), "server/BOOTSTRAP"),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn value_from_is_not_read() {
        let workload = with_env(json!([{
            "name": "CART_SERVICE_ADDR",
            "valueFrom": { "configMapKeyRef": { "name": "addresses", "key": "cart" } },
        }]));
        let snapshot = snapshot_with(&[("shop", "cartservice")]);

        assert!(dependencies(&workload, &snapshot).is_empty());
    }

    #[test]
    fn a_bare_name_counts_under_an_address_like_variable_name() {
        let workload = with_env(json!([
            { "name": "CART_HOST", "value": "cartservice" },
            { "name": "CART_ENDPOINT", "value": "cartservice" },
        ]));
        let snapshot = snapshot_with(&[("shop", "cartservice")]);

        let found = dependencies(&workload, &snapshot);

        assert_eq!(services_of(&found), [("shop/cartservice", None); 2]);
    }

    #[test]
    fn a_bare_name_under_any_other_variable_name_is_a_plain_word() {
        let workload = with_env(json!([
            { "name": "UI_THEME", "value": "frontend" },
            { "name": "ENABLED", "value": "true" },
        ]));
        let snapshot = snapshot_with(&[("shop", "frontend"), ("shop", "true")]);

        assert!(dependencies(&workload, &snapshot).is_empty());
    }

    #[test]
    fn a_bare_name_only_names_a_service_of_the_workloads_namespace() {
        let workload = with_env(json!([{ "name": "CART_HOST", "value": "cartservice" }]));
        let snapshot = snapshot_with(&[("billing", "cartservice")]);

        assert!(dependencies(&workload, &snapshot).is_empty());
    }

    #[test]
    fn a_port_or_scheme_lifts_the_bare_name_rule() {
        let workload = with_env(json!([
            { "name": "CART", "value": "cartservice:7070" },
            { "name": "ORDERS", "value": "http://orders" },
        ]));
        let snapshot = snapshot_with(&[("shop", "cartservice"), ("shop", "orders")]);

        let found = dependencies(&workload, &snapshot);

        let expected = [("shop/cartservice", Some(7070)), ("shop/orders", None)];
        assert_eq!(services_of(&found), expected);
    }

    #[test]
    fn hosts_outside_the_cluster_and_malformed_values_name_nothing() {
        let workload = with_env(json!([
            { "name": "API_URL", "value": "https://api.example.com/v2" },
            { "name": "PROXY_ADDR", "value": "orders:http" },
            { "name": "COOKIE_HOST", "value": "shop_session-id=x-readiness-probe" },
            { "name": "EMPTY_URL", "value": "" },
            { "name": "WEIRD_URL", "value": "://orders:80" },
        ]));
        let snapshot = snapshot_with(&[("shop", "orders"), ("example", "api")]);

        assert!(dependencies(&workload, &snapshot).is_empty());
    }

    #[test]
    fn init_containers_and_every_container_are_read() {
        // Online Boutique's loadgenerator checks the frontend from an init container first.
        let workload = deployment(
            "shop",
            json!({
                "initContainers": [{
                    "name": "frontend-check",
                    "image": "busybox:1.38.0",
                    "env": [{ "name": "FRONTEND_ADDR", "value": "frontend:80" }],
                }],
                "containers": [{
                    "name": "main",
                    "image": "microservices-demo/loadgenerator:v0.10.6",
                    "env": [{ "name": "FRONTEND_ADDR", "value": "frontend:80" }],
                }],
            }),
        );
        let snapshot = snapshot_with(&[("shop", "frontend")]);

        let found = dependencies(&workload, &snapshot);

        let expected = [
            dependency("shop/frontend", Some(80), "frontend-check/FRONTEND_ADDR"),
            dependency("shop/frontend", Some(80), "main/FRONTEND_ADDR"),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn the_same_reference_twice_is_listed_once() {
        let workload = with_env(json!([
            { "name": "CART_ADDR", "value": "cartservice:7070,cartservice:7070" },
        ]));
        let snapshot = snapshot_with(&[("shop", "cartservice")]);

        let found = dependencies(&workload, &snapshot);

        let expected = dependency("shop/cartservice", Some(7070), "server/CART_ADDR");
        assert_eq!(found, [expected]);
    }
}
