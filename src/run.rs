//! `appasset run`: starts logging, the HTTP surface and the controller.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::{LogFormat, RunArgs};
use crate::controller;
use crate::http::{self, Health};
use crate::metrics::Metrics;

/// Why `appasset run` could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No usable kubeconfig or in-cluster configuration.
    #[error("no Kubernetes configuration: {0}")]
    Config(#[source] kube::Error),
    /// The metrics address could not be bound.
    #[error("binding the metrics address {address}: {source}")]
    Bind {
        /// The address asked for.
        address: std::net::SocketAddr,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The controller stopped.
    #[error(transparent)]
    Controller(#[from] controller::Error),
}

/// Runs the operator until the process is stopped.
pub async fn run(args: RunArgs) -> Result<(), Error> {
    init_logging(args.log_format);

    let client = kube::Client::try_default().await.map_err(Error::Config)?;
    let metrics = Metrics::new();
    let ready = Arc::new(AtomicBool::new(false));

    let listener = http::bind(args.metrics_address)
        .await
        .map_err(|source| Error::Bind {
            address: args.metrics_address,
            source,
        })?;
    let health = Health {
        ready: ready.clone(),
        metrics: metrics.clone(),
    };
    tokio::spawn(http::serve(listener, health));
    tracing::info!(address = %args.metrics_address, "serving /metrics, /healthz and /readyz");

    controller::run(client, args.options(), metrics, ready).await?;
    Ok(())
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
