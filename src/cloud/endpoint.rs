//! Which host the CLB client talks to. Default `https://clb.tencentcloudapi.com`; `--endpoint` /
//! `TKEDIRECT_CLB_ENDPOINT` override it (regional, international or VPC-internal hosts, tests). Plain
//! `http://` is accepted only for loopback hosts; TLS certificates are always verified otherwise.

use std::fmt;
use std::net::IpAddr;

pub const DEFAULT_HOST: &str = "clb.tencentcloudapi.com";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub https: bool,
    pub host: String,
    pub port: Option<u16>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EndpointError {
    #[error(
        "invalid CLB endpoint `{0}`: expected https://HOST[:PORT] (for example https://clb.ap-guangzhou.tencentcloudapi.com)"
    )]
    Syntax(String),
    #[error(
        "invalid CLB endpoint `{0}`: only https:// is allowed, except http:// to a loopback address (127.0.0.1, ::1, localhost)"
    )]
    PlainHttp(String),
    #[error(
        "invalid CLB endpoint `{0}`: the API is served at `/`; a path, query or user name is not allowed"
    )]
    Path(String),
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint {
            https: true,
            host: DEFAULT_HOST.to_string(),
            port: None,
        }
    }
}

impl Endpoint {
    /// Parse `https://host[:port][/]`, `http://loopback[:port][/]`, or a bare `host[:port]` (https).
    pub fn parse(s: &str) -> Result<Endpoint, EndpointError> {
        let s = s.trim();
        let with_scheme = if s.contains("://") {
            s.to_string()
        } else {
            format!("https://{s}")
        };
        let uri: http::Uri = with_scheme
            .parse()
            .map_err(|_| EndpointError::Syntax(s.to_string()))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(EndpointError::Syntax(s.to_string())),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| EndpointError::Syntax(s.to_string()))?;
        if authority.as_str().contains('@') {
            return Err(EndpointError::Path(s.to_string()));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(EndpointError::Path(s.to_string()));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if host.is_empty() {
            return Err(EndpointError::Syntax(s.to_string()));
        }
        let endpoint = Endpoint {
            https,
            host,
            port: authority.port_u16(),
        };
        if !https && !endpoint.is_loopback() {
            return Err(EndpointError::PlainHttp(s.to_string()));
        }
        Ok(endpoint)
    }

    pub fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The `Host` header value (and the signed `host`): the port only when not the scheme's default.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match self.port {
            Some(p) if !(self.https && p == 443 || !self.https && p == 80) => format!("{host}:{p}"),
            _ => host,
        }
    }

    pub fn url(&self) -> String {
        format!(
            "{}://{}/",
            if self.https { "https" } else { "http" },
            self.host_header()
        )
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted() {
        assert_eq!(
            Endpoint::parse("https://clb.tencentcloudapi.com").unwrap(),
            Endpoint::default()
        );
        let e = Endpoint::parse("clb.ap-guangzhou.tencentcloudapi.com").unwrap();
        assert_eq!(
            (e.https, e.host.as_str()),
            (true, "clb.ap-guangzhou.tencentcloudapi.com")
        );
        let e = Endpoint::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(e.host_header(), "127.0.0.1:8080");
        assert_eq!(e.url(), "http://127.0.0.1:8080/");
        assert!(Endpoint::parse("http://localhost:9").unwrap().is_loopback());
        assert_eq!(
            Endpoint::parse("http://[::1]:9").unwrap().host_header(),
            "[::1]:9"
        );
        assert_eq!(
            Endpoint::parse("https://clb.internal.tencentcloudapi.com:443")
                .unwrap()
                .host_header(),
            "clb.internal.tencentcloudapi.com"
        );
    }

    #[test]
    fn refused() {
        assert!(matches!(
            Endpoint::parse("http://clb.tencentcloudapi.com"),
            Err(EndpointError::PlainHttp(_))
        ));
        assert!(matches!(
            Endpoint::parse("http://10.0.0.1:80"),
            Err(EndpointError::PlainHttp(_))
        ));
        assert!(matches!(
            Endpoint::parse("http://127.0.0.1.example.com"),
            Err(EndpointError::PlainHttp(_))
        ));
        assert!(matches!(
            Endpoint::parse("https://clb.tencentcloudapi.com/v3"),
            Err(EndpointError::Path(_))
        ));
        assert!(matches!(
            Endpoint::parse("https://user@clb.tencentcloudapi.com"),
            Err(EndpointError::Path(_))
        ));
        assert!(matches!(
            Endpoint::parse("ftp://x"),
            Err(EndpointError::Syntax(_))
        ));
        assert!(Endpoint::parse("").is_err());
    }
}
