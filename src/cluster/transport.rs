//! The narrow edge to the API server: GET a path, get bytes back. One real implementation over kube's
//! client (kubeconfig, exec plugins, TLS, timeouts) with retries; tests plug in fakes.
//!
//! Only reads go through here, so retrying is always safe: 429 (honouring `Retry-After` /
//! `details.retryAfterSeconds`), 500, 502, 503, 504, timeouts and broken connections are retried with
//! exponential backoff; anything else is returned at once.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;

/// Why a GET failed for good.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiFailure {
    /// The server answered with an error status (a `kind: Status` body when it sent one).
    #[error("{code} {reason}: {message}{}", retried(*.attempts))]
    Status {
        code: u16,
        reason: String,
        message: String,
        attempts: u32,
    },
    /// No usable answer: connection refused, timeout, TLS or credential trouble.
    #[error("{message}{}", retried(*.attempts))]
    Transport { message: String, attempts: u32 },
}

fn retried(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (gave up after {attempts} attempts)")
    } else {
        String::new()
    }
}

impl ApiFailure {
    pub fn code(&self) -> Option<u16> {
        match self {
            ApiFailure::Status { code, .. } => Some(*code),
            ApiFailure::Transport { .. } => None,
        }
    }
}

/// GET requests against the API server.
pub trait Transport: Sync {
    /// GET `path_and_query` (e.g. `/api/v1/pods?limit=500`) and return the body of a 2xx answer.
    fn get(&self, path_and_query: &str) -> impl Future<Output = Result<Bytes, ApiFailure>> + Send;
}

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total attempts, including the first.
    pub attempts: u32,
    /// First backoff; doubles each retry.
    pub base: Duration,
    /// Longest single wait (also caps Retry-After).
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(200),
            max_wait: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based), or the server's Retry-After when it gave one.
    pub fn wait(&self, retry: u32, retry_after: Option<u64>) -> Duration {
        let backoff = self
            .base
            .saturating_mul(1 << (retry.saturating_sub(1)).min(16));
        let wait = retry_after.map(Duration::from_secs).unwrap_or(backoff);
        wait.min(self.max_wait)
    }
}

/// Whether a status code is worth retrying for a read.
pub fn retryable(code: u16) -> bool {
    matches!(code, 429 | 500 | 502 | 503 | 504)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StatusBody {
    message: String,
    reason: String,
    details: Option<StatusDetails>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StatusDetails {
    retry_after_seconds: Option<u64>,
}

/// An error answer (a `kind: Status` body when the server sent one) as an [`ApiFailure`], with the
/// Retry-After the body asks for.
pub fn status_failure(code: u16, body: &[u8]) -> (ApiFailure, Option<u64>) {
    let parsed: StatusBody = serde_json::from_slice(body).unwrap_or_default();
    let retry_after = parsed.details.and_then(|d| d.retry_after_seconds);
    let message = if parsed.message.is_empty() {
        String::from_utf8_lossy(body)
            .chars()
            .take(200)
            .collect::<String>()
            .trim()
            .to_string()
    } else {
        parsed.message
    };
    let reason = if parsed.reason.is_empty() {
        http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
            .to_string()
    } else {
        parsed.reason
    };
    (
        ApiFailure::Status {
            code,
            reason,
            message,
            attempts: 1,
        },
        retry_after,
    )
}

/// The real transport: kube's client (which speaks kubeconfig auth) plus retries.
pub struct KubeTransport {
    client: kube::Client,
    policy: RetryPolicy,
    requests: AtomicUsize,
}

impl KubeTransport {
    pub fn new(client: kube::Client, policy: RetryPolicy) -> Self {
        KubeTransport {
            client,
            policy,
            requests: AtomicUsize::new(0),
        }
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    async fn attempt(&self, path: &str) -> Result<Bytes, (ApiFailure, bool, Option<u64>)> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let req = http::Request::get(path)
            .header(http::header::ACCEPT, "application/json")
            .body(kube::client::Body::empty())
            .map_err(|e| {
                (
                    ApiFailure::Transport {
                        message: e.to_string(),
                        attempts: 1,
                    },
                    false,
                    None,
                )
            })?;
        let resp = match self.client.send(req).await {
            Ok(r) => r,
            Err(e) => {
                // Credential plugins failing will not get better by retrying; the network might.
                let retry = !matches!(e, kube::Error::Auth(_));
                return Err((
                    ApiFailure::Transport {
                        message: describe_kube_error(&e),
                        attempts: 1,
                    },
                    retry,
                    None,
                ));
            }
        };
        let status = resp.status().as_u16();
        let header_retry = resp
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = resp.into_body().collect_bytes().await.map_err(|e| {
            (
                ApiFailure::Transport {
                    message: describe_kube_error(&e),
                    attempts: 1,
                },
                true,
                None,
            )
        })?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        let (failure, body_retry) = status_failure(status, &body);
        Err((failure, retryable(status), header_retry.or(body_retry)))
    }
}

impl Transport for KubeTransport {
    async fn get(&self, path_and_query: &str) -> Result<Bytes, ApiFailure> {
        let mut attempt = 1;
        loop {
            match self.attempt(path_and_query).await {
                Ok(b) => return Ok(b),
                Err((mut failure, retry, retry_after)) => {
                    if !retry || attempt >= self.policy.attempts {
                        match &mut failure {
                            ApiFailure::Status { attempts, .. }
                            | ApiFailure::Transport { attempts, .. } => *attempts = attempt,
                        }
                        return Err(failure);
                    }
                    tokio::time::sleep(self.policy.wait(attempt, retry_after)).await;
                    attempt += 1;
                }
            }
        }
    }
}

/// kube's errors, with their causes, in one line.
fn describe_kube_error(e: &kube::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_honours_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(p.wait(1, None), Duration::from_millis(200));
        assert_eq!(p.wait(3, None), Duration::from_millis(800));
        assert_eq!(p.wait(2, Some(3)), Duration::from_secs(3));
        assert_eq!(p.wait(2, Some(3600)), Duration::from_secs(10));
    }

    #[test]
    fn failures_say_how_often_they_were_tried() {
        let f = ApiFailure::Status {
            code: 500,
            reason: "InternalError".into(),
            message: "boom".into(),
            attempts: 5,
        };
        assert_eq!(
            f.to_string(),
            "500 InternalError: boom (gave up after 5 attempts)"
        );
    }
}
