//! Any annotation keys and values on a workload and its namespace: classification, ownership
//! and the reviewed-revision annotation are read without panicking, and every problem
//! names the key it is about.

#![no_main]

use appasset_operator::engine::classification::classify;
use appasset_operator::engine::ownership::owner;
use appasset_operator::engine::workload::Workload;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Namespace;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// Keys the engine reads, so most fuzz inputs exercise a parser rather than be ignored.
const KEYS: [&str; 10] = [
    "appasset.io/data-classification",
    "appasset.io/criticality",
    "appasset.io/data-types",
    "appasset.io/owner",
    "appasset.io/contact",
    "appasset.io/repository",
    "a8r.io/owner",
    "team",
    "owner",
    "appasset.io/reviewed-revision",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut annotations = Map::new();
    for (index, value) in text.split('\u{1f}').enumerate() {
        annotations.insert(KEYS[index % KEYS.len()].to_string(), Value::from(value));
    }

    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": { "name": "web", "namespace": "shop", "annotations": annotations.clone(),
                      "labels": annotations.clone() },
        "spec": { "selector": {}, "template": { "spec": { "containers": [] } } }
    }))
    .expect("a fixed Deployment shape");
    let namespace: Namespace = serde_json::from_value(json!({
        "metadata": { "name": "shop", "annotations": annotations, }
    }))
    .expect("a fixed Namespace shape");
    let workload = Workload::from_deployment(deployment);

    let classified = classify(&workload, Some(&namespace));
    for problem in &classified.problems {
        assert!(KEYS.contains(&problem.key.as_str()), "a problem names a key it read");
        let _ = problem.message();
    }
    let _ = owner(&workload, Some(&namespace));
    for value in text.split('\u{1f}') {
        let _ = value.parse::<appasset_operator::api::Criticality>();
        let _ = value.parse::<appasset_operator::api::DataSensitivity>();
    }
});
