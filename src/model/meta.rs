//! `metadata`, as every object kind carries it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::de;

/// The fields of `metadata` tkedirect reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    /// Set instead of `name` on objects the API server names (`generateName: web-`).
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub generate_name: String,
    /// None when not set (a manifest without a namespace, a cluster-scoped object).
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub namespace: Option<String>,
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub uid: String,
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub resource_version: String,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub generation: Option<i64>,
    #[serde(
        deserialize_with = "de::string_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, String>,
    #[serde(
        deserialize_with = "de::string_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
    /// Annotation keys whose value in a manifest is not a YAML string (an unquoted `true` or `1`): kept as
    /// text in `annotations`, but the API server rejects the object (`kubectl apply`: "cannot unmarshal
    /// bool into … annotations of type string"). Set for manifests only (`checks::manifests`); live
    /// objects cannot have them, and facts files do not carry them.
    #[serde(skip)]
    pub not_strings: Vec<String>,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    #[serde(
        deserialize_with = "de::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_timestamp: Option<jiff::Timestamp>,
    #[serde(
        deserialize_with = "de::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub deletion_timestamp: Option<jiff::Timestamp>,
}

impl ObjectMeta {
    /// The namespace, "" when not set.
    pub fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or_default()
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }

    /// The controlling owner reference, or the first one when none is marked controller.
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|o| o.controller)
            .or(self.owner_references.first())
    }

    /// Being deleted (a deletionTimestamp is set).
    pub fn terminating(&self) -> bool {
        self.deletion_timestamp.is_some()
    }

    /// Drop every annotation `keep` rejects (facts keep only what rules read: memory follows the objects
    /// kept, not the bytes read).
    pub fn keep_annotations(&mut self, keep: impl Fn(&str) -> bool) {
        self.annotations.retain(|k, _| keep(k));
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OwnerReference {
    #[serde(deserialize_with = "de::string")]
    pub kind: String,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(
        deserialize_with = "de::boolean",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub controller: bool,
}
