//! Shrinks watched objects to what the engine reads before they are stored, so the
//! operator's memory grows with the number of objects, not with their size.

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::engine::snapshot::{ClusterObject, controller_of};

/// kubectl keeps a full copy of the applied object in this annotation; it is often the
/// largest part of an object and the engine never reads it.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The object with everything the engine does not read removed.
pub fn strip(mut object: ClusterObject) -> ClusterObject {
    strip_metadata(object.metadata_mut());
    match object {
        ClusterObject::Pod(pod) => ClusterObject::Pod(strip_pod(pod)),
        ClusterObject::Deployment(mut o) => {
            o.status = None;
            ClusterObject::Deployment(o)
        }
        ClusterObject::StatefulSet(mut o) => {
            o.status = None;
            ClusterObject::StatefulSet(o)
        }
        ClusterObject::DaemonSet(mut o) => {
            o.status = None;
            ClusterObject::DaemonSet(o)
        }
        ClusterObject::CronJob(mut o) => {
            o.status = None;
            ClusterObject::CronJob(o)
        }
        ClusterObject::Job(mut o) => {
            o.status = None;
            ClusterObject::Job(o)
        }
        ClusterObject::ReplicaSet(mut o) => {
            o.status = None;
            ClusterObject::ReplicaSet(o)
        }
        ClusterObject::Namespace(mut o) => {
            o.spec = None;
            o.status = None;
            ClusterObject::Namespace(o)
        }
        ClusterObject::Service(mut o) => {
            o.status = None;
            ClusterObject::Service(o)
        }
        ClusterObject::Ingress(mut o) => {
            o.status = None;
            ClusterObject::Ingress(o)
        }
        other => other,
    }
}

fn strip_metadata(metadata: &mut ObjectMeta) {
    metadata.managed_fields = None;
    if let Some(annotations) = metadata.annotations.as_mut() {
        annotations.remove(LAST_APPLIED);
    }
}

/// A Pod that a workload controls is kept only for what it tells about its owner's images:
/// the digests its containers actually run. An uncontrolled Pod is a workload and keeps its
/// spec.
fn strip_pod(mut pod: Pod) -> Pod {
    pod.status = pod.status.map(|status| PodStatus {
        container_statuses: status.container_statuses.map(image_ids),
        init_container_statuses: status.init_container_statuses.map(image_ids),
        ..PodStatus::default()
    });
    if controller_of(&pod.metadata).is_some() {
        pod.spec = None;
        pod.metadata.labels = None;
        pod.metadata.annotations = None;
    }
    pod
}

fn image_ids(statuses: Vec<ContainerStatus>) -> Vec<ContainerStatus> {
    statuses
        .into_iter()
        .map(|status| ContainerStatus {
            name: status.name,
            image: status.image,
            image_id: status.image_id,
            ..ContainerStatus::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(controlled: bool) -> Pod {
        let owners = if controlled {
            json!([{ "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1",
                     "uid": "1", "controller": true }])
        } else {
            json!([])
        };
        serde_json::from_value(json!({
            "metadata": {
                "name": "web-1-abc", "namespace": "shop",
                "labels": { "app": "web" },
                "annotations": { LAST_APPLIED: "{\"huge\": true}", "team": "shop" },
                "ownerReferences": owners,
                "managedFields": [{ "manager": "kubectl", "operation": "Apply" }]
            },
            "spec": { "containers": [{ "name": "web", "image": "web:1" }] },
            "status": {
                "phase": "Running",
                "conditions": [{ "type": "Ready", "status": "True" }],
                "containerStatuses": [{
                    "name": "web", "image": "web:1", "imageID": "web@sha256:abc",
                    "ready": true, "restartCount": 3
                }]
            }
        }))
        .unwrap()
    }

    fn stripped(pod: Pod) -> Pod {
        match strip(ClusterObject::Pod(pod)) {
            ClusterObject::Pod(pod) => pod,
            other => panic!("a Pod stays a Pod, got {}", other.kind()),
        }
    }

    #[test]
    fn managed_fields_and_the_last_applied_copy_are_dropped() {
        let pod = stripped(pod(false));
        assert_eq!(pod.metadata.managed_fields, None);
        let annotations = pod.metadata.annotations.unwrap();
        assert!(!annotations.contains_key(LAST_APPLIED));
        assert_eq!(annotations.get("team").map(String::as_str), Some("shop"));
    }

    #[test]
    fn a_controlled_pod_keeps_only_its_owners_and_image_ids() {
        let pod = stripped(pod(true));
        assert!(pod.spec.is_none());
        assert!(pod.metadata.labels.is_none());
        assert_eq!(pod.metadata.owner_references.unwrap()[0].name, "web-1");
        let status = pod.status.unwrap();
        assert_eq!(status.phase, None);
        let container = &status.container_statuses.unwrap()[0];
        assert_eq!(container.image_id, "web@sha256:abc");
        assert_eq!(container.restart_count, 0);
    }

    #[test]
    fn an_uncontrolled_pod_is_a_workload_and_keeps_its_spec_and_labels() {
        let pod = stripped(pod(false));
        assert!(pod.spec.is_some());
        assert_eq!(
            pod.metadata.labels.unwrap().get("app").map(String::as_str),
            Some("web")
        );
    }
}
