//! TC3-HMAC-SHA256 request signing (Tencent Cloud API v3), as pure functions over plain inputs.
//!
//! The steps follow the official "Signature v3" description (domain notes §5.3): hash the payload, build the
//! canonical request, the string to sign over a UTC-date credential scope, derive the signing key from the
//! secret key through the date and the service, and sign. Nothing here reads a clock or the environment.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The algorithm name, as it appears in the string to sign and the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// Everything the signature covers, exactly as sent.
#[derive(Debug, Clone)]
pub struct SignInput<'a> {
    /// `POST` (the only method tkedirect uses).
    pub method: &'a str,
    /// The service name in the credential scope, e.g. `clb`.
    pub service: &'a str,
    /// Unix seconds, the value of `X-TC-Timestamp`.
    pub timestamp: i64,
    /// Signed headers as (name, value) pairs with the values exactly as sent; at least `content-type` and
    /// `host`. Names and values are lower-cased and trimmed for the canonical form, as the spec says.
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes.
    pub payload: &'a [u8],
}

/// The parts of a signature, kept apart so that tests can compare each step with a published vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub canonical_request: String,
    pub credential_scope: String,
    pub string_to_sign: String,
    pub signed_headers: String,
    pub signature: String,
}

/// `YYYY-MM-DD` of a Unix timestamp in UTC (local time would break requests around midnight).
pub fn utc_date(timestamp: i64) -> String {
    match jiff::Timestamp::from_second(timestamp) {
        Ok(ts) => ts.strftime("%Y-%m-%d").to_string(),
        // Out of jiff's range (year > 9999): no real request has such a timestamp; sign something stable.
        Err(_) => "1970-01-01".to_string(),
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Compute every step of the signature for `input` with `secret_key`.
pub fn sign(secret_key: &str, input: &SignInput<'_>) -> Signed {
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.trim().to_ascii_lowercase(),
                value.trim().to_ascii_lowercase(),
            )
        })
        .collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let signed_headers = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{}\n/\n\n{}\n{}\n{}",
        input.method,
        canonical_headers,
        signed_headers,
        sha256_hex(input.payload)
    );

    let date = utc_date(input.timestamp);
    let credential_scope = format!("{date}/{}/tc3_request", input.service);
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{credential_scope}\n{}",
        input.timestamp,
        sha256_hex(canonical_request.as_bytes())
    );

    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, input.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    let signature = hex::encode(hmac_sha256(&k_signing, string_to_sign.as_bytes()));

    Signed {
        canonical_request,
        credential_scope,
        string_to_sign,
        signed_headers,
        signature,
    }
}

/// The `Authorization` header value.
pub fn authorization(secret_id: &str, secret_key: &str, input: &SignInput<'_>) -> String {
    let s = sign(secret_key, input);
    format!(
        "{ALGORITHM} Credential={secret_id}/{}, SignedHeaders={}, Signature={}",
        s.credential_scope, s.signed_headers, s.signature
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
    const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    const TIMESTAMP: i64 = 1551113065;

    /// The published CVM example (official "Signature v3" page), byte for byte.
    const CVM_BODY: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn cvm_input<'a>(headers: &'a [(&'a str, &'a str)]) -> SignInput<'a> {
        SignInput {
            method: "POST",
            service: "cvm",
            timestamp: TIMESTAMP,
            headers,
            payload: CVM_BODY.as_bytes(),
        }
    }

    #[test]
    fn published_vector() {
        let headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Host", "cvm.tencentcloudapi.com"),
        ];
        let input = cvm_input(&headers);
        assert_eq!(
            sha256_hex(CVM_BODY.as_bytes()),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let s = sign(SECRET_KEY, &input);
        assert_eq!(
            s.canonical_request,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n\
             content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            sha256_hex(s.canonical_request.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(s.credential_scope, "2019-02-25/cvm/tc3_request");
        assert_eq!(
            s.string_to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            s.signature,
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(
            authorization(SECRET_ID, SECRET_KEY, &input),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn published_vector_with_the_masked_key_variant() {
        let headers = [
            ("content-type", "application/json; charset=utf-8"),
            ("host", "cvm.tencentcloudapi.com"),
        ];
        let s = sign("Gu5t9xGARNpq86cd98joQYCN3*******", &cvm_input(&headers));
        assert_eq!(
            s.signature,
            "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
        );
    }

    /// The CLB rows of domain notes §5.4 (self-computed): they guard the service name and host plumbing.
    #[test]
    fn clb_rows() {
        let body = br#"{"LoadBalancerId":"lb-12345678"}"#;
        assert_eq!(
            sha256_hex(body),
            "8ceba5324e3c15c568b05d931ce1459b4dd595873c6f727e7fa300d08c5b8fab"
        );
        type Row<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, &'a str);
        let rows: [Row; 3] = [
            (
                &[
                    ("content-type", "application/json"),
                    ("host", "clb.tencentcloudapi.com"),
                ],
                "content-type;host",
                "742a114d06f740c242b7856231362a57c038cb06bff6417b9b04aec5104ef3b9",
                "532763cfd9cc1c600fe533b58487d051f75defa840a8d182b3ceb40498a9c193",
            ),
            (
                &[
                    ("content-type", "application/json; charset=utf-8"),
                    ("host", "clb.tencentcloudapi.com"),
                ],
                "content-type;host",
                "a232dae0fbf97ad4803754935649b1fdd7ba72e86539ab8bdacc51f67f0d9a91",
                "c9b24175c36808450795762a408180473ceeeb05db5b050ff4f8b59ec476be36",
            ),
            (
                // Header order does not matter and the action value is lower-cased.
                &[
                    ("X-TC-Action", "DescribeTargets"),
                    ("content-type", "application/json; charset=utf-8"),
                    ("host", "clb.tencentcloudapi.com"),
                ],
                "content-type;host;x-tc-action",
                "edbabdc89fbc5984ca998bb8a4e319eb85c885ffad8db86c8cd1d704ca16dd46",
                "52d7e33cb46badd14c0248f92ccfcfde62e3525fa9c5b2929bf0b1a8d344771d",
            ),
        ];
        for (headers, signed_headers, canonical_hash, signature) in rows {
            let input = SignInput {
                method: "POST",
                service: "clb",
                timestamp: TIMESTAMP,
                headers,
                payload: body,
            };
            let s = sign(SECRET_KEY, &input);
            assert_eq!(s.signed_headers, signed_headers);
            assert_eq!(sha256_hex(s.canonical_request.as_bytes()), canonical_hash);
            assert_eq!(s.signature, signature);
            assert_eq!(s.credential_scope, "2019-02-25/clb/tc3_request");
        }
    }

    #[test]
    fn date_is_utc() {
        // 2019-02-25T23:59:59Z and one second later: the scope date flips at UTC midnight, not local midnight.
        assert_eq!(utc_date(1551139199), "2019-02-25");
        assert_eq!(utc_date(1551139200), "2019-02-26");
    }

    #[test]
    fn any_change_changes_the_signature() {
        let headers = [
            ("content-type", "application/json"),
            ("host", "clb.tencentcloudapi.com"),
        ];
        let base = SignInput {
            method: "POST",
            service: "clb",
            timestamp: TIMESTAMP,
            headers: &headers,
            payload: b"{}",
        };
        let reference = sign(SECRET_KEY, &base).signature;
        assert_ne!(sign("other", &base).signature, reference);
        assert_ne!(
            sign(
                SECRET_KEY,
                &SignInput {
                    timestamp: TIMESTAMP + 1,
                    ..base.clone()
                }
            )
            .signature,
            reference
        );
        assert_ne!(
            sign(
                SECRET_KEY,
                &SignInput {
                    payload: b"{ }",
                    ..base.clone()
                }
            )
            .signature,
            reference
        );
        assert_ne!(
            sign(
                SECRET_KEY,
                &SignInput {
                    service: "cvm",
                    ..base.clone()
                }
            )
            .signature,
            reference
        );
    }
}
