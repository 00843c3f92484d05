//! A fake Kubernetes API server on 127.0.0.1, speaking the real wire format, for tests and the benchmark.
//!
//! What it serves: `/version`; discovery (`/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`, legacy
//! shape, which kubectl and kube both accept); LIST (cluster-wide and namespaced) with `labelSelector`
//! (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`), `fieldSelector` (`metadata.name`, `metadata.namespace`,
//! `spec.nodeName`, `status.phase`; `=`, `==`, `!=`), `limit`/`continue` and real List JSON (items without
//! kind/apiVersion, `metadata.resourceVersion`, `metadata.continue`, `remainingItemCount`); GET; PATCH
//! (merge and the strategic-merge subset tkedirect and kubectl send), `dryRun=All`, a
//! `metadata.resourceVersion` precondition (409); real `kind: Status` errors (400, 403, 404, 405, 409, 415,
//! 422, 429 with Retry-After, 500). Every request is recorded. Only what tkedirect (and kubectl's get,
//! annotate and patch) send is served: POST, PUT, DELETE, JSON patch, server-side apply, watch, protobuf,
//! Table output and OpenAPI are refused with the status a real server gives a client it does not serve.
//!
//! State lives in memory as compact JSON strings (so 50,000 pods fit in little memory) plus the few fields
//! selectors need. Shared by the integration tests and `benches/doctor.rs`.
#![allow(dead_code, clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{Map, Value, json};

use super::serve::{Served, serve_http};

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: Option<String>,
    pub body: String,
}

/// Make the next `times` requests matching `method` (any when None) and `path_contains` fail with `status`
/// (a `kind: Status` body; `Retry-After` when `retry_after` is set) after `delay_ms`. A `status` of 0 or
/// 2xx only adds the delay and then serves the request normally (latency injection).
#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub method: Option<String>,
    pub path_contains: String,
    pub status: u16,
    pub times: usize,
    pub retry_after: Option<u64>,
    pub delay_ms: u64,
}

/// The fake API server. Serves until dropped.
pub struct FakeKube {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    _server: Served,
    dir: tempfile::TempDir,
}

impl FakeKube {
    /// Serve `objects` (each with apiVersion and kind) on 127.0.0.1 from a background thread.
    pub fn start(objects: Vec<Value>) -> FakeKube {
        let mut state = State {
            defs: builtin_defs(),
            served: DEFAULT_SERVED.iter().map(|s| s.to_string()).collect(),
            record_bodies: true,
            ..Default::default()
        };
        state.version = version_json("v1.28.3-tke.1");
        for obj in objects {
            if let Some(av) = obj.get("apiVersion").and_then(Value::as_str) {
                state.served.insert(av.to_string());
            }
            state.insert(obj).expect("fixture object");
        }
        let state = Arc::new(Mutex::new(state));
        let server = serve_http(2, state.clone(), handle);
        let addr = server.addr;
        let dir = tempfile::tempdir().expect("temp dir");
        let fake = FakeKube {
            addr,
            state,
            _server: server,
            dir,
        };
        std::fs::write(fake.kubeconfig(), fake.kubeconfig_text()).expect("write kubeconfig");
        fake
    }

    /// Objects from a multi-document YAML stream.
    pub fn from_yaml(multi_doc_yaml: &str) -> FakeKube {
        FakeKube::start(parse_yaml_stream(multi_doc_yaml).expect("fixture YAML"))
    }

    /// `tests/fixtures/clusters/<name>/`: every `*.yaml` file, plus optional files `version` (a gitVersion
    /// such as `v1.20.6-tke.12`) and `groups` (the served group versions, one per line, replacing the default).
    pub fn from_fixture(name: &str) -> FakeKube {
        let dir = fixture_dir(name);
        let (objects, version, groups) = read_fixture(&dir);
        let fake = FakeKube::start(objects);
        if let Some(v) = version {
            fake.set_version(&v);
        }
        if let Some(groups) = groups {
            let refs: Vec<&str> = groups.iter().map(String::as_str).collect();
            fake.serve_groups(&refs);
        }
        fake
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A kubeconfig (in a temp dir owned by this FakeKube) with one context, `fake`, pointing here.
    pub fn kubeconfig(&self) -> PathBuf {
        self.dir.path().join("kubeconfig")
    }

    fn kubeconfig_text(&self) -> String {
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\nusers:\n- name: fake\n  user:\n    token: fake-token\n",
            self.url()
        )
    }

    /// Set `/version`: gitVersion as given, major/minor derived (minor gets a `+` when the version has a
    /// distribution suffix, as some distributions report).
    pub fn set_version(&self, git_version: &str) {
        self.state.lock().unwrap().version = version_json(git_version);
    }

    /// Serve exactly these group versions (`v1`, `apps/v1`, `extensions/v1beta1`, …), e.g. a 1.10 cluster
    /// serving Ingress only as `extensions/v1beta1`. Requests for other group versions get 404.
    pub fn serve_groups(&self, group_versions: &[&str]) {
        self.state.lock().unwrap().served = group_versions.iter().map(|s| s.to_string()).collect();
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.state.lock().unwrap().requests.clear();
    }

    /// Record request bodies (default on; the benchmark turns it off to save memory).
    pub fn record_bodies(&self, on: bool) {
        self.state.lock().unwrap().record_bodies = on;
    }

    pub fn fault(&self, f: Fault) {
        self.state.lock().unwrap().faults.push(f);
    }

    /// Answer 403 Forbidden to `verb` (get, list, watch, create, update, patch, delete) on `plural`
    /// (`pods`, `daemonsets`, …), in `namespace` or (None) everywhere.
    pub fn forbid(&self, verb: &str, plural: &str, namespace: Option<&str>) {
        self.state.lock().unwrap().forbidden.push((
            verb.into(),
            plural.into(),
            namespace.map(str::to_string),
        ));
    }

    pub fn object(
        &self,
        api_version: &str,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let st = self.state.lock().unwrap();
        let def = st.def_for_kind(api_version, kind)?;
        let stored = st
            .objects
            .get(&(def.group_version(), def.plural.clone()))?
            .get(&(namespace.unwrap_or("").to_string(), name.to_string()))?;
        Some(full_object(&def, stored))
    }

    /// Add or replace an object (bumping its resourceVersion), as a concurrent writer would.
    pub fn put_object(&self, obj: Value) {
        let mut st = self.state.lock().unwrap();
        if let Some(av) = obj.get("apiVersion").and_then(Value::as_str) {
            let av = av.to_string();
            st.served.insert(av);
        }
        st.insert(obj).expect("put_object");
    }

    /// Delete an object (as the API server does once a deletion completes): `group_version` such as `v1`,
    /// `plural` such as `pods`.
    pub fn delete_object(
        &self,
        group_version: &str,
        plural: &str,
        namespace: Option<&str>,
        name: &str,
    ) {
        let mut st = self.state.lock().unwrap();
        let key = (namespace.unwrap_or_default().to_string(), name.to_string());
        let removed = st
            .objects
            .get_mut(&(group_version.to_string(), plural.to_string()))
            .and_then(|m| m.remove(&key));
        assert!(removed.is_some(), "no {plural} {key:?} to delete");
        st.resource_version += 1;
    }

    /// Number of objects stored (all kinds).
    pub fn object_count(&self) -> usize {
        self.state
            .lock()
            .unwrap()
            .objects
            .values()
            .map(BTreeMap::len)
            .sum()
    }
}

mod fixtures;
mod http;
mod patches;
mod resources;
mod selectors;
mod state;

pub use fixtures::*;
use http::*;
pub use patches::*;
use resources::*;
use selectors::*;
use state::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_selectors() {
        let labels: BTreeMap<String, String> = [
            ("app".to_string(), "web".to_string()),
            ("tier".into(), "fe".into()),
        ]
        .into();
        let m = |s: &str| {
            parse_label_selector(s)
                .unwrap()
                .iter()
                .all(|r| r.matches(&labels))
        };
        assert!(m("app=web"));
        assert!(m("app==web,tier"));
        assert!(!m("app!=web"));
        assert!(m("app in (web, api),tier notin (be)"));
        assert!(!m("app notin (web)"));
        assert!(m("!missing"));
        assert!(!m("missing"));
    }

    #[test]
    fn continue_tokens_round_trip() {
        let k = ("ns-1".to_string(), "pod-1".to_string());
        assert_eq!(decode_continue(&encode_continue(&k)), Some(k));
        assert_eq!(decode_continue("zz"), None);
    }

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let mut t = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        strategic_merge(
            &mut t,
            &json!({"spec": {"containers": [{"name": "b", "image": "z"}]}}),
            "",
        );
        assert_eq!(t["spec"]["containers"][1]["image"], "z");
        assert_eq!(t["spec"]["containers"][0]["image"], "x");
    }
}
