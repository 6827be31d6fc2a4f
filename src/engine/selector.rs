//! Label selectors as Kubernetes evaluates them: the set-based `LabelSelector` of workloads and
//! NetworkPolicies, and the plain equality map of a Service.
//!
//! These functions never fail and never panic. `appasset scan` hands them selectors from files
//! the API server never validated, so a selector the API server would refuse simply matches
//! nothing instead of stopping the scan.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

/// Whether `selector` matches an object carrying `labels`.
///
/// Every `matchLabels` pair and every `matchExpressions` requirement must hold, so a selector
/// with neither matches everything. `NotIn` and `DoesNotExist` hold when the key is absent.
///
/// A requirement the API server would refuse makes the selector match nothing: an operator
/// other than `In`, `NotIn`, `Exists` or `DoesNotExist` (names are case-sensitive), `In` or
/// `NotIn` with no values, `Exists` or `DoesNotExist` with values. The syntax of keys and values
/// is not checked; a malformed key just never equals a real one.
pub fn label_selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let pairs_hold = selector
        .match_labels
        .as_ref()
        .is_none_or(|required| has_all_pairs(labels, required));

    let mut expressions = selector.match_expressions.iter().flatten();

    pairs_hold && expressions.all(|requirement| requirement_holds(requirement, labels))
}

/// Whether `selector` has no `matchLabels` and no `matchExpressions`, and so matches every object.
///
/// NetworkPolicy gives such a selector a meaning of its own (every namespace, every pod), which
/// is why callers need to tell it apart from a selector that happens to match the labels at hand.
pub fn label_selector_is_empty(selector: &LabelSelector) -> bool {
    selector
        .match_labels
        .as_ref()
        .is_none_or(BTreeMap::is_empty)
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(Vec::is_empty)
}

/// Whether a Service with `selector` sends traffic to a pod carrying `labels`.
///
/// A Service selector is a plain equality map, every pair required. A Service with no selector,
/// or an empty one, selects no pod at all, unlike an empty `LabelSelector`: its endpoints are
/// managed by hand (or by another controller) and point wherever their author chose.
pub fn service_selects(
    selector: Option<&BTreeMap<String, String>>,
    labels: &BTreeMap<String, String>,
) -> bool {
    selector.is_some_and(|required| !required.is_empty() && has_all_pairs(labels, required))
}

fn has_all_pairs(labels: &BTreeMap<String, String>, required: &BTreeMap<String, String>) -> bool {
    required
        .iter()
        .all(|(key, value)| labels.get(key) == Some(value))
}

fn requirement_holds(
    requirement: &LabelSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> bool {
    let value = labels.get(&requirement.key);
    let values = requirement.values.as_deref().unwrap_or_default();

    match (requirement.operator.as_str(), values.is_empty()) {
        ("In", false) => value.is_some_and(|value| values.contains(value)),
        ("NotIn", false) => value.is_none_or(|value| !values.contains(value)),
        ("Exists", true) => value.is_some(),
        ("DoesNotExist", true) => value.is_none(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::testing::{labels, parse};

    fn selector(manifest: Value) -> LabelSelector {
        parse(manifest)
    }

    fn expression(key: &str, operator: &str, values: Value) -> LabelSelector {
        selector(json!({
            "matchExpressions": [{ "key": key, "operator": operator, "values": values }]
        }))
    }

    #[test]
    fn empty_selector_matches_everything() {
        let empty = selector(json!({}));
        let empty_parts = selector(json!({ "matchLabels": {}, "matchExpressions": [] }));

        assert!(label_selector_matches(&empty, &labels(json!({}))));
        assert!(label_selector_matches(
            &empty,
            &labels(json!({ "app": "web" }))
        ));
        assert!(label_selector_matches(
            &empty_parts,
            &labels(json!({ "app": "web" }))
        ));
    }

    #[test]
    fn match_labels_require_every_pair() {
        let web_prod = selector(json!({ "matchLabels": { "app": "web", "env": "prod" } }));

        let exact = labels(json!({ "app": "web", "env": "prod" }));
        let with_extra = labels(json!({ "app": "web", "env": "prod", "tier": "front" }));
        let one_missing = labels(json!({ "app": "web" }));
        let one_different = labels(json!({ "app": "web", "env": "dev" }));

        assert!(label_selector_matches(&web_prod, &exact));
        assert!(label_selector_matches(&web_prod, &with_extra));
        assert!(!label_selector_matches(&web_prod, &one_missing));
        assert!(!label_selector_matches(&web_prod, &one_different));
    }

    #[test]
    fn match_labels_with_empty_value_need_the_key_present() {
        let blank = selector(json!({ "matchLabels": { "canary": "" } }));

        assert!(label_selector_matches(
            &blank,
            &labels(json!({ "canary": "" }))
        ));
        assert!(!label_selector_matches(&blank, &labels(json!({}))));
    }

    #[test]
    fn in_matches_a_listed_value_only() {
        let tier = expression("tier", "In", json!(["front", "api"]));

        assert!(label_selector_matches(
            &tier,
            &labels(json!({ "tier": "api" }))
        ));
        assert!(!label_selector_matches(
            &tier,
            &labels(json!({ "tier": "db" }))
        ));
    }

    #[test]
    fn in_does_not_match_an_absent_key() {
        let tier = expression("tier", "In", json!(["front"]));

        assert!(!label_selector_matches(
            &tier,
            &labels(json!({ "app": "web" }))
        ));
    }

    #[test]
    fn not_in_rejects_a_listed_value() {
        let not_db = expression("tier", "NotIn", json!(["db", "cache"]));

        assert!(!label_selector_matches(
            &not_db,
            &labels(json!({ "tier": "db" }))
        ));
        assert!(label_selector_matches(
            &not_db,
            &labels(json!({ "tier": "front" }))
        ));
    }

    #[test]
    fn not_in_matches_an_absent_key() {
        let not_db = expression("tier", "NotIn", json!(["db"]));

        assert!(label_selector_matches(
            &not_db,
            &labels(json!({ "app": "web" }))
        ));
    }

    #[test]
    fn exists_matches_a_present_key_whatever_its_value() {
        let has_team = selector(json!({
            "matchExpressions": [{ "key": "team", "operator": "Exists" }]
        }));

        assert!(label_selector_matches(
            &has_team,
            &labels(json!({ "team": "" }))
        ));
        assert!(label_selector_matches(
            &has_team,
            &labels(json!({ "team": "payments" }))
        ));
        assert!(!label_selector_matches(
            &has_team,
            &labels(json!({ "owner": "payments" }))
        ));
    }

    #[test]
    fn does_not_exist_matches_an_absent_key_only() {
        let no_team = selector(json!({
            "matchExpressions": [{ "key": "team", "operator": "DoesNotExist" }]
        }));

        assert!(label_selector_matches(
            &no_team,
            &labels(json!({ "app": "web" }))
        ));
        assert!(!label_selector_matches(
            &no_team,
            &labels(json!({ "team": "payments" }))
        ));
    }

    #[test]
    fn match_labels_and_every_expression_must_all_hold() {
        let web_not_canary = selector(json!({
            "matchLabels": { "app": "web" },
            "matchExpressions": [
                { "key": "track", "operator": "NotIn", "values": ["canary"] },
                { "key": "team", "operator": "Exists" }
            ]
        }));

        let stable = labels(json!({ "app": "web", "track": "stable", "team": "shop" }));
        let canary = labels(json!({ "app": "web", "track": "canary", "team": "shop" }));
        let other_app = labels(json!({ "app": "api", "track": "stable", "team": "shop" }));
        let unowned = labels(json!({ "app": "web", "track": "stable" }));

        assert!(label_selector_matches(&web_not_canary, &stable));
        assert!(!label_selector_matches(&web_not_canary, &canary));
        assert!(!label_selector_matches(&web_not_canary, &other_app));
        assert!(!label_selector_matches(&web_not_canary, &unowned));
    }

    #[test]
    fn unknown_operator_matches_nothing() {
        let greater = expression("replicas", "Gt", json!(["1"]));
        let lower_case = expression("tier", "in", json!(["front"]));

        assert!(!label_selector_matches(
            &greater,
            &labels(json!({ "replicas": "3" }))
        ));
        assert!(!label_selector_matches(&greater, &labels(json!({}))));
        assert!(!label_selector_matches(
            &lower_case,
            &labels(json!({ "tier": "front" }))
        ));
    }

    #[test]
    fn set_operator_without_values_matches_nothing() {
        let in_nothing = expression("tier", "In", json!([]));
        let not_in_nothing = selector(json!({
            "matchExpressions": [{ "key": "tier", "operator": "NotIn" }]
        }));

        assert!(!label_selector_matches(
            &in_nothing,
            &labels(json!({ "tier": "front" }))
        ));
        assert!(!label_selector_matches(
            &not_in_nothing,
            &labels(json!({ "tier": "front" }))
        ));
        assert!(!label_selector_matches(&not_in_nothing, &labels(json!({}))));
    }

    #[test]
    fn existence_operator_with_values_matches_nothing() {
        let exists = expression("tier", "Exists", json!(["front"]));
        let absent = expression("tier", "DoesNotExist", json!(["front"]));

        assert!(!label_selector_matches(
            &exists,
            &labels(json!({ "tier": "front" }))
        ));
        assert!(!label_selector_matches(&absent, &labels(json!({}))));
    }

    #[test]
    fn selector_without_requirements_is_empty() {
        assert!(label_selector_is_empty(&selector(json!({}))));
        assert!(label_selector_is_empty(&selector(json!({
            "matchLabels": {},
            "matchExpressions": []
        }))));
    }

    #[test]
    fn selector_with_any_requirement_is_not_empty() {
        let by_label = selector(json!({ "matchLabels": { "app": "web" } }));
        let by_expression = selector(json!({
            "matchExpressions": [{ "key": "app", "operator": "Exists" }]
        }));

        assert!(!label_selector_is_empty(&by_label));
        assert!(!label_selector_is_empty(&by_expression));
    }

    #[test]
    fn service_selects_pods_carrying_every_pair() {
        let web = labels(json!({ "app": "web", "tier": "front" }));

        let pod = labels(json!({ "app": "web", "tier": "front", "pod-template-hash": "5d8f" }));
        let other_tier = labels(json!({ "app": "web", "tier": "back" }));
        let no_tier = labels(json!({ "app": "web" }));

        assert!(service_selects(Some(&web), &pod));
        assert!(!service_selects(Some(&web), &other_tier));
        assert!(!service_selects(Some(&web), &no_tier));
    }

    #[test]
    fn service_without_selector_selects_no_pod() {
        let pod = labels(json!({ "app": "web" }));

        assert!(!service_selects(None, &pod));
        assert!(!service_selects(None, &labels(json!({}))));
    }

    #[test]
    fn service_with_empty_selector_selects_no_pod() {
        let empty = labels(json!({}));

        assert!(!service_selects(
            Some(&empty),
            &labels(json!({ "app": "web" }))
        ));
        assert!(!service_selects(Some(&empty), &labels(json!({}))));
    }
}
