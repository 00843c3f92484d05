//! A fake Tencent Cloud CLB API (2018-03-17) on 127.0.0.1, for the `sync` tests and benchmark.
//!
//! It checks every request the way the real service does — method, the X-TC-* headers, the
//! TC3-HMAC-SHA256 `Authorization` recomputed from the received headers and body (its own
//! implementation, not tkedirect's), the 5-minute timestamp window, the session token — and answers with
//! the real error codes. It implements DescribeLoadBalancers (with AddressIPVersion, IPv6Mode,
//! MixIpTarget), DescribeListeners, DescribeTargets, DescribeQuota, DescribeTaskStatus,
//! BatchRegisterTargets and BatchDeregisterTargets with their documented limits (≤ 20 ids, ≤ 20 listener
//! ids, ≤ 500 targets, weight 0–100, EniIp xor InstanceId, LocationId on L7, the target's IP family, the
//! backend quota per listener or rule) and the 20 requests/second per action frequency limit. Tests can
//! inject errors (RequestLimitExceeded, FailedOperation.ResourceInOperating, …), a listener that always
//! lands in FailListenerIdSet, clock skew, asynchronous writes (tasks that take a while, during which the
//! CLB refuses other writes as busy), and hold a request until released. Every request is recorded.
//!
//! Where the documentation is silent, the fake is stricter than the service is likely to be: registering
//! a bound address or deregistering an unbound one fails that listener (tkedirect never sends either).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::serve::{Served, serve_http};

/// The key pair the fake knows by default. Tests grep output for these: they must never appear.
pub const SECRET_ID: &str = "AKIDfakeTkedirect0123456789abcdef";
pub const SECRET_KEY: &str = "fakeSecretKeyNeverPrintMe0123456";
pub const REGION: &str = "ap-guangzhou";
pub const VERSION: &str = "2018-03-17";

/// One request as received, with the error code it got (None = success).
#[derive(Debug, Clone)]
pub struct Call {
    pub action: String,
    pub body: Value,
    pub error: Option<String>,
    pub at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeTarget {
    pub ip: String,
    pub port: i64,
    pub weight: i64,
    /// ENI for pods, CVM for nodes.
    pub kind: String,
    pub instance_id: Option<String>,
}

#[derive(Debug, Clone)]
struct FakeListener {
    lb: String,
    id: String,
    protocol: String,
    port: i64,
    /// (LocationId, Domain, Url)
    rules: Vec<(String, String, String)>,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, (String, Option<String>)>,
    /// SecretId → Unix second from which temporary credentials are refused.
    expiries: HashMap<String, i64>,
    regions: BTreeSet<String>,
    lbs: Vec<Value>,
    listeners: Vec<FakeListener>,
    /// (ListenerId, LocationId or "") → targets
    targets: BTreeMap<(String, String), Vec<FakeTarget>>,
    calls: Vec<Call>,
    /// action → (code, remaining times)
    faults: Vec<(String, String, usize)>,
    failing: BTreeSet<String>,
    clock_offset: i64,
    window: HashMap<String, VecDeque<Instant>>,
    rate_violations: usize,
    error_content_type: String,
    next_id: u64,
    /// Requests to hold before answering them.
    pauses: Vec<PauseAt>,
    /// `TOTAL_TARGET_BIND_QUOTA`: targets one listener or rule holds; registrations beyond it fail that
    /// listener. None: DescribeQuota does not list it and nothing is enforced.
    bind_quota: Option<i64>,
    /// Batch writes are asynchronous tasks that take this long; None: synchronous.
    task_duration: Option<Duration>,
    /// Tasks by id (the RequestId of the write that started them).
    tasks: BTreeMap<String, FakeTask>,
    /// RequestIds of synchronous writes (DescribeTaskStatus says they succeeded).
    done_writes: BTreeSet<String>,
}

/// One target change: (listener, location, EniIp, InstanceId, port, weight).
type Op = (String, String, Option<String>, Option<String>, i64, i64);

struct FakeTask {
    lb: String,
    register: bool,
    ops: Vec<Op>,
    ends_at: Instant,
    done: bool,
}

struct PauseAt {
    action: String,
    nth: usize,
    reached: std::sync::mpsc::Sender<()>,
    release: std::sync::mpsc::Receiver<()>,
}

/// A request held by the fake (see [`FakeClb::pause_before`]).
pub struct Pause {
    reached: std::sync::mpsc::Receiver<()>,
    release: std::sync::mpsc::Sender<()>,
}

impl Pause {
    /// Wait until the request arrives (panics after 30 s).
    pub fn wait(&self) {
        self.reached
            .recv_timeout(Duration::from_secs(30))
            .expect("the paused request never came");
    }

    /// Let it be answered.
    pub fn release(self) {
        let _ = self.release.send(());
    }
}

/// The fake server. Serves until dropped.
pub struct FakeClb {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    _server: Served,
}

impl FakeClb {
    /// An empty CLB API knowing [`SECRET_ID`]/[`SECRET_KEY`] and region [`REGION`].
    pub fn start() -> FakeClb {
        let mut state = State {
            error_content_type: "application/json".into(),
            bind_quota: Some(200),
            ..Default::default()
        };
        state
            .keys
            .insert(SECRET_ID.into(), (SECRET_KEY.into(), None));
        state.regions.insert(REGION.into());
        let state = Arc::new(Mutex::new(state));
        let server = serve_http(0, state.clone(), handle);
        let addr = server.addr;
        FakeClb {
            addr,
            state,
            _server: server,
        }
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint` / `TKEDIRECT_CLB_ENDPOINT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn add_key(&self, id: &str, key: &str, token: Option<&str>) {
        self.state
            .lock()
            .unwrap()
            .keys
            .insert(id.into(), (key.into(), token.map(str::to_string)));
    }

    /// Temporary credentials, refused (AuthFailure.TokenFailure) from `expires_at` (Unix seconds) on.
    pub fn add_temporary_key(&self, id: &str, key: &str, token: &str, expires_at: i64) {
        let mut st = self.state.lock().unwrap();
        st.keys.insert(id.into(), (key.into(), Some(token.into())));
        st.expiries.insert(id.into(), expires_at);
    }

    /// A CLB (Forward 1, running) in `vpc`, with VIP 203.0.113.10.
    pub fn add_lb(&self, id: &str, vpc: &str) {
        self.state.lock().unwrap().lbs.push(json!({
            "LoadBalancerId": id, "LoadBalancerName": format!("{id}-name"), "LoadBalancerType": "OPEN",
            "Forward": 1, "Status": 1, "VpcId": vpc, "LoadBalancerVips": ["203.0.113.10"], "LoadBalancerDomain": null,
            "Tags": [], "AddressIPVersion": "ipv4", "IPv6Mode": null, "MixIpTarget": false
        }));
    }

    /// An IPv6 CLB (`AddressIPVersion: ipv6`, `IPv6Mode: IPv6FullChain`): its listeners take IPv6 targets;
    /// with `mix`, its L7 listeners take IPv4 targets too (`MixIpTarget`).
    pub fn add_lb_ipv6(&self, id: &str, vpc: &str, mix: bool) {
        self.state.lock().unwrap().lbs.push(json!({
            "LoadBalancerId": id, "LoadBalancerName": format!("{id}-name"), "LoadBalancerType": "OPEN",
            "Forward": 1, "Status": 1, "VpcId": vpc, "LoadBalancerVips": [], "AddressIPv6": "2402:4e00::10",
            "LoadBalancerDomain": null, "Tags": [], "AddressIPVersion": "ipv6", "IPv6Mode": "IPv6FullChain",
            "MixIpTarget": mix
        }));
    }

    pub fn add_listener(&self, lb: &str, id: &str, protocol: &str, port: i64) {
        self.state.lock().unwrap().listeners.push(FakeListener {
            lb: lb.into(),
            id: id.into(),
            protocol: protocol.into(),
            port,
            rules: vec![],
        });
    }

    pub fn add_rule(&self, listener: &str, location: &str, domain: &str, url: &str) {
        let mut st = self.state.lock().unwrap();
        let l = st
            .listeners
            .iter_mut()
            .find(|l| l.id == listener)
            .expect("listener");
        l.rules.push((location.into(), domain.into(), url.into()));
    }

    /// Bind a pod (ENI) target. `location` "" for L4.
    pub fn bind(&self, listener: &str, location: &str, ip: &str, port: i64, weight: i64) {
        self.bind_target(
            listener,
            location,
            FakeTarget {
                ip: ip.into(),
                port,
                weight,
                kind: "ENI".into(),
                instance_id: None,
            },
        );
    }

    pub fn bind_target(&self, listener: &str, location: &str, t: FakeTarget) {
        let mut st = self.state.lock().unwrap();
        st.targets
            .entry((listener.into(), location.into()))
            .or_default()
            .push(t);
    }

    /// Targets of a listener (`location` "" for L4), sorted, as `ip:port/weight`.
    pub fn targets(&self, listener: &str, location: &str) -> Vec<String> {
        let st = self.state.lock().unwrap();
        let mut v: Vec<String> = st
            .targets
            .get(&(listener.to_string(), location.to_string()))
            .into_iter()
            .flatten()
            .map(|t| format!("{}:{}/{}", t.ip, t.port, t.weight))
            .collect();
        v.sort();
        v
    }

    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    pub fn clear_calls(&self) {
        self.state.lock().unwrap().calls.clear();
    }

    /// Requests per action (attempts, including rejected ones).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for c in self.calls() {
            *m.entry(c.action).or_default() += 1;
        }
        m
    }

    pub fn count(&self, action: &str) -> usize {
        self.calls().iter().filter(|c| c.action == action).count()
    }

    /// Write calls (Batch*), successful or not.
    pub fn writes(&self) -> usize {
        self.count("BatchRegisterTargets") + self.count("BatchDeregisterTargets")
    }

    /// Answer the next `times` requests for `action` ("*" for any) with error `code`.
    pub fn inject(&self, action: &str, code: &str, times: usize) {
        self.state
            .lock()
            .unwrap()
            .faults
            .push((action.into(), code.into(), times));
    }

    /// Every Batch* call touching this listener lists it in FailListenerIdSet and changes nothing on it.
    pub fn fail_listener(&self, id: &str) {
        self.state.lock().unwrap().failing.insert(id.into());
    }

    /// The server's clock runs `secs` ahead of the caller's.
    pub fn set_clock_offset(&self, secs: i64) {
        self.state.lock().unwrap().clock_offset = secs;
    }

    /// Content-Type of error answers (the real API's SDKs only parse exactly application/json).
    pub fn set_error_content_type(&self, ct: &str) {
        self.state.lock().unwrap().error_content_type = ct.into();
    }

    /// What DescribeQuota says `TOTAL_TARGET_BIND_QUOTA` is, and what the fake enforces (None: neither).
    pub fn set_bind_quota(&self, quota: Option<i64>) {
        self.state.lock().unwrap().bind_quota = quota;
    }

    /// Make Batch* writes asynchronous tasks that take `d` (RegisterTargets-like): their changes show only
    /// when they have ended, DescribeTaskStatus says 2 (running) until then, and another write to the same
    /// CLB meanwhile is refused with FailedOperation.ResourceInOperating.
    pub fn async_tasks(&self, d: Duration) {
        self.state.lock().unwrap().task_duration = Some(d);
    }

    /// Hold the `nth` (1-based) request of `action` until [`Pause::release`]: the test changes the world
    /// between two steps of a run.
    pub fn pause_before(&self, action: &str, nth: usize) -> Pause {
        let (reached_tx, reached_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel();
        self.state.lock().unwrap().pauses.push(PauseAt {
            action: action.into(),
            nth,
            reached: reached_tx,
            release: release_rx,
        });
        Pause {
            reached: reached_rx,
            release: release_tx,
        }
    }

    /// Requests refused for going over 20/s per action (not counting injected errors).
    pub fn rate_violations(&self) -> usize {
        self.state.lock().unwrap().rate_violations
    }
}

// ---------------------------------------------------------------- signature check (independent of tkedirect)

fn hmac256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// The signature the service expects for these signed headers (`name:value` as received), body and key.
pub fn expected_signature(
    secret_key: &str,
    service: &str,
    timestamp: i64,
    date: &str,
    signed: &[(String, String)],
    body: &[u8],
) -> String {
    let canonical_headers: String = signed
        .iter()
        .map(|(k, v)| format!("{}:{}\n", k, v.trim().to_ascii_lowercase()))
        .collect();
    let names: Vec<&str> = signed.iter().map(|(k, _)| k.as_str()).collect();
    let canonical = format!(
        "POST\n/\n\n{canonical_headers}\n{}\n{}",
        names.join(";"),
        hex::encode(Sha256::digest(body))
    );
    let scope = format!("{date}/{service}/tc3_request");
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    );
    let k = hmac256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k = hmac256(&k, service.as_bytes());
    let k = hmac256(&k, b"tc3_request");
    hex::encode(hmac256(&k, to_sign.as_bytes()))
}

/// UTC date of a Unix timestamp, by civil-from-days (no time crate needed here).
pub fn utc_date(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

struct ApiError {
    code: String,
    message: String,
}

fn err(code: &str, message: impl Into<String>) -> ApiError {
    ApiError {
        code: code.into(),
        message: message.into(),
    }
}

/// Check the request envelope and signature; returns the action.
fn authenticate(st: &State, req: &http::request::Parts, body: &[u8]) -> Result<String, ApiError> {
    if req.method != http::Method::POST {
        return Err(err(
            "UnsupportedProtocol",
            "only POST (and GET) requests are supported; tkedirect uses POST",
        ));
    }
    let header = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let action = header("x-tc-action").ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing a required parameter `Action`.",
        )
    })?;
    let version = header("x-tc-version").ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing a required parameter `Version`.",
        )
    })?;
    if version != VERSION {
        return Err(err(
            "NoSuchVersion",
            format!("The requested version `{version}` of service `clb` does not exist."),
        ));
    }
    let region = header("x-tc-region").ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing a required parameter `Region`.",
        )
    })?;
    let ts_text = header("x-tc-timestamp").ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing a required parameter `Timestamp`.",
        )
    })?;
    let timestamp: i64 = ts_text
        .parse()
        .map_err(|_| err("InvalidParameter", "Timestamp must be an integer"))?;
    let auth = header("authorization").ok_or_else(|| {
        err(
            "AuthFailure.InvalidAuthorization",
            "Authorization header is missing",
        )
    })?;

    // TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex
    let rest = auth.strip_prefix("TC3-HMAC-SHA256 ").ok_or_else(|| {
        err(
            "AuthFailure.InvalidAuthorization",
            "Authorization does not use TC3-HMAC-SHA256",
        )
    })?;
    let mut parts: HashMap<&str, &str> = HashMap::new();
    for p in rest.split(", ") {
        let (k, v) = p.split_once('=').ok_or_else(|| {
            err(
                "AuthFailure.InvalidAuthorization",
                "malformed Authorization",
            )
        })?;
        parts.insert(k, v);
    }
    let (Some(credential), Some(signed_headers), Some(signature)) = (
        parts.get("Credential"),
        parts.get("SignedHeaders"),
        parts.get("Signature"),
    ) else {
        return Err(err(
            "AuthFailure.InvalidAuthorization",
            "Authorization lacks Credential, SignedHeaders or Signature",
        ));
    };
    let cred: Vec<&str> = credential.split('/').collect();
    if cred.len() != 4 || cred[3] != "tc3_request" {
        return Err(err(
            "AuthFailure.InvalidAuthorization",
            "malformed Credential",
        ));
    }
    let (secret_id, date, service) = (cred[0], cred[1], cred[2]);

    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + st.clock_offset;
    if (now - timestamp).abs() > 300 {
        return Err(err(
            "AuthFailure.SignatureExpire",
            "Signature expired. Timestamp and server time cannot differ by more than five minutes.",
        ));
    }
    let Some((secret_key, token)) = st.keys.get(secret_id) else {
        return Err(err(
            "AuthFailure.SecretIdNotFound",
            "The SecretId is not found, please ensure that your SecretId is correct.",
        ));
    };
    let names: Vec<&str> = signed_headers.split(';').collect();
    if !names.contains(&"content-type")
        || !names.contains(&"host")
        || names.iter().any(|n| *n != n.to_ascii_lowercase())
    {
        return Err(err(
            "AuthFailure.SignatureFailure",
            "SignedHeaders must include content-type and host, in lower case",
        ));
    }
    let mut signed = Vec::new();
    for n in &names {
        let v = header(n).ok_or_else(|| {
            err(
                "AuthFailure.SignatureFailure",
                format!("signed header {n} is missing"),
            )
        })?;
        signed.push((n.to_string(), v));
    }
    if service != "clb" || date != utc_date(timestamp) {
        return Err(err(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated (credential scope).",
        ));
    }
    if *signature != expected_signature(secret_key, service, timestamp, date, &signed, body) {
        return Err(err(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated. Please check your signature is correct.",
        ));
    }
    if header("x-tc-token") != *token {
        return Err(err(
            "AuthFailure.TokenFailure",
            "Token verification failed.",
        ));
    }
    if st.expiries.get(secret_id).is_some_and(|at| now >= *at) {
        return Err(err(
            "AuthFailure.TokenFailure",
            "The temporary credentials have expired.",
        ));
    }
    if !st.regions.contains(&region) {
        return Err(err(
            "UnsupportedRegion",
            format!("The region `{region}` is not supported."),
        ));
    }
    let content_type = header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err(err(
            "InvalidParameter",
            "Content-Type must be application/json for POST",
        ));
    }
    Ok(action)
}

// ---------------------------------------------------------------- actions

fn str_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, ApiError> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            err(
                "MissingParameter",
                format!("The request is missing a required parameter `{name}`."),
            )
        })
}

fn lb_exists(st: &State, lb: &str) -> Result<(), ApiError> {
    if st.lbs.iter().any(|l| l["LoadBalancerId"] == lb) {
        Ok(())
    } else {
        Err(err(
            "InvalidParameter.LBIdNotFound",
            format!("LoadBalancer `{lb}` not exist"),
        ))
    }
}

fn backend(t: &FakeTarget) -> Value {
    json!({
        "Type": t.kind, "InstanceId": t.instance_id, "Port": t.port, "Weight": t.weight,
        "PublicIpAddresses": [], "PrivateIpAddresses": [t.ip], "InstanceName": null,
        "RegisteredTime": "2026-11-26 10:00:00", "EniId": if t.kind == "ENI" { json!("eni-fake") } else { Value::Null },
        "Zone": "ap-guangzhou-3"
    })
}

/// End the tasks whose time has come, making their changes.
fn end_tasks(st: &mut State) {
    let now = Instant::now();
    let due: Vec<String> = st
        .tasks
        .iter()
        .filter(|(_, t)| !t.done && t.ends_at <= now)
        .map(|(id, _)| id.clone())
        .collect();
    for id in due {
        let (register, ops) = {
            let t = st.tasks.get_mut(&id).unwrap();
            t.done = true;
            (t.register, std::mem::take(&mut t.ops))
        };
        apply_ops(st, register, ops);
    }
}

fn apply_ops(st: &mut State, register: bool, ops: Vec<Op>) {
    for (l, loc, ip, inst, port, weight) in ops {
        let list = st.targets.entry((l, loc)).or_default();
        if register {
            list.push(FakeTarget {
                ip: ip.unwrap_or_default(),
                port,
                weight,
                kind: "ENI".into(),
                instance_id: None,
            });
        } else {
            list.retain(|t| {
                !(t.port == port
                    && (ip.as_ref() == Some(&t.ip) || (inst.is_some() && inst == t.instance_id)))
            });
        }
    }
}

fn dispatch(
    st: &mut State,
    action: &str,
    body: &Value,
    request_id: &str,
) -> Result<Value, ApiError> {
    end_tasks(st);
    match action {
        "DescribeLoadBalancers" => {
            let ids: Vec<&str> = body["LoadBalancerIds"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if ids.len() > 20 {
                return Err(err(
                    "InvalidParameterValue.Length",
                    "LoadBalancerIds: at most 20",
                ));
            }
            let set: Vec<Value> = st
                .lbs
                .iter()
                .filter(|l| ids.is_empty() || ids.iter().any(|i| l["LoadBalancerId"] == *i))
                .cloned()
                .collect();
            Ok(json!({"TotalCount": set.len(), "LoadBalancerSet": set}))
        }
        "DescribeListeners" => {
            let lb = str_field(body, "LoadBalancerId")?;
            lb_exists(st, lb)?;
            let ids: Vec<&str> = body["ListenerIds"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if ids.len() > 100 {
                return Err(err(
                    "InvalidParameterValue.Length",
                    "ListenerIds: at most 100",
                ));
            }
            let protocol = body["Protocol"].as_str();
            let port = body["Port"].as_i64();
            let ls: Vec<Value> = st
                .listeners
                .iter()
                .filter(|l| l.lb == lb)
                .filter(|l| ids.is_empty() || ids.contains(&l.id.as_str()))
                .filter(|l| protocol.is_none_or(|p| p == l.protocol) && port.is_none_or(|p| p == l.port))
                .map(|l| {
                    json!({
                        "ListenerId": l.id, "ListenerName": "TKE-DEDICATED-LISTENER", "Protocol": l.protocol, "Port": l.port,
                        "EndPort": 0, "Scheduler": "WRR", "TargetType": "NODE",
                        "Rules": if matches!(l.protocol.as_str(), "HTTP" | "HTTPS") {
                            json!(l.rules.iter().map(|(loc, d, u)| json!({"LocationId": loc, "Domain": d, "Url": u})).collect::<Vec<_>>())
                        } else { Value::Null }
                    })
                })
                .collect();
            Ok(json!({"Listeners": ls, "TotalCount": ls.len()}))
        }
        "DescribeTargets" => {
            let lb = str_field(body, "LoadBalancerId")?;
            lb_exists(st, lb)?;
            let ids: Vec<&str> = body["ListenerIds"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if ids.len() > 20 {
                return Err(err(
                    "InvalidParameterValue.Length",
                    "The length of ListenerIds exceeds the limit of 20.",
                ));
            }
            for id in &ids {
                if !st.listeners.iter().any(|l| l.lb == lb && l.id == *id) {
                    return Err(err(
                        "InvalidParameter.ListenerIdNotFound",
                        format!("some ListenerId {id} not found"),
                    ));
                }
            }
            let out: Vec<Value> = st
                .listeners
                .iter()
                .filter(|l| l.lb == lb && (ids.is_empty() || ids.contains(&l.id.as_str())))
                .map(|l| {
                    let of = |loc: &str| -> Vec<Value> {
                        st.targets.get(&(l.id.clone(), loc.to_string())).into_iter().flatten().map(backend).collect()
                    };
                    if matches!(l.protocol.as_str(), "HTTP" | "HTTPS") {
                        json!({"ListenerId": l.id, "Protocol": l.protocol, "Port": l.port, "Targets": null,
                               "Rules": l.rules.iter().map(|(loc, d, u)| json!({"LocationId": loc, "Domain": d, "Url": u, "Targets": of(loc)})).collect::<Vec<_>>()})
                    } else {
                        json!({"ListenerId": l.id, "Protocol": l.protocol, "Port": l.port, "Targets": of(""), "Rules": null})
                    }
                })
                .collect();
            Ok(json!({"Listeners": out}))
        }
        "BatchRegisterTargets" | "BatchDeregisterTargets" => {
            batch(st, action == "BatchRegisterTargets", body, request_id)
        }
        "DescribeTaskStatus" => {
            let id = str_field(body, "TaskId")?;
            let status = match st.tasks.get(id) {
                Some(t) if t.done => 0,
                Some(_) => 2,
                None if st.done_writes.contains(id) => 0,
                None => {
                    return Err(err("InvalidParameter", format!("TaskId {id} not found")));
                }
            };
            Ok(json!({"Status": status, "Message": null, "LoadBalancerIds": []}))
        }
        "DescribeQuota" => {
            let mut set = vec![
                json!({"QuotaId": "TOTAL_OPEN_CLB_QUOTA", "QuotaCurrent": st.lbs.len(), "QuotaLimit": 100}),
                json!({"QuotaId": "TOTAL_LISTENER_QUOTA", "QuotaCurrent": null, "QuotaLimit": 50}),
            ];
            if let Some(q) = st.bind_quota {
                set.push(json!({"QuotaId": "TOTAL_TARGET_BIND_QUOTA", "QuotaCurrent": null, "QuotaLimit": q}));
            }
            Ok(json!({"QuotaSet": set}))
        }
        other => Err(err(
            "InvalidAction",
            format!("The action `{other}` is invalid or not found."),
        )),
    }
}

fn batch(
    st: &mut State,
    register: bool,
    body: &Value,
    request_id: &str,
) -> Result<Value, ApiError> {
    let lb = str_field(body, "LoadBalancerId")?.to_string();
    lb_exists(st, &lb)?;
    if st.tasks.values().any(|t| t.lb == lb && !t.done) {
        return Err(err(
            "FailedOperation.ResourceInOperating",
            "LoadBalancer is operating, please try again later.",
        ));
    }
    let targets = body["Targets"].as_array().ok_or_else(|| {
        err(
            "MissingParameter",
            "The request is missing a required parameter `Targets`.",
        )
    })?;
    if targets.is_empty() || targets.len() > 500 {
        return Err(err(
            "InvalidParameterValue.Length",
            format!("Targets: 1 to 500 per call, got {}", targets.len()),
        ));
    }
    // Validate every target first: a malformed request changes nothing.
    let mut parsed = Vec::new();
    let mut seen = BTreeSet::new();
    for t in targets {
        let listener = str_field(t, "ListenerId")?.to_string();
        let l = st
            .listeners
            .iter()
            .find(|l| l.lb == lb && l.id == listener)
            .ok_or_else(|| {
                err(
                    "InvalidParameter.ListenerIdNotFound",
                    format!("some ListenerId {listener} not found"),
                )
            })?;
        let port = t["Port"]
            .as_i64()
            .ok_or_else(|| err("MissingParameter", "Targets.Port is required"))?;
        if !(1..=65535).contains(&port) {
            return Err(err(
                "InvalidParameterValue.Range",
                format!("Port {port} out of range"),
            ));
        }
        let (eni_ip, instance) = (t["EniIp"].as_str(), t["InstanceId"].as_str());
        if eni_ip.is_some() == instance.is_some() {
            return Err(err(
                "InvalidParameter.FormatError",
                "exactly one of EniIp and InstanceId",
            ));
        }
        let weight = t.get("Weight").filter(|w| !w.is_null());
        if weight.is_some_and(|w| !w.as_i64().is_some_and(|w| (0..=100).contains(&w))) {
            return Err(err(
                "InvalidParameterValue.Range",
                "Weight must be 0 to 100",
            ));
        }
        let l7 = matches!(l.protocol.as_str(), "HTTP" | "HTTPS");
        // The target's family must be one the listener takes (UNCERTAIN: from the field documentation of
        // AddressIPVersion, IPv6Mode and MixIpTarget; the fake is strict).
        if let Some(ip) = eni_ip {
            let the_lb = st.lbs.iter().find(|x| x["LoadBalancerId"] == lb.as_str());
            let full_chain = the_lb.is_some_and(|x| x["IPv6Mode"] == "IPv6FullChain");
            let mix = the_lb.is_some_and(|x| x["MixIpTarget"] == true);
            let v6 = ip.contains(':');
            let ok = if full_chain { v6 || (mix && l7) } else { !v6 };
            if !ok {
                return Err(err(
                    "InvalidParameter",
                    format!(
                        "the listener {listener} cannot bind {ip}: wrong IP version for this CLB"
                    ),
                ));
            }
        }
        let location = t["LocationId"].as_str().unwrap_or("").to_string();
        if l7 && !l.rules.iter().any(|(loc, _, _)| *loc == location) {
            return Err(err(
                "InvalidParameter.LocationNotFound",
                format!("LocationId `{location}` not found on {listener}"),
            ));
        }
        if !l7 && !location.is_empty() {
            return Err(err(
                "InvalidParameter",
                "LocationId is only for HTTP/HTTPS listeners",
            ));
        }
        let key = (
            listener.clone(),
            location.clone(),
            eni_ip.or(instance).unwrap_or("").to_string(),
            port,
        );
        if !seen.insert(key) {
            return Err(err(
                "InvalidParameterValue.Duplicate",
                "duplicate targets in one request",
            ));
        }
        parsed.push((
            listener,
            location,
            eni_ip.map(str::to_string),
            instance.map(str::to_string),
            port,
            t["Weight"].as_i64().unwrap_or(10),
        ));
    }
    // Per listener, all or nothing.
    let mut by_listener: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in parsed.iter().enumerate() {
        by_listener.entry(p.0.clone()).or_default().push(i);
    }
    let mut failed = Vec::new();
    let mut accepted: Vec<Op> = Vec::new();
    let mut messages: Vec<String> = Vec::new();
    for (listener, idx) in by_listener {
        // The backend quota per listener or rule (UNCERTAIN how the service words its refusal; the fake
        // fails the listener and says why in Message).
        if register && let Some(q) = st.bind_quota {
            let mut per_binding: BTreeMap<String, i64> = BTreeMap::new();
            for i in &idx {
                *per_binding.entry(parsed[*i].1.clone()).or_default() += 1;
            }
            let over = per_binding.iter().find(|(loc, adding)| {
                let bound = st
                    .targets
                    .get(&(listener.clone(), (*loc).clone()))
                    .map_or(0, Vec::len) as i64;
                bound + **adding > q
            });
            if over.is_some() {
                messages.push(format!(
                    "LimitExceeded: the number of backends of listener {listener} would exceed the quota {q} (TOTAL_TARGET_BIND_QUOTA)"
                ));
                failed.push(listener);
                continue;
            }
        }
        let ok = !st.failing.contains(&listener)
            && idx.iter().all(|i| {
                let (l, loc, ip, inst, port, _) = &parsed[*i];
                let bound = st
                    .targets
                    .get(&(l.clone(), loc.clone()))
                    .into_iter()
                    .flatten()
                    .any(|t| {
                        t.port == *port
                            && (ip.as_ref() == Some(&t.ip)
                                || (inst.is_some() && inst == &t.instance_id))
                    });
                bound != register
            });
        if !ok {
            failed.push(listener);
            continue;
        }
        accepted.extend(idx.into_iter().map(|i| parsed[i].clone()));
    }
    match st.task_duration {
        Some(d) => {
            st.tasks.insert(
                request_id.to_string(),
                FakeTask {
                    lb: lb.clone(),
                    register,
                    ops: accepted,
                    ends_at: Instant::now() + d,
                    done: false,
                },
            );
        }
        None => {
            apply_ops(st, register, accepted);
            st.done_writes.insert(request_id.to_string());
        }
    }
    let message = if failed.is_empty() {
        Value::Null
    } else if messages.is_empty() {
        json!("some listeners failed")
    } else {
        json!(messages.join("; "))
    };
    Ok(json!({"FailListenerIdSet": failed, "Message": message}))
}

async fn handle(
    state: Arc<Mutex<State>>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let held = {
        let mut st = state.lock().unwrap();
        let action = parts
            .headers
            .get("x-tc-action")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let n = 1 + st.calls.iter().filter(|c| c.action == action).count();
        st.pauses
            .iter()
            .position(|p| p.action == action && p.nth == n)
            .map(|i| st.pauses.remove(i))
    };
    if let Some(p) = held {
        // Blocks this fake's only thread: nothing else is answered meanwhile, as intended.
        let _ = p.reached.send(());
        let _ = p.release.recv_timeout(Duration::from_secs(30));
    }
    let mut st = state.lock().unwrap();
    st.next_id += 1;
    let request_id = format!("fake-{:08}", st.next_id);
    let action_hint = parts
        .headers
        .get("x-tc-action")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let json_body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);

    let result = (|| -> Result<Value, ApiError> {
        let action = authenticate(&st, &parts, &body)?;
        // Frequency limit: 20 requests per second per action.
        let now = Instant::now();
        let q = st.window.entry(action.clone()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            q.pop_front();
        }
        if q.len() >= 20 {
            st.rate_violations += 1;
            return Err(err(
                "RequestLimitExceeded",
                "Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second.",
            ));
        }
        q.push_back(now);
        if let Some(f) = st
            .faults
            .iter_mut()
            .find(|f| (f.0 == action || f.0 == "*") && f.2 > 0)
        {
            f.2 -= 1;
            let code = f.1.clone();
            let message = match code.as_str() {
                "RequestLimitExceeded" => {
                    "Your current request times exceeds the frequency limit.".to_string()
                }
                "FailedOperation.ResourceInOperating" => {
                    "LoadBalancer is operating, please try again later.".to_string()
                }
                _ => "injected by the test".to_string(),
            };
            return Err(err(&code, message));
        }
        if json_body.is_null() && !body.is_empty() {
            return Err(err("InvalidParameter.FormatError", "the body is not JSON"));
        }
        dispatch(&mut st, &action, &json_body, &request_id)
    })();

    let (value, error, content_type) = match result {
        Ok(mut v) => {
            v["RequestId"] = request_id.clone().into();
            (json!({"Response": v}), None, "application/json".to_string())
        }
        Err(e) => (
            json!({"Response": {"Error": {"Code": e.code, "Message": e.message}, "RequestId": request_id}}),
            Some(e.code),
            st.error_content_type.clone(),
        ),
    };
    st.calls.push(Call {
        action: action_hint,
        body: json_body,
        error,
        at: Instant::now(),
    });
    drop(st);
    let resp = Response::builder()
        .status(200)
        .header("content-type", content_type)
        .body(Full::new(Bytes::from(serde_json::to_vec(&value).unwrap())))
        .unwrap();
    Ok(resp)
}

#[test]
fn the_fakes_signature_check_agrees_with_the_published_vector() {
    // The official CVM example (domain notes §5.4), through the fake's own implementation.
    let body =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let signed = vec![
        (
            "content-type".to_string(),
            "application/json; charset=utf-8".to_string(),
        ),
        ("host".to_string(), "cvm.tencentcloudapi.com".to_string()),
    ];
    assert_eq!(utc_date(1551113065), "2019-02-25");
    assert_eq!(utc_date(0), "1970-01-01");
    assert_eq!(utc_date(951782400), "2000-02-29");
    assert_eq!(
        expected_signature(
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            "cvm",
            1551113065,
            "2019-02-25",
            &signed,
            body.as_bytes()
        ),
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
}
