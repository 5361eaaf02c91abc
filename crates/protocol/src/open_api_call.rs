//! One APIG-signed call to KooGallery's open API on one host, and (feature `http`) the one loop over the hosts
//! that every open-API client of KooDesk shares — `order/query` ([`crate::order_query`]) and License 2.0
//! ([`crate::license`]) [KG §8, REAL-DATA §5].
//!
//! - [`sign`]: the request for one host, signed with the seller's AK/SK at a given time. The signature covers the
//!   host it is for, so each host gets its own.
//! - [`HostReply`]: what one host's answer means to the loop — done, the next host (it cannot serve: 5xx or
//!   unreachable), or final (the rate limit, a refusal, a reply that cannot be read: another host would say the
//!   same).
//! - [`http::over_hosts`]: the hosts in order (mkt.myhuaweicloud.com, then .cn), the next one only while a host
//!   cannot serve.

use chrono::{DateTime, Utc};

use crate::apig;
use crate::open_api;
use crate::secret::Secret;

/// A signed open-API request for one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCall {
    /// The host (and port) the request is for, as signed.
    pub host: String,
    /// `GET` or `POST`.
    pub method: String,
    pub url: String,
    /// Every header to send, `Authorization` included.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The host (and port, when not the scheme's default) of a base URL: what the request is signed for.
pub fn host_of(base: &str) -> Option<String> {
    let url = url::Url::parse(base).ok()?;
    let host = url.host_str().filter(|h| !h.is_empty())?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

/// `{method} {base}/api/mkp-openapi-public/global/v1/{api}?{query}` with a JSON `body`, APIG-signed at `now`.
/// The error names what is wrong and never carries a key.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    base: &str,
    method: &str,
    api: &str,
    query: Vec<(String, String)>,
    body: Vec<u8>,
    access_key: &str,
    secret_key: &Secret,
    now: DateTime<Utc>,
) -> Result<SignedCall, String> {
    let host = host_of(base).ok_or_else(|| format!("the open API's base URL `{base}` has no host"))?;
    let mut req = apig::Request {
        method: method.to_string(),
        path: format!("{}{}", open_api::PREFIX, api),
        query,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body,
    };
    apig::sign(&mut req, access_key, secret_key.expose(), &host, now).map_err(|e| format!("signing {api}: {e}"))?;
    let query = req.canonical_query();
    let url = if query.is_empty() {
        format!("{}{}", base.trim_end_matches('/'), req.path)
    } else {
        format!("{}{}?{}", base.trim_end_matches('/'), req.path, query)
    };
    Ok(SignedCall { host, method: req.method, url, headers: req.headers, body: req.body })
}

/// What one host's answer means to the loop over the hosts.
#[derive(Debug, Clone, PartialEq)]
pub enum HostReply<T, E> {
    /// The answer sought.
    Done(T),
    /// This host cannot serve (5xx, unreachable, a reply cut off): try the next one.
    NextHost(String),
    /// The answer, whatever the other hosts would say.
    Final(E),
}

/// The HTTP side: the one loop over the hosts.
#[cfg(feature = "http")]
pub mod http {
    use std::time::Duration;

    use super::{HostReply, SignedCall};

    /// An HTTP client for the open API: a timeout, strict certificate validation, no redirects (a redirect would
    /// carry the signed request elsewhere).
    pub fn client(timeout: Duration) -> Result<reqwest::Client, String> {
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))
    }

    /// Calls the hosts in order: `sign` makes the request for a base URL, `read` reads a host's HTTP status and
    /// body. The next host only while one cannot serve; `unreachable` makes the error when none could (with the
    /// last host's reason).
    pub async fn over_hosts<T, E>(
        http: &reqwest::Client,
        bases: &[String],
        sign: impl Fn(&str) -> Result<SignedCall, E>,
        read: impl Fn(&str, u16, &[u8]) -> HostReply<T, E>,
        unreachable: impl Fn(String) -> E,
    ) -> Result<T, E> {
        let mut last = "no open-API host is configured".to_string();
        for base in bases {
            let req = sign(base)?;
            let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|e| unreachable(e.to_string()))?;
            let mut b = http.request(method, &req.url);
            for (k, v) in &req.headers {
                b = b.header(k.as_str(), v.as_str());
            }
            if !req.body.is_empty() {
                b = b.body(req.body.clone());
            }
            let reply = match b.send().await {
                Err(e) => HostReply::NextHost(format!("{}: {e}", req.host)),
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    match resp.bytes().await {
                        Ok(body) => read(&req.host, status, &body),
                        Err(e) => HostReply::NextHost(format!("{}: the reply broke off: {e}", req.host)),
                    }
                }
            };
            match reply {
                HostReply::Done(v) => return Ok(v),
                HostReply::Final(e) => return Err(e),
                HostReply::NextHost(why) => last = why,
            }
        }
        Err(unreachable(last))
    }
}
