//! Why a sync could not run. A sync that ran and found (or made) changes is a [`super::SyncOutcome`],
//! never an error.

use super::resolve::LbError;
use crate::cloud::CloudError;
use crate::cluster::ApiError;
use crate::model::Kind;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("sync works on Services and Ingresses (svc/NAME, ing/NAME), not {0}")]
    Kind(Kind),
    #[error("{0} has no ports to sync")]
    NoPorts(String),
    #[error(
        "reading {what}: permission denied (the kubeconfig user needs get/list on it): {message}"
    )]
    Forbidden { what: String, message: String },
    #[error("reading {what}")]
    Cluster {
        what: String,
        #[source]
        source: ApiError,
    },
    #[error(transparent)]
    Lb(#[from] LbError),
    #[error("CLB {lb} not found (DescribeLoadBalancers, region {region})")]
    LbNotFound { lb: String, region: String },
    #[error(
        "CLB {0} is a classic CLB: BatchRegisterTargets and pod (ENI) targets need a CLB (Forward = 1)"
    )]
    ClassicLb(String),
    #[error(
        "CLB {lb} is in {lb_vpc} but the cluster is in {cluster_vpc} (kube-system/tke-config TKE_VPC_ID): pods cannot be bound across VPCs this way"
    )]
    VpcMismatch {
        lb: String,
        lb_vpc: String,
        cluster_vpc: String,
    },
    #[error("no listener of CLB {lb} serves {target}; {hint}")]
    NothingToSync {
        lb: String,
        target: String,
        hint: String,
    },
    #[error("asking for confirmation")]
    Prompt(#[source] std::io::Error),
    #[error(transparent)]
    Cloud(#[from] CloudError),
}

impl SyncError {
    /// A failed cluster read: a refusal (403) says which permission is missing.
    pub fn cluster(what: impl Into<String>, source: ApiError) -> SyncError {
        let what = what.into();
        if source.code() == Some(403) {
            SyncError::Forbidden {
                what,
                message: source.message().to_string(),
            }
        } else {
            SyncError::Cluster { what, source }
        }
    }
}
