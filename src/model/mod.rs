//! Plain data shared by every subcommand: the Kubernetes objects tkedirect reads (decoded once, from the
//! API's JSON or from manifests), kinds and references, the domain constants, network modes, versions and
//! the cluster facts. No I/O; no rules (those are in `rules`).

pub mod configmap;
pub mod consts;
pub mod de;
pub mod endpoints;
pub mod facts;
pub mod ingress;
pub mod kind;
pub mod meta;
pub mod network;
pub mod node;
pub mod pod;
pub mod service;
pub mod target;
pub mod version;
pub mod workload;

pub use configmap::ConfigMap;
pub use endpoints::{Endpoint, ServiceEndpoints};
pub use facts::ClusterFacts;
pub use ingress::Ingress;
pub use kind::Kind;
pub use meta::ObjectMeta;
pub use network::{EniFlavor, NetworkDetection, NetworkMode};
pub use node::Node;
pub use pod::{Pod, PodTemplate};
pub use service::{PortRef, Service};
pub use target::{ObjectRef, Target};
pub use version::{KubeVersion, ServerVersion};
pub use workload::Workload;
