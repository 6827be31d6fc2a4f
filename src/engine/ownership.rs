//! Who owns a workload, read from the labels and annotations people already put on it and on
//! its namespace.
//!
//! The team is the first value found under these keys, in this order:
//!
//! 1. annotation `appasset.io/owner`
//! 2. label `appasset.io/owner`
//! 3. annotation `a8r.io/owner`
//! 4. label `owner`
//! 5. label `team`
//! 6. label `backstage.io/kubernetes-id`
//!
//! All six are tried on the workload before any is tried on its namespace: whatever key the
//! workload uses, it is more specific than its namespace. A blank value counts as absent, so
//! an empty label left by a template does not hide a real owner further down the list.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::Namespace;

use super::workload::Workload;
use crate::api::Owner;

/// Where on an object a key is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Annotation,
    Label,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Annotation => f.write_str("annotation"),
            Place::Label => f.write_str("label"),
        }
    }
}

const TEAM_KEYS: [(Place, &str); 6] = [
    (Place::Annotation, "appasset.io/owner"),
    (Place::Label, "appasset.io/owner"),
    (Place::Annotation, "a8r.io/owner"),
    (Place::Label, "owner"),
    (Place::Label, "team"),
    (Place::Label, "backstage.io/kubernetes-id"),
];

const CONTACT_KEYS: [&str; 2] = ["appasset.io/contact", "a8r.io/chat"];

const REPOSITORY_KEYS: [&str; 2] = ["appasset.io/repository", "a8r.io/repository"];

/// An object whose labels and annotations speak for a workload: the workload itself or its
/// namespace.
#[derive(Debug, Clone)]
pub(crate) struct Declarer<'a> {
    /// How messages name the object: `Deployment web`, `Namespace shop`.
    pub(crate) object: String,
    labels: &'a BTreeMap<String, String>,
    annotations: &'a BTreeMap<String, String>,
}

impl<'a> Declarer<'a> {
    /// The annotation's value, trimmed; `None` when absent or blank.
    pub(crate) fn annotation(&self, key: &str) -> Option<&'a str> {
        non_blank(self.annotations.get(key))
    }

    fn label(&self, key: &str) -> Option<&'a str> {
        non_blank(self.labels.get(key))
    }

    fn read(&self, place: Place, key: &str) -> Option<&'a str> {
        match place {
            Place::Annotation => self.annotation(key),
            Place::Label => self.label(key),
        }
    }
}

fn non_blank(value: Option<&String>) -> Option<&str> {
    let value = value?.trim();
    (!value.is_empty()).then_some(value)
}

/// The objects that speak for a workload, most specific first: the workload, then its
/// namespace when it is known.
pub(crate) fn declarers<'a>(
    workload: &'a Workload,
    namespace: Option<&'a Namespace>,
) -> Vec<Declarer<'a>> {
    let own = Declarer {
        object: format!("{} {}", workload.kind.as_str(), workload.name()),
        labels: workload.labels(),
        annotations: workload.annotations(),
    };

    let inherited = namespace.map(|namespace| Declarer {
        object: format!(
            "Namespace {}",
            namespace.metadata.name.as_deref().unwrap_or("")
        ),
        labels: or_empty(namespace.metadata.labels.as_ref()),
        annotations: or_empty(namespace.metadata.annotations.as_ref()),
    });

    std::iter::once(own).chain(inherited).collect()
}

fn or_empty(map: Option<&BTreeMap<String, String>>) -> &BTreeMap<String, String> {
    static EMPTY: BTreeMap<String, String> = BTreeMap::new();
    map.unwrap_or(&EMPTY)
}

/// The owner of `workload`, from its own labels and annotations and then its namespace's.
///
/// Contact and repository are looked up on their own, workload first, so a team named on the
/// namespace can come with a contact named on the workload. Without a team there is no owner,
/// even when a contact or repository is given: a chat channel alone does not say who answers
/// for the workload, and reporting it as owned would hide the `unowned` finding.
pub fn owner(workload: &Workload, namespace: Option<&Namespace>) -> Option<Owner> {
    let declarers = declarers(workload, namespace);

    let (team, source) = team(&declarers)?;

    Some(Owner {
        team,
        contact: first_annotation(&declarers, &CONTACT_KEYS),
        repository: first_annotation(&declarers, &REPOSITORY_KEYS),
        source,
    })
}

/// The team and the `source` naming where it was found.
fn team(declarers: &[Declarer]) -> Option<(String, String)> {
    declarers.iter().find_map(|declarer| {
        TEAM_KEYS.iter().find_map(|&(place, key)| {
            let team = declarer.read(place, key)?;
            let source = format!("{place} {key} on {}", declarer.object);
            Some((team.to_string(), source))
        })
    })
}

fn first_annotation(declarers: &[Declarer], keys: &[&str]) -> Option<String> {
    declarers.iter().find_map(|declarer| {
        let mut values = keys.iter().filter_map(|key| declarer.annotation(key));
        values.next().map(str::to_string)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testing::{self, parse, running, with_metadata};
    use serde_json::{Value, json};

    /// Deployment shop/web with `labels` and `annotations`, whose pods are labelled `app: web`.
    fn deployment(labels: Value, annotations: Value) -> Workload {
        let web = testing::deployment("shop", "web", json!({ "app": "web" }), running("web:1"));
        let metadata = json!({ "labels": labels, "annotations": annotations });
        Workload::from_deployment(with_metadata(web, metadata))
    }

    fn namespace(labels: Value, annotations: Value) -> Namespace {
        parse(json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": { "name": "shop", "labels": labels, "annotations": annotations },
        }))
    }

    fn bare() -> Workload {
        deployment(json!({}), json!({}))
    }

    fn team_and_source(owner: Option<Owner>) -> Option<(String, String)> {
        owner.map(|owner| (owner.team, owner.source))
    }

    fn expected(team: &str, source: &str) -> Option<(String, String)> {
        Some((team.to_string(), source.to_string()))
    }

    #[test]
    fn appasset_owner_annotation_names_the_team() {
        let workload = deployment(json!({}), json!({ "appasset.io/owner": "payments" }));

        let found = team_and_source(owner(&workload, None));

        let source = "annotation appasset.io/owner on Deployment web";
        assert_eq!(found, expected("payments", source));
    }

    #[test]
    fn appasset_owner_label_names_the_team() {
        let workload = deployment(json!({ "appasset.io/owner": "payments" }), json!({}));

        let found = team_and_source(owner(&workload, None));

        assert_eq!(
            found,
            expected("payments", "label appasset.io/owner on Deployment web")
        );
    }

    #[test]
    fn a8r_owner_annotation_names_the_team() {
        let workload = deployment(json!({}), json!({ "a8r.io/owner": "@payments" }));

        let found = team_and_source(owner(&workload, None));

        assert_eq!(
            found,
            expected("@payments", "annotation a8r.io/owner on Deployment web")
        );
    }

    #[test]
    fn owner_label_names_the_team() {
        let workload = deployment(json!({ "owner": "payments" }), json!({}));

        let found = team_and_source(owner(&workload, None));

        assert_eq!(found, expected("payments", "label owner on Deployment web"));
    }

    #[test]
    fn team_label_names_the_team() {
        let workload = deployment(json!({ "team": "payments" }), json!({}));

        let found = team_and_source(owner(&workload, None));

        assert_eq!(found, expected("payments", "label team on Deployment web"));
    }

    #[test]
    fn backstage_kubernetes_id_names_the_team() {
        let workload = deployment(
            json!({ "backstage.io/kubernetes-id": "checkout" }),
            json!({}),
        );

        let found = team_and_source(owner(&workload, None));

        let source = "label backstage.io/kubernetes-id on Deployment web";
        assert_eq!(found, expected("checkout", source));
    }

    #[test]
    fn earlier_keys_win_over_later_ones() {
        let labels = json!({ "team": "from-team", "owner": "from-owner-label" });
        let annotations = json!({ "a8r.io/owner": "from-a8r" });
        let workload = deployment(labels, annotations);

        let found = team_and_source(owner(&workload, None));

        assert_eq!(
            found,
            expected("from-a8r", "annotation a8r.io/owner on Deployment web")
        );
    }

    #[test]
    fn the_appasset_annotation_wins_over_the_appasset_label() {
        let labels = json!({ "appasset.io/owner": "from-label" });
        let annotations = json!({ "appasset.io/owner": "from-annotation" });
        let workload = deployment(labels, annotations);

        let found = owner(&workload, None).map(|owner| owner.team);

        assert_eq!(found.as_deref(), Some("from-annotation"));
    }

    #[test]
    fn the_namespace_names_the_team_when_the_workload_does_not() {
        let shop = namespace(json!({ "team": "storefront" }), json!({}));

        let found = team_and_source(owner(&bare(), Some(&shop)));

        assert_eq!(
            found,
            expected("storefront", "label team on Namespace shop")
        );
    }

    #[test]
    fn any_key_on_the_workload_wins_over_the_best_key_on_the_namespace() {
        let workload = deployment(
            json!({ "backstage.io/kubernetes-id": "checkout" }),
            json!({}),
        );
        let shop = namespace(json!({}), json!({ "appasset.io/owner": "storefront" }));

        let found = owner(&workload, Some(&shop)).map(|owner| owner.team);

        assert_eq!(found.as_deref(), Some("checkout"));
    }

    #[test]
    fn blank_values_do_not_count() {
        let workload = deployment(json!({ "team": "" }), json!({ "appasset.io/owner": "  " }));
        let shop = namespace(json!({ "owner": "storefront" }), json!({}));

        let found = team_and_source(owner(&workload, Some(&shop)));

        assert_eq!(
            found,
            expected("storefront", "label owner on Namespace shop")
        );
    }

    #[test]
    fn no_owner_key_anywhere_means_no_owner() {
        let workload = deployment(json!({ "app": "web" }), json!({}));
        let shop = namespace(json!({ "kubernetes.io/metadata.name": "shop" }), json!({}));

        assert_eq!(owner(&workload, Some(&shop)), None);
    }

    #[test]
    fn a_contact_without_a_team_is_no_owner() {
        let annotations = json!({ "appasset.io/contact": "#payments", "a8r.io/repository": "x" });
        let workload = deployment(json!({}), annotations);

        assert_eq!(owner(&workload, None), None);
    }

    #[test]
    fn contact_and_repository_come_from_the_workload() {
        let annotations = json!({
            "appasset.io/owner": "payments",
            "a8r.io/chat": "#payments-oncall",
            "appasset.io/repository": "https://git.example.com/payments/api",
        });
        let workload = deployment(json!({}), annotations);

        let found = owner(&workload, None).unwrap();

        assert_eq!(found.contact.as_deref(), Some("#payments-oncall"));
        let repository = found.repository.as_deref();
        assert_eq!(repository, Some("https://git.example.com/payments/api"));
    }

    #[test]
    fn appasset_contact_wins_over_a8r_chat() {
        let annotations = json!({
            "appasset.io/owner": "payments",
            "a8r.io/chat": "#chat",
            "appasset.io/contact": "payments@example.com",
        });
        let workload = deployment(json!({}), annotations);

        let contact = owner(&workload, None).and_then(|owner| owner.contact);

        assert_eq!(contact.as_deref(), Some("payments@example.com"));
    }

    #[test]
    fn contact_and_repository_fall_back_to_the_namespace() {
        let workload = deployment(json!({ "team": "payments" }), json!({}));
        let shop = namespace(
            json!({}),
            json!({ "a8r.io/chat": "#shop", "a8r.io/repository": "https://git.example.com/shop" }),
        );

        let found = owner(&workload, Some(&shop)).unwrap();

        assert_eq!(found.contact.as_deref(), Some("#shop"));
        assert_eq!(
            found.repository.as_deref(),
            Some("https://git.example.com/shop")
        );
        assert_eq!(found.source, "label team on Deployment web");
    }

    #[test]
    fn the_workload_contact_wins_over_the_namespace_contact() {
        let workload = deployment(json!({}), json!({ "a8r.io/chat": "#web" }));
        let shop = namespace(
            json!({ "team": "storefront" }),
            json!({ "appasset.io/contact": "#shop" }),
        );

        let contact = owner(&workload, Some(&shop)).and_then(|owner| owner.contact);

        assert_eq!(contact.as_deref(), Some("#web"));
    }
}
