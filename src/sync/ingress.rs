//! The parts of an Ingress that `sync` needs, read from networking.k8s.io/v1 or the v1beta1 shape of
//! older clusters (`serviceName` / `servicePort`). Pure.

use serde_json::Value;

/// A Service port as an Ingress backend names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(s) => f.write_str(s),
        }
    }
}

/// One `host` + `path` → Service backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressPath {
    /// "" when the rule has no host.
    pub host: String,
    /// "/" when the path is empty.
    pub path: String,
    pub service: String,
    pub port: PortRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedIngress {
    pub paths: Vec<IngressPath>,
    /// A default backend is not an L7 rule; `sync` reports it and leaves it alone.
    pub has_default_backend: bool,
    /// Backends that are not Services (resource backends).
    pub skipped: usize,
}

fn backend(b: &Value) -> Option<(String, PortRef)> {
    // networking.k8s.io/v1
    if let Some(svc) = b.get("service") {
        let name = svc.get("name")?.as_str()?.to_string();
        let port = svc.get("port")?;
        let port = match (
            port.get("number").and_then(Value::as_i64),
            port.get("name").and_then(Value::as_str),
        ) {
            (Some(n), _) => PortRef::Number(n),
            (None, Some(s)) => PortRef::Name(s.to_string()),
            _ => return None,
        };
        return Some((name, port));
    }
    // v1beta1
    let name = b.get("serviceName")?.as_str()?.to_string();
    let port = match b.get("servicePort")? {
        Value::Number(n) => PortRef::Number(n.as_i64()?),
        Value::String(s) => match s.parse::<i64>() {
            Ok(n) => PortRef::Number(n),
            Err(_) => PortRef::Name(s.clone()),
        },
        _ => return None,
    };
    Some((name, port))
}

pub fn parse(ingress: &Value) -> ParsedIngress {
    let spec = &ingress["spec"];
    let mut out = ParsedIngress {
        has_default_backend: !spec["defaultBackend"].is_null() || !spec["backend"].is_null(),
        ..Default::default()
    };
    for rule in spec["rules"].as_array().into_iter().flatten() {
        let host = rule["host"].as_str().unwrap_or("").to_string();
        for p in rule["http"]["paths"].as_array().into_iter().flatten() {
            let path = p["path"]
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or("/")
                .to_string();
            match backend(&p["backend"]) {
                Some((service, port)) => out.paths.push(IngressPath {
                    host: host.clone(),
                    path,
                    service,
                    port,
                }),
                None => out.skipped += 1,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn v1_and_v1beta1_shapes() {
        let v1 = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "spec": {
        "rules": [
            {"host": "a.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}},
                {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"name": "http"}}}},
                {"path": "/bucket", "pathType": "Prefix", "backend": {"resource": {"kind": "StorageBucket", "name": "b"}}}
            ]}},
            {"http": {"paths": [{"pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}
        ]}});
        let p = parse(&v1);
        assert_eq!(p.paths.len(), 3);
        assert_eq!(
            p.paths[1],
            IngressPath {
                host: "a.example.com".into(),
                path: "/api".into(),
                service: "api".into(),
                port: PortRef::Name("http".into())
            }
        );
        assert_eq!(
            (p.paths[2].host.as_str(), p.paths[2].path.as_str()),
            ("", "/")
        );
        assert_eq!((p.skipped, p.has_default_backend), (1, false));

        let beta = json!({"apiVersion": "extensions/v1beta1", "kind": "Ingress", "spec": {
        "backend": {"serviceName": "web", "servicePort": 80},
        "rules": [{"host": "b.example.com", "http": {"paths": [
            {"path": "/", "backend": {"serviceName": "web", "servicePort": 80}},
            {"path": "/x", "backend": {"serviceName": "x", "servicePort": "http"}},
            {"path": "/y", "backend": {"serviceName": "y", "servicePort": "8080"}}
        ]}}]}});
        let p = parse(&beta);
        assert!(p.has_default_backend);
        assert_eq!(
            p.paths.iter().map(|x| x.port.clone()).collect::<Vec<_>>(),
            [
                PortRef::Number(80),
                PortRef::Name("http".into()),
                PortRef::Number(8080)
            ]
        );
    }
}
