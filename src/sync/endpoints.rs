//! The endpoints of a Service in one shape, whether they come from EndpointSlices (discovery.k8s.io/v1,
//! Kubernetes ≥ 1.21) or from the Endpoints object of older clusters.

use k8s_openapi::api::core::v1::Endpoints;
use k8s_openapi::api::discovery::v1::EndpointSlice;

/// One address with the ports it serves for the Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub ip: String,
    /// `conditions.ready` (slices: absent means ready), or listed under `addresses` (Endpoints).
    pub ready: bool,
    pub terminating: bool,
    /// A terminating endpoint that still serves (`conditions.serving`): TKE drains such pods with weight 0.
    pub serving: bool,
    /// The pod behind the address (`targetRef` of kind Pod).
    pub pod: Option<String>,
    pub ports: Vec<EndpointPort>,
}

/// A port as the endpoints controller resolved it: named `targetPort`s are already numbers here, per pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointPort {
    /// The Service port's name ("" for a single unnamed port).
    pub name: String,
    pub port: i64,
    pub protocol: String,
}

/// Flatten EndpointSlices. Only IPv4 slices: CLB `EniIp` targets of a pod are its IPv4 ENI addresses.
pub fn from_slices(slices: &[EndpointSlice]) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for slice in slices.iter().filter(|s| s.address_type == "IPv4") {
        let ports: Vec<EndpointPort> = slice
            .ports
            .iter()
            .flatten()
            .filter_map(|p| {
                Some(EndpointPort {
                    name: p.name.clone().unwrap_or_default(),
                    port: i64::from(p.port?),
                    protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                })
            })
            .collect();
        for ep in &slice.endpoints {
            let conditions = ep.conditions.as_ref();
            let ready = conditions.and_then(|c| c.ready).unwrap_or(true);
            let terminating = conditions.and_then(|c| c.terminating).unwrap_or(false);
            let serving = conditions.and_then(|c| c.serving).unwrap_or(ready);
            let pod = ep
                .target_ref
                .as_ref()
                .filter(|r| r.kind.as_deref() == Some("Pod"))
                .and_then(|r| r.name.clone());
            for ip in &ep.addresses {
                out.push(Endpoint {
                    ip: ip.clone(),
                    ready: ready && !terminating,
                    terminating,
                    serving,
                    pod: pod.clone(),
                    ports: ports.clone(),
                });
            }
        }
    }
    out
}

/// Flatten an Endpoints object (`subsets[].addresses` ready, `notReadyAddresses` not).
pub fn from_endpoints(endpoints: &Endpoints) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for subset in endpoints.subsets.iter().flatten() {
        let ports: Vec<EndpointPort> = subset
            .ports
            .iter()
            .flatten()
            .map(|p| EndpointPort {
                name: p.name.clone().unwrap_or_default(),
                port: i64::from(p.port),
                protocol: p.protocol.clone().unwrap_or_else(|| "TCP".into()),
            })
            .collect();
        for (list, ready) in [
            (&subset.addresses, true),
            (&subset.not_ready_addresses, false),
        ] {
            for a in list.iter().flatten() {
                if a.ip.contains(':') {
                    continue;
                }
                let pod = a
                    .target_ref
                    .as_ref()
                    .filter(|r| r.kind.as_deref() == Some("Pod"))
                    .and_then(|r| r.name.clone());
                out.push(Endpoint {
                    ip: a.ip.clone(),
                    ready,
                    terminating: false,
                    serving: ready,
                    pod,
                    ports: ports.clone(),
                });
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
    fn slices_keep_per_slice_ports_and_conditions() {
        let slices: Vec<EndpointSlice> = serde_json::from_value(json!([
            {"metadata": {"name": "web-a"}, "addressType": "IPv4",
             "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
             "endpoints": [
                {"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-1"}},
                {"addresses": ["10.0.0.2"], "conditions": {"ready": false}, "targetRef": {"kind": "Pod", "name": "web-2"}},
                {"addresses": ["10.0.0.3"], "conditions": {"ready": false, "serving": true, "terminating": true}, "targetRef": {"kind": "Pod", "name": "web-3"}}
             ]},
            // Pods whose named port resolves to another number land in another slice.
            {"metadata": {"name": "web-b"}, "addressType": "IPv4",
             "ports": [{"name": "http", "port": 9090, "protocol": "TCP"}],
             "endpoints": [{"addresses": ["10.0.0.4"], "targetRef": {"kind": "Pod", "name": "web-4"}}]},
            {"metadata": {"name": "web-v6"}, "addressType": "IPv6", "ports": [], "endpoints": [{"addresses": ["fd00::1"]}]}
        ]))
        .unwrap();
        let eps = from_slices(&slices);
        let summary: Vec<_> = eps
            .iter()
            .map(|e| (e.ip.as_str(), e.ready, e.ports[0].port, e.pod.as_deref()))
            .collect();
        assert_eq!(
            summary,
            [
                ("10.0.0.1", true, 8080, Some("web-1")),
                ("10.0.0.2", false, 8080, Some("web-2")),
                ("10.0.0.3", false, 8080, Some("web-3")),
                ("10.0.0.4", true, 9090, Some("web-4")),
            ]
        );
        assert!(eps[2].terminating && eps[2].serving);
    }

    #[test]
    fn endpoints_object() {
        let ep: Endpoints = serde_json::from_value(json!({
            "metadata": {"name": "web"},
            "subsets": [{
                "addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-1"}}],
                "notReadyAddresses": [{"ip": "10.0.0.2", "targetRef": {"kind": "Pod", "name": "web-2"}}],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]
            }]
        }))
        .unwrap();
        let eps = from_endpoints(&ep);
        assert_eq!(eps.len(), 2);
        assert!(eps[0].ready && !eps[1].ready);
        assert_eq!(
            eps[1].ports[0],
            EndpointPort {
                name: "http".into(),
                port: 8080,
                protocol: "TCP".into()
            }
        );
    }
}
