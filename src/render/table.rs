//! `-o table` (the default): the cluster summary, then the findings grouped by object, then a tally.
//! comfy-table without its terminal feature: colors are plain ANSI codes of equal length on every cell of
//! the SEVERITY column (and its header), so the column stays aligned.

use comfy_table::{Cell, Table, presets};

use crate::checks::Severity;
use crate::model::network::{EniFlavor, NetworkMode};
use crate::report::Report;

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t
}

/// The table's lines without the padding comfy-table leaves at their ends.
fn lines(t: &Table) -> String {
    t.lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn severity(color: bool, s: Severity) -> String {
    let code = match s {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    paint(color, code, s.as_str())
}

fn cluster_rows(r: &Report) -> Vec<(String, String)> {
    let c = &r.cluster;
    let mut rows = Vec::new();
    rows.push((
        "Kubernetes".into(),
        c.kubernetes_version
            .clone()
            .unwrap_or_else(|| "unknown".into()),
    ));
    let mut mode = c.network.mode.title().to_string();
    if let Some(e) = c.network.default_eni {
        mode.push_str(match e {
            EniFlavor::Shared => " (default ENI: shared, tke-route-eni)",
            EniFlavor::Exclusive => " (default ENI: exclusive, tke-direct-eni)",
        });
    }
    if c.network.super_nodes > 0 && c.network.mode != NetworkMode::SuperNode {
        mode.push_str(&format!(", {} super node(s)", c.network.super_nodes));
    }
    rows.push(("Network mode".into(), mode));
    rows.push(("Evidence".into(), c.network.evidence.join("\n")));
    if r.command == crate::report::Command::Doctor || c.service_controller_version.is_some() {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "unknown".into());
        rows.push((
            "Controllers".into(),
            format!(
                "service {}, ingress {}",
                v(&c.service_controller_version),
                v(&c.ingress_controller_version)
            ),
        ));
    }
    if c.region.is_some() || c.vpc_id.is_some() {
        let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "?".into());
        rows.push((
            "Region / VPC".into(),
            format!("{} / {}", v(&c.region), v(&c.vpc_id)),
        ));
    }
    if !c.eni_nodes.is_empty() {
        let (cap, alloc, used) = c.eni_totals();
        let detail = match used {
            Some(u) => format!("{} in use, {} free", u, (alloc - u).max(0)),
            None => "use unknown (pods read from one namespace)".into(),
        };
        rows.push((
            "ENI IPs".into(),
            format!(
                "{} nodes: {alloc} bound of {cap} capacity, {detail}",
                c.eni_nodes.len()
            ),
        ));
    }
    if !c.tainted_nodes.is_empty() {
        rows.push(("ENI unavailable".into(), c.tainted_nodes.join(", ")));
    }
    if r.scope.objects {
        let mut scope = match &r.scope.namespace {
            Some(ns) => format!("namespace {ns}"),
            None => "all namespaces".into(),
        };
        if let Some(sel) = &r.scope.selector {
            scope.push_str(&format!(", selector {sel}"));
        }
        rows.push(("Scope".into(), scope));
    }
    rows
}

pub fn render(r: &Report, color: bool) -> String {
    let mut out = String::new();
    let mut summary = table();
    for (k, v) in cluster_rows(r) {
        summary.add_row(vec![Cell::new(k), Cell::new(v)]);
    }
    out.push_str(&format!(
        "{}\n{}\n\n",
        paint(color, "1", "Cluster"),
        lines(&summary)
    ));
    if r.findings.is_empty() {
        out.push_str("No findings.\n");
    } else {
        let mut t = table();
        t.set_header(vec![
            Cell::new("OBJECT"),
            Cell::new(paint(color, "01", "SEVERITY")),
            Cell::new("CHECK"),
            Cell::new("MESSAGE"),
        ]);
        let mut last: Option<String> = None;
        for f in &r.findings {
            let object = f
                .subject
                .as_ref()
                .map_or_else(|| "(cluster)".to_string(), |s| s.to_string());
            let shown = if last.as_deref() == Some(object.as_str()) {
                String::new()
            } else {
                object.clone()
            };
            last = Some(object);
            t.add_row(vec![
                Cell::new(shown),
                Cell::new(severity(color, f.severity)),
                Cell::new(f.check),
                Cell::new(format!("{}\nfix: {}", f.message, f.fix)),
            ]);
        }
        out.push_str(&format!("{}\n", lines(&t)));
    }
    let verdict = if r.failed() {
        format!(
            "failing: findings at or above --fail-on {}",
            r.fail_on.as_str()
        )
    } else {
        format!(
            "passing: nothing at or above --fail-on {}",
            r.fail_on.as_str()
        )
    };
    out.push_str(&format!("\n{}; {verdict}\n", r.tally()));
    out
}
