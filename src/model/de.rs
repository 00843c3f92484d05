//! Lenient decoding of the API's JSON (and of manifests converted to JSON): what the API server would
//! coerce or reject is read as well as it can be, never as an error, so one odd field in one object never
//! stops a whole read. Shapes that matter to a rule are re-checked by the rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A scalar as text: strings as they are, numbers and booleans as written (`1`, `true`); null and
/// collections are None.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `map[string]string` (labels, annotations, selectors, ConfigMap data): non-string scalars are kept as
/// their text (a manifest's unquoted `true`), other values are dropped; null is an empty map.
pub fn string_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let v = Option::<BTreeMap<String, Value>>::deserialize(d).unwrap_or_default();
    Ok(v.unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k, scalar_text(&v)?)))
        .collect())
}

/// A resource quantity map (`requests`, `capacity`): values as text (`"1"`, `1`, `500m`).
pub fn quantities<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    string_map(d)
}

/// An RFC 3339 time; anything unparsable is None.
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<jiff::Timestamp>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(v.as_ref()
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<jiff::Timestamp>().ok()))
}

/// A string, or a scalar's text; null is "".
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(v.as_ref().and_then(scalar_text).unwrap_or_default())
}

/// An optional string (or scalar's text).
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(v.as_ref().and_then(scalar_text))
}

/// A boolean: JSON true/false, or the text of one (`"true"`); anything else is false.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(match v {
        Some(Value::Bool(b)) => b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    })
}

/// An optional boolean.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(match v {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) if s == "true" || s == "false" => Some(s == "true"),
        _ => None,
    })
}

/// An integer, from a number or its text; None otherwise.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(match v {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A list; null or a non-list is empty, and items that do not decode are dropped.
pub fn list<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(match v {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|i| serde_json::from_value(i).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// A list of strings (or scalars' text).
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let v = Option::<Value>::deserialize(d).unwrap_or_default();
    Ok(match v {
        Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
        _ => Vec::new(),
    })
}

/// An integer quantity (`"10"`, `10`); extended resources are whole numbers.
pub fn quantity(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct M {
        #[serde(default, deserialize_with = "string_map")]
        m: BTreeMap<String, String>,
        #[serde(default, deserialize_with = "timestamp")]
        t: Option<jiff::Timestamp>,
        #[serde(default, deserialize_with = "list")]
        l: Vec<u8>,
    }

    #[test]
    fn odd_values_never_fail_a_decode() {
        let m: M = serde_json::from_str(
            r#"{"m": {"a": "x", "b": true, "c": 1, "d": null, "e": [1]}, "t": "soon", "l": [1, "x", 2]}"#,
        )
        .unwrap();
        assert_eq!(m.m.len(), 3);
        assert_eq!(m.m["b"], "true");
        assert_eq!(m.t, None);
        assert_eq!(m.l, [1, 2]);
        let m: M =
            serde_json::from_str(r#"{"m": null, "t": "2024-03-01T08:00:00Z", "l": {}}"#).unwrap();
        assert!(m.m.is_empty() && m.l.is_empty());
        assert!(m.t.is_some());
    }
}
