//! The cluster objects the engine reads, indexed by namespace. The controller keeps one
//! snapshot current from its watches; `appasset scan` fills one from files. Either way the
//! engine sees the same thing.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::gateway_api::{Gateway, ReferenceGrant, Route, RouteKind};
use super::impact;
use super::workload::{Workload, WorkloadKind, namespace_or_default};
use crate::api::AssetPolicy;

/// A namespaced object's namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl ObjectKey {
    /// The key of an object, with `default` for a missing namespace.
    pub fn of(metadata: &ObjectMeta) -> ObjectKey {
        ObjectKey {
            namespace: namespace_or_default(metadata).to_string(),
            name: metadata.name.clone().unwrap_or_default(),
        }
    }

    /// The key of `name` in `namespace`.
    pub fn new(namespace: &str, name: &str) -> ObjectKey {
        ObjectKey {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Which workload an asset describes. Sorted by namespace first, so one namespace's
/// workloads are one range.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkloadKey {
    /// Namespace of the workload.
    pub namespace: String,
    /// Its kind.
    pub kind: WorkloadKind,
    /// Its name.
    pub name: String,
}

impl std::fmt::Display for WorkloadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}/{}", self.kind.as_str(), self.namespace, self.name)
    }
}

/// Any object the engine reads.
// An object lives in this enum only on its way into the snapshot, where each kind has a map
// of its own; boxing the large variants would buy nothing but allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ClusterObject {
    /// A Namespace: its labels and annotations carry owners and classification.
    Namespace(Namespace),
    /// A Deployment.
    Deployment(Deployment),
    /// A StatefulSet.
    StatefulSet(StatefulSet),
    /// A DaemonSet.
    DaemonSet(DaemonSet),
    /// A CronJob.
    CronJob(CronJob),
    /// A Job: an asset unless a CronJob controls it.
    Job(Job),
    /// A ReplicaSet: an asset unless a Deployment controls it.
    ReplicaSet(ReplicaSet),
    /// A Pod: an asset when nothing controls it; otherwise read for what actually runs.
    Pod(Pod),
    /// A Service.
    Service(Service),
    /// An Ingress.
    Ingress(Ingress),
    /// A NetworkPolicy.
    NetworkPolicy(NetworkPolicy),
    /// A Gateway API Gateway.
    Gateway(Gateway),
    /// A Gateway API route of any kind.
    Route(Route),
    /// A Gateway API ReferenceGrant.
    ReferenceGrant(ReferenceGrant),
    /// A ClusterRoleBinding: one to cluster-admin makes its subjects all-powerful.
    ClusterRoleBinding(ClusterRoleBinding),
    /// An AssetPolicy: requirements and weights for the assets it selects.
    AssetPolicy(AssetPolicy),
}

/// Every object the engine reads, indexed for the questions it asks.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    namespaces: BTreeMap<String, Namespace>,
    workloads: BTreeMap<WorkloadKey, Workload>,
    /// The controller of every ReplicaSet and Job, asset or not, so a Pod can be followed up
    /// to the workload that made it.
    controllers: BTreeMap<(WorkloadKind, ObjectKey), Option<OwnerReference>>,
    pods: BTreeMap<ObjectKey, Pod>,
    services: BTreeMap<ObjectKey, Service>,
    ingresses: BTreeMap<ObjectKey, Ingress>,
    network_policies: BTreeMap<ObjectKey, NetworkPolicy>,
    gateways: BTreeMap<ObjectKey, Gateway>,
    routes: BTreeMap<(ObjectKey, RouteKind), Route>,
    reference_grants: BTreeMap<ObjectKey, ReferenceGrant>,
    cluster_role_bindings: BTreeMap<String, ClusterRoleBinding>,
    /// Few and read whole for every asset, so kept as one sorted list.
    asset_policies: Vec<AssetPolicy>,
}

impl ClusterObject {
    /// The object's kind as Kubernetes spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            ClusterObject::Namespace(_) => "Namespace",
            ClusterObject::Deployment(_) => "Deployment",
            ClusterObject::StatefulSet(_) => "StatefulSet",
            ClusterObject::DaemonSet(_) => "DaemonSet",
            ClusterObject::CronJob(_) => "CronJob",
            ClusterObject::Job(_) => "Job",
            ClusterObject::ReplicaSet(_) => "ReplicaSet",
            ClusterObject::Pod(_) => "Pod",
            ClusterObject::Service(_) => "Service",
            ClusterObject::Ingress(_) => "Ingress",
            ClusterObject::NetworkPolicy(_) => "NetworkPolicy",
            ClusterObject::Gateway(_) => "Gateway",
            ClusterObject::Route(route) => route.kind.as_str(),
            ClusterObject::ReferenceGrant(_) => "ReferenceGrant",
            ClusterObject::ClusterRoleBinding(_) => "ClusterRoleBinding",
            ClusterObject::AssetPolicy(_) => "AssetPolicy",
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            ClusterObject::Namespace(o) => &o.metadata,
            ClusterObject::Deployment(o) => &o.metadata,
            ClusterObject::StatefulSet(o) => &o.metadata,
            ClusterObject::DaemonSet(o) => &o.metadata,
            ClusterObject::CronJob(o) => &o.metadata,
            ClusterObject::Job(o) => &o.metadata,
            ClusterObject::ReplicaSet(o) => &o.metadata,
            ClusterObject::Pod(o) => &o.metadata,
            ClusterObject::Service(o) => &o.metadata,
            ClusterObject::Ingress(o) => &o.metadata,
            ClusterObject::NetworkPolicy(o) => &o.metadata,
            ClusterObject::Gateway(o) => &o.metadata,
            ClusterObject::Route(o) => &o.metadata,
            ClusterObject::ReferenceGrant(o) => &o.metadata,
            ClusterObject::ClusterRoleBinding(o) => &o.metadata,
            ClusterObject::AssetPolicy(o) => &o.metadata,
        }
    }

    /// The object's metadata, to change.
    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            ClusterObject::Namespace(o) => &mut o.metadata,
            ClusterObject::Deployment(o) => &mut o.metadata,
            ClusterObject::StatefulSet(o) => &mut o.metadata,
            ClusterObject::DaemonSet(o) => &mut o.metadata,
            ClusterObject::CronJob(o) => &mut o.metadata,
            ClusterObject::Job(o) => &mut o.metadata,
            ClusterObject::ReplicaSet(o) => &mut o.metadata,
            ClusterObject::Pod(o) => &mut o.metadata,
            ClusterObject::Service(o) => &mut o.metadata,
            ClusterObject::Ingress(o) => &mut o.metadata,
            ClusterObject::NetworkPolicy(o) => &mut o.metadata,
            ClusterObject::Gateway(o) => &mut o.metadata,
            ClusterObject::Route(o) => &mut o.metadata,
            ClusterObject::ReferenceGrant(o) => &mut o.metadata,
            ClusterObject::ClusterRoleBinding(o) => &mut o.metadata,
            ClusterObject::AssetPolicy(o) => &mut o.metadata,
        }
    }

    /// The object's key; a cluster-scoped object's key has an empty namespace.
    pub fn key(&self) -> ObjectKey {
        key_of(self.kind(), self.metadata())
    }
}

impl Snapshot {
    /// Adds or replaces an object and returns the assets that the change can alter, as the
    /// object was and as it is now.
    pub fn apply(&mut self, object: ClusterObject) -> BTreeSet<WorkloadKey> {
        let key = object.key();
        let before = self.stored(object.kind(), &key);
        let mut affected = before
            .map(|old| impact::affected(self, &old))
            .unwrap_or_default();
        // Workload kinds are not stored whole; what they stood for before the change (an asset
        // of their own, or their controller's) is known from the controller index.
        affected.extend(self.controlling_asset(object.kind(), &key));

        let now = object.clone();
        self.insert(object);
        affected.extend(impact::affected(self, &now));
        affected
    }

    /// Removes an object and returns the assets its removal can alter.
    pub fn delete(&mut self, kind: &str, key: &ObjectKey) -> BTreeSet<WorkloadKey> {
        let before = self.stored(kind, key);
        let mut affected = before
            .map(|old| impact::affected(self, &old))
            .unwrap_or_default();
        if let Some(workload) = self.controlling_asset(kind, key) {
            affected.insert(workload);
        }
        self.remove(kind, key);
        affected
    }

    /// The asset a workload-kind object stands for: itself, or its CronJob or Deployment.
    fn controlling_asset(&self, kind: &str, key: &ObjectKey) -> Option<WorkloadKey> {
        let workload_kind = WorkloadKind::parse(kind)?;
        let controller = self.controllers.get(&(workload_kind, key.clone()));
        let usual = match workload_kind {
            WorkloadKind::ReplicaSet => WorkloadKind::Deployment,
            WorkloadKind::Job => WorkloadKind::CronJob,
            _ => return workload_key(kind, key),
        };
        match controller {
            Some(Some(owner)) if owner.kind == usual.as_str() => Some(WorkloadKey {
                namespace: key.namespace.clone(),
                kind: usual,
                name: owner.name.clone(),
            }),
            _ => workload_key(kind, key),
        }
    }

    /// Adds or replaces an object.
    pub fn insert(&mut self, object: ClusterObject) {
        match object {
            ClusterObject::Namespace(namespace) => {
                let name = namespace.metadata.name.clone().unwrap_or_default();
                self.namespaces.insert(name, namespace);
            }
            ClusterObject::Deployment(object) => {
                self.insert_workload(Workload::from_deployment(object))
            }
            ClusterObject::StatefulSet(object) => {
                self.insert_workload(Workload::from_stateful_set(object))
            }
            ClusterObject::DaemonSet(object) => {
                self.insert_workload(Workload::from_daemon_set(object))
            }
            ClusterObject::CronJob(object) => self.insert_workload(Workload::from_cron_job(object)),
            ClusterObject::Job(object) => {
                let controller = controller_of(&object.metadata);
                self.insert_controlled(
                    Workload::from_job(object),
                    controller,
                    WorkloadKind::CronJob,
                )
            }
            ClusterObject::ReplicaSet(object) => {
                let controller = controller_of(&object.metadata);
                let workload = Workload::from_replica_set(object);
                self.insert_controlled(workload, controller, WorkloadKind::Deployment)
            }
            ClusterObject::Pod(pod) => self.insert_pod(pod),
            ClusterObject::Service(object) => {
                self.services
                    .insert(ObjectKey::of(&object.metadata), object);
            }
            ClusterObject::Ingress(object) => {
                self.ingresses
                    .insert(ObjectKey::of(&object.metadata), object);
            }
            ClusterObject::NetworkPolicy(object) => {
                self.network_policies
                    .insert(ObjectKey::of(&object.metadata), object);
            }
            ClusterObject::Gateway(object) => {
                self.gateways
                    .insert(ObjectKey::of(&object.metadata), object);
            }
            ClusterObject::Route(object) => {
                self.routes
                    .insert((ObjectKey::of(&object.metadata), object.kind), object);
            }
            ClusterObject::ClusterRoleBinding(object) => {
                let name = object.metadata.name.clone().unwrap_or_default();
                self.cluster_role_bindings.insert(name, object);
            }
            ClusterObject::AssetPolicy(policy) => {
                self.asset_policies
                    .retain(|old| old.metadata.name != policy.metadata.name);
                self.asset_policies.push(policy);
                self.asset_policies
                    .sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
            }
            ClusterObject::ReferenceGrant(object) => {
                self.reference_grants
                    .insert(ObjectKey::of(&object.metadata), object);
            }
        }
    }

    fn insert_workload(&mut self, workload: Workload) {
        let key = WorkloadKey {
            namespace: workload.namespace().to_string(),
            kind: workload.kind,
            name: workload.name().to_string(),
        };
        self.workloads.insert(key, workload);
    }

    /// A Job or ReplicaSet is an asset of its own unless its controller is the kind that
    /// normally makes it (a CronJob, a Deployment), which is then the asset.
    fn insert_controlled(
        &mut self,
        workload: Workload,
        controller: Option<OwnerReference>,
        usual_controller: WorkloadKind,
    ) {
        let key = (workload.kind, ObjectKey::of(&workload.metadata));
        let is_asset = controller
            .as_ref()
            .is_none_or(|c| c.kind != usual_controller.as_str());
        self.controllers.insert(key.clone(), controller);
        if is_asset {
            self.insert_workload(workload);
        } else {
            self.workloads.remove(&WorkloadKey {
                namespace: key.1.namespace,
                kind: key.0,
                name: key.1.name,
            });
        }
    }

    /// A Pod is an asset only while nothing controls it; a ReplicaSet may adopt it later.
    fn insert_pod(&mut self, pod: Pod) {
        let key = ObjectKey::of(&pod.metadata);
        if controller_of(&pod.metadata).is_none() {
            self.insert_workload(Workload::from_pod(pod.clone()));
        } else {
            self.workloads.remove(&WorkloadKey {
                namespace: key.namespace.clone(),
                kind: WorkloadKind::Pod,
                name: key.name.clone(),
            });
        }
        self.pods.insert(key, pod);
    }

    /// Removes the object of `kind` at `key`; a no-op when absent.
    pub fn remove(&mut self, kind: &str, key: &ObjectKey) {
        match kind {
            "Namespace" => {
                self.namespaces.remove(&key.name);
            }
            "Service" => {
                self.services.remove(key);
            }
            "Ingress" => {
                self.ingresses.remove(key);
            }
            "NetworkPolicy" => {
                self.network_policies.remove(key);
            }
            "Gateway" => {
                self.gateways.remove(key);
            }
            "ReferenceGrant" => {
                self.reference_grants.remove(key);
            }
            "ClusterRoleBinding" => {
                self.cluster_role_bindings.remove(&key.name);
            }
            "AssetPolicy" => {
                let name = Some(key.name.clone());
                self.asset_policies
                    .retain(|policy| policy.metadata.name != name);
            }
            _ => self.remove_workload_or_route(kind, key),
        }
    }

    fn remove_workload_or_route(&mut self, kind: &str, key: &ObjectKey) {
        if let Some(route) = RouteKind::ALL
            .into_iter()
            .find(|route| route.as_str() == kind)
        {
            self.routes.remove(&(key.clone(), route));
            return;
        }
        let Some(kind) = WorkloadKind::parse(kind) else {
            return;
        };
        if kind == WorkloadKind::Pod {
            self.pods.remove(key);
        }
        self.controllers.remove(&(kind, key.clone()));
        self.workloads.remove(&WorkloadKey {
            namespace: key.namespace.clone(),
            kind,
            name: key.name.clone(),
        });
    }

    /// The stored object of `kind` at `key`, for kinds the engine keeps whole (everything
    /// but the workload kinds other than Pod, which are kept as [`Workload`]s).
    pub fn stored(&self, kind: &str, key: &ObjectKey) -> Option<ClusterObject> {
        let route = RouteKind::ALL
            .into_iter()
            .find(|route| route.as_str() == kind);
        if let Some(route) = route {
            let found = self.routes.get(&(key.clone(), route)).cloned();
            return found.map(ClusterObject::Route);
        }
        match kind {
            "Namespace" => self
                .namespaces
                .get(&key.name)
                .cloned()
                .map(ClusterObject::Namespace),
            "Pod" => self.pods.get(key).cloned().map(ClusterObject::Pod),
            "Service" => self.services.get(key).cloned().map(ClusterObject::Service),
            "Ingress" => self.ingresses.get(key).cloned().map(ClusterObject::Ingress),
            "NetworkPolicy" => self
                .network_policies
                .get(key)
                .cloned()
                .map(ClusterObject::NetworkPolicy),
            "Gateway" => self.gateways.get(key).cloned().map(ClusterObject::Gateway),
            "ReferenceGrant" => self
                .reference_grants
                .get(key)
                .cloned()
                .map(ClusterObject::ReferenceGrant),
            "ClusterRoleBinding" => self
                .cluster_role_bindings
                .get(&key.name)
                .cloned()
                .map(ClusterObject::ClusterRoleBinding),
            "AssetPolicy" => self
                .asset_policies
                .iter()
                .find(|policy| policy.metadata.name.as_deref() == Some(key.name.as_str()))
                .cloned()
                .map(ClusterObject::AssetPolicy),
            _ => None,
        }
    }

    /// Keys of every stored object of `kind`, to find those a relist no longer returns.
    pub fn keys(&self, kind: &str) -> Vec<ObjectKey> {
        if let Some(route) = RouteKind::ALL
            .into_iter()
            .find(|route| route.as_str() == kind)
        {
            let routes = self.routes.keys().filter(|(_, k)| *k == route);
            return routes.map(|(key, _)| key.clone()).collect();
        }
        match kind {
            "Namespace" => self
                .namespaces
                .keys()
                .map(|name| ObjectKey::new("", name))
                .collect(),
            "Pod" => self.pods.keys().cloned().collect(),
            "Service" => self.services.keys().cloned().collect(),
            "Ingress" => self.ingresses.keys().cloned().collect(),
            "NetworkPolicy" => self.network_policies.keys().cloned().collect(),
            "Gateway" => self.gateways.keys().cloned().collect(),
            "ReferenceGrant" => self.reference_grants.keys().cloned().collect(),
            "ClusterRoleBinding" => {
                let names = self.cluster_role_bindings.keys();
                names.map(|name| ObjectKey::new("", name)).collect()
            }
            "AssetPolicy" => {
                let names = self
                    .asset_policies
                    .iter()
                    .filter_map(|p| p.metadata.name.as_deref());
                names.map(|name| ObjectKey::new("", name)).collect()
            }
            _ => self.workload_keys(kind),
        }
    }

    fn workload_keys(&self, kind: &str) -> Vec<ObjectKey> {
        let Some(kind) = WorkloadKind::parse(kind) else {
            return Vec::new();
        };
        let controlled = self.controllers.keys().filter(|(k, _)| *k == kind);
        let mut keys: BTreeSet<ObjectKey> = controlled.map(|(_, key)| key.clone()).collect();
        let workloads = self.workloads.keys().filter(|key| key.kind == kind);
        keys.extend(workloads.map(|key| ObjectKey::new(&key.namespace, &key.name)));
        keys.into_iter().collect()
    }

    /// True when a ClusterRoleBinding grants cluster-admin to ServiceAccount
    /// `namespace/account`, by name or through the groups every ServiceAccount belongs to.
    pub fn is_cluster_admin(&self, namespace: &str, account: &str) -> bool {
        let admin = self
            .cluster_role_bindings
            .values()
            .filter(|binding| grants_cluster_admin(binding));
        let subjects = admin.flat_map(|binding| binding.subjects.iter().flatten());
        subjects
            .into_iter()
            .any(|subject| names_service_account(subject, namespace, account))
    }

    /// Every AssetPolicy, sorted by name.
    pub fn asset_policies(&self) -> &[AssetPolicy] {
        &self.asset_policies
    }

    /// A namespace by name.
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.get(name)
    }

    /// Every namespace.
    pub fn namespaces(&self) -> impl Iterator<Item = &Namespace> {
        self.namespaces.values()
    }

    /// Every workload that makes an asset.
    pub fn workloads(&self) -> impl Iterator<Item = (&WorkloadKey, &Workload)> {
        self.workloads.iter()
    }

    /// One workload.
    pub fn workload(&self, key: &WorkloadKey) -> Option<&Workload> {
        self.workloads.get(key)
    }

    /// The workloads of one namespace.
    pub fn workloads_in<'a>(
        &'a self,
        namespace: &str,
    ) -> impl Iterator<Item = (&'a WorkloadKey, &'a Workload)> {
        let start = WorkloadKey {
            namespace: namespace.to_string(),
            kind: WorkloadKind::ALL[0],
            name: String::new(),
        };
        let namespace = namespace.to_string();
        self.workloads
            .range(start..)
            .take_while(move |(key, _)| key.namespace == namespace)
    }

    /// The Services of one namespace.
    pub fn services_in(&self, namespace: &str) -> impl Iterator<Item = &Service> {
        in_namespace(&self.services, namespace)
    }

    /// One Service.
    pub fn service(&self, key: &ObjectKey) -> Option<&Service> {
        self.services.get(key)
    }

    /// The Ingresses of one namespace.
    pub fn ingresses_in(&self, namespace: &str) -> impl Iterator<Item = &Ingress> {
        in_namespace(&self.ingresses, namespace)
    }

    /// The NetworkPolicies of one namespace.
    pub fn network_policies_in(&self, namespace: &str) -> impl Iterator<Item = &NetworkPolicy> {
        in_namespace(&self.network_policies, namespace)
    }

    /// One Gateway.
    pub fn gateway(&self, key: &ObjectKey) -> Option<&Gateway> {
        self.gateways.get(key)
    }

    /// Every Gateway API route, of every namespace: a route may send traffic to another
    /// namespace's Services.
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.routes.values()
    }

    /// The ReferenceGrants of one namespace.
    pub fn reference_grants_in(&self, namespace: &str) -> impl Iterator<Item = &ReferenceGrant> {
        in_namespace(&self.reference_grants, namespace)
    }

    /// The pods a workload runs, followed through ReplicaSets and Jobs.
    pub fn pods_of(&self, key: &WorkloadKey) -> Vec<&Pod> {
        in_namespace(&self.pods, &key.namespace)
            .filter(|pod| self.asset_of_pod(pod).as_ref() == Some(key))
            .collect()
    }

    /// The workload whose asset a Pod belongs to: itself when uncontrolled, else its
    /// controller, followed up through a ReplicaSet to its Deployment or through a Job to
    /// its CronJob.
    pub fn asset_of_pod(&self, pod: &Pod) -> Option<WorkloadKey> {
        let namespace = namespace_or_default(&pod.metadata).to_string();
        let Some(controller) = controller_of(&pod.metadata) else {
            let name = pod.metadata.name.clone().unwrap_or_default();
            return Some(WorkloadKey {
                namespace,
                kind: WorkloadKind::Pod,
                name,
            });
        };
        let kind = WorkloadKind::parse(&controller.kind)?;
        let key = ObjectKey::new(&namespace, &controller.name);
        match self.controllers.get(&(kind, key)) {
            Some(Some(parent)) if WorkloadKind::parse(&parent.kind).is_some() => {
                let kind = WorkloadKind::parse(&parent.kind)?;
                Some(WorkloadKey {
                    namespace,
                    kind,
                    name: parent.name.clone(),
                })
            }
            _ => Some(WorkloadKey {
                namespace,
                kind,
                name: controller.name,
            }),
        }
    }
}

/// True for a binding to the ClusterRole cluster-admin.
pub fn grants_cluster_admin(binding: &ClusterRoleBinding) -> bool {
    binding.role_ref.kind == "ClusterRole" && binding.role_ref.name == "cluster-admin"
}

/// A subject names a ServiceAccount directly, or as a member of `system:serviceaccounts` or
/// `system:serviceaccounts:<namespace>`, the groups Kubernetes puts every ServiceAccount in.
fn names_service_account(subject: &Subject, namespace: &str, account: &str) -> bool {
    match subject.kind.as_str() {
        "ServiceAccount" => {
            subject.name == account && subject.namespace.as_deref() == Some(namespace)
        }
        "Group" => {
            subject.name == "system:serviceaccounts"
                || subject.name == format!("system:serviceaccounts:{namespace}")
        }
        _ => false,
    }
}

/// The kinds the engine reads that live outside any namespace.
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(kind, "Namespace" | "ClusterRoleBinding" | "AssetPolicy")
}

/// The key of an object of `kind`: name alone for a cluster-scoped kind, else namespace
/// (`default` when absent) and name.
pub fn key_of(kind: &str, metadata: &ObjectMeta) -> ObjectKey {
    if is_cluster_scoped(kind) {
        ObjectKey::new("", metadata.name.as_deref().unwrap_or_default())
    } else {
        ObjectKey::of(metadata)
    }
}

/// The asset key of a workload-kind object, judged by its kind alone.
fn workload_key(kind: &str, key: &ObjectKey) -> Option<WorkloadKey> {
    Some(WorkloadKey {
        namespace: key.namespace.clone(),
        kind: WorkloadKind::parse(kind)?,
        name: key.name.clone(),
    })
}

fn in_namespace<'a, T>(
    map: &'a BTreeMap<ObjectKey, T>,
    namespace: &str,
) -> impl Iterator<Item = &'a T> {
    let start = ObjectKey::new(namespace, "");
    let namespace = namespace.to_string();
    map.range((Bound::Included(start), Bound::Unbounded))
        .take_while(move |(key, _)| key.namespace == namespace)
        .map(|(_, value)| value)
}

/// The owner reference marked as the object's controller.
pub fn controller_of(metadata: &ObjectMeta) -> Option<OwnerReference> {
    let owners = metadata.owner_references.as_ref()?;
    owners
        .iter()
        .find(|owner| owner.controller == Some(true))
        .cloned()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::testing::{
        self, controller, job, namespace, parse, replica_set, route, running, service, snapshot,
        with_metadata, workload_key,
    };

    /// Deployment `namespace/name` whose pods are labelled `app: <name>`.
    fn deployment(namespace: &str, name: &str) -> ClusterObject {
        let pod_labels = json!({ "app": name });
        let deployment = testing::deployment(namespace, name, pod_labels, running("shop/web:1.0"));
        let uid = json!({ "uid": format!("uid-{name}") });
        ClusterObject::Deployment(with_metadata(deployment, uid))
    }

    /// CronJob `namespace/name` whose pods are labelled `app: <name>`.
    fn cron_job(namespace: &str, name: &str) -> ClusterObject {
        ClusterObject::CronJob(parse(json!({
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": { "name": name, "namespace": namespace },
            "spec": {
                "schedule": "0 3 * * *",
                "jobTemplate": { "spec": { "template": {
                    "metadata": { "labels": { "app": name } },
                    "spec": {
                        "restartPolicy": "OnFailure",
                        "containers": [{ "name": "main", "image": "shop/report:1.0" }]
                    }
                } } }
            }
        })))
    }

    /// Pod `namespace/name` labelled `app: web`, with `ownerReferences`.
    fn pod(namespace: &str, name: &str, owner_references: Value) -> ClusterObject {
        ClusterObject::Pod(pod_object(namespace, name, owner_references))
    }

    fn pod_object(namespace: &str, name: &str, owner_references: Value) -> Pod {
        parse(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "labels": { "app": "web" },
                "ownerReferences": owner_references
            },
            "spec": { "containers": [{ "name": "main", "image": "shop/web:1.0" }] }
        }))
    }

    fn ingress(namespace: &str, name: &str) -> ClusterObject {
        ClusterObject::Ingress(parse(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": { "name": name, "namespace": namespace },
            "spec": {
                "defaultBackend": { "service": { "name": name, "port": { "number": 80 } } }
            }
        })))
    }

    fn network_policy(namespace: &str, name: &str) -> ClusterObject {
        ClusterObject::NetworkPolicy(parse(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": namespace },
            "spec": { "podSelector": {}, "policyTypes": ["Ingress"] }
        })))
    }

    fn reference_grant(namespace: &str, name: &str) -> ClusterObject {
        ClusterObject::ReferenceGrant(parse(json!({
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": { "name": name, "namespace": namespace },
            "spec": {
                "from": [{
                    "group": "gateway.networking.k8s.io",
                    "kind": "HTTPRoute",
                    "namespace": "edge"
                }],
                "to": [{ "group": "", "kind": "Service" }]
            }
        })))
    }

    fn object_keys(keys: &[(&str, &str)]) -> Vec<ObjectKey> {
        keys.iter()
            .map(|(namespace, name)| ObjectKey::new(namespace, name))
            .collect()
    }

    fn pod_names(pods: Vec<&Pod>) -> Vec<String> {
        pods.into_iter()
            .map(|pod| pod.metadata.name.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn deployment_owned_replica_set_makes_no_asset() {
        let owner = controller("apps/v1", "Deployment", "web");
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            replica_set("shop", "web-7d4b9c8f6", owner),
        ]);

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web-7d4b9c8f6");
        assert!(snapshot.workload(&replica_set).is_none());
        let assets: Vec<&WorkloadKey> = snapshot.workloads().map(|(key, _)| key).collect();
        assert_eq!(
            assets,
            [&workload_key("shop", WorkloadKind::Deployment, "web")]
        );
    }

    #[test]
    fn ownerless_replica_set_is_an_asset() {
        let snapshot = snapshot(vec![replica_set("shop", "web", json!([]))]);

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web");
        assert!(snapshot.workload(&replica_set).is_some());
    }

    #[test]
    fn replica_set_controlled_by_another_kind_is_an_asset() {
        // An Argo Rollout makes ReplicaSets the way a Deployment does, but is no workload
        // kind the engine knows: the ReplicaSet is the asset.
        let owner = controller("argoproj.io/v1alpha1", "Rollout", "web");
        let snapshot = snapshot(vec![replica_set("shop", "web-6f9c7d5b8", owner)]);

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web-6f9c7d5b8");
        assert!(snapshot.workload(&replica_set).is_some());
    }

    #[test]
    fn replica_set_with_a_deployment_owner_that_is_not_its_controller_is_an_asset() {
        let owner = json!([{
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "uid": "uid-web"
        }]);
        let snapshot = snapshot(vec![replica_set("shop", "web-7d4b9c8f6", owner)]);

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web-7d4b9c8f6");
        assert!(snapshot.workload(&replica_set).is_some());
    }

    #[test]
    fn cron_job_owned_job_makes_no_asset() {
        let owner = controller("batch/v1", "CronJob", "report");
        let snapshot = snapshot(vec![
            cron_job("shop", "report"),
            job("shop", "report-28910400", owner),
        ]);

        assert!(
            snapshot
                .workload(&workload_key("shop", WorkloadKind::Job, "report-28910400"))
                .is_none()
        );
        assert!(
            snapshot
                .workload(&workload_key("shop", WorkloadKind::CronJob, "report"))
                .is_some()
        );
    }

    #[test]
    fn ownerless_job_is_an_asset() {
        let snapshot = snapshot(vec![job("shop", "migrate", json!([]))]);

        assert!(
            snapshot
                .workload(&workload_key("shop", WorkloadKind::Job, "migrate"))
                .is_some()
        );
    }

    #[test]
    fn uncontrolled_pod_is_an_asset() {
        let snapshot = snapshot(vec![pod("shop", "debug", json!([]))]);

        assert!(
            snapshot
                .workload(&workload_key("shop", WorkloadKind::Pod, "debug"))
                .is_some()
        );
    }

    #[test]
    fn controlled_pod_is_not_an_asset() {
        let owner = controller("apps/v1", "ReplicaSet", "web-7d4b9c8f6");
        let snapshot = snapshot(vec![pod("shop", "web-7d4b9c8f6-x2x9k", owner)]);

        let pod = workload_key("shop", WorkloadKind::Pod, "web-7d4b9c8f6-x2x9k");
        assert!(snapshot.workload(&pod).is_none());
        assert_eq!(
            snapshot.keys("Pod"),
            object_keys(&[("shop", pod.name.as_str())])
        );
    }

    #[test]
    fn pod_adopted_by_a_replica_set_stops_being_an_asset() {
        // A ReplicaSet controller adopts an orphan Pod that matches its selector by adding
        // itself as the Pod's controller; the Pod then belongs to the ReplicaSet's asset.
        let mut snapshot = snapshot(vec![
            deployment("shop", "web"),
            replica_set(
                "shop",
                "web-7d4b9c8f6",
                controller("apps/v1", "Deployment", "web"),
            ),
        ]);
        snapshot.apply(pod("shop", "web-manual", json!([])));

        let owner = controller("apps/v1", "ReplicaSet", "web-7d4b9c8f6");
        let affected = snapshot.apply(pod("shop", "web-manual", owner));

        let pod = workload_key("shop", WorkloadKind::Pod, "web-manual");
        let web = workload_key("shop", WorkloadKind::Deployment, "web");
        assert_eq!(affected, BTreeSet::from([pod.clone(), web]));
        assert!(
            snapshot.workload(&pod).is_none(),
            "a controlled Pod is no asset, even one that was uncontrolled before"
        );
    }

    #[test]
    fn asset_of_pod_follows_replica_set_to_its_deployment() {
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            replica_set(
                "shop",
                "web-7d4b9c8f6",
                controller("apps/v1", "Deployment", "web"),
            ),
        ]);
        let owner = controller("apps/v1", "ReplicaSet", "web-7d4b9c8f6");
        let pod = pod_object("shop", "web-7d4b9c8f6-x2x9k", owner);

        assert_eq!(
            snapshot.asset_of_pod(&pod),
            Some(workload_key("shop", WorkloadKind::Deployment, "web"))
        );
    }

    #[test]
    fn asset_of_pod_follows_job_to_its_cron_job() {
        let snapshot = snapshot(vec![
            cron_job("shop", "report"),
            job(
                "shop",
                "report-28910400",
                controller("batch/v1", "CronJob", "report"),
            ),
        ]);
        let owner = controller("batch/v1", "Job", "report-28910400");
        let pod = pod_object("shop", "report-28910400-8kq2w", owner);

        assert_eq!(
            snapshot.asset_of_pod(&pod),
            Some(workload_key("shop", WorkloadKind::CronJob, "report"))
        );
    }

    #[test]
    fn asset_of_pod_stops_at_a_replica_set_of_an_unknown_controller() {
        let snapshot = snapshot(vec![replica_set(
            "shop",
            "web-6f9c7d5b8",
            controller("argoproj.io/v1alpha1", "Rollout", "web"),
        )]);
        let owner = controller("apps/v1", "ReplicaSet", "web-6f9c7d5b8");
        let pod = pod_object("shop", "web-6f9c7d5b8-p4m2z", owner);

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web-6f9c7d5b8");
        assert_eq!(snapshot.asset_of_pod(&pod), Some(replica_set));
    }

    #[test]
    fn asset_of_pod_of_a_stateful_set_is_the_stateful_set() {
        let snapshot = Snapshot::default();
        let owner = controller("apps/v1", "StatefulSet", "db");
        let pod = pod_object("shop", "db-0", owner);

        assert_eq!(
            snapshot.asset_of_pod(&pod),
            Some(workload_key("shop", WorkloadKind::StatefulSet, "db"))
        );
    }

    #[test]
    fn asset_of_an_uncontrolled_pod_is_the_pod_itself() {
        let snapshot = Snapshot::default();
        let pod = pod_object("shop", "debug", json!([]));

        assert_eq!(
            snapshot.asset_of_pod(&pod),
            Some(workload_key("shop", WorkloadKind::Pod, "debug"))
        );
    }

    #[test]
    fn pods_of_returns_exactly_the_workloads_pods() {
        let rs_of = |deployment: &str| controller("apps/v1", "Deployment", deployment);
        let pod_of = |replica_set: &str| controller("apps/v1", "ReplicaSet", replica_set);
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "api"),
            replica_set("shop", "web-7d4b9c8f6", rs_of("web")),
            replica_set("shop", "web-5c8d7f9b4", rs_of("web")),
            replica_set("shop", "api-64f8b7c9d", rs_of("api")),
            pod("shop", "web-7d4b9c8f6-aaaaa", pod_of("web-7d4b9c8f6")),
            pod("shop", "web-5c8d7f9b4-bbbbb", pod_of("web-5c8d7f9b4")),
            pod("shop", "api-64f8b7c9d-ccccc", pod_of("api-64f8b7c9d")),
            pod("shop", "web", json!([])),
            // The same names one namespace over belong to another Deployment.
            deployment("shop-2", "web"),
            replica_set("shop-2", "web-7d4b9c8f6", rs_of("web")),
            pod("shop-2", "web-7d4b9c8f6-ddddd", pod_of("web-7d4b9c8f6")),
        ]);

        let web = snapshot.pods_of(&workload_key("shop", WorkloadKind::Deployment, "web"));
        let bare = snapshot.pods_of(&workload_key("shop", WorkloadKind::Pod, "web"));
        let absent = snapshot.pods_of(&workload_key("shop", WorkloadKind::Deployment, "cart"));

        assert_eq!(
            pod_names(web),
            ["web-5c8d7f9b4-bbbbb", "web-7d4b9c8f6-aaaaa"]
        );
        assert_eq!(pod_names(bare), ["web"]);
        assert!(absent.is_empty());
    }

    #[test]
    fn apply_of_a_changed_service_selector_returns_workloads_selected_before_and_after() {
        let mut snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "api"),
            deployment("shop", "worker"),
        ]);
        let first = snapshot.apply(service("shop", "front", json!({ "app": "web" })));

        let changed = snapshot.apply(service("shop", "front", json!({ "app": "api" })));

        let web = workload_key("shop", WorkloadKind::Deployment, "web");
        let api = workload_key("shop", WorkloadKind::Deployment, "api");
        assert_eq!(first, BTreeSet::from([web.clone()]));
        assert_eq!(changed, BTreeSet::from([web, api]));
    }

    #[test]
    fn delete_of_a_service_returns_the_workloads_it_selected() {
        let mut snapshot = snapshot(vec![
            deployment("shop", "web"),
            deployment("shop", "api"),
            service("shop", "web", json!({ "app": "web" })),
        ]);
        let service_key = ObjectKey::new("shop", "web");

        let affected = snapshot.delete("Service", &service_key);

        let web = workload_key("shop", WorkloadKind::Deployment, "web");
        assert_eq!(affected, BTreeSet::from([web]));
        assert!(snapshot.service(&service_key).is_none());
    }

    #[test]
    fn delete_of_an_absent_service_returns_nothing() {
        let mut snapshot = snapshot(vec![deployment("shop", "web")]);

        let affected = snapshot.delete("Service", &ObjectKey::new("shop", "web"));

        assert!(affected.is_empty());
    }

    #[test]
    fn delete_of_a_deployment_owned_replica_set_returns_the_deployment() {
        let owner = controller("apps/v1", "Deployment", "web");
        let mut snapshot = snapshot(vec![
            deployment("shop", "web"),
            replica_set("shop", "web-7d4b9c8f6", owner),
        ]);

        let affected = snapshot.delete("ReplicaSet", &ObjectKey::new("shop", "web-7d4b9c8f6"));

        let web = workload_key("shop", WorkloadKind::Deployment, "web");
        assert_eq!(affected, BTreeSet::from([web]));
        assert!(snapshot.keys("ReplicaSet").is_empty());
    }

    #[test]
    fn delete_of_a_cron_job_owned_job_returns_the_cron_job() {
        let owner = controller("batch/v1", "CronJob", "report");
        let mut snapshot = snapshot(vec![
            cron_job("shop", "report"),
            job("shop", "report-28910400", owner),
        ]);

        let affected = snapshot.delete("Job", &ObjectKey::new("shop", "report-28910400"));

        let report = workload_key("shop", WorkloadKind::CronJob, "report");
        assert_eq!(affected, BTreeSet::from([report]));
    }

    #[test]
    fn delete_of_an_ownerless_replica_set_returns_it_and_ends_its_asset() {
        let mut snapshot = snapshot(vec![replica_set("shop", "web", json!([]))]);

        let affected = snapshot.delete("ReplicaSet", &ObjectKey::new("shop", "web"));

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web");
        assert_eq!(affected, BTreeSet::from([replica_set.clone()]));
        assert!(snapshot.workload(&replica_set).is_none());
    }

    #[test]
    fn apply_of_a_replica_set_adopted_by_a_deployment_returns_the_asset_it_ends() {
        // The Deployment controller adopts an orphan ReplicaSet its selector matches (as after
        // `kubectl delete deployment web --cascade=orphan` and re-creating it). The
        // ReplicaSet's own asset ends then, so it must be among the assets the change alters.
        let mut snapshot = snapshot(vec![deployment("shop", "web")]);
        snapshot.apply(replica_set("shop", "web-7d4b9c8f6", json!([])));

        let owner = controller("apps/v1", "Deployment", "web");
        let affected = snapshot.apply(replica_set("shop", "web-7d4b9c8f6", owner));

        let replica_set = workload_key("shop", WorkloadKind::ReplicaSet, "web-7d4b9c8f6");
        let web = workload_key("shop", WorkloadKind::Deployment, "web");
        assert!(snapshot.workload(&replica_set).is_none());
        assert_eq!(affected, BTreeSet::from([web, replica_set]));
    }

    #[test]
    fn keys_lists_the_stored_objects_of_one_kind() {
        let http_route = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": { "rules": [{ "backendRefs": [{ "name": "web", "port": 80 }] }] }
        }));
        let grpc_route = route(json!({
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "GRPCRoute",
            "metadata": { "name": "api", "namespace": "shop" },
            "spec": { "rules": [{ "backendRefs": [{ "name": "api", "port": 9090 }] }] }
        }));
        let snapshot = snapshot(vec![
            namespace("shop", json!({})),
            deployment("shop", "web"),
            replica_set(
                "shop",
                "web-7d4b9c8f6",
                controller("apps/v1", "Deployment", "web"),
            ),
            replica_set("shop", "legacy", json!([])),
            pod("shop", "debug", json!([])),
            service("shop", "web", json!({ "app": "web" })),
            http_route,
            grpc_route,
        ]);

        assert_eq!(snapshot.keys("Namespace"), object_keys(&[("", "shop")]));
        assert_eq!(snapshot.keys("Deployment"), object_keys(&[("shop", "web")]));
        assert_eq!(
            snapshot.keys("ReplicaSet"),
            object_keys(&[("shop", "legacy"), ("shop", "web-7d4b9c8f6")])
        );
        assert_eq!(snapshot.keys("Pod"), object_keys(&[("shop", "debug")]));
        assert_eq!(snapshot.keys("Service"), object_keys(&[("shop", "web")]));
        assert_eq!(snapshot.keys("HTTPRoute"), object_keys(&[("shop", "web")]));
        assert_eq!(snapshot.keys("GRPCRoute"), object_keys(&[("shop", "api")]));
        assert!(snapshot.keys("TCPRoute").is_empty());
        assert!(snapshot.keys("StatefulSet").is_empty());
        assert!(snapshot.keys("ConfigMap").is_empty());
    }

    #[test]
    fn workloads_in_does_not_leak_into_a_namespace_sharing_its_prefix() {
        let snapshot = snapshot(vec![
            deployment("shop", "web"),
            pod("shop", "zz-debug", json!([])),
            deployment("shop-2", "api"),
            deployment("shopping", "cart"),
        ]);

        let names = |namespace: &str| -> Vec<String> {
            let workloads = snapshot.workloads_in(namespace);
            workloads.map(|(key, _)| key.to_string()).collect()
        };

        assert_eq!(names("shop"), ["Deployment shop/web", "Pod shop/zz-debug"]);
        assert_eq!(names("shop-2"), ["Deployment shop-2/api"]);
        assert!(names("sho").is_empty());
    }

    #[test]
    fn namespaced_lookups_do_not_leak_into_a_namespace_sharing_its_prefix() {
        let snapshot = snapshot(vec![
            service("shop", "web", json!({ "app": "web" })),
            service("shop-2", "api", json!({ "app": "api" })),
            ingress("shop", "web"),
            ingress("shop-2", "api"),
            network_policy("shop", "deny-all"),
            network_policy("shop-2", "allow-all"),
            reference_grant("shop", "edge"),
            reference_grant("shop-2", "edge-2"),
        ]);

        let services: Vec<_> = snapshot
            .services_in("shop")
            .map(|o| ObjectKey::of(&o.metadata))
            .collect();
        let ingresses: Vec<_> = snapshot
            .ingresses_in("shop")
            .map(|o| ObjectKey::of(&o.metadata))
            .collect();
        let policies: Vec<_> = snapshot
            .network_policies_in("shop")
            .map(|o| ObjectKey::of(&o.metadata))
            .collect();
        let grants: Vec<_> = snapshot
            .reference_grants_in("shop")
            .map(|o| ObjectKey::of(&o.metadata))
            .collect();

        assert_eq!(services, object_keys(&[("shop", "web")]));
        assert_eq!(ingresses, object_keys(&[("shop", "web")]));
        assert_eq!(policies, object_keys(&[("shop", "deny-all")]));
        assert_eq!(grants, object_keys(&[("shop", "edge")]));
        assert_eq!(snapshot.services_in("shop-2").count(), 1);
        assert_eq!(snapshot.services_in("sho").count(), 0);
    }

    #[test]
    fn objects_without_a_namespace_land_in_default() {
        let deployment = ClusterObject::Deployment(parse(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": { "name": "web" },
            "spec": {
                "selector": { "matchLabels": { "app": "web" } },
                "template": {
                    "metadata": { "labels": { "app": "web" } },
                    "spec": { "containers": [{ "name": "main", "image": "web:1.0" }] }
                }
            }
        })));
        let service = ClusterObject::Service(parse(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": "web", "namespace": "" },
            "spec": { "selector": { "app": "web" }, "ports": [{ "port": 80 }] }
        })));
        let mut snapshot = Snapshot::default();
        snapshot.apply(deployment);

        let affected = snapshot.apply(service);

        let web = workload_key("default", WorkloadKind::Deployment, "web");
        assert_eq!(affected, BTreeSet::from([web.clone()]));
        assert!(snapshot.workload(&web).is_some());
        assert_eq!(snapshot.services_in("default").count(), 1);
        assert!(
            snapshot
                .service(&ObjectKey::new("default", "web"))
                .is_some()
        );
    }
}
