//! A workload as the engine sees it: any of the seven kinds that make an asset, reduced to
//! what they have in common, their own metadata and the template of the pods they run.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The kinds of object that make an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    /// apps/v1 Deployment.
    Deployment,
    /// apps/v1 StatefulSet.
    StatefulSet,
    /// apps/v1 DaemonSet.
    DaemonSet,
    /// batch/v1 CronJob.
    CronJob,
    /// batch/v1 Job with no CronJob owner.
    Job,
    /// apps/v1 ReplicaSet with no Deployment owner.
    ReplicaSet,
    /// v1 Pod with no controller.
    Pod,
}

impl WorkloadKind {
    /// Every kind, in a fixed order.
    pub const ALL: [WorkloadKind; 7] = [
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::CronJob,
        WorkloadKind::Job,
        WorkloadKind::ReplicaSet,
        WorkloadKind::Pod,
    ];

    /// The kind as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::CronJob => "CronJob",
            WorkloadKind::Job => "Job",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Pod => "Pod",
        }
    }

    /// The apiVersion of the kind.
    pub fn api_version(self) -> &'static str {
        match self {
            WorkloadKind::CronJob | WorkloadKind::Job => "batch/v1",
            WorkloadKind::Pod => "v1",
            _ => "apps/v1",
        }
    }

    /// Parses a kind as Kubernetes spells it.
    pub fn parse(kind: &str) -> Option<WorkloadKind> {
        WorkloadKind::ALL
            .into_iter()
            .find(|candidate| candidate.as_str() == kind)
    }
}

/// One workload: its kind, its metadata and the template of its pods.
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    /// Which kind of object it is.
    pub kind: WorkloadKind,
    /// The workload's own metadata (name, namespace, uid, labels, annotations, owners).
    pub metadata: ObjectMeta,
    /// The pods it runs. For a bare Pod, its own metadata and spec.
    pub template: PodTemplateSpec,
    /// True for a StatefulSet with volumeClaimTemplates: each pod gets persistent storage
    /// that the pod template alone does not show.
    pub claims_storage: bool,
}

impl Workload {
    /// The workload's name.
    pub fn name(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or_default()
    }

    /// The workload's namespace; `default` when the object names none, as `kubectl apply`
    /// without `-n` would place it.
    pub fn namespace(&self) -> &str {
        namespace_or_default(&self.metadata)
    }

    /// The labels of the pods it runs: what Services and NetworkPolicies select on.
    pub fn pod_labels(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        let metadata = self.template.metadata.as_ref();
        metadata
            .and_then(|metadata| metadata.labels.as_ref())
            .unwrap_or(&EMPTY)
    }

    /// The workload's own labels.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.metadata.labels.as_ref().unwrap_or(&EMPTY)
    }

    /// The workload's own annotations.
    pub fn annotations(&self) -> &BTreeMap<String, String> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        self.metadata.annotations.as_ref().unwrap_or(&EMPTY)
    }

    /// The workload made from a Deployment.
    pub fn from_deployment(object: Deployment) -> Workload {
        let template = object.spec.template;
        Workload {
            kind: WorkloadKind::Deployment,
            metadata: object.metadata,
            template,
            claims_storage: false,
        }
    }

    /// The workload made from a StatefulSet.
    pub fn from_stateful_set(object: StatefulSet) -> Workload {
        let claims = object.spec.volume_claim_templates.as_ref();
        let claims_storage = claims.is_some_and(|claims| !claims.is_empty());
        Workload {
            kind: WorkloadKind::StatefulSet,
            metadata: object.metadata,
            template: object.spec.template,
            claims_storage,
        }
    }

    /// The workload made from a DaemonSet.
    pub fn from_daemon_set(object: DaemonSet) -> Workload {
        let template = object.spec.template;
        Workload {
            kind: WorkloadKind::DaemonSet,
            metadata: object.metadata,
            template,
            claims_storage: false,
        }
    }

    /// The workload made from a CronJob: the pods of the Jobs it creates.
    pub fn from_cron_job(object: CronJob) -> Workload {
        let job = object.spec.job_template.spec;
        let template = job.map(|job| job.template).unwrap_or_default();
        Workload {
            kind: WorkloadKind::CronJob,
            metadata: object.metadata,
            template,
            claims_storage: false,
        }
    }

    /// The workload made from a Job.
    pub fn from_job(object: Job) -> Workload {
        let template = object.spec.map(|spec| spec.template).unwrap_or_default();
        Workload {
            kind: WorkloadKind::Job,
            metadata: object.metadata,
            template,
            claims_storage: false,
        }
    }

    /// The workload made from a ReplicaSet.
    pub fn from_replica_set(object: ReplicaSet) -> Workload {
        let template = object.spec.template.unwrap_or_default();
        Workload {
            kind: WorkloadKind::ReplicaSet,
            metadata: object.metadata,
            template,
            claims_storage: false,
        }
    }

    /// The workload made from a bare Pod: its template is the Pod itself.
    pub fn from_pod(object: Pod) -> Workload {
        let template = PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: object.metadata.labels.clone(),
                annotations: object.metadata.annotations.clone(),
                ..ObjectMeta::default()
            }),
            spec: object.spec,
        };
        Workload {
            kind: WorkloadKind::Pod,
            metadata: object.metadata,
            template,
            claims_storage: false,
        }
    }
}

/// An object's namespace, or `default` when it names none.
pub fn namespace_or_default(metadata: &ObjectMeta) -> &str {
    match metadata.namespace.as_deref() {
        None | Some("") => "default",
        Some(namespace) => namespace,
    }
}
