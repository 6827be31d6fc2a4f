//! Risk on a real control plane: findings and levels follow the workload, material changes
//! bump the revision and leave an Event, a reviewer's annotation acknowledges them, and an
//! AssetPolicy turns its requirements into findings. `appasset scan` agrees with the
//! operator on the same objects.

mod common;

use std::collections::BTreeMap;

use appasset_harness::wait_until;
use appasset_operator::api::{AppAsset, Exposure, RiskLevel};
use common::*;
use k8s_openapi::api::core::v1::Event;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::json;

fn status(asset: &AppAsset) -> &appasset_operator::api::AppAssetStatus {
    asset
        .status
        .as_ref()
        .expect("an assessed asset has a status")
}

fn condition<'a>(asset: &'a AppAsset, kind: &str) -> Option<&'a str> {
    let conditions = &status(asset).conditions;
    conditions
        .iter()
        .find(|c| c.type_ == kind)
        .map(|c| c.status.as_str())
}

async fn asset_where(
    ns: &appasset_harness::TestNamespace,
    name: &str,
    what: &str,
    check: impl Fn(&AppAsset) -> bool,
) -> AppAsset {
    let api = assets_api(ns);
    wait_until(&format!("{name} in {}: {what}", ns.name), || async {
        let asset = api.get_opt(name).await.ok().flatten()?;
        // Between the spec's write and the status's an asset has no status yet.
        asset.status.as_ref()?;
        check(&asset).then_some(asset)
    })
    .await
}

#[tokio::test]
async fn a_privileged_internet_workload_is_critical_and_the_change_is_announced_and_reviewable() {
    let cp = cluster();
    let ns = cp.namespace("privileged").await;
    let _operator = operator(cp, &ns, &[]).await;
    let manifests = [
        deployment("web", "web", ""),
        service("web", "web", "LoadBalancer", ""),
    ];
    cp.apply_yaml(&ns.name, &manifests.join("---\n"));
    let before = asset_with_exposure(&ns, "deployment-web", Exposure::Internet).await;
    let level_before = status(&before).risk_level.expect("a risk level");
    let revision_before = status(&before).revision.expect("a revision");
    assert!(
        level_before < RiskLevel::Critical,
        "{level_before} before privileges"
    );

    let patch = json!({ "spec": { "template": { "spec": { "containers": [
        { "name": "web", "securityContext": { "privileged": true } }
    ]}}}});
    succeed(cp.kubectl(&[
        "patch",
        "deployment",
        "web",
        "-n",
        &ns.name,
        "--type=strategic",
        "-p",
        &patch.to_string(),
    ]));

    let after = asset_where(&ns, "deployment-web", "Critical", |asset| {
        status(asset).risk_level == Some(RiskLevel::Critical)
    })
    .await;
    assert!(status(&after).findings.iter().any(|f| f.id == "privileged"));
    assert_eq!(status(&after).revision, Some(revision_before + 1));
    assert_eq!(condition(&after, "Reviewed"), Some("False"));
    let points: i32 = status(&after).factors.iter().map(|f| f.points).sum();
    assert_eq!(
        Some(points),
        status(&after).risk_score,
        "factors explain every point"
    );

    let events: Api<Event> = Api::namespaced(ns.client.clone(), &ns.name);
    let announced = wait_until("an Event announces the material change", || async {
        let params = ListParams::default().fields("involvedObject.name=deployment-web");
        let listed = events.list(&params).await.ok()?;
        listed
            .items
            .into_iter()
            .find(|event| event.reason.as_deref() == Some("MaterialChange"))
    })
    .await;
    let note = announced.message.unwrap_or_default();
    assert!(note.contains("privileged"), "{note}");

    let reviewed = (revision_before + 1).to_string();
    let annotation = json!({ "metadata": { "annotations": {
        "appasset.io/reviewed-revision": reviewed
    }}});
    assets_api(&ns)
        .patch(
            "deployment-web",
            &PatchParams::default(),
            &Patch::Merge(annotation),
        )
        .await
        .expect("annotating the AppAsset");
    asset_where(&ns, "deployment-web", "Reviewed", |asset| {
        condition(asset, "Reviewed") == Some("True")
    })
    .await;
}

#[tokio::test]
async fn an_asset_policy_for_crown_jewels_requires_an_ingress_network_policy() {
    let cp = cluster();
    let ns = cp.namespace("policy").await;
    let _operator = operator(cp, &ns, &[]).await;
    let policy = format!(
        "apiVersion: appasset.io/v1alpha1
kind: AssetPolicy
metadata: {{name: crown-jewels-{ns}}}
spec:
  selector:
    criticalities: [crown-jewel]
    namespaces: [{ns}]
  requirements:
    ingressNetworkPolicy: true
",
        ns = ns.name
    );
    cp.apply_yaml(&ns.name, &policy);
    let workloads = [
        deployment("vault", "vault", "appasset.io/criticality: crown-jewel"),
        deployment("blog", "blog", "appasset.io/criticality: low"),
    ];
    cp.apply_yaml(&ns.name, &workloads.join("---\n"));

    let required = "policy-ingress-network-policy";
    asset_where(&ns, "deployment-vault", "the policy's finding", |asset| {
        status(asset).findings.iter().any(|f| f.id == required)
    })
    .await;
    let blog = asset_with_exposure(&ns, "deployment-blog", Exposure::Cluster).await;
    assert!(!status(&blog).findings.iter().any(|f| f.id == required));

    let allow = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: vault}
spec:
  podSelector: {matchLabels: {app: vault}}
  ingress: [{from: [{podSelector: {matchLabels: {app: blog}}}]}]
";
    cp.apply_yaml(&ns.name, allow);
    asset_where(&ns, "deployment-vault", "the requirement met", |asset| {
        exposure(asset) == Some(Exposure::Restricted)
            && !status(asset).findings.iter().any(|f| f.id == required)
    })
    .await;
}

/// What `appasset scan` and the operator must agree on: spec and status, less what only a
/// live cluster has (uids, generations, and the node ports the API server allocates to a
/// LoadBalancer Service that a manifest leaves out), the times each stamped when it looked,
/// and the history of material changes: the operator saw the objects arrive one by one (a
/// Service after its Deployment is an entrypoint added, revision 2), the scan all at once.
fn comparable(asset: &AppAsset) -> serde_json::Value {
    let mut value = serde_json::to_value(asset).unwrap();
    let spec = value["spec"].as_object_mut().unwrap();
    spec["workload"].as_object_mut().unwrap().remove("uid");
    let status = value["status"].as_object_mut().unwrap();
    status.remove("observedGeneration");
    status.remove("revision");
    status.remove("lastMaterialChange");
    let conditions = status["conditions"].as_array_mut().unwrap();
    conditions.retain(|condition| condition["type"] != "Reviewed");
    for condition in status["conditions"].as_array_mut().unwrap() {
        condition
            .as_object_mut()
            .unwrap()
            .remove("lastTransitionTime");
    }
    for finding in status
        .get_mut("findings")
        .and_then(|f| f.as_array_mut())
        .into_iter()
        .flatten()
    {
        finding.as_object_mut().unwrap().remove("since");
    }
    let node_port =
        |port: &serde_json::Value| (30000..=32767).contains(&port.as_i64().unwrap_or(0));
    for entrypoint in value["spec"]["entrypoints"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        entrypoint["ports"]
            .as_array_mut()
            .unwrap()
            .retain(|port| !node_port(port));
    }
    if let Some(summary) = value["status"]["entrypointSummary"].as_str() {
        let kept: Vec<&str> = summary
            .split(',')
            .filter(|item| !node_port(&json!(item.parse::<i64>().ok())))
            .collect();
        value["status"]["entrypointSummary"] = json!(kept.join(","));
    }
    json!({ "name": value["metadata"]["name"], "spec": value["spec"], "status": value["status"] })
}

#[tokio::test]
async fn scan_of_the_corpus_equals_what_the_operator_writes() {
    let cp = cluster();
    let ns = cp.namespace("scan-equal").await;
    let _operator = operator(cp, &ns, &[]).await;
    apply(cp, &ns.name, &corpus("kubernetes-manifests.yaml"));

    let corpus_file = corpus("kubernetes-manifests.yaml");
    let output = std::process::Command::new(APPASSET)
        .args(["scan", "-o", "json", corpus_file.to_str().unwrap()])
        .output()
        .expect("appasset scan runs");
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON List");
    assert_eq!(list["kind"], "List");
    let scanned: Vec<AppAsset> = serde_json::from_value(list["items"].clone()).unwrap();
    let scan_view = by_name(&scanned, "");

    // The operator settles a moment after the last object arrives; until then its view is
    // an earlier, partial one, which is no disagreement.
    let settled = async {
        loop {
            let operator_view = by_name(&assets(&ns).await, &ns.name);
            if operator_view == scan_view {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    if tokio::time::timeout(std::time::Duration::from_secs(60), settled)
        .await
        .is_err()
    {
        let operator_view = by_name(&assets(&ns).await, &ns.name);
        assert_eq!(
            scan_view.keys().collect::<Vec<_>>(),
            operator_view.keys().collect::<Vec<_>>()
        );
        for (name, scanned) in &scan_view {
            let pretty = |value: &serde_json::Value| serde_json::to_string_pretty(value).unwrap();
            let (scanned, written) = (pretty(scanned), pretty(&operator_view[name]));
            let differs = scanned.lines().zip(written.lines()).find(|(a, b)| a != b);
            assert!(
                scanned == written,
                "{name}: scan and operator differ first at {differs:?}"
            );
        }
    }
}

/// Each asset's comparable form by name. The scan reads namespace-less files as namespace
/// default; the operator saw them in the test's `namespace`, which the names of Services in
/// entrypoints and dependencies carry.
fn by_name(assets: &[AppAsset], namespace: &str) -> BTreeMap<String, serde_json::Value> {
    let in_default = |value: serde_json::Value| {
        if namespace.is_empty() {
            return value;
        }
        let text = value
            .to_string()
            .replace(&format!("{namespace}/"), "default/");
        serde_json::from_str(&text).expect("JSON stays JSON")
    };
    let compared = assets.iter().map(|asset| {
        (
            asset.metadata.name.clone().unwrap(),
            in_default(comparable(asset)),
        )
    });
    compared.collect()
}
