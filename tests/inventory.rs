//! The live inventory on a real control plane: `appasset run` keeps one AppAsset per workload
//! with the exposure, entrypoints and classification the objects show.

mod common;

use appasset_harness::wait_until;
use appasset_operator::api::Exposure;
use common::*;

#[tokio::test]
async fn online_boutique_is_inventoried_with_its_exposure() {
    let cp = cluster();
    let ns = cp.namespace("boutique").await;
    let _operator = operator(cp, &ns, &[]).await;

    apply(cp, &ns.name, &corpus("kubernetes-manifests.yaml"));

    let all = wait_until("12 AppAssets exist", || async {
        let all = assets(&ns).await;
        (all.len() == 12 && all.iter().all(|a| exposure(a).is_some())).then_some(all)
    })
    .await;
    for asset in &all {
        let name = asset.metadata.name.as_deref().unwrap();
        let expected = match name {
            "deployment-frontend" => Exposure::Internet,
            "deployment-loadgenerator" => Exposure::Isolated,
            _ => Exposure::Cluster,
        };
        assert_eq!(exposure(asset), Some(expected), "{name}");
    }
    let frontend = all
        .iter()
        .find(|a| a.metadata.name.as_deref() == Some("deployment-frontend"));
    let through: Vec<&str> = frontend
        .unwrap()
        .spec
        .entrypoints
        .iter()
        .filter(|entrypoint| entrypoint.scope == Exposure::Internet)
        .map(|entrypoint| entrypoint.name.as_str())
        .collect();
    assert_eq!(through, [format!("{}/frontend-external", ns.name)]);

    let table = succeed(cp.kubectl(&["get", "appassets", "-n", &ns.name]));
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAME", "KIND", "EXPOSURE", "OWNER", "DATA", "RISK", "SCORE", "AGE"
        ]
    );
    let wide = succeed(cp.kubectl(&["get", "appassets", "-n", &ns.name, "-o", "wide"]));
    let header: Vec<&str> = wide.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(&header[8..], ["CRITICALITY", "FINDINGS", "ENTRYPOINTS"]);

    apply(cp, &ns.name, &corpus("network-policies"));

    asset_with_exposure(&ns, "deployment-cartservice", Exposure::Restricted).await;
    let settled = wait_until("every backend is Restricted", || async {
        let all = assets(&ns).await;
        let restricted = all
            .iter()
            .filter(|a| exposure(a) == Some(Exposure::Restricted));
        (restricted.count() == 10).then_some(all)
    })
    .await;
    for asset in &settled {
        let name = asset.metadata.name.as_deref().unwrap();
        let expected = match name {
            "deployment-frontend" => Exposure::Internet,
            "deployment-loadgenerator" => Exposure::Isolated,
            _ => Exposure::Restricted,
        };
        assert_eq!(
            exposure(asset),
            Some(expected),
            "{name} with network policies"
        );
    }
}

#[tokio::test]
async fn a_service_selecting_several_deployments_gives_each_the_entrypoint() {
    let cp = cluster();
    let ns = cp.namespace("shared-service").await;
    let _operator = operator(cp, &ns, &[]).await;

    let manifests = [
        deployment("blue", "shop", ""),
        deployment("green", "shop", ""),
        service("shop", "shop", "NodePort", ""),
    ];
    cp.apply_yaml(&ns.name, &manifests.join("---\n"));

    for name in ["deployment-blue", "deployment-green"] {
        let asset = asset_with_exposure(&ns, name, Exposure::External).await;
        let entrypoints: Vec<&str> = asset
            .spec
            .entrypoints
            .iter()
            .map(|entrypoint| entrypoint.name.as_str())
            .collect();
        assert_eq!(entrypoints, [format!("{}/shop", ns.name)], "{name}");
    }
}

#[tokio::test]
async fn each_clouds_internal_load_balancer_marker_makes_the_workload_external() {
    let cp = cluster();
    let ns = cp.namespace("clouds").await;
    let _operator = operator(cp, &ns, &[]).await;
    let markers = [
        (
            "aws",
            "service.beta.kubernetes.io/aws-load-balancer-internal: 'true'",
        ),
        (
            "aws-lbc",
            "service.beta.kubernetes.io/aws-load-balancer-type: external",
        ),
        ("gke", "networking.gke.io/load-balancer-type: Internal"),
        (
            "gke-legacy",
            "cloud.google.com/load-balancer-type: Internal",
        ),
        (
            "azure",
            "service.beta.kubernetes.io/azure-load-balancer-internal: 'true'",
        ),
        (
            "ibm",
            "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: private",
        ),
        (
            "openstack",
            "service.beta.kubernetes.io/openstack-internal-load-balancer: 'true'",
        ),
        (
            "alibaba",
            "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet",
        ),
    ];

    let mut manifests = vec![
        deployment("public", "public", ""),
        service("public", "public", "LoadBalancer", ""),
    ];
    for (cloud, annotation) in markers {
        manifests.push(deployment(cloud, cloud, ""));
        manifests.push(service(cloud, cloud, "LoadBalancer", annotation));
    }
    cp.apply_yaml(&ns.name, &manifests.join("---\n"));

    asset_with_exposure(&ns, "deployment-public", Exposure::Internet).await;
    for (cloud, annotation) in markers {
        let asset =
            asset_with_exposure(&ns, &format!("deployment-{cloud}"), Exposure::External).await;
        let reason = &asset.spec.entrypoints[0].reason;
        let marker = match cloud {
            // The AWS Load Balancer Controller is internal unless told otherwise.
            "aws-lbc" => "AWS Load Balancer Controller",
            _ => annotation.split(':').next().unwrap(),
        };
        assert!(
            reason.contains(marker),
            "{cloud}: the reason names the marker: {reason}"
        );
    }
}

#[tokio::test]
async fn a_configured_internal_ingress_class_makes_the_workload_external() {
    let cp = cluster();
    let ns = cp.namespace("internal-class").await;
    let _operator = operator(cp, &ns, &["--internal-ingress-classes=internal-nginx"]).await;

    let ingress = |name: &str, class: &str| {
        format!(
            "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {name}}}
spec:
  ingressClassName: {class}
  rules:
  - host: {name}.example.com
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: {name}, port: {{number: 80}}}}}}}}
"
        )
    };
    let manifests = [
        deployment("inside", "inside", ""),
        service("inside", "inside", "ClusterIP", ""),
        ingress("inside", "internal-nginx"),
        deployment("outside", "outside", ""),
        service("outside", "outside", "ClusterIP", ""),
        ingress("outside", "nginx"),
    ];
    cp.apply_yaml(&ns.name, &manifests.join("---\n"));

    let inside = asset_with_exposure(&ns, "deployment-inside", Exposure::External).await;
    asset_with_exposure(&ns, "deployment-outside", Exposure::Internet).await;
    let hosts: Vec<&str> = inside
        .spec
        .entrypoints
        .iter()
        .flat_map(|e| e.hosts.iter().map(String::as_str))
        .collect();
    assert_eq!(hosts, ["inside.example.com"]);
}

#[tokio::test]
async fn an_ingress_raises_exposure_and_its_removal_lowers_it_and_deletion_removes_the_asset() {
    let cp = cluster();
    let ns = cp.namespace("ingress-life").await;
    let _operator = operator(cp, &ns, &[]).await;
    let ingress = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
";
    cp.apply_yaml(
        &ns.name,
        &[
            deployment("web", "web", ""),
            service("web", "web", "ClusterIP", ""),
        ]
        .join("---\n"),
    );
    asset_with_exposure(&ns, "deployment-web", Exposure::Cluster).await;

    cp.apply_yaml(&ns.name, ingress);
    let raised = asset_with_exposure(&ns, "deployment-web", Exposure::Internet).await;
    assert!(raised.spec.entrypoints.iter().any(|e| e.kind == "Ingress"));

    succeed(cp.kubectl(&["delete", "ingress", "web", "-n", &ns.name]));
    asset_with_exposure(&ns, "deployment-web", Exposure::Cluster).await;

    succeed(cp.kubectl(&["delete", "deployment", "web", "-n", &ns.name]));
    asset_gone(&ns, "deployment-web").await;
}

#[tokio::test]
async fn an_invalid_annotation_keeps_the_asset_and_says_what_was_expected() {
    let cp = cluster();
    let ns = cp.namespace("invalid").await;
    let _operator = operator(cp, &ns, &[]).await;

    cp.apply_yaml(
        &ns.name,
        &deployment("web", "web", "appasset.io/criticality: crown_jewel"),
    );

    let asset = asset_with_exposure(&ns, "deployment-web", Exposure::Cluster).await;
    let status = asset.status.unwrap();
    let valid = status
        .conditions
        .iter()
        .find(|c| c.type_ == "Valid")
        .expect("a Valid condition");
    assert_eq!(valid.status, "False");
    for expected in [
        "appasset.io/criticality",
        "crown_jewel",
        "crown-jewel, high, medium, low",
    ] {
        assert!(
            valid.message.contains(expected),
            "{expected} in {:?}",
            valid.message
        );
    }
    assert_eq!(
        asset.spec.classification.criticality.as_str(),
        "unclassified"
    );
}

#[tokio::test]
async fn an_idle_cluster_gets_no_writes() {
    let cp = cluster();
    let ns = cp.namespace("idle").await;
    let operator = operator(cp, &ns, &[]).await;
    apply(cp, &ns.name, &corpus("kubernetes-manifests.yaml"));
    wait_until("12 AppAssets exist", || async {
        (assets(&ns).await.len() == 12).then_some(())
    })
    .await;
    // Settled: the last write is a few seconds old.
    let mut writes = operator.writes();
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        let now = operator.writes();
        if now == writes {
            break;
        }
        writes = now;
    }

    tokio::time::sleep(std::time::Duration::from_secs(60)).await;

    assert_eq!(
        operator.writes(),
        writes,
        "writes during a minute of nothing changing"
    );
    assert!(operator.metric("appasset_watch_events_total{resource=\"Deployment\"}") >= 12.0);
}

#[tokio::test]
async fn assets_of_workloads_gone_while_the_operator_was_stopped_are_removed_on_restart() {
    let cp = cluster();
    let ns = cp.namespace("restart").await;
    let first = operator(cp, &ns, &[]).await;
    let manifests = [
        deployment("deleted", "deleted", ""),
        deployment("ignored", "ignored", ""),
    ];
    cp.apply_yaml(&ns.name, &manifests.join("---\n"));
    asset_with_exposure(&ns, "deployment-deleted", Exposure::Cluster).await;
    asset_with_exposure(&ns, "deployment-ignored", Exposure::Cluster).await;
    first.stop();

    succeed(cp.kubectl(&["delete", "deployment", "deleted", "-n", &ns.name]));
    let ignore = "appasset.io/ignore=true";
    succeed(cp.kubectl(&["annotate", "deployment", "ignored", ignore, "-n", &ns.name]));
    let _second = operator(cp, &ns, &[]).await;

    asset_gone(&ns, "deployment-deleted").await;
    asset_gone(&ns, "deployment-ignored").await;
}

#[tokio::test]
async fn kubectl_explain_reads_the_field_documentation() {
    let cp = cluster();
    // The API server publishes a new CRD's OpenAPI schema a moment after it is established.
    // kubectl wraps descriptions at its own width, so words are compared, not lines.
    let explain = |field: &'static str| async move {
        let output = cp.kubectl(&["explain", field]);
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        output.status.success().then_some(words)
    };

    let spec = wait_until("kubectl explain finds AppAsset", || {
        explain("appasset.spec.entrypoints")
    })
    .await;
    let status = explain("appasset.status.exposure")
        .await
        .expect("explaining the status");

    assert!(
        spec.contains("Every path by which traffic reaches the workload."),
        "{spec}"
    );
    assert!(spec.contains("scope"), "{spec}");
    assert!(
        status.contains("An asset's exposure is the highest scope over its"),
        "{status}"
    );
}
