//! `ingress-backend-cluster-ip`: a CLB Ingress in NodePort mode routes to a ClusterIP Service (ingress error E4047)

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::report::Field;
use crate::rules::direct::{Switch, ingress_switch, is_clb_ingress};
use crate::rules::ingress::service_of;

pub const CHECK: Check = Check {
    id: "ingress-backend-cluster-ip",
    severity: Severity::Error,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "a CLB Ingress in NodePort mode routes to a ClusterIP Service (ingress error E4047)",
    docs: include_str!("../../docs/checks/ingress-backend-cluster-ip.md"),
    run,
};

/// Where each Service backend of an Ingress is written: (Service name, path to the backend).
fn backend_paths(ing: &crate::model::Ingress) -> Vec<(String, Vec<Field>)> {
    let key = |k: &str| Field::Key(k.to_string());
    let mut out = Vec::new();
    for (field, b) in [
        ("defaultBackend", &ing.spec.default_backend),
        ("backend", &ing.spec.backend),
    ] {
        if let Some((svc, _)) = b.as_ref().and_then(service_of) {
            out.push((svc, vec![key("spec"), key(field)]));
        }
    }
    for (r, rule) in ing.spec.rules.iter().enumerate() {
        for (p, path) in rule.http.iter().flat_map(|h| h.paths.iter()).enumerate() {
            if let Some((svc, _)) = service_of(&path.backend) {
                out.push((
                    svc,
                    vec![
                        key("spec"),
                        key("rules"),
                        Field::Index(r),
                        key("http"),
                        key("paths"),
                        Field::Index(p),
                        key("backend"),
                    ],
                ));
            }
        }
    }
    out
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for ing in
        ctx.facts.ingresses.iter().filter(|i| {
            is_clb_ingress(i) && matches!(ingress_switch(i), Switch::Absent | Switch::Off)
        })
    {
        let m = &ing.metadata;
        let mut seen = Vec::new();
        for (name, path) in backend_paths(ing) {
            let svc = ctx
                .facts
                .services
                .iter()
                .find(|s| s.metadata.ns() == m.ns() && s.metadata.name == name);
            let Some(svc) = svc.filter(|s| s.type_() == "ClusterIP") else {
                continue;
            };
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let mut f = finding(
                &CHECK,
                Some(subject_of("Ingress", m)),
                format!(
                    "ing/{} routes to svc/{name}, a ClusterIP Service: in NodePort mode TKE's ingress controller needs \
                     NodePort or LoadBalancer backends (error E4047)",
                    m.name
                ),
                format!(
                    "make svc/{name} type NodePort, or turn direct access on for ing/{} (in direct mode the CLB reaches the \
                     pods themselves)",
                    m.name
                ),
            );
            f.related = Some(subject_of("Service", &svc.metadata));
            f.field = path;
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{Ingress, NetworkMode};

    #[test]
    fn cluster_ip_backends_in_node_port_mode() {
        let mut f = facts();
        f.services = vec![svc("api", "ClusterIP", &[]), svc("web", "NodePort", &[])];
        let ing: Ingress = serde_json::from_value(serde_json::json!({
            "metadata": {"namespace": "web", "name": "shop"},
            "spec": {"rules": [{"http": {"paths": [
                {"path": "/a", "backend": {"service": {"name": "api", "port": {"number": 80}}}},
                {"path": "/b", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}
        }))
        .unwrap();
        f.ingresses = vec![ing.clone()];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("svc/api") && out[0].message.contains("E4047"));
        assert_eq!(out[0].field.len(), 7, "points at the backend");
        let mut direct = ing;
        direct.metadata.annotations = map(&[("ingress.cloud.tencent.com/direct-access", "true")]);
        f.ingresses = vec![direct];
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }
}
