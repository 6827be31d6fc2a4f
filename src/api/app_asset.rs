//! The `AppAsset` resource: one per workload, holding what was observed about it (`spec`) and
//! what the engine concluded from that (`status`).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Basis, Criticality, DataSensitivity, Exposure, RiskLevel, Severity};

/// What was observed about one workload: how it is reached, who owns it, what data it handles
/// and what it runs. Written by the operator; people annotate the workload, not this object.
// Each printer column repeats `type_` and `priority`, which clippy mistakes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[kube(
    group = "appasset.io",
    version = "v1alpha1",
    kind = "AppAsset",
    plural = "appassets",
    shortname = "asset",
    shortname = "aa",
    namespaced,
    status = "AppAssetStatus",
    derive = "PartialEq",
    derive = "Default",
    doc = "One application asset: a workload with its exposure, ownership, classification \
           and risk.",
    printcolumn(name = "Kind", type_ = "string", json_path = ".spec.workload.kind"),
    printcolumn(name = "Exposure", type_ = "string", json_path = ".status.exposure"),
    printcolumn(name = "Owner", type_ = "string", json_path = ".spec.owner.team"),
    printcolumn(
        name = "Data",
        type_ = "string",
        json_path = ".spec.classification.dataSensitivity"
    ),
    printcolumn(name = "Risk", type_ = "string", json_path = ".status.riskLevel"),
    printcolumn(name = "Score", type_ = "integer", json_path = ".status.riskScore"),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    ),
    printcolumn(
        name = "Criticality",
        type_ = "string",
        json_path = ".spec.classification.criticality",
        priority = "1"
    ),
    printcolumn(
        name = "Findings",
        type_ = "integer",
        json_path = ".status.findingCount",
        priority = "1"
    ),
    printcolumn(
        name = "Entrypoints",
        type_ = "string",
        json_path = ".status.entrypointSummary",
        priority = "1"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct AppAssetSpec {
    /// The workload this asset describes.
    pub workload: WorkloadReference,

    /// The application the workload belongs to, from the `app.kubernetes.io/` labels.
    #[serde(default, skip_serializing_if = "Application::is_empty")]
    pub application: Application,

    /// Who answers for the workload; absent when no label or annotation says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,

    /// What data the workload handles and how much the business depends on it.
    pub classification: Classification,

    /// The containers the workload runs, init containers included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Container>,

    /// Every path by which traffic reaches the workload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entrypoints: Vec<Entrypoint>,

    /// Services this workload calls, read from environment values that name a Service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,

    /// Names of the NetworkPolicies that select the workload's pods, for ingress or egress.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_policies: Vec<String>,
}

/// A reference to the workload an asset describes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadReference {
    /// API version of the workload, such as `apps/v1`.
    pub api_version: String,
    /// Kind of the workload: Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet or
    /// Pod.
    pub kind: String,
    /// Name of the workload, in the asset's namespace.
    pub name: String,
    /// UID of the workload; empty for objects read from files by `appasset scan`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

/// The application a workload is part of, as the recommended `app.kubernetes.io/` labels
/// state it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// `app.kubernetes.io/part-of`: the higher-level application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// `app.kubernetes.io/name`: the name of the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `app.kubernetes.io/instance`: the instance of the application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// `app.kubernetes.io/component`: the component within the architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

impl Application {
    /// True when no label said anything.
    pub fn is_empty(&self) -> bool {
        *self == Application::default()
    }
}

/// Who answers for a workload, and which key of which object said so.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// The owning team or person.
    pub team: String,
    /// How to reach the owner, from `appasset.io/contact` or `a8r.io/chat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Where the workload's source lives, from `appasset.io/repository` or
    /// `a8r.io/repository`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Which key of which object named the owner, such as `label team on Namespace shop`.
    pub source: String,
}

/// What data a workload handles and how critical it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// How sensitive the data is: public, internal, confidential, restricted or unclassified.
    pub data_sensitivity: DataSensitivity,
    /// Whether `dataSensitivity` was declared, inferred or left unset.
    pub data_sensitivity_basis: Basis,
    /// Kinds of data handled, such as pii, pci, phi, credentials or financial.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_types: Vec<String>,
    /// How much the business depends on it: crown-jewel, high, medium, low or unclassified.
    pub criticality: Criticality,
    /// Whether `criticality` was declared, inferred or left unset.
    pub criticality_basis: Basis,
}

impl Default for Classification {
    fn default() -> Self {
        Classification {
            data_sensitivity: DataSensitivity::Unclassified,
            data_sensitivity_basis: Basis::Unset,
            data_types: Vec::new(),
            criticality: Criticality::Unclassified,
            criticality_basis: Basis::Unset,
        }
    }
}

/// A container the workload runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// Container name.
    pub name: String,
    /// True for an init container.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub init: bool,
    /// Image reference as written in the pod template.
    pub image: String,
    /// The image's tag; absent when the reference has none (which means `latest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The image's digest: from the reference when pinned, else from the running pods'
    /// status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Ports the container declares.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
}

/// A port a container declares.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    /// Port name, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Port number in the container.
    pub port: i32,
    /// TCP, UDP or SCTP.
    pub protocol: String,
    /// Port opened on the node for this container (hostPort).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<i32>,
}

/// One path by which traffic reaches the workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entrypoint {
    /// Kind of the object that opens the path: Service, Ingress, HTTPRoute, GRPCRoute,
    /// TLSRoute, TCPRoute, or HostPort and HostNetwork for paths opened by the pod itself.
    pub kind: String,
    /// `namespace/name` of that object (the workload itself for HostPort and HostNetwork).
    pub name: String,
    /// How far this path reaches.
    pub scope: Exposure,
    /// Why the path has that scope, such as `LoadBalancer Service without an internal
    /// annotation`.
    pub reason: String,
    /// The Service the path goes through, for Ingress and Gateway API routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The Gateway a route is attached to, as `namespace/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<String>,
    /// Host names the path answers to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Ports the path listens on, as seen by the client: Service ports, node ports, host ports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<i32>,
    /// True when clients reach the path over TLS terminated before or at the workload.
    pub tls: bool,
    /// How clients are authenticated on this path.
    pub authentication: Authentication,
}

/// How clients of an entrypoint are authenticated, as far as the objects show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Authentication {
    /// Nothing in the objects suggests any authentication.
    None,
    /// The path is not served over HTTP by a proxy the engine can read, so it cannot tell.
    Unknown,
    /// HTTP basic or digest authentication at the ingress.
    Basic,
    /// An external authentication service checks every request (ingress-nginx `auth-url`,
    /// oauth2-proxy).
    External,
    /// OpenID Connect at the load balancer (AWS ALB `auth-type` oidc or cognito).
    Oidc,
    /// Client certificates are required (ingress-nginx `auth-tls-*`).
    ClientCertificate,
}

/// A Service the workload calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// `namespace/name` of the Service.
    pub service: String,
    /// Port named in the reference, when it named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// Where the reference was found, as `container/ENV_NAME`.
    pub source: String,
}

/// A weakness found in the workload's configuration or context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable lower-kebab-case identifier, such as `privileged` or `ingress-no-tls`.
    pub id: String,
    /// How serious it is.
    pub severity: Severity,
    /// What was found, naming the container or entrypoint.
    pub message: String,
    /// When the operator first saw it; kept while the finding stays, so the time to remedy
    /// can be measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Time>,
}

/// One part of the risk score, with the points it accounts for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    /// What the factor is: exposure, impact, findings, or a floor.
    pub name: String,
    /// Its weight in the formula.
    pub weight: f64,
    /// Points of the score this factor accounts for; the points of all factors add up to the
    /// score.
    pub points: i32,
    /// Why it has that weight, in plain words.
    pub reason: String,
}

/// The latest material change: one to exposure, entrypoints, authentication, images,
/// privileges or classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaterialChange {
    /// The revision it made.
    pub revision: i64,
    /// When the operator saw it.
    pub time: Time,
    /// What changed, such as `exposure Cluster to Internet through Ingress shop/web`.
    pub description: String,
}

/// What the engine concluded about the asset.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppAssetStatus {
    /// The highest scope over all entrypoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Exposure>,

    /// The risk score, 0 to 100: exposure times impact times the findings' combined weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_score: Option<i32>,

    /// The band the score falls in: None, Low, Medium, High or Critical.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<RiskLevel>,

    /// What made the score, each with its share of the points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Factor>,

    /// Findings, most severe first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,

    /// Counts material changes; starts at 1. Acknowledge one by annotating this AppAsset with
    /// `appasset.io/reviewed-revision: "<revision>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,

    /// The latest material change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_material_change: Option<MaterialChange>,

    /// Number of findings, for the wide `kubectl get` column.
    #[serde(default)]
    pub finding_count: i32,

    /// Hosts and ports of the entrypoints in one line, for the wide `kubectl get` column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint_summary: Option<String>,

    /// `Valid` (every appasset.io annotation could be read) and `Reviewed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,

    /// The `metadata.generation` of this AppAsset that the status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}
