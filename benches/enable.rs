//! End-to-end benchmark of the file engine (issue #2): generates corpora of N apps (a commented Deployment
//! with two containers, a LoadBalancer Service and a v1 Ingress per app), times
//! `tkedirect enable --network-mode mixed -f corpus.yaml` and, where kubectl is on PATH,
//! `kubectl annotate --local` on the same input, and prints documents/second and peak RSS.
//!
//! Run: `cargo bench --bench enable` (add `-- 100 1000` to pick sizes; default 100, 1000, 10000).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// Run a command, return wall time and peak RSS in KiB (from wait4's rusage of that child).
fn measure(cmd: &mut Command) -> (Duration, i64, bool) {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe_zeroed();
    // SAFETY-free alternative is not in std; wait4 is the one call that gives this child's own max RSS.
    let rc = wait4(pid, &mut status, &mut usage);
    let elapsed = start.elapsed();
    assert_eq!(rc, pid, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    std::mem::forget(child);
    (elapsed, usage.ru_maxrss, ok)
}

#[allow(unsafe_code)]
fn unsafe_zeroed() -> libc::rusage {
    // SAFETY: rusage is a plain C struct of integers; all-zero is a valid value.
    unsafe { std::mem::zeroed() }
}

#[allow(unsafe_code)]
fn wait4(pid: libc::pid_t, status: &mut i32, usage: &mut libc::rusage) -> libc::pid_t {
    // SAFETY: valid pointers to live locals; pid is our own child.
    unsafe { libc::wait4(pid, status, 0, usage) }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100, 1_000, 10_000]
    } else {
        sizes
    };
    let bin = env!("CARGO_BIN_EXE_tkedirect");
    let dir = tempfile::tempdir().expect("temp dir");
    // TKEDIRECT_BENCH_DIR=path keeps the generated corpora there.
    let keep = std::env::var_os("TKEDIRECT_BENCH_DIR").map(std::path::PathBuf::from);
    let corpus_dir = keep.as_deref().unwrap_or(dir.path());
    let kubectl = Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success());
    println!(
        "tkedirect enable --network-mode mixed -f corpus.yaml (median of runs; peak RSS of the process)"
    );
    println!(
        "{:>7} {:>7} {:>9} {:>11} {:>12} {:>9} {:>11} {:>10}",
        "apps", "docs", "MB", "tkedirect", "docs/s", "RSS MB", "kubectl", "speed-up"
    );
    let mut per_doc = Vec::new();
    for n in sizes {
        let mut text = String::with_capacity(n * 3_600);
        for i in 0..n {
            corpus::enable_app(i, &mut text);
        }
        let path = corpus_dir.join(format!("corpus-{n}.yaml"));
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .expect("write corpus");
        let docs = n * 3;
        let runs = if n >= 10_000 { 3 } else { 7 };
        let mut times = Vec::new();
        let mut rss = 0;
        for _ in 0..runs {
            let (t, r, ok) = measure(
                Command::new(bin)
                    .args(["enable", "--network-mode", "mixed", "-q", "-f"])
                    .arg(&path),
            );
            assert!(ok, "tkedirect failed on {}", path.display());
            times.push(t);
            rss = rss.max(r);
        }
        let ours = median(times);
        let kube = kubectl.then(|| {
            let runs = if n >= 10_000 { 1 } else { 3 };
            median((0..runs).map(|_| kubectl_annotate(&path).0).collect())
        });
        per_doc.push((docs, ours));
        println!(
            "{:>7} {:>7} {:>9.1} {:>9.1}ms {:>12.0} {:>9.1} {:>11} {:>10}",
            n,
            docs,
            text.len() as f64 / 1e6,
            ours.as_secs_f64() * 1e3,
            docs as f64 / ours.as_secs_f64(),
            rss as f64 / 1024.0,
            kube.map_or("-".into(), |k| format!("{:.0}ms", k.as_secs_f64() * 1e3)),
            kube.map_or("-".into(), |k| format!(
                "{:.0}x",
                k.as_secs_f64() / ours.as_secs_f64()
            )),
        );
        let _ = Path::new(&path);
    }
    if per_doc.len() > 1 {
        let (d0, t0) = per_doc[0];
        let (d1, t1) = per_doc[per_doc.len() - 1];
        println!(
            "scaling: {}x the documents took {:.1}x the time (linear = {}x)",
            d1 / d0,
            t1.as_secs_f64() / t0.as_secs_f64(),
            d1 / d0
        );
    }
    println!("peak RSS target: under 3x the input size");
}

fn kubectl_annotate(path: &Path) -> (Duration, i64, bool) {
    measure(
        Command::new("kubectl")
            .args(["annotate", "--local", "-o", "yaml", "-f"])
            .arg(path)
            .arg("service.cloud.tencent.com/direct-access=true"),
    )
}
