//! What one object needs: the pure decision, per kind, for enable and disable.
//! Works on manifests and live objects alike through [`View`].

use std::collections::BTreeMap;

use crate::model::consts::*;
use crate::model::{Ingress, Kind, NetworkMode, ObjectRef};
use crate::rules::direct::{Switch, ingress_class, is_clb_class, tke_serves_class};
use crate::yaml::edit::{Edit, Seg};

use super::guard::{Guarded, Hold};
use super::view::View;
use super::{Intent, Options};

/// The outcome for one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Edits to make (paths relative to the object), with notes worth telling the user and warnings about
    /// what the change will do.
    Change {
        edits: Vec<Edit>,
        notes: Vec<String>,
        warnings: Vec<String>,
    },
    /// Already as asked ("already enabled").
    Done(String),
    /// Not eligible, and why.
    Skip(String),
    /// A change a `disable` guard holds back because of another object ([`super::guard`]).
    Held(Hold),
}

/// What selecting and linking need to know about an object: its reference, and (when selection may link
/// or `disable`'s guards run) what it links by. The rest is boxed: an `enable` without TARGETs keeps 30,000
/// of these and needs only the references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linkable {
    pub oref: ObjectRef,
    pub links: Option<Box<Links>>,
}

/// What an object links by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    /// Service `spec.selector`.
    pub selector: BTreeMap<String, String>,
    /// Pod-template labels of a workload.
    pub template_labels: BTreeMap<String, String>,
    /// Service names an Ingress routes to.
    pub backends: Vec<String>,
    /// What the `disable` guards read (decoded only for `disable`).
    pub guarded: Option<Guarded>,
}

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

fn key(k: &str) -> Seg {
    Seg::key(k)
}

fn keys(ks: &[&str]) -> Vec<Seg> {
    ks.iter().map(|k| key(k)).collect()
}

/// Recognise an object of a kind tkedirect handles, named by `metadata.name` or, failing that,
/// `metadata.generateName`. `None` for anything else (including objects with neither).
pub fn identify<V: View>(obj: &V) -> Option<ObjectRef> {
    let kind = Kind::from_kind_field(obj.get_string("kind")?)?;
    let meta = obj.get("metadata")?;
    let namespace = meta.get_string("namespace");
    match meta.get_string("name") {
        Some(name) => Some(ObjectRef::new(kind, namespace, name)),
        None => Some(ObjectRef::generated(
            kind,
            namespace,
            meta.get_string("generateName")?,
        )),
    }
}

impl Linkable {
    /// An object with nothing to link by.
    pub fn bare(oref: ObjectRef) -> Linkable {
        Linkable { oref, links: None }
    }

    pub fn selector(&self) -> &BTreeMap<String, String> {
        self.links.as_ref().map_or(&NO_LABELS, |l| &l.selector)
    }

    pub fn template_labels(&self) -> &BTreeMap<String, String> {
        self.links
            .as_ref()
            .map_or(&NO_LABELS, |l| &l.template_labels)
    }

    pub fn backends(&self) -> &[String] {
        self.links.as_ref().map_or(&[], |l| &l.backends)
    }

    pub fn guarded(&self) -> Option<&Guarded> {
        self.links.as_ref()?.guarded.as_ref()
    }

    pub fn links_mut(&mut self) -> &mut Links {
        self.links.get_or_insert_with(Default::default)
    }
}

/// What selecting, linking and (for `disable`) the guards need to know of an object.
pub fn summarize<V: View>(oref: ObjectRef, obj: &V, opts: &Options) -> Linkable {
    let kind = oref.kind;
    let mut links = Links::default();
    if opts.intent == Intent::Disable {
        links.guarded = Some(Guarded::decode(kind, obj));
    }
    match kind {
        Kind::Service => {
            links.selector = obj
                .path(&["spec", "selector"])
                .map(View::string_map)
                .unwrap_or_default();
        }
        Kind::Ingress => links.backends = ingress_backends(obj),
        kind => {
            let mut path = kind.pod_template_path().to_vec();
            path.extend(["metadata", "labels"]);
            links.template_labels = obj.path(&path).map(View::string_map).unwrap_or_default();
        }
    }
    Linkable {
        oref,
        links: Some(Box::new(links)),
    }
}

/// Backend Service names of an Ingress, in every API shape (the rule is `rules::ingress`).
pub fn ingress_backends<V: View>(obj: &V) -> Vec<String> {
    // Only `spec` is converted: metadata (often most of a real Ingress) plays no part.
    let Some(spec) = obj.get("spec") else {
        return Vec::new();
    };
    serde_json::from_value::<Ingress>(serde_json::json!({ "spec": spec.to_value() }))
        .map(|i| crate::rules::ingress::services(&i))
        .unwrap_or_default()
}

/// The two fields the ingress-class rule (`rules::direct::ingress_class`) reads, decoded as the model
/// decodes them, without converting the whole object.
fn ingress_class_fields<V: View>(obj: &V) -> Ingress {
    let mut v = serde_json::json!({ "metadata": { "annotations": {} }, "spec": {} });
    if let Some(a) = obj.path(&["metadata", "annotations", INGRESS_CLASS_ANNOTATION]) {
        v["metadata"]["annotations"][INGRESS_CLASS_ANNOTATION] = a.to_value();
    }
    if let Some(c) = obj.path(&["spec", "ingressClassName"]) {
        v["spec"]["ingressClassName"] = c.to_value();
    }
    serde_json::from_value(v).unwrap_or_default()
}

/// Decide what `opts.intent` means for this object.
pub fn decide<V: View>(kind: Kind, obj: &V, opts: &Options) -> Verdict {
    match kind {
        Kind::Service => {
            if let Some(spec) = obj.get("spec")
                && (spec.is_seq() || spec.scalar_text().is_some())
            {
                return Verdict::Skip(format!("spec is {}, not a mapping", spec.shape()));
            }
            let ty = match obj.path(&["spec", "type"]) {
                Some(t) if t.is_map() || t.is_seq() => {
                    return Verdict::Skip(format!(
                        "spec.type is {}, not a Service type",
                        t.shape()
                    ));
                }
                t => t
                    .and_then(View::scalar_text)
                    .unwrap_or_else(|| "ClusterIP".into()),
            };
            if ty != "LoadBalancer" {
                return Verdict::Skip(format!(
                    "type {ty}: direct access applies to LoadBalancer Services only"
                ));
            }
            let class = obj
                .path(&["spec", "loadBalancerClass"])
                .and_then(View::scalar_text);
            if !tke_serves_class(class.as_deref()) {
                return Verdict::Skip(format!(
                    "spec.loadBalancerClass `{}`: another load-balancer implementation serves it, not TKE's service controller",
                    class.unwrap_or_default()
                ));
            }
            switch(obj, SERVICE_DIRECT_ACCESS, opts.intent)
        }
        Kind::Ingress => {
            let api = obj.get_string("apiVersion").unwrap_or_default();
            if !INGRESS_API_VERSIONS.contains(&api) {
                return Verdict::Skip(format!(
                    "apiVersion `{api}` is not an Ingress API tkedirect knows"
                ));
            }
            let ing = ingress_class_fields(obj);
            if let Some(class) = ingress_class(&ing)
                && !is_clb_class(Some(class))
            {
                return Verdict::Skip(format!(
                    "ingress class `{class}` is not TKE's CLB ingress controller (`{QCLOUD_INGRESS_CLASS}` or none)"
                ));
            }
            switch(obj, INGRESS_DIRECT_ACCESS, opts.intent)
        }
        kind => workload(kind, obj, opts),
    }
}

/// The direct-access annotation on a Service or Ingress. A value is read as TKE reads it (a Go bool:
/// `"True"` is already enabled).
fn switch<V: View>(obj: &V, annotation: &str, intent: Intent) -> Verdict {
    let current = obj.path(&["metadata", "annotations", annotation]);
    let path = keys(&["metadata", "annotations", annotation]);
    let on = current.is_some_and(|v| v.string().is_some() && Switch::of(v.string()).is_on());
    match intent {
        Intent::Enable => match current {
            Some(_) if on => Verdict::Done("already enabled".into()),
            Some(v) => {
                let was = v
                    .scalar_text()
                    .map_or_else(|| "an empty value".to_string(), |t| format!("`{t}`"));
                Verdict::Change {
                    edits: vec![Edit::Set {
                        path,
                        value: "true".into(),
                    }],
                    notes: vec![format!("{annotation} was {was}; set to \"true\"")],
                    warnings: vec![],
                }
            }
            None => Verdict::Change {
                edits: vec![Edit::Set {
                    path,
                    value: "true".into(),
                }],
                notes: vec![],
                warnings: vec![],
            },
        },
        Intent::Disable => match current {
            Some(_) if on => Verdict::Change {
                edits: vec![Edit::Remove { path, prune: 1 }],
                notes: vec![],
                warnings: vec![],
            },
            Some(v) => Verdict::Done(format!(
                "not enabled ({annotation} is `{}`, left as is)",
                v.scalar_text().unwrap_or_default()
            )),
            None => Verdict::Done("not enabled".into()),
        },
    }
}

/// `--container X` with X not the first container: TKE's ENI webhook gives containers[0] the resource of
/// every new pod whose networks annotation asks for an ENI (domain notes §6.3, "The ENI webhook completes
/// the opt-in"), so the pods would ask for two.
fn second_eni_warning<V: View>(containers: &[V], index: usize, resource: &str) -> String {
    let name = |i: usize| containers[i].get_string("name").unwrap_or("?");
    format!(
        "--container {} is not the first container: where TKE's ENI webhook ({ENI_WEBHOOK}) runs it also gives containers[0] (`{}`) the {resource} limit, so each pod would get two ENI IPs; without --container the resource goes on the first container",
        name(index),
        name(0)
    )
}

/// Whether a resource quantity is tkedirect's value, "1".
fn is_one<V: View>(v: &V) -> bool {
    v.scalar_text().as_deref() == Some("1")
}

fn workload<V: View>(kind: Kind, obj: &V, opts: &Options) -> Verdict {
    if opts.mode != NetworkMode::Mixed {
        return Verdict::Skip(format!(
            "network mode {}: pod templates need no change (only mixed GlobalRouter + VPC-CNI clusters opt pods into an ENI)",
            opts.mode
        ));
    }
    let tpath = kind.pod_template_path();
    let Some(template) = obj.path(tpath) else {
        return Verdict::Skip(format!("no pod template at {}", tpath.join(".")));
    };
    if !template.is_map() {
        return Verdict::Skip(format!(
            "{} is {}, not a pod template",
            tpath.join("."),
            template.shape()
        ));
    }
    if template
        .path(&["spec", "hostNetwork"])
        .is_some_and(View::is_true)
    {
        return Verdict::Skip(
            "hostNetwork pod template: host-network pods cannot get an ENI IP".into(),
        );
    }
    let containers = template.path(&["spec", "containers"]);
    if let Some(c) = containers
        && (c.is_map() || c.scalar_text().is_some())
    {
        return Verdict::Skip(format!(
            "{}.spec.containers is {}, not a list of containers",
            tpath.join("."),
            c.shape()
        ));
    }
    let containers = containers.map(View::items).unwrap_or_default();
    if containers.is_empty() {
        return Verdict::Skip("the pod template has no containers".into());
    }
    let net = opts.eni.network_name();
    let res = opts.eni.resource();
    let at = |rest: &[&str]| -> Vec<Seg> {
        let mut p = keys(tpath);
        p.extend(rest.iter().map(|k| key(k)));
        p
    };
    let container_path = |i: usize, rest: &[&str]| -> Vec<Seg> {
        let mut p = at(&["spec", "containers"]);
        p.push(Seg::Index(i));
        p.extend(rest.iter().map(|k| key(k)));
        p
    };
    let current_net = template.path(&["metadata", "annotations", POD_NETWORKS]);
    let mut edits = Vec::new();
    let mut warnings = Vec::new();
    match opts.intent {
        Intent::Enable => {
            match current_net {
                Some(v) if v.string() == Some(net) => {}
                Some(v) => {
                    return Verdict::Skip(format!(
                        "the pod template already asks for network `{}` ({POD_NETWORKS}); not changed",
                        v.scalar_text().unwrap_or_default()
                    ));
                }
                None => edits.push(Edit::Set {
                    path: at(&["metadata", "annotations", POD_NETWORKS]),
                    value: net.into(),
                }),
            }
            let carries = |c: &V, r: &str| {
                c.path(&["resources", "requests", r]).is_some()
                    || c.path(&["resources", "limits", r]).is_some()
            };
            let has_any = containers
                .iter()
                .any(|c| carries(c, RESOURCE_ENI_IP) || carries(c, RESOURCE_DIRECT_ENI));
            if !has_any {
                let index = match &opts.container {
                    None => 0,
                    Some(name) => match containers
                        .iter()
                        .position(|c| c.get_string("name") == Some(name))
                    {
                        Some(i) => i,
                        None => {
                            let names: Vec<&str> = containers
                                .iter()
                                .filter_map(|c| c.get_string("name"))
                                .collect();
                            return Verdict::Skip(format!(
                                "no container named `{name}` (containers: {})",
                                names.join(", ")
                            ));
                        }
                    },
                };
                for part in ["requests", "limits"] {
                    edits.push(Edit::Set {
                        path: container_path(index, &["resources", part, res]),
                        value: "1".into(),
                    });
                }
                if index > 0 {
                    warnings.push(second_eni_warning(containers, index, res));
                }
            } else if !edits.is_empty()
                && let Some(i) = containers
                    .iter()
                    .position(|c| carries(c, RESOURCE_ENI_IP) || carries(c, RESOURCE_DIRECT_ENI))
                && i > 0
            {
                // The annotation this adds sets TKE's ENI webhook on: it gives containers[0] the resource
                // too, beside the one the template already has on a later container.
                let name = |i: usize| containers[i].get_string("name").unwrap_or("?");
                warnings.push(format!(
                    "container {} (not the first) already carries the ENI resource: where TKE's ENI webhook \
                     ({ENI_WEBHOOK}) runs it also gives containers[0] (`{}`) the {res} limit once {POD_NETWORKS} \
                     is set, so each pod would get two ENI IPs; move the resource to the first container",
                    name(i),
                    name(0)
                ));
            }
            if edits.is_empty() {
                Verdict::Done("already opted into an ENI".into())
            } else {
                Verdict::Change {
                    edits,
                    notes: vec![],
                    warnings,
                }
            }
        }
        Intent::Disable => {
            if current_net.is_some_and(|v| v.string() == Some(net)) {
                edits.push(Edit::Remove {
                    path: at(&["metadata", "annotations", POD_NETWORKS]),
                    prune: 2, // a template without metadata got it from enable
                });
            }
            // tkedirect writes "1" into both requests and limits; a resource only in limits (as TKE's
            // webhook writes it) or with another value was not ours and stays.
            for (i, c) in containers.iter().enumerate() {
                let ours = ["requests", "limits"]
                    .iter()
                    .all(|part| c.path(&["resources", part, res]).is_some_and(is_one));
                if ours {
                    for part in ["requests", "limits"] {
                        edits.push(Edit::Remove {
                            path: container_path(i, &["resources", part, res]),
                            prune: 2,
                        });
                    }
                }
            }
            if edits.is_empty() {
                Verdict::Done("not opted into an ENI by tkedirect".into())
            } else {
                Verdict::Change {
                    edits,
                    notes: vec![],
                    warnings: vec![],
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mixed() -> Options {
        Options {
            intent: Intent::Enable,
            mode: NetworkMode::Mixed,
            eni: crate::model::EniFlavor::Shared,
            container: None,
            force: false,
        }
    }

    fn skip_reason(yaml: &str, kind: Kind) -> String {
        let node = crate::yaml::parse(yaml).unwrap().unwrap();
        let json = node.to_json();
        let (a, b) = (decide(kind, &node, &mixed()), decide(kind, &json, &mixed()));
        assert_eq!(a, b, "manifests and live objects decide alike");
        match a {
            Verdict::Skip(why) => why,
            other => panic!("expected a skip, got {other:?}"),
        }
    }

    #[test]
    fn objects_are_named_by_name_or_generate_name() {
        let id = |yaml: &str| identify(&crate::yaml::parse(yaml).unwrap().unwrap());
        let svc = id("kind: Service\nmetadata: {generateName: web-, namespace: shop}\n").unwrap();
        assert_eq!(
            svc,
            ObjectRef::generated(Kind::Service, Some("shop"), "web-")
        );
        let named = id("kind: Service\nmetadata: {name: web, generateName: web-}\n").unwrap();
        assert_eq!(named, ObjectRef::new(Kind::Service, None, "web"));
        assert_eq!(id("kind: Service\nmetadata: {labels: {}}\n"), None);
    }

    #[test]
    fn wrong_shapes_are_skipped_with_the_reason() {
        let svc = "kind: Service\nmetadata: {name: a}\n";
        assert_eq!(
            skip_reason(&format!("{svc}spec: LoadBalancer\n"), Kind::Service),
            "spec is a scalar, not a mapping"
        );
        assert_eq!(
            skip_reason(
                &format!("{svc}spec: {{type: [LoadBalancer]}}\n"),
                Kind::Service
            ),
            "spec.type is a sequence, not a Service type"
        );
        assert_eq!(
            skip_reason(
                &format!(
                    "{svc}spec:\n  type: LoadBalancer\n  loadBalancerClass: metallb.io/metallb\n"
                ),
                Kind::Service
            ),
            "spec.loadBalancerClass `metallb.io/metallb`: another load-balancer implementation serves it, not TKE's service controller"
        );
        let deploy = "kind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n";
        assert_eq!(
            skip_reason(
                &format!("{deploy}    spec: {{containers: {{}}}}\n"),
                Kind::Deployment
            ),
            "spec.template.spec.containers is a mapping, not a list of containers"
        );
        assert_eq!(
            skip_reason(
                &format!("{deploy}    spec: {{containers: web}}\n"),
                Kind::Deployment
            ),
            "spec.template.spec.containers is a scalar, not a list of containers"
        );
        assert_eq!(
            skip_reason(&format!("{deploy}    []\n"), Kind::Deployment),
            "spec.template is a sequence, not a pod template"
        );
        assert_eq!(
            skip_reason(
                &format!("{deploy}    spec: {{containers: []}}\n"),
                Kind::Deployment
            ),
            "the pod template has no containers"
        );
    }
}
