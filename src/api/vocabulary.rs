//! The closed vocabularies of the AppAsset resource: exposure, data sensitivity, criticality.
//! Each value has one spelling, used alike in the CRD, labels, metrics and logs.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How far traffic can come from: Internet (the public internet), External (outside the
/// cluster, not shown to be public), Cluster (any pod), Restricted (only the sources
/// NetworkPolicy admits) or Isolated (nothing). An asset's exposure is the highest scope over
/// its entrypoints.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Exposure {
    /// Nothing can connect: a default-deny NetworkPolicy with no allow, or no port and no
    /// Service.
    Isolated,
    /// Ingress NetworkPolicies limit who may connect.
    Restricted,
    /// Any pod in the cluster can connect: no ingress NetworkPolicy isolates it.
    Cluster,
    /// Reachable from outside the cluster, but not shown to be public: NodePort, externalIPs,
    /// hostPort, hostNetwork, an internal load balancer or ingress class.
    External,
    /// Reachable from the public internet.
    Internet,
}

impl Exposure {
    /// The lower-case form used in label values and metric labels.
    pub fn label_value(self) -> &'static str {
        match self {
            Exposure::Isolated => "isolated",
            Exposure::Restricted => "restricted",
            Exposure::Cluster => "cluster",
            Exposure::External => "external",
            Exposure::Internet => "internet",
        }
    }
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// How sensitive the data the workload handles is: public, internal, confidential,
/// restricted, or unclassified when nobody said.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DataSensitivity {
    /// Nobody said, and nothing suggested it.
    Unclassified,
    /// Meant for anyone to read.
    Public,
    /// For the organisation's own people.
    Internal,
    /// Harmful if disclosed: customer data, business secrets.
    Confidential,
    /// The most sensitive data: credentials, payment or health records.
    Restricted,
}

/// How much the business depends on the workload: crown-jewel, high, medium, low, or
/// unclassified when nobody said.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Criticality {
    /// Nobody said.
    Unclassified,
    /// Little impact if it fails or is compromised.
    Low,
    /// Noticeable impact.
    Medium,
    /// Serious impact.
    High,
    /// The assets the business cannot do without.
    CrownJewel,
}

/// Where a classification value came from: declared by an annotation, inferred from hints
/// such as a database image, or unset.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// No annotation stated it and no hint suggested it.
    Unset,
    /// Inferred from hints such as a database image or a mounted Secret.
    Inferred,
    /// Stated by an `appasset.io/` annotation on the workload or its namespace.
    Declared,
}

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; rarely urgent.
    Low,
    /// Should be fixed in the normal course of work.
    Medium,
    /// Should be fixed soon.
    High,
    /// Should be fixed now.
    Critical,
}

/// The band a risk score falls in: Critical from 60, High from 40, Medium from 20, Low from
/// 1, None at 0.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum RiskLevel {
    /// A score of 0.
    None,
    /// A score from 1 to 19.
    Low,
    /// A score from 20 to 39.
    Medium,
    /// A score from 40 to 59.
    High,
    /// A score of 60 or more.
    Critical,
}

impl RiskLevel {
    /// The lower-case form used in label values and metric labels.
    pub fn label_value(self) -> &'static str {
        match self {
            RiskLevel::None => "none",
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A value that is not one of a vocabulary's words, with the words that would have been
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of {allowed}")]
pub struct UnknownWord {
    /// The value as written.
    pub value: String,
    /// The accepted words, comma-separated.
    pub allowed: &'static str,
}

macro_rules! words {
    ($type:ty, $($word:literal => $variant:ident),+ $(,)?) => {
        impl $type {
            /// Every accepted word, in order, comma-separated.
            pub const WORDS: &'static str = concat!($($word, ", "),+);

            /// The word this value is written as.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $word,)+
                }
            }
        }

        impl FromStr for $type {
            type Err = UnknownWord;

            fn from_str(value: &str) -> Result<Self, UnknownWord> {
                match value.trim() {
                    $($word => Ok(Self::$variant),)+
                    _ => Err(UnknownWord {
                        value: value.to_string(),
                        allowed: Self::WORDS.trim_end_matches(", "),
                    }),
                }
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(DataSensitivity,
    "public" => Public,
    "internal" => Internal,
    "confidential" => Confidential,
    "restricted" => Restricted,
    "unclassified" => Unclassified,
);

words!(Criticality,
    "crown-jewel" => CrownJewel,
    "high" => High,
    "medium" => Medium,
    "low" => Low,
    "unclassified" => Unclassified,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposure_orders_internet_highest() {
        let mut all = [
            Exposure::Cluster,
            Exposure::Internet,
            Exposure::Isolated,
            Exposure::External,
            Exposure::Restricted,
        ];
        all.sort();
        assert_eq!(all.last(), Some(&Exposure::Internet));
        assert_eq!(all.first(), Some(&Exposure::Isolated));
    }

    #[test]
    fn words_round_trip_through_their_spelling() {
        for word in [
            "public",
            "internal",
            "confidential",
            "restricted",
            "unclassified",
        ] {
            assert_eq!(word.parse::<DataSensitivity>().unwrap().as_str(), word);
        }
        assert_eq!(
            "crown-jewel".parse::<Criticality>().unwrap(),
            Criticality::CrownJewel
        );
    }

    #[test]
    fn an_unknown_word_names_the_value_and_the_allowed_words() {
        let error = "secret".parse::<DataSensitivity>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"secret\" is not one of public, internal, confidential, restricted, unclassified"
        );
    }
}
