//! Proof that an edit did what it meant and nothing else: compare the re-parsed document with the original
//! one, expecting exactly the intended values at the edited paths and identical values everywhere else.
//! Walks both trees side by side without building an intermediate model.

use std::collections::HashMap;

use super::edit::Seg;
use super::tree::{Node, NodeKind, Style};

/// What the edits should have done: the edited paths, sorted, each with what must be there now (borrowing
/// the paths and values of the edits; no allocation per path segment). A path below another one is
/// covered by it, as in a trie whose leaves end the walk.
#[derive(Debug, Default)]
pub struct Expect<'e> {
    entries: Vec<(&'e [Seg], Leaf<'e>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Leaf<'e> {
    Set(&'e str),
    Removed,
}

/// The expectations below a path: the run of [`Expect`]'s entries that start with it, `depth` segments
/// long.
#[derive(Debug, Clone, Copy)]
pub struct Below<'x, 'e> {
    entries: &'x [(&'e [Seg], Leaf<'e>)],
    depth: usize,
}

impl<'e> Expect<'e> {
    fn insert(&mut self, path: &'e [Seg], leaf: Leaf<'e>) {
        // A leaf above covers everything below it; a new leaf replaces what was below its path.
        if self
            .entries
            .iter()
            .any(|(p, _)| p.len() < path.len() && path.starts_with(p))
        {
            return;
        }
        self.entries.retain(|(p, _)| !p.starts_with(path));
        let at = self.entries.partition_point(|(p, _)| *p < path);
        self.entries.insert(at, (path, leaf));
    }

    /// The value at `path` must now be this string.
    pub fn set(&mut self, path: &'e [Seg], value: &'e str) {
        self.insert(path, Leaf::Set(value));
    }

    /// The key at `path` must now be absent.
    pub fn removed(&mut self, path: &'e [Seg]) {
        self.insert(path, Leaf::Removed);
    }

    /// The paths whose expectation `root` does not meet yet: where the edits must have changed something.
    pub fn unmet<'x>(&'x self, root: &'x Node<'_>) -> impl Iterator<Item = &'e [Seg]> + 'x {
        self.entries
            .iter()
            .filter(move |(path, leaf)| {
                let node = root.path_segs(path);
                match leaf {
                    Leaf::Set(v) => node.and_then(Node::as_string) != Some(*v),
                    Leaf::Removed => node.is_some(),
                }
            })
            .map(|(path, _)| *path)
    }

    /// All of them, from the document root.
    pub fn all(&self) -> Below<'_, 'e> {
        Below {
            entries: &self.entries,
            depth: 0,
        }
    }

    /// The expectations below `path` (none: `None`).
    pub fn below(&self, path: &[Seg]) -> Option<Below<'_, 'e>> {
        path.iter().try_fold(self.all(), |b, seg| b.get(seg))
    }
}

impl<'x, 'e> Below<'x, 'e> {
    /// None at all: what is there must stay as it was.
    pub fn none() -> Self {
        Below {
            entries: &[],
            depth: 0,
        }
    }

    fn leaf(&self) -> Option<&'x Leaf<'e>> {
        self.entries
            .first()
            .filter(|(p, _)| p.len() == self.depth)
            .map(|(_, l)| l)
    }

    fn removed(&self) -> bool {
        self.leaf() == Some(&Leaf::Removed)
    }

    fn run(&self, matches: impl Fn(&Seg) -> bool) -> Option<Below<'x, 'e>> {
        let at = |(p, _): &(&[Seg], Leaf<'_>)| p.get(self.depth).is_some_and(&matches);
        let start = self.entries.iter().position(at)?;
        let len = self.entries[start..].iter().take_while(|e| at(e)).count();
        Some(Below {
            entries: &self.entries[start..start + len],
            depth: self.depth + 1,
        })
    }

    fn get(&self, seg: &Seg) -> Option<Below<'x, 'e>> {
        self.run(|s| s == seg)
    }

    fn get_key(&self, key: &str) -> Option<Below<'x, 'e>> {
        self.run(|s| matches!(s, Seg::Key(k) if k == key))
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

/// Where a check failed: the node of the original document there (when there is one) and the offset of
/// the node in the new text, so that an error can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch {
    /// Line (1-based) and column (0-based, in characters) of the original node.
    pub old: Option<(usize, usize)>,
    /// Byte offset of the new node in the new text.
    pub new: usize,
}

impl Mismatch {
    fn at(old: Option<&Node<'_>>, new: &Node<'_>) -> Mismatch {
        Mismatch {
            old: old.map(|o| (o.line, o.col)),
            new: new.start,
        }
    }
}

fn scalars_equal(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar { text: x, style: sx }, NodeKind::Scalar { text: y, style: sy }) => {
            // Same text and both plain (or both not) resolve alike; otherwise compare string-ness.
            x == y
                && (((*sx == Style::Plain) == (*sy == Style::Plain) && a.tagged == b.tagged)
                    || a.as_string().is_some() == b.as_string().is_some())
        }
        _ => false,
    }
}

/// The deepest pair of nodes whose values differ (scalars by text and string-ness, collections element
/// by element; spans and styles ignored), or `None` when the values are equal.
pub fn difference<'x, 'a, 'b>(
    a: &'x Node<'a>,
    b: &'x Node<'b>,
) -> Option<(&'x Node<'a>, &'x Node<'b>)> {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar { .. }, NodeKind::Scalar { .. }) => {
            (!scalars_equal(a, b)).then_some((a, b))
        }
        (NodeKind::Map { entries: x, .. }, NodeKind::Map { entries: y, .. }) => {
            for ((ka, va), (kb, vb)) in x.iter().zip(y.iter()) {
                if ka.as_str() != kb.as_str() {
                    return Some((ka, kb));
                }
                if let Some(d) = difference(va, vb) {
                    return Some(d);
                }
            }
            match (x.get(y.len()), y.get(x.len())) {
                (Some((ka, _)), _) => Some((ka, b)),
                (_, Some((kb, _))) => Some((a, kb)),
                _ => None,
            }
        }
        (NodeKind::Seq { items: x, .. }, NodeKind::Seq { items: y, .. }) => {
            for (p, q) in x.iter().zip(y.iter()) {
                if let Some(d) = difference(p, q) {
                    return Some(d);
                }
            }
            match (x.get(y.len()), y.get(x.len())) {
                (Some(p), _) => Some((p, b)),
                (_, Some(q)) => Some((a, q)),
                _ => None,
            }
        }
        (NodeKind::Alias, NodeKind::Alias) => None,
        _ => Some((a, b)),
    }
}

/// Values equal (see [`difference`]).
pub fn same(a: &Node<'_>, b: &Node<'_>) -> bool {
    difference(a, b).is_none()
}

/// Whether `new` is `old` with exactly the expected changes; where it is not, the first place found.
/// `old` is `None` where the edits created the node.
pub fn check(old: Option<&Node<'_>>, new: &Node<'_>, expect: &Expect<'_>) -> Result<(), Mismatch> {
    check_below(old, new, expect.all())
}

/// [`check`] for the expectations below some path.
pub fn check_below(
    old: Option<&Node<'_>>,
    new: &Node<'_>,
    expect: Below<'_, '_>,
) -> Result<(), Mismatch> {
    let fail = |o: Option<&Node<'_>>, n: &Node<'_>| Err(Mismatch::at(o, n));
    if let Some(leaf) = expect.leaf() {
        return match leaf {
            Leaf::Set(v) if new.as_string() == Some(*v) => Ok(()),
            // A removed node cannot be present.
            _ => fail(old, new),
        };
    }
    if expect.entries.is_empty() {
        return match old {
            Some(o) => match difference(o, new) {
                Some((x, y)) => fail(Some(x), y),
                None => Ok(()),
            },
            None => fail(None, new),
        };
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
                    (Some(e), None) if e.removed() => {}
                    (Some(e), Some((_, nv))) if !e.removed() => {
                        check_below(Some(ov), nv, e)?;
                    }
                    (None, Some((_, nv))) => {
                        if let Some((x, y)) = difference(ov, nv) {
                            return fail(Some(x), y);
                        }
                    }
                    (_, Some((nk, _))) => return fail(Some(ok), nk),
                    (_, None) => return fail(Some(ok), new),
                }
            }
            // Every new key: old, or asked for.
            for (nk, nv) in entries.iter() {
                if old_keys.find(old_entries, nk.as_str()).is_some() {
                    continue;
                }
                match expect.get_key(nk.as_str().unwrap_or_default()) {
                    Some(e) if !e.removed() => check_below(None, nv, e)?,
                    _ => return fail(old, nk),
                }
            }
            // Every key asked for is there (an edit that went missing is a mismatch too).
            for (path, leaf) in expect.entries {
                if let Some(Seg::Key(k)) = path.get(expect.depth)
                    && *leaf != Leaf::Removed
                    && new_keys.find(entries, Some(k)).is_none()
                {
                    return fail(old, new);
                }
            }
            Ok(())
        }
        NodeKind::Seq { items, .. } => {
            let old_items = old.and_then(Node::items).unwrap_or_default();
            let beyond = expect.entries.iter().any(|(path, _)| {
                !matches!(path.get(expect.depth), Some(Seg::Index(i)) if *i < items.len())
            });
            if items.len() != old_items.len() || beyond {
                return fail(old, new);
            }
            for (i, (nv, ov)) in items.iter().zip(old_items).enumerate() {
                match expect.get(&Seg::Index(i)) {
                    Some(e) => check_below(Some(ov), nv, e)?,
                    None => {
                        if let Some((x, y)) = difference(ov, nv) {
                            return fail(Some(x), y);
                        }
                    }
                }
            }
            Ok(())
        }
        _ => fail(old, new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn k(s: &str) -> Seg {
        Seg::key(s)
    }

    fn check_ok(old: Option<&Node<'_>>, new: &Node<'_>, expect: &Expect) -> bool {
        check(old, new, expect).is_ok()
    }

    #[test]
    fn mismatches_point_at_the_deepest_difference() {
        let old = parse("a: 1\nm:\n  x: y\n  z: [1, 2]\n").unwrap().unwrap();
        let new_text = "a: 1\nm:\n  x: y\n  z: [1, 3]\n  k: v\n";
        let new = parse(new_text).unwrap().unwrap();
        let mut e = Expect::default();
        let path1 = [k("m"), k("k")];
        e.set(&path1, "v");
        let m = check(Some(&old), &new, &e).unwrap_err();
        assert_eq!(m.old, Some((4, 9)));
        assert_eq!(&new_text[m.new..m.new + 1], "3");
        // An unexpected new key is reported at that key.
        let extra_text = "a: 1\nm:\n  x: y\n  z: [1, 2]\n  k: v\n  q: 1\n";
        let extra = parse(extra_text).unwrap().unwrap();
        let m = check(Some(&old), &extra, &e).unwrap_err();
        assert_eq!(&extra_text[m.new..m.new + 1], "q");
        assert_eq!(difference(&old, &old), None);
    }

    #[test]
    fn accepts_exactly_the_intended_change() {
        let old = parse("a: 1\nm:\n  x: y\n").unwrap().unwrap();
        let new = parse("a: 1\nm:\n  x: y\n  k: \"v\"\n").unwrap().unwrap();
        let mut e = Expect::default();
        let path2 = [k("m"), k("k")];
        e.set(&path2, "v");
        assert!(check_ok(Some(&old), &new, &e));
        // A wrong value, an extra key, or a changed neighbour are all refused.
        let wrong = parse("a: 1\nm:\n  x: y\n  k: \"w\"\n").unwrap().unwrap();
        assert!(!check_ok(Some(&old), &wrong, &e));
        let extra = parse("a: 1\nm:\n  x: y\n  k: \"v\"\n  z: 1\n")
            .unwrap()
            .unwrap();
        assert!(!check_ok(Some(&old), &extra, &e));
        let moved = parse("a: 1\nm:\n  x: y\nk: \"v\"\n").unwrap().unwrap();
        assert!(!check_ok(Some(&old), &moved, &e));
        let neighbour = parse("a: 2\nm:\n  x: y\n  k: \"v\"\n").unwrap().unwrap();
        assert!(!check_ok(Some(&old), &neighbour, &e));
    }

    #[test]
    fn large_mappings_are_checked_the_same_way() {
        let keys: String = (0..40).map(|i| format!("  k{i}: v{i}\n")).collect();
        let old_text = format!("m:\n{keys}");
        let old = parse(&old_text).unwrap().unwrap();
        let mut e = Expect::default();
        let path3 = [k("m"), k("new")];
        e.set(&path3, "x");
        let good = format!("m:\n{keys}  new: x\n");
        assert!(check_ok(Some(&old), &parse(&good).unwrap().unwrap(), &e));
        let extra = format!("m:\n{keys}  new: x\n  more: y\n");
        assert!(!check_ok(Some(&old), &parse(&extra).unwrap().unwrap(), &e));
        let changed = format!("m:\n{}  new: x\n", keys.replace("v39", "w39"));
        assert!(!check_ok(
            Some(&old),
            &parse(&changed).unwrap().unwrap(),
            &e
        ));
        let dropped = format!("m:\n{}  new: x\n", keys.replace("  k7: v7\n", ""));
        assert!(!check_ok(
            Some(&old),
            &parse(&dropped).unwrap().unwrap(),
            &e
        ));
    }

    #[test]
    fn a_path_covers_the_paths_below_it() {
        let (a, ab) = ([k("a")], [k("a"), k("b")]);
        for order in [true, false] {
            let mut e = Expect::default();
            if order {
                e.set(&ab, "x");
                e.set(&a, "v");
            } else {
                e.set(&a, "v");
                e.set(&ab, "x");
            }
            assert_eq!(e.entries.len(), 1, "{e:?}");
            let old = parse("a: {b: y}\n").unwrap().unwrap();
            assert!(check_ok(Some(&old), &parse("a: v\n").unwrap().unwrap(), &e));
        }
        let (m1, m2, m3) = ([k("m"), k("x")], [k("m"), k("y")], [k("n")]);
        let mut e = Expect::default();
        e.set(&m2, "2");
        e.removed(&m3);
        e.set(&m1, "1");
        let old = parse("m: {}\nn: 3\n").unwrap().unwrap();
        assert!(check_ok(
            Some(&old),
            &parse("m: {x: '1', y: '2'}\n").unwrap().unwrap(),
            &e
        ));
        assert!(!check_ok(
            Some(&old),
            &parse("m: {x: '1'}\n").unwrap().unwrap(),
            &e
        ));
        let below = e.below(&[k("m")]).unwrap();
        assert_eq!(below.entries.len(), 2);
        assert!(e.below(&[k("q")]).is_none());
    }

    #[test]
    fn removal_and_creation() {
        let old = parse("m:\n  a: b\n  k: v\n").unwrap().unwrap();
        let new = parse("m:\n  a: b\n").unwrap().unwrap();
        let mut e = Expect::default();
        let path4 = [k("m"), k("k")];
        e.removed(&path4);
        assert!(check_ok(Some(&old), &new, &e));
        assert!(!check_ok(Some(&old), &old, &e));
        let old = parse("m: {}\n").unwrap().unwrap();
        let new = parse("m: {r: {x: \"1\"}}\n").unwrap().unwrap();
        let mut e = Expect::default();
        let path5 = [k("m"), k("r"), k("x")];
        e.set(&path5, "1");
        assert!(check_ok(Some(&old), &new, &e));
        // Quoted "1" is a string; plain 1 is a number and does not match.
        let num = parse("m: {r: {x: 1}}\n").unwrap().unwrap();
        assert!(!check_ok(Some(&old), &num, &e));
    }
}
