//! The parts of Gateway API objects the engine reads. Gateway API is not part of Kubernetes
//! itself, so k8s-openapi has no types for it; these hold only what exposure needs, and
//! deserialize from any served version (fields the engine does not read are ignored).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Deserialize;

use super::snapshot::ObjectKey;

/// The API group of Gateway API.
pub const GROUP: &str = "gateway.networking.k8s.io";

/// A Gateway: where routes attach, and how far it is reachable.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    /// The Gateway's metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Its desired state.
    #[serde(default)]
    pub spec: GatewaySpec,
    /// The addresses the implementation assigned, when it has.
    #[serde(default)]
    pub status: GatewayStatus,
}

/// A Gateway's desired state.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySpec {
    /// The GatewayClass that implements it.
    #[serde(default)]
    pub gateway_class_name: String,
    /// Addresses requested for it.
    #[serde(default)]
    pub addresses: Vec<GatewayAddress>,
    /// Where it accepts traffic.
    #[serde(default)]
    pub listeners: Vec<Listener>,
}

/// A Gateway's observed state.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayStatus {
    /// Addresses the implementation bound.
    #[serde(default)]
    pub addresses: Vec<GatewayAddress>,
}

/// An address of a Gateway.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayAddress {
    /// IPAddress (the default), Hostname, or an implementation-specific type.
    #[serde(default, rename = "type")]
    pub address_type: Option<String>,
    /// The address.
    #[serde(default)]
    pub value: String,
}

/// A listener of a Gateway.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    /// Name, which routes can name in `parentRefs[].sectionName`.
    #[serde(default)]
    pub name: String,
    /// Host name it answers to; absent for all.
    #[serde(default)]
    pub hostname: Option<String>,
    /// Port it listens on.
    #[serde(default)]
    pub port: i32,
    /// HTTP, HTTPS, TLS, TCP or UDP.
    #[serde(default)]
    pub protocol: String,
    /// Which routes may attach.
    #[serde(default)]
    pub allowed_routes: Option<AllowedRoutes>,
}

/// Which routes may attach to a listener.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowedRoutes {
    /// From which namespaces.
    #[serde(default)]
    pub namespaces: Option<RouteNamespaces>,
}

/// The namespaces routes may attach from.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteNamespaces {
    /// Same (the default), All, or Selector.
    #[serde(default)]
    pub from: Option<String>,
    /// The namespaces' selector when `from` is Selector.
    #[serde(default)]
    pub selector: Option<LabelSelector>,
}

/// The four route kinds the engine follows. They share the fields it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RouteKind {
    /// HTTPRoute.
    Http,
    /// GRPCRoute.
    Grpc,
    /// TLSRoute.
    Tls,
    /// TCPRoute.
    Tcp,
}

impl RouteKind {
    /// Every route kind.
    pub const ALL: [RouteKind; 4] = [
        RouteKind::Http,
        RouteKind::Grpc,
        RouteKind::Tls,
        RouteKind::Tcp,
    ];

    /// The kind as Gateway API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Http => "HTTPRoute",
            RouteKind::Grpc => "GRPCRoute",
            RouteKind::Tls => "TLSRoute",
            RouteKind::Tcp => "TCPRoute",
        }
    }
}

/// A route of any of the four kinds.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Which kind of route.
    pub kind: RouteKind,
    /// The route's metadata.
    pub metadata: ObjectMeta,
    /// What the engine reads of its spec.
    pub spec: RouteSpec,
}

/// The fields every route kind shares.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteSpec {
    /// Gateways (or listeners of them) the route attaches to.
    #[serde(default)]
    pub parent_refs: Vec<ParentReference>,
    /// Host names it matches; TCPRoute has none.
    #[serde(default)]
    pub hostnames: Vec<String>,
    /// Its rules, each with the backends traffic goes to.
    #[serde(default)]
    pub rules: Vec<RouteRule>,
}

/// A reference from a route to a Gateway.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentReference {
    /// API group; Gateway API's own when absent.
    #[serde(default)]
    pub group: Option<String>,
    /// Kind; Gateway when absent.
    #[serde(default)]
    pub kind: Option<String>,
    /// Namespace; the route's own when absent.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Name of the Gateway.
    #[serde(default)]
    pub name: String,
    /// Name of one listener, when the route attaches to just that one.
    #[serde(default)]
    pub section_name: Option<String>,
    /// Port of the listeners, when the route attaches to just those.
    #[serde(default)]
    pub port: Option<i32>,
}

impl ParentReference {
    /// The Gateway this reference names, with Gateway API's defaults (the gateway group, kind
    /// Gateway, the route's namespace); `None` for another kind of parent, such as a Service
    /// in a mesh, which opens no path from outside.
    pub fn gateway(&self, route_namespace: &str) -> Option<ObjectKey> {
        let group = self.group.as_deref().unwrap_or(GROUP);
        let kind = self.kind.as_deref().unwrap_or("Gateway");
        if group != GROUP || kind != "Gateway" {
            return None;
        }
        let namespace = non_empty(self.namespace.as_deref()).unwrap_or(route_namespace);
        Some(ObjectKey::new(namespace, &self.name))
    }
}

/// A rule of a route.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteRule {
    /// Where matching traffic goes.
    #[serde(default)]
    pub backend_refs: Vec<BackendReference>,
}

/// A reference from a route rule to a backend.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendReference {
    /// API group; the core group (a Service) when absent or empty.
    #[serde(default)]
    pub group: Option<String>,
    /// Kind; Service when absent.
    #[serde(default)]
    pub kind: Option<String>,
    /// Namespace; the route's own when absent. Another namespace needs a ReferenceGrant there.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Name of the backend.
    #[serde(default)]
    pub name: String,
    /// Port of the Service.
    #[serde(default)]
    pub port: Option<i32>,
}

impl BackendReference {
    /// The Service this reference names, with Gateway API's defaults (the core group, kind
    /// Service, the route's namespace); `None` for a backend of another kind.
    pub fn service(&self, route_namespace: &str) -> Option<ObjectKey> {
        let core_group = non_empty(self.group.as_deref()).is_none();
        let service_kind = self.kind.as_deref().is_none_or(|kind| kind == "Service");
        if !(core_group && service_kind) {
            return None;
        }
        let namespace = non_empty(self.namespace.as_deref()).unwrap_or(route_namespace);
        Some(ObjectKey::new(namespace, &self.name))
    }
}

/// An empty string in these references means the same as an absent field.
fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.is_empty())
}

/// A ReferenceGrant: lets objects of other namespaces refer to objects of its own.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceGrant {
    /// The grant's metadata; its namespace is the one that grants.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Who may refer to what.
    #[serde(default)]
    pub spec: ReferenceGrantSpec,
}

/// Who may refer to what.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceGrantSpec {
    /// Objects allowed to refer: group, kind, namespace.
    #[serde(default)]
    pub from: Vec<ReferenceGrantFrom>,
    /// Objects that may be referred to: group, kind, optionally name.
    #[serde(default)]
    pub to: Vec<ReferenceGrantTo>,
}

/// One kind of referring object.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceGrantFrom {
    /// Its API group.
    #[serde(default)]
    pub group: String,
    /// Its kind.
    #[serde(default)]
    pub kind: String,
    /// Its namespace.
    #[serde(default)]
    pub namespace: String,
}

/// One kind of object that may be referred to.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceGrantTo {
    /// Its API group; empty for the core group.
    #[serde(default)]
    pub group: String,
    /// Its kind.
    #[serde(default)]
    pub kind: String,
    /// Its name; all of that kind when absent.
    #[serde(default)]
    pub name: Option<String>,
}
