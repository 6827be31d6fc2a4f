//! The command line of the `appasset` binary. Every flag of `run` can also be set through the
//! environment variable named beside it, which is how the Helm chart sets them.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

    /// Ingress classes whose load balancers are internal (comma-separated).
    #[arg(long, env = "APPASSET_INTERNAL_INGRESS_CLASSES", value_delimiter = ',')]
    pub internal_ingress_classes: Vec<String>,

    /// GatewayClasses whose Gateways are internal (comma-separated).
    #[arg(long, env = "APPASSET_INTERNAL_GATEWAY_CLASSES", value_delimiter = ',')]
    pub internal_gateway_classes: Vec<String>,

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
            settings: Settings {
                internal_ingress_classes: words(&self.internal_ingress_classes),
                internal_gateway_classes: words(&self.internal_gateway_classes),
            },
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
