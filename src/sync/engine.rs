//! The steps of a sync, each over the narrow traits: read the cluster ([`read_cluster`]), find the CLB
//! and its listeners ([`resolve_clb`]), read the CLB's targets ([`read_actual`]). Planning is
//! [`super::plan::plan`], applying [`super::apply::apply`]; the app glue runs them in order.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Pod, Service};

use super::desired::{Desired, ServicePortSpec, desired_for_port, service_ports};
use super::endpoints::{Endpoint, from_endpoints, from_slices};
use super::ingress::{self, PortRef};
use super::model::{ActualTarget, Binding, BindingInfo};
use super::plan::BindingInput;
use super::resolve::{LbError, LbSource, l4_listener, l7_rules, load_balancer_id};
use super::source::{SourceError, SyncSource};
use crate::cloud::limits::DESCRIBE_TARGETS_LISTENERS;
use crate::cloud::{Backend, Clb, CloudError, LoadBalancer};
use crate::model::Kind;
use crate::model::consts::{INGRESS_DIRECT_ACCESS, SERVICE_DIRECT_ACCESS};

/// ConfigMap with the cluster's region and VPC (`TKE_REGION`, `TKE_VPC_ID`).
pub const TKE_CONFIG: (&str, &str) = ("kube-system", crate::model::consts::TKE_CONFIG);

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

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("sync works on Services and Ingresses (svc/NAME, ing/NAME), not {0}")]
    Kind(Kind),
    #[error("{0} has no ports to sync")]
    NoPorts(String),
    #[error(transparent)]
    Lb(#[from] LbError),
    #[error("CLB {lb} not found (DescribeLoadBalancers, region {region})")]
    LbNotFound { lb: String, region: String },
    #[error(
        "CLB {0} is a classic CLB: BatchRegisterTargets and pod (ENI) targets need a CLB (Forward = 1)"
    )]
    ClassicLb(String),
    #[error(
        "CLB {lb} is in {lb_vpc} but the cluster is in {cluster_vpc} (kube-system/tke-config TKE_VPC_ID): pods cannot be bound across VPCs this way"
    )]
    VpcMismatch {
        lb: String,
        lb_vpc: String,
        cluster_vpc: String,
    },
    #[error("no listener of CLB {lb} serves {target}; {hint}")]
    NothingToSync {
        lb: String,
        target: String,
        hint: String,
    },
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Cloud(#[from] CloudError),
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
    pub port: ServicePortSpec,
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

struct BackendService {
    service: Service,
    endpoints: Vec<Endpoint>,
    pods: Vec<Pod>,
    api: &'static str,
}

async fn backend_service<S: SyncSource>(
    source: &S,
    ns: &str,
    name: &str,
) -> Result<Option<BackendService>, SyncError> {
    let Some(service) = source.service(ns, name).await? else {
        return Ok(None);
    };
    // EndpointSlices when served and present; the Endpoints object on clusters before 1.21 (and while the
    // slice controller has not caught up).
    let (endpoints, api) = match source.endpoint_slices(ns, name).await? {
        Some(slices) if !slices.is_empty() => (from_slices(&slices), "EndpointSlice"),
        served => match source.endpoints(ns, name).await? {
            Some(ep) => (from_endpoints(&ep), "Endpoints"),
            None => (
                Vec::new(),
                if served.is_some() {
                    "EndpointSlice"
                } else {
                    "Endpoints"
                },
            ),
        },
    };
    let selector = service
        .spec
        .as_ref()
        .and_then(|s| s.selector.clone())
        .unwrap_or_default();
    let pods = source.pods(ns, &selector).await?;
    Ok(Some(BackendService {
        service,
        endpoints,
        pods,
        api,
    }))
}

fn is_true(annotations: &BTreeMap<String, String>, key: &str) -> bool {
    annotations
        .get(key)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Read the Service or Ingress, its backends' endpoints and pods, and the tke-config hints.
pub async fn read_cluster<S: SyncSource>(
    source: &S,
    target: &SyncTarget,
) -> Result<ClusterView, SyncError> {
    let ns = target.namespace.as_str();
    let mut warnings = Vec::new();
    let mut routes = Vec::new();
    let mut api = "EndpointSlice";
    let annotations;

    match target.kind {
        Kind::Service => {
            let b = backend_service(source, ns, &target.name)
                .await?
                .ok_or_else(|| SyncError::NotFound(target.to_string()))?;
            annotations = b.service.metadata.annotations.clone().unwrap_or_default();
            if !is_true(&annotations, SERVICE_DIRECT_ACCESS) {
                warnings.push(format!(
                    "{target} is not in direct mode ({SERVICE_DIRECT_ACCESS} is not \"true\"): TKE binds node ports for it, \
                     and pod targets added by sync sit next to them"
                ));
            }
            let ports = service_ports(&b.service);
            if ports.is_empty() {
                return Err(SyncError::NoPorts(target.to_string()));
            }
            api = b.api;
            for port in ports {
                let desired = desired_for_port(&port, &b.endpoints, &b.pods);
                routes.push(Route {
                    frontend: Frontend::ServicePort,
                    service: target.name.clone(),
                    port,
                    desired,
                });
            }
        }
        Kind::Ingress => {
            let ing = source
                .ingress(ns, &target.name)
                .await?
                .ok_or_else(|| SyncError::NotFound(target.to_string()))?;
            annotations =
                serde_json::from_value(ing["metadata"]["annotations"].clone()).unwrap_or_default();
            if !is_true(&annotations, INGRESS_DIRECT_ACCESS) {
                warnings.push(format!(
                    "{target} is not in direct mode ({INGRESS_DIRECT_ACCESS} is not \"true\"): TKE binds node ports for it, \
                     and pod targets added by sync sit next to them"
                ));
            }
            let parsed = ingress::parse(&ing);
            if parsed.has_default_backend {
                warnings.push(format!(
                    "{target}: the default backend is not an L7 rule and is left alone"
                ));
            }
            if parsed.skipped > 0 {
                warnings.push(format!(
                    "{target}: {} path(s) with a non-Service backend are left alone",
                    parsed.skipped
                ));
            }
            let mut cache: BTreeMap<String, Option<BackendService>> = BTreeMap::new();
            for path in parsed.paths {
                if !cache.contains_key(&path.service) {
                    let b = backend_service(source, ns, &path.service).await?;
                    if let Some(b) = &b {
                        api = b.api;
                    }
                    cache.insert(path.service.clone(), b);
                }
                let Some(b) = cache.get(&path.service).and_then(Option::as_ref) else {
                    warnings.push(format!(
                        "{target}: backend Service {ns}/{} not found; path {}{} skipped",
                        path.service, path.host, path.path
                    ));
                    continue;
                };
                let port = service_ports(&b.service)
                    .into_iter()
                    .find(|sp| match &path.port {
                        PortRef::Number(n) => sp.port == *n,
                        PortRef::Name(name) => &sp.name == name,
                    });
                let Some(port) = port else {
                    warnings.push(format!(
                        "{target}: Service {} has no port {}; path {}{} skipped",
                        path.service, path.port, path.host, path.path
                    ));
                    continue;
                };
                let desired = desired_for_port(&port, &b.endpoints, &b.pods);
                routes.push(Route {
                    frontend: Frontend::Rule {
                        host: path.host,
                        path: path.path,
                    },
                    service: path.service,
                    port,
                    desired,
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

    let tke = source
        .config_map(TKE_CONFIG.0, TKE_CONFIG.1)
        .await?
        .and_then(|cm| cm.data)
        .unwrap_or_default();
    let hint = |k: &str| {
        tke.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(ClusterView {
        target: target.clone(),
        annotations,
        routes,
        tke_region: hint("TKE_REGION"),
        tke_vpc: hint("TKE_VPC_ID"),
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

/// The CLB and what the cluster wants on each of its bindings.
#[derive(Debug, Clone)]
pub struct ClbView {
    pub lb: LoadBalancer,
    pub lb_source: LbSource,
    pub inputs: Vec<BindingInput>,
    pub warnings: Vec<String>,
}

/// Find the CLB (and check it), then the listener or L7 rule of every route.
pub async fn resolve_clb<C: Clb>(
    clb: &C,
    view: &ClusterView,
    lb_flag: Option<&str>,
    region: &str,
) -> Result<ClbView, SyncError> {
    let target = &view.target;
    let shown = format!("{}/{}", target.kind.short(), target.name);
    let (lb_id, lb_source) = load_balancer_id(target.kind, &shown, &view.annotations, lb_flag)?;
    let lb = clb
        .describe_load_balancers(std::slice::from_ref(&lb_id))
        .await?
        .into_iter()
        .find(|l| l.load_balancer_id == lb_id)
        .ok_or_else(|| SyncError::LbNotFound {
            lb: lb_id.clone(),
            region: region.to_string(),
        })?;
    if lb.forward == Some(0) {
        return Err(SyncError::ClassicLb(lb_id));
    }
    if let (Some(lb_vpc), Some(cluster_vpc)) = (
        lb.vpc_id.as_deref().filter(|v| !v.is_empty()),
        view.tke_vpc.as_deref(),
    ) && lb_vpc != cluster_vpc
    {
        return Err(SyncError::VpcMismatch {
            lb: lb_id,
            lb_vpc: lb_vpc.into(),
            cluster_vpc: cluster_vpc.into(),
        });
    }

    let mut warnings = Vec::new();
    let mut inputs = Vec::new();
    match target.kind {
        Kind::Ingress => {
            let listeners = clb.describe_listeners(&lb_id, None, None).await?;
            for route in &view.routes {
                let Frontend::Rule { host, path } = &route.frontend else {
                    continue;
                };
                let rules = l7_rules(&listeners, &lb, host, path);
                if rules.is_empty() {
                    let host_shown = if host.is_empty() { "(no host)" } else { host };
                    warnings.push(format!(
                        "no L7 rule for {host_shown} {path} on {lb_id}; skipped"
                    ));
                }
                for (listener, rule) in rules {
                    inputs.push(BindingInput {
                        info: BindingInfo {
                            binding: Binding {
                                listener_id: listener.listener_id.clone(),
                                location_id: Some(rule.location_id.clone()),
                            },
                            protocol: listener.protocol.clone(),
                            port: listener.port,
                            domain: Some(rule.domain.clone()),
                            url: Some(rule.url.clone()),
                            service: route.service.clone(),
                            service_port: route.port.label(),
                        },
                        desired: route.desired.clone(),
                    });
                }
            }
        }
        _ => {
            let mut asked: BTreeMap<(String, i64), Vec<crate::cloud::Listener>> = BTreeMap::new();
            for route in &view.routes {
                let (protocol, port) = (route.port.protocol.to_ascii_uppercase(), route.port.port);
                if !matches!(protocol.as_str(), "TCP" | "UDP") {
                    warnings.push(format!(
                        "port {} is {protocol}: CLB listeners are TCP or UDP for Services; skipped",
                        route.port.label()
                    ));
                    continue;
                }
                let key = (protocol.clone(), port);
                if !asked.contains_key(&key) {
                    let found = clb
                        .describe_listeners(&lb_id, Some(&protocol), Some(port))
                        .await?;
                    asked.insert(key.clone(), found);
                }
                match l4_listener(&asked[&key], &protocol, port) {
                    Some(listener) => inputs.push(BindingInput {
                        info: BindingInfo {
                            binding: Binding {
                                listener_id: listener.listener_id.clone(),
                                location_id: None,
                            },
                            protocol: listener.protocol.clone(),
                            port: listener.port,
                            domain: None,
                            url: None,
                            service: route.service.clone(),
                            service_port: route.port.label(),
                        },
                        desired: route.desired.clone(),
                    }),
                    None => warnings.push(format!(
                        "no {protocol}:{port} listener on {lb_id} for port {}; skipped",
                        route.port.label()
                    )),
                }
            }
        }
    }
    if inputs.is_empty() {
        let hint = match target.kind {
            Kind::Ingress => {
                "the Ingress's host/path pairs match no L7 rule (Domain + Url)".to_string()
            }
            _ => "DescribeListeners found no listener with the Service's protocol and port"
                .to_string(),
        };
        return Err(SyncError::NothingToSync {
            lb: lb_id,
            target: shown,
            hint,
        });
    }
    Ok(ClbView {
        lb,
        lb_source,
        inputs,
        warnings,
    })
}

fn actual_target(b: &Backend) -> ActualTarget {
    ActualTarget {
        ip: b.private_ip_addresses.first().cloned().unwrap_or_default(),
        port: b.port,
        weight: b.weight,
        kind: b.kind.clone(),
        instance_id: b.instance_id.clone(),
    }
}

/// The CLB's targets on the bindings' listeners: `DescribeTargets`, at most 20 listener ids a call.
pub async fn read_actual<C: Clb>(
    clb: &C,
    lb: &str,
    inputs: &[BindingInput],
) -> Result<BTreeMap<Binding, Vec<ActualTarget>>, CloudError> {
    let ids: Vec<String> = inputs
        .iter()
        .map(|i| i.info.binding.listener_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out: BTreeMap<Binding, Vec<ActualTarget>> = BTreeMap::new();
    for chunk in ids.chunks(DESCRIBE_TARGETS_LISTENERS) {
        for l in clb.describe_targets(lb, chunk).await? {
            if !l.targets.is_empty() {
                let b = Binding {
                    listener_id: l.listener_id.clone(),
                    location_id: None,
                };
                out.entry(b)
                    .or_default()
                    .extend(l.targets.iter().map(actual_target));
            }
            for r in &l.rules {
                let b = Binding {
                    listener_id: l.listener_id.clone(),
                    location_id: Some(r.location_id.clone()),
                };
                out.entry(b)
                    .or_default()
                    .extend(r.targets.iter().map(actual_target));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::{Listener, Rule};
    use crate::model::consts::READINESS_GATE;
    use crate::sync::plan::{PlanOptions, plan};
    use crate::sync::testing::{MemClb, MemSource};
    use serde_json::json;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn svc_target() -> SyncTarget {
        SyncTarget {
            kind: Kind::Service,
            namespace: "default".into(),
            name: "web".into(),
        }
    }

    fn source() -> MemSource {
        let mut s = MemSource::default();
        s.objects.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default",
            "annotations": {"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": "lb-1"}},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}, {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 5353}]}}));
        s.objects.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-x", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "dns", "port": 5353, "protocol": "UDP"}],
        "endpoints": [
            {"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-1"}},
            {"addresses": ["10.0.0.2"], "conditions": {"ready": false}, "targetRef": {"kind": "Pod", "name": "web-2"}}
        ]}));
        s.objects.push(
            serde_json::to_value(crate::sync::desired::tests::pod(
                "web-2",
                "10.0.0.2",
                false,
                true,
                &[(READINESS_GATE, false)],
            ))
            .unwrap(),
        );
        s.objects.push(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tke-config", "namespace": "kube-system"},
            "data": {"TKE_REGION": "ap-guangzhou", "TKE_VPC_ID": "vpc-1"}}));
        s
    }

    fn clb() -> MemClb {
        let clb = MemClb::new("lb-1");
        clb.add_listener(Listener {
            listener_id: "lbl-http".into(),
            protocol: "TCP".into(),
            port: 80,
            ..Default::default()
        });
        clb.add_listener(Listener {
            listener_id: "lbl-dns".into(),
            protocol: "UDP".into(),
            port: 53,
            ..Default::default()
        });
        clb
    }

    #[test]
    fn service_end_to_end_over_fakes() {
        let src = source();
        let view = block_on(read_cluster(&src, &svc_target())).unwrap();
        assert_eq!(
            (view.tke_region.as_deref(), view.endpoints_api),
            (Some("ap-guangzhou"), "EndpointSlice")
        );
        assert!(view.warnings.is_empty(), "{:?}", view.warnings);
        let clb = clb();
        let cv = block_on(resolve_clb(&clb, &view, None, "ap-guangzhou")).unwrap();
        assert_eq!(
            cv.lb_source,
            LbSource::Annotation("service.kubernetes.io/loadbalance-id")
        );
        assert_eq!(cv.inputs.len(), 2);
        let actual = block_on(read_actual(&clb, "lb-1", &cv.inputs)).unwrap();
        let p = plan(&cv.inputs, &actual, &PlanOptions::default());
        // Both pods on both ports: the ready one and the one waiting on TKE's gate.
        assert_eq!(p.register_count(), 4);
        assert_eq!(p.gate_waiting(), 2);
        assert_eq!(
            clb.calls(),
            [
                "DescribeLoadBalancers",
                "DescribeListeners",
                "DescribeListeners",
                "DescribeTargets"
            ]
        );
    }

    #[test]
    fn endpoints_fallback_and_missing_listener() {
        let mut src = source();
        src.objects.retain(|o| o["kind"] != "EndpointSlice");
        src.slices_served = false;
        src.objects.push(
            json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
            "subsets": [{"addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-1"}}],
                         "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}),
        );
        let view = block_on(read_cluster(&src, &svc_target())).unwrap();
        assert_eq!(view.endpoints_api, "Endpoints");
        let clb = MemClb::new("lb-1");
        clb.add_listener(Listener {
            listener_id: "lbl-http".into(),
            protocol: "TCP".into(),
            port: 80,
            ..Default::default()
        });
        let cv = block_on(resolve_clb(&clb, &view, None, "r")).unwrap();
        assert_eq!(cv.inputs.len(), 1);
        assert!(
            cv.warnings[0].contains("no UDP:53 listener"),
            "{:?}",
            cv.warnings
        );
        let p = plan(&cv.inputs, &BTreeMap::new(), &PlanOptions::default());
        assert_eq!(
            p.bindings[0]
                .register
                .iter()
                .map(|r| (r.ip.as_str(), r.port))
                .collect::<Vec<_>>(),
            [("10.0.0.1", 8080), ("10.0.0.2", 8080)]
        );
    }

    #[test]
    fn clb_checks() {
        let src = source();
        let view = block_on(read_cluster(&src, &svc_target())).unwrap();
        let err = block_on(resolve_clb(&MemClb::new("lb-other"), &view, None, "ap-x")).unwrap_err();
        assert!(matches!(err, SyncError::LbNotFound { .. }), "{err}");
        let mut other_vpc = view.clone();
        other_vpc.tke_vpc = Some("vpc-2".into());
        let err = block_on(resolve_clb(&clb(), &other_vpc, None, "r")).unwrap_err();
        assert!(matches!(err, SyncError::VpcMismatch { .. }), "{err}");
        let err = block_on(resolve_clb(&MemClb::new("lb-1"), &view, None, "r")).unwrap_err();
        assert!(matches!(err, SyncError::NothingToSync { .. }), "{err}");
    }

    #[test]
    fn ingress_with_two_rules() {
        let mut src = source();
        src.objects
            .push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "default"},
            "spec": {"selector": {"app": "api"}, "ports": [{"name": "http", "port": 8000, "targetPort": 9090}]}}));
        src.objects.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "api-x", "namespace": "default", "labels": {"kubernetes.io/service-name": "api"}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 9090, "protocol": "TCP"}],
            "endpoints": [{"addresses": ["10.0.1.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "api-1"}}]}));
        src.objects.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "site", "namespace": "default", "annotations": {
                "ingress.cloud.tencent.com/direct-access": "true", "kubernetes.io/ingress.qcloud-loadbalance-id": "lb-1"}},
            "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}},
                {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 8000}}}},
                {"path": "/gone", "pathType": "Prefix", "backend": {"service": {"name": "gone", "port": {"number": 80}}}}]}}]}}));
        let target = SyncTarget {
            kind: Kind::Ingress,
            namespace: "default".into(),
            name: "site".into(),
        };
        let view = block_on(read_cluster(&src, &target)).unwrap();
        assert_eq!(view.routes.len(), 2);
        assert!(
            view.warnings.iter().any(|w| w.contains("gone")),
            "{:?}",
            view.warnings
        );
        let clb = MemClb::new("lb-1");
        clb.add_listener(Listener {
            listener_id: "lbl-7".into(),
            protocol: "HTTP".into(),
            port: 80,
            rules: vec![
                Rule {
                    location_id: "loc-root".into(),
                    domain: "a.example.com".into(),
                    url: "/".into(),
                },
                Rule {
                    location_id: "loc-api".into(),
                    domain: "a.example.com".into(),
                    url: "/api".into(),
                },
            ],
            ..Default::default()
        });
        clb.bind(
            &Binding {
                listener_id: "lbl-7".into(),
                location_id: Some("loc-api".into()),
            },
            vec![crate::sync::plan::tests::eni("10.0.1.1", 9090, 40)],
        );
        let cv = block_on(resolve_clb(&clb, &view, None, "r")).unwrap();
        let p = plan(
            &cv.inputs,
            &block_on(read_actual(&clb, "lb-1", &cv.inputs)).unwrap(),
            &PlanOptions::default(),
        );
        let got: Vec<_> = p
            .bindings
            .iter()
            .map(|b| {
                (
                    b.info.label(),
                    b.register.iter().map(|r| r.port).collect::<Vec<_>>(),
                    b.keep.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("HTTP:80 a.example.com/".to_string(), vec![8080, 8080], 0),
                ("HTTP:80 a.example.com/api".to_string(), vec![], 1)
            ]
        );
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
