//! TKE pod identity (OIDC): the pod's projected service-account token traded for temporary credentials of
//! a CAM role, with STS `AssumeRoleWithWebIdentity` (version 2018-08-13), the way the Go SDK's
//! `DefaultTkeOIDCRoleArnProvider` and the Python SDK's `DefaultTkeOIDCRoleArnProvider` do it:
//!
//! - `POST https://sts.tencentcloudapi.com/` with the usual `X-TC-Action`, `X-TC-Version`, `X-TC-Region`
//!   (`TKE_REGION`) and `X-TC-Timestamp` headers and `Authorization: SKIP` — the call is not signed: the
//!   token is the proof;
//! - body `{"ProviderId", "WebIdentityToken", "RoleArn", "RoleSessionName", "DurationSeconds"}`;
//! - answer `Response.Credentials.{TmpSecretId, TmpSecretKey, Token}`, `Response.ExpiredTime` (Unix
//!   seconds), `Response.Expiration`.
//!
//! The token file is read again at every renewal: the kubelet rotates it.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use serde::{Deserialize, Serialize};

use super::{
    CredentialSource, Credentials, CredentialsError, Secret, TKE_PROVIDER_ID_VAR, TKE_REGION_VAR,
    TKE_ROLE_ARN_VAR, TKE_TOKEN_FILE_VAR, nonempty,
};
use crate::cloud::endpoint::Endpoint;
use crate::cloud::net::{HttpClient, Net, exchange};
use crate::cloud::tencent::decode;

pub const ACTION: &str = "AssumeRoleWithWebIdentity";
pub const VERSION: &str = "2018-08-13";
/// Lifetime asked for, as the SDKs do.
pub const DURATION_SECS: i64 = 7200;
/// Renew when a tenth of the lifetime is left (the Go SDK's rule).
pub const MARGIN_SECS: i64 = DURATION_SECS / 10;
const MAX_ANSWER: usize = 64 << 10;

/// What the pod's environment says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub role_arn: String,
    pub token_file: PathBuf,
    pub provider_id: String,
    pub region: String,
}

impl Settings {
    /// None when the pod has no pod identity (neither the role nor the token file is named); an error when
    /// it has part of it.
    pub fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Settings>, CredentialsError> {
        let role = nonempty(env, TKE_ROLE_ARN_VAR);
        let file = nonempty(env, TKE_TOKEN_FILE_VAR);
        let set = match (&role, &file) {
            (None, None) => return Ok(None),
            (Some(_), _) => TKE_ROLE_ARN_VAR,
            (None, Some(_)) => TKE_TOKEN_FILE_VAR,
        };
        let need = |var: &'static str, value: Option<String>| {
            value.ok_or(CredentialsError::OidcIncomplete {
                set: set.to_string(),
                missing: var,
            })
        };
        Ok(Some(Settings {
            role_arn: need(TKE_ROLE_ARN_VAR, role)?.trim().to_string(),
            token_file: PathBuf::from(need(TKE_TOKEN_FILE_VAR, file)?.trim()),
            provider_id: need(TKE_PROVIDER_ID_VAR, nonempty(env, TKE_PROVIDER_ID_VAR))?
                .trim()
                .to_string(),
            region: need(TKE_REGION_VAR, nonempty(env, TKE_REGION_VAR))?
                .trim()
                .to_string(),
        }))
    }
}

pub struct Oidc {
    settings: Settings,
    endpoint: Endpoint,
    client: HttpClient,
    timeout: Duration,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Request<'a> {
    provider_id: &'a str,
    web_identity_token: &'a str,
    role_arn: &'a str,
    role_session_name: &'a str,
    duration_seconds: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Response {
    credentials: StsCredentials,
    expired_time: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    tmp_secret_id: String,
    tmp_secret_key: String,
    #[serde(default)]
    token: String,
}

impl Oidc {
    pub fn new(
        settings: Settings,
        endpoint: &Endpoint,
        net: &Net,
    ) -> Result<Oidc, CredentialsError> {
        let connection = net
            .connect(endpoint)
            .map_err(|e| CredentialsError::Sts(e.to_string()))?;
        Ok(Oidc {
            settings,
            endpoint: endpoint.clone(),
            client: connection.client,
            timeout: Duration::from_secs(30),
        })
    }

    fn token(&self) -> Result<String, CredentialsError> {
        let path = self.settings.token_file.display().to_string();
        let text = std::fs::read_to_string(&self.settings.token_file).map_err(|source| {
            CredentialsError::TokenFile {
                path: path.clone(),
                source,
            }
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(CredentialsError::EmptyTokenFile { path });
        }
        Ok(token.to_string())
    }

    /// Fresh temporary credentials for the role.
    pub async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let token = self.token()?;
        let now = jiff::Timestamp::now();
        let session = format!("tkedirect-{}", now.as_microsecond());
        let body = serde_json::to_vec(&Request {
            provider_id: &self.settings.provider_id,
            web_identity_token: &token,
            role_arn: &self.settings.role_arn,
            role_session_name: &session,
            duration_seconds: DURATION_SECS,
        })
        .map_err(|e| CredentialsError::Sts(e.to_string()))?;
        let host = self.endpoint.host_header();
        let request = http::Request::post(self.endpoint.url())
            .header(http::header::HOST, &host)
            .header(http::header::CONTENT_TYPE, "application/json")
            .header("X-TC-Action", ACTION)
            .header("X-TC-Version", VERSION)
            .header("X-TC-Region", &self.settings.region)
            .header("X-TC-Timestamp", now.as_second().to_string())
            .header("X-TC-Language", "en-US")
            .header(
                "X-TC-RequestClient",
                concat!("tkedirect/", env!("CARGO_PKG_VERSION")),
            )
            .header(http::header::AUTHORIZATION, "SKIP")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| CredentialsError::Sts(e.to_string()))?;
        let scrub = |text: String| text.replace(&token, "***");
        let (status, answer) = exchange(&self.client, request, self.timeout, MAX_ANSWER)
            .await
            .map_err(|e| CredentialsError::Sts(scrub(format!("{}: {e}", self.endpoint))))?;
        let (parsed, _request_id): (Response, String) =
            decode(ACTION, &self.endpoint, status, &answer)
                .map_err(|e| CredentialsError::Sts(scrub(e.to_string())))?;
        if parsed.credentials.tmp_secret_id.is_empty()
            || parsed.credentials.tmp_secret_key.is_empty()
        {
            return Err(CredentialsError::Sts(
                "the answer has no TmpSecretId or TmpSecretKey".to_string(),
            ));
        }
        Ok(Credentials {
            secret_id: parsed.credentials.tmp_secret_id,
            secret_key: Secret::new(parsed.credentials.tmp_secret_key),
            token: Some(parsed.credentials.token)
                .filter(|t| !t.is_empty())
                .map(Secret::new),
            source: CredentialSource::Oidc {
                provider_id: self.settings.provider_id.clone(),
                role_arn: self.settings.role_arn.clone(),
                token_file: self.settings.token_file.clone(),
                sts: self.endpoint.to_string(),
            },
            expires_at: Some(parsed.expired_time).filter(|t| *t > 0),
        })
    }
}
