//! HTTP calls to the seller feed. Every reply's `Body-Sign` is checked before anything is used.

use std::time::Duration;

use koodesk_protocol::endpoint;
use koodesk_protocol::feed::{FeedError, Kind};
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;

/// Why a call did not produce a usable reply. Messages never include the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Worth retrying: a 5xx, a broken or unsigned reply.
    #[error("{0}")]
    Transient(String),
    /// The feed's host cannot be reached at all: offline, or the server is down.
    #[error("cannot reach the feed: {0}")]
    Unreachable(String),
    /// The marketplace said no (400, 404, 409): not worth retrying.
    #[error("refused ({status} {code}): {message}")]
    Refused { status: u16, code: String, message: String },
    /// The token was not accepted.
    #[error("the feed token was not accepted (HTTP 401): check it with `koodesk credentials`")]
    Unauthorized,
    /// The feed's URL may not carry the token: not a URL, or plain HTTP to another machine. Nothing was sent.
    #[error("{0}")]
    BadUrl(String),
}

impl FetchError {
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Transient(_) | FetchError::Unreachable(_))
    }
}

#[derive(Clone)]
pub struct FeedClient {
    http: reqwest::Client,
    base: String,
    token: Secret,
}

/// What a 400, 404 or 409 reply means. The feed's own error object is a refusal, final. A body that begins as
/// JSON but does not parse was cut off on the way (or damaged): it says nothing about why, so it is retried like a
/// broken 200 rather than kept as a "refused" action whose reason is half a JSON text. Any other body (empty, or a
/// proxy's HTML page: an older server without the route behind nginx) is a refusal in that server's words.
fn refusal(status: u16, body: &[u8]) -> FetchError {
    match serde_json::from_slice::<FeedError>(body) {
        Ok(e) => FetchError::Refused { status, code: e.code, message: e.message },
        Err(e) if body.trim_ascii_start().starts_with(b"{") => FetchError::Transient(format!(
            "HTTP {status} from the feed with an error object that does not parse ({e}): the reply was cut off or \
             damaged; retried"
        )),
        Err(_) => FetchError::Refused {
            status,
            code: "unknown".into(),
            message: String::from_utf8_lossy(body).chars().take(200).collect(),
        },
    }
}

impl FeedClient {
    /// A client for the feed at `base_url` (the settings' `feed_url`): `https://`, or plain `http://` only to a
    /// loopback host, since every request carries the token ([`endpoint::check`]).
    pub fn new(base_url: &str, token: Secret) -> Result<FeedClient, FetchError> {
        endpoint::check("feed_url", base_url).map_err(|e| FetchError::BadUrl(e.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| FetchError::Transient(format!("HTTP client: {e}")))?;
        Ok(FeedClient { http, base: base_url.trim_end_matches('/').to_string(), token })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Checks the status and the Body-Sign, and returns the body.
    async fn read(&self, resp: Result<reqwest::Response, reqwest::Error>) -> Result<Vec<u8>, FetchError> {
        let resp = resp.map_err(|e| {
            if e.is_connect() {
                FetchError::Unreachable(e.to_string())
            } else {
                FetchError::Transient(format!("network: {e}"))
            }
        })?;
        let status = resp.status().as_u16();
        let sign = resp.headers().get("Body-Sign").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = resp.bytes().await.map_err(|e| FetchError::Transient(format!("the reply broke off: {e}")))?.to_vec();
        match status {
            200 => {}
            401 => return Err(FetchError::Unauthorized),
            400 | 404 | 409 => return Err(refusal(status, &body)),
            s => return Err(FetchError::Transient(format!("HTTP {s} from the feed"))),
        }
        let sign = sign.ok_or_else(|| FetchError::Transient("the reply has no Body-Sign".into()))?;
        signature::body_sign_verify(self.token.expose(), &body, &sign)
            .map_err(|e| FetchError::Transient(format!("the reply's Body-Sign does not verify ({e}); ignored")))?;
        Ok(body)
    }

    /// One page of a feed: the signed JSON body.
    pub async fn page(&self, kind: Kind, cursor: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}/feed/v1/{}", self.base, kind.path());
        let limit = limit.to_string();
        let resp = self
            .http
            .get(url)
            .query(&[("cursor", cursor), ("limit", limit.as_str())])
            .bearer_auth(self.token.expose())
            .send()
            .await;
        self.read(resp).await
    }

    /// The interface-health view [KG §7], signed like every reply; `None` when the feed's server has no such view
    /// (HTTP 404: a server older than the view).
    pub async fn interface_health(&self) -> Result<Option<Vec<u8>>, FetchError> {
        let url = format!("{}{}", self.base, koodesk_protocol::interface_health::PATH);
        let resp = self.http.get(url).bearer_auth(self.token.expose()).send().await;
        match self.read(resp).await {
            Ok(body) => Ok(Some(body)),
            Err(FetchError::Refused { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// POSTs JSON to a feed action route.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Result<Vec<u8>, FetchError> {
        let resp =
            self.http.post(format!("{}{path}", self.base)).bearer_auth(self.token.expose()).json(body).send().await;
        self.read(resp).await
    }

    /// POSTs a file to a feed action route.
    pub async fn post_file(&self, path: &str, query: &[(&str, &str)], file: Vec<u8>) -> Result<Vec<u8>, FetchError> {
        let resp = self
            .http
            .post(format!("{}{path}", self.base))
            .query(query)
            .bearer_auth(self.token.expose())
            .header("Content-Type", "application/octet-stream")
            .body(file)
            .send()
            .await;
        self.read(resp).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_only_over_https_or_to_this_machine() {
        let token = || Secret::new("kdf_never_in_clear_to_another_host");
        for ok in ["https://feed.example.com", "http://127.0.0.1:8787", "http://[::1]:8080", "http://localhost:1"] {
            assert!(FeedClient::new(ok, token()).is_ok(), "{ok}");
        }
        for bad in [
            "http://127.evil.example",
            "http://127.0.0.1.nip.io",
            "http://user@127.0.0.1@evil",
            "http://192.0.2.1:8787",
            "127.0.0.1:8787",
        ] {
            let Err(e) = FeedClient::new(bad, token()) else { panic!("{bad}: a client that would send the token") };
            assert!(matches!(e, FetchError::BadUrl(_)) && !e.is_transient(), "{bad}: {e:?}");
            let text = e.to_string();
            assert!(text.starts_with("feed_url: "), "{bad}: names the field: {text}");
            assert!(text.contains("127.0.0.0/8, [::1] or localhost"), "{bad}: states the rule: {text}");
            assert!(!text.contains("kdf_"), "{text}");
        }
    }
}
