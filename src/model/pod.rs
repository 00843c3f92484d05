//! Pods and pod templates.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::de;
use super::meta::ObjectMeta;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

/// `spec.template` of a workload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplate {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_name: Option<String>,
    #[serde(
        deserialize_with = "de::boolean",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub host_network: bool,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub readiness_gates: Vec<ReadinessGate>,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Container>,
    #[serde(
        deserialize_with = "de::string_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub node_selector: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadinessGate {
    #[serde(deserialize_with = "de::string")]
    pub condition_type: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub image: String,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    #[serde(skip_serializing_if = "Resources::is_empty")]
    pub resources: Resources,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub container_port: Option<i64>,
    /// "" means TCP.
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub protocol: String,
}

impl ContainerPort {
    pub fn protocol(&self) -> &str {
        if self.protocol.is_empty() {
            "TCP"
        } else {
            &self.protocol
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Resources {
    #[serde(
        deserialize_with = "de::quantities",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub requests: BTreeMap<String, String>,
    #[serde(
        deserialize_with = "de::quantities",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub limits: BTreeMap<String, String>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty()
    }

    /// The quantity of `resource` a container asks for: the request, else the limit (requests of
    /// extended resources default to their limits).
    pub fn get(&self, resource: &str) -> Option<&str> {
        self.requests
            .get(resource)
            .or_else(|| self.limits.get(resource))
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub phase: Option<String>,
    #[serde(
        rename = "podIP",
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub pod_ip: Option<String>,
    #[serde(
        rename = "podIPs",
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub pod_ips: Vec<PodIp>,
    #[serde(
        rename = "hostIP",
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub host_ip: Option<String>,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodIp {
    #[serde(deserialize_with = "de::string")]
    pub ip: String,
}

/// A pod (or node) condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    #[serde(rename = "type", deserialize_with = "de::string")]
    pub type_: String,
    /// `True`, `False`, `Unknown`.
    #[serde(deserialize_with = "de::string")]
    pub status: String,
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub reason: Option<String>,
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
    #[serde(
        deserialize_with = "de::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_transition_time: Option<jiff::Timestamp>,
}

impl Condition {
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
}

impl Pod {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn condition(&self, type_: &str) -> Option<&Condition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    pub fn condition_true(&self, type_: &str) -> bool {
        self.condition(type_).is_some_and(Condition::is_true)
    }

    /// Every address of the pod, IPv4 and IPv6 (`status.podIPs`, else `status.podIP`), without duplicates.
    pub fn ips(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .status
            .pod_ips
            .iter()
            .map(|p| p.ip.as_str())
            .filter(|ip| !ip.is_empty())
            .collect();
        if let Some(ip) = self.status.pod_ip.as_deref().filter(|ip| !ip.is_empty())
            && !out.contains(&ip)
        {
            out.insert(0, ip);
        }
        out
    }

    /// Not finished: phase other than Succeeded / Failed.
    pub fn active(&self) -> bool {
        !matches!(self.status.phase.as_deref(), Some("Succeeded" | "Failed"))
    }
}
