//! The operator's HTTP surface: `/metrics` for Prometheus, `/healthz` and `/readyz` for the
//! kubelet's probes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::metrics::Metrics;

/// What the HTTP endpoints report.
#[derive(Clone)]
pub struct Health {
    /// True once every watch has listed its objects and the first inventory is written.
    pub ready: Arc<AtomicBool>,
    /// The metrics to serve.
    pub metrics: Metrics,
}

/// Serves the endpoints on `listener` until the process ends.
pub async fn serve(listener: TcpListener, health: Health) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let health = health.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, health.clone()));
            if let Err(error) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, %error, "HTTP connection ended with an error");
            }
        });
    }
}

/// Binds the metrics address, so a taken port fails start-up with a clear message.
pub async fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(address).await
}

async fn answer(
    request: Request<Incoming>,
    health: Health,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let (status, body) = match request.uri().path() {
        "/metrics" => (StatusCode::OK, health.metrics.render()),
        "/healthz" => (StatusCode::OK, "ok\n".to_string()),
        "/readyz" if health.ready.load(Ordering::Relaxed) => (StatusCode::OK, "ok\n".to_string()),
        "/readyz" => (
            StatusCode::SERVICE_UNAVAILABLE,
            "inventory not synced yet\n".to_string(),
        ),
        _ => (StatusCode::NOT_FOUND, "not found\n".to_string()),
    };
    let response = Response::builder()
        .status(status)
        .header("content-type", "text/plain; version=0.0.4")
        .body(Full::new(Bytes::from(body)))
        .expect("a static response");
    Ok(response)
}
