//! Flags of `tkedirect sync`.

use super::kube::KubeArgs;
use super::output_formats;
use crate::model::Target;
use crate::report::Format;

/// `sync`.
#[derive(Debug, Clone, clap::Args)]
pub struct SyncArgs {
    /// The Service or Ingress whose CLB backends to sync: svc/NAME or ing/NAME.
    #[arg(value_name = "TARGET")]
    pub target: Target,
    /// Namespace of the object (default: the kubeconfig context's namespace).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub kube: KubeArgs,
    /// Tencent Cloud region of the CLB (default: $TENCENTCLOUD_REGION, then TKE_REGION in the
    /// cluster's kube-system/tke-config).
    #[arg(long, value_name = "REGION", help_heading = "Tencent Cloud")]
    pub region: Option<String>,
    /// CLB API endpoint (default https://clb.tencentcloudapi.com): a regional, international or
    /// VPC-internal host. Plain http:// only for loopback addresses; TLS certificates are always verified.
    #[arg(
        long,
        value_name = "URL",
        env = "TKEDIRECT_CLB_ENDPOINT",
        help_heading = "Tencent Cloud"
    )]
    pub endpoint: Option<String>,
    /// Where Tencent Cloud credentials come from: `auto` tries env, profile, tccli, oidc (TKE pod
    /// identity), then cvm-role (instance metadata); the others use that source only (docs/credentials.md).
    #[arg(
        long,
        value_name = "SOURCE",
        env = "TKEDIRECT_CREDENTIALS_SOURCE",
        default_value = "auto",
        value_parser = clap::builder::PossibleValuesParser::new(crate::cloud::credentials::SourceChoice::NAMES),
        help_heading = "Tencent Cloud"
    )]
    pub credentials_source: String,
    /// CLB id (lb-xxxxxxxx) when the object carries none in its annotations; must agree with them if it does.
    #[arg(long, value_name = "LB_ID", help_heading = "Tencent Cloud")]
    pub lb: Option<String>,
    /// Weight of newly registered targets, 0–100 (targets already bound keep theirs).
    #[arg(long, value_name = "0-100", default_value_t = 10, value_parser = clap::value_parser!(i64).range(0..=100), help_heading = "What to change")]
    pub weight: i64,
    /// Targets one listener or L7 rule may hold, used when the CLB API does not say (DescribeQuota's
    /// TOTAL_TARGET_BIND_QUOTA); a plan that would go over it is blocked.
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..), help_heading = "What to change")]
    pub max_targets: u64,
    /// How long to wait for each of the CLB's asynchronous tasks (DescribeTaskStatus) before stopping: 30s,
    /// 2m, 0 (ask once, do not wait). Also how long a run waits for a task an earlier run left running.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = wait_duration, help_heading = "What to change")]
    pub wait: std::time::Duration,
    /// Change the CLB: register, then deregister, then re-read and verify. Without it, only the plan is shown.
    #[arg(long, help_heading = "What to change")]
    pub apply: bool,
    /// Do not ask for confirmation (asked only when stdin is a terminal).
    #[arg(short = 'y', long, requires = "apply", help_heading = "What to change")]
    pub yes: bool,
    /// Apply even if a listener would be left empty or lose more than half of its targets.
    #[arg(long, help_heading = "What to change")]
    pub force: bool,
    /// Also deregister targets that are not ENI IPs (node IPs of NodePort mode); left alone by default.
    #[arg(long, help_heading = "What to change")]
    pub prune_non_eni: bool,
    /// Output format of the plan and the result.
    #[arg(short = 'o', long, default_value = "table", value_name = "FORMAT", help_heading = "Output",
          value_parser = output_formats(&[Format::Table, Format::Json]))]
    pub output: Format,
}

/// `--wait`: a kubectl-style duration; 0 means do not wait.
fn wait_duration(s: &str) -> Result<std::time::Duration, String> {
    super::kube::parse_duration(s)
        .map(Option::unwrap_or_default)
        .ok_or_else(|| format!("`{s}` is not a duration like 30s, 2m, 500ms or 0"))
}
