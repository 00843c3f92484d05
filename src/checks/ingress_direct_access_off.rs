//! `ingress-direct-access-off`: a CLB Ingress (class qcloud) in NodePort mode — a candidate.

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::rules::direct::{Switch, ingress_switch, is_clb_ingress};

pub const CHECK: Check = Check {
    id: "ingress-direct-access-off",
    severity: Severity::Info,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "a CLB Ingress sends traffic through NodePorts; it could reach pods directly",
    docs: include_str!("../../docs/checks/ingress-direct-access-off.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .ingresses
        .iter()
        .filter(|i| is_clb_ingress(i) && matches!(ingress_switch(i), Switch::Absent | Switch::Off))
        .map(|i| {
            let m = &i.metadata;
            finding(
                &CHECK,
                Some(subject_of("Ingress", m)),
                format!("ing/{} is a CLB Ingress in NodePort mode", m.name),
                format!(
                    "tkedirect diff ing/{0} -n {1} (then `tkedirect enable`) to reach pods directly",
                    m.name,
                    m.ns()
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{Ingress, NetworkMode};

    #[test]
    fn clb_ingresses_without_the_switch() {
        let mut f = facts();
        let ing = |name: &str, ann: &[(&str, &str)]| {
            let mut i = Ingress::default();
            i.metadata.namespace = Some("web".into());
            i.metadata.name = name.into();
            i.metadata.annotations = map(ann);
            i
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
