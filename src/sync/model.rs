//! Plain data of a sync: where targets attach on the CLB, which targets the cluster wants there, and
//! which the CLB has.

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

/// Where targets attach: an L4 listener, or one rule (`LocationId`) of an L7 listener.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Binding {
    pub listener_id: String,
    pub location_id: Option<String>,
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location_id {
            Some(loc) => write!(f, "{}/{}", self.listener_id, loc),
            None => f.write_str(&self.listener_id),
        }
    }
}

/// What a binding is, for people: the listener's protocol and port, the L7 rule, and the Service port it
/// serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingInfo {
    pub binding: Binding,
    pub protocol: String,
    pub port: i64,
    /// L7 rule domain and URL.
    pub domain: Option<String>,
    pub url: Option<String>,
    /// The backend Service and its port (name, or number when unnamed).
    pub service: String,
    pub service_port: String,
}

impl BindingInfo {
    /// `TCP:80`, `HTTP:80 example.com/api`.
    pub fn label(&self) -> String {
        match (&self.domain, &self.url) {
            (Some(d), Some(u)) => format!("{}:{} {}{}", self.protocol, self.port, d, u),
            _ => format!("{}:{}", self.protocol, self.port),
        }
    }
}

/// Why a pod address is wanted on the CLB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Why {
    /// The endpoint is ready.
    Ready,
    /// Containers are ready and the only unmet readiness condition is TKE's gate, which turns True only
    /// after the pod is bound on the CLB: binding it is what lets it become ready.
    WaitingOnGate,
}

impl Why {
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Ready => "ready",
            Why::WaitingOnGate => "waiting-on-readiness-gate",
        }
    }
}

/// A pod address the CLB should send traffic to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredTarget {
    pub ip: String,
    pub port: i64,
    pub pod: Option<String>,
    pub why: Why,
}

/// A target the CLB has (from `DescribeTargets`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActualTarget {
    pub ip: String,
    pub port: i64,
    pub weight: i64,
    /// The API's backend `Type`: `ENI` for pods bound by ENI IP; `CVM` for node IPs (NodePort mode), …
    pub kind: String,
    pub instance_id: Option<String>,
}

impl ActualTarget {
    pub fn is_eni(&self) -> bool {
        self.kind.eq_ignore_ascii_case("ENI")
    }
}

/// Order addresses numerically (10.0.0.9 before 10.0.0.10), then by port.
pub fn addr_cmp(a: (&str, i64), b: (&str, i64)) -> Ordering {
    match (a.0.parse::<IpAddr>(), b.0.parse::<IpAddr>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.0.cmp(b.0),
    }
    .then(a.1.cmp(&b.1))
}

/// `10.0.0.1:8080`, `[fd00::1]:8080`.
pub fn addr(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_address_order() {
        let mut v = vec![("10.0.0.10", 80), ("10.0.0.9", 81), ("10.0.0.9", 80)];
        v.sort_by(|a, b| addr_cmp(*a, *b));
        assert_eq!(v, [("10.0.0.9", 80), ("10.0.0.9", 81), ("10.0.0.10", 80)]);
        assert_eq!(addr("fd00::1", 80), "[fd00::1]:80");
    }
}
