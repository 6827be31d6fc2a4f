//! The command line of the `appasset` binary.

use clap::Parser;

/// Keeps a live, risk-ranked inventory of a Kubernetes cluster's application assets.
#[derive(Debug, Parser)]
#[command(name = "appasset", version, about)]
pub struct Cli {}
