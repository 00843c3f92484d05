//! Plain-data builders for check unit tests.

use std::collections::BTreeMap;

use serde_json::json;

use super::{Check, Ctx};
use crate::model::consts::READINESS_GATE;
use crate::model::facts::Scope;
use crate::model::{ClusterFacts, NetworkDetection, NetworkMode, Node, Pod, Service};
use crate::report::Finding;

pub fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn facts() -> ClusterFacts {
    ClusterFacts {
        scope: Scope {
            objects: true,
            ..Default::default()
        },
        ..Default::default()
    }
}

pub fn svc(name: &str, type_: &str, annotations: &[(&str, &str)]) -> Service {
    serde_json::from_value(json!({
        "metadata": {"namespace": "web", "name": name, "annotations": map(annotations)},
        "spec": {"type": type_, "selector": {"app": name}}
    }))
    .unwrap()
}

pub fn direct_svc(name: &str) -> Service {
    svc(
        name,
        "LoadBalancer",
        &[
            ("service.cloud.tencent.com/direct-access", "true"),
            ("service.kubernetes.io/loadbalance-id", "lb-1"),
        ],
    )
}

/// A running, ready pod of Deployment `app` (ReplicaSet `app-abc`) with the readiness gate True.
pub fn pod(app: &str, name: &str) -> Pod {
    serde_json::from_value(json!({
        "metadata": {
            "namespace": "web", "name": name,
            "labels": {"app": app, "pod-template-hash": "abc"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": format!("{app}-abc"), "controller": true}]
        },
        "spec": {"nodeName": "node-1", "readinessGates": [{"conditionType": READINESS_GATE}]},
        "status": {
            "phase": "Running", "podIP": "10.0.1.5",
            "conditions": [
                {"type": "ContainersReady", "status": "True"},
                {"type": READINESS_GATE, "status": "True"},
                {"type": "Ready", "status": "True"}
            ]
        }
    }))
    .unwrap()
}

pub fn node(name: &str) -> Node {
    serde_json::from_value(json!({
        "metadata": {"name": name},
        "status": {
            "capacity": {"tke.cloud.tencent.com/eni-ip": "27"},
            "allocatable": {"tke.cloud.tencent.com/eni-ip": "10"}
        }
    }))
    .unwrap()
}

pub fn check(check: &Check, facts: &ClusterFacts, mode: NetworkMode) -> Vec<Finding> {
    let net = NetworkDetection::given(mode, None);
    check_with(check, facts, &net)
}

pub fn check_with(check: &Check, facts: &ClusterFacts, net: &NetworkDetection) -> Vec<Finding> {
    let ctx = Ctx::new(facts, net);
    (check.run)(&ctx)
}
