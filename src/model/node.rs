//! Nodes: the ENI resources they offer, their podCIDR, taints and labels.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::de;
use super::meta::ObjectMeta;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    pub metadata: ObjectMeta,
    pub spec: NodeSpec,
    pub status: NodeStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    #[serde(
        rename = "podCIDR",
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub pod_cidr: Option<String>,
    #[serde(
        rename = "podCIDRs",
        deserialize_with = "de::strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pod_cidrs: Vec<String>,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    #[serde(deserialize_with = "de::string")]
    pub key: String,
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub effect: String,
    #[serde(
        deserialize_with = "de::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_added: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    #[serde(
        deserialize_with = "de::quantities",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub capacity: BTreeMap<String, String>,
    #[serde(
        deserialize_with = "de::quantities",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub allocatable: BTreeMap<String, String>,
}

impl Node {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// `spec.podCIDRs`, or `spec.podCIDR` on older nodes: set on GlobalRouter nodes.
    pub fn pod_cidrs(&self) -> Vec<&str> {
        if self.spec.pod_cidrs.is_empty() {
            self.spec.pod_cidr.as_deref().into_iter().collect()
        } else {
            self.spec.pod_cidrs.iter().map(String::as_str).collect()
        }
    }

    /// An integer resource from capacity (`allocatable` false) or allocatable.
    pub fn resource(&self, name: &str, allocatable: bool) -> Option<i64> {
        let map = if allocatable {
            &self.status.allocatable
        } else {
            &self.status.capacity
        };
        map.get(name).and_then(|q| de::quantity(q))
    }

    pub fn taint(&self, key: &str) -> Option<&Taint> {
        self.spec.taints.iter().find(|t| t.key == key)
    }
}

/// Keep only the resources and labels the rules read (node objects carry much else).
pub fn slim(node: &mut Node, keep_resource: impl Fn(&str) -> bool) {
    node.status.capacity.retain(|k, _| keep_resource(k));
    node.status.allocatable.retain(|k, _| keep_resource(k));
}
