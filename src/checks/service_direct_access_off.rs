//! `service-direct-access-off`: a LoadBalancer Service in NodePort mode — a candidate for direct access.

use super::ctx::{Ctx, service_direct};
use super::{Check, Finding, Severity, Stage, Subject, finding};

pub const CHECK: Check = Check {
    id: "service-direct-access-off",
    severity: Severity::Info,
    stage: Stage::Objects,
    summary: "a LoadBalancer Service sends CLB traffic through NodePorts; it could reach pods directly",
    docs: include_str!("../../docs/checks/service-direct-access-off.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.load_balancers()
        .filter(|s| service_direct(s).is_none_or(|v| v == "false"))
        .map(|s| {
            let state = match service_direct(s) {
                Some(_) => "direct-access is \"false\"",
                None => "no direct-access annotation",
            };
            finding(
                &CHECK,
                Some(Subject::namespaced("Service", &s.namespace, &s.name)),
                format!("svc/{} is a LoadBalancer in NodePort mode ({state})", s.name),
                format!("tkedirect diff svc/{0} -n {1} (then `tkedirect enable`) to reach pods directly", s.name, s.namespace),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::network::NetworkMode;

    #[test]
    fn candidates_only() {
        let mut f = facts();
        f.services = vec![
            svc("a", "LoadBalancer", &[]),
            direct_svc("b"),
            svc("c", "ClusterIP", &[]),
        ];
        f.services.push(svc(
            "d",
            "LoadBalancer",
            &[("service.cloud.tencent.com/direct-access", "false")],
        ));
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        let names: Vec<_> = out
            .iter()
            .map(|f| f.subject.as_ref().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["a", "d"]);
    }
}
