//! Building a kube client the way kubectl would: --kubeconfig, then $KUBECONFIG (several files merged),
//! then ~/.kube/config, then in-cluster config; --context; --request-timeout; the cluster's `proxy-url`
//! (http, https, socks5), else `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` ([`crate::cloud::proxy::for_kube`]).

use std::time::Duration;

use kube::config::{Config, KubeConfigOptions, Kubeconfig};

use crate::cli::KubeArgs;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid --request-timeout `{0}`: expected a duration like 30s, 1m, 500ms or 0")]
    Timeout(String),
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
}

/// Parse a kubectl-style duration: `30s`, `1m`, `1m30s`, `500ms`, `2h`, a bare number of seconds, or `0` (no limit).
pub fn parse_duration(s: &str) -> Option<Option<Duration>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Some((secs > 0).then(|| Duration::from_secs(secs)));
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += Duration::from_secs_f64(value * factor);
    }
    Some((!total.is_zero()).then_some(total))
}

/// Resolve the client configuration from the flags, the environment and the kubeconfig files.
pub async fn config(args: &KubeArgs) -> Result<Config, ClientError> {
    let timeout = parse_duration(&args.request_timeout)
        .ok_or_else(|| ClientError::Timeout(args.request_timeout.clone()))?;
    let options = KubeConfigOptions {
        context: args.context.clone(),
        ..Default::default()
    };
    let (mut config, kubeconfig) = if let Some(path) = &args.kubeconfig {
        let kubeconfig = Kubeconfig::read_from(path).map_err(|source| ClientError::Kubeconfig {
            path: path.display().to_string(),
            source,
        })?;
        let config = Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
            .await
            .map_err(|source| ClientError::Kubeconfig {
                path: path.display().to_string(),
                source,
            })?;
        (config, Some(kubeconfig))
    } else if args.context.is_some() || std::env::var_os("KUBECONFIG").is_some() {
        let config =
            Config::from_kubeconfig(&options)
                .await
                .map_err(|source| ClientError::Kubeconfig {
                    path: kubeconfig_hint(),
                    source,
                })?;
        (config, Kubeconfig::read().ok())
    } else {
        let config = Config::infer().await.map_err(ClientError::Infer)?;
        (config, Kubeconfig::read().ok())
    };
    // kube-client applies NO_PROXY to the proxy's own address and proxies loopback servers from the
    // environment; kubectl does neither. Decide as kubectl does.
    let proxy_url = kubeconfig
        .as_ref()
        .and_then(|k| cluster_proxy_url(k, args.context.as_deref(), &config.cluster_url));
    let env = crate::cloud::proxy::ProxyEnv::from_env(&|name| std::env::var(name).ok());
    config.proxy_url =
        crate::cloud::proxy::for_kube(proxy_url.as_deref(), &config.cluster_url, &env)?
            .map(|p| kube_proxy_uri(&p));
    config.read_timeout = timeout;
    config.write_timeout = timeout;
    config.connect_timeout = timeout.or(Some(Duration::from_secs(30)));
    Ok(config)
}

/// A client for the resolved configuration.
pub async fn client(args: &KubeArgs) -> Result<kube::Client, ClientError> {
    let config = config(args).await?;
    kube::Client::try_from(config).map_err(ClientError::Client)
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

fn kubeconfig_hint() -> String {
    std::env::var("KUBECONFIG").unwrap_or_else(|_| "~/.kube/config".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_kubectl() {
        assert_eq!(parse_duration("30s"), Some(Some(Duration::from_secs(30))));
        assert_eq!(parse_duration("1m30s"), Some(Some(Duration::from_secs(90))));
        assert_eq!(
            parse_duration("500ms"),
            Some(Some(Duration::from_millis(500)))
        );
        assert_eq!(parse_duration("5"), Some(Some(Duration::from_secs(5))));
        assert_eq!(parse_duration("0"), Some(None));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5x"), None);
    }
}
