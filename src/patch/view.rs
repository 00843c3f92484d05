//! Read access to an object, whether it comes from a manifest (a span-aware YAML tree) or from the API
//! server (JSON). Decisions are written once against this trait.

use crate::yaml::{Node, NodeKind};

pub trait View: Sized {
    /// A mapping value.
    fn get(&self, key: &str) -> Option<&Self>;
    /// The value as a string, if it is one (quoted, or plain and not null/bool/number).
    fn string(&self) -> Option<&str>;
    /// A scalar of any type, as written (`true`, `1`, `x`), for messages and lenient comparisons.
    fn scalar_text(&self) -> Option<String>;
    /// Sequence items.
    fn items(&self) -> &[Self];
    /// Mapping entries with string keys.
    fn entries(&self) -> Vec<(&str, &Self)>;
    fn is_true(&self) -> bool;
    /// Whether the value is a mapping (an object).
    fn is_map(&self) -> bool;
    /// Whether the value is a sequence (an array).
    fn is_seq(&self) -> bool;
    /// The value as JSON, to decode it into the model.
    fn to_value(&self) -> serde_json::Value;

    /// What the value is, for messages: "a mapping", "a sequence", "a scalar" or "null".
    fn shape(&self) -> &'static str {
        if self.is_map() {
            "a mapping"
        } else if self.is_seq() {
            "a sequence"
        } else if self.scalar_text().is_some() {
            "a scalar"
        } else {
            "null"
        }
    }

    fn path(&self, keys: &[&str]) -> Option<&Self> {
        keys.iter().try_fold(self, |v, k| v.get(k))
    }

    fn get_string(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(View::string)
    }

    /// A `map[string]string` such as labels or a selector (non-string values are kept as their text).
    fn string_map(&self) -> std::collections::BTreeMap<String, String> {
        self.entries()
            .into_iter()
            .filter_map(|(k, v)| v.scalar_text().map(|s| (k.to_string(), s)))
            .collect()
    }
}

impl View for Node<'_> {
    fn get(&self, key: &str) -> Option<&Self> {
        Node::get(self, key)
    }

    fn string(&self) -> Option<&str> {
        self.as_string()
    }

    fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            NodeKind::Scalar { text, .. } if !self.is_null() => Some(text.to_string()),
            _ => None,
        }
    }

    fn items(&self) -> &[Self] {
        Node::items(self).unwrap_or(&[])
    }

    fn entries(&self) -> Vec<(&str, &Self)> {
        Node::entries(self)
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, v)))
            .collect()
    }

    fn is_true(&self) -> bool {
        matches!(self.to_json(), serde_json::Value::Bool(true))
    }

    fn is_map(&self) -> bool {
        Node::is_map(self)
    }

    fn is_seq(&self) -> bool {
        Node::items(self).is_some()
    }

    fn to_value(&self) -> serde_json::Value {
        self.to_json()
    }
}

impl View for serde_json::Value {
    fn get(&self, key: &str) -> Option<&Self> {
        self.as_object()?.get(key)
    }

    fn string(&self) -> Option<&str> {
        self.as_str()
    }

    fn scalar_text(&self) -> Option<String> {
        match self {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn items(&self) -> &[Self] {
        self.as_array().map_or(&[], Vec::as_slice)
    }

    fn entries(&self) -> Vec<(&str, &Self)> {
        self.as_object()
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }

    fn is_true(&self) -> bool {
        self.as_bool() == Some(true)
    }

    fn is_map(&self) -> bool {
        self.is_object()
    }

    fn is_seq(&self) -> bool {
        self.is_array()
    }

    fn to_value(&self) -> serde_json::Value {
        self.clone()
    }
}
