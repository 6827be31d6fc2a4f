//! Every path by which traffic reaches a workload, and how far each path reaches on its own.
//! NetworkPolicy is applied afterwards, by the exposure step.

pub mod gateway;
pub mod ingress;
pub mod pod;
pub mod service;
