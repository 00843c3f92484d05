//! End-to-end benchmark of the file engine against kubectl, in one run: generates corpora of N apps (a
//! commented Deployment with two containers, a LoadBalancer Service and a v1 Ingress per app, as Helm
//! renders them) and a directory of 3,000 one-object files, then times, as whole processes,
//!
//! - `tkedirect enable --network-mode mixed -q -f INPUT` (with `-R` for the directory), and
//! - `kubectl annotate --local -o yaml -f INPUT service.cloud.tencent.com/direct-access=true`, when kubectl
//!   is on PATH,
//!
//! and prints, side by side, the median wall time, the median CPU time (user + system, from the child's
//! rusage) and the peak RSS of each, and the ratios. Both write to /dev/null.
//!
//! Run: `cargo bench --bench enable` (add `-- 1000` to pick sizes; default 1000 and 10000; `-- dir` for
//! the directory only). `TKEDIRECT_BENCH_RUNS=N` sets the tkedirect runs per input (default 11),
//! `TKEDIRECT_BENCH_KUBECTL_RUNS=N` the kubectl runs (default 5, 3 for 10,000 apps), and
//! `TKEDIRECT_BENCH_DIR=path` keeps the corpora there. On a shared machine the figures are noisy: compare
//! medians of one run, and instruction counts (`valgrind --tool=callgrind`) for small differences.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

/// One measured run of a process.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Duration,
    /// Peak resident set size in bytes.
    rss: u64,
}

/// Run a command to completion with stdout and stderr on /dev/null; wall time, and CPU time and peak RSS
/// from wait4's rusage of that child.
fn measure(cmd: &mut Command) -> Option<Sample> {
    let start = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = zeroed_rusage();
    let rc = wait4(pid, &mut status, &mut usage);
    let wall = start.elapsed();
    assert_eq!(rc, pid, "wait4 failed");
    std::mem::forget(child);
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    ok.then(|| Sample {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        rss: usage.ru_maxrss as u64 * 1024,
    })
}

#[allow(unsafe_code)]
fn zeroed_rusage() -> libc::rusage {
    // SAFETY: rusage is a plain C struct of integers; all-zero is a valid value.
    unsafe { std::mem::zeroed() }
}

#[allow(unsafe_code)]
fn wait4(pid: libc::pid_t, status: &mut i32, usage: &mut libc::rusage) -> libc::pid_t {
    // SAFETY: valid pointers to live locals; pid is our own child, not yet waited for.
    unsafe { libc::wait4(pid, status, 0, usage) }
}

/// Medians of wall and CPU time, and the largest peak RSS.
fn summarize(samples: &[Sample]) -> Sample {
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    Sample {
        wall: median(samples.iter().map(|s| s.wall).collect()),
        cpu: median(samples.iter().map(|s| s.cpu).collect()),
        rss: samples.iter().map(|s| s.rss).max().unwrap_or(0),
    }
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.parse().ok()
}

struct Input {
    label: String,
    path: PathBuf,
    recursive: bool,
    bytes: u64,
    docs: usize,
    kubectl_runs: usize,
}

/// N apps in one file.
fn stream(dir: &Path, n: usize) -> Input {
    let mut text = String::with_capacity(n * 3_600);
    for i in 0..n {
        corpus::enable_app(i, &mut text);
    }
    let path = dir.join(format!("corpus-{n}.yaml"));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write corpus");
    Input {
        label: format!("{n} apps, one file"),
        path,
        recursive: false,
        bytes: text.len() as u64,
        docs: n * 3,
        kubectl_runs: if n >= 10_000 { 3 } else { 5 },
    }
}

/// 1,000 apps as 3,000 one-object files in 1,000 directories (`-R`).
fn directory(dir: &Path) -> Input {
    let root = dir.join("corpus-dir");
    let _ = std::fs::remove_dir_all(&root);
    let mut bytes = 0;
    let mut docs = 0;
    for i in 0..1_000 {
        let mut text = String::new();
        corpus::enable_app(i, &mut text);
        let app = root.join(format!("app-{i:04}"));
        std::fs::create_dir_all(&app).expect("create a directory");
        for (j, doc) in text.split("---\n").filter(|d| !d.is_empty()).enumerate() {
            let name = ["deployment", "service", "ingress"][j];
            std::fs::write(app.join(format!("{name}.yaml")), doc).expect("write a file");
            bytes += doc.len() as u64;
            docs += 1;
        }
    }
    Input {
        label: format!("{docs} one-object files, -R"),
        path: root,
        recursive: true,
        bytes,
        docs,
        kubectl_runs: 5,
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3}s", d.as_secs_f64())
}

fn mb(bytes: u64) -> String {
    format!("{:.1}MB", bytes as f64 / 1e6)
}

/// The corpora, written by a child process (`TKEDIRECT_BENCH_GENERATE`): Linux keeps a process's peak
/// RSS across `exec`, so every child this process forks would otherwise start with this process's peak,
/// tens of megabytes of generated text, and report it as its own. One line per input:
/// `label<TAB>path<TAB>recursive<TAB>bytes<TAB>docs<TAB>kubectl runs`.
fn generate(dir: &Path, sizes: &[usize], with_dir: bool) -> Vec<Input> {
    let out = Command::new(std::env::current_exe().expect("this program"))
        .env("TKEDIRECT_BENCH_GENERATE", dir)
        .env(
            "TKEDIRECT_BENCH_SIZES",
            sizes
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
        .env("TKEDIRECT_BENCH_WITH_DIR", if with_dir { "1" } else { "0" })
        .stderr(Stdio::inherit())
        .output()
        .expect("run the corpus generator");
    assert!(out.status.success(), "the corpus generator failed");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Input {
                label: f[0].to_string(),
                path: PathBuf::from(f[1]),
                recursive: f[2] == "true",
                bytes: f[3].parse().expect("bytes"),
                docs: f[4].parse().expect("docs"),
                kubectl_runs: f[5].parse().expect("runs"),
            }
        })
        .collect()
}

fn generator_main(dir: &Path) {
    let sizes: Vec<usize> = std::env::var("TKEDIRECT_BENCH_SIZES")
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.parse().ok())
        .collect();
    let mut inputs: Vec<Input> = sizes.iter().map(|&n| stream(dir, n)).collect();
    if std::env::var("TKEDIRECT_BENCH_WITH_DIR").as_deref() == Ok("1") {
        inputs.push(directory(dir));
    }
    for i in inputs {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            i.label,
            i.path.display(),
            i.recursive,
            i.bytes,
            i.docs,
            i.kubectl_runs
        );
    }
}

fn main() {
    if let Some(dir) = std::env::var_os("TKEDIRECT_BENCH_GENERATE") {
        return generator_main(Path::new(&dir));
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let only_dir = args.iter().any(|a| a == "dir");
    let sizes = if sizes.is_empty() && !only_dir {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let with_dir = only_dir || args.is_empty();
    let runs = env_usize("TKEDIRECT_BENCH_RUNS").unwrap_or(11);
    let kubectl_runs = env_usize("TKEDIRECT_BENCH_KUBECTL_RUNS");
    let bin = env!("CARGO_BIN_EXE_tkedirect");
    let tmp = tempfile::tempdir().expect("temp dir");
    let keep = std::env::var_os("TKEDIRECT_BENCH_DIR").map(PathBuf::from);
    let dir = keep.as_deref().unwrap_or(tmp.path());
    std::fs::create_dir_all(dir).expect("the corpus directory");
    let kubectl = Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());

    let inputs = generate(dir, &sizes, with_dir);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "tkedirect enable --network-mode mixed -q -f INPUT  vs  kubectl annotate --local -o yaml -f INPUT \
         (whole processes, output to /dev/null; medians of {runs} tkedirect runs; {cores} cores; load average \
         {})",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "{:<26} {:>7} {:>8} | {:>8} {:>8} {:>9} {:>6} | {:>8} {:>8} {:>9} | {:>7} {:>7}",
        "input",
        "docs",
        "size",
        "wall",
        "CPU",
        "peak RSS",
        "RSS/in",
        "k. wall",
        "k. CPU",
        "k. RSS",
        "wall x",
        "CPU x"
    );
    for input in &inputs {
        let ours: Vec<Sample> = (0..runs)
            .map(|_| {
                let mut cmd = Command::new(bin);
                cmd.args(["enable", "--network-mode", "mixed", "-q", "-f"])
                    .arg(&input.path);
                if input.recursive {
                    cmd.arg("-R");
                }
                measure(&mut cmd)
                    .unwrap_or_else(|| panic!("tkedirect failed on {}", input.path.display()))
            })
            .collect();
        let ours = summarize(&ours);
        let theirs = kubectl.then(|| {
            let samples: Vec<Sample> = (0..kubectl_runs.unwrap_or(input.kubectl_runs))
                .filter_map(|_| {
                    let mut cmd = Command::new("kubectl");
                    cmd.args(["annotate", "--local", "-o", "yaml", "-f"])
                        .arg(&input.path);
                    if input.recursive {
                        cmd.arg("-R");
                    }
                    measure(cmd.arg("service.cloud.tencent.com/direct-access=true"))
                })
                .collect();
            (!samples.is_empty()).then(|| summarize(&samples))
        });
        let theirs = theirs.flatten();
        let ratio = |k: Duration, t: Duration| format!("{:.0}x", k.as_secs_f64() / t.as_secs_f64());
        println!(
            "{:<26} {:>7} {:>8} | {:>8} {:>8} {:>9} {:>6.2} | {:>8} {:>8} {:>9} | {:>7} {:>7}",
            input.label,
            input.docs,
            mb(input.bytes),
            secs(ours.wall),
            secs(ours.cpu),
            mb(ours.rss),
            ours.rss as f64 / input.bytes as f64,
            theirs.map_or("-".into(), |k| secs(k.wall)),
            theirs.map_or("-".into(), |k| secs(k.cpu)),
            theirs.map_or("-".into(), |k| mb(k.rss)),
            theirs.map_or("-".into(), |k| ratio(k.wall, ours.wall)),
            theirs.map_or("-".into(), |k| ratio(k.cpu, ours.cpu)),
        );
    }
    if !kubectl {
        println!("kubectl is not on PATH: its columns are empty");
    }
    println!(
        "targets (issue 12): 1,000 apps >= 50x kubectl in wall and CPU; 10,000 apps <= 0.30s wall, <= 0.40s CPU, \
         peak RSS <= 2x the input; the directory <= 0.06s wall"
    );
}
