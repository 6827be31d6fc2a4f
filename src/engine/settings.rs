//! What the user configures about how the engine judges exposure.

use std::collections::BTreeSet;

/// Choices that change the engine's verdicts, set by flags of `appasset run` and `scan`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// Ingress classes whose load balancers are internal: their Ingresses make a workload
    /// External, not Internet.
    pub internal_ingress_classes: BTreeSet<String>,
    /// GatewayClasses whose Gateways are internal: their routes make a workload External.
    pub internal_gateway_classes: BTreeSet<String>,
}
