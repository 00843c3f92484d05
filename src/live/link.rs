//! Which workloads back a Service in a live cluster: those whose pod-template labels the selector
//! matches, and the controllers of the pods it selects — each resolved through owner references to the
//! object a user would change (a Deployment rather than its ReplicaSet, a CronJob rather than its Job).
//! Pure: plain JSON in, indexes and notes out.

use serde_json::Value;

use crate::model::Kind;
use crate::model::consts::READINESS_GATE;
use crate::patch::decide::identify;
use crate::patch::select::selects;
use crate::patch::view::View;

/// A pod as far as linking and the readiness gate are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodInfo {
    pub name: String,
    pub has_gate: bool,
}

/// One workload behind a Service, with the pods of it the selector picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backing {
    /// Index into the workloads given to [`backing`].
    pub workload: usize,
    pub pods: Vec<PodInfo>,
}

impl Backing {
    pub fn without_gate(&self) -> Vec<&str> {
        self.pods
            .iter()
            .filter(|p| !p.has_gate)
            .map(|p| p.name.as_str())
            .collect()
    }
}

/// The workloads behind a selector, in the order found, and what could not be resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    pub backing: Vec<Backing>,
    pub notes: Vec<String>,
}

/// `kind/name` of the controlling owner reference (or the first owner when none is marked controller).
pub fn controller(obj: &Value) -> Option<(String, String)> {
    let owners = obj.path(&["metadata", "ownerReferences"])?.items();
    let o = owners
        .iter()
        .find(|o| o.get("controller").is_some_and(View::is_true))
        .or(owners.first())?;
    Some((
        o.get_string("kind")?.to_string(),
        o.get_string("name")?.to_string(),
    ))
}

/// Pod-template labels of a workload.
pub fn template_labels(kind: Kind, obj: &Value) -> Vec<(String, String)> {
    let mut path = kind.pod_template_path().to_vec();
    path.extend(["metadata", "labels"]);
    obj.path(&path).map(View::string_map).unwrap_or_default()
}

/// Whether a pod is still around (not finished, not being deleted).
fn live_pod(p: &Value) -> bool {
    let phase = p.path(&["status", "phase"]).and_then(View::string);
    p.path(&["metadata", "deletionTimestamp"]).is_none()
        && !matches!(phase, Some("Succeeded" | "Failed"))
}

pub fn has_gate(pod: &Value) -> bool {
    pod.path(&["spec", "readinessGates"])
        .map(View::items)
        .unwrap_or_default()
        .iter()
        .any(|g| g.get_string("conditionType") == Some(READINESS_GATE))
}

/// Why a workload's pods are being replaced right now (so a restart would only start another rollout),
/// from its status: a generation the controller has not observed yet, or fewer updated pods than wanted.
/// None when the status says the rollout is done, or does not say.
pub fn rolling_out(kind: Kind, obj: &Value) -> Option<String> {
    let int =
        |path: &[&str]| -> Option<i64> { obj.path(path).and_then(View::scalar_text)?.parse().ok() };
    let generation = int(&["metadata", "generation"]);
    let observed = int(&["status", "observedGeneration"])?;
    if generation.is_some_and(|g| g > observed) {
        return Some(format!(
            "its controller has not yet acted on generation {}",
            generation.unwrap_or_default()
        ));
    }
    let (wanted, updated) = match kind {
        Kind::Deployment | Kind::StatefulSet => (
            int(&["spec", "replicas"]).unwrap_or(1),
            int(&["status", "updatedReplicas"])?,
        ),
        Kind::DaemonSet => (
            int(&["status", "desiredNumberScheduled"])?,
            int(&["status", "updatedNumberScheduled"])?,
        ),
        _ => return None,
    };
    (updated < wanted).then(|| format!("{updated} of {wanted} pods updated"))
}

/// Where an owner chain ends: the top workload, or why it cannot be followed.
enum Top {
    Workload(usize),
    /// Owned by a kind tkedirect does not change (a Rollout, a CloneSet…).
    Foreign(String),
}

fn find(workloads: &[Value], kind: &str, name: &str) -> Option<usize> {
    workloads.iter().position(|w| {
        w.get_string("kind") == Some(kind)
            && w.path(&["metadata", "name"]).and_then(View::string) == Some(name)
    })
}

/// Follow controller owners up from workload `i` (ReplicaSet → Deployment, Job → CronJob).
fn top(workloads: &[Value], mut i: usize) -> Top {
    for _ in 0..4 {
        let Some((kind, name)) = controller(&workloads[i]) else {
            return Top::Workload(i);
        };
        match find(workloads, &kind, &name) {
            Some(j) => i = j,
            None if Kind::from_kind_field(&kind).is_some() => return Top::Workload(i),
            None => return Top::Foreign(format!("{kind}/{name}")),
        }
    }
    Top::Workload(i)
}

fn foreign(owner: &str) -> String {
    format!(
        "{owner} manages pods behind this Service but is a kind tkedirect does not change: change its pod template there"
    )
}

/// A ReplicaSet that was not read (deleted, or not listed) still names its Deployment: a Deployment's
/// ReplicaSets are called `<deployment>-<pod-template-hash>`.
fn deployment_by_hash(
    workloads: &[Value],
    kind: &str,
    owner: &str,
    pod_labels: &[(String, String)],
) -> Option<usize> {
    if kind != "ReplicaSet" {
        return None;
    }
    let hash = pod_labels
        .iter()
        .find(|(k, _)| k == "pod-template-hash")
        .map(|(_, v)| v)?;
    let deployment = owner.strip_suffix(hash.as_str())?.strip_suffix('-')?;
    find(workloads, "Deployment", deployment)
}

/// The workloads behind a Service `selector`. `workloads` are the namespace's workloads (each with
/// `kind`), `pods` its pods (any; those the selector does not pick are ignored).
pub fn backing(selector: &[(String, String)], workloads: &[Value], pods: &[Value]) -> Linked {
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
        let Some(oref) = identify(w) else { continue };
        if !oref.kind.is_workload() || !selects(selector, &template_labels(oref.kind, w)) {
            continue;
        }
        match top(workloads, i) {
            Top::Workload(t) => {
                add(&mut out, t);
            }
            Top::Foreign(owner) => note(&mut out, foreign(&owner)),
        }
    }
    for p in pods.iter().filter(|p| live_pod(p)) {
        let labels = p
            .path(&["metadata", "labels"])
            .map(View::string_map)
            .unwrap_or_default();
        if !selects(selector, &labels) {
            continue;
        }
        let name = p
            .path(&["metadata", "name"])
            .and_then(View::string)
            .unwrap_or_default()
            .to_string();
        let info = PodInfo {
            name: name.clone(),
            has_gate: has_gate(p),
        };
        match controller(p) {
            None => note(
                &mut out,
                format!(
                    "pod/{name} has no controller: tkedirect cannot change it; re-create it from a workload"
                ),
            ),
            Some((kind, owner)) => match find(workloads, &kind, &owner)
                .or_else(|| deployment_by_hash(workloads, &kind, &owner, &labels))
                .map(|i| top(workloads, i))
            {
                Some(Top::Workload(t)) => {
                    let b = add(&mut out, t);
                    out.backing[b].pods.push(info);
                }
                Some(Top::Foreign(f)) => note(&mut out, foreign(&f)),
                None => note(
                    &mut out,
                    format!(
                        "pods of {kind}/{owner} back this Service, but {kind}/{owner} is not a workload tkedirect found or changes"
                    ),
                ),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.into(), v.into())
    }

    fn deploy(name: &str, app: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
               "spec": {"template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "c"}]}}}})
    }

    fn rs(name: &str, app: &str, owner: Option<(&str, &str)>) -> Value {
        let mut v = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "namespace": "shop"},
               "spec": {"template": {"metadata": {"labels": {"app": app, "pod-template-hash": "abc"}}, "spec": {"containers": [{"name": "c"}]}}}});
        if let Some((k, n)) = owner {
            v["metadata"]["ownerReferences"] =
                json!([{"apiVersion": "apps/v1", "kind": k, "name": n, "controller": true}]);
        }
        v
    }

    fn pod(name: &str, app: &str, owner: Option<(&str, &str)>, gate: bool) -> Value {
        let mut v = json!({"metadata": {"name": name, "namespace": "shop", "labels": {"app": app}}, "spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Running"}});
        if let Some((k, n)) = owner {
            v["metadata"]["ownerReferences"] = json!([{"kind": k, "name": n, "controller": true}]);
        }
        if gate {
            v["spec"]["readinessGates"] = json!([{"conditionType": READINESS_GATE}]);
        }
        v
    }

    #[test]
    fn replica_sets_resolve_to_their_deployment_and_others_stay_out() {
        let workloads = vec![
            deploy("web", "web"),
            rs("web-abc", "web", Some(("Deployment", "web"))),
            deploy("api", "api"),
        ];
        let pods = vec![
            pod("web-abc-1", "web", Some(("ReplicaSet", "web-abc")), false),
            pod("web-abc-2", "web", Some(("ReplicaSet", "web-abc")), true),
            pod("api-1", "api", Some(("ReplicaSet", "api-x")), false),
        ];
        let l = backing(&[kv("app", "web")], &workloads, &pods);
        assert_eq!(l.backing.len(), 1);
        assert_eq!(l.backing[0].workload, 0);
        assert_eq!(l.backing[0].without_gate(), ["web-abc-1"]);
        assert!(l.notes.is_empty(), "{:?}", l.notes);
    }

    #[test]
    fn pods_find_workloads_whose_template_no_longer_matches() {
        // The pods were relabelled by hand; their ReplicaSet's Deployment still backs the Service.
        let workloads = vec![
            deploy("web", "old"),
            rs("web-abc", "old", Some(("Deployment", "web"))),
        ];
        let pods = vec![pod(
            "web-abc-1",
            "web",
            Some(("ReplicaSet", "web-abc")),
            false,
        )];
        let l = backing(&[kv("app", "web")], &workloads, &pods);
        assert_eq!(
            l.backing.iter().map(|b| b.workload).collect::<Vec<_>>(),
            [0]
        );
    }

    #[test]
    fn rollouts_in_progress_are_read_from_the_status() {
        let mut d = deploy("web", "web");
        assert_eq!(
            rolling_out(Kind::Deployment, &d),
            None,
            "no status: unknown, not rolling"
        );
        d["metadata"]["generation"] = json!(2);
        d["spec"]["replicas"] = json!(3);
        d["status"] = json!({"observedGeneration": 1, "updatedReplicas": 3});
        assert_eq!(
            rolling_out(Kind::Deployment, &d).as_deref(),
            Some("its controller has not yet acted on generation 2")
        );
        d["status"] = json!({"observedGeneration": 2, "updatedReplicas": 1});
        assert_eq!(
            rolling_out(Kind::Deployment, &d).as_deref(),
            Some("1 of 3 pods updated")
        );
        d["status"] = json!({"observedGeneration": 2, "updatedReplicas": 3});
        assert_eq!(rolling_out(Kind::Deployment, &d), None);
        let ds = json!({"metadata": {"generation": 4}, "status": {"observedGeneration": 4, "desiredNumberScheduled": 5, "updatedNumberScheduled": 2}});
        assert_eq!(
            rolling_out(Kind::DaemonSet, &ds).as_deref(),
            Some("2 of 5 pods updated")
        );
    }

    #[test]
    fn a_replica_set_not_read_still_leads_to_its_deployment() {
        let workloads = vec![deploy("web", "web")];
        let mut p = pod(
            "web-7d9f8c6b5-k2x8q",
            "web",
            Some(("ReplicaSet", "web-7d9f8c6b5")),
            false,
        );
        p["metadata"]["labels"]["pod-template-hash"] = json!("7d9f8c6b5");
        let l = backing(&[kv("app", "web")], &workloads, &[p]);
        assert_eq!(l.backing.len(), 1);
        assert_eq!(l.backing[0].without_gate(), ["web-7d9f8c6b5-k2x8q"]);
        assert!(l.notes.is_empty(), "{:?}", l.notes);
    }

    #[test]
    fn bare_pods_and_foreign_owners_are_reported() {
        let workloads = vec![rs("web-abc", "web", Some(("Rollout", "web")))];
        let pods = vec![
            pod("loose", "web", None, false),
            pod("web-abc-1", "web", Some(("ReplicaSet", "web-abc")), false),
            pod("gone", "web", Some(("ReplicaSet", "deleted")), false),
        ];
        let l = backing(&[kv("app", "web")], &workloads, &pods);
        assert!(l.backing.is_empty());
        assert_eq!(l.notes.len(), 3, "{:#?}", l.notes);
        assert!(l.notes[0].starts_with("Rollout/web manages pods"));
        assert!(l.notes[1].contains("pod/loose has no controller"));
        assert!(l.notes[2].contains("ReplicaSet/deleted"));
    }

    #[test]
    fn empty_selector_links_nothing_and_finished_pods_do_not_count() {
        let workloads = vec![deploy("web", "web")];
        let mut done = pod("old", "web", Some(("ReplicaSet", "x")), false);
        done["status"]["phase"] = json!("Succeeded");
        assert!(backing(&[], &workloads, &[]).backing.is_empty());
        let l = backing(&[kv("app", "web")], &workloads, &[done]);
        assert_eq!(l.backing.len(), 1);
        assert!(l.backing[0].pods.is_empty());
        assert!(l.notes.is_empty());
    }
}
