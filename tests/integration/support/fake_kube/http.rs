//! The wire: routing requests, JSON and `kind: Status` answers, query strings.

use super::*;

pub(super) fn version_json(git_version: &str) -> Value {
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

pub(super) fn full_object(def: &ResourceDef, stored: &Stored) -> Value {
    let mut obj: Map<String, Value> = Map::new();
    obj.insert("apiVersion".into(), Value::String(def.group_version()));
    obj.insert("kind".into(), Value::String(def.kind.clone()));
    if let Ok(Value::Object(rest)) = serde_json::from_str::<Value>(&stored.body) {
        obj.extend(rest);
    }
    Value::Object(obj)
}

pub(super) fn object_text(def: &ResourceDef, stored: &Stored) -> String {
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
pub(super) struct ApiError {
    pub(super) code: u16,
    pub(super) reason: &'static str,
    pub(super) message: String,
    pub(super) retry_after: Option<u64>,
    pub(super) details: Value,
}

impl ApiError {
    pub(super) fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            retry_after: None,
            details: Value::Null,
        }
    }
    pub(super) fn not_found(def: &ResourceDef, name: &str) -> Self {
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
    pub(super) fn body(&self) -> Value {
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

pub(super) type Resp = Response<Full<Bytes>>;

pub(super) fn json_response(code: u16, body: String) -> Resp {
    Response::builder()
        .status(StatusCode::from_u16(code).unwrap())
        .header("content-type", "application/json")
        .header("cache-control", "no-cache, private")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

pub(super) fn error_response(e: &ApiError) -> Resp {
    let mut r = json_response(e.code, e.body().to_string());
    if let Some(s) = e.retry_after {
        r.headers_mut()
            .insert("retry-after", s.to_string().parse().unwrap());
    }
    r
}

pub(super) async fn handle(
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

pub(super) fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub(super) fn percent_decode(s: &str) -> String {
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
