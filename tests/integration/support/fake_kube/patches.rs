//! The patch types tkedirect sends: JSON merge patch and the strategic-merge subset.

use super::*;

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let t = target.as_object_mut().unwrap();
    for (k, v) in p {
        if v.is_null() {
            t.shift_remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// The merge key of a list field, for the strategic-merge subset (None: the list is replaced).
pub(super) fn merge_key(field: &str, items: &[Value]) -> Option<&'static str> {
    let has = |k: &str| items.iter().any(|i| i.get(k).is_some());
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "hostAliases"
            if has("name") =>
        {
            Some("name")
        }
        "ports" if has("containerPort") => Some("containerPort"),
        "ports" if has("port") => Some("port"),
        "volumeMounts" => Some("mountPath"),
        "readinessGates" => Some("conditionType"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        _ => None,
    }
}

/// A subset of strategic merge patch: maps merge, null deletes, keyed lists (containers by name, …) merge
/// by key with `$patch: delete` items removed, `finalizers` merge as a set, other lists are replaced.
pub fn strategic_merge(target: &mut Value, patch: &Value, field: &str) {
    match patch {
        Value::Object(p) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut p = p.clone();
                p.shift_remove("$patch");
                *target = Value::Object(p);
                return;
            }
            if !target.is_object() {
                *target = json!({});
            }
            let t = target.as_object_mut().unwrap();
            for (k, v) in p {
                if k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    t.shift_remove(k);
                } else {
                    strategic_merge(t.entry(k.clone()).or_insert(Value::Null), v, k);
                }
            }
        }
        Value::Array(items) => {
            if field == "finalizers" {
                let mut cur = target.as_array().cloned().unwrap_or_default();
                for i in items {
                    if !cur.contains(i) {
                        cur.push(i.clone());
                    }
                }
                *target = Value::Array(cur);
                return;
            }
            let Some(key) = merge_key(field, items) else {
                *target = patch.clone();
                return;
            };
            let mut cur = target.as_array().cloned().unwrap_or_default();
            for item in items {
                let id = item.get(key);
                let pos = cur.iter().position(|c| c.get(key) == id && id.is_some());
                let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                match (pos, delete) {
                    (Some(i), true) => {
                        cur.remove(i);
                    }
                    (None, true) => {}
                    (Some(i), false) => strategic_merge(&mut cur[i], item, ""),
                    (None, false) => cur.push(item.clone()),
                }
            }
            *target = Value::Array(cur);
        }
        other => *target = other.clone(),
    }
}
