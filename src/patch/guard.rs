//! The guards of `disable`: changes that are right for one object but break another (domain notes §6.3,
//! "Disabling can break things"). Pure, over model objects, written once for manifests and live objects:
//! the file engine calls it with the file set, live planning with the namespace.
//!
//! - A workload keeps its ENI opt-in while it still backs another Service or Ingress that stays direct
//!   (its pods would move to GlobalRouter IPs on the next rollout and drop out of that CLB), and when it
//!   is a fixed-IP workload (its pods would lose their fixed IPs).
//! - Switching off an Ingress whose backends include ClusterIP Services is refused: out of direct mode
//!   TKE's ingress controller needs NodePort or LoadBalancer backends (E4047).
//! - Switching off a Service with `allocateLoadBalancerNodePorts: false` is refused: its CLB would have no
//!   NodePorts to fall back to.
//!
//! `--force` overrides both: the change is made, and the reason is kept as a warning.

use crate::model::{Ingress, Kind, ObjectRef, Pod, Service, Workload};
use crate::rules::backing::backing;
use crate::rules::direct::{
    backs_node_port_mode, has_node_ports, ingress_requests_direct, service_requests_direct,
};
use crate::rules::ingress::services;
use crate::rules::network::is_fixed_ip;

use super::decide::Verdict;
use super::engine::Record;
use super::select::{Selection, namespace_of};
use super::view::View;
use super::{Intent, Options};

/// An object as the guards read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guarded {
    Service(Box<Service>),
    Ingress(Box<Ingress>),
    Workload(Box<Workload>),
}

impl Guarded {
    /// Decode a manifest's or a live object's fields the guards read (fields of the wrong shape are read
    /// as absent).
    pub fn decode<V: View>(kind: Kind, obj: &V) -> Guarded {
        let value = obj.to_value();
        match kind {
            Kind::Service => {
                Guarded::Service(Box::new(serde_json::from_value(value).unwrap_or_default()))
            }
            Kind::Ingress => {
                Guarded::Ingress(Box::new(serde_json::from_value(value).unwrap_or_default()))
            }
            kind => {
                let mut w: Workload = serde_json::from_value(value).unwrap_or_default();
                w.kind = kind.as_str().to_string();
                Guarded::Workload(Box::new(w))
            }
        }
    }
}

/// One object in the scope of a disable run.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub oref: &'a ObjectRef,
    pub object: &'a Guarded,
    /// This run switches it off (a Service or Ingress) or removes its ENI opt-in (a workload).
    pub disabling: bool,
}

/// Why a change is held back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hold {
    /// The workload keeps its ENI opt-in; the run goes on.
    Keep(String),
    /// Switching the Service or Ingress off is refused; the run stops (exit 2) with nothing changed.
    Refuse(String),
}

impl Hold {
    pub fn why(&self) -> &str {
        match self {
            Hold::Keep(why) | Hold::Refuse(why) => why,
        }
    }
}

fn short(r: &ObjectRef) -> String {
    format!("{}/{}", r.kind.short(), r.name)
}

fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The holds on the members that are disabling, by index into `members`. `pods` may be empty (manifests);
/// live runs give the pods read, so that owners resolve as in the plan.
pub fn holds(members: &[Member<'_>], pods: &[Pod]) -> Vec<(usize, Hold)> {
    let mut out = Vec::new();
    let service_named = |ns: &str, name: &str| {
        members.iter().find_map(|m| match m.object {
            Guarded::Service(s)
                if m.oref.kind == Kind::Service
                    && m.oref.name == name
                    && namespace_of(m.oref) == ns =>
            {
                Some((m, s))
            }
            _ => None,
        })
    };
    for (i, m) in members.iter().enumerate() {
        if !m.disabling {
            continue;
        }
        let ns = namespace_of(m.oref);
        match m.object {
            Guarded::Service(svc) if !has_node_ports(svc) => {
                // Name the ports without one when some have one.
                let without: Vec<String> = svc
                    .spec
                    .ports
                    .iter()
                    .filter(|p| p.node_port.is_none())
                    .map(|p| match (&p.name, p.port) {
                        (n, _) if !n.is_empty() => n.clone(),
                        (_, Some(port)) => port.to_string(),
                        _ => "?".to_string(),
                    })
                    .collect();
                let has = if without.len() < svc.spec.ports.len() {
                    format!("and port {} has none", without.join(", "))
                } else {
                    "and it has none".to_string()
                };
                out.push((
                    i,
                    Hold::Refuse(format!(
                        "{} has allocateLoadBalancerNodePorts: false: without direct access its CLB forwards to NodePorts, {has}; allocate NodePorts first (allocateLoadBalancerNodePorts: true)",
                        short(m.oref)
                    )),
                ))
            }
            Guarded::Ingress(ing) => {
                let cluster_ip: Vec<String> = services(ing)
                    .iter()
                    .filter_map(|b| service_named(ns, b))
                    .filter(|(_, s)| !backs_node_port_mode(s))
                    .map(|(b, s)| format!("{} (type {})", short(b.oref), s.type_()))
                    .collect();
                if !cluster_ip.is_empty() {
                    out.push((
                        i,
                        Hold::Refuse(format!(
                            "{} routes to {}: out of direct mode TKE's ingress controller needs NodePort or LoadBalancer backends (ingress error E4047); change {} first",
                            short(m.oref),
                            list(&cluster_ip),
                            if cluster_ip.len() == 1 {
                                "its type"
                            } else {
                                "their types"
                            }
                        )),
                    ));
                }
            }
            Guarded::Workload(w) if is_fixed_ip(w) => out.push((
                i,
                Hold::Keep(format!(
                    "a fixed-IP workload ({}): without the ENI opt-in its pods would lose their fixed IPs on the next rollout",
                    crate::model::consts::FIXED_IP_DELETE_POLICY
                )),
            )),
            Guarded::Workload(_) => {
                let still = still_direct(members, pods, i, ns);
                if !still.is_empty() {
                    out.push((
                        i,
                        Hold::Keep(format!(
                            "it still backs {}, which {} direct: without the ENI opt-in its pods would get GlobalRouter IPs on the next rollout and drop out of {}",
                            list(&still),
                            if still.len() == 1 { "stays" } else { "stay" },
                            if still.len() == 1 { "its CLB" } else { "their CLBs" }
                        )),
                    ));
                }
            }
            Guarded::Service(_) => {}
        }
    }
    out
}

/// The Services and Ingresses of namespace `ns` that stay direct after this run and are backed by the
/// workload `members[w]`.
fn still_direct(members: &[Member<'_>], pods: &[Pod], w: usize, ns: &str) -> Vec<String> {
    let in_ns: Vec<(usize, &Workload)> = members
        .iter()
        .enumerate()
        .filter(|(_, m)| namespace_of(m.oref) == ns)
        .filter_map(|(i, m)| match m.object {
            Guarded::Workload(x) => Some((i, &**x)),
            _ => None,
        })
        .collect();
    let workloads: Vec<Workload> = in_ns.iter().map(|(_, x)| (*x).clone()).collect();
    let Some(me) = in_ns.iter().position(|(i, _)| *i == w) else {
        return Vec::new();
    };
    let backs = |svc: &Service| {
        backing(&svc.spec.selector, &workloads, pods)
            .backing
            .iter()
            .any(|b| b.workload == me)
    };
    let mut out = Vec::new();
    for m in members
        .iter()
        .filter(|m| !m.disabling && namespace_of(m.oref) == ns)
    {
        match m.object {
            Guarded::Service(s) if service_requests_direct(s) && backs(s) => {
                out.push(short(m.oref));
            }
            Guarded::Ingress(ing) if ingress_requests_direct(ing) => {
                let via = services(ing).into_iter().any(|b| {
                    members.iter().any(|s| match s.object {
                        Guarded::Service(svc) => {
                            s.oref.name == b && namespace_of(s.oref) == ns && backs(svc)
                        }
                        _ => false,
                    })
                });
                if via {
                    out.push(short(m.oref));
                }
            }
            _ => {}
        }
    }
    out
}

/// The file engine's hook for `disable`: the guards over the whole file set, applied to the chosen
/// records (the scope of "another Service that stays direct" is every object of the inputs).
pub fn apply_to_files(records: &mut [Record], selection: &Selection, opts: &Options) {
    if opts.intent != Intent::Disable {
        return;
    }
    let chosen: Vec<bool> = {
        let mut c = vec![false; records.len()];
        for (i, _) in &selection.chosen {
            c[*i] = true;
        }
        c
    };
    let found = {
        let members: Vec<Member<'_>> = records
            .iter()
            .zip(&chosen)
            .filter_map(|(r, chosen)| {
                Some(Member {
                    oref: &r.summary.oref,
                    object: r.summary.guarded()?,
                    disabling: *chosen && matches!(r.verdict, Verdict::Change { .. }),
                })
            })
            .collect();
        // Indexes into `members` back to records.
        let index: Vec<usize> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.summary.guarded().is_some())
            .map(|(i, _)| i)
            .collect();
        holds(&members, &[])
            .into_iter()
            .map(|(m, h)| (index[m], h))
            .collect::<Vec<_>>()
    };
    for (i, hold) in found {
        settle(&mut records[i].verdict, hold, opts.force);
    }
}

/// Apply a hold to a decision: without `force` the change becomes [`Verdict::Held`]; with it the change
/// stays, and the reason is kept as a warning.
pub fn settle(verdict: &mut Verdict, hold: Hold, force: bool) {
    match verdict {
        Verdict::Change { warnings, .. } if force => {
            warnings.push(format!("--force: {}", hold.why()));
        }
        Verdict::Change { .. } => *verdict = Verdict::Held(hold),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model::consts::{
        FIXED_IP_DELETE_POLICY, INGRESS_DIRECT_ACCESS, SERVICE_DIRECT_ACCESS,
    };

    fn svc(name: &str, ty: &str, app: &str, direct: bool) -> Value {
        let mut v = json!({"kind": "Service", "metadata": {"name": name, "namespace": "shop"},
            "spec": {"type": ty, "selector": {"app": app}, "ports": [{"port": 80}]}});
        if direct {
            v["metadata"]["annotations"] = json!({SERVICE_DIRECT_ACCESS: "true"});
        }
        v
    }

    fn ing(name: &str, backends: &[&str], direct: bool) -> Value {
        let paths: Vec<Value> = backends
            .iter()
            .map(|b| json!({"backend": {"service": {"name": b, "port": {"number": 80}}}}))
            .collect();
        let mut v = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": "shop"},
            "spec": {"rules": [{"http": {"paths": paths}}]}});
        if direct {
            v["metadata"]["annotations"] = json!({INGRESS_DIRECT_ACCESS: "true"});
        }
        v
    }

    fn deploy(name: &str, app: &str) -> Value {
        json!({"kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
            "spec": {"template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "c"}]}}}})
    }

    /// The holds of a scope given as (object, disabling by this run).
    fn run(objects: &[(Value, bool)]) -> Vec<(String, Hold)> {
        let decoded: Vec<(ObjectRef, Guarded, bool)> = objects
            .iter()
            .map(|(v, disabling)| {
                let kind = Kind::from_kind_field(v["kind"].as_str().unwrap()).unwrap();
                let oref =
                    ObjectRef::new(kind, Some("shop"), v["metadata"]["name"].as_str().unwrap());
                (oref, Guarded::decode(kind, v), *disabling)
            })
            .collect();
        let members: Vec<Member<'_>> = decoded
            .iter()
            .map(|(oref, object, disabling)| Member {
                oref,
                object,
                disabling: *disabling,
            })
            .collect();
        holds(&members, &[])
            .into_iter()
            .map(|(i, h)| (short(&decoded[i].0), h))
            .collect()
    }

    #[test]
    fn a_workload_that_backs_another_direct_service_keeps_its_opt_in() {
        let h = run(&[
            (svc("web", "LoadBalancer", "web", true), true),
            (svc("web-admin", "LoadBalancer", "web", true), false),
            (deploy("web", "web"), true),
        ]);
        assert_eq!(h.len(), 1, "{h:?}");
        assert_eq!(h[0].0, "deploy/web");
        assert!(
            matches!(&h[0].1, Hold::Keep(why) if why.starts_with("it still backs svc/web-admin, which stays direct")),
            "{h:?}"
        );
        // Both disabled in the same run, or the other one not direct: nothing to keep.
        assert!(
            run(&[
                (svc("web", "LoadBalancer", "web", true), true),
                (svc("web-admin", "LoadBalancer", "web", true), true),
                (deploy("web", "web"), true),
            ])
            .is_empty()
        );
        assert!(
            run(&[
                (svc("web", "LoadBalancer", "web", true), true),
                (svc("web-admin", "LoadBalancer", "web", false), false),
                (deploy("web", "web"), true),
            ])
            .is_empty()
        );
    }

    #[test]
    fn a_direct_ingress_keeps_the_workloads_behind_its_backends() {
        let h = run(&[
            (svc("web", "LoadBalancer", "web", true), true),
            (svc("web-internal", "ClusterIP", "web", false), false),
            (ing("shop", &["web-internal"], true), false),
            (deploy("web", "web"), true),
        ]);
        assert!(
            matches!(&h[..], [(w, Hold::Keep(why))] if w == "deploy/web" && why.contains("ing/shop")),
            "{h:?}"
        );
    }

    #[test]
    fn fixed_ip_workloads_keep_their_opt_in() {
        let mut sts = deploy("db", "db");
        sts["kind"] = json!("StatefulSet");
        sts["spec"]["template"]["metadata"]["annotations"] =
            json!({FIXED_IP_DELETE_POLICY: "Never"});
        let h = run(&[(svc("db", "LoadBalancer", "db", true), true), (sts, true)]);
        assert!(
            matches!(&h[..], [(w, Hold::Keep(why))] if w == "sts/db" && why.starts_with("a fixed-IP workload")),
            "{h:?}"
        );
    }

    #[test]
    fn switching_off_what_cannot_fall_back_to_node_ports_is_refused() {
        let h = run(&[
            (ing("shop", &["web", "api", "gone"], true), true),
            (svc("web", "ClusterIP", "web", false), false),
            (svc("api", "NodePort", "api", false), false),
        ]);
        assert_eq!(
            h,
            [(
                "ing/shop".to_string(),
                Hold::Refuse("ing/shop routes to svc/web (type ClusterIP): out of direct mode TKE's ingress controller needs NodePort or LoadBalancer backends (ingress error E4047); change its type first".into())
            )]
        );
        let mut no_ports = svc("web", "LoadBalancer", "web", true);
        no_ports["spec"]["allocateLoadBalancerNodePorts"] = json!(false);
        let h = run(&[(no_ports.clone(), true)]);
        assert!(
            matches!(&h[..], [(s, Hold::Refuse(why))] if s == "svc/web" && why.contains("allocateLoadBalancerNodePorts: false")),
            "{h:?}"
        );
        assert!(
            run(&[(no_ports.clone(), false)]).is_empty(),
            "only what the run disables is guarded"
        );
        // One port names its nodePort, the other does not: the message names the one without.
        no_ports["spec"]["ports"] = json!([{"name": "http", "port": 80, "nodePort": 30080}, {"name": "https", "port": 443}]);
        let h = run(&[(no_ports, true)]);
        assert!(
            matches!(&h[..], [(_, Hold::Refuse(why))] if why.contains("forwards to NodePorts, and port https has none;")),
            "{h:?}"
        );
    }

    #[test]
    fn force_keeps_the_change_and_the_reason() {
        let change = || Verdict::Change {
            edits: vec![],
            notes: vec![],
            warnings: vec![],
        };
        let mut v = change();
        settle(&mut v, Hold::Keep("why".into()), false);
        assert_eq!(v, Verdict::Held(Hold::Keep("why".into())));
        let mut v = change();
        settle(&mut v, Hold::Refuse("why".into()), true);
        assert!(matches!(v, Verdict::Change { warnings, .. } if warnings == ["--force: why"]));
    }
}
