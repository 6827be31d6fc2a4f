//! The application a workload belongs to, as the recommended `app.kubernetes.io/` labels say.
//!
//! Charts often put these labels on the pod template only, or on the workload only, so each
//! key is read from the workload first and then, on its own, from the pod template.

use std::collections::BTreeMap;

use super::workload::Workload;
use crate::api::Application;

/// The application `workload` is part of. A blank label value counts as absent.
pub fn application(workload: &Workload) -> Application {
    let label = |key: &str| label_of(workload, key);

    Application {
        part_of: label("app.kubernetes.io/part-of"),
        name: label("app.kubernetes.io/name"),
        instance: label("app.kubernetes.io/instance"),
        component: label("app.kubernetes.io/component"),
    }
}

fn label_of(workload: &Workload, key: &str) -> Option<String> {
    let own = non_blank(workload.labels(), key);

    own.or_else(|| non_blank(workload.pod_labels(), key))
}

fn non_blank(labels: &BTreeMap<String, String>, key: &str) -> Option<String> {
    let value = labels.get(key)?;
    (!value.trim().is_empty()).then(|| value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{self, running, with_metadata};
    use serde_json::{Value, json};

    /// Deployment shop/cart with `labels`, whose pods carry `pod_labels`.
    fn deployment(labels: Value, pod_labels: Value) -> Workload {
        let cart = testing::deployment("shop", "cart", pod_labels, running("cart:1"));
        Workload::from_deployment(with_metadata(cart, json!({ "labels": labels })))
    }

    fn application_of(name: &str, component: &str) -> Application {
        Application {
            part_of: Some("online-boutique".to_string()),
            name: Some(name.to_string()),
            instance: Some("boutique-prod".to_string()),
            component: Some(component.to_string()),
        }
    }

    #[test]
    fn all_four_labels_are_read_from_the_workload() {
        let labels = json!({
            "app.kubernetes.io/part-of": "online-boutique",
            "app.kubernetes.io/name": "cartservice",
            "app.kubernetes.io/instance": "boutique-prod",
            "app.kubernetes.io/component": "backend",
        });

        let found = application(&deployment(labels, json!({ "app": "cart" })));

        assert_eq!(found, application_of("cartservice", "backend"));
    }

    #[test]
    fn each_missing_label_falls_back_to_the_pod_template() {
        let labels = json!({
            "app.kubernetes.io/part-of": "online-boutique",
            "app.kubernetes.io/name": "cartservice",
        });
        let pod_labels = json!({
            "app.kubernetes.io/name": "ignored-because-the-workload-says",
            "app.kubernetes.io/instance": "boutique-prod",
            "app.kubernetes.io/component": "backend",
        });

        let found = application(&deployment(labels, pod_labels));

        assert_eq!(found, application_of("cartservice", "backend"));
    }

    #[test]
    fn a_blank_workload_label_falls_back_to_the_pod_template() {
        let labels = json!({ "app.kubernetes.io/name": "" });
        let pod_labels = json!({ "app.kubernetes.io/name": "cartservice" });

        let found = application(&deployment(labels, pod_labels));

        assert_eq!(found.name.as_deref(), Some("cartservice"));
    }

    #[test]
    fn other_labels_say_nothing() {
        let labels = json!({ "app": "cart", "app.kubernetes.io/version": "1.0" });

        let found = application(&deployment(labels, json!({ "app": "cart" })));

        assert!(found.is_empty());
    }
}
