//! The one finding type: what a check reports (and what live enable shows of its prerequisites) — a
//! problem or a piece of advice about one object (or the cluster), with a severity and a fix.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advice or a candidate for direct access; nothing is broken.
    Info,
    /// Works, but with a risk or a condition tkedirect cannot verify.
    Warning,
    /// Direct access does not (or will not) work until this is fixed.
    Error,
}

impl Severity {
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The object a finding is about: any Kubernetes kind (Pod and Node included).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl Subject {
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Self {
        Subject {
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }

    pub fn namespaced(kind: &str, namespace: &str, name: &str) -> Self {
        Subject::new(kind, Some(namespace), name)
    }

    /// kubectl's short spelling of the kind.
    pub fn short_kind(&self) -> String {
        match self.kind.as_str() {
            "Service" => "svc".into(),
            "Ingress" => "ing".into(),
            "Deployment" => "deploy".into(),
            "StatefulSet" => "sts".into(),
            "DaemonSet" => "ds".into(),
            "ReplicaSet" => "rs".into(),
            "Pod" => "pod".into(),
            "Node" => "node".into(),
            "ConfigMap" => "cm".into(),
            other => other.to_ascii_lowercase(),
        }
    }

    /// `svc/web`, without the namespace.
    pub fn short(&self) -> String {
        format!("{}/{}", self.short_kind(), self.name)
    }
}

impl fmt::Display for Subject {
    /// `svc/web -n shop`, or `node/n1` for cluster-scoped objects.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} -n {ns}", self.short()),
            None => f.write_str(&self.short()),
        }
    }
}

/// Where in a manifest a finding points: the path as given, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// How standard input (`-f -`) is named; such a location has no file a CI annotation could point at.
    pub const STDIN: &'static str = "<stdin>";

    /// Whether it points into a file (not standard input).
    pub fn in_file(&self) -> bool {
        self.path != Self::STDIN
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// One step of a path into an object: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Key(String),
    Index(usize),
}

/// `metadata.annotations["service.cloud.tencent.com/direct-access"]`-style paths, as steps.
pub fn field_path(steps: &[&str]) -> Vec<Field> {
    steps
        .iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => Field::Index(i),
            Err(_) => Field::Key(s.to_string()),
        })
        .collect()
}

/// One problem (or piece of advice) found by a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check's stable id.
    pub check: &'static str,
    pub severity: Severity,
    /// The object it is about; None = the cluster as a whole.
    pub subject: Option<Subject>,
    /// Another object whose ignore annotation also silences it (the Service a pod backs).
    pub related: Option<Subject>,
    /// One line naming the object and the problem.
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// Every pod concerned, by name (messages name the first few; JSON lists them all).
    pub pods: Vec<String>,
    /// The most precise node of the subject the finding is about (the annotation value, the container,
    /// the `hostNetwork` key), for locating it in a manifest; empty = the object's `metadata`.
    pub field: Vec<Field>,
    /// Where in a manifest (`doctor -f`); None for live objects.
    pub location: Option<Location>,
}

impl Finding {
    pub fn new(
        check: &'static str,
        severity: Severity,
        subject: Option<Subject>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Finding {
            check,
            severity,
            subject,
            related: None,
            message: message.into(),
            fix: fix.into(),
            pods: Vec::new(),
            field: Vec::new(),
            location: None,
        }
    }
}
