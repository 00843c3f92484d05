//! Which CLB and which listeners (or L7 rules) a Service or Ingress uses. Pure.

use std::collections::BTreeMap;
use std::fmt;

use super::cluster_read::{ClusterView, Frontend};
use super::model::{Binding, BindingInfo, Families};
use super::plan::BindingInput;
use crate::cloud::{Listener, LoadBalancer, Rule};
use crate::model::Kind;
use crate::model::consts::{
    INGRESS_EXISTED_LB_ID, INGRESS_LB_ID, SERVICE_EXISTED_LB_ID,
    SERVICE_LOADBALANCE_ID as SERVICE_LB_ID,
};

/// Where the CLB id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbSource {
    Annotation(&'static str),
    Flag,
}

impl LbSource {
    /// The TKE controller reconciles CLBs it knows from these annotations.
    pub fn is_tke_managed(self) -> bool {
        matches!(self, LbSource::Annotation(_))
    }
}

impl fmt::Display for LbSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LbSource::Annotation(key) => write!(f, "annotation {key}"),
            LbSource::Flag => f.write_str("--lb"),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LbError {
    #[error("{target} names no CLB (no {written} or {existing} annotation): pass --lb lb-xxxxxxxx")]
    Missing {
        target: String,
        written: &'static str,
        existing: &'static str,
    },
    #[error("--lb {flag} disagrees with {target}'s annotation {key}: {value}")]
    Conflict {
        target: String,
        flag: String,
        key: &'static str,
        value: String,
    },
}

/// The CLB id: the written-back annotation, else the existing-CLB annotation, else `--lb`.
pub fn load_balancer_id(
    kind: Kind,
    target: &str,
    annotations: &BTreeMap<String, String>,
    flag: Option<&str>,
) -> Result<(String, LbSource), LbError> {
    let (written, existing) = match kind {
        Kind::Ingress => (INGRESS_LB_ID, INGRESS_EXISTED_LB_ID),
        _ => (SERVICE_LB_ID, SERVICE_EXISTED_LB_ID),
    };
    let from_annotation = [written, existing].into_iter().find_map(|key| {
        annotations
            .get(key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| (v.to_string(), key))
    });
    match (
        from_annotation,
        flag.map(str::trim).filter(|f| !f.is_empty()),
    ) {
        (Some((value, key)), Some(flag)) if value != flag => Err(LbError::Conflict {
            target: target.to_string(),
            flag: flag.to_string(),
            key,
            value,
        }),
        (Some((value, key)), _) => Ok((value, LbSource::Annotation(key))),
        (None, Some(flag)) => Ok((flag.to_string(), LbSource::Flag)),
        (None, None) => Err(LbError::Missing {
            target: target.to_string(),
            written,
            existing,
        }),
    }
}

/// The L4 listener for a Service port (the CLB protocol names TCP and UDP like Kubernetes does).
pub fn l4_listener<'a>(
    listeners: &'a [Listener],
    protocol: &str,
    port: i64,
) -> Option<&'a Listener> {
    listeners
        .iter()
        .find(|l| l.protocol.eq_ignore_ascii_case(protocol) && l.port == port)
}

/// The L7 rules serving `host` + `path`: every HTTP/HTTPS listener's rule with that domain and URL. An
/// Ingress rule without host is served on the CLB's own address (its VIPs or domain name).
pub fn l7_rules<'a>(
    listeners: &'a [Listener],
    lb: &LoadBalancer,
    host: &str,
    path: &str,
) -> Vec<(&'a Listener, &'a Rule)> {
    let domains: Vec<String> = if host.is_empty() {
        lb.load_balancer_vips
            .iter()
            .cloned()
            .chain(lb.load_balancer_domain.clone())
            .collect()
    } else {
        vec![host.to_string()]
    };
    listeners
        .iter()
        .filter(|l| l.is_l7())
        .flat_map(|l| l.rules.iter().map(move |r| (l, r)))
        .filter(|(_, r)| r.url == path && domains.iter().any(|d| d.eq_ignore_ascii_case(&r.domain)))
        .collect()
}

/// The CLB protocol of a Service port's listener: TCP or UDP (the names Kubernetes uses too); None for
/// a protocol CLB listeners of Services do not have (SCTP).
pub fn l4_protocol(service_protocol: &str) -> Option<String> {
    let p = service_protocol.to_ascii_uppercase();
    matches!(p.as_str(), "TCP" | "UDP").then_some(p)
}

/// What the cluster wants on each listener or L7 rule: every route of `view` bound to what `listeners`
/// (from `DescribeListeners`) offers. Routes without a listener or rule are reported and skipped.
pub fn bind_routes(
    view: &ClusterView,
    lb: &LoadBalancer,
    listeners: &[Listener],
) -> (Vec<BindingInput>, Vec<String>) {
    let lb_id = &lb.load_balancer_id;
    let mut warnings = Vec::new();
    let mut inputs = Vec::new();
    for route in &view.routes {
        let info = |listener: &Listener, rule: Option<&Rule>| BindingInfo {
            binding: Binding {
                listener_id: listener.listener_id.clone(),
                location_id: rule.map(|r| r.location_id.clone()),
            },
            protocol: listener.protocol.clone(),
            port: listener.port,
            domain: rule.map(|r| r.domain.clone()),
            url: rule.map(|r| r.url.clone()),
            service: route.service.clone(),
            service_port: route.port.label(),
        };
        match &route.frontend {
            Frontend::Rule { host, path } => {
                let rules = l7_rules(listeners, lb, host, path);
                if rules.is_empty() {
                    let host_shown = if host.is_empty() { "(no host)" } else { host };
                    warnings.push(format!(
                        "no L7 rule for {host_shown} {path} on {lb_id}; skipped"
                    ));
                }
                for (listener, rule) in rules {
                    inputs.push(BindingInput {
                        info: info(listener, Some(rule)),
                        desired: route.desired.clone(),
                        families: Families::of(lb, listener.is_l7()),
                    });
                }
            }
            Frontend::ServicePort => {
                let port = route.port.port.unwrap_or_default();
                let Some(protocol) = l4_protocol(route.port.protocol()) else {
                    warnings.push(format!(
                        "port {} is {}: CLB listeners are TCP or UDP for Services; skipped",
                        route.port.label(),
                        route.port.protocol()
                    ));
                    continue;
                };
                match l4_listener(listeners, &protocol, port) {
                    Some(listener) => inputs.push(BindingInput {
                        info: info(listener, None),
                        desired: route.desired.clone(),
                        families: Families::of(lb, listener.is_l7()),
                    }),
                    None => warnings.push(format!(
                        "no {protocol}:{port} listener on {lb_id} for port {}; skipped",
                        route.port.label()
                    )),
                }
            }
        }
    }
    (inputs, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn lb_id_precedence() {
        let both = ann(&[
            (SERVICE_LB_ID, "lb-written"),
            (SERVICE_EXISTED_LB_ID, "lb-existing"),
        ]);
        assert_eq!(
            load_balancer_id(Kind::Service, "svc/web", &both, None).unwrap(),
            ("lb-written".into(), LbSource::Annotation(SERVICE_LB_ID))
        );
        let existing = ann(&[(SERVICE_EXISTED_LB_ID, "lb-existing")]);
        assert_eq!(
            load_balancer_id(Kind::Service, "svc/web", &existing, None)
                .unwrap()
                .0,
            "lb-existing"
        );
        assert_eq!(
            load_balancer_id(Kind::Service, "svc/web", &existing, Some("lb-existing"))
                .unwrap()
                .1,
            LbSource::Annotation(SERVICE_EXISTED_LB_ID)
        );
        assert!(matches!(
            load_balancer_id(Kind::Service, "svc/web", &existing, Some("lb-other")),
            Err(LbError::Conflict { .. })
        ));
        assert_eq!(
            load_balancer_id(Kind::Service, "svc/web", &ann(&[]), Some("lb-flag")).unwrap(),
            ("lb-flag".into(), LbSource::Flag)
        );
        let err = load_balancer_id(Kind::Service, "svc/web", &ann(&[]), None).unwrap_err();
        assert!(err.to_string().contains("--lb"), "{err}");

        let ing = ann(&[
            (INGRESS_EXISTED_LB_ID, "lb-ing"),
            (SERVICE_LB_ID, "lb-not-for-ingress"),
        ]);
        assert_eq!(
            load_balancer_id(Kind::Ingress, "ing/web", &ing, None)
                .unwrap()
                .0,
            "lb-ing"
        );
        let ing = ann(&[
            (INGRESS_LB_ID, "lb-written"),
            (INGRESS_EXISTED_LB_ID, "lb-ing"),
        ]);
        assert_eq!(
            load_balancer_id(Kind::Ingress, "ing/web", &ing, None)
                .unwrap()
                .0,
            "lb-written"
        );
    }

    fn listener(id: &str, protocol: &str, port: i64, rules: &[(&str, &str, &str)]) -> Listener {
        Listener {
            listener_id: id.into(),
            protocol: protocol.into(),
            port,
            rules: rules
                .iter()
                .map(|(loc, d, u)| Rule {
                    location_id: loc.to_string(),
                    domain: d.to_string(),
                    url: u.to_string(),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn listeners_by_protocol_and_port() {
        let ls = [
            listener("lbl-tcp", "TCP", 80, &[]),
            listener("lbl-udp", "UDP", 80, &[]),
        ];
        assert_eq!(l4_listener(&ls, "UDP", 80).unwrap().listener_id, "lbl-udp");
        assert_eq!(l4_listener(&ls, "TCP", 80).unwrap().listener_id, "lbl-tcp");
        assert!(l4_listener(&ls, "TCP", 443).is_none());
    }

    #[test]
    fn l7_rules_by_domain_and_url() {
        let ls = [
            listener(
                "lbl-http",
                "HTTP",
                80,
                &[
                    ("loc-1", "a.example.com", "/"),
                    ("loc-2", "a.example.com", "/api"),
                    ("loc-3", "1.2.3.4", "/"),
                ],
            ),
            listener(
                "lbl-https",
                "HTTPS",
                443,
                &[("loc-4", "a.example.com", "/api")],
            ),
            listener("lbl-tcp", "TCP", 81, &[]),
        ];
        let lb = LoadBalancer {
            load_balancer_vips: vec!["1.2.3.4".into()],
            ..Default::default()
        };
        let ids = |host: &str, path: &str| {
            l7_rules(&ls, &lb, host, path)
                .iter()
                .map(|(l, r)| format!("{}/{}", l.listener_id, r.location_id))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids("A.example.com", "/api"),
            ["lbl-http/loc-2", "lbl-https/loc-4"]
        );
        assert_eq!(ids("a.example.com", "/"), ["lbl-http/loc-1"]);
        assert_eq!(ids("", "/"), ["lbl-http/loc-3"]);
        assert!(ids("b.example.com", "/").is_empty());
    }
}
