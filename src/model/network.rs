//! The cluster's container network mode as tkedirect detected it, with the evidence that decided it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How pods get their IPs (domain notes §3.1). The one network-mode type: detection, flags
/// (`--network-mode`), patching and JSON all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum NetworkMode {
    /// GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess.
    #[value(name = "global-router")]
    GlobalRouter,
    /// VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change.
    #[value(name = "vpc-cni")]
    VpcCni,
    /// GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload.
    Mixed,
    /// Only super nodes (serverless pods): direct by default.
    #[value(name = "super-node")]
    SuperNode,
    /// Cilium-Overlay: direct access is not supported.
    #[value(name = "cilium-overlay")]
    CiliumOverlay,
    /// Could not tell (the evidence says what was missing).
    #[value(skip)]
    Unknown,
}

impl NetworkMode {
    pub const ALL: [NetworkMode; 6] = [
        NetworkMode::GlobalRouter,
        NetworkMode::VpcCni,
        NetworkMode::Mixed,
        NetworkMode::SuperNode,
        NetworkMode::CiliumOverlay,
        NetworkMode::Unknown,
    ];

    /// The kebab-case name used in flags and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            NetworkMode::GlobalRouter => "global-router",
            NetworkMode::VpcCni => "vpc-cni",
            NetworkMode::Mixed => "mixed",
            NetworkMode::SuperNode => "super-node",
            NetworkMode::CiliumOverlay => "cilium-overlay",
            NetworkMode::Unknown => "unknown",
        }
    }

    /// A human name.
    pub const fn title(self) -> &'static str {
        match self {
            NetworkMode::GlobalRouter => "GlobalRouter",
            NetworkMode::VpcCni => "VPC-CNI",
            NetworkMode::Mixed => "GlobalRouter + VPC-CNI (mixed)",
            NetworkMode::SuperNode => "super nodes only (serverless)",
            NetworkMode::CiliumOverlay => "Cilium-Overlay",
            NetworkMode::Unknown => "unknown",
        }
    }

    /// Whether pods that are not opted in get GlobalRouter IPs (so GR rules apply to them).
    pub const fn has_global_router(self) -> bool {
        matches!(self, NetworkMode::GlobalRouter | NetworkMode::Mixed)
    }
}

impl fmt::Display for NetworkMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ENI flavour: what VPC-CNI gives pods by default, and what `--eni` opts pod templates into.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum EniFlavor {
    /// `tke-route-eni`: secondary IPs of shared ENIs (resource `tke.cloud.tencent.com/eni-ip`).
    Shared,
    /// `tke-direct-eni`: one ENI per pod (resource `tke.cloud.tencent.com/direct-eni`).
    Exclusive,
}

impl EniFlavor {
    pub const ALL: [EniFlavor; 2] = [EniFlavor::Shared, EniFlavor::Exclusive];

    /// `shared` / `exclusive`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EniFlavor::Shared => "shared",
            EniFlavor::Exclusive => "exclusive",
        }
    }

    /// The pod network that asks for it (`tke-route-eni`, `tke-direct-eni`).
    pub const fn network_name(self) -> &'static str {
        match self {
            EniFlavor::Shared => crate::model::consts::NETWORK_SHARED_ENI,
            EniFlavor::Exclusive => crate::model::consts::NETWORK_EXCLUSIVE_ENI,
        }
    }

    /// The extended resource a container requests for it (`eni-ip`, `direct-eni`).
    pub const fn resource(self) -> &'static str {
        match self {
            EniFlavor::Shared => crate::model::consts::RESOURCE_ENI_IP,
            EniFlavor::Exclusive => crate::model::consts::RESOURCE_DIRECT_ENI,
        }
    }
}

/// The detected mode plus what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkDetection {
    pub mode: NetworkMode,
    /// VPC-CNI's default for pods without a network annotation, when readable.
    pub default_eni: Option<EniFlavor>,
    /// Number of super nodes (`node.kubernetes.io/instance-type: eklet`).
    pub super_nodes: usize,
    /// `GlobalRouteDirectAccess` from kube-system/tke-service-controller-config (None: not set or unreadable).
    pub global_route_direct_access: Option<bool>,
    /// TKE's ENI webhook (add-pod-eni-ip-limit-webhook): `Some(true)` seen, `Some(false)` known absent (given
    /// on the command line), None not seen — which in a managed cluster does not prove it absent.
    #[serde(default)]
    pub eni_webhook: Option<bool>,
    /// One line per signal that was read (or missing), in the order they were weighed.
    pub evidence: Vec<String>,
}

impl NetworkDetection {
    /// Whether TKE's ENI webhook may give new pods the ENI resource (VPC-CNI present and not known absent).
    pub fn eni_webhook_may_run(&self) -> bool {
        matches!(self.mode, NetworkMode::VpcCni | NetworkMode::Mixed)
            && self.eni_webhook != Some(false)
    }
}

impl NetworkDetection {
    /// A mode given on the command line (offline `check`), with that as the only evidence.
    pub fn given(mode: NetworkMode, global_route_direct_access: Option<bool>) -> Self {
        NetworkDetection {
            mode,
            default_eni: (mode == NetworkMode::VpcCni).then_some(EniFlavor::Shared),
            super_nodes: usize::from(mode == NetworkMode::SuperNode),
            global_route_direct_access,
            eni_webhook: None,
            evidence: vec![format!("given on the command line: --network-mode {mode}")],
        }
    }
}
