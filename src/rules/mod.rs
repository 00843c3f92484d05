//! TKE's rules, each written once: small pure functions over the model, with their source in a doc
//! comment and unit tests next to them. Checks, the patch planner, live enable/disable and sync call these;
//! no other module re-implements them (docs/architecture.md lists where each rule lives).
//!
//! - [`direct`]: is direct access requested (the annotation values, parsed as TKE parses them), which
//!   Ingresses TKE's CLB controller serves, the GlobalRouter switch;
//! - [`readiness`]: a pod's readiness with respect to TKE's readiness gate;
//! - [`network`]: is a pod on an ENI, on a super node, on GlobalRouter; a pod template's ENI opt-in; is a
//!   workload a fixed-IP one;
//! - [`ingress`]: which backends an Ingress has, in every API version;
//! - [`selector`]: does a selector match;
//! - [`backing`]: which workloads back a Service (selectors and owner chains);
//! - [`eni`]: ENI capacity and use of a node;
//! - [`age`]: is a state young enough to be a transient one.

pub mod age;
pub mod backing;
pub mod direct;
pub mod eni;
pub mod ingress;
pub mod network;
pub mod readiness;
pub mod selector;
