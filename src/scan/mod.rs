//! `appasset scan`: the engine over manifest files instead of a cluster. The objects of the
//! files go into one snapshot through the same front door as the controller's watches, every
//! workload is assessed as the controller would assess it, and the AppAssets are printed
//! rather than written. It never talks to a cluster, so it runs in CI or on a laptop.
//!
//! The steps: find the files ([`files`]), split them into documents and read the objects
//! ([`reader`]), assess ([`inventory`]), print ([`output`]), and say by the exit code whether
//! everything was read and whether any asset reached `--fail-on`.

mod documents;
pub mod files;
pub mod output;
pub mod problem;
pub mod reader;

use std::io::Write;
use std::path::PathBuf;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

use crate::api::{AppAsset, RiskLevel};
use crate::cli::ScanArgs;
use crate::engine::asset::assess;
use crate::engine::changes;
use crate::engine::settings::Settings;
use crate::engine::snapshot::{ClusterObject, Snapshot};

use self::reader::Reading;

/// How a scan ended. The exit codes are explained to users in `appasset scan --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was read, and no asset reached `--fail-on`.
    Passed,
    /// Everything was read, and some asset's risk level is at or above `--fail-on`.
    ThresholdReached,
    /// Some path or document could not be read, or the output could not be written.
    Incomplete,
}

impl Outcome {
    /// The process exit code. 2 is left to the command-line parser, whose usage errors use it.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Passed => 0,
            Outcome::ThresholdReached => 1,
            Outcome::Incomplete => 3,
        }
    }
}

/// Runs `appasset scan`: assets on stdout, problems and a summary on stderr.
pub fn run(args: &ScanArgs) -> Outcome {
    let now = scan_time();
    let Reading {
        objects,
        problems,
        ignored,
    } = read_all(&args.paths);
    let read = objects.len();
    let assets = inventory(objects, &args.engine.settings(), &now);

    let written = print_assets(&assets, args);
    let summary = format!(
        "appasset scan: {}; {} read, {ignored} of other kinds passed over, {}",
        counted(assets.len(), "asset"),
        counted(read, "object"),
        counted(problems.len(), "problem"),
    );
    print_problems(&problems, &summary);

    let reached = args
        .fail_on
        .is_some_and(|level| reaches(&assets, level.level()));
    outcome(problems.is_empty() && written, reached)
}

/// Reads every input the PATHs name.
pub fn read_all(paths: &[PathBuf]) -> Reading {
    let mut reading = Reading::default();
    for input in files::inputs(paths, &mut reading.problems) {
        match input.read() {
            Ok(text) => reading.read(&input.name(), &text),
            Err(problem) => reading.problems.push(problem),
        }
    }
    reading
}

/// The AppAsset of every workload among `objects`, sorted by namespace, then name.
pub fn inventory(
    objects: impl IntoIterator<Item = ClusterObject>,
    settings: &Settings,
    now: &Time,
) -> Vec<AppAsset> {
    let mut snapshot = Snapshot::default();
    for object in objects {
        snapshot.insert(object);
    }

    let workloads = snapshot.workloads().map(|(key, _)| key);
    let mut assets: Vec<AppAsset> = workloads
        .filter_map(|key| assess(key, &snapshot, settings, now))
        .map(|mut asset| {
            // As the operator writes a new asset: revision 1, findings first seen now.
            changes::settle(&mut asset, None, now);
            asset
        })
        .collect();
    assets.sort_by(|a, b| namespace_and_name(a).cmp(&namespace_and_name(b)));
    assets
}

fn namespace_and_name(asset: &AppAsset) -> (Option<&str>, Option<&str>) {
    let metadata = &asset.metadata;
    (metadata.namespace.as_deref(), metadata.name.as_deref())
}

/// Whether any asset's risk level is at or above `level`. An asset without a risk level has
/// not been scored and reaches none.
pub fn reaches(assets: &[AppAsset], level: RiskLevel) -> bool {
    let mut levels = assets
        .iter()
        .filter_map(|asset| asset.status.as_ref()?.risk_level);
    levels.any(|found| found >= level)
}

/// One time for every condition of the scan, to the second as Kubernetes stores times.
fn scan_time() -> Time {
    let now = Timestamp::now();
    Time(Timestamp::from_second(now.as_second()).unwrap_or(now))
}

/// Prints the assets; false when they could not all be written. A reader that stops early
/// (`appasset scan . | head`) is no failure.
fn print_assets(assets: &[AppAsset], args: &ScanArgs) -> bool {
    let text = match output::render(assets, args.output) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("appasset scan: {error}");
            return false;
        }
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => true,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => true,
        Err(error) => {
            eprintln!("appasset scan: writing the assets: {error}");
            false
        }
    }
}

/// stderr failing leaves nothing to tell anyone with, so its errors are dropped.
fn print_problems(problems: &[problem::Problem], summary: &str) {
    let mut stderr = std::io::stderr().lock();
    for problem in problems {
        let _ = writeln!(stderr, "{problem}");
    }
    let _ = writeln!(stderr, "{summary}");
}

fn counted(count: usize, noun: &str) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {noun}{plural}")
}

fn outcome(complete: bool, reached: bool) -> Outcome {
    match (complete, reached) {
        (false, _) => Outcome::Incomplete,
        (true, true) => Outcome::ThresholdReached,
        (true, false) => Outcome::Passed,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use serde_json::json;

    use super::*;
    use crate::api::Exposure;
    use crate::cli::{Cli, Command, OutputFormat, Threshold};

    fn now() -> Time {
        Time(Timestamp::from_second(1_740_830_400).unwrap())
    }

    fn scored(name: &str, level: Option<RiskLevel>) -> AppAsset {
        let mut asset: AppAsset = serde_json::from_value(json!({
            "apiVersion": "appasset.io/v1alpha1",
            "kind": "AppAsset",
            "metadata": { "name": name, "namespace": "shop" },
            "spec": {
                "workload": { "apiVersion": "apps/v1", "kind": "Deployment", "name": name },
                "classification": {
                    "dataSensitivity": "unclassified",
                    "dataSensitivityBasis": "unset",
                    "criticality": "unclassified",
                    "criticalityBasis": "unset"
                }
            },
            "status": {}
        }))
        .unwrap();
        if let Some(status) = asset.status.as_mut() {
            status.risk_level = level;
        }
        asset
    }

    fn scan_args(line: &[&str]) -> ScanArgs {
        let cli = Cli::try_parse_from(line).expect("the command line parses");
        match cli.command {
            Command::Scan(args) => args,
            other => panic!("expected scan, got {other:?}"),
        }
    }

    #[test]
    fn fail_on_is_reached_at_or_above_its_level() {
        let assets = [
            scored("a", Some(RiskLevel::Medium)),
            scored("b", Some(RiskLevel::Low)),
        ];

        assert!(reaches(&assets, RiskLevel::None));
        assert!(reaches(&assets, RiskLevel::Low));
        assert!(reaches(&assets, RiskLevel::Medium));
        assert!(!reaches(&assets, RiskLevel::High));
        assert!(!reaches(&assets, RiskLevel::Critical));
    }

    #[test]
    fn an_unscored_asset_reaches_no_level() {
        assert!(!reaches(&[scored("a", None)], RiskLevel::None));
        assert!(!reaches(&[], RiskLevel::None));
    }

    #[test]
    fn an_incomplete_scan_wins_over_a_reached_threshold() {
        assert_eq!(outcome(false, true), Outcome::Incomplete);
        assert_eq!(outcome(true, true), Outcome::ThresholdReached);
        assert_eq!(outcome(true, false), Outcome::Passed);
        assert_eq!(Outcome::Incomplete.code(), 3);
    }

    #[test]
    fn the_command_line_takes_paths_format_threshold_and_engine_settings() {
        let args = scan_args(&[
            "appasset",
            "scan",
            "-o",
            "json",
            "--fail-on",
            "high",
            "--internal-ingress-classes",
            "nginx-internal, ",
            "a.yaml",
            "-",
        ]);

        assert_eq!(args.paths, [PathBuf::from("a.yaml"), PathBuf::from("-")]);
        assert_eq!(args.output, OutputFormat::Json);
        assert_eq!(args.fail_on, Some(Threshold::High));
        let settings = args.engine.settings();
        assert_eq!(
            settings.internal_ingress_classes,
            ["nginx-internal".to_string()].into()
        );
    }

    #[test]
    fn the_command_line_needs_a_path_and_a_known_level() {
        assert!(Cli::try_parse_from(["appasset", "scan"]).is_err());
        let unknown = Cli::try_parse_from(["appasset", "scan", "--fail-on", "severe", "a"]);
        assert!(unknown.is_err());
    }

    #[test]
    fn inventory_assesses_every_workload_sorted_by_namespace_and_name() {
        let mut reading = Reading::default();
        reading.read(
            "test.yaml",
            "\
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
---
apiVersion: v1
kind: Pod
metadata: { name: debug }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: LoadBalancer, selector: { app: web }, ports: [{ port: 80 }] }
",
        );

        let assets = inventory(reading.objects, &Settings::default(), &now());

        let names: Vec<String> = assets
            .iter()
            .map(|asset| {
                let metadata = &asset.metadata;
                format!("{:?}/{:?}", metadata.namespace, metadata.name)
            })
            .collect();
        assert_eq!(
            names,
            [
                "Some(\"default\")/Some(\"pod-debug\")",
                "Some(\"shop\")/Some(\"cronjob-report\")",
                "Some(\"shop\")/Some(\"deployment-web\")",
            ]
        );
        assert!(
            assets
                .iter()
                .all(|asset| asset.metadata.owner_references.is_none())
        );
    }

    #[test]
    fn conditions_carry_the_scan_time() {
        let mut reading = Reading::default();
        reading.read(
            "test.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: { name: debug }\n",
        );

        let assets = inventory(reading.objects, &Settings::default(), &now());

        let status = assets[0].status.as_ref().unwrap();
        assert_eq!(status.exposure, Some(Exposure::Isolated));
        assert!(!status.conditions.is_empty());
        assert!(
            status
                .conditions
                .iter()
                .all(|condition| condition.last_transition_time == now())
        );
    }
}
