//! A pod's readiness with respect to TKE's readiness gate `cloud.tencent.com/load-balancer-backendgroup-ready`.
//!
//! Sources: Kubernetes pod lifecycle — a pod is Ready only when its containers are ready and every
//! readiness-gate condition is True; an absent condition counts as False. DOC41897 — TKE sets the gate
//! True only after the pod is bound on the CLB and passed its health check (domain notes §2). So a pod
//! whose only unmet condition is the gate is waiting for TKE, not broken.

use crate::model::Pod;
use crate::model::consts::READINESS_GATE;

/// Whether the pod carries TKE's readiness gate (`spec.readinessGates`); injected at pod creation.
pub fn has_gate(pod: &Pod) -> bool {
    pod.spec
        .readiness_gates
        .iter()
        .any(|g| g.condition_type == READINESS_GATE)
}

/// The gate's state on one pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// The pod has no gate (created before direct access, or the webhook did not run).
    Absent,
    True,
    /// The gate condition is False or not reported yet; `since` is its lastTransitionTime (else the pod's
    /// creation time), to tell a rollout's seconds from a stuck pod.
    False {
        since: Option<jiff::Timestamp>,
        reason: Option<String>,
        message: Option<String>,
    },
}

pub fn gate(pod: &Pod) -> Gate {
    if !has_gate(pod) {
        return Gate::Absent;
    }
    match pod.condition(READINESS_GATE) {
        Some(c) if c.is_true() => Gate::True,
        Some(c) => Gate::False {
            since: c.last_transition_time.or(pod.metadata.creation_timestamp),
            reason: c.reason.clone(),
            message: c.message.clone(),
        },
        None => Gate::False {
            since: pod.metadata.creation_timestamp,
            reason: None,
            message: None,
        },
    }
}

/// Readiness of a pod as far as CLB binding is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// Containers ready; every readiness gate True except TKE's, which turns True only once the pod is
    /// bound: binding it is what lets it become Ready.
    WaitingOnGate,
    /// Being deleted: TKE keeps it bound at weight 0 until it is gone (graceful drain).
    Terminating,
    NotReady,
}

pub fn readiness(pod: &Pod) -> Readiness {
    if pod.metadata.terminating() {
        return Readiness::Terminating;
    }
    if pod.status.phase.as_deref() != Some("Running") {
        return Readiness::NotReady;
    }
    if pod.condition_true("Ready") {
        return Readiness::Ready;
    }
    let others_true = pod
        .spec
        .readiness_gates
        .iter()
        .filter(|g| g.condition_type != READINESS_GATE)
        .all(|g| pod.condition_true(&g.condition_type));
    if has_gate(pod)
        && !pod.condition_true(READINESS_GATE)
        && others_true
        && pod.condition_true("ContainersReady")
    {
        Readiness::WaitingOnGate
    } else {
        Readiness::NotReady
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(ready: bool, containers: bool, gates: &[(&str, Option<bool>)]) -> Pod {
        let b = |v: bool| if v { "True" } else { "False" };
        let mut conditions = vec![
            json!({"type": "Ready", "status": b(ready)}),
            json!({"type": "ContainersReady", "status": b(containers)}),
        ];
        for (g, s) in gates {
            if let Some(s) = s {
                conditions.push(json!({"type": g, "status": b(*s), "lastTransitionTime": "2024-03-01T08:00:00Z"}));
            }
        }
        let gates: Vec<_> = gates
            .iter()
            .map(|(g, _)| json!({"conditionType": g}))
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": "p", "creationTimestamp": "2024-03-01T07:00:00Z"},
            "spec": {"readinessGates": gates},
            "status": {"phase": "Running", "conditions": conditions}
        }))
        .unwrap()
    }

    #[test]
    fn waiting_only_on_tke_gate() {
        assert_eq!(
            readiness(&pod(true, true, &[(READINESS_GATE, Some(true))])),
            Readiness::Ready
        );
        assert_eq!(
            readiness(&pod(false, true, &[(READINESS_GATE, Some(false))])),
            Readiness::WaitingOnGate
        );
        assert_eq!(
            readiness(&pod(false, true, &[(READINESS_GATE, None)])),
            Readiness::WaitingOnGate,
            "an absent condition counts as False"
        );
        assert_eq!(
            readiness(&pod(false, false, &[(READINESS_GATE, Some(false))])),
            Readiness::NotReady
        );
        assert_eq!(
            readiness(&pod(
                false,
                true,
                &[(READINESS_GATE, Some(false)), ("other/gate", Some(false))]
            )),
            Readiness::NotReady,
            "another unmet gate is not TKE's to lift"
        );
        assert_eq!(readiness(&pod(false, true, &[])), Readiness::NotReady);
        let mut t = pod(true, true, &[]);
        t.metadata.deletion_timestamp = Some("2024-03-01T09:00:00Z".parse().unwrap());
        assert_eq!(readiness(&t), Readiness::Terminating);
    }

    #[test]
    fn gate_states_with_their_age() {
        assert_eq!(gate(&pod(true, true, &[])), Gate::Absent);
        assert_eq!(
            gate(&pod(true, true, &[(READINESS_GATE, Some(true))])),
            Gate::True
        );
        match gate(&pod(false, true, &[(READINESS_GATE, Some(false))])) {
            Gate::False { since, .. } => {
                assert_eq!(since.unwrap().to_string(), "2024-03-01T08:00:00Z")
            }
            other => panic!("{other:?}"),
        }
        match gate(&pod(false, true, &[(READINESS_GATE, None)])) {
            Gate::False { since, .. } => {
                assert_eq!(
                    since.unwrap().to_string(),
                    "2024-03-01T07:00:00Z",
                    "the pod's age"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}
