//! `workload-eni-opt-in-missing`: in a mixed cluster, a workload behind a direct backend lacks the ENI
//! network annotation or the ENI resource.

use std::collections::BTreeSet;

use super::ctx::{Ctx, selects};
use super::{Check, Finding, Severity, Stage, Subject, finding};
use crate::model::consts;
use crate::model::network::NetworkMode;

pub const CHECK: Check = Check {
    id: "workload-eni-opt-in-missing",
    severity: Severity::Error,
    stage: Stage::Objects,
    summary: "a workload behind a direct Service in a mixed cluster does not opt into an ENI",
    docs: include_str!("../../docs/checks/workload-eni-opt-in-missing.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::Mixed {
        return vec![];
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for b in &ctx.backends {
        for w in ctx.facts.workloads.iter().filter(|w| {
            w.namespace == b.service.namespace
                && !w.host_network
                && !w.super_node
                && selects(&b.service.selector, &w.template_labels)
        }) {
            if !seen.insert((&w.kind, &w.namespace, &w.name)) {
                continue;
            }
            let network_ok = w.template_networks.as_deref().is_some_and(|n| {
                n.contains(consts::NETWORK_SHARED_ENI) || n.contains(consts::NETWORK_EXCLUSIVE_ENI)
            });
            let mut missing = Vec::new();
            if !network_ok {
                missing.push(format!(
                    "the pod-template annotation {}: {}",
                    consts::POD_NETWORKS,
                    consts::NETWORK_SHARED_ENI
                ));
            }
            if w.template_eni_resource.is_none() {
                missing.push(format!(
                    "the resource {}: \"1\" on one container",
                    consts::RESOURCE_ENI_IP
                ));
            }
            if missing.is_empty() {
                continue;
            }
            let subject = Subject::namespaced(&w.kind, &w.namespace, &w.name);
            let mut f = finding(
                &CHECK,
                Some(subject.clone()),
                format!(
                    "{} behind {} lacks {}: its pods get GlobalRouter IPs",
                    subject.short(),
                    b.describe(),
                    missing.join(" and ")
                ),
                format!(
                    "tkedirect enable {} --network-mode mixed -f <manifest> (adds both), then apply and roll out",
                    subject.short()
                ),
            );
            f.related = Some(b.subject());
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::cluster::facts::WorkloadFacts;

    #[test]
    fn mixed_clusters_need_both() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let w = |name: &str, net: Option<&str>, res: Option<&str>| WorkloadFacts {
            kind: "Deployment".into(),
            namespace: "web".into(),
            name: name.into(),
            template_labels: map(&[("app", "web")]),
            template_networks: net.map(str::to_string),
            template_eni_resource: res.map(str::to_string),
            ..Default::default()
        };
        f.workloads = vec![
            w("none", None, None),
            w("annotated", Some("tke-route-eni"), None),
            w("done", Some("tke-route-eni"), Some(consts::RESOURCE_ENI_IP)),
        ];
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert_eq!(out.len(), 2);
        assert!(out[0].message.contains("annotation") && out[0].message.contains("resource"));
        assert!(!out[1].message.contains("annotation"));
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }
}
