//! What every check sees: the facts, the detected network, and indexes built once (pods by labels,
//! the direct-access backends and their pods), so no check is quadratic on a large cluster.

use std::collections::{BTreeMap, HashMap};

use super::finding::Subject;
use super::version::KubeVersion;
use crate::cluster::facts::*;
use crate::model::consts;
use crate::model::network::NetworkDetection;

/// A Service that the CLB reaches pods of directly: a direct LoadBalancer Service, or the backend of a
/// direct CLB Ingress.
#[derive(Debug)]
pub struct Backend<'a> {
    pub service: &'a ServiceFacts,
    /// The Service itself has `direct-access: "true"` and is a LoadBalancer.
    pub direct_service: bool,
    /// Direct CLB Ingresses routing to it.
    pub via: Vec<&'a IngressFacts>,
    /// Its pods (selector ∪ endpoints), sorted by name.
    pub pods: Vec<&'a PodFacts>,
}

impl Backend<'_> {
    pub fn subject(&self) -> Subject {
        Subject::namespaced("Service", &self.service.namespace, &self.service.name)
    }

    /// `svc/web` or `svc/web (via ing/shop)` for messages.
    pub fn describe(&self) -> String {
        let svc = format!("svc/{}", self.service.name);
        if self.direct_service || self.via.is_empty() {
            svc
        } else {
            let ings: Vec<String> = self.via.iter().map(|i| format!("ing/{}", i.name)).collect();
            format!("{svc} (backend of {})", ings.join(", "))
        }
    }
}

pub struct Ctx<'a> {
    pub facts: &'a ClusterFacts,
    pub network: &'a NetworkDetection,
    pub version: Option<KubeVersion>,
    pub backends: Vec<Backend<'a>>,
    nodes: HashMap<&'a str, &'a NodeFacts>,
    /// (kind, namespace, name) → annotations that may carry `ignore-check.tkedirect.io/<id>`.
    annotations: HashMap<(&'a str, &'a str, &'a str), &'a BTreeMap<String, String>>,
}

/// The direct-access annotation value of a Service, if set.
pub fn service_direct(s: &ServiceFacts) -> Option<&str> {
    s.annotations
        .get(consts::SERVICE_DIRECT_ACCESS)
        .map(String::as_str)
}

pub fn ingress_direct(i: &IngressFacts) -> Option<&str> {
    i.annotations
        .get(consts::INGRESS_DIRECT_ACCESS)
        .map(String::as_str)
}

/// Whether TKE's CLB ingress controller serves this Ingress: class `qcloud` or no class at all.
pub fn is_clb_ingress(i: &IngressFacts) -> bool {
    let annotation = i
        .annotations
        .get(consts::INGRESS_CLASS_ANNOTATION)
        .map(String::as_str);
    let class = annotation.or(i.ingress_class_name.as_deref());
    class.is_none_or(|c| c == consts::QCLOUD_INGRESS_CLASS)
}

/// The workload that owns a pod: a ReplicaSet `web-7d9f8c` with `pod-template-hash: 7d9f8c` means
/// Deployment `web`; StatefulSet, DaemonSet, Job owners are used as they are.
pub fn owner_subject(p: &PodFacts) -> Subject {
    match &p.owner {
        Some(o) if o.kind == "ReplicaSet" => {
            let hash = p.labels.get("pod-template-hash");
            match hash.and_then(|h| o.name.strip_suffix(&format!("-{h}"))) {
                Some(deploy) => Subject::namespaced("Deployment", &p.namespace, deploy),
                None => Subject::namespaced("ReplicaSet", &p.namespace, &o.name),
            }
        }
        Some(o) => Subject::namespaced(&o.kind, &p.namespace, &o.name),
        None => Subject::namespaced("Pod", &p.namespace, &p.name),
    }
}

/// Whether every selector pair is in `labels` (an empty selector selects nothing, as for Services).
pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether an IPv4 address is inside a CIDR (IPv6 is not compared).
pub fn ipv4_in_cidr(ip: &str, cidr: &str) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else {
        return false;
    };
    let (Ok(ip), Ok(net), Ok(bits)) = (
        ip.parse::<std::net::Ipv4Addr>(),
        net.parse::<std::net::Ipv4Addr>(),
        bits.parse::<u32>(),
    ) else {
        return false;
    };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    (u32::from(ip) & mask) == (u32::from(net) & mask)
}

impl<'a> Ctx<'a> {
    pub fn new(facts: &'a ClusterFacts, network: &'a NetworkDetection) -> Self {
        let version = facts.version.as_ref().and_then(KubeVersion::from_server);
        let nodes = facts.nodes.iter().map(|n| (n.name.as_str(), n)).collect();
        let mut annotations: HashMap<(&str, &str, &str), &BTreeMap<String, String>> =
            HashMap::new();
        for s in &facts.services {
            annotations.insert(("Service", &s.namespace, &s.name), &s.annotations);
        }
        for i in &facts.ingresses {
            annotations.insert(("Ingress", &i.namespace, &i.name), &i.annotations);
        }
        for p in facts.pods.iter().filter(|p| !p.annotations.is_empty()) {
            annotations.insert(("Pod", &p.namespace, &p.name), &p.annotations);
        }
        for w in &facts.workloads {
            annotations.insert((&w.kind, &w.namespace, &w.name), &w.ignore);
        }
        for n in &facts.nodes {
            annotations.insert(("Node", "", &n.name), &n.ignore);
        }
        let mut ctx = Ctx {
            facts,
            network,
            version,
            backends: Vec::new(),
            nodes,
            annotations,
        };
        ctx.backends = ctx.find_backends();
        ctx
    }

    pub fn node(&self, name: &str) -> Option<&'a NodeFacts> {
        self.nodes.get(name).copied()
    }

    /// Whether a pod runs on a super node (serverless pods are direct natively).
    pub fn on_super_node(&self, p: &PodFacts) -> bool {
        p.annotations
            .get("tke.cloud.tencent.com/pod-type")
            .is_some_and(|t| t == "eklet")
            || p.node_name
                .as_deref()
                .and_then(|n| self.node(n))
                .is_some_and(|n| n.super_node)
    }

    /// LoadBalancer Services in scope.
    pub fn load_balancers(&self) -> impl Iterator<Item = &'a ServiceFacts> {
        self.facts
            .services
            .iter()
            .filter(|s| s.type_ == "LoadBalancer")
    }

    fn find_backends(&self) -> Vec<Backend<'a>> {
        let f = self.facts;
        // Pods indexed by (namespace, label key, value) and by (namespace, name).
        let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, p) in f.pods.iter().enumerate() {
            by_name.insert((&p.namespace, &p.name), i);
            for (k, v) in &p.labels {
                by_label.entry((&p.namespace, k, v)).or_default().push(i);
            }
        }
        let endpoints: HashMap<(&str, &str), &ServiceEndpoints> = f
            .endpoints
            .iter()
            .map(|e| ((e.namespace.as_str(), e.service.as_str()), e))
            .collect();
        let mut via: HashMap<(&str, &str), Vec<&IngressFacts>> = HashMap::new();
        for ing in f
            .ingresses
            .iter()
            .filter(|i| is_clb_ingress(i) && ingress_direct(i) == Some("true"))
        {
            for b in &ing.backends {
                via.entry((&ing.namespace, b)).or_default().push(ing);
            }
        }
        let mut out = Vec::new();
        for s in &f.services {
            let direct_service = s.type_ == "LoadBalancer" && service_direct(s) == Some("true");
            let via = via
                .remove(&(s.namespace.as_str(), s.name.as_str()))
                .unwrap_or_default();
            if !direct_service && via.is_empty() {
                continue;
            }
            let mut idx: Vec<usize> = Vec::new();
            if !s.selector.is_empty() {
                // Start from the smallest posting list, then check the whole selector.
                let smallest = s
                    .selector
                    .iter()
                    .map(|(k, v)| by_label.get(&(s.namespace.as_str(), k.as_str(), v.as_str())))
                    .min_by_key(|l| l.map_or(0, |l| l.len()))
                    .flatten();
                if let Some(list) = smallest {
                    idx.extend(
                        list.iter()
                            .copied()
                            .filter(|&i| selects(&s.selector, &f.pods[i].labels)),
                    );
                }
            }
            if let Some(e) = endpoints.get(&(s.namespace.as_str(), s.name.as_str())) {
                idx.extend(
                    e.pods
                        .iter()
                        .filter_map(|p| by_name.get(&(s.namespace.as_str(), p.as_str())).copied()),
                );
            }
            idx.sort_unstable();
            idx.dedup();
            let mut pods: Vec<&PodFacts> = idx.into_iter().map(|i| &f.pods[i]).collect();
            pods.sort_by(|a, b| a.name.cmp(&b.name));
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
pub fn by_owner<'a>(
    pods: impl IntoIterator<Item = &'a PodFacts>,
) -> Vec<(Subject, Vec<&'a PodFacts>)> {
    let mut groups: Vec<(Subject, Vec<&PodFacts>)> = Vec::new();
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
pub fn name_pods(pods: &[&PodFacts]) -> String {
    let shown: Vec<String> = pods
        .iter()
        .take(3)
        .map(|p| format!("pod/{}", p.name))
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

/// ENI IPs requested by pods per node — only when pods were read from every namespace (else None:
/// pods elsewhere use IPs too).
pub fn eni_used(facts: &ClusterFacts) -> Option<BTreeMap<String, i64>> {
    if facts.scope.pods_namespace.is_some() {
        return None;
    }
    let mut used: BTreeMap<String, i64> = BTreeMap::new();
    for p in facts.pods.iter().filter(|p| p.eni_requests > 0) {
        if let Some(n) = &p.node_name {
            *used.entry(n.clone()).or_default() += p.eni_requests;
        }
    }
    Some(used)
}

/// A pod's condition by type.
pub fn condition<'a>(p: &'a PodFacts, type_: &str) -> Option<&'a Condition> {
    p.conditions.iter().find(|c| c.type_ == type_)
}

/// `kubectl rollout restart deploy/web -n shop`, or the right words for pods without a controller.
pub fn restart_hint(owner: &Subject) -> String {
    let ns = owner.namespace.as_deref().unwrap_or("default");
    match owner.kind.as_str() {
        "Deployment" | "StatefulSet" | "DaemonSet" => {
            format!("kubectl -n {ns} rollout restart {}", owner.short())
        }
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

    #[test]
    fn cidr_membership() {
        assert!(ipv4_in_cidr("172.16.0.5", "172.16.0.0/24"));
        assert!(!ipv4_in_cidr("172.16.1.5", "172.16.0.0/24"));
        assert!(ipv4_in_cidr("10.1.2.3", "0.0.0.0/0"));
        assert!(!ipv4_in_cidr("fd00::1", "fd00::/64"));
    }

    #[test]
    fn owners_from_replicasets() {
        let mut p = PodFacts {
            namespace: "n".into(),
            name: "web-7d9f-abc".into(),
            ..Default::default()
        };
        p.labels.insert("pod-template-hash".into(), "7d9f".into());
        p.owner = Some(OwnerRef {
            kind: "ReplicaSet".into(),
            name: "web-7d9f".into(),
        });
        assert_eq!(
            owner_subject(&p),
            Subject::namespaced("Deployment", "n", "web")
        );
        p.owner = Some(OwnerRef {
            kind: "StatefulSet".into(),
            name: "db".into(),
        });
        assert_eq!(owner_subject(&p).short(), "sts/db");
    }
}
