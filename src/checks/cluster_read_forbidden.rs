//! `cluster-read-forbidden`: a read was refused (RBAC 403), so part of the audit is missing.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};

pub const CHECK: Check = Check {
    id: "cluster-read-forbidden",
    severity: Severity::Error,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "tkedirect could not read part of the cluster (RBAC forbids it), so its verdicts are incomplete",
    docs: include_str!("../../docs/checks/cluster-read-forbidden.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .read_errors
        .iter()
        .map(|e| {
            let (verb, scope) = match &e.namespace {
                Some(ns) => (e.verb.as_str(), format!("a Role in namespace {ns}")),
                None => (e.verb.as_str(), "a ClusterRole".to_string()),
            };
            let grant = if e.resource.starts_with('/') {
                format!(
                    "grant get on the non-resource URL {} in a ClusterRole",
                    e.resource
                )
            } else {
                format!(
                    "grant {verb} (and get) on {} with {scope} bound to this user",
                    e.resource
                )
            };
            finding(
                &CHECK,
                None,
                format!("could not {verb} {}: forbidden ({})", e.what(), e.message),
                format!("{grant}, then run again"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;
    use crate::model::facts::ReadError;

    #[test]
    fn one_finding_per_refused_read() {
        let mut f = facts();
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
        f.read_errors.push(ReadError {
            verb: "list".into(),
            resource: "daemonsets.apps".into(),
            namespace: Some("kube-system".into()),
            code: 403,
            message: "nope".into(),
        });
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .message
                .contains("could not list daemonsets.apps in namespace kube-system: forbidden")
        );
        assert!(out[0].fix.contains("grant list"));
    }
}
