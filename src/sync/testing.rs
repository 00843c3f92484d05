//! An in-memory CLB for unit tests of apply and the engine.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::cloud::{
    Backend, BatchOutcome, BatchTarget, Clb, CloudError, Listener, ListenerBackend, LoadBalancer,
    RuleTargets,
};
use crate::sync::model::{ActualTarget, Binding};

#[derive(Default)]
struct State {
    lbs: Vec<LoadBalancer>,
    listeners: Vec<Listener>,
    targets: BTreeMap<Binding, Vec<ActualTarget>>,
    failing: BTreeSet<String>,
    next_error: Option<String>,
    calls: Vec<String>,
}

pub struct MemClb {
    state: RefCell<State>,
}

impl MemClb {
    pub fn new(lb: &str) -> Self {
        let lb = LoadBalancer {
            load_balancer_id: lb.into(),
            forward: Some(1),
            status: Some(1),
            vpc_id: Some("vpc-1".into()),
            load_balancer_vips: vec!["1.2.3.4".into()],
            ..Default::default()
        };
        MemClb {
            state: RefCell::new(State {
                lbs: vec![lb],
                ..Default::default()
            }),
        }
    }

    pub fn add_listener(&self, l: Listener) {
        self.state.borrow_mut().listeners.push(l);
    }

    pub fn bind(&self, b: &Binding, targets: Vec<ActualTarget>) {
        self.state.borrow_mut().targets.insert(b.clone(), targets);
    }

    pub fn fail_listener(&self, l: &str) {
        self.state.borrow_mut().failing.insert(l.into());
    }

    pub fn fail_next_call(&self, code: &str) {
        self.state.borrow_mut().next_error = Some(code.into());
    }

    pub fn actual(&self) -> BTreeMap<Binding, Vec<ActualTarget>> {
        self.state.borrow().targets.clone()
    }

    /// `Action:targets` for writes, `Action` for reads.
    pub fn calls(&self) -> Vec<String> {
        self.state.borrow().calls.clone()
    }

    fn enter(&self, call: String) -> Result<(), CloudError> {
        let mut s = self.state.borrow_mut();
        s.calls.push(call.clone());
        match s.next_error.take() {
            Some(code) => Err(CloudError::Api {
                action: call,
                code,
                message: "injected".into(),
                request_id: "mem".into(),
            }),
            None => Ok(()),
        }
    }

    fn write(
        &self,
        action: &str,
        targets: &[BatchTarget],
        add: bool,
    ) -> Result<BatchOutcome, CloudError> {
        self.enter(format!("{action}:{}", targets.len()))?;
        let mut s = self.state.borrow_mut();
        let mut failed = BTreeSet::new();
        for t in targets {
            if s.failing.contains(&t.listener_id) {
                failed.insert(t.listener_id.clone());
                continue;
            }
            let b = Binding {
                listener_id: t.listener_id.clone(),
                location_id: t.location_id.clone(),
            };
            let ip = t.eni_ip.clone().unwrap_or_default();
            let list = s.targets.entry(b).or_default();
            if add {
                list.push(ActualTarget {
                    ip,
                    port: t.port,
                    weight: t.weight.unwrap_or(10),
                    kind: "ENI".into(),
                    instance_id: None,
                });
            } else {
                list.retain(|a| {
                    !((a.ip == ip || a.instance_id == t.instance_id && t.instance_id.is_some())
                        && a.port == t.port)
                });
            }
        }
        Ok(BatchOutcome {
            fail_listener_id_set: failed.into_iter().collect(),
            message: None,
            request_id: "mem".into(),
        })
    }
}

impl Clb for MemClb {
    async fn describe_load_balancers(
        &self,
        ids: &[String],
    ) -> Result<Vec<LoadBalancer>, CloudError> {
        self.enter("DescribeLoadBalancers".into())?;
        Ok(self
            .state
            .borrow()
            .lbs
            .iter()
            .filter(|l| ids.contains(&l.load_balancer_id))
            .cloned()
            .collect())
    }

    async fn describe_listeners(
        &self,
        _lb: &str,
        protocol: Option<&str>,
        port: Option<i64>,
    ) -> Result<Vec<Listener>, CloudError> {
        self.enter("DescribeListeners".into())?;
        Ok(self
            .state
            .borrow()
            .listeners
            .iter()
            .filter(|l| {
                protocol.is_none_or(|p| l.protocol == p) && port.is_none_or(|p| l.port == p)
            })
            .cloned()
            .collect())
    }

    async fn describe_targets(
        &self,
        _lb: &str,
        listener_ids: &[String],
    ) -> Result<Vec<ListenerBackend>, CloudError> {
        self.enter("DescribeTargets".into())?;
        let s = self.state.borrow();
        let backend = |a: &ActualTarget| Backend {
            kind: a.kind.clone(),
            instance_id: a.instance_id.clone(),
            port: a.port,
            weight: a.weight,
            private_ip_addresses: vec![a.ip.clone()],
            eni_id: None,
        };
        Ok(s.listeners
            .iter()
            .filter(|l| listener_ids.contains(&l.listener_id))
            .map(|l| {
                let of = |loc: Option<&str>| {
                    let b = Binding {
                        listener_id: l.listener_id.clone(),
                        location_id: loc.map(str::to_string),
                    };
                    s.targets
                        .get(&b)
                        .into_iter()
                        .flatten()
                        .map(backend)
                        .collect::<Vec<_>>()
                };
                ListenerBackend {
                    listener_id: l.listener_id.clone(),
                    protocol: l.protocol.clone(),
                    port: l.port,
                    targets: if l.is_l7() { vec![] } else { of(None) },
                    rules: l
                        .rules
                        .iter()
                        .map(|r| RuleTargets {
                            location_id: r.location_id.clone(),
                            domain: r.domain.clone(),
                            url: r.url.clone(),
                            targets: of(Some(&r.location_id)),
                        })
                        .collect(),
                }
            })
            .collect())
    }

    async fn batch_register_targets(
        &self,
        _lb: &str,
        targets: &[BatchTarget],
    ) -> Result<BatchOutcome, CloudError> {
        self.write("BatchRegisterTargets", targets, true)
    }

    async fn batch_deregister_targets(
        &self,
        _lb: &str,
        targets: &[BatchTarget],
    ) -> Result<BatchOutcome, CloudError> {
        self.write("BatchDeregisterTargets", targets, false)
    }
}

/// An in-memory cluster: objects as JSON, looked up by kind, namespace, name and labels.
pub struct MemSource {
    pub objects: Vec<serde_json::Value>,
    /// Whether discovery.k8s.io/v1 is served (false: a cluster before 1.21).
    pub slices_served: bool,
}

impl Default for MemSource {
    fn default() -> Self {
        MemSource {
            objects: Vec::new(),
            slices_served: true,
        }
    }
}

impl MemSource {
    fn find<T: serde::de::DeserializeOwned>(&self, kind: &str, ns: &str, name: &str) -> Option<T> {
        self.objects
            .iter()
            .find(|o| {
                o["kind"] == kind
                    && o["metadata"]["namespace"] == ns
                    && o["metadata"]["name"] == name
            })
            .map(|o| serde_json::from_value(o.clone()).expect("fixture object"))
    }

    fn list<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
        ns: &str,
        labels: &BTreeMap<String, String>,
    ) -> Vec<T> {
        self.objects
            .iter()
            .filter(|o| o["kind"] == kind && o["metadata"]["namespace"] == ns)
            .filter(|o| {
                labels
                    .iter()
                    .all(|(k, v)| o["metadata"]["labels"][k] == v.as_str())
            })
            .map(|o| serde_json::from_value(o.clone()).expect("fixture object"))
            .collect()
    }
}

use crate::sync::source::{SERVICE_NAME_LABEL, SourceError, SyncSource};
use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;

impl SyncSource for MemSource {
    async fn service(&self, ns: &str, name: &str) -> Result<Option<Service>, SourceError> {
        Ok(self.find("Service", ns, name))
    }

    async fn ingress(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<Option<serde_json::Value>, SourceError> {
        Ok(self.find("Ingress", ns, name))
    }

    async fn endpoint_slices(
        &self,
        ns: &str,
        service: &str,
    ) -> Result<Option<Vec<EndpointSlice>>, SourceError> {
        if !self.slices_served {
            return Ok(None);
        }
        Ok(Some(self.list(
            "EndpointSlice",
            ns,
            &BTreeMap::from([(SERVICE_NAME_LABEL.to_string(), service.to_string())]),
        )))
    }

    async fn endpoints(&self, ns: &str, name: &str) -> Result<Option<Endpoints>, SourceError> {
        Ok(self.find("Endpoints", ns, name))
    }

    async fn pods(
        &self,
        ns: &str,
        selector: &BTreeMap<String, String>,
    ) -> Result<Vec<Pod>, SourceError> {
        if selector.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.list("Pod", ns, selector))
    }

    async fn config_map(&self, ns: &str, name: &str) -> Result<Option<ConfigMap>, SourceError> {
        Ok(self.find("ConfigMap", ns, name))
    }
}
