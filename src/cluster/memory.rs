//! An in-memory API server implementing [`Cluster`], for unit tests of doctor, live enable/disable and
//! sync (the adapter's own wire format is tested against the loopback HTTP fake in tests/). It keeps
//! objects as JSON, answers GET, paginated LIST (equality label selectors, `!=`/`=` field selectors) and
//! PATCH (merge and strategic merge, `metadata.resourceVersion` preconditions answered with 409,
//! dry-run), and can refuse (403) or fail requests on demand. Every request is recorded.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::port::{ApiError, Cluster, ListQuery, Patch, PatchType, Resource};

#[derive(Debug, Default)]
struct State {
    /// (group, plural) → objects.
    objects: BTreeMap<(String, String), Vec<Value>>,
    version: Value,
    groups: Vec<String>,
    page_size: usize,
    resource_version: u64,
    /// (verb, plural) refused with 403.
    forbidden: Vec<(String, String)>,
    /// (verb, plural, code, times left).
    faults: Vec<(String, String, u16, usize)>,
    requests: Vec<String>,
    /// (name, body, dry run) of every PATCH received.
    patches: Vec<(String, Value, bool)>,
}

type Writer = Box<dyn FnOnce(&mut Value) + Send>;

/// The fake. Objects need `apiVersion` and `kind`.
#[derive(Default)]
pub struct MemoryCluster {
    state: Mutex<State>,
    /// Another writer, run on the stored object when the next PATCH arrives (before its precondition is
    /// checked), bumping its resourceVersion.
    other_writer: Mutex<Option<Writer>>,
}

impl std::fmt::Debug for MemoryCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCluster")
            .field("state", &self.state)
            .finish()
    }
}

/// The plural of a kind, as the API names its resource.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    match lower.as_str() {
        "endpoints" => lower,
        s if s.ends_with("ss") => format!("{s}es"),
        s if s.ends_with('s') => s.to_string(),
        s => format!("{s}s"),
    }
}

fn group_of(api_version: &str) -> String {
    api_version
        .split_once('/')
        .map_or("", |(g, _)| g)
        .to_string()
}

fn status(code: u16, message: &str) -> ApiError {
    ApiError::from_status(
        code,
        json!({"kind": "Status", "message": message})
            .to_string()
            .as_bytes(),
    )
    .0
}

fn field<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

fn matches_labels(obj: &Value, selector: &str) -> bool {
    selector.split(',').filter(|s| !s.is_empty()).all(|term| {
        let labels = field(obj, "metadata.labels");
        match term.split_once('=') {
            Some((k, v)) => {
                labels
                    .and_then(|l| l.get(k.trim_end_matches('=')))
                    .and_then(Value::as_str)
                    == Some(v)
            }
            None => labels.and_then(|l| l.get(term)).is_some(),
        }
    })
}

fn matches_fields(obj: &Value, selector: &str) -> bool {
    selector.split(',').filter(|s| !s.is_empty()).all(|term| {
        let text = |path: &str| {
            field(obj, path)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        if let Some((k, v)) = term.split_once("!=") {
            text(k) != v
        } else if let Some((k, v)) = term.split_once('=') {
            text(k.trim_end_matches('=')) == v
        } else {
            true
        }
    })
}

/// RFC 7386.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// Strategic merge as tkedirect uses it: maps merge, lists of objects with a `name` merge by name, other
/// lists are replaced, null removes.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (Value::Array(t), Value::Array(p))
            if p.iter().all(|i| i.get("name").is_some())
                && t.iter().all(|i| i.get("name").is_some()) =>
        {
            for item in p {
                match t.iter_mut().find(|x| x.get("name") == item.get("name")) {
                    Some(x) => strategic_merge(x, item),
                    None => t.push(item.clone()),
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

impl MemoryCluster {
    pub fn new(objects: impl IntoIterator<Item = Value>) -> Self {
        let c = MemoryCluster::default();
        {
            let mut s = c.state.lock().unwrap();
            s.page_size = 500;
            s.version = json!({"major": "1", "minor": "28", "gitVersion": "v1.28.3-tke.1"});
            s.groups = [
                "apps/v1",
                "batch/v1",
                "networking.k8s.io/v1",
                "discovery.k8s.io/v1",
                "admissionregistration.k8s.io/v1",
            ]
            .map(String::from)
            .to_vec();
        }
        for o in objects {
            c.add(o);
        }
        c
    }

    /// Store (or replace) an object.
    pub fn add(&self, mut obj: Value) {
        let mut s = self.state.lock().unwrap();
        s.resource_version += 1;
        let rv = s.resource_version.to_string();
        let meta = obj["metadata"]
            .as_object_mut()
            .expect("an object with metadata");
        meta.entry("resourceVersion").or_insert(Value::String(rv));
        let key = (
            group_of(obj["apiVersion"].as_str().expect("apiVersion")),
            plural(obj["kind"].as_str().expect("kind")),
        );
        let list = s.objects.entry(key).or_default();
        let same = |o: &Value| {
            o["metadata"]["name"] == obj["metadata"]["name"]
                && o["metadata"]["namespace"] == obj["metadata"]["namespace"]
        };
        match list.iter_mut().find(|o| same(o)) {
            Some(o) => *o = obj,
            None => list.push(obj),
        }
    }

    /// Remove an object.
    pub fn remove(&self, kind: &str, namespace: Option<&str>, name: &str) {
        let mut s = self.state.lock().unwrap();
        for list in s.objects.values_mut() {
            list.retain(|o| {
                !(o["kind"] == kind
                    && o["metadata"]["name"] == name
                    && o["metadata"]["namespace"].as_str() == namespace)
            });
        }
    }

    /// The stored object.
    pub fn object(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        let s = self.state.lock().unwrap();
        s.objects
            .values()
            .flatten()
            .find(|o| {
                o["kind"] == kind
                    && o["metadata"]["name"] == name
                    && o["metadata"]["namespace"].as_str() == namespace
            })
            .cloned()
    }

    pub fn set_version(&self, git_version: &str) {
        self.state.lock().unwrap().version = json!({"gitVersion": git_version});
    }

    /// The group versions `/apis` lists (a resource of another group version answers 404).
    pub fn serve_groups(&self, groups: &[&str]) {
        self.state.lock().unwrap().groups = groups.iter().map(|g| g.to_string()).collect();
    }

    pub fn page_size(&self, n: usize) {
        self.state.lock().unwrap().page_size = n;
    }

    /// Refuse `verb` (`get`, `list`, `patch`) on `plural` with 403.
    pub fn forbid(&self, verb: &str, plural: &str) {
        self.state
            .lock()
            .unwrap()
            .forbidden
            .push((verb.into(), plural.into()));
    }

    /// Fail the next `times` requests of `verb` on `plural` with `code`.
    pub fn fail(&self, verb: &str, plural: &str, code: u16, times: usize) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push((verb.into(), plural.into(), code, times));
    }

    /// `GET /api/v1/…`, `LIST …`, `PATCH …` lines, in order.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    /// (name, body, dry run) of every PATCH received, in order.
    pub fn patches(&self) -> Vec<(String, Value, bool)> {
        self.state.lock().unwrap().patches.clone()
    }

    /// Play another writer: change the stored object when the next PATCH arrives.
    pub fn before_next_patch(&self, f: impl FnOnce(&mut Value) + Send + 'static) {
        *self.other_writer.lock().unwrap() = Some(Box::new(f));
    }

    fn check(&self, verb: &str, r: &Resource, line: String) -> Result<(), ApiError> {
        let mut s = self.state.lock().unwrap();
        s.requests.push(line);
        if s.forbidden.iter().any(|(v, p)| v == verb && p == r.plural) {
            return Err(status(
                403,
                &format!("{} is forbidden: cannot {verb}", r.rbac_name()),
            ));
        }
        if let Some(f) = s
            .faults
            .iter_mut()
            .find(|(v, p, _, n)| v == verb && p == r.plural && *n > 0)
        {
            f.3 -= 1;
            return Err(status(f.2, "injected failure"));
        }
        if r.api_version != "v1" && !s.groups.contains(&r.api_version) {
            return Err(status(
                404,
                "the server could not find the requested resource",
            ));
        }
        Ok(())
    }

    fn find(s: &State, r: &Resource, ns: Option<&str>, name: &str) -> Option<usize> {
        let list = s
            .objects
            .get(&(r.group().to_string(), r.plural.to_string()))?;
        list.iter().position(|o| {
            o["metadata"]["name"] == name
                && (!r.namespaced || o["metadata"]["namespace"].as_str() == ns)
        })
    }
}

impl Cluster for MemoryCluster {
    async fn get_path(&self, path: &str) -> Result<Bytes, ApiError> {
        let mut s = self.state.lock().unwrap();
        s.requests.push(format!("GET {path}"));
        let body = match path {
            "/version" => s.version.clone(),
            "/apis" => {
                let groups: Vec<Value> = s
                    .groups
                    .iter()
                    .map(|gv| json!({"name": group_of(gv), "versions": [{"groupVersion": gv}]}))
                    .collect();
                json!({"kind": "APIGroupList", "groups": groups})
            }
            _ => return Err(status(404, "not found")),
        };
        Ok(Bytes::from(body.to_string()))
    }

    async fn get(
        &self,
        r: &Resource,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Option<Bytes>, ApiError> {
        match self.check("get", r, format!("GET {}", r.path(ns, Some(name)))) {
            Err(e) if e.code() == Some(404) => return Ok(None),
            other => other?,
        }
        let s = self.state.lock().unwrap();
        Ok(Self::find(&s, r, ns, name).map(|i| {
            Bytes::from(s.objects[&(r.group().to_string(), r.plural.to_string())][i].to_string())
        }))
    }

    async fn list(&self, r: &Resource, ns: Option<&str>, q: &ListQuery) -> Result<Bytes, ApiError> {
        self.check(
            "list",
            r,
            format!("LIST {}{}", r.path(ns, None), q.query_string()),
        )?;
        let s = self.state.lock().unwrap();
        let all: Vec<&Value> = s
            .objects
            .get(&(r.group().to_string(), r.plural.to_string()))
            .into_iter()
            .flatten()
            .filter(|o| !r.namespaced || ns.is_none_or(|ns| o["metadata"]["namespace"] == ns))
            .filter(|o| {
                q.label_selector
                    .as_deref()
                    .is_none_or(|l| matches_labels(o, l))
            })
            .filter(|o| {
                q.field_selector
                    .as_deref()
                    .is_none_or(|f| matches_fields(o, f))
            })
            .collect();
        let start: usize = q
            .continue_token
            .as_deref()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let end = (start + s.page_size).min(all.len());
        let items: Vec<Value> = all[start.min(end)..end]
            .iter()
            .map(|o| {
                let mut o = (*o).clone();
                if let Some(m) = o.as_object_mut() {
                    m.remove("kind");
                    m.remove("apiVersion");
                }
                o
            })
            .collect();
        let mut meta = Map::new();
        meta.insert(
            "resourceVersion".into(),
            Value::String(s.resource_version.to_string()),
        );
        if end < all.len() {
            meta.insert("continue".into(), Value::String(end.to_string()));
        }
        Ok(Bytes::from(
            json!({"metadata": meta, "items": items}).to_string(),
        ))
    }

    async fn patch(
        &self,
        r: &Resource,
        ns: &str,
        name: &str,
        patch: &Patch,
        dry_run: bool,
    ) -> Result<Bytes, ApiError> {
        self.check(
            "patch",
            r,
            format!(
                "PATCH {} {}{}",
                r.path(Some(ns), Some(name)),
                patch.kind.as_str(),
                if dry_run { " dryRun" } else { "" }
            ),
        )?;
        let mut s = self.state.lock().unwrap();
        s.patches
            .push((name.to_string(), patch.body.clone(), dry_run));
        let key = (r.group().to_string(), r.plural.to_string());
        let Some(i) = Self::find(&s, r, Some(ns), name) else {
            return Err(status(
                404,
                &format!("{} \"{name}\" not found", r.rbac_name()),
            ));
        };
        if let Some(writer) = self.other_writer.lock().unwrap().take() {
            s.resource_version += 1;
            let rv = s.resource_version.to_string();
            let stored = &mut s.objects.get_mut(&key).unwrap()[i];
            writer(stored);
            stored["metadata"]["resourceVersion"] = Value::String(rv);
        }
        let mut obj = s.objects[&key][i].clone();
        if let Some(want) = patch.body.pointer("/metadata/resourceVersion")
            && *want != obj["metadata"]["resourceVersion"]
        {
            return Err(status(
                409,
                &format!(
                    "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                    r.rbac_name()
                ),
            ));
        }
        let mut body = patch.body.clone();
        if let Some(m) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("resourceVersion");
        }
        let spec_before = obj.get("spec").cloned();
        match patch.kind {
            PatchType::Merge => merge_patch(&mut obj, &body),
            PatchType::Strategic => strategic_merge(&mut obj, &body),
        }
        if !dry_run {
            s.resource_version += 1;
            obj["metadata"]["resourceVersion"] = Value::String(s.resource_version.to_string());
            if obj.get("spec").cloned() != spec_before {
                let g = obj["metadata"]["generation"].as_i64().unwrap_or(1) + 1;
                obj["metadata"]["generation"] = json!(g);
            }
            s.objects.get_mut(&key).unwrap()[i] = obj.clone();
        }
        Ok(Bytes::from(obj.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::read::{Listed, Progress, list_all};
    use crate::model::{Kind, Pod};

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn pod(name: &str, app: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "shop", "labels": {"app": app}}, "status": {"phase": "Running"}})
    }

    #[test]
    fn pages_selectors_and_preconditions() {
        let c = MemoryCluster::new(
            (0..5).map(|i| pod(&format!("p{i}"), if i % 2 == 0 { "web" } else { "api" })),
        );
        c.page_size(2);
        let listed = block(list_all(
            &c,
            &Resource::pods(),
            Some("shop"),
            &ListQuery::labels("app=web"),
            &Progress::default(),
            |p: Pod| Some(p.metadata.name),
        ));
        match listed.unwrap() {
            Listed::Items(names) => assert_eq!(names, ["p0", "p2", "p4"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(c.requests().len(), 2, "two pages");
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}});
        c.add(svc);
        let r = Resource::of(Kind::Service, None);
        let stale = Patch {
            kind: PatchType::Merge,
            body: json!({"metadata": {"resourceVersion": "1", "annotations": {"a": "b"}}}),
        };
        assert_eq!(
            block(c.patch(&r, "shop", "web", &stale, false))
                .unwrap_err()
                .code(),
            Some(409)
        );
        let rv = c.object("Service", Some("shop"), "web").unwrap()["metadata"]["resourceVersion"]
            .clone();
        let fresh = Patch {
            kind: PatchType::Merge,
            body: json!({"metadata": {"resourceVersion": rv, "annotations": {"a": "b"}}}),
        };
        block(c.patch(&r, "shop", "web", &fresh, true)).unwrap();
        assert!(
            c.object("Service", Some("shop"), "web").unwrap()["metadata"]
                .get("annotations")
                .is_none(),
            "dry run"
        );
        block(c.patch(&r, "shop", "web", &fresh, false)).unwrap();
        assert_eq!(
            c.object("Service", Some("shop"), "web").unwrap()["metadata"]["annotations"]["a"],
            "b"
        );
        c.forbid("list", "services");
        let e = block(c.list(&r, Some("shop"), &ListQuery::default())).unwrap_err();
        assert_eq!(e.code(), Some(403));
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let mut t = json!({"containers": [{"name": "a", "image": "x"}, {"name": "b"}]});
        strategic_merge(
            &mut t,
            &json!({"containers": [{"name": "b", "resources": {"limits": {"r": "1"}}}]}),
        );
        assert_eq!(t["containers"][0]["image"], "x");
        assert_eq!(t["containers"][1]["resources"]["limits"]["r"], "1");
        assert_eq!(plural("Ingress"), "ingresses");
        assert_eq!(plural("Endpoints"), "endpoints");
        assert_eq!(plural("EndpointSlice"), "endpointslices");
    }
}
