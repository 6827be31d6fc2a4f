//! What the engine knows of one asset before judging it: the common input of the findings,
//! policy and risk steps.

use crate::api::{AppAssetSpec, Exposure};

use super::classification::AnnotationProblem;
use super::network_policy::IngressIsolation;
use super::workload::Workload;

/// The observed facts of one asset.
#[derive(Debug, Clone, Copy)]
pub struct AssetFacts<'a> {
    /// The workload itself, with its pod template.
    pub workload: &'a Workload,
    /// The asset's spec as the earlier steps built it: entrypoints (after NetworkPolicy),
    /// owner, classification, containers, dependencies, network policies.
    pub spec: &'a AppAssetSpec,
    /// The asset's exposure.
    pub exposure: Exposure,
    /// What the ingress NetworkPolicies selecting its pods allow.
    pub isolation: &'a IngressIsolation,
    /// appasset.io annotations that could not be read.
    pub problems: &'a [AnnotationProblem],
    /// True when a ServiceAccount the pods run as is bound to the cluster-admin ClusterRole.
    pub cluster_admin: bool,
}
