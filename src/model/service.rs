//! Services.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::de;
use super::meta::ObjectMeta;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    pub metadata: ObjectMeta,
    pub spec: ServiceSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    /// None means ClusterIP.
    #[serde(
        rename = "type",
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub type_: Option<String>,
    #[serde(
        deserialize_with = "de::string_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub selector: BTreeMap<String, String>,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub external_traffic_policy: Option<String>,
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_affinity: Option<String>,
    /// `allocateLoadBalancerNodePorts: false`: a LoadBalancer Service without NodePorts.
    #[serde(
        deserialize_with = "de::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub allocate_load_balancer_node_ports: Option<bool>,
    /// `spec.loadBalancerClass`: another load-balancer implementation when set.
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub load_balancer_class: Option<String>,
    #[serde(
        deserialize_with = "de::strings",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ip_families: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub name: String,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub port: Option<i64>,
    /// "" means TCP.
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub protocol: String,
    /// None means the same as `port`.
    #[serde(deserialize_with = "port_ref", skip_serializing_if = "Option::is_none")]
    pub target_port: Option<PortRef>,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub node_port: Option<i64>,
}

impl ServicePort {
    pub fn protocol(&self) -> &str {
        if self.protocol.is_empty() {
            "TCP"
        } else {
            &self.protocol
        }
    }

    /// The target port, defaulted to the port as the API server does.
    pub fn target(&self) -> Option<PortRef> {
        self.target_port
            .clone()
            .or_else(|| self.port.map(PortRef::Number))
    }

    /// The name if any, else the port number: how plans and messages refer to it.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.port.map(|p| p.to_string()).unwrap_or_default()
        } else {
            self.name.clone()
        }
    }
}

/// A port given as a number or a name (`targetPort`, an Ingress backend's `servicePort`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    /// From JSON: a number, a numeric string, or a name.
    pub fn from_value(v: &Value) -> Option<PortRef> {
        match v {
            Value::Number(n) => n.as_i64().map(PortRef::Number),
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(match s.parse::<i64>() {
                Ok(n) => PortRef::Number(n),
                Err(_) => PortRef::Name(s.clone()),
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(s) => f.write_str(s),
        }
    }
}

impl Serialize for PortRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PortRef::Number(n) => s.serialize_i64(*n),
            PortRef::Name(n) => s.serialize_str(n),
        }
    }
}

pub(crate) fn port_ref<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PortRef>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(v.as_ref().and_then(PortRef::from_value))
}

impl Service {
    /// `spec.type`, defaulted to ClusterIP.
    pub fn type_(&self) -> &str {
        self.spec.type_.as_deref().unwrap_or("ClusterIP")
    }

    pub fn is_load_balancer(&self) -> bool {
        self.type_() == "LoadBalancer"
    }
}
