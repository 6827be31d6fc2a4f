//! The controller: keeps one AppAsset per workload current.
//!
//! Data flows one way: watches feed a [`Snapshot`]; each change queues exactly the assets it
//! can alter; workers ask the engine for each queued asset's desired state and write it only
//! when it differs from what is stored.

mod queue;
mod strip;
mod watch;
mod writer;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, DynamicObject};
use kube::discovery::ApiResource;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::{Client, Resource, ResourceExt};
use tokio::sync::mpsc;

use crate::api::{AppAsset, AssetPolicy, FIELD_MANAGER};
use crate::engine::asset::{assess, asset_name, is_ignored};
use crate::engine::changes;
use crate::engine::gateway_api::{self, RouteKind};
use crate::engine::settings::Settings;
use crate::engine::snapshot::{ClusterObject, ObjectKey, Snapshot, WorkloadKey};
use crate::engine::workload::WorkloadKind;
use crate::metrics::Metrics;

use queue::Queue;
use writer::Written;

/// How the controller runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Which namespaces make assets.
    pub filter: NamespaceFilter,
    /// How the engine judges exposure.
    pub settings: Settings,
    /// How many assets are reconciled at the same time.
    pub workers: usize,
    /// How often to look again for Gateway API kinds that were not installed yet.
    pub discovery_interval: Duration,
}

/// Which namespaces make assets: those listed (all when none), less those excluded.
#[derive(Debug, Clone, Default)]
pub struct NamespaceFilter {
    /// Only these namespaces, when not empty.
    pub include: BTreeSet<String>,
    /// Never these namespaces.
    pub exclude: BTreeSet<String>,
}

impl NamespaceFilter {
    /// True when objects of `namespace` count.
    pub fn admits(&self, namespace: &str) -> bool {
        let included = self.include.is_empty() || self.include.contains(namespace);
        included && !self.exclude.contains(namespace)
    }
}

/// Why the controller stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A CRD of appasset.io is missing or not yet established.
    #[error(
        "the CustomResourceDefinition {name} is {state}; install the CRDs with \
         `appasset crd | kubectl apply -f -` (or the Helm chart) and start again"
    )]
    CrdMissing {
        /// The CRD's name.
        name: &'static str,
        /// Not installed, or not established yet.
        state: &'static str,
    },
    /// Reading a CRD failed for another reason.
    #[error("reading CustomResourceDefinition {name} failed: {source}")]
    CrdUnreadable {
        /// The CRD's name.
        name: &'static str,
        /// What went wrong.
        #[source]
        source: kube::Error,
    },
}

/// State shared by the watches and the workers.
pub struct Shared {
    snapshot: Mutex<Snapshot>,
    assets: Mutex<HashMap<ObjectKey, AppAsset>>,
    queue: Queue,
    filter: NamespaceFilter,
    settings: Settings,
    metrics: Metrics,
    client: Client,
    recorder: Recorder,
}

impl Shared {
    /// An operator touches only the assets of the namespaces it watches, so that several
    /// operators can split a cluster between them. Assets left in a namespace that was later
    /// excluded stay until their workload goes, or someone deletes them.
    fn manages(&self, asset: &AppAsset) -> bool {
        self.filter
            .admits(asset.metadata.namespace.as_deref().unwrap_or_default())
    }

    fn lock_snapshot(&self) -> MutexGuard<'_, Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_assets(&self) -> MutexGuard<'_, HashMap<ObjectKey, AppAsset>> {
        self.assets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Runs the controller until the process ends. `ready` turns true once the first inventory
/// has been queued.
pub async fn run(
    client: Client,
    options: Options,
    metrics: Metrics,
    ready: Arc<AtomicBool>,
) -> Result<(), Error> {
    ensure_crd_established(&client).await?;

    let shared = Arc::new(Shared {
        snapshot: Mutex::new(Snapshot::default()),
        assets: Mutex::new(HashMap::new()),
        queue: Queue::default(),
        filter: options.filter,
        settings: options.settings,
        metrics,
        client: client.clone(),
        recorder: Recorder::new(client.clone(), Reporter::from(FIELD_MANAGER)),
    });
    let (synced, mut synced_kinds) = mpsc::unbounded_channel();

    let started = Instant::now();
    let mut waiting_for = start_core_watches(&shared, &synced);
    let mut gateway_api_kinds = BTreeSet::new();
    waiting_for.extend(start_gateway_api_watches(&shared, &synced, &mut gateway_api_kinds).await);
    tokio::spawn(watch_assets(shared.clone(), synced.clone()));
    waiting_for.insert("AppAsset");

    while !waiting_for.is_empty() {
        if let Some(kind) = synced_kinds.recv().await {
            waiting_for.remove(kind);
        }
    }
    let interval = options.discovery_interval;
    let look_again =
        keep_looking_for_gateway_api(shared.clone(), synced, gateway_api_kinds, interval);
    tokio::spawn(look_again);

    sweep_orphans(&shared).await;
    let workloads: Vec<WorkloadKey> = shared
        .lock_snapshot()
        .workloads()
        .map(|(key, _)| key.clone())
        .collect();
    tracing::info!(
        workloads = workloads.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "watches synced; reconciling the inventory"
    );
    shared.queue.push_all(workloads);
    ready.store(true, Ordering::Relaxed);

    let workers = (0..options.workers.max(1)).map(|_| tokio::spawn(work(shared.clone())));
    futures::future::join_all(workers).await;
    Ok(())
}

/// The CRDs the operator reads and writes.
const CRDS: [&str; 2] = ["appassets.appasset.io", "assetpolicies.appasset.io"];

async fn ensure_crd_established(client: &Client) -> Result<(), Error> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    for name in CRDS {
        let crd = match crds.get_opt(name).await {
            Ok(Some(crd)) => crd,
            Ok(None) => {
                return Err(Error::CrdMissing {
                    name,
                    state: "not installed",
                });
            }
            Err(source) => return Err(Error::CrdUnreadable { name, source }),
        };
        let conditions = crd
            .status
            .and_then(|status| status.conditions)
            .unwrap_or_default();
        let established = conditions
            .iter()
            .any(|condition| condition.type_ == "Established" && condition.status == "True");
        if !established {
            return Err(Error::CrdMissing {
                name,
                state: "not established yet",
            });
        }
    }
    Ok(())
}

fn start_core_watches(
    shared: &Arc<Shared>,
    synced: &mpsc::UnboundedSender<&'static str>,
) -> BTreeSet<&'static str> {
    let client = &shared.client;
    macro_rules! spawn_watch {
        ($kind:literal, $type:ty, $variant:ident) => {{
            let api: Api<$type> = Api::all(client.clone());
            let convert: watch::Convert<$type> = |object| Ok(ClusterObject::$variant(object));
            tokio::spawn(watch::watch(
                $kind,
                api,
                convert,
                shared.clone(),
                synced.clone(),
            ));
            $kind
        }};
    }
    BTreeSet::from([
        spawn_watch!("Namespace", Namespace, Namespace),
        spawn_watch!("Deployment", Deployment, Deployment),
        spawn_watch!("StatefulSet", StatefulSet, StatefulSet),
        spawn_watch!("DaemonSet", DaemonSet, DaemonSet),
        spawn_watch!("CronJob", CronJob, CronJob),
        spawn_watch!("Job", Job, Job),
        spawn_watch!("ReplicaSet", ReplicaSet, ReplicaSet),
        spawn_watch!("Pod", Pod, Pod),
        spawn_watch!("Service", Service, Service),
        spawn_watch!("Ingress", Ingress, Ingress),
        spawn_watch!("NetworkPolicy", NetworkPolicy, NetworkPolicy),
        spawn_watch!("ClusterRoleBinding", ClusterRoleBinding, ClusterRoleBinding),
        spawn_watch!("AssetPolicy", AssetPolicy, AssetPolicy),
    ])
}

/// Gateway API is an add-on: its kinds are watched only once their CRDs exist, and looked for
/// again periodically so installing it later needs no restart.
async fn start_gateway_api_watches(
    shared: &Arc<Shared>,
    synced: &mpsc::UnboundedSender<&'static str>,
    started: &mut BTreeSet<&'static str>,
) -> BTreeSet<&'static str> {
    let Ok(group) = kube::discovery::group(&shared.client, gateway_api::GROUP).await else {
        return BTreeSet::new();
    };
    let mut new = BTreeSet::new();
    for kind in ["Gateway", "ReferenceGrant"]
        .into_iter()
        .chain(RouteKind::ALL.map(|r| r.as_str()))
    {
        if started.contains(kind) {
            continue;
        }
        let Some((resource, _)) = group.recommended_kind(kind) else {
            continue;
        };
        spawn_gateway_api_watch(shared, synced, kind, &resource);
        tracing::info!(kind, version = %resource.version, "watching Gateway API kind");
        started.insert(kind);
        new.insert(kind);
    }
    new
}

fn spawn_gateway_api_watch(
    shared: &Arc<Shared>,
    synced: &mpsc::UnboundedSender<&'static str>,
    kind: &'static str,
    resource: &ApiResource,
) {
    let api: Api<DynamicObject> = Api::all_with(shared.client.clone(), resource);
    let convert: watch::Convert<DynamicObject> = match kind {
        "Gateway" => watch::gateway,
        "ReferenceGrant" => watch::reference_grant,
        "HTTPRoute" => |object| watch::route(RouteKind::Http, object),
        "GRPCRoute" => |object| watch::route(RouteKind::Grpc, object),
        "TLSRoute" => |object| watch::route(RouteKind::Tls, object),
        _ => |object| watch::route(RouteKind::Tcp, object),
    };
    let task = watch::watch(kind, api, convert, shared.clone(), synced.clone());
    tokio::spawn(task);
}

async fn keep_looking_for_gateway_api(
    shared: Arc<Shared>,
    synced: mpsc::UnboundedSender<&'static str>,
    mut started: BTreeSet<&'static str>,
    interval: Duration,
) {
    loop {
        tokio::time::sleep(interval).await;
        start_gateway_api_watches(&shared, &synced, &mut started).await;
    }
}

/// Keeps the last known state of every AppAsset, to compare desired states against without
/// asking the API server, and queues the workload of any asset changed or deleted by
/// someone else so it is put back.
async fn watch_assets(shared: Arc<Shared>, synced: mpsc::UnboundedSender<&'static str>) {
    use futures::StreamExt;
    use kube::runtime::WatchStreamExt;
    use kube::runtime::watcher::{self, Event};

    let api: Api<AppAsset> = Api::all(shared.client.clone());
    let events = watcher::watcher(api, watcher::Config::default()).default_backoff();
    futures::pin_mut!(events);
    let mut listed: Option<HashMap<ObjectKey, AppAsset>> = None;
    let mut announced = false;

    while let Some(event) = events.next().await {
        match event {
            Ok(Event::Init) => listed = Some(HashMap::new()),
            Ok(Event::InitApply(asset)) if shared.manages(&asset) => {
                let asset = without_managed_fields(asset);
                listed
                    .get_or_insert_default()
                    .insert(ObjectKey::of(&asset.metadata), asset);
            }
            Ok(Event::InitDone) => {
                *shared.lock_assets() = listed.take().unwrap_or_default();
                if !announced {
                    announced = true;
                    let _ = synced.send("AppAsset");
                }
            }
            Ok(Event::Apply(asset)) if shared.manages(&asset) => {
                let asset = without_managed_fields(asset);
                let workload = workload_of(&asset);
                shared
                    .lock_assets()
                    .insert(ObjectKey::of(&asset.metadata), asset);
                shared.queue.push_all(workload);
            }
            Ok(Event::Delete(asset)) if shared.manages(&asset) => {
                shared.lock_assets().remove(&ObjectKey::of(&asset.metadata));
                shared.queue.push_all(workload_of(&asset));
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "AppAsset watch failed; retrying with backoff"),
        }
    }
}

fn without_managed_fields(mut asset: AppAsset) -> AppAsset {
    asset.metadata.managed_fields = None;
    asset
}

/// The workload an asset names, when it names a kind the operator knows.
fn workload_of(asset: &AppAsset) -> Option<WorkloadKey> {
    Some(WorkloadKey {
        namespace: asset.namespace()?,
        kind: WorkloadKind::parse(&asset.spec.workload.kind)?,
        name: asset.spec.workload.name.clone(),
    })
}

/// Deletes the assets whose workload vanished or became ignored while the operator was not
/// running. The garbage collector removes most of them through the ownerReference; this
/// catches the rest.
async fn sweep_orphans(shared: &Shared) {
    let orphans: Vec<AppAsset> = {
        let snapshot = shared.lock_snapshot();
        let assets = shared.lock_assets();
        let orphan = |asset: &&AppAsset| match workload_of(asset) {
            Some(key) => snapshot.workload(&key).is_none_or(is_ignored),
            None => true,
        };
        assets.values().filter(orphan).cloned().collect()
    };
    for asset in orphans {
        let key = ObjectKey::of(&asset.metadata);
        match writer::delete(&shared.client, &shared.metrics, &asset).await {
            Ok(()) => tracing::info!(asset = %key, "deleted an asset whose workload is gone"),
            Err(error) => tracing::warn!(asset = %key, %error, "deleting an orphaned asset failed"),
        }
    }
}

async fn work(shared: Arc<Shared>) {
    loop {
        let key = shared.queue.pop().await;
        let started = Instant::now();
        let result = reconcile(&shared, &key).await;
        shared
            .metrics
            .reconcile_duration
            .observe(started.elapsed().as_secs_f64());

        match result {
            Ok(_) => {
                shared.metrics.reconciles.with_label_values(&["ok"]).inc();
                shared.queue.done(&key);
            }
            Err(error) => {
                shared
                    .metrics
                    .reconciles
                    .with_label_values(&["error"])
                    .inc();
                let backoff = shared.queue.failed(&key);
                tracing::warn!(workload = %key, %error, retry_in_s = backoff.as_secs(), "reconcile failed");
                let shared = shared.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(backoff).await;
                    shared.queue.push(key);
                });
            }
        }
    }
}

/// Brings one asset in line with its workload: creates, updates or deletes it, or does
/// nothing when it already matches.
async fn reconcile(shared: &Shared, key: &WorkloadKey) -> Result<Written, kube::Error> {
    let now = Time(k8s_openapi::jiff::Timestamp::now());
    let desired = {
        let snapshot = shared.lock_snapshot();
        assess(key, &snapshot, &shared.settings, &now)
            .filter(|_| shared.filter.admits(&key.namespace))
    };
    let asset_key = ObjectKey::new(&key.namespace, &asset_name(key));
    let stored = shared.lock_assets().get(&asset_key).cloned();

    let Some(desired) = desired else {
        let Some(stored) = stored else {
            return Ok(Written::Unchanged);
        };
        writer::delete(&shared.client, &shared.metrics, &stored).await?;
        shared.lock_assets().remove(&asset_key);
        tracing::info!(workload = %key, asset = %asset_key, "asset deleted");
        return Ok(Written::Deleted);
    };

    let mut desired = desired;
    let change = changes::settle(&mut desired, stored.as_ref(), &now);
    let exposure = desired.status.as_ref().and_then(|status| status.exposure);
    let (written, current) =
        writer::apply(&shared.client, &shared.metrics, desired, stored.as_ref()).await?;
    if let Some(current) = current {
        if let Some(description) = change.filter(|_| written == Written::Updated) {
            announce_change(shared, &current, &description).await;
        }
        shared
            .lock_assets()
            .insert(asset_key.clone(), without_managed_fields(current));
    }
    log_write(key, &asset_key, written, stored.as_ref(), exposure);
    Ok(written)
}

/// A Kubernetes Event on the AppAsset says what changed, so `kubectl describe` and event
/// pipelines show it. Failing to record it is logged, not retried: the change itself is in
/// the status.
async fn announce_change(shared: &Shared, asset: &AppAsset, description: &str) {
    let revision = asset
        .status
        .as_ref()
        .and_then(|status| status.revision)
        .unwrap_or_default();
    let event = Event {
        type_: EventType::Normal,
        reason: "MaterialChange".to_string(),
        note: Some(format!("revision {revision}: {description}")),
        action: "Inventory".to_string(),
        secondary: None,
    };
    let asset_key = ObjectKey::of(&asset.metadata);
    match shared
        .recorder
        .publish(&event, &asset.object_ref(&()))
        .await
    {
        Ok(()) => {
            shared
                .metrics
                .api_writes
                .with_label_values(&["events", "create"])
                .inc();
            tracing::info!(asset = %asset_key, revision, change = description, "material change");
        }
        Err(error) => tracing::warn!(asset = %asset_key, %error, "recording an Event failed"),
    }
}

fn log_write(
    key: &WorkloadKey,
    asset: &ObjectKey,
    written: Written,
    stored: Option<&AppAsset>,
    exposure: Option<crate::api::Exposure>,
) {
    let before = stored
        .and_then(|stored| stored.status.as_ref())
        .and_then(|s| s.exposure);
    let exposure = exposure.map(|e| e.to_string()).unwrap_or_default();
    match written {
        Written::Created => tracing::info!(workload = %key, %asset, %exposure, "asset created"),
        Written::Updated if before.map(|b| b.to_string()) != Some(exposure.clone()) => {
            let before = before.map(|b| b.to_string()).unwrap_or_default();
            tracing::info!(workload = %key, %asset, %before, %exposure, "exposure changed");
        }
        Written::Updated => tracing::info!(workload = %key, %asset, "asset updated"),
        Written::Unchanged | Written::Deleted => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(include: &[&str], exclude: &[&str]) -> NamespaceFilter {
        NamespaceFilter {
            include: include.iter().map(|name| name.to_string()).collect(),
            exclude: exclude.iter().map(|name| name.to_string()).collect(),
        }
    }

    #[test]
    fn no_lists_admit_every_namespace() {
        assert!(filter(&[], &[]).admits("shop"));
    }

    #[test]
    fn an_include_list_admits_only_its_namespaces() {
        let only_shop = filter(&["shop"], &[]);
        assert!(only_shop.admits("shop"));
        assert!(!only_shop.admits("kube-system"));
    }

    #[test]
    fn an_exclusion_wins_over_an_inclusion() {
        let both = filter(&["shop", "kube-system"], &["kube-system"]);
        assert!(both.admits("shop"));
        assert!(!both.admits("kube-system"));
        assert!(!filter(&[], &["kube-system"]).admits("kube-system"));
    }
}
