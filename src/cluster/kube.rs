//! The real adapter: kube's client (kubeconfig, exec plugins, TLS, proxies, timeouts) behind [`Cluster`],
//! with the one retry policy. Connecting resolves the configuration the way kubectl does: `--kubeconfig`,
//! then `$KUBECONFIG` (several files merged), then `~/.kube/config`, then the in-cluster configuration;
//! `--context`; `--request-timeout`; the cluster's `proxy-url` (http, https, socks5), else
//! `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` ([`crate::cloud::proxy::for_kube`]).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use kube::config::{Config, KubeConfigOptions, Kubeconfig};

use super::port::{ApiError, Cluster, FIELD_MANAGER, ListQuery, Patch, Resource};
use super::retry::{Failed, RetryPolicy, retryable};

/// How to reach the cluster (kubectl's connection flags, as plain data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// None: no limit.
    pub request_timeout: Option<Duration>,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("could not load kubeconfig {path}")]
    Kubeconfig {
        path: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error(
        "no usable cluster configuration: set --kubeconfig or KUBECONFIG, or run inside a cluster"
    )]
    Infer(#[source] kube::config::InferConfigError),
    #[error("could not create the Kubernetes client")]
    Client(#[source] kube::Error),
    #[error(transparent)]
    Proxy(#[from] crate::cloud::proxy::ProxyError),
    /// `--context` names no context of the kubeconfig (kubectl: "context was not found").
    #[error("context `{context}` not found in {path}; its contexts: {available}")]
    NoContext {
        context: String,
        path: String,
        available: String,
    },
}

/// `--context NAME` must be one of the kubeconfig's contexts: say which exist rather than kube's
/// "failed to load current context".
fn check_context(
    kubeconfig: &Kubeconfig,
    context: Option<&str>,
    path: &str,
) -> Result<(), ClientError> {
    let Some(context) = context else {
        return Ok(());
    };
    if kubeconfig.contexts.iter().any(|c| c.name == context) {
        return Ok(());
    }
    let names: Vec<&str> = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    Err(ClientError::NoContext {
        context: context.to_string(),
        path: path.to_string(),
        available: if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        },
    })
}

/// kube's client behind [`Cluster`].
pub struct KubeCluster {
    client: kube::Client,
    policy: RetryPolicy,
    requests: AtomicUsize,
    /// The API server's URL, for messages.
    pub server: String,
    /// The kubeconfig context's namespace (kubectl's default for -n).
    pub default_namespace: String,
}

impl KubeCluster {
    /// Resolve the configuration and build the client.
    pub async fn connect(opts: &ClientOptions) -> Result<KubeCluster, ClientError> {
        let config = config(opts).await?;
        let server = config.cluster_url.to_string();
        let default_namespace = config.default_namespace.clone();
        let client = kube::Client::try_from(config).map_err(ClientError::Client)?;
        Ok(KubeCluster {
            client,
            policy: RetryPolicy::default(),
            requests: AtomicUsize::new(0),
            server,
            default_namespace,
        })
    }

    /// HTTP requests sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    async fn attempt(&self, req: http::Request<Vec<u8>>) -> Result<(u16, Bytes), Failed> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let req = req.map(kube::client::Body::from);
        let resp = self.client.send(req).await.map_err(|e| Failed {
            // Credential plugins failing will not get better by retrying; the network might.
            retry: !matches!(e, kube::Error::Auth(_)),
            error: ApiError::transport(describe(&e)),
            retry_after: None,
        })?;
        let status = resp.status().as_u16();
        let header_retry = resp
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = resp.into_body().collect_bytes().await.map_err(|e| Failed {
            error: ApiError::transport(describe(&e)),
            retry: true,
            retry_after: None,
        })?;
        if (200..300).contains(&status) {
            return Ok((status, body));
        }
        let (error, body_retry) = ApiError::from_status(status, &body);
        Err(Failed {
            error,
            retry: retryable(status),
            retry_after: header_retry.or(body_retry),
        })
    }

    async fn send(
        &self,
        method: http::Method,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Bytes, ApiError> {
        self.policy
            .run(|| {
                let mut b = http::Request::builder()
                    .method(method.clone())
                    .uri(uri)
                    .header(http::header::ACCEPT, "application/json");
                if let Some(ct) = content_type {
                    b = b.header(http::header::CONTENT_TYPE, ct);
                }
                let req = b.body(body.clone());
                async move {
                    let req = req.map_err(|e| Failed {
                        error: ApiError::transport(e.to_string()),
                        retry: false,
                        retry_after: None,
                    })?;
                    self.attempt(req).await.map(|(_, b)| b)
                }
            })
            .await
    }
}

impl Cluster for KubeCluster {
    async fn get_path(&self, path: &str) -> Result<Bytes, ApiError> {
        self.send(http::Method::GET, path, None, Vec::new()).await
    }

    async fn get(
        &self,
        r: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Bytes>, ApiError> {
        match self
            .send(
                http::Method::GET,
                &r.path(namespace, Some(name)),
                None,
                Vec::new(),
            )
            .await
        {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.code() == Some(404) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn list(
        &self,
        r: &Resource,
        namespace: Option<&str>,
        query: &ListQuery,
    ) -> Result<Bytes, ApiError> {
        let uri = format!("{}{}", r.path(namespace, None), query.query_string());
        self.send(http::Method::GET, &uri, None, Vec::new()).await
    }

    async fn patch(
        &self,
        r: &Resource,
        namespace: &str,
        name: &str,
        patch: &Patch,
        dry_run: bool,
    ) -> Result<Bytes, ApiError> {
        let mut uri = format!(
            "{}?fieldManager={FIELD_MANAGER}",
            r.path(Some(namespace), Some(name))
        );
        if dry_run {
            uri.push_str("&dryRun=All");
        }
        let body = serde_json::to_vec(&patch.body).expect("a JSON value serializes");
        self.send(
            http::Method::PATCH,
            &uri,
            Some(patch.kind.content_type()),
            body,
        )
        .await
    }
}

/// Resolve the client configuration from the options, the environment and the kubeconfig files.
pub async fn config(opts: &ClientOptions) -> Result<Config, ClientError> {
    let options = KubeConfigOptions {
        context: opts.context.clone(),
        ..Default::default()
    };
    let (mut config, kubeconfig) = if let Some(path) = &opts.kubeconfig {
        let kubeconfig = Kubeconfig::read_from(path).map_err(|source| ClientError::Kubeconfig {
            path: path.display().to_string(),
            source,
        })?;
        check_context(
            &kubeconfig,
            opts.context.as_deref(),
            &path.display().to_string(),
        )?;
        let config = Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
            .await
            .map_err(|source| ClientError::Kubeconfig {
                path: path.display().to_string(),
                source,
            })?;
        (config, Some(kubeconfig))
    } else if opts.context.is_some() || std::env::var_os("KUBECONFIG").is_some() {
        let path = std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".to_string());
        let kubeconfig = Kubeconfig::read().ok();
        if let Some(k) = &kubeconfig {
            check_context(k, opts.context.as_deref(), &path)?;
        }
        let config = Config::from_kubeconfig(&options)
            .await
            .map_err(|source| ClientError::Kubeconfig { path, source })?;
        (config, kubeconfig)
    } else {
        let config = Config::infer().await.map_err(ClientError::Infer)?;
        (config, Kubeconfig::read().ok())
    };
    // kube-client applies NO_PROXY to the proxy's own address and proxies loopback servers from the
    // environment; kubectl does neither. Decide as kubectl does.
    let proxy_url = kubeconfig
        .as_ref()
        .and_then(|k| cluster_proxy_url(k, opts.context.as_deref(), &config.cluster_url));
    let env = crate::cloud::proxy::ProxyEnv::from_env(&|name| std::env::var(name).ok());
    config.proxy_url =
        crate::cloud::proxy::for_kube(proxy_url.as_deref(), &config.cluster_url, &env)?
            .map(|p| kube_proxy_uri(&p));
    // kube-client retries 429, 503 and 504 by itself (15 times, backing off up to minutes); the one policy
    // is `cluster::retry`, so its retries must not multiply with kube's.
    config.default_retry = false;
    config.read_timeout = opts.request_timeout;
    config.write_timeout = opts.request_timeout;
    config.connect_timeout = opts.request_timeout.or(Some(Duration::from_secs(30)));
    Ok(config)
}

/// The `proxy-url` of the kubeconfig cluster the client talks to: that of `context` (default: the current
/// context), provided its `server` is the URL in use (not so when kube fell back to the in-cluster config).
fn cluster_proxy_url(
    kubeconfig: &Kubeconfig,
    context: Option<&str>,
    server: &http::Uri,
) -> Option<String> {
    let context_name = context.or(kubeconfig.current_context.as_deref())?;
    let cluster_name = &kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context_name)?
        .context
        .as_ref()?
        .cluster;
    let cluster = kubeconfig
        .clusters
        .iter()
        .find(|c| &c.name == cluster_name)?
        .cluster
        .as_ref()?;
    let same_server = cluster
        .server
        .as_deref()
        .and_then(|s| s.parse::<http::Uri>().ok())
        .is_some_and(|s| s == *server);
    if same_server {
        cluster.proxy_url.clone()
    } else {
        None
    }
}

/// The URL kube-client's connector expects: it knows `socks5://`, which resolves names on the proxy as
/// `socks5h://` does.
fn kube_proxy_uri(proxy: &crate::cloud::proxy::Proxy) -> http::Uri {
    if proxy.url.scheme_str() == Some("socks5h") {
        let mut parts = proxy.url.clone().into_parts();
        parts.scheme = Some("socks5".parse().expect("a valid scheme"));
        http::Uri::from_parts(parts).unwrap_or_else(|_| proxy.url.clone())
    } else {
        proxy.url.clone()
    }
}

/// kube's errors, with their causes, in one line.
fn describe(e: &kube::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

/// The one async runtime every command that talks to a cluster or the CLB runs on: two worker threads
/// for the connections, the caller's thread for the work.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
