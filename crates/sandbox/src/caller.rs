//! KooGallery's side of the production interface: signed calls to a seller's production URL, retried on
//! KooGallery's schedule, every attempt recorded [KG §7].
//!
//! Each attempt: a fresh `nonce` and `timestamp` (ms) in the URL with the V2.0 `signature`; a fresh `businessId`
//! for newInstance; POST JSON; 5 s timeout; the reply's HTTP status, `resultCode` and `Body-Sign` checked.
//! A failed newInstance or upgradeInstance is retried hourly for 3 hours (then the order fails and is refunded);
//! refresh, freeze and release hourly for 1 hour. `000004` (processing) is not a failure: KooGallery then polls
//! queryInstance. Waiting between attempts follows the sandbox clock, so `--speed` or the admin clock shortens it.

use std::time::{Duration as StdDuration, Instant as RealInstant};

use chrono::Duration;
use koodesk_domain::call_failure::CallFailure;
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::endpoint;
use koodesk_protocol::production::{ProductionRequest, Reply};
use koodesk_protocol::result_code::ResultCode;
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use serde::Serialize;

use crate::clock::SandboxClock;
use crate::config::random_credential;

/// KooGallery's production-interface timeout.
pub const TIMEOUT: StdDuration = StdDuration::from_secs(5);

/// One attempt and what came back.
#[derive(Debug, Clone, Serialize)]
pub struct CallRecord {
    pub activity: &'static str,
    pub attempt: u32,
    /// Sandbox time of the attempt.
    pub at: String,
    pub url: String,
    pub request_body: String,
    pub http_status: Option<u16>,
    pub reply_body: Option<String>,
    pub result_code: Option<String>,
    /// Whether the reply's Body-Sign matched; `None` when there was none.
    pub body_sign_valid: Option<bool>,
    pub elapsed_ms: u64,
    /// Transport failure or malformed reply, in English for the CLI and the logs; `None` when the call was
    /// answered properly.
    pub error: Option<String>,
    /// The same as a code [KG §7]: what the feed carries and the console words.
    pub failure: Option<CallFailure>,
}

impl CallRecord {
    /// Succeeded (000000) or accepted for asynchronous processing (000004).
    pub fn accepted(&self) -> bool {
        self.error.is_none()
            && self.http_status == Some(200)
            && matches!(self.result_code.as_deref(), Some("000000") | Some("000004"))
    }
}

/// Hours after the first attempt at which KooGallery tries again [KG §7].
pub fn retry_offsets_hours(req: &ProductionRequest) -> &'static [i64] {
    retry_offsets_for(req.activity())
}

/// The same, by the request's `activity` (the world's simulated calls use it too).
pub fn retry_offsets_for(activity: &str) -> &'static [i64] {
    match activity {
        "newInstance" | "upgradeInstance" => &[1, 2, 3],
        "refreshInstance" | "updateInstanceStatus" | "releaseInstance" => &[1],
        _ => &[],
    }
}

/// Why a call could not even be attempted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallerError {
    #[error(
        "the production URL `{0}` is not an http:// URL on a loopback address: the sandbox calls only this machine"
    )]
    NotLoopback(String),
    #[error("the HTTP client could not be built: {0}")]
    Client(String),
}

/// Calls one production URL with one key.
pub struct Caller {
    http: reqwest::Client,
    url: String,
    key: Secret,
}

/// Plain `http://` to a loopback host, judged on the parsed URL: no name is resolved (a name resolving to 127.0.0.1
/// today may not tomorrow), and only the host counts, never the user-info (`http://user@127.0.0.1@evil`).
fn loopback_url(url: &str) -> bool {
    endpoint::check_loopback_http("url", url).is_ok()
}

impl Caller {
    pub fn new(url: &str, key: Secret) -> Result<Caller, CallerError> {
        if !loopback_url(url) {
            return Err(CallerError::NotLoopback(url.to_string()));
        }
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| CallerError::Client(e.to_string()))?;
        Ok(Caller { http, url: url.to_string(), key })
    }

    /// One signed attempt at `now` (sandbox time) with `now_ms` real Unix milliseconds for the signature.
    pub async fn attempt(&self, req: &ProductionRequest, attempt: u32, now: Instant) -> CallRecord {
        let mut req = req.clone();
        if let ProductionRequest::NewInstance(n) = &mut req {
            n.business_id = random_credential(32).to_lowercase();
        }
        let body = serde_json::to_string(&req).unwrap_or_default();
        let nonce = random_credential(32).to_uppercase();
        let timestamp = chrono::Utc::now().timestamp_millis().to_string();
        let sig = signature::v2_sign(self.key.expose(), &nonce, &timestamp, body.as_bytes());
        let sep = if self.url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}signature={sig}&timestamp={timestamp}&nonce={nonce}", self.url);
        let started = RealInstant::now();
        let mut record = CallRecord {
            activity: req.activity(),
            attempt,
            at: time::format_rfc3339(&now),
            url: self.url.clone(),
            request_body: body.clone(),
            http_status: None,
            reply_body: None,
            result_code: None,
            body_sign_valid: None,
            elapsed_ms: 0,
            error: None,
            failure: None,
        };
        let sent = self
            .http
            .post(&url)
            .header("Content-Type", "application/json;charset=utf8")
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                record.elapsed_ms = started.elapsed().as_millis() as u64;
                let failure = if e.is_timeout() { CallFailure::Timeout } else { CallFailure::Unreachable };
                record.error = Some(if e.is_timeout() { failure.describe(None) } else { format!("transport: {e}") });
                record.failure = Some(failure);
                return record;
            }
        };
        record.http_status = Some(resp.status().as_u16());
        let body_sign = resp.headers().get("Body-Sign").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = resp.bytes().await;
        record.elapsed_ms = started.elapsed().as_millis() as u64;
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                record.error = Some(format!("transport: the reply broke off: {e}"));
                record.failure = Some(CallFailure::BrokenReply);
                return record;
            }
        };
        record.body_sign_valid = body_sign.map(|h| signature::body_sign_verify(self.key.expose(), &bytes, &h).is_ok());
        record.reply_body = Some(String::from_utf8_lossy(&bytes).into_owned());
        match serde_json::from_slice::<Reply>(&bytes) {
            Ok(reply) => record.result_code = Some(reply.result_code.code().to_string()),
            Err(e) => {
                record.error = Some(format!("the reply is not a production-interface reply: {e}"));
                record.failure = Some(CallFailure::NotAReply);
            }
        }
        if record.body_sign_valid == Some(false) {
            record.error = Some(CallFailure::BodySign.describe(None));
            record.failure = Some(CallFailure::BodySign);
        }
        // A status other than 200 fails the attempt whatever the body said.
        if record.http_status != Some(200) {
            record.failure = Some(CallFailure::HttpStatus);
        }
        record
    }

    /// Attempts until accepted or the retry schedule runs out, waiting on the sandbox clock in between;
    /// `on_record` sees each attempt as it completes.
    pub async fn deliver(
        &self,
        req: &ProductionRequest,
        clock: &SandboxClock,
        mut on_record: impl FnMut(&CallRecord),
    ) -> Vec<CallRecord> {
        let first = clock.now();
        let mut records = vec![self.attempt(req, 1, first).await];
        on_record(&records[0]);
        for (i, hours) in retry_offsets_hours(req).iter().enumerate() {
            if records.last().is_some_and(CallRecord::accepted) {
                break;
            }
            let due = first + Duration::hours(*hours);
            while clock.now() < due {
                tokio::time::sleep(StdDuration::from_millis(20)).await;
            }
            let record = self.attempt(req, i as u32 + 2, clock.now()).await;
            on_record(&record);
            records.push(record);
        }
        records
    }
}

/// The outcome of a delivery, as KooGallery sees it.
pub fn outcome(records: &[CallRecord]) -> &'static str {
    match records.last() {
        Some(r) if r.accepted() && r.result_code.as_deref() == Some(ResultCode::Processing.code()) => "processing",
        Some(r) if r.accepted() => "succeeded",
        _ => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls() {
        assert!(loopback_url("http://127.0.0.1:8080/saasproduce"));
        assert!(loopback_url("http://localhost:9/x"));
        assert!(!loopback_url("https://127.0.0.1/x"), "no TLS in the sandbox");
        assert!(!loopback_url("http://10.0.0.1/x"));
        assert!(loopback_url("http://[::1]:8080/saasproduce"));
        assert!(loopback_url("http://localhost:1"));
        for elsewhere in ["http://127.evil.example/x", "http://127.0.0.1.nip.io/x", "http://user@127.0.0.1@evil/x"] {
            assert!(!loopback_url(elsewhere), "{elsewhere} is another machine");
            assert!(Caller::new(elsewhere, Secret::new("k")).is_err(), "{elsewhere}");
        }
        assert!(Caller::new("http://192.168.1.2/x", Secret::new("k")).is_err());
    }
}
