//! Key pairs kept in files: the SDKs' INI profile file and tccli's JSON profiles.

use std::path::Path;

use super::{CredentialSource, Credentials, CredentialsError, Secret};

/// Read `[default]` `secret_id` / `secret_key` from an SDK-style INI file.
pub(super) fn read_profile_file(path: &Path) -> Result<Credentials, CredentialsError> {
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
        source: CredentialSource::ProfileFile(path.to_path_buf()),
        expires_at: None,
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

pub(super) fn read_tccli(path: &Path, profile: &str) -> Result<Credentials, CredentialsError> {
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
            source: CredentialSource::Tccli {
                profile: profile.to_string(),
                path: path.to_path_buf(),
            },
            expires_at: None,
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
