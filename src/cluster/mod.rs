//! The cluster behind a narrow trait: reading (for check/doctor/sync) and patching (live enable).
//!
//! I/O happens only in [`transport::KubeTransport`] (HTTP through kube's client) and is driven by
//! [`read::read_facts`]; [`facts`] and [`wire`] are plain data and pure conversions. See
//! docs/architecture-cluster.md.

pub mod client;
pub mod facts;
pub mod read;
pub mod transport;
pub mod wire;

pub use facts::ClusterFacts;
pub use read::{Progress, ReadFailure, ReadPlan};
pub use transport::{KubeTransport, RetryPolicy, Transport};

/// Read the facts `plan` asks for through `client`, with the default retry policy. The one call the
/// live-enable work needs before deciding (see `checks::prerequisites`).
pub async fn read_facts(
    client: kube::Client,
    plan: &ReadPlan,
) -> Result<ClusterFacts, ReadFailure> {
    let transport = KubeTransport::new(client, RetryPolicy::default());
    read::read_facts(&transport, plan, &Progress::default()).await
}
