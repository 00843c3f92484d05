//! Turning the decided edits into what is sent and what is shown: a JSON merge or strategic merge patch
//! carrying a resourceVersion precondition, and a YAML view of just the managed fields before and after.
//! Pure.

use serde_json::{Map, Value};

use crate::cluster::{Patch, PatchType};
use crate::model::Kind;
use crate::yaml::edit::{Edit, Seg, apply_json};

/// Why edits cannot be expressed as a patch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error("a list item at {0} has no `name` to merge it by")]
    Unnamed(String),
    #[error("a list item at {0} does not exist in the object")]
    Missing(String),
    #[error("{0} crosses a list, which a JSON merge patch cannot do")]
    NotMergeable(String),
}

/// Services and Ingresses get a JSON merge patch (annotations only); pod templates a strategic one.
pub fn patch_type(kind: Kind) -> PatchType {
    if kind.is_workload() {
        PatchType::Strategic
    } else {
        PatchType::Merge
    }
}

fn show(path: &[Seg]) -> String {
    crate::yaml::edit::PathDisplay(path).to_string()
}

/// Place `leaf` at `path` inside the patch `body` (a map). Sequence steps become the list of the
/// same-named items (strategic merge patch merges containers by `name`).
fn put(
    body: &mut Map<String, Value>,
    obj: Option<&Value>,
    path: &[Seg],
    leaf: Value,
    strategic: bool,
    full: &[Seg],
) -> Result<(), PatchError> {
    let Some((Seg::Key(k), rest)) = path.split_first() else {
        return Err(PatchError::Missing(show(full)));
    };
    let child = obj.and_then(|o| o.get(k));
    match rest.first() {
        None => {
            body.insert(k.clone(), leaf);
            Ok(())
        }
        Some(Seg::Key(_)) => {
            let slot = body
                .entry(k.clone())
                .or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            put(
                slot.as_object_mut().unwrap(),
                child,
                rest,
                leaf,
                strategic,
                full,
            )
        }
        Some(Seg::Index(i)) => {
            if !strategic {
                return Err(PatchError::NotMergeable(show(full)));
            }
            let item = child
                .and_then(|c| c.get(*i))
                .ok_or_else(|| PatchError::Missing(show(full)))?;
            let name = item
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| PatchError::Unnamed(show(full)))?;
            let list = body
                .entry(k.clone())
                .or_insert_with(|| Value::Array(vec![]));
            if !list.is_array() {
                *list = Value::Array(vec![]);
            }
            let list = list.as_array_mut().unwrap();
            let pos = match list
                .iter()
                .position(|e| e.get("name").and_then(Value::as_str) == Some(name))
            {
                Some(p) => p,
                None => {
                    let mut m = Map::new();
                    m.insert("name".into(), Value::String(name.to_string()));
                    list.push(Value::Object(m));
                    list.len() - 1
                }
            };
            let elem = list[pos].as_object_mut().unwrap();
            put(elem, Some(item), &rest[1..], leaf, strategic, full)
        }
    }
}

/// The patch that makes `edits` on `obj`, with `metadata.resourceVersion` = `resource_version` as the
/// precondition (the server answers 409 Conflict when the object changed since it was read).
pub fn build(
    kind: PatchType,
    obj: &Value,
    edits: &[Edit],
    resource_version: &str,
) -> Result<Patch, PatchError> {
    let mut body = Map::new();
    let mut meta = Map::new();
    meta.insert(
        "resourceVersion".into(),
        Value::String(resource_version.to_string()),
    );
    body.insert("metadata".into(), Value::Object(meta));
    let strategic = kind == PatchType::Strategic;
    for e in edits {
        let leaf = match e {
            Edit::Set { value, .. } => Value::String(value.clone()),
            Edit::Remove { .. } => Value::Null,
        };
        put(&mut body, Some(obj), e.path(), leaf, strategic, e.path())?;
    }
    Ok(Patch {
        kind,
        body: Value::Object(body),
    })
}

/// The object after `edits`, as the patch will leave it (within the managed fields).
pub fn after(obj: &Value, edits: &[Edit]) -> Value {
    let mut next = obj.clone();
    for e in edits {
        apply_json(&mut next, e);
    }
    next
}

/// Copy the value at `path` from `src` into `out`, keeping list items' `name` for orientation.
fn project(src: &Value, path: &[Seg], out: &mut Map<String, Value>) {
    let Some((Seg::Key(k), rest)) = path.split_first() else {
        return;
    };
    let Some(child) = src.get(k) else { return };
    match rest.first() {
        None => {
            out.insert(k.clone(), child.clone());
        }
        Some(Seg::Key(_)) => {
            let mut sub = match out.remove(k) {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            };
            project(child, rest, &mut sub);
            if !sub.is_empty() {
                out.insert(k.clone(), Value::Object(sub));
            }
        }
        Some(Seg::Index(i)) => {
            let Some(item) = child.get(*i) else { return };
            let name = item.get("name").cloned();
            let mut list = match out.remove(k) {
                Some(Value::Array(a)) => a,
                _ => vec![],
            };
            let pos = list
                .iter()
                .position(|e| name.is_some() && e.get("name") == name.as_ref());
            let mut elem = match pos {
                Some(p) => match list.remove(p) {
                    Value::Object(m) => m,
                    _ => Map::new(),
                },
                None => {
                    let mut m = Map::new();
                    if let Some(n) = &name {
                        m.insert("name".into(), n.clone());
                    }
                    m
                }
            };
            project(item, &rest[1..], &mut elem);
            list.insert(pos.unwrap_or(list.len()), Value::Object(elem));
            out.insert(k.clone(), Value::Array(list));
        }
    }
}

/// Identity (apiVersion, kind, name, namespace) plus the values at `paths`: the managed fields only.
pub fn view(obj: &Value, paths: &[Vec<Seg>]) -> Value {
    let mut out = Map::new();
    for k in ["apiVersion", "kind"] {
        if let Some(v) = obj.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    let mut meta = Map::new();
    for k in ["name", "namespace"] {
        if let Some(v) = obj.get("metadata").and_then(|m| m.get(k)) {
            meta.insert(k.into(), v.clone());
        }
    }
    out.insert("metadata".into(), Value::Object(meta));
    for p in paths {
        project(obj, p, &mut out);
    }
    Value::Object(out)
}

/// YAML text of a view, as kubectl would print it.
pub fn yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# could not render: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(path: &str) -> Vec<Seg> {
        path.split('|')
            .map(|k| k.parse().map(Seg::Index).unwrap_or_else(|_| Seg::key(k)))
            .collect()
    }

    fn deploy() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7", "annotations": {"a": "b"}},
               "spec": {"replicas": 2, "template": {"metadata": {"labels": {"app": "web"}},
                 "spec": {"containers": [{"name": "web", "image": "nginx"}, {"name": "side", "image": "x"}]}}}})
    }

    fn enable_edits() -> Vec<Edit> {
        vec![
            Edit::Set {
                path: key("spec|template|metadata|annotations|tke.cloud.tencent.com/networks"),
                value: "tke-route-eni".into(),
            },
            Edit::Set {
                path: key(
                    "spec|template|spec|containers|1|resources|requests|tke.cloud.tencent.com/eni-ip",
                ),
                value: "1".into(),
            },
            Edit::Set {
                path: key(
                    "spec|template|spec|containers|1|resources|limits|tke.cloud.tencent.com/eni-ip",
                ),
                value: "1".into(),
            },
        ]
    }

    #[test]
    fn strategic_patch_merges_the_container_by_name_and_carries_the_precondition() {
        let p = build(PatchType::Strategic, &deploy(), &enable_edits(), "7").unwrap();
        assert_eq!(
            p.body,
            json!({"metadata": {"resourceVersion": "7"}, "spec": {"template": {
                "metadata": {"annotations": {"tke.cloud.tencent.com/networks": "tke-route-eni"}},
                "spec": {"containers": [{"name": "side", "resources": {
                    "requests": {"tke.cloud.tencent.com/eni-ip": "1"},
                    "limits": {"tke.cloud.tencent.com/eni-ip": "1"}}}]}}}})
        );
    }

    #[test]
    fn merge_patch_removes_with_null_and_refuses_lists() {
        let svc = json!({"metadata": {"name": "web", "annotations": {"service.cloud.tencent.com/direct-access": "true"}}});
        let rm = vec![Edit::Remove {
            path: key("metadata|annotations|service.cloud.tencent.com/direct-access"),
            prune: 1,
        }];
        let p = build(PatchType::Merge, &svc, &rm, "3").unwrap();
        assert_eq!(
            p.body,
            json!({"metadata": {"resourceVersion": "3", "annotations": {"service.cloud.tencent.com/direct-access": null}}})
        );
        assert_eq!(
            build(PatchType::Merge, &deploy(), &enable_edits(), "7"),
            Err(PatchError::NotMergeable("spec.template.spec.containers[1].resources.requests[\"tke.cloud.tencent.com/eni-ip\"]".into()))
        );
    }

    #[test]
    fn views_show_identity_and_managed_fields_only() {
        let before = deploy();
        let next = after(&before, &enable_edits());
        let paths: Vec<Vec<Seg>> = enable_edits().iter().map(|e| e.path().to_vec()).collect();
        assert_eq!(
            view(&before, &paths),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"template": {"spec": {"containers": [{"name": "side"}]}}}})
        );
        let text = yaml(&view(&next, &paths));
        assert!(
            text.contains("tke.cloud.tencent.com/networks: tke-route-eni"),
            "{text}"
        );
        assert!(
            text.contains("tke.cloud.tencent.com/eni-ip: \"1\""),
            "{text}"
        );
        assert!(
            !text.contains("nginx") && !text.contains("replicas"),
            "{text}"
        );
    }
}
