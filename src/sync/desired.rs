//! Which pod addresses a Service port should have on the CLB, from its endpoints and pods (the model's
//! objects). Pure.
//!
//! Wanted: every ready endpoint, plus pods whose containers are ready and whose only unmet readiness
//! condition is TKE's gate ([`crate::rules::readiness`]): the gate turns True only after TKE has bound the
//! pod and the CLB health check passed, so a sync that waited for readiness would never bind such a pod.
//!
//! Known: every address of every pod of the Service that still exists, with its state and the port it
//! serves the Service port on. TKE keeps terminating and not-ready pods bound at weight 0 until they are
//! gone (graceful drain, always on since controller v2.2; domain notes §6.3): the planner leaves targets at
//! such addresses alone and deregisters only addresses that belong to no pod of the Service.
//!
//! Only ENI addresses are ENI targets ([`crate::rules::network::pod_network`]): a pod with a GlobalRouter IP
//! (inside its node's podCIDR, or networks-status `tke-bridge`) or on the host network is skipped with the
//! reason, and its address is never registered as an `EniIp` target (domain notes §6.3).

use std::collections::{BTreeMap, BTreeSet};

use super::model::{DesiredTarget, Why, addr_cmp};
use crate::model::service::ServicePort;
use crate::model::{Endpoint, Pod, PortRef};
use crate::rules::network::PodNetwork;
use crate::rules::readiness::{Readiness, readiness};

/// A pod's state as far as its CLB target is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodState {
    Ready,
    /// Containers ready, waiting only on TKE's gate.
    WaitingOnGate,
    /// Being deleted: TKE drains it at weight 0 until it is gone.
    Terminating,
    /// Not ready (TKE keeps it bound at weight 0 too).
    NotReady,
}

impl PodState {
    pub fn as_str(self) -> &'static str {
        match self {
            PodState::Ready => "ready",
            PodState::WaitingOnGate => "waiting on TKE's readiness gate",
            PodState::Terminating => "terminating",
            PodState::NotReady => "not ready",
        }
    }
}

impl From<Readiness> for PodState {
    fn from(r: Readiness) -> Self {
        match r {
            Readiness::Ready => PodState::Ready,
            Readiness::WaitingOnGate => PodState::WaitingOnGate,
            Readiness::Terminating => PodState::Terminating,
            Readiness::NotReady => PodState::NotReady,
        }
    }
}

/// An address that belongs to a pod (or an endpoint) of the Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAddr {
    /// The pod (None for an endpoint without a pod reference).
    pub pod: Option<String>,
    pub state: PodState,
    /// The port it serves the Service port on, when known.
    pub port: Option<i64>,
    /// Why the pod is not on an ENI, when it is not.
    pub not_eni: Option<NotEni>,
}

/// Why a pod's address is not an ENI address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NotEni {
    /// `hostNetwork`: the address is the node's.
    HostNetwork,
    /// A GlobalRouter IP, with the evidence.
    GlobalRouter(String),
    /// A Cilium-Overlay address.
    Overlay,
}

impl NotEni {
    /// Where the pod's address comes from, if not from an ENI.
    pub fn of(network: &PodNetwork) -> Option<NotEni> {
        match network {
            PodNetwork::Eni | PodNetwork::SuperNode => None,
            PodNetwork::HostNetwork => Some(NotEni::HostNetwork),
            PodNetwork::GlobalRouter(evidence) => Some(NotEni::GlobalRouter(evidence.clone())),
            PodNetwork::Overlay => Some(NotEni::Overlay),
        }
    }

    /// `host-network`, `global-router`, `overlay`.
    pub fn id(&self) -> &'static str {
        match self {
            NotEni::HostNetwork => "host-network",
            NotEni::GlobalRouter(_) => "global-router",
            NotEni::Overlay => "overlay",
        }
    }

    /// For people.
    pub fn describe(&self) -> String {
        match self {
            NotEni::HostNetwork => "host network: its address is the node's".to_string(),
            NotEni::GlobalRouter(evidence) => format!("GlobalRouter IP: {evidence}"),
            NotEni::Overlay => "Cilium-Overlay address".to_string(),
        }
    }
}

/// Why a pod the Service wants is not registered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// Its address is not an ENI address.
    NotEni(NotEni),
    /// It has no address of the family the listener takes (`IPv4` or `IPv6`).
    NoAddressFor(&'static str),
}

impl SkipReason {
    /// `host-network`, `global-router`, `overlay`, `no-address-of-listener-family`.
    pub fn id(&self) -> &'static str {
        match self {
            SkipReason::NotEni(n) => n.id(),
            SkipReason::NoAddressFor(_) => "no-address-of-listener-family",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            SkipReason::NotEni(n) => n.describe(),
            SkipReason::NoAddressFor(family) => {
                format!("no {family} address, and the listener takes {family} targets only")
            }
        }
    }

    pub fn is_not_eni(&self) -> bool {
        matches!(self, SkipReason::NotEni(_))
    }
}

/// A pod the Service wants that is not registered (`ip`: its first address).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub pod: String,
    pub ip: String,
    pub reason: SkipReason,
}

/// The result for one Service port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desired {
    pub targets: Vec<DesiredTarget>,
    /// Every address of the Service's pods and endpoints that still exist, whatever their state.
    pub known: BTreeMap<String, KnownAddr>,
    /// Pods that would be wanted but are not on an ENI.
    pub skipped: Vec<Skipped>,
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

/// Desired targets of one Service port. `pods` are the pods the Service selects (for the gate check and
/// for gate-waiting pods the endpoints controller has not listed yet); `networks` says where each pod's
/// address comes from (by pod name; a pod not in it counts as on an ENI). Endpoints of both families are
/// read: a dual-stack pod is one target with two addresses, and the planner picks the one the listener
/// takes.
pub fn desired_for_port(
    sp: &ServicePort,
    endpoints: &[Endpoint],
    pods: &[Pod],
    networks: &BTreeMap<String, PodNetwork>,
) -> Desired {
    let by_name: BTreeMap<&str, &Pod> = pods.iter().map(|p| (p.name(), p)).collect();
    let not_eni = |pod: Option<&str>| pod.and_then(|p| networks.get(p)).and_then(NotEni::of);
    let mut out = Desired::default();
    // One target per pod (or per address, for endpoints without a pod) and port.
    let mut units: Vec<DesiredTarget> = Vec::new();
    let mut index: BTreeMap<(String, i64), usize> = BTreeMap::new();
    let mut add =
        |units: &mut Vec<DesiredTarget>, key: (String, i64), ip: &str, pod, why| match index
            .get(&key)
        {
            Some(&i) if !units[i].addrs.iter().any(|a| a == ip) => units[i].addrs.push(ip.into()),
            Some(_) => {}
            None => {
                index.insert(key.clone(), units.len());
                units.push(DesiredTarget {
                    addrs: vec![ip.to_string()],
                    port: key.1,
                    pod,
                    why,
                });
            }
        };
    let mut listed_ips: BTreeSet<&str> = BTreeSet::new();

    for ep in endpoints {
        listed_ips.insert(&ep.ip);
        let port = ep
            .ports
            .iter()
            .find(|p| p.name == sp.name && p.protocol() == sp.protocol())
            .and_then(|p| p.port);
        let pod_state = ep
            .pod
            .as_deref()
            .and_then(|n| by_name.get(n))
            .map(|p| readiness(p));
        let state = if ep.ready {
            PodState::Ready
        } else if ep.terminating || pod_state == Some(Readiness::Terminating) {
            PodState::Terminating
        } else if pod_state == Some(Readiness::WaitingOnGate) {
            PodState::WaitingOnGate
        } else {
            // A not-ready endpoint whose pod looks Ready means the endpoints controller lags: trust the
            // endpoint and wait for the next sync.
            PodState::NotReady
        };
        let off_eni = not_eni(ep.pod.as_deref());
        out.known.insert(
            ep.ip.clone(),
            KnownAddr {
                pod: ep.pod.clone(),
                state,
                port,
                not_eni: off_eni.clone(),
            },
        );
        let Some(port) = port else {
            continue;
        };
        let why = match state {
            PodState::Ready => Some(Why::Ready),
            PodState::WaitingOnGate => Some(Why::WaitingOnGate),
            PodState::Terminating | PodState::NotReady => None,
        };
        match (why, off_eni) {
            (Some(_), Some(reason)) => {
                let s = Skipped {
                    pod: ep.pod.clone().unwrap_or_default(),
                    ip: ep.ip.clone(),
                    reason: SkipReason::NotEni(reason),
                };
                if !out
                    .skipped
                    .iter()
                    .any(|x| x.pod == s.pod && !s.pod.is_empty())
                {
                    out.skipped.push(s);
                }
            }
            (Some(why), None) => {
                let key = (ep.pod.clone().unwrap_or_else(|| ep.ip.clone()), port);
                add(&mut units, key, &ep.ip, ep.pod.clone(), why);
            }
            (None, _) if state == PodState::NotReady => out.not_ready += 1,
            (None, _) => {}
        }
    }

    // Gate-waiting pods not listed in any endpoint yet: resolve the target port in the pod itself.
    let Some(target) = sp.target() else {
        out.targets = units;
        return out;
    };
    for pod in pods {
        let ips = pod.ips();
        if ips.is_empty() {
            continue;
        }
        let port = resolve_target_port(pod, &target, sp.protocol());
        let off_eni = not_eni(Some(pod.name()));
        for ip in &ips {
            out.known
                .entry(ip.to_string())
                .or_insert_with(|| KnownAddr {
                    pod: Some(pod.name().to_string()),
                    state: readiness(pod).into(),
                    port,
                    not_eni: off_eni.clone(),
                });
        }
        if ips.iter().any(|ip| listed_ips.contains(ip))
            || readiness(pod) != Readiness::WaitingOnGate
        {
            continue;
        }
        if let Some(reason) = off_eni {
            out.skipped.push(Skipped {
                pod: pod.name().to_string(),
                ip: ips[0].to_string(),
                reason: SkipReason::NotEni(reason),
            });
            continue;
        }
        match port {
            Some(port) => {
                for ip in &ips {
                    let key = (pod.name().to_string(), port);
                    add(
                        &mut units,
                        key,
                        ip,
                        Some(pod.name().to_string()),
                        Why::WaitingOnGate,
                    );
                }
            }
            None => out.notes.push(format!(
                "pod {} has no container port named `{target}` ({}): not bound for Service port {}",
                pod.name(),
                sp.protocol(),
                sp.label()
            )),
        }
    }
    for u in &mut units {
        u.addrs.sort_by(|a, b| addr_cmp((a, 0), (b, 0)));
    }
    out.targets = units;
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

    fn desired_for(sp: &ServicePort, endpoints: &[Endpoint], pods: &[Pod]) -> Desired {
        desired_for_port(sp, endpoints, pods, &BTreeMap::new())
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
        let d = desired_for(&http_port(PortRef::Name("http".into())), &eps, &pods);
        let got: Vec<_> = d
            .targets
            .iter()
            .map(|t| (t.addrs[0].as_str(), t.port, t.why))
            .collect();
        assert_eq!(
            got,
            [
                ("10.0.0.1", 8080, Why::Ready),
                ("10.0.0.2", 8080, Why::WaitingOnGate)
            ]
        );
        assert_eq!(d.not_ready, 1);
        assert_eq!(
            d.known.get("10.0.0.3"),
            Some(&KnownAddr {
                pod: Some("web-3".into()),
                state: PodState::NotReady,
                port: Some(8080),
                not_eni: None
            })
        );
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
        let d = desired_for(&http_port(PortRef::Name("http".into())), &eps, &[]);
        let got: Vec<_> = d
            .targets
            .iter()
            .map(|t| (t.addrs[0].as_str(), t.port))
            .collect();
        assert_eq!(got, [("10.0.0.1", 8080), ("10.0.0.2", 8081)]);

        // A gate-waiting pod the controller has not listed yet: its own container port named `metrics`.
        let waiting = pod("web-9", "10.0.0.9", false, true, &[(READINESS_GATE, false)]);
        let d = desired_for(
            &http_port(PortRef::Name("metrics".into())),
            &[],
            std::slice::from_ref(&waiting),
        );
        assert_eq!(
            (
                d.targets[0].addrs[0].as_str(),
                d.targets[0].port,
                d.targets[0].why
            ),
            ("10.0.0.9", 9100, Why::WaitingOnGate)
        );
        let d = desired_for(
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
        let d = desired_for(&http_port(PortRef::Number(7000)), &[], &[waiting]);
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
            desired_for(&metrics, std::slice::from_ref(&e), &[]).targets[0].port,
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
            desired_for(&dns_tcp, std::slice::from_ref(&e), &[])
                .targets
                .is_empty()
        );
    }

    #[test]
    fn both_families_of_a_pod_are_one_target() {
        let mut v6 = ep("fd00::1", "web-1", true, 8080);
        v6.node = None;
        let mut waiting = pod("web-2", "10.0.0.2", false, true, &[(READINESS_GATE, false)]);
        waiting.status.pod_ips = vec![
            crate::model::pod::PodIp {
                ip: "10.0.0.2".into(),
            },
            crate::model::pod::PodIp {
                ip: "fd00::2".into(),
            },
        ];
        let d = desired_for(
            &http_port(PortRef::Name("http".into())),
            &[v6, ep("10.0.0.1", "web-1", true, 8080)],
            &[waiting],
        );
        let got: Vec<_> = d.targets.iter().map(|t| (t.addrs.clone(), t.why)).collect();
        assert_eq!(
            got,
            [
                (
                    vec!["10.0.0.1".to_string(), "fd00::1".to_string()],
                    Why::Ready
                ),
                (
                    vec!["10.0.0.2".to_string(), "fd00::2".to_string()],
                    Why::WaitingOnGate
                )
            ]
        );
        assert_eq!(d.known["fd00::2"].pod.as_deref(), Some("web-2"));
    }

    #[test]
    fn only_eni_addresses_are_wanted() {
        use crate::model::NetworkMode;
        use crate::model::consts::POD_NETWORKS_STATUS;
        use crate::rules::network::pod_network;
        let mut host = pod("web-1", "192.168.0.1", true, true, &[]);
        host.spec.host_network = true;
        let mut bridged = pod(
            "web-2",
            "172.16.0.9",
            false,
            true,
            &[(READINESS_GATE, false)],
        );
        bridged.metadata.annotations.insert(
            POD_NETWORKS_STATUS.into(),
            r#"[{"name":"tke-bridge","ips":["172.16.0.9"]}]"#.into(),
        );
        let eni = pod("web-3", "10.0.0.3", true, true, &[]);
        let pods = vec![host, bridged, eni];
        let networks: BTreeMap<String, PodNetwork> = pods
            .iter()
            .map(|p| {
                (
                    p.name().to_string(),
                    pod_network(p, None, NetworkMode::Unknown),
                )
            })
            .collect();
        let d = desired_for_port(
            &http_port(PortRef::Name("http".into())),
            &[
                ep("192.168.0.1", "web-1", true, 8080),
                ep("10.0.0.3", "web-3", true, 8080),
            ],
            &pods,
            &networks,
        );
        let wanted: Vec<&str> = d.targets.iter().map(|t| t.addrs[0].as_str()).collect();
        assert_eq!(wanted, ["10.0.0.3"]);
        let skipped: Vec<(&str, &str)> = d
            .skipped
            .iter()
            .map(|s| (s.pod.as_str(), s.reason.id()))
            .collect();
        assert_eq!(
            skipped,
            [("web-1", "host-network"), ("web-2", "global-router")]
        );
        assert!(
            d.skipped[1]
                .reason
                .describe()
                .contains("networks-status names tke-bridge"),
            "{:?}",
            d.skipped
        );
        // Their addresses are still the Service's: a target there is never taken for a stranger's.
        assert_eq!(
            d.known["172.16.0.9"].not_eni.as_ref().map(NotEni::id),
            Some("global-router")
        );
    }

    #[test]
    fn terminating_and_not_ready_pods_are_known_never_wanted() {
        let mut e = ep("10.0.0.5", "web-5", false, 8080);
        e.terminating = true;
        e.serving = true;
        // A pod being deleted that its endpoint still shows as not ready, and one not ready at all.
        let mut deleting = pod("web-6", "10.0.0.6", false, true, &[]);
        deleting.metadata.deletion_timestamp = Some("2026-01-01T00:00:00Z".parse().unwrap());
        let stuck = pod("web-7", "10.0.0.7", false, false, &[]);
        let d = desired_for(
            &http_port(PortRef::Name("http".into())),
            &[e, ep("10.0.0.6", "web-6", false, 8080)],
            &[deleting, stuck],
        );
        assert!(d.targets.is_empty());
        let state = |ip: &str| d.known.get(ip).map(|k| (k.state, k.port));
        assert_eq!(state("10.0.0.5"), Some((PodState::Terminating, Some(8080))));
        assert_eq!(state("10.0.0.6"), Some((PodState::Terminating, Some(8080))));
        assert_eq!(state("10.0.0.7"), Some((PodState::NotReady, Some(8080))));
        assert_eq!(d.not_ready, 0);
    }
}
