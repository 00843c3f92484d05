//! Objects with a pod template: Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
//! Job and CronJob (whose template is under `spec.jobTemplate.spec.template`).

use serde::{Deserialize, Serialize};

use super::de;
use super::kind::Kind;
use super::meta::ObjectMeta;
use super::pod::PodTemplate;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Workload {
    /// The `kind:` field (LIST items carry none; the reader sets it).
    #[serde(deserialize_with = "de::string")]
    pub kind: String,
    #[serde(
        deserialize_with = "de::string",
        skip_serializing_if = "String::is_empty"
    )]
    pub api_version: String,
    pub metadata: ObjectMeta,
    pub spec: WorkloadSpec,
    #[serde(skip_serializing_if = "WorkloadStatus::is_empty")]
    pub status: WorkloadStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadSpec {
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub replicas: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplate>,
    /// CronJob.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_template: Option<JobTemplate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobTemplate {
    pub spec: JobSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JobSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplate>,
}

/// The status fields that say whether a rollout is under way.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkloadStatus {
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub observed_generation: Option<i64>,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_replicas: Option<i64>,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub desired_number_scheduled: Option<i64>,
    #[serde(
        deserialize_with = "de::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_number_scheduled: Option<i64>,
}

impl WorkloadStatus {
    pub fn is_empty(&self) -> bool {
        *self == WorkloadStatus::default()
    }
}

impl Workload {
    pub fn kind(&self) -> Option<Kind> {
        Kind::from_kind_field(&self.kind)
    }

    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The pod template, wherever the kind keeps it.
    pub fn template(&self) -> Option<&PodTemplate> {
        match self.kind() {
            Some(Kind::CronJob) => self.spec.job_template.as_ref()?.spec.template.as_ref(),
            _ => self.spec.template.as_ref(),
        }
    }

    /// Images of the template's containers.
    pub fn images(&self) -> Vec<&str> {
        self.template()
            .map(|t| t.spec.containers.iter().map(|c| c.image.as_str()).collect())
            .unwrap_or_default()
    }
}
