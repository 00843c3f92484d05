//! `ingress-api-deprecated`: the cluster serves Ingress only as a beta API (removed in Kubernetes 1.22).

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Severity, Stage, finding};
use crate::rules::direct::is_clb_ingress;

pub const CHECK: Check = Check {
    id: "ingress-api-deprecated",
    severity: Severity::Warning,
    stage: Stage::Objects,
    summary: "an Ingress is served only as extensions/v1beta1 or networking.k8s.io/v1beta1, removed in 1.22",
    docs: include_str!("../../docs/checks/ingress-api-deprecated.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx
        .facts
        .apis
        .ingress
        .iter()
        .any(|v| v == "networking.k8s.io/v1")
    {
        return vec![];
    }
    ctx.facts
        .ingresses
        .iter()
        .filter(|i| is_clb_ingress(i))
        .map(|i| {
            finding(
                &CHECK,
                Some(subject_of("Ingress", &i.metadata)),
                format!("ing/{} is served only as {}, which Kubernetes 1.22 no longer serves", i.metadata.name, i.api_version),
                "before upgrading to 1.22, rewrite the manifest as networking.k8s.io/v1 (spec.defaultBackend, \
                 backend.service.name/port.number, pathType) and upgrade the cluster to at least 1.19",
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
    fn only_without_networking_v1() {
        let mut f = facts();
        let mut old = Ingress {
            api_version: "extensions/v1beta1".into(),
            ..Default::default()
        };
        old.metadata.name = "old".into();
        f.ingresses = vec![old];
        f.apis.ingress = vec!["extensions/v1beta1".into()];
        assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), 1);
        f.apis.ingress.insert(0, "networking.k8s.io/v1".into());
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }
}
