//! How to reach the cluster: the kubectl flags users already type.

use std::path::PathBuf;

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
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub request_timeout: String,
}
