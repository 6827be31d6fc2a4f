//! Prints assets the way a user already reads them: as `kubectl get appassets -A` shows them,
//! or as the v1 List that `kubectl get appassets -A -o json|yaml` would print if the operator
//! had written them.

use serde::Serialize;

use crate::api::AppAsset;
use crate::cli::OutputFormat;

/// What kubectl prints for a column whose field is absent.
const ABSENT: &str = "<none>";

/// The columns of `kubectl get appassets -A`: the namespace and name kubectl adds, then the
/// CRD's printer columns shown without `-o wide`, but for AGE: objects read from files were
/// never created.
pub const COLUMNS: [&str; 8] = [
    "NAMESPACE",
    "NAME",
    "KIND",
    "EXPOSURE",
    "OWNER",
    "DATA",
    "RISK",
    "SCORE",
];

/// kubectl's table writer pads every column but the last to at least this width, and by at
/// least this many spaces.
const MIN_WIDTH: usize = 10;
const PADDING: usize = 3;

/// Why the assets could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The assets could not be written as JSON.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The assets could not be written as YAML.
    #[error("writing YAML: {0}")]
    Yaml(#[from] yaml_serde::Error),
}

/// A v1 List, the shape kubectl gives any list of objects.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct List<'a> {
    api_version: &'static str,
    kind: &'static str,
    items: &'a [AppAsset],
}

/// `assets` in `format`, ending in a newline; an empty table is nothing at all, as kubectl
/// prints no header when it finds nothing.
pub fn render(assets: &[AppAsset], format: OutputFormat) -> Result<String, Error> {
    match format {
        OutputFormat::Table => Ok(table(assets)),
        OutputFormat::Json => json(assets),
        OutputFormat::Yaml => yaml(assets),
    }
}

/// The assets as aligned columns.
pub fn table(assets: &[AppAsset]) -> String {
    if assets.is_empty() {
        return String::new();
    }
    let header = COLUMNS.map(str::to_string);
    let rows: Vec<[String; 8]> = std::iter::once(header)
        .chain(assets.iter().map(row))
        .collect();
    align(&rows)
}

/// The assets as a JSON v1 List.
pub fn json(assets: &[AppAsset]) -> Result<String, Error> {
    let mut text = serde_json::to_string_pretty(&list(assets))?;
    text.push('\n');
    Ok(text)
}

/// The assets as a YAML v1 List.
pub fn yaml(assets: &[AppAsset]) -> Result<String, Error> {
    Ok(yaml_serde::to_string(&list(assets))?)
}

fn list(assets: &[AppAsset]) -> List<'_> {
    List {
        api_version: "v1",
        kind: "List",
        items: assets,
    }
}

/// One asset's cells, each the value its printer column's JSON path finds.
fn row(asset: &AppAsset) -> [String; 8] {
    let status = asset.status.as_ref();
    let shown = |value: Option<String>| value.unwrap_or_else(|| ABSENT.to_string());
    let metadata = &asset.metadata;
    let spec = &asset.spec;
    [
        shown(metadata.namespace.clone()),
        shown(metadata.name.clone()),
        spec.workload.kind.clone(),
        shown(status.and_then(|s| s.exposure).map(|e| e.to_string())),
        shown(spec.owner.as_ref().map(|owner| owner.team.clone())),
        spec.classification.data_sensitivity.to_string(),
        shown(status.and_then(|s| s.risk_level).map(|r| r.to_string())),
        shown(status.and_then(|s| s.risk_score).map(|r| r.to_string())),
    ]
}

fn align(rows: &[[String; 8]]) -> String {
    let mut widths = [0; 8];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count() + PADDING).max(MIN_WIDTH);
        }
    }

    let mut text = String::new();
    for row in rows {
        let [padded @ .., last] = row;
        for (cell, width) in padded.iter().zip(widths) {
            text.push_str(cell);
            let fill = width.saturating_sub(cell.chars().count());
            text.extend(std::iter::repeat_n(' ', fill));
        }
        text.push_str(last);
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use kube::CustomResourceExt;
    use serde_json::{Value, json};

    use super::*;

    fn asset(manifest: Value) -> AppAsset {
        serde_json::from_value(manifest).expect("test asset deserializes")
    }

    fn web() -> AppAsset {
        asset(json!({
            "apiVersion": "appasset.io/v1alpha1",
            "kind": "AppAsset",
            "metadata": { "name": "deployment-web", "namespace": "shop" },
            "spec": {
                "workload": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "web" },
                "owner": { "team": "storefront", "source": "label team on Deployment shop/web" },
                "classification": {
                    "dataSensitivity": "confidential",
                    "dataSensitivityBasis": "declared",
                    "criticality": "high",
                    "criticalityBasis": "declared"
                }
            },
            "status": { "exposure": "Internet", "riskScore": 72, "riskLevel": "Critical" }
        }))
    }

    fn unscored() -> AppAsset {
        asset(json!({
            "apiVersion": "appasset.io/v1alpha1",
            "kind": "AppAsset",
            "metadata": { "name": "cronjob-nightly-report", "namespace": "default" },
            "spec": {
                "workload": { "apiVersion": "batch/v1", "kind": "CronJob", "name": "r" },
                "classification": {
                    "dataSensitivity": "unclassified",
                    "dataSensitivityBasis": "unset",
                    "criticality": "unclassified",
                    "criticalityBasis": "unset"
                }
            },
            "status": { "exposure": "Isolated" }
        }))
    }

    /// What kubectl finds at a printer column's simple JSON path (`.status.riskLevel`).
    fn at_path(object: &Value, path: &str) -> String {
        let found = path
            .trim_start_matches('.')
            .split('.')
            .try_fold(object, |value, field| value.get(field));
        match found {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => ABSENT.to_string(),
            Some(other) => other.to_string(),
        }
    }

    /// The CRD's printer columns shown without `-o wide`, but for the date ones.
    fn printer_columns() -> Vec<(String, String)> {
        let crd = AppAsset::crd();
        let columns = crd.spec.versions[0]
            .additional_printer_columns
            .clone()
            .unwrap_or_default();
        columns
            .into_iter()
            .filter(|column| column.priority.unwrap_or(0) == 0 && column.type_ != "date")
            .map(|column| (column.name.to_ascii_uppercase(), column.json_path))
            .collect()
    }

    #[test]
    fn columns_are_namespace_name_and_the_crd_s_printer_columns() {
        let mut expected = vec!["NAMESPACE".to_string(), "NAME".to_string()];
        expected.extend(printer_columns().into_iter().map(|(name, _)| name));

        assert_eq!(COLUMNS.to_vec(), expected);
    }

    #[test]
    fn each_cell_is_what_kubectl_finds_at_its_column_s_path() {
        for asset in [web(), unscored()] {
            let object = serde_json::to_value(&asset).unwrap();
            let mut expected = vec![
                at_path(&object, ".metadata.namespace"),
                at_path(&object, ".metadata.name"),
            ];
            expected.extend(
                printer_columns()
                    .iter()
                    .map(|(_, path)| at_path(&object, path)),
            );

            assert_eq!(row(&asset).to_vec(), expected);
        }
    }

    #[test]
    fn the_table_is_aligned_as_kubectl_aligns_it() {
        let text = table(&[unscored(), web()]);

        // Each line in two halves, to keep within the width of the code.
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                concat!(
                    "NAMESPACE   NAME                     KIND         EXPOSURE   ",
                    "OWNER        DATA           RISK       SCORE"
                ),
                concat!(
                    "default     cronjob-nightly-report   CronJob      Isolated   ",
                    "<none>       unclassified   <none>     <none>"
                ),
                concat!(
                    "shop        deployment-web           Deployment   Internet   ",
                    "storefront   confidential   Critical   72"
                ),
            ]
        );
        assert!(text.ends_with("72\n"));
    }

    #[test]
    fn an_empty_table_is_empty() {
        assert_eq!(table(&[]), "");
    }

    #[test]
    fn json_is_a_v1_list_of_the_assets() {
        let text = json(&[web()]).unwrap();

        let list: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(list["apiVersion"], "v1");
        assert_eq!(list["kind"], "List");
        let items: Vec<AppAsset> = serde_json::from_value(list["items"].clone()).unwrap();
        assert_eq!(items, [web()]);
    }

    #[test]
    fn yaml_is_the_same_list_as_json() {
        let from_yaml: Value = yaml_serde::from_str(&yaml(&[web()]).unwrap()).unwrap();
        let from_json: Value = serde_json::from_str(&json(&[web()]).unwrap()).unwrap();

        assert_eq!(from_yaml, from_json);
    }
}
