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

/// A pod the CLB should send traffic to, on one port: one target, at one of its addresses (a dual-stack
/// pod has an IPv4 and an IPv6 address; which one is registered depends on the listener's families).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredTarget {
    /// The pod's addresses for this port, IPv4 before IPv6.
    pub addrs: Vec<String>,
    pub port: i64,
    pub pod: Option<String>,
    pub why: Why,
}

/// Whether an address is IPv6.
pub fn is_ipv6(ip: &str) -> bool {
    ip.contains(':')
}

/// The IP families of the targets a listener (or L7 rule) takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Families {
    pub v4: bool,
    pub v6: bool,
}

impl Default for Families {
    fn default() -> Self {
        Families::IPV4
    }
}

impl Families {
    pub const IPV4: Families = Families {
        v4: true,
        v6: false,
    };

    /// From the CLB (`DescribeLoadBalancers`): an `ipv4` CLB, and an `ipv6` CLB in `IPv6Nat64` mode, bind
    /// IPv4 targets; an `IPv6FullChain` CLB binds IPv6 targets, and with `MixIpTarget` its L7 listeners take
    /// both ("混绑"). UNCERTAIN: read from the CLB API's field documentation; whether an `IPv6FullChain` L4
    /// listener also takes IPv4 targets is not documented (taken as no).
    pub fn of(lb: &crate::cloud::LoadBalancer, l7: bool) -> Families {
        let v6_lb = lb
            .address_ip_version
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("ipv6"));
        let full_chain = lb
            .ipv6_mode
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("IPv6FullChain"));
        match (v6_lb && full_chain, lb.mix_ip_target == Some(true) && l7) {
            (true, true) => Families { v4: true, v6: true },
            (true, false) => Families {
                v4: false,
                v6: true,
            },
            (false, _) => Families::IPV4,
        }
    }

    pub fn takes(self, ip: &str) -> bool {
        if is_ipv6(ip) { self.v6 } else { self.v4 }
    }

    /// The address to register for a pod: on a listener that takes both families, IPv6 first, as TKE's
    /// controller does by default (`mix-target-prefer`, default ipv6; domain notes §6.3).
    pub fn choose(self, addrs: &[String]) -> Option<&str> {
        let v6 = addrs.iter().find(|a| is_ipv6(a) && self.v6);
        let v4 = addrs.iter().find(|a| !is_ipv6(a) && self.v4);
        v6.or(v4).map(String::as_str)
    }

    /// `["IPv4"]`, `["IPv6"]`, `["IPv4", "IPv6"]`.
    pub fn names(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.v4 {
            v.push("IPv4");
        }
        if self.v6 {
            v.push("IPv6");
        }
        v
    }
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
    fn families_of_a_clb() {
        use crate::cloud::LoadBalancer;
        let lb = |version: Option<&str>, mode: Option<&str>, mix: Option<bool>| LoadBalancer {
            address_ip_version: version.map(str::to_string),
            ipv6_mode: mode.map(str::to_string),
            mix_ip_target: mix,
            ..Default::default()
        };
        assert_eq!(Families::of(&lb(None, None, None), false), Families::IPV4);
        assert_eq!(
            Families::of(&lb(Some("ipv4"), None, None), true),
            Families::IPV4
        );
        assert_eq!(
            Families::of(&lb(Some("IPV6"), Some("IPv6Nat64"), None), false),
            Families::IPV4,
            "NAT64: IPv6 in front, IPv4 behind"
        );
        let full = lb(Some("ipv6"), Some("IPv6FullChain"), Some(true));
        assert_eq!(Families::of(&full, false).names(), ["IPv6"]);
        assert_eq!(Families::of(&full, true).names(), ["IPv4", "IPv6"]);
        let addrs = vec!["10.0.0.1".to_string(), "fd00::1".to_string()];
        assert_eq!(
            Families::of(&full, true).choose(&addrs),
            Some("fd00::1"),
            "IPv6 first"
        );
        assert_eq!(Families::IPV4.choose(&addrs), Some("10.0.0.1"));
        assert_eq!(Families::IPV4.choose(&addrs[1..]), None);
        assert!(Families::IPV4.takes("10.0.0.1") && !Families::IPV4.takes("fd00::1"));
    }

    #[test]
    fn numeric_address_order() {
        let mut v = vec![("10.0.0.10", 80), ("10.0.0.9", 81), ("10.0.0.9", 80)];
        v.sort_by(|a, b| addr_cmp(*a, *b));
        assert_eq!(v, [("10.0.0.9", 80), ("10.0.0.9", 81), ("10.0.0.10", 80)]);
        assert_eq!(addr("fd00::1", 80), "[fd00::1]:80");
    }
}
