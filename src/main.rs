//! The `appasset` command: wires the command line to the parts of the operator.

#![forbid(unsafe_code)]

use clap::Parser;

use appasset_operator::cli::Cli;

fn main() {
    Cli::parse();
}
