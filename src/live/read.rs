//! Reading what a live plan needs, through the cluster port: each TARGET (Ingress in the group version the
//! server prefers), the Services behind Ingress targets, and — when some Service has a selector — the
//! namespace's workloads (one LIST per kind) and the pods each selector picks. Concurrent where it can be.

use futures::future::join_all;
use serde_json::Value;

use super::plan::Snapshot;
use crate::cluster::port::CRONJOB_VERSIONS;
use crate::cluster::read::{Listed, Progress, list_all};
use crate::cluster::{ApiError, Cluster, ListQuery, Resource};
use crate::model::facts::ReadError;
use crate::model::{Kind, Target};
use crate::patch::decide::ingress_backends;
use crate::patch::view::View;

/// The targets (or what backs them) could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnapshotError {
    #[error("could not {verb} {resource} in namespace {namespace}: {failure}")]
    Api {
        verb: &'static str,
        resource: String,
        namespace: String,
        #[source]
        failure: ApiError,
    },
    #[error(
        "{0} is an Ingress, but this cluster serves no Ingress API (networking.k8s.io/v1, networking.k8s.io/v1beta1 or extensions/v1beta1)"
    )]
    NoIngressApi(Target),
}

fn fail(verb: &'static str, r: &Resource, ns: &str, failure: ApiError) -> SnapshotError {
    SnapshotError::Api {
        verb,
        resource: r.rbac_name(),
        namespace: ns.to_string(),
        failure,
    }
}

/// Group versions to try for a kind, best first.
fn versions(kind: Kind, ingress_api: Option<&str>) -> Vec<Resource> {
    match kind {
        Kind::Ingress => ingress_api
            .map(|gv| vec![Resource::of(kind, Some(gv))])
            .unwrap_or_default(),
        Kind::CronJob => CRONJOB_VERSIONS
            .iter()
            .map(|gv| Resource::of(kind, Some(gv)))
            .collect(),
        k => vec![Resource::of(k, None)],
    }
}

/// GET one object, trying the kind's group versions in order.
pub async fn get_object<C: Cluster>(
    c: &C,
    kind: Kind,
    ingress_api: Option<&str>,
    ns: &str,
    name: &str,
) -> Result<Option<Value>, SnapshotError> {
    for r in versions(kind, ingress_api) {
        match crate::cluster::read::get_object::<C, Value>(c, &r, Some(ns), name).await {
            Ok(Some(v)) => return Ok(Some(typed(v, &r))),
            Ok(None) => continue,
            Err(f) => return Err(fail("get", &r, ns, f)),
        }
    }
    Ok(None)
}

/// Set `apiVersion` and `kind` on an object (LIST items come without them).
pub fn typed(mut item: Value, r: &Resource) -> Value {
    if let Some(m) = item.as_object_mut() {
        m.insert("apiVersion".into(), Value::String(r.api_version.clone()));
        m.insert("kind".into(), Value::String(r.kind.to_string()));
    }
    item
}

/// LIST a kind in the namespace (trying its group versions); `Ok(Err(refused))` when forbidden.
async fn list_kind<C: Cluster>(
    c: &C,
    kind: Kind,
    ns: &str,
    selector: Option<&str>,
) -> Result<Result<Vec<Value>, ReadError>, SnapshotError> {
    for r in versions(kind, None) {
        match list_one(c, &r, ns, selector).await? {
            Ok(Some(items)) => return Ok(Ok(items)),
            Ok(None) => continue,
            Err(d) => return Ok(Err(d)),
        }
    }
    Ok(Ok(Vec::new()))
}

async fn list_one<C: Cluster>(
    c: &C,
    r: &Resource,
    ns: &str,
    selector: Option<&str>,
) -> Result<Result<Option<Vec<Value>>, ReadError>, SnapshotError> {
    let query = ListQuery {
        label_selector: selector.map(str::to_string),
        ..Default::default()
    };
    match list_all(c, r, Some(ns), &query, &Progress::default(), |v: Value| {
        Some(typed(v, r))
    })
    .await
    {
        Ok(Listed::Items(v)) => Ok(Ok(Some(v))),
        Ok(Listed::NotServed) => Ok(Ok(None)),
        Ok(Listed::Denied(d)) => Ok(Err(d)),
        Err(f) => Err(fail("list", r, ns, f.error)),
    }
}

/// Read the targets and what backs them; with `scope`, also the namespace's Services and Ingresses (what
/// else stays direct, for the guards of `disable` in mixed clusters).
pub async fn snapshot<C: Cluster>(
    c: &C,
    ns: &str,
    targets: &[Target],
    ingress_api: Option<&str>,
    scope: bool,
) -> Result<Snapshot, SnapshotError> {
    let mut snap = Snapshot {
        namespace: ns.to_string(),
        ..Default::default()
    };
    if let Some(t) = targets.iter().find(|t| t.kind == Kind::Ingress)
        && ingress_api.is_none()
    {
        return Err(SnapshotError::NoIngressApi(t.clone()));
    }
    let mut unique: Vec<&Target> = Vec::new();
    for t in targets {
        if !unique.contains(&t) {
            unique.push(t);
        }
    }
    let got = join_all(
        unique
            .iter()
            .map(|t| get_object(c, t.kind, ingress_api, ns, &t.name)),
    )
    .await;
    for (t, r) in unique.iter().zip(got) {
        match r? {
            Some(obj) => snap.objects.push(obj),
            None => snap.missing.push((*t).clone()),
        }
    }
    // Services behind Ingress targets.
    let mut backends: Vec<String> = Vec::new();
    for obj in &snap.objects {
        if obj.get_string("kind") == Some("Ingress") {
            for b in ingress_backends(obj) {
                let known = backends.contains(&b)
                    || snap.objects.iter().any(|o| {
                        o.get_string("kind") == Some("Service")
                            && o.path(&["metadata", "name"]).and_then(View::string) == Some(&b)
                    });
                if !known {
                    backends.push(b);
                }
            }
        }
    }
    let got = join_all(
        backends
            .iter()
            .map(|b| get_object(c, Kind::Service, None, ns, b)),
    )
    .await;
    for r in got {
        if let Some(svc) = r? {
            snap.objects.push(svc);
        }
    }
    if scope {
        let kinds = [Some(Resource::of(Kind::Service, None))]
            .into_iter()
            .chain([ingress_api.map(|gv| Resource::of(Kind::Ingress, Some(gv)))])
            .flatten();
        for r in kinds {
            match list_one(c, &r, ns, None).await? {
                Ok(Some(items)) => snap.scope.extend(items),
                Ok(None) => {}
                Err(d) => snap.denied.push(d),
            }
        }
    }
    // Pods by selector, workloads by kind.
    let mut selectors: Vec<String> = Vec::new();
    for obj in &snap.objects {
        if obj.get_string("kind") == Some("Service") {
            let sel = obj
                .path(&["spec", "selector"])
                .map(View::string_map)
                .unwrap_or_default();
            let s = crate::rules::selector::to_query(&sel);
            if !s.is_empty() && !selectors.contains(&s) {
                selectors.push(s);
            }
        }
    }
    if selectors.is_empty() {
        return Ok(snap);
    }
    let pods = Resource::pods();
    let (pod_lists, workload_lists) = futures::join!(
        join_all(selectors.iter().map(|s| list_one(c, &pods, ns, Some(s)))),
        join_all(
            Kind::ALL
                .iter()
                .filter(|k| k.is_workload())
                .map(|k| list_kind(c, *k, ns, None))
        ),
    );
    for r in pod_lists {
        match r? {
            Ok(Some(items)) => {
                for p in items {
                    let name = p.path(&["metadata", "name"]).and_then(View::string);
                    let dup = snap
                        .pods
                        .iter()
                        .any(|q| q.path(&["metadata", "name"]).and_then(View::string) == name);
                    if !dup {
                        snap.pods.push(p);
                    }
                }
            }
            Ok(None) => {}
            Err(d) => {
                if !snap.denied.contains(&d) {
                    snap.denied.push(d);
                }
            }
        }
    }
    for r in workload_lists {
        match r? {
            Ok(items) => snap.workloads.extend(items),
            Err(d) => snap.denied.push(d),
        }
    }
    Ok(snap)
}
