//! Proof that an edit did what it meant and nothing else: compare the re-parsed document with the original
//! one, expecting exactly the intended values at the edited paths and identical values everywhere else.
//! Walks both trees side by side without building an intermediate model.

use std::collections::HashMap;

use super::edit::Seg;
use super::tree::{Node, NodeKind, Style};

/// What the edits should have done, as a trie over paths.
#[derive(Debug, Default)]
pub struct Expect {
    children: Vec<(Seg, Expect)>,
    leaf: Option<Leaf>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Leaf {
    Set(String),
    Removed,
}

impl Expect {
    fn child(&mut self, seg: &Seg) -> &mut Expect {
        let i = match self.children.iter().position(|(s, _)| s == seg) {
            Some(i) => i,
            None => {
                self.children.push((seg.clone(), Expect::default()));
                self.children.len() - 1
            }
        };
        &mut self.children[i].1
    }

    fn at(&mut self, path: &[Seg]) -> &mut Expect {
        path.iter().fold(self, |e, seg| e.child(seg))
    }

    /// The value at `path` must now be this string.
    pub fn set(&mut self, path: &[Seg], value: &str) {
        let e = self.at(path);
        e.children.clear();
        e.leaf = Some(Leaf::Set(value.to_string()));
    }

    /// The key at `path` must now be absent.
    pub fn removed(&mut self, path: &[Seg]) {
        let e = self.at(path);
        e.children.clear();
        e.leaf = Some(Leaf::Removed);
    }

    fn get_key(&self, key: &str) -> Option<&Expect> {
        self.children
            .iter()
            .find(|(s, _)| matches!(s, Seg::Key(k) if k == key))
            .map(|(_, e)| e)
    }

    fn get(&self, seg: &Seg) -> Option<&Expect> {
        self.children.iter().find(|(s, _)| s == seg).map(|(_, e)| e)
    }
}

/// Finding a mapping entry by key: a scan for small mappings, a hash map for large ones (a mapping with
/// 100,000 annotations must not cost 10¹⁰ comparisons).
struct Index<'n>(Option<HashMap<&'n str, usize>>);

impl<'n> Index<'n> {
    fn new<'a>(entries: &'n [(Node<'a>, Node<'a>)]) -> Self {
        let map = (entries.len() > 16).then(|| {
            entries
                .iter()
                .enumerate()
                .filter_map(|(i, (k, _))| Some((k.as_str()?, i)))
                .collect()
        });
        Index(map)
    }

    fn find<'a>(
        &self,
        entries: &'n [(Node<'a>, Node<'a>)],
        key: Option<&str>,
    ) -> Option<&'n (Node<'a>, Node<'a>)> {
        match (&self.0, key) {
            (Some(map), Some(k)) => map.get(k).map(|&i| &entries[i]),
            _ => entries.iter().find(|(k, _)| k.as_str() == key),
        }
    }
}

/// Values equal (scalars by text and string-ness, collections element by element), spans ignored.
pub fn same(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar { text: x, style: sx }, NodeKind::Scalar { text: y, style: sy }) => {
            // Same text and both plain (or both not) resolve alike; otherwise compare string-ness.
            x == y
                && (((*sx == Style::Plain) == (*sy == Style::Plain) && a.tagged == b.tagged)
                    || a.as_string().is_some() == b.as_string().is_some())
        }
        (NodeKind::Map { entries: x, .. }, NodeKind::Map { entries: y, .. }) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka.as_str() == kb.as_str() && same(va, vb))
        }
        (NodeKind::Seq { items: x, .. }, NodeKind::Seq { items: y, .. }) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (NodeKind::Alias, NodeKind::Alias) => true,
        _ => false,
    }
}

/// Whether `new` is `old` with exactly the expected changes. `old` is `None` where the edits created the node.
pub fn check(old: Option<&Node<'_>>, new: &Node<'_>, expect: &Expect) -> bool {
    if let Some(leaf) = &expect.leaf {
        return match leaf {
            Leaf::Set(v) => new.as_string() == Some(v.as_str()),
            Leaf::Removed => false, // a removed node cannot be present
        };
    }
    if expect.children.is_empty() {
        return old.is_some_and(|o| same(o, new));
    }
    match &new.kind {
        NodeKind::Map { entries, .. } => {
            let old_entries = old.and_then(Node::entries).unwrap_or_default();
            let (old_keys, new_keys) = (Index::new(old_entries), Index::new(entries));
            // Every old key: kept (same or edited below) unless removed.
            for (ok, ov) in old_entries {
                let key = ok.as_str().unwrap_or_default();
                let found = new_keys.find(entries, ok.as_str());
                match (expect.get_key(key), found) {
                    (Some(e), None) if e.leaf == Some(Leaf::Removed) => {}
                    (Some(e), Some((_, nv))) if e.leaf != Some(Leaf::Removed) => {
                        if !check(Some(ov), nv, e) {
                            return false;
                        }
                    }
                    (None, Some((_, nv))) => {
                        if !same(ov, nv) {
                            return false;
                        }
                    }
                    _ => return false,
                }
            }
            // Every new key: old, or asked for.
            entries.iter().all(|(nk, nv)| {
                let in_old = old_keys.find(old_entries, nk.as_str()).is_some();
                in_old || {
                    expect
                        .get_key(nk.as_str().unwrap_or_default())
                        .is_some_and(|e| e.leaf != Some(Leaf::Removed) && check(None, nv, e))
                }
            })
        }
        NodeKind::Seq { items, .. } => {
            let old_items = old.and_then(Node::items).unwrap_or_default();
            items.len() == old_items.len()
                && items
                    .iter()
                    .zip(old_items)
                    .enumerate()
                    .all(|(i, (nv, ov))| match expect.get(&Seg::Index(i)) {
                        Some(e) => check(Some(ov), nv, e),
                        None => same(ov, nv),
                    })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn k(s: &str) -> Seg {
        Seg::key(s)
    }

    #[test]
    fn accepts_exactly_the_intended_change() {
        let old = parse("a: 1\nm:\n  x: y\n").unwrap().unwrap();
        let new = parse("a: 1\nm:\n  x: y\n  k: \"v\"\n").unwrap().unwrap();
        let mut e = Expect::default();
        e.set(&[k("m"), k("k")], "v");
        assert!(check(Some(&old), &new, &e));
        // A wrong value, an extra key, or a changed neighbour are all refused.
        let wrong = parse("a: 1\nm:\n  x: y\n  k: \"w\"\n").unwrap().unwrap();
        assert!(!check(Some(&old), &wrong, &e));
        let extra = parse("a: 1\nm:\n  x: y\n  k: \"v\"\n  z: 1\n")
            .unwrap()
            .unwrap();
        assert!(!check(Some(&old), &extra, &e));
        let moved = parse("a: 1\nm:\n  x: y\nk: \"v\"\n").unwrap().unwrap();
        assert!(!check(Some(&old), &moved, &e));
        let neighbour = parse("a: 2\nm:\n  x: y\n  k: \"v\"\n").unwrap().unwrap();
        assert!(!check(Some(&old), &neighbour, &e));
    }

    #[test]
    fn large_mappings_are_checked_the_same_way() {
        let keys: String = (0..40).map(|i| format!("  k{i}: v{i}\n")).collect();
        let old_text = format!("m:\n{keys}");
        let old = parse(&old_text).unwrap().unwrap();
        let mut e = Expect::default();
        e.set(&[k("m"), k("new")], "x");
        let good = format!("m:\n{keys}  new: x\n");
        assert!(check(Some(&old), &parse(&good).unwrap().unwrap(), &e));
        let extra = format!("m:\n{keys}  new: x\n  more: y\n");
        assert!(!check(Some(&old), &parse(&extra).unwrap().unwrap(), &e));
        let changed = format!("m:\n{}  new: x\n", keys.replace("v39", "w39"));
        assert!(!check(Some(&old), &parse(&changed).unwrap().unwrap(), &e));
        let dropped = format!("m:\n{}  new: x\n", keys.replace("  k7: v7\n", ""));
        assert!(!check(Some(&old), &parse(&dropped).unwrap().unwrap(), &e));
    }

    #[test]
    fn removal_and_creation() {
        let old = parse("m:\n  a: b\n  k: v\n").unwrap().unwrap();
        let new = parse("m:\n  a: b\n").unwrap().unwrap();
        let mut e = Expect::default();
        e.removed(&[k("m"), k("k")]);
        assert!(check(Some(&old), &new, &e));
        assert!(!check(Some(&old), &old, &e));
        let old = parse("m: {}\n").unwrap().unwrap();
        let new = parse("m: {r: {x: \"1\"}}\n").unwrap().unwrap();
        let mut e = Expect::default();
        e.set(&[k("m"), k("r"), k("x")], "1");
        assert!(check(Some(&old), &new, &e));
        // Quoted "1" is a string; plain 1 is a number and does not match.
        let num = parse("m: {r: {x: 1}}\n").unwrap().unwrap();
        assert!(!check(Some(&old), &num, &e));
    }
}
