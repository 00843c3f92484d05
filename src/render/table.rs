//! `-o table` (the default) of `check` and `doctor`: the cluster summary, then the findings grouped by
//! object, then a tally. comfy-table without its terminal feature: colors are plain ANSI codes of equal
//! length on every cell of the SEVERITY column (and its header), so the column stays aligned; the MESSAGE
//! column wraps at the terminal's width ([`super::new_table`]).

use std::io::Write;

use comfy_table::Cell;

use super::{Style, lines, new_table, wrap};
use crate::model::{EniFlavor, NetworkMode};
use crate::report::{Audit, AuditCommand, FactsSource, Severity};

fn severity(style: &Style, s: Severity) -> String {
    let code = match s {
        Severity::Error => "31",
        Severity::Warning => "33",
        Severity::Info => "36",
    };
    style.paint(code, s.as_str())
}

fn cluster_rows(r: &Audit) -> Vec<(String, String)> {
    let c = &r.cluster;
    let mut rows = Vec::new();
    rows.push((
        "Kubernetes".into(),
        c.kubernetes_version.clone().unwrap_or_else(|| {
            if matches!(r.source, FactsSource::Offline | FactsSource::Manifests) {
                "not given (--kube-version): the version checks did not run".into()
            } else {
                "unknown".into()
            }
        }),
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
    if r.command == AuditCommand::Doctor || c.service_controller_version.is_some() {
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
    for (flavor, label) in [
        (EniFlavor::Shared, "ENI IPs"),
        (EniFlavor::Exclusive, "Exclusive ENIs"),
    ] {
        let nodes = c.eni_nodes.iter().filter(|n| n.flavor == flavor).count();
        if nodes == 0 {
            continue;
        }
        let (cap, alloc, used) = c.eni_totals(flavor);
        let detail = match used {
            Some(u) => format!("{} in use, {} free", u, (alloc - u).max(0)),
            None => "use unknown (pods read from one namespace)".into(),
        };
        rows.push((
            label.into(),
            format!("{nodes} nodes: {alloc} bound of {cap} capacity, {detail}"),
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

/// Findings one under the other, for narrow terminals: the object, then severity and check, then the
/// message and the fix wrapped inside the width.
fn stacked<W: Write>(
    w: &mut W,
    rows: &[(String, &crate::report::Finding)],
    style: &Style,
    width: usize,
) -> std::io::Result<()> {
    let mut last: Option<&str> = None;
    for (object, f) in rows {
        if last != Some(object.as_str()) {
            if last.is_some() {
                writeln!(w)?;
            }
            for line in object.lines() {
                writeln!(w, "{}", style.paint("1", line))?;
            }
        }
        last = Some(object);
        writeln!(w, "  {}  {}", severity(style, f.severity), f.check)?;
        for line in wrap(&f.message, width.saturating_sub(4)) {
            writeln!(w, "    {line}")?;
        }
        for line in wrap(&format!("fix: {}", f.fix), width.saturating_sub(4)) {
            writeln!(w, "    {line}")?;
        }
    }
    Ok(())
}

/// Write the audit as tables.
pub fn audit<W: Write>(w: &mut W, r: &Audit, style: &Style) -> std::io::Result<()> {
    let mut summary = new_table(style);
    for (k, v) in cluster_rows(r) {
        summary.add_row(vec![Cell::new(k), Cell::new(v)]);
    }
    writeln!(w, "{}\n{}\n", style.paint("1", "Cluster"), lines(&summary))?;
    if r.findings.is_empty() {
        writeln!(w, "No findings.")?;
    } else {
        let rows: Vec<(String, &crate::report::Finding)> = r
            .findings
            .iter()
            .map(|f| {
                let object = match (&f.location, &f.subject) {
                    (Some(l), Some(s)) => format!("{l}\n{s}"),
                    (Some(l), None) => l.to_string(),
                    (None, Some(s)) => s.to_string(),
                    (None, None) => "(cluster)".to_string(),
                };
                (object, f)
            })
            .collect();
        // The OBJECT, SEVERITY and CHECK columns never wrap; MESSAGE takes the rest of the terminal. When
        // less than MIN_MESSAGE is left, each finding is stacked over a few lines instead.
        const MIN_MESSAGE: usize = 40;
        let widest = |cells: &mut dyn Iterator<Item = usize>| cells.max().unwrap_or(0);
        let object_w = widest(
            &mut rows
                .iter()
                .flat_map(|(o, _)| o.lines().map(|l| l.chars().count())),
        );
        let check_w = widest(&mut rows.iter().map(|(_, f)| f.check.len()));
        let fixed = object_w.max(6) + 8 + check_w.max(5) + 4 * 2;
        match style.width.map(usize::from) {
            Some(width) if width < fixed + MIN_MESSAGE => stacked(w, &rows, style, width)?,
            _ => {
                let mut t = new_table(style);
                t.set_header(vec![
                    Cell::new("OBJECT"),
                    Cell::new(style.paint("01", "SEVERITY")),
                    Cell::new("CHECK"),
                    Cell::new("MESSAGE"),
                ]);
                if style.width.is_some() {
                    for i in 0..3 {
                        if let Some(c) = t.column_mut(i) {
                            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                        }
                    }
                }
                let mut last: Option<&str> = None;
                for (object, f) in &rows {
                    let shown = if last == Some(object.as_str()) {
                        String::new()
                    } else {
                        object.clone()
                    };
                    last = Some(object);
                    t.add_row(vec![
                        Cell::new(shown),
                        Cell::new(severity(style, f.severity)),
                        Cell::new(f.check),
                        Cell::new(format!("{}\nfix: {}", f.message, f.fix)),
                    ]);
                }
                writeln!(w, "{}", lines(&t))?;
            }
        }
    }
    for why in &r.withheld {
        writeln!(w, "\nnot shown: {why}")?;
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
    writeln!(w, "\n{}; {verdict}", r.tally())
}
