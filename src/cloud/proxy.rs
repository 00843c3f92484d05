//! Which proxy, if any, a connection goes through. One home for the rules of both clients:
//!
//! - the Tencent Cloud API (CLB, STS) follows the environment the way Go's `ProxyFromEnvironment` (the Go
//!   SDK, kubectl) does: `HTTPS_PROXY` for `https://` destinations, `HTTP_PROXY` for `http://` ones (each
//!   upper-case first, then lower-case; empty counts as unset), `NO_PROXY` exceptions, and never a proxy
//!   for `localhost` or a loopback address;
//! - the Kubernetes API follows kubectl: the kubeconfig cluster's `proxy-url` wins over the environment
//!   and over `NO_PROXY`; without it, the environment rules above apply to the API server URL.
//!
//! Pure over an environment lookup, so tests do not touch the process environment. A proxy URL may carry a
//! user name and password: [`Proxy`]'s `Display` never shows the password.

use std::fmt;
use std::net::IpAddr;

use http::Uri;

use super::credentials::Secret;

/// The environment variables read, in the order they are consulted.
pub const HTTPS_PROXY_VARS: [&str; 2] = ["HTTPS_PROXY", "https_proxy"];
pub const HTTP_PROXY_VARS: [&str; 2] = ["HTTP_PROXY", "http_proxy"];
pub const NO_PROXY_VARS: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// How tkedirect talks to a proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyKind {
    /// `http://`: HTTP CONNECT tunnel over plain TCP.
    Http,
    /// `https://`: HTTP CONNECT tunnel inside TLS to the proxy.
    Https,
    /// `socks5://` or `socks5h://`: SOCKS5; host names are resolved by the proxy in both cases.
    Socks5,
}

/// A proxy to connect through, and where it was configured.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub kind: ProxyKind,
    /// `scheme://host:port`, without user information.
    pub address: Uri,
    /// User name and password from the URL, percent-decoded.
    pub auth: Option<(String, Secret)>,
    /// The URL as configured (with its user information), for clients that parse it themselves.
    pub url: Uri,
    /// Where it came from: `HTTPS_PROXY`, `kubeconfig proxy-url`, …
    pub origin: String,
}

impl fmt::Display for Proxy {
    /// `http://proxy:3128 (HTTPS_PROXY)`, with `user:***@` when the URL names a user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.address.scheme_str().unwrap_or("http");
        let authority = self.address.authority().map_or("", |a| a.as_str());
        match &self.auth {
            Some((user, _)) => write!(f, "{scheme}://{user}:***@{authority}")?,
            None => write!(f, "{scheme}://{authority}")?,
        }
        write!(f, " ({})", self.origin)
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proxy({self})")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProxyError {
    /// The value is not shown: it may hold a password.
    #[error(
        "{origin} is not a usable proxy URL: expected http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT{detail}"
    )]
    Invalid { origin: String, detail: String },
    /// kube-client's SOCKS5 connector has no authentication: it would connect without the credentials
    /// and fail at the proxy with a bare "SOCKS error". Said before anything is sent.
    #[error(
        "{proxy}: the Kubernetes client here cannot authenticate to a SOCKS5 proxy (it would connect without the user name and password); use an http:// or https:// proxy-url, or a SOCKS5 proxy without authentication"
    )]
    Socks5AuthUnsupported { proxy: String },
}

/// The proxy settings of an environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEnv {
    /// (variable, value) of the first non-empty `HTTPS_PROXY` / `https_proxy`.
    pub https: Option<(&'static str, String)>,
    pub http: Option<(&'static str, String)>,
    pub no_proxy: Option<String>,
}

fn first(
    env: &dyn Fn(&str) -> Option<String>,
    vars: [&'static str; 2],
) -> Option<(&'static str, String)> {
    vars.iter().find_map(|v| {
        env(v)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| (*v, s))
    })
}

impl ProxyEnv {
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> ProxyEnv {
        ProxyEnv {
            https: first(env, HTTPS_PROXY_VARS),
            http: first(env, HTTP_PROXY_VARS),
            no_proxy: first(env, NO_PROXY_VARS).map(|(_, v)| v),
        }
    }

    /// The proxy for `dst` (`scheme://host[:port]/…`), by Go's rules; None means connect directly.
    pub fn for_url(&self, dst: &Uri) -> Result<Option<Proxy>, ProxyError> {
        let https = dst.scheme_str() == Some("https");
        let Some((var, value)) = (if https { &self.https } else { &self.http }) else {
            return Ok(None);
        };
        let Some(host) = dst.host() else {
            return Ok(None);
        };
        let port = dst.port_u16().unwrap_or(if https { 443 } else { 80 });
        if bypass(self.no_proxy.as_deref().unwrap_or(""), host, port) {
            return Ok(None);
        }
        parse(value, var, true).map(Some)
    }
}

/// kubectl's choice for the Kubernetes API server `server`: the kubeconfig cluster's `proxy-url` (http,
/// https or socks5) if set, whatever `NO_PROXY` says; else the environment, as for any other destination.
pub fn for_kube(
    kubeconfig_proxy_url: Option<&str>,
    server: &Uri,
    env: &ProxyEnv,
) -> Result<Option<Proxy>, ProxyError> {
    let proxy = match kubeconfig_proxy_url
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(url) => parse(url, "kubeconfig proxy-url", false).map(Some),
        None => env.for_url(server),
    }?;
    if let Some(p) = &proxy
        && p.kind == ProxyKind::Socks5
        && p.auth.is_some()
    {
        return Err(ProxyError::Socks5AuthUnsupported {
            proxy: p.to_string(),
        });
    }
    Ok(proxy)
}

/// Parse a proxy URL. From the environment a bare `host:port` means `http://host:port` (as in Go).
fn parse(value: &str, origin: &str, from_env: bool) -> Result<Proxy, ProxyError> {
    let invalid = |detail: &str| ProxyError::Invalid {
        origin: origin.to_string(),
        detail: if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        },
    };
    let text = if from_env && !value.contains("://") {
        format!("http://{value}")
    } else {
        value.to_string()
    };
    let uri: Uri = text.parse().map_err(|_| invalid(""))?;
    let kind = match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("http") => ProxyKind::Http,
        Some("https") => ProxyKind::Https,
        Some("socks5") | Some("socks5h") => ProxyKind::Socks5,
        Some(_) => return Err(invalid("unsupported scheme")),
        None => return Err(invalid("no scheme")),
    };
    let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
    if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
        return Err(invalid("a path or query is not allowed"));
    }
    let (userinfo, host_port) = match authority.as_str().rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority.as_str()),
    };
    let auth = userinfo.map(|u| {
        let (user, pass) = u.split_once(':').unwrap_or((u, ""));
        (percent_decode(user), Secret::new(percent_decode(pass)))
    });
    let scheme = match kind {
        ProxyKind::Http => "http",
        ProxyKind::Https => "https",
        ProxyKind::Socks5 => uri.scheme_str().unwrap_or("socks5"),
    };
    let default_port = match kind {
        ProxyKind::Http => 80,
        ProxyKind::Https => 443,
        ProxyKind::Socks5 => 1080,
    };
    let host_port = if authority.port_u16().is_some() {
        host_port.to_string()
    } else {
        format!("{host_port}:{default_port}")
    };
    let address: Uri = format!("{scheme}://{host_port}/")
        .parse()
        .map_err(|_| invalid(""))?;
    if address.host().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(Proxy {
        kind,
        address,
        auth,
        url: uri,
        origin: origin.to_string(),
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Whether `host:port` bypasses the proxy: `localhost` and loopback addresses always (Go's rule), and
/// whatever `NO_PROXY` lists: `*`; an IP address or CIDR range; `host[:port]` matching that host and its
/// subdomains; `.host` or `*.host` matching subdomains only.
pub fn bypass(no_proxy: &str, host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let ip = host.parse::<IpAddr>().ok();
    if host == "localhost" || ip.is_some_and(|ip| ip.is_loopback()) {
        return true;
    }
    for entry in no_proxy.split(',') {
        let entry = entry.trim().to_ascii_lowercase();
        if entry.is_empty() {
            continue;
        }
        if entry == "*" {
            return true;
        }
        if let Ok(net) = entry.parse::<ipnet::IpNet>() {
            if ip.is_some_and(|ip| net.contains(&ip)) {
                return true;
            }
            continue;
        }
        let (entry_host, entry_port) = split_host_port(&entry);
        if entry_port.is_some_and(|p| p != port) {
            continue;
        }
        if let Ok(entry_ip) = entry_host.parse::<IpAddr>() {
            if ip == Some(entry_ip) {
                return true;
            }
            continue;
        }
        let entry_host = entry_host.strip_prefix('*').unwrap_or(entry_host);
        if let Some(suffix) = entry_host.strip_prefix('.') {
            // `.example.com`: subdomains only.
            if host.ends_with(&format!(".{suffix}")) {
                return true;
            }
        } else if host == entry_host || host.ends_with(&format!(".{entry_host}")) {
            return true;
        }
    }
    false
}

/// `host:port`, `[v6]:port`, `v6`, `host` → (host, port).
fn split_host_port(entry: &str) -> (&str, Option<u16>) {
    if let Some(rest) = entry.strip_prefix('[') {
        if let Some((h, tail)) = rest.split_once(']') {
            return (h, tail.strip_prefix(':').and_then(|p| p.parse().ok()));
        }
        return (entry, None);
    }
    match entry.rsplit_once(':') {
        // A bare IPv6 address has several colons and no port.
        Some((h, p)) if !h.contains(':') => match p.parse() {
            Ok(port) => (h, Some(port)),
            Err(_) => (entry, None),
        },
        _ => (entry, None),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> ProxyEnv {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxyEnv::from_env(&move |name| map.get(name).cloned())
    }

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    #[test]
    fn scheme_picks_the_variable_upper_case_first() {
        let env = env_of(&[
            ("HTTPS_PROXY", "http://upper:3128"),
            ("https_proxy", "http://lower:3128"),
            ("http_proxy", "socks5://plain:1080"),
        ]);
        let p = env
            .for_url(&uri("https://clb.tencentcloudapi.com/"))
            .unwrap()
            .unwrap();
        assert_eq!(p.address, uri("http://upper:3128/"));
        assert_eq!(
            (p.kind, p.origin.as_str()),
            (ProxyKind::Http, "HTTPS_PROXY")
        );
        let p = env.for_url(&uri("http://clb.example/")).unwrap().unwrap();
        assert_eq!(
            (p.kind, p.origin.as_str()),
            (ProxyKind::Socks5, "http_proxy")
        );

        // Empty counts as unset; an https destination never falls back to HTTP_PROXY.
        let env = env_of(&[("HTTPS_PROXY", " "), ("https_proxy", "lower:8080")]);
        let p = env.for_url(&uri("https://a.example/")).unwrap().unwrap();
        assert_eq!(p.address, uri("http://lower:8080/"));
        let env = env_of(&[("HTTP_PROXY", "http://p:1")]);
        assert_eq!(env.for_url(&uri("https://a.example/")).unwrap(), None);
        assert_eq!(
            env_of(&[]).for_url(&uri("https://a.example/")).unwrap(),
            None
        );
    }

    #[test]
    fn loopback_is_never_proxied_from_the_environment() {
        let env = env_of(&[("HTTPS_PROXY", "http://p:1"), ("HTTP_PROXY", "http://p:1")]);
        for dst in [
            "http://127.0.0.1:8080/",
            "http://127.5.5.5/",
            "https://[::1]:6443/",
            "http://localhost:1234/",
            "https://LOCALHOST/",
        ] {
            assert_eq!(env.for_url(&uri(dst)).unwrap(), None, "{dst}");
        }
        // Only the name `localhost` itself, as in Go: other names are the proxy's to resolve.
        assert!(
            env.for_url(&uri("http://clb.localhost:1/"))
                .unwrap()
                .is_some()
        );
        assert!(env.for_url(&uri("http://10.0.0.1/")).unwrap().is_some());
    }

    #[test]
    fn no_proxy_rules() {
        let np = "*.svc, .internal.example, corp.example, 10.0.0.0/8, 192.168.1.7, api.example:8443, [fd00::1]:443";
        let yes = [
            ("a.svc", 443),
            ("x.internal.example", 443),
            ("corp.example", 443),
            ("www.corp.example", 80),
            ("10.2.3.4", 443),
            ("192.168.1.7", 1),
            ("api.example", 8443),
            ("CORP.EXAMPLE.", 443),
            ("fd00::1", 443),
        ];
        for (h, p) in yes {
            assert!(bypass(np, h, p), "{h}:{p}");
        }
        let no = [
            ("svc", 443),
            ("internal.example", 443),
            ("notcorp.example", 443),
            ("11.0.0.1", 443),
            ("192.168.1.8", 1),
            ("api.example", 443),
            ("fd00::1", 80),
            ("clb.tencentcloudapi.com", 443),
        ];
        for (h, p) in no {
            assert!(!bypass(np, h, p), "{h}:{p}");
        }
        assert!(bypass("*", "anything.example", 1));
        assert!(bypass(" , ,", "localhost", 1));

        let env = env_of(&[
            ("HTTPS_PROXY", "http://p:1"),
            ("no_proxy", "tencentcloudapi.com"),
        ]);
        assert_eq!(
            env.for_url(&uri("https://clb.tencentcloudapi.com/"))
                .unwrap(),
            None
        );
    }

    #[test]
    fn kubeconfig_proxy_url_wins_over_environment_and_no_proxy() {
        let env = env_of(&[("HTTPS_PROXY", "http://env:3128"), ("NO_PROXY", "*")]);
        let server = uri("https://127.0.0.1:6443");
        let p = for_kube(Some("socks5://localhost:1080"), &server, &env)
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.kind, p.origin.as_str()),
            (ProxyKind::Socks5, "kubeconfig proxy-url")
        );
        // Without proxy-url, the environment's rules: loopback and NO_PROXY bypass.
        assert_eq!(for_kube(None, &server, &env).unwrap(), None);
        assert_eq!(
            for_kube(Some(""), &uri("https://api.example:6443"), &env).unwrap(),
            None
        );
        let env = env_of(&[("HTTPS_PROXY", "http://env:3128")]);
        let p = for_kube(None, &uri("https://api.example:6443"), &env)
            .unwrap()
            .unwrap();
        assert_eq!(p.origin, "HTTPS_PROXY");
        // kubectl wants a scheme in proxy-url.
        assert!(for_kube(Some("proxy:3128"), &server, &env).is_err());
        // SOCKS5 credentials cannot be sent by the Kubernetes client: said, without the password.
        let err = for_kube(Some("socks5://ops:s3cret@bastion:1080"), &server, &env)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "socks5://ops:***@bastion:1080 (kubeconfig proxy-url): the Kubernetes client"
            ),
            "{err}"
        );
        assert!(!err.contains("s3cret"), "{err}");
        let env = env_of(&[("HTTPS_PROXY", "socks5h://ops:s3cret@bastion:1080")]);
        assert!(for_kube(None, &uri("https://api.example:6443"), &env).is_err());
        // The CLB client sends them itself (cloud::net): the environment's SOCKS5 credentials stay usable.
        assert!(
            env.for_url(&uri("https://clb.tencentcloudapi.com/"))
                .unwrap()
                .is_some_and(|p| p.auth.is_some())
        );
    }

    #[test]
    fn urls_with_passwords_never_show_them() {
        let env = env_of(&[("HTTPS_PROXY", "http://alice:s%40cr%3At@proxy.corp:3128")]);
        let p = env
            .for_url(&uri("https://clb.tencentcloudapi.com/"))
            .unwrap()
            .unwrap();
        let (user, pass) = p.auth.clone().unwrap();
        assert_eq!((user.as_str(), pass.expose()), ("alice", "s@cr:t"));
        let shown = format!("{p} {p:?}");
        assert!(
            !shown.contains("s%40cr") && !shown.contains("s@cr"),
            "{shown}"
        );
        assert!(
            shown.contains("http://alice:***@proxy.corp:3128 (HTTPS_PROXY)"),
            "{shown}"
        );
        assert_eq!(p.address, uri("http://proxy.corp:3128/"));

        // Errors name the variable, never the value.
        let env = env_of(&[("HTTPS_PROXY", "ftp://bob:hunter2@proxy:21")]);
        let err = env
            .for_url(&uri("https://clb.tencentcloudapi.com/"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("HTTPS_PROXY") && !err.contains("hunter2"),
            "{err}"
        );
    }

    #[test]
    fn default_ports_and_schemes() {
        let p = parse("socks5h://bastion", "x", false).unwrap();
        assert_eq!(
            (p.kind, p.address.port_u16()),
            (ProxyKind::Socks5, Some(1080))
        );
        let p = parse("https://secure-proxy", "x", false).unwrap();
        assert_eq!(
            (p.kind, p.address.port_u16()),
            (ProxyKind::Https, Some(443))
        );
        assert!(parse("http://p:1/path", "x", false).is_err());
        assert!(parse("http://", "x", false).is_err());
    }
}
