//! HTTP clients for the Tencent Cloud APIs (CLB, STS) and the CVM metadata service: which proxy to go
//! through ([`super::proxy`]) and which certificates to trust.
//!
//! TLS: certificates are always verified, against the Mozilla roots built into tkedirect plus, when
//! `SSL_CERT_FILE` names a PEM file, the certificates in it (for proxies that inspect TLS with a
//! company CA). Proxies: `http://` and `https://` proxies are used with HTTP CONNECT for every
//! destination; `socks5://` (and `socks5h://`) with SOCKS5, host names resolved by the proxy.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::proxy::{SocksV5, Tunnel};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tower_service::Service;

use super::endpoint::Endpoint;
use super::proxy::{Proxy, ProxyEnv, ProxyError, ProxyKind};

/// The variable naming extra trusted certificates (PEM), as OpenSSL, Go and curl read it.
pub const CA_FILE_VAR: &str = "SSL_CERT_FILE";

/// A client for one endpoint.
pub type HttpClient = Client<HttpsConnector<Route>, Full<Bytes>>;

#[derive(Debug, thiserror::Error)]
pub enum NetError {
    #[error("{CA_FILE_VAR}={path}: cannot read certificates: {message}")]
    CaFile { path: String, message: String },
    #[error("{CA_FILE_VAR}={path} holds no PEM certificate")]
    CaFileEmpty { path: String },
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Proxy(#[from] ProxyError),
}

/// Proxy and trust settings read once from the environment, shared by every client.
#[derive(Clone)]
pub struct Net {
    proxies: ProxyEnv,
    tls: Arc<rustls::ClientConfig>,
    /// Where extra trusted certificates came from, for -v.
    pub ca_file: Option<String>,
}

impl std::fmt::Debug for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Net")
            .field("proxies", &self.proxies)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// A connected client, and the proxy it goes through (None: direct).
pub struct Connection {
    pub client: HttpClient,
    pub proxy: Option<Proxy>,
}

impl Net {
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Net, NetError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let ca_file = env(CA_FILE_VAR).filter(|v| !v.trim().is_empty());
        if let Some(path) = &ca_file {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<_, _>>())
                .map_err(|e| NetError::CaFile {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            if certs.is_empty() {
                return Err(NetError::CaFileEmpty { path: path.clone() });
            }
            for cert in certs {
                roots.add(cert).map_err(|e| NetError::CaFile {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| NetError::Tls(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Net {
            proxies: ProxyEnv::from_env(env),
            tls: Arc::new(tls),
            ca_file,
        })
    }

    /// A client for `endpoint`, through the proxy the environment names for it. Plain `http://` endpoints
    /// are loopback-only ([`Endpoint::parse`]) and so never proxied.
    pub fn connect(&self, endpoint: &Endpoint) -> Result<Connection, NetError> {
        let url: Uri = endpoint
            .url()
            .parse()
            .map_err(|_| NetError::Tls(format!("invalid URL {endpoint}")))?;
        let proxy = self.proxies.for_url(&url)?;
        let client = self.client(proxy.as_ref(), endpoint.https, None);
        Ok(Connection { client, proxy })
    }

    /// A client that never uses a proxy (the CVM metadata service is link-local: a proxy would answer
    /// with its own host's metadata, if at all).
    pub fn direct(&self, https: bool, connect_timeout: Duration) -> HttpClient {
        self.client(None, https, Some(connect_timeout))
    }

    fn client(
        &self,
        proxy: Option<&Proxy>,
        https: bool,
        connect_timeout: Option<Duration>,
    ) -> HttpClient {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_connect_timeout(connect_timeout.or(Some(Duration::from_secs(30))));
        let route = match proxy {
            None => Route::Direct(tcp),
            Some(p) => match p.kind {
                ProxyKind::Http => {
                    let mut t = Tunnel::new(p.address.clone(), tcp);
                    if let Some(auth) = basic_auth(p) {
                        t = t.with_auth(auth);
                    }
                    Route::Tunnel(t)
                }
                ProxyKind::Https => {
                    let to_proxy = hyper_rustls::HttpsConnectorBuilder::new()
                        .with_tls_config((*self.tls).clone())
                        .https_only()
                        .enable_http1()
                        .wrap_connector(tcp);
                    let mut t = Tunnel::new(p.address.clone(), to_proxy);
                    if let Some(auth) = basic_auth(p) {
                        t = t.with_auth(auth);
                    }
                    Route::TunnelTls(t)
                }
                ProxyKind::Socks5 => {
                    let mut s = SocksV5::new(p.address.clone(), tcp);
                    if let Some((user, pass)) = &p.auth {
                        s = s.with_auth(user.clone(), pass.expose().to_string());
                    }
                    Route::Socks(s)
                }
            },
        };
        let builder =
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config((*self.tls).clone());
        let builder = if https {
            builder.https_only()
        } else {
            builder.https_or_http()
        };
        let connector = builder.enable_http1().wrap_connector(route);
        Client::builder(TokioExecutor::new()).build(connector)
    }
}

/// Why an exchange failed.
#[derive(Debug)]
pub enum ExchangeError {
    /// No connection could be made (refused, unresolvable, connect timeout).
    Connect(String),
    /// No complete answer within the time limit.
    Timeout(Duration),
    /// The connection broke, or the answer was too large.
    Other(String),
}

impl std::fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExchangeError::Connect(m) | ExchangeError::Other(m) => f.write_str(m),
            ExchangeError::Timeout(t) => write!(f, "no answer within {} s", t.as_secs_f64()),
        }
    }
}

/// Send `request` and read the whole answer (at most `limit` bytes) within `timeout`.
pub async fn exchange(
    client: &HttpClient,
    request: http::Request<Full<Bytes>>,
    timeout: Duration,
    limit: usize,
) -> Result<(u16, Bytes), ExchangeError> {
    use http_body_util::BodyExt;
    let work = async {
        let response = client.request(request).await.map_err(|e| {
            if e.is_connect() {
                ExchangeError::Connect(error_chain(&e))
            } else {
                ExchangeError::Other(error_chain(&e))
            }
        })?;
        let status = response.status().as_u16();
        let body = http_body_util::Limited::new(response.into_body(), limit)
            .collect()
            .await
            .map_err(|e| ExchangeError::Other(format!("reading the answer: {e}")))?
            .to_bytes();
        Ok((status, body))
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| ExchangeError::Timeout(timeout))?
}

/// An error with its causes, `outer: inner: innermost`.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn basic_auth(p: &Proxy) -> Option<http::HeaderValue> {
    use base64::Engine;
    let (user, pass) = p.auth.as_ref()?;
    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", pass.expose()));
    let mut v = http::HeaderValue::from_str(&format!("Basic {token}")).ok()?;
    v.set_sensitive(true);
    Some(v)
}

type Io = MaybeHttpsStream<TokioIo<tokio::net::TcpStream>>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How a connection reaches its destination: directly, through an HTTP CONNECT tunnel (to a plain or a
/// TLS proxy), or through SOCKS5. TLS to the destination is added on top by [`HttpsConnector`].
#[derive(Clone)]
pub enum Route {
    Direct(HttpConnector),
    Tunnel(Tunnel<HttpConnector>),
    TunnelTls(Tunnel<HttpsConnector<HttpConnector>>),
    Socks(SocksV5<HttpConnector>),
}

impl Service<Uri> for Route {
    type Response = Io;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Io, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Route::Direct(c) => c.poll_ready(cx).map_err(Into::into),
            Route::Tunnel(c) => c.poll_ready(cx).map_err(Into::into),
            Route::TunnelTls(c) => c.poll_ready(cx).map_err(Into::into),
            Route::Socks(c) => c.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            Route::Direct(c) => {
                let f = c.call(dst);
                Box::pin(async move { Ok(MaybeHttpsStream::Http(f.await?)) })
            }
            Route::Tunnel(c) => {
                let f = c.call(dst);
                Box::pin(async move { Ok(MaybeHttpsStream::Http(f.await?)) })
            }
            Route::TunnelTls(c) => {
                let f = c.call(dst);
                Box::pin(async move { Ok(f.await?) })
            }
            Route::Socks(c) => {
                let f = c.call(dst);
                Box::pin(async move { Ok(MaybeHttpsStream::Http(f.await?)) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "no certificates here\n").unwrap();
        let path = empty.to_str().unwrap().to_string();
        let err = Net::from_env(&|n| (n == CA_FILE_VAR).then(|| path.clone())).unwrap_err();
        assert!(matches!(err, NetError::CaFileEmpty { .. }), "{err}");
        let err = Net::from_env(&|n| (n == CA_FILE_VAR).then(|| "/nonexistent/ca.pem".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
        assert!(Net::from_env(&|_| None).unwrap().ca_file.is_none());
    }

    #[test]
    fn loopback_endpoints_are_direct_even_with_a_proxy() {
        let net = Net::from_env(&|n| {
            matches!(n, "HTTP_PROXY" | "HTTPS_PROXY").then(|| "http://127.0.0.1:9".to_string())
        })
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let c = net
            .connect(&Endpoint::parse("http://127.0.0.1:8080").unwrap())
            .unwrap();
        assert!(c.proxy.is_none());
        let c = net.connect(&Endpoint::default()).unwrap();
        assert_eq!(c.proxy.unwrap().origin, "HTTPS_PROXY");
    }
}
