//! How to reach the cluster: the kubectl flags users already type.

use std::path::PathBuf;
use std::time::Duration;

use crate::cluster::ClientOptions;

/// Cluster connection flags, shared by every subcommand that talks to the API server.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Cluster connection")]
pub struct KubeArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config).
    #[arg(long, value_name = "PATH", global = false)]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: the current context).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// How long to wait for one API request, like kubectl's: 30s, 1m, 500ms; 0 means no limit.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = timeout)]
    pub request_timeout: Timeout,
}

/// `--request-timeout`: None means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeout(pub Option<Duration>);

pub(crate) fn timeout(s: &str) -> Result<Timeout, String> {
    parse_duration(s)
        .map(Timeout)
        .ok_or_else(|| format!("`{s}` is not a duration like 30s, 1m, 500ms or 0"))
}

impl KubeArgs {
    /// The connection options the library takes.
    pub fn options(&self) -> ClientOptions {
        ClientOptions {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            request_timeout: self.request_timeout.0,
        }
    }
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
