//! Material changes and what carries over from the stored asset: the revision, when each
//! finding was first seen, and whether someone reviewed the latest change.
//!
//! A material change is one to exposure, entrypoints, authentication, images, privileges or
//! classification. Everything else (a new dependency, a changed owner, a reworded finding)
//! updates the asset without a new revision.

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

use crate::api::{AppAsset, AppAssetStatus, Finding, MaterialChange};

use super::findings::POD_SECURITY_IDS;

/// Annotation on an AppAsset by which a reviewer acknowledges a revision.
pub const ANNOTATION_REVIEWED_REVISION: &str = "appasset.io/reviewed-revision";

/// The condition saying whether the latest material change was reviewed.
pub const CONDITION_REVIEWED: &str = "Reviewed";

/// Completes `desired` from `stored` (the asset as last written, if any): carries the
/// revision and first-seen times, bumps the revision on a material change, and sets the
/// Reviewed condition. Returns the material change's description when there was one.
pub fn settle(desired: &mut AppAsset, stored: Option<&AppAsset>, now: &Time) -> Option<String> {
    let stored_status = stored.and_then(|stored| stored.status.as_ref());
    let status = desired.status.get_or_insert_with(AppAssetStatus::default);
    carry_first_seen(
        &mut status.findings,
        stored_status.map(|s| &s.findings[..]),
        now,
    );

    let change = stored.and_then(|stored| describe_change(stored, desired));
    let status = desired.status.get_or_insert_with(AppAssetStatus::default);
    match (stored_status, &change) {
        (None, _) | (Some(AppAssetStatus { revision: None, .. }), _) => {
            status.revision = Some(1);
            status.last_material_change = None;
        }
        (Some(previous), None) => {
            status.revision = previous.revision;
            status.last_material_change = previous.last_material_change.clone();
        }
        (Some(previous), Some(description)) => {
            let revision = previous.revision.unwrap_or(0) + 1;
            status.revision = Some(revision);
            status.last_material_change = Some(MaterialChange {
                revision,
                time: now.clone(),
                description: description.clone(),
            });
        }
    }

    let reviewed = reviewed_condition(stored, status, now);
    status.conditions.retain(|c| c.type_ != CONDITION_REVIEWED);
    status.conditions.push(reviewed);
    change
}

/// A finding keeps the time it was first seen while it stays; a new one is seen `now`.
fn carry_first_seen(findings: &mut [Finding], stored: Option<&[Finding]>, now: &Time) {
    let stored = stored.unwrap_or_default();
    for finding in findings.iter_mut() {
        let same = stored
            .iter()
            .find(|old| old.id == finding.id && old.message == finding.message);
        finding.since = Some(
            same.and_then(|old| old.since.clone())
                .unwrap_or_else(|| now.clone()),
        );
    }
}

/// What changed materially between the stored and the desired asset, in one line; `None`
/// when nothing did.
pub fn describe_change(stored: &AppAsset, desired: &AppAsset) -> Option<String> {
    let mut parts = Vec::new();
    parts.extend(exposure_change(stored, desired));
    parts.extend(set_change(
        "entrypoints",
        entrypoints(stored),
        entrypoints(desired),
    ));
    parts.extend(authentication_change(stored, desired));
    parts.extend(set_change("images", images(stored), images(desired)));
    parts.extend(set_change(
        "privileges",
        privileges(stored),
        privileges(desired),
    ));
    parts.extend(classification_change(stored, desired));
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn exposure_change(stored: &AppAsset, desired: &AppAsset) -> Option<String> {
    let before = stored.status.as_ref()?.exposure?;
    let after = desired.status.as_ref()?.exposure?;
    if before == after {
        return None;
    }
    let through = desired
        .spec
        .entrypoints
        .iter()
        .filter(|entrypoint| entrypoint.scope == after)
        .map(|entrypoint| format!("{} {}", entrypoint.kind, entrypoint.name))
        .collect::<Vec<_>>();
    if through.is_empty() {
        Some(format!("exposure {before} to {after}"))
    } else {
        Some(format!(
            "exposure {before} to {after} through {}",
            through.join(", ")
        ))
    }
}

fn entrypoints(asset: &AppAsset) -> BTreeSet<String> {
    let all = asset.spec.entrypoints.iter();
    all.map(|e| format!("{} {} ({})", e.kind, e.name, e.scope))
        .collect()
}

/// How each entrypoint authenticates and whether it serves TLS. Entrypoints that came or
/// went are the entrypoints change; only those on both sides count here.
fn authentication_change(stored: &AppAsset, desired: &AppAsset) -> Option<String> {
    let changed: Vec<String> = desired
        .spec
        .entrypoints
        .iter()
        .filter_map(|after| {
            let before = stored.spec.entrypoints.iter().find(|before| {
                (&before.kind, &before.name, &before.service)
                    == (&after.kind, &after.name, &after.service)
            })?;
            let was = guard(before);
            let is = guard(after);
            (was != is).then(|| format!("{} {} {was} to {is}", after.kind, after.name))
        })
        .collect();
    (!changed.is_empty()).then(|| format!("authentication: {}", changed.join(", ")))
}

fn guard(entrypoint: &crate::api::Entrypoint) -> String {
    let authentication = serde_json::to_value(entrypoint.authentication).unwrap_or_default();
    let authentication = authentication.as_str().unwrap_or_default().to_string();
    if entrypoint.tls {
        format!("{authentication} with TLS")
    } else {
        authentication
    }
}

fn images(asset: &AppAsset) -> BTreeSet<String> {
    let all = asset.spec.containers.iter();
    let described = all.map(|c| match &c.digest {
        Some(digest) => format!("{}={}@{digest}", c.name, c.image),
        None => format!("{}={}", c.name, c.image),
    });
    described.collect()
}

fn privileges(asset: &AppAsset) -> BTreeSet<String> {
    let findings = asset
        .status
        .iter()
        .flat_map(|status| status.findings.iter());
    let privileged = findings.filter(|finding| POD_SECURITY_IDS.contains(&finding.id.as_str()));
    privileged.map(|finding| finding.message.clone()).collect()
}

fn classification_change(stored: &AppAsset, desired: &AppAsset) -> Option<String> {
    let before = &stored.spec.classification;
    let after = &desired.spec.classification;
    let mut parts = Vec::new();
    if before.data_sensitivity != after.data_sensitivity {
        parts.push(format!(
            "data {} to {}",
            before.data_sensitivity, after.data_sensitivity
        ));
    }
    if before.criticality != after.criticality {
        parts.push(format!(
            "criticality {} to {}",
            before.criticality, after.criticality
        ));
    }
    if before.data_types != after.data_types {
        let types = |list: &[String]| {
            if list.is_empty() {
                "none".into()
            } else {
                list.join(",")
            }
        };
        parts.push(format!(
            "data types {} to {}",
            types(&before.data_types),
            types(&after.data_types)
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `added a, b; removed c` for a set that changed.
fn set_change(what: &str, before: BTreeSet<String>, after: BTreeSet<String>) -> Option<String> {
    let added: Vec<&String> = after.difference(&before).collect();
    let removed: Vec<&String> = before.difference(&after).collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", join(&added)));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", join(&removed)));
    }
    (!parts.is_empty()).then(|| format!("{what}: {}", parts.join(", ")))
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|item| item.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reviewed is True until the first material change after the asset was first inventoried,
/// and again once `appasset.io/reviewed-revision` on the AppAsset reaches the revision.
fn reviewed_condition(stored: Option<&AppAsset>, status: &AppAssetStatus, now: &Time) -> Condition {
    let revision = status.revision.unwrap_or(1);
    let annotation = stored
        .and_then(|stored| stored.metadata.annotations.as_ref())
        .and_then(|annotations| annotations.get(ANNOTATION_REVIEWED_REVISION));
    let reviewed = annotation.map(|value| value.trim().parse::<i64>());

    let (state, reason, message) = match (reviewed, &status.last_material_change) {
        (_, None) => (
            "True",
            "NoMaterialChange",
            "no material change since the asset was first inventoried".to_string(),
        ),
        (Some(Ok(reviewed)), Some(_)) if reviewed >= revision => (
            "True",
            "Reviewed",
            format!("revision {revision} was reviewed"),
        ),
        (Some(Err(_)), Some(_)) => (
            "False",
            "InvalidReviewedRevision",
            format!(
                "annotation {ANNOTATION_REVIEWED_REVISION} is {:?}; expected a revision number such as \"{revision}\"",
                annotation.map(String::as_str).unwrap_or_default()
            ),
        ),
        (_, Some(change)) => (
            "False",
            "Unreviewed",
            format!(
                "revision {revision}: {}; acknowledge with annotation {ANNOTATION_REVIEWED_REVISION}=\"{revision}\"",
                change.description
            ),
        ),
    };
    Condition {
        type_: CONDITION_REVIEWED.to_string(),
        status: state.to_string(),
        reason: reason.to_string(),
        message,
        last_transition_time: now.clone(),
        observed_generation: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Authentication, Entrypoint, Exposure, Severity};
    use k8s_openapi::jiff::Timestamp;

    fn at(second: i64) -> Time {
        Time(Timestamp::from_second(second).unwrap())
    }

    fn asset(exposure: Exposure, entrypoints: &[(&str, Exposure)], findings: &[&str]) -> AppAsset {
        let mut asset = AppAsset::new("deployment-web", Default::default());
        asset.spec.entrypoints = entrypoints
            .iter()
            .map(|(name, scope)| Entrypoint {
                kind: "Ingress".to_string(),
                name: name.to_string(),
                scope: *scope,
                reason: "test".to_string(),
                service: None,
                gateway: None,
                hosts: Vec::new(),
                ports: vec![80],
                tls: false,
                authentication: Authentication::None,
            })
            .collect();
        asset.status = Some(AppAssetStatus {
            exposure: Some(exposure),
            findings: findings
                .iter()
                .map(|id| Finding {
                    id: id.to_string(),
                    severity: Severity::High,
                    message: format!("container web: {id}"),
                    since: None,
                })
                .collect(),
            ..AppAssetStatus::default()
        });
        asset
    }

    fn reviewed(asset: &AppAsset) -> &Condition {
        let conditions = &asset.status.as_ref().unwrap().conditions;
        conditions
            .iter()
            .find(|c| c.type_ == CONDITION_REVIEWED)
            .unwrap()
    }

    #[test]
    fn a_new_asset_starts_at_revision_one_needing_no_review() {
        let mut desired = asset(Exposure::Cluster, &[], &[]);

        let change = settle(&mut desired, None, &at(10));

        assert_eq!(change, None);
        assert_eq!(desired.status.as_ref().unwrap().revision, Some(1));
        assert_eq!(reviewed(&desired).status, "True");
    }

    #[test]
    fn an_ingress_to_the_internet_is_a_material_change_named_in_words() {
        let mut stored = asset(Exposure::Cluster, &[], &[]);
        settle(&mut stored, None, &at(10));
        let mut desired = asset(Exposure::Internet, &[("shop/web", Exposure::Internet)], &[]);

        let change = settle(&mut desired, Some(&stored), &at(20)).unwrap();

        assert!(
            change.starts_with("exposure Cluster to Internet through Ingress shop/web"),
            "{change}"
        );
        let status = desired.status.as_ref().unwrap();
        assert_eq!(status.revision, Some(2));
        assert_eq!(status.last_material_change.as_ref().unwrap().time, at(20));
        assert_eq!(reviewed(&desired).status, "False");
        assert!(
            reviewed(&desired)
                .message
                .contains("appasset.io/reviewed-revision=\"2\"")
        );
    }

    #[test]
    fn nothing_material_keeps_the_revision_and_the_last_change() {
        let mut stored = asset(Exposure::Cluster, &[], &[]);
        settle(&mut stored, None, &at(10));
        let mut desired = asset(Exposure::Cluster, &[], &[]);
        desired.spec.network_policies = vec!["allow-frontend".to_string()];

        let change = settle(&mut desired, Some(&stored), &at(20));

        assert_eq!(change, None);
        assert_eq!(desired.status.as_ref().unwrap().revision, Some(1));
    }

    #[test]
    fn a_new_privilege_is_a_material_change_and_other_findings_are_not() {
        let mut stored = asset(Exposure::Cluster, &[], &["image-latest"]);
        settle(&mut stored, None, &at(10));
        let mut more_findings = asset(Exposure::Cluster, &[], &["image-latest", "unowned"]);
        let mut privileged = asset(Exposure::Cluster, &[], &["image-latest", "privileged"]);

        assert_eq!(settle(&mut more_findings, Some(&stored), &at(20)), None);
        let change = settle(&mut privileged, Some(&stored), &at(20)).unwrap();

        assert_eq!(change, "privileges: added container web: privileged");
    }

    #[test]
    fn a_finding_keeps_the_time_it_was_first_seen() {
        let mut stored = asset(Exposure::Cluster, &[], &["unowned"]);
        settle(&mut stored, None, &at(10));
        let mut desired = asset(Exposure::Cluster, &[], &["unowned", "image-latest"]);

        settle(&mut desired, Some(&stored), &at(20));

        let findings = &desired.status.as_ref().unwrap().findings;
        assert_eq!(findings[0].since, Some(at(10)));
        assert_eq!(findings[1].since, Some(at(20)));
    }

    #[test]
    fn the_reviewed_revision_annotation_clears_the_unreviewed_change() {
        let mut first = asset(Exposure::Cluster, &[], &[]);
        settle(&mut first, None, &at(10));
        let mut changed = asset(Exposure::Internet, &[("shop/web", Exposure::Internet)], &[]);
        settle(&mut changed, Some(&first), &at(20));
        let annotate = |asset: &mut AppAsset, value: &str| {
            let annotations = asset.metadata.annotations.get_or_insert_default();
            annotations.insert(ANNOTATION_REVIEWED_REVISION.to_string(), value.to_string());
        };

        let mut old_review = changed.clone();
        annotate(&mut old_review, "1");
        let mut current_review = changed.clone();
        annotate(&mut current_review, "2");
        let mut garbled = changed.clone();
        annotate(&mut garbled, "two");
        let outcome = |stored: &AppAsset| {
            let mut again = asset(Exposure::Internet, &[("shop/web", Exposure::Internet)], &[]);
            settle(&mut again, Some(stored), &at(30));
            let condition = reviewed(&again).clone();
            (condition.status, condition.reason)
        };

        assert_eq!(outcome(&old_review), ("False".into(), "Unreviewed".into()));
        assert_eq!(outcome(&current_review), ("True".into(), "Reviewed".into()));
        assert_eq!(
            outcome(&garbled),
            ("False".into(), "InvalidReviewedRevision".into())
        );
    }
}
