//! Findings: the weaknesses in one asset's configuration and context, each under a stable id
//! with a severity. The risk step weighs them and `AssetPolicy` requirements add their own.
//!
//! The step is pure: it reads [`AssetFacts`] and nothing else, and never talks to Kubernetes.
//! It leaves `since` empty; the controller stamps it with the time a finding was first seen.
//!
//! Where the checks live:
//! - `pod_security`: the Pod Security Standards, baseline and restricted, plus
//!   `writable-root-fs`, which they do not include.
//! - `images`: moving tags and missing digests.
//! - `secrets`: secrets written literally into container environments.
//! - `hardening`: the service account token and resource limits.
//! - `context`: entrypoints, NetworkPolicy, ownership, classification and annotations.
//!
//! Init containers are judged like the others. Ephemeral containers only exist on running
//! Pods (a pod template cannot hold them), so they are met only on a bare Pod; there they are
//! judged by the Pod Security Standards and for literal secrets, as the standards themselves
//! cover them, but not for images, resource limits (which the API forbids on them) or a
//! writable root filesystem: they are debugging tools added by hand, not part of what the
//! workload ships.

mod context;
mod hardening;
mod images;
mod pod;
mod pod_security;
mod secrets;

#[cfg(test)]
mod fixtures;

use crate::api::{Finding, Severity};

use super::facts::AssetFacts;

/// Every finding the asset's facts show, most severe first, then by id, then by message.
///
/// Each finding concerns one container, entrypoint, volume or the pod as a whole, and its
/// message names which; `since` is `None`. Any input gives an answer: missing fields are read
/// as Kubernetes defaults them, and nothing here panics.
pub fn findings(facts: &AssetFacts) -> Vec<Finding> {
    let mut found = pod_security::findings(facts.workload);
    found.extend(images::findings(&facts.spec.containers));
    found.extend(secrets::findings(facts.workload));
    found.extend(hardening::findings(facts.workload));
    found.extend(context::findings(facts));

    in_order(found)
}

fn in_order(mut found: Vec<Finding>) -> Vec<Finding> {
    found.sort_by(|a, b| {
        let by_severity = b.severity.cmp(&a.severity);
        by_severity
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.message.cmp(&b.message))
    });

    // Two paths can describe themselves alike (one Ingress reaching the workload through two
    // Services); one line says it.
    found.dedup_by(|a, b| a.id == b.id && a.message == b.message);
    found
}

/// The findings of the Pod Security Standards' restricted profile, which contains the
/// baseline one: what a workload may do to its node and to other pods. Policies require the
/// profile by these ids, and a change among them is a change of privileges.
pub const POD_SECURITY_IDS: [&str; 10] = [
    "privileged",
    "host-network",
    "host-pid",
    "host-ipc",
    "host-path",
    "host-port",
    "dangerous-capabilities",
    "privilege-escalation",
    "run-as-root",
    "no-seccomp",
];

/// The ids of every built-in finding, in the order of [`FindingId::ALL`].
pub fn all_ids() -> &'static [&'static str] {
    &IDS
}

const IDS: [&str; FindingId::ALL.len()] = {
    let mut ids = [""; FindingId::ALL.len()];
    let mut index = 0;
    while index < ids.len() {
        ids[index] = FindingId::ALL[index].id();
        index += 1;
    }
    ids
};

/// One built-in check: the id its findings carry and how severe they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable lower-kebab-case id.
    pub id: &'static str,
    /// The severity of its findings.
    pub severity: Severity,
    /// The higher severity of its worst case, for the checks that have one; `summary` says
    /// when it applies.
    pub raised: Option<Severity>,
    /// What the check looks for, and where it comes from.
    pub summary: &'static str,
}

/// The built-in checks. Their ids are part of the product contract: the risk step weighs
/// findings by them, and users filter and silence findings by them, so they never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingId {
    /// `privileged`
    Privileged,
    /// `host-network`
    HostNetwork,
    /// `host-pid`
    HostPid,
    /// `host-ipc`
    HostIpc,
    /// `host-path`
    HostPath,
    /// `host-port`
    HostPort,
    /// `dangerous-capabilities`
    DangerousCapabilities,
    /// `privilege-escalation`
    PrivilegeEscalation,
    /// `run-as-root`
    RunAsRoot,
    /// `no-seccomp`
    NoSeccomp,
    /// `writable-root-fs`
    WritableRootFs,
    /// `image-latest`
    ImageLatest,
    /// `image-no-digest`
    ImageNoDigest,
    /// `secret-in-env`
    SecretInEnv,
    /// `sa-token-automount`
    SaTokenAutomount,
    /// `no-resource-limits`
    NoResourceLimits,
    /// `ingress-no-tls`
    IngressNoTls,
    /// `no-network-policy`
    NoNetworkPolicy,
    /// `unauthenticated-entrypoint`
    UnauthenticatedEntrypoint,
    /// `unowned`
    Unowned,
    /// `unclassified`
    Unclassified,
    /// `invalid-annotation`
    InvalidAnnotation,
}

impl FindingId {
    /// Every built-in check, in the order of the product contract.
    pub const ALL: [FindingId; 22] = [
        FindingId::Privileged,
        FindingId::HostNetwork,
        FindingId::HostPid,
        FindingId::HostIpc,
        FindingId::HostPath,
        FindingId::HostPort,
        FindingId::DangerousCapabilities,
        FindingId::PrivilegeEscalation,
        FindingId::RunAsRoot,
        FindingId::NoSeccomp,
        FindingId::WritableRootFs,
        FindingId::ImageLatest,
        FindingId::ImageNoDigest,
        FindingId::SecretInEnv,
        FindingId::SaTokenAutomount,
        FindingId::NoResourceLimits,
        FindingId::IngressNoTls,
        FindingId::NoNetworkPolicy,
        FindingId::UnauthenticatedEntrypoint,
        FindingId::Unowned,
        FindingId::Unclassified,
        FindingId::InvalidAnnotation,
    ];

    /// The severity table: every check with its id, severity and what it looks for.
    ///
    /// Host access and privilege rank highest because they reach past the container to the
    /// node. Missing hardening that every default pod lacks (seccomp, a read-only root
    /// filesystem, limits) is low, so that it does not drown what is actually dangerous.
    pub const fn rule(self) -> Rule {
        use Severity::{Critical, High, Low, Medium};

        match self {
            FindingId::Privileged => rule(
                "privileged",
                Critical,
                "PSS baseline: a container runs privileged or as a Windows HostProcess container",
            ),
            FindingId::HostNetwork => rule(
                "host-network",
                High,
                "PSS baseline: the pods share the node's network namespace",
            ),
            FindingId::HostPid => rule(
                "host-pid",
                High,
                "PSS baseline: the pods share the node's process namespace",
            ),
            FindingId::HostIpc => rule(
                "host-ipc",
                High,
                "PSS baseline: the pods share the node's IPC namespace",
            ),
            FindingId::HostPath => rule(
                "host-path",
                High,
                "PSS baseline: a hostPath volume exposes the node's filesystem",
            ),
            FindingId::HostPort => rule(
                "host-port",
                Medium,
                "PSS baseline: a container opens a port on the node",
            ),
            FindingId::DangerousCapabilities => raised(
                "dangerous-capabilities",
                Low,
                High,
                "PSS restricted: a container does not drop ALL capabilities or adds one other \
                 than NET_BIND_SERVICE; high (PSS baseline) when it adds one beyond the \
                 baseline set",
            ),
            FindingId::PrivilegeEscalation => rule(
                "privilege-escalation",
                Medium,
                "PSS restricted: allowPrivilegeEscalation is not false, or is implied by \
                 privileged or CAP_SYS_ADMIN",
            ),
            FindingId::RunAsRoot => rule(
                "run-as-root",
                Medium,
                "PSS restricted: runAsNonRoot is not true, or runAsUser is 0",
            ),
            FindingId::NoSeccomp => rule(
                "no-seccomp",
                Low,
                "PSS restricted: no RuntimeDefault or Localhost seccomp profile applies",
            ),
            FindingId::WritableRootFs => rule(
                "writable-root-fs",
                Low,
                "not part of the Pod Security Standards: readOnlyRootFilesystem is not true",
            ),
            FindingId::ImageLatest => rule(
                "image-latest",
                Medium,
                "an image is tagged latest or not at all, and pins no digest",
            ),
            FindingId::ImageNoDigest => rule(
                "image-no-digest",
                Low,
                "no digest is known for an image, from its reference or the running pods",
            ),
            FindingId::SecretInEnv => raised(
                "secret-in-env",
                High,
                Critical,
                "a literal environment value holds a secret; critical for private keys and \
                 cloud provider keys",
            ),
            FindingId::SaTokenAutomount => rule(
                "sa-token-automount",
                Low,
                "the pods mount a service account token without opting out",
            ),
            FindingId::NoResourceLimits => rule(
                "no-resource-limits",
                Low,
                "a container lacks a cpu or memory limit",
            ),
            FindingId::IngressNoTls => raised(
                "ingress-no-tls",
                Medium,
                High,
                "an Ingress or route reachable from outside the cluster serves plain HTTP; \
                 high when reachable from the internet",
            ),
            FindingId::NoNetworkPolicy => rule(
                "no-network-policy",
                Medium,
                "reachable pods that no ingress NetworkPolicy selects",
            ),
            FindingId::UnauthenticatedEntrypoint => rule(
                "unauthenticated-entrypoint",
                Medium,
                "an entrypoint reachable from the internet shows no authentication",
            ),
            FindingId::Unowned => rule("unowned", Low, "no owner is recorded"),
            FindingId::Unclassified => rule(
                "unclassified",
                Low,
                "data sensitivity or criticality is unclassified",
            ),
            FindingId::InvalidAnnotation => rule(
                "invalid-annotation",
                Low,
                "an appasset.io annotation holds a value that is not allowed",
            ),
        }
    }

    /// The stable id, such as `host-path`.
    pub const fn id(self) -> &'static str {
        self.rule().id
    }

    /// The check with the id `id`, if it is a built-in one.
    pub fn parse(id: &str) -> Option<FindingId> {
        FindingId::ALL.into_iter().find(|check| check.id() == id)
    }

    /// A finding of this check, at its usual severity.
    fn finding(self, message: String) -> Finding {
        self.at(self.rule().severity, message)
    }

    /// A finding of this check's worst case, at its raised severity.
    fn raised_finding(self, message: String) -> Finding {
        let rule = self.rule();
        self.at(rule.raised.unwrap_or(rule.severity), message)
    }

    fn at(self, severity: Severity, message: String) -> Finding {
        Finding {
            id: self.id().to_string(),
            severity,
            message,
            since: None,
        }
    }
}

const fn rule(id: &'static str, severity: Severity, summary: &'static str) -> Rule {
    Rule {
        id,
        severity,
        raised: None,
        summary,
    }
}

const fn raised(
    id: &'static str,
    severity: Severity,
    raised: Severity,
    summary: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        raised: Some(raised),
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::Asset;
    use super::*;
    use crate::api::Exposure;
    use crate::engine::testing;
    use crate::engine::workload::Workload;
    use serde_json::json;

    #[test]
    fn ids_are_the_ones_the_product_contract_lists() {
        let contract = [
            "privileged",
            "host-network",
            "host-pid",
            "host-ipc",
            "host-path",
            "host-port",
            "dangerous-capabilities",
            "privilege-escalation",
            "run-as-root",
            "no-seccomp",
            "writable-root-fs",
            "image-latest",
            "image-no-digest",
            "secret-in-env",
            "sa-token-automount",
            "no-resource-limits",
            "ingress-no-tls",
            "no-network-policy",
            "unauthenticated-entrypoint",
            "unowned",
            "unclassified",
            "invalid-annotation",
        ];

        assert_eq!(all_ids(), contract);
    }

    #[test]
    fn every_id_parses_back_to_its_check() {
        for check in FindingId::ALL {
            assert_eq!(FindingId::parse(check.id()), Some(check));
        }
        assert_eq!(FindingId::parse("no-such-check"), None);
    }

    #[test]
    fn a_raised_severity_is_always_above_the_usual_one() {
        for check in FindingId::ALL {
            let rule = check.rule();
            if let Some(raised) = rule.raised {
                assert!(raised > rule.severity, "{}", rule.id);
            }
        }
    }

    #[test]
    fn findings_come_most_severe_first_then_by_id_then_by_message() {
        let asset = Asset::deployment(json!({
            "hostNetwork": true,
            "containers": [
                { "name": "b", "image": "app:1", "securityContext": { "privileged": true } },
                { "name": "a", "image": "app:1", "securityContext": { "privileged": true } },
            ],
        }));

        let found = asset.findings();

        assert_eq!(found[0].message, "container a runs privileged");
        assert_eq!(found[1].message, "container b runs privileged");
        for pair in found.windows(2) {
            let (first, second) = (&pair[0], &pair[1]);
            let in_order = first.severity > second.severity
                || (first.severity == second.severity
                    && (&first.id, &first.message) < (&second.id, &second.message));
            assert!(in_order, "{first:?} before {second:?}");
        }
    }

    #[test]
    fn findings_leave_since_for_the_controller() {
        let asset = Asset::deployment(testing::running("nginx"));

        assert!(
            asset
                .findings()
                .iter()
                .all(|finding| finding.since.is_none())
        );
    }

    #[test]
    fn a_hardened_owned_and_classified_workload_has_no_findings() {
        let asset = Asset::deployment(json!({
            "automountServiceAccountToken": false,
            "securityContext": {
                "runAsNonRoot": true,
                "seccompProfile": { "type": "RuntimeDefault" },
            },
            "containers": [{
                "name": "web",
                "image": "shop/web:1.4.2@sha256:4c1e9b0d",
                "resources": { "limits": { "cpu": "500m", "memory": "256Mi" } },
                "securityContext": {
                    "allowPrivilegeEscalation": false,
                    "readOnlyRootFilesystem": true,
                    "capabilities": { "drop": ["ALL"] },
                },
            }],
        }))
        .owned()
        .classified()
        .exposed(Exposure::Isolated);

        assert_eq!(asset.findings(), []);
    }

    #[test]
    fn a_workload_without_pod_spec_gives_only_context_findings() {
        let asset = Asset::of(Workload::from_deployment(Default::default()));

        let ids: Vec<String> = asset.findings().into_iter().map(|f| f.id).collect();

        assert_eq!(ids, ["no-network-policy", "unclassified", "unowned"]);
    }
}
