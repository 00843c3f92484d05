//! Plain-data builders for check unit tests.

use std::collections::BTreeMap;

use super::{Check, Ctx, Finding};
use crate::cluster::facts::*;
use crate::model::network::{NetworkDetection, NetworkMode};

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

pub fn svc(name: &str, type_: &str, annotations: &[(&str, &str)]) -> ServiceFacts {
    ServiceFacts {
        namespace: "web".into(),
        name: name.into(),
        type_: type_.into(),
        annotations: map(annotations),
        selector: map(&[("app", name)]),
        ..Default::default()
    }
}

pub fn direct_svc(name: &str) -> ServiceFacts {
    svc(
        name,
        "LoadBalancer",
        &[
            ("service.cloud.tencent.com/direct-access", "true"),
            ("service.kubernetes.io/loadbalance-id", "lb-1"),
        ],
    )
}

/// A running, ready pod of Deployment `app` with the readiness gate True.
pub fn pod(app: &str, name: &str) -> PodFacts {
    let gate = crate::model::consts::READINESS_GATE;
    PodFacts {
        namespace: "web".into(),
        name: name.into(),
        labels: map(&[("app", app), ("pod-template-hash", "abc")]),
        node_name: Some("node-1".into()),
        pod_ip: Some("10.0.1.5".into()),
        phase: Some("Running".into()),
        readiness_gates: vec![gate.into()],
        conditions: vec![
            Condition {
                type_: "ContainersReady".into(),
                status: "True".into(),
                ..Default::default()
            },
            Condition {
                type_: gate.into(),
                status: "True".into(),
                ..Default::default()
            },
            Condition {
                type_: "Ready".into(),
                status: "True".into(),
                ..Default::default()
            },
        ],
        owner: Some(OwnerRef {
            kind: "ReplicaSet".into(),
            name: format!("{app}-abc"),
        }),
        ..Default::default()
    }
}

pub fn node(name: &str) -> NodeFacts {
    NodeFacts {
        name: name.into(),
        eni_ip_capacity: Some(27),
        eni_ip_allocatable: Some(10),
        ..Default::default()
    }
}

pub fn check(check: &Check, facts: &ClusterFacts, mode: NetworkMode) -> Vec<Finding> {
    let net = NetworkDetection::given(mode, None);
    check_with(check, facts, &net)
}

pub fn check_with(check: &Check, facts: &ClusterFacts, net: &NetworkDetection) -> Vec<Finding> {
    let ctx = Ctx::new(facts, net);
    (check.run)(&ctx)
}
