//! Reading a cluster into [`ClusterFacts`]: one paginated LIST (`limit=500` + `continue`) per resource kind
//! per scope, all kinds concurrently, never a request per object. Each page is decoded into slim structs
//! and converted to facts at once, so memory follows the objects kept, not the bytes read.
//!
//! A 403 on one read becomes a [`ReadError`] in the facts (reported as a finding); an optional API that
//! is not served (404) is skipped; anything else stops the read with [`ReadFailure`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;

use super::facts::*;
use super::transport::{ApiFailure, Transport};
use super::wire;

/// Objects per LIST page.
pub const PAGE_SIZE: usize = 500;

/// The ConfigMaps in kube-system that carry TKE settings.
pub const TKE_CONFIGMAPS: [&str; 4] = [
    "tke-service-controller-config",
    "tke-ingress-controller-config",
    "tke-config",
    "tke-cni-agent-conf",
];

/// What to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadPlan {
    /// Also read Services, Ingresses, endpoints and workloads (doctor); else only the prerequisites (check).
    pub objects: bool,
    /// Namespace of the object audit; None = all namespaces.
    pub namespace: Option<String>,
    /// Label selector for Services and Ingresses.
    pub selector: Option<String>,
}

/// Counters a progress indicator can show while reading.
#[derive(Debug, Default)]
pub struct Progress {
    pub pages: AtomicUsize,
    pub objects: AtomicUsize,
}

/// The read could not be completed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("could not {what}: {failure}")]
pub struct ReadFailure {
    /// `list pods in all namespaces`, `get /version`.
    pub what: String,
    #[source]
    pub failure: ApiFailure,
}

/// One LIST: which resource, where, filtered how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSpec {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub namespace: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
}

impl ListSpec {
    fn new(group_version: &'static str, plural: &'static str, namespace: Option<&str>) -> Self {
        let (group, version) = group_version.split_once('/').unwrap_or(("", group_version));
        ListSpec {
            group,
            version,
            plural,
            namespace: namespace.map(str::to_string),
            label_selector: None,
            field_selector: None,
        }
    }

    /// `pods`, `daemonsets.apps` — the RBAC resource name.
    pub fn resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The first page's path and query.
    pub fn path(&self, continue_token: Option<&str>) -> String {
        let root = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        let mut path = match &self.namespace {
            Some(ns) => format!("{root}/namespaces/{}/{}", encode(ns), self.plural),
            None => format!("{root}/{}", self.plural),
        };
        path.push_str(&format!("?limit={PAGE_SIZE}"));
        if let Some(s) = &self.label_selector {
            path.push_str(&format!("&labelSelector={}", encode(s)));
        }
        if let Some(s) = &self.field_selector {
            path.push_str(&format!("&fieldSelector={}", encode(s)));
        }
        if let Some(c) = continue_token {
            path.push_str(&format!("&continue={}", encode(c)));
        }
        path
    }

    fn describe(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("list {} in namespace {ns}", self.resource()),
            None => format!("list {} in all namespaces", self.resource()),
        }
    }
}

/// Percent-encode a query value (everything but RFC 3986 unreserved characters).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Result of one LIST: the items, or the refusal to record.
enum Listed<T> {
    Items(Vec<T>),
    Denied(ReadError),
    NotServed,
}

impl<T> Listed<T> {
    fn take(self, errors: &mut Vec<ReadError>) -> Vec<T> {
        match self {
            Listed::Items(v) => v,
            Listed::Denied(e) => {
                errors.push(e);
                Vec::new()
            }
            Listed::NotServed => Vec::new(),
        }
    }
}

/// Every page of one LIST, each item mapped (and possibly dropped) as it is decoded.
async fn list<T, W, X>(
    t: &T,
    spec: ListSpec,
    progress: &Progress,
    mut map: impl FnMut(W) -> Option<X>,
) -> Result<Listed<X>, ReadFailure>
where
    T: Transport,
    W: DeserializeOwned,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let path = spec.path(token.as_deref());
        let body = match t.get(&path).await {
            Ok(b) => b,
            Err(f) if f.code() == Some(403) => {
                return Ok(Listed::Denied(ReadError {
                    verb: "list".into(),
                    resource: spec.resource(),
                    namespace: spec.namespace.clone(),
                    code: 403,
                    message: failure_message(&f),
                }));
            }
            Err(f) if f.code() == Some(404) && token.is_none() => return Ok(Listed::NotServed),
            Err(failure) => {
                return Err(ReadFailure {
                    what: spec.describe(),
                    failure,
                });
            }
        };
        let page: wire::List<W> = wire::decode(&body).map_err(|e| ReadFailure {
            what: spec.describe(),
            failure: ApiFailure::Transport {
                message: format!("unexpected response: {e}"),
                attempts: 1,
            },
        })?;
        progress.pages.fetch_add(1, Ordering::Relaxed);
        progress
            .objects
            .fetch_add(page.items.len(), Ordering::Relaxed);
        out.extend(page.items.into_iter().filter_map(&mut map));
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => token = Some(c),
            _ => return Ok(Listed::Items(out)),
        }
    }
}

fn failure_message(f: &ApiFailure) -> String {
    match f {
        ApiFailure::Status { message, .. } => message.clone(),
        ApiFailure::Transport { message, .. } => message.clone(),
    }
}

/// `/version`, or the refusal.
async fn read_version<T: Transport>(
    t: &T,
) -> Result<Result<ServerVersion, ReadError>, ReadFailure> {
    match t.get("/version").await {
        Ok(b) => wire::decode::<ServerVersion>(&b)
            .map(Ok)
            .map_err(|e| ReadFailure {
                what: "read /version".into(),
                failure: ApiFailure::Transport {
                    message: format!("unexpected response: {e}"),
                    attempts: 1,
                },
            }),
        Err(f) if f.code() == Some(403) => Ok(Err(ReadError {
            verb: "get".into(),
            resource: "/version".into(),
            namespace: None,
            code: 403,
            message: failure_message(&f),
        })),
        Err(failure) => Err(ReadFailure {
            what: "read /version".into(),
            failure,
        }),
    }
}

/// What a current cluster serves, assumed when discovery itself is refused.
const ASSUMED_GROUPS: [&str; 3] = [
    "networking.k8s.io/v1",
    "discovery.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
];

/// The group versions the server serves (`/apis`; the core group is always there). A refused discovery
/// is recorded and current APIs are assumed.
async fn read_groups<T: Transport>(
    t: &T,
    errors: &mut Vec<ReadError>,
) -> Result<Vec<String>, ReadFailure> {
    let b = match t.get("/apis").await {
        Ok(b) => b,
        Err(f) if f.code() == Some(403) => {
            errors.push(ReadError {
                verb: "get".into(),
                resource: "/apis".into(),
                namespace: None,
                code: 403,
                message: failure_message(&f),
            });
            return Ok(ASSUMED_GROUPS.iter().map(|g| g.to_string()).collect());
        }
        Err(failure) => {
            return Err(ReadFailure {
                what: "read API discovery /apis".into(),
                failure,
            });
        }
    };
    let list: wire::ApiGroupList = wire::decode(&b).map_err(|e| ReadFailure {
        what: "read API discovery /apis".into(),
        failure: ApiFailure::Transport {
            message: format!("unexpected response: {e}"),
            attempts: 1,
        },
    })?;
    Ok(list
        .groups
        .into_iter()
        .flat_map(|g| g.versions)
        .map(|v| v.group_version)
        .collect())
}

/// Ingress group versions in order of preference.
const INGRESS_VERSIONS: [&str; 3] = [
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "extensions/v1beta1",
];

/// Read everything the checks need, concurrently. `progress` is updated as pages arrive.
pub async fn read_facts<T: Transport>(
    t: &T,
    plan: &ReadPlan,
    progress: &Progress,
) -> Result<ClusterFacts, ReadFailure> {
    let mut errors = Vec::new();
    let (version, groups) = futures::try_join!(read_version(t), read_groups(t, &mut errors))?;
    let version = version.map_err(|e| errors.push(e)).ok();
    let served = |gv: &str| groups.iter().any(|g| g == gv);
    let apis = ServedApis {
        ingress: INGRESS_VERSIONS
            .iter()
            .filter(|v| served(v))
            .map(|v| v.to_string())
            .collect(),
        endpoint_slices: served("discovery.k8s.io/v1"),
    };

    let scope_ns = if plan.objects {
        plan.namespace.as_deref()
    } else {
        None
    };
    let all_namespaces = scope_ns.is_none();
    // With -A the scoped workload lists cover kube-system too; otherwise read kube-system's own.
    let kube_system_separately = !(plan.objects && all_namespaces);
    let webhook_gv = if served("admissionregistration.k8s.io/v1") {
        Some("admissionregistration.k8s.io/v1")
    } else if served("admissionregistration.k8s.io/v1beta1") {
        Some("admissionregistration.k8s.io/v1beta1")
    } else {
        None
    };

    let nodes = list(
        t,
        ListSpec::new("v1", "nodes", None),
        progress,
        |n: wire::Node| Some(NodeFacts::from(n)),
    );
    let configmaps = list(
        t,
        ListSpec::new("v1", "configmaps", Some("kube-system")),
        progress,
        |c: wire::ConfigMap| {
            TKE_CONFIGMAPS
                .contains(&c.metadata.name.as_str())
                .then_some((c.metadata.name, c.data))
        },
    );
    let webhooks = async {
        match webhook_gv {
            Some(gv) => {
                let gv: &'static str = gv;
                list(
                    t,
                    ListSpec::new(gv, "mutatingwebhookconfigurations", None),
                    progress,
                    |w: wire::Named| Some(w.metadata.name),
                )
                .await
            }
            None => Ok(Listed::NotServed),
        }
    };
    let ks_daemonsets = async {
        if kube_system_separately {
            list(
                t,
                ListSpec::new("apps/v1", "daemonsets", Some("kube-system")),
                progress,
                |w| Some(wire::component(w)),
            )
            .await
        } else {
            Ok(Listed::Items(Vec::new()))
        }
    };
    let ks_deployments = async {
        if kube_system_separately {
            list(
                t,
                ListSpec::new("apps/v1", "deployments", Some("kube-system")),
                progress,
                |w| Some(wire::component(w)),
            )
            .await
        } else {
            Ok(Listed::Items(Vec::new()))
        }
    };
    let mut pod_spec = ListSpec::new("v1", "pods", scope_ns);
    pod_spec.field_selector = Some("status.phase!=Succeeded,status.phase!=Failed".into());
    let pods = list(t, pod_spec, progress, |p: wire::Pod| {
        Some(PodFacts::from(p))
    });

    let objects = async {
        if !plan.objects {
            return Ok(Default::default());
        }
        let mut svc_spec = ListSpec::new("v1", "services", scope_ns);
        svc_spec.label_selector = plan.selector.clone();
        let services = list(t, svc_spec, progress, |s: wire::Service| {
            Some(ServiceFacts::from(s))
        });
        let ingresses = async {
            match apis.ingress.first() {
                Some(gv) => {
                    let gv: &'static str = INGRESS_VERSIONS.iter().find(|v| *v == gv).unwrap();
                    let mut spec = ListSpec::new(gv, "ingresses", scope_ns);
                    spec.label_selector = plan.selector.clone();
                    list(t, spec, progress, |i: wire::Ingress| {
                        Some(wire::ingress_facts(gv, i))
                    })
                    .await
                }
                None => Ok(Listed::NotServed),
            }
        };
        let endpoints = async {
            if apis.endpoint_slices {
                list(
                    t,
                    ListSpec::new("discovery.k8s.io/v1", "endpointslices", scope_ns),
                    progress,
                    wire::slice_pods,
                )
                .await
            } else {
                list(
                    t,
                    ListSpec::new("v1", "endpoints", scope_ns),
                    progress,
                    |e| Some(wire::endpoints_pods(e)),
                )
                .await
            }
        };
        let deployments = list(
            t,
            ListSpec::new("apps/v1", "deployments", scope_ns),
            progress,
            |w: wire::Workload| Some(w),
        );
        let statefulsets = list(
            t,
            ListSpec::new("apps/v1", "statefulsets", scope_ns),
            progress,
            |w: wire::Workload| Some(wire::workload_facts("StatefulSet", w)),
        );
        let daemonsets = list(
            t,
            ListSpec::new("apps/v1", "daemonsets", scope_ns),
            progress,
            |w: wire::Workload| Some(w),
        );
        let (s, i, e, d, st, ds) = futures::try_join!(
            services,
            ingresses,
            endpoints,
            deployments,
            statefulsets,
            daemonsets
        )?;
        Ok::<_, ReadFailure>(Some((s, i, e, d, st, ds)))
    };

    let (nodes, configmaps, webhooks, ks_ds, ks_deploy, pods, objects) = futures::try_join!(
        nodes,
        configmaps,
        webhooks,
        ks_daemonsets,
        ks_deployments,
        pods,
        objects
    )?;

    let mut facts = ClusterFacts {
        format: FACTS_FORMAT,
        scope: Scope {
            objects: plan.objects,
            namespace: scope_ns.map(str::to_string),
            selector: if plan.objects {
                plan.selector.clone()
            } else {
                None
            },
            pods_namespace: scope_ns.map(str::to_string),
        },
        version,
        apis,
        ..Default::default()
    };
    facts.nodes = nodes.take(&mut errors);
    facts.kube_system.configmaps = configmaps
        .take(&mut errors)
        .into_iter()
        .collect::<BTreeMap<_, _>>();
    facts.webhooks = webhooks.take(&mut errors);
    facts.kube_system.daemonsets = ks_ds.take(&mut errors);
    facts.kube_system.deployments = ks_deploy.take(&mut errors);
    facts.pods = pods.take(&mut errors);
    if let Some((services, ingresses, endpoints, deployments, statefulsets, daemonsets)) = objects {
        facts.services = services.take(&mut errors);
        facts.ingresses = ingresses.take(&mut errors);
        let mut by_service: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for (key, pods) in endpoints.take(&mut errors) {
            by_service.entry(key).or_default().extend(pods);
        }
        facts.endpoints = by_service
            .into_iter()
            .map(|((namespace, service), mut pods)| {
                pods.sort();
                pods.dedup();
                ServiceEndpoints {
                    namespace,
                    service,
                    pods,
                }
            })
            .collect();
        let deployments = deployments.take(&mut errors);
        let daemonsets = daemonsets.take(&mut errors);
        if !kube_system_separately {
            let ks = |w: &&wire::Workload| w.metadata.namespace.as_deref() == Some("kube-system");
            facts.kube_system.deployments =
                deployments.iter().filter(ks).map(component_of).collect();
            facts.kube_system.daemonsets = daemonsets.iter().filter(ks).map(component_of).collect();
        }
        facts.workloads = deployments
            .into_iter()
            .map(|w| wire::workload_facts("Deployment", w))
            .chain(statefulsets.take(&mut errors))
            .chain(
                daemonsets
                    .into_iter()
                    .map(|w| wire::workload_facts("DaemonSet", w)),
            )
            .collect();
    }
    facts.read_errors = errors;
    Ok(facts)
}

fn component_of(w: &wire::Workload) -> Component {
    Component {
        name: w.metadata.name.clone(),
        images: w
            .spec
            .template
            .spec
            .containers
            .iter()
            .map(|c| c.image.clone())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A transport over canned answers: path → body, or an error status; anything else is 404.
    struct Canned(HashMap<String, Result<&'static str, u16>>);

    impl Transport for Canned {
        async fn get(&self, path: &str) -> Result<bytes::Bytes, ApiFailure> {
            let status = |code: u16| ApiFailure::Status {
                code,
                reason: "X".into(),
                message: format!("status {code}"),
                attempts: 1,
            };
            match self.0.get(path) {
                Some(Ok(body)) => Ok(bytes::Bytes::from_static(body.as_bytes())),
                Some(Err(code)) => Err(status(*code)),
                None => Err(status(404)),
            }
        }
    }

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn prerequisites_with_a_refused_read_and_pages() {
        let empty = r#"{"items":[]}"#;
        let mut answers: HashMap<String, Result<&'static str, u16>> = HashMap::new();
        answers.insert(
            "/version".into(),
            Ok(r#"{"major":"1","minor":"28","gitVersion":"v1.28.3-tke.1"}"#),
        );
        answers.insert(
            "/apis".into(),
            Ok(r#"{"groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1"}]}]}"#),
        );
        answers.insert(
            "/api/v1/nodes?limit=500".into(),
            Ok(r#"{"metadata":{"continue":"n2"},"items":[{"metadata":{"name":"a"}}]}"#),
        );
        answers.insert(
            "/api/v1/nodes?limit=500&continue=n2".into(),
            Ok(r#"{"items":[{"metadata":{"name":"b"}}]}"#),
        );
        answers.insert(
            "/api/v1/namespaces/kube-system/configmaps?limit=500".into(),
            Ok(empty),
        );
        answers.insert(
            "/apis/apps/v1/namespaces/kube-system/daemonsets?limit=500".into(),
            Err(403),
        );
        answers.insert(
            "/apis/apps/v1/namespaces/kube-system/deployments?limit=500".into(),
            Ok(empty),
        );
        answers.insert(
            "/api/v1/pods?limit=500&fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed".into(),
            Ok(empty),
        );
        let progress = Progress::default();
        let facts = block(read_facts(
            &Canned(answers.clone()),
            &ReadPlan::default(),
            &progress,
        ))
        .unwrap();
        assert_eq!(facts.version.unwrap().git_version, "v1.28.3-tke.1");
        assert_eq!(
            facts
                .nodes
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(facts.read_errors.len(), 1);
        assert_eq!(facts.read_errors[0].resource, "daemonsets.apps");
        assert!(
            facts.webhooks.is_empty(),
            "admissionregistration is not served: skipped"
        );
        assert!(facts.apis.ingress.is_empty());

        let mut refused = answers.clone();
        refused.insert("/apis".into(), Err(403));
        let facts = block(read_facts(
            &Canned(refused),
            &ReadPlan::default(),
            &progress,
        ))
        .unwrap();
        assert!(
            facts.read_errors.iter().any(|e| e.resource == "/apis"),
            "refused discovery is a finding"
        );
        assert!(facts.apis.endpoint_slices, "and current APIs are assumed");
        answers.insert(
            "/api/v1/namespaces/kube-system/configmaps?limit=500".into(),
            Err(500),
        );
        let err = block(read_facts(
            &Canned(answers),
            &ReadPlan::default(),
            &progress,
        ))
        .unwrap_err();
        assert_eq!(err.what, "list configmaps in namespace kube-system");
    }

    #[test]
    fn list_paths_are_paginated_and_encoded() {
        let mut s = ListSpec::new("apps/v1", "deployments", Some("web"));
        s.label_selector = Some("app in (a,b)".into());
        assert_eq!(
            s.path(None),
            "/apis/apps/v1/namespaces/web/deployments?limit=500&labelSelector=app%20in%20%28a%2Cb%29"
        );
        let p = ListSpec::new("v1", "pods", None);
        assert_eq!(
            p.path(Some("abc=")),
            "/api/v1/pods?limit=500&continue=abc%3D"
        );
        assert_eq!(p.resource(), "pods");
        assert_eq!(s.resource(), "deployments.apps");
    }
}
