//! The risk step: one score from 0 to 100 per asset, the level it falls in, and the factors
//! that explain every point of it. It reads the asset's facts and findings and nothing else.
//!
//! # The score
//!
//! `score = 100 × E × C × W`, rounded half up and kept within 0..=100, where:
//!
//! - **E, exposure**: Internet 1.0, or 0.75 when every Internet entrypoint has strong
//!   authentication (OIDC, client certificates or an external auth service); External 0.6;
//!   Cluster 0.4; Restricted 0.2; Isolated 0.1. Basic authentication is not strong: a
//!   password checked on every request can be guessed, shared and replayed, and nothing
//!   binds it to a person the way an identity provider or a certificate does.
//! - **C, impact**: the higher of criticality and data sensitivity. Crown-jewel or
//!   restricted 1.0; high or confidential 0.75; medium or internal 0.5; low or public 0.25.
//!   Unclassified counts as 0.5 on either side, so saying nothing never earns a discount:
//!   criticality unclassified with public data is 0.5, not 0.25.
//! - **W, findings**: `1 − (1 − w0) × Π(1 − wi)`, one `wi` per finding id (see
//!   [`DEFAULT_WEIGHTS`]; an AssetPolicy may override any id). `w0` is
//!   [`RESIDUAL_WEIGHT`]. An id found several times counts once: ten containers without
//!   limits are one weakness repeated, and counting each would let a large pod outrank a
//!   privileged one.
//!
//! # Floors
//!
//! Some combinations are dangerous whatever the product says. An Internet asset with a
//! `privileged` or `host-path` finding, or whose pods run with a cluster-admin binding, scores
//! at least 60 (Critical): one bug in it hands over a node or the cluster. An Internet crown
//! jewel with an `unauthenticated-entrypoint` finding scores at least 40 (High). The floor
//! raises the score itself, so score and level always agree. A floor holds even when a policy
//! weighs the finding at zero: weights tune the product, they do not make a node escape safe.
//!
//! # Factors
//!
//! The points of the factors add up to the score exactly. Each of E, C and W is measured
//! against the lowest value it can take (Isolated, low impact, no finding): a term that
//! multiplies the score by ten over that quietest asset earns as many points as one that
//! multiplies it by ten elsewhere. Because the terms multiply, their contributions add in
//! logarithms, so each term's share of the score is `ln(weight / lowest)` over the sum of the
//! three. An isolated asset earns no exposure points; an asset with no finding earns no
//! finding points. Shares are cut to whole points by largest remainder (ties go to exposure,
//! then impact, then findings). A floor that raised the score is a factor of its own, worth
//! the points it added, with the floor over 100 as its weight (0.6 for the Critical floor).

use std::collections::BTreeMap;

use crate::api::{
    Authentication, Classification, Criticality, DataSensitivity, Entrypoint, Exposure, Factor,
    Finding, RiskLevel,
};

use super::facts::AssetFacts;

/// The findings weight of an asset with no finding. Clean checks do not make an asset safe:
/// its own code has bugs no configuration check sees, so an exposed crown jewel with no
/// finding still scores 10 rather than vanishing from the ranking.
pub const RESIDUAL_WEIGHT: f64 = 0.1;

/// Default weight of a finding raised by an AssetPolicy requirement: the same as running as
/// root. A policy states what the organisation requires; missing it matters, but the policy
/// can say how much through its own weight override.
pub const POLICY_WEIGHT: f64 = 0.2;

/// Weight of a finding id missing from [`DEFAULT_WEIGHTS`] and not from a policy: a finding
/// the table has not caught up with still counts, as a minor one, rather than for nothing.
pub const UNKNOWN_FINDING_WEIGHT: f64 = 0.1;

/// Prefix of the ids of findings raised by AssetPolicy requirements.
pub const POLICY_FINDING_PREFIX: &str = "policy-";

/// The default weight of every finding id of the product contract: how much the weakness
/// alone raises the chance that an exposed asset is compromised.
pub const DEFAULT_WEIGHTS: &[(&str, f64)] = &[
    // A compromise of the container becomes a compromise of the node.
    ("privileged", 0.5),
    ("host-path", 0.4),
    ("host-pid", 0.4),
    ("dangerous-capabilities", 0.4),
    ("host-network", 0.3),
    ("host-ipc", 0.2),
    // Anyone who reaches the path reaches the workload, or reads what crosses it.
    ("unauthenticated-entrypoint", 0.4),
    ("ingress-no-tls", 0.3),
    // Credentials that leak through logs, crash dumps and `/proc`, or that let an intruder
    // talk to the API server.
    ("secret-in-env", 0.3),
    ("sa-token-automount", 0.1),
    // Hardening that makes an exploit easier without opening a door by itself.
    ("privilege-escalation", 0.2),
    ("run-as-root", 0.2),
    ("no-seccomp", 0.1),
    ("writable-root-fs", 0.1),
    // The reach these open is already counted by exposure; the finding adds only a little.
    ("host-port", 0.1),
    ("no-network-policy", 0.1),
    // Nobody knows exactly what runs, so nobody knows when it is vulnerable.
    ("image-latest", 0.1),
    ("image-no-digest", 0.05),
    // Nobody answers for it, so a problem waits longer to be fixed.
    ("unowned", 0.1),
    // Harms neighbours' availability, not the asset's confidentiality.
    ("no-resource-limits", 0.05),
    // Impact already counts an unclassified or unreadable value as medium.
    ("unclassified", 0.05),
    ("invalid-annotation", 0.05),
];

/// The score that an Internet asset with a node or cluster takeover in reach cannot go below.
const CRITICAL_FLOOR: i32 = 60;

/// The score that an Internet crown jewel with an unauthenticated entrypoint cannot go below.
const HIGH_FLOOR: i32 = 40;

/// Products of decimal weights carry binary error (`100 × 0.6 × 0.25 × 0.1` is a hair under
/// 1.5); rounding to this many parts of a point first makes the score round as on paper.
const SNAP: f64 = 1e6;

/// Entrypoints named in a reason before the rest are only counted, to keep it to one line.
const NAMED_ENTRYPOINTS: usize = 3;

/// The risk of one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// The score, 0 to 100.
    pub score: i32,
    /// The band the score falls in.
    pub level: RiskLevel,
    /// What made the score; their points add up to it.
    pub factors: Vec<Factor>,
}

/// One multiplicative term of the score.
struct Term {
    /// The factor's name: exposure, impact or findings.
    name: &'static str,
    /// Its weight in the product.
    weight: f64,
    /// The lowest weight the term can take, against which its share is measured.
    lowest: f64,
    /// Why it has that weight.
    reason: String,
}

/// A toxic combination: the least score it allows, and what it is.
struct Floor {
    score: i32,
    reason: String,
}

/// One finding id as it counts in the findings term.
struct Weighed<'a> {
    id: &'a str,
    weight: f64,
    /// How many findings carry the id.
    count: usize,
    /// True when an AssetPolicy set the weight.
    overridden: bool,
}

/// The default weight of findings with `finding_id`: its row of [`DEFAULT_WEIGHTS`],
/// [`POLICY_WEIGHT`] for a policy finding, else [`UNKNOWN_FINDING_WEIGHT`].
pub fn default_weight(finding_id: &str) -> f64 {
    let listed = DEFAULT_WEIGHTS.iter().find(|(id, _)| *id == finding_id);
    match listed {
        Some((_, weight)) => *weight,
        None if finding_id.starts_with(POLICY_FINDING_PREFIX) => POLICY_WEIGHT,
        None => UNKNOWN_FINDING_WEIGHT,
    }
}

/// The risk of the asset `facts` describes, given its `findings` and the weight overrides
/// of the AssetPolicies that select it (by finding id; other ids take [`default_weight`]).
///
/// An override is clamped to 0..=1; one that is not a number is ignored.
pub fn assess(facts: &AssetFacts, findings: &[Finding], weights: &BTreeMap<String, f64>) -> Risk {
    let terms = [
        exposure_term(facts.exposure, &facts.spec.entrypoints),
        impact_term(&facts.spec.classification),
        findings_term(findings, weights),
    ];

    let formula = formula_score(&terms);
    let mut factors = term_factors(formula, terms);

    let floor = toxic_floor(facts, findings);
    factors.extend(floor.and_then(|floor| floor_factor(floor, formula)));

    let score = factors.iter().map(|factor| factor.points).sum();
    Risk {
        score,
        level: level(score),
        factors,
    }
}

/// The level a score falls in: Critical from 60, High from 40, Medium from 20, Low from 1,
/// None below.
pub fn level(score: i32) -> RiskLevel {
    match score {
        60.. => RiskLevel::Critical,
        40..=59 => RiskLevel::High,
        20..=39 => RiskLevel::Medium,
        1..=19 => RiskLevel::Low,
        _ => RiskLevel::None,
    }
}

fn exposure_term(exposure: Exposure, entrypoints: &[Entrypoint]) -> Term {
    let strong = exposure == Exposure::Internet && all_internet_strongly_authenticated(entrypoints);
    Term {
        name: "exposure",
        weight: exposure_weight(exposure, strong),
        lowest: exposure_weight(Exposure::Isolated, false),
        reason: exposure_reason(exposure, entrypoints, strong),
    }
}

fn exposure_weight(exposure: Exposure, strongly_authenticated: bool) -> f64 {
    match exposure {
        Exposure::Internet if strongly_authenticated => 0.75,
        Exposure::Internet => 1.0,
        Exposure::External => 0.6,
        Exposure::Cluster => 0.4,
        Exposure::Restricted => 0.2,
        Exposure::Isolated => 0.1,
    }
}

/// True when there is an Internet entrypoint and each one has strong authentication. An
/// Internet asset with no Internet entrypoint on record shows no authentication at all, so it
/// gets no discount.
fn all_internet_strongly_authenticated(entrypoints: &[Entrypoint]) -> bool {
    let mut internet = at_scope(entrypoints, Exposure::Internet).peekable();
    internet.peek().is_some() && internet.all(|entrypoint| is_strong(entrypoint.authentication))
}

fn is_strong(authentication: Authentication) -> bool {
    matches!(
        authentication,
        Authentication::Oidc | Authentication::ClientCertificate | Authentication::External
    )
}

fn at_scope(entrypoints: &[Entrypoint], scope: Exposure) -> impl Iterator<Item = &Entrypoint> {
    entrypoints
        .iter()
        .filter(move |entrypoint| entrypoint.scope == scope)
}

/// `exposure Internet through Ingress shop/web (oidc), Service shop/web-lb (none)`: the paths
/// that set the exposure and, for Internet, the authentication that decided the discount.
fn exposure_reason(exposure: Exposure, entrypoints: &[Entrypoint], strong: bool) -> String {
    let internet = exposure == Exposure::Internet;
    let paths: Vec<String> = at_scope(entrypoints, exposure)
        .map(|entrypoint| entrypoint_label(entrypoint, internet))
        .collect();

    let mut reason = format!("exposure {exposure}");
    if !paths.is_empty() {
        reason.push_str(&format!(" through {}", short_list(&paths)));
    }
    if strong {
        reason.push_str(", every internet entrypoint behind strong authentication");
    }
    reason
}

fn entrypoint_label(entrypoint: &Entrypoint, with_authentication: bool) -> String {
    let label = format!("{} {}", entrypoint.kind, entrypoint.name);
    if with_authentication {
        format!(
            "{label} ({})",
            authentication_word(entrypoint.authentication)
        )
    } else {
        label
    }
}

fn authentication_word(authentication: Authentication) -> &'static str {
    match authentication {
        Authentication::None => "none",
        Authentication::Unknown => "unknown",
        Authentication::Basic => "basic",
        Authentication::External => "external",
        Authentication::Oidc => "oidc",
        Authentication::ClientCertificate => "client-certificate",
    }
}

fn short_list(items: &[String]) -> String {
    let named = items[..items.len().min(NAMED_ENTRYPOINTS)].join(", ");
    match items.len().saturating_sub(NAMED_ENTRYPOINTS) {
        0 => named,
        more => format!("{named} and {more} more"),
    }
}

fn impact_term(classification: &Classification) -> Term {
    let by_criticality = criticality_weight(classification.criticality);
    let by_sensitivity = sensitivity_weight(classification.data_sensitivity);
    Term {
        name: "impact",
        weight: by_criticality.max(by_sensitivity),
        lowest: criticality_weight(Criticality::Low),
        reason: impact_reason(classification, by_criticality, by_sensitivity),
    }
}

fn criticality_weight(criticality: Criticality) -> f64 {
    match criticality {
        Criticality::CrownJewel => 1.0,
        Criticality::High => 0.75,
        Criticality::Medium | Criticality::Unclassified => 0.5,
        Criticality::Low => 0.25,
    }
}

fn sensitivity_weight(sensitivity: DataSensitivity) -> f64 {
    match sensitivity {
        DataSensitivity::Restricted => 1.0,
        DataSensitivity::Confidential => 0.75,
        DataSensitivity::Internal | DataSensitivity::Unclassified => 0.5,
        DataSensitivity::Public => 0.25,
    }
}

/// `impact: criticality crown-jewel`: the side that gave the higher weight, or both on a tie.
fn impact_reason(
    classification: &Classification,
    by_criticality: f64,
    by_sensitivity: f64,
) -> String {
    let criticality = classification.criticality;
    let sensitivity = classification.data_sensitivity;
    let (deciding, unclassified) = if by_criticality > by_sensitivity {
        (
            format!("criticality {criticality}"),
            criticality == Criticality::Unclassified,
        )
    } else if by_sensitivity > by_criticality {
        (
            format!("data sensitivity {sensitivity}"),
            sensitivity == DataSensitivity::Unclassified,
        )
    } else {
        (
            format!("criticality {criticality} and data sensitivity {sensitivity}"),
            criticality == Criticality::Unclassified
                || sensitivity == DataSensitivity::Unclassified,
        )
    };

    if unclassified {
        format!("impact: {deciding} (unclassified counts as medium)")
    } else {
        format!("impact: {deciding}")
    }
}

fn findings_term(findings: &[Finding], weights: &BTreeMap<String, f64>) -> Term {
    let weighed = weigh(findings, weights);
    let weight = combine(&weighed);
    Term {
        name: "findings",
        weight,
        lowest: RESIDUAL_WEIGHT,
        reason: findings_reason(&weighed, weight),
    }
}

/// One entry per finding id, heaviest first, then by id.
fn weigh<'a>(findings: &'a [Finding], weights: &BTreeMap<String, f64>) -> Vec<Weighed<'a>> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.id.as_str()).or_default() += 1;
    }

    let mut weighed: Vec<Weighed> = counts
        .into_iter()
        .map(|(id, count)| {
            let (weight, overridden) = weight_of(id, weights);
            Weighed {
                id,
                weight,
                count,
                overridden,
            }
        })
        .collect();
    // Stable, so equal weights keep the map's order by id.
    weighed.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    weighed
}

/// The weight of `id` and whether a policy set it. A weight outside 0..=1 would make the
/// findings term leave 0..=1 and the score leave 0..=100.
fn weight_of(id: &str, overrides: &BTreeMap<String, f64>) -> (f64, bool) {
    match overrides.get(id) {
        Some(weight) if !weight.is_nan() => (weight.clamp(0.0, 1.0), true),
        _ => (default_weight(id), false),
    }
}

fn combine(weighed: &[Weighed]) -> f64 {
    let untouched: f64 = weighed.iter().map(|entry| 1.0 - entry.weight).product();
    1.0 - (1.0 - RESIDUAL_WEIGHT) * untouched
}

/// `findings: privileged (0.5), image-latest (0.1) and the residual 0.1 combine to 0.595`.
fn findings_reason(weighed: &[Weighed], combined: f64) -> String {
    let residual = decimal(RESIDUAL_WEIGHT);
    if weighed.is_empty() {
        return format!("findings: none; the residual {residual} stands for what no check sees");
    }

    let parts: Vec<String> = weighed.iter().map(weighed_label).collect();
    format!(
        "findings: {} and the residual {residual} combine to {}",
        parts.join(", "),
        decimal(combined)
    )
}

fn weighed_label(entry: &Weighed) -> String {
    let mut notes = vec![decimal(entry.weight)];
    if entry.overridden {
        notes.push("set by policy".to_string());
    }
    if entry.count > 1 {
        notes.push(format!("found {} times, counted once", entry.count));
    }
    format!("{} ({})", entry.id, notes.join(", "))
}

/// A weight with at most three decimals and no trailing zeros: `0.5`, `0.05`, `0.595`.
fn decimal(value: f64) -> String {
    let fixed = format!("{value:.3}");
    fixed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

/// `100 × E × C × W`, rounded half up, within 0..=100.
fn formula_score(terms: &[Term]) -> i32 {
    let raw = 100.0 * terms.iter().map(|term| term.weight).product::<f64>();
    let snapped = (raw * SNAP).round() / SNAP;
    snapped.round().clamp(0.0, 100.0) as i32
}

fn term_factors(score: i32, terms: [Term; 3]) -> Vec<Factor> {
    let lifts: Vec<f64> = terms.iter().map(lift).collect();
    let points = apportion(score, &lifts);

    terms
        .into_iter()
        .zip(points)
        .map(|(term, points)| Factor {
            name: term.name.to_string(),
            weight: term.weight,
            points,
            reason: term.reason,
        })
        .collect()
}

/// How far the term raises the score over its lowest value, in logarithms so that the three
/// terms' lifts add up as their product multiplies. Never negative, even when rounding puts
/// the findings term a hair under the residual.
fn lift(term: &Term) -> f64 {
    (term.weight / term.lowest).ln().max(0.0)
}

/// `total` cut into whole parts in proportion to `shares`: each part gets the whole points of
/// its exact share, and the points left over go to the largest remainders, earliest first on
/// a tie. Shares that are all zero count as equal.
fn apportion(total: i32, shares: &[f64]) -> Vec<i32> {
    let sum: f64 = shares.iter().sum();
    let exact: Vec<f64> = if sum > 0.0 {
        let per_share = f64::from(total) / sum;
        shares.iter().map(|share| share * per_share).collect()
    } else {
        let each = f64::from(total) / shares.len().max(1) as f64;
        vec![each; shares.len()]
    };

    let mut points: Vec<i32> = exact.iter().map(|part| part.floor() as i32).collect();
    let left = total - points.iter().sum::<i32>();

    let mut by_remainder: Vec<usize> = (0..exact.len()).collect();
    by_remainder.sort_by(|&a, &b| exact[b].fract().total_cmp(&exact[a].fract()));
    for &index in by_remainder.iter().take(usize::try_from(left).unwrap_or(0)) {
        points[index] += 1;
    }
    points
}

/// The highest floor a toxic combination sets for the asset, if any.
fn toxic_floor(facts: &AssetFacts, findings: &[Finding]) -> Option<Floor> {
    if facts.exposure != Exposure::Internet {
        return None;
    }
    critical_floor(facts, findings).or_else(|| high_floor(facts, findings))
}

fn critical_floor(facts: &AssetFacts, findings: &[Finding]) -> Option<Floor> {
    let mut causes: Vec<&str> = ["privileged", "host-path"]
        .into_iter()
        .filter(|id| has_finding(findings, id))
        .collect();
    if facts.cluster_admin {
        causes.push("a cluster-admin binding");
    }

    (!causes.is_empty()).then(|| Floor {
        score: CRITICAL_FLOOR,
        reason: format!("exposure Internet with {}", causes.join(" and ")),
    })
}

fn high_floor(facts: &AssetFacts, findings: &[Finding]) -> Option<Floor> {
    let crown_jewel = facts.spec.classification.criticality == Criticality::CrownJewel;
    let unauthenticated = has_finding(findings, "unauthenticated-entrypoint");

    (crown_jewel && unauthenticated).then(|| Floor {
        score: HIGH_FLOOR,
        reason: "exposure Internet with an unauthenticated entrypoint to a crown jewel".to_string(),
    })
}

fn has_finding(findings: &[Finding], id: &str) -> bool {
    findings.iter().any(|finding| finding.id == id)
}

/// The factor for `floor` when it raised `score`; none when the score was already there.
fn floor_factor(floor: Floor, score: i32) -> Option<Factor> {
    let raised = floor.score - score;
    (raised > 0).then(|| Factor {
        name: "floor".to_string(),
        weight: f64::from(floor.score) / 100.0,
        points: raised,
        reason: format!(
            "floor: {} is at least {} ({}); raised from {score}",
            floor.reason,
            floor.score,
            level(floor.score)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde_json::json;

    use crate::api::{AppAssetSpec, Basis, Severity, WorkloadReference};
    use crate::engine::network_policy::{IngressIsolation, IngressVerdict};
    use crate::engine::testing::{deployment, running};
    use crate::engine::workload::Workload;

    /// The facts of one asset, owned so a test can borrow them as [`AssetFacts`].
    struct Asset {
        workload: Workload,
        spec: AppAssetSpec,
        exposure: Exposure,
        isolation: IngressIsolation,
        cluster_admin: bool,
    }

    impl Asset {
        /// Deployment `shop/web` with `exposure`, unclassified, with no entrypoint on record.
        fn exposed(exposure: Exposure) -> Asset {
            let workload = deployment("shop", "web", json!({ "app": "web" }), running("web:1.0"));
            let spec = AppAssetSpec {
                workload: WorkloadReference {
                    api_version: "apps/v1".to_string(),
                    kind: "Deployment".to_string(),
                    name: "web".to_string(),
                    uid: String::new(),
                },
                ..AppAssetSpec::default()
            };
            Asset {
                workload: Workload::from_deployment(workload),
                spec,
                exposure,
                isolation: IngressIsolation {
                    verdict: IngressVerdict::Open,
                    policies: Vec::new(),
                },
                cluster_admin: false,
            }
        }

        fn classified(mut self, criticality: Criticality, sensitivity: DataSensitivity) -> Asset {
            self.spec.classification = Classification {
                data_sensitivity: sensitivity,
                data_sensitivity_basis: Basis::Declared,
                data_types: Vec::new(),
                criticality,
                criticality_basis: Basis::Declared,
            };
            self
        }

        fn crown_jewel(self) -> Asset {
            self.classified(Criticality::CrownJewel, DataSensitivity::Unclassified)
        }

        fn through(
            mut self,
            kind: &str,
            name: &str,
            scope: Exposure,
            auth: Authentication,
        ) -> Asset {
            self.spec.entrypoints.push(Entrypoint {
                kind: kind.to_string(),
                name: format!("shop/{name}"),
                scope,
                reason: "test entrypoint".to_string(),
                service: None,
                gateway: None,
                hosts: Vec::new(),
                ports: vec![443],
                tls: true,
                authentication: auth,
            });
            self
        }

        fn internet_through(self, name: &str, auth: Authentication) -> Asset {
            self.through("Ingress", name, Exposure::Internet, auth)
        }

        fn with_cluster_admin(mut self) -> Asset {
            self.cluster_admin = true;
            self
        }

        fn facts(&self) -> AssetFacts<'_> {
            AssetFacts {
                workload: &self.workload,
                spec: &self.spec,
                exposure: self.exposure,
                isolation: &self.isolation,
                problems: &[],
                cluster_admin: self.cluster_admin,
            }
        }
    }

    fn finding(id: &str) -> Finding {
        Finding {
            id: id.to_string(),
            severity: Severity::Medium,
            message: format!("{id} in container main"),
            since: None,
        }
    }

    fn findings(ids: &[&str]) -> Vec<Finding> {
        ids.iter().map(|id| finding(id)).collect()
    }

    fn overrides(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs
            .iter()
            .map(|(id, weight)| (id.to_string(), *weight))
            .collect()
    }

    /// Every score must be explained: the factors' points add up to it, none is negative, and
    /// the level is the score's.
    #[track_caller]
    fn assert_explained(risk: &Risk) {
        let points: i32 = risk.factors.iter().map(|factor| factor.points).sum();
        assert_eq!(points, risk.score, "factors do not add up: {risk:#?}");
        assert!(
            risk.factors.iter().all(|factor| factor.points >= 0),
            "{risk:#?}"
        );
        assert!((0..=100).contains(&risk.score), "{risk:#?}");
        assert_eq!(risk.level, level(risk.score));
    }

    /// The explained risk of `asset` with `findings` and policy `weights`.
    #[track_caller]
    fn risk_with(asset: &Asset, found: &[&str], weights: &[(&str, f64)]) -> Risk {
        let risk = assess(&asset.facts(), &findings(found), &overrides(weights));
        assert_explained(&risk);
        risk
    }

    #[track_caller]
    fn risk_of(asset: &Asset, found: &[&str]) -> Risk {
        risk_with(asset, found, &[])
    }

    /// The risk of `asset` with one finding weighed 1, so W is 1 and the score is 100 × E × C.
    #[track_caller]
    fn certain_risk(asset: &Asset) -> Risk {
        risk_with(asset, &["image-latest"], &[("image-latest", 1.0)])
    }

    fn factor<'a>(risk: &'a Risk, name: &str) -> &'a Factor {
        let found = risk.factors.iter().find(|factor| factor.name == name);
        found.unwrap_or_else(|| panic!("no {name} factor in {risk:#?}"))
    }

    fn assert_close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "{actual} is not {expected}"
        );
    }

    #[test]
    fn internet_exposure_weighs_one() {
        let asset = Asset::exposed(Exposure::Internet)
            .crown_jewel()
            .internet_through("web", Authentication::None);

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 1.0);
        assert_eq!(risk.score, 100);
    }

    #[test]
    fn internet_behind_strong_authentication_weighs_three_quarters() {
        for auth in [
            Authentication::Oidc,
            Authentication::ClientCertificate,
            Authentication::External,
        ] {
            let asset = Asset::exposed(Exposure::Internet)
                .crown_jewel()
                .internet_through("web", auth);

            let risk = certain_risk(&asset);

            assert_eq!(factor(&risk, "exposure").weight, 0.75, "{auth:?}");
            assert_eq!(risk.score, 75, "{auth:?}");
        }
    }

    #[test]
    fn basic_or_unknown_authentication_is_not_strong() {
        for auth in [Authentication::Basic, Authentication::Unknown] {
            let asset = Asset::exposed(Exposure::Internet)
                .crown_jewel()
                .internet_through("web", auth);

            assert_eq!(certain_risk(&asset).score, 100, "{auth:?}");
        }
    }

    #[test]
    fn one_unauthenticated_internet_entrypoint_among_authenticated_ones_weighs_one() {
        let asset = Asset::exposed(Exposure::Internet)
            .crown_jewel()
            .internet_through("web", Authentication::Oidc)
            .internet_through("api", Authentication::ClientCertificate)
            .through(
                "Service",
                "web-lb",
                Exposure::Internet,
                Authentication::None,
            );

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 1.0);
        assert_eq!(
            factor(&risk, "exposure").reason,
            "exposure Internet through Ingress shop/web (oidc), Ingress shop/api \
             (client-certificate), Service shop/web-lb (none)"
        );
    }

    #[test]
    fn entrypoints_inside_the_cluster_need_no_authentication_for_the_discount() {
        let asset = Asset::exposed(Exposure::Internet)
            .crown_jewel()
            .internet_through("web", Authentication::Oidc)
            .through("Service", "web", Exposure::Cluster, Authentication::None);

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 0.75);
        assert_eq!(
            factor(&risk, "exposure").reason,
            "exposure Internet through Ingress shop/web (oidc), every internet entrypoint behind \
             strong authentication"
        );
    }

    #[test]
    fn internet_exposure_with_no_internet_entrypoint_on_record_gets_no_discount() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        assert_eq!(certain_risk(&asset).score, 100);
    }

    #[test]
    fn external_exposure_weighs_six_tenths() {
        let asset = Asset::exposed(Exposure::External).crown_jewel();

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 0.6);
        assert_eq!(risk.score, 60);
    }

    #[test]
    fn cluster_exposure_weighs_four_tenths() {
        let asset = Asset::exposed(Exposure::Cluster).crown_jewel();

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 0.4);
        assert_eq!(risk.score, 40);
    }

    #[test]
    fn restricted_exposure_weighs_two_tenths() {
        let asset = Asset::exposed(Exposure::Restricted).crown_jewel();

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 0.2);
        assert_eq!(risk.score, 20);
    }

    #[test]
    fn isolated_exposure_weighs_one_tenth_and_earns_no_points() {
        let asset = Asset::exposed(Exposure::Isolated).crown_jewel();

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "exposure").weight, 0.1);
        assert_eq!(factor(&risk, "exposure").points, 0);
        assert_eq!(risk.score, 10);
    }

    #[test]
    fn only_entrypoints_at_the_asset_exposure_are_named() {
        let asset = Asset::exposed(Exposure::External)
            .through(
                "Service",
                "web-np",
                Exposure::External,
                Authentication::None,
            )
            .through("Service", "web", Exposure::Cluster, Authentication::None);

        let risk = risk_of(&asset, &[]);

        assert_eq!(
            factor(&risk, "exposure").reason,
            "exposure External through Service shop/web-np"
        );
    }

    #[test]
    fn a_long_list_of_entrypoints_names_three_and_counts_the_rest() {
        let asset = ["a", "b", "c", "d", "e"]
            .into_iter()
            .fold(Asset::exposed(Exposure::Cluster), |asset, name| {
                asset.through("Service", name, Exposure::Cluster, Authentication::None)
            });

        let risk = risk_of(&asset, &[]);

        assert_eq!(
            factor(&risk, "exposure").reason,
            "exposure Cluster through Service shop/a, Service shop/b, Service shop/c and 2 more"
        );
    }

    /// The score of an Internet asset with W = 1 classified as given: 100 × C.
    fn impact_score(criticality: Criticality, sensitivity: DataSensitivity) -> i32 {
        let asset = Asset::exposed(Exposure::Internet).classified(criticality, sensitivity);
        certain_risk(&asset).score
    }

    #[test]
    fn crown_jewel_or_restricted_data_weighs_one() {
        assert_eq!(
            impact_score(Criticality::CrownJewel, DataSensitivity::Unclassified),
            100
        );
        assert_eq!(
            impact_score(Criticality::Unclassified, DataSensitivity::Restricted),
            100
        );
    }

    #[test]
    fn high_criticality_or_confidential_data_weighs_three_quarters() {
        assert_eq!(
            impact_score(Criticality::High, DataSensitivity::Unclassified),
            75
        );
        assert_eq!(
            impact_score(Criticality::Unclassified, DataSensitivity::Confidential),
            75
        );
    }

    #[test]
    fn medium_criticality_or_internal_data_weighs_one_half() {
        assert_eq!(
            impact_score(Criticality::Medium, DataSensitivity::Public),
            50
        );
        assert_eq!(
            impact_score(Criticality::Low, DataSensitivity::Internal),
            50
        );
    }

    #[test]
    fn low_criticality_and_public_data_weigh_one_quarter() {
        assert_eq!(impact_score(Criticality::Low, DataSensitivity::Public), 25);
    }

    #[test]
    fn unclassified_weighs_one_half() {
        let asset = Asset::exposed(Exposure::Internet);

        let risk = certain_risk(&asset);

        assert_eq!(factor(&risk, "impact").weight, 0.5);
        assert_eq!(
            factor(&risk, "impact").reason,
            "impact: criticality unclassified and data sensitivity unclassified (unclassified \
             counts as medium)"
        );
    }

    #[test]
    fn impact_takes_the_higher_of_criticality_and_data_sensitivity() {
        assert_eq!(
            impact_score(Criticality::Low, DataSensitivity::Restricted),
            100
        );
        assert_eq!(
            impact_score(Criticality::CrownJewel, DataSensitivity::Public),
            100
        );
        assert_eq!(
            impact_score(Criticality::High, DataSensitivity::Internal),
            75
        );
    }

    #[test]
    fn unclassified_criticality_outweighs_public_data() {
        let asset = Asset::exposed(Exposure::Internet)
            .classified(Criticality::Unclassified, DataSensitivity::Public);

        let risk = certain_risk(&asset);

        assert_eq!(risk.score, 50);
        assert_eq!(
            factor(&risk, "impact").reason,
            "impact: criticality unclassified (unclassified counts as medium)"
        );
    }

    #[test]
    fn unclassified_does_not_lower_the_other_side() {
        let asset = Asset::exposed(Exposure::Internet)
            .classified(Criticality::Unclassified, DataSensitivity::Confidential);

        let risk = certain_risk(&asset);

        assert_eq!(risk.score, 75);
        assert_eq!(
            factor(&risk, "impact").reason,
            "impact: data sensitivity confidential"
        );
    }

    #[test]
    fn an_asset_without_findings_keeps_the_residual_weight() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = risk_of(&asset, &[]);

        assert_close(factor(&risk, "findings").weight, RESIDUAL_WEIGHT);
        assert_eq!(factor(&risk, "findings").points, 0);
        assert_eq!(risk.score, 10);
        assert_eq!(
            factor(&risk, "findings").reason,
            "findings: none; the residual 0.1 stands for what no check sees"
        );
    }

    #[test]
    fn one_finding_combines_with_the_residual() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = risk_of(&asset, &["image-latest"]);

        assert_close(factor(&risk, "findings").weight, 1.0 - 0.9 * 0.9);
        assert_eq!(risk.score, 19);
    }

    #[test]
    fn several_findings_combine_as_independent_chances() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = risk_of(&asset, &["run-as-root", "secret-in-env"]);

        assert_close(factor(&risk, "findings").weight, 1.0 - 0.9 * 0.7 * 0.8);
        assert_eq!(risk.score, 50);
        assert_eq!(
            factor(&risk, "findings").reason,
            "findings: secret-in-env (0.3), run-as-root (0.2) and the residual 0.1 combine to \
             0.496"
        );
    }

    #[test]
    fn a_repeated_finding_id_counts_once() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let once = risk_of(&asset, &["no-resource-limits"]);
        let thrice = risk_of(
            &asset,
            &[
                "no-resource-limits",
                "no-resource-limits",
                "no-resource-limits",
            ],
        );

        assert_eq!(thrice.score, once.score);
        assert_eq!(
            factor(&thrice, "findings").weight,
            factor(&once, "findings").weight
        );
        assert_eq!(
            factor(&thrice, "findings").reason,
            "findings: no-resource-limits (0.05, found 3 times, counted once) and the residual \
             0.1 combine to 0.145"
        );
    }

    #[test]
    fn an_override_replaces_the_default_weight() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = risk_with(&asset, &["image-latest"], &[("image-latest", 0.5)]);

        assert_close(factor(&risk, "findings").weight, 1.0 - 0.9 * 0.5);
        assert_eq!(risk.score, 55);
        assert_eq!(
            factor(&risk, "findings").reason,
            "findings: image-latest (0.5, set by policy) and the residual 0.1 combine to 0.55"
        );
    }

    #[test]
    fn an_override_for_an_absent_finding_changes_nothing() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = risk_with(&asset, &[], &[("privileged", 1.0)]);

        assert_eq!(risk.score, 10);
    }

    #[test]
    fn an_override_outside_zero_to_one_is_clamped_and_one_that_is_no_number_ignored() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let above = risk_with(&asset, &["image-latest"], &[("image-latest", 7.0)]);
        let below = risk_with(&asset, &["image-latest"], &[("image-latest", -3.0)]);
        let nan = risk_with(&asset, &["image-latest"], &[("image-latest", f64::NAN)]);

        assert_eq!(above.score, 100);
        assert_eq!(below.score, 10);
        assert_eq!(nan.score, 19);
    }

    #[test]
    fn every_finding_id_of_the_contract_has_a_default_weight() {
        let contract = crate::engine::findings::all_ids();

        for &id in contract {
            let listed = DEFAULT_WEIGHTS.iter().filter(|(row, _)| *row == id).count();
            assert_eq!(listed, 1, "{id}");
        }
        assert_eq!(DEFAULT_WEIGHTS.len(), contract.len());
        assert!(
            DEFAULT_WEIGHTS
                .iter()
                .all(|(_, weight)| *weight > 0.0 && *weight < 1.0)
        );
    }

    #[test]
    fn a_policy_finding_takes_the_policy_weight() {
        assert_eq!(
            default_weight("policy-crown-jewels-need-an-owner"),
            POLICY_WEIGHT
        );
    }

    #[test]
    fn an_unknown_finding_takes_the_fallback_weight() {
        assert_eq!(default_weight("made-up"), UNKNOWN_FINDING_WEIGHT);
        assert_eq!(default_weight(""), UNKNOWN_FINDING_WEIGHT);
    }

    #[test]
    fn a_half_point_rounds_up() {
        let asset = Asset::exposed(Exposure::External)
            .classified(Criticality::Low, DataSensitivity::Public);

        let risk = risk_of(&asset, &[]);

        assert_eq!(risk.score, 2);
        assert_eq!(risk.level, RiskLevel::Low);
    }

    #[test]
    fn less_than_half_a_point_rounds_to_none() {
        let asset = Asset::exposed(Exposure::Isolated)
            .classified(Criticality::Low, DataSensitivity::Public);

        let risk = risk_of(&asset, &[]);

        assert_eq!(risk.score, 0);
        assert_eq!(risk.level, RiskLevel::None);
        assert_eq!(risk.factors.len(), 3);
    }

    #[test]
    fn strong_authentication_with_no_finding_rounds_seven_and_a_half_up() {
        let asset = Asset::exposed(Exposure::Internet)
            .crown_jewel()
            .internet_through("web", Authentication::Oidc);

        assert_eq!(risk_of(&asset, &[]).score, 8);
    }

    #[test]
    fn each_level_starts_at_its_boundary() {
        let expected = [
            (0, RiskLevel::None),
            (1, RiskLevel::Low),
            (19, RiskLevel::Low),
            (20, RiskLevel::Medium),
            (39, RiskLevel::Medium),
            (40, RiskLevel::High),
            (59, RiskLevel::High),
            (60, RiskLevel::Critical),
            (100, RiskLevel::Critical),
        ];

        for (score, want) in expected {
            assert_eq!(level(score), want, "{score}");
        }
    }

    #[test]
    fn a_score_out_of_range_still_has_a_level() {
        assert_eq!(level(-5), RiskLevel::None);
        assert_eq!(level(i32::MAX), RiskLevel::Critical);
    }

    #[test]
    fn internet_with_privileged_is_at_least_critical() {
        let asset = Asset::exposed(Exposure::Internet)
            .classified(Criticality::Low, DataSensitivity::Public);

        let risk = risk_of(&asset, &["privileged"]);

        assert_eq!(risk.score, 60);
        assert_eq!(risk.level, RiskLevel::Critical);
        let floor = factor(&risk, "floor");
        assert_eq!(floor.points, 60 - 14);
        assert_eq!(
            floor.reason,
            "floor: exposure Internet with privileged is at least 60 (Critical); raised from 14"
        );
    }

    #[test]
    fn internet_with_host_path_is_at_least_critical() {
        let asset = Asset::exposed(Exposure::Internet);

        let risk = risk_of(&asset, &["host-path"]);

        assert_eq!(risk.score, 60);
        assert_eq!(factor(&risk, "floor").points, 60 - 23);
    }

    #[test]
    fn internet_with_a_cluster_admin_binding_is_at_least_critical() {
        let asset = Asset::exposed(Exposure::Internet).with_cluster_admin();

        let risk = risk_of(&asset, &[]);

        assert_eq!(risk.score, 60);
        assert_eq!(
            factor(&risk, "floor").reason,
            "floor: exposure Internet with a cluster-admin binding is at least 60 (Critical); \
             raised from 5"
        );
    }

    #[test]
    fn external_with_privileged_has_no_floor() {
        let asset = Asset::exposed(Exposure::External).with_cluster_admin();

        let risk = risk_of(&asset, &["privileged", "host-path"]);

        assert_eq!(risk.score, 22);
        assert!(risk.factors.iter().all(|factor| factor.name != "floor"));
    }

    #[test]
    fn a_floor_holds_when_a_policy_weighs_the_finding_at_zero() {
        let asset = Asset::exposed(Exposure::Internet);

        let risk = risk_with(&asset, &["privileged"], &[("privileged", 0.0)]);

        assert_eq!(risk.score, 60);
    }

    #[test]
    fn a_score_already_above_the_floor_gets_no_floor_factor() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = risk_of(&asset, &["privileged", "host-path", "secret-in-env"]);

        assert_eq!(risk.score, 81);
        assert_eq!(risk.factors.len(), 3);
    }

    #[test]
    fn an_internet_crown_jewel_with_an_unauthenticated_entrypoint_is_at_least_high() {
        let asset = Asset::exposed(Exposure::Internet)
            .crown_jewel()
            .internet_through("web", Authentication::None);

        let risk = risk_with(
            &asset,
            &["unauthenticated-entrypoint"],
            &[("unauthenticated-entrypoint", 0.1)],
        );

        assert_eq!(risk.score, 40);
        assert_eq!(risk.level, RiskLevel::High);
        assert_eq!(
            factor(&risk, "floor").reason,
            "floor: exposure Internet with an unauthenticated entrypoint to a crown jewel is at \
             least 40 (High); raised from 19"
        );
    }

    #[test]
    fn an_unauthenticated_entrypoint_to_a_lesser_asset_has_no_floor() {
        let asset = Asset::exposed(Exposure::Internet)
            .classified(Criticality::High, DataSensitivity::Internal)
            .internet_through("web", Authentication::None);

        let risk = risk_of(&asset, &["unauthenticated-entrypoint"]);

        assert_eq!(risk.score, 35);
        assert_eq!(risk.level, RiskLevel::Medium);
        assert!(risk.factors.iter().all(|factor| factor.name != "floor"));
    }

    #[test]
    fn an_unauthenticated_crown_jewel_inside_the_cluster_has_no_floor() {
        let asset = Asset::exposed(Exposure::Cluster).crown_jewel();

        let risk = risk_of(&asset, &["unauthenticated-entrypoint"]);

        assert_eq!(risk.score, 18);
        assert_eq!(risk.factors.len(), 3);
    }

    #[test]
    fn points_are_shared_by_the_logarithm_of_each_term_over_its_lowest() {
        // Internet ×10 over isolated, unclassified ×2 over low, no finding ×1: a score of 5
        // splits 3.84 to 1.16, and the left-over point goes to the larger remainder.
        let asset = Asset::exposed(Exposure::Internet);

        let risk = risk_of(&asset, &[]);

        assert_eq!(risk.score, 5);
        assert_eq!(factor(&risk, "exposure").points, 4);
        assert_eq!(factor(&risk, "impact").points, 1);
        assert_eq!(factor(&risk, "findings").points, 0);
    }

    #[test]
    fn a_full_score_is_shared_among_all_three_terms() {
        let asset = Asset::exposed(Exposure::Internet).crown_jewel();

        let risk = certain_risk(&asset);

        let points: Vec<i32> = risk.factors.iter().map(|factor| factor.points).collect();
        assert_eq!(risk.score, 100);
        assert_eq!(points, [39, 23, 38]);
    }

    #[test]
    fn equal_remainders_give_the_left_over_point_to_the_earlier_term() {
        assert_eq!(apportion(1, &[1.0, 1.0]), [1, 0]);
        assert_eq!(apportion(3, &[0.0, 0.0, 0.0]), [1, 1, 1]);
        assert!(apportion(3, &[]).is_empty());
    }
}
