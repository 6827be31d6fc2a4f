//! appasset-operator keeps one `AppAsset` per workload of a Kubernetes cluster, saying how the
//! workload is reached, who owns it, what data it handles and how risky it is.

#![forbid(unsafe_code)]

pub mod cli;
