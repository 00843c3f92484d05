//! `ingress-api-deprecated`: an Ingress is written (or served) only as a beta API, removed in Kubernetes 1.22.

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::rules::direct::is_clb_ingress;

pub const CHECK: Check = Check {
    id: "ingress-api-deprecated",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "an Ingress is served only as extensions/v1beta1 or networking.k8s.io/v1beta1, removed in 1.22",
    docs: include_str!("../../docs/checks/ingress-api-deprecated.md"),
    run,
};

/// The Ingress group versions the cluster serves: from discovery, or (a profile given as flags) from its
/// version — `networking.k8s.io/v1` since 1.19, the beta versions until 1.21 (Kubernetes deprecation guide).
fn served(ctx: &Ctx) -> Vec<String> {
    if !ctx.facts.apis.ingress.is_empty() {
        return ctx.facts.apis.ingress.clone();
    }
    let Some(v) = ctx.version else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if v.at_least(1, 19) {
        out.push("networking.k8s.io/v1".to_string());
    }
    if !v.at_least(1, 22) {
        out.extend(["networking.k8s.io/v1beta1", "extensions/v1beta1"].map(String::from));
    }
    out
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let served = served(ctx);
    let v1 = served.iter().any(|v| v == "networking.k8s.io/v1");
    ctx.facts
        .ingresses
        .iter()
        .filter(|i| is_clb_ingress(i) && i.api_version != "networking.k8s.io/v1")
        .map(|i| {
            let m = &i.metadata;
            let mut f = if served.is_empty() || served.contains(&i.api_version) {
                finding(
                    &CHECK,
                    Some(subject_of("Ingress", m)),
                    format!(
                        "ing/{} is {} only as {}, which Kubernetes 1.22 no longer serves",
                        m.name,
                        if v1 { "written" } else { "served" },
                        i.api_version
                    ),
                    "before upgrading to 1.22, rewrite the manifest as networking.k8s.io/v1 (spec.defaultBackend, \
                     backend.service.name/port.number, pathType) and upgrade the cluster to at least 1.19",
                )
            } else {
                let mut f = finding(
                    &CHECK,
                    Some(subject_of("Ingress", m)),
                    format!(
                        "ing/{} is written as {}, which this cluster does not serve: applying it fails",
                        m.name, i.api_version
                    ),
                    "rewrite the manifest as networking.k8s.io/v1 (spec.defaultBackend, backend.service.name/port.number, pathType)",
                );
                f.severity = Severity::Error;
                f
            };
            f.field = crate::report::field_path(&["apiVersion"]);
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{Ingress, NetworkMode, ServerVersion};

    fn ingress(api_version: &str) -> Ingress {
        let mut i = Ingress {
            api_version: api_version.into(),
            ..Default::default()
        };
        i.metadata.name = "old".into();
        i
    }

    #[test]
    fn beta_ingresses() {
        let mut f = facts();
        // A cluster serving only the beta APIs (live: read as beta).
        f.ingresses = vec![ingress("extensions/v1beta1")];
        f.apis.ingress = vec!["extensions/v1beta1".into()];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("served only as"));
        // Read as v1: nothing to say.
        f.apis.ingress.insert(0, "networking.k8s.io/v1".into());
        f.ingresses = vec![ingress("networking.k8s.io/v1")];
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
        // A manifest written as beta, judged against a 1.20 profile (flags: no discovery) and a 1.28 one.
        f.apis.ingress.clear();
        f.ingresses = vec![ingress("networking.k8s.io/v1beta1")];
        f.version = Some(ServerVersion {
            git_version: "v1.20.6-tke.12".into(),
            ..Default::default()
        });
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(
            (out[0].severity, out[0].message.contains("written only as")),
            (Severity::Warning, true)
        );
        f.version = Some(ServerVersion {
            git_version: "v1.28.3-tke.1".into(),
            ..Default::default()
        });
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out[0].severity, Severity::Error);
        assert!(out[0].message.contains("does not serve"));
    }
}
