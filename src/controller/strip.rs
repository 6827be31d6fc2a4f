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
