//! Domain constants from TKE's documentation (../shared/docs/domain.md; sources in docs/architecture.md).
//! Every annotation, label, resource, taint, ConfigMap and component name tkedirect reads or writes is
//! defined here once. Facts marked UNCERTAIN in the domain notes live here so that changing them is one
//! edit, and the docs say so.

/// Service switch for CLB direct pod access.
pub const SERVICE_DIRECT_ACCESS: &str = "service.cloud.tencent.com/direct-access";
/// CLB Ingress switch for direct pod access (a value that is not a bool is ingress error E4037).
pub const INGRESS_DIRECT_ACCESS: &str = "ingress.cloud.tencent.com/direct-access";
/// Legacy ingress class annotation.
pub const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
/// The class TKE's CLB ingress controller serves (absent also means CLB).
pub const QCLOUD_INGRESS_CLASS: &str = "qcloud";
/// Ingress group versions tkedirect reads, best first.
pub const INGRESS_API_VERSIONS: [&str; 3] = [
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "extensions/v1beta1",
];

/// Pod-template annotation selecting the pod network in mixed GlobalRouter + VPC-CNI clusters.
pub const POD_NETWORKS: &str = "tke.cloud.tencent.com/networks";
/// What TKE's multus fork writes on a pod: `[{"name": "tke-bridge", ...}]` means a GlobalRouter IP.
pub const POD_NETWORKS_STATUS: &str = "tke.cloud.tencent.com/networks-status";
/// Shared-ENI network name and extended resource.
pub const NETWORK_SHARED_ENI: &str = "tke-route-eni";
pub const RESOURCE_ENI_IP: &str = "tke.cloud.tencent.com/eni-ip";
/// Exclusive-ENI network name and extended resource.
pub const NETWORK_EXCLUSIVE_ENI: &str = "tke-direct-eni";
pub const RESOURCE_DIRECT_ENI: &str = "tke.cloud.tencent.com/direct-eni";
/// The GlobalRouter bridge network (in networks-status and `defaultDelegates`).
pub const NETWORK_BRIDGE: &str = "tke-bridge";
/// Fixed-IP workloads (StatefulSets keeping their pod IPs): removing their ENI opt-in changes IPs.
pub const FIXED_IP_DELETE_POLICY: &str = "tke.cloud.tencent.com/vpc-ip-claim-delete-policy";

/// The readiness gate TKE's webhook injects. tkedirect never writes it (UNCERTAIN: known only from live
/// objects, not from an official page).
pub const READINESS_GATE: &str = "cloud.tencent.com/load-balancer-backendgroup-ready";

/// Super nodes: node label `node.kubernetes.io/instance-type: eklet`, pod annotation
/// `tke.cloud.tencent.com/pod-type: eklet`.
pub const INSTANCE_TYPE_LABEL: &str = "node.kubernetes.io/instance-type";
pub const POD_TYPE: &str = "tke.cloud.tencent.com/pod-type";
pub const SUPER_NODE_TYPE: &str = "eklet";

/// Node taints that mean "VPC-CNI is not ready on this node". UNCERTAIN spelling of the exclusive-ENI
/// one: both spellings seen in the wild are listed.
pub const ENI_UNAVAILABLE_TAINTS: [&str; 3] = [
    "tke.cloud.tencent.com/eni-ip-unavailable",
    "tke.cloud.tencent.com/direct-eni-ip-unavailable",
    "tke.cloud.tencent.com/direct-eni-unavailable",
];

/// Per-object silencing of a doctor check: `ignore-check.tkedirect.io/<id>: "reason"`.
pub const IGNORE_CHECK_PREFIX: &str = "ignore-check.tkedirect.io/";

/// The CLB id TKE writes back on a Service (read-only for users).
pub const SERVICE_LOADBALANCE_ID: &str = "service.kubernetes.io/loadbalance-id";
/// A user-created CLB the Service uses.
pub const SERVICE_EXISTED_LB_ID: &str = "service.kubernetes.io/tke-existed-lbid";
/// The CLB id TKE writes back on an Ingress.
pub const INGRESS_LB_ID: &str = "kubernetes.io/ingress.qcloud-loadbalance-id";
/// A user-created CLB the Ingress uses.
pub const INGRESS_EXISTED_LB_ID: &str = "kubernetes.io/ingress.existLbId";

/// kube-system ConfigMaps tkedirect reads.
pub const SERVICE_CONTROLLER_CONFIG: &str = "tke-service-controller-config";
pub const INGRESS_CONTROLLER_CONFIG: &str = "tke-ingress-controller-config";
/// `TKE_REGION` and `TKE_VPC_ID`.
pub const TKE_CONFIG: &str = "tke-config";
/// `00-multus.conf` with `defaultDelegates`: the default pod network of VPC-CNI clusters.
pub const CNI_AGENT_CONF: &str = "tke-cni-agent-conf";
/// Cilium's own settings (`routing-mode: tunnel` / `tunnel-protocol` mean an overlay).
pub const CILIUM_CONFIG: &str = "cilium-config";
pub const KUBE_SYSTEM_CONFIGMAPS: [&str; 5] = [
    SERVICE_CONTROLLER_CONFIG,
    INGRESS_CONTROLLER_CONFIG,
    TKE_CONFIG,
    CNI_AGENT_CONF,
    CILIUM_CONFIG,
];
/// `tke-service-controller-config` key: GlobalRouter pods may be direct backends.
pub const GLOBAL_ROUTE_DIRECT_ACCESS: &str = "GlobalRouteDirectAccess";
/// `tke-*-controller-config` key: the controller's version.
pub const CONTROLLER_VERSION: &str = "VERSION";

/// Network components in kube-system.
pub const BRIDGE_AGENT: &str = "tke-bridge-agent";
pub const ENI_AGENT: &str = "tke-eni-agent";
pub const ENI_IPAMD: &str = "tke-eni-ipamd";
/// The ENI webhook (`add-pod-eni-ip-limit-webhook`): gives containers[0] the ENI resource of new pods
/// whose networks annotation asks for an ENI. Managed clusters run it out of sight.
pub const ENI_WEBHOOK: &str = "add-pod-eni-ip-limit-webhook";
/// The namespace label the ENI webhook skips (domain notes §2, WEBHOOK `deploy/webhook-registration.yaml`).
pub const WEBHOOK_OPT_OUT_LABEL: &str = "not-add-pod-eni-ip-limit";
/// Namespace of the ENI webhook's objects in independent clusters.
pub const ENI_WEBHOOK_NAMESPACE: &str = "tke-eni-ip-webhook";
