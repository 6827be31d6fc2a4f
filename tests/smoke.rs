//! The control plane the end-to-end tests run against behaves like a real cluster: workload
//! controllers, garbage collection, namespace deletion, kubectl and helm all work.

mod common;

use appasset_harness::{control_plane, wait_until};
use common::succeed;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use serde_json::json;

fn deployment(name: &str) -> Deployment {
    serde_json::from_value(json!({
        "metadata": { "name": name },
        "spec": {
            "replicas": 1,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": "web", "image": "nginx:1.27" }] }
            }
        }
    }))
    .expect("a valid Deployment")
}

async fn replica_sets_of(api: &Api<ReplicaSet>, owner_uid: &str) -> Vec<ReplicaSet> {
    let all = api
        .list(&ListParams::default())
        .await
        .expect("listing ReplicaSets");
    all.items
        .into_iter()
        .filter(|rs| {
            rs.owner_references()
                .iter()
                .any(|owner| owner.uid == owner_uid)
        })
        .collect()
}

#[tokio::test]
async fn api_server_runs_the_pinned_kubernetes_version() {
    let cp = control_plane();
    let ns = cp.namespace("version").await;

    let version = ns
        .client
        .apiserver_version()
        .await
        .expect("the server version");

    assert_eq!(version.git_version, cp.tools().kubernetes_version);
    let printed = succeed(
        std::process::Command::new(&cp.tools().kube_apiserver)
            .arg("--version")
            .output()
            .expect("kube-apiserver runs"),
    );
    assert_eq!(
        printed.trim(),
        format!("Kubernetes {}", cp.tools().kubernetes_version)
    );
}

#[tokio::test]
async fn deployment_gets_a_replica_set_from_the_controller_manager() {
    let ns = control_plane().namespace("deployment").await;
    let deployments: Api<Deployment> = Api::namespaced(ns.client.clone(), &ns.name);
    let replica_sets: Api<ReplicaSet> = Api::namespaced(ns.client.clone(), &ns.name);

    let created = deployments
        .create(&PostParams::default(), &deployment("web"))
        .await
        .expect("creating the Deployment");
    let uid = created.uid().expect("a stored object has a uid");

    let owned = wait_until("the Deployment owns a ReplicaSet", || async {
        Some(replica_sets_of(&replica_sets, &uid).await).filter(|owned| !owned.is_empty())
    })
    .await;
    assert_eq!(owned.len(), 1);
}

#[tokio::test]
async fn garbage_collector_removes_children_of_a_deleted_owner() {
    let ns = control_plane().namespace("gc").await;
    let deployments: Api<Deployment> = Api::namespaced(ns.client.clone(), &ns.name);
    let replica_sets: Api<ReplicaSet> = Api::namespaced(ns.client.clone(), &ns.name);
    let created = deployments
        .create(&PostParams::default(), &deployment("doomed"))
        .await
        .expect("creating the Deployment");
    let uid = created.uid().expect("a stored object has a uid");
    wait_until("the Deployment owns a ReplicaSet", || async {
        Some(replica_sets_of(&replica_sets, &uid).await).filter(|owned| !owned.is_empty())
    })
    .await;

    deployments
        .delete("doomed", &DeleteParams::background())
        .await
        .expect("deleting the Deployment");

    wait_until(
        "the garbage collector removes the orphaned ReplicaSet",
        || async {
            replica_sets_of(&replica_sets, &uid)
                .await
                .is_empty()
                .then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn namespace_deletion_completes() {
    let cp = control_plane();
    let ns = cp.namespace("deleted").await;
    let config_maps: Api<ConfigMap> = Api::namespaced(ns.client.clone(), &ns.name);
    let config_map: ConfigMap =
        serde_json::from_value(json!({ "metadata": { "name": "content" } })).expect("a map");
    config_maps
        .create(&PostParams::default(), &config_map)
        .await
        .expect("creating content");
    let namespaces: Api<Namespace> = Api::all(ns.client.clone());

    namespaces
        .delete(&ns.name, &DeleteParams::default())
        .await
        .expect("deleting it");

    wait_until(
        "the namespace controller finalizes the namespace",
        || async {
            let found = namespaces
                .get_opt(&ns.name)
                .await
                .expect("reading the namespace");
            found.is_none().then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn kubectl_reads_the_cluster_through_the_harness_kubeconfig() {
    let cp = control_plane();
    let ns = cp.namespace("kubectl").await;

    let namespaces = succeed(cp.kubectl(&["get", "namespaces", "-o", "name"]));
    let version = succeed(cp.kubectl(&["version", "-o", "json"]));

    assert!(
        namespaces
            .lines()
            .any(|line| line == format!("namespace/{}", ns.name))
    );
    let version: serde_json::Value = serde_json::from_str(&version).expect("JSON from kubectl");
    assert_eq!(
        version["serverVersion"]["gitVersion"],
        cp.tools().kubernetes_version.as_str()
    );
    assert_eq!(
        version["clientVersion"]["gitVersion"],
        cp.tools().kubernetes_version.as_str()
    );
}

#[tokio::test]
async fn helm_reaches_the_cluster_through_the_harness_kubeconfig() {
    let cp = control_plane();
    let ns = cp.namespace("helm").await;

    let version = succeed(cp.helm(&["version", "--short"]));
    let releases = succeed(cp.helm(&["list", "--namespace", &ns.name, "-o", "json"]));

    assert!(
        version.starts_with("v4."),
        "helm version printed {version:?}"
    );
    let releases: serde_json::Value = serde_json::from_str(&releases).expect("JSON from helm");
    assert_eq!(releases, json!([]));
}
