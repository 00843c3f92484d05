//! Loopback proxies for the proxy tests: an HTTP CONNECT proxy (plain, or spoken inside TLS as an
//! `https://` proxy URL asks) and a SOCKS5 proxy on 127.0.0.1.
//!
//! Each keeps a log of what it was asked (`CONNECT host:port`, `SOCKS5 CONNECT host:port`), so a test can
//! show from the proxy's side that the traffic went through it. Destinations are a fixed table the test
//! fills ([`TestProxy::route`]): a name or address only the proxy knows (`127.0.0.2:PORT`,
//! `clb.tkedirect.test:443`) leads to a fake server on 127.0.0.1, so a request that reaches the fake
//! cannot have bypassed the proxy. Anything not in the table is refused: the proxies never connect
//! anywhere else. A route can also terminate TLS with the test certificate for `*.tkedirect.test`
//! (`tests/fixtures/tls/`), as a company proxy that inspects TLS does, and pass the plain bytes on.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::serve::{Served, serve};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    HttpConnect,
    /// HTTP CONNECT inside TLS (the test certificate): what an `https://` proxy URL speaks.
    HttpsConnect,
    Socks5,
}

#[derive(Debug, Clone, Copy)]
struct Route {
    target: SocketAddr,
    tls: bool,
}

#[derive(Default)]
struct State {
    log: Vec<String>,
    routes: HashMap<String, Route>,
    /// Expected `Proxy-Authorization` value (HTTP) when set.
    auth: Option<String>,
}

/// A proxy serving until dropped.
pub struct TestProxy {
    protocol: Protocol,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    _server: Served,
}

/// `tests/fixtures/tls/<name>`.
pub fn tls_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

fn tls_acceptor() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(tls_fixture("server.pem"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_file(tls_fixture("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

impl TestProxy {
    pub fn http() -> TestProxy {
        TestProxy::start(Protocol::HttpConnect)
    }

    /// An HTTP CONNECT proxy that speaks only TLS: a client that sends its CONNECT in the clear fails
    /// the handshake.
    pub fn https() -> TestProxy {
        TestProxy::start(Protocol::HttpsConnect)
    }

    pub fn socks5() -> TestProxy {
        TestProxy::start(Protocol::Socks5)
    }

    fn start(protocol: Protocol) -> TestProxy {
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        let acceptor = tls_acceptor();
        let server = serve(0, move |stream| {
            let (st, acceptor) = (st.clone(), acceptor.clone());
            async move {
                let _ = match protocol {
                    Protocol::HttpConnect => serve_http(stream, st, acceptor).await,
                    Protocol::HttpsConnect => match acceptor.accept(stream).await {
                        Ok(tls) => serve_http(tls, st, acceptor).await,
                        Err(e) => {
                            TestProxy::note(&st, format!("TLS handshake failed: {e}"));
                            Ok(())
                        }
                    },
                    Protocol::Socks5 => serve_socks5(stream, st, acceptor).await,
                };
            }
        });
        let addr = server.addr;
        TestProxy {
            protocol,
            addr,
            state,
            _server: server,
        }
    }

    /// `http://127.0.0.1:PORT`, `https://127.0.0.1:PORT` or `socks5://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match self.protocol {
            Protocol::HttpConnect => format!("http://{}", self.addr),
            Protocol::HttpsConnect => format!("https://{}", self.addr),
            Protocol::Socks5 => format!("socks5://{}", self.addr),
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Requests for `host:port` go to `target`.
    pub fn route(&self, host_port: &str, target: SocketAddr) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(host_port.to_ascii_lowercase(), Route { target, tls: false });
    }

    /// Requests for `host:port` are TLS: answer the handshake with the test certificate, then pass the
    /// plain bytes to `target`.
    pub fn route_tls(&self, host_port: &str, target: SocketAddr) {
        self.state
            .lock()
            .unwrap()
            .routes
            .insert(host_port.to_ascii_lowercase(), Route { target, tls: true });
    }

    /// Demand `Proxy-Authorization: Basic base64(user:password)` (HTTP proxy).
    pub fn require_basic_auth(&self, user: &str, password: &str) {
        use base64::Engine;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        self.state.lock().unwrap().auth = Some(format!("Basic {token}"));
    }

    pub fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    fn note(state: &Mutex<State>, line: String) {
        state.lock().unwrap().log.push(line);
    }
}

fn lookup(state: &Mutex<State>, host_port: &str) -> Option<Route> {
    state
        .lock()
        .unwrap()
        .routes
        .get(&host_port.to_ascii_lowercase())
        .copied()
}

/// Relay between the client and the route's target, terminating TLS first when the route says so.
async fn relay<S: AsyncRead + AsyncWrite + Unpin>(
    client: S,
    route: Route,
    acceptor: tokio_rustls::TlsAcceptor,
) -> std::io::Result<()> {
    let mut upstream = TcpStream::connect(route.target).await?;
    if route.tls {
        let mut tls = acceptor.accept(client).await?;
        tokio::io::copy_bidirectional(&mut tls, &mut upstream).await?;
    } else {
        let mut client = client;
        tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    }
    Ok(())
}

async fn serve_http<S: AsyncRead + AsyncWrite + Unpin>(
    mut client: S,
    state: Arc<Mutex<State>>,
    acceptor: tokio_rustls::TlsAcceptor,
) -> std::io::Result<()> {
    // Read the request head; CONNECT clients send nothing more before the answer.
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf).await?;
        if n == 0 || head.len() > 16 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).to_string();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or("").to_string();
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let proxy_auth = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("proxy-authorization"))
        .map(|(_, v)| v.trim().to_string());

    let expected = state.lock().unwrap().auth.clone();
    if let Some(expected) = expected
        && proxy_auth.as_deref() != Some(expected.as_str())
    {
        TestProxy::note(&state, format!("407 {method} {target}"));
        client
            .write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    if method != "CONNECT" {
        TestProxy::note(&state, format!("405 {method} {target}"));
        client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    let Some(route) = lookup(&state, target) else {
        TestProxy::note(&state, format!("403 CONNECT {target}"));
        client
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    };
    TestProxy::note(
        &state,
        format!(
            "CONNECT {target}{}{}",
            if proxy_auth.is_some() {
                " (authenticated)"
            } else {
                ""
            },
            if route.tls { " (TLS inspected)" } else { "" }
        ),
    );
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    relay(client, route, acceptor).await
}

async fn serve_socks5(
    mut client: TcpStream,
    state: Arc<Mutex<State>>,
    acceptor: tokio_rustls::TlsAcceptor,
) -> std::io::Result<()> {
    // Greeting: VER NMETHODS METHODS…; only "no authentication" (0) is offered back.
    let mut hello = [0u8; 2];
    client.read_exact(&mut hello).await?;
    let mut methods = vec![0u8; hello[1] as usize];
    client.read_exact(&mut methods).await?;
    if hello[0] != 5 || !methods.contains(&0) {
        client.write_all(&[5, 0xff]).await?;
        return Ok(());
    }
    client.write_all(&[5, 0]).await?;
    // Request: VER CMD RSV ATYP DST.ADDR DST.PORT
    let mut req = [0u8; 4];
    client.read_exact(&mut req).await?;
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            client.read_exact(&mut a).await?;
            std::net::Ipv4Addr::from(a).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            client.read_exact(&mut len).await?;
            let mut name = vec![0u8; len[0] as usize];
            client.read_exact(&mut name).await?;
            String::from_utf8_lossy(&name).to_string()
        }
        4 => {
            let mut a = [0u8; 16];
            client.read_exact(&mut a).await?;
            format!("[{}]", std::net::Ipv6Addr::from(a))
        }
        _ => return Ok(()),
    };
    let mut port = [0u8; 2];
    client.read_exact(&mut port).await?;
    let target = format!("{host}:{}", u16::from_be_bytes(port));
    let route = (req[1] == 1).then(|| lookup(&state, &target)).flatten();
    let Some(route) = route else {
        TestProxy::note(&state, format!("SOCKS5 refused {target}"));
        // 0x02: connection not allowed by ruleset.
        client.write_all(&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
        return Ok(());
    };
    TestProxy::note(
        &state,
        format!(
            "SOCKS5 CONNECT {target}{}",
            if route.tls { " (TLS inspected)" } else { "" }
        ),
    );
    client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    relay(client, route, acceptor).await
}
