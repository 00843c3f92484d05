//! Slim views of the Kubernetes wire JSON: only the fields the facts need, so a LIST page of 500 pods is
//! decoded straight into small structs (unknown fields are skipped by serde, never stored). Pure: bytes in,
//! facts out. Works for old API versions too (Ingress v1beta1 `serviceName`, Endpoints).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::facts::*;
use crate::model::consts;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct List<T> {
    #[serde(default)]
    pub metadata: ListMeta,
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ListMeta {
    #[serde(rename = "continue")]
    pub continue_: Option<String>,
    pub resource_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Meta {
    pub name: String,
    pub namespace: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub owner_references: Vec<Owner>,
    pub deletion_timestamp: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Owner {
    pub kind: String,
    pub name: String,
    pub controller: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Resources {
    pub requests: BTreeMap<String, serde_json::Value>,
    pub limits: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub resources: Resources,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    pub node_name: Option<String>,
    pub host_network: bool,
    pub readiness_gates: Vec<ReadinessGate>,
    pub containers: Vec<Container>,
    pub node_selector: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadinessGate {
    pub condition_type: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    pub phase: Option<String>,
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    pub metadata: Meta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplate {
    pub metadata: Meta,
    pub spec: PodSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadSpec {
    pub template: PodTemplate,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Workload {
    pub metadata: Meta,
    pub spec: WorkloadSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub selector: BTreeMap<String, String>,
    pub external_traffic_policy: Option<String>,
    pub session_affinity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Service {
    pub metadata: Meta,
    pub spec: ServiceSpec,
}

/// Ingress backend in either shape: v1 `service.name` or v1beta1 `serviceName`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressBackend {
    pub service: Option<NamedRef>,
    pub service_name: Option<String>,
}

impl IngressBackend {
    fn name(&self) -> Option<&str> {
        self.service
            .as_ref()
            .map(|s| s.name.as_str())
            .or(self.service_name.as_deref())
            .filter(|n| !n.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedRef {
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IngressPath {
    pub backend: IngressBackend,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IngressHttp {
    pub paths: Vec<IngressPath>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IngressRule {
    pub http: Option<IngressHttp>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressSpec {
    pub ingress_class_name: Option<String>,
    pub default_backend: Option<IngressBackend>,
    pub backend: Option<IngressBackend>,
    pub rules: Vec<IngressRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Ingress {
    pub metadata: Meta,
    pub spec: IngressSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    pub key: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    #[serde(rename = "podCIDR")]
    pub pod_cidr: Option<String>,
    #[serde(rename = "podCIDRs")]
    pub pod_cidrs: Vec<String>,
    pub taints: Vec<Taint>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    pub capacity: BTreeMap<String, serde_json::Value>,
    pub allocatable: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    pub metadata: Meta,
    pub spec: NodeSpec,
    pub status: NodeStatus,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ConfigMap {
    pub metadata: Meta,
    pub data: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Named {
    pub metadata: Meta,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TargetRef {
    pub kind: Option<String>,
    pub name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SliceEndpoint {
    pub target_ref: Option<TargetRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EndpointSlice {
    pub metadata: Meta,
    pub endpoints: Vec<SliceEndpoint>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointAddress {
    pub target_ref: Option<TargetRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSubset {
    pub addresses: Vec<EndpointAddress>,
    pub not_ready_addresses: Vec<EndpointAddress>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Endpoints {
    pub metadata: Meta,
    pub subsets: Vec<EndpointSubset>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApiGroupList {
    pub groups: Vec<ApiGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApiGroup {
    pub name: String,
    pub versions: Vec<GroupVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GroupVersion {
    pub group_version: String,
}

/// Decode a JSON body.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(bytes)
}

/// A quantity such as `"10"` or `10` as an integer (extended resources are whole numbers).
pub fn quantity(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn ignore_annotations(a: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    a.iter()
        .filter(|(k, _)| k.starts_with(consts::IGNORE_CHECK_PREFIX))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The extended ENI resource of a container (`eni-ip` or `direct-eni`) and its count.
fn eni_resource(c: &Container) -> Option<(&'static str, i64)> {
    for res in [consts::RESOURCE_ENI_IP, consts::RESOURCE_DIRECT_ENI] {
        let v = c
            .resources
            .requests
            .get(res)
            .or_else(|| c.resources.limits.get(res));
        if let Some(v) = v {
            return Some((res, quantity(v).unwrap_or(1)));
        }
    }
    None
}

impl From<Pod> for PodFacts {
    fn from(p: Pod) -> Self {
        let keep = |k: &str| {
            k.starts_with("tke.cloud.tencent.com/") || k.starts_with(consts::IGNORE_CHECK_PREFIX)
        };
        let owner = p
            .metadata
            .owner_references
            .iter()
            .find(|o| o.controller == Some(true))
            .or(p.metadata.owner_references.first())
            .map(|o| OwnerRef {
                kind: o.kind.clone(),
                name: o.name.clone(),
            });
        PodFacts {
            namespace: p.metadata.namespace.unwrap_or_default(),
            name: p.metadata.name,
            labels: p.metadata.labels,
            annotations: p
                .metadata
                .annotations
                .into_iter()
                .filter(|(k, _)| keep(k))
                .collect(),
            node_name: p.spec.node_name,
            pod_ip: p.status.pod_ip,
            phase: p.status.phase,
            host_network: p.spec.host_network,
            readiness_gates: p
                .spec
                .readiness_gates
                .into_iter()
                .map(|g| g.condition_type)
                .collect(),
            conditions: p.status.conditions,
            eni_requests: p
                .spec
                .containers
                .iter()
                .filter_map(eni_resource)
                .map(|(_, n)| n)
                .sum(),
            owner,
            terminating: p.metadata.deletion_timestamp.is_some(),
        }
    }
}

/// A Deployment, StatefulSet or DaemonSet of `kind`.
pub fn workload_facts(kind: &str, w: Workload) -> WorkloadFacts {
    let t = &w.spec.template;
    WorkloadFacts {
        kind: kind.to_string(),
        namespace: w.metadata.namespace.clone().unwrap_or_default(),
        name: w.metadata.name.clone(),
        template_labels: t.metadata.labels.clone(),
        template_networks: t.metadata.annotations.get(consts::POD_NETWORKS).cloned(),
        template_eni_resource: t
            .spec
            .containers
            .iter()
            .find_map(eni_resource)
            .map(|(r, _)| r.to_string()),
        host_network: t.spec.host_network,
        super_node: t
            .spec
            .node_selector
            .get("node.kubernetes.io/instance-type")
            .is_some_and(|v| v == "eklet"),
        ignore: ignore_annotations(&w.metadata.annotations),
    }
}

pub fn component(w: Workload) -> Component {
    Component {
        name: w.metadata.name,
        images: w
            .spec
            .template
            .spec
            .containers
            .into_iter()
            .map(|c| c.image)
            .collect(),
    }
}

impl From<Service> for ServiceFacts {
    fn from(s: Service) -> Self {
        ServiceFacts {
            namespace: s.metadata.namespace.unwrap_or_default(),
            name: s.metadata.name,
            type_: s.spec.type_.unwrap_or_else(|| "ClusterIP".to_string()),
            annotations: s.metadata.annotations,
            selector: s.spec.selector,
            external_traffic_policy: s.spec.external_traffic_policy,
            session_affinity: s.spec.session_affinity,
        }
    }
}

pub fn ingress_facts(api_version: &str, i: Ingress) -> IngressFacts {
    let mut backends: Vec<String> = i
        .spec
        .rules
        .iter()
        .filter_map(|r| r.http.as_ref())
        .flat_map(|h| h.paths.iter())
        .filter_map(|p| p.backend.name())
        .chain(
            i.spec
                .default_backend
                .as_ref()
                .and_then(IngressBackend::name),
        )
        .chain(i.spec.backend.as_ref().and_then(IngressBackend::name))
        .map(str::to_string)
        .collect();
    backends.sort();
    backends.dedup();
    IngressFacts {
        namespace: i.metadata.namespace.unwrap_or_default(),
        name: i.metadata.name,
        api_version: api_version.to_string(),
        annotations: i.metadata.annotations,
        ingress_class_name: i.spec.ingress_class_name,
        backends,
    }
}

impl From<Node> for NodeFacts {
    fn from(n: Node) -> Self {
        let mut pod_cidrs = n.spec.pod_cidrs;
        if pod_cidrs.is_empty()
            && let Some(c) = n.spec.pod_cidr
        {
            pod_cidrs.push(c);
        }
        NodeFacts {
            super_node: n
                .metadata
                .labels
                .get("node.kubernetes.io/instance-type")
                .is_some_and(|t| t == "eklet"),
            ignore: ignore_annotations(&n.metadata.annotations),
            name: n.metadata.name,
            pod_cidrs,
            eni_ip_capacity: n
                .status
                .capacity
                .get(consts::RESOURCE_ENI_IP)
                .and_then(quantity),
            eni_ip_allocatable: n
                .status
                .allocatable
                .get(consts::RESOURCE_ENI_IP)
                .and_then(quantity),
            taints: n.spec.taints.into_iter().map(|t| t.key).collect(),
        }
    }
}

/// Pods named by an EndpointSlice, keyed by (namespace, service).
pub fn slice_pods(s: EndpointSlice) -> Option<((String, String), Vec<String>)> {
    let service = s.metadata.labels.get("kubernetes.io/service-name")?.clone();
    let pods = s
        .endpoints
        .into_iter()
        .filter_map(|e| e.target_ref)
        .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Pod"))
        .map(|r| r.name)
        .collect();
    Some(((s.metadata.namespace.unwrap_or_default(), service), pods))
}

pub fn endpoints_pods(e: Endpoints) -> ((String, String), Vec<String>) {
    let pods = e
        .subsets
        .into_iter()
        .flat_map(|s| s.addresses.into_iter().chain(s.not_ready_addresses))
        .filter_map(|a| a.target_ref)
        .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Pod"))
        .map(|r| r.name)
        .collect();
    (
        (e.metadata.namespace.unwrap_or_default(), e.metadata.name),
        pods,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_backends_in_both_shapes() {
        let v1: Ingress = decode(br#"{"metadata":{"name":"a","namespace":"n"},"spec":{"rules":[{"http":{"paths":[{"backend":{"service":{"name":"web","port":{"number":80}}}}]}}],"defaultBackend":{"service":{"name":"fallback"}}}}"#).unwrap();
        assert_eq!(
            ingress_facts("networking.k8s.io/v1", v1).backends,
            ["fallback", "web"]
        );
        let beta: Ingress = decode(
            br#"{"metadata":{"name":"a"},"spec":{"backend":{"serviceName":"old","servicePort":80},"rules":[{"host":"x"}]}}"#,
        )
        .unwrap();
        assert_eq!(ingress_facts("extensions/v1beta1", beta).backends, ["old"]);
    }

    #[test]
    fn pod_keeps_only_what_checks_read() {
        let p: Pod = decode(br#"{"metadata":{"name":"p","namespace":"n","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{...}","tke.cloud.tencent.com/networks":"tke-route-eni"},"ownerReferences":[{"kind":"ReplicaSet","name":"web-abc","controller":true}]},"spec":{"containers":[{"name":"c","resources":{"limits":{"tke.cloud.tencent.com/eni-ip":"1"}}}]},"status":{"phase":"Running","podIP":"10.0.0.1"}}"#).unwrap();
        let f = PodFacts::from(p);
        assert_eq!(f.annotations.len(), 1);
        assert_eq!(f.eni_requests, 1);
        assert_eq!(
            f.owner,
            Some(OwnerRef {
                kind: "ReplicaSet".into(),
                name: "web-abc".into()
            })
        );
    }
}
