//! `tkedirect doctor`: read the cluster once (or replay facts), run every check, render, exit by severity.
//! Also the glue `check` shares: reading live facts with a progress indicator, loading facts files, output.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::app::output::Ui;
use crate::checks::detect_network;
use crate::cli::doctor::{FailOnArg, OutputFormat, ReportArgs};
use crate::cli::{DoctorArgs, KubeArgs};
use crate::cluster::facts::{ClusterFacts, FACTS_FORMAT};
use crate::cluster::{self, KubeTransport, Progress, ReadPlan, RetryPolicy};
use crate::exit::Exit;
use crate::render;
use crate::report::{Command, FailOn, Report, Source};

pub fn run(args: DoctorArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let (facts, source) = match &args.facts {
        Some(path) => (load_facts(path)?, Source::Facts),
        None => {
            let scope = args.scope.clone();
            let facts = read_live(&args.kube, ui, move |default_ns| ReadPlan {
                objects: true,
                namespace: if scope.all_namespaces {
                    None
                } else {
                    Some(scope.namespace.unwrap_or(default_ns))
                },
                selector: scope.selector,
            })?;
            (facts, Source::Live)
        }
    };
    if let Some(path) = &args.dump_facts {
        let json = serde_json::to_vec_pretty(&facts).context("could not serialize the facts")?;
        std::fs::write(path, json)
            .with_context(|| format!("could not write facts to {}", path.display()))?;
        ui.detail(format!("wrote the facts to {}", path.display()));
    }
    let network = detect_network(&facts);
    let report = Report::new(
        Command::Doctor,
        source,
        &facts,
        &network,
        fail_on(&args.report),
    );
    emit(&report, &args.report, ui)?;
    Ok(report.exit())
}

pub fn fail_on(r: &ReportArgs) -> FailOn {
    match r.fail_on {
        FailOnArg::Info => FailOn::Info,
        FailOnArg::Warning => FailOn::Warning,
        FailOnArg::Error => FailOn::Error,
        FailOnArg::Never => FailOn::Never,
    }
}

/// Print the report on stdout in the chosen format; for machine formats, the tally on stderr.
pub fn emit(report: &Report, args: &ReportArgs, ui: &Ui) -> anyhow::Result<()> {
    let text = match args.output {
        OutputFormat::Table => render::table::render(report, ui.stdout_color),
        OutputFormat::Json => render::json::render(report),
        OutputFormat::Sarif => render::sarif::render(report),
        OutputFormat::Github => render::github::render(report),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    if args.output != OutputFormat::Table {
        ui.note(format!("{}: {}", report.command.as_str(), report.tally()));
    }
    Ok(())
}

/// Read a facts file written by `doctor --dump-facts`.
pub fn load_facts(path: &Path) -> anyhow::Result<ClusterFacts> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read facts file {}", path.display()))?;
    let facts: ClusterFacts = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a tkedirect facts file", path.display()))?;
    if facts.format != FACTS_FORMAT {
        anyhow::bail!(
            "{} has facts format {}, this tkedirect reads format {FACTS_FORMAT}",
            path.display(),
            facts.format
        );
    }
    Ok(facts)
}

/// Read the cluster through the kubeconfig flags. `plan` gets the context's default namespace.
pub fn read_live(
    kube: &KubeArgs,
    ui: &Ui,
    plan: impl FnOnce(String) -> ReadPlan,
) -> anyhow::Result<ClusterFacts> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    rt.block_on(async {
        let config = cluster::client::config(kube)
            .await
            .context("could not configure the Kubernetes client")?;
        let plan = plan(config.default_namespace.clone());
        ui.debug(format!("reading {} ({plan:?})", config.cluster_url));
        let client =
            kube::Client::try_from(config).context("could not create the Kubernetes client")?;
        let transport = KubeTransport::new(client, RetryPolicy::default());
        let progress = Arc::new(Progress::default());
        let ticker =
            (ui.stderr_tty && !ui.quiet).then(|| tokio::spawn(show_progress(progress.clone())));
        let result = cluster::read::read_facts(&transport, &plan, &progress).await;
        if let Some(t) = ticker {
            t.abort();
            eprint!("\r\x1b[K");
        }
        let facts = result.context("could not read the cluster")?;
        ui.detail(format!(
            "read {} objects in {} pages with {} API requests",
            progress.objects.load(std::sync::atomic::Ordering::Relaxed),
            progress.pages.load(std::sync::atomic::Ordering::Relaxed),
            transport.requests()
        ));
        Ok(facts)
    })
}

/// A one-line progress indicator on stderr (only started when stderr is a terminal).
async fn show_progress(p: Arc<Progress>) {
    use std::sync::atomic::Ordering::Relaxed;
    let mut tick = tokio::time::interval(Duration::from_millis(150));
    loop {
        tick.tick().await;
        eprint!(
            "\r\x1b[Kreading cluster: {} objects, {} pages",
            p.objects.load(Relaxed),
            p.pages.load(Relaxed)
        );
    }
}
