//! The real CLB client: JSON over HTTPS POST, signed with TC3-HMAC-SHA256, with per-action rate limiting
//! and bounded retries on `RequestLimitExceeded` and `FailedOperation.ResourceInOperating`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::credentials::Provider;
use super::endpoint::Endpoint;
use super::net::{HttpClient, Net, NetError, error_chain};
use super::retry::{Backoff, RateLimiter, Retryable, classify};
use super::sign::{SignInput, authorization};
use super::types::*;
use super::{API_VERSION, Clb, CloudError, SERVICE};

/// How chatty the client is; the app maps these to `-v` / `-vv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Retries and waits (shown with -v).
    Detail,
    /// Every request and response line (shown with -vv).
    Debug,
}

type Logger = Box<dyn Fn(LogLevel, &str)>;

const CONTENT_TYPE: &str = "application/json";
const MAX_RESPONSE_BYTES: usize = 64 << 20;

pub struct TencentClb {
    endpoint: Endpoint,
    region: String,
    credentials: Provider,
    http: HttpClient,
    limiter: RefCell<RateLimiter>,
    backoff: Backoff,
    timeout: Duration,
    log: Logger,
    calls: RefCell<BTreeMap<String, u32>>,
}

impl TencentClb {
    /// A client for `endpoint`, through the proxy the environment names for it (see [`Net`]).
    /// Endpoint::parse allows plain http only for loopback hosts; everything else is https-only, with
    /// certificate verification.
    pub fn new(
        endpoint: Endpoint,
        region: String,
        credentials: Provider,
        net: &Net,
        log: Logger,
    ) -> Result<Self, NetError> {
        let connection = net.connect(&endpoint)?;
        if let Some(proxy) = &connection.proxy {
            log(
                LogLevel::Detail,
                &format!("CLB API {endpoint} via proxy {proxy}"),
            );
        }
        let http = connection.client;
        Ok(TencentClb {
            endpoint,
            region,
            credentials,
            http,
            limiter: RefCell::new(RateLimiter::for_clb()),
            backoff: Backoff::default(),
            timeout: Duration::from_secs(60),
            log,
            calls: RefCell::new(BTreeMap::new()),
        })
    }

    /// HTTP requests sent so far, per action (retries included).
    pub fn call_counts(&self) -> BTreeMap<String, u32> {
        self.calls.borrow().clone()
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        action: &str,
        req: &Req,
    ) -> Result<Resp, CloudError> {
        let body = serde_json::to_vec(req).map_err(|e| CloudError::Decode {
            action: action.to_string(),
            message: format!("cannot encode the request: {e}"),
        })?;
        let read_only = action.starts_with("Describe");
        let mut retry = 0u32;
        loop {
            let result = self.send_once(action, &body).await;
            let wait = match &result {
                Ok(_) => None,
                Err(CloudError::Api { code, .. }) => match classify(code) {
                    Some(kind) => self
                        .backoff
                        .delay(retry, rand::random::<f64>())
                        .map(|d| (d, describe(kind))),
                    None => None,
                },
                // A read that never got an answer is safe to repeat; a write is not (it may have happened).
                Err(CloudError::Transport { .. }) if read_only && retry < 2 => self
                    .backoff
                    .delay(retry, rand::random::<f64>())
                    .map(|d| (d, "no answer")),
                Err(_) => None,
            };
            match (result, wait) {
                (Ok(v), _) => return Ok(v),
                (Err(e), None) => return Err(e),
                (Err(e), Some((delay, why))) => {
                    retry += 1;
                    (self.log)(
                        LogLevel::Detail,
                        &format!(
                            "{action}: {why} ({}); retry {retry} of {} in {:.1} s",
                            e.code().unwrap_or("transport"),
                            self.backoff.max_retries,
                            delay.as_secs_f64()
                        ),
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    async fn send_once<Resp: DeserializeOwned>(
        &self,
        action: &str,
        body: &[u8],
    ) -> Result<Resp, CloudError> {
        let wait = self.limiter.borrow().wait(action, Instant::now());
        if !wait.is_zero() {
            (self.log)(
                LogLevel::Debug,
                &format!(
                    "{action}: waiting {} ms for the 20/s rate limit",
                    wait.as_millis()
                ),
            );
            tokio::time::sleep(wait).await;
        }
        self.limiter.borrow_mut().record(action, Instant::now());
        *self
            .calls
            .borrow_mut()
            .entry(action.to_string())
            .or_default() += 1;

        let detail = |line: &str| (self.log)(LogLevel::Detail, line);
        let credentials =
            self.credentials
                .current(&detail)
                .await
                .map_err(|e| CloudError::Credentials {
                    action: action.to_string(),
                    message: e.to_string(),
                })?;
        let host = self.endpoint.host_header();
        let timestamp = jiff::Timestamp::now().as_second();
        let signed = [
            ("content-type", CONTENT_TYPE),
            ("host", host.as_str()),
            ("x-tc-action", action),
        ];
        let input = SignInput {
            method: "POST",
            service: SERVICE,
            timestamp,
            headers: &signed,
            payload: body,
        };
        let auth = authorization(
            &credentials.secret_id,
            credentials.secret_key.expose(),
            &input,
        );

        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.endpoint.url())
            .header(http::header::HOST, &host)
            .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("X-TC-Action", action)
            .header("X-TC-Version", API_VERSION)
            .header("X-TC-Region", &self.region)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Language", "en-US")
            .header(
                "X-TC-RequestClient",
                concat!("tkedirect/", env!("CARGO_PKG_VERSION")),
            )
            .header(http::header::AUTHORIZATION, auth);
        if let Some(token) = &credentials.token {
            request = request.header("X-TC-Token", token.expose());
        }
        let request = request
            .body(Full::new(Bytes::copy_from_slice(body)))
            .map_err(|e| CloudError::Transport {
                action: action.to_string(),
                endpoint: self.endpoint.to_string(),
                message: e.to_string(),
            })?;

        (self.log)(
            LogLevel::Debug,
            &format!(
                "→ {action} {} ({} bytes, region {})",
                self.endpoint,
                body.len(),
                self.region
            ),
        );
        let started = Instant::now();
        let transport = |message: String| CloudError::Transport {
            action: action.to_string(),
            endpoint: self.endpoint.to_string(),
            message,
        };
        let exchange = async {
            let response = self
                .http
                .request(request)
                .await
                .map_err(|e| transport(error_chain(&e)))?;
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(|e| transport(error_chain(&e)))?
                .to_bytes();
            Ok::<_, CloudError>((status, bytes))
        };
        let (status, bytes) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| transport(format!("no answer within {} s", self.timeout.as_secs())))??;
        if bytes.len() > MAX_RESPONSE_BYTES {
            return Err(CloudError::Decode {
                action: action.to_string(),
                message: "response too large".into(),
            });
        }
        let result = decode::<Resp>(action, &self.endpoint, status.as_u16(), &bytes);
        let request_id = match &result {
            Ok((_, id)) => id.clone(),
            Err(CloudError::Api {
                code, request_id, ..
            }) => format!("{request_id}, error {code}"),
            Err(_) => String::new(),
        };
        (self.log)(
            LogLevel::Debug,
            &format!(
                "← {action}: HTTP {} in {} ms (RequestId {request_id})",
                status.as_u16(),
                started.elapsed().as_millis()
            ),
        );
        result.map(|(v, _)| v)
    }
}

fn describe(kind: Retryable) -> &'static str {
    match kind {
        Retryable::RateLimited => "rate limited",
        Retryable::Busy => "the CLB is busy",
    }
}

/// Read an API answer whatever its content type: `{"Response": {..., "RequestId"}}`, the error envelope
/// `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`, or the legacy `{"code", "message"}`.
pub fn decode<T: DeserializeOwned>(
    action: &str,
    endpoint: &Endpoint,
    status: u16,
    body: &[u8],
) -> Result<(T, String), CloudError> {
    let decode_err = |message: String| CloudError::Decode {
        action: action.to_string(),
        message,
    };
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let snippet: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
            return Err(CloudError::Http {
                action: action.to_string(),
                endpoint: endpoint.to_string(),
                status,
                snippet,
            });
        }
    };
    if let Some(response) = value.get("Response") {
        let request_id = response
            .get("RequestId")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if let Some(error) = response.get("Error").filter(|e| !e.is_null()) {
            let field = |k: &str| {
                error
                    .get(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            return Err(CloudError::Api {
                action: action.to_string(),
                code: field("Code"),
                message: field("Message"),
                request_id,
            });
        }
        let parsed =
            serde_json::from_value(response.clone()).map_err(|e| decode_err(e.to_string()))?;
        return Ok((parsed, request_id));
    }
    if let Some(code) = value
        .get("code")
        .filter(|c| !c.is_null() && c.as_i64() != Some(0))
    {
        let message = value
            .get("message")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let code = code
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| code.to_string());
        return Err(CloudError::Api {
            action: action.to_string(),
            code,
            message,
            request_id: String::new(),
        });
    }
    if !(200..300).contains(&status) {
        let snippet: String = String::from_utf8_lossy(body)
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        return Err(CloudError::Http {
            action: action.to_string(),
            endpoint: endpoint.to_string(),
            status,
            snippet,
        });
    }
    Err(decode_err("no `Response` object".to_string()))
}

impl Clb for TencentClb {
    async fn describe_load_balancers(
        &self,
        ids: &[String],
    ) -> Result<Vec<LoadBalancer>, CloudError> {
        let r: DescribeLoadBalancersResponse = self
            .call(
                "DescribeLoadBalancers",
                &DescribeLoadBalancersRequest {
                    load_balancer_ids: ids,
                },
            )
            .await?;
        Ok(r.load_balancer_set)
    }

    async fn describe_listeners(
        &self,
        load_balancer_id: &str,
        protocol: Option<&str>,
        port: Option<i64>,
    ) -> Result<Vec<Listener>, CloudError> {
        let r: DescribeListenersResponse = self
            .call(
                "DescribeListeners",
                &DescribeListenersRequest {
                    load_balancer_id,
                    protocol,
                    port,
                },
            )
            .await?;
        Ok(r.listeners)
    }

    async fn describe_targets(
        &self,
        load_balancer_id: &str,
        listener_ids: &[String],
    ) -> Result<Vec<ListenerBackend>, CloudError> {
        let r: DescribeTargetsResponse = self
            .call(
                "DescribeTargets",
                &DescribeTargetsRequest {
                    load_balancer_id,
                    listener_ids,
                },
            )
            .await?;
        Ok(r.listeners)
    }

    async fn batch_register_targets(
        &self,
        load_balancer_id: &str,
        targets: &[BatchTarget],
    ) -> Result<BatchOutcome, CloudError> {
        self.call(
            "BatchRegisterTargets",
            &BatchTargetsRequest {
                load_balancer_id,
                targets,
            },
        )
        .await
    }

    async fn batch_deregister_targets(
        &self,
        load_balancer_id: &str,
        targets: &[BatchTarget],
    ) -> Result<BatchOutcome, CloudError> {
        self.call(
            "BatchDeregisterTargets",
            &BatchTargetsRequest {
                load_balancer_id,
                targets,
            },
        )
        .await
    }

    async fn describe_task_status(&self, task_id: &str) -> Result<TaskStatus, CloudError> {
        self.call("DescribeTaskStatus", &DescribeTaskStatusRequest { task_id })
            .await
    }

    async fn describe_quota(&self) -> Result<Vec<Quota>, CloudError> {
        let r: DescribeQuotaResponse = self.call("DescribeQuota", &DescribeQuotaRequest {}).await?;
        Ok(r.quota_set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep() -> Endpoint {
        Endpoint::default()
    }

    #[test]
    fn decodes_success_and_errors_whatever_the_content_type() {
        let (r, id): (DescribeListenersResponse, String) = decode(
            "DescribeListeners",
            &ep(),
            200,
            br#"{"Response": {"Listeners": [{"ListenerId": "lbl-1", "Protocol": "TCP", "Port": 80}], "TotalCount": 1, "RequestId": "req-1"}}"#,
        )
        .unwrap();
        assert_eq!(
            (r.listeners[0].listener_id.as_str(), id.as_str()),
            ("lbl-1", "req-1")
        );

        let err = decode::<DescribeListenersResponse>(
            "DescribeListeners",
            &ep(),
            200,
            br#"{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"}, "RequestId": "req-2"}}"#,
        )
        .unwrap_err();
        match err {
            CloudError::Api {
                code,
                message,
                request_id,
                ..
            } => {
                assert_eq!(
                    (code.as_str(), message.as_str(), request_id.as_str()),
                    ("AuthFailure.SignatureFailure", "bad", "req-2")
                )
            }
            other => panic!("{other:?}"),
        }

        // Error envelope with a non-200 status is still an API error.
        let err = decode::<DescribeListenersResponse>(
            "X",
            &ep(),
            500,
            br#"{"Response": {"Error": {"Code": "InternalError", "Message": "m"}, "RequestId": "r"}}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), Some("InternalError"));

        // Legacy API 2.0 shape.
        let err = decode::<DescribeListenersResponse>(
            "X",
            &ep(),
            200,
            br#"{"code": 4000, "message": "m", "codeDesc": "d"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code(), Some("4000"));

        // Not JSON at all: an HTTP error with a snippet.
        let err = decode::<DescribeListenersResponse>("X", &ep(), 502, b"<html>bad gateway</html>")
            .unwrap_err();
        assert!(
            matches!(err, CloudError::Http { status: 502, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("bad gateway"));

        let err =
            decode::<DescribeListenersResponse>("X", &ep(), 200, br#"{"foo": 1}"#).unwrap_err();
        assert!(matches!(err, CloudError::Decode { .. }));
    }
}
