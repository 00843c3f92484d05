//! Kubernetes objects read from manifests, with where each of their nodes stands: what `doctor -f`
//! audits. Every document of every input is parsed (a `kind: List` gives its items); objects are kept as
//! JSON (decoded into the model by the caller) with an index from field paths to 1-based line and column,
//! so a finding about `metadata.annotations["…"]` points at that value's line.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::report::{Field, Location};
use crate::yaml::{self, Node, split};

/// One object of a manifest.
#[derive(Debug, Clone)]
pub struct ManifestObject {
    /// Index of the input it came from.
    pub source: usize,
    /// The object as JSON.
    pub value: Value,
    /// 1-based (line, column) of every node, by path from the object's root: a scalar at its value, a
    /// collection at its key (or, for a sequence item, at its first line).
    index: BTreeMap<Vec<Field>, (usize, usize)>,
    /// Where the object itself starts.
    start: (usize, usize),
}

impl ManifestObject {
    pub fn kind(&self) -> &str {
        self.value
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The position of the most precise node on `path` that exists: the node itself, else its nearest
    /// ancestor; an empty path (or none of it present) is the object's `metadata`.
    pub fn position(&self, path: &[Field]) -> (usize, usize) {
        for n in (1..=path.len()).rev() {
            if let Some(p) = self.index.get(&path[..n]) {
                return *p;
            }
        }
        self.index
            .get(&[Field::Key("metadata".into())][..])
            .copied()
            .unwrap_or(self.start)
    }

    /// The location of `path` in `name` (the input as given).
    pub fn locate(&self, name: &str, path: &[Field]) -> Location {
        let (line, column) = self.position(path);
        Location {
            path: name.to_string(),
            line,
            column,
        }
    }
}

/// A document that is not valid YAML: where, and why (1-based line and column in the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectError {
    pub source: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn index(
    node: &Node<'_>,
    path: &mut Vec<Field>,
    first_line: usize,
    out: &mut BTreeMap<Vec<Field>, (usize, usize)>,
) {
    let pos = |n: &Node<'_>| (first_line + n.line - 1, n.col + 1);
    if let Some(entries) = node.entries() {
        for (k, v) in entries {
            let Some(key) = k.as_str() else { continue };
            path.push(Field::Key(key.to_string()));
            let at = if v.entries().is_some() || v.items().is_some() {
                pos(k)
            } else {
                pos(v)
            };
            out.insert(path.clone(), at);
            index(v, path, first_line, out);
            path.pop();
        }
    } else if let Some(items) = node.items() {
        for (i, item) in items.iter().enumerate() {
            path.push(Field::Index(i));
            out.insert(path.clone(), pos(item));
            index(item, path, first_line, out);
            path.pop();
        }
    }
}

fn object(source: usize, node: &Node<'_>, first_line: usize) -> ManifestObject {
    let mut idx = BTreeMap::new();
    index(node, &mut Vec::new(), first_line, &mut idx);
    ManifestObject {
        source,
        value: node.to_json(),
        index: idx,
        start: (first_line + node.line - 1, node.col + 1),
    }
}

/// Every object of every input (`texts[i]` is input `i`), or every syntax error found.
pub fn read(texts: &[&str]) -> Result<Vec<ManifestObject>, Vec<ObjectError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (source, text) in texts.iter().enumerate() {
        for chunk in split::documents(text) {
            let doc = &text[chunk.start..chunk.end];
            let root = match yaml::parse(doc) {
                Ok(Some(root)) => root,
                Ok(None) => continue,
                Err(e) => {
                    errors.push(ObjectError {
                        source,
                        line: chunk.line + e.line - 1,
                        column: e.col + 1,
                        message: e.message,
                    });
                    continue;
                }
            };
            let is_list = root.get_str("kind").is_some_and(|k| k.ends_with("List"));
            match root.get("items").and_then(Node::items) {
                Some(items) if is_list => {
                    out.extend(items.iter().map(|i| object(source, i, chunk.line)));
                }
                _ if root.is_map() => out.push(object(source, &root, chunk.line)),
                _ => {}
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::field_path;

    #[test]
    fn positions_of_values_keys_items_and_fallbacks() {
        let text = "# a comment\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.cloud.tencent.com/direct-access: \"yes\"\nspec:\n  type: LoadBalancer\n---\nkind: List\nitems:\n- kind: Deployment\n  metadata: {name: api}\n  spec:\n    template:\n      spec:\n        hostNetwork: true\n        containers:\n        - name: a\n        - name: b\n";
        let objs = read(&[text]).unwrap();
        assert_eq!(objs.len(), 2);
        let svc = &objs[0];
        assert_eq!(svc.kind(), "Service");
        assert_eq!(
            svc.position(&field_path(&[
                "metadata",
                "annotations",
                "service.cloud.tencent.com/direct-access"
            ])),
            (7, 46),
            "the value"
        );
        assert_eq!(
            svc.position(&field_path(&["metadata", "annotations", "missing"])),
            (6, 3),
            "the parent key"
        );
        assert_eq!(svc.position(&[]), (4, 1), "metadata");
        let dep = &objs[1];
        assert_eq!(
            dep.position(&field_path(&["spec", "template", "spec", "hostNetwork"])),
            (18, 22)
        );
        assert_eq!(
            dep.position(&field_path(&[
                "spec",
                "template",
                "spec",
                "containers",
                "1"
            ])),
            (21, 11)
        );
        assert_eq!(
            dep.locate("k8s/app.yaml", &[]).to_string(),
            "k8s/app.yaml:14:3"
        );
        let bad = read(&["a: b\n---\nkey: [unclosed\n"]).unwrap_err();
        assert_eq!(bad[0].line, 3, "{bad:?}");
    }
}
