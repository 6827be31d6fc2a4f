//! The `appasset` command: wires the command line to the parts of the operator.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

use appasset_operator::cli::{Cli, Command};
use appasset_operator::{crd, run, scan};

#[tokio::main]
async fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Run(args) => report("run", run::run(args).await),
        Command::Crd => match crd::render() {
            Ok(yaml) => {
                print!("{yaml}");
                ExitCode::SUCCESS
            }
            Err(error) => report("crd", Err(error)),
        },
        Command::Scan(args) => ExitCode::from(scan::run(&args).code()),
    }
}

fn report<E: std::fmt::Display>(command: &str, result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("appasset {command}: {error}");
            ExitCode::FAILURE
        }
    }
}
