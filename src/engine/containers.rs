//! What a workload runs: its containers, the images they come from and the ports they declare.
//!
//! The pod template says which image was asked for; only the running pods say which image
//! digest was actually pulled. Both are read here, and neither is ever fetched from a registry.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1 as k8s;

use super::workload::Workload;
use crate::api::{Container, ContainerPort};

/// An image reference split into its parts, as written: `registry/path/name:tag@digest`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageReference {
    /// Everything before the tag and digest, registry host included when written
    /// (`localhost:5000/app`, `nginx`). Not normalised: `nginx` stays `nginx`, not
    /// `docker.io/library/nginx`.
    pub repository: String,
    /// The tag, when the reference names one.
    pub tag: Option<String>,
    /// The digest (`sha256:...`), when the reference pins one.
    pub digest: Option<String>,
}

impl ImageReference {
    /// Splits `image` into repository, tag and digest.
    ///
    /// Any input gives an answer: the reference is not validated, and an empty tag or digest
    /// (`nginx:`, `nginx@`) counts as absent. A colon before the last slash belongs to a
    /// registry port, not a tag.
    pub fn parse(image: &str) -> ImageReference {
        let (name, digest) = match image.split_once('@') {
            Some((name, digest)) => (name, non_empty(digest)),
            None => (image, None),
        };

        let (repository, tag) = split_tag(name);

        ImageReference {
            repository: repository.to_string(),
            tag: tag.and_then(non_empty),
            digest,
        }
    }

    /// The last path segment of the repository: `postgresql` for `bitnami/postgresql`,
    /// `app` for `localhost:5000/team/app`.
    pub fn name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or_default()
    }
}

fn split_tag(name: &str) -> (&str, Option<&str>) {
    let path_start = name.rfind('/').map_or(0, |slash| slash + 1);

    match name[path_start..].rsplit_once(':') {
        Some((last_segment, tag)) => (&name[..path_start + last_segment.len()], Some(tag)),
        None => (name, None),
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// The containers of the workload's pod template with whether each is an init container:
/// init containers first, then the others, each in template order.
pub fn template_containers(workload: &Workload) -> impl Iterator<Item = (&k8s::Container, bool)> {
    let spec = workload.template.spec.as_ref();

    let init = spec
        .into_iter()
        .flat_map(|spec| spec.init_containers.iter().flatten())
        .map(|container| (container, true));
    let main = spec
        .into_iter()
        .flat_map(|spec| spec.containers.iter())
        .map(|container| (container, false));

    init.chain(main)
}

/// The containers the workload runs, init containers first, with tag, digest and ports.
///
/// When the image reference pins no digest, the digest is read from the `imageID` that the
/// `pods` report for the container of the same name. It is kept only when every pod that
/// reports one agrees: pods running different digests mean a rollout (or a moving tag pulled
/// at different times) is in progress, and no single digest describes the workload, so the
/// digest is left absent until they converge.
pub fn containers(workload: &Workload, pods: &[&k8s::Pod]) -> Vec<Container> {
    template_containers(workload)
        .map(|(container, init)| describe(container, init, pods))
        .collect()
}

fn describe(container: &k8s::Container, init: bool, pods: &[&k8s::Pod]) -> Container {
    let image = container.image.clone().unwrap_or_default();
    let reference = ImageReference::parse(&image);

    let digest = reference
        .digest
        .or_else(|| running_digest(&container.name, init, pods));

    Container {
        name: container.name.clone(),
        init,
        image,
        tag: reference.tag,
        digest,
        ports: ports(container),
    }
}

/// The one digest that every pod reporting the container agrees on.
fn running_digest(name: &str, init: bool, pods: &[&k8s::Pod]) -> Option<String> {
    let digests: BTreeSet<String> = pods
        .iter()
        .filter_map(|pod| status_of(pod, name, init))
        .filter_map(|status| digest_of_image_id(&status.image_id))
        .collect();

    match digests.len() {
        1 => digests.into_iter().next(),
        _ => None,
    }
}

fn status_of<'a>(pod: &'a k8s::Pod, name: &str, init: bool) -> Option<&'a k8s::ContainerStatus> {
    let status = pod.status.as_ref()?;
    let statuses = if init {
        status.init_container_statuses.as_ref()
    } else {
        status.container_statuses.as_ref()
    };

    statuses?.iter().find(|status| status.name == name)
}

/// The digest in a container status `imageID`, such as `docker.io/library/nginx@sha256:...`
/// or `docker-pullable://nginx@sha256:...`.
///
/// Some runtimes report a bare `sha256:...` with no repository; that is the local image ID
/// rather than the registry's manifest digest, but it still names exactly what runs, so it is
/// taken as well. An empty `imageID` (a container not started yet) reports nothing.
fn digest_of_image_id(image_id: &str) -> Option<String> {
    let digest = match image_id.rsplit_once('@') {
        Some((_, digest)) => digest,
        None => &image_id[image_id.find("sha256:")?..],
    };

    non_empty(digest)
}

fn ports(container: &k8s::Container) -> Vec<ContainerPort> {
    let declared = container.ports.iter().flatten();

    declared
        .map(|port| ContainerPort {
            name: port.name.clone(),
            port: port.container_port,
            // The API server fills in TCP when the manifest leaves the protocol out.
            protocol: port.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
            host_port: port.host_port,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing;
    use serde_json::json;

    /// Deployment shop/web whose pods are labelled `app: web` and run `template_spec`.
    fn deployment(template_spec: serde_json::Value) -> Workload {
        let web = testing::deployment("shop", "web", json!({ "app": "web" }), template_spec);
        Workload::from_deployment(web)
    }

    fn nginx() -> Workload {
        deployment(json!({
            "containers": [{ "name": "nginx", "image": "nginx:1.27" }],
        }))
    }

    fn pod_running(image_id: &str) -> k8s::Pod {
        testing::parse(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": { "name": "web-1", "namespace": "shop" },
            "status": {
                "containerStatuses": [{
                    "name": "nginx",
                    "image": "nginx:1.27",
                    "imageID": image_id,
                    "ready": true,
                    "restartCount": 0,
                }],
            },
        }))
    }

    fn reference(repository: &str, tag: Option<&str>, digest: Option<&str>) -> ImageReference {
        ImageReference {
            repository: repository.to_string(),
            tag: tag.map(str::to_string),
            digest: digest.map(str::to_string),
        }
    }

    #[test]
    fn parse_splits_name_and_tag() {
        let parsed = ImageReference::parse("nginx:1.27");

        assert_eq!(parsed, reference("nginx", Some("1.27"), None));
    }

    #[test]
    fn parse_without_tag_has_no_tag() {
        let parsed = ImageReference::parse("gcr.io/project/app");

        assert_eq!(parsed, reference("gcr.io/project/app", None, None));
    }

    #[test]
    fn parse_keeps_a_registry_port_in_the_repository() {
        let tagged = ImageReference::parse("localhost:5000/app:1.2");
        let untagged = ImageReference::parse("localhost:5000/app");

        assert_eq!(tagged, reference("localhost:5000/app", Some("1.2"), None));
        assert_eq!(untagged, reference("localhost:5000/app", None, None));
    }

    #[test]
    fn parse_reads_tag_and_digest_together() {
        let parsed = ImageReference::parse("nginx:1.27@sha256:abc");

        assert_eq!(parsed, reference("nginx", Some("1.27"), Some("sha256:abc")));
    }

    #[test]
    fn parse_reads_a_digest_without_tag() {
        let parsed = ImageReference::parse("docker.io/library/mysql@sha256:0123");

        assert_eq!(
            parsed,
            reference("docker.io/library/mysql", None, Some("sha256:0123"))
        );
    }

    #[test]
    fn parse_treats_empty_parts_as_absent() {
        assert_eq!(ImageReference::parse(""), reference("", None, None));
        assert_eq!(
            ImageReference::parse("nginx:"),
            reference("nginx", None, None)
        );
        assert_eq!(
            ImageReference::parse("nginx@"),
            reference("nginx", None, None)
        );
    }

    #[test]
    fn parse_never_panics_on_odd_input() {
        for image in [
            ":", "@", "/", ":@", "a/:b@", "::::", "@@@", "/:/", "é:ü@ß", " ",
        ] {
            let _ = ImageReference::parse(image).name();
        }
    }

    #[test]
    fn name_is_the_last_path_segment() {
        let parsed = ImageReference::parse("registry.example:5000/bitnami/postgresql:16");

        assert_eq!(parsed.name(), "postgresql");
    }

    #[test]
    fn init_containers_come_first_and_are_marked() {
        let workload = deployment(json!({
            "initContainers": [{ "name": "migrate", "image": "app:1" }],
            "containers": [
                { "name": "app", "image": "app:1" },
                { "name": "proxy", "image": "envoy:1.30" },
            ],
        }));

        let found = containers(&workload, &[]);

        let names: Vec<(&str, bool)> = found.iter().map(|c| (c.name.as_str(), c.init)).collect();
        assert_eq!(names, [("migrate", true), ("app", false), ("proxy", false)]);
    }

    #[test]
    fn tag_and_digest_come_from_the_reference() {
        let workload = deployment(json!({
            "containers": [{ "name": "busybox", "image": "busybox:1.38.0@sha256:fd8d" }],
        }));

        let found = containers(&workload, &[]);

        assert_eq!(found[0].image, "busybox:1.38.0@sha256:fd8d");
        assert_eq!(found[0].tag.as_deref(), Some("1.38.0"));
        assert_eq!(found[0].digest.as_deref(), Some("sha256:fd8d"));
    }

    #[test]
    fn digest_comes_from_pod_status_when_the_reference_has_none() {
        let first = pod_running("docker.io/library/nginx@sha256:aaa");
        let second = pod_running("docker-pullable://nginx@sha256:aaa");

        let found = containers(&nginx(), &[&first, &second]);

        assert_eq!(found[0].digest.as_deref(), Some("sha256:aaa"));
    }

    #[test]
    fn digest_is_absent_when_pods_disagree() {
        let old = pod_running("docker.io/library/nginx@sha256:aaa");
        let new = pod_running("docker.io/library/nginx@sha256:bbb");

        let found = containers(&nginx(), &[&old, &new]);

        assert_eq!(found[0].digest, None);
    }

    #[test]
    fn a_pod_not_yet_reporting_an_image_does_not_block_agreement() {
        let running = pod_running("docker.io/library/nginx@sha256:aaa");
        let pending = pod_running("");

        let found = containers(&nginx(), &[&running, &pending]);

        assert_eq!(found[0].digest.as_deref(), Some("sha256:aaa"));
    }

    #[test]
    fn a_pinned_reference_wins_over_pod_status() {
        let workload = deployment(json!({
            "containers": [{ "name": "nginx", "image": "nginx@sha256:pinned" }],
        }));
        let pod = pod_running("docker.io/library/nginx@sha256:other");

        let found = containers(&workload, &[&pod]);

        assert_eq!(found[0].digest.as_deref(), Some("sha256:pinned"));
    }

    #[test]
    fn init_container_digest_comes_from_init_container_statuses() {
        let workload = deployment(json!({
            "initContainers": [{ "name": "nginx", "image": "nginx:1.27" }],
            "containers": [{ "name": "app", "image": "app:1" }],
        }));
        let pod: k8s::Pod = serde_json::from_value(json!({
            "metadata": { "name": "web-1", "namespace": "shop" },
            "status": {
                "initContainerStatuses": [{
                    "name": "nginx",
                    "imageID": "docker.io/library/nginx@sha256:init",
                }],
            },
        }))
        .unwrap();

        let found = containers(&workload, &[&pod]);

        assert_eq!(found[0].digest.as_deref(), Some("sha256:init"));
        assert_eq!(found[1].digest, None);
    }

    #[test]
    fn ports_default_to_tcp() {
        let workload = deployment(json!({
            "containers": [{
                "name": "dns",
                "image": "coredns/coredns:1.11.1",
                "ports": [
                    { "name": "dns", "containerPort": 53, "protocol": "UDP" },
                    { "name": "metrics", "containerPort": 9153, "hostPort": 9153 },
                ],
            }],
        }));

        let found = containers(&workload, &[]);

        let expected = [
            ContainerPort {
                name: Some("dns".to_string()),
                port: 53,
                protocol: "UDP".to_string(),
                host_port: None,
            },
            ContainerPort {
                name: Some("metrics".to_string()),
                port: 9153,
                protocol: "TCP".to_string(),
                host_port: Some(9153),
            },
        ];
        assert_eq!(found[0].ports, expected);
    }

    #[test]
    fn a_workload_without_pod_spec_runs_nothing() {
        let workload = Workload::from_deployment(Default::default());

        assert!(containers(&workload, &[]).is_empty());
    }
}
