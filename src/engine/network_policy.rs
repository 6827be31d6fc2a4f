//! Who may open a connection to a workload's pods, by the NetworkPolicies that select them,
//! read with Kubernetes' own semantics.
//!
//! The question answered is coarse on purpose: can any pod in the cluster connect (Open), only
//! some sources (Restricted), or none (Isolated)? Finding exactly which namespaces and pods a
//! peer admits would need every namespace's labels and every pod; this module looks at the
//! policies alone and never guesses about objects it was not given.
//!
//! NetworkPolicy only binds pods on the pod network. Pods with `hostNetwork: true` ignore it,
//! and the kubelet's own probes from the pod's node are always let in; neither is judged here.

use std::collections::BTreeMap;
use std::net::IpAddr;

use k8s_openapi::api::networking::v1::{
    IPBlock, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::selector::{label_selector_is_empty, label_selector_matches};

/// The namespace of an object whose manifest names none, as `appasset scan` reads it and as
/// `kubectl apply` without `-n` would create it.
const DEFAULT_NAMESPACE: &str = "default";

/// Who may connect to a pod, by the ingress NetworkPolicies that select it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngressVerdict {
    /// Any pod in the cluster may connect: no ingress policy selects the pod, or one of the
    /// policies that do allows every source.
    Open,
    /// Ingress policies select the pod and allow only some sources.
    Restricted,
    /// Ingress policies select the pod and none of them has an ingress rule: a default deny
    /// with no allow.
    Isolated,
}

/// The ingress verdict for a pod and the policies that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressIsolation {
    /// Who may connect.
    pub verdict: IngressVerdict,
    /// Names of the ingress policies that select the pod, sorted, without repeats. Empty when no
    /// ingress policy selects the pod.
    pub policies: Vec<String>,
}

/// How NetworkPolicy limits connections into a pod of `namespace` carrying `pod_labels`.
///
/// `policies` may span every namespace; only those of `namespace` count (a policy with no
/// namespace is taken to be in `default`). Kubernetes isolates a pod for ingress once any
/// policy whose types include `Ingress` selects it, and then admits exactly the union of those
/// policies' ingress rules, so one rule that admits every source keeps the pod Open whatever
/// the other policies say.
///
/// A rule admits every source when its `from` is absent or empty, or when one of its peers is
/// an `ipBlock` covering a whole address family (`0.0.0.0/0`, `::/0`) with no `except`, or a
/// `namespaceSelector: {}` with no or an empty `podSelector`. The rule's `ports` do not change
/// the verdict: a rule open to anyone on one port still lets anyone in on that port.
///
/// A rule whose peers all name sources that may not exist (a pod label nobody carries, a peer
/// with no field set) still counts as Restricted, not Isolated: whether anything matches depends
/// on objects this function does not see.
pub fn ingress_isolation<'a>(
    namespace: &str,
    pod_labels: &BTreeMap<String, String>,
    policies: impl IntoIterator<Item = &'a NetworkPolicy>,
) -> IngressIsolation {
    let ingress_policies: Vec<&NetworkPolicy> = selecting(namespace, pod_labels, policies)
        .filter(|policy| isolates_ingress(policy))
        .collect();

    IngressIsolation {
        verdict: verdict(&ingress_policies),
        policies: sorted_names(ingress_policies),
    }
}

/// Names of every policy of `namespace` that selects a pod carrying `pod_labels`, for ingress,
/// egress or both; sorted, without repeats. This is the asset's `spec.networkPolicies`.
///
/// As in [`ingress_isolation`], a policy with no namespace is taken to be in `default`. A policy
/// with no name cannot be listed and is left out.
pub fn selecting_policies<'a>(
    namespace: &str,
    pod_labels: &BTreeMap<String, String>,
    policies: impl IntoIterator<Item = &'a NetworkPolicy>,
) -> Vec<String> {
    sorted_names(selecting(namespace, pod_labels, policies))
}

fn selecting<'a, 'b>(
    namespace: &'b str,
    pod_labels: &'b BTreeMap<String, String>,
    policies: impl IntoIterator<Item = &'a NetworkPolicy> + 'b,
) -> impl Iterator<Item = &'a NetworkPolicy> + 'b
where
    'a: 'b,
{
    policies
        .into_iter()
        .filter(move |policy| namespace_of(policy) == namespace)
        .filter(move |policy| {
            pod_selector(policy).is_none_or(|s| label_selector_matches(s, pod_labels))
        })
}

fn verdict(ingress_policies: &[&NetworkPolicy]) -> IngressVerdict {
    let rules: Vec<&NetworkPolicyIngressRule> = ingress_policies
        .iter()
        .flat_map(|policy| ingress_rules(policy))
        .collect();

    if ingress_policies.is_empty() || rules.iter().any(|rule| admits_every_source(rule)) {
        IngressVerdict::Open
    } else if rules.is_empty() {
        IngressVerdict::Isolated
    } else {
        IngressVerdict::Restricted
    }
}

/// Kubernetes defaults an absent (or empty) `policyTypes` to `Ingress`, plus `Egress` only when
/// egress rules exist, so every policy that names no types isolates ingress, even one that
/// has nothing but egress rules. Only an explicit list without `Ingress` opts out.
fn isolates_ingress(policy: &NetworkPolicy) -> bool {
    match policy_types(policy) {
        [] => true,
        types => types.iter().any(|policy_type| policy_type == "Ingress"),
    }
}

fn admits_every_source(rule: &NetworkPolicyIngressRule) -> bool {
    match rule.from.as_deref() {
        None | Some([]) => true,
        Some(peers) => peers.iter().any(is_every_source),
    }
}

/// The API server lets a peer set either `ipBlock` or the selectors, never both; a file that
/// sets both anyway is judged by its `ipBlock` alone.
fn is_every_source(peer: &NetworkPolicyPeer) -> bool {
    match (&peer.ip_block, &peer.namespace_selector) {
        (Some(block), _) => covers_every_address(block),
        (None, Some(namespaces)) => {
            label_selector_is_empty(namespaces)
                && peer
                    .pod_selector
                    .as_ref()
                    .is_none_or(label_selector_is_empty)
        }
        // A bare podSelector, even an empty one, admits only pods of the policy's own namespace.
        (None, None) => false,
    }
}

/// Any address with a zero prefix length covers its whole family: Kubernetes masks the address,
/// so `10.0.0.0/0` admits as much as `0.0.0.0/0`.
fn covers_every_address(block: &IPBlock) -> bool {
    let no_exceptions = block.except.as_ref().is_none_or(Vec::is_empty);

    let whole_family = block.cidr.split_once('/').is_some_and(|(address, prefix)| {
        prefix.parse::<u8>() == Ok(0) && address.parse::<IpAddr>().is_ok()
    });

    no_exceptions && whole_family
}

fn namespace_of(policy: &NetworkPolicy) -> &str {
    match policy.metadata.namespace.as_deref() {
        None | Some("") => DEFAULT_NAMESPACE,
        Some(namespace) => namespace,
    }
}

/// A policy with no `spec` at all is read as `spec: {}`, which is what the API server stores for
/// it: every pod of the namespace, no ingress allowed.
fn pod_selector(policy: &NetworkPolicy) -> Option<&LabelSelector> {
    policy.spec.as_ref()?.pod_selector.as_ref()
}

fn policy_types(policy: &NetworkPolicy) -> &[String] {
    let spec = policy.spec.as_ref();

    spec.and_then(|spec| spec.policy_types.as_deref())
        .unwrap_or_default()
}

fn ingress_rules(policy: &NetworkPolicy) -> &[NetworkPolicyIngressRule] {
    let spec = policy.spec.as_ref();

    spec.and_then(|spec| spec.ingress.as_deref())
        .unwrap_or_default()
}

fn sorted_names<'a>(policies: impl IntoIterator<Item = &'a NetworkPolicy>) -> Vec<String> {
    let mut names: Vec<String> = policies
        .into_iter()
        .filter_map(|policy| policy.metadata.name.clone())
        .collect();

    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::engine::testing::{labels, parse};

    fn policy(manifest: Value) -> NetworkPolicy {
        parse(manifest)
    }

    fn web() -> BTreeMap<String, String> {
        labels(json!({ "app": "web" }))
    }

    /// A policy in `shop` selecting `app: web` with the given ingress rules.
    fn web_ingress(name: &str, ingress: Value) -> NetworkPolicy {
        policy(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": "shop" },
            "spec": {
                "podSelector": { "matchLabels": { "app": "web" } },
                "policyTypes": ["Ingress"],
                "ingress": ingress
            }
        }))
    }

    fn deny_all(namespace: &str) -> NetworkPolicy {
        policy(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": "deny-all", "namespace": namespace },
            "spec": { "podSelector": {}, "policyTypes": ["Ingress"] }
        }))
    }

    fn verdict_for(policies: &[NetworkPolicy]) -> IngressVerdict {
        ingress_isolation("shop", &web(), policies).verdict
    }

    #[test]
    fn pod_selected_by_no_policy_is_open() {
        let isolation = ingress_isolation("shop", &web(), &[]);

        assert_eq!(isolation.verdict, IngressVerdict::Open);
        assert!(isolation.policies.is_empty());
    }

    #[test]
    fn policy_for_other_pods_leaves_pod_open() {
        let api_only = policy(json!({
            "metadata": { "name": "api-deny", "namespace": "shop" },
            "spec": { "podSelector": { "matchLabels": { "app": "api" } } }
        }));

        let isolation = ingress_isolation("shop", &web(), &[api_only]);

        assert_eq!(isolation.verdict, IngressVerdict::Open);
        assert!(isolation.policies.is_empty());
    }

    #[test]
    fn default_deny_isolates_every_pod_of_its_namespace() {
        let isolation = ingress_isolation("shop", &web(), &[deny_all("shop")]);

        assert_eq!(isolation.verdict, IngressVerdict::Isolated);
        assert_eq!(isolation.policies, ["deny-all"]);
    }

    #[test]
    fn empty_spec_is_a_default_deny() {
        let bare = policy(json!({
            "metadata": { "name": "bare", "namespace": "shop" },
            "spec": {}
        }));

        assert_eq!(verdict_for(&[bare]), IngressVerdict::Isolated);
    }

    #[test]
    fn pod_selector_uses_match_expressions() {
        let not_canary = policy(json!({
            "metadata": { "name": "stable-only", "namespace": "shop" },
            "spec": {
                "podSelector": {
                    "matchExpressions": [
                        { "key": "track", "operator": "NotIn", "values": ["canary"] }
                    ]
                }
            }
        }));

        let stable = labels(json!({ "app": "web", "track": "stable" }));
        let canary = labels(json!({ "app": "web", "track": "canary" }));
        let policies = [not_canary];

        assert_eq!(
            ingress_isolation("shop", &stable, &policies).verdict,
            IngressVerdict::Isolated
        );
        assert_eq!(
            ingress_isolation("shop", &canary, &policies).verdict,
            IngressVerdict::Open
        );
    }

    #[test]
    fn absent_policy_types_isolate_ingress_even_with_only_egress_rules() {
        let egress_rules_only = policy(json!({
            "metadata": { "name": "web-egress", "namespace": "shop" },
            "spec": {
                "podSelector": { "matchLabels": { "app": "web" } },
                "egress": [{ "to": [{ "podSelector": { "matchLabels": { "app": "db" } } }] }]
            }
        }));

        let isolation = ingress_isolation("shop", &web(), &[egress_rules_only]);

        assert_eq!(isolation.verdict, IngressVerdict::Isolated);
        assert_eq!(isolation.policies, ["web-egress"]);
    }

    #[test]
    fn empty_policy_types_default_like_absent_ones() {
        let empty_types = policy(json!({
            "metadata": { "name": "web-deny", "namespace": "shop" },
            "spec": { "podSelector": {}, "policyTypes": [] }
        }));

        assert_eq!(verdict_for(&[empty_types]), IngressVerdict::Isolated);
    }

    #[test]
    fn egress_only_policy_does_not_isolate_ingress() {
        let egress_only = policy(json!({
            "metadata": { "name": "deny-egress", "namespace": "shop" },
            "spec": { "podSelector": {}, "policyTypes": ["Egress"] }
        }));

        let isolation = ingress_isolation("shop", &web(), &[egress_only]);

        assert_eq!(isolation.verdict, IngressVerdict::Open);
        assert!(isolation.policies.is_empty());
    }

    #[test]
    fn empty_ingress_rule_admits_every_source() {
        // Online Boutique's frontend policy, next to its namespace-wide deny-all.
        let frontend = policy(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": "frontend", "namespace": "shop" },
            "spec": {
                "podSelector": { "matchLabels": { "app": "frontend" } },
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{}],
                "egress": [{}]
            }
        }));
        let deny_everything = policy(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": { "name": "deny-all", "namespace": "shop" },
            "spec": { "podSelector": {}, "policyTypes": ["Ingress", "Egress"] }
        }));
        let pod = labels(json!({ "app": "frontend" }));

        let isolation = ingress_isolation("shop", &pod, &[frontend, deny_everything]);

        assert_eq!(isolation.verdict, IngressVerdict::Open);
        assert_eq!(isolation.policies, ["deny-all", "frontend"]);
    }

    #[test]
    fn rule_with_empty_from_admits_every_source() {
        let empty_from = web_ingress("web", json!([{ "from": [] }]));

        assert_eq!(verdict_for(&[empty_from]), IngressVerdict::Open);
    }

    #[test]
    fn ports_do_not_narrow_a_rule_open_to_every_source() {
        let https_from_anyone = web_ingress("web", json!([{ "ports": [{ "port": 443 }] }]));

        assert_eq!(verdict_for(&[https_from_anyone]), IngressVerdict::Open);
    }

    #[test]
    fn rule_from_pod_selector_is_restricted() {
        let from_frontend = web_ingress(
            "web",
            json!([{
                "from": [{ "podSelector": { "matchLabels": { "app": "frontend" } } }],
                "ports": [{ "port": 8080, "protocol": "TCP" }]
            }]),
        );

        assert_eq!(verdict_for(&[from_frontend]), IngressVerdict::Restricted);
    }

    #[test]
    fn rule_from_empty_pod_selector_is_restricted_to_own_namespace() {
        let same_namespace = web_ingress("web", json!([{ "from": [{ "podSelector": {} }] }]));

        assert_eq!(verdict_for(&[same_namespace]), IngressVerdict::Restricted);
    }

    #[test]
    fn ip_block_of_every_ipv4_address_is_open() {
        let anywhere = web_ingress(
            "web",
            json!([{ "from": [{ "ipBlock": { "cidr": "0.0.0.0/0" } }] }]),
        );

        assert_eq!(verdict_for(&[anywhere]), IngressVerdict::Open);
    }

    #[test]
    fn ip_block_of_every_ipv6_address_is_open() {
        let anywhere = web_ingress(
            "web",
            json!([{ "from": [{ "ipBlock": { "cidr": "::/0" } }] }]),
        );

        assert_eq!(verdict_for(&[anywhere]), IngressVerdict::Open);
    }

    #[test]
    fn ip_block_with_empty_except_is_open() {
        let anywhere = web_ingress(
            "web",
            json!([{ "from": [{ "ipBlock": { "cidr": "0.0.0.0/0", "except": [] } }] }]),
        );

        assert_eq!(verdict_for(&[anywhere]), IngressVerdict::Open);
    }

    #[test]
    fn ip_block_of_every_address_with_except_is_restricted() {
        let all_but_metadata = web_ingress(
            "web",
            json!([{
                "from": [{ "ipBlock": { "cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"] } }]
            }]),
        );

        assert_eq!(verdict_for(&[all_but_metadata]), IngressVerdict::Restricted);
    }

    #[test]
    fn ip_block_of_a_range_is_restricted() {
        let office = web_ingress(
            "web",
            json!([{ "from": [{ "ipBlock": { "cidr": "10.0.0.0/8" } }] }]),
        );
        let malformed = web_ingress(
            "web",
            json!([{ "from": [{ "ipBlock": { "cidr": "any/0" } }] }]),
        );

        assert_eq!(verdict_for(&[office]), IngressVerdict::Restricted);
        assert_eq!(verdict_for(&[malformed]), IngressVerdict::Restricted);
    }

    #[test]
    fn empty_namespace_selector_is_open() {
        let every_namespace =
            web_ingress("web", json!([{ "from": [{ "namespaceSelector": {} }] }]));

        assert_eq!(verdict_for(&[every_namespace]), IngressVerdict::Open);
    }

    #[test]
    fn empty_namespace_and_pod_selectors_are_open() {
        let every_pod = web_ingress(
            "web",
            json!([{ "from": [{ "namespaceSelector": {}, "podSelector": {} }] }]),
        );

        assert_eq!(verdict_for(&[every_pod]), IngressVerdict::Open);
    }

    #[test]
    fn empty_namespace_selector_with_pod_labels_is_restricted() {
        let monitoring_pods = web_ingress(
            "web",
            json!([{
                "from": [{
                    "namespaceSelector": {},
                    "podSelector": { "matchLabels": { "app": "prometheus" } }
                }]
            }]),
        );

        assert_eq!(verdict_for(&[monitoring_pods]), IngressVerdict::Restricted);
    }

    #[test]
    fn labelled_namespace_selector_is_restricted() {
        let ingress_namespace = web_ingress(
            "web",
            json!([{
                "from": [{
                    "namespaceSelector": {
                        "matchLabels": { "kubernetes.io/metadata.name": "ingress-nginx" }
                    }
                }]
            }]),
        );

        assert_eq!(
            verdict_for(&[ingress_namespace]),
            IngressVerdict::Restricted
        );
    }

    #[test]
    fn one_peer_admitting_every_source_opens_the_rule() {
        let mixed = web_ingress(
            "web",
            json!([{
                "from": [
                    { "podSelector": { "matchLabels": { "app": "frontend" } } },
                    { "ipBlock": { "cidr": "0.0.0.0/0" } }
                ]
            }]),
        );

        assert_eq!(verdict_for(&[mixed]), IngressVerdict::Open);
    }

    #[test]
    fn policy_in_another_namespace_is_ignored() {
        let isolation = ingress_isolation("shop", &web(), &[deny_all("billing")]);

        assert_eq!(isolation.verdict, IngressVerdict::Open);
        assert!(isolation.policies.is_empty());
    }

    #[test]
    fn policy_without_namespace_is_in_default() {
        let no_namespace = policy(json!({
            "metadata": { "name": "deny-all" },
            "spec": { "podSelector": {} }
        }));
        let policies = [no_namespace];

        assert_eq!(
            ingress_isolation("default", &web(), &policies).verdict,
            IngressVerdict::Isolated
        );
        assert_eq!(
            ingress_isolation("shop", &web(), &policies).verdict,
            IngressVerdict::Open
        );
    }

    #[test]
    fn union_with_one_policy_admitting_every_source_is_open() {
        let from_frontend = web_ingress(
            "from-frontend",
            json!([{ "from": [{ "podSelector": { "matchLabels": { "app": "frontend" } } }] }]),
        );
        let from_anywhere = web_ingress("from-anywhere", json!([{}]));

        let isolation = ingress_isolation("shop", &web(), &[from_frontend, from_anywhere]);

        assert_eq!(isolation.verdict, IngressVerdict::Open);
        assert_eq!(isolation.policies, ["from-anywhere", "from-frontend"]);
    }

    #[test]
    fn union_of_default_deny_and_limited_allow_is_restricted() {
        let from_frontend = web_ingress(
            "from-frontend",
            json!([{ "from": [{ "podSelector": { "matchLabels": { "app": "frontend" } } }] }]),
        );

        let isolation = ingress_isolation("shop", &web(), &[deny_all("shop"), from_frontend]);

        assert_eq!(isolation.verdict, IngressVerdict::Restricted);
        assert_eq!(isolation.policies, ["deny-all", "from-frontend"]);
    }

    #[test]
    fn ingress_policies_leave_out_egress_only_ones() {
        let egress_only = policy(json!({
            "metadata": { "name": "deny-egress", "namespace": "shop" },
            "spec": { "podSelector": {}, "policyTypes": ["Egress"] }
        }));

        let isolation = ingress_isolation("shop", &web(), &[egress_only, deny_all("shop")]);

        assert_eq!(isolation.policies, ["deny-all"]);
    }

    #[test]
    fn selecting_policies_list_ingress_and_egress_policies_sorted() {
        let egress_only = policy(json!({
            "metadata": { "name": "deny-egress", "namespace": "shop" },
            "spec": { "podSelector": {}, "policyTypes": ["Egress"] }
        }));
        let from_anywhere = web_ingress("allow-web", json!([{}]));

        let names = selecting_policies(
            "shop",
            &web(),
            &[egress_only, deny_all("shop"), from_anywhere],
        );

        assert_eq!(names, ["allow-web", "deny-all", "deny-egress"]);
    }

    #[test]
    fn selecting_policies_leave_out_other_pods_and_namespaces() {
        let api_only = policy(json!({
            "metadata": { "name": "api", "namespace": "shop" },
            "spec": { "podSelector": { "matchLabels": { "app": "api" } } }
        }));

        let names = selecting_policies("shop", &web(), &[api_only, deny_all("billing")]);

        assert!(names.is_empty());
    }

    #[test]
    fn selecting_policies_list_a_repeated_name_once() {
        let policies = [deny_all("shop"), deny_all("shop")];

        assert_eq!(selecting_policies("shop", &web(), &policies), ["deny-all"]);
    }
}
