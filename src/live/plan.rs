//! The live plan: a pure function of the objects read and the options. Which objects change (the
//! targets, and in mixed clusters the workloads behind them), the patch and the diff of each, which
//! workloads will roll or need a restart for the readiness gate, and in what order to apply.

use serde_json::Value;

use super::patch::{self, PatchError};
use crate::cluster::{Patch, PatchType, Resource};
use crate::model::facts::ReadError;
use crate::model::{Kind, ObjectRef, Pod, Target, Workload};
use crate::patch::decide::{decide, identify, ingress_backends};
use crate::patch::guard::{Guarded, Hold, Member, holds, settle};
use crate::patch::view::View;
use crate::patch::{Intent, NetworkMode, Options, Verdict};
use crate::rules::backing::{self, Linked};
use crate::rules::readiness::has_gate;
use crate::yaml::edit::{Edit, Seg};

/// The annotation `kubectl rollout restart` sets on the pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// What was read from the cluster for one run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub namespace: String,
    /// Objects read one by one: the targets and the Services behind Ingress targets.
    pub objects: Vec<Value>,
    /// TARGETs that do not exist in the namespace.
    pub missing: Vec<Target>,
    /// The namespace's workloads, each with `kind` (read when some Service has a selector).
    pub workloads: Vec<Value>,
    /// Pods the Services' selectors pick.
    pub pods: Vec<Value>,
    /// Reads that were refused (403).
    pub denied: Vec<ReadError>,
    /// The namespace's Services and Ingresses, read for `disable` in mixed clusters: a workload that still
    /// backs one that stays direct keeps its ENI opt-in.
    pub scope: Vec<Value>,
}

/// Whether the workloads behind the targets are opted into an ENI (mixed clusters, `enable`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OptIn {
    #[default]
    Yes,
    /// Not unless `--eni` is given: `GlobalRouteDirectAccess` is on, so GlobalRouter pods are direct
    /// backends as they are (DOC41897: "GlobalRoute 直连"; domain notes §6.3).
    NotUnlessAsked,
}

/// Why a workload is not opted into an ENI with [`OptIn::NotUnlessAsked`].
pub const GLOBAL_ROUTE_DIRECT_NOTE: &str = "GlobalRouteDirectAccess is on in kube-system/tke-service-controller-config: GlobalRouter pods are direct backends as they are (GlobalRoute direct), so workloads are not opted into an ENI; pass --eni shared or --eni exclusive to opt them in";

/// Everything a plan depends on besides the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    pub patch: Options,
    /// Rollout-restart the workloads whose pods lack the readiness gate (enable only).
    pub restart: bool,
    /// The restart timestamp (RFC 3339), given so planning stays pure.
    pub now: String,
    /// Whether workloads are opted into an ENI (mixed clusters, enable).
    pub opt_in: OptIn,
}

/// Why an object is in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Named,
    /// Behind a named Service (`via` None) or behind a named Ingress's Service `via`.
    Linked {
        from: ObjectRef,
        via: Option<ObjectRef>,
    },
}

/// A change to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub edits: Vec<Edit>,
    pub patch: Patch,
    /// YAML of the managed fields before and after.
    pub before: String,
    pub after: String,
}

/// One object of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub oref: ObjectRef,
    pub resource: Resource,
    pub resource_version: String,
    pub selected: Selected,
    pub verdict: Verdict,
    pub change: Option<Change>,
}

/// A rollout restart to send after the changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Restart {
    pub oref: ObjectRef,
    pub resource: Resource,
    pub pods_without_gate: Vec<String>,
    pub patch: Patch,
}

/// A workload behind a Service in scope, and what happens to its pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behind {
    pub service: ObjectRef,
    pub workload: ObjectRef,
    pub pods: usize,
    pub without_gate: Vec<String>,
    /// The plan changes its pod template: it rolls (new pods get the gate).
    pub rolls: bool,
    /// The plan restarts it.
    pub restart: bool,
    /// Its pods are being replaced already (why, from its status): no restart, no advice to restart.
    pub rolling_out: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LivePlan {
    /// In the order to apply: enabling opts the pods in before switching the Service or Ingress; disabling
    /// switches first.
    pub items: Vec<Item>,
    pub restarts: Vec<Restart>,
    pub behind: Vec<Behind>,
    /// Things the user should know (unresolvable owners, missing backends, Services without selector).
    pub notes: Vec<String>,
}

impl LivePlan {
    pub fn changes(&self) -> impl Iterator<Item = (&Item, &Change)> {
        self.items
            .iter()
            .filter_map(|i| i.change.as_ref().map(|c| (i, c)))
    }

    /// Whether a guard of `disable` refused an object: then nothing is sent.
    pub fn refused(&self) -> bool {
        self.items
            .iter()
            .any(|i| matches!(i.verdict, Verdict::Held(Hold::Refuse(_))))
    }

    /// Whether applying would write anything.
    pub fn pending(&self) -> bool {
        self.changes().next().is_some() || !self.restarts.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{}", missing_message(.0, .1))]
    Missing(Vec<Target>, String),
    #[error("could not {} {}: forbidden; tkedirect needs it to find the workloads behind the Service in a mixed cluster (grant {} on {})", .0.verb, .0.what(), .0.verb, .0.resource)]
    Incomplete(ReadError),
    #[error("cannot express the change to {0} as a patch: {1}")]
    Patch(ObjectRef, PatchError),
}

fn missing_message(targets: &[Target], ns: &str) -> String {
    let names: Vec<String> = targets.iter().map(ToString::to_string).collect();
    format!("{} not found in namespace {ns}", names.join(", "))
}

/// A live object decoded into the model (fields of the wrong shape are read as absent).
pub fn model<T: serde::de::DeserializeOwned + Default>(obj: &Value) -> T {
    serde_json::from_value(obj.clone()).unwrap_or_default()
}

fn name_of(obj: &Value) -> &str {
    obj.path(&["metadata", "name"])
        .and_then(View::string)
        .unwrap_or_default()
}

fn oref_of(obj: &Value, ns: &str) -> Option<ObjectRef> {
    let mut r = identify(obj)?;
    r.namespace.get_or_insert_with(|| ns.to_string());
    Some(r)
}

/// The decision for one live object, with the patch and views when it changes. Also used to re-plan an
/// object after a 409 Conflict.
pub fn decide_live(
    oref: &ObjectRef,
    obj: &Value,
    opts: &Options,
) -> Result<(Verdict, Option<Change>), PlanError> {
    let mut verdict = decide(oref.kind, obj, opts);
    if let Verdict::Change { .. } = verdict
        && let Some(why) = live_guard(oref.kind, obj)
    {
        verdict = Verdict::Skip(why);
    }
    let Verdict::Change { edits, .. } = &verdict else {
        return Ok((verdict, None));
    };
    let rv = obj
        .path(&["metadata", "resourceVersion"])
        .and_then(View::string)
        .unwrap_or_default();
    let patch = patch::build(patch::patch_type(oref.kind), obj, edits, rv)
        .map_err(|e| PlanError::Patch(oref.clone(), e))?;
    let paths: Vec<Vec<Seg>> = edits.iter().map(|e| e.path().to_vec()).collect();
    let next = patch::after(obj, edits);
    let change = Change {
        edits: edits.clone(),
        patch,
        before: patch::yaml(&patch::view(obj, &paths)),
        after: patch::yaml(&patch::view(&next, &paths)),
    };
    Ok((verdict, Some(change)))
}

/// Live objects tkedirect must not patch even when the decision says so.
fn live_guard(kind: Kind, obj: &Value) -> Option<String> {
    let w: Workload = model(obj);
    if kind.is_workload()
        && let Some(o) = w.metadata.controller()
    {
        let (owner_kind, owner) = (&o.kind, &o.name);
        let owner_ref = Kind::from_kind_field(owner_kind)
            .map(|k| format!("{}/{owner}", k.short()))
            .unwrap_or_else(|| format!("{owner_kind}/{owner}"));
        return Some(format!(
            "managed by {owner_ref}, which would undo the change: change {owner_ref} instead"
        ));
    }
    if kind == Kind::Job {
        return Some(
            "a Job's pod template cannot change after it is created: change its CronJob, or re-create the Job from a changed manifest"
                .into(),
        );
    }
    None
}

fn resource_of(oref: &ObjectRef, obj: &Value) -> Resource {
    Resource::of(oref.kind, obj.get_string("apiVersion"))
}

fn selector_of(svc: &Value) -> std::collections::BTreeMap<String, String> {
    svc.path(&["spec", "selector"])
        .map(View::string_map)
        .unwrap_or_default()
}

/// Plan the run. `targets` in the order given; the snapshot holds what was read for them.
pub fn plan(
    snap: &Snapshot,
    targets: &[Target],
    opts: &LiveOptions,
) -> Result<LivePlan, PlanError> {
    if !snap.missing.is_empty() {
        return Err(PlanError::Missing(
            snap.missing.clone(),
            snap.namespace.clone(),
        ));
    }
    let ns = snap.namespace.as_str();
    let mixed = opts.patch.mode == NetworkMode::Mixed;
    if mixed && let Some(d) = snap.denied.first() {
        return Err(PlanError::Incomplete(d.clone()));
    }
    let mut out = LivePlan::default();
    for d in &snap.denied {
        out.notes.push(format!(
            "could not {} {}: forbidden; the advice about pods and readiness gates below is incomplete",
            d.verb,
            d.what()
        ));
    }
    // Pod templates are opted into an ENI in mixed clusters, unless GlobalRoute direct serves them already.
    let opt_in =
        !(mixed && opts.patch.intent == Intent::Enable && opts.opt_in == OptIn::NotUnlessAsked);
    if mixed && !opt_in {
        out.notes.push(GLOBAL_ROUTE_DIRECT_NOTE.into());
    }
    let workloads: Vec<Workload> = snap.workloads.iter().map(model).collect();
    let pods: Vec<Pod> = snap.pods.iter().map(model).collect();
    let mut items: Vec<Item> = Vec::new();
    let find_object = |kind: Kind, name: &str| {
        snap.objects
            .iter()
            .find(|o| identify(*o).is_some_and(|r| r.kind == kind) && name_of(o) == name)
    };
    // The named objects.
    for t in targets {
        let Some(obj) = find_object(t.kind, &t.name) else {
            continue;
        };
        let Some(oref) = oref_of(obj, ns) else {
            continue;
        };
        if items.iter().any(|i| i.oref == oref) {
            continue;
        }
        let (mut verdict, mut change) = decide_live(&oref, obj, &opts.patch)?;
        if oref.kind.is_workload() && !opt_in && matches!(verdict, Verdict::Change { .. }) {
            verdict = Verdict::Skip(
                "GlobalRouteDirectAccess is on: its GlobalRouter pods are direct backends as they are; pass --eni shared or --eni exclusive to opt it into an ENI anyway".into(),
            );
            change = None;
        }
        items.push(Item {
            resource: resource_of(&oref, obj),
            resource_version: rv(obj),
            oref,
            selected: Selected::Named,
            verdict,
            change,
        });
    }
    // The Services in scope: named ones that are not skipped, and the backends of named Ingresses.
    let mut scope: Vec<(&Value, ObjectRef, Option<ObjectRef>)> = Vec::new();
    for item in items.clone() {
        if matches!(item.verdict, Verdict::Skip(_)) {
            continue;
        }
        match item.oref.kind {
            Kind::Service => {
                let obj = find_object(Kind::Service, &item.oref.name).expect("read");
                scope.push((obj, item.oref.clone(), None));
            }
            Kind::Ingress => {
                let ing = find_object(Kind::Ingress, &item.oref.name).expect("read");
                for backend in ingress_backends(ing) {
                    match find_object(Kind::Service, &backend) {
                        Some(svc) => {
                            if let Some(r) = oref_of(svc, ns) {
                                scope.push((svc, item.oref.clone(), Some(r)));
                            }
                        }
                        None => out.notes.push(format!(
                            "{} routes to svc/{backend}, which does not exist in namespace {ns}",
                            short(&item.oref)
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    // The workloads behind them.
    let mut behind: Vec<(ObjectRef, Linked)> = Vec::new();
    for (svc, from, via) in &scope {
        let svc_ref = via.clone().unwrap_or_else(|| from.clone());
        let selector = selector_of(svc);
        if selector.is_empty() {
            out.notes.push(format!(
                "{} has no selector: its endpoints are managed by hand, so no workload is linked",
                short(&svc_ref)
            ));
            continue;
        }
        let linked = backing::backing(&selector, &workloads, &pods);
        for n in &linked.notes {
            let n = format!("{}: {n}", short(&svc_ref));
            if !out.notes.contains(&n) {
                out.notes.push(n);
            }
        }
        for b in &linked.backing {
            let w = &snap.workloads[b.workload];
            let Some(wref) = oref_of(w, ns) else { continue };
            if mixed && opt_in && !items.iter().any(|i| i.oref == wref) {
                let (verdict, change) = decide_live(&wref, w, &opts.patch)?;
                items.push(Item {
                    resource: resource_of(&wref, w),
                    resource_version: rv(w),
                    oref: wref.clone(),
                    selected: Selected::Linked {
                        from: from.clone(),
                        via: via.clone(),
                    },
                    verdict,
                    change,
                });
            }
        }
        // A Service named as a TARGET and reached again as an Ingress backend is listed once.
        if !behind.iter().any(|(s, _)| *s == svc_ref) {
            behind.push((svc_ref, linked));
        }
    }
    if opts.patch.intent == Intent::Disable {
        hold_back(&mut items, snap, &pods, opts.patch.force);
    }
    // Apply order.
    let switch_first = opts.patch.intent == Intent::Disable;
    items.sort_by_key(|i| i.oref.kind.is_workload() == switch_first);
    // Readiness gates, rolls and restarts.
    for (svc_ref, linked) in &behind {
        for b in &linked.backing {
            let w = &snap.workloads[b.workload];
            let Some(wref) = oref_of(w, ns) else { continue };
            let rolls = items.iter().any(|i| i.oref == wref && i.change.is_some());
            let without: Vec<String> = b
                .pods
                .iter()
                .map(|&p| &pods[p])
                .filter(|p| !has_gate(p))
                .map(|p| p.name().to_string())
                .collect();
            let rolling_out = backing::rolling_out(&workloads[b.workload]);
            let mut restart = false;
            if opts.restart
                && opts.patch.intent == Intent::Enable
                && !rolls
                && rolling_out.is_none()
                && !without.is_empty()
                && !out.restarts.iter().any(|r| r.oref == wref)
            {
                if matches!(
                    wref.kind,
                    Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet
                ) {
                    out.restarts
                        .push(restart_of(&wref, w, &without, &opts.now)?);
                    restart = true;
                } else {
                    out.notes.push(format!(
                        "{} cannot be rollout-restarted: delete its pods to have them re-created with the readiness gate",
                        short(&wref)
                    ));
                }
            }
            restart |= out.restarts.iter().any(|r| r.oref == wref);
            out.behind.push(Behind {
                service: svc_ref.clone(),
                workload: wref,
                pods: b.pods.len(),
                without_gate: without,
                rolls,
                restart,
                rolling_out,
            });
        }
    }
    out.items = items;
    Ok(out)
}

/// The guards of `disable` over the namespace ([`crate::patch::guard`]): what the run would switch off
/// or strip of its ENI opt-in, against everything else read (the targets, the Services behind them, the
/// namespace's Services, Ingresses and workloads).
fn hold_back(items: &mut [Item], snap: &Snapshot, pods: &[Pod], force: bool) {
    let ns = snap.namespace.as_str();
    let mut objects: Vec<(ObjectRef, Guarded)> = Vec::new();
    for obj in snap
        .objects
        .iter()
        .chain(&snap.scope)
        .chain(&snap.workloads)
    {
        let Some(oref) = oref_of(obj, ns) else {
            continue;
        };
        if !objects.iter().any(|(r, _)| *r == oref) {
            let g = Guarded::decode(oref.kind, obj);
            objects.push((oref, g));
        }
    }
    let disabling: Vec<bool> = objects
        .iter()
        .map(|(r, _)| items.iter().any(|i| i.oref == *r && i.change.is_some()))
        .collect();
    let members: Vec<Member<'_>> = objects
        .iter()
        .zip(&disabling)
        .map(|((oref, object), d)| Member {
            oref,
            object,
            disabling: *d,
        })
        .collect();
    for (m, hold) in holds(&members, pods) {
        if let Some(item) = items.iter_mut().find(|i| i.oref == *members[m].oref) {
            settle(&mut item.verdict, hold, force);
            if matches!(item.verdict, Verdict::Held(_)) {
                item.change = None;
            }
        }
    }
}

fn rv(obj: &Value) -> String {
    obj.path(&["metadata", "resourceVersion"])
        .and_then(View::string)
        .unwrap_or_default()
        .to_string()
}

/// `svc/web` (the namespace is the run's).
pub fn short(r: &ObjectRef) -> String {
    format!("{}/{}", r.kind.short(), r.name)
}

/// The `kubectl rollout restart` patch of a workload: a new `restartedAt` pod-template annotation.
pub fn restart_edit(kind: Kind, now: &str) -> Edit {
    let mut path: Vec<Seg> = kind
        .pod_template_path()
        .iter()
        .map(|k| Seg::key(k))
        .collect();
    path.extend([
        Seg::key("metadata"),
        Seg::key("annotations"),
        Seg::key(RESTARTED_AT),
    ]);
    Edit::Set {
        path,
        value: now.to_string(),
    }
}

/// The restart of `w`, with `w`'s resourceVersion as the precondition.
pub fn restart_of(
    wref: &ObjectRef,
    w: &Value,
    without_gate: &[String],
    now: &str,
) -> Result<Restart, PlanError> {
    let patch = patch::build(
        PatchType::Strategic,
        w,
        &[restart_edit(wref.kind, now)],
        &rv(w),
    )
    .map_err(|e| PlanError::Patch(wref.clone(), e))?;
    Ok(Restart {
        oref: wref.clone(),
        resource: resource_of(wref, w),
        pods_without_gate: without_gate.to_vec(),
        patch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::consts::{READINESS_GATE, SERVICE_DIRECT_ACCESS};
    use crate::patch::EniFlavor;
    use serde_json::json;

    fn opts(intent: Intent, mode: NetworkMode, restart: bool) -> LiveOptions {
        LiveOptions {
            patch: Options {
                intent,
                mode,
                eni: EniFlavor::Shared,
                container: None,
                force: false,
            },
            restart,
            now: "2024-05-01T00:00:00Z".into(),
            opt_in: OptIn::Yes,
        }
    }

    fn svc(name: &str, ty: &str, app: Option<&str>, direct: bool) -> Value {
        let mut v = json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "shop", "resourceVersion": "10"},
            "spec": {"type": ty}});
        if let Some(a) = app {
            v["spec"]["selector"] = json!({"app": a});
        }
        if direct {
            v["metadata"]["annotations"] = json!({SERVICE_DIRECT_ACCESS: "true"});
        }
        v
    }

    fn workload(kind: &str, name: &str, app: &str) -> Value {
        json!({"apiVersion": if kind == "Job" { "batch/v1" } else { "apps/v1" }, "kind": kind,
            "metadata": {"name": name, "namespace": "shop", "resourceVersion": "20"},
            "spec": {"template": {"metadata": {"labels": {"app": app}}, "spec": {"containers": [{"name": "c"}]}}}})
    }

    fn pod(name: &str, app: &str, owner: (&str, &str), gate: bool) -> Value {
        let mut p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "shop", "labels": {"app": app},
              "ownerReferences": [{"kind": owner.0, "name": owner.1, "controller": true}]},
            "spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Running"}});
        if gate {
            p["spec"]["readinessGates"] = json!([{"conditionType": READINESS_GATE}]);
        }
        p
    }

    fn snap(objects: Vec<Value>, workloads: Vec<Value>, pods: Vec<Value>) -> Snapshot {
        Snapshot {
            namespace: "shop".into(),
            objects,
            workloads,
            pods,
            ..Default::default()
        }
    }

    fn t(s: &str) -> Target {
        s.parse().unwrap()
    }

    fn refs(p: &LivePlan) -> Vec<String> {
        p.items.iter().map(|i| short(&i.oref)).collect()
    }

    /// A Service that is both a TARGET and the backend of a TARGET Ingress: its workloads are listed once.
    #[test]
    fn a_service_reached_twice_is_behind_once() {
        let ing = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "shop", "namespace": "shop", "resourceVersion": "30"},
            "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}});
        let s = snap(
            vec![svc("web", "LoadBalancer", Some("web"), false), ing],
            vec![workload("Deployment", "web", "web")],
            vec![pod("web-1", "web", ("Deployment", "web"), true)],
        );
        let p = plan(
            &s,
            &[t("svc/web"), t("ing/shop")],
            &opts(Intent::Enable, NetworkMode::VpcCni, false),
        )
        .unwrap();
        let behind: Vec<(String, String)> = p
            .behind
            .iter()
            .map(|b| (short(&b.service), short(&b.workload)))
            .collect();
        assert_eq!(behind.len(), 1, "{behind:?}");
    }

    #[test]
    fn mixed_links_workloads_and_orders_them_before_the_switch() {
        let s = snap(
            vec![svc("web", "LoadBalancer", Some("web"), false)],
            vec![
                workload("Deployment", "web", "web"),
                workload("Deployment", "api", "api"),
            ],
            vec![pod("web-1", "web", ("Deployment", "web"), false)],
        );
        let p = plan(
            &s,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::Mixed, false),
        )
        .unwrap();
        assert_eq!(refs(&p), ["deploy/web", "svc/web"]);
        assert_eq!(
            p.items[0].selected,
            Selected::Linked {
                from: ObjectRef::new(Kind::Service, Some("shop"), "web"),
                via: None
            }
        );
        assert!(p.items.iter().all(|i| i.change.is_some()));
        assert_eq!(
            p.items[0].change.as_ref().unwrap().patch.kind,
            PatchType::Strategic
        );
        assert_eq!(
            p.items[1].change.as_ref().unwrap().patch.body["metadata"]["resourceVersion"],
            "10"
        );
        assert!(p.behind[0].rolls && !p.behind[0].restart);
        assert!(p.pending());

        let mut on = s.clone();
        on.objects = vec![svc("web", "LoadBalancer", Some("web"), true)];
        let off = plan(
            &on,
            &[t("svc/web")],
            &opts(Intent::Disable, NetworkMode::Mixed, false),
        )
        .unwrap();
        assert_eq!(refs(&off), ["svc/web", "deploy/web"], "switch off first");
    }

    #[test]
    fn vpc_cni_links_nothing_but_reports_gates_and_plans_restarts() {
        let s = snap(
            vec![svc("web", "LoadBalancer", Some("web"), true)],
            vec![
                workload("Deployment", "web", "web"),
                workload("ReplicationController", "old", "web"),
            ],
            vec![
                pod("web-1", "web", ("Deployment", "web"), false),
                pod("web-2", "web", ("Deployment", "web"), true),
                pod("old-1", "web", ("ReplicationController", "old"), false),
            ],
        );
        let p = plan(
            &s,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::VpcCni, false),
        )
        .unwrap();
        assert_eq!(refs(&p), ["svc/web"]);
        assert_eq!(p.items[0].verdict, Verdict::Done("already enabled".into()));
        assert!(!p.pending());
        assert_eq!(p.behind[0].without_gate, ["web-1"]);

        let r = plan(
            &s,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::VpcCni, true),
        )
        .unwrap();
        assert_eq!(
            r.restarts.len(),
            1,
            "a ReplicationController cannot be rollout-restarted"
        );
        assert_eq!(r.restarts[0].pods_without_gate, ["web-1"]);
        assert_eq!(
            r.restarts[0].patch.body,
            json!({"metadata": {"resourceVersion": "20"}, "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: "2024-05-01T00:00:00Z"}}}}})
        );
        assert!(
            r.notes
                .iter()
                .any(|n| n.starts_with("rc/old cannot be rollout-restarted")),
            "{:?}",
            r.notes
        );
        assert!(r.pending());
        // A rollout under way replaces the pods already: no restart on top.
        let mut rolling = s.clone();
        rolling.workloads[0]["metadata"]["generation"] = json!(3);
        rolling.workloads[0]["status"] = json!({"observedGeneration": 2});
        let p = plan(
            &rolling,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::VpcCni, true),
        )
        .unwrap();
        assert!(p.restarts.is_empty());
        assert_eq!(
            p.behind[0].rolling_out.as_deref(),
            Some("its controller has not yet acted on generation 3")
        );
        // A template that changes rolls anyway: no restart on top.
        let m = plan(
            &s,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::Mixed, true),
        )
        .unwrap();
        assert!(m.restarts.iter().all(|r| r.oref.name != "web"));
    }

    #[test]
    fn skipped_services_link_nothing() {
        let s = snap(
            vec![svc("internal", "ClusterIP", Some("web"), false)],
            vec![workload("Deployment", "web", "web")],
            vec![],
        );
        let p = plan(
            &s,
            &[t("svc/internal")],
            &opts(Intent::Enable, NetworkMode::Mixed, false),
        )
        .unwrap();
        assert_eq!(refs(&p), ["svc/internal"]);
        assert!(matches!(p.items[0].verdict, Verdict::Skip(_)));
        assert!(!p.pending());
    }

    #[test]
    fn ingresses_follow_backends_and_report_missing_ones() {
        let ing = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "shop", "namespace": "shop", "resourceVersion": "5"},
            "spec": {"rules": [{"http": {"paths": [
                {"backend": {"service": {"name": "web", "port": {"number": 80}}}},
                {"backend": {"service": {"name": "gone", "port": {"number": 80}}}}]}}]}});
        let s = snap(
            vec![ing, svc("web", "ClusterIP", Some("web"), false)],
            vec![workload("StatefulSet", "web", "web")],
            vec![],
        );
        let p = plan(
            &s,
            &[t("ing/shop")],
            &opts(Intent::Enable, NetworkMode::Mixed, false),
        )
        .unwrap();
        assert_eq!(refs(&p), ["sts/web", "ing/shop"]);
        assert!(
            matches!(&p.items[0].selected, Selected::Linked { via: Some(v), .. } if v.name == "web")
        );
        assert_eq!(
            p.notes,
            ["ing/shop routes to svc/gone, which does not exist in namespace shop"]
        );
    }

    #[test]
    fn missing_targets_and_incomplete_reads_are_errors() {
        let mut s = snap(vec![], vec![], vec![]);
        s.missing = vec![t("svc/a"), t("deploy/b")];
        assert_eq!(
            plan(
                &s,
                &[t("svc/a")],
                &opts(Intent::Enable, NetworkMode::VpcCni, false)
            )
            .unwrap_err()
            .to_string(),
            "svc/a, deploy/b not found in namespace shop"
        );
        let mut s = snap(
            vec![svc("web", "LoadBalancer", Some("web"), false)],
            vec![],
            vec![],
        );
        s.denied = vec![ReadError {
            verb: "list".into(),
            resource: "replicasets.apps".into(),
            namespace: Some("shop".into()),
            code: 403,
            message: "nope".into(),
        }];
        let err = plan(
            &s,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::Mixed, false),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("could not list replicasets.apps in namespace shop: forbidden"),
            "{err}"
        );
        let p = plan(
            &s,
            &[t("svc/web")],
            &opts(Intent::Enable, NetworkMode::VpcCni, false),
        )
        .unwrap();
        assert!(p.notes[0].contains("incomplete"), "{:?}", p.notes);
        assert!(p.pending());
    }

    #[test]
    fn owned_workloads_and_jobs_are_not_patched() {
        let mut rs = workload("ReplicaSet", "web-abc", "web");
        rs["metadata"]["ownerReferences"] =
            json!([{"kind": "Deployment", "name": "web", "controller": true}]);
        let job = workload("Job", "migrate", "migrate");
        let s = snap(vec![rs, job], vec![], vec![]);
        let p = plan(
            &s,
            &[t("rs/web-abc"), t("job/migrate")],
            &opts(Intent::Enable, NetworkMode::Mixed, false),
        )
        .unwrap();
        let why: Vec<String> = p
            .items
            .iter()
            .map(|i| match &i.verdict {
                Verdict::Skip(w) => w.clone(),
                v => panic!("{v:?}"),
            })
            .collect();
        assert!(why[0].starts_with("managed by deploy/web"), "{why:?}");
        assert!(
            why[1].starts_with("a Job's pod template cannot change"),
            "{why:?}"
        );
    }

    #[test]
    fn the_diff_views_show_only_managed_fields() {
        let obj = svc("web", "LoadBalancer", Some("web"), false);
        let oref = ObjectRef::new(Kind::Service, Some("shop"), "web");
        let (_, change) = decide_live(
            &oref,
            &obj,
            &opts(Intent::Enable, NetworkMode::VpcCni, false).patch,
        )
        .unwrap();
        let c = change.unwrap();
        assert_eq!(
            c.before,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n"
        );
        assert_eq!(
            c.after,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  annotations:\n    service.cloud.tencent.com/direct-access: \"true\"\n"
        );
    }
}
