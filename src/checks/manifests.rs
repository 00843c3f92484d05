//! Auditing manifests (`doctor -f`): the objects of the files, judged against a cluster profile. The
//! profile gives what only a cluster has (version, network, kube-system's settings, nodes); the files give
//! the Services, Ingresses and workloads, linked the way `enable` links them (selectors to pod templates in
//! the same namespace, Ingress backends to Services). Each finding about a manifest object points at the
//! most precise node it is about.

use serde::de::DeserializeOwned;

use crate::model::consts::KUBE_SYSTEM_CONFIGMAPS;
use crate::model::facts::Scope;
use crate::model::{ClusterFacts, ConfigMap, Ingress, Kind, Pod, Service, Workload};
use crate::report::{Finding, Subject};
use crate::source::objects::ManifestObject;

/// The objects of the files in the model, each with the subject findings name it by.
pub struct Audited {
    pub facts: ClusterFacts,
    /// (subject, index into the objects) of every object kept.
    pub subjects: Vec<(Subject, usize)>,
}

fn decode<T: DeserializeOwned + Default>(v: &serde_json::Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// The annotation keys of an object whose values are YAML booleans or numbers (the model keeps them as
/// text). A null is left out: the API server reads it as "".
fn not_strings(v: &serde_json::Value) -> Vec<String> {
    v.pointer("/metadata/annotations")
        .and_then(serde_json::Value::as_object)
        .map(|a| {
            a.iter()
                .filter(|(_, v)| v.is_boolean() || v.is_number())
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The profile's cluster-level facts with the objects of the files in place of the cluster's own.
/// Objects without a namespace count as in `namespace` (default `default`); with `only`, objects of
/// other namespaces are left out.
pub fn facts(
    profile: &ClusterFacts,
    objects: &[ManifestObject],
    namespace: &str,
    only: bool,
) -> Audited {
    let mut facts = ClusterFacts {
        format: profile.format,
        observed_at: None,
        scope: Scope {
            objects: true,
            namespace: only.then(|| namespace.to_string()),
            selector: None,
            pods_namespace: Some(namespace.to_string()),
        },
        version: profile.version.clone(),
        apis: profile.apis.clone(),
        kube_system: profile.kube_system.clone(),
        webhooks: profile.webhooks.clone(),
        nodes: profile.nodes.clone(),
        read_errors: profile.read_errors.clone(),
        ..Default::default()
    };
    let mut subjects = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let mut value = o.value.clone();
        let meta = value.get_mut("metadata").and_then(|m| m.as_object_mut());
        let Some(meta) = meta else { continue };
        // Objects the API server will name keep their prefix as the name findings use.
        if meta
            .get("name")
            .and_then(|n| n.as_str())
            .is_none_or(str::is_empty)
            && let Some(g) = meta.get("generateName").cloned()
        {
            meta.insert("name".into(), g);
        }
        let ns = meta
            .get("namespace")
            .and_then(|n| n.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or(namespace)
            .to_string();
        if only && ns != namespace {
            continue;
        }
        meta.insert("namespace".into(), ns.clone().into());
        let name = meta
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_string();
        if name.is_empty() {
            continue;
        }
        let kind = o.kind().to_string();
        match kind.as_str() {
            "Service" => {
                let mut s = decode::<Service>(&value);
                s.metadata.not_strings = not_strings(&value);
                facts.services.push(s);
            }
            "Ingress" => {
                let mut i = decode::<Ingress>(&value);
                i.metadata.not_strings = not_strings(&value);
                facts.ingresses.push(i);
            }
            "Pod" => facts.pods.push(decode::<Pod>(&value)),
            "ConfigMap"
                if ns == "kube-system" && KUBE_SYSTEM_CONFIGMAPS.contains(&name.as_str()) =>
            {
                facts.add_configmap(decode::<ConfigMap>(&value));
            }
            k if Kind::from_kind_field(k).is_some_and(Kind::is_workload) => {
                facts.workloads.push(decode::<Workload>(&value));
            }
            _ => continue,
        }
        subjects.push((Subject::namespaced(&kind, &ns, &name), i));
    }
    Audited { facts, subjects }
}

/// Give every finding about an object of the files its location (`names[source]` is how the input was
/// given on the command line).
pub fn locate(
    findings: &mut [Finding],
    audited: &Audited,
    objects: &[ManifestObject],
    names: &[String],
) {
    for f in findings {
        let Some(subject) = &f.subject else { continue };
        if let Some((_, i)) = audited.subjects.iter().find(|(s, _)| s == subject) {
            let o = &objects[*i];
            f.location = Some(o.locate(&names[o.source], &f.field));
        }
    }
}
