//! Signed calls the gateway makes itself: to an upstream production interface, and to a provision hook. Both are
//! signed as KooGallery signs its calls (V2.0: `signature`, `timestamp`, `nonce` in the URL, keyed with the
//! interface key [KG §7]), so a seller's existing verification code accepts them unchanged.

use std::time::Duration;

use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;

/// A reply: HTTP status, body, and its `Body-Sign` header when it had one.
pub struct Signed {
    pub status: u16,
    pub body: Vec<u8>,
    pub body_sign: Option<String>,
}

/// A fresh nonce: 32 hex digits.
pub fn nonce() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// POSTs `body` to `url`, V2.0-signed with `key`, waiting at most `timeout`.
pub async fn post_signed(
    http: &reqwest::Client,
    url: &str,
    key: &Secret,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<Signed, String> {
    let nonce = nonce();
    let timestamp = chrono::Utc::now().timestamp_millis().to_string();
    let sig = signature::v2_sign(key.expose(), &nonce, &timestamp, &body);
    let sep = if url.contains('?') { '&' } else { '?' };
    let target = format!("{url}{sep}signature={sig}&timestamp={timestamp}&nonce={nonce}");
    let resp = http
        .post(target)
        .header("Content-Type", "application/json;charset=UTF-8")
        .timeout(timeout)
        .body(body)
        .send()
        .await
        .map_err(|e| describe(e, &crate::config::redact_url(url)))?;
    let status = resp.status().as_u16();
    let body_sign = resp.headers().get("Body-Sign").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = resp
        .bytes()
        .await
        .map_err(|e| format!("the reply from {} broke off: {}", crate::config::redact_url(url), e.without_url()))?
        .to_vec();
    Ok(Signed { status, body, body_sign })
}

fn describe(e: reqwest::Error, url: &str) -> String {
    if e.is_timeout() {
        format!("{url} did not answer in time")
    } else if e.is_connect() {
        format!("{url} could not be reached")
    } else {
        // Without the URL: the request's carries its signature.
        format!("{url}: {}", e.without_url())
    }
}
