//! The JSON output schema, version 1 — frozen. These structs are the contract documented in
//! docs/output-formats.md; internal types are converted into them, never serialized directly. Adding an
//! optional field is allowed; renaming, removing or changing the meaning of one needs `version: 2`.

use serde::Serialize;

use super::Report;
use crate::checks::{self, Finding, Subject};

pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    pub version: u32,
    pub tool: Tool,
    /// `check` or `doctor`.
    pub command: &'static str,
    /// `live`, `facts` (replayed with --facts) or `offline` (check --kube-version/--network-mode).
    pub source: &'static str,
    pub scope: Scope,
    pub cluster: Cluster,
    pub findings: Vec<JsonFinding>,
    pub suppressed: Vec<JsonSuppressed>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    /// Whether Services, Ingresses and workloads were audited (doctor).
    pub objects: bool,
    /// null = all namespaces.
    pub namespace: Option<String>,
    pub selector: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub kubernetes_version: Option<String>,
    /// global-router, vpc-cni, mixed, super-node, cilium-overlay, unknown.
    pub network_mode: &'static str,
    /// shared, exclusive or null.
    pub default_eni: Option<&'static str>,
    pub super_nodes: usize,
    /// GlobalRouteDirectAccess; null when not set or not readable.
    pub global_route_direct_access: Option<bool>,
    pub evidence: Vec<String>,
    pub service_controller_version: Option<String>,
    pub ingress_controller_version: Option<String>,
    pub region: Option<String>,
    pub vpc_id: Option<String>,
    pub nodes: usize,
    pub eni_ip: EniIp,
    pub nodes_eni_ip_unavailable: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EniIp {
    pub capacity: i64,
    pub allocatable: i64,
    /// null when pods were read from one namespace only.
    pub used: Option<i64>,
    /// allocatable - used (never negative); null when `used` is.
    pub headroom: Option<i64>,
    pub nodes: Vec<EniNode>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EniNode {
    pub name: String,
    pub capacity: i64,
    pub allocatable: i64,
    pub used: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Object {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl From<&Subject> for Object {
    fn from(s: &Subject) -> Self {
        Object {
            kind: s.kind.clone(),
            namespace: s.namespace.clone(),
            name: s.name.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonFinding {
    /// The check id (`tkedirect explain <check>`).
    pub check: &'static str,
    /// info, warning, error.
    pub severity: &'static str,
    /// null for cluster-wide findings.
    pub object: Option<Object>,
    /// Another object involved (the Service behind which pods were found).
    pub related: Option<Object>,
    pub message: String,
    pub fix: String,
}

impl From<&Finding> for JsonFinding {
    fn from(f: &Finding) -> Self {
        JsonFinding {
            check: f.check,
            severity: f.severity.as_str(),
            object: f.subject.as_ref().map(Object::from),
            related: f.related.as_ref().map(Object::from),
            message: f.message.clone(),
            fix: f.fix.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonSuppressed {
    #[serde(flatten)]
    pub finding: JsonFinding,
    /// The value of the `ignore-check.tkedirect.io/<check>` annotation.
    pub reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// info, warning, error or never.
    pub fail_on: &'static str,
    /// Whether a finding at or above failOn remains (exit code 1).
    pub failed: bool,
}

impl From<&Report> for Output {
    fn from(r: &Report) -> Self {
        let c = &r.cluster;
        let (capacity, allocatable, used) = c.eni_totals();
        Output {
            version: VERSION,
            tool: Tool {
                name: "tkedirect",
                version: env!("CARGO_PKG_VERSION"),
            },
            command: r.command.as_str(),
            source: r.source.as_str(),
            scope: Scope {
                objects: r.scope.objects,
                namespace: r.scope.namespace.clone(),
                selector: r.scope.selector.clone(),
            },
            cluster: Cluster {
                kubernetes_version: c.kubernetes_version.clone(),
                network_mode: c.network.mode.as_str(),
                default_eni: c.network.default_eni.map(|e| match e {
                    crate::model::network::EniFlavor::Shared => "shared",
                    crate::model::network::EniFlavor::Exclusive => "exclusive",
                }),
                super_nodes: c.network.super_nodes,
                global_route_direct_access: c.network.global_route_direct_access,
                evidence: c.network.evidence.clone(),
                service_controller_version: c.service_controller_version.clone(),
                ingress_controller_version: c.ingress_controller_version.clone(),
                region: c.region.clone(),
                vpc_id: c.vpc_id.clone(),
                nodes: c.nodes,
                eni_ip: EniIp {
                    capacity,
                    allocatable,
                    used,
                    headroom: used.map(|u| (allocatable - u).max(0)),
                    nodes: c
                        .eni_nodes
                        .iter()
                        .map(|n| EniNode {
                            name: n.name.clone(),
                            capacity: n.capacity,
                            allocatable: n.allocatable,
                            used: n.used,
                        })
                        .collect(),
                },
                nodes_eni_ip_unavailable: c.tainted_nodes.clone(),
            },
            findings: r.findings.iter().map(JsonFinding::from).collect(),
            suppressed: r
                .suppressed
                .iter()
                .map(|s| JsonSuppressed {
                    finding: JsonFinding::from(&s.finding),
                    reason: s.reason.clone(),
                })
                .collect(),
            summary: Summary {
                errors: r.count(checks::Severity::Error),
                warnings: r.count(checks::Severity::Warning),
                infos: r.count(checks::Severity::Info),
                suppressed: r.suppressed.len(),
                fail_on: r.fail_on.as_str(),
                failed: r.failed(),
            },
        }
    }
}
