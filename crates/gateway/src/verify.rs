//! Who may call: KooGallery's V2.0 URL signature, checked before anything else [KG §7].
//!
//! In order: `signature`, `timestamp` (Unix ms) and `nonce` are in the URL; the timestamp is within 60 s of this
//! server's clock either way; the signature matches (hex in either case, constant-time) over the raw body or over
//! the Java sample's canonical form of it ([`signature::v2_verify_either_form`] says why both). Only then is the
//! nonce claimed, in the database, so a replay is refused at every replica and unsigned junk cannot fill the cache.

use koodesk_protocol::replay::MAX_SKEW_MS;
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature::{self, BodyForm, SignatureError};
use percent_encoding::percent_decode_str;

/// Why a call was refused (all answered 000001).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the URL has no `{0}` parameter")]
    Missing(&'static str),
    #[error("`timestamp` is `{0}`, not Unix milliseconds")]
    BadTimestamp(String),
    #[error("`timestamp` is {0} ms from this server's clock; at most 60000 ms either way")]
    Skewed(i64),
    #[error("the signature does not verify: {0}")]
    Signature(SignatureError),
    #[error("nonce `{0}` was already used: a replayed request")]
    Replayed(String),
    #[error("`nonce` has control characters or more than 128 characters")]
    BadNonce,
}

impl Refusal {
    /// The reason as journaled and counted in `/metrics`.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::Missing(_) => "missing-parameter",
            Refusal::BadTimestamp(_) => "bad-timestamp",
            Refusal::Skewed(ms) if *ms > 0 => "stale-timestamp",
            Refusal::Skewed(_) => "future-timestamp",
            Refusal::Signature(SignatureError::Malformed { .. }) => "malformed-signature",
            Refusal::Signature(_) => "bad-signature",
            Refusal::Replayed(_) => "replayed-nonce",
            Refusal::BadNonce => "bad-nonce",
        }
    }
}

/// The signature parameters of a call that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub nonce: String,
    pub timestamp_ms: i64,
    pub form: BodyForm,
}

/// The signature parameters as sent, for the journal (present even when the call is refused).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub signature: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
}

impl Params {
    /// Reads `signature`, `timestamp` and `nonce` from a raw query string, percent-decoded.
    pub fn from_query(query: &str) -> Params {
        let mut p = Params::default();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode_str(v).decode_utf8_lossy().into_owned();
            let v = Some(v).filter(|v| !v.is_empty());
            match k {
                "signature" => p.signature = v,
                "timestamp" => p.timestamp = v,
                "nonce" => p.nonce = v,
                _ => {}
            }
        }
        p
    }
}

/// Checks everything but the nonce's novelty, which needs the shared database.
pub fn check(key: &Secret, p: &Params, body: &[u8], now_ms: i64) -> Result<Verified, Refusal> {
    let sig = p.signature.as_deref().ok_or(Refusal::Missing("signature"))?;
    let ts = p.timestamp.as_deref().ok_or(Refusal::Missing("timestamp"))?;
    let nonce = p.nonce.as_deref().ok_or(Refusal::Missing("nonce"))?;
    if nonce.chars().count() > 128 || nonce.chars().any(char::is_control) {
        return Err(Refusal::BadNonce);
    }
    let timestamp_ms: i64 = ts.trim().parse().map_err(|_| Refusal::BadTimestamp(ts.to_string()))?;
    let skew = now_ms.saturating_sub(timestamp_ms);
    if skew.abs() > MAX_SKEW_MS {
        return Err(Refusal::Skewed(skew));
    }
    let form = signature::v2_verify_either_form(key.expose(), nonce, ts, body, sig).map_err(Refusal::Signature)?;
    Ok(Verified { nonce: nonce.to_string(), timestamp_ms, form })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "gateway-test-key-0123456789abcdef";
    const NOW: i64 = 1_780_000_000_000;

    fn params(sig: &str, ts: i64, nonce: &str) -> Params {
        Params { signature: Some(sig.into()), timestamp: Some(ts.to_string()), nonce: Some(nonce.into()) }
    }

    #[test]
    fn raw_and_java_canonical_forms_both_verify_in_either_case() {
        let key = Secret::new(KEY);
        let body =
            br#"{ "orderLineId":"L-1", "activity":"newInstance", "testFlag":null, "orderId":"O-1", "businessId":"b" }"#;
        let ts = NOW.to_string();
        let raw = signature::v2_sign(KEY, "n1", &ts, body);
        assert_eq!(check(&key, &params(&raw, NOW, "n1"), body, NOW).map(|v| v.form), Ok(BodyForm::Raw));
        let lower = raw.to_lowercase();
        assert_eq!(check(&key, &params(&lower, NOW, "n1"), body, NOW).map(|v| v.form), Ok(BodyForm::Raw));
        let canonical = signature::java_canonical_body(body).expect("object");
        assert_eq!(
            String::from_utf8_lossy(&canonical),
            r#"{"activity":"newInstance","businessId":"b","orderId":"O-1","orderLineId":"L-1"}"#
        );
        let java = signature::v2_sign(KEY, "n2", &ts, &canonical);
        assert_eq!(check(&key, &params(&java, NOW, "n2"), body, NOW).map(|v| v.form), Ok(BodyForm::JavaCanonical));
    }

    #[test]
    fn every_refusal_names_its_reason() {
        let key = Secret::new(KEY);
        let body = b"{}";
        let sig = |ts: i64| signature::v2_sign(KEY, "n", &ts.to_string(), body);
        let cases = [
            (Params { signature: None, ..params("", NOW, "n") }, "missing-parameter"),
            (Params { timestamp: Some("soon".into()), ..params(&sig(NOW), NOW, "n") }, "bad-timestamp"),
            (params(&sig(NOW - 60_001), NOW - 60_001, "n"), "stale-timestamp"),
            (params(&sig(NOW + 60_001), NOW + 60_001, "n"), "future-timestamp"),
            (params("ABCD", NOW, "n"), "malformed-signature"),
            (params(&signature::v2_sign("other", "n", &NOW.to_string(), body), NOW, "n"), "bad-signature"),
        ];
        for (p, reason) in cases {
            let r = check(&key, &p, body, NOW).expect_err(reason);
            assert_eq!(r.reason(), reason, "{r}");
            assert!(!r.to_string().contains(KEY));
        }
        assert!(check(&key, &params(&sig(NOW - 60_000), NOW - 60_000, "n"), body, NOW).is_ok(), "60 s is allowed");
        let tampered = check(&key, &params(&sig(NOW), NOW, "n"), b"{\"a\":1}", NOW).expect_err("tampered");
        assert_eq!(tampered.reason(), "bad-signature");
    }

    #[test]
    fn query_parameters_are_decoded() {
        let p = Params::from_query("x=1&signature=AB%43&timestamp=17&nonce=&other");
        assert_eq!(p.signature.as_deref(), Some("ABC"));
        assert_eq!(p.timestamp.as_deref(), Some("17"));
        assert_eq!(p.nonce, None);
    }
}
