//! The Tencent Cloud CLB API behind a narrow trait: the one real implementation ([`tencent::TencentClb`])
//! signs and sends requests; tests use in-memory fakes or a loopback fake server.
//!
//! - [`sign`]: TC3-HMAC-SHA256, pure.
//! - [`credentials`]: where keys come from, renewal of temporary ones; the [`credentials::Secret`] type.
//! - [`net`] and [`proxy`]: HTTP clients, proxies, trusted certificates.
//! - [`endpoint`]: which host to talk to, and when plain http is allowed.
//! - [`retry`]: backoff policy and the per-action rate limiter.
//! - [`types`]: wire shapes of the actions used.

pub mod credentials;
pub mod endpoint;
pub mod net;
pub mod proxy;
pub mod retry;
pub mod sign;
pub mod tencent;
pub mod types;

pub use types::{
    Backend, BatchOutcome, BatchTarget, Listener, ListenerBackend, LoadBalancer, Quota, Rule,
    RuleTargets, TaskStatus,
};

/// CLB API version.
pub const API_VERSION: &str = "2018-03-17";
/// Service name in the signature scope and the default host.
pub const SERVICE: &str = "clb";

/// Documented per-call limits.
pub mod limits {
    /// `BatchRegisterTargets` / `BatchDeregisterTargets`: targets per call.
    pub const BATCH_TARGETS: usize = 500;
    /// `DescribeTargets`: listener ids per call.
    pub const DESCRIBE_TARGETS_LISTENERS: usize = 20;
    /// `DescribeLoadBalancers`: ids per call.
    pub const DESCRIBE_LOAD_BALANCERS_IDS: usize = 20;
    /// Default frequency limit of every CLB action, requests per second.
    pub const REQUESTS_PER_SECOND: usize = 20;
}

/// The CLB actions `sync` needs. Inputs must respect [`limits`]; splitting is the caller's job.
#[allow(async_fn_in_trait)] // used with a current-thread runtime: no Send bound needed
pub trait Clb {
    async fn describe_load_balancers(
        &self,
        ids: &[String],
    ) -> Result<Vec<LoadBalancer>, CloudError>;
    async fn describe_listeners(
        &self,
        load_balancer_id: &str,
        protocol: Option<&str>,
        port: Option<i64>,
    ) -> Result<Vec<Listener>, CloudError>;
    async fn describe_targets(
        &self,
        load_balancer_id: &str,
        listener_ids: &[String],
    ) -> Result<Vec<ListenerBackend>, CloudError>;
    async fn batch_register_targets(
        &self,
        load_balancer_id: &str,
        targets: &[BatchTarget],
    ) -> Result<BatchOutcome, CloudError>;
    async fn batch_deregister_targets(
        &self,
        load_balancer_id: &str,
        targets: &[BatchTarget],
    ) -> Result<BatchOutcome, CloudError>;
    /// The account's CLB quotas in the region (`TOTAL_TARGET_BIND_QUOTA`: targets per listener or rule).
    async fn describe_quota(&self) -> Result<Vec<Quota>, CloudError>;
    /// The state of the asynchronous task a write started (`task_id`: that call's `RequestId`).
    async fn describe_task_status(&self, task_id: &str) -> Result<TaskStatus, CloudError>;
}

/// A failed API call.
#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// The API answered with `Response.Error`.
    #[error("{action}: {code}: {message} (RequestId {request_id})")]
    Api {
        action: String,
        code: String,
        message: String,
        request_id: String,
    },
    /// No usable answer over HTTP (connection, TLS, timeout).
    #[error("{action}: cannot reach {endpoint}: {message}")]
    Transport {
        action: String,
        endpoint: String,
        message: String,
    },
    /// An HTTP answer that is not an API envelope.
    #[error("{action}: HTTP {status} from {endpoint}: {snippet}")]
    Http {
        action: String,
        endpoint: String,
        status: u16,
        snippet: String,
    },
    /// An API envelope tkedirect cannot read.
    #[error("{action}: unreadable response: {message}")]
    Decode { action: String, message: String },
    /// No valid credentials to sign with (temporary ones expired and could not be renewed).
    #[error("{action}: {message}")]
    Credentials { action: String, message: String },
}

impl CloudError {
    /// The API error code, if the API answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            CloudError::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}
