//! An asset as the findings tests describe it: a workload from a manifest, the spec the earlier
//! steps would build for it, and the NetworkPolicy verdict, each owned so that a test can
//! lend them to [`AssetFacts`].

use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

use crate::api::{
    AppAssetSpec, Authentication, Classification, Criticality, DataSensitivity, Entrypoint,
    Exposure, Finding, Owner,
};
use crate::engine::classification::AnnotationProblem;
use crate::engine::containers::containers;
use crate::engine::facts::AssetFacts;
use crate::engine::network_policy::{IngressIsolation, IngressVerdict};
use crate::engine::testing;
use crate::engine::workload::Workload;

/// Everything [`AssetFacts`] borrows.
pub(crate) struct Asset {
    pub workload: Workload,
    pub spec: AppAssetSpec,
    pub exposure: Exposure,
    pub isolation: IngressIsolation,
    pub problems: Vec<AnnotationProblem>,
}

impl Asset {
    /// Deployment shop/web whose pods run `pod_spec`, unowned and unclassified, reachable from
    /// the cluster with no NetworkPolicy.
    pub fn deployment(pod_spec: Value) -> Asset {
        let deployment = testing::deployment("shop", "web", json!({ "app": "web" }), pod_spec);
        Asset::of(Workload::from_deployment(deployment))
    }

    /// The bare Pod `manifest` describes, as the other constructors do.
    pub fn pod(manifest: Value) -> Asset {
        let pod: Pod = testing::parse(manifest);
        Asset::of(Workload::from_pod(pod))
    }

    /// The asset of `workload`, with its containers read as the containers step reads them.
    pub fn of(workload: Workload) -> Asset {
        let spec = AppAssetSpec {
            containers: containers(&workload, &[]),
            ..AppAssetSpec::default()
        };
        Asset {
            workload,
            spec,
            exposure: Exposure::Cluster,
            isolation: IngressIsolation {
                verdict: IngressVerdict::Open,
                policies: Vec::new(),
            },
            problems: Vec::new(),
        }
    }

    /// The same asset with container digests taken from `pods` as well.
    pub fn running(mut self, pods: &[Pod]) -> Asset {
        let pods: Vec<&Pod> = pods.iter().collect();
        self.spec.containers = containers(&self.workload, &pods);
        self
    }

    /// The same asset owned by team shop.
    pub fn owned(mut self) -> Asset {
        self.spec.owner = Some(Owner {
            team: "shop".to_string(),
            source: "label team on Deployment web".to_string(),
            ..Owner::default()
        });
        self
    }

    /// The same asset with its data sensitivity and criticality declared.
    pub fn classified(self) -> Asset {
        self.classified_as(DataSensitivity::Confidential, Criticality::High)
    }

    /// The same asset with the given classification.
    pub fn classified_as(mut self, data: DataSensitivity, criticality: Criticality) -> Asset {
        self.spec.classification = Classification {
            data_sensitivity: data,
            criticality,
            ..Classification::default()
        };
        self
    }

    /// The same asset reached by `entrypoint`, with the exposure it gives.
    pub fn reached_by(mut self, entrypoint: Entrypoint) -> Asset {
        self.exposure = self.exposure.max(entrypoint.scope);
        self.spec.entrypoints.push(entrypoint);
        self
    }

    /// The same asset with the exposure `exposure`.
    pub fn exposed(mut self, exposure: Exposure) -> Asset {
        self.exposure = exposure;
        self
    }

    /// The same asset with its pods selected by the ingress policies `policies`.
    pub fn selected_by(mut self, verdict: IngressVerdict, policies: &[&str]) -> Asset {
        self.isolation = IngressIsolation {
            verdict,
            policies: policies.iter().map(|name| name.to_string()).collect(),
        };
        self
    }

    /// The same asset with the annotation problem `problem`.
    pub fn with_problem(mut self, problem: AnnotationProblem) -> Asset {
        self.problems.push(problem);
        self
    }

    /// The facts the findings step reads.
    pub fn facts(&self) -> AssetFacts<'_> {
        AssetFacts {
            workload: &self.workload,
            spec: &self.spec,
            exposure: self.exposure,
            isolation: &self.isolation,
            problems: &self.problems,
            cluster_admin: false,
        }
    }

    /// Every finding.
    pub fn findings(&self) -> Vec<Finding> {
        super::findings(&self.facts())
    }

    /// The findings with id `id`.
    pub fn findings_of(&self, id: &str) -> Vec<Finding> {
        let found = self.findings().into_iter();
        found.filter(|finding| finding.id == id).collect()
    }

    /// The messages of the findings with id `id`.
    pub fn messages_of(&self, id: &str) -> Vec<String> {
        let found = self.findings_of(id).into_iter();
        found.map(|finding| finding.message).collect()
    }
}

/// An entrypoint of `kind` named `shop/<name>` with `scope`, serving plain HTTP with no sign
/// of authentication.
pub(crate) fn entrypoint(kind: &str, name: &str, scope: Exposure) -> Entrypoint {
    Entrypoint {
        kind: kind.to_string(),
        name: format!("shop/{name}"),
        scope,
        reason: "test".to_string(),
        service: Some("shop/web".to_string()),
        gateway: None,
        hosts: vec!["shop.example.com".to_string()],
        ports: vec![80],
        tls: false,
        authentication: Authentication::None,
    }
}
