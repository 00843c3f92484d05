//! What tkedirect read from a cluster, as model objects: the one input of the checks.
//!
//! `doctor --dump-facts FILE` writes this as JSON and `doctor --facts FILE` (and `doctor -f --facts`) read
//! it back, so a bug report, a CI job or a test can replay a cluster without a server. Objects are kept in
//! the API's own shape, slimmed to the fields the rules read. `format` changes when a field changes
//! meaning.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::configmap::ConfigMap;
use super::endpoints::ServiceEndpoints;
use super::ingress::Ingress;
use super::node::Node;
use super::pod::Pod;
use super::service::Service;
use super::version::ServerVersion;
use super::workload::Workload;

/// Version of the facts file layout (1: tkedirect 0.1.0's flat records; 2: model objects).
pub const FACTS_FORMAT: u32 = 2;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterFacts {
    pub format: u32,
    /// When the cluster was read: ages (a gate False for seconds, a Service created a minute ago) are
    /// judged against this, so a replay gives the same verdicts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<jiff::Timestamp>,
    /// What was read: which namespace and label selector the object audit covered.
    pub scope: Scope,
    /// `GET /version`; None when it could not be read.
    pub version: Option<ServerVersion>,
    pub apis: ServedApis,
    pub kube_system: KubeSystem,
    /// Names of the MutatingWebhookConfigurations.
    pub webhooks: Vec<String>,
    pub nodes: Vec<Node>,
    /// Pods not yet finished (phase other than Succeeded/Failed) in `scope.pods_namespace`.
    pub pods: Vec<Pod>,
    pub services: Vec<Service>,
    pub ingresses: Vec<Ingress>,
    /// Which addresses (and pods) back which Service.
    pub endpoints: Vec<ServiceEndpoints>,
    pub workloads: Vec<Workload>,
    /// Reads that failed without stopping the run (RBAC 403s), reported as findings.
    pub read_errors: Vec<ReadError>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServedApis {
    /// Group versions that serve Ingress (`networking.k8s.io/v1`, `networking.k8s.io/v1beta1`,
    /// `extensions/v1beta1`), best first.
    pub ingress: Vec<String>,
    /// Whether `discovery.k8s.io/v1` EndpointSlices are served (else Endpoints were read).
    pub endpoint_slices: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeSystem {
    pub daemonsets: Vec<Workload>,
    pub deployments: Vec<Workload>,
    /// The ConfigMaps tkedirect reads (`consts::KUBE_SYSTEM_CONFIGMAPS`), by name.
    pub configmaps: BTreeMap<String, BTreeMap<String, String>>,
}

/// A read that was refused (403) or otherwise skipped; the run goes on and reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadError {
    /// `list`, `get`.
    pub verb: String,
    /// `daemonsets.apps`, `pods`, `/version`.
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

    pub fn configmap_value(&self, name: &str, key: &str) -> Option<&str> {
        self.configmap(name)?.get(key).map(String::as_str)
    }

    pub fn daemonset(&self, name: &str) -> Option<&Workload> {
        self.kube_system
            .daemonsets
            .iter()
            .find(|c| c.name() == name)
    }

    pub fn deployment(&self, name: &str) -> Option<&Workload> {
        self.kube_system
            .deployments
            .iter()
            .find(|c| c.name() == name)
    }

    /// Whether a read of `resource` (any namespace) was refused.
    pub fn unreadable(&self, resource: &str) -> Option<&ReadError> {
        self.read_errors.iter().find(|e| e.resource == resource)
    }

    /// Keep a ConfigMap's data under its name.
    pub fn add_configmap(&mut self, cm: ConfigMap) {
        self.kube_system
            .configmaps
            .insert(cm.metadata.name, cm.data);
    }
}
