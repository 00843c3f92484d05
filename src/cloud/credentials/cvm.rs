//! The CVM instance role, from the metadata service, as the Go and Python SDKs read it:
//! `GET http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/` answers the role name
//! (404: no role bound), and `GET …/security-credentials/<role>` answers
//! `{"TmpSecretId", "TmpSecretKey", "Token", "ExpiredTime" (Unix seconds), "Expiration", "Code": "Success"}`.
//! The metadata service is link-local: it is never asked through a proxy.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;

use super::{CredentialSource, Credentials, CredentialsError, Secret};
use crate::cloud::endpoint::Endpoint;
use crate::cloud::net::{ExchangeError, HttpClient, Net, exchange};

pub const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";
/// Renew this long before `ExpiredTime` (the SDKs' margin: the API refuses a request whose timestamp is
/// more than 5 minutes off, and a signature made just before expiry must still be accepted).
pub const MARGIN_SECS: i64 = 300;
const MAX_ANSWER: usize = 64 << 10;

pub struct Cvm {
    endpoint: Endpoint,
    client: HttpClient,
    timeout: Duration,
    role: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredentials {
    #[serde(default)]
    tmp_secret_id: String,
    #[serde(default)]
    tmp_secret_key: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    expired_time: i64,
    #[serde(default)]
    code: Option<String>,
}

impl Cvm {
    /// `probing`: part of the automatic chain, where a machine outside Tencent Cloud must not wait long.
    pub fn new(endpoint: &Endpoint, net: &Net, probing: bool) -> Cvm {
        let (connect, total) = if probing {
            (Duration::from_secs(1), Duration::from_secs(3))
        } else {
            (Duration::from_secs(3), Duration::from_secs(10))
        };
        Cvm {
            endpoint: endpoint.clone(),
            client: net.direct(endpoint.https, connect),
            timeout: total,
            role: None,
        }
    }

    pub fn with_role(mut self, role: String) -> Cvm {
        self.role = Some(role);
        self
    }

    fn url(&self, rest: &str) -> String {
        format!(
            "{}://{}{ROLE_PATH}{rest}",
            if self.endpoint.https { "https" } else { "http" },
            self.endpoint.host_header()
        )
    }

    async fn get(&self, rest: &str) -> Result<(u16, Bytes), ExchangeError> {
        let request = http::Request::get(self.url(rest))
            .header(http::header::HOST, self.endpoint.host_header())
            .body(Full::new(Bytes::new()))
            .map_err(|e| ExchangeError::Other(e.to_string()))?;
        exchange(&self.client, request, self.timeout, MAX_ANSWER).await
    }

    /// The name of the role bound to this instance.
    pub async fn role(&self) -> Result<String, CredentialsError> {
        let shown = self.url("");
        let (status, body) = self.get("").await.map_err(|e| match e {
            ExchangeError::Connect(reason) => CredentialsError::MetadataUnreachable {
                endpoint: shown.clone(),
                reason,
            },
            ExchangeError::Timeout(_) => CredentialsError::MetadataUnreachable {
                endpoint: shown.clone(),
                reason: e.to_string(),
            },
            ExchangeError::Other(m) => CredentialsError::Metadata(format!("{shown}: {m}")),
        })?;
        match status {
            200 => {}
            404 => return Err(CredentialsError::NoCvmRole { endpoint: shown }),
            other => {
                return Err(CredentialsError::Metadata(format!(
                    "{shown} answered HTTP {other}"
                )));
            }
        }
        let text = String::from_utf8_lossy(&body);
        let role = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        if role.is_empty() {
            return Err(CredentialsError::NoCvmRole { endpoint: shown });
        }
        // Role names are made of letters, digits and `+=,.@_-`: anything else is not a role name.
        if !role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        {
            return Err(CredentialsError::Metadata(format!(
                "{shown} answered something that is not a role name"
            )));
        }
        Ok(role.to_string())
    }

    /// Fresh temporary credentials of the role.
    pub async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let role = match &self.role {
            Some(r) => r.clone(),
            None => self.role().await?,
        };
        let shown = self.url(&role);
        let (status, body) = self
            .get(&role)
            .await
            .map_err(|e| CredentialsError::Metadata(format!("{shown}: {e}")))?;
        if status == 404 {
            return Err(CredentialsError::NoCvmRole {
                endpoint: self.url(""),
            });
        }
        if status != 200 {
            return Err(CredentialsError::Metadata(format!(
                "{shown} answered HTTP {status}"
            )));
        }
        // serde_json's messages quote no input, only positions: safe with secrets in the body.
        let parsed: RoleCredentials = serde_json::from_slice(&body).map_err(|e| {
            CredentialsError::Metadata(format!("{shown}: not a credentials document: {e}"))
        })?;
        if let Some(code) = parsed.code.as_deref().filter(|c| *c != "Success") {
            return Err(CredentialsError::Metadata(format!(
                "{shown} answered Code `{code}`"
            )));
        }
        if parsed.tmp_secret_id.is_empty() || parsed.tmp_secret_key.is_empty() {
            return Err(CredentialsError::Metadata(format!(
                "{shown}: TmpSecretId or TmpSecretKey is missing"
            )));
        }
        Ok(Credentials {
            secret_id: parsed.tmp_secret_id,
            secret_key: Secret::new(parsed.tmp_secret_key),
            token: Some(parsed.token)
                .filter(|t| !t.is_empty())
                .map(Secret::new),
            source: CredentialSource::CvmRole {
                role,
                metadata: self.url(""),
            },
            expires_at: Some(parsed.expired_time).filter(|t| *t > 0),
        })
    }
}
