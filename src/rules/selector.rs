//! Does a Service selector select a set of labels? Equality-based, every pair must match, and an empty
//! selector selects nothing (a Service without a selector has its endpoints managed by hand).

use std::collections::BTreeMap;

pub fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// `k=v,k2=v2`: the selector as a LIST `labelSelector`.
pub fn to_query(selector: &BTreeMap<String, String>) -> String {
    selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_pair_and_never_empty() {
        let labels = m(&[("app", "web"), ("tier", "fe")]);
        assert!(selects(&m(&[("app", "web")]), &labels));
        assert!(!selects(&m(&[("app", "web"), ("tier", "be")]), &labels));
        assert!(!selects(&m(&[]), &labels));
        assert_eq!(
            to_query(&m(&[("app", "web"), ("tier", "fe")])),
            "app=web,tier=fe"
        );
    }
}
