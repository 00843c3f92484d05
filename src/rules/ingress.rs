//! Which backends an Ingress has, in every API version: `networking.k8s.io/v1` (`service.name`,
//! `service.port.number|name`, `spec.defaultBackend`) and v1beta1 (`serviceName`, `servicePort`,
//! `spec.backend`) — Kubernetes deprecation guide, "Ingress" (domain notes §4).

use crate::model::Ingress;
use crate::model::ingress::IngressBackend;
use crate::model::service::PortRef;

/// One route of an Ingress to a Service port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    /// "" when the rule has no host (and for the default backend).
    pub host: String,
    /// "" for the default backend and for paths given without one.
    pub path: String,
    pub service: String,
    /// None when the backend names no port (invalid, but seen in manifests).
    pub port: Option<PortRef>,
    /// The default backend (`spec.defaultBackend` / `spec.backend`), not a rule.
    pub default: bool,
}

/// The Service and port of a backend, whichever shape it is written in.
pub fn service_of(b: &IngressBackend) -> Option<(String, Option<PortRef>)> {
    if let Some(s) = &b.service {
        if s.name.is_empty() {
            return None;
        }
        let port = s.port.as_ref().and_then(|p| match (p.number, &p.name) {
            (Some(n), _) => Some(PortRef::Number(n)),
            (None, Some(n)) if !n.is_empty() => Some(PortRef::Name(n.clone())),
            _ => None,
        });
        return Some((s.name.clone(), port));
    }
    let name = b.service_name.as_deref().filter(|n| !n.is_empty())?;
    Some((name.to_string(), b.service_port.clone()))
}

/// Every Service backend: the default backend first, then the rules' paths in order. Resource backends
/// (not Services) are left out; [`resource_backends`] counts them.
pub fn backends(ing: &Ingress) -> Vec<Backend> {
    let mut out = Vec::new();
    for b in [&ing.spec.default_backend, &ing.spec.backend]
        .into_iter()
        .flatten()
    {
        if let Some((service, port)) = service_of(b) {
            out.push(Backend {
                host: String::new(),
                path: String::new(),
                service,
                port,
                default: true,
            });
        }
    }
    for rule in &ing.spec.rules {
        for p in rule.http.iter().flat_map(|h| &h.paths) {
            if let Some((service, port)) = service_of(&p.backend) {
                out.push(Backend {
                    host: rule.host.clone(),
                    path: p.path.clone(),
                    service,
                    port,
                    default: false,
                });
            }
        }
    }
    out
}

/// Backends that name a resource instead of a Service.
pub fn resource_backends(ing: &Ingress) -> usize {
    let rules = ing
        .spec
        .rules
        .iter()
        .flat_map(|r| r.http.iter().flat_map(|h| &h.paths))
        .map(|p| &p.backend);
    [&ing.spec.default_backend, &ing.spec.backend]
        .into_iter()
        .flatten()
        .chain(rules)
        .filter(|b| b.resource.is_some() && service_of(b).is_none())
        .count()
}

/// The Service names an Ingress routes to, sorted, each once.
pub fn services(ing: &Ingress) -> Vec<String> {
    let mut names: Vec<String> = backends(ing).into_iter().map(|b| b.service).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ing(json: &str) -> Ingress {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn both_api_shapes() {
        let v1 = ing(
            r#"{"spec":{"rules":[{"host":"a.example","http":{"paths":[{"path":"/api","backend":{"service":{"name":"web","port":{"number":80}}}},
                {"path":"/x","backend":{"service":{"name":"web","port":{"name":"http"}}}}]}}],
                "defaultBackend":{"service":{"name":"fallback","port":{"number":8080}}}}}"#,
        );
        let b = backends(&v1);
        assert_eq!(b.len(), 3);
        assert!(b[0].default && b[0].service == "fallback");
        assert_eq!(b[1].port, Some(PortRef::Number(80)));
        assert_eq!(b[2].port, Some(PortRef::Name("http".into())));
        assert_eq!(services(&v1), ["fallback", "web"]);
        let beta = ing(
            r#"{"spec":{"backend":{"serviceName":"old","servicePort":"http"},"rules":[{"host":"x","http":{"paths":[{"backend":{"serviceName":"api","servicePort":"8080"}}]}}]}}"#,
        );
        let b = backends(&beta);
        assert_eq!(b[0].port, Some(PortRef::Name("http".into())));
        assert_eq!(b[1].port, Some(PortRef::Number(8080)));
        assert_eq!(services(&beta), ["api", "old"]);
        let res = ing(r#"{"spec":{"defaultBackend":{"resource":{"kind":"Bucket","name":"b"}}}}"#);
        assert!(backends(&res).is_empty());
        assert_eq!(resource_backends(&res), 1);
    }
}
