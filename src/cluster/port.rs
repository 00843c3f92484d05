//! The one port to the API server: GET, one page of a LIST (`limit`/`continue`), PATCH with preconditions
//! and dry-run. One real adapter over kube's client ([`super::kube::KubeCluster`], with the one retry
//! policy); one in-memory fake for unit tests ([`super::memory::MemoryCluster`]); a loopback HTTP fake in
//! the integration tests proves the adapter speaks the real wire format.
//!
//! Bodies are returned as bytes: decoding into the model happens once, in [`super::read`].

use std::fmt;
use std::future::Future;

use bytes::Bytes;
use serde::Deserialize;

use crate::model::Kind;

/// Objects per LIST page.
pub const PAGE_SIZE: usize = 500;

/// The field manager recorded in `managedFields` for tkedirect's patches.
pub const FIELD_MANAGER: &str = "tkedirect";

/// A resource on the API server: group version, plural, kind, and whether it is namespaced.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    /// `v1`, `apps/v1`, `networking.k8s.io/v1beta1`.
    pub api_version: String,
    /// `deployments`.
    pub plural: &'static str,
    /// `Deployment`.
    pub kind: &'static str,
    pub namespaced: bool,
}

/// Group versions that serve CronJobs, best first (batch/v1 from 1.21).
pub const CRONJOB_VERSIONS: [&str; 2] = ["batch/v1", "batch/v1beta1"];

impl Resource {
    pub fn new(
        api_version: &str,
        plural: &'static str,
        kind: &'static str,
        namespaced: bool,
    ) -> Self {
        Resource {
            api_version: api_version.to_string(),
            plural,
            kind,
            namespaced,
        }
    }

    pub fn pods() -> Self {
        Resource::new("v1", "pods", "Pod", true)
    }

    pub fn nodes() -> Self {
        Resource::new("v1", "nodes", "Node", false)
    }

    pub fn configmaps() -> Self {
        Resource::new("v1", "configmaps", "ConfigMap", true)
    }

    pub fn endpoints() -> Self {
        Resource::new("v1", "endpoints", "Endpoints", true)
    }

    pub fn endpoint_slices() -> Self {
        Resource::new(
            "discovery.k8s.io/v1",
            "endpointslices",
            "EndpointSlice",
            true,
        )
    }

    pub fn mutating_webhooks(api_version: &str) -> Self {
        Resource::new(
            api_version,
            "mutatingwebhookconfigurations",
            "MutatingWebhookConfiguration",
            false,
        )
    }

    /// The resource of a kind tkedirect changes, in the group version given, or the kind's usual one.
    pub fn of(kind: Kind, api_version: Option<&str>) -> Self {
        let (default, plural) = match kind {
            Kind::Service => ("v1", "services"),
            Kind::Ingress => ("networking.k8s.io/v1", "ingresses"),
            Kind::Deployment => ("apps/v1", "deployments"),
            Kind::StatefulSet => ("apps/v1", "statefulsets"),
            Kind::DaemonSet => ("apps/v1", "daemonsets"),
            Kind::ReplicaSet => ("apps/v1", "replicasets"),
            Kind::ReplicationController => ("v1", "replicationcontrollers"),
            Kind::Job => ("batch/v1", "jobs"),
            Kind::CronJob => ("batch/v1", "cronjobs"),
        };
        Resource::new(api_version.unwrap_or(default), plural, kind.as_str(), true)
    }

    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version.split_once('/').map_or("", |(g, _)| g)
    }

    /// The name RBAC rules use: `services`, `deployments.apps`.
    pub fn rbac_name(&self) -> String {
        match self.group() {
            "" => self.plural.to_string(),
            g => format!("{}.{g}", self.plural),
        }
    }

    /// `/api/v1/namespaces/NS/services[/NAME]`, `/api/v1/nodes`.
    pub fn path(&self, namespace: Option<&str>, name: Option<&str>) -> String {
        let mut p = if self.group().is_empty() {
            format!("/api/{}", self.api_version)
        } else {
            format!("/apis/{}", self.api_version)
        };
        if let (true, Some(ns)) = (self.namespaced, namespace) {
            p.push_str("/namespaces/");
            p.push_str(&encode(ns));
        }
        p.push('/');
        p.push_str(self.plural);
        if let Some(n) = name {
            p.push('/');
            p.push_str(&encode(n));
        }
        p
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rbac_name())
    }
}

/// One LIST request's query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// The `continue` token of the previous page.
    pub continue_token: Option<String>,
}

impl ListQuery {
    pub fn labels(selector: impl Into<String>) -> Self {
        ListQuery {
            label_selector: Some(selector.into()),
            ..Default::default()
        }
    }

    /// `?limit=500&labelSelector=…&fieldSelector=…&continue=…`.
    pub fn query_string(&self) -> String {
        let mut q = format!("?limit={PAGE_SIZE}");
        for (key, value) in [
            ("labelSelector", &self.label_selector),
            ("fieldSelector", &self.field_selector),
            ("continue", &self.continue_token),
        ] {
            if let Some(v) = value {
                q.push_str(&format!("&{key}={}", encode(v)));
            }
        }
        q
    }
}

/// Percent-encode a path segment or query value (everything but RFC 3986 unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

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

/// A patch as sent: type and body (which carries the `metadata.resourceVersion` precondition).
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub kind: PatchType,
    pub body: serde_json::Value,
}

/// Why a request failed for good.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with an error status (a `kind: Status` body when it sent one).
    #[error("{code} {reason}: {message}{}", retried(*.attempts))]
    Status {
        code: u16,
        reason: String,
        message: String,
        attempts: u32,
    },
    /// No usable answer: connection refused, timeout, TLS or credential trouble, an unreadable body.
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

impl ApiError {
    pub fn transport(message: impl Into<String>) -> Self {
        ApiError::Transport {
            message: message.into(),
            attempts: 1,
        }
    }

    pub fn code(&self) -> Option<u16> {
        match self {
            ApiError::Status { code, .. } => Some(*code),
            ApiError::Transport { .. } => None,
        }
    }

    /// The server's own words (or the transport's).
    pub fn message(&self) -> &str {
        match self {
            ApiError::Status { message, .. } | ApiError::Transport { message, .. } => message,
        }
    }

    pub fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            ApiError::Status { attempts, .. } | ApiError::Transport { attempts, .. } => {
                *attempts = n
            }
        }
        self
    }

    /// An error answer (a `kind: Status` body when the server sent one), with the retry-after its body
    /// asks for (`details.retryAfterSeconds`).
    pub fn from_status(code: u16, body: &[u8]) -> (ApiError, Option<u64>) {
        #[derive(Default, Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct StatusBody {
            message: String,
            reason: String,
            details: Option<Details>,
        }
        #[derive(Default, Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct Details {
            retry_after_seconds: Option<u64>,
        }
        let parsed: StatusBody = serde_json::from_slice(body).unwrap_or_default();
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
            ApiError::Status {
                code,
                reason,
                message,
                attempts: 1,
            },
            parsed.details.and_then(|d| d.retry_after_seconds),
        )
    }
}

/// The API server, as tkedirect uses it.
pub trait Cluster: Sync {
    /// GET a path outside the resource tree: `/version`, `/apis`.
    fn get_path(&self, path: &str) -> impl Future<Output = Result<Bytes, ApiError>> + Send;

    /// GET one object; None when it (or its resource) does not exist (404).
    fn get(
        &self,
        r: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> impl Future<Output = Result<Option<Bytes>, ApiError>> + Send;

    /// One page of a LIST (all namespaces when `namespace` is None).
    fn list(
        &self,
        r: &Resource,
        namespace: Option<&str>,
        query: &ListQuery,
    ) -> impl Future<Output = Result<Bytes, ApiError>> + Send;

    /// PATCH one object; `dry_run` sends `dryRun=All`. Returns the object the server answered with. A 409
    /// (the resourceVersion precondition failed) is returned to the caller, which re-reads and re-plans.
    fn patch(
        &self,
        r: &Resource,
        namespace: &str,
        name: &str,
        patch: &Patch,
        dry_run: bool,
    ) -> impl Future<Output = Result<Bytes, ApiError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_rbac_names() {
        let d = Resource::of(Kind::Deployment, None);
        assert_eq!(
            d.path(Some("shop"), Some("web")),
            "/apis/apps/v1/namespaces/shop/deployments/web"
        );
        assert_eq!(d.rbac_name(), "deployments.apps");
        let s = Resource::of(Kind::Service, None);
        assert_eq!(
            s.path(Some("shop"), None),
            "/api/v1/namespaces/shop/services"
        );
        assert_eq!(s.path(None, None), "/api/v1/services");
        assert_eq!(
            Resource::nodes().path(Some("x"), Some("n1")),
            "/api/v1/nodes/n1"
        );
        let i = Resource::of(Kind::Ingress, Some("extensions/v1beta1"));
        assert_eq!(
            i.path(Some("a b"), Some("x")),
            "/apis/extensions/v1beta1/namespaces/a%20b/ingresses/x"
        );
        assert_eq!(i.to_string(), "ingresses.extensions");
        let q = ListQuery {
            field_selector: Some("status.phase!=Failed".into()),
            continue_token: Some("abc=".into()),
            ..Default::default()
        };
        assert_eq!(
            q.query_string(),
            "?limit=500&fieldSelector=status.phase%21%3DFailed&continue=abc%3D"
        );
    }

    #[test]
    fn status_bodies_become_errors() {
        let body = br#"{"kind":"Status","status":"Failure","message":"services \"web\" is forbidden","reason":"Forbidden","code":403}"#;
        let (e, retry) = ApiError::from_status(403, body);
        assert_eq!(e.code(), Some(403));
        assert_eq!(
            e.to_string(),
            "403 Forbidden: services \"web\" is forbidden"
        );
        assert_eq!(retry, None);
        let (e, _) = ApiError::from_status(502, b"<html>bad gateway</html>");
        assert_eq!(e.to_string(), "502 Bad Gateway: <html>bad gateway</html>");
        let (_, retry) = ApiError::from_status(429, br#"{"details":{"retryAfterSeconds":3}}"#);
        assert_eq!(retry, Some(3));
        assert_eq!(
            e.with_attempts(5).to_string(),
            "502 Bad Gateway: <html>bad gateway</html> (gave up after 5 attempts)"
        );
    }
}
