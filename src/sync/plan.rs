//! The planner: desired targets × actual targets × options → register / deregister / keep per binding,
//! with the safety guards. Pure and deterministic (everything sorted).

use std::collections::{BTreeMap, BTreeSet};

use super::desired::{Desired, SkipReason, Skipped};
use super::model::{ActualTarget, Binding, BindingInfo, DesiredTarget, Families, Why, addr_cmp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    /// Weight of newly registered targets (0–100).
    pub weight: i64,
    /// Apply even when a safety guard trips.
    pub force: bool,
    /// Also remove targets that are not ENI IPs (node IPs of NodePort mode…).
    pub prune_non_eni: bool,
    /// How many targets one listener or L7 rule holds.
    pub quota: TargetQuota,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            weight: DEFAULT_WEIGHT,
            force: false,
            prune_non_eni: false,
            quota: TargetQuota::default(),
        }
    }
}

/// Where the backend quota came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaSource {
    /// `DescribeQuota`'s `TOTAL_TARGET_BIND_QUOTA`.
    Api,
    /// `--max-targets` (the API gave none).
    Flag,
}

/// How many targets one listener or L7 rule holds: 200 by default, "100 or 200 depending on the region"
/// in TKE's 2025 docs (domain notes §6.1, UNCERTAIN); `DescribeQuota` says for the account when it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetQuota {
    pub limit: usize,
    pub source: QuotaSource,
}

/// `--max-targets` default.
pub const DEFAULT_MAX_TARGETS: usize = 200;

impl Default for TargetQuota {
    fn default() -> Self {
        TargetQuota {
            limit: DEFAULT_MAX_TARGETS,
            source: QuotaSource::Flag,
        }
    }
}

impl TargetQuota {
    /// `DescribeQuota`, `--max-targets`.
    pub fn source_name(self) -> &'static str {
        match self.source {
            QuotaSource::Api => "DescribeQuota",
            QuotaSource::Flag => "--max-targets",
        }
    }

    pub fn describe(self) -> String {
        match self.source {
            QuotaSource::Api => format!(
                "the CLB holds {} per listener or rule (TOTAL_TARGET_BIND_QUOTA from DescribeQuota)",
                self.limit
            ),
            QuotaSource::Flag => format!(
                "the CLB holds {} per listener or rule (--max-targets; DescribeQuota gave no quota)",
                self.limit
            ),
        }
    }
}

/// The CLB API's default weight.
pub const DEFAULT_WEIGHT: i64 = 10;

/// What the cluster wants on one binding.
#[derive(Debug, Clone)]
pub struct BindingInput {
    pub info: BindingInfo,
    pub desired: Desired,
    /// The IP families of targets the listener takes.
    pub families: Families,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Register {
    pub ip: String,
    pub port: i64,
    pub weight: i64,
    pub pod: Option<String>,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keep {
    pub ip: String,
    pub port: i64,
    /// The weight the CLB has: kept as is.
    pub weight: i64,
    pub kind: String,
    pub pod: Option<String>,
    pub why: Why,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeregisterReason {
    /// The address belongs to no pod (and no endpoint) of the Service.
    NotAnEndpoint,
    /// The address belongs to a pod of the Service, on another port: the IP was reused by a new pod, or the
    /// target port changed.
    PortChanged,
    /// Not an ENI target, removed because of --prune-non-eni.
    NonEni,
}

impl DeregisterReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeregisterReason::NotAnEndpoint => "not-an-endpoint",
            DeregisterReason::PortChanged => "port-changed",
            DeregisterReason::NonEni => "non-eni",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deregister {
    pub target: ActualTarget,
    /// The pod that now has the address, if any.
    pub pod: Option<String>,
    pub reason: DeregisterReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveReason {
    /// Not an ENI target: the Service may still be in NodePort mode. Use --prune-non-eni to remove.
    NonEni,
    /// TKE may be draining it: the target has weight 0, or its address belongs to a pod of the Service
    /// that still exists but is terminating or not ready. TKE keeps such pods bound at weight 0 until they
    /// are gone and removes them itself; removing them drops the connections the drain protects.
    Draining,
    /// The address belongs to a pod of the Service that is not on an ENI (GlobalRouter IP, host network):
    /// not an ENI target, but not a stranger's address either.
    PodNotOnEni,
}

impl LeaveReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LeaveReason::NonEni => "non-eni",
            LeaveReason::Draining => "draining",
            LeaveReason::PodNotOnEni => "pod-not-on-eni",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leave {
    pub target: ActualTarget,
    pub pod: Option<String>,
    pub reason: LeaveReason,
    /// Why, in words (`weight 0`, `pod web-3 is terminating`).
    pub detail: String,
}

/// A safety guard that tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// The binding has targets and would be left with none.
    WouldEmpty { before: usize },
    /// More than half of the binding's targets would be removed.
    RemovesMoreThanHalf { removing: usize, before: usize },
    /// The binding would hold more targets than the CLB allows (the CLB would refuse the registrations).
    ExceedsQuota { after: usize, quota: TargetQuota },
}

impl Guard {
    pub fn id(self) -> &'static str {
        match self {
            Guard::WouldEmpty { .. } => "would-empty",
            Guard::RemovesMoreThanHalf { .. } => "removes-more-than-half",
            Guard::ExceedsQuota { .. } => "exceeds-quota",
        }
    }

    pub fn describe(self) -> String {
        match self {
            Guard::WouldEmpty { before } => {
                format!("would remove all {before} targets and leave none")
            }
            Guard::RemovesMoreThanHalf { removing, before } => {
                format!("would remove {removing} of {before} targets (more than half)")
            }
            Guard::ExceedsQuota { after, quota } => {
                format!("would hold {after} targets; {}", quota.describe())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingPlan {
    pub info: BindingInfo,
    /// The IP families of targets the listener takes.
    pub families: Families,
    pub register: Vec<Register>,
    pub deregister: Vec<Deregister>,
    pub keep: Vec<Keep>,
    pub leave: Vec<Leave>,
    /// Pods the Service wants that are not registered: their addresses are not ENI addresses.
    pub skipped: Vec<Skipped>,
    pub guard: Option<Guard>,
    /// The guard was overridden with --force.
    pub forced: bool,
}

impl BindingPlan {
    pub fn has_changes(&self) -> bool {
        !self.register.is_empty() || !self.deregister.is_empty()
    }

    /// A tripped guard that --force did not override: nothing is applied while any binding is blocked.
    pub fn blocked(&self) -> bool {
        self.guard.is_some() && !self.forced
    }

    /// Targets on the CLB now.
    pub fn before(&self) -> usize {
        self.keep.len() + self.deregister.len() + self.leave.len()
    }

    /// Targets on the CLB once the plan is applied.
    pub fn after(&self) -> usize {
        self.keep.len() + self.register.len() + self.leave.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncPlan {
    pub bindings: Vec<BindingPlan>,
}

impl SyncPlan {
    pub fn has_changes(&self) -> bool {
        self.bindings.iter().any(BindingPlan::has_changes)
    }

    pub fn blocked(&self) -> impl Iterator<Item = &BindingPlan> {
        self.bindings.iter().filter(|b| b.blocked())
    }

    pub fn register_count(&self) -> usize {
        self.bindings.iter().map(|b| b.register.len()).sum()
    }

    pub fn deregister_count(&self) -> usize {
        self.bindings.iter().map(|b| b.deregister.len()).sum()
    }

    /// What applying this plan would send: every registration and deregistration (binding, register?,
    /// address, port, weight or instance), and the bindings a guard blocks. Two plans with the same writes
    /// are the same plan as far as the CLB is concerned.
    #[allow(clippy::type_complexity)]
    pub fn writes(
        &self,
    ) -> (
        BTreeSet<(Binding, bool, String, i64, String)>,
        BTreeSet<Binding>,
    ) {
        let mut writes = BTreeSet::new();
        for b in self.bindings.iter().filter(|b| !b.blocked()) {
            for r in &b.register {
                writes.insert((
                    b.info.binding.clone(),
                    true,
                    r.ip.clone(),
                    r.port,
                    r.weight.to_string(),
                ));
            }
            for d in &b.deregister {
                writes.insert((
                    b.info.binding.clone(),
                    false,
                    d.target.ip.clone(),
                    d.target.port,
                    d.target.instance_id.clone().unwrap_or_default(),
                ));
            }
        }
        let blocked = self.blocked().map(|b| b.info.binding.clone()).collect();
        (writes, blocked)
    }

    /// Pods not registered because they are not on an ENI, each once (by pod and address).
    pub fn skipped(&self) -> Vec<&Skipped> {
        let mut all: Vec<&Skipped> = self.bindings.iter().flat_map(|b| &b.skipped).collect();
        all.sort();
        all.dedup();
        all
    }

    pub fn gate_waiting(&self) -> usize {
        self.bindings
            .iter()
            .flat_map(|b| &b.register)
            .filter(|r| r.why == Why::WaitingOnGate)
            .count()
    }
}

/// Merge inputs that address the same binding (two Ingress paths on one rule).
fn merge(inputs: &[BindingInput]) -> Vec<BindingInput> {
    let mut merged: Vec<BindingInput> = Vec::new();
    for input in inputs {
        match merged
            .iter_mut()
            .find(|m| m.info.binding == input.info.binding)
        {
            Some(m) => {
                for t in &input.desired.targets {
                    if !m
                        .desired
                        .targets
                        .iter()
                        .any(|x| x.addrs == t.addrs && x.port == t.port)
                    {
                        m.desired.targets.push(t.clone());
                    }
                }
                for s in &input.desired.skipped {
                    if !m.desired.skipped.contains(s) {
                        m.desired.skipped.push(s.clone());
                    }
                }
                for (ip, known) in &input.desired.known {
                    m.desired
                        .known
                        .entry(ip.clone())
                        .or_insert_with(|| known.clone());
                }
            }
            None => merged.push(input.clone()),
        }
    }
    merged
}

/// Plan every binding. `actual` maps bindings to the CLB's targets; a missing entry means none.
pub fn plan(
    inputs: &[BindingInput],
    actual: &BTreeMap<Binding, Vec<ActualTarget>>,
    opts: &PlanOptions,
) -> SyncPlan {
    let none = Vec::new();
    let mut bindings: Vec<BindingPlan> = merge(inputs)
        .into_iter()
        .map(|input| {
            let targets = actual.get(&input.info.binding).unwrap_or(&none);
            plan_binding(input, targets, opts)
        })
        .collect();
    bindings.sort_by(|a, b| {
        (
            a.info.port,
            &a.info.protocol,
            &a.info.domain,
            &a.info.url,
            &a.info.binding,
        )
            .cmp(&(
                b.info.port,
                &b.info.protocol,
                &b.info.domain,
                &b.info.url,
                &b.info.binding,
            ))
    });
    SyncPlan { bindings }
}

fn plan_binding(input: BindingInput, actual: &[ActualTarget], opts: &PlanOptions) -> BindingPlan {
    let BindingInput {
        info,
        desired,
        families,
    } = input;
    // Every address of every wanted pod, on its port: a bound one satisfies the pod, whatever its family
    // (an IPv6 target of a live pod is kept).
    let wanted: BTreeMap<(&str, i64), &DesiredTarget> = desired
        .targets
        .iter()
        .flat_map(|t| t.addrs.iter().map(move |a| ((a.as_str(), t.port), t)))
        .collect();
    let wanted_ips: BTreeSet<&str> = desired
        .targets
        .iter()
        .flat_map(|t| t.addrs.iter().map(String::as_str))
        .collect();

    let mut register = Vec::new();
    let mut deregister = Vec::new();
    let mut keep = Vec::new();
    let mut leave = Vec::new();
    let mut bound: BTreeSet<(&str, i64)> = BTreeSet::new();

    for t in actual {
        let key = (t.ip.as_str(), t.port);
        if !bound.insert(key) {
            continue; // the API listed the same address twice
        }
        let known = desired.known.get(&t.ip);
        let pod = known.and_then(|k| k.pod.clone());
        if let Some(d) = wanted.get(&key) {
            keep.push(Keep {
                ip: t.ip.clone(),
                port: t.port,
                weight: t.weight,
                kind: t.kind.clone(),
                pod: d.pod.clone().or(pod),
                why: d.why,
            });
            continue;
        }
        let leave_it = |reason, detail: String| Leave {
            target: t.clone(),
            pod: pod.clone(),
            reason,
            detail,
        };
        let remove = |reason, pod: Option<String>| Deregister {
            target: t.clone(),
            pod,
            reason,
        };
        if !t.is_eni() && !opts.prune_non_eni {
            leave.push(leave_it(LeaveReason::NonEni, format!("{} target", t.kind)));
        } else if t.weight == 0 {
            // TKE drains with weight 0: whatever the cluster says now, leave the drain to TKE.
            leave.push(leave_it(LeaveReason::Draining, "weight 0".into()));
        } else if !t.is_eni() {
            deregister.push(remove(DeregisterReason::NonEni, pod));
        } else if wanted_ips.contains(t.ip.as_str()) {
            // The address is wanted on another port: a new pod with a reused IP, or a new target port.
            let now = desired
                .targets
                .iter()
                .find(|d| d.addrs.contains(&t.ip))
                .and_then(|d| d.pod.clone());
            deregister.push(remove(DeregisterReason::PortChanged, now.or(pod)));
        } else if let Some(k) = known {
            if let Some(not_eni) = &k.not_eni {
                let who = k.pod.as_deref().unwrap_or("an endpoint");
                let detail = format!("pod {who}: {}", not_eni.describe());
                leave.push(leave_it(LeaveReason::PodNotOnEni, detail));
            } else if k.port.is_some_and(|p| p != t.port) {
                deregister.push(remove(DeregisterReason::PortChanged, pod));
            } else {
                let who = match &k.pod {
                    Some(p) => format!("pod {p} is {}", k.state.as_str()),
                    None => format!("endpoint is {}", k.state.as_str()),
                };
                leave.push(leave_it(LeaveReason::Draining, who));
            }
        } else {
            deregister.push(remove(DeregisterReason::NotAnEndpoint, pod));
        }
    }
    let mut skipped = desired.skipped.clone();
    for d in &desired.targets {
        if d.addrs
            .iter()
            .any(|a| bound.contains(&(a.as_str(), d.port)))
        {
            continue;
        }
        match families.choose(&d.addrs) {
            Some(ip) => register.push(Register {
                ip: ip.to_string(),
                port: d.port,
                weight: opts.weight,
                pod: d.pod.clone(),
                why: d.why,
            }),
            None => skipped.push(Skipped {
                pod: d.pod.clone().unwrap_or_default(),
                ip: d.addrs.first().cloned().unwrap_or_default(),
                reason: SkipReason::NoAddressFor(if families.v6 { "IPv6" } else { "IPv4" }),
            }),
        }
    }

    register.sort_by(|a, b| addr_cmp((&a.ip, a.port), (&b.ip, b.port)));
    keep.sort_by(|a, b| addr_cmp((&a.ip, a.port), (&b.ip, b.port)));
    deregister
        .sort_by(|a, b| addr_cmp((&a.target.ip, a.target.port), (&b.target.ip, b.target.port)));
    leave.sort_by(|a, b| addr_cmp((&a.target.ip, a.target.port), (&b.target.ip, b.target.port)));

    skipped.sort();
    let mut plan = BindingPlan {
        info,
        families,
        register,
        deregister,
        keep,
        leave,
        skipped,
        guard: None,
        forced: false,
    };
    let (before, after, removing) = (plan.before(), plan.after(), plan.deregister.len());
    plan.guard = if before > 0 && after == 0 {
        Some(Guard::WouldEmpty { before })
    } else if removing * 2 > before {
        Some(Guard::RemovesMoreThanHalf { removing, before })
    } else if after > opts.quota.limit && !plan.register.is_empty() {
        Some(Guard::ExceedsQuota {
            after,
            quota: opts.quota,
        })
    } else {
        None
    };
    plan.forced = plan.guard.is_some() && opts.force;
    plan
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sync::desired::{KnownAddr, PodState};

    pub fn info(listener: &str, location: Option<&str>) -> BindingInfo {
        BindingInfo {
            binding: Binding {
                listener_id: listener.into(),
                location_id: location.map(str::to_string),
            },
            protocol: if location.is_some() {
                "HTTP".into()
            } else {
                "TCP".into()
            },
            port: 80,
            domain: location.map(|_| "example.com".into()),
            url: location.map(|_| "/".into()),
            service: "web".into(),
            service_port: "http".into(),
        }
    }

    pub fn want(ip: &str, port: i64, pod: &str) -> DesiredTarget {
        DesiredTarget {
            addrs: vec![ip.into()],
            port,
            pod: Some(pod.into()),
            why: Why::Ready,
        }
    }

    /// Options without a practical quota (for tests of large plans).
    pub fn no_quota() -> PlanOptions {
        PlanOptions {
            quota: TargetQuota {
                limit: 1_000_000,
                source: QuotaSource::Flag,
            },
            ..Default::default()
        }
    }

    pub fn eni(ip: &str, port: i64, weight: i64) -> ActualTarget {
        ActualTarget {
            ip: ip.into(),
            port,
            weight,
            kind: "ENI".into(),
            instance_id: None,
        }
    }

    pub fn known(pod: &str, state: PodState, port: i64) -> KnownAddr {
        KnownAddr {
            pod: Some(pod.into()),
            state,
            port: Some(port),
            not_eni: None,
        }
    }

    pub fn input(listener: &str, targets: Vec<DesiredTarget>) -> BindingInput {
        let known = targets
            .iter()
            .map(|t| {
                (
                    t.addrs[0].clone(),
                    known(t.pod.as_deref().unwrap(), PodState::Ready, t.port),
                )
            })
            .collect();
        BindingInput {
            info: info(listener, None),
            desired: Desired {
                targets,
                known,
                ..Default::default()
            },
            families: Families::IPV4,
        }
    }

    fn actual(listener: &str, targets: Vec<ActualTarget>) -> BTreeMap<Binding, Vec<ActualTarget>> {
        BTreeMap::from([(
            Binding {
                listener_id: listener.into(),
                location_id: None,
            },
            targets,
        )])
    }

    fn addrs<'a>(it: impl IntoIterator<Item = (&'a str, i64)>) -> Vec<String> {
        it.into_iter()
            .map(|(ip, port)| format!("{ip}:{port}"))
            .collect()
    }

    #[test]
    fn in_sync_is_empty() {
        let p = plan(
            &[input(
                "lbl-1",
                vec![want("10.0.0.1", 80, "a"), want("10.0.0.2", 80, "b")],
            )],
            &actual(
                "lbl-1",
                vec![eni("10.0.0.2", 80, 10), eni("10.0.0.1", 80, 10)],
            ),
            &PlanOptions::default(),
        );
        assert!(!p.has_changes());
        assert_eq!(p.bindings[0].keep.len(), 2);
        assert_eq!(p.bindings[0].guard, None);
    }

    #[test]
    fn scale_up_and_down_with_weights_kept() {
        let opts = PlanOptions {
            weight: 30,
            ..Default::default()
        };
        let p = plan(
            &[input(
                "lbl-1",
                vec![
                    want("10.0.0.1", 80, "a"),
                    want("10.0.0.2", 80, "b"),
                    want("10.0.0.3", 80, "c"),
                ],
            )],
            &actual(
                "lbl-1",
                vec![eni("10.0.0.1", 80, 55), eni("10.0.0.9", 80, 10)],
            ),
            &opts,
        );
        let b = &p.bindings[0];
        assert_eq!(
            addrs(b.register.iter().map(|r| (r.ip.as_str(), r.port))),
            ["10.0.0.2:80", "10.0.0.3:80"]
        );
        assert!(b.register.iter().all(|r| r.weight == 30));
        assert_eq!(
            (b.keep[0].ip.as_str(), b.keep[0].weight),
            ("10.0.0.1", 55),
            "existing weight kept"
        );
        assert_eq!(b.deregister[0].target.ip, "10.0.0.9");
        assert_eq!(b.deregister[0].reason, DeregisterReason::NotAnEndpoint);
        assert_eq!(b.guard, None, "1 of 2 is not more than half");
    }

    #[test]
    fn ip_reuse_same_ip_new_pod() {
        // 10.0.0.1 used to be pod old-1 on 8080; the IP now belongs to new-7 whose target port is 8081.
        let p = plan(
            &[input(
                "lbl-1",
                vec![
                    want("10.0.0.1", 8081, "new-7"),
                    want("10.0.0.2", 8080, "b"),
                    want("10.0.0.3", 8080, "c"),
                ],
            )],
            &actual(
                "lbl-1",
                vec![
                    eni("10.0.0.1", 8080, 10),
                    eni("10.0.0.2", 8080, 10),
                    eni("10.0.0.3", 8080, 10),
                ],
            ),
            &PlanOptions::default(),
        );
        let b = &p.bindings[0];
        assert_eq!(
            addrs(b.register.iter().map(|r| (r.ip.as_str(), r.port))),
            ["10.0.0.1:8081"]
        );
        assert_eq!(b.deregister.len(), 1);
        assert_eq!(
            (b.deregister[0].target.port, b.deregister[0].reason),
            (8080, DeregisterReason::PortChanged)
        );
        assert_eq!(b.deregister[0].pod.as_deref(), Some("new-7"));

        // Same IP and same port, new pod: the target is right as it is; it is kept with its weight and
        // attributed to the pod that has the address now.
        let p = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 8080, "new-7")])],
            &actual("lbl-1", vec![eni("10.0.0.1", 8080, 0)]),
            &PlanOptions::default(),
        );
        assert!(!p.has_changes());
        assert_eq!(
            (
                p.bindings[0].keep[0].pod.as_deref(),
                p.bindings[0].keep[0].weight
            ),
            (Some("new-7"), 0)
        );

        // The IP now belongs to a not-ready pod of the Service: TKE keeps it bound at weight 0 while it
        // drains; left alone (it used to be deregistered as `not-ready`).
        let mut i = input(
            "lbl-1",
            vec![want("10.0.0.2", 8080, "b"), want("10.0.0.3", 8080, "c")],
        );
        i.desired.known.insert(
            "10.0.0.1".into(),
            known("starting-1", PodState::NotReady, 8080),
        );
        let p = plan(
            &[i],
            &actual(
                "lbl-1",
                vec![
                    eni("10.0.0.1", 8080, 10),
                    eni("10.0.0.2", 8080, 10),
                    eni("10.0.0.3", 8080, 10),
                ],
            ),
            &PlanOptions::default(),
        );
        assert!(!p.has_changes());
        let l = &p.bindings[0].leave[0];
        assert_eq!(
            (l.reason, l.pod.as_deref(), l.detail.as_str()),
            (
                LeaveReason::Draining,
                Some("starting-1"),
                "pod starting-1 is not ready"
            )
        );
    }

    #[test]
    fn guards_empty_and_more_than_half() {
        let four = || {
            vec![
                eni("10.0.0.1", 80, 10),
                eni("10.0.0.2", 80, 10),
                eni("10.0.0.3", 80, 10),
                eni("10.0.0.4", 80, 10),
            ]
        };
        // Nothing desired: would empty the listener.
        let p = plan(
            &[input("lbl-1", vec![])],
            &actual("lbl-1", four()),
            &PlanOptions::default(),
        );
        assert_eq!(p.bindings[0].guard, Some(Guard::WouldEmpty { before: 4 }));
        assert!(p.bindings[0].blocked());
        // Three of four go: more than half.
        let p = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 80, "a")])],
            &actual("lbl-1", four()),
            &PlanOptions::default(),
        );
        assert_eq!(
            p.bindings[0].guard,
            Some(Guard::RemovesMoreThanHalf {
                removing: 3,
                before: 4
            })
        );
        // Exactly half is allowed.
        let p = plan(
            &[input(
                "lbl-1",
                vec![want("10.0.0.1", 80, "a"), want("10.0.0.2", 80, "b")],
            )],
            &actual("lbl-1", four()),
            &PlanOptions::default(),
        );
        assert_eq!(p.bindings[0].guard, None);
        // A full rollover (all new IPs) removes everything old: guarded even though the listener never empties.
        let p = plan(
            &[input(
                "lbl-1",
                vec![want("10.0.1.1", 80, "n1"), want("10.0.1.2", 80, "n2")],
            )],
            &actual("lbl-1", four()),
            &PlanOptions::default(),
        );
        assert_eq!(
            p.bindings[0].guard,
            Some(Guard::RemovesMoreThanHalf {
                removing: 4,
                before: 4
            })
        );
        // --force keeps the guard on record but unblocks.
        let p = plan(
            &[input("lbl-1", vec![])],
            &actual("lbl-1", four()),
            &PlanOptions {
                force: true,
                ..Default::default()
            },
        );
        assert!(p.bindings[0].forced && !p.bindings[0].blocked());
        // An empty listener with nothing desired is fine; so is an empty listener getting targets.
        let p = plan(
            &[input("lbl-1", vec![])],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert_eq!((p.bindings[0].guard, p.has_changes()), (None, false));
        let p = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 80, "a")])],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert_eq!((p.bindings[0].guard, p.register_count()), (None, 1));
    }

    #[test]
    fn a_listener_holds_no_more_than_its_quota() {
        let wanted = |n: usize| -> Vec<DesiredTarget> {
            (1..=n)
                .map(|i| want(&format!("10.0.0.{i}"), 80, &format!("p{i}")))
                .collect()
        };
        let quota = |limit| PlanOptions {
            quota: TargetQuota {
                limit,
                source: QuotaSource::Api,
            },
            ..Default::default()
        };
        let p = plan(&[input("lbl-1", wanted(4))], &BTreeMap::new(), &quota(3));
        let g = p.bindings[0].guard.unwrap();
        assert_eq!(g.id(), "exceeds-quota");
        assert_eq!(
            g.describe(),
            "would hold 4 targets; the CLB holds 3 per listener or rule (TOTAL_TARGET_BIND_QUOTA from DescribeQuota)"
        );
        assert!(p.bindings[0].blocked());
        assert_eq!(
            plan(&[input("lbl-1", wanted(3))], &BTreeMap::new(), &quota(3)).bindings[0].guard,
            None
        );
        // Already over the quota with nothing to add: nothing would be refused.
        let p = plan(
            &[input("lbl-1", wanted(2))],
            &actual(
                "lbl-1",
                vec![eni("10.0.0.1", 80, 10), eni("10.0.0.2", 80, 10)],
            ),
            &quota(1),
        );
        assert_eq!(p.bindings[0].guard, None);
        // The default: 200 per listener, from --max-targets.
        let p = plan(
            &[input("lbl-1", wanted(201))],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert!(
            p.bindings[0]
                .guard
                .unwrap()
                .describe()
                .contains("200 per listener or rule (--max-targets")
        );
    }

    #[test]
    fn half_empty_guard_counts_targets_left_alone() {
        // Two node targets stay (non-ENI); removing the one stale ENI target of three is fine.
        let cvm = |ip: &str| ActualTarget {
            ip: ip.into(),
            port: 30080,
            weight: 10,
            kind: "CVM".into(),
            instance_id: Some(format!("ins-{ip}")),
        };
        let p = plan(
            &[input("lbl-1", vec![])],
            &actual(
                "lbl-1",
                vec![
                    cvm("192.168.0.1"),
                    cvm("192.168.0.2"),
                    eni("10.0.0.1", 80, 10),
                ],
            ),
            &PlanOptions::default(),
        );
        let b = &p.bindings[0];
        assert_eq!((b.leave.len(), b.deregister.len(), b.guard), (2, 1, None));
        assert!(b.leave.iter().all(|l| l.reason == LeaveReason::NonEni));
        // With --prune-non-eni they go too: the listener would be empty.
        let p = plan(
            &[input("lbl-1", vec![])],
            &actual(
                "lbl-1",
                vec![
                    cvm("192.168.0.1"),
                    cvm("192.168.0.2"),
                    eni("10.0.0.1", 80, 10),
                ],
            ),
            &PlanOptions {
                prune_non_eni: true,
                ..Default::default()
            },
        );
        let b = &p.bindings[0];
        assert_eq!(
            b.deregister
                .iter()
                .filter(|d| d.reason == DeregisterReason::NonEni)
                .count(),
            2
        );
        assert_eq!(b.guard, Some(Guard::WouldEmpty { before: 3 }));
    }

    #[test]
    fn targets_tke_may_be_draining_are_left_alone() {
        // Wanted: web-1. Bound besides: a terminating pod at weight 0 (TKE's drain), a not-ready pod at
        // weight 10 (TKE sets 0 soon), an unknown address at weight 0, a terminating pod on a port it does
        // not serve (stale), and an address that belongs to no pod of the Service any more.
        let mut i = input("lbl-1", vec![want("10.0.0.1", 80, "web-1")]);
        i.desired
            .known
            .insert("10.0.0.2".into(), known("web-2", PodState::Terminating, 80));
        i.desired
            .known
            .insert("10.0.0.3".into(), known("web-3", PodState::NotReady, 80));
        i.desired
            .known
            .insert("10.0.0.5".into(), known("web-5", PodState::Terminating, 80));
        let p = plan(
            &[i],
            &actual(
                "lbl-1",
                vec![
                    eni("10.0.0.1", 80, 10),
                    eni("10.0.0.2", 80, 0),
                    eni("10.0.0.3", 80, 10),
                    eni("10.0.0.4", 80, 0),
                    eni("10.0.0.5", 81, 10),
                    eni("10.0.0.9", 80, 10),
                ],
            ),
            &PlanOptions::default(),
        );
        let b = &p.bindings[0];
        let left: Vec<_> = b
            .leave
            .iter()
            .map(|l| (l.target.ip.as_str(), l.reason, l.detail.as_str()))
            .collect();
        assert_eq!(
            left,
            [
                ("10.0.0.2", LeaveReason::Draining, "weight 0"),
                ("10.0.0.3", LeaveReason::Draining, "pod web-3 is not ready"),
                ("10.0.0.4", LeaveReason::Draining, "weight 0"),
            ]
        );
        let removed: Vec<_> = b
            .deregister
            .iter()
            .map(|d| (d.target.ip.as_str(), d.target.port, d.reason))
            .collect();
        assert_eq!(
            removed,
            [
                ("10.0.0.5", 81, DeregisterReason::PortChanged),
                ("10.0.0.9", 80, DeregisterReason::NotAnEndpoint)
            ]
        );
        assert_eq!(b.keep.len(), 1);
    }

    #[test]
    fn pods_not_on_an_eni_are_never_registered_and_their_targets_stay() {
        use crate::sync::desired::NotEni;
        let mut i = input("lbl-1", vec![want("10.0.0.1", 80, "web-1")]);
        let mut gr = known("web-2", PodState::Ready, 80);
        gr.not_eni = Some(NotEni::GlobalRouter(
            "networks-status names tke-bridge".into(),
        ));
        i.desired.known.insert("172.16.0.2".into(), gr);
        i.desired.skipped.push(Skipped {
            pod: "web-2".into(),
            ip: "172.16.0.2".into(),
            reason: SkipReason::NotEni(NotEni::GlobalRouter(
                "networks-status names tke-bridge".into(),
            )),
        });
        let p = plan(
            &[i],
            &actual(
                "lbl-1",
                vec![eni("10.0.0.1", 80, 10), eni("172.16.0.2", 80, 10)],
            ),
            &PlanOptions::default(),
        );
        assert!(!p.has_changes());
        let b = &p.bindings[0];
        assert_eq!(b.leave[0].reason, LeaveReason::PodNotOnEni);
        assert!(
            b.leave[0].detail.starts_with("pod web-2: GlobalRouter IP"),
            "{:?}",
            b.leave
        );
        assert_eq!(p.skipped().len(), 1);
    }

    #[test]
    fn dual_stack_pods_are_one_target_in_the_listeners_family() {
        let dual = |pod: &str, v4: &str, v6: &str| DesiredTarget {
            addrs: vec![v4.into(), v6.into()],
            port: 8080,
            pod: Some(pod.into()),
            why: Why::Ready,
        };
        let with = |families, targets: Vec<DesiredTarget>| {
            let mut i = input("lbl-1", vec![]);
            for t in &targets {
                for a in &t.addrs {
                    i.desired.known.insert(
                        a.clone(),
                        known(t.pod.as_deref().unwrap(), PodState::Ready, 8080),
                    );
                }
            }
            i.desired.targets = targets;
            i.families = families;
            i
        };
        // An IPv6 target of a live pod is that pod's target: kept, and its IPv4 address is not added.
        let p = plan(
            &[with(
                Families::IPV4,
                vec![
                    dual("web-1", "10.0.0.1", "fd00::1"),
                    dual("web-2", "10.0.0.2", "fd00::2"),
                ],
            )],
            &actual(
                "lbl-1",
                vec![eni("fd00::1", 8080, 10), eni("10.0.0.2", 8080, 10)],
            ),
            &PlanOptions::default(),
        );
        assert!(!p.has_changes(), "{p:#?}");
        assert_eq!(p.bindings[0].keep.len(), 2);
        // A listener that takes both registers the IPv6 address (TKE's default preference); one that takes
        // IPv6 only cannot place an IPv4-only pod and says so.
        let both = Families { v4: true, v6: true };
        let p = plan(
            &[with(both, vec![dual("web-3", "10.0.0.3", "fd00::3")])],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert_eq!(p.bindings[0].register[0].ip, "fd00::3");
        let v6 = Families {
            v4: false,
            v6: true,
        };
        let p = plan(
            &[with(v6, vec![want("10.0.0.4", 8080, "web-4")])],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert!(p.bindings[0].register.is_empty());
        assert_eq!(
            p.bindings[0].skipped[0].reason,
            SkipReason::NoAddressFor("IPv6")
        );
    }

    #[test]
    fn multiple_listeners_and_l7_rules_are_independent() {
        let l7 = |loc: &str, targets| BindingInput {
            info: info("lbl-7", Some(loc)),
            families: Families::IPV4,
            desired: Desired {
                targets,
                ..Default::default()
            },
        };
        let p = plan(
            &[
                l7("loc-a", vec![want("10.0.0.1", 8080, "a")]),
                l7("loc-b", vec![want("10.0.0.2", 9090, "b")]),
                input("lbl-1", vec![want("10.0.0.1", 80, "a")]),
            ],
            &BTreeMap::from([
                (
                    Binding {
                        listener_id: "lbl-7".into(),
                        location_id: Some("loc-a".into()),
                    },
                    vec![eni("10.0.0.1", 8080, 10)],
                ),
                // The address of loc-a is on loc-b too: stale there.
                (
                    Binding {
                        listener_id: "lbl-7".into(),
                        location_id: Some("loc-b".into()),
                    },
                    vec![eni("10.0.0.1", 8080, 10)],
                ),
            ]),
            &PlanOptions::default(),
        );
        let by_loc = |loc: &str| {
            p.bindings
                .iter()
                .find(|b| b.info.binding.location_id.as_deref() == Some(loc))
                .unwrap()
        };
        assert!(!by_loc("loc-a").has_changes());
        assert_eq!(by_loc("loc-b").register[0].ip, "10.0.0.2");
        assert_eq!(by_loc("loc-b").deregister[0].target.ip, "10.0.0.1");
        assert_eq!(
            p.bindings
                .iter()
                .find(|b| b.info.binding.location_id.is_none())
                .unwrap()
                .register
                .len(),
            1
        );
    }

    #[test]
    fn two_inputs_on_one_binding_merge() {
        let a = input("lbl-1", vec![want("10.0.0.1", 80, "a")]);
        let b = input(
            "lbl-1",
            vec![want("10.0.0.1", 80, "a"), want("10.0.0.2", 80, "b")],
        );
        let p = plan(&[a, b], &BTreeMap::new(), &PlanOptions::default());
        assert_eq!(p.bindings.len(), 1);
        assert_eq!(p.register_count(), 2);
    }
}
