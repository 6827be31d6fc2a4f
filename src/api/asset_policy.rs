//! The `AssetPolicy` resource: cluster-wide rules that pick assets by classification,
//! namespace or labels, state what those assets must satisfy, and override the weights their
//! findings carry in the risk score. The engine's `policy` step reads it; nothing here judges.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kube::CustomResource;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::{Criticality, DataSensitivity, Severity};

/// What a policy asks of the assets it selects, and how it weighs their findings.
// Each printer column repeats `type_` and `priority`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "appasset.io",
    version = "v1alpha1",
    kind = "AssetPolicy",
    plural = "assetpolicies",
    shortname = "ap",
    derive = "PartialEq",
    derive = "Default",
    doc = "Rules for the application assets a selector picks: requirements they must meet (each \
           failed requirement is a finding `policy-<requirement>`, such as \
           `policy-ingress-network-policy`) and weights that override the default weight of \
           findings in their risk score. When several policies select the same asset they \
           combine so that adding a policy can make the asset look riskier, never less risky: \
           a requirement applies when any of them requires it; its finding has the highest \
           severity among the policies requiring it and names them all; for each finding id \
           the highest weight any of them sets is used.",
    printcolumn(
        name = "Severity",
        type_ = "string",
        json_path = ".spec.requirements.severity"
    ),
    printcolumn(
        name = "Owner",
        type_ = "boolean",
        json_path = ".spec.requirements.owner"
    ),
    printcolumn(
        name = "TLS",
        type_ = "boolean",
        json_path = ".spec.requirements.tlsOnInternetEntrypoints"
    ),
    printcolumn(
        name = "NetworkPolicy",
        type_ = "boolean",
        json_path = ".spec.requirements.ingressNetworkPolicy"
    ),
    printcolumn(
        name = "Restricted",
        type_ = "boolean",
        json_path = ".spec.requirements.restrictedProfile"
    ),
    printcolumn(
        name = "Digests",
        type_ = "boolean",
        json_path = ".spec.requirements.pinnedDigests"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Data",
        type_ = "string",
        json_path = ".spec.selector.dataSensitivities",
        priority = "1"
    ),
    printcolumn(
        name = "Criticality",
        type_ = "string",
        json_path = ".spec.selector.criticalities",
        priority = "1"
    ),
    printcolumn(
        name = "Namespaces",
        type_ = "string",
        json_path = ".spec.selector.namespaces",
        priority = "1"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct AssetPolicySpec {
    /// Which assets the policy applies to. Every field that is set must match (AND); within a
    /// list, any entry may match (OR). An empty selector applies to every asset.
    #[serde(default)]
    pub selector: AssetSelector,

    /// What every selected asset must satisfy. Each requirement that is set and not met
    /// raises one finding on the asset, with id `policy-` and the requirement's name in
    /// kebab-case (`policy-owner`, `policy-tls-on-internet-entrypoints`,
    /// `policy-ingress-network-policy`, `policy-restricted-profile`, `policy-pinned-digests`).
    #[serde(default)]
    pub requirements: Requirements,

    /// Weights, from 0 to 1, that override the default weight of a finding in the risk score
    /// of the selected assets, keyed by finding id (`privileged`, `policy-owner`, ...). When
    /// several policies set a weight for the same id, the highest is used.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(schema_with = "weights_schema")]
    pub weights: BTreeMap<String, f64>,
}

/// Which assets a policy applies to: every field that is set must match, and a list matches
/// when any of its entries does. A field left out, or a list left empty, places no limit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssetSelector {
    /// Data sensitivities the asset may have: public, internal, confidential, restricted,
    /// unclassified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_sensitivities: Vec<DataSensitivity>,

    /// Criticalities the asset may have: crown-jewel, high, medium, low, unclassified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criticalities: Vec<Criticality>,

    /// Names of the namespaces the asset may live in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,

    /// A label selector on the labels of the asset's namespace. `{}` matches every namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,

    /// A label selector on the labels of the workload itself (the Deployment, CronJob, ...),
    /// not of its pods. `{}` matches every workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_selector: Option<LabelSelector>,
}

/// What a selected asset must satisfy. A requirement left out is not required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Requirements {
    /// An owner must be known: a label or annotation on the workload or its namespace names
    /// the team that answers for it.
    #[serde(default)]
    pub owner: bool,

    /// Every entrypoint that reaches the asset from the internet must serve TLS.
    #[serde(default)]
    pub tls_on_internet_entrypoints: bool,

    /// An ingress NetworkPolicy must select the asset's pods. Pods on the host network fail
    /// it, since NetworkPolicy does not bind them. Whether the policy's rules still admit
    /// every source is not judged here; the asset's exposure shows that.
    #[serde(default)]
    pub ingress_network_policy: bool,

    /// The pods must meet the restricted Pod Security Standard: the asset has none of the
    /// findings privileged, host-network, host-pid, host-ipc, host-path, host-port,
    /// dangerous-capabilities, privilege-escalation, run-as-root, no-seccomp.
    #[serde(default)]
    pub restricted_profile: bool,

    /// Every image in the pod template, init containers included, must be pinned by digest
    /// (`image@sha256:...`). A digest only learned from running pods does not count: the next
    /// pod may pull another one.
    #[serde(default)]
    pub pinned_digests: bool,

    /// Severity of the findings this policy raises: low, medium, high or critical. When
    /// several policies require the same thing, the highest of their severities is used.
    #[serde(default = "default_severity")]
    pub severity: Severity,
}

impl Default for Requirements {
    fn default() -> Self {
        Requirements {
            owner: false,
            tls_on_internet_entrypoints: false,
            ingress_network_policy: false,
            restricted_profile: false,
            pinned_digests: false,
            severity: default_severity(),
        }
    }
}

fn default_severity() -> Severity {
    Severity::High
}

/// The schema of `weights`: the API server refuses a weight outside 0 to 1 on write, so only
/// files read by `appasset scan` can carry one.
fn weights_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": {
            "type": "number",
            "format": "double",
            "minimum": 0.0,
            "maximum": 1.0
        }
    })
}
