//! What `sync` reads from the cluster, through the one port ([`crate::cluster::Cluster`]) and its read
//! helpers, decoded once into the model: the Service (or Ingress and its backend Services), their
//! endpoints (EndpointSlices, or the Endpoints object on clusters before 1.21), the pods their selectors
//! select, the nodes they run on (for GlobalRouter podCIDRs; optional), the kube-system DaemonSets (and
//! Cilium's ConfigMap) that tell the cluster's network as `doctor` tells it, and the
//! `kube-system/tke-config` hints. TKE's rules come from [`crate::rules`].

use std::collections::{BTreeMap, BTreeSet};

use super::desired::{Desired, desired_for_port};
use super::error::SyncError;
use crate::checks::detect::{cilium_daemonset, detect_network};
use crate::cluster::read::{Listed, Progress, get_object, list_all, slim_pod, slim_workload};
use crate::cluster::{Cluster, ListQuery, Resource};
use crate::model::consts::{
    CILIUM_CONFIG, INGRESS_API_VERSIONS, INGRESS_DIRECT_ACCESS, SERVICE_DIRECT_ACCESS, TKE_CONFIG,
};
use crate::model::endpoints::{EndpointSlice, Endpoints, SERVICE_NAME_LABEL};
use crate::model::service::ServicePort;
use crate::model::{
    ClusterFacts, ConfigMap, Endpoint, Ingress, Kind, NetworkMode, Node, Pod, PortRef, Service,
};
use crate::rules::direct::{ingress_switch, service_switch};
use crate::rules::ingress::{backends, service_of};
use crate::rules::network::{PodNetwork, pod_network};
use crate::rules::selector::to_query;

/// What to sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncTarget {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for SyncTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} -n {}",
            self.kind.short(),
            self.name,
            self.namespace
        )
    }
}

/// How the CLB reaches a Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frontend {
    /// A listener with the Service port's protocol and port.
    ServicePort,
    /// An L7 rule (Ingress host + path).
    Rule { host: String, path: String },
}

/// One Service port reached through one frontend, with its desired targets.
#[derive(Debug, Clone)]
pub struct Route {
    pub frontend: Frontend,
    pub service: String,
    pub port: ServicePort,
    pub desired: Desired,
}

/// Everything `sync` reads from the cluster.
#[derive(Debug, Clone)]
pub struct ClusterView {
    pub target: SyncTarget,
    pub annotations: BTreeMap<String, String>,
    pub routes: Vec<Route>,
    pub tke_region: Option<String>,
    pub tke_vpc: Option<String>,
    /// `EndpointSlice` or `Endpoints` (old clusters).
    pub endpoints_api: &'static str,
    pub warnings: Vec<String>,
}

/// A backend Service with its endpoints and pods, and where each pod's address comes from.
struct Backend {
    service: Service,
    endpoints: Vec<Endpoint>,
    pods: Vec<Pod>,
    networks: BTreeMap<String, PodNetwork>,
    api: &'static str,
}

/// The nodes and the cluster's network, read once per sync when a pod needs them: the network mode
/// decides for a whole cluster (Cilium overlay, GlobalRouter only), the nodes' podCIDRs tell GlobalRouter
/// addresses in a mixed cluster. A namespace user may not list nodes or kube-system's DaemonSets; then
/// each pod's own evidence (networks-status annotation, hostNetwork) still tells.
#[derive(Default)]
struct Nodes {
    read: bool,
    by_name: BTreeMap<String, Node>,
    /// None until read.
    mode: Option<NetworkMode>,
}

impl Nodes {
    async fn networks<C: Cluster>(
        &mut self,
        c: &C,
        pods: &[Pod],
        warnings: &mut Vec<String>,
    ) -> Result<BTreeMap<String, PodNetwork>, SyncError> {
        if pods.is_empty() {
            return Ok(BTreeMap::new());
        }
        if !self.read {
            self.read = true;
            let listed = list_all(
                c,
                Resource::nodes(),
                None,
                &ListQuery::default(),
                &Progress::default(),
                |mut n: Node| {
                    crate::model::node::slim(&mut n, |_| false);
                    n.metadata.annotations.clear();
                    Some(n)
                },
            )
            .await
            .map_err(|f| SyncError::cluster("nodes", f.error))?;
            match listed {
                Listed::Items(nodes) => {
                    self.by_name = nodes
                        .into_iter()
                        .map(|n| (n.name().to_string(), n))
                        .collect();
                }
                Listed::Denied(e) => warnings.push(format!(
                    "nodes are not readable ({}): pods with GlobalRouter IPs are recognised only by their \
                     networks-status annotation, not by their node's podCIDR",
                    e.message
                )),
                Listed::NotServed => {}
            }
            self.mode =
                Some(network_mode(c, self.by_name.values().cloned().collect(), warnings).await?);
        }
        // In a mixed or undetected cluster the evidence on each pod decides (rules::network).
        let mode = self.mode.unwrap_or(NetworkMode::Unknown);
        Ok(pods
            .iter()
            .map(|p| {
                let node = p
                    .spec
                    .node_name
                    .as_deref()
                    .and_then(|n| self.by_name.get(n));
                (p.name().to_string(), pod_network(p, node, mode))
            })
            .collect())
    }
}

/// The cluster's network, told by the rule `doctor` uses ([`detect_network`]) from the kube-system
/// DaemonSets and, when Cilium runs, `kube-system/cilium-config`. Unknown, with a warning, when the
/// DaemonSets cannot be read. A cluster whose pods cannot have ENI addresses is said once.
async fn network_mode<C: Cluster>(
    c: &C,
    nodes: Vec<Node>,
    warnings: &mut Vec<String>,
) -> Result<NetworkMode, SyncError> {
    let ks = Some("kube-system");
    let what = "DaemonSets in kube-system";
    let listed = list_all(
        c,
        Resource::of(Kind::DaemonSet, None),
        ks,
        &ListQuery::default(),
        &Progress::default(),
        slim_workload(Kind::DaemonSet),
    )
    .await
    .map_err(|f| SyncError::cluster(what, f.error))?;
    let daemonsets = match listed {
        Listed::Items(ds) => ds,
        Listed::NotServed => return Ok(NetworkMode::Unknown),
        Listed::Denied(e) => {
            warnings.push(format!(
                "{what} are not readable ({}): the cluster's network mode is unknown, and each pod's own \
                 evidence decides whether it is on an ENI",
                e.message
            ));
            return Ok(NetworkMode::Unknown);
        }
    };
    let mut facts = ClusterFacts {
        nodes,
        ..Default::default()
    };
    facts.kube_system.daemonsets = daemonsets;
    if cilium_daemonset(&facts).is_some() {
        match get_object::<_, ConfigMap>(c, &Resource::configmaps(), ks, CILIUM_CONFIG).await {
            Ok(Some(cm)) => facts.add_configmap(cm),
            Ok(None) => {}
            Err(e) if e.code() == Some(403) => {}
            Err(e) => {
                return Err(SyncError::cluster(
                    format!("ConfigMap kube-system/{CILIUM_CONFIG}"),
                    e,
                ));
            }
        }
    }
    let network = detect_network(&facts);
    if matches!(
        network.mode,
        NetworkMode::CiliumOverlay | NetworkMode::GlobalRouter
    ) {
        warnings.push(format!(
            "the cluster's network is {} ({}): its pods have no ENI addresses (but on super nodes), and sync \
             registers none; see `tkedirect check`",
            network.mode,
            network.evidence.join("; ")
        ));
    }
    Ok(network.mode)
}

fn items<T>(listed: Listed<T>, what: &str) -> Result<Option<Vec<T>>, SyncError> {
    match listed {
        Listed::Items(v) => Ok(Some(v)),
        Listed::NotServed => Ok(None),
        Listed::Denied(e) => Err(SyncError::Forbidden {
            what: what.to_string(),
            message: e.message,
        }),
    }
}

async fn backend<C: Cluster>(
    c: &C,
    ns: &str,
    name: &str,
    nodes: &mut Nodes,
    warnings: &mut Vec<String>,
) -> Result<Option<Backend>, SyncError> {
    let Some(service) =
        get_object::<_, Service>(c, &Resource::of(Kind::Service, None), Some(ns), name)
            .await
            .map_err(|e| SyncError::cluster(format!("Service {ns}/{name}"), e))?
    else {
        return Ok(None);
    };
    let progress = Progress::default();
    // EndpointSlices when served and present; the Endpoints object on clusters before 1.21 (and while the
    // slice controller has not caught up).
    let what = format!("EndpointSlices of Service {ns}/{name}");
    let slices = list_all(
        c,
        Resource::endpoint_slices(),
        Some(ns),
        &ListQuery::labels(format!("{SERVICE_NAME_LABEL}={name}")),
        &progress,
        |s: EndpointSlice| Some(s.flatten()),
    )
    .await
    .map_err(|f| SyncError::cluster(&what, f.error))?;
    let slices = items(slices, &what)?;
    let (endpoints, api) = match slices {
        Some(s) if !s.is_empty() => (s.into_iter().flatten().collect(), "EndpointSlice"),
        served => {
            let legacy: Option<Endpoints> = get_object(c, &Resource::endpoints(), Some(ns), name)
                .await
                .map_err(|e| SyncError::cluster(format!("Endpoints {ns}/{name}"), e))?;
            match legacy {
                Some(e) => (e.flatten(), "Endpoints"),
                None if served.is_some() => (Vec::new(), "EndpointSlice"),
                None => (Vec::new(), "Endpoints"),
            }
        }
    };
    let pods = if service.spec.selector.is_empty() {
        Vec::new()
    } else {
        let selector = to_query(&service.spec.selector);
        let what = format!("pods in {ns} matching {selector}");
        let query = ListQuery {
            label_selector: Some(selector),
            field_selector: Some("status.phase!=Succeeded,status.phase!=Failed".into()),
            continue_token: None,
        };
        let listed = list_all(
            c,
            Resource::pods(),
            Some(ns),
            &query,
            &progress,
            |p: Pod| Some(slim_pod(p)),
        )
        .await
        .map_err(|f| SyncError::cluster(&what, f.error))?;
        items(listed, &what)?.unwrap_or_default()
    };
    let networks = nodes.networks(c, &pods, warnings).await?;
    Ok(Some(Backend {
        service,
        endpoints,
        pods,
        networks,
        api,
    }))
}

/// The Ingress, from networking.k8s.io/v1 or, on clusters before 1.19, a v1beta1 API (a group version
/// the server does not serve answers 404, like an absent object).
async fn ingress<C: Cluster>(c: &C, ns: &str, name: &str) -> Result<Option<Ingress>, SyncError> {
    for gv in INGRESS_API_VERSIONS {
        let r = Resource::of(Kind::Ingress, Some(gv));
        let found: Option<Ingress> = get_object(c, &r, Some(ns), name)
            .await
            .map_err(|e| SyncError::cluster(format!("Ingress {ns}/{name}"), e))?;
        if let Some(mut ing) = found {
            ing.api_version = gv.to_string();
            return Ok(Some(ing));
        }
    }
    Ok(None)
}

/// `TKE_REGION` and `TKE_VPC_ID` from `kube-system/tke-config`; (None, None) when it is absent or not
/// readable (it is a hint, never required).
pub async fn tke_config<C: Cluster>(c: &C) -> Result<(Option<String>, Option<String>), SyncError> {
    let cm: Option<ConfigMap> =
        match get_object(c, &Resource::configmaps(), Some("kube-system"), TKE_CONFIG).await {
            Ok(cm) => cm,
            Err(e) if e.code() == Some(403) => None,
            Err(e) => {
                return Err(SyncError::cluster(
                    format!("ConfigMap kube-system/{TKE_CONFIG}"),
                    e,
                ));
            }
        };
    let data = cm.map(|cm| cm.data).unwrap_or_default();
    let hint = |k: &str| {
        data.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok((hint("TKE_REGION"), hint("TKE_VPC_ID")))
}

fn not_direct(target: &SyncTarget, key: &str) -> String {
    format!(
        "{target} is not in direct mode ({key} is not true): TKE binds node ports for it, and pod targets \
         added by sync sit next to them"
    )
}

/// Read the Service or Ingress, its backends' endpoints and pods, and the tke-config hints.
pub async fn read_cluster<C: Cluster>(
    c: &C,
    target: &SyncTarget,
) -> Result<ClusterView, SyncError> {
    let ns = target.namespace.as_str();
    let mut warnings = Vec::new();
    let mut routes = Vec::new();
    let mut api = "EndpointSlice";
    let mut nodes = Nodes::default();
    let annotations;

    match target.kind {
        Kind::Service => {
            let b = backend(c, ns, &target.name, &mut nodes, &mut warnings)
                .await?
                .ok_or_else(|| SyncError::NotFound(target.to_string()))?;
            annotations = b.service.metadata.annotations.clone();
            if !service_switch(&b.service).is_on() {
                warnings.push(not_direct(target, SERVICE_DIRECT_ACCESS));
            }
            let ports: Vec<&ServicePort> = b
                .service
                .spec
                .ports
                .iter()
                .filter(|p| p.port.is_some())
                .collect();
            if ports.is_empty() {
                return Err(SyncError::NoPorts(target.to_string()));
            }
            api = b.api;
            for port in ports {
                routes.push(Route {
                    frontend: Frontend::ServicePort,
                    service: target.name.clone(),
                    port: port.clone(),
                    desired: desired_for_port(port, &b.endpoints, &b.pods, &b.networks),
                });
            }
        }
        Kind::Ingress => {
            let ing = ingress(c, ns, &target.name)
                .await?
                .ok_or_else(|| SyncError::NotFound(target.to_string()))?;
            annotations = ing.metadata.annotations.clone();
            if !ingress_switch(&ing).is_on() {
                warnings.push(not_direct(target, INGRESS_DIRECT_ACCESS));
            }
            if ing.spec.default_backend.is_some() || ing.spec.backend.is_some() {
                warnings.push(format!(
                    "{target}: the default backend is not an L7 rule and is left alone"
                ));
            }
            let not_services = ing
                .spec
                .rules
                .iter()
                .flat_map(|r| r.http.iter().flat_map(|h| &h.paths))
                .filter(|p| service_of(&p.backend).is_none())
                .count();
            if not_services > 0 {
                warnings.push(format!(
                    "{target}: {not_services} path(s) with a non-Service backend are left alone"
                ));
            }
            let mut cache: BTreeMap<String, Option<Backend>> = BTreeMap::new();
            for path in backends(&ing).into_iter().filter(|b| !b.default) {
                let url = if path.path.is_empty() {
                    "/".to_string()
                } else {
                    path.path.clone()
                };
                let Some(port_ref) = path.port else {
                    warnings.push(format!(
                        "{target}: the backend of {}{url} names no Service port; skipped",
                        path.host
                    ));
                    continue;
                };
                if !cache.contains_key(&path.service) {
                    let b = backend(c, ns, &path.service, &mut nodes, &mut warnings).await?;
                    if let Some(b) = &b {
                        api = b.api;
                    }
                    cache.insert(path.service.clone(), b);
                }
                let Some(b) = cache.get(&path.service).and_then(Option::as_ref) else {
                    warnings.push(format!(
                        "{target}: backend Service {ns}/{} not found; path {}{url} skipped",
                        path.service, path.host
                    ));
                    continue;
                };
                let port = b.service.spec.ports.iter().find(|sp| match &port_ref {
                    PortRef::Number(n) => sp.port == Some(*n),
                    PortRef::Name(name) => &sp.name == name,
                });
                let Some(port) = port else {
                    warnings.push(format!(
                        "{target}: Service {} has no port {port_ref}; path {}{url} skipped",
                        path.service, path.host
                    ));
                    continue;
                };
                routes.push(Route {
                    frontend: Frontend::Rule {
                        host: path.host,
                        path: url,
                    },
                    service: path.service,
                    port: port.clone(),
                    desired: desired_for_port(port, &b.endpoints, &b.pods, &b.networks),
                });
            }
        }
        other => return Err(SyncError::Kind(other)),
    }

    let mut seen_notes = BTreeSet::new();
    for r in &routes {
        for n in &r.desired.notes {
            if seen_notes.insert(n.clone()) {
                warnings.push(n.clone());
            }
        }
    }
    // Pods that run but none of which the CLB may reach directly: the listener would be empty.
    let mut said = BTreeSet::new();
    for r in routes
        .iter()
        .filter(|r| r.desired.targets.is_empty() && !r.desired.skipped.is_empty())
    {
        let n = r
            .desired
            .skipped
            .iter()
            .map(|s| &s.pod)
            .collect::<BTreeSet<_>>()
            .len();
        if said.insert((r.service.clone(), n)) {
            let pods = if n == 1 {
                "its only running pod has no ENI address".to_string()
            } else {
                format!("none of its {n} running pods has an ENI address")
            };
            warnings.push(format!(
                "svc/{}: {pods}, so no pod target is wanted and in direct mode the CLB has nothing to send \
                 to; see `tkedirect doctor -n {ns}`",
                r.service
            ));
        }
    }

    let (tke_region, tke_vpc) = tke_config(c).await?;
    Ok(ClusterView {
        target: target.clone(),
        annotations,
        routes,
        tke_region,
        tke_vpc,
        endpoints_api: api,
        warnings,
    })
}

/// Where the region came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSource {
    Flag,
    Env,
    TkeConfig,
}

impl std::fmt::Display for RegionSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RegionSource::Flag => "--region",
            RegionSource::Env => "TENCENTCLOUD_REGION",
            RegionSource::TkeConfig => "kube-system/tke-config TKE_REGION",
        })
    }
}

/// `--region`, else `TENCENTCLOUD_REGION`, else the cluster's `tke-config`.
pub fn region(
    flag: Option<&str>,
    env: Option<&str>,
    tke: Option<&str>,
) -> Option<(String, RegionSource)> {
    let clean = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    clean(flag)
        .map(|r| (r, RegionSource::Flag))
        .or_else(|| clean(env).map(|r| (r, RegionSource::Env)))
        .or_else(|| clean(tke).map(|r| (r, RegionSource::TkeConfig)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::sync::testing::block_on;

    pub fn svc_target() -> SyncTarget {
        SyncTarget {
            kind: Kind::Service,
            namespace: "default".into(),
            name: "web".into(),
        }
    }

    #[test]
    fn service_with_slices_pods_and_tke_config() {
        let c = crate::sync::testing::web_cluster();
        let view = block_on(read_cluster(&c, &svc_target())).unwrap();
        assert_eq!(
            (view.tke_region.as_deref(), view.endpoints_api),
            (Some("ap-guangzhou"), "EndpointSlice")
        );
        assert!(view.warnings.is_empty(), "{:?}", view.warnings);
        assert_eq!(view.routes.len(), 2);
        // The ready endpoint and the pod waiting on TKE's gate, on both ports.
        for r in &view.routes {
            assert_eq!(r.desired.targets.len(), 2, "{r:?}");
        }
        // One LIST per kind, with the Service's selector; no request per object.
        let lists: Vec<String> = c
            .requests()
            .into_iter()
            .filter(|r| r.starts_with("LIST"))
            .collect();
        assert_eq!(lists.len(), 4, "{lists:?}");
        assert!(lists[1].contains("labelSelector=app%3Dweb"), "{lists:?}");
        assert!(lists[2].starts_with("LIST /api/v1/nodes"), "{lists:?}");
        assert!(
            lists[3].starts_with("LIST /apis/apps/v1/namespaces/kube-system/daemonsets"),
            "{lists:?}"
        );
    }

    #[test]
    fn endpoints_before_slices_and_go_booleans() {
        let c = crate::sync::testing::web_cluster();
        c.remove("EndpointSlice", Some("default"), "web-x");
        c.serve_groups(&["apps/v1", "networking.k8s.io/v1"]);
        c.add(json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
            "subsets": [{"addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-1"}}],
                         "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}));
        // "True" is a Go boolean: direct mode, no warning (a case-insensitive "TRUE " would not be).
        let mut svc = c.object("Service", Some("default"), "web").unwrap();
        svc["metadata"]["annotations"][SERVICE_DIRECT_ACCESS] = json!("True");
        c.add(svc.clone());
        let view = block_on(read_cluster(&c, &svc_target())).unwrap();
        assert_eq!(view.endpoints_api, "Endpoints");
        assert!(view.warnings.is_empty(), "{:?}", view.warnings);
        svc["metadata"]["annotations"][SERVICE_DIRECT_ACCESS] = json!("yes");
        c.add(svc);
        let view = block_on(read_cluster(&c, &svc_target())).unwrap();
        assert!(
            view.warnings[0].contains("not in direct mode"),
            "{:?}",
            view.warnings
        );
    }

    #[test]
    fn refusals_name_the_permission() {
        let c = crate::sync::testing::web_cluster();
        c.forbid("list", "pods");
        let err = block_on(read_cluster(&c, &svc_target())).unwrap_err();
        assert!(
            err.to_string()
                .contains("pods in default matching app=web: permission denied"),
            "{err}"
        );
        let c = MemoryCluster::new([]);
        let err = block_on(read_cluster(&c, &svc_target())).unwrap_err();
        assert_eq!(err.to_string(), "svc/web -n default not found");
    }

    #[test]
    fn pods_on_global_router_nodes_are_not_eni_targets_and_nodes_may_be_unreadable() {
        let c = crate::sync::testing::web_cluster();
        // web-1 runs on a GlobalRouter node whose podCIDR holds its address.
        let mut web1 = c.object("Pod", Some("default"), "web-1").unwrap();
        web1["spec"]["nodeName"] = json!("gr-node");
        c.add(web1);
        c.add(
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "gr-node"},
            "spec": {"podCIDR": "10.0.0.0/28"}}),
        );
        let view = block_on(read_cluster(&c, &svc_target())).unwrap();
        let http = &view.routes[0].desired;
        assert_eq!(http.targets.len(), 1, "{http:?}");
        assert_eq!(http.skipped[0].pod, "web-1");
        assert!(
            http.skipped[0]
                .reason
                .describe()
                .contains("inside node/gr-node's podCIDR 10.0.0.0/28"),
            "{:?}",
            http.skipped
        );
        // A namespace user: nodes cannot be listed; the run goes on and says what it cannot tell.
        c.forbid("list", "nodes");
        let view = block_on(read_cluster(&c, &svc_target())).unwrap();
        assert_eq!(view.routes[0].desired.targets.len(), 2);
        assert!(
            view.warnings
                .iter()
                .any(|w| w.contains("nodes are not readable")),
            "{:?}",
            view.warnings
        );
    }

    fn agent(name: &str, image: &str) -> serde_json::Value {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": "kube-system"},
            "spec": {"template": {"spec": {"containers": [{"name": "agent", "image": image}]}}}})
    }

    #[test]
    fn the_clusters_network_decides_as_doctor_tells_it() {
        let tke = "ccr.ccs.tencentyun.com/tkeimages/agent:v3";
        let targets = |c: &MemoryCluster| {
            let view = block_on(read_cluster(c, &svc_target())).unwrap();
            let d = &view.routes[0].desired;
            let skipped: Vec<String> = d.skipped.iter().map(|s| s.reason.describe()).collect();
            (d.targets.len(), skipped, view.warnings)
        };

        // Mixed: the pods carry no GlobalRouter evidence, so both are ENI targets, and nothing is said.
        let c = crate::sync::testing::web_cluster();
        c.add(agent("tke-bridge-agent", tke));
        c.add(agent("tke-eni-agent", tke));
        let (n, skipped, warnings) = targets(&c);
        assert_eq!((n, skipped.len()), (2, 0), "{skipped:?}");
        assert!(warnings.is_empty(), "{warnings:?}");

        // Cilium in overlay (its ConfigMap says tunnel): no pod has an ENI address; none is registered.
        let c = crate::sync::testing::web_cluster();
        c.add(agent(
            "cilium",
            "quay.tencentcloudcr.com/cilium/cilium:v1.15.6",
        ));
        c.add(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cilium-config", "namespace": "kube-system"},
            "data": {"routing-mode": "tunnel", "tunnel-protocol": "vxlan"}}));
        let (n, skipped, warnings) = targets(&c);
        assert_eq!(n, 0);
        assert_eq!(skipped, ["Cilium-Overlay address"; 2]);
        assert!(
            warnings[0].starts_with("the cluster's network is cilium-overlay (")
                && warnings[0].contains("routing-mode: tunnel"),
            "{warnings:?}"
        );

        // GlobalRouter only: no ENI addresses either, with or without a podCIDR on the node.
        let c = crate::sync::testing::web_cluster();
        c.add(agent("tke-bridge-agent", tke));
        let (n, skipped, warnings) = targets(&c);
        assert_eq!(n, 0);
        assert_eq!(skipped, ["GlobalRouter IP: the cluster has no VPC-CNI"; 2]);
        assert!(
            warnings[0].starts_with("the cluster's network is global-router ("),
            "{warnings:?}"
        );

        // Both pods are skipped: the Service's listeners would be empty, and that is said once.
        assert_eq!(
            warnings
                .iter()
                .filter(|w| w.starts_with("svc/web: none of its 2 running pods has an ENI address"))
                .count(),
            1,
            "{warnings:?}"
        );

        // The DaemonSets cannot be read: unknown mode, said, and each pod's evidence decides.
        let c = crate::sync::testing::web_cluster();
        c.add(agent("tke-bridge-agent", tke));
        c.forbid("list", "daemonsets");
        let (n, _, warnings) = targets(&c);
        assert_eq!(n, 2);
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("DaemonSets in kube-system are not readable")),
            "{warnings:?}"
        );
    }

    #[test]
    fn ingress_routes_from_every_api_version() {
        let c = crate::sync::testing::web_cluster();
        c.add(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "default"},
            "spec": {"selector": {"app": "api"}, "ports": [{"name": "http", "port": 8000, "targetPort": 9090}]}}));
        c.add(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "api-x", "namespace": "default", "labels": {"kubernetes.io/service-name": "api"}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 9090, "protocol": "TCP"}],
            "endpoints": [{"addresses": ["10.0.1.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "api-1"}}]}));
        c.add(json!({"apiVersion": "extensions/v1beta1", "kind": "Ingress",
            "metadata": {"name": "site", "namespace": "default", "annotations": {
                "ingress.cloud.tencent.com/direct-access": "true", "kubernetes.io/ingress.qcloud-loadbalance-id": "lb-1"}},
            "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [
                {"path": "/", "backend": {"serviceName": "web", "servicePort": "http"}},
                {"path": "/api", "backend": {"serviceName": "api", "servicePort": 8000}},
                {"path": "/gone", "backend": {"serviceName": "gone", "servicePort": 80}},
                {"path": "/bucket", "backend": {"resource": {"kind": "Bucket", "name": "b"}}}]}}]}}));
        c.serve_groups(&["extensions/v1beta1", "discovery.k8s.io/v1"]);
        let target = SyncTarget {
            kind: Kind::Ingress,
            namespace: "default".into(),
            name: "site".into(),
        };
        let view = block_on(read_cluster(&c, &target)).unwrap();
        let routes: Vec<_> = view
            .routes
            .iter()
            .map(|r| {
                (
                    r.frontend.clone(),
                    r.service.as_str(),
                    r.desired.targets.len(),
                )
            })
            .collect();
        assert_eq!(
            routes,
            [
                (
                    Frontend::Rule {
                        host: "a.example.com".into(),
                        path: "/".into()
                    },
                    "web",
                    2
                ),
                (
                    Frontend::Rule {
                        host: "a.example.com".into(),
                        path: "/api".into()
                    },
                    "api",
                    1
                )
            ]
        );
        let w = view.warnings.join("\n");
        assert!(w.contains("backend Service default/gone not found"), "{w}");
        assert!(w.contains("1 path(s) with a non-Service backend"), "{w}");
    }

    #[test]
    fn region_precedence() {
        assert_eq!(
            region(Some("ap-a"), Some("ap-b"), Some("ap-c")),
            Some(("ap-a".into(), RegionSource::Flag))
        );
        assert_eq!(
            region(None, Some("ap-b"), Some("ap-c")),
            Some(("ap-b".into(), RegionSource::Env))
        );
        assert_eq!(
            region(Some(" "), Some(""), Some("ap-c")),
            Some(("ap-c".into(), RegionSource::TkeConfig))
        );
        assert_eq!(region(None, None, None), None);
    }
}
