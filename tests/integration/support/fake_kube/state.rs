//! What the fake stores and how it answers GET, LIST (with selectors and pages) and PATCH.

use super::*;

/// One stored object: the compact JSON of everything but `apiVersion`/`kind`, plus the selector fields.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub(super) body: Arc<str>,
    pub(super) labels: BTreeMap<String, String>,
    pub(super) name: String,
    pub(super) namespace: Option<String>,
    pub(super) node_name: Option<String>,
    pub(super) phase: Option<String>,
}

/// (group version, plural) → (namespace or "", name) → object.
pub(super) type Store = BTreeMap<(String, String), BTreeMap<(String, String), Stored>>;

#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) defs: Vec<ResourceDef>,
    pub(super) served: BTreeSet<String>,
    pub(super) objects: Store,
    pub(super) resource_version: u64,
    pub(super) version: Value,
    pub(super) requests: Vec<Recorded>,
    pub(super) record_bodies: bool,
    pub(super) faults: Vec<Fault>,
    /// (verb, plural, namespace) forbidden; namespace None = everywhere.
    pub(super) forbidden: Vec<(String, String, Option<String>)>,
}

/// What a path addresses.
pub(super) struct Target {
    pub(super) def: ResourceDef,
    pub(super) namespace: Option<String>,
    pub(super) name: Option<String>,
    pub(super) subresource: Option<String>,
}

impl State {
    pub(super) fn next_rv(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    pub(super) fn def_for_kind(&self, api_version: &str, kind: &str) -> Option<ResourceDef> {
        let (g, v) = split_api_version(api_version);
        self.defs
            .iter()
            .find(|d| d.group == g && d.version == v && d.kind == kind)
            .cloned()
    }

    /// The definition for an object, inventing one (plural = lower-case kind + "s") for unknown kinds.
    pub(super) fn def_for_object(
        &mut self,
        api_version: &str,
        kind: &str,
        namespaced_hint: bool,
    ) -> ResourceDef {
        if let Some(d) = self.def_for_kind(api_version, kind) {
            return d;
        }
        let (g, v) = split_api_version(api_version);
        let d = ResourceDef {
            group: g,
            version: v,
            plural: format!("{}s", kind.to_ascii_lowercase()),
            singular: kind.to_ascii_lowercase(),
            kind: kind.to_string(),
            namespaced: namespaced_hint,
            short: vec![],
        };
        self.defs.push(d.clone());
        d
    }

    /// Store an object as given, filling uid, resourceVersion, creationTimestamp and generation.
    pub(super) fn insert(&mut self, mut obj: Value) -> Result<Value, String> {
        let av = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .ok_or("object without apiVersion")?
            .to_string();
        let kind = obj
            .get("kind")
            .and_then(Value::as_str)
            .ok_or("object without kind")?
            .to_string();
        let has_ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .is_some();
        let def = self.def_for_object(&av, &kind, has_ns);
        let meta = obj
            .as_object_mut()
            .ok_or("object is not a map")?
            .entry("metadata")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or("metadata is not a map")?;
        if def.namespaced && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), json!("default"));
        }
        let name = meta
            .get("name")
            .and_then(Value::as_str)
            .ok_or("object without metadata.name")?
            .to_string();
        let namespace = meta
            .get("namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        let key = (def.group_version(), def.plural.clone());
        let existing = self
            .objects
            .get(&key)
            .and_then(|m| m.get(&(namespace.clone().unwrap_or_default(), name.clone())));
        let old_uid = existing
            .and_then(|s| serde_json::from_str::<Value>(&s.body).ok())
            .and_then(|v| {
                v.pointer("/metadata/uid")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
        let rv = self.next_rv();
        let meta = obj.get_mut("metadata").unwrap().as_object_mut().unwrap();
        if !meta.contains_key("uid") {
            let uid =
                old_uid.unwrap_or_else(|| fake_uid(&key.0, &key.1, namespace.as_deref(), &name));
            meta.insert("uid".into(), json!(uid));
        }
        meta.insert("resourceVersion".into(), json!(rv.to_string()));
        meta.entry("creationTimestamp")
            .or_insert_with(|| json!("2024-01-01T00:00:00Z"));
        if obj.get("spec").is_some()
            && obj.pointer("/metadata/generation").is_none()
            && kind != "Pod"
        {
            obj["metadata"]["generation"] = json!(1);
        }
        self.store(&def, obj.clone());
        Ok(obj)
    }

    pub(super) fn store(&mut self, def: &ResourceDef, mut obj: Value) {
        let m = obj.as_object_mut().unwrap();
        m.shift_remove("apiVersion");
        m.shift_remove("kind");
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let namespace = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        let labels = obj
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let stored = Stored {
            body: Arc::from(obj.to_string()),
            labels,
            node_name: obj
                .pointer("/spec/nodeName")
                .and_then(Value::as_str)
                .map(str::to_string),
            phase: obj
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .map(str::to_string),
            name: name.clone(),
            namespace: namespace.clone(),
        };
        self.objects
            .entry((def.group_version(), def.plural.clone()))
            .or_default()
            .insert((namespace.unwrap_or_default(), name), stored);
    }

    pub(super) fn route(
        &mut self,
        method: &str,
        path: &str,
        params: &HashMap<String, String>,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(u16, String), ApiError> {
        let segs: Vec<&str> = path
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        match (method, segs.as_slice()) {
            ("GET", ["version"]) => return Ok((200, self.version.to_string())),
            ("GET", ["api"]) => {
                return Ok((
                    200,
                    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}]}).to_string(),
                ));
            }
            ("GET", ["apis"]) => return Ok((200, self.group_list().to_string())),
            ("GET", ["api", v]) => return self.resource_list("", v),
            ("GET", ["apis", g, v]) => return self.resource_list(g, v),
            ("GET", ["openapi", ..]) | ("GET", ["swagger.json"]) => {
                return Err(ApiError::new(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ));
            }
            _ => {}
        }
        let target = self.resolve(&segs)?;
        let verb = match (method, &target.name) {
            ("GET", None) if params.get("watch").is_some_and(|w| w == "true" || w == "1") => {
                "watch"
            }
            ("GET", None) => "list",
            ("GET", Some(_)) => "get",
            ("PATCH", _) => "patch",
            _ => {
                return Err(ApiError::new(
                    405,
                    "MethodNotAllowed",
                    format!("method {method} not allowed"),
                ));
            }
        };
        self.authorize(verb, &target)?;
        match verb {
            "watch" => Err(ApiError::new(
                405,
                "MethodNotAllowed",
                "watch is not supported by the fake API server",
            )),
            "list" => self.list(&target, params),
            "get" => self.get(&target).map(|(v, _)| (200, v)),
            "patch" => self.patch(&target, params, content_type, body),
            _ => unreachable!(),
        }
    }

    pub(super) fn group_list(&self) -> Value {
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for gv in &self.served {
            if let Some((g, v)) = gv.split_once('/') {
                groups.entry(g.to_string()).or_default().push(v.to_string());
            }
        }
        let groups: Vec<Value> = groups
            .into_iter()
            .map(|(g, mut versions)| {
                // Preferred first: v1 > v1beta2 > v1beta1 > v1alpha1.
                versions.sort_by_key(|v| version_rank(v));
                let vs: Vec<Value> = versions
                    .iter()
                    .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                    .collect();
                json!({"name": g, "versions": vs.clone(), "preferredVersion": vs[0].clone()})
            })
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    pub(super) fn resource_list(
        &self,
        group: &str,
        version: &str,
    ) -> Result<(u16, String), ApiError> {
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        if !self.served.contains(&gv) {
            return Err(ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            ));
        }
        let resources: Vec<Value> = self
            .defs
            .iter()
            .filter(|d| d.group == group && d.version == version)
            .map(|d| {
                let mut r = json!({
                    "name": d.plural,
                    "singularName": d.singular,
                    "namespaced": d.namespaced,
                    "kind": d.kind,
                    "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                });
                if !d.short.is_empty() {
                    r["shortNames"] = json!(d.short);
                }
                r
            })
            .collect();
        Ok((200, json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}).to_string()))
    }

    pub(super) fn resolve(&self, segs: &[&str]) -> Result<Target, ApiError> {
        let not_found = || {
            ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        };
        let (group, version, rest) = match segs {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            _ => return Err(not_found()),
        };
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        if !self.served.contains(&gv) {
            return Err(not_found());
        }
        let (namespace, rest) = match rest {
            ["namespaces", ns, plural, tail @ ..] => {
                (Some(ns.to_string()), [&[*plural][..], tail].concat())
            }
            other => (None, other.to_vec()),
        };
        let plural = rest.first().ok_or_else(not_found)?;
        let def = self
            .defs
            .iter()
            .find(|d| d.group == group && d.version == version && d.plural == *plural)
            .cloned()
            .ok_or_else(not_found)?;
        if namespace.is_some() && !def.namespaced {
            return Err(not_found());
        }
        Ok(Target {
            def,
            namespace,
            name: rest.get(1).map(|s| s.to_string()),
            subresource: rest.get(2).map(|s| s.to_string()),
        })
    }

    pub(super) fn authorize(&self, verb: &str, t: &Target) -> Result<(), ApiError> {
        let denied = self.forbidden.iter().any(|(v, p, ns)| {
            v == verb && *p == t.def.plural && (ns.is_none() || *ns == t.namespace)
        });
        if !denied {
            return Ok(());
        }
        let group = if t.def.group.is_empty() {
            String::new()
        } else {
            t.def.group.clone()
        };
        let resource = if group.is_empty() {
            t.def.plural.clone()
        } else {
            format!("{}.{}", t.def.plural, group)
        };
        let whom = match &t.name {
            Some(n) => format!("{resource} \"{n}\""),
            None => resource.clone(),
        };
        let scope = match &t.namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        let mut e = ApiError::new(
            403,
            "Forbidden",
            format!(
                "{whom} is forbidden: User \"system:serviceaccount:default:fake\" cannot {verb} resource \"{}\" in API group \"{group}\" {scope}",
                t.def.plural
            ),
        );
        e.details = json!({"group": group, "kind": t.def.plural});
        if let Some(n) = &t.name {
            e.details["name"] = json!(n);
        }
        Err(e)
    }

    pub(super) fn list(
        &self,
        t: &Target,
        params: &HashMap<String, String>,
    ) -> Result<(u16, String), ApiError> {
        let labels = match params.get("labelSelector").filter(|s| !s.is_empty()) {
            Some(s) => parse_label_selector(s).map_err(|m| ApiError::new(400, "BadRequest", m))?,
            None => vec![],
        };
        let fields = match params.get("fieldSelector").filter(|s| !s.is_empty()) {
            Some(s) => parse_field_selector(s).map_err(|m| ApiError::new(400, "BadRequest", m))?,
            None => vec![],
        };
        let limit: usize = match params.get("limit") {
            Some(l) if !l.is_empty() => l
                .parse()
                .map_err(|_| ApiError::new(400, "BadRequest", format!("invalid limit {l}")))?,
            _ => 0,
        };
        let start_after: Option<(String, String)> =
            match params.get("continue").filter(|c| !c.is_empty()) {
                Some(c) => Some(decode_continue(c).ok_or_else(|| {
                    ApiError::new(
                        400,
                        "BadRequest",
                        "The provided continue parameter is too old or malformed",
                    )
                })?),
                None => None,
            };
        let empty = BTreeMap::new();
        let all = self
            .objects
            .get(&(t.def.group_version(), t.def.plural.clone()))
            .unwrap_or(&empty);
        let range: Box<dyn Iterator<Item = (&(String, String), &Stored)>> = match &start_after {
            Some(k) => Box::new(all.range::<(String, String), _>((
                std::ops::Bound::Excluded(k.clone()),
                std::ops::Bound::Unbounded,
            ))),
            None => Box::new(all.iter()),
        };
        let mut items = Vec::new();
        let mut last_key = None;
        let mut remaining = 0usize;
        for (k, s) in range {
            if let Some(ns) = &t.namespace
                && s.namespace.as_deref() != Some(ns)
            {
                continue;
            }
            if !labels.iter().all(|r| r.matches(&s.labels)) || !fields.iter().all(|r| r.matches(s))
            {
                continue;
            }
            if limit > 0 && items.len() == limit {
                remaining += 1;
                continue;
            }
            items.push(s.body.clone());
            last_key = Some(k.clone());
        }
        let mut out = String::with_capacity(items.iter().map(|b| b.len() + 1).sum::<usize>() + 256);
        let mut meta = json!({"resourceVersion": self.resource_version.to_string()});
        if remaining > 0 {
            meta["continue"] = json!(encode_continue(last_key.as_ref().unwrap()));
            meta["remainingItemCount"] = json!(remaining);
        }
        out.push_str(&format!(
            "{{\"kind\":{},\"apiVersion\":{},\"metadata\":{},\"items\":[",
            json!(format!("{}List", t.def.kind)),
            json!(t.def.group_version()),
            meta
        ));
        for (i, b) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(b);
        }
        out.push_str("]}");
        Ok((200, out))
    }

    pub(super) fn get(&self, t: &Target) -> Result<(String, Value), ApiError> {
        let name = t.name.as_deref().unwrap_or_default();
        let stored = self
            .objects
            .get(&(t.def.group_version(), t.def.plural.clone()))
            .and_then(|m| m.get(&(t.namespace.clone().unwrap_or_default(), name.to_string())))
            .ok_or_else(|| ApiError::not_found(&t.def, name))?;
        Ok((object_text(&t.def, stored), full_object(&t.def, stored)))
    }

    pub(super) fn patch(
        &mut self,
        t: &Target,
        params: &HashMap<String, String>,
        content_type: Option<&str>,
        body: &str,
    ) -> Result<(u16, String), ApiError> {
        let ct = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let name = t
            .name
            .clone()
            .ok_or_else(|| ApiError::new(405, "MethodNotAllowed", "PATCH needs a name"))?;
        let _ = name;
        let (_, current) = self.get(t)?;
        let bad = |m: String| ApiError::new(400, "BadRequest", m);
        let mut next = current.clone();
        match ct.as_str() {
            "application/merge-patch+json" => {
                let p: Value = serde_json::from_str(body)
                    .map_err(|e| bad(format!("invalid JSON patch body: {e}")))?;
                merge_patch(&mut next, &p);
            }
            "application/strategic-merge-patch+json" => {
                if t.def.group.contains('.') && !t.def.group.ends_with("k8s.io") {
                    return Err(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
                    ));
                }
                let p: Value = serde_json::from_str(body)
                    .map_err(|e| bad(format!("invalid JSON patch body: {e}")))?;
                strategic_merge(&mut next, &p, "");
            }
            other => {
                return Err(ApiError::new(
                    415,
                    "UnsupportedMediaType",
                    format!(
                        "the body of the request was in an unknown format ({other:?}) - accepted media types include: application/merge-patch+json, application/strategic-merge-patch+json"
                    ),
                ));
            }
        }
        self.commit(t, &current, next, params)
    }

    /// Check preconditions and identity, bump resourceVersion/generation, store unless dry run.
    pub(super) fn commit(
        &mut self,
        t: &Target,
        current: &Value,
        mut next: Value,
        params: &HashMap<String, String>,
    ) -> Result<(u16, String), ApiError> {
        let name = t.name.clone().unwrap_or_default();
        {
            let cur_rv = current
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some(rv) = next
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                && rv != cur_rv
            {
                let mut e = ApiError::new(
                    409,
                    "Conflict",
                    format!(
                        "Operation cannot be fulfilled on {}{} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                        t.def.plural,
                        if t.def.group.is_empty() {
                            String::new()
                        } else {
                            format!(".{}", t.def.group)
                        }
                    ),
                );
                e.details = json!({"name": name, "group": t.def.group, "kind": t.def.plural});
                return Err(e);
            }
        }
        if next.pointer("/metadata/name").and_then(Value::as_str) != Some(name.as_str()) {
            return Err(ApiError::new(
                422,
                "Invalid",
                "metadata.name: Invalid value: the name of the object does not match the name in the URL",
            ));
        }
        if let (Some(ns), Some(obj_ns)) = (
            &t.namespace,
            next.pointer("/metadata/namespace").and_then(Value::as_str),
        ) && ns != obj_ns
        {
            return Err(ApiError::new(
                400,
                "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        next["apiVersion"] = json!(t.def.group_version());
        next["kind"] = json!(t.def.kind);
        if current.get("spec") != next.get("spec") && t.def.kind != "Pod" {
            let g = current
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            next["metadata"]["generation"] = json!(g + 1);
        }
        let dry_run = params.get("dryRun").is_some_and(|d| d == "All");
        if dry_run {
            return Ok((200, next.to_string()));
        }
        if let Some(m) = next["metadata"].as_object_mut() {
            m.shift_remove("resourceVersion");
        }
        let stored = self
            .insert(next)
            .map_err(|m| ApiError::new(422, "Invalid", m))?;
        Ok((200, stored.to_string()))
    }
}

pub(super) fn version_rank(v: &str) -> (u8, String) {
    let rank = if v.contains("alpha") {
        3
    } else if v.contains("beta") {
        2
    } else {
        1
    };
    (rank, v.to_string())
}

pub(super) fn fake_uid(gv: &str, plural: &str, ns: Option<&str>, name: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (gv, plural, ns, name).hash(&mut h);
    let a = h.finish();
    name.hash(&mut h);
    let b = h.finish();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

pub(super) fn encode_continue(key: &(String, String)) -> String {
    let raw = format!("{}\u{0}{}", key.0, key.1);
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn decode_continue(token: &str) -> Option<(String, String)> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    let raw = String::from_utf8(bytes?).ok()?;
    let (ns, name) = raw.split_once('\u{0}')?;
    Some((ns.to_string(), name.to_string()))
}
