//! `direct-access-value-invalid`: the direct-access annotation is not a value TKE reads as a boolean, or —
//! in a manifest — not a YAML string at all (an unquoted `true`, which the API server rejects).

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::{ObjectMeta, consts};
use crate::rules::direct::{Switch, ingress_switch, is_clb_ingress, service_switch};

pub const CHECK: Check = Check {
    id: "direct-access-value-invalid",
    severity: Severity::Error,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "a direct-access annotation is not the string \"true\" or \"false\" (ingress error E4037)",
    docs: include_str!("../../docs/checks/direct-access-value-invalid.md"),
    run,
};

/// A manifest's unquoted value: `kubectl apply` fails before TKE ever sees it.
fn unquoted(kind: &str, meta: &ObjectMeta, key: &str) -> Option<Finding> {
    if !meta.not_strings.iter().any(|k| k == key) {
        return None;
    }
    let v = meta.annotation(key).unwrap_or_default();
    let mut f = finding(
        &CHECK,
        Some(subject_of(kind, meta)),
        format!(
            "{}/{} has {key}: {v} unquoted, a YAML {} and not a string: the API server rejects the manifest \
             (annotation values are strings; `kubectl apply` fails with \"cannot unmarshal\")",
            if kind == "Service" { "svc" } else { "ing" },
            meta.name,
            if matches!(v, "true" | "false") {
                "boolean"
            } else {
                "number"
            },
        ),
        format!("quote it: {key}: \"true\" (`tkedirect enable -f` writes it so)"),
    );
    f.field = crate::report::field_path(&["metadata", "annotations", key]);
    Some(f)
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let services = ctx.facts.services.iter().filter_map(|s| {
        if let Some(f) = unquoted("Service", &s.metadata, consts::SERVICE_DIRECT_ACCESS) {
            return Some(f);
        }
        let Switch::Invalid(v) = service_switch(s) else {
            return None;
        };
        let (ns, name) = (s.metadata.ns(), &s.metadata.name);
        let mut f = finding(
            &CHECK,
            Some(subject_of("Service", &s.metadata)),
            format!(
                "svc/{name} has {}: \"{v}\", which TKE cannot read as a boolean",
                consts::SERVICE_DIRECT_ACCESS
            ),
            format!(
                "set it to the string \"true\": kubectl -n {ns} annotate svc/{name} --overwrite {}=true",
                consts::SERVICE_DIRECT_ACCESS
            ),
        );
        f.field = crate::report::field_path(&["metadata", "annotations", consts::SERVICE_DIRECT_ACCESS]);
        Some(f)
    });
    let ingresses = ctx
        .facts
        .ingresses
        .iter()
        .filter(|i| is_clb_ingress(i))
        .filter_map(|i| {
            if let Some(f) = unquoted("Ingress", &i.metadata, consts::INGRESS_DIRECT_ACCESS) {
                return Some(f);
            }
            let Switch::Invalid(v) = ingress_switch(i) else {
                return None;
            };
            let (ns, name) = (i.metadata.ns(), &i.metadata.name);
            let mut f = finding(
                &CHECK,
                Some(subject_of("Ingress", &i.metadata)),
                format!(
                    "ing/{name} has {}: \"{v}\"; the ingress controller rejects it (E4037) and stops syncing this Ingress",
                    consts::INGRESS_DIRECT_ACCESS
                ),
                format!(
                    "kubectl -n {ns} annotate ing/{name} --overwrite {}=true",
                    consts::INGRESS_DIRECT_ACCESS
                ),
            );
            f.field = crate::report::field_path(&["metadata", "annotations", consts::INGRESS_DIRECT_ACCESS]);
            Some(f)
        });
    services.chain(ingresses).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{Ingress, NetworkMode};

    #[test]
    fn values_go_cannot_parse() {
        let mut f = facts();
        f.services = vec![
            direct_svc("ok"),
            svc(
                "bad",
                "LoadBalancer",
                &[(consts::SERVICE_DIRECT_ACCESS, "yes")],
            ),
            svc(
                "capital",
                "LoadBalancer",
                &[(consts::SERVICE_DIRECT_ACCESS, "True")],
            ),
        ];
        let ing = |name: &str, v: &str| {
            let mut i = Ingress::default();
            i.metadata.namespace = Some("web".into());
            i.metadata.name = name.into();
            i.metadata.annotations = map(&[(consts::INGRESS_DIRECT_ACCESS, v)]);
            i
        };
        f.ingresses = vec![ing("shop", "True"), ing("typo", "ture")];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 2, "{out:#?}");
        assert!(out[0].message.starts_with("svc/bad"));
        assert!(out[1].message.starts_with("ing/typo") && out[1].message.contains("E4037"));
    }

    #[test]
    fn unquoted_manifest_values_are_not_strings() {
        let mut f = facts();
        let mut s = direct_svc("web");
        s.metadata.not_strings = vec![consts::SERVICE_DIRECT_ACCESS.into()];
        f.services = vec![s, direct_svc("quoted")];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(
            out[0].message.starts_with("svc/web has")
                && out[0].message.contains("unquoted, a YAML boolean"),
            "{}",
            out[0].message
        );
    }
}
