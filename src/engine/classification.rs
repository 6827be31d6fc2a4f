//! What data a workload handles and how much the business depends on it: declared by
//! annotations on the workload or its namespace, or inferred from hints in its pod template.
//!
//! Each key is read from the workload first, then from its namespace; the first object that
//! states a non-blank value decides that key. A declared value always wins over a hint.
//!
//! An invalid value is never fatal. It is reported as an [`AnnotationProblem`] and, as the
//! product contract says, the value counts as unclassified with basis unset. It does not fall
//! back to the namespace's value, and no hint is inferred in its place: someone meant to state
//! something, and quietly using another value would hide the mistake that the `Valid`
//! condition is there to show.
//!
//! Hints only ever raise data sensitivity from unclassified, and criticality is never
//! inferred: how much the business depends on a workload is not written in its pod template.

use std::collections::BTreeSet;
use std::str::FromStr;

use k8s_openapi::api::core::v1::{Namespace, Volume};

use super::containers::{ImageReference, template_containers};
use super::ownership::{Declarer, declarers};
use super::workload::Workload;
use crate::api::{Basis, Classification, Criticality, DataSensitivity, UnknownWord};

/// Annotation declaring how sensitive the data is.
pub const DATA_CLASSIFICATION: &str = "appasset.io/data-classification";

/// Annotation declaring how critical the workload is.
pub const CRITICALITY: &str = "appasset.io/criticality";

/// Annotation listing the kinds of data handled, comma-separated.
pub const DATA_TYPES: &str = "appasset.io/data-types";

/// Every kind of data `appasset.io/data-types` may list. Like the other vocabularies these
/// are case-sensitive: `PII` is not `pii`.
pub const DATA_TYPE_WORDS: [&str; 8] = [
    "pii",
    "pci",
    "phi",
    "credentials",
    "financial",
    "intellectual-property",
    "customer-content",
    "telemetry",
];

/// Last path segments of the images of databases, object stores and message brokers: they
/// keep other components' data at rest, so they are inferred confidential.
///
/// `memcached` is left out on purpose: it is a cache that keeps nothing across a restart and
/// is usually filled from a store that is classified on its own.
const DATA_STORES: [&str; 28] = [
    "postgres",
    "postgresql",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "valkey",
    "cassandra",
    "scylla",
    "elasticsearch",
    "opensearch",
    "couchdb",
    "cockroach",
    "cockroachdb",
    "etcd",
    "kafka",
    "cp-kafka",
    "rabbitmq",
    "nats",
    "zookeeper",
    "cp-zookeeper",
    "clickhouse",
    "influxdb",
    "neo4j",
    "minio",
];

/// Endings that still name the data store itself (`clickhouse-server`, `redis-cluster`,
/// `postgresql-repmgr`). Anything else, such as `postgres-exporter` or `kafka-ui`, is a tool
/// that talks to a store rather than the store.
const DATA_STORE_SUFFIXES: [&str; 8] = [
    "",
    "-server",
    "-cluster",
    "-sharded",
    "-repmgr",
    "-galera",
    "-stack",
    "-stack-server",
];

/// A workload's classification and the annotations that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Classified {
    /// The classification, with invalid values counted as unclassified.
    pub classification: Classification,
    /// Every invalid value met, for the `Valid` condition and the `invalid-annotation` finding.
    pub problems: Vec<AnnotationProblem>,
}

/// An annotation whose value is not one of the words its key allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationProblem {
    /// The object carrying the annotation, such as `Deployment web` or `Namespace shop`.
    pub object: String,
    /// The annotation key.
    pub key: String,
    /// The value that was not understood; for `appasset.io/data-types`, the one entry.
    pub value: String,
    /// The words the key allows, comma-separated.
    pub allowed: String,
}

impl AnnotationProblem {
    /// One line for a condition message or a finding, naming key, object, value and the
    /// allowed words.
    pub fn message(&self) -> String {
        let verb = if self.key == DATA_TYPES {
            "lists"
        } else {
            "is"
        };
        format!(
            "annotation {} on {} {verb} {:?}; allowed: {}",
            self.key, self.object, self.value, self.allowed
        )
    }
}

/// Classifies `workload` from its annotations, its namespace's, and hints in its pod
/// template.
pub fn classify(workload: &Workload, namespace: Option<&Namespace>) -> Classified {
    let declarers = declarers(workload, namespace);

    let sensitivity = declared_word::<DataSensitivity>(&declarers, DATA_CLASSIFICATION);
    let criticality = declared_word::<Criticality>(&declarers, CRITICALITY);
    let (data_types, type_problems) = declared_data_types(&declarers);

    let word_problems = [sensitivity.as_ref().err(), criticality.as_ref().err()];
    let mut problems: Vec<AnnotationProblem> =
        word_problems.into_iter().flatten().cloned().collect();
    problems.extend(type_problems);

    let (data_sensitivity, data_sensitivity_basis) = settle_sensitivity(sensitivity, workload);
    let (criticality, criticality_basis) = settle_criticality(criticality);

    let classification = Classification {
        data_sensitivity,
        data_sensitivity_basis,
        data_types,
        criticality,
        criticality_basis,
    };
    Classified {
        classification,
        problems,
    }
}

/// The first non-blank value of `key`, with the object that states it.
fn first_stated<'d, 'a>(
    declarers: &'d [Declarer<'a>],
    key: &str,
) -> Option<(&'d Declarer<'a>, &'a str)> {
    declarers
        .iter()
        .find_map(|declarer| Some((declarer, declarer.annotation(key)?)))
}

/// The word the first object stating `key` declares: `Ok(None)` when nobody states it.
fn declared_word<T>(declarers: &[Declarer], key: &str) -> Result<Option<T>, AnnotationProblem>
where
    T: FromStr<Err = UnknownWord>,
{
    let Some((declarer, value)) = first_stated(declarers, key) else {
        return Ok(None);
    };

    let parsed = value.parse::<T>();

    parsed
        .map(Some)
        .map_err(|unknown| problem(declarer, key, value, unknown.allowed))
}

/// The known data types the first object stating them lists, sorted and without repeats,
/// and a problem for each unknown entry. Empty entries (`pii,,pci`, a trailing comma) are
/// skipped silently.
fn declared_data_types(declarers: &[Declarer]) -> (Vec<String>, Vec<AnnotationProblem>) {
    let Some((declarer, value)) = first_stated(declarers, DATA_TYPES) else {
        return (Vec::new(), Vec::new());
    };

    let entries: BTreeSet<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    let (known, unknown): (Vec<&str>, Vec<&str>) = entries
        .into_iter()
        .partition(|entry| DATA_TYPE_WORDS.contains(entry));

    let allowed = DATA_TYPE_WORDS.join(", ");
    let problems = unknown
        .into_iter()
        .map(|entry| problem(declarer, DATA_TYPES, entry, &allowed))
        .collect();
    (known.into_iter().map(str::to_string).collect(), problems)
}

fn problem(declarer: &Declarer, key: &str, value: &str, allowed: &str) -> AnnotationProblem {
    AnnotationProblem {
        object: declarer.object.clone(),
        key: key.to_string(),
        value: value.to_string(),
        allowed: allowed.to_string(),
    }
}

fn settle_sensitivity(
    declared: Result<Option<DataSensitivity>, AnnotationProblem>,
    workload: &Workload,
) -> (DataSensitivity, Basis) {
    match declared {
        Ok(Some(sensitivity)) => (sensitivity, Basis::Declared),
        Ok(None) => match inferred_sensitivity(workload) {
            Some(sensitivity) => (sensitivity, Basis::Inferred),
            None => (DataSensitivity::Unclassified, Basis::Unset),
        },
        Err(_) => (DataSensitivity::Unclassified, Basis::Unset),
    }
}

fn settle_criticality(
    declared: Result<Option<Criticality>, AnnotationProblem>,
) -> (Criticality, Basis) {
    match declared {
        Ok(Some(criticality)) => (criticality, Basis::Declared),
        _ => (Criticality::Unclassified, Basis::Unset),
    }
}

/// The highest sensitivity the pod template hints at, if any.
fn inferred_sensitivity(workload: &Workload) -> Option<DataSensitivity> {
    let store = runs_data_store(workload).then_some(DataSensitivity::Confidential);
    let storage = keeps_secrets_or_storage(workload).then_some(DataSensitivity::Internal);

    store.max(storage)
}

/// Whether a container (not an init container) runs a data store's image. Init containers
/// are left out because a database image is often used there only for its client, to wait
/// until the database answers.
fn runs_data_store(workload: &Workload) -> bool {
    template_containers(workload)
        .filter(|(_, init)| !init)
        .filter_map(|(container, _)| container.image.as_deref())
        .any(is_data_store_image)
}

fn is_data_store_image(image: &str) -> bool {
    let reference = ImageReference::parse(image);
    let name = reference.name();

    DATA_STORES.iter().any(|store| {
        let suffix = name.strip_prefix(store);
        suffix.is_some_and(|suffix| DATA_STORE_SUFFIXES.contains(&suffix))
    })
}

fn keeps_secrets_or_storage(workload: &Workload) -> bool {
    let spec = workload.template.spec.as_ref();
    let mut volumes = spec
        .into_iter()
        .flat_map(|spec| spec.volumes.iter().flatten());

    workload.claims_storage || volumes.any(mounts_secret_or_claim)
}

fn mounts_secret_or_claim(volume: &Volume) -> bool {
    let projected = volume.projected.as_ref();
    let mut projections = projected
        .into_iter()
        .flat_map(|p| p.sources.iter().flatten());

    volume.secret.is_some()
        || volume.persistent_volume_claim.is_some()
        || projections.any(|projection| projection.secret.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{self, parse, running, with_metadata};
    use serde_json::{Value, json};

    /// Deployment shop/web with `annotations`, whose pods are labelled `app: web`.
    fn deployment(annotations: Value, template_spec: Value) -> Workload {
        let web = testing::deployment("shop", "web", json!({ "app": "web" }), template_spec);
        let metadata = json!({ "annotations": annotations });
        Workload::from_deployment(with_metadata(web, metadata))
    }

    fn annotated(annotations: Value) -> Workload {
        deployment(annotations, running("nginx:1.27"))
    }

    fn running_image(image: &str) -> Workload {
        deployment(json!({}), running(image))
    }

    fn namespace(annotations: Value) -> Namespace {
        parse(json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": "shop", "annotations": annotations },
        }))
    }

    fn sensitivity(classified: &Classified) -> (DataSensitivity, Basis) {
        let classification = &classified.classification;
        (
            classification.data_sensitivity,
            classification.data_sensitivity_basis,
        )
    }

    fn criticality(classified: &Classified) -> (Criticality, Basis) {
        let classification = &classified.classification;
        (classification.criticality, classification.criticality_basis)
    }

    #[test]
    fn nothing_declared_and_no_hint_leaves_everything_unset() {
        let classified = classify(&annotated(json!({})), None);

        assert_eq!(classified, Classified::default());
    }

    #[test]
    fn the_workload_declares_sensitivity_and_criticality() {
        let workload = annotated(json!({
            "appasset.io/data-classification": "restricted",
            "appasset.io/criticality": "crown-jewel",
        }));

        let classified = classify(&workload, None);

        let declared_restricted = (DataSensitivity::Restricted, Basis::Declared);
        assert_eq!(sensitivity(&classified), declared_restricted);
        assert_eq!(
            criticality(&classified),
            (Criticality::CrownJewel, Basis::Declared)
        );
        assert!(classified.problems.is_empty());
    }

    #[test]
    fn an_invalid_criticality_is_a_problem_and_counts_as_unclassified() {
        let workload = annotated(json!({ "appasset.io/criticality": "crown_jewel" }));

        let classified = classify(&workload, None);

        assert_eq!(
            criticality(&classified),
            (Criticality::Unclassified, Basis::Unset)
        );
        let expected = AnnotationProblem {
            object: "Deployment web".to_string(),
            key: "appasset.io/criticality".to_string(),
            value: "crown_jewel".to_string(),
            allowed: "crown-jewel, high, medium, low, unclassified".to_string(),
        };
        assert_eq!(classified.problems, [expected]);
    }

    #[test]
    fn a_problem_message_names_key_object_value_and_allowed_words() {
        let workload = annotated(json!({ "appasset.io/criticality": "crown_jewel" }));

        let classified = classify(&workload, None);

        assert_eq!(
            classified.problems[0].message(),
            "annotation appasset.io/criticality on Deployment web is \"crown_jewel\"; \
             allowed: crown-jewel, high, medium, low, unclassified"
        );
    }

    #[test]
    fn an_invalid_workload_value_does_not_fall_back_to_the_namespace() {
        let workload = annotated(json!({ "appasset.io/data-classification": "secret" }));
        let shop = namespace(json!({ "appasset.io/data-classification": "confidential" }));

        let classified = classify(&workload, Some(&shop));

        let unset = (DataSensitivity::Unclassified, Basis::Unset);
        assert_eq!(sensitivity(&classified), unset);
        assert_eq!(classified.problems.len(), 1);
        assert_eq!(classified.problems[0].object, "Deployment web");
    }

    #[test]
    fn an_invalid_sensitivity_is_not_replaced_by_an_inferred_one() {
        let annotations = json!({ "appasset.io/data-classification": "Confidential" });
        let workload = deployment(annotations, running("postgres:16"));

        let classified = classify(&workload, None);

        let unset = (DataSensitivity::Unclassified, Basis::Unset);
        assert_eq!(sensitivity(&classified), unset);
        assert_eq!(classified.problems[0].value, "Confidential");
    }

    #[test]
    fn the_namespace_classifies_a_workload_that_declares_nothing() {
        let shop = namespace(json!({
            "appasset.io/data-classification": "confidential",
            "appasset.io/criticality": "high",
            "appasset.io/data-types": "pii",
        }));

        let classified = classify(&annotated(json!({})), Some(&shop));

        let declared = (DataSensitivity::Confidential, Basis::Declared);
        assert_eq!(sensitivity(&classified), declared);
        assert_eq!(
            criticality(&classified),
            (Criticality::High, Basis::Declared)
        );
        assert_eq!(classified.classification.data_types, ["pii"]);
    }

    #[test]
    fn an_invalid_namespace_value_is_reported_on_the_namespace() {
        let shop = namespace(json!({ "appasset.io/criticality": "urgent" }));

        let classified = classify(&annotated(json!({})), Some(&shop));

        assert_eq!(
            criticality(&classified),
            (Criticality::Unclassified, Basis::Unset)
        );
        assert_eq!(classified.problems[0].object, "Namespace shop");
    }

    #[test]
    fn the_workload_wins_over_the_namespace_key_by_key() {
        let workload = annotated(json!({ "appasset.io/criticality": "low" }));
        let shop = namespace(json!({
            "appasset.io/criticality": "high",
            "appasset.io/data-classification": "internal",
        }));

        let classified = classify(&workload, Some(&shop));

        assert_eq!(
            criticality(&classified),
            (Criticality::Low, Basis::Declared)
        );
        let from_namespace = (DataSensitivity::Internal, Basis::Declared);
        assert_eq!(sensitivity(&classified), from_namespace);
    }

    #[test]
    fn a_blank_value_counts_as_not_declared() {
        let workload = annotated(json!({ "appasset.io/criticality": " " }));
        let shop = namespace(json!({ "appasset.io/criticality": "medium" }));

        let classified = classify(&workload, Some(&shop));

        assert_eq!(
            criticality(&classified),
            (Criticality::Medium, Basis::Declared)
        );
        assert!(classified.problems.is_empty());
    }

    #[test]
    fn data_types_are_trimmed_sorted_and_deduplicated() {
        let workload = annotated(json!({ "appasset.io/data-types": "pii, pci,pii ,,financial" }));

        let classified = classify(&workload, None);

        assert_eq!(
            classified.classification.data_types,
            ["financial", "pci", "pii"]
        );
        assert!(classified.problems.is_empty());
    }

    #[test]
    fn unknown_data_types_are_reported_and_dropped_and_known_ones_kept() {
        let workload = annotated(json!({ "appasset.io/data-types": "pii,ssn,PCI" }));

        let classified = classify(&workload, None);

        assert_eq!(classified.classification.data_types, ["pii"]);
        let values: Vec<&str> = classified
            .problems
            .iter()
            .map(|p| p.value.as_str())
            .collect();
        assert_eq!(values, ["PCI", "ssn"]);
        assert_eq!(
            classified.problems[1].message(),
            "annotation appasset.io/data-types on Deployment web lists \"ssn\"; allowed: pii, \
             pci, phi, credentials, financial, intellectual-property, customer-content, telemetry"
        );
    }

    #[test]
    fn a_database_image_infers_confidential() {
        for image in [
            "postgres:16",
            "bitnami/postgresql:16",
            "redis:alpine",
            "docker.io/library/mysql@sha256:0123",
            "clickhouse/clickhouse-server:24.3",
            "quay.io/strimzi/kafka:0.40.0-kafka-3.7.0",
            "registry.local:5000/infra/rabbitmq:3-management",
        ] {
            let classified = classify(&running_image(image), None);

            let inferred = (DataSensitivity::Confidential, Basis::Inferred);
            assert_eq!(sensitivity(&classified), inferred, "{image}");
        }
    }

    #[test]
    fn tools_around_a_data_store_and_caches_infer_nothing() {
        for image in [
            "nginx:1.27",
            "memcached:1.6",
            "prometheuscommunity/postgres-exporter:v0.15.0",
            "mongo-express:1.0",
            "provectuslabs/kafka-ui:latest",
            "",
        ] {
            let classified = classify(&running_image(image), None);

            let unset = (DataSensitivity::Unclassified, Basis::Unset);
            assert_eq!(sensitivity(&classified), unset, "{image}");
        }
    }

    #[test]
    fn a_database_image_in_an_init_container_infers_nothing() {
        let workload = deployment(
            json!({}),
            json!({
                "initContainers": [{ "name": "wait-for-db", "image": "postgres:16" }],
                "containers": [{ "name": "app", "image": "shop/api:1.4" }],
            }),
        );

        let classified = classify(&workload, None);

        let unset = (DataSensitivity::Unclassified, Basis::Unset);
        assert_eq!(sensitivity(&classified), unset);
    }

    #[test]
    fn a_persistent_volume_claim_infers_internal() {
        let workload = deployment(
            json!({}),
            json!({
                "containers": [{ "name": "app", "image": "shop/uploads:2" }],
                "volumes": [{ "name": "data", "persistentVolumeClaim": { "claimName": "up" } }],
            }),
        );

        let classified = classify(&workload, None);

        let inferred = (DataSensitivity::Internal, Basis::Inferred);
        assert_eq!(sensitivity(&classified), inferred);
    }

    #[test]
    fn a_secret_volume_infers_internal() {
        let workload = deployment(
            json!({}),
            json!({
                "containers": [{ "name": "app", "image": "shop/api:1.4" }],
                "volumes": [{ "name": "tls", "secret": { "secretName": "api-tls" } }],
            }),
        );

        let classified = classify(&workload, None);

        let inferred = (DataSensitivity::Internal, Basis::Inferred);
        assert_eq!(sensitivity(&classified), inferred);
    }

    #[test]
    fn a_projected_secret_infers_internal_but_a_projected_token_does_not() {
        let volumes = |sources: Value| {
            json!({
                "containers": [{ "name": "app", "image": "shop/api:1.4" }],
                "volumes": [{ "name": "creds", "projected": { "sources": sources } }],
            })
        };
        let with_secret = deployment(json!({}), volumes(json!([{ "secret": { "name": "db" } }])));
        let token = json!([{ "serviceAccountToken": { "path": "token" } }]);
        let with_token = deployment(json!({}), volumes(token));

        let secret = sensitivity(&classify(&with_secret, None));
        let token = sensitivity(&classify(&with_token, None));

        assert_eq!(secret, (DataSensitivity::Internal, Basis::Inferred));
        assert_eq!(token, (DataSensitivity::Unclassified, Basis::Unset));
    }

    #[test]
    fn volume_claim_templates_infer_internal() {
        let object = json!({
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": { "name": "uploads", "namespace": "shop" },
            "spec": {
                "selector": { "matchLabels": { "app": "uploads" } },
                "serviceName": "uploads",
                "template": {
                    "metadata": { "labels": { "app": "uploads" } },
                    "spec": running("shop/uploads:2"),
                },
                "volumeClaimTemplates": [{ "metadata": { "name": "data" } }],
            },
        });
        let workload = Workload::from_stateful_set(serde_json::from_value(object).unwrap());

        let classified = classify(&workload, None);

        let inferred = (DataSensitivity::Internal, Basis::Inferred);
        assert_eq!(sensitivity(&classified), inferred);
    }

    #[test]
    fn a_database_hint_outranks_a_storage_hint() {
        let workload = deployment(
            json!({}),
            json!({
                "containers": [{ "name": "db", "image": "bitnami/postgresql:16" }],
                "volumes": [{ "name": "data", "persistentVolumeClaim": { "claimName": "db" } }],
            }),
        );

        let classified = classify(&workload, None);

        let inferred = (DataSensitivity::Confidential, Basis::Inferred);
        assert_eq!(sensitivity(&classified), inferred);
    }

    #[test]
    fn a_declared_sensitivity_wins_over_an_inferred_one() {
        let annotations = json!({ "appasset.io/data-classification": "public" });
        let workload = deployment(annotations, running("postgres:16"));

        let classified = classify(&workload, None);

        assert_eq!(
            sensitivity(&classified),
            (DataSensitivity::Public, Basis::Declared)
        );
    }

    #[test]
    fn a_namespace_declaration_also_wins_over_an_inferred_one() {
        let shop = namespace(json!({ "appasset.io/data-classification": "internal" }));

        let classified = classify(&running_image("redis:7"), Some(&shop));

        let declared = (DataSensitivity::Internal, Basis::Declared);
        assert_eq!(sensitivity(&classified), declared);
    }

    #[test]
    fn criticality_is_never_inferred() {
        let classified = classify(&running_image("postgres:16"), None);

        assert_eq!(
            criticality(&classified),
            (Criticality::Unclassified, Basis::Unset)
        );
    }
}
