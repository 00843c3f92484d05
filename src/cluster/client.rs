//! Building a kube client the way kubectl would: --kubeconfig, then $KUBECONFIG (several files merged),
//! then ~/.kube/config, then in-cluster config; --context; --request-timeout.

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
    let mut config = if let Some(path) = &args.kubeconfig {
        let kubeconfig = Kubeconfig::read_from(path).map_err(|source| ClientError::Kubeconfig {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|source| ClientError::Kubeconfig {
                path: path.display().to_string(),
                source,
            })?
    } else if args.context.is_some() || std::env::var_os("KUBECONFIG").is_some() {
        Config::from_kubeconfig(&options)
            .await
            .map_err(|source| ClientError::Kubeconfig {
                path: kubeconfig_hint(),
                source,
            })?
    } else {
        Config::infer().await.map_err(ClientError::Infer)?
    };
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
