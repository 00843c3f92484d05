//! The Kubernetes kinds tkedirect knows, their kubectl spellings, and what role they play.

use std::fmt;

/// A kind tkedirect acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Service,
    Ingress,
    Deployment,
    StatefulSet,
    DaemonSet,
    ReplicaSet,
    ReplicationController,
    Job,
    CronJob,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Service,
        Kind::Ingress,
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::ReplicaSet,
        Kind::ReplicationController,
        Kind::Job,
        Kind::CronJob,
    ];

    /// The `kind:` field value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "Service",
            Kind::Ingress => "Ingress",
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::ReplicationController => "ReplicationController",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
        }
    }

    /// kubectl's short name, used when printing refs like `svc/nginx`.
    pub const fn short(self) -> &'static str {
        match self {
            Kind::Service => "svc",
            Kind::Ingress => "ing",
            Kind::Deployment => "deploy",
            Kind::StatefulSet => "sts",
            Kind::DaemonSet => "ds",
            Kind::ReplicaSet => "rs",
            Kind::ReplicationController => "rc",
            Kind::Job => "job",
            Kind::CronJob => "cj",
        }
    }

    /// Every spelling kubectl accepts for the kind (singular, plural, short), lower case.
    pub const fn spellings(self) -> &'static [&'static str] {
        match self {
            Kind::Service => &["svc", "service", "services"],
            Kind::Ingress => &["ing", "ingress", "ingresses"],
            Kind::Deployment => &["deploy", "deployment", "deployments"],
            Kind::StatefulSet => &["sts", "statefulset", "statefulsets"],
            Kind::DaemonSet => &["ds", "daemonset", "daemonsets"],
            Kind::ReplicaSet => &["rs", "replicaset", "replicasets"],
            Kind::ReplicationController => {
                &["rc", "replicationcontroller", "replicationcontrollers"]
            }
            Kind::Job => &["job", "jobs"],
            Kind::CronJob => &["cj", "cronjob", "cronjobs"],
        }
    }

    /// Parse a kubectl spelling (`svc`, `Service`, `deployments.apps`…).
    pub fn from_spelling(s: &str) -> Option<Kind> {
        let lower = s.to_ascii_lowercase();
        // kubectl accepts `deployments.apps`, `ingresses.networking.k8s.io`.
        let base = lower.split('.').next().unwrap_or("");
        Kind::ALL
            .into_iter()
            .find(|k| k.spellings().contains(&base))
    }

    /// Parse the `kind:` field of a manifest (exact, case-sensitive like the API server).
    pub fn from_kind_field(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Kinds that carry a pod template.
    pub const fn is_workload(self) -> bool {
        !matches!(self, Kind::Service | Kind::Ingress)
    }

    /// Path from the object root to the pod template (`spec.template`, or through the CronJob's job template).
    pub const fn pod_template_path(self) -> &'static [&'static str] {
        match self {
            Kind::CronJob => &["spec", "jobTemplate", "spec", "template"],
            Kind::Service | Kind::Ingress => &[],
            _ => &["spec", "template"],
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
