//! The APIG AK/SK request signature (SDK-HMAC-SHA256) that KooGallery's open API takes [KG §8].
//!
//! Byte for byte the algorithm of Huawei Cloud's SDK signer (`huaweicloudsdkcore.signer.Signer`):
//!
//! ```text
//! CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
//! StringToSign     = "SDK-HMAC-SHA256" \n X-Sdk-Date \n HexSHA256(CanonicalRequest)
//! Authorization    = SDK-HMAC-SHA256 Access=AK, SignedHeaders=h1;h2, Signature=hex(HMAC-SHA256(SK, StringToSign))
//! ```
//!
//! CanonicalURI: the path URL-decoded, each segment re-encoded (only `A-Za-z0-9_.-~` kept), ending in `/`.
//! CanonicalQuery: decoded pairs sorted by name then value, re-encoded, joined by `&`. CanonicalHeaders: every
//! signed header, lower-cased name, trimmed value, `name:value\n`. The body hash is `X-Sdk-Content-Sha256` when that
//! header is signed (e.g. `UNSIGNED-PAYLOAD`).

use chrono::{DateTime, NaiveDateTime, Utc};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::crypto::{ct_eq, hmac_sha256, sha256_hex};

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
pub const HEADER_DATE: &str = "X-Sdk-Date";
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// `yyyyMMdd'T'HHmmss'Z'`, UTC.
pub const DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";
/// How far X-Sdk-Date may be from the receiver's clock (APIG's window).
pub const MAX_SKEW_SECONDS: i64 = 15 * 60;

/// Python's `quote(s, safe='~')`: everything but `A-Za-z0-9_.-~` is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'_').remove(b'.').remove(b'-').remove(b'~');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The parts of an HTTP request that the signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path as sent (it may be percent-encoded).
    pub path: String,
    /// Query parameters, decoded.
    pub query: Vec<(String, String)>,
    /// Headers as sent (any case).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Splits a raw query string (`a=1&b=x%20y`) into decoded pairs.
    pub fn parse_query(raw: &str) -> Vec<(String, String)> {
        raw.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (decode(k), decode(v)),
                None => (decode(p), String::new()),
            })
            .collect()
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The query string in canonical order and encoding, as the SDK also sends it.
    pub fn canonical_query(&self) -> String {
        let mut pairs: Vec<&(String, String)> = self.query.iter().collect();
        pairs.sort();
        pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
    }

    fn canonical_uri(&self) -> String {
        let decoded = decode(&self.path);
        let mut uri = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    }

    fn body_hash(&self, signed_headers: &[String]) -> Result<String, ApigError> {
        match self.header(HEADER_CONTENT_SHA256) {
            Some(v) if signed_headers.iter().any(|h| h.eq_ignore_ascii_case(HEADER_CONTENT_SHA256)) => {
                Ok(v.to_string())
            }
            Some(_) => Err(ApigError::UnsignedContentHash),
            None => Ok(sha256_hex(&self.body)),
        }
    }

    /// The canonical request over `signed_headers` (lower-case, sorted).
    pub fn canonical_request(&self, signed_headers: &[String]) -> Result<String, ApigError> {
        let mut canonical_headers = String::new();
        for name in signed_headers {
            let value = self.header(name).ok_or_else(|| ApigError::MissingSignedHeader(name.clone()))?;
            canonical_headers.push_str(name);
            canonical_headers.push(':');
            canonical_headers.push_str(value.trim());
            canonical_headers.push('\n');
        }
        Ok(format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method.to_uppercase(),
            self.canonical_uri(),
            self.canonical_query(),
            canonical_headers,
            signed_headers.join(";"),
            self.body_hash(signed_headers)?
        ))
    }
}

/// Why an APIG signature was refused. Messages never include the secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApigError {
    #[error("no Authorization header")]
    NoAuthorization,
    #[error("the Authorization header is not `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`")]
    MalformedAuthorization,
    #[error("no X-Sdk-Date header")]
    NoDate,
    #[error("X-Sdk-Date `{0}` is not yyyyMMdd'T'HHmmss'Z'")]
    BadDate(String),
    #[error("X-Sdk-Date is {skew_seconds} s from the server's clock; at most 900 s is allowed")]
    Skewed { skew_seconds: i64 },
    #[error("signed header `{0}` is not in the request")]
    MissingSignedHeader(String),
    #[error("X-Sdk-Date must be among the signed headers")]
    DateNotSigned,
    #[error("X-Sdk-Content-Sha256 is present but not signed")]
    UnsignedContentHash,
    #[error("unknown access key `{0}`")]
    UnknownAccessKey(String),
    #[error("the signature does not match the request")]
    Mismatch,
}

/// The headers the SDK signs: every header without `_` in its name, lower-cased and sorted.
fn signed_header_names(req: &Request) -> Vec<String> {
    let mut names: Vec<String> =
        req.headers.iter().filter(|(k, _)| !k.contains('_')).map(|(k, _)| k.to_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

fn string_to_sign(canonical_request: &str, date: &str) -> String {
    format!("{ALGORITHM}\n{date}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// Signs a request as the SDK does: adds `X-Sdk-Date` (from `now`) when absent, `Host` when absent, then
/// `Authorization` over every header.
pub fn sign(
    req: &mut Request,
    access_key: &str,
    secret_key: &str,
    host: &str,
    now: DateTime<Utc>,
) -> Result<(), ApigError> {
    if req.header(HEADER_DATE).is_none() {
        req.headers.push((HEADER_DATE.to_string(), now.format(DATE_FORMAT).to_string()));
    }
    if req.header("host").is_none() {
        req.headers.push(("Host".to_string(), host.to_string()));
    }
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    let signed = signed_header_names(req);
    let date = req.header(HEADER_DATE).ok_or(ApigError::NoDate)?.trim().to_string();
    let canonical = req.canonical_request(&signed)?;
    let signature = hex::encode(hmac_sha256(secret_key.as_bytes(), &[string_to_sign(&canonical, &date).as_bytes()]));
    req.headers.push((
        "Authorization".to_string(),
        format!("{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={signature}", signed.join(";")),
    ));
    Ok(())
}

/// The fields of an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
pub fn parse_authorization(value: &str) -> Result<Authorization, ApigError> {
    let rest = value.trim().strip_prefix(ALGORITHM).ok_or(ApigError::MalformedAuthorization)?;
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or(ApigError::MalformedAuthorization)?;
        match k.trim() {
            "Access" => access = Some(v.trim().to_string()),
            "SignedHeaders" => signed = Some(v.trim().split(';').map(str::to_lowercase).collect::<Vec<_>>()),
            "Signature" => signature = Some(v.trim().to_string()),
            _ => return Err(ApigError::MalformedAuthorization),
        }
    }
    match (access, signed, signature) {
        (Some(access_key), Some(signed_headers), Some(signature)) if !access_key.is_empty() => {
            Ok(Authorization { access_key, signed_headers, signature })
        }
        _ => Err(ApigError::MalformedAuthorization),
    }
}

/// Verifies a signed request at `now`; `secret_for` finds the secret key of an access key. Returns the access key.
pub fn verify(
    req: &Request,
    now: DateTime<Utc>,
    secret_for: impl Fn(&str) -> Option<String>,
) -> Result<String, ApigError> {
    let auth = parse_authorization(req.header("authorization").ok_or(ApigError::NoAuthorization)?)?;
    let date = req.header(HEADER_DATE).ok_or(ApigError::NoDate)?.trim().to_string();
    if !auth.signed_headers.iter().any(|h| h.eq_ignore_ascii_case(HEADER_DATE)) {
        return Err(ApigError::DateNotSigned);
    }
    let signed_at =
        NaiveDateTime::parse_from_str(&date, DATE_FORMAT).map_err(|_| ApigError::BadDate(date.clone()))?.and_utc();
    let skew = (now - signed_at).num_seconds();
    if skew.abs() > MAX_SKEW_SECONDS {
        return Err(ApigError::Skewed { skew_seconds: skew });
    }
    let secret = secret_for(&auth.access_key).ok_or_else(|| ApigError::UnknownAccessKey(auth.access_key.clone()))?;
    let canonical = req.canonical_request(&auth.signed_headers)?;
    let expected = hmac_sha256(secret.as_bytes(), &[string_to_sign(&canonical, &date).as_bytes()]);
    let given = hex::decode(&auth.signature).map_err(|_| ApigError::Mismatch)?;
    if ct_eq(&given, &expected) {
        Ok(auth.access_key)
    } else {
        Err(ApigError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn order_query() -> Request {
        Request {
            method: "GET".into(),
            path: "/api/mkp-openapi-public/global/v1/order/query".into(),
            query: Request::parse_query("orderLineId=CS2211181819B4LVS-000001&orderId=CS2211181819B4LVS"),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Vec::new(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).single().expect("valid time")
    }

    #[test]
    fn sign_then_verify() {
        let mut req = order_query();
        sign(&mut req, "AKEXAMPLE", "SKEXAMPLE", "mkt.myhuaweicloud.com", now()).expect("signs");
        assert_eq!(req.header("X-Sdk-Date"), Some("20261129T080000Z"));
        let auth = parse_authorization(req.header("Authorization").expect("signed")).expect("parses");
        assert_eq!(auth.signed_headers, ["content-type", "host", "x-sdk-date"]);
        let secret = |ak: &str| (ak == "AKEXAMPLE").then(|| "SKEXAMPLE".to_string());
        assert_eq!(verify(&req, now(), secret), Ok("AKEXAMPLE".to_string()));
    }

    #[test]
    fn tampering_and_skew_are_refused() {
        let mut req = order_query();
        sign(&mut req, "AK", "SK", "mkt.myhuaweicloud.com", now()).expect("signs");
        let secret = |_: &str| Some("SK".to_string());
        let mut other = req.clone();
        other.query[0].1.push('X');
        assert_eq!(verify(&other, now(), secret), Err(ApigError::Mismatch));
        assert_eq!(verify(&req, now(), |_| Some("wrong".into())), Err(ApigError::Mismatch));
        let late = now() + chrono::Duration::minutes(16);
        assert!(matches!(verify(&req, late, secret), Err(ApigError::Skewed { .. })));
        assert!(matches!(verify(&req, now(), |_| None), Err(ApigError::UnknownAccessKey(_))));
    }

    #[test]
    fn canonical_form_matches_the_sdk() {
        let req = Request {
            method: "post".into(),
            path: "/v1/a b/c".into(),
            query: vec![("b".into(), "2".into()), ("a".into(), "x y/z".into()), ("a".into(), "1".into())],
            headers: vec![("X-Sdk-Date".into(), "20261129T080000Z".into()), ("Host".into(), " h.example ".into())],
            body: b"{}".to_vec(),
        };
        let canonical = req.canonical_request(&["host".into(), "x-sdk-date".into()]).expect("canonical");
        let expected =
            "POST\n/v1/a%20b/c/\na=1&a=x%20y%2Fz&b=2\nhost:h.example\nx-sdk-date:20261129T080000Z\n\nhost;x-sdk-date\n\
            44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        assert_eq!(canonical, expected);
    }
}
