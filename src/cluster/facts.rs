//! What tkedirect read from a cluster, as plain serde data: the only input of the checks.
//!
//! `doctor --dump-facts FILE` writes this as JSON and `doctor --facts FILE` reads it back, so a bug report
//! or a test can replay a cluster without a server. Only the fields the checks use are kept (memory is
//! proportional to the objects kept, not to the bytes read). `format` changes when a field changes meaning.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Version of the facts file layout.
pub const FACTS_FORMAT: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterFacts {
    pub format: u32,
    /// What was read: which namespace and label selector the object audit covered.
    pub scope: Scope,
    /// `GET /version`; None when it could not be read.
    pub version: Option<ServerVersion>,
    pub apis: ServedApis,
    pub kube_system: KubeSystem,
    /// Names of the MutatingWebhookConfigurations.
    pub webhooks: Vec<String>,
    pub nodes: Vec<NodeFacts>,
    /// Pods not yet finished (phase other than Succeeded/Failed) in `scope.pods_namespace`.
    pub pods: Vec<PodFacts>,
    pub services: Vec<ServiceFacts>,
    pub ingresses: Vec<IngressFacts>,
    /// Which pods back which Service (from EndpointSlices, or Endpoints on old clusters).
    pub endpoints: Vec<ServiceEndpoints>,
    pub workloads: Vec<WorkloadFacts>,
    /// Reads that failed without stopping the run (RBAC 403s), reported as findings.
    pub read_errors: Vec<ReadError>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Scope {
    /// Whether Services, Ingresses and workloads were read (doctor) or only the prerequisites (check).
    pub objects: bool,
    /// Namespace of the object audit; None = all namespaces.
    pub namespace: Option<String>,
    /// `-l` label selector applied to Services and Ingresses.
    pub selector: Option<String>,
    /// Namespace the pods were read from; None = all namespaces (node ENI-IP usage is then complete).
    pub pods_namespace: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServerVersion {
    pub git_version: String,
    pub major: String,
    pub minor: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServedApis {
    /// Group versions that serve Ingress (`networking.k8s.io/v1`, `networking.k8s.io/v1beta1`,
    /// `extensions/v1beta1`), best first.
    pub ingress: Vec<String>,
    /// Whether `discovery.k8s.io/v1` EndpointSlices are served (else Endpoints were read).
    pub endpoint_slices: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeSystem {
    pub daemonsets: Vec<Component>,
    pub deployments: Vec<Component>,
    /// The TKE ConfigMaps tkedirect reads (`tke-service-controller-config`, `tke-ingress-controller-config`,
    /// `tke-config`, `tke-cni-agent-conf`), by name.
    pub configmaps: BTreeMap<String, BTreeMap<String, String>>,
}

/// A kube-system DaemonSet or Deployment: its name and container images.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Component {
    pub name: String,
    pub images: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeFacts {
    pub name: String,
    /// `spec.podCIDRs` (or `spec.podCIDR`): set on GlobalRouter nodes.
    pub pod_cidrs: Vec<String>,
    /// `tke.cloud.tencent.com/eni-ip` capacity (max bindable IPs) and allocatable (IPs bound now).
    pub eni_ip_capacity: Option<i64>,
    pub eni_ip_allocatable: Option<i64>,
    /// Taint keys.
    pub taints: Vec<String>,
    /// A super node (`node.kubernetes.io/instance-type: eklet`).
    pub super_node: bool,
    /// `ignore-check.tkedirect.io/*` annotations.
    pub ignore: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodFacts {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Only the annotations the checks read: `tke.cloud.tencent.com/*` network ones and `ignore-check.*`.
    pub annotations: BTreeMap<String, String>,
    pub node_name: Option<String>,
    pub pod_ip: Option<String>,
    pub phase: Option<String>,
    pub host_network: bool,
    pub readiness_gates: Vec<String>,
    pub conditions: Vec<Condition>,
    /// Number of ENI IPs the pod requests (`tke.cloud.tencent.com/eni-ip` or `direct-eni`, all containers).
    pub eni_requests: i64,
    /// The controlling owner (`ReplicaSet/web-7d9f`, `StatefulSet/db`…).
    pub owner: Option<OwnerRef>,
    pub terminating: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceFacts {
    pub namespace: String,
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub annotations: BTreeMap<String, String>,
    pub selector: BTreeMap<String, String>,
    pub external_traffic_policy: Option<String>,
    pub session_affinity: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IngressFacts {
    pub namespace: String,
    pub name: String,
    /// The group version it was read as.
    pub api_version: String,
    pub annotations: BTreeMap<String, String>,
    pub ingress_class_name: Option<String>,
    /// Backend Service names (rules and default backend), sorted, unique.
    pub backends: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceEndpoints {
    pub namespace: String,
    pub service: String,
    /// Names of the pods the endpoints point at.
    pub pods: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadFacts {
    /// Deployment, StatefulSet or DaemonSet.
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub template_labels: BTreeMap<String, String>,
    /// `tke.cloud.tencent.com/networks` on the pod template.
    pub template_networks: Option<String>,
    /// ENI resource requested by a container of the template (`eni-ip` or `direct-eni`), if any.
    pub template_eni_resource: Option<String>,
    pub host_network: bool,
    /// The template pins pods to super nodes (`nodeSelector` instance-type eklet).
    pub super_node: bool,
    /// `ignore-check.tkedirect.io/*` annotations of the workload.
    pub ignore: BTreeMap<String, String>,
}

/// A read that was refused (403) or otherwise skipped; the run goes on and reports it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadError {
    /// `list`, `get`.
    pub verb: String,
    /// `daemonsets.apps`, `pods`, `version`.
    pub resource: String,
    pub namespace: Option<String>,
    pub code: u16,
    pub message: String,
}

impl ReadError {
    /// `daemonsets.apps in namespace kube-system`, `nodes (cluster-wide)`, `/apis`.
    pub fn what(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} in namespace {ns}", self.resource),
            None if self.resource.starts_with('/') => self.resource.clone(),
            None => format!("{} (cluster-wide)", self.resource),
        }
    }
}

impl ClusterFacts {
    pub fn configmap(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.kube_system.configmaps.get(name)
    }

    pub fn daemonset(&self, name: &str) -> Option<&Component> {
        self.kube_system.daemonsets.iter().find(|c| c.name == name)
    }

    pub fn deployment(&self, name: &str) -> Option<&Component> {
        self.kube_system.deployments.iter().find(|c| c.name == name)
    }

    /// Whether a read of `resource` (any namespace) was refused.
    pub fn unreadable(&self, resource: &str) -> Option<&ReadError> {
        self.read_errors.iter().find(|e| e.resource == resource)
    }
}
