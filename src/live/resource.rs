//! Where an object lives on the API server: group version, plural, kind, and the URL paths built from them.

use std::fmt;

use crate::cluster::read::encode;
use crate::model::Kind;

/// A namespaced resource such as `apps/v1 deployments`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Resource {
    /// `v1`, `apps/v1`, `networking.k8s.io/v1beta1`.
    pub api_version: String,
    /// `deployments`.
    pub plural: &'static str,
    /// `Deployment`.
    pub kind: &'static str,
}

/// Group versions that serve CronJobs, best first (batch/v1 from 1.21).
pub const CRONJOB_VERSIONS: [&str; 2] = ["batch/v1", "batch/v1beta1"];

impl Resource {
    pub fn new(api_version: &str, plural: &'static str, kind: &'static str) -> Self {
        Resource {
            api_version: api_version.to_string(),
            plural,
            kind,
        }
    }

    pub fn pods() -> Self {
        Resource::new("v1", "pods", "Pod")
    }

    /// The resource of a kind tkedirect changes, in the group version given (`api_version`), or the
    /// kind's usual one.
    pub fn of(kind: Kind, api_version: Option<&str>) -> Self {
        let (default, plural) = match kind {
            Kind::Service => ("v1", "services"),
            Kind::Ingress => ("networking.k8s.io/v1", "ingresses"),
            Kind::Deployment => ("apps/v1", "deployments"),
            Kind::StatefulSet => ("apps/v1", "statefulsets"),
            Kind::DaemonSet => ("apps/v1", "daemonsets"),
            Kind::ReplicaSet => ("apps/v1", "replicasets"),
            Kind::ReplicationController => ("v1", "replicationcontrollers"),
            Kind::Job => ("batch/v1", "jobs"),
            Kind::CronJob => ("batch/v1", "cronjobs"),
        };
        Resource::new(api_version.unwrap_or(default), plural, kind.as_str())
    }

    /// The API group (`""` for the core group).
    pub fn group(&self) -> &str {
        self.api_version
            .split_once('/')
            .map_or("", |(group, _)| group)
    }

    /// The name RBAC rules use: `services`, `deployments.apps`.
    pub fn rbac_name(&self) -> String {
        match self.group() {
            "" => self.plural.to_string(),
            g => format!("{}.{g}", self.plural),
        }
    }

    /// `/api/v1/namespaces/NS/services` or, with a name, the object's path.
    pub fn path(&self, namespace: &str, name: Option<&str>) -> String {
        let root = if self.group().is_empty() {
            format!("/api/{}", self.api_version)
        } else {
            format!("/apis/{}", self.api_version)
        };
        let mut p = format!("{root}/namespaces/{}/{}", encode(namespace), self.plural);
        if let Some(n) = name {
            p.push('/');
            p.push_str(&encode(n));
        }
        p
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rbac_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_rbac_names() {
        let d = Resource::of(Kind::Deployment, None);
        assert_eq!(
            d.path("shop", Some("web")),
            "/apis/apps/v1/namespaces/shop/deployments/web"
        );
        assert_eq!(d.rbac_name(), "deployments.apps");
        let s = Resource::of(Kind::Service, None);
        assert_eq!(s.path("shop", None), "/api/v1/namespaces/shop/services");
        assert_eq!(s.rbac_name(), "services");
        let i = Resource::of(Kind::Ingress, Some("extensions/v1beta1"));
        assert_eq!(
            i.path("a b", Some("x")),
            "/apis/extensions/v1beta1/namespaces/a%20b/ingresses/x"
        );
        assert_eq!(i.to_string(), "ingresses.extensions");
    }
}
