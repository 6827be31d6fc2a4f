//! Builds the AppAsset a workload should have: every engine step, in order, on one snapshot.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta, OwnerReference, Time};

use crate::api::{
    AppAsset, AppAssetSpec, AppAssetStatus, Entrypoint, Exposure, PREFIX, WorkloadReference,
};

use super::classification::{AnnotationProblem, classify};
use super::network_policy::{ingress_isolation, selecting_policies};
use super::settings::Settings;
use super::snapshot::{Snapshot, WorkloadKey};
use super::workload::Workload;
use super::{application, containers, dependencies, entrypoints, exposure, ownership};

/// Longest name Kubernetes accepts for most objects.
const MAX_NAME: usize = 253;

/// Label holding the workload's kind in lower case.
pub const LABEL_WORKLOAD_KIND: &str = "appasset.io/workload-kind";
/// Label holding the exposure in lower case, for `kubectl get appassets -l`.
pub const LABEL_EXPOSURE: &str = "appasset.io/exposure";
/// Annotation that keeps a workload out of the inventory.
pub const ANNOTATION_IGNORE: &str = "appasset.io/ignore";

/// The condition saying whether every appasset.io annotation could be read.
pub const CONDITION_VALID: &str = "Valid";

/// The AppAsset the workload at `key` should have, or `None` when it makes no asset (gone, or
/// annotated `appasset.io/ignore: "true"`). `now` stamps conditions that change state.
pub fn assess(
    key: &WorkloadKey,
    snapshot: &Snapshot,
    settings: &Settings,
    now: &Time,
) -> Option<AppAsset> {
    let workload = snapshot
        .workload(key)
        .filter(|workload| !is_ignored(workload))?;
    let namespace = snapshot.namespace(&key.namespace);

    let isolation = ingress_isolation(
        &key.namespace,
        workload.pod_labels(),
        snapshot.network_policies_in(&key.namespace),
    );
    let mut entrypoints = all_entrypoints(workload, snapshot, settings);
    exposure::apply_network_policy(&mut entrypoints, &isolation);
    let exposure = exposure::exposure(workload, &entrypoints, &isolation);

    let classified = classify(workload, namespace);
    let pods = snapshot.pods_of(key);
    let spec = AppAssetSpec {
        workload: workload_reference(workload),
        application: application::application(workload),
        owner: ownership::owner(workload, namespace),
        classification: classified.classification,
        containers: containers::containers(workload, &pods),
        entrypoints,
        dependencies: dependencies::dependencies(workload, snapshot),
        network_policies: selecting_policies(
            &key.namespace,
            workload.pod_labels(),
            snapshot.network_policies_in(&key.namespace),
        ),
    };

    let status = AppAssetStatus {
        exposure: Some(exposure),
        finding_count: 0,
        entrypoint_summary: entrypoint_summary(&spec.entrypoints),
        conditions: vec![valid_condition(&classified.problems, now)],
        observed_generation: None,
    };

    let mut asset = AppAsset::new(&asset_name(key), spec);
    asset.metadata = metadata(key, workload, exposure);
    asset.status = Some(status);
    Some(asset)
}

/// True for a workload annotated `appasset.io/ignore: "true"`.
pub fn is_ignored(workload: &Workload) -> bool {
    workload
        .annotations()
        .get(ANNOTATION_IGNORE)
        .is_some_and(|value| value.trim() == "true")
}

fn all_entrypoints(
    workload: &Workload,
    snapshot: &Snapshot,
    settings: &Settings,
) -> Vec<Entrypoint> {
    let mut all = entrypoints::service::entrypoints(workload, snapshot);
    all.extend(entrypoints::ingress::entrypoints(
        workload, snapshot, settings,
    ));
    all.extend(entrypoints::gateway::entrypoints(
        workload, snapshot, settings,
    ));
    all.extend(entrypoints::pod::entrypoints(workload));
    all.sort_by(|a, b| (&a.kind, &a.name, &a.service).cmp(&(&b.kind, &b.name, &b.service)));
    all
}

fn workload_reference(workload: &Workload) -> WorkloadReference {
    WorkloadReference {
        api_version: workload.kind.api_version().to_string(),
        kind: workload.kind.as_str().to_string(),
        name: workload.name().to_string(),
        uid: workload.metadata.uid.clone().unwrap_or_default(),
    }
}

fn metadata(key: &WorkloadKey, workload: &Workload, exposure: Exposure) -> ObjectMeta {
    let labels = BTreeMap::from([
        (
            LABEL_WORKLOAD_KIND.to_string(),
            key.kind.as_str().to_ascii_lowercase(),
        ),
        (
            LABEL_EXPOSURE.to_string(),
            exposure.label_value().to_string(),
        ),
    ]);
    ObjectMeta {
        name: Some(asset_name(key)),
        namespace: Some(key.namespace.clone()),
        labels: Some(labels),
        owner_references: owner_reference(workload).map(|owner| vec![owner]),
        ..ObjectMeta::default()
    }
}

/// Objects read from files have no uid, and an ownerReference without one is invalid; the
/// asset of such a workload simply has no owner.
fn owner_reference(workload: &Workload) -> Option<OwnerReference> {
    let uid = workload
        .metadata
        .uid
        .clone()
        .filter(|uid| !uid.is_empty())?;
    Some(OwnerReference {
        api_version: workload.kind.api_version().to_string(),
        kind: workload.kind.as_str().to_string(),
        name: workload.name().to_string(),
        uid,
        controller: Some(true),
        block_owner_deletion: None,
    })
}

/// `<kind>-<name>` in lower case. A name too long for Kubernetes is cut, and a short hash of
/// the whole name keeps two long names that share a prefix apart.
pub fn asset_name(key: &WorkloadKey) -> String {
    let full = format!("{}-{}", key.kind.as_str(), key.name).to_ascii_lowercase();
    if full.len() <= MAX_NAME {
        return full;
    }
    let suffix = format!("{:010x}", fnv1a(full.as_bytes()) & 0xff_ffff_ffff);
    format!("{}-{suffix}", &full[..MAX_NAME - suffix.len() - 1])
}

/// FNV-1a: tiny, stable across releases and platforms, which is all a name suffix needs.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Hosts where entrypoints have them, else their ports, in one short line for `kubectl get`.
fn entrypoint_summary(entrypoints: &[Entrypoint]) -> Option<String> {
    let mut items: Vec<String> = Vec::new();
    for entrypoint in entrypoints {
        let shown: Vec<String> = if entrypoint.hosts.is_empty() {
            entrypoint
                .ports
                .iter()
                .map(|port| port.to_string())
                .collect()
        } else {
            entrypoint.hosts.clone()
        };
        for item in shown {
            if !items.contains(&item) {
                items.push(item);
            }
        }
    }
    (!items.is_empty()).then(|| items.join(","))
}

fn valid_condition(problems: &[AnnotationProblem], now: &Time) -> Condition {
    let (status, reason, message) = if problems.is_empty() {
        (
            "True",
            "AnnotationsValid",
            format!("every {PREFIX} annotation is valid"),
        )
    } else {
        let messages: Vec<String> = problems.iter().map(AnnotationProblem::message).collect();
        ("False", "InvalidAnnotation", messages.join("; "))
    };
    Condition {
        type_: CONDITION_VALID.to_string(),
        status: status.to_string(),
        reason: reason.to_string(),
        message,
        last_transition_time: now.clone(),
        observed_generation: None,
    }
}

/// Keeps each condition's `lastTransitionTime` from `stored` while its status is unchanged,
/// so an idle cluster produces no writes.
pub fn carry_transition_times(desired: &mut [Condition], stored: &[Condition]) {
    for condition in desired.iter_mut() {
        let previous = stored.iter().find(|old| old.type_ == condition.type_);
        if let Some(previous) = previous.filter(|old| old.status == condition.status) {
            condition.last_transition_time = previous.last_transition_time.clone();
        }
    }
}
