//! Images that can change under a running workload: a moving tag (`image-latest`) or no known
//! digest (`image-no-digest`).
//!
//! Read from `spec.containers`, whose digest already comes from the reference or, failing
//! that, from what the running pods report. A container with no image at all is left to the
//! API server, which refuses it.

use super::FindingId;
use super::pod::Role;
use crate::api::{Container, Finding};
use crate::engine::containers::ImageReference;

/// The tag a reference without one resolves to.
const LATEST: &str = "latest";

/// The image findings of the asset's containers.
pub(super) fn findings(containers: &[Container]) -> Vec<Finding> {
    let with_image = containers
        .iter()
        .filter(|container| !container.image.trim().is_empty());

    with_image
        .flat_map(|container| [latest(container), no_digest(container)])
        .flatten()
        .collect()
}

fn label(container: &Container) -> String {
    let role = if container.init {
        Role::Init
    } else {
        Role::Regular
    };
    role.describe(&container.name)
}

/// A digest in the reference decides what is pulled, whatever the tag says, so
/// `app:latest@sha256:...` does not move.
fn latest(container: &Container) -> Option<Finding> {
    let reference = ImageReference::parse(&container.image);
    if reference.digest.is_some() {
        return None;
    }

    let how = match reference.tag.as_deref() {
        Some(LATEST) => "the moving tag latest",
        None => "no tag, which means latest",
        Some(_) => return None,
    };

    let message = format!("{} runs {} with {how}", label(container), container.image);
    Some(FindingId::ImageLatest.finding(message))
}

fn no_digest(container: &Container) -> Option<Finding> {
    let pinned = ImageReference::parse(&container.image).digest.is_some();
    if pinned || container.digest.is_some() {
        return None;
    }

    let message = format!(
        "{} runs {} with no digest pinned in the reference or reported by its pods",
        label(container),
        container.image
    );
    Some(FindingId::ImageNoDigest.finding(message))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Asset;
    use crate::api::Severity;
    use crate::engine::testing;
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    fn running(image: &str) -> Asset {
        Asset::deployment(testing::running(image))
    }

    fn pod_reporting(image_id: &str) -> Pod {
        testing::parse(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": { "name": "web-7d4b9-x2x7q", "namespace": "shop" },
            "status": {
                "containerStatuses": [{ "name": "main", "imageID": image_id }],
            },
        }))
    }

    #[test]
    fn the_latest_tag_is_image_latest() {
        let asset = running("nginx:latest");

        let found = asset.findings_of("image-latest");

        assert_eq!(found[0].severity, Severity::Medium);
        assert_eq!(
            found[0].message,
            "container main runs nginx:latest with the moving tag latest"
        );
    }

    #[test]
    fn no_tag_and_no_digest_is_image_latest() {
        let asset = running("registry.example:5000/shop/web");

        assert_eq!(
            asset.messages_of("image-latest"),
            ["container main runs registry.example:5000/shop/web with no tag, which means latest"]
        );
    }

    #[test]
    fn a_version_tag_is_not_image_latest() {
        let asset = running("nginx:1.27.0");

        assert!(asset.findings_of("image-latest").is_empty());
    }

    #[test]
    fn a_digest_without_tag_is_not_image_latest() {
        let asset = running("nginx@sha256:0d17b565c37bcbd895e9d923");

        assert!(asset.findings_of("image-latest").is_empty());
        assert!(asset.findings_of("image-no-digest").is_empty());
    }

    #[test]
    fn a_tagged_image_with_a_digest_is_neither_latest_nor_without_digest() {
        let asset = running("nginx:1.27.0@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f7");

        assert!(asset.findings_of("image-latest").is_empty());
        assert!(asset.findings_of("image-no-digest").is_empty());
    }

    #[test]
    fn latest_pinned_by_digest_does_not_move() {
        let asset = running("nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f7");

        assert!(asset.findings_of("image-latest").is_empty());
    }

    #[test]
    fn a_tag_without_digest_is_image_no_digest() {
        let asset = running("nginx:1.27.0");

        let found = asset.findings_of("image-no-digest");

        assert_eq!(found[0].severity, Severity::Low);
        assert_eq!(
            found[0].message,
            "container main runs nginx:1.27.0 with no digest pinned in the reference or \
             reported by its pods"
        );
    }

    #[test]
    fn a_digest_reported_by_the_pods_is_enough() {
        let pod = pod_reporting("docker.io/library/nginx@sha256:0d17b565c37bcbd8");
        let asset = running("nginx:1.27.0").running(&[pod]);

        assert!(asset.findings_of("image-no-digest").is_empty());
    }

    #[test]
    fn init_container_images_count_too() {
        let asset = Asset::deployment(json!({
            "initContainers": [{ "name": "migrate", "image": "shop/migrate:latest" }],
            "containers": [{ "name": "app", "image": "shop/app:1.0@sha256:4c1e9b0d" }],
        }));

        assert_eq!(
            asset.messages_of("image-latest"),
            ["init container migrate runs shop/migrate:latest with the moving tag latest"]
        );
    }

    #[test]
    fn a_container_without_image_is_not_judged() {
        let asset = Asset::deployment(json!({ "containers": [{ "name": "app" }] }));

        assert!(asset.findings_of("image-latest").is_empty());
        assert!(asset.findings_of("image-no-digest").is_empty());
    }
}
