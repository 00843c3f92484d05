//! Fakes of the two services temporary Tencent Cloud credentials come from, on 127.0.0.1:
//!
//! - [`FakeMetadata`]: the CVM metadata service — `GET /latest/meta-data/cam/security-credentials/`
//!   answers the role name (404 without one), `GET …/<role>` the role's temporary credentials as JSON
//!   `{TmpSecretId, TmpSecretKey, Token, ExpiredTime, Expiration, Code: "Success"}`;
//! - [`FakeSts`]: STS `AssumeRoleWithWebIdentity` (2018-08-13), as the SDKs call it: POST `/`, JSON body
//!   `{ProviderId, WebIdentityToken, RoleArn, RoleSessionName, DurationSeconds}`, not signed
//!   (`Authorization: SKIP`), answer `Response.Credentials.{TmpSecretId, TmpSecretKey, Token}`,
//!   `Response.ExpiredTime`, `Response.Expiration`. It checks the token, role, provider and region it was
//!   set up with and answers with STS-style errors otherwise.
//!
//! Each hands out the credentials queued with `issue`, one set per request, in order, and answers an
//! error once the queue is empty. Register the same sets with the fake CLB to make them valid there.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use serde_json::{Value, json};

use super::serve::{Served, serve_http};

/// A set of temporary credentials to hand out.
#[derive(Debug, Clone)]
pub struct Issued {
    pub secret_id: String,
    pub secret_key: String,
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Issued {
    /// A set named after `tag`, valid for `ttl` seconds from now (negative: expired already).
    pub fn new(tag: &str, ttl: i64) -> Issued {
        Issued {
            secret_id: format!("AKIDtmp{tag}0123456789abcdef"),
            secret_key: format!("tmpSecretKey-{tag}-never-print-0123"),
            token: format!("tmpSessionToken-{tag}-never-print-0123456789"),
            expires_at: unix_now() + ttl,
        }
    }

    fn expiration(&self) -> String {
        jiff::Timestamp::from_second(self.expires_at)
            .unwrap()
            .to_string()
    }
}

type Handler = Arc<dyn Fn(&str, &http::request::Parts, &[u8]) -> (u16, String) + Send + Sync>;

async fn handle(
    handler: Handler,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await?.to_bytes();
    let line = format!("{} {}", parts.method, parts.uri.path());
    let (status, text) = handler(&line, &parts, &body);
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(text)))
        .unwrap())
}

/// A loopback HTTP server calling `handler(method path, parts, body)`; serves until dropped.
struct Server(Served);

impl Server {
    fn start(handler: Handler) -> Server {
        Server(serve_http(0, handler, handle))
    }

    fn url(&self) -> String {
        format!("http://{}", self.0.addr)
    }
}

// ------------------------------------------------------------------------------------------- metadata

const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";

#[derive(Default)]
struct MetadataState {
    role: Option<String>,
    queue: VecDeque<Issued>,
    log: Vec<String>,
}

pub struct FakeMetadata {
    state: Arc<Mutex<MetadataState>>,
    server: Server,
}

impl FakeMetadata {
    /// A metadata service of a CVM with `role` bound (None: no role).
    pub fn start(role: Option<&str>) -> FakeMetadata {
        let state = Arc::new(Mutex::new(MetadataState {
            role: role.map(str::to_string),
            ..Default::default()
        }));
        let st = state.clone();
        let handler: Handler = Arc::new(move |line, _parts, _body| {
            let mut st = st.lock().unwrap();
            st.log.push(line.to_string());
            let Some(path) = line.strip_prefix("GET ") else {
                return (405, String::new());
            };
            let Some(rest) = path.strip_prefix(ROLE_PATH) else {
                return (404, String::new());
            };
            let Some(role) = st.role.clone() else {
                return (404, "<html>404 Not Found</html>".into());
            };
            if rest.is_empty() {
                return (200, role);
            }
            if rest != role {
                return (404, String::new());
            }
            match st.queue.pop_front() {
                Some(c) => (
                    200,
                    json!({"TmpSecretId": c.secret_id, "TmpSecretKey": c.secret_key, "Token": c.token,
                        "ExpiredTime": c.expires_at, "Expiration": c.expiration(), "Code": "Success"})
                    .to_string(),
                ),
                None => (500, "internal error".into()),
            }
        });
        FakeMetadata {
            state,
            server: Server::start(handler),
        }
    }

    /// `http://127.0.0.1:PORT`, for `TKEDIRECT_TEST_METADATA_ENDPOINT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn issue(&self, c: &Issued) {
        self.state.lock().unwrap().queue.push_back(c.clone());
    }

    /// Requests received, `GET /path`.
    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    /// Requests for the role's credentials (not for its name).
    pub fn credential_fetches(&self) -> usize {
        self.log()
            .iter()
            .filter(|l| !l.ends_with(ROLE_PATH))
            .count()
    }
}

// ------------------------------------------------------------------------------------------- STS

/// What the fake STS accepts.
#[derive(Debug, Clone)]
pub struct StsSetup {
    pub token: String,
    pub role_arn: String,
    pub provider_id: String,
    pub region: String,
}

struct StsState {
    setup: StsSetup,
    queue: VecDeque<Issued>,
    /// Every request: its X-TC-* and Authorization headers and its body.
    requests: Vec<Value>,
    next_id: u64,
}

pub struct FakeSts {
    state: Arc<Mutex<StsState>>,
    server: Server,
}

fn sts_error(code: &str, message: &str, id: u64) -> String {
    json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": format!("sts-{id}")}})
        .to_string()
}

impl FakeSts {
    pub fn start(setup: StsSetup) -> FakeSts {
        let state = Arc::new(Mutex::new(StsState {
            setup,
            queue: VecDeque::new(),
            requests: Vec::new(),
            next_id: 0,
        }));
        let st = state.clone();
        let handler: Handler = Arc::new(move |line, parts, body| {
            let mut st = st.lock().unwrap();
            st.next_id += 1;
            let id = st.next_id;
            let header = |n: &str| {
                parts
                    .headers
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            st.requests.push(json!({
                "line": line, "action": header("x-tc-action"), "version": header("x-tc-version"),
                "region": header("x-tc-region"), "timestamp": header("x-tc-timestamp"),
                "authorization": header("authorization"), "content-type": header("content-type"),
                "host": header("host"), "body": body.clone()}));
            if line != "POST /" {
                return (200, sts_error("UnsupportedProtocol", "POST / only", id));
            }
            if header("x-tc-action") != "AssumeRoleWithWebIdentity"
                || header("x-tc-version") != "2018-08-13"
            {
                return (
                    200,
                    sts_error("InvalidAction", "unknown action or version", id),
                );
            }
            if header("authorization") != "SKIP" {
                return (
                    200,
                    sts_error(
                        "AuthFailure.InvalidAuthorization",
                        "this action is not signed",
                        id,
                    ),
                );
            }
            let field = |k: &str| {
                body.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let setup = st.setup.clone();
            if header("x-tc-region") != setup.region {
                return (200, sts_error("InvalidParameter.ParamError", "region", id));
            }
            if field("WebIdentityToken") != setup.token {
                return (
                    200,
                    sts_error(
                        "InvalidParameter.WebIdentityTokenError",
                        "the web identity token is invalid",
                        id,
                    ),
                );
            }
            if field("RoleArn") != setup.role_arn {
                return (
                    200,
                    sts_error("ResourceNotFound.RoleNotExist", "role not found", id),
                );
            }
            if field("ProviderId") != setup.provider_id {
                return (
                    200,
                    sts_error("InvalidParameter.ParamError", "ProviderId", id),
                );
            }
            let duration = body
                .get("DurationSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let session = field("RoleSessionName");
            if !(900..=43200).contains(&duration) || session.len() < 2 {
                return (
                    200,
                    sts_error(
                        "InvalidParameter.ParamError",
                        "DurationSeconds or RoleSessionName",
                        id,
                    ),
                );
            }
            match st.queue.pop_front() {
                Some(c) => (
                    200,
                    json!({"Response": {"Credentials": {"Token": c.token, "TmpSecretId": c.secret_id,
                        "TmpSecretKey": c.secret_key}, "ExpiredTime": c.expires_at,
                        "Expiration": c.expiration(), "RequestId": format!("sts-{id}")}})
                    .to_string(),
                ),
                None => (200, sts_error("InternalError", "no credentials left in the fake", id)),
            }
        });
        FakeSts {
            state,
            server: Server::start(handler),
        }
    }

    /// `http://127.0.0.1:PORT`, for `TKEDIRECT_TEST_STS_ENDPOINT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn issue(&self, c: &Issued) {
        self.state.lock().unwrap().queue.push_back(c.clone());
    }

    pub fn requests(&self) -> Vec<Value> {
        self.state.lock().unwrap().requests.clone()
    }
}
