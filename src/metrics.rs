//! The operator's Prometheus metrics, in a registry it owns. Values are updated as things
//! happen, never computed at scrape time.

use prometheus::{Histogram, HistogramOpts, IntCounterVec, Opts, Registry};

/// Every metric the operator exports.
#[derive(Clone)]
pub struct Metrics {
    /// The registry `/metrics` serves.
    pub registry: Registry,
    /// Writes to the API server, by resource and verb.
    pub api_writes: IntCounterVec,
    /// Watch events received, by resource.
    pub watch_events: IntCounterVec,
    /// Reconciles of one asset, by result.
    pub reconciles: IntCounterVec,
    /// How long one reconcile takes.
    pub reconcile_duration: Histogram,
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let metrics = Metrics {
            api_writes: counter(
                "appasset_api_writes_total",
                "Writes the operator made to the API server",
                &["resource", "verb"],
            ),
            watch_events: counter(
                "appasset_watch_events_total",
                "Watch events the operator received",
                &["resource"],
            ),
            reconciles: counter(
                "appasset_reconcile_total",
                "Reconciles of one asset, by result",
                &["result"],
            ),
            reconcile_duration: Histogram::with_opts(
                HistogramOpts::new(
                    "appasset_reconcile_duration_seconds",
                    "Time to reconcile one asset",
                )
                .buckets(vec![
                    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ]),
            )
            .expect("a valid histogram"),
            registry,
        };
        metrics.register();
        metrics
    }

    fn register(&self) {
        let collectors: [Box<dyn prometheus::core::Collector>; 4] = [
            Box::new(self.api_writes.clone()),
            Box::new(self.watch_events.clone()),
            Box::new(self.reconciles.clone()),
            Box::new(self.reconcile_duration.clone()),
        ];
        for collector in collectors {
            self.registry
                .register(collector)
                .expect("metric names are unique");
        }
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let families = self.registry.gather();
        prometheus::TextEncoder::new()
            .encode_to_string(&families)
            .unwrap_or_else(|error| format!("# encoding metrics failed: {error}\n"))
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn counter(name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    IntCounterVec::new(Opts::new(name, help), labels).expect("a valid counter")
}
