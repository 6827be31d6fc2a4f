//! Fixtures the engine's unit tests share. Each builds a cluster object from the few fields a
//! test is about and fills in the rest as a minimal valid manifest would, so a test still
//! reads as the objects it describes. Only tests may use it; it is not compiled otherwise.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::gateway_api::{Route, RouteKind};
use super::snapshot::{ClusterObject, Snapshot, WorkloadKey};
use super::workload::WorkloadKind;

/// The typed object `manifest` describes; a manifest that does not fit is a bug in the test.
pub(crate) fn parse<T: DeserializeOwned>(manifest: Value) -> T {
    serde_json::from_value(manifest).expect("test manifest deserializes")
}

/// A label map, written as a manifest writes one.
pub(crate) fn labels(manifest: Value) -> BTreeMap<String, String> {
    parse(manifest)
}

/// The key of the `kind` workload `namespace/name`.
pub(crate) fn workload_key(namespace: &str, kind: WorkloadKind, name: &str) -> WorkloadKey {
    WorkloadKey {
        namespace: namespace.to_string(),
        kind,
        name: name.to_string(),
    }
}

/// A snapshot holding `objects`.
pub(crate) fn snapshot(objects: impl IntoIterator<Item = ClusterObject>) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for object in objects {
        snapshot.insert(object);
    }
    snapshot
}

/// A pod spec with one container, `main`, running `image`.
pub(crate) fn running(image: &str) -> Value {
    json!({ "containers": [{ "name": "main", "image": image }] })
}

/// Deployment `namespace/name` whose pods carry `pod_labels` and run `pod_spec`.
pub(crate) fn deployment(
    namespace: &str,
    name: &str,
    pod_labels: Value,
    pod_spec: Value,
) -> Deployment {
    // The API server wants the selector to match the pod labels; the engine reads only the
    // latter, so the pod labels serve as both.
    parse(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name, "namespace": namespace },
        "spec": {
            "selector": { "matchLabels": pod_labels },
            "template": { "metadata": { "labels": pod_labels }, "spec": pod_spec }
        }
    }))
}

/// `deployment` with the fields of `metadata` (labels, annotations, uid) set as written.
pub(crate) fn with_metadata(mut deployment: Deployment, metadata: Value) -> Deployment {
    let mut merged = serde_json::to_value(&deployment.metadata).expect("metadata serializes");
    for (field, value) in metadata.as_object().expect("metadata is an object") {
        merged[field] = value.clone();
    }
    deployment.metadata = parse(merged);
    deployment
}

/// An `ownerReferences` list naming `kind/name` the controller, as Kubernetes writes it.
pub(crate) fn controller(api_version: &str, kind: &str, name: &str) -> Value {
    json!([{
        "apiVersion": api_version,
        "kind": kind,
        "name": name,
        "uid": format!("uid-{name}"),
        "controller": true,
        "blockOwnerDeletion": true
    }])
}

/// ReplicaSet `namespace/name` with pods labelled `app: web` and `owner_references`.
pub(crate) fn replica_set(namespace: &str, name: &str, owner_references: Value) -> ClusterObject {
    ClusterObject::ReplicaSet(parse(json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "ownerReferences": owner_references
        },
        "spec": {
            "selector": { "matchLabels": { "app": "web" } },
            "template": {
                "metadata": { "labels": { "app": "web" } },
                "spec": running("shop/web:1.0")
            }
        }
    })))
}

/// Job `namespace/name` with `owner_references`.
pub(crate) fn job(namespace: &str, name: &str, owner_references: Value) -> ClusterObject {
    ClusterObject::Job(parse(json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "ownerReferences": owner_references
        },
        "spec": { "template": { "spec": {
            "restartPolicy": "Never",
            "containers": [{ "name": "main", "image": "shop/report:1.0" }]
        } } }
    })))
}

/// ClusterIP Service `namespace/name` with `selector`, port 80 to 8080.
pub(crate) fn service(namespace: &str, name: &str, selector: Value) -> ClusterObject {
    ClusterObject::Service(parse(json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": { "name": name, "namespace": namespace },
        "spec": { "selector": selector, "ports": [{ "port": 80, "targetPort": 8080 }] }
    })))
}

/// Namespace `name` with `labels`.
pub(crate) fn namespace(name: &str, labels: Value) -> ClusterObject {
    ClusterObject::Namespace(parse(json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": { "name": name, "labels": labels }
    })))
}

/// A route of the kind `manifest` names; routes have no k8s-openapi type to parse into.
pub(crate) fn route(manifest: Value) -> ClusterObject {
    let kind = RouteKind::ALL
        .into_iter()
        .find(|kind| manifest["kind"] == kind.as_str())
        .expect("test route has a route kind");
    ClusterObject::Route(Route {
        kind,
        metadata: parse(manifest["metadata"].clone()),
        spec: parse(manifest["spec"].clone()),
    })
}
