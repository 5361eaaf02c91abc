//! Request and reply signatures of the SaaS production interface [KG §7].
//!
//! - V2.0 (URL `signature`, `timestamp`, `nonce`): inner = lowercase hex HMAC-SHA256(accessKey, body);
//!   canonical = accessKey + nonce + timestamp + inner; signature = uppercase hex HMAC-SHA256(accessKey, canonical).
//! - x-sign (joint-operation sync endpoints): hex HMAC-SHA256(accessKey, accessKey + nonce + timestamp + body).
//! - Body-Sign (the merchant's reply): `sign_type="HMAC-SHA256", signature= "<base64 HMAC-SHA256(accessKey, body)>"`.
//! - V1.0 authToken (GET, deprecated): base64 HMAC-SHA256(accessKey + timeStamp, "k1=v1&k2=v2…") over every
//!   parameter but authToken, sorted by name, URL-decoded.
//!
//! Every `verify_*` compares in constant time. Timestamp windows and replayed nonces are checked by
//! [`crate::replay`], which calls these.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use percent_encoding::percent_decode_str;

use crate::crypto::{ct_eq, hmac_sha256};

/// Why a signature did not verify. Messages never include the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature does not match the request")]
    Mismatch,
    #[error("the signature is not {expected}")]
    Malformed { expected: &'static str },
    #[error("the Body-Sign header is malformed: expected sign_type=\"HMAC-SHA256\", signature=\"<base64>\"")]
    BodySignHeader,
    #[error("the request has no `{0}`")]
    Missing(&'static str),
    #[error("parameter `{0}` is not valid percent-encoded UTF-8")]
    Encoding(String),
}

/// The V2.0 signature of a request body: 64 uppercase hex characters [KG §7].
pub fn v2_sign(access_key: &str, nonce: &str, timestamp: &str, body: &[u8]) -> String {
    let key = access_key.as_bytes();
    let inner = hex::encode(hmac_sha256(key, &[body]));
    let canonical = hmac_sha256(key, &[key, nonce.as_bytes(), timestamp.as_bytes(), inner.as_bytes()]);
    hex::encode_upper(canonical)
}

/// Checks a V2.0 signature (hex, either case) in constant time.
pub fn v2_verify(
    access_key: &str,
    nonce: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    let key = access_key.as_bytes();
    let inner = hex::encode(hmac_sha256(key, &[body]));
    matches_hex32(signature, &hmac_sha256(key, &[key, nonce.as_bytes(), timestamp.as_bytes(), inner.as_bytes()]))
}

/// Which bytes a V2.0 signature was found to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyForm {
    /// The raw request body, as KooGallery's documented rule says [KG §7].
    Raw,
    /// The body as Huawei's own Java sample re-serialises it before hashing (see [`java_canonical_body`]).
    JavaCanonical,
}

/// The request body as Huawei's Java sample (`IsvProduceAPI.verifySignature`) hashes it: parsed into a `TreeMap`
/// (top-level keys sorted), null values dropped, serialised compactly by Jackson (no spaces, non-ASCII and `/`
/// not escaped). Nested objects keep their order (Jackson parses them into insertion-ordered maps), so they are
/// only stripped of insignificant whitespace. `None` when the body is not a JSON object.
///
/// Known difference from Jackson: inside nested values, string escapes are kept as sent, and a floating-point
/// number keeps its text (KooGallery's bodies are flat strings apart from `productInfo`).
pub fn java_canonical_body(body: &[u8]) -> Option<Vec<u8>> {
    use serde_json::value::RawValue;
    let top: std::collections::BTreeMap<String, Box<RawValue>> = serde_json::from_slice(body).ok()?;
    let mut out = Vec::with_capacity(body.len());
    out.push(b'{');
    let mut first = true;
    for (key, raw) in &top {
        let text = raw.get();
        if text == "null" {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(serde_json::to_string(key).ok()?.as_bytes());
        out.push(b':');
        if text.starts_with('{') || text.starts_with('[') {
            compact_json(text, &mut out);
        } else {
            // A scalar: re-serialised, so a string's escapes come out as Jackson writes them.
            let value: serde_json::Value = serde_json::from_str(text).ok()?;
            out.extend_from_slice(serde_json::to_string(&value).ok()?.as_bytes());
        }
    }
    out.push(b'}');
    Some(out)
}

/// Copies valid JSON text without the whitespace outside its strings.
fn compact_json(text: &str, out: &mut Vec<u8>) {
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.push(b);
        }
    }
}

/// Checks a V2.0 signature against the raw body and, failing that, against the Java sample's canonical form of
/// it [KG §7, REAL-DATA §4]. KooGallery documents the raw body, but Huawei's own sample verifies the re-serialised
/// one; a seller's server must accept KooGallery's real calls whichever one its signer follows. The two agree
/// whenever the body is already sorted and compact. Both comparisons are constant-time.
pub fn v2_verify_either_form(
    access_key: &str,
    nonce: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
) -> Result<BodyForm, SignatureError> {
    match v2_verify(access_key, nonce, timestamp, body, signature) {
        Ok(()) => Ok(BodyForm::Raw),
        Err(SignatureError::Mismatch) => match java_canonical_body(body) {
            Some(canonical) if canonical != body => {
                v2_verify(access_key, nonce, timestamp, &canonical, signature).map(|()| BodyForm::JavaCanonical)
            }
            _ => Err(SignatureError::Mismatch),
        },
        Err(e) => Err(e),
    }
}

/// The `x-sign` header of the joint-operation sync endpoints: lowercase hex [KG §7].
pub fn x_sign(access_key: &str, nonce: &str, timestamp: &str, body: &[u8]) -> String {
    let key = access_key.as_bytes();
    hex::encode(hmac_sha256(key, &[key, nonce.as_bytes(), timestamp.as_bytes(), body]))
}

/// Checks an `x-sign` header (hex, either case) in constant time.
pub fn x_sign_verify(
    access_key: &str,
    nonce: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    let key = access_key.as_bytes();
    matches_hex32(signature, &hmac_sha256(key, &[key, nonce.as_bytes(), timestamp.as_bytes(), body]))
}

/// The bare Body-Sign signature: base64 HMAC-SHA256(accessKey, the whole reply body) [KG §7].
pub fn body_signature(access_key: &str, body: &[u8]) -> String {
    BASE64.encode(hmac_sha256(access_key.as_bytes(), &[body]))
}

/// The whole `Body-Sign` header value, in the documented form (with its space after `signature=`).
pub fn body_sign_header(access_key: &str, body: &[u8]) -> String {
    format!("sign_type=\"HMAC-SHA256\", signature= \"{}\"", body_signature(access_key, body))
}

/// Extracts the base64 signature from a `Body-Sign` header value; tolerant of spacing, strict about the type.
pub fn parse_body_sign_header(header: &str) -> Result<String, SignatureError> {
    let mut sign_type = None;
    let mut signature = None;
    for part in header.split(',') {
        let (name, value) = part.split_once('=').ok_or(SignatureError::BodySignHeader)?;
        let value = value.trim();
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or(SignatureError::BodySignHeader)?;
        match name.trim() {
            "sign_type" => sign_type = Some(value.to_string()),
            "signature" => signature = Some(value.to_string()),
            _ => return Err(SignatureError::BodySignHeader),
        }
    }
    match (sign_type.as_deref(), signature) {
        (Some("HMAC-SHA256"), Some(sig)) => Ok(sig),
        _ => Err(SignatureError::BodySignHeader),
    }
}

/// Checks a `Body-Sign` header against a reply body, in constant time.
pub fn body_sign_verify(access_key: &str, body: &[u8], header: &str) -> Result<(), SignatureError> {
    let sig = parse_body_sign_header(header)?;
    let given = BASE64.decode(sig.as_bytes()).map_err(|_| SignatureError::Malformed { expected: "base64" })?;
    let expected = hmac_sha256(access_key.as_bytes(), &[body]);
    if ct_eq(&given, &expected) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The V1.0 string to sign: every parameter but `authToken`, URL-decoded, sorted by name, `k=v` joined by `&`.
/// Parameters are given as they arrive (still percent-encoded).
pub fn v1_canonical(params: &[(&str, &str)]) -> Result<String, SignatureError> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| SignatureError::Encoding(s.to_string()))
    };
    let mut pairs = Vec::with_capacity(params.len());
    for (k, v) in params {
        let name = decode(k)?;
        if name == "authToken" {
            continue;
        }
        pairs.push((name, decode(v)?));
    }
    pairs.sort();
    Ok(pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

/// The V1.0 `authToken` for a set of parameters, which must include `timeStamp` [KG §7].
pub fn v1_auth_token(access_key: &str, params: &[(&str, &str)]) -> Result<String, SignatureError> {
    let canonical = v1_canonical(params)?;
    let time_stamp =
        params.iter().find(|(k, _)| *k == "timeStamp").map(|(_, v)| *v).ok_or(SignatureError::Missing("timeStamp"))?;
    let key = format!("{access_key}{time_stamp}");
    Ok(BASE64.encode(hmac_sha256(key.as_bytes(), &[canonical.as_bytes()])))
}

/// Checks the `authToken` among the parameters, in constant time.
pub fn v1_verify(access_key: &str, params: &[(&str, &str)]) -> Result<(), SignatureError> {
    let given = params
        .iter()
        .find(|(k, _)| *k == "authToken")
        .map(|(_, v)| percent_decode_str(v).decode_utf8_lossy().into_owned())
        .ok_or(SignatureError::Missing("authToken"))?;
    let expected = v1_auth_token(access_key, params)?;
    if ct_eq(given.as_bytes(), expected.as_bytes()) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// Compares a hex signature (either case) with the expected MAC, in constant time.
fn matches_hex32(signature: &str, expected: &[u8; 32]) -> Result<(), SignatureError> {
    if ct_eq(&decode_hex32(signature)?, expected) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

fn decode_hex32(s: &str) -> Result<[u8; 32], SignatureError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s.trim(), &mut out)
        .map_err(|_| SignatureError::Malformed { expected: "64 hex characters" })?;
    Ok(out)
}

#[cfg(test)]
mod tests;
