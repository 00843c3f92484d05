//! `tkedirect check`: the prerequisites, live, from a facts file, or offline from flags.

use anyhow::Context;

use crate::app::doctor::{emit, fail_on, load_facts, read_live};
use crate::app::output::Ui;
use crate::checks::detect::{GLOBAL_ROUTE_DIRECT_ACCESS, SERVICE_CONTROLLER_CONFIG};
use crate::checks::detect_network;
use crate::checks::version::KubeVersion;
use crate::cli::CheckArgs;
use crate::cli::doctor::NetworkModeFlag;
use crate::cluster::ReadPlan;
use crate::cluster::facts::{ClusterFacts, FACTS_FORMAT, ServerVersion};
use crate::exit::Exit;
use crate::model::network::{NetworkDetection, NetworkMode};
use crate::report::{Command, Report, Source};

pub fn run(args: CheckArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let (facts, network, source) =
        if let (Some(version), Some(mode)) = (&args.kube_version, args.network_mode) {
            let (facts, network) = offline(version, mode, args.global_route_direct_access)?;
            (facts, network, Source::Offline)
        } else {
            let (mut facts, source) = match &args.facts {
                Some(path) => (load_facts(path)?, Source::Facts),
                None => (
                    read_live(&args.kube, ui, |_| ReadPlan::default())?,
                    Source::Live,
                ),
            };
            // `check` is the prerequisites only, even when the facts hold objects.
            facts.scope.objects = false;
            let network = detect_network(&facts);
            (facts, network, source)
        };
    let report = Report::new(
        Command::Check,
        source,
        &facts,
        &network,
        fail_on(&args.report),
    );
    emit(&report, &args.report, ui)?;
    Ok(report.exit())
}

/// Facts and network for `--kube-version … --network-mode …`.
fn offline(
    version: &str,
    mode: NetworkModeFlag,
    gr_direct: bool,
) -> anyhow::Result<(ClusterFacts, NetworkDetection)> {
    KubeVersion::parse(version).with_context(|| {
        format!("invalid --kube-version `{version}`: expected a version like v1.20.6-tke.12")
    })?;
    let mode = match mode {
        NetworkModeFlag::GlobalRouter => NetworkMode::GlobalRouter,
        NetworkModeFlag::VpcCni => NetworkMode::VpcCni,
        NetworkModeFlag::Mixed => NetworkMode::Mixed,
        NetworkModeFlag::SuperNode => NetworkMode::SuperNode,
        NetworkModeFlag::CiliumOverlay => NetworkMode::CiliumOverlay,
    };
    let mut facts = ClusterFacts {
        format: FACTS_FORMAT,
        version: Some(ServerVersion {
            git_version: version.to_string(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut cm = std::collections::BTreeMap::new();
    if gr_direct {
        cm.insert(GLOBAL_ROUTE_DIRECT_ACCESS.to_string(), "true".to_string());
    }
    facts
        .kube_system
        .configmaps
        .insert(SERVICE_CONTROLLER_CONFIG.to_string(), cm);
    let network = NetworkDetection::given(mode, mode.has_global_router().then_some(gr_direct));
    Ok((facts, network))
}
