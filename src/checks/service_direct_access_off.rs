//! `service-direct-access-off`: a LoadBalancer Service in NodePort mode — a candidate for direct access.

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::consts::SERVICE_DIRECT_ACCESS;
use crate::rules::direct::{Switch, service_switch};

pub const CHECK: Check = Check {
    id: "service-direct-access-off",
    severity: Severity::Info,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "a LoadBalancer Service sends CLB traffic through NodePorts; it could reach pods directly",
    docs: include_str!("../../docs/checks/service-direct-access-off.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.load_balancers()
        .filter_map(|s| {
            let m = &s.metadata;
            let state = match service_switch(s) {
                Switch::Off => format!(
                    "direct-access is \"{}\"",
                    m.annotation(SERVICE_DIRECT_ACCESS).unwrap_or_default()
                ),
                Switch::Absent => "no direct-access annotation".to_string(),
                Switch::On | Switch::Invalid(_) => return None,
            };
            Some(finding(
                &CHECK,
                Some(subject_of("Service", m)),
                format!("svc/{} is a LoadBalancer in NodePort mode ({state})", m.name),
                format!(
                    "tkedirect diff svc/{0} -n {1} (then `tkedirect enable`) to reach pods directly",
                    m.name,
                    m.ns()
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;

    #[test]
    fn candidates_only() {
        let mut f = facts();
        f.services = vec![
            svc("a", "LoadBalancer", &[]),
            direct_svc("b"),
            svc("c", "ClusterIP", &[]),
            svc(
                "d",
                "LoadBalancer",
                &[("service.cloud.tencent.com/direct-access", "false")],
            ),
            svc(
                "e",
                "LoadBalancer",
                &[("service.cloud.tencent.com/direct-access", "True")],
            ),
        ];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        let names: Vec<_> = out
            .iter()
            .map(|f| f.subject.as_ref().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["a", "d"]);
    }
}
