//! Turns the text of manifest files into the cluster objects the engine reads, as the
//! controller's watches would deliver them. Every document goes on its own: one that cannot be
//! read becomes a [`Problem`] and the rest are still read. Nothing here panics on any input.
//!
//! A document is read when it is an object of a kind the engine reads, by apiVersion and kind;
//! a `List` (or any `*List` with `items`) is read item by item. Anything else (ConfigMaps,
//! CRDs, a Helm values file) is counted and passed over. An object the engine would read that
//! names a built-in group at a version Kubernetes does not serve (`extensions/v1beta1`
//! Ingress) is a problem rather than silence: its workload would be missing from the answer.

use std::borrow::Cow;

use k8s_openapi::Resource;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Namespace, Pod, Service};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use yaml_serde::Value;

use super::documents::{self, Document};
use super::problem::{Place, Problem};
use crate::engine::gateway_api::{self, Gateway, ReferenceGrant, Route, RouteKind, RouteSpec};
use crate::engine::snapshot::{ClusterObject, is_cluster_scoped};

/// What reading found.
#[derive(Debug, Default)]
pub struct Reading {
    /// Objects of the kinds the engine reads, in the order they were found, each with a
    /// namespace (`default` when it named none) and a name.
    pub objects: Vec<ClusterObject>,
    /// What could not be read.
    pub problems: Vec<Problem>,
    /// Objects and documents passed over: other kinds, or no Kubernetes object at all.
    pub ignored: usize,
}

/// Where an object was found.
#[derive(Debug, Clone)]
struct Origin<'a> {
    source: &'a str,
    place: Place,
}

/// One object as found: its parsed value for the header, the YAML text to deserialize it
/// from, and how far that text's line numbers are from the file's (none for a List item,
/// whose text is written anew from the parsed item).
struct Found<'a> {
    origin: Origin<'a>,
    value: Value,
    text: Cow<'a, str>,
    line_offset: Option<usize>,
}

/// The fields every object shares, read before its kind is known.
#[derive(Debug, Default)]
struct Header {
    api_version: Option<String>,
    kind: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
}

/// The kinds the engine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Namespace,
    Deployment,
    StatefulSet,
    DaemonSet,
    CronJob,
    Job,
    ReplicaSet,
    Pod,
    Service,
    Ingress,
    NetworkPolicy,
    ClusterRoleBinding,
    AssetPolicy,
    Gateway,
    Route(RouteKind),
    ReferenceGrant,
}

/// What to do with an object, from its apiVersion and kind.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Read(Kind),
    /// A kind the engine reads, in a built-in group but not at the version it reads.
    WrongVersion {
        found: Option<String>,
        expected: &'static str,
    },
    Other,
}

/// The built-in kinds the engine reads, each at the one version k8s-openapi types.
const BUILT_IN: [(Kind, &str, &str); 13] = [
    (Kind::Namespace, Namespace::KIND, Namespace::API_VERSION),
    (Kind::Deployment, Deployment::KIND, Deployment::API_VERSION),
    (
        Kind::StatefulSet,
        StatefulSet::KIND,
        StatefulSet::API_VERSION,
    ),
    (Kind::DaemonSet, DaemonSet::KIND, DaemonSet::API_VERSION),
    (Kind::CronJob, CronJob::KIND, CronJob::API_VERSION),
    (Kind::Job, Job::KIND, Job::API_VERSION),
    (Kind::ReplicaSet, ReplicaSet::KIND, ReplicaSet::API_VERSION),
    (Kind::Pod, Pod::KIND, Pod::API_VERSION),
    (Kind::Service, Service::KIND, Service::API_VERSION),
    (Kind::Ingress, Ingress::KIND, Ingress::API_VERSION),
    (
        Kind::ClusterRoleBinding,
        ClusterRoleBinding::KIND,
        ClusterRoleBinding::API_VERSION,
    ),
    (Kind::AssetPolicy, "AssetPolicy", "appasset.io/v1alpha1"),
    (
        Kind::NetworkPolicy,
        NetworkPolicy::KIND,
        NetworkPolicy::API_VERSION,
    ),
];

/// A route as written: the engine's [`Route`] without the kind, which the document names.
#[derive(Deserialize)]
struct RouteDocument {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(default)]
    spec: RouteSpec,
}

impl Reading {
    /// Reads every document of `text`, the contents of `source`.
    pub fn read(&mut self, source: &str, text: &str) {
        for document in documents::split(text) {
            self.read_document(source, &document);
        }
    }

    fn read_document(&mut self, source: &str, document: &Document<'_>) {
        let origin = Origin {
            source,
            place: Place {
                document: document.index,
                line: document.line,
                items: Vec::new(),
            },
        };
        let line_offset = document.line - 1;

        let value = match yaml_serde::from_str::<Value>(document.text) {
            Ok(value) => value,
            Err(error) => {
                let message = describe(&error, Some(line_offset));
                return self.problems.push(problem(&origin, None, message));
            }
        };
        if value.is_null() {
            return;
        }

        self.read_object(Found {
            origin,
            value,
            text: Cow::Borrowed(document.text),
            line_offset: Some(line_offset),
        });
    }

    fn read_object(&mut self, found: Found<'_>) {
        let header = Header::of(&found.value);
        if let Some(kind) = list_element_kind(&header, &found.value) {
            return self.read_list(found, &header, kind);
        }

        match classify(&header) {
            Verdict::Other => self.ignored += 1,
            Verdict::WrongVersion {
                found: api_version,
                expected,
            } => {
                let message = wrong_version(api_version.as_deref(), expected, &header);
                let object = header.object();
                self.problems.push(problem(&found.origin, object, message));
            }
            Verdict::Read(kind) => self.read_known(&found, &header, kind),
        }
    }

    fn read_known(&mut self, found: &Found<'_>, header: &Header, kind: Kind) {
        let read = deserialize(kind, &found.text)
            .map_err(|error| describe(&error, found.line_offset))
            .and_then(settle);
        match read {
            Ok(object) => self.objects.push(object),
            Err(message) => {
                let object = header.object();
                self.problems.push(problem(&found.origin, object, message));
            }
        }
    }

    /// Reads the items of a List one by one. Items of a typed list (`DeploymentList`, as the
    /// API server returns it) often leave out their own apiVersion and kind.
    fn read_list(&mut self, found: Found<'_>, header: &Header, element_kind: Option<&str>) {
        let Value::Mapping(mut list) = found.value else {
            return;
        };
        let items = match list.remove("items") {
            Some(Value::Sequence(items)) => items,
            _ => Vec::new(),
        };

        for (index, item) in items.into_iter().enumerate() {
            let mut origin = found.origin.clone();
            origin.place.items.push(index);
            let item = with_list_defaults(item, header, element_kind);
            self.read_item(origin, item);
        }
    }

    fn read_item(&mut self, origin: Origin<'_>, item: Value) {
        match yaml_serde::to_string(&item) {
            Ok(text) => self.read_object(Found {
                origin,
                value: item,
                text: Cow::Owned(text),
                line_offset: None,
            }),
            Err(error) => {
                let message = describe(&error, None);
                self.problems.push(problem(&origin, None, message));
            }
        }
    }
}

impl Header {
    fn of(value: &Value) -> Header {
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
        let metadata = value.get("metadata");
        Header {
            api_version: text(value.get("apiVersion")),
            kind: text(value.get("kind")),
            namespace: text(metadata.and_then(|metadata| metadata.get("namespace"))),
            name: text(metadata.and_then(|metadata| metadata.get("name"))),
        }
    }

    /// `Kind namespace/name`, or as much of it as is known, to name the object in a problem.
    fn object(&self) -> Option<String> {
        let kind = self.kind.as_deref()?;
        let Some(name) = self.name.as_deref() else {
            return Some(kind.to_string());
        };
        if kind == Namespace::KIND {
            return Some(format!("{kind} {name}"));
        }
        let namespace = match self.namespace.as_deref() {
            None | Some("") => "default",
            Some(namespace) => namespace,
        };
        Some(format!("{kind} {namespace}/{name}"))
    }
}

/// `None` when the object is no List with `items`; for a List, the kind of its items when the
/// list's kind names it (`Deployment` of a `DeploymentList`, none of a plain `List`).
fn list_element_kind<'h>(header: &'h Header, value: &Value) -> Option<Option<&'h str>> {
    let element = header.kind.as_deref()?.strip_suffix("List")?;
    let items = value.get("items")?;
    if !items.is_sequence() {
        return None;
    }
    Some(Some(element).filter(|element| !element.is_empty()))
}

fn with_list_defaults(mut item: Value, list: &Header, element_kind: Option<&str>) -> Value {
    let (Some(kind), Value::Mapping(fields)) = (element_kind, &mut item) else {
        return item;
    };
    if !fields.contains_key("kind") {
        fields.insert("kind".into(), kind.into());
    }
    if let Some(api_version) = list.api_version.as_deref()
        && !fields.contains_key("apiVersion")
    {
        fields.insert("apiVersion".into(), api_version.into());
    }
    item
}

fn classify(header: &Header) -> Verdict {
    let Some(kind) = header.kind.as_deref() else {
        return Verdict::Other;
    };
    let api_version = header.api_version.as_deref();
    if let Some(kind) = gateway_api_kind(kind) {
        let group = api_version.map(group_of);
        let ours = group == Some(gateway_api::GROUP);
        return if ours {
            Verdict::Read(kind)
        } else {
            Verdict::Other
        };
    }

    let Some(&(known, _, expected)) = BUILT_IN.iter().find(|(_, name, _)| *name == kind) else {
        return Verdict::Other;
    };
    match api_version {
        Some(api_version) if api_version == expected => Verdict::Read(known),
        Some(api_version) if !is_built_in_group(group_of(api_version)) => Verdict::Other,
        found => Verdict::WrongVersion {
            found: found.map(str::to_string),
            expected,
        },
    }
}

fn gateway_api_kind(kind: &str) -> Option<Kind> {
    let route = RouteKind::ALL
        .into_iter()
        .find(|route| route.as_str() == kind);
    match kind {
        "Gateway" => Some(Kind::Gateway),
        "ReferenceGrant" => Some(Kind::ReferenceGrant),
        _ => route.map(Kind::Route),
    }
}

/// The group of an apiVersion: `apps` of `apps/v1`, empty for the core group's `v1`.
fn group_of(api_version: &str) -> &str {
    api_version
        .rsplit_once('/')
        .map_or("", |(group, _version)| group)
}

/// Kubernetes' own groups have no dot (`apps`, `batch`, `extensions`) or end in `.k8s.io`;
/// anything else is someone's custom resource that happens to share a kind's name (Knative's
/// `Service`, Calico's `NetworkPolicy`), which the engine rightly knows nothing of.
fn is_built_in_group(group: &str) -> bool {
    !group.contains('.') || group.ends_with(".k8s.io") || group == crate::api::GROUP
}

fn wrong_version(found: Option<&str>, expected: &str, header: &Header) -> String {
    let kind = header.kind.as_deref().unwrap_or_default();
    match found {
        Some(found) => format!(
            "apiVersion: expected {expected} for kind {kind}, found {found}, which current \
             Kubernetes does not serve"
        ),
        None => format!("apiVersion: missing field, expected {expected} for kind {kind}"),
    }
}

fn deserialize(kind: Kind, text: &str) -> Result<ClusterObject, yaml_serde::Error> {
    Ok(match kind {
        Kind::Namespace => ClusterObject::Namespace(typed(text)?),
        Kind::Deployment => ClusterObject::Deployment(typed(text)?),
        Kind::StatefulSet => ClusterObject::StatefulSet(typed(text)?),
        Kind::DaemonSet => ClusterObject::DaemonSet(typed(text)?),
        Kind::CronJob => ClusterObject::CronJob(typed(text)?),
        Kind::Job => ClusterObject::Job(typed(text)?),
        Kind::ReplicaSet => ClusterObject::ReplicaSet(typed(text)?),
        Kind::Pod => ClusterObject::Pod(typed(text)?),
        Kind::Service => ClusterObject::Service(typed(text)?),
        Kind::Ingress => ClusterObject::Ingress(typed(text)?),
        Kind::NetworkPolicy => ClusterObject::NetworkPolicy(typed(text)?),
        Kind::ClusterRoleBinding => ClusterObject::ClusterRoleBinding(typed(text)?),
        Kind::AssetPolicy => ClusterObject::AssetPolicy(typed(text)?),
        Kind::Gateway => ClusterObject::Gateway(typed::<Gateway>(text)?),
        Kind::ReferenceGrant => ClusterObject::ReferenceGrant(typed::<ReferenceGrant>(text)?),
        Kind::Route(kind) => {
            let route: RouteDocument = typed(text)?;
            ClusterObject::Route(Route {
                kind,
                metadata: route.metadata,
                spec: route.spec,
            })
        }
    })
}

/// Deserializing from the text, not from the parsed value, keeps the field path and line of
/// an error, which is what lets a user find it.
fn typed<T: DeserializeOwned>(text: &str) -> Result<T, yaml_serde::Error> {
    yaml_serde::from_str(text)
}

/// Gives the object the name and namespace the API server would: a `generateName` prefix
/// stands in for a missing name (the server would append a random suffix), and a missing
/// namespace is `default`, so the asset's name and namespace come out as in the cluster.
fn settle(mut object: ClusterObject) -> Result<ClusterObject, String> {
    let namespaced = !is_cluster_scoped(object.kind());
    let metadata = object.metadata_mut();

    if metadata.name.as_deref().is_none_or(str::is_empty) {
        let prefix = metadata.generate_name.as_deref().unwrap_or_default();
        let prefix = prefix.trim_end_matches(['-', '.']);
        if prefix.is_empty() {
            return Err("metadata.name: missing field, expected the object's name".to_string());
        }
        metadata.name = Some(prefix.to_string());
    }

    if namespaced && metadata.namespace.as_deref().is_none_or(str::is_empty) {
        metadata.namespace = Some("default".to_string());
    }
    Ok(object)
}

fn problem(origin: &Origin<'_>, object: Option<String>, message: String) -> Problem {
    Problem {
        source: origin.source.to_string(),
        place: Some(origin.place.clone()),
        object,
        message,
    }
}

/// The error's message with its line numbers counted from the start of the file rather than
/// of the document, or without them when the text parsed was not the file's (`None`).
fn describe(error: &yaml_serde::Error, line_offset: Option<usize>) -> String {
    let text = error.to_string();
    let Some(location) = error.location() else {
        return text;
    };
    let (line, column) = (location.line(), location.column());

    // A field's error ends in exactly this; its message may quote the user's own text, so
    // only the suffix is touched.
    let suffix = format!(" at line {line} column {column}");
    if let Some(message) = text.strip_suffix(&suffix) {
        return match line_offset {
            Some(offset) => format!("{message} at line {} column {column}", line + offset),
            None => message.to_string(),
        };
    }

    // A syntax error names the problem's and its context's lines in a fixed vocabulary of
    // the YAML parser that quotes nothing of the input.
    let mark = format!("line {line} column {column}");
    match line_offset {
        Some(offset) if text.contains(&mark) => shift_lines(&text, offset),
        _ => text,
    }
}

/// `text` with every `line <n>` moved down by `offset`.
fn shift_lines(text: &str, offset: usize) -> String {
    let mut parts = text.split("line ");
    let mut shifted = parts.next().unwrap_or_default().to_string();
    for part in parts {
        let digits = part.len() - part.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (number, rest) = part.split_at(digits);
        shifted.push_str("line ");
        match number.parse::<usize>() {
            Ok(number) => shifted.push_str(&number.saturating_add(offset).to_string()),
            Err(_) => shifted.push_str(number),
        }
        shifted.push_str(rest);
    }
    shifted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Reading {
        let mut reading = Reading::default();
        reading.read("test.yaml", text);
        reading
    }

    fn keys(reading: &Reading) -> Vec<String> {
        let objects = reading.objects.iter();
        objects
            .map(|object| format!("{} {}", object.kind(), object.key()))
            .collect()
    }

    fn messages(reading: &Reading) -> Vec<String> {
        reading.problems.iter().map(Problem::to_string).collect()
    }

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
";

    #[test]
    fn every_kind_the_engine_reads_is_read() {
        let text = "\
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: shop }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: shop }
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
---
apiVersion: batch/v1
kind: Job
metadata: { name: migrate, namespace: shop }
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: { name: legacy, namespace: shop }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: shop }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: edge, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: api, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: { name: tls, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: { name: tcp, namespace: shop }
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: grant, namespace: shop }
";

        let reading = read(&format!("{DEPLOYMENT}---\n{text}"));

        assert_eq!(messages(&reading), Vec::<String>::new());
        assert_eq!(
            keys(&reading),
            [
                "Deployment shop/web",
                "Namespace /shop",
                "StatefulSet shop/db",
                "DaemonSet shop/agent",
                "CronJob shop/report",
                "Job shop/migrate",
                "ReplicaSet shop/legacy",
                "Pod shop/debug",
                "Service shop/web",
                "Ingress shop/web",
                "NetworkPolicy shop/deny",
                "Gateway shop/edge",
                "HTTPRoute shop/web",
                "GRPCRoute shop/api",
                "TLSRoute shop/tls",
                "TCPRoute shop/tcp",
                "ReferenceGrant shop/grant",
            ]
        );
    }

    #[test]
    fn a_route_keeps_what_its_spec_says() {
        let text = "\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: web, namespace: shop }
spec:
  parentRefs: [{ name: edge }]
  hostnames: [shop.example.com]
  rules: [{ backendRefs: [{ name: web, port: 80 }] }]
";

        let reading = read(text);

        let [ClusterObject::Route(route)] = reading.objects.as_slice() else {
            panic!("expected one route, got {:?}", keys(&reading));
        };
        assert_eq!(route.kind, RouteKind::Http);
        assert_eq!(route.spec.hostnames, ["shop.example.com"]);
        assert_eq!(route.spec.parent_refs[0].name, "edge");
        assert_eq!(route.spec.rules[0].backend_refs[0].port, Some(80));
    }

    #[test]
    fn other_kinds_and_non_objects_are_counted_and_passed_over() {
        let text = "\
apiVersion: v1
kind: ConfigMap
metadata: { name: settings }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: istio-edge }
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: { name: knative }
---
replicaCount: 3
---
- just
- a list
---
---
";

        let reading = read(text);

        assert!(reading.objects.is_empty());
        assert!(reading.problems.is_empty(), "{:?}", messages(&reading));
        assert_eq!(reading.ignored, 5);
    }

    #[test]
    fn objects_without_a_namespace_land_in_default() {
        let text = DEPLOYMENT.replace("  namespace: shop\n", "");

        let reading = read(&text);

        assert_eq!(keys(&reading), ["Deployment default/web"]);
        let metadata = reading.objects[0].metadata();
        assert_eq!(metadata.namespace.as_deref(), Some("default"));
    }

    #[test]
    fn a_generate_name_stands_in_for_a_missing_name() {
        let text = "\
apiVersion: batch/v1
kind: Job
metadata: { generateName: migrate-, namespace: shop }
";

        assert_eq!(keys(&read(text)), ["Job shop/migrate"]);
    }

    #[test]
    fn an_object_without_a_name_is_a_problem() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: { namespace: shop }\n";

        let reading = read(text);

        assert!(reading.objects.is_empty());
        assert_eq!(
            messages(&reading),
            [
                "test.yaml: document 1 (line 1), Service: metadata.name: missing field, \
              expected the object's name"
            ]
        );
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_with_its_line_in_the_file() {
        let broken = DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: two\n  selector");
        let text = format!("# header\n---\n{DEPLOYMENT}---\n{broken}---\n{DEPLOYMENT}");

        let reading = read(&text);

        assert_eq!(
            messages(&reading),
            [
                "test.yaml: document 2 (line 18), Deployment shop/web: spec.replicas: invalid \
              type: string \"two\", expected i32 at line 25 column 13"
            ]
        );
        assert_eq!(
            reading.objects.len(),
            2,
            "the documents around it are still read"
        );
    }

    #[test]
    fn a_syntax_error_is_reported_with_file_lines_and_the_next_document_still_read() {
        let text =
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: [web\n---\n{DEPLOYMENT}");

        let reading = read(&text);

        assert_eq!(keys(&reading), ["Deployment shop/web"]);
        let problems = messages(&reading);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("test.yaml: document 1 (line 1): "),
            "{problems:?}"
        );
        assert!(problems[0].contains("line 5"), "{problems:?}");
    }

    #[test]
    fn line_numbers_of_a_later_syntax_error_count_from_the_start_of_the_file() {
        let text = format!("{DEPLOYMENT}---\napiVersion: v1\nkind: Service\n  bad: indent\n");

        let problems = messages(&read(&text));

        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("test.yaml: document 2 (line 16): "));
        assert!(problems[0].contains("line 19"), "{problems:?}");
    }

    #[test]
    fn a_built_in_kind_at_a_version_kubernetes_does_not_serve_is_a_problem() {
        let text = "\
apiVersion: extensions/v1beta1
kind: Ingress
metadata: { name: web, namespace: shop }
---
kind: Deployment
metadata: { name: api, namespace: shop }
";

        let reading = read(text);

        assert_eq!(
            messages(&reading),
            [
                "test.yaml: document 1 (line 1), Ingress shop/web: apiVersion: expected \
                 networking.k8s.io/v1 for kind Ingress, found extensions/v1beta1, which \
                 current Kubernetes does not serve",
                "test.yaml: document 2 (line 4), Deployment shop/api: apiVersion: missing \
                 field, expected apps/v1 for kind Deployment",
            ]
        );
    }

    #[test]
    fn a_list_is_read_item_by_item() {
        let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: { name: web, namespace: shop }
- apiVersion: v1
  kind: ConfigMap
  metadata: { name: settings, namespace: shop }
- apiVersion: apps/v1
  kind: Deployment
  metadata: { name: api, namespace: shop }
  spec: { replicas: many }
";

        let reading = read(text);

        assert_eq!(keys(&reading), ["Service shop/web"]);
        assert_eq!(reading.ignored, 1);
        assert_eq!(
            messages(&reading),
            [
                "test.yaml: document 1 (line 1), items[2], Deployment shop/api: spec.replicas: \
              invalid type: string \"many\", expected i32"
            ]
        );
    }

    #[test]
    fn items_of_a_typed_list_take_the_list_s_kind_and_api_version() {
        let text = r#"{
  "apiVersion": "apps/v1",
  "kind": "DeploymentList",
  "items": [
    { "metadata": { "name": "web", "namespace": "shop" } },
    { "metadata": { "name": "api" } }
  ]
}"#;

        let reading = read(text);

        assert_eq!(
            keys(&reading),
            ["Deployment shop/web", "Deployment default/api"]
        );
    }

    #[test]
    fn json_is_read_like_yaml() {
        let text = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Service\",\n\t\"metadata\": \
                    {\"name\": \"web\"}\n}\n";

        assert_eq!(keys(&read(text)), ["Service default/web"]);
    }

    #[test]
    fn numbers_where_kubernetes_takes_quantities_or_strings_are_read() {
        let text = DEPLOYMENT.replace(
            "        image: registry.example/web:1.0\n",
            "        image: registry.example/web:1.0\n        resources: { limits: { cpu: 1 } }\n",
        );

        let reading = read(&text);

        assert!(reading.problems.is_empty(), "{:?}", messages(&reading));
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        let inputs = [
            "",
            "---",
            "...",
            "a: 1\n...\nb: 2\n",
            "*undefined",
            "&a [*a]",
            "kind: List\nitems: 3",
            "kind: DeploymentList\nitems: [3, null, [], {kind: List, items: [{kind: Pod}]}]",
            "apiVersion: 7\nkind: [Deployment]",
            "apiVersion: v1\nkind: Service\nmetadata: 3",
            "\u{0}\u{1}",
            "{{ .Values.image }}",
        ];

        for input in inputs {
            let _ = read(input);
        }
    }

    #[test]
    fn shift_lines_moves_every_line_number() {
        assert_eq!(
            shift_lines(
                "bad at line 3 column 1, while parsing at line 1 column 2",
                10
            ),
            "bad at line 13 column 1, while parsing at line 11 column 2"
        );
        assert_eq!(shift_lines("line x", 10), "line x");
    }
}
