//! `direct-access-value-invalid`: the direct-access annotation is not "true" or "false".

use super::ctx::{Ctx, ingress_direct, is_clb_ingress, service_direct};
use super::{Check, Finding, Severity, Stage, Subject, finding};
use crate::model::consts;

pub const CHECK: Check = Check {
    id: "direct-access-value-invalid",
    severity: Severity::Error,
    stage: Stage::Objects,
    summary: "a direct-access annotation is not the string \"true\" or \"false\" (ingress error E4037)",
    docs: include_str!("../../docs/checks/direct-access-value-invalid.md"),
    run,
};

fn valid(v: &str) -> bool {
    v == "true" || v == "false"
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let services = ctx.facts.services.iter().filter_map(|s| {
        let v = service_direct(s).filter(|v| !valid(v))?;
        Some(finding(
            &CHECK,
            Some(Subject::namespaced("Service", &s.namespace, &s.name)),
            format!(
                "svc/{} has {}: \"{v}\", which is neither \"true\" nor \"false\"",
                s.name,
                consts::SERVICE_DIRECT_ACCESS
            ),
            format!(
                "set it to the string \"true\": kubectl -n {} annotate svc/{} --overwrite {}=true",
                s.namespace,
                s.name,
                consts::SERVICE_DIRECT_ACCESS
            ),
        ))
    });
    let ingresses = ctx.facts.ingresses.iter().filter(|i| is_clb_ingress(i)).filter_map(|i| {
        let v = ingress_direct(i).filter(|v| !valid(v))?;
        Some(finding(
            &CHECK,
            Some(Subject::namespaced("Ingress", &i.namespace, &i.name)),
            format!(
                "ing/{} has {}: \"{v}\"; the ingress controller rejects it (E4037) and stops syncing this Ingress",
                i.name,
                consts::INGRESS_DIRECT_ACCESS
            ),
            format!("kubectl -n {} annotate ing/{} --overwrite {}=true", i.namespace, i.name, consts::INGRESS_DIRECT_ACCESS),
        ))
    });
    services.chain(ingresses).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::cluster::facts::IngressFacts;
    use crate::model::network::NetworkMode;

    #[test]
    fn non_bool_strings() {
        let mut f = facts();
        f.services = vec![
            direct_svc("ok"),
            svc(
                "bad",
                "LoadBalancer",
                &[(consts::SERVICE_DIRECT_ACCESS, "yes")],
            ),
        ];
        f.ingresses = vec![IngressFacts {
            namespace: "web".into(),
            name: "shop".into(),
            annotations: map(&[(consts::INGRESS_DIRECT_ACCESS, "True")]),
            ..Default::default()
        }];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 2);
        assert!(out[1].message.contains("E4037"));
    }
}
