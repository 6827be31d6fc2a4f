//! One watch per kind, each feeding the shared snapshot and queueing the assets that every
//! change can alter.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::Arc;

use futures::{StreamExt, pin_mut};
use kube::Resource;
use kube::api::{Api, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::Shared;
use super::strip::strip;
use crate::engine::gateway_api::{Gateway, ReferenceGrant, Route, RouteKind, RouteSpec};
use crate::engine::snapshot::{ClusterObject, ObjectKey, is_cluster_scoped, key_of};

/// Turns a watched object into what the engine reads, or says why it cannot.
pub type Convert<K> = fn(K) -> Result<ClusterObject, String>;

/// Watches every object of `api` until the process ends. Sends `kind` on `synced` once the
/// first complete list has been applied.
pub async fn watch<K>(
    kind: &'static str,
    api: Api<K>,
    convert: Convert<K>,
    shared: Arc<Shared>,
    synced: mpsc::UnboundedSender<&'static str>,
) where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    let events = watcher::watcher(api, watcher::Config::default()).default_backoff();
    pin_mut!(events);
    let mut relisted: Option<BTreeSet<ObjectKey>> = None;
    let mut announced = false;

    while let Some(event) = events.next().await {
        match event {
            Ok(Event::Init) => relisted = Some(BTreeSet::new()),
            Ok(Event::InitApply(object)) => {
                if let Some(key) = shared.record(kind, convert(object)) {
                    relisted.get_or_insert_default().insert(key);
                }
            }
            Ok(Event::InitDone) => {
                shared.forget_missing(kind, &relisted.take().unwrap_or_default());
                if !announced {
                    announced = true;
                    let _ = synced.send(kind);
                }
            }
            Ok(Event::Apply(object)) => {
                shared.record(kind, convert(object));
            }
            Ok(Event::Delete(object)) => shared.forget(kind, &key_of(kind, object.meta())),
            Err(error) => tracing::warn!(kind, %error, "watch failed; retrying with backoff"),
        }
    }
}

impl Shared {
    /// Stores a converted object and queues the assets it can alter. Returns its key, or
    /// `None` when it was skipped (unreadable, or in a namespace not watched).
    fn record(&self, kind: &str, converted: Result<ClusterObject, String>) -> Option<ObjectKey> {
        self.metrics.watch_events.with_label_values(&[kind]).inc();
        let object = match converted {
            Ok(object) => strip(object),
            Err(problem) => {
                tracing::warn!(kind, %problem, "skipping an object the engine cannot read");
                return None;
            }
        };
        let key = object.key();
        if !self.admits(kind, &key) {
            return None;
        }

        let affected = self.lock_snapshot().apply(object);
        self.queue.push_all(affected);
        Some(key)
    }

    fn forget(&self, kind: &str, key: &ObjectKey) {
        self.metrics.watch_events.with_label_values(&[kind]).inc();
        let affected = self.lock_snapshot().delete(kind, key);
        self.queue.push_all(affected);
    }

    /// After a relist, drops what the API server no longer returned: those objects were
    /// deleted while the watch was down, and no Delete event will ever say so.
    fn forget_missing(&self, kind: &str, listed: &BTreeSet<ObjectKey>) {
        let stored = self.lock_snapshot().keys(kind);
        for key in stored.into_iter().filter(|key| !listed.contains(key)) {
            let affected = self.lock_snapshot().delete(kind, &key);
            self.queue.push_all(affected);
        }
    }
}

impl Shared {
    /// Cluster-scoped objects (ClusterRoleBindings) bear on every namespace; a Namespace
    /// counts when it is itself watched.
    fn admits(&self, kind: &str, key: &ObjectKey) -> bool {
        match kind {
            "Namespace" => self.filter.admits(&key.name),
            _ if is_cluster_scoped(kind) => true,
            _ => self.filter.admits(&key.namespace),
        }
    }
}

/// A Gateway from the dynamic object the API returned.
pub fn gateway(object: DynamicObject) -> Result<ClusterObject, String> {
    let gateway: Gateway = from_dynamic("Gateway", object)?;
    Ok(ClusterObject::Gateway(gateway))
}

/// A ReferenceGrant from the dynamic object the API returned.
pub fn reference_grant(object: DynamicObject) -> Result<ClusterObject, String> {
    let grant: ReferenceGrant = from_dynamic("ReferenceGrant", object)?;
    Ok(ClusterObject::ReferenceGrant(grant))
}

/// A route of `kind` from the dynamic object the API returned.
pub fn route(kind: RouteKind, object: DynamicObject) -> Result<ClusterObject, String> {
    #[derive(serde::Deserialize)]
    struct Parts {
        #[serde(default)]
        spec: RouteSpec,
    }
    let metadata = object.metadata.clone();
    let parts: Parts = from_dynamic(kind.as_str(), object)?;
    Ok(ClusterObject::Route(Route {
        kind,
        metadata,
        spec: parts.spec,
    }))
}

fn from_dynamic<T: DeserializeOwned>(kind: &str, object: DynamicObject) -> Result<T, String> {
    let key = ObjectKey::of(&object.metadata);
    let value = serde_json::to_value(&object).map_err(|e| format!("{kind} {key}: {e}"))?;
    serde_json::from_value(value).map_err(|error| format!("{kind} {key}: {error}"))
}
