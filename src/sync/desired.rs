//! Which pod addresses a Service port should have on the CLB, from its endpoints and pods. Pure.
//!
//! Wanted: every ready endpoint, plus pods whose containers are ready and whose only unmet readiness
//! condition is TKE's gate (`cloud.tencent.com/load-balancer-backendgroup-ready`). The gate turns True
//! only after TKE has bound the pod and the CLB health check passed, so a sync that waited for readiness
//! would never bind such a pod. Terminating endpoints that still serve are left where they are (TKE drains
//! them with weight 0), never registered.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::endpoints::Endpoint;
use super::model::{DesiredTarget, Why};
use crate::model::consts::READINESS_GATE;

/// A Service's `targetPort`: a number, or the name of a container port resolved per pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    Number(i64),
    Name(String),
}

/// One entry of `spec.ports`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePortSpec {
    pub name: String,
    pub port: i64,
    pub protocol: String,
    pub target_port: TargetPort,
}

impl ServicePortSpec {
    /// The name if any, else the port number: how the plan refers to it.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            self.port.to_string()
        } else {
            self.name.clone()
        }
    }
}

pub fn service_ports(svc: &Service) -> Vec<ServicePortSpec> {
    let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
    ports
        .into_iter()
        .flatten()
        .map(|p| ServicePortSpec {
            name: p.name.clone().unwrap_or_default(),
            port: i64::from(p.port),
            protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            target_port: match &p.target_port {
                Some(IntOrString::Int(n)) => TargetPort::Number(i64::from(*n)),
                Some(IntOrString::String(s)) => match s.parse::<i64>() {
                    Ok(n) => TargetPort::Number(n),
                    Err(_) => TargetPort::Name(s.clone()),
                },
                None => TargetPort::Number(i64::from(p.port)),
            },
        })
        .collect()
}

/// Readiness of a pod as far as binding is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodReadiness {
    Ready,
    /// Containers ready; every readiness gate True except TKE's.
    WaitingOnGate,
    NotReady,
}

fn condition_true(pod: &Pod, kind: &str) -> bool {
    let conditions = pod.status.as_ref().and_then(|s| s.conditions.as_ref());
    conditions
        .into_iter()
        .flatten()
        .any(|c| c.type_ == kind && c.status == "True")
}

pub fn readiness(pod: &Pod) -> PodReadiness {
    let deleting = pod.metadata.deletion_timestamp.is_some();
    let running = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
    if deleting || !running {
        return PodReadiness::NotReady;
    }
    if condition_true(pod, "Ready") {
        return PodReadiness::Ready;
    }
    let gates: Vec<&str> = pod
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_ref())
        .into_iter()
        .flatten()
        .map(|g| g.condition_type.as_str())
        .collect();
    let only_tke_gate_unmet = gates.contains(&READINESS_GATE)
        && !condition_true(pod, READINESS_GATE)
        && gates
            .iter()
            .filter(|g| **g != READINESS_GATE)
            .all(|g| condition_true(pod, g));
    if only_tke_gate_unmet && condition_true(pod, "ContainersReady") {
        PodReadiness::WaitingOnGate
    } else {
        PodReadiness::NotReady
    }
}

/// The container port a `targetPort` means in this pod.
pub fn resolve_target_port(pod: &Pod, target: &TargetPort, protocol: &str) -> Option<i64> {
    match target {
        TargetPort::Number(n) => Some(*n),
        TargetPort::Name(name) => pod
            .spec
            .as_ref()?
            .containers
            .iter()
            .flat_map(|c| c.ports.iter().flatten())
            .find(|p| {
                p.name.as_deref() == Some(name.as_str())
                    && p.protocol.as_deref().unwrap_or("TCP") == protocol
            })
            .map(|p| i64::from(p.container_port)),
    }
}

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

fn pod_ip(pod: &Pod) -> Option<&str> {
    pod.status
        .as_ref()?
        .pod_ip
        .as_deref()
        .filter(|ip| !ip.is_empty())
}

/// Desired targets of one Service port. `pods` are the pods the Service selects (for the gate check and
/// for gate-waiting pods the endpoints controller has not listed yet).
pub fn desired_for_port(sp: &ServicePortSpec, endpoints: &[Endpoint], pods: &[Pod]) -> Desired {
    let by_name: BTreeMap<&str, &Pod> = pods
        .iter()
        .filter_map(|p| p.metadata.name.as_deref().map(|n| (n, p)))
        .collect();
    let mut out = Desired::default();
    let mut seen: BTreeSet<(String, i64)> = BTreeSet::new();
    let mut listed_ips: BTreeSet<&str> = BTreeSet::new();

    for ep in endpoints {
        listed_ips.insert(&ep.ip);
        if let Some(pod) = &ep.pod {
            out.known.insert(ep.ip.clone(), pod.clone());
        }
        let Some(port) = ep
            .ports
            .iter()
            .find(|p| p.name == sp.name && p.protocol == sp.protocol)
        else {
            continue;
        };
        let key = (ep.ip.clone(), port.port);
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
                Some(PodReadiness::WaitingOnGate) => Some(Why::WaitingOnGate),
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
    for pod in pods {
        let (Some(name), Some(ip)) = (pod.metadata.name.as_deref(), pod_ip(pod)) else {
            continue;
        };
        out.known
            .entry(ip.to_string())
            .or_insert_with(|| name.to_string());
        if listed_ips.contains(ip) || readiness(pod) != PodReadiness::WaitingOnGate {
            continue;
        }
        match resolve_target_port(pod, &sp.target_port, &sp.protocol) {
            Some(port) if seen.insert((ip.to_string(), port)) => out.targets.push(DesiredTarget {
                ip: ip.to_string(),
                port,
                pod: Some(name.to_string()),
                why: Why::WaitingOnGate,
            }),
            Some(_) => {}
            None => out.notes.push(format!(
                "pod {name} has no container port named `{}` ({}): not bound for Service port {}",
                match &sp.target_port {
                    TargetPort::Name(n) => n.as_str(),
                    TargetPort::Number(_) => "",
                },
                sp.protocol,
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
    use crate::sync::endpoints::{EndpointPort, from_slices};

    /// A running pod; `gates` lists (conditionType, status) readiness gates.
    pub fn pod(
        name: &str,
        ip: &str,
        ready: bool,
        containers_ready: bool,
        gates: &[(&str, bool)],
    ) -> Pod {
        let mut conditions = vec![
            json!({"type": "Ready", "status": if ready { "True" } else { "False" }}),
            json!({"type": "ContainersReady", "status": if containers_ready { "True" } else { "False" }}),
        ];
        for (g, ok) in gates {
            conditions.push(json!({"type": g, "status": if *ok { "True" } else { "False" }}));
        }
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
            "spec": {
                "readinessGates": gates.iter().map(|(g, _)| json!({"conditionType": g})).collect::<Vec<_>>(),
                "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9100}]}]
            },
            "status": {"phase": "Running", "podIP": ip, "conditions": conditions}
        }))
        .unwrap()
    }

    fn ep(ip: &str, pod: &str, ready: bool, port: i64) -> Endpoint {
        Endpoint {
            ip: ip.into(),
            ready,
            terminating: false,
            serving: ready,
            pod: Some(pod.into()),
            ports: vec![EndpointPort {
                name: "http".into(),
                port,
                protocol: "TCP".into(),
            }],
        }
    }

    fn http_port(target: TargetPort) -> ServicePortSpec {
        ServicePortSpec {
            name: "http".into(),
            port: 80,
            protocol: "TCP".into(),
            target_port: target,
        }
    }

    #[test]
    fn readiness_rules() {
        assert_eq!(
            readiness(&pod("a", "10.0.0.1", true, true, &[(READINESS_GATE, true)])),
            PodReadiness::Ready
        );
        assert_eq!(
            readiness(&pod(
                "a",
                "10.0.0.1",
                false,
                true,
                &[(READINESS_GATE, false)]
            )),
            PodReadiness::WaitingOnGate
        );
        // A condition absent from status counts as False: still waiting on the gate.
        let mut p = pod("a", "10.0.0.1", false, true, &[(READINESS_GATE, false)]);
        p.status
            .as_mut()
            .unwrap()
            .conditions
            .as_mut()
            .unwrap()
            .retain(|c| c.type_ != READINESS_GATE);
        assert_eq!(readiness(&p), PodReadiness::WaitingOnGate);
        // Containers not ready, another gate unmet, no TKE gate at all, or being deleted: not bindable.
        assert_eq!(
            readiness(&pod(
                "a",
                "10.0.0.1",
                false,
                false,
                &[(READINESS_GATE, false)]
            )),
            PodReadiness::NotReady
        );
        assert_eq!(
            readiness(&pod(
                "a",
                "10.0.0.1",
                false,
                true,
                &[(READINESS_GATE, false), ("example.com/other", false)]
            )),
            PodReadiness::NotReady
        );
        assert_eq!(
            readiness(&pod(
                "a",
                "10.0.0.1",
                false,
                true,
                &[(READINESS_GATE, false), ("example.com/other", true)]
            )),
            PodReadiness::WaitingOnGate
        );
        assert_eq!(
            readiness(&pod("a", "10.0.0.1", false, true, &[])),
            PodReadiness::NotReady
        );
        let mut deleting = pod("a", "10.0.0.1", true, true, &[]);
        deleting.metadata.deletion_timestamp =
            Some(serde_json::from_value(json!("2026-01-01T00:00:00Z")).unwrap());
        assert_eq!(readiness(&deleting), PodReadiness::NotReady);
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
        let d = desired_for_port(&http_port(TargetPort::Name("http".into())), &eps, &pods);
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
        let slices: Vec<k8s_openapi::api::discovery::v1::EndpointSlice> = serde_json::from_value(json!([
            {"metadata": {"name": "a"}, "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-1"}}]},
            {"metadata": {"name": "b"}, "addressType": "IPv4", "ports": [{"name": "http", "port": 8081, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.0.0.2"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-2"}}]}
        ]))
        .unwrap();
        let d = desired_for_port(
            &http_port(TargetPort::Name("http".into())),
            &from_slices(&slices),
            &[],
        );
        let got: Vec<_> = d.targets.iter().map(|t| (t.ip.as_str(), t.port)).collect();
        assert_eq!(got, [("10.0.0.1", 8080), ("10.0.0.2", 8081)]);

        // A gate-waiting pod the controller has not listed yet: its own container port named `metrics`.
        let waiting = pod("web-9", "10.0.0.9", false, true, &[(READINESS_GATE, false)]);
        let metrics = ServicePortSpec {
            name: "http".into(),
            port: 80,
            protocol: "TCP".into(),
            target_port: TargetPort::Name("metrics".into()),
        };
        let d = desired_for_port(&metrics, &[], std::slice::from_ref(&waiting));
        assert_eq!(
            (
                d.targets[0].ip.as_str(),
                d.targets[0].port,
                d.targets[0].why
            ),
            ("10.0.0.9", 9100, Why::WaitingOnGate)
        );
        let d = desired_for_port(
            &http_port(TargetPort::Name("nope".into())),
            &[],
            std::slice::from_ref(&waiting),
        );
        assert!(d.targets.is_empty());
        assert!(
            d.notes[0].contains("no container port named `nope`"),
            "{:?}",
            d.notes
        );
        let d = desired_for_port(&http_port(TargetPort::Number(7000)), &[], &[waiting]);
        assert_eq!(d.targets[0].port, 7000);
    }

    #[test]
    fn multiple_ports_pick_their_own_endpoint_port() {
        let mut e = ep("10.0.0.1", "web-1", true, 8080);
        e.ports.push(EndpointPort {
            name: "metrics".into(),
            port: 9100,
            protocol: "TCP".into(),
        });
        e.ports.push(EndpointPort {
            name: "dns".into(),
            port: 53,
            protocol: "UDP".into(),
        });
        let metrics = ServicePortSpec {
            name: "metrics".into(),
            port: 9100,
            protocol: "TCP".into(),
            target_port: TargetPort::Name("metrics".into()),
        };
        assert_eq!(
            desired_for_port(&metrics, std::slice::from_ref(&e), &[]).targets[0].port,
            9100
        );
        let dns_tcp = ServicePortSpec {
            name: "dns".into(),
            port: 53,
            protocol: "TCP".into(),
            target_port: TargetPort::Number(53),
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
        let d = desired_for_port(&http_port(TargetPort::Number(8080)), &[e], &[]);
        assert!(d.targets.is_empty());
        assert!(d.draining.contains(&("10.0.0.5".to_string(), 8080)));
        assert_eq!(d.not_ready, 0);
    }

    #[test]
    fn service_port_defaults() {
        let svc: Service = serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "spec": {"ports": [{"port": 80}, {"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}, {"name": "n", "port": 81, "targetPort": 8081}]}
        }))
        .unwrap();
        let ports = service_ports(&svc);
        assert_eq!(ports[0].target_port, TargetPort::Number(80));
        assert_eq!(ports[0].label(), "80");
        assert_eq!(ports[1].target_port, TargetPort::Name("https".into()));
        assert_eq!(ports[2].target_port, TargetPort::Number(8081));
    }
}
