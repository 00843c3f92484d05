//! Parse speed of the fast YAML parser against the reference parser, in MB/s over a generated
//! manifest stream (per app: a commented Deployment with two containers, a LoadBalancer Service and a
//! v1 Ingress). `cargo bench --bench yaml_parse [-- FILE]` parses FILE instead; `YAML_BENCH_APPS=N` sets
//! the number of generated apps (default 1000). `YAML_BENCH_ONLY=fast` (or `reference`) times one parser
//! only, for profiling. `YAML_BENCH_ONLY=fast` (or `reference`) times one parser
//! only, for profiling (`perf stat`, `perf record`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use tkedirect::yaml::{Arena, fast, reference, split};

#[path = "support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// CPU time of this thread (Linux), so that other processes on a busy machine do not count. The kernel
/// updates it at scheduler ticks, so [`time`] only reads it over long stretches.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        stat.split_whitespace().next()?.parse().ok()?,
    ))
}

/// Time to parse every document once: the best of `samples` averages over at least 200 ms each (CPU time
/// where available, else wall time).
fn time(docs: &[&str], samples: usize, parse: impl Fn(&str) -> bool) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..samples {
        let (wall, cpu) = (Instant::now(), cpu_time());
        let mut rounds = 0;
        loop {
            for doc in docs {
                assert!(black_box(parse(black_box(doc))));
            }
            rounds += 1;
            let elapsed = match (cpu, cpu_time()) {
                (Some(a), Some(b)) => b - a,
                _ => wall.elapsed(),
            };
            if elapsed >= Duration::from_millis(200) {
                best = best.min(elapsed / rounds);
                break;
            }
        }
    }
    best
}

fn main() {
    let file = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let text = match &file {
        Some(path) => std::fs::read_to_string(path).expect("read the corpus file"),
        None => {
            let apps = std::env::var("YAML_BENCH_APPS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1000);
            (0..apps)
                .map(corpus::parse_app)
                .collect::<Vec<_>>()
                .join("---\n")
        }
    };
    let docs: Vec<&str> = split::documents(&text)
        .map(|c| &text[c.start..c.end])
        .collect();
    let mb = text.len() as f64 / 1e6;
    let accepted = docs
        .iter()
        .filter(|d| fast::parse(d, &Arena::new()).is_ok())
        .count();
    println!(
        "corpus: {} ({:.2} MB, {} documents; fast parser accepts {accepted})",
        file.as_deref().unwrap_or("generated"),
        mb,
        docs.len()
    );
    let only = std::env::var("YAML_BENCH_ONLY").unwrap_or_default();
    // One arena, emptied for each document, as the engine does.
    let arena = std::cell::RefCell::new(Arena::new());
    let with_arena = |parse: fn(&str, &Arena) -> bool| {
        let arena = &arena;
        move |d: &str| {
            let mut a = arena.borrow_mut();
            a.reset();
            parse(d, &a)
        }
    };
    let mut rows = Vec::new();
    if only.is_empty() || only == "fast" {
        let f = |d: &str, a: &Arena| fast::parse(d, a).is_ok_and(|n| n.is_some());
        rows.push(("fast", time(&docs, 5, with_arena(f))));
    }
    if only.is_empty() || only == "reference" {
        let f = |d: &str, a: &Arena| reference::parse(d, a).is_ok_and(|n| n.is_some());
        rows.push(("reference", time(&docs, 3, with_arena(f))));
    }
    if only.is_empty() {
        let f = |d: &str, a: &Arena| tkedirect::yaml::parse_in(d, a).is_ok_and(|n| n.is_some());
        rows.push(("yaml::parse", time(&docs, 5, with_arena(f))));
    }
    for &(name, t) in &rows {
        let s = t.as_secs_f64();
        println!(
            "{name:>12}: {:8.2} ms  {:8.1} MB/s  {:10.0} documents/s",
            s * 1e3,
            mb / s,
            docs.len() as f64 / s
        );
    }
    if let [(_, fast_t), (_, ref_t), ..] = rows[..] {
        println!(
            "speed-up fast vs reference: {:.1}x",
            ref_t.as_secs_f64() / fast_t.as_secs_f64()
        );
    }
}
