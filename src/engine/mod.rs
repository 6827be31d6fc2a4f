//! The engine: pure functions from a snapshot of cluster objects to the facts and verdicts of
//! an asset. It never talks to Kubernetes; the controller feeds it from watches and
//! `appasset scan` from files, so both give the same answer for the same objects.

pub mod address;
pub mod application;
pub mod asset;
pub mod changes;
pub mod classification;
pub mod containers;
pub mod dependencies;
pub mod entrypoints;
pub mod exposure;
pub mod facts;
pub mod findings;
pub mod gateway_api;
pub mod impact;
pub mod network_policy;
pub mod ownership;
pub mod policy;
pub mod risk;
pub mod selector;
pub mod settings;
pub mod snapshot;
#[cfg(test)]
pub(crate) mod testing;
pub mod workload;
