//! Builds the AppAsset a workload should have: every engine step, in order, on one snapshot.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta, OwnerReference, Time};

use crate::api::{
    AppAsset, AppAssetSpec, AppAssetStatus, Entrypoint, Exposure, PREFIX, RiskLevel,
    WorkloadReference,
};

use super::classification::{AnnotationProblem, classify};
use super::facts::AssetFacts;
use super::network_policy::{ingress_isolation, selecting_policies};
use super::settings::Settings;
use super::snapshot::{Snapshot, WorkloadKey};
use super::workload::Workload;
use super::{
    application, containers, dependencies, entrypoints, exposure, findings, ownership, policy, risk,
};

/// Longest name Kubernetes accepts for most objects.
const MAX_NAME: usize = 253;

/// Label holding the workload's kind in lower case.
pub const LABEL_WORKLOAD_KIND: &str = "appasset.io/workload-kind";
/// Label holding the exposure in lower case, for `kubectl get appassets -l`.
pub const LABEL_EXPOSURE: &str = "appasset.io/exposure";
/// Label holding the risk level in lower case.
pub const LABEL_RISK_LEVEL: &str = "appasset.io/risk-level";
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

    let facts = AssetFacts {
        workload,
        spec: &spec,
        exposure,
        isolation: &isolation,
        problems: &classified.problems,
        cluster_admin: runs_as_cluster_admin(workload, snapshot),
    };
    let mut found = findings::findings(&facts);
    let labels = namespace.and_then(|namespace| namespace.metadata.labels.clone());
    let judged = policy::evaluate(
        snapshot.asset_policies(),
        &facts,
        &labels.unwrap_or_default(),
        &found,
    );
    found.extend(judged.findings);
    found.sort_by(|a, b| (b.severity, &a.id, &a.message).cmp(&(a.severity, &b.id, &b.message)));
    let risk = risk::assess(&facts, &found, &judged.weights);

    let status = AppAssetStatus {
        exposure: Some(exposure),
        risk_score: Some(risk.score),
        risk_level: Some(risk.level),
        factors: risk.factors,
        finding_count: i32::try_from(found.len()).unwrap_or(i32::MAX),
        findings: found,
        entrypoint_summary: entrypoint_summary(&spec.entrypoints),
        conditions: vec![valid_condition(&classified.problems, now)],
        ..AppAssetStatus::default()
    };

    let mut asset = AppAsset::new(&asset_name(key), spec);
    asset.metadata = metadata(key, workload, exposure, risk.level);
    asset.status = Some(status);
    Some(asset)
}

/// The ServiceAccount the pods run as: `serviceAccountName`, the deprecated
/// `serviceAccount`, or the namespace's `default`.
fn runs_as_cluster_admin(workload: &Workload, snapshot: &Snapshot) -> bool {
    let spec = workload.template.spec.as_ref();
    let named = spec.and_then(|spec| {
        let name = spec
            .service_account_name
            .as_deref()
            .or(spec.service_account.as_deref());
        name.filter(|name| !name.is_empty())
    });
    snapshot.is_cluster_admin(workload.namespace(), named.unwrap_or("default"))
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

fn metadata(
    key: &WorkloadKey,
    workload: &Workload,
    exposure: Exposure,
    risk: RiskLevel,
) -> ObjectMeta {
    let labels = BTreeMap::from([
        (
            LABEL_WORKLOAD_KIND.to_string(),
            key.kind.as_str().to_ascii_lowercase(),
        ),
        (
            LABEL_EXPOSURE.to_string(),
            exposure.label_value().to_string(),
        ),
        (LABEL_RISK_LEVEL.to_string(), risk.label_value().to_string()),
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
    // A DNS subdomain may not put `-` right after `.`, so the cut may not end in either.
    let cut = full.floor_char_boundary(MAX_NAME - suffix.len() - 1);
    let prefix = full[..cut].trim_end_matches(['.', '-']);
    format!("{prefix}-{suffix}")
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::snapshot::ClusterObject;
    use crate::engine::testing::{deployment, parse, snapshot, with_metadata, workload_key};
    use crate::engine::workload::WorkloadKind;

    fn now() -> Time {
        parse(json!("2025-03-01T12:00:00Z"))
    }

    fn assessed(key: &WorkloadKey, snapshot: &Snapshot) -> Option<AppAsset> {
        assess(key, snapshot, &Settings::default(), &now())
    }

    /// Deployment shop/web, listening on 8080, with the given extra `metadata` fields.
    fn web(metadata: Value) -> ClusterObject {
        let pod_spec = json!({ "containers": [{
            "name": "web",
            "image": "registry.example/shop/web:1.4.2",
            "ports": [{ "containerPort": 8080 }]
        }] });
        let web = deployment("shop", "web", json!({ "app": "web" }), pod_spec);
        ClusterObject::Deployment(with_metadata(web, metadata))
    }

    fn web_key() -> WorkloadKey {
        workload_key("shop", WorkloadKind::Deployment, "web")
    }

    fn condition(type_: &str, status: &str, last_transition_time: &str) -> Condition {
        parse(json!({
            "type": type_,
            "status": status,
            "reason": "Test",
            "message": "",
            "lastTransitionTime": last_transition_time
        }))
    }

    /// Whether `name` is a DNS-1123 subdomain, which Kubernetes requires of an AppAsset's name.
    fn is_dns_subdomain(name: &str) -> bool {
        let label_ok = |label: &str| {
            let bytes = label.as_bytes();
            let edges_ok = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
            edges_ok(bytes.first())
                && edges_ok(bytes.last())
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        };
        name.len() <= 253 && name.split('.').all(label_ok)
    }

    #[test]
    fn asset_name_is_kind_and_name_in_lower_case() {
        let names = [
            (WorkloadKind::Deployment, "frontend", "deployment-frontend"),
            (WorkloadKind::StatefulSet, "db", "statefulset-db"),
            (
                WorkloadKind::DaemonSet,
                "node-exporter",
                "daemonset-node-exporter",
            ),
            (
                WorkloadKind::CronJob,
                "nightly-report",
                "cronjob-nightly-report",
            ),
            (WorkloadKind::Job, "migrate", "job-migrate"),
            (WorkloadKind::ReplicaSet, "legacy", "replicaset-legacy"),
            (WorkloadKind::Pod, "debug", "pod-debug"),
        ];

        for (kind, name, expected) in names {
            assert_eq!(asset_name(&workload_key("shop", kind, name)), expected);
        }
    }

    #[test]
    fn asset_name_of_exactly_253_characters_is_kept_whole() {
        let name = "a".repeat(253 - "deployment-".len());

        let asset = asset_name(&workload_key("shop", WorkloadKind::Deployment, &name));

        assert_eq!(asset, format!("deployment-{name}"));
    }

    #[test]
    fn asset_name_over_253_characters_is_cut_with_a_stable_hash_suffix() {
        let key = workload_key("shop", WorkloadKind::Deployment, &"a".repeat(250));

        let asset = asset_name(&key);

        // The suffix is FNV-1a of the whole name, low 40 bits in hex; it must not change
        // between releases, or every long-named asset would be replaced on upgrade.
        let prefix = format!("deployment-{}", "a".repeat(231));
        assert_eq!(asset, format!("{prefix}-97ddb8fa53"));
        assert_eq!(asset.len(), 253);
        assert_eq!(asset_name(&key), asset);
    }

    #[test]
    fn long_asset_names_sharing_a_prefix_stay_distinct() {
        let first = workload_key(
            "shop",
            WorkloadKind::Deployment,
            &format!("{}b", "a".repeat(249)),
        );
        let second = workload_key(
            "shop",
            WorkloadKind::Deployment,
            &format!("{}c", "a".repeat(249)),
        );

        let first = asset_name(&first);
        let second = asset_name(&second);

        assert_ne!(first, second);
        assert!(first.ends_with("-97ddb8fc06"), "{first}");
        assert!(second.ends_with("-97ddb8fdb9"), "{second}");
        assert_eq!((first.len(), second.len()), (253, 253));
    }

    #[test]
    fn asset_name_cut_next_to_a_dot_is_still_a_valid_name() {
        // Workload names are DNS subdomains and may hold dots. This one is cut right after a
        // dot; the name must still be a DNS subdomain, or the API server refuses the AppAsset.
        let name = format!("{}.{}", "a".repeat(230), "b".repeat(19));
        assert!(is_dns_subdomain(&name));

        let asset = asset_name(&workload_key("shop", WorkloadKind::Deployment, &name));

        assert!(is_dns_subdomain(&asset), "not a DNS subdomain: {asset}");
    }

    #[test]
    fn assessed_asset_is_named_for_its_workload_in_its_namespace() {
        let snapshot = snapshot(vec![web(json!({}))]);

        let asset = assessed(&web_key(), &snapshot).expect("web makes an asset");

        assert_eq!(asset.metadata.name.as_deref(), Some("deployment-web"));
        assert_eq!(asset.metadata.namespace.as_deref(), Some("shop"));
        assert_eq!(asset.spec.workload.kind, "Deployment");
        assert_eq!(asset.spec.workload.api_version, "apps/v1");
        assert_eq!(asset.spec.workload.name, "web");
    }

    #[test]
    fn labels_carry_the_workload_kind_exposure_and_risk_level() {
        let cron_job = ClusterObject::CronJob(parse(json!({
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": { "name": "nightly-report", "namespace": "shop" },
            "spec": {
                "schedule": "0 3 * * *",
                "jobTemplate": { "spec": { "template": { "spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [{ "name": "report", "image": "shop/report:1.0" }]
                } } } }
            }
        })));
        let snapshot = snapshot(vec![cron_job, web(json!({}))]);
        let report = workload_key("shop", WorkloadKind::CronJob, "nightly-report");

        let report = assessed(&report, &snapshot).expect("the CronJob makes an asset");
        let web = assessed(&web_key(), &snapshot).expect("web makes an asset");

        let level = |asset: &AppAsset| {
            let level = asset.status.as_ref().and_then(|status| status.risk_level);
            level
                .expect("an assessed asset has a risk level")
                .label_value()
                .to_string()
        };
        let report_labels = BTreeMap::from([
            (LABEL_WORKLOAD_KIND.to_string(), "cronjob".to_string()),
            (LABEL_EXPOSURE.to_string(), "isolated".to_string()),
            (LABEL_RISK_LEVEL.to_string(), level(&report)),
        ]);
        let web_labels = BTreeMap::from([
            (LABEL_WORKLOAD_KIND.to_string(), "deployment".to_string()),
            (LABEL_EXPOSURE.to_string(), "cluster".to_string()),
            (LABEL_RISK_LEVEL.to_string(), level(&web)),
        ]);
        assert_eq!(report.metadata.labels, Some(report_labels));
        assert_eq!(web.metadata.labels, Some(web_labels));
    }

    #[test]
    fn workload_without_uid_gives_no_owner_reference() {
        let snapshot = snapshot(vec![web(json!({}))]);

        let asset = assessed(&web_key(), &snapshot).expect("web makes an asset");

        assert_eq!(asset.metadata.owner_references, None);
        assert_eq!(asset.spec.workload.uid, "");
    }

    #[test]
    fn workload_with_uid_is_the_controlling_owner() {
        let uid = "6c1f3a52-3f7e-4d5b-9a0e-2b8f5c1d7e94";
        let snapshot = snapshot(vec![web(json!({ "uid": uid }))]);

        let asset = assessed(&web_key(), &snapshot).expect("web makes an asset");

        let expected: OwnerReference = parse(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": "web",
            "uid": uid,
            "controller": true
        }));
        assert_eq!(asset.metadata.owner_references, Some(vec![expected]));
        assert_eq!(asset.spec.workload.uid, uid);
    }

    #[test]
    fn ignored_workload_makes_no_asset() {
        let annotations = json!({ "annotations": { ANNOTATION_IGNORE: "true" } });
        let snapshot = snapshot(vec![web(annotations)]);

        assert!(assessed(&web_key(), &snapshot).is_none());
    }

    #[test]
    fn ignore_annotation_other_than_true_keeps_the_asset() {
        let annotations = json!({ "annotations": { ANNOTATION_IGNORE: "false" } });
        let snapshot = snapshot(vec![web(annotations)]);

        assert!(assessed(&web_key(), &snapshot).is_some());
    }

    #[test]
    fn missing_workload_makes_no_asset() {
        let snapshot = snapshot(vec![web(json!({}))]);
        let other = workload_key("shop", WorkloadKind::Deployment, "cart");
        let elsewhere = workload_key("shop-2", WorkloadKind::Deployment, "web");

        assert!(assessed(&other, &snapshot).is_none());
        assert!(assessed(&elsewhere, &snapshot).is_none());
    }

    #[test]
    fn online_boutique_frontend_behind_a_load_balancer_is_internet_exposed() {
        // The frontend Deployment and its two Services as Online Boutique's
        // kubernetes-manifests.yaml declares them, with the node port a cluster assigns.
        let image = concat!(
            "us-central1-docker.pkg.dev/google-samples/",
            "microservices-demo/frontend:v0.10.2"
        );
        let frontend = ClusterObject::Deployment(parse(json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "frontend",
                "namespace": "boutique",
                "labels": { "app": "frontend" }
            },
            "spec": {
                "selector": { "matchLabels": { "app": "frontend" } },
                "template": {
                    "metadata": { "labels": { "app": "frontend" } },
                    "spec": {
                        "serviceAccountName": "frontend",
                        "containers": [{
                            "name": "server",
                            "image": image,
                            "ports": [{ "containerPort": 8080 }],
                            "env": [
                                { "name": "PORT", "value": "8080" },
                                {
                                    "name": "PRODUCT_CATALOG_SERVICE_ADDR",
                                    "value": "productcatalogservice:3550"
                                },
                                { "name": "CART_SERVICE_ADDR", "value": "cartservice:7070" }
                            ]
                        }]
                    }
                }
            }
        })));
        let cluster_ip = ClusterObject::Service(parse(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": "frontend", "namespace": "boutique" },
            "spec": {
                "type": "ClusterIP",
                "selector": { "app": "frontend" },
                "ports": [{ "name": "http", "port": 80, "targetPort": 8080 }]
            }
        })));
        let load_balancer = ClusterObject::Service(parse(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": { "name": "frontend-external", "namespace": "boutique" },
            "spec": {
                "type": "LoadBalancer",
                "selector": { "app": "frontend" },
                "ports": [{ "name": "http", "port": 80, "targetPort": 8080, "nodePort": 31080 }]
            }
        })));
        let snapshot = snapshot(vec![frontend, cluster_ip, load_balancer]);
        let key = workload_key("boutique", WorkloadKind::Deployment, "frontend");

        let asset = assessed(&key, &snapshot).expect("the frontend makes an asset");

        let status = asset.status.expect("an assessed asset has a status");
        assert_eq!(status.exposure, Some(Exposure::Internet));
        assert_eq!(status.entrypoint_summary.as_deref(), Some("80,31080"));
        let labels = asset.metadata.labels.unwrap_or_default();
        assert_eq!(
            labels.get(LABEL_EXPOSURE).map(String::as_str),
            Some("internet")
        );
        let entrypoints: Vec<&str> = asset
            .spec
            .entrypoints
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(
            entrypoints,
            ["boutique/frontend", "boutique/frontend-external"]
        );
    }

    #[test]
    fn workload_reached_by_nothing_has_no_entrypoint_summary() {
        let snapshot = snapshot(vec![web(json!({}))]);

        let asset = assessed(&web_key(), &snapshot).expect("web makes an asset");

        let status = asset.status.expect("an assessed asset has a status");
        assert_eq!(status.entrypoint_summary, None);
    }

    #[test]
    fn invalid_criticality_makes_valid_false_naming_key_value_and_allowed_words() {
        let annotations = json!({ "annotations": { "appasset.io/criticality": "super-high" } });
        let snapshot = snapshot(vec![web(annotations)]);

        let asset = assessed(&web_key(), &snapshot).expect("an invalid value keeps the asset");

        let status = asset.status.expect("an assessed asset has a status");
        let valid = status
            .conditions
            .iter()
            .find(|condition| condition.type_ == CONDITION_VALID)
            .expect("the Valid condition is always set");
        assert_eq!(valid.status, "False");
        assert_eq!(valid.reason, "InvalidAnnotation");
        assert_eq!(valid.last_transition_time, now());
        for part in [
            "appasset.io/criticality",
            "super-high",
            "crown-jewel, high, medium, low, unclassified",
        ] {
            assert!(
                valid.message.contains(part),
                "{part:?} missing from {:?}",
                valid.message
            );
        }
    }

    #[test]
    fn valid_annotations_make_valid_true() {
        let annotations = json!({ "annotations": { "appasset.io/criticality": "high" } });
        let snapshot = snapshot(vec![web(annotations)]);

        let asset = assessed(&web_key(), &snapshot).expect("web makes an asset");

        let status = asset.status.expect("an assessed asset has a status");
        let statuses: Vec<(&str, &str)> = status
            .conditions
            .iter()
            .map(|condition| (condition.type_.as_str(), condition.status.as_str()))
            .collect();
        assert_eq!(statuses, [(CONDITION_VALID, "True")]);
    }

    #[test]
    fn carry_transition_times_keeps_the_old_time_while_status_is_unchanged() {
        let stored = [condition("Valid", "True", "2024-06-01T08:00:00Z")];
        let mut desired = [condition("Valid", "True", "2025-03-01T12:00:00Z")];

        carry_transition_times(&mut desired, &stored);

        assert_eq!(desired, stored);
    }

    #[test]
    fn carry_transition_times_takes_the_new_time_when_status_changed() {
        let stored = [condition("Valid", "True", "2024-06-01T08:00:00Z")];
        let mut desired = [condition("Valid", "False", "2025-03-01T12:00:00Z")];

        carry_transition_times(&mut desired, &stored);

        assert_eq!(
            desired,
            [condition("Valid", "False", "2025-03-01T12:00:00Z")]
        );
    }

    #[test]
    fn carry_transition_times_takes_the_new_time_for_a_condition_not_stored() {
        let stored = [condition("Reviewed", "True", "2024-06-01T08:00:00Z")];
        let mut desired = [condition("Valid", "True", "2025-03-01T12:00:00Z")];

        carry_transition_times(&mut desired, &stored);

        assert_eq!(
            desired,
            [condition("Valid", "True", "2025-03-01T12:00:00Z")]
        );
    }
}
