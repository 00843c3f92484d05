//! Which pod addresses a Service port should have on the CLB, from its endpoints and pods (the model's
//! objects). Pure.
//!
//! Wanted: every ready endpoint, plus pods whose containers are ready and whose only unmet readiness
//! condition is TKE's gate ([`crate::rules::readiness`]): the gate turns True only after TKE has bound the
//! pod and the CLB health check passed, so a sync that waited for readiness would never bind such a pod.
//! Terminating endpoints that still serve are left where they are (TKE drains them with weight 0), never
//! registered.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{DesiredTarget, Why};
use crate::model::service::ServicePort;
use crate::model::{Endpoint, Pod, PortRef};
use crate::rules::readiness::{Readiness, readiness};

/// The result for one Service port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desired {
    pub targets: Vec<DesiredTarget>,
    /// Terminating addresses that still serve: kept if bound, never registered.
    pub draining: BTreeSet<(String, i64)>,
    /// Every address the cluster knows for the Service, ready or not → pod name (for the plan's reasons).
    pub known: BTreeMap<String, String>,
    /// Endpoints that are neither ready nor waiting only on the gate.
    pub not_ready: usize,
    /// Problems worth a warning (a pod without the named port…).
    pub notes: Vec<String>,
}

/// The container port a Service's `targetPort` means in this pod: a number as is, a name resolved
/// against the pod's container ports of the same protocol (Kubernetes Service semantics; the endpoints
/// controller does the same for the pods it lists).
pub fn resolve_target_port(pod: &Pod, target: &PortRef, protocol: &str) -> Option<i64> {
    match target {
        PortRef::Number(n) => Some(*n),
        PortRef::Name(name) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .find(|p| p.name == *name && p.protocol() == protocol)
            .and_then(|p| p.container_port),
    }
}

/// Whether an address is IPv4 (the CLB binds pods by their IPv4 ENI address).
fn ipv4(ip: &str) -> bool {
    !ip.contains(':')
}

/// Desired targets of one Service port. `pods` are the pods the Service selects (for the gate check and
/// for gate-waiting pods the endpoints controller has not listed yet).
pub fn desired_for_port(sp: &ServicePort, endpoints: &[Endpoint], pods: &[Pod]) -> Desired {
    let by_name: BTreeMap<&str, &Pod> = pods.iter().map(|p| (p.name(), p)).collect();
    let mut out = Desired::default();
    let mut seen: BTreeSet<(String, i64)> = BTreeSet::new();
    let mut listed_ips: BTreeSet<&str> = BTreeSet::new();

    for ep in endpoints.iter().filter(|e| ipv4(&e.ip)) {
        listed_ips.insert(&ep.ip);
        if let Some(pod) = &ep.pod {
            out.known.insert(ep.ip.clone(), pod.clone());
        }
        let Some(port) = ep
            .ports
            .iter()
            .find(|p| p.name == sp.name && p.protocol() == sp.protocol())
            .and_then(|p| p.port)
        else {
            continue;
        };
        let key = (ep.ip.clone(), port);
        let why = if ep.ready {
            Some(Why::Ready)
        } else if ep.terminating {
            if ep.serving {
                out.draining.insert(key.clone());
            }
            None
        } else {
            // A not-ready endpoint whose pod looks Ready means the endpoints controller lags: trust the
            // endpoint and wait for the next sync.
            match ep
                .pod
                .as_deref()
                .and_then(|n| by_name.get(n))
                .map(|p| readiness(p))
            {
                Some(Readiness::WaitingOnGate) => Some(Why::WaitingOnGate),
                _ => None,
            }
        };
        match why {
            Some(why) if seen.insert(key.clone()) => out.targets.push(DesiredTarget {
                ip: key.0,
                port: key.1,
                pod: ep.pod.clone(),
                why,
            }),
            Some(_) => {}
            None if !ep.terminating => out.not_ready += 1,
            None => {}
        }
    }

    // Gate-waiting pods not listed in any endpoint yet: resolve the target port in the pod itself.
    let Some(target) = sp.target() else {
        return out;
    };
    for pod in pods {
        let Some(ip) = pod.ips().into_iter().find(|ip| ipv4(ip)) else {
            continue;
        };
        out.known
            .entry(ip.to_string())
            .or_insert_with(|| pod.name().to_string());
        if listed_ips.contains(ip) || readiness(pod) != Readiness::WaitingOnGate {
            continue;
        }
        match resolve_target_port(pod, &target, sp.protocol()) {
            Some(port) if seen.insert((ip.to_string(), port)) => out.targets.push(DesiredTarget {
                ip: ip.to_string(),
                port,
                pod: Some(pod.name().to_string()),
                why: Why::WaitingOnGate,
            }),
            Some(_) => {}
            None => out.notes.push(format!(
                "pod {} has no container port named `{target}` ({}): not bound for Service port {}",
                pod.name(),
                sp.protocol(),
                sp.label()
            )),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::consts::READINESS_GATE;
    use crate::model::endpoints::{EndpointPort, EndpointSlice};

    /// A running pod; `gates` lists (conditionType, status) readiness gates.
    pub fn pod(
        name: &str,
        ip: &str,
        ready: bool,
        containers_ready: bool,
        gates: &[(&str, bool)],
    ) -> Pod {
        serde_json::from_value(pod_json(name, ip, ready, containers_ready, gates)).unwrap()
    }

    pub fn pod_json(
        name: &str,
        ip: &str,
        ready: bool,
        containers_ready: bool,
        gates: &[(&str, bool)],
    ) -> serde_json::Value {
        let mut conditions = vec![
            json!({"type": "Ready", "status": if ready { "True" } else { "False" }}),
            json!({"type": "ContainersReady", "status": if containers_ready { "True" } else { "False" }}),
        ];
        for (g, ok) in gates {
            conditions.push(json!({"type": g, "status": if *ok { "True" } else { "False" }}));
        }
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
            "spec": {
                "readinessGates": gates.iter().map(|(g, _)| json!({"conditionType": g})).collect::<Vec<_>>(),
                "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9100}]}]
            },
            "status": {"phase": "Running", "podIP": ip, "conditions": conditions}
        })
    }

    fn ep(ip: &str, pod: &str, ready: bool, port: i64) -> Endpoint {
        Endpoint {
            ip: ip.into(),
            ready,
            terminating: false,
            serving: ready,
            pod: Some(pod.into()),
            node: None,
            ports: vec![EndpointPort {
                name: "http".into(),
                port: Some(port),
                protocol: "TCP".into(),
            }],
        }
    }

    pub fn http_port(target: PortRef) -> ServicePort {
        ServicePort {
            name: "http".into(),
            port: Some(80),
            protocol: "TCP".into(),
            target_port: Some(target),
            node_port: None,
        }
    }

    #[test]
    fn ready_endpoints_plus_gate_waiting_pods() {
        let pods = vec![
            pod("web-1", "10.0.0.1", true, true, &[(READINESS_GATE, true)]),
            pod("web-2", "10.0.0.2", false, true, &[(READINESS_GATE, false)]),
            pod(
                "web-3",
                "10.0.0.3",
                false,
                false,
                &[(READINESS_GATE, false)],
            ),
        ];
        let eps = vec![
            ep("10.0.0.1", "web-1", true, 8080),
            ep("10.0.0.2", "web-2", false, 8080),
            ep("10.0.0.3", "web-3", false, 8080),
        ];
        let d = desired_for_port(&http_port(PortRef::Name("http".into())), &eps, &pods);
        let got: Vec<_> = d
            .targets
            .iter()
            .map(|t| (t.ip.as_str(), t.port, t.why))
            .collect();
        assert_eq!(
            got,
            [
                ("10.0.0.1", 8080, Why::Ready),
                ("10.0.0.2", 8080, Why::WaitingOnGate)
            ]
        );
        assert_eq!(d.not_ready, 1);
        assert_eq!(d.known.get("10.0.0.3").map(String::as_str), Some("web-3"));
    }

    #[test]
    fn named_target_port_is_resolved_per_pod() {
        // Two pods name `http` differently; the endpoints controller put them in two slices.
        let slices: Vec<EndpointSlice> = serde_json::from_value(json!([
            {"metadata": {"name": "a"}, "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-1"}}]},
            {"metadata": {"name": "b"}, "addressType": "IPv4", "ports": [{"name": "http", "port": 8081, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.0.0.2"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-2"}}]}
        ]))
        .unwrap();
        let eps: Vec<Endpoint> = slices.iter().flat_map(EndpointSlice::flatten).collect();
        let d = desired_for_port(&http_port(PortRef::Name("http".into())), &eps, &[]);
        let got: Vec<_> = d.targets.iter().map(|t| (t.ip.as_str(), t.port)).collect();
        assert_eq!(got, [("10.0.0.1", 8080), ("10.0.0.2", 8081)]);

        // A gate-waiting pod the controller has not listed yet: its own container port named `metrics`.
        let waiting = pod("web-9", "10.0.0.9", false, true, &[(READINESS_GATE, false)]);
        let d = desired_for_port(
            &http_port(PortRef::Name("metrics".into())),
            &[],
            std::slice::from_ref(&waiting),
        );
        assert_eq!(
            (
                d.targets[0].ip.as_str(),
                d.targets[0].port,
                d.targets[0].why
            ),
            ("10.0.0.9", 9100, Why::WaitingOnGate)
        );
        let d = desired_for_port(
            &http_port(PortRef::Name("nope".into())),
            &[],
            std::slice::from_ref(&waiting),
        );
        assert!(d.targets.is_empty());
        assert!(
            d.notes[0].contains("no container port named `nope`"),
            "{:?}",
            d.notes
        );
        let d = desired_for_port(&http_port(PortRef::Number(7000)), &[], &[waiting]);
        assert_eq!(d.targets[0].port, 7000);
    }

    #[test]
    fn multiple_ports_pick_their_own_endpoint_port() {
        let mut e = ep("10.0.0.1", "web-1", true, 8080);
        e.ports.push(EndpointPort {
            name: "metrics".into(),
            port: Some(9100),
            protocol: "TCP".into(),
        });
        e.ports.push(EndpointPort {
            name: "dns".into(),
            port: Some(53),
            protocol: "UDP".into(),
        });
        let metrics = ServicePort {
            name: "metrics".into(),
            port: Some(9100),
            target_port: Some(PortRef::Name("metrics".into())),
            ..Default::default()
        };
        assert_eq!(
            desired_for_port(&metrics, std::slice::from_ref(&e), &[]).targets[0].port,
            9100
        );
        let dns_tcp = ServicePort {
            name: "dns".into(),
            port: Some(53),
            protocol: "TCP".into(),
            target_port: Some(PortRef::Number(53)),
            node_port: None,
        };
        assert!(
            desired_for_port(&dns_tcp, std::slice::from_ref(&e), &[])
                .targets
                .is_empty()
        );
    }

    #[test]
    fn terminating_serving_endpoints_drain() {
        let mut e = ep("10.0.0.5", "web-5", false, 8080);
        e.terminating = true;
        e.serving = true;
        let d = desired_for_port(&http_port(PortRef::Number(8080)), &[e], &[]);
        assert!(d.targets.is_empty());
        assert!(d.draining.contains(&("10.0.0.5".to_string(), 8080)));
        assert_eq!(d.not_ready, 0);
    }
}
