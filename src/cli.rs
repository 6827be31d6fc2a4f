//! The command line of the `appasset` binary. Every flag of `run` can also be set through the
//! environment variable named beside it, which is how the Helm chart sets them.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::RiskLevel;
use crate::controller::{NamespaceFilter, Options};
use crate::engine::settings::Settings;

/// Keeps a live, risk-ranked inventory of a Kubernetes cluster's application assets.
#[derive(Debug, Parser)]
#[command(name = "appasset", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `appasset`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the controller: keep one AppAsset per workload of the cluster current.
    Run(RunArgs),
    /// Print the CustomResourceDefinitions of appasset.io as YAML, ready for `kubectl apply`.
    Crd,
    /// Assess the workloads of manifest files with the controller's engine, no cluster needed.
    #[command(after_help = SCAN_EXIT_CODES)]
    Scan(ScanArgs),
}

/// Flags of `appasset run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Only these namespaces make assets (comma-separated); all when empty.
    #[arg(long, env = "APPASSET_NAMESPACES", value_delimiter = ',')]
    pub namespaces: Vec<String>,

    /// These namespaces never make assets (comma-separated).
    #[arg(long, env = "APPASSET_EXCLUDE_NAMESPACES", value_delimiter = ',')]
    pub exclude_namespaces: Vec<String>,

    /// Address for /metrics, /healthz and /readyz.
    #[arg(long, env = "APPASSET_METRICS_ADDRESS", default_value = "0.0.0.0:8080")]
    pub metrics_address: SocketAddr,

    /// How the engine judges exposure.
    #[command(flatten)]
    pub engine: EngineArgs,

    /// Seconds between looks for Gateway API kinds installed after start.
    #[arg(long, env = "APPASSET_DISCOVERY_INTERVAL", default_value_t = 30)]
    pub discovery_interval: u64,

    /// How many assets are reconciled at the same time.
    #[arg(long, env = "APPASSET_WORKERS", default_value_t = 4)]
    pub workers: usize,

    /// Log format.
    #[arg(long, env = "APPASSET_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The flags that change the engine's verdicts. `run` and `scan` share them, so a scan in CI
/// judges exposure as the operator in the cluster does.
#[derive(Debug, Clone, Args)]
pub struct EngineArgs {
    /// Ingress classes whose load balancers are internal (comma-separated).
    #[arg(long, env = "APPASSET_INTERNAL_INGRESS_CLASSES", value_delimiter = ',')]
    pub internal_ingress_classes: Vec<String>,

    /// GatewayClasses whose Gateways are internal (comma-separated).
    #[arg(long, env = "APPASSET_INTERNAL_GATEWAY_CLASSES", value_delimiter = ',')]
    pub internal_gateway_classes: Vec<String>,
}

impl EngineArgs {
    /// The engine's settings from the flags.
    pub fn settings(&self) -> Settings {
        Settings {
            internal_ingress_classes: words(&self.internal_ingress_classes),
            internal_gateway_classes: words(&self.internal_gateway_classes),
        }
    }
}

/// What the exit code of `appasset scan` says; shown under `appasset scan --help`.
pub const SCAN_EXIT_CODES: &str = "\
Exit codes:
  0  every path and document was read, and no asset is at or above --fail-on
  1  some asset's risk level is at or above --fail-on
  2  the command line is wrong
  3  some path or document could not be read, or the output could not be written; each
     problem is named on stderr, and the assets of everything else are still printed.
     3 wins over 1: a gate that could not read all of its input has not passed.";

/// Flags of `appasset scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Manifest files, directories (searched recursively for .yaml, .yml and .json files), or
    /// `-` for standard input. Multi-document YAML, JSON and List objects are read; objects
    /// without a namespace land in `default`, as `kubectl apply` without `-n` puts them.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// How to print the assets: the columns of `kubectl get appassets -A`, or a v1 List of
    /// AppAsset objects as the operator would write them.
    #[arg(short, long, value_name = "FORMAT", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Exit with 1 when any asset's risk level is at or above LEVEL (`none` fails on any
    /// asset that has a risk level at all).
    #[arg(long, value_name = "LEVEL", value_enum)]
    pub fail_on: Option<Threshold>,

    /// How the engine judges exposure.
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// How `appasset scan` prints the assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns, as `kubectl get appassets -A` shows them.
    Table,
    /// A v1 List of AppAssets as JSON.
    Json,
    /// A v1 List of AppAssets as YAML.
    Yaml,
}

/// A risk level for `--fail-on`, spelled as its label value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Threshold {
    /// Risk level None: any assessed asset.
    None,
    /// Risk level Low and above.
    Low,
    /// Risk level Medium and above.
    Medium,
    /// Risk level High and above.
    High,
    /// Risk level Critical.
    Critical,
}

impl Threshold {
    /// The lowest risk level that reaches the threshold.
    pub fn level(self) -> RiskLevel {
        match self {
            Threshold::None => RiskLevel::None,
            Threshold::Low => RiskLevel::Low,
            Threshold::Medium => RiskLevel::Medium,
            Threshold::High => RiskLevel::High,
            Threshold::Critical => RiskLevel::Critical,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event, for log pipelines.
    Json,
}

impl RunArgs {
    /// The controller's options from the flags.
    pub fn options(&self) -> Options {
        Options {
            filter: NamespaceFilter {
                include: words(&self.namespaces),
                exclude: words(&self.exclude_namespaces),
            },
            settings: self.engine.settings(),
            workers: self.workers,
            discovery_interval: std::time::Duration::from_secs(self.discovery_interval.max(1)),
        }
    }
}

/// Trimmed, non-empty entries: `--namespaces ""` or a trailing comma means none.
fn words(values: &[String]) -> BTreeSet<String> {
    let trimmed = values.iter().map(|value| value.trim());
    trimmed
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .collect()
}
