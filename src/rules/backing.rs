//! Which workloads back a Service: those whose pod-template labels its selector matches, and the
//! controllers of the pods it selects, each resolved through owner references to the object a user would
//! change (a Deployment rather than its ReplicaSet, a CronJob rather than its Job). A ReplicaSet that was
//! not read still names its Deployment: a Deployment's ReplicaSets are called
//! `<deployment>-<pod-template-hash>` (Kubernetes Deployment controller).

use std::collections::BTreeMap;

use super::selector::selects;
use crate::model::{Kind, Pod, Workload};

/// The workload that owns a pod, as far as it can be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// A workload kind tkedirect knows; `index` into the workloads given when it was among them.
    Workload {
        kind: Kind,
        name: String,
        index: Option<usize>,
    },
    /// Owned by a kind tkedirect does not change (a Rollout, a CloneSet…): `Kind/name`.
    Foreign { kind: String, name: String },
    /// No owner: a bare pod.
    None,
}

fn find(workloads: &[Workload], kind: &str, name: &str) -> Option<usize> {
    workloads
        .iter()
        .position(|w| w.kind == kind && w.name() == name)
}

/// Follow controller owners up from workload `i` (ReplicaSet → Deployment, Job → CronJob).
fn top(workloads: &[Workload], mut i: usize) -> Owner {
    for _ in 0..4 {
        let Some(o) = workloads[i].metadata.controller() else {
            break;
        };
        match find(workloads, &o.kind, &o.name) {
            Some(j) => i = j,
            None => match Kind::from_kind_field(&o.kind) {
                // An owner of a kind tkedirect knows that was not read: stay with what was.
                Some(_) => break,
                None => {
                    return Owner::Foreign {
                        kind: o.kind.clone(),
                        name: o.name.clone(),
                    };
                }
            },
        }
    }
    let w = &workloads[i];
    match w.kind() {
        Some(kind) => Owner::Workload {
            kind,
            name: w.name().to_string(),
            index: Some(i),
        },
        None => Owner::Foreign {
            kind: w.kind.clone(),
            name: w.name().to_string(),
        },
    }
}

/// The workload a pod belongs to. `workloads` may be empty: then a ReplicaSet owner with the pod's
/// `pod-template-hash` suffix still names its Deployment.
pub fn owner(pod: &Pod, workloads: &[Workload]) -> Owner {
    let Some(o) = pod.metadata.controller() else {
        return Owner::None;
    };
    if let Some(i) = find(workloads, &o.kind, &o.name) {
        return top(workloads, i);
    }
    if o.kind == "ReplicaSet"
        && let Some(hash) = pod.metadata.label("pod-template-hash")
        && let Some(deployment) = o.name.strip_suffix(hash).and_then(|d| d.strip_suffix('-'))
    {
        return match find(workloads, "Deployment", deployment) {
            Some(i) => top(workloads, i),
            None => Owner::Workload {
                kind: Kind::Deployment,
                name: deployment.to_string(),
                index: None,
            },
        };
    }
    // Argo Rollouts names its ReplicaSets `<rollout>-<hash>` and labels their pods
    // `rollouts-pod-template-hash` (argoproj.io/v1alpha1 Rollout; tkedirect does not edit Rollouts).
    if o.kind == "ReplicaSet"
        && let Some(hash) = pod.metadata.label("rollouts-pod-template-hash")
        && let Some(rollout) = o.name.strip_suffix(hash).and_then(|r| r.strip_suffix('-'))
    {
        return Owner::Foreign {
            kind: "Rollout".to_string(),
            name: rollout.to_string(),
        };
    }
    match Kind::from_kind_field(&o.kind) {
        Some(kind) => Owner::Workload {
            kind,
            name: o.name.clone(),
            index: None,
        },
        None => Owner::Foreign {
            kind: o.kind.clone(),
            name: o.name.clone(),
        },
    }
}

/// One workload behind a Service, with the indexes of its pods the selector picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backing {
    /// Index into the workloads given to [`backing`].
    pub workload: usize,
    pub pods: Vec<usize>,
}

/// The workloads behind a selector, in the order found, and what could not be resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    pub backing: Vec<Backing>,
    pub notes: Vec<String>,
}

fn foreign(kind: &str, name: &str) -> String {
    format!(
        "{kind}/{name} manages pods behind this Service but is a kind tkedirect does not change: change its pod template there"
    )
}

/// The workloads behind a Service `selector`: `workloads` are the namespace's workloads, `pods` its
/// pods (any; those the selector does not pick, and finished or deleted ones, are ignored).
pub fn backing(
    selector: &BTreeMap<String, String>,
    workloads: &[Workload],
    pods: &[Pod],
) -> Linked {
    let mut out = Linked::default();
    if selector.is_empty() {
        return out;
    }
    let add = |out: &mut Linked, i: usize| -> usize {
        match out.backing.iter().position(|b| b.workload == i) {
            Some(p) => p,
            None => {
                out.backing.push(Backing {
                    workload: i,
                    pods: vec![],
                });
                out.backing.len() - 1
            }
        }
    };
    let note = |out: &mut Linked, n: String| {
        if !out.notes.contains(&n) {
            out.notes.push(n);
        }
    };
    for (i, w) in workloads.iter().enumerate() {
        let labels = w.template().map(|t| &t.metadata.labels);
        if w.kind().is_none() || !labels.is_some_and(|l| selects(selector, l)) {
            continue;
        }
        match top(workloads, i) {
            Owner::Workload { index: Some(t), .. } => {
                add(&mut out, t);
            }
            Owner::Foreign { kind, name } => note(&mut out, foreign(&kind, &name)),
            _ => {}
        }
    }
    for (p, pod) in pods.iter().enumerate() {
        if pod.metadata.terminating() || !pod.active() || !selects(selector, &pod.metadata.labels) {
            continue;
        }
        match owner(pod, workloads) {
            Owner::Workload { index: Some(t), .. } => {
                let b = add(&mut out, t);
                out.backing[b].pods.push(p);
            }
            Owner::Workload {
                kind,
                name,
                index: None,
            } => note(
                &mut out,
                format!(
                    "pods of {kind}/{name} back this Service, but {kind}/{name} is not a workload tkedirect found or changes"
                ),
            ),
            Owner::Foreign { kind, name } => note(&mut out, foreign(&kind, &name)),
            Owner::None => note(
                &mut out,
                format!(
                    "pod/{} has no controller: tkedirect cannot change it; re-create it from a workload",
                    pod.name()
                ),
            ),
        }
    }
    out
}

/// Why a workload's pods are being replaced right now (so a restart would only start another rollout),
/// from its status: a generation the controller has not observed yet, or fewer updated pods than wanted.
/// None when the status says the rollout is done, or does not say.
pub fn rolling_out(w: &Workload) -> Option<String> {
    let observed = w.status.observed_generation?;
    if let Some(g) = w.metadata.generation
        && g > observed
    {
        return Some(format!(
            "its controller has not yet acted on generation {g}"
        ));
    }
    let (wanted, updated) = match w.kind()? {
        Kind::Deployment | Kind::StatefulSet => {
            (w.spec.replicas.unwrap_or(1), w.status.updated_replicas?)
        }
        Kind::DaemonSet => (
            w.status.desired_number_scheduled?,
            w.status.updated_number_scheduled?,
        ),
        _ => return None,
    };
    (updated < wanted).then(|| format!("{updated} of {wanted} pods updated"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn sel(app: &str) -> BTreeMap<String, String> {
        [("app".to_string(), app.to_string())].into()
    }

    fn w(v: Value) -> Workload {
        serde_json::from_value(v).unwrap()
    }

    fn deploy(name: &str, app: &str) -> Workload {
        w(
            json!({"kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
                 "spec": {"template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "c"}]}}}}),
        )
    }

    fn rs(name: &str, app: &str, owner: Option<(&str, &str)>) -> Workload {
        let mut v = json!({"kind": "ReplicaSet", "metadata": {"name": name, "namespace": "shop"},
               "spec": {"template": {"metadata": {"labels": {"app": app, "pod-template-hash": "abc"}}, "spec": {"containers": [{"name": "c"}]}}}});
        if let Some((k, n)) = owner {
            v["metadata"]["ownerReferences"] = json!([{"kind": k, "name": n, "controller": true}]);
        }
        w(v)
    }

    fn pod(name: &str, app: &str, owner: Option<(&str, &str)>) -> Pod {
        let mut v = json!({"metadata": {"name": name, "namespace": "shop", "labels": {"app": app}}, "status": {"phase": "Running"}});
        if let Some((k, n)) = owner {
            v["metadata"]["ownerReferences"] = json!([{"kind": k, "name": n, "controller": true}]);
        }
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn replica_sets_resolve_to_their_deployment_and_others_stay_out() {
        let workloads = vec![
            deploy("web", "web"),
            rs("web-abc", "web", Some(("Deployment", "web"))),
            deploy("api", "api"),
        ];
        let pods = vec![
            pod("web-abc-1", "web", Some(("ReplicaSet", "web-abc"))),
            pod("api-1", "api", Some(("ReplicaSet", "api-x"))),
        ];
        let l = backing(&sel("web"), &workloads, &pods);
        assert_eq!(
            l.backing,
            [Backing {
                workload: 0,
                pods: vec![0]
            }]
        );
        assert!(l.notes.is_empty(), "{:?}", l.notes);
    }

    #[test]
    fn pods_find_workloads_whose_template_no_longer_matches() {
        let workloads = vec![
            deploy("web", "old"),
            rs("web-abc", "old", Some(("Deployment", "web"))),
        ];
        let pods = vec![pod("web-abc-1", "web", Some(("ReplicaSet", "web-abc")))];
        let l = backing(&sel("web"), &workloads, &pods);
        assert_eq!(
            l.backing.iter().map(|b| b.workload).collect::<Vec<_>>(),
            [0]
        );
    }

    #[test]
    fn a_replica_set_not_read_still_leads_to_its_deployment() {
        let workloads = vec![deploy("web", "web")];
        let mut p = pod(
            "web-7d9f8c6b5-k2x8q",
            "web",
            Some(("ReplicaSet", "web-7d9f8c6b5")),
        );
        p.metadata
            .labels
            .insert("pod-template-hash".into(), "7d9f8c6b5".into());
        let l = backing(&sel("web"), &workloads, std::slice::from_ref(&p));
        assert_eq!(
            l.backing,
            [Backing {
                workload: 0,
                pods: vec![0]
            }]
        );
        assert_eq!(
            owner(&p, &[]),
            Owner::Workload {
                kind: Kind::Deployment,
                name: "web".into(),
                index: None
            }
        );
    }

    #[test]
    fn an_argo_rollouts_replica_set_not_read_leads_to_its_rollout() {
        let mut p = pod(
            "shop-6f7b8c9d5-x1",
            "shop",
            Some(("ReplicaSet", "shop-6f7b8c9d5")),
        );
        p.metadata
            .labels
            .insert("rollouts-pod-template-hash".into(), "6f7b8c9d5".into());
        assert_eq!(
            owner(&p, &[]),
            Owner::Foreign {
                kind: "Rollout".into(),
                name: "shop".into()
            }
        );
    }

    #[test]
    fn bare_pods_and_foreign_owners_are_reported() {
        let workloads = vec![rs("web-abc", "web", Some(("Rollout", "web")))];
        let pods = vec![
            pod("loose", "web", None),
            pod("web-abc-1", "web", Some(("ReplicaSet", "web-abc"))),
            pod("gone", "web", Some(("ReplicaSet", "deleted"))),
        ];
        let l = backing(&sel("web"), &workloads, &pods);
        assert!(l.backing.is_empty());
        assert_eq!(l.notes.len(), 3, "{:#?}", l.notes);
        assert!(l.notes[0].starts_with("Rollout/web manages pods"));
        assert!(l.notes[1].contains("pod/loose has no controller"));
        assert!(l.notes[2].contains("ReplicaSet/deleted"));
    }

    #[test]
    fn empty_selector_links_nothing_and_finished_pods_do_not_count() {
        let workloads = vec![deploy("web", "web")];
        let mut done = pod("old", "web", Some(("ReplicaSet", "x")));
        done.status.phase = Some("Succeeded".into());
        assert!(
            backing(&BTreeMap::new(), &workloads, &[])
                .backing
                .is_empty()
        );
        let l = backing(&sel("web"), &workloads, &[done]);
        assert_eq!(
            l.backing,
            [Backing {
                workload: 0,
                pods: vec![]
            }]
        );
        assert!(l.notes.is_empty());
    }

    #[test]
    fn rollouts_in_progress_are_read_from_the_status() {
        let mut d = deploy("web", "web");
        assert_eq!(rolling_out(&d), None, "no status: unknown, not rolling");
        d.metadata.generation = Some(2);
        d.spec.replicas = Some(3);
        d.status.observed_generation = Some(1);
        d.status.updated_replicas = Some(3);
        assert_eq!(
            rolling_out(&d).as_deref(),
            Some("its controller has not yet acted on generation 2")
        );
        d.status.observed_generation = Some(2);
        d.status.updated_replicas = Some(1);
        assert_eq!(rolling_out(&d).as_deref(), Some("1 of 3 pods updated"));
        d.status.updated_replicas = Some(3);
        assert_eq!(rolling_out(&d), None);
    }
}
