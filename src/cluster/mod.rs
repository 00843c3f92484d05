//! The cluster behind one narrow port ([`Cluster`]: GET, paginated LIST, PATCH), with one real adapter
//! ([`KubeCluster`], kube's client plus the one [`RetryPolicy`]) and one in-memory fake for unit tests
//! ([`memory::MemoryCluster`]). [`read`] decodes what comes back into the model, once, and reads the facts
//! `check` and `doctor` need. See docs/architecture.md.

pub mod kube;
#[cfg(test)]
pub mod memory;
pub mod port;
pub mod read;
pub mod retry;

pub use kube::{ClientError, ClientOptions, KubeCluster, runtime};
pub use port::{ApiError, Cluster, ListQuery, Patch, PatchType, Resource};
pub use read::{Progress, ReadFailure, ReadPlan, read_facts};
pub use retry::RetryPolicy;
