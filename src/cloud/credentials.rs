//! Tencent Cloud API credentials: where they come from, and a type that never prints a secret.
//!
//! Order (first complete source wins; docs/credentials.md explains it for users):
//! 1. `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY`, with an optional session token from the first
//!    non-empty of `TENCENTCLOUD_TOKEN` (tccli), `TENCENTCLOUD_SECURITY_TOKEN` (Terraform),
//!    `TENCENTCLOUD_SESSION_TOKEN`;
//! 2. the SDK profile file: `$TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`, INI section
//!    `[default]`, keys `secret_id` and `secret_key`;
//! 3. the tccli profile `~/.tccli/<profile>.credential` (JSON `secretId`, `secretKey`, optional `token`), profile
//!    from `TCCLI_PROFILE` (default `default`).
//!
//! Secrets are never taken from the command line. Resolution is a function of an environment lookup, so
//! tests do not touch the process environment.

use std::fmt;
use std::path::{Path, PathBuf};

/// A secret string. `Debug` and `Display` print `***`; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for signing. Never format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Environment variables that may carry a session token, in order of precedence.
pub const TOKEN_VARS: [&str; 3] = [
    "TENCENTCLOUD_TOKEN",
    "TENCENTCLOUD_SECURITY_TOKEN",
    "TENCENTCLOUD_SESSION_TOKEN",
];
pub const SECRET_ID_VAR: &str = "TENCENTCLOUD_SECRET_ID";
pub const SECRET_KEY_VAR: &str = "TENCENTCLOUD_SECRET_KEY";
pub const CREDENTIALS_FILE_VAR: &str = "TENCENTCLOUD_CREDENTIALS_FILE";
pub const TCCLI_PROFILE_VAR: &str = "TCCLI_PROFILE";

/// Where a set of credentials came from (printed with -v; holds no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The environment; `token_var` names the variable the session token came from.
    Env { token_var: Option<&'static str> },
    /// An SDK-style INI profile file.
    ProfileFile(PathBuf),
    /// A tccli profile.
    Tccli { profile: String, path: PathBuf },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env { token_var: None } => {
                write!(f, "environment ({SECRET_ID_VAR}, {SECRET_KEY_VAR})")
            }
            Source::Env { token_var: Some(t) } => {
                write!(
                    f,
                    "environment ({SECRET_ID_VAR}, {SECRET_KEY_VAR}, session token from {t})"
                )
            }
            Source::ProfileFile(p) => write!(f, "profile file {} [default]", p.display()),
            Source::Tccli { profile, path } => {
                write!(f, "tccli profile `{profile}` ({})", path.display())
            }
        }
    }
}

/// A key pair, an optional session token and where they came from.
#[derive(Clone)]
pub struct Credentials {
    /// The SecretId is sent in every `Authorization` header; it identifies, it does not authenticate. It is
    /// still shown only masked.
    pub secret_id: String,
    pub secret_key: Secret,
    pub token: Option<Secret>,
    pub source: Source,
}

impl Credentials {
    /// The SecretId with all but its first and last four characters hidden.
    pub fn masked_id(&self) -> String {
        mask_id(&self.secret_id)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.masked_id())
            .field("secret_key", &self.secret_key)
            .field("token", &self.token)
            .field("source", &self.source)
            .finish()
    }
}

pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 12 {
        return "***".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}***{tail}")
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("{set} is set but {missing} is not: set both, or neither to use a profile file")]
    Incomplete {
        set: &'static str,
        missing: &'static str,
    },
    #[error("could not read {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} line {line}: {message}")]
    Ini {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: section [default] lacks `{key}`")]
    MissingKey { path: String, key: &'static str },
    #[error("{path} is not a tccli credential file: {message}")]
    Tccli { path: String, message: String },
    #[error(
        "tccli profile `{profile}` uses credentials of type `{kind}` without a stored key pair; run a tccli \
         command to refresh it, or export {SECRET_ID_VAR} and {SECRET_KEY_VAR}"
    )]
    TccliType { profile: String, kind: String },
    #[error(
        "no Tencent Cloud credentials: export {SECRET_ID_VAR} and {SECRET_KEY_VAR}, or create {searched} \
         (see docs/credentials.md)"
    )]
    NotFound { searched: String },
}

/// Find credentials. `env` looks up an environment variable; empty values count as unset.
pub fn resolve(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, CredentialsError> {
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());

    match (get(SECRET_ID_VAR), get(SECRET_KEY_VAR)) {
        (Some(id), Some(key)) => {
            let token = TOKEN_VARS
                .iter()
                .find_map(|var| get(var).map(|t| (*var, t)));
            return Ok(Credentials {
                secret_id: id.trim().to_string(),
                secret_key: Secret::new(key.trim()),
                source: Source::Env {
                    token_var: token.as_ref().map(|(var, _)| *var),
                },
                token: token.map(|(_, t)| Secret::new(t.trim())),
            });
        }
        (Some(_), None) => {
            return Err(CredentialsError::Incomplete {
                set: SECRET_ID_VAR,
                missing: SECRET_KEY_VAR,
            });
        }
        (None, Some(_)) => {
            return Err(CredentialsError::Incomplete {
                set: SECRET_KEY_VAR,
                missing: SECRET_ID_VAR,
            });
        }
        (None, None) => {}
    }

    let home = get("HOME")
        .or_else(|| get("USERPROFILE"))
        .map(PathBuf::from);
    let mut searched = Vec::new();

    // An explicitly named profile file must exist; the default one may not.
    if let Some(path) = get(CREDENTIALS_FILE_VAR) {
        return read_profile_file(Path::new(&path));
    }
    if let Some(home) = &home {
        let path = home.join(".tencentcloud").join("credentials");
        if path.is_file() {
            return read_profile_file(&path);
        }
        searched.push(path.display().to_string());
    }

    let profile = get(TCCLI_PROFILE_VAR).unwrap_or_else(|| "default".to_string());
    if let Some(home) = &home {
        let path = home.join(".tccli").join(format!("{profile}.credential"));
        if path.is_file() {
            return read_tccli(&path, &profile);
        }
        searched.push(path.display().to_string());
    }

    let searched = if searched.is_empty() {
        "a profile file (HOME is not set)".to_string()
    } else {
        searched.join(" or ")
    };
    Err(CredentialsError::NotFound { searched })
}

/// Read `[default]` `secret_id` / `secret_key` from an SDK-style INI file.
fn read_profile_file(path: &Path) -> Result<Credentials, CredentialsError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| CredentialsError::Read {
        path: shown.clone(),
        source,
    })?;
    let values = parse_ini_default(&text).map_err(|(line, message)| CredentialsError::Ini {
        path: shown.clone(),
        line,
        message,
    })?;
    let take = |key: &'static str| {
        values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
            .ok_or(CredentialsError::MissingKey {
                path: shown.clone(),
                key,
            })
    };
    Ok(Credentials {
        secret_id: take("secret_id")?,
        secret_key: Secret::new(take("secret_key")?),
        token: None,
        source: Source::ProfileFile(path.to_path_buf()),
    })
}

/// The key/value pairs of section `[default]`. Comments start with `#` or `;`. Errors carry a 1-based line
/// number and never the line itself (it may hold a secret).
fn parse_ini_default(text: &str) -> Result<Vec<(String, String)>, (usize, String)> {
    let mut section: Option<String> = None;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or((i + 1, "unterminated section header".to_string()))?;
            section = Some(name.trim().to_string());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or((i + 1, "expected `key = value`".to_string()))?;
        if section.as_deref() == Some("default") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            out.push((key.trim().to_ascii_lowercase(), value.to_string()));
        }
    }
    Ok(out)
}

#[derive(serde::Deserialize)]
struct TccliCredential {
    #[serde(default, rename = "secretId")]
    secret_id: Option<String>,
    #[serde(default, rename = "secretKey")]
    secret_key: Option<String>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

fn read_tccli(path: &Path, profile: &str) -> Result<Credentials, CredentialsError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| CredentialsError::Read {
        path: shown.clone(),
        source,
    })?;
    // serde_json's messages quote no input text, only positions and expectations.
    let parsed: TccliCredential =
        serde_json::from_str(&text).map_err(|e| CredentialsError::Tccli {
            path: shown.clone(),
            message: e.to_string(),
        })?;
    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    match (nonempty(parsed.secret_id), nonempty(parsed.secret_key)) {
        (Some(id), Some(key)) => Ok(Credentials {
            secret_id: id,
            secret_key: Secret::new(key),
            token: nonempty(parsed.token).map(Secret::new),
            source: Source::Tccli {
                profile: profile.to_string(),
                path: path.to_path_buf(),
            },
        }),
        _ => match nonempty(parsed.kind) {
            Some(kind) => Err(CredentialsError::TccliType {
                profile: profile.to_string(),
                kind,
            }),
            None => Err(CredentialsError::Tccli {
                path: shown,
                message: "`secretId` and `secretKey` are required".to_string(),
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn secret_never_formats() {
        let c = Credentials {
            secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE".into(),
            secret_key: Secret::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"),
            token: Some(Secret::new("tok-123456789")),
            source: Source::Env {
                token_var: Some("TENCENTCLOUD_TOKEN"),
            },
        };
        let debug = format!("{c:?} {} {}", c.secret_key, c.token.as_ref().unwrap());
        assert!(!debug.contains("Gu5t9x"), "{debug}");
        assert!(!debug.contains("tok-123"), "{debug}");
        assert!(
            !debug.contains("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"),
            "{debug}"
        );
        assert!(debug.contains("AKID***MPLE"), "{debug}");
        assert_eq!(c.secret_key.expose(), "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        assert_eq!(mask_id("short"), "***");
    }

    #[test]
    fn environment_first_with_token_precedence() {
        let c = resolve(&env_of(&[
            ("TENCENTCLOUD_SECRET_ID", "AKIDexample1234"),
            ("TENCENTCLOUD_SECRET_KEY", "key"),
            ("TENCENTCLOUD_SESSION_TOKEN", "session"),
            ("TENCENTCLOUD_SECURITY_TOKEN", "security"),
        ]))
        .unwrap();
        assert_eq!(c.secret_id, "AKIDexample1234");
        assert_eq!(c.token.unwrap().expose(), "security");
        assert_eq!(
            c.source,
            Source::Env {
                token_var: Some("TENCENTCLOUD_SECURITY_TOKEN")
            }
        );

        let c = resolve(&env_of(&[
            ("TENCENTCLOUD_SECRET_ID", "id"),
            ("TENCENTCLOUD_SECRET_KEY", "key"),
            ("TENCENTCLOUD_TOKEN", "tccli"),
            ("TENCENTCLOUD_SECURITY_TOKEN", "security"),
        ]))
        .unwrap();
        assert_eq!(c.token.unwrap().expose(), "tccli");

        let c = resolve(&env_of(&[
            ("TENCENTCLOUD_SECRET_ID", "id"),
            ("TENCENTCLOUD_SECRET_KEY", "key"),
            ("TENCENTCLOUD_TOKEN", ""),
        ]))
        .unwrap();
        assert!(c.token.is_none());
    }

    #[test]
    fn half_a_key_pair_is_an_error() {
        let err = resolve(&env_of(&[("TENCENTCLOUD_SECRET_ID", "id")])).unwrap_err();
        assert!(matches!(
            err,
            CredentialsError::Incomplete {
                missing: "TENCENTCLOUD_SECRET_KEY",
                ..
            }
        ));
    }

    #[test]
    fn profile_file_then_tccli() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().to_str().unwrap();

        // Nothing anywhere: the error names both places.
        let err = resolve(&env_of(&[("HOME", h)])).unwrap_err().to_string();
        assert!(
            err.contains(".tencentcloud/credentials") && err.contains(".tccli/default.credential"),
            "{err}"
        );

        // tccli profile chosen by TCCLI_PROFILE.
        std::fs::create_dir_all(home.path().join(".tccli")).unwrap();
        std::fs::write(
            home.path().join(".tccli/work.credential"),
            r#"{"secretId": "AKIDtccli", "secretKey": "tcclikey", "token": "tcclitoken"}"#,
        )
        .unwrap();
        let c = resolve(&env_of(&[("HOME", h), ("TCCLI_PROFILE", "work")])).unwrap();
        assert_eq!(
            (c.secret_id.as_str(), c.secret_key.expose()),
            ("AKIDtccli", "tcclikey")
        );
        assert_eq!(c.token.unwrap().expose(), "tcclitoken");
        assert!(matches!(c.source, Source::Tccli { ref profile, .. } if profile == "work"));

        // The SDK profile file wins over tccli.
        std::fs::create_dir_all(home.path().join(".tencentcloud")).unwrap();
        std::fs::write(
            home.path().join(".tencentcloud/credentials"),
            "# comment\n[other]\nsecret_id = nope\n\n[default]\nsecret_id = AKIDini\nsecret_key = \"inikey\"\n",
        )
        .unwrap();
        let c = resolve(&env_of(&[("HOME", h), ("TCCLI_PROFILE", "work")])).unwrap();
        assert_eq!(
            (c.secret_id.as_str(), c.secret_key.expose()),
            ("AKIDini", "inikey")
        );
        assert!(c.token.is_none());

        // TENCENTCLOUD_CREDENTIALS_FILE overrides the default path, and must exist.
        let other = home.path().join("creds.ini");
        std::fs::write(
            &other,
            "[default]\nsecret_id=AKIDother\nsecret_key=otherkey\n",
        )
        .unwrap();
        let c = resolve(&env_of(&[
            ("HOME", h),
            ("TENCENTCLOUD_CREDENTIALS_FILE", other.to_str().unwrap()),
        ]))
        .unwrap();
        assert_eq!(c.secret_id, "AKIDother");
        let err = resolve(&env_of(&[
            ("HOME", h),
            ("TENCENTCLOUD_CREDENTIALS_FILE", "/nonexistent/creds"),
        ]))
        .unwrap_err();
        assert!(matches!(err, CredentialsError::Read { .. }));

        // The environment wins over every file.
        let c = resolve(&env_of(&[
            ("HOME", h),
            ("TENCENTCLOUD_SECRET_ID", "AKIDenv"),
            ("TENCENTCLOUD_SECRET_KEY", "k"),
        ]))
        .unwrap();
        assert_eq!(c.secret_id, "AKIDenv");
    }

    #[test]
    fn bad_files_are_explained_without_their_content() {
        let dir = tempfile::tempdir().unwrap();
        let ini = dir.path().join("c.ini");
        std::fs::write(
            &ini,
            "[default]\nsecret_id = AKID\nthis line holds SECRETVALUE\n",
        )
        .unwrap();
        let err = resolve(&env_of(&[(
            "TENCENTCLOUD_CREDENTIALS_FILE",
            ini.to_str().unwrap(),
        )]))
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("line 3") && !text.contains("SECRETVALUE"),
            "{text}"
        );

        std::fs::write(&ini, "[default]\nsecret_id = AKID\n").unwrap();
        let err = resolve(&env_of(&[(
            "TENCENTCLOUD_CREDENTIALS_FILE",
            ini.to_str().unwrap(),
        )]))
        .unwrap_err();
        assert!(matches!(
            err,
            CredentialsError::MissingKey {
                key: "secret_key",
                ..
            }
        ));

        std::fs::create_dir_all(dir.path().join(".tccli")).unwrap();
        std::fs::write(
            dir.path().join(".tccli/default.credential"),
            r#"{"type": "cvm-role", "role": "r"}"#,
        )
        .unwrap();
        let err = resolve(&env_of(&[("HOME", dir.path().to_str().unwrap())])).unwrap_err();
        assert!(matches!(err, CredentialsError::TccliType { ref kind, .. } if kind == "cvm-role"));
    }
}
