//! `tkedirect sync`: parse, wire the real adapters (the cluster, the CLB, the prompt), call
//! [`crate::sync::run`], render its outcome, map it to an exit code. The policy is in the library.

use std::io::Write;

use anyhow::{Context, bail};

use crate::app::confirm::Terminal;
use crate::app::output::Ui;
use crate::cli::sync::SyncArgs;
use crate::cloud::credentials::{self, Provider};
use crate::cloud::endpoint::Endpoint;
use crate::cloud::tencent::{LogLevel, TencentClb};
use crate::cluster::{self, KubeCluster};
use crate::exit::Exit;
use crate::model::Kind;
use crate::render;
use crate::report::{Format, envelope};
use crate::sync::plan::{PlanOptions, QuotaSource, TargetQuota};
use crate::sync::{
    self, MemoryLedger, PendingTask, SyncEvent, SyncOutcome, SyncRequest, SyncStatus, SyncTarget,
    TaskLedger, Timing,
};

pub fn run(args: SyncArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if !matches!(args.target.kind, Kind::Service | Kind::Ingress) {
        bail!(
            "sync works on Services and Ingresses (svc/NAME, ing/NAME), not {}",
            args.target
        );
    }
    let runtime = cluster::runtime().context("starting the runtime")?;
    runtime.block_on(run_async(args, ui))
}

/// The CLB tasks a sync started and has not seen end, kept between runs in
/// `$XDG_STATE_HOME/tkedirect/clb-tasks.json` (else `~/.local/state/tkedirect/clb-tasks.json`), so that a
/// rerun waits for them instead of sending the same batch again. Without a home, only in memory.
struct FileLedger {
    path: Option<std::path::PathBuf>,
    memory: MemoryLedger,
    /// The last error writing the file.
    error: Option<String>,
}

/// Tasks older than this are forgotten: the CLB has long ended them.
const LEDGER_MAX_AGE_SECS: i64 = 24 * 3600;

impl FileLedger {
    fn open(ui: &Ui) -> FileLedger {
        let dir = std::env::var_os("XDG_STATE_HOME")
            .filter(|d| !d.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| std::path::PathBuf::from(h).join(".local/state"))
            });
        let path = dir.map(|d| d.join("tkedirect").join("clb-tasks.json"));
        let now = jiff::Timestamp::now().as_second();
        let tasks: Vec<PendingTask> = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| match serde_json::from_slice(&bytes) {
                Ok(t) => Some(t),
                Err(e) => {
                    ui.detail(format!("ignoring an unreadable task ledger: {e}"));
                    None
                }
            })
            .unwrap_or_default();
        FileLedger {
            path,
            memory: MemoryLedger {
                tasks: tasks
                    .into_iter()
                    .filter(|t| now - t.started < LEDGER_MAX_AGE_SECS)
                    .collect(),
            },
            error: None,
        }
    }

    fn shown(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "memory".into(), |p| p.display().to_string())
    }

    fn save(&mut self) {
        let Some(path) = &self.path else {
            return;
        };
        let write = || -> std::io::Result<()> {
            let dir = path.parent().unwrap_or(std::path::Path::new("."));
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::Builder::new()
                .prefix(".clb-tasks-")
                .tempfile_in(dir)?;
            serde_json::to_writer_pretty(&mut tmp, &self.memory.tasks)?;
            tmp.persist(path).map_err(|e| e.error)?;
            Ok(())
        };
        self.error = write().err().map(|e| e.to_string());
    }
}

impl TaskLedger for FileLedger {
    fn pending(&self, region: &str, load_balancer_id: &str) -> Vec<PendingTask> {
        self.memory.pending(region, load_balancer_id)
    }

    fn record(&mut self, task: PendingTask) {
        self.memory.record(task);
        self.save();
    }

    fn forget(&mut self, task_id: &str) {
        if self.memory.tasks.iter().any(|t| t.task_id == task_id) {
            self.memory.forget(task_id);
            self.save();
        }
    }
}

/// Where the CLB API is: `--endpoint` (or `TKEDIRECT_CLB_ENDPOINT`), else the public default.
fn clb_endpoint(args: &SyncArgs) -> anyhow::Result<Endpoint> {
    Ok(
        match args
            .endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(e) => Endpoint::parse(e)?,
            None => Endpoint::default(),
        },
    )
}

/// The network settings (proxies, extra CAs) and the Tencent Cloud credentials, resolved once along the
/// SDKs' chain (`--credentials-source` pins one source).
async fn cloud_credentials(
    args: &SyncArgs,
    ui: &Ui,
) -> anyhow::Result<(crate::cloud::net::Net, Provider)> {
    let env = |name: &str| std::env::var(name).ok();
    let net = crate::cloud::net::Net::from_env(&env)?;
    let creds = credentials::provider(args.credentials_source.parse()?, &env, &net).await?;
    ui.detail(format!("credentials: {}", creds.describe()));
    Ok((net, creds))
}

fn stdout_flush(
    f: impl FnOnce(&mut std::io::StdoutLock<'_>) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    f(&mut out)?;
    out.flush()?;
    Ok(())
}

async fn run_async(args: SyncArgs, ui: &Ui) -> anyhow::Result<Exit> {
    // Local settings first: a bad endpoint or missing credentials should not wait for the cluster.
    let endpoint = clb_endpoint(&args)?;
    let (net, creds) = cloud_credentials(&args, ui).await?;

    let cluster = KubeCluster::connect(&args.kube.options())
        .await
        .context("connecting to the cluster")?;
    let target = SyncTarget {
        kind: args.target.kind,
        namespace: args
            .namespace
            .clone()
            .unwrap_or_else(|| cluster.default_namespace.clone()),
        name: args.target.name.clone(),
    };

    let env_region = std::env::var("TENCENTCLOUD_REGION").ok();
    let tke_region = match sync::region(args.region.as_deref(), env_region.as_deref(), None) {
        Some(_) => None,
        None => sync::tke_config(&cluster).await?.0,
    };
    let Some((region, region_source)) = sync::region(
        args.region.as_deref(),
        env_region.as_deref(),
        tke_region.as_deref(),
    ) else {
        bail!(
            "no Tencent Cloud region: pass --region (for example ap-guangzhou) or set TENCENTCLOUD_REGION"
        );
    };
    ui.detail(format!(
        "region {region} (from {region_source}); CLB API {endpoint}"
    ));

    let log_ui = ui.clone();
    let logger = Box::new(move |level: LogLevel, line: &str| match level {
        LogLevel::Detail => log_ui.detail(line),
        LogLevel::Debug => log_ui.debug(line),
    });
    let clb = TencentClb::new(endpoint, region.clone(), creds, &net, logger)?;

    let request = SyncRequest {
        target,
        region,
        lb: args.lb.clone(),
        options: PlanOptions {
            weight: args.weight,
            force: args.force,
            prune_non_eni: args.prune_non_eni,
            quota: TargetQuota {
                limit: usize::try_from(args.max_targets).unwrap_or(usize::MAX),
                source: QuotaSource::Flag,
            },
        },
        apply: args.apply,
        ask: ui.stdin_tty && !args.yes,
        timing: Timing {
            task_wait: args.wait,
            ..Timing::default()
        },
    };
    let json = args.output == Format::Json;
    let style = ui.style();
    let mut printed: std::io::Result<()> = Ok(());
    let mut on_event = |event: SyncEvent<'_>| match event {
        SyncEvent::Plan(o) => {
            for w in &o.warnings {
                ui.warn(w);
            }
            if !json && printed.is_ok() {
                printed = std::io::stdout()
                    .lock()
                    .write_all(&plan_text(o, &style))
                    .and_then(|()| std::io::stdout().flush());
            }
        }
        SyncEvent::PlanChanged(o) => {
            ui.warn(
                "the endpoints or targets changed between the plan and the first write: nothing was written; \
                 the new plan follows",
            );
            if !json && printed.is_ok() {
                printed = std::io::stdout()
                    .lock()
                    .write_all(&plan_text(o, &style))
                    .and_then(|()| std::io::stdout().flush());
            }
        }
        SyncEvent::Progress(line) => ui.note(line),
        SyncEvent::Detail(line) => ui.detail(line),
        SyncEvent::Warning(line) => ui.warn(line),
    };
    let mut ledger = FileLedger::open(ui);
    let result = sync::run(
        &cluster,
        &clb,
        &Terminal::new(ui.stdin_tty),
        &mut ledger,
        &request,
        &mut on_event,
    )
    .await;
    report_calls(ui, &clb);
    if let Some(e) = &ledger.error {
        ui.warn(format!(
            "could not remember the CLB's running tasks in {}: {e}",
            ledger.shown()
        ));
    }
    printed?;
    let outcome = result?;
    finish(&outcome, json, &style, ui)
}

fn plan_text(o: &SyncOutcome, style: &render::Style) -> Vec<u8> {
    let mut text = Vec::new();
    let _ = render::sync::plan(&mut text, o, style);
    if o.applying && o.status == SyncStatus::ChangesPending {
        text.push(b'\n');
    }
    text
}

/// Print the result (and, for JSON, the whole outcome), say what happened on stderr, pick the exit code.
fn finish(o: &SyncOutcome, json: bool, style: &render::Style, ui: &Ui) -> anyhow::Result<Exit> {
    if json {
        stdout_flush(|w| envelope::write(w, "sync", &sync::json::payload(o)))?;
    } else {
        stdout_flush(|w| render::sync::result(w, o, style))?;
    }
    if o.declined {
        ui.note("Not applied.");
    }
    if o.applying && o.apply.is_none() && o.status == SyncStatus::InSync {
        ui.note("In sync: nothing to apply.");
    }
    match o.status {
        SyncStatus::Blocked if o.applying => {
            let which: Vec<String> = o
                .plan
                .blocked()
                .map(|b| format!("{} {}", b.info.binding, b.info.label()))
                .collect();
            bail!(
                "refusing to apply: a safety guard trips on {} (see the plan); nothing was changed. Re-run with --force if this is intended",
                which.join(", ")
            );
        }
        SyncStatus::Partial => ui.warn("the plan was applied only in part; see the result above"),
        SyncStatus::PlanChanged => bail!(
            "the plan changed before the first write (pods or targets changed while it was shown): nothing \
             was changed. Review the new plan above and run sync again"
        ),
        SyncStatus::Failed => ui.warn(format!(
            "nothing was changed: {}",
            o.apply
                .as_ref()
                .and_then(|a| a.error.as_deref())
                .unwrap_or("every listener failed")
        )),
        _ => {}
    }
    Ok(o.exit())
}

fn report_calls(ui: &Ui, clb: &TencentClb) {
    let counts = clb.call_counts();
    let text: Vec<String> = counts
        .iter()
        .map(|(action, n)| format!("{action} ×{n}"))
        .collect();
    ui.detail(format!("CLB API requests: {}", text.join(", ")));
}
