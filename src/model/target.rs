//! kubectl-style object references given on the command line: `svc/nginx`, `deployment/api`.

use std::fmt;
use std::str::FromStr;

use super::kind::Kind;

/// A `KIND/NAME` target as typed by the user.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub kind: Kind,
    pub name: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("`{0}` is not KIND/NAME (for example svc/nginx, ing/web, deploy/api)")]
    Shape(String),
    #[error(
        "unknown kind `{0}`: expected one of svc, ing, deploy, sts, ds, rs, rc, job, cj (or their kubectl long names)"
    )]
    Kind(String),
}

impl FromStr for Target {
    type Err = TargetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (kind, name) = s
            .split_once('/')
            .ok_or_else(|| TargetError::Shape(s.to_string()))?;
        if kind.is_empty() || name.is_empty() || name.contains('/') {
            return Err(TargetError::Shape(s.to_string()));
        }
        let kind = Kind::from_spelling(kind).ok_or_else(|| TargetError::Kind(kind.to_string()))?;
        Ok(Target {
            kind,
            name: name.to_string(),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.short(), self.name)
    }
}

/// A fully qualified object: kind, namespace (None = not set in the manifest) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: Kind,
    pub namespace: Option<String>,
    /// The name, or the `metadata.generateName` prefix when `generated`.
    pub name: String,
    /// Named by `metadata.generateName`: the API server picks the name, so no TARGET names it.
    pub generated: bool,
}

impl ObjectRef {
    pub fn new(kind: Kind, namespace: Option<&str>, name: &str) -> Self {
        ObjectRef {
            kind,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
            generated: false,
        }
    }

    /// An object with `metadata.generateName` and no name.
    pub fn generated(kind: Kind, namespace: Option<&str>, prefix: &str) -> Self {
        ObjectRef {
            generated: true,
            ..ObjectRef::new(kind, namespace, prefix)
        }
    }

    /// Whether `target` names this object (namespace is filtered separately).
    pub fn matches(&self, target: &Target) -> bool {
        !self.generated && self.kind == target.kind && self.name == target.name
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let star = if self.generated { "*" } else { "" };
        write!(f, "{}/{}{star}", self.kind.short(), self.name)?;
        match &self.namespace {
            Some(ns) => write!(f, " -n {ns}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubectl_spellings() {
        for s in [
            "svc/nginx",
            "service/nginx",
            "services/nginx",
            "Service/nginx",
        ] {
            assert_eq!(
                s.parse::<Target>().unwrap(),
                Target {
                    kind: Kind::Service,
                    name: "nginx".into()
                }
            );
        }
        assert_eq!(
            "deployments.apps/api".parse::<Target>().unwrap().kind,
            Kind::Deployment
        );
        assert_eq!("ingress/web".parse::<Target>().unwrap().kind, Kind::Ingress);
        assert_eq!("cj/backup".parse::<Target>().unwrap().kind, Kind::CronJob);
    }

    #[test]
    fn generated_names_match_no_target() {
        let web = ObjectRef::generated(Kind::Service, Some("shop"), "web-");
        assert_eq!(web.to_string(), "svc/web-* -n shop");
        assert!(!web.matches(&"svc/web-".parse().unwrap()));
        assert!(ObjectRef::new(Kind::Service, None, "web-").matches(&"svc/web-".parse().unwrap()));
    }

    #[test]
    fn rejects_bad_targets() {
        assert_eq!(
            "nginx".parse::<Target>(),
            Err(TargetError::Shape("nginx".into()))
        );
        assert_eq!(
            "svc/".parse::<Target>(),
            Err(TargetError::Shape("svc/".into()))
        );
        assert_eq!(
            "pod/x".parse::<Target>(),
            Err(TargetError::Kind("pod".into()))
        );
    }
}
