//! The cluster a run is judged against when it is not read live: a facts file (`--facts`), or flags
//! (`--kube-version`, `--network-mode`, `--global-route-direct-access`, `--eni-webhook`).

use std::collections::BTreeMap;

use crate::model::consts::{GLOBAL_ROUTE_DIRECT_ACCESS, SERVICE_CONTROLLER_CONFIG};
use crate::model::facts::FACTS_FORMAT;
use crate::model::{ClusterFacts, KubeVersion, NetworkDetection, NetworkMode, ServerVersion};

/// A cluster described on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// `v1.28.3-tke.1`; None: not given, and the version checks do not run.
    pub kube_version: Option<String>,
    pub network_mode: NetworkMode,
    /// `GlobalRouteDirectAccess: "true"` in tke-service-controller-config.
    pub global_route_direct_access: bool,
    /// Whether TKE's ENI webhook runs (None: it may, as in managed clusters).
    pub eni_webhook: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --kube-version `{0}`: expected a version like v1.20.6-tke.12")]
pub struct BadVersion(pub String);

/// Facts and network detection for a cluster given on the command line.
pub fn given(g: &Given) -> Result<(ClusterFacts, NetworkDetection), BadVersion> {
    if let Some(v) = &g.kube_version {
        KubeVersion::parse(v).ok_or_else(|| BadVersion(v.clone()))?;
    }
    let mut facts = ClusterFacts {
        format: FACTS_FORMAT,
        version: g.kube_version.as_ref().map(|v| ServerVersion {
            git_version: v.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut cm = BTreeMap::new();
    if g.global_route_direct_access {
        cm.insert(GLOBAL_ROUTE_DIRECT_ACCESS.to_string(), "true".to_string());
    }
    facts
        .kube_system
        .configmaps
        .insert(SERVICE_CONTROLLER_CONFIG.to_string(), cm);
    let mode = g.network_mode;
    let mut network = NetworkDetection::given(
        mode,
        mode.has_global_router()
            .then_some(g.global_route_direct_access),
    );
    network.eni_webhook = g.eni_webhook;
    Ok((facts, network))
}
