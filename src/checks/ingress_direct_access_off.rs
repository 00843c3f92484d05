//! `ingress-direct-access-off`: a CLB Ingress (class qcloud) in NodePort mode — a candidate.

use super::ctx::{Ctx, ingress_direct, is_clb_ingress};
use super::{Check, Finding, Severity, Stage, Subject, finding};

pub const CHECK: Check = Check {
    id: "ingress-direct-access-off",
    severity: Severity::Info,
    stage: Stage::Objects,
    summary: "a CLB Ingress sends traffic through NodePorts; it could reach pods directly",
    docs: include_str!("../../docs/checks/ingress-direct-access-off.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .ingresses
        .iter()
        .filter(|i| is_clb_ingress(i) && ingress_direct(i).is_none_or(|v| v == "false"))
        .map(|i| {
            finding(
                &CHECK,
                Some(Subject::namespaced("Ingress", &i.namespace, &i.name)),
                format!("ing/{} is a CLB Ingress in NodePort mode", i.name),
                format!("tkedirect diff ing/{0} -n {1} (then `tkedirect enable`) to reach pods directly", i.name, i.namespace),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::cluster::facts::IngressFacts;
    use crate::model::network::NetworkMode;

    #[test]
    fn clb_ingresses_without_the_switch() {
        let mut f = facts();
        let ing = |name: &str, ann: &[(&str, &str)]| IngressFacts {
            namespace: "web".into(),
            name: name.into(),
            annotations: map(ann),
            ..Default::default()
        };
        f.ingresses = vec![
            ing("plain", &[]),
            ing("nginx", &[("kubernetes.io/ingress.class", "nginx")]),
            ing(
                "direct",
                &[("ingress.cloud.tencent.com/direct-access", "true")],
            ),
        ];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.starts_with("ing/plain"));
    }
}
