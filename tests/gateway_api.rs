//! Gateway API on a real control plane: routes make their backends reachable through their
//! Gateways, and installing Gateway API while the operator runs needs no restart.

mod common;

use appasset_operator::api::Exposure;
use common::*;

fn gateway(name: &str, class: &str) -> String {
    format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {{name: {name}}}
spec:
  gatewayClassName: {class}
  listeners:
  - {{name: http, protocol: HTTP, port: 80}}
"
    )
}

fn http_route(name: &str, gateway: &str, service: &str) -> String {
    format!(
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: {name}}}
spec:
  parentRefs: [{{name: {gateway}}}]
  hostnames: [{name}.example.com]
  rules:
  - backendRefs: [{{name: {service}, port: 80}}]
"
    )
}

#[tokio::test]
async fn gateway_api_installed_while_running_makes_routed_backends_reachable() {
    let cp = cluster();
    let ns = cp.namespace("gateway").await;
    let _operator = operator(cp, &ns, &["--internal-gateway-classes=private"]).await;
    let workloads = [
        deployment("shop", "shop", ""),
        service("shop", "shop", "ClusterIP", ""),
        deployment("admin", "admin", ""),
        service("admin", "admin", "ClusterIP", ""),
    ];
    cp.apply_yaml(&ns.name, &workloads.join("---\n"));
    asset_with_exposure(&ns, "deployment-shop", Exposure::Cluster).await;

    let crds = cp.tools().gateway_api_crds.to_str().unwrap().to_string();
    succeed(cp.kubectl(&["apply", "--server-side", "-f", &crds]));
    succeed(cp.kubectl(&[
        "wait",
        "--for=condition=Established",
        "crd/gateways.gateway.networking.k8s.io",
        "crd/httproutes.gateway.networking.k8s.io",
        "--timeout=60s",
    ]));
    let routing = [
        gateway("public", "istio"),
        http_route("shop", "public", "shop"),
        gateway("internal", "private"),
        http_route("admin", "internal", "admin"),
    ];
    cp.apply_yaml(&ns.name, &routing.join("---\n"));

    let shop = asset_with_exposure(&ns, "deployment-shop", Exposure::Internet).await;
    let route = shop
        .spec
        .entrypoints
        .iter()
        .find(|e| e.kind == "HTTPRoute")
        .unwrap();
    assert_eq!(
        route.gateway.as_deref(),
        Some(format!("{}/public", ns.name).as_str())
    );
    assert_eq!(
        route.service.as_deref(),
        Some(format!("{}/shop", ns.name).as_str())
    );
    assert_eq!(route.hosts, ["shop.example.com"]);
    asset_with_exposure(&ns, "deployment-admin", Exposure::External).await;

    succeed(cp.kubectl(&["delete", "httproute", "shop", "-n", &ns.name]));
    asset_with_exposure(&ns, "deployment-shop", Exposure::Cluster).await;
}
