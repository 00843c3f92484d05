//! Is direct access requested? The Service and Ingress switches, the ingress class TKE's CLB controller
//! serves, and the cluster's GlobalRouter switch.

use crate::model::consts::{
    INGRESS_CLASS_ANNOTATION, INGRESS_DIRECT_ACCESS, QCLOUD_INGRESS_CLASS, SERVICE_DIRECT_ACCESS,
};
use crate::model::{Ingress, Service};

/// A boolean as Go's `strconv.ParseBool` reads it: `1 t T TRUE true True` and `0 f F FALSE false False`;
/// anything else (including surrounding spaces) is not a boolean.
///
/// Source: TKE's controllers are written in Go and reject a non-bool direct-access value with E4037
/// "valid bool value" (domain notes §6.3, "Values are Go booleans"; INFERENCE that they use ParseBool).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The state of a direct-access annotation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Switch {
    /// Not set: direct access is off (NodePort mode).
    Absent,
    On,
    /// Set to a false value.
    Off,
    /// Set to something TKE cannot read as a bool (the value as written).
    Invalid(String),
}

impl Switch {
    /// The switch an annotation value means.
    pub fn of(value: Option<&str>) -> Switch {
        match value {
            None => Switch::Absent,
            Some(v) => match parse_bool(v) {
                Some(true) => Switch::On,
                Some(false) => Switch::Off,
                None => Switch::Invalid(v.to_string()),
            },
        }
    }

    pub fn is_on(&self) -> bool {
        *self == Switch::On
    }
}

/// The Service's `service.cloud.tencent.com/direct-access` switch.
pub fn service_switch(svc: &Service) -> Switch {
    Switch::of(svc.metadata.annotation(SERVICE_DIRECT_ACCESS))
}

/// The Ingress's `ingress.cloud.tencent.com/direct-access` switch.
pub fn ingress_switch(ing: &Ingress) -> Switch {
    Switch::of(ing.metadata.annotation(INGRESS_DIRECT_ACCESS))
}

/// Whether TKE's service controller serves a LoadBalancer Service of this `spec.loadBalancerClass`: only
/// when none is set. Kubernetes asks the default implementation (the cloud provider's) to ignore a
/// Service that names a class (ServiceSpec.loadBalancerClass, KEP-1959, GA in 1.24). UNCERTAIN: TKE does
/// not document the field; a Service naming another implementation is not one to give a CLB either way.
pub fn tke_serves_class(class: Option<&str>) -> bool {
    class.is_none_or(|c| c.trim().is_empty())
}

/// Whether a Service is one TKE gives a CLB: type LoadBalancer, no other load-balancer class.
pub fn clb_service(svc: &Service) -> bool {
    svc.is_load_balancer() && tke_serves_class(svc.spec.load_balancer_class.as_deref())
}

/// Whether a Service asks for direct access and can have it: a CLB Service with the switch on.
pub fn service_requests_direct(svc: &Service) -> bool {
    clb_service(svc) && service_switch(svc).is_on()
}

/// The ingress class an Ingress asks for: the `kubernetes.io/ingress.class` annotation, else
/// `spec.ingressClassName`.
pub fn ingress_class(ing: &Ingress) -> Option<&str> {
    ing.metadata
        .annotation(INGRESS_CLASS_ANNOTATION)
        .or(ing.spec.ingress_class_name.as_deref())
}

/// Whether TKE's CLB ingress controller serves the class: `qcloud`, or no class at all (domain notes §1.3:
/// "handles Ingresses without this annotation or with value qcloud").
pub fn is_clb_class(class: Option<&str>) -> bool {
    class.is_none_or(|c| c == QCLOUD_INGRESS_CLASS)
}

/// Whether TKE's CLB ingress controller serves this Ingress.
pub fn is_clb_ingress(ing: &Ingress) -> bool {
    is_clb_class(ingress_class(ing))
}

/// Whether an Ingress asks for direct access and TKE's CLB controller serves it.
pub fn ingress_requests_direct(ing: &Ingress) -> bool {
    is_clb_ingress(ing) && ingress_switch(ing).is_on()
}

/// `GlobalRouteDirectAccess` from `kube-system/tke-service-controller-config` data (None when not set):
/// GlobalRouter pods may be direct backends (DOC41897, GlobalRouter section). Read as TKE reads bools.
pub fn global_route_direct_access(service_controller_config: Option<&str>) -> Option<bool> {
    service_controller_config.map(|v| parse_bool(v.trim()) == Some(true))
}

/// Whether a Service can back a CLB Ingress that is not in direct mode: TKE's ingress controller then
/// forwards to NodePorts, so a backend must be a NodePort or LoadBalancer Service; ClusterIP backends work
/// only in direct mode (ingress error E4047; domain notes §6.3 "Disabling can break things").
pub fn backs_node_port_mode(svc: &Service) -> bool {
    matches!(svc.type_(), "NodePort" | "LoadBalancer")
}

/// Whether a Service has NodePorts for its CLB to fall back to when direct access is off: not with
/// `allocateLoadBalancerNodePorts: false`, unless every port names its `nodePort` (Kubernetes allocates
/// those anyway). Domain notes §6.3 "Disabling can break things".
pub fn has_node_ports(svc: &Service) -> bool {
    svc.spec.allocate_load_balancer_node_ports != Some(false)
        || (!svc.spec.ports.is_empty() && svc.spec.ports.iter().all(|p| p.node_port.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_booleans() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["yes", "on", "tRuE", " true", "", "2"] {
            assert_eq!(parse_bool(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn switches() {
        assert_eq!(Switch::of(None), Switch::Absent);
        assert_eq!(Switch::of(Some("True")), Switch::On);
        assert_eq!(Switch::of(Some("0")), Switch::Off);
        assert_eq!(Switch::of(Some("yes")), Switch::Invalid("yes".into()));
    }

    #[test]
    fn clb_ingress_classes() {
        let mut ing = Ingress::default();
        assert!(is_clb_ingress(&ing));
        ing.spec.ingress_class_name = Some("nginx".into());
        assert!(!is_clb_ingress(&ing));
        ing.metadata
            .annotations
            .insert(INGRESS_CLASS_ANNOTATION.into(), "qcloud".into());
        assert!(is_clb_ingress(&ing), "the annotation wins");
    }

    #[test]
    fn only_load_balancers_ask_for_direct_access() {
        let mut svc = Service::default();
        svc.metadata
            .annotations
            .insert(SERVICE_DIRECT_ACCESS.into(), "true".into());
        assert!(!service_requests_direct(&svc));
        svc.spec.type_ = Some("LoadBalancer".into());
        assert!(service_requests_direct(&svc));
        // Another load-balancer implementation's Service is not TKE's to give a CLB.
        svc.spec.load_balancer_class = Some("metallb.io/metallb".into());
        assert!(!clb_service(&svc) && !service_requests_direct(&svc));
        svc.spec.load_balancer_class = Some(String::new());
        assert!(clb_service(&svc));
    }

    #[test]
    fn the_global_route_switch() {
        assert_eq!(global_route_direct_access(None), None);
        assert_eq!(global_route_direct_access(Some("true")), Some(true));
        assert_eq!(global_route_direct_access(Some(" True ")), Some(true));
        assert_eq!(global_route_direct_access(Some("no")), Some(false));
    }

    #[test]
    fn what_non_direct_mode_needs() {
        let svc = |v: serde_json::Value| -> Service { serde_json::from_value(v).unwrap() };
        assert!(!backs_node_port_mode(&svc(serde_json::json!({"spec": {}}))));
        assert!(backs_node_port_mode(&svc(
            serde_json::json!({"spec": {"type": "NodePort"}})
        )));
        let lb = serde_json::json!({"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}});
        assert!(has_node_ports(&svc(lb.clone())));
        let mut none = lb;
        none["spec"]["allocateLoadBalancerNodePorts"] = serde_json::json!(false);
        assert!(!has_node_ports(&svc(none.clone())));
        none["spec"]["ports"][0]["nodePort"] = serde_json::json!(30080);
        assert!(
            has_node_ports(&svc(none)),
            "an explicit nodePort is allocated anyway"
        );
    }
}
