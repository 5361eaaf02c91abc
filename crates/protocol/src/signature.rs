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
