//! The CustomResourceDefinitions of appasset.io, generated from the Rust types so the schema
//! can never drift from the code that reads and writes the objects.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;

use crate::api::{AppAsset, AssetPolicy};

/// Every CRD the operator serves.
pub fn definitions() -> Vec<CustomResourceDefinition> {
    vec![AppAsset::crd(), AssetPolicy::crd()]
}

/// The CRDs as one multi-document YAML stream: what `appasset crd` prints and `crds/` holds.
pub fn render() -> Result<String, yaml_serde::Error> {
    let mut out = String::new();
    for definition in definitions() {
        out.push_str("---\n");
        out.push_str(&yaml_serde::to_string(&definition)?);
    }
    Ok(out)
}
