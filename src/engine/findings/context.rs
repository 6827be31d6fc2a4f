//! Findings about the asset's context rather than its pods: how its entrypoints are served,
//! whether a NetworkPolicy guards it, and whether anyone owns and classified it.

use super::FindingId;
use crate::api::{Authentication, Criticality, DataSensitivity, Entrypoint, Exposure, Finding};
use crate::engine::classification::{CRITICALITY, DATA_CLASSIFICATION};
use crate::engine::facts::AssetFacts;

/// Kinds of entrypoint that serve HTTP at a proxy, where TLS is expected.
const HTTP_KINDS: [&str; 3] = ["Ingress", "HTTPRoute", "GRPCRoute"];

/// The context findings of the asset.
pub(super) fn findings(facts: &AssetFacts) -> Vec<Finding> {
    let entrypoints = &facts.spec.entrypoints;

    let mut found: Vec<Finding> = entrypoints.iter().filter_map(plain_http).collect();
    found.extend(entrypoints.iter().filter_map(unauthenticated));
    found.extend(no_network_policy(facts));
    found.extend(unowned(facts));
    found.extend(unclassified(facts));
    found.extend(invalid_annotations(facts));
    found
}

fn label(entrypoint: &Entrypoint) -> String {
    format!("{} {}", entrypoint.kind, entrypoint.name)
}

/// Where traffic can come from at `scope`, as the end of a sentence.
fn reach(scope: Exposure) -> &'static str {
    match scope {
        Exposure::Internet => "from the internet",
        Exposure::External => "from outside the cluster",
        Exposure::Cluster => "from any pod in the cluster",
        Exposure::Restricted => "from the sources NetworkPolicy admits",
        Exposure::Isolated => "from nowhere",
    }
}

/// `ingress-no-tls`: an HTTP entrypoint reachable from outside the cluster without TLS.
fn plain_http(entrypoint: &Entrypoint) -> Option<Finding> {
    let outside = entrypoint.scope >= Exposure::External;
    if entrypoint.tls || !outside || !HTTP_KINDS.contains(&entrypoint.kind.as_str()) {
        return None;
    }

    let hosts = if entrypoint.hosts.is_empty() {
        "every host".to_string()
    } else {
        entrypoint.hosts.join(", ")
    };
    let message = format!(
        "{} serves {hosts} without TLS {}",
        label(entrypoint),
        reach(entrypoint.scope)
    );

    let check = FindingId::IngressNoTls;
    Some(if entrypoint.scope == Exposure::Internet {
        check.raised_finding(message)
    } else {
        check.finding(message)
    })
}

/// `unauthenticated-entrypoint`: a path from the internet with no sign of authentication.
/// `Unknown` is not a finding: the path is not one the engine can read authentication on (a
/// LoadBalancer Service carrying its own protocol), so there is no signal either way.
fn unauthenticated(entrypoint: &Entrypoint) -> Option<Finding> {
    let internet = entrypoint.scope == Exposure::Internet;
    if !internet || entrypoint.authentication != Authentication::None {
        return None;
    }

    let message = format!(
        "{} is reachable from the internet with no authentication in front of it",
        label(entrypoint)
    );
    Some(FindingId::UnauthenticatedEntrypoint.finding(message))
}

/// `no-network-policy`: pods that something can reach and that no ingress NetworkPolicy
/// selects, so nothing limits who connects.
fn no_network_policy(facts: &AssetFacts) -> Option<Finding> {
    let reachable = facts.exposure > Exposure::Isolated;
    if !reachable || !facts.isolation.policies.is_empty() {
        return None;
    }

    let message = format!(
        "no ingress NetworkPolicy selects the pods, which are reachable {}",
        reach(facts.exposure)
    );
    Some(FindingId::NoNetworkPolicy.finding(message))
}

fn unowned(facts: &AssetFacts) -> Option<Finding> {
    if facts.spec.owner.is_some() {
        return None;
    }

    let workload = facts.workload;
    let message = format!(
        "no owner is recorded for {} {}: label or annotate it or its namespace with \
         appasset.io/owner",
        workload.kind.as_str(),
        workload.name()
    );
    Some(FindingId::Unowned.finding(message))
}

/// `unclassified`: one finding when either value is unclassified, saying which.
fn unclassified(facts: &AssetFacts) -> Option<Finding> {
    let classification = &facts.spec.classification;
    let data = classification.data_sensitivity == DataSensitivity::Unclassified;
    let criticality = classification.criticality == Criticality::Unclassified;

    let message = match (data, criticality) {
        (true, true) => format!(
            "data sensitivity and criticality are unclassified: annotate {DATA_CLASSIFICATION} \
             and {CRITICALITY}"
        ),
        (true, false) => {
            format!("data sensitivity is unclassified: annotate {DATA_CLASSIFICATION}")
        }
        (false, true) => format!("criticality is unclassified: annotate {CRITICALITY}"),
        (false, false) => return None,
    };
    Some(FindingId::Unclassified.finding(message))
}

fn invalid_annotations(facts: &AssetFacts) -> Vec<Finding> {
    let problems = facts.problems.iter();

    problems
        .map(|problem| FindingId::InvalidAnnotation.finding(problem.message()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{Asset, entrypoint};
    use crate::api::{
        Authentication, Criticality, DataSensitivity, Entrypoint, Exposure, Severity,
    };
    use crate::engine::classification::AnnotationProblem;
    use crate::engine::network_policy::IngressVerdict;
    use crate::engine::testing;

    fn web() -> Asset {
        Asset::deployment(testing::running("shop/web:1.0"))
            .owned()
            .classified()
    }

    #[test]
    fn an_internet_ingress_without_tls_is_high() {
        let ingress = entrypoint("Ingress", "web", Exposure::Internet);
        let asset = web().reached_by(ingress);

        let found = asset.findings_of("ingress-no-tls");

        assert_eq!(found[0].severity, Severity::High);
        assert_eq!(
            found[0].message,
            "Ingress shop/web serves shop.example.com without TLS from the internet"
        );
    }

    #[test]
    fn an_internal_http_route_without_tls_is_medium() {
        let route = entrypoint("HTTPRoute", "web", Exposure::External);
        let asset = web().reached_by(route);

        let found = asset.findings_of("ingress-no-tls");

        assert_eq!(found[0].severity, Severity::Medium);
        assert!(found[0].message.ends_with("from outside the cluster"));
    }

    #[test]
    fn an_ingress_with_tls_is_fine() {
        let ingress = Entrypoint {
            tls: true,
            ..entrypoint("Ingress", "web", Exposure::Internet)
        };
        let asset = web().reached_by(ingress);

        assert!(asset.findings_of("ingress-no-tls").is_empty());
    }

    #[test]
    fn a_load_balancer_service_is_not_judged_for_tls() {
        let service = Entrypoint {
            authentication: Authentication::Unknown,
            ..entrypoint("Service", "web", Exposure::Internet)
        };
        let asset = web().reached_by(service);

        assert!(asset.findings_of("ingress-no-tls").is_empty());
    }

    #[test]
    fn a_cluster_only_ingress_is_not_judged_for_tls() {
        let ingress = entrypoint("Ingress", "web", Exposure::Cluster);
        let asset = web().reached_by(ingress);

        assert!(asset.findings_of("ingress-no-tls").is_empty());
    }

    #[test]
    fn an_internet_entrypoint_without_authentication_is_a_finding() {
        let ingress = Entrypoint {
            tls: true,
            ..entrypoint("Ingress", "web", Exposure::Internet)
        };
        let asset = web().reached_by(ingress);

        assert_eq!(
            asset.messages_of("unauthenticated-entrypoint"),
            [
                "Ingress shop/web is reachable from the internet with no authentication in \
                 front of it"
            ]
        );
    }

    #[test]
    fn unknown_authentication_is_not_a_finding() {
        let service = Entrypoint {
            authentication: Authentication::Unknown,
            ..entrypoint("Service", "web", Exposure::Internet)
        };
        let asset = web().reached_by(service);

        assert!(asset.findings_of("unauthenticated-entrypoint").is_empty());
    }

    #[test]
    fn authenticated_or_internal_entrypoints_are_fine() {
        let oidc = Entrypoint {
            tls: true,
            authentication: Authentication::Oidc,
            ..entrypoint("Ingress", "web", Exposure::Internet)
        };
        let internal = Entrypoint {
            tls: true,
            ..entrypoint("Ingress", "admin", Exposure::External)
        };
        let asset = web().reached_by(oidc).reached_by(internal);

        assert!(asset.findings_of("unauthenticated-entrypoint").is_empty());
    }

    #[test]
    fn reachable_pods_without_an_ingress_policy_are_a_finding() {
        let asset = web().exposed(Exposure::Cluster);

        let found = asset.findings_of("no-network-policy");

        assert_eq!(found[0].severity, Severity::Medium);
        assert_eq!(
            found[0].message,
            "no ingress NetworkPolicy selects the pods, which are reachable from any pod in the \
             cluster"
        );
    }

    #[test]
    fn pods_selected_by_an_ingress_policy_are_fine() {
        let asset = web()
            .exposed(Exposure::Restricted)
            .selected_by(IngressVerdict::Restricted, &["allow-frontend"]);

        assert!(asset.findings_of("no-network-policy").is_empty());
    }

    #[test]
    fn isolated_pods_need_no_policy() {
        let asset = web().exposed(Exposure::Isolated);

        assert!(asset.findings_of("no-network-policy").is_empty());
    }

    #[test]
    fn an_asset_without_owner_is_unowned() {
        let asset = Asset::deployment(testing::running("shop/web:1.0")).classified();

        assert_eq!(
            asset.messages_of("unowned"),
            [
                "no owner is recorded for Deployment web: label or annotate it or its namespace \
                 with appasset.io/owner"
            ]
        );
        assert!(web().findings_of("unowned").is_empty());
    }

    #[test]
    fn unclassified_says_which_value_is_missing() {
        let running = || Asset::deployment(testing::running("shop/web:1.0")).owned();
        let both = running();
        let data = running().classified_as(DataSensitivity::Unclassified, Criticality::High);
        let criticality =
            running().classified_as(DataSensitivity::Internal, Criticality::Unclassified);

        assert_eq!(
            both.messages_of("unclassified"),
            [
                "data sensitivity and criticality are unclassified: annotate \
                 appasset.io/data-classification and appasset.io/criticality"
            ]
        );
        assert_eq!(
            data.messages_of("unclassified"),
            ["data sensitivity is unclassified: annotate appasset.io/data-classification"]
        );
        assert_eq!(
            criticality.messages_of("unclassified"),
            ["criticality is unclassified: annotate appasset.io/criticality"]
        );
        assert!(web().findings_of("unclassified").is_empty());
    }

    #[test]
    fn each_annotation_problem_is_a_finding_with_its_message() {
        let problem = AnnotationProblem {
            object: "Deployment web".to_string(),
            key: "appasset.io/criticality".to_string(),
            value: "crown-jewels".to_string(),
            allowed: "crown-jewel, high, medium, low, unclassified".to_string(),
        };
        let expected = problem.message();
        let asset = web().with_problem(problem);

        let found = asset.findings_of("invalid-annotation");

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Low);
        assert_eq!(found[0].message, expected);
    }
}
