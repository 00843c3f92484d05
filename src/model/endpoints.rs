//! The endpoints of a Service in one shape, whether the API serves EndpointSlices (discovery.k8s.io/v1,
//! Kubernetes ≥ 1.21) or only the Endpoints object of older clusters. IPv4 and IPv6 addresses alike (a
//! dual-stack Service has one slice per address family).

use serde::{Deserialize, Serialize};

use super::de;
use super::meta::ObjectMeta;

/// Label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// The endpoints of one Service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceEndpoints {
    pub namespace: String,
    pub service: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
}

/// One address with the ports it serves for the Service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoint {
    pub ip: String,
    /// Ready to receive traffic: `conditions.ready` (absent means ready) and not terminating; listed under
    /// `addresses` in an Endpoints object.
    pub ready: bool,
    /// Still serving (`conditions.serving`; absent means as ready), also while terminating.
    pub serving: bool,
    pub terminating: bool,
    /// The pod behind the address (`targetRef` of kind Pod).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<EndpointPort>,
}

/// A port as the endpoints controller resolved it (named `targetPort`s are numbers here, per pod).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointPort {
    /// The Service port's name ("" for a single unnamed port).
    #[serde(deserialize_with = "de::string")]
    pub name: String,
    #[serde(deserialize_with = "de::opt_int")]
    pub port: Option<i64>,
    #[serde(deserialize_with = "de::string")]
    pub protocol: String,
}

impl EndpointPort {
    pub fn protocol(&self) -> &str {
        if self.protocol.is_empty() {
            "TCP"
        } else {
            &self.protocol
        }
    }
}

/// `discovery.k8s.io/v1` EndpointSlice, as the API serves it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSlice {
    pub metadata: ObjectMeta,
    /// `IPv4`, `IPv6` or `FQDN`.
    #[serde(deserialize_with = "de::string")]
    pub address_type: String,
    #[serde(deserialize_with = "de::list")]
    pub endpoints: Vec<SliceEndpoint>,
    #[serde(deserialize_with = "de::list")]
    pub ports: Vec<EndpointPort>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SliceEndpoint {
    #[serde(deserialize_with = "de::strings")]
    pub addresses: Vec<String>,
    pub conditions: SliceConditions,
    pub target_ref: Option<TargetRef>,
    #[serde(deserialize_with = "de::opt_string")]
    pub node_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SliceConditions {
    #[serde(deserialize_with = "de::opt_bool")]
    pub ready: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub serving: Option<bool>,
    #[serde(deserialize_with = "de::opt_bool")]
    pub terminating: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TargetRef {
    #[serde(deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "de::string")]
    pub name: String,
}

impl TargetRef {
    fn pod(r: &Option<TargetRef>) -> Option<String> {
        r.as_ref()
            .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Pod") && !r.name.is_empty())
            .map(|r| r.name.clone())
    }
}

/// `v1` Endpoints, as the API serves it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoints {
    pub metadata: ObjectMeta,
    #[serde(deserialize_with = "de::list")]
    pub subsets: Vec<EndpointSubset>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSubset {
    #[serde(deserialize_with = "de::list")]
    pub addresses: Vec<EndpointAddress>,
    #[serde(deserialize_with = "de::list")]
    pub not_ready_addresses: Vec<EndpointAddress>,
    #[serde(deserialize_with = "de::list")]
    pub ports: Vec<EndpointPort>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointAddress {
    #[serde(deserialize_with = "de::string")]
    pub ip: String,
    pub target_ref: Option<TargetRef>,
    #[serde(deserialize_with = "de::opt_string")]
    pub node_name: Option<String>,
}

impl EndpointSlice {
    /// The Service this slice belongs to (`kubernetes.io/service-name`).
    pub fn service(&self) -> Option<&str> {
        self.metadata.label(SERVICE_NAME_LABEL)
    }

    /// The slice's endpoints, one per address (FQDN slices have none tkedirect can use).
    pub fn flatten(&self) -> Vec<Endpoint> {
        if !matches!(self.address_type.as_str(), "IPv4" | "IPv6") {
            return Vec::new();
        }
        let mut out = Vec::new();
        for ep in &self.endpoints {
            let c = &ep.conditions;
            let terminating = c.terminating.unwrap_or(false);
            let ready = c.ready.unwrap_or(true);
            let serving = c.serving.unwrap_or(ready);
            for ip in &ep.addresses {
                out.push(Endpoint {
                    ip: ip.clone(),
                    ready: ready && !terminating,
                    serving,
                    terminating,
                    pod: TargetRef::pod(&ep.target_ref),
                    node: ep.node_name.clone(),
                    ports: self.ports.clone(),
                });
            }
        }
        out
    }
}

impl Endpoints {
    /// Every address: `addresses` ready, `notReadyAddresses` not (old clusters know no terminating state).
    pub fn flatten(&self) -> Vec<Endpoint> {
        let mut out = Vec::new();
        for subset in &self.subsets {
            let listed = subset
                .addresses
                .iter()
                .map(|a| (a, true))
                .chain(subset.not_ready_addresses.iter().map(|a| (a, false)));
            for (a, ready) in listed {
                out.push(Endpoint {
                    ip: a.ip.clone(),
                    ready,
                    serving: ready,
                    terminating: false,
                    pod: TargetRef::pod(&a.target_ref),
                    node: a.node_name.clone(),
                    ports: subset.ports.clone(),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_of_both_families_and_their_conditions() {
        let v4: EndpointSlice = serde_json::from_str(
            r#"{"metadata":{"labels":{"kubernetes.io/service-name":"web"}},"addressType":"IPv4",
                "endpoints":[{"addresses":["10.0.0.1"],"targetRef":{"kind":"Pod","name":"a"}},
                             {"addresses":["10.0.0.2"],"conditions":{"ready":false,"serving":true,"terminating":true},"targetRef":{"kind":"Pod","name":"b"}}],
                "ports":[{"name":"http","port":8080,"protocol":"TCP"}]}"#,
        )
        .unwrap();
        assert_eq!(v4.service(), Some("web"));
        let eps = v4.flatten();
        assert!(eps[0].ready && eps[0].serving && !eps[0].terminating);
        assert!(!eps[1].ready && eps[1].serving && eps[1].terminating);
        assert_eq!(eps[1].pod.as_deref(), Some("b"));
        let v6: EndpointSlice = serde_json::from_str(
            r#"{"addressType":"IPv6","endpoints":[{"addresses":["fd00::1"]}]}"#,
        )
        .unwrap();
        assert_eq!(v6.flatten()[0].ip, "fd00::1");
        let fqdn: EndpointSlice = serde_json::from_str(
            r#"{"addressType":"FQDN","endpoints":[{"addresses":["x.example"]}]}"#,
        )
        .unwrap();
        assert!(fqdn.flatten().is_empty());
    }

    #[test]
    fn legacy_endpoints() {
        let e: Endpoints = serde_json::from_str(
            r#"{"metadata":{"name":"web"},"subsets":[{"addresses":[{"ip":"10.0.0.1","targetRef":{"kind":"Pod","name":"a"}}],
                "notReadyAddresses":[{"ip":"10.0.0.2"}],"ports":[{"port":80}]}]}"#,
        )
        .unwrap();
        let eps = e.flatten();
        assert!(eps[0].ready && !eps[1].ready);
        assert_eq!(eps[0].ports[0].protocol(), "TCP");
    }
}
