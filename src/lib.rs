//! appasset-operator keeps one `AppAsset` per workload of a Kubernetes cluster, saying how the
//! workload is reached, who owns it, what data it handles and how risky it is.

#![forbid(unsafe_code)]

pub mod api;
pub mod cli;
pub mod controller;
pub mod crd;
pub mod engine;
pub mod http;
pub mod metrics;
pub mod run;
pub mod scan;
