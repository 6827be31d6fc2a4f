//! The `AssetPolicy` step: which policies select an asset, which of their requirements the
//! asset fails, and which finding weights they override.
//!
//! Several matching policies combine so that adding a policy can only make an asset look
//! riskier, never hide risk:
//! - a requirement applies when any matching policy requires it, and fails as one finding,
//!   `policy-<requirement>`, whatever the number of policies requiring it;
//! - that finding has the highest severity among the policies requiring it, and its message
//!   names them all, sorted;
//! - for each finding id, the weight used is the highest any matching policy sets.
//!
//! A weight above 1 counts as 1 and one below 0 as 0; a weight that is not a number (`.nan`
//! in YAML) is ignored. The API server refuses such weights on write, so they only reach the
//! engine from files read by `appasset scan`.
//!
//! Like the rest of the engine this step is pure and never panics: a policy the API server
//! would refuse (a malformed label selector) simply selects nothing.

use std::collections::{BTreeMap, BTreeSet};

use super::containers::{ImageReference, template_containers};
use super::facts::AssetFacts;
use super::findings::POD_SECURITY_IDS;
use super::selector::label_selector_matches;
use crate::api::{AssetPolicy, AssetSelector, Exposure, Finding, Requirements, Severity};

/// What the policies that select an asset make of it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyOutcome {
    /// One finding per failed requirement, in the order the requirements are declared.
    pub findings: Vec<Finding>,
    /// Weight overrides by finding id, each from 0 to 1.
    pub weights: BTreeMap<String, f64>,
    /// Names of the policies that select the asset, sorted, without repeats.
    pub policies: Vec<String>,
}

/// Judges the asset of `facts` against every policy of `policies` that selects it.
///
/// `namespace_labels` are the labels of the asset's namespace, for `namespaceSelector`.
/// `findings` are the asset's other findings: `restrictedProfile` is judged from them.
pub fn evaluate(
    policies: &[AssetPolicy],
    facts: &AssetFacts,
    namespace_labels: &BTreeMap<String, String>,
    findings: &[Finding],
) -> PolicyOutcome {
    let matching: Vec<&AssetPolicy> = policies
        .iter()
        .filter(|policy| selects(&policy.spec.selector, facts, namespace_labels))
        .collect();

    let failed = demands(&matching)
        .into_iter()
        .filter_map(|(requirement, demand)| {
            let missing = requirement.missing(facts, findings)?;
            Some(demand.finding(requirement, &missing))
        })
        .collect();

    PolicyOutcome {
        findings: failed,
        weights: highest_weights(&matching),
        policies: names(&matching),
    }
}

/// Whether `selector` picks the asset: every field that is set matches.
fn selects(
    selector: &AssetSelector,
    facts: &AssetFacts,
    namespace_labels: &BTreeMap<String, String>,
) -> bool {
    let classification = &facts.spec.classification;
    let workload = facts.workload;

    listed_or_unlimited(
        &selector.data_sensitivities,
        &classification.data_sensitivity,
    ) && listed_or_unlimited(&selector.criticalities, &classification.criticality)
        && listed_or_unlimited(&selector.namespaces, workload.namespace())
        && selector
            .namespace_selector
            .as_ref()
            .is_none_or(|namespaces| label_selector_matches(namespaces, namespace_labels))
        && selector
            .workload_selector
            .as_ref()
            .is_none_or(|workloads| label_selector_matches(workloads, workload.labels()))
}

fn listed_or_unlimited<T: PartialEq<U>, U: ?Sized>(list: &[T], value: &U) -> bool {
    list.is_empty() || list.iter().any(|entry| entry == value)
}

/// A requirement one or more policies set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Requirement {
    Owner,
    TlsOnInternetEntrypoints,
    IngressNetworkPolicy,
    RestrictedProfile,
    PinnedDigests,
}

impl Requirement {
    const ALL: [Requirement; 5] = [
        Requirement::Owner,
        Requirement::TlsOnInternetEntrypoints,
        Requirement::IngressNetworkPolicy,
        Requirement::RestrictedProfile,
        Requirement::PinnedDigests,
    ];

    /// The field that sets it, as a policy author writes it.
    fn field(self) -> &'static str {
        match self {
            Requirement::Owner => "owner",
            Requirement::TlsOnInternetEntrypoints => "tlsOnInternetEntrypoints",
            Requirement::IngressNetworkPolicy => "ingressNetworkPolicy",
            Requirement::RestrictedProfile => "restrictedProfile",
            Requirement::PinnedDigests => "pinnedDigests",
        }
    }

    fn finding_id(self) -> &'static str {
        match self {
            Requirement::Owner => "policy-owner",
            Requirement::TlsOnInternetEntrypoints => "policy-tls-on-internet-entrypoints",
            Requirement::IngressNetworkPolicy => "policy-ingress-network-policy",
            Requirement::RestrictedProfile => "policy-restricted-profile",
            Requirement::PinnedDigests => "policy-pinned-digests",
        }
    }

    fn is_set_in(self, requirements: &Requirements) -> bool {
        match self {
            Requirement::Owner => requirements.owner,
            Requirement::TlsOnInternetEntrypoints => requirements.tls_on_internet_entrypoints,
            Requirement::IngressNetworkPolicy => requirements.ingress_network_policy,
            Requirement::RestrictedProfile => requirements.restricted_profile,
            Requirement::PinnedDigests => requirements.pinned_digests,
        }
    }

    /// What the asset lacks to meet the requirement; `None` when it meets it.
    fn missing(self, facts: &AssetFacts, findings: &[Finding]) -> Option<String> {
        match self {
            Requirement::Owner => missing_owner(facts),
            Requirement::TlsOnInternetEntrypoints => missing_tls(facts),
            Requirement::IngressNetworkPolicy => missing_ingress_policy(facts),
            Requirement::RestrictedProfile => missing_restricted_profile(findings),
            Requirement::PinnedDigests => missing_digests(facts),
        }
    }
}

/// The policies that set one requirement, and the severity its finding takes.
#[derive(Debug)]
struct Demand<'a> {
    severity: Severity,
    policies: BTreeSet<&'a str>,
}

impl Demand<'_> {
    fn finding(&self, requirement: Requirement, missing: &str) -> Finding {
        let policies: Vec<&str> = self.policies.iter().copied().collect();

        Finding {
            id: requirement.finding_id().to_string(),
            severity: self.severity,
            message: format!(
                "requirement {} is not met: {missing} (required by AssetPolicy {})",
                requirement.field(),
                policies.join(", ")
            ),
            since: None,
        }
    }
}

/// Every requirement some matching policy sets, with who sets it and the highest severity.
fn demands<'a>(matching: &[&'a AssetPolicy]) -> BTreeMap<Requirement, Demand<'a>> {
    let mut demands: BTreeMap<Requirement, Demand<'a>> = BTreeMap::new();

    for policy in matching {
        let requirements = &policy.spec.requirements;
        let set = Requirement::ALL
            .into_iter()
            .filter(|requirement| requirement.is_set_in(requirements));

        for requirement in set {
            let demand = demands.entry(requirement).or_insert(Demand {
                severity: requirements.severity,
                policies: BTreeSet::new(),
            });
            demand.severity = demand.severity.max(requirements.severity);
            demand.policies.insert(name(policy));
        }
    }

    demands
}

fn missing_owner(facts: &AssetFacts) -> Option<String> {
    let owner = facts.spec.owner.as_ref();
    let known = owner.is_some_and(|owner| !owner.team.trim().is_empty());

    (!known)
        .then(|| "no label or annotation on the workload or its namespace names an owner".into())
}

fn missing_tls(facts: &AssetFacts) -> Option<String> {
    let plain: Vec<String> = facts
        .spec
        .entrypoints
        .iter()
        .filter(|entrypoint| entrypoint.scope == Exposure::Internet && !entrypoint.tls)
        .map(|entrypoint| format!("{} {}", entrypoint.kind, entrypoint.name))
        .collect();

    (!plain.is_empty()).then(|| {
        let plain = plain.join(", ");
        format!("internet entrypoints without TLS: {plain}")
    })
}

fn missing_ingress_policy(facts: &AssetFacts) -> Option<String> {
    let pod_spec = facts.workload.template.spec.as_ref();
    let host_network = pod_spec.and_then(|spec| spec.host_network) == Some(true);

    if host_network {
        Some("the pods use the host network, which NetworkPolicy does not bind".into())
    } else if facts.isolation.policies.is_empty() {
        Some("no ingress NetworkPolicy selects the pods".into())
    } else {
        None
    }
}

fn missing_restricted_profile(findings: &[Finding]) -> Option<String> {
    let breaches: BTreeSet<&str> = findings
        .iter()
        .map(|finding| finding.id.as_str())
        .filter(|id| POD_SECURITY_IDS.contains(id))
        .collect();

    (!breaches.is_empty()).then(|| {
        let breaches: Vec<&str> = breaches.into_iter().collect();
        format!(
            "the restricted Pod Security Standard is broken by {}",
            breaches.join(", ")
        )
    })
}

fn missing_digests(facts: &AssetFacts) -> Option<String> {
    let unpinned: Vec<String> = template_containers(facts.workload)
        .map(|(container, _)| (container.name.as_str(), container.image.as_deref()))
        .filter(|(_, image)| {
            image.is_none_or(|image| ImageReference::parse(image).digest.is_none())
        })
        .map(|(name, image)| format!("{name} ({})", image.unwrap_or("no image")))
        .collect();

    (!unpinned.is_empty()).then(|| {
        let unpinned = unpinned.join(", ");
        format!("images not pinned by digest in containers {unpinned}")
    })
}

/// For each finding id, the highest usable weight any of `matching` sets.
fn highest_weights(matching: &[&AssetPolicy]) -> BTreeMap<String, f64> {
    let mut highest: BTreeMap<String, f64> = BTreeMap::new();

    let set = matching.iter().flat_map(|policy| &policy.spec.weights);
    for (id, weight) in set {
        let Some(weight) = usable_weight(*weight) else {
            continue;
        };
        let entry = highest.entry(id.clone()).or_insert(weight);
        *entry = entry.max(weight);
    }

    highest
}

/// The weight within 0 to 1, or `None` for NaN, which has no place on that scale.
fn usable_weight(weight: f64) -> Option<f64> {
    (!weight.is_nan()).then(|| weight.clamp(0.0, 1.0))
}

fn names(matching: &[&AssetPolicy]) -> Vec<String> {
    let names: BTreeSet<&str> = matching.iter().map(|policy| name(policy)).collect();

    names.into_iter().map(str::to_string).collect()
}

/// The policy's name. Only a policy read from a file can lack one; it still has to be
/// named in messages, so it is called `(unnamed)`.
fn name(policy: &AssetPolicy) -> &str {
    policy.metadata.name.as_deref().unwrap_or("(unnamed)")
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::Deployment;
    use kube::api::TypeMeta;
    use serde::Deserialize;
    use serde_json::{Value, json};

    use super::*;
    use crate::api::AppAssetSpec;
    use crate::engine::network_policy::{IngressIsolation, IngressVerdict};
    use crate::engine::testing::{deployment, labels, parse, running, with_metadata};
    use crate::engine::workload::Workload;

    /// An asset as the steps before policy leave it.
    struct Asset {
        workload: Workload,
        spec: AppAssetSpec,
        isolation: IngressIsolation,
    }

    impl Asset {
        fn facts(&self) -> AssetFacts<'_> {
            AssetFacts {
                workload: &self.workload,
                spec: &self.spec,
                exposure: Exposure::Cluster,
                isolation: &self.isolation,
                problems: &[],
                cluster_admin: false,
            }
        }

        /// The same asset with its pods selected by the ingress NetworkPolicy `name`.
        fn isolated_by(mut self, name: &str) -> Asset {
            self.isolation = IngressIsolation {
                verdict: IngressVerdict::Restricted,
                policies: vec![name.to_string()],
            };
            self
        }
    }

    /// The asset of `workload`, its spec holding the fields of `spec` and otherwise
    /// unclassified, unowned and with no entrypoint; no ingress NetworkPolicy selects it.
    fn asset(workload: Deployment, spec: Value) -> Asset {
        let mut merged = json!({
            "workload": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "web" },
            "classification": classified("unclassified", "unclassified")
        });
        for (field, value) in spec.as_object().expect("spec is an object") {
            merged[field] = value.clone();
        }

        Asset {
            workload: Workload::from_deployment(workload),
            spec: parse(merged),
            isolation: IngressIsolation {
                verdict: IngressVerdict::Open,
                policies: Vec::new(),
            },
        }
    }

    /// Deployment `shop/web` labelled `tier: front`, whose pods run `pod_spec`.
    fn web(pod_spec: Value) -> Deployment {
        let web = deployment("shop", "web", json!({ "app": "web" }), pod_spec);
        with_metadata(web, json!({ "labels": { "tier": "front" } }))
    }

    /// A plain asset: `shop/web`, unclassified, unowned, reached by nothing.
    fn plain() -> Asset {
        asset(web(running("shop/web:1.0")), json!({}))
    }

    fn classified(data_sensitivity: &str, criticality: &str) -> Value {
        json!({
            "dataSensitivity": data_sensitivity,
            "dataSensitivityBasis": "declared",
            "criticality": criticality,
            "criticalityBasis": "declared"
        })
    }

    fn policy(name: &str, spec: Value) -> AssetPolicy {
        parse(json!({
            "apiVersion": "appasset.io/v1alpha1",
            "kind": "AssetPolicy",
            "metadata": { "name": name },
            "spec": spec
        }))
    }

    fn judge(policies: &[AssetPolicy], asset: &Asset) -> PolicyOutcome {
        evaluate(policies, &asset.facts(), &BTreeMap::new(), &[])
    }

    /// Whether `policy` selects `asset` in a namespace labelled `namespace_labels`.
    fn selects_in(policy: &AssetPolicy, asset: &Asset, namespace_labels: Value) -> bool {
        let namespace_labels = labels(namespace_labels);
        let outcome = evaluate(
            std::slice::from_ref(policy),
            &asset.facts(),
            &namespace_labels,
            &[],
        );
        !outcome.policies.is_empty()
    }

    fn selects(policy: &AssetPolicy, asset: &Asset) -> bool {
        selects_in(policy, asset, json!({}))
    }

    fn requiring(requirement: &str) -> AssetPolicy {
        policy("strict", json!({ "requirements": { requirement: true } }))
    }

    fn ids(outcome: &PolicyOutcome) -> Vec<&str> {
        outcome
            .findings
            .iter()
            .map(|finding| finding.id.as_str())
            .collect()
    }

    fn finding(id: &str) -> Finding {
        Finding {
            id: id.to_string(),
            severity: Severity::High,
            message: format!("{id} found"),
            since: None,
        }
    }

    fn internet_entrypoint(kind: &str, name: &str, tls: bool) -> Value {
        json!({
            "kind": kind,
            "name": name,
            "scope": "Internet",
            "reason": "test entrypoint",
            "tls": tls,
            "authentication": "none"
        })
    }

    #[test]
    fn empty_selector_matches_every_asset() {
        let everything = policy("everything", json!({}));
        let with_empty_parts = policy(
            "empty-parts",
            json!({ "selector": {
                "dataSensitivities": [],
                "criticalities": [],
                "namespaces": [],
                "namespaceSelector": {},
                "workloadSelector": {}
            } }),
        );
        let jewel = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("restricted", "crown-jewel") }),
        );

        assert!(selects(&everything, &plain()));
        assert!(selects(&everything, &jewel));
        assert!(selects(&with_empty_parts, &plain()));
    }

    #[test]
    fn data_sensitivities_match_any_listed_sensitivity() {
        let sensitive = policy(
            "sensitive",
            json!({ "selector": { "dataSensitivities": ["confidential", "restricted"] } }),
        );
        let confidential = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("confidential", "low") }),
        );
        let restricted = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("restricted", "low") }),
        );

        assert!(selects(&sensitive, &confidential));
        assert!(selects(&sensitive, &restricted));
    }

    #[test]
    fn data_sensitivities_do_not_match_an_unlisted_sensitivity() {
        let sensitive = policy(
            "sensitive",
            json!({ "selector": { "dataSensitivities": ["confidential", "restricted"] } }),
        );
        let public = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("public", "crown-jewel") }),
        );

        assert!(!selects(&sensitive, &public));
        assert!(!selects(&sensitive, &plain()));
    }

    #[test]
    fn criticalities_match_any_listed_criticality() {
        let important = policy(
            "important",
            json!({ "selector": { "criticalities": ["crown-jewel", "high"] } }),
        );
        let jewel = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("public", "crown-jewel") }),
        );
        let high = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("public", "high") }),
        );

        assert!(selects(&important, &jewel));
        assert!(selects(&important, &high));
    }

    #[test]
    fn criticalities_do_not_match_an_unlisted_criticality() {
        let important = policy(
            "important",
            json!({ "selector": { "criticalities": ["crown-jewel", "high"] } }),
        );
        let low = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("restricted", "low") }),
        );

        assert!(!selects(&important, &low));
        assert!(!selects(&important, &plain()));
    }

    #[test]
    fn namespaces_match_the_listed_names_only() {
        let shop = policy(
            "shop",
            json!({ "selector": { "namespaces": ["billing", "shop"] } }),
        );
        let billing = policy(
            "billing",
            json!({ "selector": { "namespaces": ["billing"] } }),
        );

        assert!(selects(&shop, &plain()));
        assert!(!selects(&billing, &plain()));
    }

    #[test]
    fn namespace_selector_matches_on_the_namespace_labels() {
        let production = policy(
            "production",
            json!({ "selector": { "namespaceSelector": { "matchLabels": { "env": "prod" } } } }),
        );

        assert!(selects_in(&production, &plain(), json!({ "env": "prod" })));
        assert!(!selects_in(&production, &plain(), json!({ "env": "dev" })));
        assert!(!selects_in(&production, &plain(), json!({})));
    }

    #[test]
    fn namespace_selector_ignores_the_workload_labels() {
        let front_namespaces = policy(
            "front-namespaces",
            json!({ "selector": { "namespaceSelector": { "matchLabels": { "tier": "front" } } } }),
        );

        assert!(!selects_in(
            &front_namespaces,
            &plain(),
            json!({ "env": "prod" })
        ));
    }

    #[test]
    fn workload_selector_matches_on_the_workload_labels() {
        let front = policy(
            "front",
            json!({ "selector": { "workloadSelector": { "matchExpressions": [
                { "key": "tier", "operator": "In", "values": ["front", "edge"] }
            ] } } }),
        );
        let back = policy(
            "back",
            json!({ "selector": { "workloadSelector": { "matchLabels": { "tier": "back" } } } }),
        );

        assert!(selects(&front, &plain()));
        assert!(!selects(&back, &plain()));
    }

    #[test]
    fn workload_selector_ignores_the_pod_and_namespace_labels() {
        // The pods of `plain` carry `app: web`; only the Deployment carries `tier: front`.
        let by_pod_label = policy(
            "by-pod-label",
            json!({ "selector": { "workloadSelector": { "matchLabels": { "app": "web" } } } }),
        );

        assert!(!selects_in(
            &by_pod_label,
            &plain(),
            json!({ "app": "web" })
        ));
    }

    #[test]
    fn malformed_label_selector_selects_nothing() {
        let malformed = policy(
            "malformed",
            json!({ "selector": { "workloadSelector": { "matchExpressions": [
                { "key": "tier", "operator": "Gt", "values": ["front"] }
            ] } } }),
        );

        assert!(!selects(&malformed, &plain()));
    }

    #[test]
    fn selector_fields_must_all_match() {
        let shop_jewels = policy(
            "shop-jewels",
            json!({ "selector": {
                "criticalities": ["crown-jewel"],
                "namespaces": ["shop"],
                "namespaceSelector": { "matchLabels": { "env": "prod" } }
            } }),
        );
        let jewel = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("internal", "crown-jewel") }),
        );

        assert!(selects_in(&shop_jewels, &jewel, json!({ "env": "prod" })));
        assert!(!selects_in(&shop_jewels, &jewel, json!({ "env": "dev" })));
        assert!(!selects_in(
            &shop_jewels,
            &plain(),
            json!({ "env": "prod" })
        ));
    }

    #[test]
    fn owner_requirement_is_met_by_a_known_owner() {
        let owned = asset(
            web(running("shop/web:1.0")),
            json!({ "owner": { "team": "payments", "source": "label team on Deployment web" } }),
        );

        assert!(judge(&[requiring("owner")], &owned).findings.is_empty());
    }

    #[test]
    fn owner_requirement_fails_without_an_owner() {
        let outcome = judge(&[requiring("owner")], &plain());

        assert_eq!(
            outcome.findings,
            [Finding {
                id: "policy-owner".to_string(),
                severity: Severity::High,
                message: "requirement owner is not met: no label or annotation on the workload \
                          or its namespace names an owner (required by AssetPolicy strict)"
                    .to_string(),
                since: None,
            }]
        );
    }

    #[test]
    fn tls_requirement_is_met_when_every_internet_entrypoint_serves_tls() {
        let cluster_only = json!({
            "kind": "Service",
            "name": "shop/web",
            "scope": "Cluster",
            "reason": "ClusterIP Service",
            "tls": false,
            "authentication": "unknown"
        });
        let secured = asset(
            web(running("shop/web:1.0")),
            json!({ "entrypoints": [
                internet_entrypoint("Ingress", "shop/web", true),
                cluster_only
            ] }),
        );

        let outcome = judge(&[requiring("tlsOnInternetEntrypoints")], &secured);

        assert!(outcome.findings.is_empty());
        assert!(
            judge(&[requiring("tlsOnInternetEntrypoints")], &plain())
                .findings
                .is_empty()
        );
    }

    #[test]
    fn tls_requirement_fails_naming_the_internet_entrypoints_without_tls() {
        let plain_http = asset(
            web(running("shop/web:1.0")),
            json!({ "entrypoints": [
                internet_entrypoint("Ingress", "shop/web", true),
                internet_entrypoint("Service", "shop/web-lb", false),
                internet_entrypoint("HTTPRoute", "shop/web", false)
            ] }),
        );

        let outcome = judge(&[requiring("tlsOnInternetEntrypoints")], &plain_http);

        assert_eq!(ids(&outcome), ["policy-tls-on-internet-entrypoints"]);
        assert!(
            outcome.findings[0].message.contains(
                "internet entrypoints without TLS: Service shop/web-lb, HTTPRoute shop/web"
            ),
            "{}",
            outcome.findings[0].message
        );
    }

    #[test]
    fn ingress_network_policy_requirement_is_met_when_an_ingress_policy_selects_the_pods() {
        let isolated = plain().isolated_by("web-ingress");

        let outcome = judge(&[requiring("ingressNetworkPolicy")], &isolated);

        assert!(outcome.findings.is_empty());
    }

    #[test]
    fn ingress_network_policy_requirement_fails_when_no_ingress_policy_selects_the_pods() {
        let outcome = judge(&[requiring("ingressNetworkPolicy")], &plain());

        assert_eq!(ids(&outcome), ["policy-ingress-network-policy"]);
        assert!(
            outcome.findings[0]
                .message
                .contains("no ingress NetworkPolicy selects the pods")
        );
    }

    #[test]
    fn ingress_network_policy_requirement_fails_for_pods_on_the_host_network() {
        let pod_spec = json!({
            "hostNetwork": true,
            "containers": [{ "name": "main", "image": "shop/web:1.0" }]
        });
        let on_host = asset(web(pod_spec), json!({})).isolated_by("web-ingress");

        let outcome = judge(&[requiring("ingressNetworkPolicy")], &on_host);

        assert_eq!(ids(&outcome), ["policy-ingress-network-policy"]);
        assert!(outcome.findings[0].message.contains("host network"));
    }

    #[test]
    fn restricted_profile_requirement_is_met_without_pod_security_findings() {
        let other_findings = [finding("image-latest"), finding("no-resource-limits")];
        let asset = plain();

        let outcome = evaluate(
            &[requiring("restrictedProfile")],
            &asset.facts(),
            &BTreeMap::new(),
            &other_findings,
        );

        assert!(outcome.findings.is_empty());
    }

    #[test]
    fn restricted_profile_requirement_fails_naming_the_pod_security_findings() {
        let findings = [
            finding("run-as-root"),
            finding("image-latest"),
            finding("privileged"),
            finding("run-as-root"),
        ];
        let asset = plain();

        let outcome = evaluate(
            &[requiring("restrictedProfile")],
            &asset.facts(),
            &BTreeMap::new(),
            &findings,
        );

        assert_eq!(ids(&outcome), ["policy-restricted-profile"]);
        assert!(
            outcome.findings[0]
                .message
                .contains("restricted Pod Security Standard is broken by privileged, run-as-root"),
            "{}",
            outcome.findings[0].message
        );
    }

    #[test]
    fn pinned_digests_requirement_is_met_when_every_image_has_a_digest() {
        let digest = "sha256:0123456789abcdef";
        let pod_spec = json!({
            "initContainers": [{ "name": "migrate", "image": format!("shop/migrate@{digest}") }],
            "containers": [{ "name": "main", "image": format!("shop/web:1.0@{digest}") }]
        });
        let pinned = asset(web(pod_spec), json!({}));

        let outcome = judge(&[requiring("pinnedDigests")], &pinned);

        assert!(outcome.findings.is_empty());
    }

    #[test]
    fn pinned_digests_requirement_fails_naming_the_unpinned_containers() {
        let pod_spec = json!({
            "initContainers": [{ "name": "migrate", "image": "shop/migrate:2" }],
            "containers": [
                { "name": "main", "image": "shop/web:1.0@sha256:0123456789abcdef" },
                { "name": "proxy", "image": "envoy:1.30" }
            ]
        });
        let unpinned = asset(web(pod_spec), json!({}));

        let outcome = judge(&[requiring("pinnedDigests")], &unpinned);

        assert_eq!(ids(&outcome), ["policy-pinned-digests"]);
        assert!(
            outcome.findings[0]
                .message
                .contains("containers migrate (shop/migrate:2), proxy (envoy:1.30)"),
            "{}",
            outcome.findings[0].message
        );
    }

    #[test]
    fn pinned_digests_requirement_ignores_digests_learned_from_running_pods() {
        let learned = asset(
            web(running("shop/web:1.0")),
            json!({ "containers": [{
                "name": "main",
                "image": "shop/web:1.0",
                "tag": "1.0",
                "digest": "sha256:0123456789abcdef"
            }] }),
        );

        let outcome = judge(&[requiring("pinnedDigests")], &learned);

        assert_eq!(ids(&outcome), ["policy-pinned-digests"]);
    }

    #[test]
    fn requirements_left_out_raise_nothing() {
        let lenient = policy(
            "lenient",
            json!({ "requirements": { "severity": "critical" } }),
        );

        let outcome = judge(&[lenient], &plain());

        assert!(outcome.findings.is_empty());
        assert_eq!(outcome.policies, ["lenient"]);
    }

    #[test]
    fn requirements_of_matching_policies_are_united() {
        let owners = policy("owners", json!({ "requirements": { "owner": true } }));
        let digests = policy(
            "digests",
            json!({ "requirements": { "pinnedDigests": true } }),
        );

        let outcome = judge(&[owners, digests], &plain());

        assert_eq!(ids(&outcome), ["policy-owner", "policy-pinned-digests"]);
    }

    #[test]
    fn a_requirement_of_several_policies_is_one_finding_naming_them_sorted() {
        let zeta = policy("zeta", json!({ "requirements": { "owner": true } }));
        let alpha = policy("alpha", json!({ "requirements": { "owner": true } }));

        let outcome = judge(&[zeta, alpha], &plain());

        assert_eq!(ids(&outcome), ["policy-owner"]);
        assert!(
            outcome.findings[0]
                .message
                .ends_with("(required by AssetPolicy alpha, zeta)"),
            "{}",
            outcome.findings[0].message
        );
    }

    #[test]
    fn highest_severity_among_requiring_policies_wins() {
        let low = policy(
            "low",
            json!({ "requirements": { "owner": true, "severity": "low" } }),
        );
        let critical = policy(
            "critical",
            json!({ "requirements": { "owner": true, "severity": "critical" } }),
        );
        let medium = policy(
            "medium",
            json!({ "requirements": { "pinnedDigests": true, "severity": "medium" } }),
        );

        let outcome = judge(&[low, critical, medium], &plain());

        let severities: Vec<Severity> = outcome.findings.iter().map(|f| f.severity).collect();
        assert_eq!(severities, [Severity::Critical, Severity::Medium]);
    }

    #[test]
    fn severity_of_a_policy_that_names_none_is_high() {
        let outcome = judge(&[requiring("owner")], &plain());

        assert_eq!(outcome.findings[0].severity, Severity::High);
    }

    #[test]
    fn severity_of_a_policy_not_requiring_the_failed_requirement_does_not_count() {
        let owners = policy(
            "owners",
            json!({ "requirements": { "owner": true, "severity": "low" } }),
        );
        let loud = policy(
            "loud",
            json!({ "requirements": { "pinnedDigests": true, "severity": "critical" } }),
        );
        let pinned = asset(web(running("shop/web@sha256:0123456789abcdef")), json!({}));

        let outcome = judge(&[owners, loud], &pinned);

        assert_eq!(ids(&outcome), ["policy-owner"]);
        assert_eq!(outcome.findings[0].severity, Severity::Low);
        assert!(
            outcome.findings[0]
                .message
                .ends_with("(required by AssetPolicy owners)")
        );
    }

    #[test]
    fn highest_weight_among_matching_policies_wins() {
        let mild = policy(
            "mild",
            json!({ "weights": { "privileged": 0.3, "image-latest": 0.2 } }),
        );
        let harsh = policy("harsh", json!({ "weights": { "privileged": 0.9 } }));

        let outcome = judge(&[harsh, mild], &plain());

        let expected = BTreeMap::from([
            ("image-latest".to_string(), 0.2),
            ("privileged".to_string(), 0.9),
        ]);
        assert_eq!(outcome.weights, expected);
    }

    #[test]
    fn weights_outside_zero_to_one_are_clamped() {
        let extreme = policy(
            "extreme",
            json!({ "weights": { "privileged": 7.5, "image-latest": -2.0 } }),
        );

        let outcome = judge(&[extreme], &plain());

        assert_eq!(outcome.weights["privileged"], 1.0);
        assert_eq!(outcome.weights["image-latest"], 0.0);
    }

    #[test]
    fn weights_that_are_not_numbers_are_ignored() {
        let mut odd = policy("odd", json!({ "weights": { "run-as-root": 0.4 } }));
        odd.spec.weights.insert("privileged".to_string(), f64::NAN);
        odd.spec
            .weights
            .insert("host-path".to_string(), f64::INFINITY);

        let outcome = judge(&[odd], &plain());

        let expected = BTreeMap::from([
            ("host-path".to_string(), 1.0),
            ("run-as-root".to_string(), 0.4),
        ]);
        assert_eq!(outcome.weights, expected);
    }

    #[test]
    fn non_matching_policy_contributes_nothing() {
        let elsewhere = policy(
            "elsewhere",
            json!({
                "selector": { "namespaces": ["billing"] },
                "requirements": { "owner": true, "severity": "critical" },
                "weights": { "privileged": 1.0 }
            }),
        );
        let here = policy(
            "here",
            json!({
                "requirements": { "owner": true, "severity": "low" },
                "weights": { "privileged": 0.5 }
            }),
        );

        let outcome = judge(&[elsewhere.clone(), here], &plain());
        let alone = judge(&[elsewhere], &plain());

        assert_eq!(outcome.policies, ["here"]);
        assert_eq!(outcome.findings[0].severity, Severity::Low);
        assert!(
            outcome.findings[0]
                .message
                .ends_with("(required by AssetPolicy here)")
        );
        assert_eq!(outcome.weights["privileged"], 0.5);
        assert_eq!(alone, PolicyOutcome::default());
    }

    #[test]
    fn matching_policy_names_are_sorted_without_repeats() {
        let policies = [
            policy("zeta", json!({})),
            policy("alpha", json!({})),
            policy("zeta", json!({})),
        ];

        assert_eq!(judge(&policies, &plain()).policies, ["alpha", "zeta"]);
    }

    /// The documents of the default policy file, each as written and as an AssetPolicy.
    fn default_policy_documents() -> Vec<(TypeMeta, AssetPolicy)> {
        let text = include_str!("../../deploy/default-asset-policy.yaml");

        let documents =
            yaml_serde::Deserializer::from_str(text).map(yaml_serde::Value::deserialize);
        documents
            .map(|document| {
                let document = document.expect("the default policy file is YAML");
                let types =
                    yaml_serde::from_value(document.clone()).expect("it has apiVersion, kind");
                let policy = yaml_serde::from_value(document).expect("it holds AssetPolicies");
                (types, policy)
            })
            .collect()
    }

    fn default_policies() -> Vec<AssetPolicy> {
        let documents = default_policy_documents().into_iter();

        documents.map(|(_, policy)| policy).collect()
    }

    #[test]
    fn default_policy_file_parses_as_asset_policies() {
        let documents = default_policy_documents();

        let names: Vec<&str> = documents.iter().map(|(_, policy)| name(policy)).collect();
        assert_eq!(names, ["default-crown-jewels", "default-restricted-data"]);
        for (types, policy) in &documents {
            let requirements = &policy.spec.requirements;
            assert_eq!(types.api_version, "appasset.io/v1alpha1");
            assert_eq!(types.kind, "AssetPolicy");
            assert!(requirements.owner && requirements.tls_on_internet_entrypoints);
            assert!(requirements.ingress_network_policy);
            assert!(!requirements.restricted_profile && !requirements.pinned_digests);
        }
    }

    #[test]
    fn default_policies_hold_crown_jewels_and_restricted_data_to_their_requirements() {
        let jewel = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("restricted", "crown-jewel") }),
        );

        let outcome = judge(&default_policies(), &jewel);

        assert_eq!(
            ids(&outcome),
            ["policy-owner", "policy-ingress-network-policy"]
        );
        assert!(
            outcome.findings[0].message.ends_with(
                "(required by AssetPolicy default-crown-jewels, default-restricted-data)"
            )
        );
    }

    #[test]
    fn default_policies_ask_nothing_of_other_assets() {
        let ordinary = asset(
            web(running("shop/web:1.0")),
            json!({ "classification": classified("confidential", "high") }),
        );

        assert_eq!(
            judge(&default_policies(), &ordinary),
            PolicyOutcome::default()
        );
        assert_eq!(
            judge(&default_policies(), &plain()),
            PolicyOutcome::default()
        );
    }
}
