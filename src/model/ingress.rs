//! Ingresses in every API version tkedirect reads: `networking.k8s.io/v1` (`service.name`,
//! `service.port.number|name`, `defaultBackend`) and the v1beta1 shape of `networking.k8s.io/v1beta1` and
//! `extensions/v1beta1` (`serviceName`, `servicePort`, `backend`). Both shapes decode into the same struct;
//! which Services an Ingress routes to is the rule `rules::ingress::backends`.

use serde::{Deserialize, Serialize};

use super::de;
use super::meta::ObjectMeta;
use super::service::{PortRef, port_ref};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Ingress {
    /// The group version it was read (or written) as.
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub api_version: String,
    pub metadata: ObjectMeta,
    pub spec: IngressSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressSpec {
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub ingress_class_name: Option<String>,
    /// networking.k8s.io/v1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_backend: Option<IngressBackend>,
    /// v1beta1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend: Option<IngressBackend>,
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<IngressRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressRule {
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpRule {
    #[serde(deserialize_with = "de::list", skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<HttpPath>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HttpPath {
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub path: String,
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub path_type: Option<String>,
    pub backend: IngressBackend,
}

/// A backend in either shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressBackend {
    /// networking.k8s.io/v1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceBackend>,
    /// v1beta1.
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_name: Option<String>,
    #[serde(deserialize_with = "port_ref", skip_serializing_if = "Option::is_none")]
    pub service_port: Option<PortRef>,
    /// A resource backend (not a Service).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceBackend {
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<ServiceBackendPort>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceBackendPort {
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub number: Option<i64>,
    #[serde(
        deserialize_with = "de::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
}
