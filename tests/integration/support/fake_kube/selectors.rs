//! Label and field selectors as the API server reads them.

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl LabelReq {
    pub(super) fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        match self {
            LabelReq::Eq(k, v) => labels.get(k) == Some(v),
            LabelReq::NotEq(k, v) => labels.get(k) != Some(v),
            LabelReq::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            LabelReq::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            LabelReq::Exists(k) => labels.contains_key(k),
            LabelReq::NotExists(k) => !labels.contains_key(k),
        }
    }
}

/// Split on commas outside parentheses.
pub(super) fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

pub(super) fn parse_label_selector(s: &str) -> Result<Vec<LabelReq>, String> {
    let mut reqs = Vec::new();
    for term in split_top(s) {
        let set_values = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(|| {
                    format!("unable to parse requirement: found '{rest}', expected: '('")
                })?;
            Ok(inner
                .split(',')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect())
        };
        if let Some(k) = term.strip_prefix('!') {
            reqs.push(LabelReq::NotExists(k.trim().to_string()));
        } else if let Some((k, v)) = term.split_once("!=") {
            reqs.push(LabelReq::NotEq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = term.split_once("==") {
            reqs.push(LabelReq::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = term.split_once('=') {
            reqs.push(LabelReq::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, rest)) = term.split_once(" notin ") {
            reqs.push(LabelReq::NotIn(k.trim().into(), set_values(rest)?));
        } else if let Some((k, rest)) = term.split_once(" in ") {
            reqs.push(LabelReq::In(k.trim().into(), set_values(rest)?));
        } else if term
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            reqs.push(LabelReq::Exists(term.clone()));
        } else {
            return Err(format!("unable to parse requirement: {term}"));
        }
    }
    Ok(reqs)
}

#[derive(Debug, Clone)]
pub(super) struct FieldReq {
    field: String,
    value: String,
    negate: bool,
}

impl FieldReq {
    pub(super) fn matches(&self, s: &Stored) -> bool {
        let actual = match self.field.as_str() {
            "metadata.name" => Some(s.name.as_str()),
            "metadata.namespace" => s.namespace.as_deref(),
            "spec.nodeName" => s.node_name.as_deref(),
            "status.phase" => s.phase.as_deref(),
            _ => None,
        }
        .unwrap_or("");
        (actual == self.value) != self.negate
    }
}

pub(super) fn parse_field_selector(s: &str) -> Result<Vec<FieldReq>, String> {
    let mut out = Vec::new();
    for term in s.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (field, value, negate) = if let Some((f, v)) = term.split_once("!=") {
            (f, v, true)
        } else if let Some((f, v)) = term.split_once("==") {
            (f, v, false)
        } else if let Some((f, v)) = term.split_once('=') {
            (f, v, false)
        } else {
            return Err(format!(
                "invalid selector: '{term}'; can't understand '{term}'"
            ));
        };
        let field = field.trim();
        if ![
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "status.phase",
        ]
        .contains(&field)
        {
            return Err(format!("field label not supported: {field}"));
        }
        out.push(FieldReq {
            field: field.into(),
            value: value.trim().into(),
            negate,
        });
    }
    Ok(out)
}
