//! Tencent Cloud API credentials: where they come from, how temporary ones are kept fresh, and a type that
//! never prints a secret.
//!
//! The chain (`--credentials-source auto`; the first source that has credentials wins; docs/credentials.md
//! explains it for users):
//! 1. `env`: `TENCENTCLOUD_SECRET_ID` + `TENCENTCLOUD_SECRET_KEY`, with an optional session token from the
//!    first non-empty of `TENCENTCLOUD_TOKEN` (tccli), `TENCENTCLOUD_SECURITY_TOKEN` (Terraform),
//!    `TENCENTCLOUD_SESSION_TOKEN`;
//! 2. `profile`: the SDK profile file: `$TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`,
//!    else `/etc/tencentcloud/credentials`, INI section `[default]`, keys `secret_id` and `secret_key`;
//! 3. `tccli`: the tccli profile `~/.tccli/<profile>.credential` (JSON `secretId`, `secretKey`, optional
//!    `token`), profile from `TCCLI_PROFILE` (default `default`);
//! 4. `oidc`: TKE pod identity: `TKE_ROLE_ARN`, `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_PROVIDER_ID`,
//!    `TKE_REGION` → STS `AssumeRoleWithWebIdentity` ([`oidc`]);
//! 5. `cvm-role`: the CVM instance role from the metadata service ([`cvm`]).
//!
//! Pod identity comes before the CVM role (the Python SDK asks the CVM first): it is set for the pod on
//! purpose, while the role belongs to the node, and asking the metadata service costs a round trip.
//! Secrets are never taken from the command line. Everything here is a function of an environment lookup,
//! so tests do not touch the process environment.

use std::fmt;
use std::path::{Path, PathBuf};

use super::endpoint::{Endpoint, EndpointError};
use super::net::Net;

mod cvm;
mod files;
mod oidc;
mod provider;

pub use provider::Provider;

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
/// The system-wide profile file the Python SDK also reads.
pub const SYSTEM_PROFILE_FILE: &str = "/etc/tencentcloud/credentials";
/// TKE pod identity, as TKE's webhook sets them in the pod.
pub const TKE_ROLE_ARN_VAR: &str = "TKE_ROLE_ARN";
pub const TKE_TOKEN_FILE_VAR: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
pub const TKE_PROVIDER_ID_VAR: &str = "TKE_PROVIDER_ID";
pub const TKE_REGION_VAR: &str = "TKE_REGION";
/// For tests only: a loopback `http://127.0.0.1:PORT` standing in for the metadata service or STS.
pub const TEST_METADATA_ENDPOINT_VAR: &str = "TKEDIRECT_TEST_METADATA_ENDPOINT";
pub const TEST_STS_ENDPOINT_VAR: &str = "TKEDIRECT_TEST_STS_ENDPOINT";

/// Where a set of credentials came from (printed with -v; holds no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// The environment; `token_var` names the variable the session token came from.
    Env { token_var: Option<&'static str> },
    /// An SDK-style INI profile file.
    ProfileFile(PathBuf),
    /// A tccli profile.
    Tccli { profile: String, path: PathBuf },
    /// TKE pod identity: STS `AssumeRoleWithWebIdentity` with the pod's OIDC token.
    Oidc {
        provider_id: String,
        role_arn: String,
        token_file: PathBuf,
        sts: String,
    },
    /// The CVM instance role, from the metadata service.
    CvmRole { role: String, metadata: String },
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Env { token_var: None } => {
                write!(f, "environment ({SECRET_ID_VAR}, {SECRET_KEY_VAR})")
            }
            CredentialSource::Env { token_var: Some(t) } => {
                write!(
                    f,
                    "environment ({SECRET_ID_VAR}, {SECRET_KEY_VAR}, session token from {t})"
                )
            }
            CredentialSource::ProfileFile(p) => write!(f, "profile file {} [default]", p.display()),
            CredentialSource::Tccli { profile, path } => {
                write!(f, "tccli profile `{profile}` ({})", path.display())
            }
            CredentialSource::Oidc {
                provider_id,
                role_arn,
                token_file,
                sts,
            } => write!(
                f,
                "TKE pod identity (role {}, OIDC provider `{provider_id}`, token from {}; STS {sts})",
                mask_account(role_arn),
                token_file.display()
            ),
            CredentialSource::CvmRole { role, metadata } => {
                write!(f, "CVM role `{role}` (instance metadata {metadata})")
            }
        }
    }
}

/// `qcs::cam::uin/100012345678:roleName/ci` → `qcs::cam::uin/***:roleName/ci`: CI logs are often public.
pub fn mask_account(arn: &str) -> String {
    match arn.split_once("uin/") {
        Some((head, rest)) => match rest.split_once(':') {
            Some((_, tail)) => format!("{head}uin/***:{tail}"),
            None => format!("{head}uin/***"),
        },
        None => arn.to_string(),
    }
}

/// A key pair, an optional session token, where they came from and, for temporary ones, when they expire.
#[derive(Clone)]
pub struct Credentials {
    /// The SecretId is sent in every `Authorization` header; it identifies, it does not authenticate. It is
    /// still shown only masked.
    pub secret_id: String,
    pub secret_key: Secret,
    pub token: Option<Secret>,
    pub source: CredentialSource,
    /// Unix seconds after which the service refuses them (temporary credentials only).
    pub expires_at: Option<i64>,
}

impl Credentials {
    /// The SecretId with all but its first and last four characters hidden.
    pub fn masked_id(&self) -> String {
        mask_id(&self.secret_id)
    }

    /// `SecretId AKID***cdef`, and the expiry of temporary credentials.
    pub fn summary(&self) -> String {
        match self
            .expires_at
            .and_then(|t| jiff::Timestamp::from_second(t).ok())
        {
            Some(t) => format!("SecretId {}, temporary, valid until {t}", self.masked_id()),
            None => format!("SecretId {}", self.masked_id()),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.masked_id())
            .field("secret_key", &self.secret_key)
            .field("token", &self.token)
            .field("source", &self.source)
            .field("expires_at", &self.expires_at)
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

/// Which source to use: `auto` walks the chain, the others pin one (`--credentials-source`,
/// `TKEDIRECT_CREDENTIALS_SOURCE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceChoice {
    Auto,
    Env,
    Profile,
    Tccli,
    Oidc,
    CvmRole,
}

impl SourceChoice {
    /// The accepted names, in chain order after `auto`.
    pub const NAMES: [&'static str; 6] = ["auto", "env", "profile", "tccli", "oidc", "cvm-role"];

    pub fn name(self) -> &'static str {
        match self {
            SourceChoice::Auto => "auto",
            SourceChoice::Env => "env",
            SourceChoice::Profile => "profile",
            SourceChoice::Tccli => "tccli",
            SourceChoice::Oidc => "oidc",
            SourceChoice::CvmRole => "cvm-role",
        }
    }
}

impl std::str::FromStr for SourceChoice {
    type Err = CredentialsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            SourceChoice::Auto,
            SourceChoice::Env,
            SourceChoice::Profile,
            SourceChoice::Tccli,
            SourceChoice::Oidc,
            SourceChoice::CvmRole,
        ]
        .into_iter()
        .find(|c| c.name() == s.trim())
        .ok_or_else(|| CredentialsError::UnknownSource(s.to_string()))
    }
}

/// Where the metadata service and STS are. Both can be replaced, for tests only and only by a loopback
/// address, through [`TEST_METADATA_ENDPOINT_VAR`] and [`TEST_STS_ENDPOINT_VAR`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub metadata: Endpoint,
    pub sts: Endpoint,
}

/// The CVM metadata service (plain http, link-local, never through a proxy).
pub const METADATA_HOST: &str = "metadata.tencentyun.com";
/// STS, the security token service (`AssumeRoleWithWebIdentity`, version 2018-08-13).
pub const STS_HOST: &str = "sts.tencentcloudapi.com";

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            metadata: Endpoint {
                https: false,
                host: METADATA_HOST.to_string(),
                port: None,
            },
            sts: Endpoint {
                https: true,
                host: STS_HOST.to_string(),
                port: None,
            },
        }
    }
}

impl Endpoints {
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Endpoints, CredentialsError> {
        let mut e = Endpoints::default();
        for (var, slot) in [
            (TEST_METADATA_ENDPOINT_VAR, &mut e.metadata),
            (TEST_STS_ENDPOINT_VAR, &mut e.sts),
        ] {
            if let Some(value) = env(var).filter(|v| !v.trim().is_empty()) {
                let parsed =
                    Endpoint::parse(&value).map_err(|error| CredentialsError::TestEndpoint {
                        var,
                        reason: error.to_string(),
                    })?;
                if !parsed.is_loopback() {
                    return Err(CredentialsError::TestEndpoint {
                        var,
                        reason: "only a loopback address (127.0.0.1, ::1, localhost) is accepted"
                            .to_string(),
                    });
                }
                *slot = parsed;
            }
        }
        Ok(e)
    }
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
        "no Tencent Cloud credentials: export {SECRET_ID_VAR} and {SECRET_KEY_VAR}, or create {searched}, or run \
         in a TKE pod with pod identity or on a CVM with a role ({cvm}); see docs/credentials.md"
    )]
    NotFound { searched: String, cvm: String },
    #[error("--credentials-source env: {SECRET_ID_VAR} and {SECRET_KEY_VAR} are not set")]
    NoEnv,
    #[error("--credentials-source {source_name}: none of {searched} exists")]
    NoFile {
        source_name: &'static str,
        searched: String,
    },
    #[error(
        "unknown credentials source `{0}`: expected one of auto, env, profile, tccli, oidc, cvm-role"
    )]
    UnknownSource(String),
    #[error("{var}: {reason} (it exists for tests)")]
    TestEndpoint { var: &'static str, reason: String },
    #[error(
        "TKE pod identity is set up only in part: {set} is set but {missing} is not (TKE's pod identity \
         webhook sets {TKE_ROLE_ARN_VAR}, {TKE_TOKEN_FILE_VAR}, {TKE_PROVIDER_ID_VAR} and {TKE_REGION_VAR})"
    )]
    OidcIncomplete { set: String, missing: &'static str },
    #[error(
        "--credentials-source oidc: {TKE_ROLE_ARN_VAR} and {TKE_TOKEN_FILE_VAR} are not set (not a TKE pod with pod identity?)"
    )]
    NoOidc,
    #[error("could not read the web identity token {TKE_TOKEN_FILE_VAR}={path}")]
    TokenFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the web identity token file {TKE_TOKEN_FILE_VAR}={path} is empty")]
    EmptyTokenFile { path: String },
    #[error("STS AssumeRoleWithWebIdentity failed: {0}")]
    Sts(String),
    #[error("CVM role: cannot reach the metadata service at {endpoint}: {reason}")]
    MetadataUnreachable { endpoint: String, reason: String },
    #[error(
        "CVM role: no role is bound to this instance (the metadata service at {endpoint} lists none)"
    )]
    NoCvmRole { endpoint: String },
    #[error("CVM role: {0}")]
    Metadata(String),
    #[error(
        "the temporary credentials from {source_name} expired and could not be renewed: {reason}"
    )]
    Expired { source_name: String, reason: String },
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
}

fn nonempty(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// Find credentials among the static sources (environment, profile file, tccli profile), in that order.
pub fn resolve(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, CredentialsError> {
    if let Some(c) = from_env_vars(env)? {
        return Ok(c);
    }
    let mut searched = Vec::new();
    if let Some(c) = from_profile_file(env, &mut searched)? {
        return Ok(c);
    }
    if let Some(c) = from_tccli(env, &mut searched)? {
        return Ok(c);
    }
    Err(CredentialsError::NotFound {
        searched: searched_text(&searched),
        cvm: "not asked".to_string(),
    })
}

fn searched_text(searched: &[String]) -> String {
    if searched.is_empty() {
        "a profile file (HOME is not set)".to_string()
    } else {
        searched.join(" or ")
    }
}

/// Credentials from the environment, if its key pair is set; half a pair is an error.
fn from_env_vars(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Credentials>, CredentialsError> {
    match (nonempty(env, SECRET_ID_VAR), nonempty(env, SECRET_KEY_VAR)) {
        (Some(id), Some(key)) => {
            let token = TOKEN_VARS
                .iter()
                .find_map(|var| nonempty(env, var).map(|t| (*var, t)));
            Ok(Some(Credentials {
                secret_id: id.trim().to_string(),
                secret_key: Secret::new(key.trim()),
                source: CredentialSource::Env {
                    token_var: token.as_ref().map(|(var, _)| *var),
                },
                token: token.map(|(_, t)| Secret::new(t.trim())),
                expires_at: None,
            }))
        }
        (Some(_), None) => Err(CredentialsError::Incomplete {
            set: SECRET_ID_VAR,
            missing: SECRET_KEY_VAR,
        }),
        (None, Some(_)) => Err(CredentialsError::Incomplete {
            set: SECRET_KEY_VAR,
            missing: SECRET_ID_VAR,
        }),
        (None, None) => Ok(None),
    }
}

fn home(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    nonempty(env, "HOME")
        .or_else(|| nonempty(env, "USERPROFILE"))
        .map(PathBuf::from)
}

/// The SDK profile file. An explicitly named one must exist; the default ones may not.
fn from_profile_file(
    env: &dyn Fn(&str) -> Option<String>,
    searched: &mut Vec<String>,
) -> Result<Option<Credentials>, CredentialsError> {
    if let Some(path) = nonempty(env, CREDENTIALS_FILE_VAR) {
        return files::read_profile_file(Path::new(&path)).map(Some);
    }
    let mut candidates: Vec<PathBuf> = home(env)
        .map(|h| h.join(".tencentcloud").join("credentials"))
        .into_iter()
        .collect();
    candidates.push(PathBuf::from(SYSTEM_PROFILE_FILE));
    for path in candidates {
        if path.is_file() {
            return files::read_profile_file(&path).map(Some);
        }
        searched.push(path.display().to_string());
    }
    Ok(None)
}

/// The tccli profile named by `TCCLI_PROFILE` (default `default`).
fn from_tccli(
    env: &dyn Fn(&str) -> Option<String>,
    searched: &mut Vec<String>,
) -> Result<Option<Credentials>, CredentialsError> {
    let profile = nonempty(env, TCCLI_PROFILE_VAR).unwrap_or_else(|| "default".to_string());
    let Some(home) = home(env) else {
        return Ok(None);
    };
    let path = home.join(".tccli").join(format!("{profile}.credential"));
    if path.is_file() {
        return files::read_tccli(&path, &profile).map(Some);
    }
    searched.push(path.display().to_string());
    Ok(None)
}

/// A [`Provider`] for `choice`: the first source of the chain that has credentials (`auto`), or the one
/// pinned. Temporary credentials (pod identity, CVM role) are fetched here, so a bad setup fails before any
/// other work, and renewed by the provider before they expire.
pub async fn provider(
    choice: SourceChoice,
    env: &dyn Fn(&str) -> Option<String>,
    net: &Net,
) -> Result<Provider, CredentialsError> {
    let endpoints = Endpoints::from_env(env)?;
    let mut searched = Vec::new();
    let auto = choice == SourceChoice::Auto;

    if auto || choice == SourceChoice::Env {
        match from_env_vars(env)? {
            Some(c) => return Ok(Provider::fixed(c)),
            None if !auto => return Err(CredentialsError::NoEnv),
            None => {}
        }
    }
    if auto || choice == SourceChoice::Profile {
        match from_profile_file(env, &mut searched)? {
            Some(c) => return Ok(Provider::fixed(c)),
            None if !auto => {
                return Err(CredentialsError::NoFile {
                    source_name: "profile",
                    searched: searched_text(&searched),
                });
            }
            None => {}
        }
    }
    if auto || choice == SourceChoice::Tccli {
        match from_tccli(env, &mut searched)? {
            Some(c) => return Ok(Provider::fixed(c)),
            None if !auto => {
                return Err(CredentialsError::NoFile {
                    source_name: "tccli",
                    searched: searched_text(&searched),
                });
            }
            None => {}
        }
    }
    if auto || choice == SourceChoice::Oidc {
        match oidc::Settings::from_env(env)? {
            Some(settings) => {
                let source = oidc::Oidc::new(settings, &endpoints.sts, net)?;
                return Provider::refreshing(provider::Refresh::Oidc(source)).await;
            }
            None if !auto => return Err(CredentialsError::NoOidc),
            None => {}
        }
    }
    // Last: asking the metadata service costs a round trip, and outside Tencent Cloud a timeout.
    let probe = cvm::Cvm::new(&endpoints.metadata, net, auto);
    match probe.role().await {
        Ok(role) => Provider::refreshing(provider::Refresh::Cvm(probe.with_role(role))).await,
        Err(e) if !auto => Err(e),
        Err(e @ CredentialsError::Metadata(_)) => Err(e),
        Err(e) => Err(CredentialsError::NotFound {
            searched: searched_text(&searched),
            cvm: match e {
                CredentialsError::NoCvmRole { .. } => "this CVM has no role bound".to_string(),
                CredentialsError::MetadataUnreachable { endpoint, .. } => {
                    format!("no CVM metadata service at {endpoint}")
                }
                other => other.to_string(),
            },
        }),
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
            source: CredentialSource::Env {
                token_var: Some("TENCENTCLOUD_TOKEN"),
            },
            expires_at: None,
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
            CredentialSource::Env {
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
        assert!(
            matches!(c.source, CredentialSource::Tccli { ref profile, .. } if profile == "work")
        );

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

    #[test]
    fn source_names_round_trip() {
        for name in SourceChoice::NAMES {
            assert_eq!(name.parse::<SourceChoice>().unwrap().name(), name);
        }
        assert!(matches!(
            "file".parse::<SourceChoice>(),
            Err(CredentialsError::UnknownSource(_))
        ));
    }

    #[test]
    fn test_endpoints_are_loopback_only() {
        let e = Endpoints::from_env(&env_of(&[])).unwrap();
        assert_eq!(e, Endpoints::default());
        assert_eq!(e.metadata.url(), "http://metadata.tencentyun.com/");
        assert_eq!(e.sts.url(), "https://sts.tencentcloudapi.com/");
        let e = Endpoints::from_env(&env_of(&[
            (TEST_METADATA_ENDPOINT_VAR, "http://127.0.0.1:8080"),
            (TEST_STS_ENDPOINT_VAR, "http://[::1]:9"),
        ]))
        .unwrap();
        assert_eq!(e.metadata.url(), "http://127.0.0.1:8080/");
        assert_eq!(e.sts.url(), "http://[::1]:9/");
        for (var, value) in [
            (TEST_METADATA_ENDPOINT_VAR, "http://169.254.0.23"),
            (
                TEST_STS_ENDPOINT_VAR,
                "https://sts.ap-guangzhou.tencentcloudapi.com",
            ),
            (TEST_STS_ENDPOINT_VAR, "http://sts.tencentcloudapi.com"),
            (TEST_METADATA_ENDPOINT_VAR, "http://127.0.0.1:1/latest"),
        ] {
            let err = Endpoints::from_env(&env_of(&[(var, value)])).unwrap_err();
            assert!(
                matches!(err, CredentialsError::TestEndpoint { var: v, .. } if v == var),
                "{value}: {err}"
            );
        }
    }

    #[test]
    fn pod_identity_needs_all_four_variables() {
        assert_eq!(
            oidc::Settings::from_env(&env_of(&[("TKE_REGION", "ap-guangzhou")])).unwrap(),
            None
        );
        let all = [
            ("TKE_ROLE_ARN", "qcs::cam::uin/100012345678:roleName/ci"),
            ("TKE_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/tke/token"),
            ("TKE_PROVIDER_ID", "cls-abc"),
            ("TKE_REGION", "ap-guangzhou"),
        ];
        let s = oidc::Settings::from_env(&env_of(&all)).unwrap().unwrap();
        assert_eq!(
            (s.provider_id.as_str(), s.region.as_str()),
            ("cls-abc", "ap-guangzhou")
        );
        for missing in 1..4 {
            let partial: Vec<_> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != missing)
                .map(|(_, p)| *p)
                .collect();
            let err = oidc::Settings::from_env(&env_of(&partial)).unwrap_err();
            assert!(
                matches!(err, CredentialsError::OidcIncomplete { missing: m, .. } if m == all[missing].0),
                "{err}"
            );
        }
    }

    #[test]
    fn sources_show_no_account_id_and_no_secret() {
        assert_eq!(
            mask_account("qcs::cam::uin/100012345678:roleName/ci"),
            "qcs::cam::uin/***:roleName/ci"
        );
        let s = CredentialSource::Oidc {
            provider_id: "cls-abc".into(),
            role_arn: "qcs::cam::uin/100012345678:roleName/ci".into(),
            token_file: "/var/run/secrets/tke/token".into(),
            sts: "https://sts.tencentcloudapi.com/".into(),
        }
        .to_string();
        assert!(
            !s.contains("100012345678") && s.contains("roleName/ci"),
            "{s}"
        );
        let c = Credentials {
            secret_id: "AKIDtemporary0123456789".into(),
            secret_key: Secret::new("key"),
            token: None,
            source: CredentialSource::CvmRole {
                role: "ci".into(),
                metadata:
                    "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/"
                        .into(),
            },
            expires_at: Some(1_800_000_000),
        };
        assert_eq!(
            c.summary(),
            "SecretId AKID***6789, temporary, valid until 2027-01-15T08:00:00Z"
        );
    }
}
