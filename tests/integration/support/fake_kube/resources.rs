//! The resources the fake serves: built-in kinds, their group versions and discovery.

/// A resource the fake knows how to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResourceDef {
    pub(super) group: String,
    pub(super) version: String,
    pub(super) plural: String,
    pub(super) singular: String,
    pub(super) kind: String,
    pub(super) namespaced: bool,
    pub(super) short: Vec<String>,
}

impl ResourceDef {
    pub(super) fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, plural, kind, namespaced, short names) for the built-in resources.
pub(super) type BuiltinDef = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
);
pub(super) const BUILTIN: &[BuiltinDef] = &[
    ("", "v1", "pods", "Pod", true, &["po"]),
    ("", "v1", "services", "Service", true, &["svc"]),
    ("", "v1", "endpoints", "Endpoints", true, &["ep"]),
    ("", "v1", "nodes", "Node", false, &["no"]),
    ("", "v1", "configmaps", "ConfigMap", true, &["cm"]),
    ("", "v1", "namespaces", "Namespace", false, &["ns"]),
    ("", "v1", "secrets", "Secret", true, &[]),
    ("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"]),
    (
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
        &["rc"],
    ),
    ("apps", "v1", "deployments", "Deployment", true, &["deploy"]),
    ("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"]),
    ("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"]),
    ("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"]),
    ("batch", "v1", "jobs", "Job", true, &[]),
    ("batch", "v1", "cronjobs", "CronJob", true, &["cj"]),
    (
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "IngressClass",
        false,
        &[],
    ),
    (
        "networking.k8s.io",
        "v1beta1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "extensions",
        "v1beta1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "extensions",
        "v1beta1",
        "deployments",
        "Deployment",
        true,
        &["deploy"],
    ),
    (
        "extensions",
        "v1beta1",
        "daemonsets",
        "DaemonSet",
        true,
        &["ds"],
    ),
    (
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "EndpointSlice",
        true,
        &[],
    ),
    (
        "discovery.k8s.io",
        "v1beta1",
        "endpointslices",
        "EndpointSlice",
        true,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1beta1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
        &[],
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        false,
        &["crd", "crds"],
    ),
    (
        "networking.tke.cloud.tencent.com",
        "v1",
        "nodeeniconfigs",
        "NodeENIConfig",
        false,
        &["nec"],
    ),
    (
        "cloud.tencent.com",
        "v1alpha1",
        "tkeserviceconfigs",
        "TkeServiceConfig",
        true,
        &[],
    ),
];

/// The group versions a current (1.22+) cluster serves by default.
pub(super) const DEFAULT_SERVED: &[&str] = &[
    "v1",
    "apps/v1",
    "batch/v1",
    "networking.k8s.io/v1",
    "discovery.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
];

pub(super) fn builtin_defs() -> Vec<ResourceDef> {
    BUILTIN
        .iter()
        .map(|(g, v, plural, kind, namespaced, short)| ResourceDef {
            group: g.to_string(),
            version: v.to_string(),
            plural: plural.to_string(),
            singular: kind.to_ascii_lowercase(),
            kind: kind.to_string(),
            namespaced: *namespaced,
            short: short.iter().map(|s| s.to_string()).collect(),
        })
        .collect()
}

pub(super) fn split_api_version(api_version: &str) -> (String, String) {
    match api_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api_version.to_string()),
    }
}
