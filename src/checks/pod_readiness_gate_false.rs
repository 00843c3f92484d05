//! `pod-readiness-gate-false`: containers are ready but TKE's readiness gate is not True.

use super::ctx::{Ctx, verb};
use super::{Check, Finding, Manifests, Severity, Stage};
use crate::model::Pod;
use crate::rules::network::{PodNetwork, pod_network};
use crate::rules::readiness::{Gate, gate};

pub const CHECK: Check = Check {
    id: "pod-readiness-gate-false",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::No,
    summary: "pods wait on the CLB readiness gate although their containers are ready (not bound or failing health checks)",
    docs: include_str!("../../docs/checks/pod-readiness-gate-false.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    // Pods that cannot be bound at all (GlobalRouter IPs, host network) have their cause reported by
    // pod-not-on-eni / workload-eni-opt-in-missing / pod-host-network, which name this consequence.
    let bindable = |p: &Pod| {
        !matches!(
            pod_network(p, ctx.node_of(p), ctx.network.mode),
            PodNetwork::GlobalRouter(_) | PodNetwork::HostNetwork
        )
    };
    let since = |p: &Pod| match gate(p) {
        Gate::False { since, .. } => Some(since),
        _ => None,
    };
    let waiting = |p: &Pod| {
        !p.metadata.terminating()
            && p.condition_true("ContainersReady")
            && since(p).is_some()
            && bindable(p)
    };
    let mut out = Vec::new();
    // Old states are problems; young ones are a rollout binding its pods.
    for young in [false, true] {
        for g in ctx.pod_groups(|_, p| waiting(p) && ctx.young(since(p).flatten()) == young) {
            let first = g.pods[0];
            let detail = match gate(first) {
                Gate::False {
                    reason, message, ..
                } => reason
                    .or(message)
                    .map(|r| format!("; gate reason: {r}"))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let (ns, events) = (g.backend.service.metadata.ns(), g.backend.events_object());
            let f = if young {
                let mut f = g.finding(
                    &CHECK,
                    format!(
                        "in progress: {} {} waiting{} for the CLB to bind and health-check {} ({})",
                        g.describe(),
                        verb(g.pods.len(), "has been", "have been"),
                        ctx.age(since(first).flatten()),
                        verb(g.pods.len(), "it", "them"),
                        g.names()
                    ),
                    format!(
                        "nothing yet: a healthy rollout takes about 15 s per batch; run again in a minute if it persists \
                         (`kubectl -n {ns} describe {events}`)"
                    ),
                );
                f.severity = Severity::Info;
                f
            } else {
                g.finding(
                    &CHECK,
                    format!(
                        "{} {} ready containers but READINESS GATES 0/1{} ({}{detail})",
                        g.describe(),
                        verb(g.pods.len(), "has", "have"),
                        ctx.age(since(first).flatten()),
                        g.names()
                    ),
                    format!(
                        "likely causes: the CLB has not bound the pod yet, the CLB health check fails (check the listener's \
                         health-check port and path), a security group blocks the CLB's probes, \
                         or the CLB backend quota is reached; `kubectl -n {ns} describe {events}` shows the controller's events"
                    ),
                )
            };
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;
    use crate::model::consts;
    use crate::model::pod::Condition;

    #[test]
    fn gate_false_with_ready_containers() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let mut stuck = pod("web", "web-abc-1");
        stuck.status.conditions[1] = Condition {
            type_: consts::READINESS_GATE.into(),
            status: "False".into(),
            reason: Some("LoadBalancerNetworkGroupNotReady".into()),
            ..Default::default()
        };
        let mut absent = pod("web", "web-abc-2");
        absent.status.conditions.remove(1);
        let mut starting = pod("web", "web-abc-3");
        starting.status.conditions[0].status = "False".into();
        starting.status.conditions.remove(1);
        f.pods = vec![stuck, absent, starting, pod("web", "web-abc-4")];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.starts_with("2 pods of deploy/web"),
            "{}",
            out[0].message
        );
        assert!(out[0].message.contains("LoadBalancerNetworkGroupNotReady"));
        assert_eq!(out[0].pods, ["web-abc-1", "web-abc-2"]);
    }

    /// The same pods behind a direct Service and behind the backend of a direct Ingress: one finding that
    /// names both; where only the Ingress makes them direct, its events are the ones to read.
    #[test]
    fn pods_behind_two_backends_are_reported_once() {
        let mut f = facts();
        let mut internal = svc("internal", "NodePort", &[]);
        internal.spec.selector = [("app".to_string(), "web".to_string())].into();
        f.services = vec![direct_svc("web"), internal];
        f.ingresses = vec![
            serde_json::from_value(serde_json::json!({
                "metadata": {"namespace": "web", "name": "shop",
                    "annotations": {"ingress.cloud.tencent.com/direct-access": "true"}},
                "spec": {"defaultBackend": {"service": {"name": "internal", "port": {"number": 80}}}}
            }))
            .unwrap(),
        ];
        let mut stuck = pod("web", "web-abc-1");
        stuck.status.conditions[1].status = "False".into();
        f.pods = vec![stuck];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].message.starts_with(
                "1 pod of deploy/web behind svc/web and svc/internal (backend of ing/shop) has"
            ),
            "{}",
            out[0].message
        );
        assert!(out[0].fix.contains("describe svc/web`"), "{}", out[0].fix);

        f.services.remove(0);
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert!(
            out[0].fix.contains("`kubectl -n web describe ing/shop`"),
            "{}",
            out[0].fix
        );
    }
}
