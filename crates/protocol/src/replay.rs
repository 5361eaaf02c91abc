//! Verifying KooGallery's signed calls: signature, a ±60 s timestamp window and a bounded nonce cache [KG §7].
//!
//! Order of checks: the parameters are present; the timestamp is within 60 s of now; the signature matches
//! (constant time); only then is the nonce recorded, so that unsigned junk cannot fill the cache. A nonce is
//! remembered until its timestamp leaves the window (timestamp + 60 s). The cache holds at most `capacity`
//! nonces; when full of live nonces it refuses new requests (fail closed) rather than forget one.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use crate::result_code::ResultCode;
use crate::secret::Secret;
use crate::signature::{self, SignatureError};

/// How far `timestamp` may be from the receiver's clock, in milliseconds.
pub const MAX_SKEW_MS: i64 = 60_000;
/// Default number of nonces remembered.
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// Why a call was refused. All of them answer 000001 (authentication failed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the request has no `{0}` parameter")]
    Missing(&'static str),
    #[error("`timestamp` is `{0}`, not Unix milliseconds")]
    BadTimestamp(String),
    #[error("`timestamp` is {skew_ms} ms from the server's clock; at most 60000 ms is allowed")]
    Skewed { skew_ms: i64 },
    #[error("nonce `{0}` was already used: a replayed request")]
    Replayed(String),
    #[error("too many requests in the last minute to remember their nonces; try again")]
    CacheFull,
    #[error(transparent)]
    Signature(#[from] SignatureError),
}

impl AuthError {
    pub fn result_code(&self) -> ResultCode {
        ResultCode::AuthFailed
    }
}

/// Nonces seen recently.
#[derive(Debug)]
pub struct NonceCache {
    seen: HashSet<String>,
    order: VecDeque<(i64, String)>,
    capacity: usize,
}

impl NonceCache {
    pub fn new(capacity: usize) -> NonceCache {
        NonceCache { seen: HashSet::new(), order: VecDeque::new(), capacity: capacity.max(1) }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    fn expire(&mut self, now_ms: i64) {
        while self.order.front().is_some_and(|(expires, _)| *expires < now_ms) {
            if let Some((_, nonce)) = self.order.pop_front() {
                self.seen.remove(&nonce);
            }
        }
    }

    /// Records `nonce` until `expires_ms`; refuses one already seen.
    pub fn insert(&mut self, nonce: &str, expires_ms: i64, now_ms: i64) -> Result<(), AuthError> {
        self.expire(now_ms);
        if self.seen.contains(nonce) {
            return Err(AuthError::Replayed(nonce.to_string()));
        }
        if self.seen.len() >= self.capacity {
            return Err(AuthError::CacheFull);
        }
        self.seen.insert(nonce.to_string());
        self.order.push_back((expires_ms, nonce.to_string()));
        Ok(())
    }
}

/// Which signature scheme a call carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// URL `signature`, `timestamp`, `nonce`.
    V2,
    /// Headers `x-sign`, `x-timestamp`, `x-nonce`.
    XSign,
}

/// The signature parameters of one call, as received.
#[derive(Debug, Clone, Copy)]
pub struct SignedCall<'a> {
    pub signature: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub body: &'a [u8],
}

/// Verifies calls signed with one access key.
#[derive(Debug)]
pub struct Verifier {
    access_key: Secret,
    nonces: Mutex<NonceCache>,
}

impl Verifier {
    pub fn new(access_key: Secret) -> Verifier {
        Verifier::with_capacity(access_key, DEFAULT_CAPACITY)
    }

    pub fn with_capacity(access_key: Secret, capacity: usize) -> Verifier {
        Verifier { access_key, nonces: Mutex::new(NonceCache::new(capacity)) }
    }

    /// Verifies a call at `now_ms` (Unix milliseconds).
    pub fn verify(&self, scheme: Scheme, call: SignedCall<'_>, now_ms: i64) -> Result<(), AuthError> {
        let (sig_name, ts_name, nonce_name) = match scheme {
            Scheme::V2 => ("signature", "timestamp", "nonce"),
            Scheme::XSign => ("x-sign", "x-timestamp", "x-nonce"),
        };
        let signature = call.signature.filter(|s| !s.is_empty()).ok_or(AuthError::Missing(sig_name))?;
        let timestamp = call.timestamp.filter(|s| !s.is_empty()).ok_or(AuthError::Missing(ts_name))?;
        let nonce = call.nonce.filter(|s| !s.is_empty()).ok_or(AuthError::Missing(nonce_name))?;
        let ts: i64 = timestamp.trim().parse().map_err(|_| AuthError::BadTimestamp(timestamp.to_string()))?;
        let skew = now_ms - ts;
        if skew.abs() > MAX_SKEW_MS {
            return Err(AuthError::Skewed { skew_ms: skew });
        }
        let key = self.access_key.expose();
        match scheme {
            Scheme::V2 => signature::v2_verify(key, nonce, timestamp, call.body, signature)?,
            Scheme::XSign => signature::x_sign_verify(key, nonce, timestamp, call.body, signature)?,
        }
        let mut cache = self.nonces.lock().map_err(|_| AuthError::CacheFull)?;
        cache.insert(nonce, ts + MAX_SKEW_MS, now_ms)
    }

    /// Nonces currently remembered.
    pub fn remembered(&self) -> usize {
        self.nonces.lock().map(|c| c.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AK: &str = "test-access-key-0123456789";
    const NOW: i64 = 1_780_000_000_000;

    fn call<'a>(sig: &'a str, ts: &'a str, nonce: &'a str, body: &'a [u8]) -> SignedCall<'a> {
        SignedCall { signature: Some(sig), timestamp: Some(ts), nonce: Some(nonce), body }
    }

    #[test]
    fn accepts_once_then_refuses_the_replay() {
        let v = Verifier::new(Secret::new(AK));
        let body = br#"{"activity":"newInstance"}"#;
        let ts = NOW.to_string();
        let sig = signature::v2_sign(AK, "n-1", &ts, body);
        assert_eq!(v.verify(Scheme::V2, call(&sig, &ts, "n-1", body), NOW + 1000), Ok(()));
        assert_eq!(
            v.verify(Scheme::V2, call(&sig, &ts, "n-1", body), NOW + 2000),
            Err(AuthError::Replayed("n-1".into()))
        );
    }

    #[test]
    fn timestamp_window_is_60_seconds_each_way() {
        let v = Verifier::new(Secret::new(AK));
        let body = b"{}";
        for (offset, ok) in [(60_000, true), (-60_000, true), (60_001, false), (-60_001, false)] {
            let ts = (NOW - offset).to_string();
            let nonce = format!("n{offset}");
            let sig = signature::v2_sign(AK, &nonce, &ts, body);
            let r = v.verify(Scheme::V2, call(&sig, &ts, &nonce, body), NOW);
            assert_eq!(r.is_ok(), ok, "offset {offset}: {r:?}");
        }
        assert!(matches!(v.verify(Scheme::V2, call("AB", "soon", "n", body), NOW), Err(AuthError::BadTimestamp(_))));
    }

    #[test]
    fn tampered_bodies_and_wrong_keys_are_refused_without_using_the_nonce() {
        let v = Verifier::new(Secret::new(AK));
        let ts = NOW.to_string();
        let sig = signature::v2_sign(AK, "n", &ts, b"{\"orderId\":\"A\"}");
        let r = v.verify(Scheme::V2, call(&sig, &ts, "n", b"{\"orderId\":\"B\"}"), NOW);
        assert_eq!(r, Err(AuthError::Signature(SignatureError::Mismatch)));
        assert_eq!(v.remembered(), 0, "a refused call does not spend its nonce");
        let other = signature::v2_sign("another-key", "n", &ts, b"{}");
        assert!(v.verify(Scheme::V2, call(&other, &ts, "n", b"{}"), NOW).is_err());
        assert_eq!(
            v.verify(
                Scheme::V2,
                SignedCall { signature: None, timestamp: Some(&ts), nonce: Some("n"), body: b"" },
                NOW
            ),
            Err(AuthError::Missing("signature"))
        );
    }

    #[test]
    fn x_sign_calls_verify_the_same_way() {
        let v = Verifier::new(Secret::new(AK));
        let ts = NOW.to_string();
        let sig = signature::x_sign(AK, "xn", &ts, b"{}");
        assert_eq!(v.verify(Scheme::XSign, call(&sig, &ts, "xn", b"{}"), NOW), Ok(()));
        assert!(matches!(v.verify(Scheme::XSign, call(&sig, &ts, "xn", b"{}"), NOW), Err(AuthError::Replayed(_))));
        let e = v.verify(
            Scheme::XSign,
            SignedCall { signature: Some(&sig), timestamp: None, nonce: Some("q"), body: b"{}" },
            NOW,
        );
        assert_eq!(e, Err(AuthError::Missing("x-timestamp")));
    }

    #[test]
    fn the_cache_is_bounded_and_forgets_expired_nonces() {
        let v = Verifier::with_capacity(Secret::new(AK), 3);
        let ts = NOW.to_string();
        for i in 0..3 {
            let n = format!("n{i}");
            let sig = signature::v2_sign(AK, &n, &ts, b"");
            v.verify(Scheme::V2, call(&sig, &ts, &n, b""), NOW).expect("fresh");
        }
        let sig = signature::v2_sign(AK, "n3", &ts, b"");
        assert_eq!(v.verify(Scheme::V2, call(&sig, &ts, "n3", b""), NOW), Err(AuthError::CacheFull));
        // A minute later the first three have expired (their timestamps left the window).
        let later = NOW + MAX_SKEW_MS + 1;
        let ts2 = later.to_string();
        let sig = signature::v2_sign(AK, "n3", &ts2, b"");
        assert_eq!(v.verify(Scheme::V2, call(&sig, &ts2, "n3", b""), later), Ok(()));
        assert_eq!(v.remembered(), 1);
    }

    #[test]
    fn debug_output_hides_the_key() {
        let v = Verifier::new(Secret::new(AK));
        assert!(!format!("{v:?}").contains(AK));
    }
}
