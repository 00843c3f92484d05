//! `tkedirect check`: the prerequisites, live, from a facts file, or offline from flags.

use crate::app::doctor::{load_facts, read_live, report};
use crate::app::output::Ui;
use crate::checks::{detect_network, profile};
use crate::cli::CheckArgs;
use crate::cluster::ReadPlan;
use crate::exit::Exit;
use crate::report::{AuditCommand, FactsSource};

pub fn run(args: CheckArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let (facts, network, source) = if let Some(given) = args.profile.given() {
        let (facts, network) = profile::given(&given)?;
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
    report(
        AuditCommand::Check,
        source,
        &facts,
        &network,
        &args.report,
        ui,
    )
}
