//! The JSON payloads of `check` and `doctor`, version 1 — frozen, inside the one envelope
//! (`report::envelope`). These structs are the contract documented in docs/output-formats.md; internal
//! types are converted into them, never serialized directly. Adding an optional field is allowed;
//! renaming, removing or changing the meaning of one needs `version: 2`. [`FindingV1`] is the one JSON
//! shape of a finding, for every command that reports findings.

use serde::Serialize;

use super::{Audit, Finding, Location, Severity, Subject};
use crate::model::EniFlavor;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditV1 {
    /// `live`, `facts` (replayed with --facts), `offline` (--kube-version/--network-mode) or `manifests`
    /// (doctor -f).
    pub source: &'static str,
    pub scope: Scope,
    pub cluster: Cluster,
    pub findings: Vec<FindingV1>,
    pub suppressed: Vec<SuppressedV1>,
    /// Why findings were withheld: advice that cannot help while a cluster-level blocker stands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<String>,
    pub summary: SummaryV1,
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
    /// Shared ENI (`tke.cloud.tencent.com/eni-ip`).
    pub eni_ip: EniIp,
    /// Exclusive ENI (`tke.cloud.tencent.com/direct-eni`); only when some node offers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_eni: Option<EniIp>,
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
pub struct LocationV1 {
    /// The path as given on the command line.
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl From<&Location> for LocationV1 {
    fn from(l: &Location) -> Self {
        LocationV1 {
            path: l.path.clone(),
            line: l.line,
            column: l.column,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingV1 {
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
    /// Every pod concerned (the message names the first few).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pods: Vec<String>,
    /// Where in a manifest (doctor -f).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationV1>,
}

impl From<&Finding> for FindingV1 {
    fn from(f: &Finding) -> Self {
        FindingV1 {
            check: f.check,
            severity: f.severity.as_str(),
            object: f.subject.as_ref().map(Object::from),
            related: f.related.as_ref().map(Object::from),
            message: f.message.clone(),
            fix: f.fix.clone(),
            pods: f.pods.clone(),
            location: f.location.as_ref().map(LocationV1::from),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SuppressedV1 {
    #[serde(flatten)]
    pub finding: FindingV1,
    /// The value of the `ignore-check.tkedirect.io/<check>` annotation.
    pub reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryV1 {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    /// info, warning, error or never.
    pub fail_on: &'static str,
    /// Whether a finding at or above failOn remains (exit code 1).
    pub failed: bool,
}

fn eni(c: &super::ClusterSummary, flavor: EniFlavor) -> EniIp {
    let (capacity, allocatable, used) = c.eni_totals(flavor);
    EniIp {
        capacity,
        allocatable,
        used,
        headroom: used.map(|u| (allocatable - u).max(0)),
        nodes: c
            .eni_nodes
            .iter()
            .filter(|n| n.flavor == flavor)
            .map(|n| EniNode {
                name: n.name.clone(),
                capacity: n.capacity,
                allocatable: n.allocatable,
                used: n.used,
            })
            .collect(),
    }
}

impl From<&Audit> for AuditV1 {
    fn from(r: &Audit) -> Self {
        let c = &r.cluster;
        AuditV1 {
            source: r.source.as_str(),
            scope: Scope {
                objects: r.scope.objects,
                namespace: r.scope.namespace.clone(),
                selector: r.scope.selector.clone(),
            },
            cluster: Cluster {
                kubernetes_version: c.kubernetes_version.clone(),
                network_mode: c.network.mode.as_str(),
                default_eni: c.network.default_eni.map(EniFlavor::as_str),
                super_nodes: c.network.super_nodes,
                global_route_direct_access: c.network.global_route_direct_access,
                evidence: c.network.evidence.clone(),
                service_controller_version: c.service_controller_version.clone(),
                ingress_controller_version: c.ingress_controller_version.clone(),
                region: c.region.clone(),
                vpc_id: c.vpc_id.clone(),
                nodes: c.nodes,
                eni_ip: eni(c, EniFlavor::Shared),
                direct_eni: c
                    .eni_nodes
                    .iter()
                    .any(|n| n.flavor == EniFlavor::Exclusive)
                    .then(|| eni(c, EniFlavor::Exclusive)),
                nodes_eni_ip_unavailable: c.tainted_nodes.clone(),
            },
            findings: r.findings.iter().map(FindingV1::from).collect(),
            suppressed: r
                .suppressed
                .iter()
                .map(|s| SuppressedV1 {
                    finding: FindingV1::from(&s.finding),
                    reason: s.reason.clone(),
                })
                .collect(),
            withheld: r.withheld.clone(),
            summary: SummaryV1 {
                errors: r.count(Severity::Error),
                warnings: r.count(Severity::Warning),
                infos: r.count(Severity::Info),
                suppressed: r.suppressed.len(),
                fail_on: r.fail_on.as_str(),
                failed: r.failed(),
            },
        }
    }
}
