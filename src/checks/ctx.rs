//! What every check sees: the facts, the detected network, and indexes built once (pods by labels, the
//! direct-access backends and their pods), so no check is quadratic on a large cluster. The TKE rules
//! themselves are in `crate::rules`; this module only indexes and groups.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use super::Check;
use crate::model::consts::{INGRESS_DIRECT_ACCESS, SERVICE_DIRECT_ACCESS};
use crate::model::{ClusterFacts, Ingress, KubeVersion, NetworkDetection, Node, Pod, Service};
use crate::report::{Field, Finding, Subject, field_path};
use crate::rules::backing::{Owner, owner};
use crate::rules::direct::{ingress_requests_direct, service_requests_direct};
use crate::rules::{ingress, network, selector};

/// A Service that the CLB reaches pods of directly: a direct LoadBalancer Service, or the backend of a
/// direct CLB Ingress.
#[derive(Debug)]
pub struct Backend<'a> {
    pub service: &'a Service,
    /// The Service itself asks for direct access and is a LoadBalancer.
    pub direct_service: bool,
    /// Direct CLB Ingresses routing to it.
    pub via: Vec<&'a Ingress>,
    /// Its pods (selector ∪ endpoints), sorted by name.
    pub pods: Vec<&'a Pod>,
}

impl Backend<'_> {
    pub fn subject(&self) -> Subject {
        subject_of("Service", &self.service.metadata)
    }

    /// `svc/web` or `svc/web (backend of ing/shop)` for messages.
    pub fn describe(&self) -> String {
        let svc = format!("svc/{}", self.service.metadata.name);
        if self.direct_service || self.via.is_empty() {
            svc
        } else {
            let ings: Vec<String> = self
                .via
                .iter()
                .map(|i| format!("ing/{}", i.metadata.name))
                .collect();
            format!("{svc} (backend of {})", ings.join(", "))
        }
    }

    /// The object whose events tell how TKE binds these pods: the Service when it is direct itself (the
    /// service controller), else the first Ingress routing to it (the ingress controller): `svc/web`,
    /// `ing/shop`.
    pub fn events_object(&self) -> String {
        match self.via.first() {
            Some(ing) if !self.direct_service => format!("ing/{}", ing.metadata.name),
            _ => format!("svc/{}", self.service.metadata.name),
        }
    }
}

/// The subject naming an object of `kind`.
pub fn subject_of(kind: &str, meta: &crate::model::ObjectMeta) -> Subject {
    Subject::new(kind, meta.namespace.as_deref(), &meta.name)
}

/// A Service or Ingress that asks for direct access, with what the CLB would reach through it.
#[derive(Debug)]
pub struct DirectRequest<'a> {
    pub subject: Subject,
    /// The direct-access annotation's path in the object.
    pub field: Vec<Field>,
    /// The Services whose pods the CLB would reach (the Service itself, or the Ingress's backends).
    pub services: Vec<Subject>,
    /// Their pods, as read.
    pub pods: Vec<&'a Pod>,
}

/// How a run judges time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// When the cluster was read (None: unknown, nothing is judged young).
    pub now: Option<jiff::Timestamp>,
    /// States younger than this are "in progress" (`--grace`).
    pub grace: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            now: None,
            grace: crate::rules::age::DEFAULT_GRACE,
        }
    }
}

pub struct Ctx<'a> {
    pub facts: &'a ClusterFacts,
    pub network: &'a NetworkDetection,
    pub version: Option<KubeVersion>,
    pub timing: Timing,
    pub backends: Vec<Backend<'a>>,
    nodes: HashMap<&'a str, &'a Node>,
    /// (kind, namespace, name) → annotations that may carry `ignore-check.tkedirect.io/<id>`.
    annotations: HashMap<(&'a str, &'a str, &'a str), &'a BTreeMap<String, String>>,
}

/// The workload that owns a pod, as a subject: a ReplicaSet `web-7d9f8c` with `pod-template-hash:
/// 7d9f8c` means Deployment `web`; other owners are used as they are; a bare pod is itself.
pub fn owner_subject(p: &Pod) -> Subject {
    let ns = p.metadata.namespace.as_deref();
    match owner(p, &[]) {
        Owner::Workload { kind, name, .. } => Subject::new(kind.as_str(), ns, &name),
        Owner::Foreign { kind, name } => Subject::new(&kind, ns, &name),
        Owner::None => Subject::new("Pod", ns, p.name()),
    }
}

/// Pods of one owner behind one backend: the unit most pod checks report on. The same pods behind
/// several backends (a direct Service and the backend of a direct Ingress that select them both) are one
/// group: `backend` is the first, `also` the others.
pub struct PodGroup<'c, 'a> {
    pub backend: &'c Backend<'a>,
    pub also: Vec<&'c Backend<'a>>,
    pub owner: Subject,
    pub pods: Vec<&'a Pod>,
}

impl PodGroup<'_, '_> {
    /// A finding about the group: the owner is the subject, the backend the related object, every pod
    /// is listed.
    pub fn finding(
        &self,
        check: &Check,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        let mut f = super::finding(check, Some(self.owner.clone()), message, fix);
        f.related = Some(self.backend.subject());
        f.pods = self.pods.iter().map(|p| p.name().to_string()).collect();
        f
    }

    /// `2 pods of deploy/web behind svc/web`, `… behind svc/web and svc/api (backend of ing/shop)`.
    pub fn describe(&self) -> String {
        let behind: Vec<String> = std::iter::once(self.backend)
            .chain(self.also.iter().copied())
            .map(Backend::describe)
            .collect();
        format!(
            "{} of {} behind {}",
            count(self.pods.len(), "pod"),
            self.owner.short(),
            behind.join(" and ")
        )
    }

    /// `pod/a, pod/b, pod/c and 4 more`.
    pub fn names(&self) -> String {
        name_pods(&self.pods)
    }
}

impl<'a> Ctx<'a> {
    /// A context judging ages against the time the facts were read, with the default grace period.
    pub fn new(facts: &'a ClusterFacts, network: &'a NetworkDetection) -> Self {
        let timing = Timing {
            now: facts.observed_at,
            ..Timing::default()
        };
        Ctx::with_timing(facts, network, timing)
    }

    pub fn with_timing(
        facts: &'a ClusterFacts,
        network: &'a NetworkDetection,
        timing: Timing,
    ) -> Self {
        let version = facts.version.as_ref().and_then(KubeVersion::from_server);
        let nodes = facts.nodes.iter().map(|n| (n.name(), n)).collect();
        let mut annotations: HashMap<(&str, &str, &str), &BTreeMap<String, String>> =
            HashMap::new();
        let mut add = |kind: &'a str, m: &'a crate::model::ObjectMeta| {
            if !m.annotations.is_empty() {
                annotations.insert((kind, m.ns(), &m.name), &m.annotations);
            }
        };
        for s in &facts.services {
            add("Service", &s.metadata);
        }
        for i in &facts.ingresses {
            add("Ingress", &i.metadata);
        }
        for p in &facts.pods {
            add("Pod", &p.metadata);
        }
        for w in &facts.workloads {
            add(&w.kind, &w.metadata);
        }
        for n in &facts.nodes {
            add("Node", &n.metadata);
        }
        let mut ctx = Ctx {
            facts,
            network,
            version,
            timing,
            backends: Vec::new(),
            nodes,
            annotations,
        };
        ctx.backends = ctx.find_backends();
        ctx
    }

    /// Whether a state that began at `since` is still young enough to be a transient one.
    pub fn young(&self, since: Option<jiff::Timestamp>) -> bool {
        crate::rules::age::young(since, self.timing.now, self.timing.grace)
    }

    /// `for 12s` when the age is known.
    pub fn age(&self, since: Option<jiff::Timestamp>) -> String {
        match (since, self.timing.now) {
            (Some(s), Some(n)) => format!(" for {}", crate::rules::age::describe(s, n)),
            _ => String::new(),
        }
    }

    /// Every Service and Ingress in scope that asks for direct access (whether or not it can have it).
    pub fn direct_requests(&self) -> Vec<DirectRequest<'a>> {
        let mut out = Vec::new();
        for b in self.backends.iter().filter(|b| b.direct_service) {
            out.push(DirectRequest {
                subject: b.subject(),
                field: field_path(&["metadata", "annotations", SERVICE_DIRECT_ACCESS]),
                services: vec![b.subject()],
                pods: b.pods.clone(),
            });
        }
        for ing in self
            .facts
            .ingresses
            .iter()
            .filter(|i| crate::rules::direct::ingress_requests_direct(i))
        {
            let backends: Vec<&Backend> = self
                .backends
                .iter()
                .filter(|b| b.via.iter().any(|v| std::ptr::eq(*v, ing)))
                .collect();
            out.push(DirectRequest {
                subject: subject_of("Ingress", &ing.metadata),
                field: field_path(&["metadata", "annotations", INGRESS_DIRECT_ACCESS]),
                services: backends.iter().map(|b| b.subject()).collect(),
                pods: backends
                    .iter()
                    .flat_map(|b| b.pods.iter().copied())
                    .collect(),
            });
        }
        out
    }

    /// Whether every pod behind a request runs on a super node (direct without GlobalRouteDirectAccess);
    /// with no pods read, whether the workloads its Services select are pinned to super nodes.
    pub fn all_on_super_nodes(&self, req: &DirectRequest) -> bool {
        if !req.pods.is_empty() {
            return req.pods.iter().all(|p| self.on_super_node(p));
        }
        let workloads: Vec<_> = self
            .backends
            .iter()
            .filter(|b| req.services.contains(&b.subject()))
            .flat_map(|b| {
                self.facts.workloads.iter().filter(move |w| {
                    w.metadata.ns() == b.service.metadata.ns()
                        && w.template().is_some_and(|t| {
                            selector::selects(&b.service.spec.selector, &t.metadata.labels)
                        })
                })
            })
            .collect();
        !workloads.is_empty()
            && workloads
                .iter()
                .all(|w| w.template().is_some_and(network::template_on_super_nodes))
    }

    /// What a workload's pod template lacks to be on an ENI in a mixed cluster, or None when it is opted
    /// in (the annotation is enough where TKE's ENI webhook may run: it adds the resource to
    /// containers[0] of new pods), pinned to super nodes, or on the host network.
    pub fn missing_opt_in(&self, w: &crate::model::Workload) -> Option<Vec<String>> {
        use crate::model::consts::{NETWORK_SHARED_ENI, POD_NETWORKS, RESOURCE_ENI_IP};
        let t = w.template()?;
        if t.spec.host_network || network::template_on_super_nodes(t) {
            return None;
        }
        let opt_in = network::template_opt_in(t);
        if opt_in.complete(self.network.eni_webhook_may_run()) {
            return None;
        }
        let mut missing = Vec::new();
        if opt_in.flavor.is_none() {
            missing.push(format!(
                "the pod-template annotation {POD_NETWORKS}: {NETWORK_SHARED_ENI}"
            ));
        }
        if opt_in.resources.is_empty() && !self.network.eni_webhook_may_run() {
            missing.push(format!(
                "the resource {RESOURCE_ENI_IP}: \"1\" on one container"
            ));
        }
        Some(missing)
    }

    /// The workload (of `facts.workloads`) that owns a pod, if it was read.
    pub fn workload_of(&self, p: &Pod) -> Option<&'a crate::model::Workload> {
        let owner = owner_subject(p);
        self.facts.workloads.iter().find(|w| {
            w.kind == owner.kind
                && w.name() == owner.name
                && w.metadata.namespace == owner.namespace
        })
    }

    pub fn node(&self, name: &str) -> Option<&'a Node> {
        self.nodes.get(name).copied()
    }

    /// The node a pod runs on, when it was read.
    pub fn node_of(&self, p: &Pod) -> Option<&'a Node> {
        self.node(p.spec.node_name.as_deref()?)
    }

    /// Whether a pod runs on a super node (serverless pods are direct natively).
    pub fn on_super_node(&self, p: &Pod) -> bool {
        network::on_super_node(p, self.node_of(p))
    }

    /// Whether a finding is about what `-l SELECTOR` selected. The selector narrows the Services and
    /// Ingresses read; findings about pods and workloads follow it: they stay when a selected
    /// LoadBalancer Service (or a backend of a selected Ingress) selects the pod, or the workload's pod
    /// template, in its namespace. Cluster findings, and those about Services, Ingresses and nodes, stay.
    /// Without `-l`, everything is in scope.
    pub fn in_selection(&self, f: &Finding) -> bool {
        if self.facts.scope.selector.is_none() {
            return true;
        }
        let Some(subject) = &f.subject else {
            return true;
        };
        if matches!(subject.kind.as_str(), "Service" | "Ingress" | "Node") {
            return true;
        }
        let ns = subject.namespace.as_deref();
        let selects = |labels: &BTreeMap<String, String>| {
            self.load_balancers()
                .chain(self.backends.iter().map(|b| b.service))
                .any(|s| {
                    s.metadata.namespace.as_deref() == ns
                        && !s.spec.selector.is_empty()
                        && selector::selects(&s.spec.selector, labels)
                })
        };
        let workload = self.facts.workloads.iter().find(|w| {
            w.kind == subject.kind
                && w.name() == subject.name
                && w.metadata.namespace.as_deref() == ns
        });
        if let Some(t) = workload.and_then(|w| w.template())
            && selects(&t.metadata.labels)
        {
            return true;
        }
        let named: Vec<&str> = if f.pods.is_empty() && subject.kind == "Pod" {
            vec![subject.name.as_str()]
        } else {
            f.pods.iter().map(String::as_str).collect()
        };
        self.facts.pods.iter().any(|p| {
            p.metadata.namespace.as_deref() == ns
                && named.contains(&p.name())
                && selects(&p.metadata.labels)
        })
    }

    /// LoadBalancer Services in scope that TKE gives a CLB (no other load-balancer class).
    pub fn load_balancers(&self) -> impl Iterator<Item = &'a Service> {
        self.facts
            .services
            .iter()
            .filter(|s| crate::rules::direct::clb_service(s))
    }

    /// The backends' pods that `keep` selects, grouped by backend and owner, in order.
    pub fn pod_groups<'c>(
        &'c self,
        keep: impl Fn(&Backend<'a>, &Pod) -> bool,
    ) -> Vec<PodGroup<'c, 'a>> {
        let mut out: Vec<PodGroup<'c, 'a>> = Vec::new();
        // (owner, the pods' addresses) → index in `out`.
        let mut seen: HashMap<(Subject, Vec<usize>), usize> = HashMap::new();
        for b in &self.backends {
            let pods = b.pods.iter().copied().filter(|p| keep(b, p));
            for (owner, pods) in by_owner(pods) {
                let key = (
                    owner.clone(),
                    pods.iter()
                        .map(|p| std::ptr::from_ref(*p) as usize)
                        .collect(),
                );
                match seen.get(&key) {
                    Some(&i) => out[i].also.push(b),
                    None => {
                        seen.insert(key, out.len());
                        out.push(PodGroup {
                            backend: b,
                            also: Vec::new(),
                            owner,
                            pods,
                        });
                    }
                }
            }
        }
        out
    }

    fn find_backends(&self) -> Vec<Backend<'a>> {
        let f = self.facts;
        // Pods indexed by (namespace, label key, value) and by (namespace, name).
        let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, p) in f.pods.iter().enumerate() {
            by_name.insert((p.metadata.ns(), p.name()), i);
            for (k, v) in &p.metadata.labels {
                by_label.entry((p.metadata.ns(), k, v)).or_default().push(i);
            }
        }
        let endpoints: HashMap<(&str, &str), &crate::model::ServiceEndpoints> = f
            .endpoints
            .iter()
            .map(|e| ((e.namespace.as_str(), e.service.as_str()), e))
            .collect();
        let mut via: HashMap<(&str, String), Vec<&Ingress>> = HashMap::new();
        for ing in f.ingresses.iter().filter(|i| ingress_requests_direct(i)) {
            for b in ingress::services(ing) {
                via.entry((ing.metadata.ns(), b)).or_default().push(ing);
            }
        }
        let mut out = Vec::new();
        for s in &f.services {
            let ns = s.metadata.ns();
            let direct_service = service_requests_direct(s);
            let via = via
                .remove(&(ns, s.metadata.name.clone()))
                .unwrap_or_default();
            if !direct_service && via.is_empty() {
                continue;
            }
            let sel = &s.spec.selector;
            let mut idx: Vec<usize> = Vec::new();
            if !sel.is_empty() {
                // Start from the smallest posting list, then check the whole selector.
                let smallest = sel
                    .iter()
                    .map(|(k, v)| by_label.get(&(ns, k.as_str(), v.as_str())))
                    .min_by_key(|l| l.map_or(0, |l| l.len()))
                    .flatten();
                if let Some(list) = smallest {
                    idx.extend(
                        list.iter()
                            .copied()
                            .filter(|&i| selector::selects(sel, &f.pods[i].metadata.labels)),
                    );
                }
            }
            if let Some(e) = endpoints.get(&(ns, s.metadata.name.as_str())) {
                idx.extend(
                    e.endpoints
                        .iter()
                        .filter_map(|ep| ep.pod.as_deref())
                        .filter_map(|p| by_name.get(&(ns, p)).copied()),
                );
            }
            idx.sort_unstable();
            idx.dedup();
            let mut pods: Vec<&Pod> = idx.into_iter().map(|i| &f.pods[i]).collect();
            pods.sort_by(|a, b| a.name().cmp(b.name()));
            out.push(Backend {
                service: s,
                direct_service,
                via,
                pods,
            });
        }
        out
    }

    /// Annotations of the object a subject names, for the ignore annotation.
    pub fn ignore_annotations(&self, s: &Subject) -> Option<&'a BTreeMap<String, String>> {
        let ns = s.namespace.as_deref().unwrap_or_default();
        self.annotations
            .get(&(s.kind.as_str(), ns, s.name.as_str()))
            .copied()
    }
}

/// Group pods by owning workload, keeping order: (owner, pods).
pub fn by_owner<'a>(pods: impl IntoIterator<Item = &'a Pod>) -> Vec<(Subject, Vec<&'a Pod>)> {
    let mut groups: Vec<(Subject, Vec<&Pod>)> = Vec::new();
    for p in pods {
        let owner = owner_subject(p);
        match groups.iter_mut().find(|(o, _)| *o == owner) {
            Some((_, list)) => list.push(p),
            None => groups.push((owner, vec![p])),
        }
    }
    groups
}

/// `pod/a, pod/b, pod/c and 4 more`.
pub fn name_pods(pods: &[&Pod]) -> String {
    let shown: Vec<String> = pods
        .iter()
        .take(3)
        .map(|p| format!("pod/{}", p.name()))
        .collect();
    if pods.len() > 3 {
        format!("{} and {} more", shown.join(", "), pods.len() - 3)
    } else {
        shown.join(", ")
    }
}

/// `1 pod` / `3 pods`.
pub fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `kubectl rollout restart deploy/web -n shop`, or the right words for pods without a controller.
pub fn restart_hint(owner: &Subject) -> String {
    let ns = owner.namespace.as_deref().unwrap_or("default");
    match owner.kind.as_str() {
        "Deployment" | "StatefulSet" | "DaemonSet" => {
            format!("kubectl -n {ns} rollout restart {}", owner.short())
        }
        "Rollout" => format!("kubectl argo rollouts restart {} -n {ns}", owner.name),
        "Pod" => format!("delete and recreate pod/{} -n {ns}", owner.name),
        _ => format!("recreate the pods of {} -n {ns}", owner.short()),
    }
}

/// `has`/`have` for `count` things.
pub fn verb<'v>(n: usize, one: &'v str, many: &'v str) -> &'v str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::pod;

    #[test]
    fn owners_from_replicasets() {
        let p = pod("web", "web-abc-1");
        assert_eq!(
            owner_subject(&p),
            Subject::namespaced("Deployment", "web", "web")
        );
        let mut s = p.clone();
        s.metadata.owner_references[0].kind = "StatefulSet".into();
        s.metadata.owner_references[0].name = "db".into();
        assert_eq!(owner_subject(&s).short(), "sts/db");
    }
}
