//! `workload-eni-opt-in-missing`: in a mixed cluster, a workload behind a direct backend lacks the ENI
//! network annotation or the ENI resource.

use std::collections::BTreeSet;

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Severity, Stage, finding};
use crate::model::NetworkMode;
use crate::model::consts;
use crate::rules::network::{template_on_super_nodes, template_opt_in};
use crate::rules::selector::selects;

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
        let svc = &b.service.metadata;
        for w in ctx
            .facts
            .workloads
            .iter()
            .filter(|w| w.metadata.ns() == svc.ns())
        {
            let Some(t) = w.template() else { continue };
            if t.spec.host_network
                || template_on_super_nodes(t)
                || !selects(&b.service.spec.selector, &t.metadata.labels)
                || !seen.insert((&w.kind, w.metadata.ns(), w.name()))
            {
                continue;
            }
            let opt_in = template_opt_in(t);
            let mut missing = Vec::new();
            if opt_in.flavor.is_none() {
                missing.push(format!(
                    "the pod-template annotation {}: {}",
                    consts::POD_NETWORKS,
                    consts::NETWORK_SHARED_ENI
                ));
            }
            if opt_in.resources.is_empty() {
                missing.push(format!(
                    "the resource {}: \"1\" on one container",
                    consts::RESOURCE_ENI_IP
                ));
            }
            if missing.is_empty() {
                continue;
            }
            let subject = subject_of(&w.kind, &w.metadata);
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
    use crate::model::Workload;
    use serde_json::json;

    #[test]
    fn mixed_clusters_need_both() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let w = |name: &str, net: Option<&str>, res: Option<&str>| -> Workload {
            let mut ann = serde_json::Map::new();
            if let Some(n) = net {
                ann.insert(consts::POD_NETWORKS.into(), json!(n));
            }
            let resources = match res {
                Some(r) => json!({"requests": {r: "1"}, "limits": {r: "1"}}),
                None => json!({}),
            };
            serde_json::from_value(json!({
                "kind": "Deployment",
                "metadata": {"namespace": "web", "name": name},
                "spec": {"template": {"metadata": {"labels": {"app": "web"}, "annotations": ann},
                                      "spec": {"containers": [{"name": "c", "resources": resources}]}}}
            }))
            .unwrap()
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
