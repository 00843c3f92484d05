//! The narrow edge to the API server for live enable/disable: GET, paginated LIST and PATCH of the few
//! resources tkedirect touches. One real implementation over kube's client ([`KubeCluster`]); the tests of
//! the apply loop use an in-memory fake.
//!
//! Writes are PATCHes only (JSON merge or strategic merge), never PUT, and every one carries a
//! `metadata.resourceVersion` precondition — which is also what makes retrying a PATCH after a 5xx or a
//! lost answer safe: a patch that did land makes the retry fail with 409, and the caller re-reads.

use std::future::Future;

use serde::Deserialize;
use serde_json::Value;

use super::resource::Resource;
use crate::cluster::read::{PAGE_SIZE, encode};
use crate::cluster::transport::{
    ApiFailure, KubeTransport, RetryPolicy, Transport, retryable, status_failure,
};

/// The field manager recorded in `managedFields` for tkedirect's patches.
pub const FIELD_MANAGER: &str = "tkedirect";

/// How a patch body is to be read by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// RFC 7386 JSON merge patch: for Service and Ingress annotations (`null` removes a key).
    Merge,
    /// Kubernetes strategic merge patch: for pod templates (containers are merged by name).
    Strategic,
}

impl PatchType {
    pub const fn content_type(self) -> &'static str {
        match self {
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            PatchType::Merge => "merge",
            PatchType::Strategic => "strategic",
        }
    }
}

/// A patch as sent: type and body (which includes the resourceVersion precondition).
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub kind: PatchType,
    pub body: Value,
}

/// Reads and patches of namespaced objects.
pub trait LiveCluster: Sync {
    /// The object, or None when it (or its resource) does not exist.
    fn get(
        &self,
        r: &Resource,
        namespace: &str,
        name: &str,
    ) -> impl Future<Output = Result<Option<Value>, ApiFailure>> + Send;

    /// Every object of `r` in `namespace` (matching `label_selector`), each with `apiVersion` and `kind`
    /// set; None when the server does not serve `r`.
    fn list(
        &self,
        r: &Resource,
        namespace: &str,
        label_selector: Option<&str>,
    ) -> impl Future<Output = Result<Option<Vec<Value>>, ApiFailure>> + Send;

    /// PATCH the object; returns the object the server answered with.
    fn patch(
        &self,
        r: &Resource,
        namespace: &str,
        name: &str,
        patch: &Patch,
        dry_run: bool,
    ) -> impl Future<Output = Result<Value, ApiFailure>> + Send;
}

/// The real cluster: GETs through [`KubeTransport`] (with its read retries), PATCHes through kube's client.
pub struct KubeCluster {
    client: kube::Client,
    reads: KubeTransport,
    policy: RetryPolicy,
}

impl KubeCluster {
    pub fn new(client: kube::Client, policy: RetryPolicy) -> Self {
        KubeCluster {
            reads: KubeTransport::new(client.clone(), policy),
            client,
            policy,
        }
    }

    /// The read transport (with its retries), for the prerequisite facts.
    pub fn transport(&self) -> &KubeTransport {
        &self.reads
    }

    async fn patch_once(
        &self,
        uri: &str,
        patch: &Patch,
    ) -> Result<Value, (ApiFailure, bool, Option<u64>)> {
        let body = serde_json::to_vec(&patch.body).expect("a JSON value serializes");
        let req = http::Request::patch(uri)
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::CONTENT_TYPE, patch.kind.content_type())
            .body(kube::client::Body::from(body))
            .map_err(|e| (transport_failure(e.to_string()), false, None))?;
        let resp = self.client.send(req).await.map_err(|e| {
            (
                transport_failure(e.to_string()),
                !matches!(e, kube::Error::Auth(_)),
                None,
            )
        })?;
        let status = resp.status().as_u16();
        let header_retry = resp
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = resp
            .into_body()
            .collect_bytes()
            .await
            .map_err(|e| (transport_failure(e.to_string()), true, None))?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes).map_err(|e| {
                (
                    transport_failure(format!("unexpected response: {e}")),
                    false,
                    None,
                )
            });
        }
        let (failure, retry_after) = status_failure(status, &bytes);
        Err((failure, retryable(status), header_retry.or(retry_after)))
    }
}

fn transport_failure(message: String) -> ApiFailure {
    ApiFailure::Transport {
        message,
        attempts: 1,
    }
}

fn with_attempts(mut f: ApiFailure, n: u32) -> ApiFailure {
    match &mut f {
        ApiFailure::Status { attempts, .. } | ApiFailure::Transport { attempts, .. } => {
            *attempts = n
        }
    }
    f
}

/// Set `apiVersion` and `kind` on a LIST item (the API server leaves them out).
fn typed(mut item: Value, r: &Resource) -> Value {
    if let Some(m) = item.as_object_mut() {
        m.insert("apiVersion".into(), Value::String(r.api_version.clone()));
        m.insert("kind".into(), Value::String(r.kind.to_string()));
    }
    item
}

#[derive(Debug, Deserialize)]
struct ListPage {
    #[serde(default)]
    metadata: ListMeta,
    #[serde(default)]
    items: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_: Option<String>,
}

impl LiveCluster for KubeCluster {
    async fn get(
        &self,
        r: &Resource,
        namespace: &str,
        name: &str,
    ) -> Result<Option<Value>, ApiFailure> {
        match self.reads.get(&r.path(namespace, Some(name))).await {
            Ok(bytes) => serde_json::from_slice::<Value>(&bytes)
                .map(|v| Some(typed(v, r)))
                .map_err(|e| transport_failure(format!("unexpected response: {e}"))),
            Err(f) if f.code() == Some(404) => Ok(None),
            Err(f) => Err(f),
        }
    }

    async fn list(
        &self,
        r: &Resource,
        namespace: &str,
        label_selector: Option<&str>,
    ) -> Result<Option<Vec<Value>>, ApiFailure> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut path = format!("{}?limit={PAGE_SIZE}", r.path(namespace, None));
            if let Some(s) = label_selector {
                path.push_str(&format!("&labelSelector={}", encode(s)));
            }
            if let Some(t) = &token {
                path.push_str(&format!("&continue={}", encode(t)));
            }
            let bytes = match self.reads.get(&path).await {
                Ok(b) => b,
                Err(f) if f.code() == Some(404) && token.is_none() => return Ok(None),
                Err(f) => return Err(f),
            };
            let page: ListPage = serde_json::from_slice(&bytes)
                .map_err(|e| transport_failure(format!("unexpected response: {e}")))?;
            out.extend(page.items.into_iter().map(|i| typed(i, r)));
            match page.metadata.continue_ {
                Some(c) if !c.is_empty() => token = Some(c),
                _ => return Ok(Some(out)),
            }
        }
    }

    async fn patch(
        &self,
        r: &Resource,
        namespace: &str,
        name: &str,
        patch: &Patch,
        dry_run: bool,
    ) -> Result<Value, ApiFailure> {
        let mut uri = format!(
            "{}?fieldManager={FIELD_MANAGER}",
            r.path(namespace, Some(name))
        );
        if dry_run {
            uri.push_str("&dryRun=All");
        }
        let mut attempt = 1;
        loop {
            match self.patch_once(&uri, patch).await {
                Ok(v) => return Ok(typed(v, r)),
                Err((failure, retry, retry_after)) => {
                    if !retry || attempt >= self.policy.attempts {
                        return Err(with_attempts(failure, attempt));
                    }
                    tokio::time::sleep(self.policy.wait(attempt, retry_after)).await;
                    attempt += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_bodies_become_failures() {
        let body = br#"{"kind":"Status","status":"Failure","message":"services \"web\" is forbidden: User \"u\" cannot patch resource \"services\"","reason":"Forbidden","code":403}"#;
        let (f, retry) = status_failure(403, body);
        assert_eq!(f.code(), Some(403));
        assert!(
            f.to_string()
                .starts_with("403 Forbidden: services \"web\" is forbidden")
        );
        assert_eq!(retry, None);
        let (f, _) = status_failure(502, b"<html>bad gateway</html>");
        assert_eq!(f.to_string(), "502 Bad Gateway: <html>bad gateway</html>");
    }
}
