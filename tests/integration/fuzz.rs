//! Fuzzing the patch engine (`tkedirect::patch::engine::run`) with proptest: start from a corpus of real
//! inputs (the fidelity fixtures, the bad-input corpus, the examples, a Helm-rendered stream), apply random
//! mutations (YAML tokens inserted, bytes and ranges deleted, lines duplicated, dropped, swapped or
//! re-indented, pieces of other inputs spliced in), and check on every input:
//!
//! - no panic, and every error points inside the input (line and column at least 1, line within the text);
//! - every output parses, document by document, for `enable` and `disable`;
//! - `enable` is idempotent: enabling the output changes nothing;
//! - `disable(enable(x)) == x` byte for byte, where every handled object starts without direct access
//!   (`disable(x)` changes nothing and `enable` replaced no existing value).
//!
//! `cargo fuzz` needs a nightly toolchain, and this machine has only stable, so this is a time-bounded
//! proptest run instead: `fuzz_patch_engine` is ignored by default and runs for `TKEDIRECT_FUZZ_SECONDS`
//! (default 60) with `cargo test --test integration fuzz -- --ignored --nocapture`; `.ci/run` runs it for
//! 60 seconds. `fuzz_smoke` runs a few hundred cases in every `cargo test` so the harness cannot rot.
//!
//! The inputs come from one seed, printed at the start: `TKEDIRECT_FUZZ_SEED` replays a run, and without
//! it each run draws a new one. `.ci/run` sets a fixed seed, so a red CI is reproducible and never luck;
//! explore with other seeds locally (`TKEDIRECT_FUZZ_SEED=$RANDOM`).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use tkedirect::patch::engine::{self, Source, Verify};
use tkedirect::patch::{EniFlavor, Intent, NetworkMode, Options};
use tkedirect::yaml::{self, split};

/// Text to insert: YAML syntax, and the keys and values tkedirect reads and writes.
const TOKENS: &[&str] = &[
    ": ",
    "- ",
    "\n",
    "  ",
    "    ",
    "\t",
    "#",
    " # c",
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "\"",
    "'",
    "|\n",
    ">-\n",
    "? ",
    "!!str ",
    "~",
    "null",
    "true",
    "\"true\"",
    "yes",
    "1",
    "\r\n",
    "\u{feff}",
    "{{ .Values.x }}",
    "|2\n",
    "|+\n",
    "- |\n",
    "{}",
    "metadata: {name: x, annotations: {}}\n",
    "- {name: c, image: i, resources: {}}\n",
    "%YAML 1.2\n",
    "<<: *a\n",
    "annotations:\n",
    "annotations: {}\n",
    "service.cloud.tencent.com/direct-access: \"true\"\n",
    "service.cloud.tencent.com/direct-access: false\n",
    "ingress.cloud.tencent.com/direct-access: \"true\"\n",
    "type: LoadBalancer\n",
    "type: ClusterIP\n",
    "kubernetes.io/ingress.class: nginx\n",
    "ingressClassName: qcloud\n",
    "resources: {}\n",
    "resources:\n",
    "requests:\n",
    "limits: {}\n",
    "containers:\n- name: x\n",
    "containers: []\n",
    "initContainers:\n- name: i\n",
    "hostNetwork: true\n",
    "kind: Service\n",
    "kind: Deployment\n",
    "kind: Ingress\n",
    "kind: List\nitems:\n",
    "metadata:\n  name: x\n",
    "namespace: other\n",
    "selector:\n  app: web\n",
    "template:\n",
    "tke.cloud.tencent.com/eni-ip: \"1\"\n",
    "tke.cloud.tencent.com/networks: tke-route-eni\n",
    "tke.cloud.tencent.com/direct-eni: 1\n",
    "apiVersion: networking.k8s.io/v1\n",
    "apiVersion: extensions/v1beta1\n",
    "é",
    "日本",
];

/// Counters for the closing figures: engine runs, inputs the engine accepted, inputs it changed, and
/// inputs on which the inverse was checked.
static ENGINE_RUNS: AtomicU64 = AtomicU64::new(0);
static ACCEPTED: AtomicU64 = AtomicU64::new(0);
static CHANGED: AtomicU64 = AtomicU64::new(0);
static INVERSE_CHECKED: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone)]
enum Mutation {
    Insert {
        at: u32,
        token: usize,
    },
    Delete {
        at: u32,
        len: u8,
    },
    DuplicateLine {
        line: u32,
    },
    DropLine {
        line: u32,
    },
    SwapLines {
        a: u32,
        b: u32,
    },
    Indent {
        line: u32,
        delta: i8,
    },
    Byte {
        at: u32,
        byte: u8,
    },
    Splice {
        seed: usize,
        from: u32,
        len: u16,
        at: u32,
    },
    /// Remove the final line break(s), or add one.
    FinalNewline,
    /// LF to CRLF (or CRLF to LF).
    Crlf,
}

fn mutation(seeds: usize) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<u32>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        2 => (any::<u32>(), 1u8..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => any::<u32>().prop_map(|line| Mutation::DuplicateLine { line }),
        2 => any::<u32>().prop_map(|line| Mutation::DropLine { line }),
        1 => (any::<u32>(), any::<u32>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        2 => (any::<u32>(), -4i8..5).prop_map(|(line, delta)| Mutation::Indent { line, delta }),
        1 => (any::<u32>(), 0x20u8..0x7f).prop_map(|(at, byte)| Mutation::Byte { at, byte }),
        1 => (0..seeds, any::<u32>(), 1u16..400, any::<u32>())
            .prop_map(|(seed, from, len, at)| Mutation::Splice { seed, from, len, at }),
        1 => Just(Mutation::FinalNewline),
        1 => Just(Mutation::Crlf),
    ]
}

/// The nearest char boundary at or before `at % (len + 1)`.
fn boundary(s: &str, at: u32) -> usize {
    let mut i = at as usize % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn lines(s: &str) -> Vec<String> {
    s.split_inclusive('\n').map(str::to_string).collect()
}

fn apply(seeds: &[String], base: usize, mutations: &[Mutation]) -> String {
    let mut s = seeds[base].clone();
    for m in mutations {
        match *m {
            Mutation::Insert { at, token } => {
                let i = boundary(&s, at);
                s.insert_str(i, TOKENS[token]);
            }
            Mutation::Delete { at, len } => {
                let i = boundary(&s, at);
                let j = boundary(&s, (i + len as usize).min(s.len()) as u32);
                if j > i {
                    s.replace_range(i..j, "");
                }
            }
            Mutation::DuplicateLine { line } | Mutation::DropLine { line } => {
                let mut ls = lines(&s);
                if ls.is_empty() {
                    continue;
                }
                let i = line as usize % ls.len();
                if matches!(m, Mutation::DropLine { .. }) {
                    ls.remove(i);
                } else {
                    let l = ls[i].clone();
                    ls.insert(
                        i,
                        if l.ends_with('\n') {
                            l
                        } else {
                            format!("{l}\n")
                        },
                    );
                }
                s = ls.concat();
            }
            Mutation::SwapLines { a, b } => {
                let mut ls = lines(&s);
                if ls.len() < 2 {
                    continue;
                }
                let (a, b) = (a as usize % ls.len(), b as usize % ls.len());
                ls.swap(a, b);
                s = ls.concat();
            }
            Mutation::Indent { line, delta } => {
                let mut ls = lines(&s);
                if ls.is_empty() {
                    continue;
                }
                let i = line as usize % ls.len();
                if delta >= 0 {
                    ls[i] = format!("{}{}", " ".repeat(delta as usize), ls[i]);
                } else {
                    let strip = ls[i]
                        .bytes()
                        .take(delta.unsigned_abs() as usize)
                        .take_while(|b| *b == b' ')
                        .count();
                    ls[i] = ls[i][strip..].to_string();
                }
                s = ls.concat();
            }
            Mutation::Byte { at, byte } => {
                let i = boundary(&s, at);
                if i < s.len() {
                    let next = s[i..].chars().next().unwrap().len_utf8();
                    s.replace_range(i..i + next, &(byte as char).to_string());
                }
            }
            Mutation::Splice {
                seed,
                from,
                len,
                at,
            } => {
                let other = &seeds[seed];
                let i = boundary(other, from);
                let j = boundary(other, (i + len as usize).min(other.len()) as u32);
                let piece = other[i..j.max(i)].to_string();
                let k = boundary(&s, at);
                s.insert_str(k, &piece);
            }
            Mutation::FinalNewline => {
                if s.ends_with('\n') {
                    s.truncate(s.trim_end_matches(['\r', '\n']).len());
                } else {
                    s.push('\n');
                }
            }
            Mutation::Crlf => {
                s = if s.contains("\r\n") {
                    s.replace("\r\n", "\n")
                } else {
                    s.replace('\n', "\r\n")
                };
            }
        }
    }
    s
}

/// The seed corpus: every UTF-8 input the repository holds for the engine.
fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut walk = vec![
        root.join("tests/fixtures/patch"),
        root.join("tests/fixtures/bad"),
        root.join("tests/fixtures/helm"),
        root.join("examples"),
    ];
    while let Some(dir) = walk.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut seeds: Vec<String> = files
        .iter()
        .filter_map(|p| String::from_utf8(std::fs::read(p).ok()?).ok())
        .filter(|s| s.len() < 64 * 1024)
        .collect();
    seeds.dedup();
    seeds
}

fn options(intent: Intent, mixed: bool, exclusive: bool) -> Options {
    Options {
        intent,
        mode: if mixed {
            NetworkMode::Mixed
        } else {
            NetworkMode::VpcCni
        },
        eni: if exclusive {
            EniFlavor::Exclusive
        } else {
            EniFlavor::Shared
        },
        container: None,
        // disable must be the exact inverse here; its guards (which hold some changes back on purpose)
        // are tested in patch::guard and tests/integration/edit_guards.rs.
        force: true,
    }
}

/// Run the engine over one text: `Ok(Some(new))` when it changed, `Ok(None)` when not, `Err(())` on bad input.
fn run(
    text: &str,
    name: &str,
    opts: &Options,
) -> Result<Result<Option<String>, ()>, TestCaseError> {
    run_verified(text, name, opts, Verify::Fast)
}

fn run_verified(
    text: &str,
    name: &str,
    opts: &Options,
    verify: Verify,
) -> Result<Result<Option<String>, ()>, TestCaseError> {
    let sources = [Source {
        name: name.to_string(),
        text: text.to_string(),
    }];
    ENGINE_RUNS.fetch_add(1, Relaxed);
    match engine::run_with(&sources, opts, &[], None, verify) {
        Ok(mut outcome) => Ok(Ok(outcome.outputs.pop().flatten().map(|p| p.text(text)))),
        Err(diags) => {
            // YAML's line breaks: LF, CRLF, and a lone CR.
            let lines = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .split('\n')
                .count();
            for d in &diags {
                prop_assert!(d.line >= 1 && d.col >= 1, "position {d:?}");
                prop_assert!(
                    d.line <= lines,
                    "line {} beyond the input's {lines}: {d:?}",
                    d.line
                );
            }
            Ok(Err(()))
        }
    }
}

fn replaced_a_value(text: &str, name: &str, opts: &Options) -> bool {
    let sources = [Source {
        name: name.to_string(),
        text: text.to_string(),
    }];
    ENGINE_RUNS.fetch_add(1, Relaxed);
    engine::run(&sources, opts, &[], None).is_ok_and(|o| {
        o.records.iter().any(|r| {
            matches!(&r.verdict, tkedirect::patch::Verdict::Change { notes, .. } if !notes.is_empty())
        })
    })
}

fn parses(text: &str) -> bool {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    split::documents(body)
        .all(|c| yaml::parse_in(&body[c.start..c.end], &yaml::Arena::new()).is_ok())
}

fn check(text: &str, json: bool, mixed: bool, exclusive: bool) -> Result<(), TestCaseError> {
    let name = if json { "fuzz.json" } else { "fuzz.yaml" };
    let enable = options(Intent::Enable, mixed, exclusive);
    let disable = options(Intent::Disable, mixed, exclusive);
    let enabled = run(text, name, &enable)?;
    // The default proof (the fast parser, on the edited lines only) decides exactly as reading the input
    // and the whole result with the reference parser does: it neither lets through nor refuses more.
    let independent = run_verified(text, name, &enable, Verify::Reference)?;
    prop_assert_eq!(
        &enabled,
        &independent,
        "fast and reference verification disagree"
    );
    let Ok(enabled) = enabled else {
        return Ok(());
    };
    ACCEPTED.fetch_add(1, Relaxed);
    let disabled_x = run(text, name, &disable)?;
    if let Ok(Some(d)) = &disabled_x {
        prop_assert!(parses(d), "disable output does not parse:\n{d}");
    }
    let Some(new) = enabled else {
        return Ok(());
    };
    CHANGED.fetch_add(1, Relaxed);
    prop_assert!(parses(&new), "enable output does not parse:\n{new}");
    let again = run(&new, name, &enable)?;
    prop_assert_eq!(&again, &Ok(None), "enable is not idempotent");
    if disabled_x == Ok(None) && !replaced_a_value(text, name, &enable) {
        INVERSE_CHECKED.fetch_add(1, Relaxed);
        let back = run(&new, name, &disable)?;
        if back != Ok(Some(text.to_string())) {
            // The documented exception (tests/fixtures/patch/empty-annotations-value): an empty (null)
            // `annotations:`, `resources:`… that enable filled comes back absent; both mean "none". In JSON,
            // where every mapping is a flow mapping, an empty `{}` that enable filled comes back absent too
            // (disable cannot tell it from one enable created).
            let json_style = text.trim_start().starts_with('{');
            let semantic = match &back {
                Ok(Some(b)) => {
                    normalized(b, json_style) == normalized(text, json_style)
                        && normalized(text, json_style).is_some()
                }
                _ => false,
            };
            prop_assert!(
                semantic,
                "disable(enable(x)) != x:\nenable(x):\n{new}\ndisable(enable(x)):\n{back:?}"
            );
        }
    }
    Ok(())
}

/// The documents as JSON, with null-valued keys removed, and mappings left empty by that removal removed
/// too (null, empty and absent mean the same to Kubernetes); with `empty`, every empty mapping.
fn normalized(text: &str, empty: bool) -> Option<Vec<serde_json::Value>> {
    use serde_json::Value;
    /// Whether anything was removed below `v`.
    fn strip(v: &mut Value, empty: bool) -> bool {
        match v {
            Value::Object(m) => {
                let before = m.len();
                m.retain(|_, v| {
                    !(v.is_null() || empty && v.as_object().is_some_and(|o| o.is_empty()))
                });
                let mut removed = m.len() != before;
                let emptied: Vec<String> = m
                    .iter_mut()
                    .filter_map(|(k, v)| {
                        (strip(v, empty) && v.as_object().is_some_and(|o| o.is_empty()))
                            .then(|| k.clone())
                    })
                    .collect();
                for k in emptied {
                    m.remove(&k);
                    removed = true;
                }
                removed
            }
            Value::Array(a) => a.iter_mut().fold(false, |r, v| strip(v, empty) | r),
            _ => false,
        }
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    split::documents(body)
        .map(|c| {
            let mut v = yaml::parse_in(&body[c.start..c.end], &yaml::Arena::new())
                .ok()?
                .map(|n| n.to_json());
            if let Some(v) = &mut v {
                strip(v, empty);
            }
            Some(v)
        })
        .collect::<Option<Vec<_>>>()
        .map(|docs| docs.into_iter().flatten().collect())
}

struct Stats {
    executions: u64,
    seeds: usize,
    seed_bytes: usize,
}

/// Run batches of cases from `seed` until `budget` is spent (or `max_cases` ran).
fn fuzz(budget: Duration, max_cases: u64, seed: u64) -> Stats {
    let seeds = seeds();
    assert!(seeds.len() > 50, "only {} seeds", seeds.len());
    let n = seeds.len();
    let strategy = (
        0..n,
        // Mostly a mutation or two (inputs that still parse reach the edit and inverse checks), sometimes many.
        prop_oneof![
            3 => proptest::collection::vec(mutation(n), 0..3),
            1 => proptest::collection::vec(mutation(n), 3..12),
        ],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let start = Instant::now();
    let mut executions = 0u64;
    let mut batch = 0u64;
    while start.elapsed() < budget && executions < max_cases {
        // Batch `b` of seed `s` draws from ChaCha keyed by (s, b): the same seed gives the same inputs in
        // the same order, however fast the machine is.
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&batch.to_le_bytes());
        batch += 1;
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &key);
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: 64,
                failure_persistence: None,
                ..Config::default()
            },
            rng,
        );
        let result = runner.run(&strategy, |(base, mutations, json, mixed, exclusive)| {
            let text = apply(&seeds, base, &mutations);
            let json = json && text.trim_start().starts_with('{');
            check(&text, json, mixed, exclusive)
        });
        match result {
            Ok(()) => executions += 64,
            Err(TestError::Fail(why, (base, mutations, json, mixed, exclusive))) => {
                let text = apply(&seeds, base, &mutations);
                panic!(
                    "{why}\nmixed={mixed} exclusive={exclusive} json={json} (TKEDIRECT_FUZZ_SEED={seed} replays)\n\
                     input ({} bytes):\n{text}\n---\n{text:?}",
                    text.len()
                );
            }
            Err(e) => panic!("{e}"),
        }
    }
    Stats {
        executions,
        seeds: n,
        seed_bytes: seeds.iter().map(String::len).sum(),
    }
}

#[test]
fn fuzz_smoke() {
    let stats = fuzz(Duration::from_secs(3600), 256, 1);
    assert!(stats.executions >= 256);
}

#[test]
#[ignore = "long-running; TKEDIRECT_FUZZ_SECONDS=60 cargo test --test integration fuzz -- --ignored --nocapture"]
fn fuzz_patch_engine() {
    let seconds: u64 = std::env::var("TKEDIRECT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let seed = crate::support::fuzz_seed("fuzz");
    let start = Instant::now();
    let stats = fuzz(Duration::from_secs(seconds), u64::MAX, seed);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "fuzz: {} inputs in {secs:.0} s ({:.0}/s, {} engine runs) from a corpus of {} seeds ({} bytes): \
         {} accepted, {} changed by enable, {} checked for disable(enable(x)) == x",
        stats.executions,
        stats.executions as f64 / secs,
        ENGINE_RUNS.load(Relaxed),
        stats.seeds,
        stats.seed_bytes,
        ACCEPTED.load(Relaxed),
        CHANGED.load(Relaxed),
        INVERSE_CHECKED.load(Relaxed),
    );
}
