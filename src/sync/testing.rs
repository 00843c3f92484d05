//! Fakes and fixtures for the unit tests of sync: an in-memory CLB ([`MemClb`]), a scripted prompt
//! ([`Scripted`]), and a small cluster on the in-memory API server ([`web_cluster`]).

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
    /// `TOTAL_TARGET_BIND_QUOTA`; None: DescribeQuota answers without it.
    bind_quota: Option<i64>,
    /// Writes are asynchronous: each task is "running" for this many DescribeTaskStatus polls, and the
    /// targets change only when it ends.
    async_polls: Option<u32>,
    /// Tasks end in failure with this message.
    failing_tasks: Option<String>,
    /// Task id → (polls left, changes to make when it ends); sync writes are listed with nothing left.
    tasks: BTreeMap<String, (u32, Vec<(BatchTarget, bool)>)>,
    next_task: u32,
}

type Hook = (String, usize, Box<dyn FnMut()>);

pub struct MemClb {
    state: RefCell<State>,
    /// (action, nth call, what to do before answering it).
    hooks: RefCell<Vec<Hook>>,
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
                bind_quota: Some(200),
                ..Default::default()
            }),
            hooks: RefCell::new(Vec::new()),
        }
    }

    /// Run `f` before answering the `nth` (1-based) call of `action`: someone changing the world between
    /// two steps of a sync.
    pub fn before(&self, action: &str, nth: usize, f: impl FnMut() + 'static) {
        self.hooks
            .borrow_mut()
            .push((action.to_string(), nth, Box::new(f)));
    }

    /// What DescribeQuota says `TOTAL_TARGET_BIND_QUOTA` is (None: not listed).
    pub fn set_bind_quota(&self, quota: Option<i64>) {
        self.state.borrow_mut().bind_quota = quota;
    }

    /// Make writes asynchronous: each task runs for `polls` DescribeTaskStatus calls.
    pub fn async_tasks(&self, polls: u32) {
        self.state.borrow_mut().async_polls = Some(polls);
    }

    /// Let every running task end at its next poll.
    pub fn end_tasks(&self) {
        for (left, _) in self.state.borrow_mut().tasks.values_mut() {
            *left = 0;
        }
    }

    /// Make tasks end in failure, with `message`.
    pub fn fail_tasks(&self, message: &str) {
        self.state.borrow_mut().failing_tasks = Some(message.into());
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
        let action = call.split(':').next().unwrap_or_default().to_string();
        let n = 1 + self
            .state
            .borrow()
            .calls
            .iter()
            .filter(|c| c.split(':').next() == Some(action.as_str()))
            .count();
        for (a, nth, f) in self.hooks.borrow_mut().iter_mut() {
            if *a == action && *nth == n {
                f();
            }
        }
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
        let mut changes = Vec::new();
        for t in targets {
            if s.failing.contains(&t.listener_id) {
                failed.insert(t.listener_id.clone());
            } else {
                changes.push((t.clone(), add));
            }
        }
        s.next_task += 1;
        let id = format!("mem-{}", s.next_task);
        match s.async_polls {
            Some(polls) => {
                s.tasks.insert(id.clone(), (polls, changes));
            }
            None => {
                Self::change(&mut s, &changes);
                s.tasks.insert(id.clone(), (0, Vec::new()));
            }
        }
        Ok(BatchOutcome {
            fail_listener_id_set: failed.into_iter().collect(),
            message: None,
            request_id: id,
        })
    }

    fn change(s: &mut State, changes: &[(BatchTarget, bool)]) {
        for (t, add) in changes {
            let b = Binding {
                listener_id: t.listener_id.clone(),
                location_id: t.location_id.clone(),
            };
            let ip = t.eni_ip.clone().unwrap_or_default();
            let list = s.targets.entry(b).or_default();
            if *add {
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
    }
}

impl Clb for MemClb {
    async fn describe_task_status(
        &self,
        task_id: &str,
    ) -> Result<crate::cloud::TaskStatus, CloudError> {
        self.enter("DescribeTaskStatus".into())?;
        let mut s = self.state.borrow_mut();
        let Some((left, changes)) = s.tasks.get_mut(task_id) else {
            return Err(CloudError::Api {
                action: "DescribeTaskStatus".into(),
                code: "ResourceNotFound".into(),
                message: format!("task {task_id} not found"),
                request_id: "mem".into(),
            });
        };
        if *left > 0 {
            *left -= 1;
            return Ok(crate::cloud::TaskStatus {
                status: Some(2),
                message: None,
            });
        }
        let changes = std::mem::take(changes);
        if let Some(m) = s.failing_tasks.clone() {
            return Ok(crate::cloud::TaskStatus {
                status: Some(1),
                message: Some(m),
            });
        }
        Self::change(&mut s, &changes);
        Ok(crate::cloud::TaskStatus {
            status: Some(0),
            message: None,
        })
    }

    async fn describe_quota(&self) -> Result<Vec<crate::cloud::Quota>, CloudError> {
        self.enter("DescribeQuota".into())?;
        let limit = self.state.borrow().bind_quota;
        Ok(limit
            .map(|l| crate::cloud::Quota {
                quota_id: crate::cloud::types::TARGET_BIND_QUOTA.into(),
                quota_current: None,
                quota_limit: Some(l),
            })
            .into_iter()
            .collect())
    }

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

/// Run a future to completion on a current-thread runtime (with timers).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A prompt that answers from a script (and records the questions); `before` runs on every question, to
/// play someone changing the cluster while the person reads the plan.
#[derive(Default)]
pub struct Scripted {
    pub answers: std::cell::RefCell<std::collections::VecDeque<bool>>,
    pub questions: std::cell::RefCell<Vec<String>>,
    #[allow(clippy::type_complexity)]
    pub before: std::cell::RefCell<Option<Box<dyn FnMut(usize)>>>,
}

impl Scripted {
    pub fn answering(answers: &[bool]) -> Self {
        Scripted {
            answers: std::cell::RefCell::new(answers.iter().copied().collect()),
            ..Default::default()
        }
    }
}

impl crate::confirm::Confirm for Scripted {
    fn can_ask(&self) -> bool {
        true
    }

    fn ask(&self, question: &str) -> std::io::Result<bool> {
        if let Some(f) = self.before.borrow_mut().as_mut() {
            f(self.questions.borrow().len());
        }
        self.questions.borrow_mut().push(question.to_string());
        Ok(self.answers.borrow_mut().pop_front().unwrap_or(false))
    }
}

/// `svc/web` (direct, CLB lb-1 written back; ports http 80 → named `http`, dns 53/UDP → 5353) with one
/// ready pod (web-1, 10.0.0.1) and one waiting only on TKE's gate (web-2, 10.0.0.2), their slice, and
/// `kube-system/tke-config` (ap-guangzhou, vpc-1).
pub fn web_cluster() -> crate::cluster::memory::MemoryCluster {
    use serde_json::json;

    use crate::model::consts::READINESS_GATE;
    use crate::sync::desired::tests::pod_json;
    crate::cluster::memory::MemoryCluster::new([
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default",
            "annotations": {"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": "lb-1"}},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                     "ports": [{"name": "http", "port": 80, "targetPort": "http"}, {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 5353}]}}),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-x", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "dns", "port": 5353, "protocol": "UDP"}],
        "endpoints": [
            {"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-1"}},
            {"addresses": ["10.0.0.2"], "conditions": {"ready": false}, "targetRef": {"kind": "Pod", "name": "web-2"}}
        ]}),
        pod_json("web-1", "10.0.0.1", true, true, &[(READINESS_GATE, true)]),
        pod_json("web-2", "10.0.0.2", false, true, &[(READINESS_GATE, false)]),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tke-config", "namespace": "kube-system"},
            "data": {"TKE_REGION": "ap-guangzhou", "TKE_VPC_ID": "vpc-1"}}),
    ])
}

/// A CLB `lb-1` (vpc-1) with listeners `lbl-http` TCP:80 and `lbl-dns` UDP:53.
pub fn web_clb() -> MemClb {
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
