//! `network-mode-unknown`: the network agents tkedirect knows were not found (or could not be read).

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::NetworkMode;

pub const CHECK: Check = Check {
    id: "network-mode-unknown",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "the container network mode could not be determined",
    docs: include_str!("../../docs/checks/network-mode-unknown.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::Unknown {
        return vec![];
    }
    // detect_network puts the deciding line last (DaemonSets unreadable, or no agent it knows).
    let why = ctx
        .network
        .evidence
        .last()
        .cloned()
        .unwrap_or_else(|| "no evidence could be read".into());
    vec![finding(
        &CHECK,
        None,
        format!("could not tell the container network mode: {why}"),
        "check the cluster's network in the TKE console (Basic information → Container network plugin); run \
         `tkedirect check --network-mode … --kube-version …` to evaluate a known mode offline",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;

    #[test]
    fn only_when_unknown() {
        let out = check(&CHECK, &facts(), NetworkMode::Unknown);
        assert_eq!(out.len(), 1);
        assert!(check(&CHECK, &facts(), NetworkMode::VpcCni).is_empty());
    }

    /// Forbidden DaemonSets decide, not the nodes that could not be read either.
    #[test]
    fn the_message_names_the_deciding_read() {
        use crate::model::facts::ReadError;
        let mut f = facts();
        for resource in ["daemonsets.apps", "nodes"] {
            f.read_errors.push(ReadError {
                verb: "list".into(),
                resource: resource.into(),
                code: 403,
                ..Default::default()
            });
        }
        let net = crate::checks::detect::detect_network(&f);
        let out = check_with(&CHECK, &f, &net);
        assert!(
            out[0].message.starts_with(
                "could not tell the container network mode: could not read DaemonSets in kube-system (403)"
            ),
            "{}",
            out[0].message
        );
    }
}
