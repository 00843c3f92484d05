//! The Helm 4 post-renderer plugin (`helm-plugin/tkedirect/`). Helm is not installed here, so this checks
//! what Helm 4 checks when it loads the plugin, and runs the command the way Helm 4 would:
//!
//! - `plugin.yaml` decodes with Helm's `MetadataV1` fields and nothing else (Helm decodes with
//!   `KnownFields(true)`): `apiVersion: v1`, `type: postrenderer/v1`, `runtime: subprocess`, a valid name,
//!   a strict SemVer version (kept equal to the crate's), and one platform command without OS or
//!   architecture selector (Helm splits `command` on spaces, so it must be a single word);
//! - that command, found on `PATH` with Helm's variables (`HELM_PLUGIN_NAME`, `HELM_PLUGIN_DIR`) and with
//!   `--post-renderer-args` appended, turns a rendered multi-document stream into the expected one.
//!
//! Helm's rules are from helm/helm `internal/plugin/` (`metadata_v1.go`, `loader.go`,
//! `subprocess_commands.go`, `runtime_subprocess.go`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("helm-plugin/tkedirect")
}

fn plugin_yaml() -> String {
    std::fs::read_to_string(plugin_dir().join("plugin.yaml")).unwrap()
}

/// Helm 4's `MetadataV1`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MetadataV1 {
    api_version: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    runtime: String,
    version: String,
    #[serde(rename = "sourceURL")]
    source_url: Option<String>,
    config: Option<BTreeMap<String, serde_json::Value>>,
    runtime_config: RuntimeConfigSubprocess,
}

/// Helm 4's `RuntimeConfigSubprocess`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RuntimeConfigSubprocess {
    platform_command: Vec<PlatformCommand>,
    #[serde(default)]
    platform_hooks: BTreeMap<String, Vec<PlatformCommand>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlatformCommand {
    #[serde(default)]
    os: String,
    #[serde(default)]
    arch: String,
    command: String,
    #[serde(default)]
    args: Vec<String>,
}

fn metadata() -> MetadataV1 {
    serde_saphyr::from_str(&plugin_yaml()).expect("plugin.yaml decodes as Helm's MetadataV1")
}

/// Go's names for this platform.
fn go_os_arch() -> (&'static str, &'static str) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    (std::env::consts::OS, arch)
}

/// Helm's getPlatformCommand: an exact OS+arch match, else an OS match without arch, else the first
/// entry with neither.
fn platform_command(cmds: &[PlatformCommand]) -> Option<(Vec<String>, Vec<String>)> {
    let (os, arch) = go_os_arch();
    let mut found: Option<(Vec<String>, Vec<String>)> = None;
    let mut found_os = false;
    for c in cmds {
        let split = || c.command.split(' ').map(str::to_string).collect::<Vec<_>>();
        if c.os.eq_ignore_ascii_case(os) && c.arch.eq_ignore_ascii_case(arch) {
            return Some((split(), c.args.clone()));
        }
        if (!c.os.is_empty() && !c.os.eq_ignore_ascii_case(os)) || !c.arch.is_empty() {
            continue;
        }
        if !found_os && !c.os.is_empty() {
            found = Some((split(), c.args.clone()));
            found_os = true;
        } else if found.is_none() {
            found = Some((split(), c.args.clone()));
        }
    }
    found
}

/// Go's os.Expand over `env`: `$NAME` and `${NAME}`.
fn expand(s: &str, env: &BTreeMap<&str, String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}').unwrap_or(inner.len());
            (&inner[..end], end + 2)
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        out.push_str(env.get(name).map(String::as_str).unwrap_or(""));
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

#[test]
fn plugin_yaml_is_what_helm_4_loads_as_a_post_renderer() {
    let m = metadata();
    assert_eq!(m.api_version, "v1");
    assert_eq!(m.kind, "postrenderer/v1");
    assert_eq!(m.runtime, "subprocess");
    assert_eq!(m.name, "tkedirect");
    // Helm's name rule (and the stricter kebab-case rule of later releases).
    assert!(
        m.name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && m.name.len() >= 3
            && !m.name.starts_with('-')
            && !m.name.ends_with('-')
    );
    // Strict SemVer (Masterminds StrictNewVersion): MAJOR.MINOR.PATCH, no `v`; and the crate's version.
    let parts: Vec<&str> = m.version.split('.').collect();
    assert!(
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())),
        "{}",
        m.version
    );
    assert_eq!(
        m.version,
        env!("CARGO_PKG_VERSION"),
        "bump the plugin with the crate"
    );
    assert!(m.source_url.is_some_and(|u| u.starts_with("https://")));
    assert!(
        m.config.unwrap_or_default().is_empty(),
        "postrenderer/v1 has no config fields"
    );
    assert!(m.runtime_config.platform_hooks.is_empty());

    let rc = &m.runtime_config.platform_command;
    assert_eq!(rc.len(), 1, "one command, for every platform");
    assert!(rc[0].os.is_empty() && rc[0].arch.is_empty());
    assert_eq!(
        rc[0].command, "tkedirect-render",
        "a single word found on PATH"
    );
    assert!(rc[0].args.is_empty());
    assert_eq!(
        platform_command(rc),
        Some((vec!["tkedirect-render".to_string()], vec![]))
    );
}

#[test]
fn unknown_fields_would_be_refused_as_helm_refuses_them() {
    // The strict decoding above is what makes the previous test meaningful: show that it bites.
    let bad = plugin_yaml().replace("runtime: subprocess", "runtime: subprocess\nusage: x");
    assert!(serde_saphyr::from_str::<MetadataV1>(&bad).is_err());
    let bad = plugin_yaml().replace("- command: tkedirect-render", "- cmd: tkedirect-render");
    assert!(serde_saphyr::from_str::<MetadataV1>(&bad).is_err());
}

/// Run the plugin as Helm 4's subprocess runtime does: the platform command with `${VAR}` expanded, the
/// plugin's args then `extra` (`--post-renderer-args`), found on PATH, manifests on stdin.
fn run_as_helm(extra: &[&str], stdin: &str, env: &[(&str, &str)]) -> std::process::Output {
    let m = metadata();
    let bin = assert_cmd::cargo::cargo_bin("tkedirect-render");
    let bin_dir = bin.parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let mut vars: BTreeMap<&str, String> = BTreeMap::new();
    vars.insert("HELM_PLUGIN_NAME", m.name.clone());
    vars.insert("HELM_PLUGIN_DIR", plugin_dir().display().to_string());
    let (parts, args) = platform_command(&m.runtime_config.platform_command).unwrap();
    let main = expand(&parts[0], &vars);
    let mut argv: Vec<String> = parts[1..].iter().map(|a| expand(a, &vars)).collect();
    argv.extend(args.iter().map(|a| expand(a, &vars)));
    argv.extend(extra.iter().map(|s| s.to_string()));

    let mut cmd = Command::new(&main);
    cmd.args(&argv)
        .env_clear()
        .env("PATH", path)
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the plugin command is found on PATH");
    // Like Helm, feed stdin from another thread and ignore a closed pipe (a command that fails early).
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_string();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = input.write_all(data.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn rendered() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/web-chart.yaml"),
    )
    .unwrap()
}

#[test]
fn the_plugin_command_post_renders_a_helm_stream() {
    let input = rendered();
    let docs_in = input.matches("\n---").count();

    // `helm install --post-renderer tkedirect --post-renderer-args=--network-mode=mixed`
    let out = run_as_helm(&["--network-mode=mixed"], &input, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        output.matches("\n---").count(),
        docs_in,
        "every document kept"
    );
    assert!(output.contains("service.cloud.tencent.com/direct-access: \"true\""));
    assert!(output.contains("tke.cloud.tencent.com/networks: tke-route-eni"));
    assert_eq!(
        output.matches("# Source:").count(),
        input.matches("# Source:").count()
    );

    // The same as running tkedirect-render directly with those arguments: the plugin adds nothing.
    let direct = assert_cmd::Command::cargo_bin("tkedirect-render")
        .unwrap()
        .env_clear()
        .arg("--network-mode=mixed")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(direct.stdout).unwrap(), output);

    // Settings from the environment Helm passes on; no arguments.
    let out = run_as_helm(&[], &input, &[("TKEDIRECT_NETWORK_MODE", "mixed")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), output);

    // A bad setting: exit 2, nothing on stdout (Helm then installs nothing), the reason on stderr.
    let out = run_as_helm(&["--network-mode=nope"], &input, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

#[test]
fn docs_show_the_plugin_file_as_it_is() {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/helm.md"))
        .unwrap();
    let yaml: String = plugin_yaml()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        docs.contains(&format!("```yaml\n{yaml}```")),
        "docs/helm.md should quote helm-plugin/tkedirect/plugin.yaml (without its comments):\n{yaml}"
    );
    assert!(docs.contains("helm plugin install ./helm-plugin/tkedirect"));
}
