//! `tkedirect check`: the prerequisites, live, from a facts file, or offline from flags.

use anyhow::Context;

use crate::app::doctor::{emit, load_facts, read_live};
use crate::app::output::Ui;
use crate::checks::{self, detect_network};
use crate::cli::CheckArgs;
use crate::cluster::ReadPlan;
use crate::exit::Exit;
use crate::model::consts::{GLOBAL_ROUTE_DIRECT_ACCESS, SERVICE_CONTROLLER_CONFIG};
use crate::model::facts::FACTS_FORMAT;
use crate::model::{ClusterFacts, KubeVersion, NetworkDetection, NetworkMode, ServerVersion};
use crate::report::{AuditCommand, FactsSource};

pub fn run(args: CheckArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let (facts, network, source) =
        if let (Some(version), Some(mode)) = (&args.kube_version, args.network_mode) {
            let (facts, network) = offline(version, mode, args.global_route_direct_access)?;
            (facts, network, FactsSource::Offline)
        } else {
            let (mut facts, source) = match &args.facts {
                Some(path) => (load_facts(path)?, FactsSource::Facts),
                None => (
                    read_live(&args.kube, ui, |_| ReadPlan::default())?,
                    FactsSource::Live,
                ),
            };
            // `check` is the prerequisites only, even when the facts hold objects.
            facts.scope.objects = false;
            let network = detect_network(&facts);
            (facts, network, source)
        };
    let audit = checks::audit(
        AuditCommand::Check,
        source,
        &facts,
        &network,
        checks::Timing {
            now: facts.observed_at,
            grace: args.report.grace.0.unwrap_or_default(),
        },
        args.report.fail_on,
    );
    emit(&audit, &args.report, ui)?;
    Ok(audit.exit())
}

/// Facts and network for `--kube-version … --network-mode …`.
fn offline(
    version: &str,
    mode: NetworkMode,
    gr_direct: bool,
) -> anyhow::Result<(ClusterFacts, NetworkDetection)> {
    KubeVersion::parse(version).with_context(|| {
        format!("invalid --kube-version `{version}`: expected a version like v1.20.6-tke.12")
    })?;
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
