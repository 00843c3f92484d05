//! `tkedirect sync`: wire the cluster and the CLB to the planner, print the plan, apply it when asked,
//! verify, and map the result to an exit code.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};

use crate::app::output::Ui;
use crate::cli::sync::SyncArgs;
use crate::cloud::credentials;
use crate::cloud::endpoint::Endpoint;
use crate::cloud::tencent::{LogLevel, TencentClb};
use crate::exit::Exit;
use crate::model::Kind;
use crate::report::Format;
use crate::sync::apply::apply;
use crate::sync::engine::{self, SyncTarget};
use crate::sync::plan::{Plan, PlanOptions, plan};
use crate::sync::report::{self, RunInfo, Status};
use crate::sync::source::KubeSource;
use crate::sync::table;

pub fn run(args: SyncArgs, ui: &Ui) -> anyhow::Result<Exit> {
    if !matches!(args.target.kind, Kind::Service | Kind::Ingress) {
        bail!(
            "sync works on Services and Ingresses (svc/NAME, ing/NAME), not {}",
            args.target
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(run_async(args, ui))
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn print_json(report: &report::v1::Report) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(report).context("encoding the JSON report")?;
    text.push('\n');
    print(&text)
}

/// Ask on stderr, read the answer from stdin.
fn confirm(question: &str) -> anyhow::Result<bool> {
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the answer")?;
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

async fn run_async(args: SyncArgs, ui: &Ui) -> anyhow::Result<Exit> {
    // Local settings first: a bad endpoint or missing credentials should not wait for the cluster.
    let endpoint = match args
        .endpoint
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => Endpoint::parse(e)?,
        None => Endpoint::default(),
    };
    let env = |name: &str| std::env::var(name).ok();
    let net = crate::cloud::net::Net::from_env(&env)?;
    let creds = credentials::provider(args.credentials_source.parse()?, &env, &net).await?;
    ui.detail(format!("credentials: {}", creds.describe()));

    let config = crate::cluster::kube::config(&args.kube.options())
        .await
        .context("connecting to the cluster")?;
    let client = kube::Client::try_from(config).context("connecting to the cluster")?;
    let namespace = args
        .namespace
        .clone()
        .unwrap_or_else(|| client.default_namespace().to_string());
    let target = SyncTarget {
        kind: args.target.kind,
        namespace,
        name: args.target.name.clone(),
    };
    let source = KubeSource::new(client);
    let view = engine::read_cluster(&source, &target).await?;
    ui.detail(format!(
        "endpoints from the {} API; {} Service port route(s)",
        view.endpoints_api,
        view.routes.len()
    ));

    let env_region = std::env::var("TENCENTCLOUD_REGION").ok();
    let Some((region, region_source)) = engine::region(
        args.region.as_deref(),
        env_region.as_deref(),
        view.tke_region.as_deref(),
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

    let clb_view = engine::resolve_clb(&clb, &view, args.lb.as_deref(), &region).await?;
    let mut warnings = view.warnings.clone();
    warnings.extend(clb_view.warnings.iter().cloned());
    if clb_view.lb_source.is_tke_managed() {
        warnings.push(format!(
            "CLB {} comes from {}: TKE's controller keeps reconciling the listeners it manages and may redo its \
             own view of their backends; sync is a one-shot repair, not a replacement for the controller",
            clb_view.lb.load_balancer_id, clb_view.lb_source
        ));
    }
    for w in &warnings {
        ui.warn(w);
    }

    let lb_id = clb_view.lb.load_balancer_id.clone();
    let options = PlanOptions {
        weight: args.weight,
        force: args.force,
        prune_non_eni: args.prune_non_eni,
    };
    let actual = engine::read_actual(&clb, &lb_id, &clb_view.inputs).await?;
    let the_plan = plan(&clb_view.inputs, &actual, &options);
    let info = RunInfo {
        target: &target,
        region: &region,
        lb: &clb_view.lb,
        lb_source: clb_view.lb_source,
        warnings: &warnings,
    };
    let json = args.output == Format::Json;

    let plan_status = report::plan_status(&the_plan);
    let finish_plan_only = |status: Status| -> anyhow::Result<Exit> {
        if json {
            print_json(&report::to_v1(&info, &the_plan, status, None, None))?;
        } else {
            print(&table::render_plan(&info, &the_plan))?;
        }
        Ok(status.exit(args.apply))
    };

    if !args.apply || !the_plan.has_changes() {
        let exit = finish_plan_only(plan_status)?;
        if args.apply {
            ui.note("In sync: nothing to apply.");
        }
        report_calls(ui, &clb);
        return Ok(exit);
    }
    if plan_status == Status::Blocked {
        finish_plan_only(Status::Blocked)?;
        let which: Vec<String> = the_plan
            .blocked()
            .map(|b| format!("{} {}", b.info.binding, b.info.label()))
            .collect();
        bail!(
            "refusing to apply: a safety guard trips on {} (see the plan); nothing was changed. Re-run with --force if this is intended",
            which.join(", ")
        );
    }

    if !json {
        print(&table::render_plan(&info, &the_plan))?;
        print("\n")?;
    }
    if ui.stdin_tty && !args.yes {
        let question = format!(
            "Apply to CLB {lb_id}: register {} and deregister {} target(s)?",
            the_plan.register_count(),
            the_plan.deregister_count()
        );
        if !confirm(&question)? {
            ui.note("Not applied.");
            if json {
                print_json(&report::to_v1(&info, &the_plan, plan_status, None, None))?;
            }
            return Ok(Exit::Changes);
        }
    }

    let progress = |line: &str| ui.note(line);
    let applied = apply(&clb, &lb_id, &the_plan, &progress).await;
    let verified = verify(
        &clb,
        &lb_id,
        &clb_view.inputs,
        &options,
        applied.clean(),
        ui,
    )
    .await;
    let status = report::apply_status(&applied, verified.as_ref());
    if json {
        print_json(&report::to_v1(
            &info,
            &the_plan,
            status,
            Some(&applied),
            verified.as_ref(),
        ))?;
    } else {
        print(&table::render_apply(&applied, verified.as_ref(), status))?;
    }
    report_calls(ui, &clb);
    match status {
        Status::Partial => ui.warn("the plan was applied only in part; see the result above"),
        Status::Failed => ui.warn(format!(
            "nothing was changed: {}",
            applied.error.as_deref().unwrap_or("every listener failed")
        )),
        _ => {}
    }
    Ok(status.exit(true))
}

/// Re-read the targets and re-plan. When every call succeeded but the re-read still differs, read again
/// a little later (the API may take a moment to show what it did).
async fn verify(
    clb: &TencentClb,
    lb: &str,
    inputs: &[crate::sync::plan::BindingInput],
    options: &PlanOptions,
    clean: bool,
    ui: &Ui,
) -> Option<Plan> {
    let attempts = if clean { 3 } else { 1 };
    let mut last = None;
    for attempt in 0..attempts {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_secs(attempt)).await;
        }
        match engine::read_actual(clb, lb, inputs).await {
            Ok(actual) => {
                let p = plan(inputs, &actual, options);
                let done = !p.has_changes();
                last = Some(p);
                if done {
                    break;
                }
            }
            Err(e) => {
                ui.warn(format!("could not verify: {e}"));
                return last;
            }
        }
    }
    last
}

fn report_calls(ui: &Ui, clb: &TencentClb) {
    let counts = clb.call_counts();
    let text: Vec<String> = counts
        .iter()
        .map(|(action, n)| format!("{action} ×{n}"))
        .collect();
    ui.detail(format!("CLB API requests: {}", text.join(", ")));
}
