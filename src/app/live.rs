//! `enable` / `disable` without `-f`: wire the real cluster and the terminal to `live::run`, render what it
//! shows and what it did (`render::live`), and return its exit code.

use std::io::Write;

use anyhow::Context;

use crate::app::confirm::Terminal;
use crate::app::output::Ui;
use crate::cli::{KubeArgs, LiveEdit};
use crate::cluster::{self, KubeCluster};
use crate::exit::Exit;
use crate::live::{self, Event, Request};
use crate::patch::Intent;
use crate::render::live::{self as show, Voice};
use crate::report::Format;

pub fn run(intent: Intent, edit: LiveEdit, ui: &Ui) -> anyhow::Result<Exit> {
    let rt = cluster::runtime().context("could not start the async runtime")?;
    rt.block_on(run_async(intent, edit, ui))
}

/// `tkedirect doctor -n NS` with the connection flags of this run.
fn doctor_command(namespace: &str, kube: &KubeArgs) -> String {
    let mut cmd = format!("tkedirect doctor -n {namespace}");
    if let Some(c) = &kube.context {
        cmd.push_str(&format!(" --context {c}"));
    }
    if let Some(k) = &kube.kubeconfig {
        cmd.push_str(&format!(" --kubeconfig {}", k.display()));
    }
    cmd
}

async fn run_async(intent: Intent, edit: LiveEdit, ui: &Ui) -> anyhow::Result<Exit> {
    let cluster = KubeCluster::connect(&edit.kube.options())
        .await
        .context("could not configure the Kubernetes client")?;
    let namespace = edit
        .patch
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace.clone());
    let request = Request {
        intent,
        namespace,
        targets: edit.patch.targets.clone(),
        network_mode: edit.patch.network_mode,
        eni: edit.patch.eni,
        container: edit.patch.container.clone(),
        restart: edit.restart,
        force: edit.force,
        dry_run: edit.dry_run,
        yes: edit.yes,
        server: cluster.server.clone(),
        now: jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    };
    let json = edit.output == Format::Json;
    let voice = Voice {
        color: ui.stderr_color,
        quiet: ui.quiet,
    };
    let diffs = (!json).then_some(ui.stdout_color);
    let mut show_event = |e: Event<'_>| {
        let mut err = std::io::stderr().lock();
        match e {
            Event::Checked(p) => show::checked(&mut err, &voice, p),
            Event::Planned(p, plan) => show::planned(
                &mut std::io::stdout().lock(),
                &mut err,
                &voice,
                diffs,
                p,
                plan,
            ),
        }
    };
    let outcome = live::run(
        &cluster,
        &Terminal::new(ui.stdin_tty),
        &request,
        &mut show_event,
    )
    .await?;
    show::finished(
        &mut std::io::stderr().lock(),
        &voice,
        &outcome,
        &doctor_command(&request.namespace, &edit.kube),
    )?;
    if json {
        let mut out = std::io::stdout().lock();
        show::json(&mut out, &outcome)?;
        out.flush()?;
    }
    Ok(outcome.exit)
}
