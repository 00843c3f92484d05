//! A fake Kubernetes API server on 127.0.0.1, speaking the real wire format, for tests and the benchmark.
//!
//! What it serves: `/version`; discovery (`/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`, legacy
//! shape, which kubectl and kube both accept); LIST (cluster-wide and namespaced) with `labelSelector`
//! (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`), `fieldSelector` (`metadata.name`, `metadata.namespace`,
//! `spec.nodeName`, `status.phase`; `=`, `==`, `!=`), `limit`/`continue` and real List JSON (items without
//! kind/apiVersion, `metadata.resourceVersion`, `metadata.continue`, `remainingItemCount`); GET; PATCH
//! (merge, JSON, strategic-merge subset, server-side apply with merge semantics), `dryRun=All`, a
//! `metadata.resourceVersion` precondition (409); POST, PUT and DELETE (simple semantics); real
//! `kind: Status` errors (400, 403, 404, 405, 409, 415, 422, 429 with Retry-After, 500). Every request is
//! recorded. Not served: watch, protobuf, Table output, OpenAPI (404: kubectl skips client-side
//! validation only with `--validate=false`, so `kubectl apply` needs that flag against this fake).
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

/// A resource the fake knows how to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ResourceDef {
    group: String,
    version: String,
    plural: String,
    singular: String,
    kind: String,
    namespaced: bool,
    short: Vec<String>,
}

impl ResourceDef {
    fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, plural, kind, namespaced, short names) for the built-in resources.
type BuiltinDef = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
);
const BUILTIN: &[BuiltinDef] = &[
    ("", "v1", "pods", "Pod", true, &["po"]),
    ("", "v1", "services", "Service", true, &["svc"]),
    ("", "v1", "endpoints", "Endpoints", true, &["ep"]),
    ("", "v1", "nodes", "Node", false, &["no"]),
    ("", "v1", "configmaps", "ConfigMap", true, &["cm"]),
    ("", "v1", "namespaces", "Namespace", false, &["ns"]),
    ("", "v1", "secrets", "Secret", true, &[]),
    ("", "v1", "serviceaccounts", "ServiceAccount", true, &["sa"]),
    (
        "",
        "v1",
        "replicationcontrollers",
        "ReplicationController",
        true,
        &["rc"],
    ),
    ("apps", "v1", "deployments", "Deployment", true, &["deploy"]),
    ("apps", "v1", "statefulsets", "StatefulSet", true, &["sts"]),
    ("apps", "v1", "daemonsets", "DaemonSet", true, &["ds"]),
    ("apps", "v1", "replicasets", "ReplicaSet", true, &["rs"]),
    ("batch", "v1", "jobs", "Job", true, &[]),
    ("batch", "v1", "cronjobs", "CronJob", true, &["cj"]),
    (
        "networking.k8s.io",
        "v1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "networking.k8s.io",
        "v1",
        "ingressclasses",
        "IngressClass",
        false,
        &[],
    ),
    (
        "networking.k8s.io",
        "v1beta1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "extensions",
        "v1beta1",
        "ingresses",
        "Ingress",
        true,
        &["ing"],
    ),
    (
        "extensions",
        "v1beta1",
        "deployments",
        "Deployment",
        true,
        &["deploy"],
    ),
    (
        "extensions",
        "v1beta1",
        "daemonsets",
        "DaemonSet",
        true,
        &["ds"],
    ),
    (
        "discovery.k8s.io",
        "v1",
        "endpointslices",
        "EndpointSlice",
        true,
        &[],
    ),
    (
        "discovery.k8s.io",
        "v1beta1",
        "endpointslices",
        "EndpointSlice",
        true,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
        &[],
    ),
    (
        "admissionregistration.k8s.io",
        "v1beta1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        false,
        &[],
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        false,
        &["crd", "crds"],
    ),
    (
        "networking.tke.cloud.tencent.com",
        "v1",
        "nodeeniconfigs",
        "NodeENIConfig",
        false,
        &["nec"],
    ),
    (
        "cloud.tencent.com",
        "v1alpha1",
        "tkeserviceconfigs",
        "TkeServiceConfig",
        true,
        &[],
    ),
];

/// The group versions a current (1.22+) cluster serves by default.
const DEFAULT_SERVED: &[&str] = &[
    "v1",
    "apps/v1",
    "batch/v1",
    "networking.k8s.io/v1",
    "discovery.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
    "apiextensions.k8s.io/v1",
];

fn builtin_defs() -> Vec<ResourceDef> {
    BUILTIN
        .iter()
        .map(|(g, v, plural, kind, namespaced, short)| ResourceDef {
            group: g.to_string(),
            version: v.to_string(),
            plural: plural.to_string(),
            singular: kind.to_ascii_lowercase(),
            kind: kind.to_string(),
            namespaced: *namespaced,
            short: short.iter().map(|s| s.to_string()).collect(),
        })
        .collect()
}

fn split_api_version(api_version: &str) -> (String, String) {
    match api_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api_version.to_string()),
    }
}

/// One stored object: the compact JSON of everything but `apiVersion`/`kind`, plus the selector fields.
#[derive(Debug, Clone)]
struct Stored {
    body: Arc<str>,
    labels: BTreeMap<String, String>,
    name: String,
    namespace: Option<String>,
    node_name: Option<String>,
    phase: Option<String>,
}

/// (group version, plural) → (namespace or "", name) → object.
type Store = BTreeMap<(String, String), BTreeMap<(String, String), Stored>>;

#[derive(Debug, Default)]
struct State {
    defs: Vec<ResourceDef>,
    served: BTreeSet<String>,
    objects: Store,
    resource_version: u64,
    version: Value,
    requests: Vec<Recorded>,
    record_bodies: bool,
    faults: Vec<Fault>,
    /// (verb, plural, namespace) forbidden; namespace None = everywhere.
    forbidden: Vec<(String, String, Option<String>)>,
}

/// The fake API server. Serves until dropped.
pub struct FakeKube {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: tempfile::TempDir,
}

impl Drop for FakeKube {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let st = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let mut shutdown_rx = shutdown_rx;
                loop {
                    tokio::select! {
                        _ = &mut shutdown_rx => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let st = st.clone();
                            tokio::spawn(async move {
                                let io = hyper_util::rt::TokioIo::new(stream);
                                let svc = hyper::service::service_fn(move |req| handle(st.clone(), req));
                                let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, svc).await;
                            });
                        }
                    }
                }
            });
            rt.shutdown_timeout(Duration::from_millis(200));
        });
        let addr = addr_rx.recv().expect("fake server address");
        let dir = tempfile::tempdir().expect("temp dir");
        let fake = FakeKube {
            addr,
            state,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
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

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/clusters")
        .join(name)
}

/// Objects, gitVersion and served groups of a fixture directory.
pub fn read_fixture(dir: &Path) -> (Vec<Value>, Option<String>, Option<Vec<String>>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        objects.extend(parse_yaml_stream(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display())));
    }
    let version = std::fs::read_to_string(dir.join("version"))
        .ok()
        .map(|s| s.trim().to_string());
    let groups = std::fs::read_to_string(dir.join("groups")).ok().map(|s| {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    });
    (objects, version, groups)
}

/// Parse a YAML stream into objects; `kind: List` documents are flattened.
pub fn parse_yaml_stream(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for d in docs {
        match d {
            Value::Null => {}
            Value::Object(ref m) if m.get("kind").and_then(Value::as_str) == Some("List") => {
                out.extend(
                    m.get("items")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

fn version_json(git_version: &str) -> Value {
    let v = git_version.trim_start_matches('v');
    let mut parts = v.split(['.', '-', '+']);
    let major = parts.next().unwrap_or("1").to_string();
    let minor = parts.next().unwrap_or("0").to_string();
    let suffixed = v.contains('-') || v.contains('+');
    json!({
        "major": major,
        "minor": if suffixed { format!("{minor}+") } else { minor },
        "gitVersion": git_version,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2024-01-01T00:00:00Z",
        "goVersion": "go1.21.0",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

fn full_object(def: &ResourceDef, stored: &Stored) -> Value {
    let mut obj: Map<String, Value> = Map::new();
    obj.insert("apiVersion".into(), Value::String(def.group_version()));
    obj.insert("kind".into(), Value::String(def.kind.clone()));
    if let Ok(Value::Object(rest)) = serde_json::from_str::<Value>(&stored.body) {
        obj.extend(rest);
    }
    Value::Object(obj)
}

fn object_text(def: &ResourceDef, stored: &Stored) -> String {
    let head = format!(
        "{{\"apiVersion\":{},\"kind\":{}",
        json!(def.group_version()),
        json!(def.kind)
    );
    if stored.body.len() > 2 {
        format!("{head},{}", &stored.body[1..])
    } else {
        format!("{head}}}")
    }
}

#[derive(Debug)]
struct ApiError {
    code: u16,
    reason: &'static str,
    message: String,
    retry_after: Option<u64>,
    details: Value,
}

impl ApiError {
    fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            retry_after: None,
            details: Value::Null,
        }
    }
    fn not_found(def: &ResourceDef, name: &str) -> Self {
        let mut e = ApiError::new(
            404,
            "NotFound",
            format!("{}.{} \"{name}\" not found", def.plural, def.group),
        );
        if def.group.is_empty() {
            e.message = format!("{} \"{name}\" not found", def.plural);
        }
        e.details = json!({"name": name, "group": def.group, "kind": def.plural});
        e
    }
    fn body(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        let mut details = if self.details.is_object() {
            self.details.clone()
        } else {
            json!({})
        };
        if let Some(s) = self.retry_after {
            details["retryAfterSeconds"] = json!(s);
        }
        if details.as_object().is_some_and(|m| !m.is_empty()) {
            status["details"] = details;
        }
        status
    }
}

type Resp = Response<Full<Bytes>>;

fn json_response(code: u16, body: String) -> Resp {
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap())
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, private")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

fn error_response(e: &ApiError) -> Resp {
    let mut r = json_response(e.code, e.body().to_string());
    if let Some(s) = e.retry_after {
        r.headers_mut()
            .insert("retry-after", s.to_string().parse().unwrap());
    }
    r
}

async fn handle(
    state: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Result<Resp, std::convert::Infallible> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match req.into_body().collect().await {
        Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
        Err(_) => String::new(),
    };
    // Record, then find a fault (outside the lock while sleeping).
    let fault = {
        let mut st = state.lock().unwrap();
        let recorded_body = if st.record_bodies {
            body.clone()
        } else {
            String::new()
        };
        st.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            query: query.clone(),
            content_type: content_type.clone(),
            body: recorded_body,
        });
        let mut hit = None;
        for f in st.faults.iter_mut() {
            if f.times > 0
                && f.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(&method))
                && path.contains(&f.path_contains)
            {
                f.times -= 1;
                hit = Some(f.clone());
                break;
            }
        }
        st.faults.retain(|f| f.times > 0);
        hit
    };
    if let Some(f) = fault {
        if f.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
        }
        if f.status >= 300 {
            let (reason, message): (&'static str, String) = match f.status {
                429 => ("TooManyRequests", "the server has received too many requests and has asked us to try again later".into()),
                500 => ("InternalError", "an error on the server (\"injected fault\") has prevented the request from succeeding".into()),
                503 => ("ServiceUnavailable", "the server is currently unable to handle the request".into()),
                504 => ("Timeout", "the server was unable to return a response in the time allotted".into()),
                403 => ("Forbidden", "forbidden (injected fault)".into()),
                404 => ("NotFound", "the server could not find the requested resource".into()),
                409 => ("Conflict", "the object has been modified; please apply your changes to the latest version and try again".into()),
                _ => ("InternalError", format!("injected fault {}", f.status)),
            };
            let mut e = ApiError::new(f.status, reason, message);
            e.retry_after = f.retry_after;
            return Ok(error_response(&e));
        }
    }
    let params = parse_query(&query);
    let result = {
        let mut st = state.lock().unwrap();
        st.route(&method, &path, &params, content_type.as_deref(), &body)
    };
    Ok(match result {
        Ok((code, body)) => json_response(code, body),
        Err(e) => error_response(&e),
    })
}

fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'+' {
            out.push(b' ');
        } else if bytes[i] == b'%'
            && i + 2 < bytes.len() + 1
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        } else {
            out.push(bytes[i]);
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a path addresses.
struct Target {
    def: ResourceDef,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

impl State {
    fn next_rv(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    fn def_for_kind(&self, api_version: &str, kind: &str) -> Option<ResourceDef> {
        let (g, v) = split_api_version(api_version);
        self.defs
            .iter()
            .find(|d| d.group == g && d.version == v && d.kind == kind)
            .cloned()
    }

    /// The definition for an object, inventing one (plural = lower-case kind + "s") for unknown kinds.
    fn def_for_object(
        &mut self,
        api_version: &str,
        kind: &str,
        namespaced_hint: bool,
    ) -> ResourceDef {
        if let Some(d) = self.def_for_kind(api_version, kind) {
            return d;
        }
        let (g, v) = split_api_version(api_version);
        let d = ResourceDef {
            group: g,
            version: v,
            plural: format!("{}s", kind.to_ascii_lowercase()),
            singular: kind.to_ascii_lowercase(),
            kind: kind.to_string(),
            namespaced: namespaced_hint,
            short: vec![],
        };
        self.defs.push(d.clone());
        d
    }

    /// Store an object as given, filling uid, resourceVersion, creationTimestamp and generation.
    fn insert(&mut self, mut obj: Value) -> Result<Value, String> {
        let av = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .ok_or("object without apiVersion")?
            .to_string();
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .ok_or("object without kind")?
            .to_string();
        let has_ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .is_some();
        let def = self.def_for_object(&av, &kind, has_ns);
        let meta = obj
            .as_object_mut()
            .ok_or("object is not a map")?
            .entry("metadata")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or("metadata is not a map")?;
        if def.namespaced && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), json!("default"));
        }
        let name = meta
            .get("name")
            .and_then(Value::as_str)
            .ok_or("object without metadata.name")?
            .to_string();
        let namespace = meta
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        let key = (def.group_version(), def.plural.clone());
        let existing = self
            .objects
            .get(&key)
            .and_then(|m| m.get(&(namespace.clone().unwrap_or_default(), name.clone())));
        let old_uid = existing
            .and_then(|s| serde_json::from_str::<Value>(&s.body).ok())
            .and_then(|v| {
                v.pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
        let rv = self.next_rv();
        let meta = obj.get_mut("metadata").unwrap().as_object_mut().unwrap();
        if !meta.contains_key("uid") {
            let uid =
                old_uid.unwrap_or_else(|| fake_uid(&key.0, &key.1, namespace.as_deref(), &name));
            meta.insert("uid".into(), json!(uid));
        }
        meta.insert("resourceVersion".into(), json!(rv.to_string()));
        meta.entry("creationTimestamp")
            .or_insert_with(|| json!("2024-01-01T00:00:00Z"));
        if obj.get("spec").is_some()
            && obj.pointer("/metadata/generation").is_none()
            && kind != "Pod"
        {
            obj["metadata"]["generation"] = json!(1);
        }
        self.store(&def, obj.clone());
        Ok(obj)
    }

    fn store(&mut self, def: &ResourceDef, mut obj: Value) {
        let m = obj.as_object_mut().unwrap();
        m.shift_remove("apiVersion");
        m.shift_remove("kind");
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let namespace = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        let labels = obj
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let stored = Stored {
            body: Arc::from(obj.to_string()),
            labels,
            node_name: obj
                .pointer("/spec/nodeName")
                .and_then(Value::as_str)
                .map(str::to_string),
            phase: obj
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .map(str::to_string),
            name: name.clone(),
            namespace: namespace.clone(),
        };
        self.objects
            .entry((def.group_version(), def.plural.clone()))
            .or_default()
            .insert((namespace.unwrap_or_default(), name), stored);
    }

    fn route(
        &mut self,
        method: &str,
        path: &str,
        params: &HashMap<String, String>,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(u16, String), ApiError> {
        let segs: Vec<&str> = path
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match (method, segs.as_slice()) {
            ("GET", ["version"]) => return Ok((200, self.version.to_string())),
            ("GET", ["api"]) => {
                return Ok((
                    200,
                    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}]}).to_string(),
                ));
            }
            ("GET", ["apis"]) => return Ok((200, self.group_list().to_string())),
            ("GET", ["api", v]) => return self.resource_list("", v),
            ("GET", ["apis", g, v]) => return self.resource_list(g, v),
            ("GET", ["openapi", ..]) | ("GET", ["swagger.json"]) => {
                return Err(ApiError::new(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ));
            }
            _ => {}
        }
        let target = self.resolve(&segs)?;
        let verb = match (method, &target.name) {
            ("GET", None) if params.get("watch").is_some_and(|w| w == "true" || w == "1") => {
                "watch"
            }
            ("GET", None) => "list",
            ("GET", Some(_)) => "get",
            ("PATCH", _) => "patch",
            ("PUT", _) => "update",
            ("POST", _) => "create",
            ("DELETE", _) => "delete",
            _ => {
                return Err(ApiError::new(
                    405,
                    "MethodNotAllowed",
                    format!("method {method} not allowed"),
                ));
            }
        };
        self.authorize(verb, &target)?;
        match verb {
            "watch" => Err(ApiError::new(
                405,
                "MethodNotAllowed",
                "watch is not supported by the fake API server",
            )),
            "list" => self.list(&target, params),
            "get" => self.get(&target).map(|(v, _)| (200, v)),
            "patch" => self.patch(&target, params, content_type, body),
            "update" => self.put(&target, params, body),
            "create" => self.create(&target, params, body),
            "delete" => self.delete(&target),
            _ => unreachable!(),
        }
    }

    fn group_list(&self) -> Value {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for gv in &self.served {
            if let Some((g, v)) = gv.split_once('/') {
                groups.entry(g.to_string()).or_default().push(v.to_string());
            }
        }
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|(g, mut versions)| {
                // Preferred first: v1 > v1beta2 > v1beta1 > v1alpha1.
                versions.sort_by_key(|v| version_rank(v));
                let vs: Vec<Value> = versions
                    .iter()
                    .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                    .collect();
                json!({"name": g, "versions": vs.clone(), "preferredVersion": vs[0].clone()})
            })
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    fn resource_list(&self, group: &str, version: &str) -> Result<(u16, String), ApiError> {
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        if !self.served.contains(&gv) {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ));
        }
        let resources: Vec<Value> = self
            .defs
            .iter()
            .filter(|d| d.group == group && d.version == version)
            .map(|d| {
                let mut r = json!({
                    "name": d.plural,
                    "singularName": d.singular,
                    "namespaced": d.namespaced,
                    "kind": d.kind,
                    "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                });
                if !d.short.is_empty() {
                    r["shortNames"] = json!(d.short);
                }
                r
            })
            .collect();
        Ok((200, json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}).to_string()))
    }

    fn resolve(&self, segs: &[&str]) -> Result<Target, ApiError> {
        let not_found = || {
            ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        };
        let (group, version, rest) = match segs {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            _ => return Err(not_found()),
        };
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        if !self.served.contains(&gv) {
            return Err(not_found());
        }
        let (namespace, rest) = match rest {
            ["namespaces", ns, plural, tail @ ..] => {
                (Some(ns.to_string()), [&[*plural][..], tail].concat())
            }
            other => (None, other.to_vec()),
        };
        let plural = rest.first().ok_or_else(not_found)?;
        let def = self
            .defs
            .iter()
            .find(|d| d.group == group && d.version == version && d.plural == *plural)
            .cloned()
            .ok_or_else(not_found)?;
        if namespace.is_some() && !def.namespaced {
            return Err(not_found());
        }
        Ok(Target {
            def,
            namespace,
            name: rest.get(1).map(|s| s.to_string()),
            subresource: rest.get(2).map(|s| s.to_string()),
        })
    }

    fn authorize(&self, verb: &str, t: &Target) -> Result<(), ApiError> {
        let denied = self.forbidden.iter().any(|(v, p, ns)| {
            v == verb && *p == t.def.plural && (ns.is_none() || *ns == t.namespace)
        });
        if !denied {
            return Ok(());
        }
        let group = if t.def.group.is_empty() {
            String::new()
        } else {
            t.def.group.clone()
        };
        let resource = if group.is_empty() {
            t.def.plural.clone()
        } else {
            format!("{}.{}", t.def.plural, group)
        };
        let whom = match &t.name {
            Some(n) => format!("{resource} \"{n}\""),
            None => resource.clone(),
        };
        let scope = match &t.namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        let mut e = ApiError::new(
            403,
            "Forbidden",
            format!(
                "{whom} is forbidden: User \"system:serviceaccount:default:fake\" cannot {verb} resource \"{}\" in API group \"{group}\" {scope}",
                t.def.plural
            ),
        );
        e.details = json!({"group": group, "kind": t.def.plural});
        if let Some(n) = &t.name {
            e.details["name"] = json!(n);
        }
        Err(e)
    }

    fn list(
        &self,
        t: &Target,
        params: &HashMap<String, String>,
    ) -> Result<(u16, String), ApiError> {
        let labels = match params.get("labelSelector").filter(|s| !s.is_empty()) {
            Some(s) => parse_label_selector(s).map_err(|m| ApiError::new(400, "BadRequest", m))?,
            None => vec![],
        };
        let fields = match params.get("fieldSelector").filter(|s| !s.is_empty()) {
            Some(s) => parse_field_selector(s).map_err(|m| ApiError::new(400, "BadRequest", m))?,
            None => vec![],
        };
        let limit: usize = match params.get("limit") {
            Some(l) if !l.is_empty() => l
                .parse()
                .map_err(|_| ApiError::new(400, "BadRequest", format!("invalid limit {l}")))?,
            _ => 0,
        };
        let start_after: Option<(String, String)> =
            match params.get("continue").filter(|c| !c.is_empty()) {
                Some(c) => Some(decode_continue(c).ok_or_else(|| {
                    ApiError::new(
                        400,
                        "BadRequest",
                        "The provided continue parameter is too old or malformed",
                    )
                })?),
                None => None,
            };
        let empty = BTreeMap::new();
        let all = self
            .objects
            .get(&(t.def.group_version(), t.def.plural.clone()))
            .unwrap_or(&empty);
        let range: Box<dyn Iterator<Item = (&(String, String), &Stored)>> = match &start_after {
            Some(k) => Box::new(all.range::<(String, String), _>((
                std::ops::Bound::Excluded(k.clone()),
                std::ops::Bound::Unbounded,
            ))),
            None => Box::new(all.iter()),
        };
        let mut items = Vec::new();
        let mut last_key = None;
        let mut remaining = 0usize;
        for (k, s) in range {
            if let Some(ns) = &t.namespace
                && s.namespace.as_deref() != Some(ns)
            {
                continue;
            }
            if !labels.iter().all(|r| r.matches(&s.labels)) || !fields.iter().all(|r| r.matches(s))
            {
                continue;
            }
            if limit > 0 && items.len() == limit {
                remaining += 1;
                continue;
            }
            items.push(s.body.clone());
            last_key = Some(k.clone());
        }
        let mut out = String::with_capacity(items.iter().map(|b| b.len() + 1).sum::<usize>() + 256);
        let mut meta = json!({"resourceVersion": self.resource_version.to_string()});
        if remaining > 0 {
            meta["continue"] = json!(encode_continue(last_key.as_ref().unwrap()));
            meta["remainingItemCount"] = json!(remaining);
        }
        out.push_str(&format!(
            "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{},\"items\":[",
            json!(format!("{}List", t.def.kind)),
            json!(t.def.group_version()),
            meta
        ));
        for (i, b) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(b);
        }
        out.push_str("]}");
        Ok((200, out))
    }

    fn get(&self, t: &Target) -> Result<(String, Value), ApiError> {
        let name = t.name.as_deref().unwrap_or_default();
        let stored = self
            .objects
            .get(&(t.def.group_version(), t.def.plural.clone()))
            .and_then(|m| m.get(&(t.namespace.clone().unwrap_or_default(), name.to_string())))
            .ok_or_else(|| ApiError::not_found(&t.def, name))?;
        Ok((object_text(&t.def, stored), full_object(&t.def, stored)))
    }

    fn patch(
        &mut self,
        t: &Target,
        params: &HashMap<String, String>,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(u16, String), ApiError> {
        let ct = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let name = t
            .name
            .clone()
            .ok_or_else(|| ApiError::new(405, "MethodNotAllowed", "PATCH needs a name"))?;
        let existing = self.get(t).map(|(_, v)| v);
        let bad = |m: String| ApiError::new(400, "BadRequest", m);
        let (current, creating) = match (existing, ct.as_str()) {
            (Ok(v), _) => (v, false),
            (Err(_), "application/apply-patch+yaml") => {
                let mut base = json!({"apiVersion": t.def.group_version(), "kind": t.def.kind, "metadata": {"name": name}});
                if let Some(ns) = &t.namespace {
                    base["metadata"]["namespace"] = json!(ns);
                }
                (base, true)
            }
            (Err(e), _) => return Err(e),
        };
        let mut next = current.clone();
        match ct.as_str() {
            "application/merge-patch+json" => {
                let p: Value = serde_json::from_str(body)
                    .map_err(|e| bad(format!("invalid JSON patch body: {e}")))?;
                merge_patch(&mut next, &p);
            }
            "application/json-patch+json" => {
                let p: Value = serde_json::from_str(body)
                    .map_err(|e| bad(format!("invalid JSON patch body: {e}")))?;
                json_patch(&mut next, &p).map_err(|m| ApiError::new(422, "Invalid", m))?;
            }
            "application/strategic-merge-patch+json" => {
                if t.def.group.contains('.') && !t.def.group.ends_with("k8s.io") {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                    ));
                }
                let p: Value = serde_json::from_str(body)
                    .map_err(|e| bad(format!("invalid JSON patch body: {e}")))?;
                strategic_merge(&mut next, &p, "");
            }
            "application/apply-patch+yaml" => {
                let manager = params.get("fieldManager").filter(|m| !m.is_empty()).ok_or_else(|| {
                    ApiError::new(
                        422,
                        "Invalid",
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                    )
                })?;
                let p: Value = serde_json::from_str(body)
                    .or_else(|_| serde_saphyr::from_str::<Value>(body).map_err(|e| e.to_string()))
                    .map_err(|e| bad(format!("invalid apply patch: {e}")))?;
                strategic_merge(&mut next, &p, "");
                let entry = json!({"manager": manager, "operation": "Apply", "apiVersion": t.def.group_version()});
                let mf = next["metadata"]
                    .as_object_mut()
                    .unwrap()
                    .entry("managedFields")
                    .or_insert_with(|| json!([]));
                if let Some(list) = mf.as_array_mut() {
                    list.retain(|e| {
                        e.get("manager").and_then(Value::as_str) != Some(manager.as_str())
                    });
                    list.push(entry);
                }
            }
            other => {
                return Err(ApiError::new(
                    415,
                    "UnsupportedMediaType",
                    format!(
                        "the body of the request was in an unknown format ({other:?}) - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json"
                    ),
                ));
            }
        }
        self.commit(t, &current, next, params, creating)
    }

    /// Check preconditions and identity, bump resourceVersion/generation, store unless dry run.
    fn commit(
        &mut self,
        t: &Target,
        current: &Value,
        mut next: Value,
        params: &HashMap<String, String>,
        creating: bool,
    ) -> Result<(u16, String), ApiError> {
        let name = t.name.clone().unwrap_or_default();
        if !creating {
            let cur_rv = current
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some(rv) = next
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                && rv != cur_rv
            {
                let mut e = ApiError::new(
                    409,
                    "Conflict",
                    format!(
                        "Operation cannot be fulfilled on {}{} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                        t.def.plural,
                        if t.def.group.is_empty() {
                            String::new()
                        } else {
                            format!(".{}", t.def.group)
                        }
                    ),
                );
                e.details = json!({"name": name, "group": t.def.group, "kind": t.def.plural});
                return Err(e);
            }
        }
        if next.pointer("/metadata/name").and_then(Value::as_str) != Some(name.as_str()) {
            return Err(ApiError::new(
                422,
                "Invalid",
                "metadata.name: Invalid value: the name of the object does not match the name in the URL",
            ));
        }
        if let (Some(ns), Some(obj_ns)) = (
            &t.namespace,
            next.pointer("/metadata/namespace").and_then(Value::as_str),
        ) && ns != obj_ns
        {
            return Err(ApiError::new(
                400,
                "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        next["apiVersion"] = json!(t.def.group_version());
        next["kind"] = json!(t.def.kind);
        if !creating && current.get("spec") != next.get("spec") && t.def.kind != "Pod" {
            let g = current
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            next["metadata"]["generation"] = json!(g + 1);
        }
        if creating && next.get("spec").is_some() && t.def.kind != "Pod" {
            next["metadata"]["generation"] = json!(1);
        }
        let dry_run = params.get("dryRun").is_some_and(|d| d == "All");
        if dry_run {
            if let Some(m) = next["metadata"].as_object_mut()
                && creating
            {
                m.insert(
                    "uid".into(),
                    json!(fake_uid(
                        &t.def.group_version(),
                        &t.def.plural,
                        t.namespace.as_deref(),
                        &name
                    )),
                );
            }
            return Ok((if creating { 201 } else { 200 }, next.to_string()));
        }
        if let Some(m) = next["metadata"].as_object_mut() {
            m.shift_remove("resourceVersion");
        }
        let stored = self
            .insert(next)
            .map_err(|m| ApiError::new(422, "Invalid", m))?;
        Ok((if creating { 201 } else { 200 }, stored.to_string()))
    }

    fn put(
        &mut self,
        t: &Target,
        params: &HashMap<String, String>,
        body: &str,
    ) -> Result<(u16, String), ApiError> {
        let (_, current) = self.get(t)?;
        let next: Value = serde_json::from_str(body)
            .map_err(|e| ApiError::new(400, "BadRequest", format!("invalid body: {e}")))?;
        if next.pointer("/metadata/resourceVersion").is_none() {
            return Err(ApiError::new(
                422,
                "Invalid",
                "metadata.resourceVersion: Invalid value: 0: must be specified for an update",
            ));
        }
        self.commit(t, &current, next, params, false)
    }

    fn create(
        &mut self,
        t: &Target,
        params: &HashMap<String, String>,
        body: &str,
    ) -> Result<(u16, String), ApiError> {
        let mut obj: Value = serde_json::from_str(body)
            .map_err(|e| ApiError::new(400, "BadRequest", format!("invalid body: {e}")))?;
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if name.is_empty() {
            return Err(ApiError::new(
                422,
                "Invalid",
                "metadata.name: Required value: name or generateName is required",
            ));
        }
        if let Some(ns) = &t.namespace {
            obj["metadata"]["namespace"] = json!(ns);
        }
        let target = Target {
            def: t.def.clone(),
            namespace: t.namespace.clone(),
            name: Some(name.clone()),
            subresource: None,
        };
        if self.get(&target).is_ok() {
            let mut e = ApiError::new(
                409,
                "AlreadyExists",
                format!("{} \"{name}\" already exists", t.def.plural),
            );
            e.details = json!({"name": name, "group": t.def.group, "kind": t.def.plural});
            return Err(e);
        }
        let base = json!({"metadata": {"name": name}});
        if let Some(m) = obj["metadata"].as_object_mut() {
            m.shift_remove("resourceVersion");
        }
        self.commit(&target, &base, obj, params, true)
    }

    fn delete(&mut self, t: &Target) -> Result<(u16, String), ApiError> {
        let (_, current) = self.get(t)?;
        let key = (
            t.namespace.clone().unwrap_or_default(),
            t.name.clone().unwrap_or_default(),
        );
        if let Some(m) = self
            .objects
            .get_mut(&(t.def.group_version(), t.def.plural.clone()))
        {
            m.remove(&key);
        }
        Ok((200, current.to_string()))
    }
}

fn version_rank(v: &str) -> (u8, String) {
    let rank = if v.contains("alpha") {
        3
    } else if v.contains("beta") {
        2
    } else {
        1
    };
    (rank, v.to_string())
}

fn fake_uid(gv: &str, plural: &str, ns: Option<&str>, name: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (gv, plural, ns, name).hash(&mut h);
    let a = h.finish();
    name.hash(&mut h);
    let b = h.finish();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn encode_continue(key: &(String, String)) -> String {
    let raw = format!("{}\u{0}{}", key.0, key.1);
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_continue(token: &str) -> Option<(String, String)> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    let raw = String::from_utf8(bytes?).ok()?;
    let (ns, name) = raw.split_once('\u{0}')?;
    Some((ns.to_string(), name.to_string()))
}

// ---- selectors ----

#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl LabelReq {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            LabelReq::Eq(k, v) => labels.get(k) == Some(v),
            LabelReq::NotEq(k, v) => labels.get(k) != Some(v),
            LabelReq::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            LabelReq::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            LabelReq::Exists(k) => labels.contains_key(k),
            LabelReq::NotExists(k) => !labels.contains_key(k),
        }
    }
}

/// Split on commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_label_selector(s: &str) -> Result<Vec<LabelReq>, String> {
    let mut reqs = Vec::new();
    for term in split_top(s) {
        let set_values = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(|| {
                    format!("unable to parse requirement: found '{rest}', expected: '('")
                })?;
            Ok(inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect())
        };
        if let Some(k) = term.strip_prefix('!') {
            reqs.push(LabelReq::NotExists(k.trim().to_string()));
        } else if let Some((k, v)) = term.split_once("!=") {
            reqs.push(LabelReq::NotEq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = term.split_once("==") {
            reqs.push(LabelReq::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = term.split_once('=') {
            reqs.push(LabelReq::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, rest)) = term.split_once(" notin ") {
            reqs.push(LabelReq::NotIn(k.trim().into(), set_values(rest)?));
        } else if let Some((k, rest)) = term.split_once(" in ") {
            reqs.push(LabelReq::In(k.trim().into(), set_values(rest)?));
        } else if term
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            reqs.push(LabelReq::Exists(term.clone()));
        } else {
            return Err(format!("unable to parse requirement: {term}"));
        }
    }
    Ok(reqs)
}

#[derive(Debug, Clone)]
struct FieldReq {
    field: String,
    value: String,
    negate: bool,
}

impl FieldReq {
    fn matches(&self, s: &Stored) -> bool {
        let actual = match self.field.as_str() {
            "metadata.name" => Some(s.name.as_str()),
            "metadata.namespace" => s.namespace.as_deref(),
            "spec.nodeName" => s.node_name.as_deref(),
            "status.phase" => s.phase.as_deref(),
            _ => None,
        }
        .unwrap_or("");
        (actual == self.value) != self.negate
    }
}

fn parse_field_selector(s: &str) -> Result<Vec<FieldReq>, String> {
    let mut out = Vec::new();
    for term in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (field, value, negate) = if let Some((f, v)) = term.split_once("!=") {
            (f, v, true)
        } else if let Some((f, v)) = term.split_once("==") {
            (f, v, false)
        } else if let Some((f, v)) = term.split_once('=') {
            (f, v, false)
        } else {
            return Err(format!(
                "invalid selector: '{term}'; can't understand '{term}'"
            ));
        };
        let field = field.trim();
        if ![
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "status.phase",
        ]
        .contains(&field)
        {
            return Err(format!("field label not supported: {field}"));
        }
        out.push(FieldReq {
            field: field.into(),
            value: value.trim().into(),
            negate,
        });
    }
    Ok(out)
}

// ---- patches ----

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let t = target.as_object_mut().unwrap();
    for (k, v) in p {
        if v.is_null() {
            t.shift_remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// RFC 6902 JSON patch (add, remove, replace, move, copy, test).
pub fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops
        .as_array()
        .ok_or("a JSON patch must be a list of operations")?;
    for op in ops {
        let kind = op
            .get("op")
            .and_then(Value::as_str)
            .ok_or("operation without op")?;
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or("operation without path")?;
        match kind {
            "add" => pointer_add(
                target,
                path,
                op.get("value").cloned().ok_or("add without value")?,
            )?,
            "remove" => {
                pointer_remove(target, path)?;
            }
            "replace" => {
                let slot = target.pointer_mut(path).ok_or_else(|| {
                    format!("replace operation does not apply: doc is missing key: {path}")
                })?;
                *slot = op.get("value").cloned().ok_or("replace without value")?;
            }
            "move" => {
                let from = op
                    .get("from")
                    .and_then(Value::as_str)
                    .ok_or("move without from")?;
                let v = pointer_remove(target, from)?;
                pointer_add(target, path, v)?;
            }
            "copy" => {
                let from = op
                    .get("from")
                    .and_then(Value::as_str)
                    .ok_or("copy without from")?;
                let v = target
                    .pointer(from)
                    .cloned()
                    .ok_or_else(|| format!("copy from missing path {from}"))?;
                pointer_add(target, path, v)?;
            }
            "test" => {
                if target.pointer(path) != op.get("value") {
                    return Err(format!("testing value {path} failed"));
                }
            }
            other => return Err(format!("unexpected kind of operation {other:?}")),
        }
    }
    Ok(())
}

fn unescape(tok: &str) -> String {
    tok.replace("~1", "/").replace("~0", "~")
}

fn parent_of<'a>(target: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| format!("invalid path {path:?}"))?;
    let p = if parent.is_empty() {
        Some(target)
    } else {
        target.pointer_mut(parent)
    };
    Ok((
        p.ok_or_else(|| format!("doc is missing path: {parent}"))?,
        unescape(last),
    ))
}

fn pointer_add(target: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let (parent, key) = parent_of(target, path)?;
    match parent {
        Value::Object(m) => {
            m.insert(key, value);
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(value);
            } else {
                let i: usize = key.parse().map_err(|_| format!("invalid index {key}"))?;
                if i > a.len() {
                    return Err(format!("index {i} out of bounds"));
                }
                a.insert(i, value);
            }
        }
        _ => return Err(format!("add operation does not apply at {path}")),
    }
    Ok(())
}

fn pointer_remove(target: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, key) = parent_of(target, path)?;
    match parent {
        Value::Object(m) => m
            .shift_remove(&key)
            .ok_or_else(|| format!("remove operation does not apply: doc is missing key: {path}")),
        Value::Array(a) => {
            let i: usize = key.parse().map_err(|_| format!("invalid index {key}"))?;
            if i >= a.len() {
                return Err(format!("index {i} out of bounds"));
            }
            Ok(a.remove(i))
        }
        _ => Err(format!("remove operation does not apply at {path}")),
    }
}

/// The merge key of a list field, for the strategic-merge subset (None: the list is replaced).
fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    let has = |k: &str| items.iter().any(|i| i.get(k).is_some());
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "hostAliases"
            if has("name") =>
        {
            Some("name")
        }
        "ports" if has("containerPort") => Some("containerPort"),
        "ports" if has("port") => Some("port"),
        "volumeMounts" => Some("mountPath"),
        "readinessGates" => Some("conditionType"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        _ => None,
    }
}

/// A subset of strategic merge patch: maps merge, null deletes, keyed lists (containers by name, …) merge
/// by key with `$patch: delete` items removed, `finalizers` merge as a set, other lists are replaced.
pub fn strategic_merge(target: &mut Value, patch: &Value, field: &str) {
    match patch {
        Value::Object(p) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut p = p.clone();
                p.shift_remove("$patch");
                *target = Value::Object(p);
                return;
            }
            if !target.is_object() {
                *target = json!({});
            }
            let t = target.as_object_mut().unwrap();
            for (k, v) in p {
                if k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    t.shift_remove(k);
                } else {
                    strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v, k);
                }
            }
        }
        Value::Array(items) => {
            if field == "finalizers" {
                let mut cur = target.as_array().cloned().unwrap_or_default();
                for i in items {
                    if !cur.contains(i) {
                        cur.push(i.clone());
                    }
                }
                *target = Value::Array(cur);
                return;
            }
            let Some(key) = merge_key(field, items) else {
                *target = patch.clone();
                return;
            };
            let mut cur = target.as_array().cloned().unwrap_or_default();
            for item in items {
                let id = item.get(key);
                let pos = cur.iter().position(|c| c.get(key) == id && id.is_some());
                let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        cur.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => strategic_merge(&mut cur[i], item, ""),
                    (None, false) => cur.push(item.clone()),
                }
            }
            *target = Value::Array(cur);
        }
        other => *target = other.clone(),
    }
}

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
