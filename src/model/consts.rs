//! Domain constants from TKE's documentation (see docs/architecture.md for sources).
//! Facts marked UNCERTAIN in the domain notes live here so that changing them is one edit.

/// Service switch for CLB direct pod access.
pub const SERVICE_DIRECT_ACCESS: &str = "service.cloud.tencent.com/direct-access";
/// CLB Ingress switch for direct pod access (a non-bool value is ingress error E4037).
pub const INGRESS_DIRECT_ACCESS: &str = "ingress.cloud.tencent.com/direct-access";
/// Legacy ingress class annotation.
pub const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
/// The class TKE's CLB ingress controller serves (absent also means CLB).
pub const QCLOUD_INGRESS_CLASS: &str = "qcloud";
/// Pod-template annotation selecting the pod network in mixed GlobalRouter + VPC-CNI clusters.
pub const POD_NETWORKS: &str = "tke.cloud.tencent.com/networks";
/// Shared-ENI network name and extended resource.
pub const NETWORK_SHARED_ENI: &str = "tke-route-eni";
pub const RESOURCE_ENI_IP: &str = "tke.cloud.tencent.com/eni-ip";
/// Exclusive-ENI network name and extended resource.
pub const NETWORK_EXCLUSIVE_ENI: &str = "tke-direct-eni";
pub const RESOURCE_DIRECT_ENI: &str = "tke.cloud.tencent.com/direct-eni";
/// The readiness gate TKE's webhook injects. tkedirect never writes it (UNCERTAIN: known only from live objects).
pub const READINESS_GATE: &str = "cloud.tencent.com/load-balancer-backendgroup-ready";
/// Per-object silencing of a doctor check: `ignore-check.tkedirect.io/<id>: "reason"`.
pub const IGNORE_CHECK_PREFIX: &str = "ignore-check.tkedirect.io/";
/// The CLB id TKE writes back on a Service (read-only for users).
pub const SERVICE_LOADBALANCE_ID: &str = "service.kubernetes.io/loadbalance-id";
/// `kube-system/tke-config`: region (`TKE_REGION`) and VPC (`TKE_VPC_ID`).
pub const TKE_CONFIG: &str = "tke-config";
