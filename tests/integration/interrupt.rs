//! Interrupted writes: `tkedirect enable --write` over a large file set, killed with SIGKILL at random
//! moments. Every file must be either fully old or fully new, the only leftovers may be tkedirect's
//! `.tkedirect-*.tmp` temporary files, those are never read as manifests, and a rerun finishes the job.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::Rng;

use crate::support::tkedirect;

const FILES: usize = 100;
const RUNS: usize = 12;

/// One app per file: a commented LoadBalancer Service and a ConfigMap that makes the file ~15 KB.
fn app(i: usize) -> String {
    let data: String = (0..150)
        .map(|l| format!("    line {l} of app {i}: {}\n", "x".repeat(80)))
        .collect();
    format!(
        "# app {i}\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\n  labels: {{app: app-{i}}}\nspec:\n  type: LoadBalancer\n  selector: {{app: app-{i}}}\n  ports:\n  - port: 80 # http\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-{i}\ndata:\n  big.txt: |\n{data}"
    )
}

fn write_set(dir: &Path, files: &BTreeMap<String, String>) {
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn is_temp(name: &str) -> bool {
    name.starts_with(".tkedirect-") && name.ends_with(".tmp")
}

fn enable_write(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tkedirect"));
    cmd.args(["enable", "--write", "-q", "-f"])
        .arg(dir)
        .env_remove("TKEDIRECT_NETWORK_MODE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn sigkill_leaves_every_file_old_or_new() {
    let old: BTreeMap<String, String> = (0..FILES)
        .map(|i| (format!("app-{i:03}.yaml"), app(i)))
        .collect();

    // The new contents, from one uninterrupted run (which also tells how long a run takes).
    let reference = tempfile::tempdir().unwrap();
    write_set(reference.path(), &old);
    let start = Instant::now();
    let status = enable_write(reference.path()).status().unwrap();
    let full = start.elapsed();
    assert!(status.success());
    let new: BTreeMap<String, String> = old
        .keys()
        .map(|n| {
            (
                n.clone(),
                std::fs::read_to_string(reference.path().join(n)).unwrap(),
            )
        })
        .collect();
    assert!(old.iter().all(|(n, t)| &new[n] != t), "every file changes");

    let mut rng = rand::rng();
    let (mut torn_runs, mut leftovers) = (0, 0);
    let mut reruns = 0;
    for run in 0..RUNS {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), &old);
        let first = dir.path().join(old.keys().next().unwrap());
        let mut child = enable_write(dir.path()).spawn().unwrap();
        if run % 2 == 0 {
            // Anywhere in the run, planning included.
            std::thread::sleep(full.mul_f64(rng.random_range(0.0..1.2)));
        } else {
            // Once writing has started (the first file changed or a temporary file exists), a little later.
            let deadline = Instant::now() + full * 4;
            while Instant::now() < deadline
                && std::fs::read_to_string(&first).is_ok_and(|t| t == old[first_name(&old)])
                && !listing(dir.path()).iter().any(|n| is_temp(n))
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(full.mul_f64(rng.random_range(0.0..0.3)));
        }
        child.kill().ok(); // SIGKILL; an error means it had already exited
        child.wait().unwrap();

        let mut fresh = 0;
        for name in listing(dir.path()) {
            if is_temp(&name) {
                leftovers += 1;
                continue;
            }
            let text = std::fs::read_to_string(dir.path().join(&name))
                .unwrap_or_else(|e| panic!("run {run}: {name}: {e}"));
            let Some(before) = old.get(&name) else {
                panic!("run {run}: unexpected file {name}");
            };
            if text == new[&name] {
                fresh += 1;
            } else {
                assert!(
                    &text == before,
                    "run {run}: {name} is neither the old nor the new file ({} bytes)",
                    text.len()
                );
            }
        }
        if fresh > 0 && fresh < FILES {
            torn_runs += 1;
        }
        assert_eq!(
            listing(dir.path()).iter().filter(|n| !is_temp(n)).count(),
            FILES,
            "run {run}: a file disappeared"
        );

        // Leftover temporary files are not manifests: diff does not read them, and a rerun completes
        // (checked on the first few runs that left some, to keep the test short).
        let left = listing(dir.path()).iter().any(|n| is_temp(n));
        if !(left && reruns < 3 || run + 1 == RUNS) {
            continue;
        }
        reruns += 1;
        let out = tkedirect()
            .args(["diff", "-f"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(matches!(out.status.code(), Some(0 | 1)));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains(".tkedirect-"),
            "run {run}: diff read a temporary file"
        );
        assert!(enable_write(dir.path()).status().unwrap().success());
        for (name, text) in &new {
            assert_eq!(
                &std::fs::read_to_string(dir.path().join(name)).unwrap(),
                text
            );
        }
    }
    eprintln!(
        "interrupt: a full run takes {full:?}; {torn_runs} of {RUNS} kills landed between the first and the last \
         file written; {leftovers} temporary files left behind in total"
    );
}

fn first_name(old: &BTreeMap<String, String>) -> &str {
    old.keys().next().unwrap()
}
