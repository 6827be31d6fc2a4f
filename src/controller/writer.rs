//! Writes AppAssets by server-side apply, and only what differs from what is stored: an idle
//! cluster produces no writes.

use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use serde_json::json;

use crate::api::{AppAsset, FIELD_MANAGER};
use crate::engine::asset::carry_transition_times;
use crate::metrics::Metrics;

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Nothing differed; no request was made.
    Unchanged,
    /// The asset did not exist and was created.
    Created,
    /// The stored asset differed and was updated.
    Updated,
    /// The workload is gone or ignored, and its asset was deleted.
    Deleted,
}

/// Applies `desired` over `stored` (the last known state of the same asset) and returns the
/// asset as the API server now holds it, when it was written.
pub async fn apply(
    client: &Client,
    metrics: &Metrics,
    mut desired: AppAsset,
    stored: Option<&AppAsset>,
) -> Result<(Written, Option<AppAsset>), kube::Error> {
    let namespace = desired.namespace().unwrap_or_default();
    let api: Api<AppAsset> = Api::namespaced(client.clone(), &namespace);
    let params = PatchParams::apply(FIELD_MANAGER).force();
    let name = desired.name_any();

    let mut current = stored.cloned();
    let spec_changed = stored.is_none_or(|stored| !same_main_resource(&desired, stored));
    if spec_changed {
        let body = main_resource(&desired);
        let applied = api.patch(&name, &params, &Patch::Apply(body)).await?;
        metrics
            .api_writes
            .with_label_values(&["appassets", "apply"])
            .inc();
        current = Some(applied);
    }

    let mut status = desired.status.take().unwrap_or_default();
    let stored_status = current
        .as_ref()
        .and_then(|c| c.status.clone())
        .unwrap_or_default();
    carry_transition_times(&mut status.conditions, &stored_status.conditions);
    status.observed_generation = current.as_ref().and_then(|c| c.metadata.generation);
    if status != stored_status {
        let body = json!({
            "apiVersion": "appasset.io/v1alpha1",
            "kind": "AppAsset",
            "status": status,
        });
        let applied = api
            .patch_status(&name, &params, &Patch::Apply(body))
            .await?;
        metrics
            .api_writes
            .with_label_values(&["appassets/status", "apply"])
            .inc();
        current = Some(applied);
    }

    let written = match (stored, spec_changed || status != stored_status) {
        (_, false) => Written::Unchanged,
        (None, true) => Written::Created,
        (Some(_), true) => Written::Updated,
    };
    Ok((written, current.filter(|_| written != Written::Unchanged)))
}

/// Deletes the asset `stored`.
pub async fn delete(
    client: &Client,
    metrics: &Metrics,
    stored: &AppAsset,
) -> Result<(), kube::Error> {
    let namespace = stored.namespace().unwrap_or_default();
    let api: Api<AppAsset> = Api::namespaced(client.clone(), &namespace);
    match api
        .delete(&stored.name_any(), &DeleteParams::background())
        .await
    {
        Ok(_) => {
            metrics
                .api_writes
                .with_label_values(&["appassets", "delete"])
                .inc();
            Ok(())
        }
        // Already gone, most likely through the garbage collector following the
        // ownerReference: the outcome wanted.
        Err(kube::Error::Api(response)) if response.code == 404 => Ok(()),
        Err(error) => Err(error),
    }
}

/// Labels and ownerReferences are compared as the operator sets them: labels others add to an
/// AppAsset are theirs to keep and no reason to write.
fn same_main_resource(desired: &AppAsset, stored: &AppAsset) -> bool {
    let stored_labels = stored.labels();
    let labels_kept = desired
        .labels()
        .iter()
        .all(|(key, value)| stored_labels.get(key) == Some(value));
    labels_kept
        && desired.metadata.owner_references == stored.metadata.owner_references
        && desired.spec == stored.spec
}

fn main_resource(desired: &AppAsset) -> serde_json::Value {
    json!({
        "apiVersion": "appasset.io/v1alpha1",
        "kind": "AppAsset",
        "metadata": {
            "name": desired.metadata.name,
            "namespace": desired.metadata.namespace,
            "labels": desired.metadata.labels,
            "ownerReferences": desired.metadata.owner_references,
        },
        "spec": desired.spec,
    })
}
