//! `appasset scan` as a user runs it: the real binary on files, directories and stdin, its
//! output read back, its exit code checked. No cluster is involved.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use appasset_operator::api::{AppAsset, Exposure, RiskLevel};
use serde_json::Value;

const APPASSET: &str = env!("CARGO_BIN_EXE_appasset");

/// What one run of the binary left behind.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn scan(args: &[&str]) -> Run {
    scan_with_stdin(args, "")
}

fn scan_with_stdin(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(APPASSET)
        .arg("scan")
        .args(args)
        .env_remove("APPASSET_INTERNAL_INGRESS_CLASSES")
        .env_remove("APPASSET_INTERNAL_GATEWAY_CLASSES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting appasset scan");
    let mut input = child.stdin.take().expect("stdin is piped");
    input.write_all(stdin.as_bytes()).expect("writing stdin");
    drop(input);
    let output = child.wait_with_output().expect("running appasset scan");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn repository(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    path.display().to_string()
}

fn boutique(path: &str) -> String {
    repository(&format!("../shared/corpus/online-boutique/{path}"))
}

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let directory = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("scan")
        .join(test);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).expect("creating a scratch directory");
    directory
}

fn write(directory: &Path, name: &str, text: &str) -> String {
    let path = directory.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
    std::fs::write(&path, text).expect("writing a manifest");
    path.display().to_string()
}

/// The items of a v1 List printed as JSON.
fn assets(run: &Run) -> Vec<AppAsset> {
    let list: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(list["apiVersion"], "v1");
    assert_eq!(list["kind"], "List");
    serde_json::from_value(list["items"].clone()).expect("items are AppAssets")
}

fn exposures(assets: &[AppAsset]) -> Vec<(String, Option<Exposure>)> {
    let exposure = |asset: &AppAsset| asset.status.as_ref().and_then(|status| status.exposure);
    assets
        .iter()
        .map(|asset| {
            (
                asset.metadata.name.clone().unwrap_or_default(),
                exposure(asset),
            )
        })
        .collect()
}

fn deployment(name: &str, namespace: Option<&str>) -> String {
    let namespace = namespace.map_or(String::new(), |ns| format!("\n  namespace: {ns}"));
    format!(
        "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{namespace}
spec:
  selector:
    matchLabels: {{ app: {name} }}
  template:
    metadata:
      labels: {{ app: {name} }}
    spec:
      containers:
      - name: main
        image: registry.example/{name}:1.0
        ports:
        - containerPort: 8080
"
    )
}

fn service(name: &str, kind: &str) -> String {
    format!(
        "\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
spec:
  type: {kind}
  selector: {{ app: {name} }}
  ports:
  - port: 80
    targetPort: 8080
"
    )
}

#[test]
fn table_output_has_the_kubectl_columns_and_one_row_per_asset() {
    let run = scan(&[&boutique("kubernetes-manifests.yaml")]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "NAME",
            "KIND",
            "EXPOSURE",
            "OWNER",
            "DATA",
            "RISK",
            "SCORE"
        ]
    );
    assert_eq!(lines.len(), 13);
    let frontend = lines
        .iter()
        .find(|line| line.contains("deployment-frontend "));
    let cells: Vec<&str> = frontend
        .expect("a frontend row")
        .split_whitespace()
        .collect();
    assert_eq!(
        cells[..4],
        ["default", "deployment-frontend", "Deployment", "Internet"]
    );
    let column = |line: &str, name: &str| line.find(name).expect("the column");
    assert_eq!(
        column(lines[0], "EXPOSURE"),
        column(frontend.unwrap(), "Internet"),
        "columns are aligned"
    );
}

#[test]
fn online_boutique_has_twelve_assets_frontend_internet_loadgenerator_isolated_rest_cluster() {
    let run = scan(&["-o", "json", &boutique("kubernetes-manifests.yaml")]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found = exposures(&assets(&run));
    assert_eq!(found.len(), 12);
    for (name, exposure) in found {
        let expected = match name.as_str() {
            "deployment-frontend" => Exposure::Internet,
            "deployment-loadgenerator" => Exposure::Isolated,
            _ => Exposure::Cluster,
        };
        assert_eq!(exposure, Some(expected), "{name}");
    }
}

#[test]
fn online_boutique_with_its_network_policies_restricts_every_service_but_frontend() {
    // The corpus directory holds the network policies too: deny-all selects every pod, and
    // each service admits only its callers; frontend admits everyone.
    let run = scan(&["-o", "json", &boutique("")]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found = exposures(&assets(&run));
    assert_eq!(found.len(), 12);
    for (name, exposure) in found {
        let expected = match name.as_str() {
            "deployment-frontend" => Exposure::Internet,
            "deployment-loadgenerator" => Exposure::Isolated,
            _ => Exposure::Restricted,
        };
        assert_eq!(exposure, Some(expected), "{name}");
    }
}

#[test]
fn json_output_is_a_v1_list_of_app_assets_as_the_operator_writes_them() {
    let dir = scratch("json");
    let file = write(
        &dir,
        "shop.yaml",
        &format!(
            "{}---\n{}",
            deployment("web", Some("shop")),
            service("web", "LoadBalancer")
        ),
    );

    let run = scan(&["-o", "json", &file]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let assets = assets(&run);
    assert_eq!(assets.len(), 1);
    let asset = &assets[0];
    assert_eq!(asset.metadata.name.as_deref(), Some("deployment-web"));
    assert_eq!(asset.metadata.namespace.as_deref(), Some("shop"));
    let labels = asset.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels["appasset.io/exposure"], "internet");
    assert_eq!(labels["appasset.io/workload-kind"], "deployment");
    assert!(
        asset.metadata.owner_references.is_none(),
        "files have no uids"
    );
    assert_eq!(asset.spec.workload.kind, "Deployment");
    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(list["items"][0]["apiVersion"], "appasset.io/v1alpha1");
    assert_eq!(list["items"][0]["kind"], "AppAsset");
}

#[test]
fn yaml_output_is_the_same_list_as_json() {
    let file = boutique("kubernetes-manifests.yaml");

    let json = scan(&["-o", "json", &file]);
    let yaml = scan(&["-o", "yaml", &file]);

    assert_eq!(yaml.code, Some(0), "{}", yaml.stderr);
    let from_yaml: Value = yaml_serde::from_str(&yaml.stdout).expect("stdout is YAML");
    let from_json: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(without_times(from_yaml), without_times(from_json));
}

/// The list with condition times removed: two runs may start in different seconds.
fn without_times(mut list: Value) -> Value {
    let items = list["items"].as_array_mut().expect("items");
    for item in items {
        let conditions = item["status"]["conditions"].as_array_mut();
        for condition in conditions.into_iter().flatten() {
            condition["lastTransitionTime"] = Value::Null;
        }
    }
    list
}

#[test]
fn conditions_carry_one_scan_time_to_the_second() {
    let run = scan(&["-o", "json", &boutique("kubernetes-manifests.yaml")]);

    let list: Value = serde_json::from_str(&run.stdout).unwrap();
    let times: std::collections::BTreeSet<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|item| {
            item["status"]["conditions"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|condition| {
            condition["lastTransitionTime"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(times.len(), 1, "{times:?}");
    let time = times.first().unwrap();
    assert!(time.ends_with('Z') && !time.contains('.'), "{time}");
}

#[test]
fn stdin_is_read_when_the_path_is_a_dash() {
    let manifests = std::fs::read_to_string(boutique("kubernetes-manifests.yaml")).unwrap();

    let run = scan_with_stdin(&["-o", "json", "-"], &manifests);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(assets(&run).len(), 12);
}

#[test]
fn directories_are_searched_recursively_for_yaml_yml_and_json_files() {
    let dir = scratch("directories");
    write(&dir, "a/web.yaml", &deployment("web", Some("shop")));
    write(&dir, "a/b/api.yml", &deployment("api", Some("shop")));
    let json = r#"{"apiVersion": "batch/v1", "kind": "Job",
                   "metadata": {"name": "migrate", "namespace": "shop"}}"#;
    write(&dir, "c/migrate.json", json);
    write(
        &dir,
        "notes.txt",
        &deployment("not-a-manifest", Some("shop")),
    );

    let run = scan(&["-o", "json", &dir.display().to_string()]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let names: Vec<String> = exposures(&assets(&run))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["deployment-api", "deployment-web", "job-migrate"]);
}

#[test]
fn list_objects_are_read_item_by_item() {
    let dir = scratch("lists");
    let list = r#"{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    { "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "debug", "namespace": "shop" } },
    { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "settings" } }
  ]
}"#;
    // As the API server lists them: the items name neither apiVersion nor kind.
    let typed = "\
apiVersion: batch/v1
kind: CronJobList
items:
- metadata: { name: report, namespace: shop }
";
    let list = write(&dir, "list.json", list);
    let typed = write(&dir, "typed.yaml", typed);

    let run = scan(&["-o", "json", &list, &typed]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let names: Vec<String> = exposures(&assets(&run))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["cronjob-report", "pod-debug"]);
}

#[test]
fn a_malformed_document_is_reported_with_file_and_index_and_the_rest_is_scanned() {
    let dir = scratch("malformed");
    let broken = deployment("api", Some("shop"))
        .replace("spec:\n  selector", "spec:\n  replicas: three\n  selector");
    let file = write(
        &dir,
        "shop.yaml",
        &format!(
            "{}---\n{broken}---\n{}",
            deployment("web", Some("shop")),
            deployment("cart", Some("shop"))
        ),
    );

    let run = scan(&["-o", "json", &file]);

    assert_eq!(run.code, Some(3));
    let names: Vec<String> = exposures(&assets(&run))
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names, ["deployment-cart", "deployment-web"]);
    let expected = format!(
        "{file}: document 2 (line 18), Deployment shop/api: spec.replicas: invalid type: \
         string \"three\", expected i32 at line 25 column 13"
    );
    assert!(
        run.stderr.lines().any(|line| line == expected),
        "{}",
        run.stderr
    );
}

#[test]
fn a_yaml_syntax_error_is_reported_and_the_documents_after_it_are_scanned() {
    let dir = scratch("syntax");
    let broken = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [web\n";
    let file = write(
        &dir,
        "shop.yaml",
        &format!("{broken}---\n{}", deployment("web", Some("shop"))),
    );

    let run = scan(&["-o", "json", &file]);

    assert_eq!(run.code, Some(3));
    assert_eq!(assets(&run).len(), 1);
    let prefix = format!("{file}: document 1 (line 1): ");
    assert!(
        run.stderr.lines().any(|line| line.starts_with(&prefix)),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_path_is_reported_and_the_other_paths_are_scanned() {
    let dir = scratch("missing");
    let file = write(&dir, "web.yaml", &deployment("web", Some("shop")));
    let missing = dir.join("gone.yaml").display().to_string();

    let run = scan(&["-o", "json", &missing, &file]);

    assert_eq!(run.code, Some(3));
    assert_eq!(assets(&run).len(), 1);
    let prefix = format!("{missing}: cannot read: ");
    assert!(
        run.stderr.lines().any(|line| line.starts_with(&prefix)),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_kinds_are_passed_over_and_counted() {
    let dir = scratch("unknown");
    let others = "\
apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
";
    let file = write(
        &dir,
        "shop.yaml",
        &format!("{others}---\n{}", deployment("web", None)),
    );

    let run = scan(&[&file]);

    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 2);
    assert!(
        run.stderr
            .contains("1 object read, 3 of other kinds passed over, 0 problems"),
        "{}",
        run.stderr
    );
}

#[test]
fn objects_without_a_namespace_land_in_default() {
    let dir = scratch("default");
    let service = service("web", "LoadBalancer").replace("  namespace: shop\n", "");
    let file = write(
        &dir,
        "web.yaml",
        &format!("{}---\n{service}", deployment("web", None)),
    );

    let run = scan(&["-o", "json", &file]);

    let assets = assets(&run);
    assert_eq!(assets.len(), 1);
    assert_eq!(assets[0].metadata.namespace.as_deref(), Some("default"));
    assert_eq!(
        exposures(&assets),
        [("deployment-web".to_string(), Some(Exposure::Internet))],
        "the Service without a namespace still reaches the Deployment without one"
    );
}

#[test]
fn internal_ingress_classes_are_shared_with_run() {
    let dir = scratch("ingress-classes");
    let ingress = "\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
spec:
  ingressClassName: nginx-internal
  defaultBackend: { service: { name: web, port: { number: 80 } } }
";
    let file = write(
        &dir,
        "web.yaml",
        &format!(
            "{}---\n{}---\n{ingress}",
            deployment("web", Some("shop")),
            service("web", "ClusterIP")
        ),
    );

    let public = scan(&["-o", "json", &file]);
    let internal = scan(&[
        "-o",
        "json",
        "--internal-ingress-classes",
        "nginx-internal",
        &file,
    ]);

    let exposure = |run: &Run| exposures(&assets(run))[0].1;
    assert_eq!(exposure(&public), Some(Exposure::Internet));
    assert_eq!(exposure(&internal), Some(Exposure::External));
}

#[test]
fn fail_on_exits_1_exactly_when_an_asset_is_at_or_above_the_level() {
    let file = boutique("kubernetes-manifests.yaml");
    let levels: Vec<RiskLevel> = assets(&scan(&["-o", "json", &file]))
        .iter()
        .filter_map(|asset| asset.status.as_ref()?.risk_level)
        .collect();

    let thresholds = [
        ("none", RiskLevel::None),
        ("low", RiskLevel::Low),
        ("medium", RiskLevel::Medium),
        ("high", RiskLevel::High),
        ("critical", RiskLevel::Critical),
    ];
    for (flag, level) in thresholds {
        let reached = levels.iter().any(|found| *found >= level);

        let run = scan(&["--fail-on", flag, &file]);

        assert_eq!(
            run.code,
            Some(i32::from(reached)),
            "--fail-on {flag}: {}",
            run.stderr
        );
    }
}

#[test]
fn fail_on_an_unknown_level_is_a_usage_error() {
    let run = scan(&[
        "--fail-on",
        "severe",
        &boutique("kubernetes-manifests.yaml"),
    ]);

    assert_eq!(run.code, Some(2));
    assert!(run.stdout.is_empty());
}

#[test]
fn an_unreadable_document_wins_over_fail_on() {
    let dir = scratch("fail-on-incomplete");
    let file = write(
        &dir,
        "broken.yaml",
        "apiVersion: v1\nkind: Service\nspec: [\n",
    );

    let run = scan(&[
        "--fail-on",
        "none",
        &file,
        &boutique("kubernetes-manifests.yaml"),
    ]);

    assert_eq!(run.code, Some(3));
    assert_eq!(
        run.stdout.lines().count(),
        13,
        "the readable assets are still printed"
    );
}

#[test]
fn the_same_input_gives_the_same_table() {
    let first = scan(&[&repository("deploy/demo"), &boutique("")]);
    let second = scan(&[&repository("deploy/demo"), &boutique("")]);

    assert_eq!(first.stdout, second.stdout);
    assert_eq!(first.stderr, second.stderr);
}

#[test]
fn the_demo_shows_every_exposure_and_its_broken_document() {
    let demo = repository("deploy/demo");

    let run = scan(&["-o", "json", &demo]);

    assert_eq!(
        run.code,
        Some(3),
        "the demo holds one malformed document on purpose"
    );
    let problems: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains("document"))
        .collect();
    assert_eq!(problems.len(), 1, "{}", run.stderr);
    assert!(
        problems[0].starts_with(&format!(
            "{demo}/broken.yaml: document 2 (line 9), Deployment tallybook/pdf-renderer: \
             spec.template.spec.containers[0].ports[0].containerPort: invalid type"
        )),
        "{}",
        problems[0]
    );

    let assets = assets(&run);
    assert_eq!(
        exposures(&assets),
        [
            (
                "daemonset-log-shipper".to_string(),
                Some(Exposure::External)
            ),
            (
                "cronjob-invoice-mailer".to_string(),
                Some(Exposure::Isolated)
            ),
            ("deployment-api".to_string(), Some(Exposure::External)),
            ("deployment-web".to_string(), Some(Exposure::Internet)),
            (
                "statefulset-postgres".to_string(),
                Some(Exposure::Restricted)
            ),
        ]
    );
    let api = &assets[2];
    let valid = api
        .status
        .as_ref()
        .unwrap()
        .conditions
        .iter()
        .find(|c| c.type_ == "Valid");
    let valid = valid.expect("a Valid condition");
    assert_eq!(valid.status, "False");
    assert!(
        valid.message.contains("mission-critical"),
        "{}",
        valid.message
    );
    let owner = |asset: &AppAsset| asset.spec.owner.as_ref().map(|owner| owner.team.clone());
    assert_eq!(
        owner(&assets[0]),
        None,
        "the node agent says nothing of its owner"
    );
    assert_eq!(owner(&assets[3]).as_deref(), Some("storefront"));
    assert_eq!(owner(&assets[4]).as_deref(), Some("billing"));
}

#[test]
fn help_documents_the_exit_codes() {
    let output = Command::new(APPASSET)
        .args(["scan", "--help"])
        .output()
        .expect("running appasset scan --help");

    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for code in [
        "0  every",
        "1  some asset",
        "2  the command line",
        "3  some path",
    ] {
        assert!(help.contains(code), "{help}");
    }
}
