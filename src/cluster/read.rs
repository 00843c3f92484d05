//! Reading through the port, decoding once into the model: one paginated LIST loop, one GET helper, and
//! the facts `check`/`doctor` need ([`read_facts`]): one LIST per kind per scope, all kinds concurrently,
//! never a request per object. Pages are decoded into model objects and slimmed at once, so memory follows
//! the objects kept, not the bytes read.
//!
//! A 403 on one read becomes a [`ReadError`] in the facts (reported as a finding); an optional API that is
//! not served (404) is skipped; anything else stops the read with [`ReadFailure`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::port::{ApiError, Cluster, ListQuery, Resource};
use crate::model::consts::{self, INGRESS_API_VERSIONS, KUBE_SYSTEM_CONFIGMAPS};
use crate::model::endpoints::{EndpointSlice, Endpoints};
use crate::model::facts::{FACTS_FORMAT, ReadError, Scope, ServedApis};
use crate::model::{
    ClusterFacts, ConfigMap, Endpoint, Ingress, Kind, Node, Pod, ServerVersion, Service,
    ServiceEndpoints, Workload,
};

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

/// A read could not be completed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("could not {what}: {error}")]
pub struct ReadFailure {
    /// `list pods in all namespaces`, `get /version`.
    pub what: String,
    #[source]
    pub error: ApiError,
}

/// The result of one LIST: the items, or the refusal to record, or nothing served.
#[derive(Debug)]
pub enum Listed<T> {
    Items(Vec<T>),
    Denied(ReadError),
    NotServed,
}

impl<T> Listed<T> {
    /// The items; a refusal is recorded in `errors`.
    pub fn take(self, errors: &mut Vec<ReadError>) -> Vec<T> {
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

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default)]
    metadata: PageMeta,
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

#[derive(Default, Deserialize)]
struct PageMeta {
    #[serde(rename = "continue", default)]
    continue_: Option<String>,
}

/// Decode a JSON body; an unreadable one is a transport error.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::transport(format!("unexpected response: {e}")))
}

fn describe(verb: &str, r: &Resource, ns: Option<&str>) -> String {
    match ns {
        Some(ns) => format!("{verb} {} in namespace {ns}", r.rbac_name()),
        None if r.namespaced => format!("{verb} {} in all namespaces", r.rbac_name()),
        None => format!("{verb} {}", r.rbac_name()),
    }
}

/// Every page of one LIST, each item mapped (and possibly dropped) as it is decoded.
pub async fn list_all<C, T, X>(
    c: &C,
    r: impl std::borrow::Borrow<Resource>,
    ns: Option<&str>,
    query: &ListQuery,
    progress: &Progress,
    mut map: impl FnMut(T) -> Option<X>,
) -> Result<Listed<X>, ReadFailure>
where
    C: Cluster,
    T: DeserializeOwned,
{
    let r = r.borrow();
    let mut out = Vec::new();
    let mut query = query.clone();
    loop {
        let body = match c.list(r, ns, &query).await {
            Ok(b) => b,
            Err(e) if e.code() == Some(403) => {
                return Ok(Listed::Denied(ReadError {
                    verb: "list".into(),
                    resource: r.rbac_name(),
                    namespace: ns.map(str::to_string),
                    code: 403,
                    message: e.message().to_string(),
                }));
            }
            Err(e) if e.code() == Some(404) && query.continue_token.is_none() => {
                return Ok(Listed::NotServed);
            }
            Err(error) => {
                return Err(ReadFailure {
                    what: describe("list", r, ns),
                    error,
                });
            }
        };
        let page: Page<T> = decode(&body).map_err(|error| ReadFailure {
            what: describe("list", r, ns),
            error,
        })?;
        progress.pages.fetch_add(1, Ordering::Relaxed);
        progress
            .objects
            .fetch_add(page.items.len(), Ordering::Relaxed);
        out.extend(page.items.into_iter().filter_map(&mut map));
        match page.metadata.continue_ {
            Some(c) if !c.is_empty() => query.continue_token = Some(c),
            _ => return Ok(Listed::Items(out)),
        }
    }
}

/// GET one object into the model; None when it does not exist.
pub async fn get_object<C: Cluster, T: DeserializeOwned>(
    c: &C,
    r: &Resource,
    ns: Option<&str>,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match c.get(r, ns, name).await? {
        Some(b) => decode(&b).map(Some),
        None => Ok(None),
    }
}

/// The Services of a namespace's endpoints, from EndpointSlices (or Endpoints where slices are not
/// served), grouped by Service.
pub fn group_endpoints(
    listed: impl IntoIterator<Item = (String, String, Vec<Endpoint>)>,
) -> Vec<ServiceEndpoints> {
    let mut by_service: BTreeMap<(String, String), Vec<Endpoint>> = BTreeMap::new();
    for (ns, svc, eps) in listed {
        by_service.entry((ns, svc)).or_default().extend(eps);
    }
    by_service
        .into_iter()
        .map(|((namespace, service), endpoints)| ServiceEndpoints {
            namespace,
            service,
            endpoints,
        })
        .collect()
}

/// An EndpointSlice as (namespace, Service, endpoints); None when it names no Service.
pub fn slice_endpoints(s: EndpointSlice) -> Option<(String, String, Vec<Endpoint>)> {
    let service = s.service()?.to_string();
    Some((s.metadata.ns().to_string(), service, s.flatten()))
}

/// An Endpoints object as (namespace, Service, endpoints).
pub fn legacy_endpoints(e: Endpoints) -> (String, String, Vec<Endpoint>) {
    let eps = e.flatten();
    (e.metadata.ns().to_string(), e.metadata.name, eps)
}

/// Annotations the rules read on pods and nodes: TKE's own and the ignore annotations.
fn rule_annotation(key: &str) -> bool {
    key.starts_with("tke.cloud.tencent.com/") || key.starts_with(consts::IGNORE_CHECK_PREFIX)
}

/// A pod as the facts keep it: no images, only the annotations rules read.
pub fn slim_pod(mut p: Pod) -> Pod {
    p.metadata.keep_annotations(rule_annotation);
    for c in &mut p.spec.containers {
        c.image.clear();
    }
    p
}

fn slim_node(mut n: Node) -> Node {
    n.metadata.keep_annotations(rule_annotation);
    crate::model::node::slim(&mut n, |r| r.starts_with("tke.cloud.tencent.com/"));
    n
}

/// A workload as the facts keep it: `kind` set, the ignore annotations, template annotations of TKE.
pub(crate) fn slim_workload(kind: Kind) -> impl Fn(Workload) -> Option<Workload> {
    move |mut w| {
        w.kind = kind.as_str().to_string();
        w.metadata.keep_annotations(|k| {
            k.starts_with(consts::IGNORE_CHECK_PREFIX) || k == consts::FIXED_IP_DELETE_POLICY
        });
        if let Some(t) = w.spec.template.as_mut() {
            t.metadata.keep_annotations(rule_annotation);
        }
        Some(w)
    }
}

/// `/version`, or the refusal.
async fn read_version<C: Cluster>(c: &C) -> Result<Result<ServerVersion, ReadError>, ReadFailure> {
    let fail = |error| ReadFailure {
        what: "read /version".into(),
        error,
    };
    match c.get_path("/version").await {
        Ok(b) => decode(&b).map(Ok).map_err(fail),
        Err(e) if e.code() == Some(403) => Ok(Err(ReadError {
            verb: "get".into(),
            resource: "/version".into(),
            namespace: None,
            code: 403,
            message: e.message().to_string(),
        })),
        Err(e) => Err(fail(e)),
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
pub async fn read_groups<C: Cluster>(
    c: &C,
    errors: &mut Vec<ReadError>,
) -> Result<Vec<String>, ReadFailure> {
    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct GroupList {
        groups: Vec<Group>,
    }
    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct Group {
        versions: Vec<GroupVersion>,
    }
    #[derive(Default, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct GroupVersion {
        group_version: String,
    }
    let fail = |error| ReadFailure {
        what: "read API discovery /apis".into(),
        error,
    };
    let b = match c.get_path("/apis").await {
        Ok(b) => b,
        Err(e) if e.code() == Some(403) => {
            errors.push(ReadError {
                verb: "get".into(),
                resource: "/apis".into(),
                namespace: None,
                code: 403,
                message: e.message().to_string(),
            });
            return Ok(ASSUMED_GROUPS.iter().map(|g| g.to_string()).collect());
        }
        Err(e) => return Err(fail(e)),
    };
    let list: GroupList = decode(&b).map_err(fail)?;
    Ok(list
        .groups
        .into_iter()
        .flat_map(|g| g.versions)
        .map(|v| v.group_version)
        .collect())
}

/// Which APIs the server serves, from discovery.
pub fn served_apis(groups: &[String]) -> ServedApis {
    let served = |gv: &str| groups.iter().any(|g| g == gv);
    ServedApis {
        ingress: INGRESS_API_VERSIONS
            .iter()
            .filter(|v| served(v))
            .map(|v| v.to_string())
            .collect(),
        endpoint_slices: served("discovery.k8s.io/v1"),
    }
}

/// Read everything the checks need, concurrently. `progress` is updated as pages arrive.
pub async fn read_facts<C: Cluster>(
    c: &C,
    plan: &ReadPlan,
    progress: &Progress,
) -> Result<ClusterFacts, ReadFailure> {
    let mut errors = Vec::new();
    let observed_at = jiff::Timestamp::now();
    let (version, groups) = futures::try_join!(read_version(c), read_groups(c, &mut errors))?;
    let version = version.map_err(|e| errors.push(e)).ok();
    let apis = served_apis(&groups);
    let served = |gv: &str| groups.iter().any(|g| g == gv);

    let scope_ns = if plan.objects {
        plan.namespace.as_deref()
    } else {
        None
    };
    // With -A the scoped workload lists cover kube-system too; otherwise read kube-system's own.
    let kube_system_separately = !(plan.objects && scope_ns.is_none());
    let webhook_gv = [
        "admissionregistration.k8s.io/v1",
        "admissionregistration.k8s.io/v1beta1",
    ]
    .into_iter()
    .find(|gv| served(gv));
    let all = &ListQuery::default();
    let ks = Some("kube-system");

    let nodes = list_all(c, Resource::nodes(), None, all, progress, |n: Node| {
        Some(slim_node(n))
    });
    let configmaps = list_all(
        c,
        Resource::configmaps(),
        ks,
        all,
        progress,
        |m: ConfigMap| {
            KUBE_SYSTEM_CONFIGMAPS
                .contains(&m.metadata.name.as_str())
                .then_some(m)
        },
    );
    let webhooks = async {
        match webhook_gv {
            Some(gv) => {
                #[derive(Deserialize)]
                struct Named {
                    #[serde(default)]
                    metadata: crate::model::ObjectMeta,
                }
                list_all(
                    c,
                    Resource::mutating_webhooks(gv),
                    None,
                    all,
                    progress,
                    |w: Named| Some(w.metadata.name),
                )
                .await
            }
            None => Ok(Listed::NotServed),
        }
    };
    let ks_workloads = |kind: Kind| async move {
        if kube_system_separately {
            list_all(
                c,
                Resource::of(kind, None),
                ks,
                all,
                progress,
                slim_workload(kind),
            )
            .await
        } else {
            Ok(Listed::Items(Vec::new()))
        }
    };
    let pod_query = ListQuery {
        field_selector: Some("status.phase!=Succeeded,status.phase!=Failed".into()),
        ..Default::default()
    };
    let pods = list_all(
        c,
        Resource::pods(),
        scope_ns,
        &pod_query,
        progress,
        |p: Pod| Some(slim_pod(p)),
    );

    let objects = async {
        if !plan.objects {
            return Ok(None);
        }
        let selected = ListQuery {
            label_selector: plan.selector.clone(),
            ..Default::default()
        };
        let services = list_all(
            c,
            Resource::of(Kind::Service, None),
            scope_ns,
            &selected,
            progress,
            |s: Service| Some(s),
        );
        let ingresses = async {
            match apis.ingress.first() {
                Some(gv) => {
                    let r = Resource::of(Kind::Ingress, Some(gv));
                    list_all(c, r, scope_ns, &selected, progress, |mut i: Ingress| {
                        i.api_version = gv.clone();
                        Some(i)
                    })
                    .await
                }
                None => Ok(Listed::NotServed),
            }
        };
        let endpoints = async {
            if apis.endpoint_slices {
                list_all(
                    c,
                    Resource::endpoint_slices(),
                    scope_ns,
                    all,
                    progress,
                    slice_endpoints,
                )
                .await
            } else {
                list_all(
                    c,
                    Resource::endpoints(),
                    scope_ns,
                    all,
                    progress,
                    |e: Endpoints| Some(legacy_endpoints(e)),
                )
                .await
            }
        };
        let workloads = |kind: Kind| {
            list_all(
                c,
                Resource::of(kind, None),
                scope_ns,
                all,
                progress,
                slim_workload(kind),
            )
        };
        let (s, i, e, d, st, ds) = futures::try_join!(
            services,
            ingresses,
            endpoints,
            workloads(Kind::Deployment),
            workloads(Kind::StatefulSet),
            workloads(Kind::DaemonSet),
        )?;
        Ok::<_, ReadFailure>(Some((s, i, e, d, st, ds)))
    };

    let (nodes, configmaps, webhooks, ks_ds, ks_deploy, pods, objects) = futures::try_join!(
        nodes,
        configmaps,
        webhooks,
        ks_workloads(Kind::DaemonSet),
        ks_workloads(Kind::Deployment),
        pods,
        objects
    )?;

    let mut facts = ClusterFacts {
        format: FACTS_FORMAT,
        observed_at: Some(observed_at),
        scope: Scope {
            objects: plan.objects,
            namespace: scope_ns.map(str::to_string),
            selector: plan.objects.then(|| plan.selector.clone()).flatten(),
            pods_namespace: scope_ns.map(str::to_string),
        },
        version,
        apis,
        ..Default::default()
    };
    facts.nodes = nodes.take(&mut errors);
    for cm in configmaps.take(&mut errors) {
        facts.add_configmap(cm);
    }
    facts.webhooks = webhooks.take(&mut errors);
    facts.kube_system.daemonsets = ks_ds.take(&mut errors);
    facts.kube_system.deployments = ks_deploy.take(&mut errors);
    facts.pods = pods.take(&mut errors);
    if let Some((services, ingresses, endpoints, deployments, statefulsets, daemonsets)) = objects {
        facts.services = services.take(&mut errors);
        facts.ingresses = ingresses.take(&mut errors);
        facts.endpoints = group_endpoints(endpoints.take(&mut errors));
        let deployments = deployments.take(&mut errors);
        let daemonsets = daemonsets.take(&mut errors);
        if !kube_system_separately {
            let in_ks = |w: &&Workload| w.metadata.namespace.as_deref() == Some("kube-system");
            facts.kube_system.deployments = deployments.iter().filter(in_ks).cloned().collect();
            facts.kube_system.daemonsets = daemonsets.iter().filter(in_ks).cloned().collect();
        }
        facts.workloads = deployments
            .into_iter()
            .chain(statefulsets.take(&mut errors))
            .chain(daemonsets)
            .collect();
    }
    facts.read_errors = errors;
    Ok(facts)
}
