//! `pod-readiness-gate-false`: containers are ready but TKE's readiness gate is not True.

use super::ctx::{Ctx, by_owner, condition, count, name_pods, verb};
use super::{Check, Finding, Severity, Stage, finding};
use crate::model::consts;

pub const CHECK: Check = Check {
    id: "pod-readiness-gate-false",
    severity: Severity::Warning,
    stage: Stage::Objects,
    summary: "pods wait on the CLB readiness gate although their containers are ready (not bound or failing health checks)",
    docs: include_str!("../../docs/checks/pod-readiness-gate-false.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in &ctx.backends {
        let waiting = b.pods.iter().copied().filter(|p| {
            !p.terminating
                && p.readiness_gates
                    .iter()
                    .any(|g| g == consts::READINESS_GATE)
                && condition(p, "ContainersReady").is_some_and(|c| c.status == "True")
                && condition(p, consts::READINESS_GATE).is_none_or(|c| c.status != "True")
        });
        for (owner, pods) in by_owner(waiting) {
            let detail = condition(pods[0], consts::READINESS_GATE)
                .and_then(|c| c.reason.clone().or(c.message.clone()))
                .map(|r| format!("; gate reason: {r}"))
                .unwrap_or_default();
            let mut f = finding(
                &CHECK,
                Some(owner.clone()),
                format!(
                    "{} of {} behind {} {} ready containers but READINESS GATES 0/1 ({}{detail})",
                    count(pods.len(), "pod"),
                    owner.short(),
                    b.describe(),
                    verb(pods.len(), "has", "have"),
                    name_pods(&pods)
                ),
                format!(
                    "likely causes: the CLB has not bound the pod yet, the CLB health check fails (check the listener's \
                     health-check port and path), a security group blocks the CLB's probes, the pod is not on an ENI, \
                     or the CLB backend quota is reached; `kubectl -n {} describe svc/{}` shows the controller's events",
                    b.service.namespace, b.service.name
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
    use crate::cluster::facts::Condition;
    use crate::model::network::NetworkMode;

    #[test]
    fn gate_false_with_ready_containers() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let mut stuck = pod("web", "web-abc-1");
        stuck.conditions[1] = Condition {
            type_: consts::READINESS_GATE.into(),
            status: "False".into(),
            reason: Some("LoadBalancerNetworkGroupNotReady".into()),
            message: None,
        };
        let mut absent = pod("web", "web-abc-2");
        absent.conditions.remove(1);
        let mut starting = pod("web", "web-abc-3");
        starting.conditions[0].status = "False".into();
        starting.conditions.remove(1);
        f.pods = vec![stuck, absent, starting, pod("web", "web-abc-4")];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.starts_with("2 pods of deploy/web"),
            "{}",
            out[0].message
        );
        assert!(out[0].message.contains("LoadBalancerNetworkGroupNotReady"));
    }
}
