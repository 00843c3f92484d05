//! `tkedirect doctor`: read the cluster once (or replay facts), run every check, render, exit by severity.
//! Also the glue `check` shares: reading live facts with a progress indicator, loading facts files, output.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::app::output::Ui;
use crate::checks::{self, detect_network, profile};
use crate::cli::doctor::ReportArgs;
use crate::cli::{DoctorArgs, KubeArgs};
use crate::cluster::{self, KubeCluster, Progress, ReadPlan};
use crate::exit::Exit;
use crate::model::ClusterFacts;
use crate::model::facts::FACTS_FORMAT;
use crate::render;
use crate::report::{Audit, AuditCommand, FactsSource, Format};
use crate::source::{files, objects};

pub fn run(args: DoctorArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if !args.files.is_empty() {
        return run_manifests(args, ui);
    }
    if args.profile.given().is_some() {
        anyhow::bail!(
            "--network-mode and --kube-version describe the cluster that manifests given with -f are judged against; to audit a live cluster, drop them (or use `tkedirect check` for an offline prerequisite check)"
        );
    }
    let (facts, source) = match &args.facts {
        Some(path) => (load_facts(path)?, FactsSource::Facts),
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
            (facts, FactsSource::Live)
        }
    };
    if let Some(path) = &args.dump_facts {
        let json = serde_json::to_vec_pretty(&facts).context("could not serialize the facts")?;
        std::fs::write(path, json)
            .with_context(|| format!("could not write facts to {}", path.display()))?;
        ui.detail(format!("wrote the facts to {}", path.display()));
    }
    let network = detect_network(&facts);
    report(
        AuditCommand::Doctor,
        source,
        &facts,
        &network,
        &args.report,
        ui,
    )
}

/// Audit facts read from a cluster (or replayed), print the audit, and give the exit code.
pub fn report(
    command: AuditCommand,
    source: FactsSource,
    facts: &ClusterFacts,
    network: &crate::model::NetworkDetection,
    args: &ReportArgs,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let options = checks::RunOptions {
        timing: checks::Timing {
            now: facts.observed_at,
            grace: args.grace.0.unwrap_or_default(),
        },
        manifests: false,
    };
    let audit = checks::audit(command, source, facts, network, options, args.fail_on);
    emit(&audit, args, ui)?;
    Ok(audit.exit())
}

/// `doctor -f`: the objects of the manifests, judged against a cluster profile.
fn run_manifests(args: DoctorArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if args.scope.selector.is_some() || args.dump_facts.is_some() {
        anyhow::bail!(
            "-l and --dump-facts work on live clusters; with -f, every object of the files is audited"
        );
    }
    let (inputs, notes) = match files::discover(&args.files, args.recursive) {
        Ok(found) => found,
        Err(errors) => {
            for e in errors {
                ui.error(e.to_string());
            }
            return Ok(Exit::Error);
        }
    };
    for n in notes {
        ui.warn(n);
    }
    let mut texts = Vec::with_capacity(inputs.len());
    for i in &inputs {
        match files::read(i) {
            Ok(t) => texts.push(t),
            Err(e) => {
                ui.error(e.to_string());
                return Ok(Exit::Error);
            }
        }
    }
    let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let objects = match objects::read(&refs) {
        Ok(o) => o,
        Err(errors) => {
            for e in errors {
                ui.error(format!(
                    "{}:{}:{}: {}",
                    names[e.source], e.line, e.column, e.message
                ));
            }
            return Ok(Exit::Error);
        }
    };
    // The cluster profile: a facts file, flags, or the live cluster's prerequisites.
    let (profile, network) = if let Some(path) = &args.facts {
        let facts = load_facts(path)?;
        let network = detect_network(&facts);
        (facts, network)
    } else if let Some(given) = args.profile.given() {
        profile::given(&given)?
    } else {
        let facts = read_live(&args.kube, ui, |_| ReadPlan::default()).context(
            "no cluster profile: pass --facts FILE (written by `tkedirect doctor --dump-facts`) or --network-mode (with --kube-version for the version checks), or a kubeconfig that reaches the cluster",
        )?;
        let network = detect_network(&facts);
        (facts, network)
    };
    let namespace = args.scope.namespace.clone();
    let audited = checks::manifests::facts(
        &profile,
        &objects,
        namespace.as_deref().unwrap_or("default"),
        namespace.is_some(),
    );
    let mut audit = checks::audit(
        AuditCommand::Doctor,
        FactsSource::Manifests,
        &audited.facts,
        &network,
        checks::RunOptions {
            timing: checks::Timing {
                now: None,
                grace: args.report.grace.0.unwrap_or_default(),
            },
            manifests: true,
        },
        args.report.fail_on,
    );
    checks::manifests::locate(&mut audit.findings, &audited, &objects, &names);
    for s in &mut audit.suppressed {
        checks::manifests::locate(
            std::slice::from_mut(&mut s.finding),
            &audited,
            &objects,
            &names,
        );
    }
    ui.detail(format!(
        "audited {} objects of {} in {} input{}",
        audited.subjects.len(),
        objects.len(),
        inputs.len(),
        if inputs.len() == 1 { "" } else { "s" }
    ));
    emit(&audit, &args.report, ui)?;
    Ok(audit.exit())
}

/// Print the audit on stdout in the chosen format; for machine formats, the tally on stderr.
pub fn emit(audit: &Audit, args: &ReportArgs, ui: &Ui) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.output {
        Format::Table => render::table::audit(&mut out, audit, &ui.style())?,
        Format::Json => render::json::audit(&mut out, audit)?,
        Format::Sarif => render::sarif::audit(&mut out, audit)?,
        Format::Github => render::github::audit(&mut out, audit)?,
    }
    out.flush()?;
    if args.output != Format::Table {
        ui.note(format!("{}: {}", audit.command.as_str(), audit.tally()));
    }
    Ok(())
}

/// Read a facts file written by `doctor --dump-facts`.
pub fn load_facts(path: &Path) -> anyhow::Result<ClusterFacts> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read facts file {}", path.display()))?;
    #[derive(serde::Deserialize)]
    struct Format {
        #[serde(default)]
        format: u32,
    }
    let format = serde_json::from_str::<Format>(&text)
        .with_context(|| format!("{} is not a tkedirect facts file", path.display()))?
        .format;
    if format != FACTS_FORMAT {
        anyhow::bail!(
            "{} has facts format {format}; this tkedirect reads format {FACTS_FORMAT}: write it again with `tkedirect doctor --dump-facts`",
            path.display(),
        );
    }
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a tkedirect facts file", path.display()))
}

/// Read the cluster through the kubeconfig flags. `plan` gets the context's default namespace.
pub fn read_live(
    kube: &KubeArgs,
    ui: &Ui,
    plan: impl FnOnce(String) -> ReadPlan,
) -> anyhow::Result<ClusterFacts> {
    let rt = cluster::runtime().context("could not start the async runtime")?;
    rt.block_on(async {
        let cluster = KubeCluster::connect(&kube.options())
            .await
            .context("could not configure the Kubernetes client")?;
        let plan = plan(cluster.default_namespace.clone());
        ui.debug(format!("reading {} ({plan:?})", cluster.server));
        let progress = Arc::new(Progress::default());
        let ticker =
            (ui.stderr_tty && !ui.quiet).then(|| tokio::spawn(show_progress(progress.clone())));
        let result = cluster::read_facts(&cluster, &plan, &progress).await;
        if let Some(t) = ticker {
            t.abort();
            eprint!("\r\x1b[K");
        }
        let server = cluster.server.clone();
        let facts = result.map_err(|e| {
            let hint = match e.error.code() {
                Some(401) => ": the API server refused the credentials (401); check the kubeconfig user's token, certificate or exec plugin",
                _ => "",
            };
            anyhow::Error::new(e).context(format!("could not read the cluster at {server}{hint}"))
        })?;
        ui.detail(format!(
            "read {} objects in {} pages with {} API requests",
            progress.objects.load(std::sync::atomic::Ordering::Relaxed),
            progress.pages.load(std::sync::atomic::Ordering::Relaxed),
            cluster.requests()
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
