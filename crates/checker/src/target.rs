//! The endpoint under test, how calls to it are signed and sent, and the checks every reply gets [KG §7].

use std::net::IpAddr;
use std::time::{Duration, Instant};

use koodesk_protocol::production::Reply;
use koodesk_protocol::result_code::ResultCode;
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use rand::distributions::Alphanumeric;
use rand::Rng;
use serde_json::Value;

use crate::catalogue::Check;
use crate::note::Note;
use crate::report::{Exchange, Outcome, Verdict};

/// KooGallery's production-interface timeout.
pub const KOOGALLERY_TIMEOUT: Duration = Duration::from_secs(5);
/// Reply bodies kept in a report, at most.
const KEPT_BODY: usize = 64 * 1024;

/// The seller's production URL and the interface key (商家对接密钥) KooGallery signs with.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub key: Secret,
}

/// How the URL may be called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Https,
    /// Plain HTTP to this machine: allowed for local testing, with a warning.
    LoopbackHttp,
    /// Not called at all, and why.
    Refused(Note),
}

/// Judges the URL before anything is sent. No name is resolved: `localhost` and loopback IPs only.
pub fn transport(url: &str) -> Transport {
    let parsed = match reqwest::Url::parse(url) {
        Ok(u) => u,
        Err(e) => return Transport::Refused(Note::NotAUrl { url: url.to_string(), error: e.to_string() }),
    };
    let host = parsed.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']').to_string();
    let loopback = host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Transport::Https,
        "http" if loopback => Transport::LoopbackHttp,
        "http" => Transport::Refused(Note::PlainHttpRemote { url: url.to_string() }),
        other => Transport::Refused(Note::WrongScheme { url: url.to_string(), scheme: other.to_string() }),
    }
}

/// How a request is signed: correctly, or wrongly on purpose to see that the server refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    Correct,
    WrongKey,
    /// Correctly signed, with a timestamp five minutes old.
    Stale,
}

/// A request ready to send (and to send again, for the replay check).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub activity: String,
    pub url: String,
    pub body: String,
}

pub(crate) fn random_token(len: usize) -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

/// Signs and sends requests to one target.
pub struct Sender {
    http: reqwest::Client,
    target: Target,
}

impl Sender {
    pub fn new(target: Target, timeout: Duration) -> Result<Sender, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        Ok(Sender { http, target })
    }

    pub fn key(&self) -> &Secret {
        &self.target.key
    }

    /// Signs `body` as KooGallery does: fresh nonce, timestamp in ms, V2.0 signature in the URL.
    pub fn prepare(&self, body: &Value, signing: Signing) -> Prepared {
        let activity = body.get("activity").and_then(Value::as_str).unwrap_or("").to_string();
        let body = body.to_string();
        let nonce = random_token(32).to_uppercase();
        let mut ts = chrono::Utc::now().timestamp_millis();
        if signing == Signing::Stale {
            ts -= 5 * 60 * 1000;
        }
        let timestamp = ts.to_string();
        let key = match signing {
            Signing::WrongKey => format!("{}-not-the-key", self.target.key.expose()),
            _ => self.target.key.expose().to_string(),
        };
        let sig = signature::v2_sign(&key, &nonce, &timestamp, body.as_bytes());
        let sep = if self.target.url.contains('?') { '&' } else { '?' };
        let url = format!("{}{sep}signature={sig}&timestamp={timestamp}&nonce={nonce}", self.target.url);
        Prepared { activity, url, body }
    }

    /// Sends and records; never fails: what went wrong is in the exchange.
    pub async fn send(&self, p: &Prepared) -> Exchange {
        let started = Instant::now();
        let mut x = Exchange {
            activity: p.activity.clone(),
            url: p.url.clone(),
            request_body: p.body.clone(),
            ..Exchange::default()
        };
        let sent = self
            .http
            .post(&p.url)
            .header("Content-Type", "application/json;charset=UTF-8")
            .header("Accept", "application/json")
            .body(p.body.clone())
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                x.elapsed_ms = started.elapsed().as_millis() as u64;
                x.error = Some(if e.is_timeout() {
                    format!("no reply within {} ms", x.elapsed_ms)
                } else if e.is_connect() {
                    format!("could not connect: {e}")
                } else {
                    format!("transport: {e}")
                });
                return x;
            }
        };
        x.http_version = Some(format!("{:?}", resp.version()));
        x.status = Some(resp.status().as_u16());
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        x.content_type = header("Content-Type");
        x.body_sign = header("Body-Sign");
        let bytes = resp.bytes().await;
        x.elapsed_ms = started.elapsed().as_millis() as u64;
        match bytes {
            Ok(b) => {
                let text = String::from_utf8_lossy(&b);
                x.reply_body = Some(text.chars().take(KEPT_BODY).collect());
            }
            Err(e) => {
                x.error = Some(if e.is_timeout() {
                    format!("the reply did not finish within {} ms", x.elapsed_ms)
                } else {
                    format!("the reply broke off: {e}")
                })
            }
        }
        x
    }
}

/// The checks every reply gets, and the reply's JSON when it parsed.
pub fn reply_checks(x: &Exchange, key: &Secret, index: usize) -> (Vec<Outcome>, Option<Value>) {
    let at = Some(index);
    let pass = |c: Check, n: Note| Outcome::new(c, Verdict::Passed, n, at);
    let fail = |c: Check, n: Note| Outcome::new(c, Verdict::Failed, n, at);
    let skip = |c: Check, n: Note| Outcome::new(c, Verdict::Skipped, n, at);
    let mut out = Vec::new();
    let later = [
        Check::StatusLine,
        Check::ContentType,
        Check::Json,
        Check::ResultCodeKnown,
        Check::ReplyFields,
        Check::BodySignPresent,
        Check::BodySignValid,
    ];
    if x.status.is_none() || x.reply_body.is_none() {
        let error = x.error.clone().unwrap_or_else(|| "no reply".into());
        let timed_out = error.starts_with("no reply within") || error.starts_with("the reply did not finish");
        if timed_out {
            let partial = error.starts_with("the reply did not finish");
            out.push(pass(Check::Reachable, Note::Connected));
            out.push(fail(Check::Timely, Note::TimedOut { ms: x.elapsed_ms, partial, error }));
        } else if x.status.is_some() {
            out.push(pass(Check::Reachable, Note::Connected));
            out.push(pass(Check::Timely, Note::AnsweredIn { ms: x.elapsed_ms }));
        } else {
            out.push(fail(Check::Reachable, Note::NoReply { error }));
            out.push(skip(Check::Timely, Note::NoConnection));
        }
        for c in later {
            if x.status.is_some() && c == Check::StatusLine {
                out.push(status_line(x, at));
            } else {
                out.push(skip(c, Note::NoWholeReply));
            }
        }
        return (out, None);
    }
    out.push(pass(Check::Reachable, Note::Connected));
    out.push(pass(Check::Timely, Note::AnsweredIn { ms: x.elapsed_ms }));
    out.push(status_line(x, at));
    let ct = x.content_type.as_deref().unwrap_or("");
    let value = ct.to_string();
    out.push(if ct.to_ascii_lowercase().starts_with("application/json") {
        pass(Check::ContentType, Note::ContentType { value })
    } else {
        fail(Check::ContentType, Note::ContentType { value })
    });
    let body = x.reply_body.as_deref().unwrap_or("");
    let json = match serde_json::from_str::<Value>(body) {
        Ok(v) if v.is_object() => {
            out.push(pass(Check::Json, Note::JsonObject));
            Some(v)
        }
        Ok(_) => {
            out.push(fail(Check::Json, Note::JsonNotObject));
            None
        }
        Err(e) => {
            out.push(fail(Check::Json, Note::NotJson { error: e.to_string() }));
            None
        }
    };
    match &json {
        Some(v) => {
            let code = v.get("resultCode").and_then(Value::as_str);
            out.push(match code {
                Some(c) if ResultCode::parse(c).is_some() => {
                    pass(Check::ResultCodeKnown, Note::ResultCode { result_code: c.to_string() })
                }
                Some(c) => fail(Check::ResultCodeKnown, Note::UndocumentedResultCode { result_code: c.to_string() }),
                None => fail(Check::ResultCodeKnown, Note::NoResultCode),
            });
            out.push(match serde_json::from_value::<Reply>(v.clone()) {
                Ok(reply) => match reply.validate() {
                    Ok(()) => pass(Check::ReplyFields, Note::WithinLimits),
                    Err(e) => fail(Check::ReplyFields, Note::OverLimit { error: e.to_string() }),
                },
                Err(_) if code.is_none_or(|c| ResultCode::parse(c).is_none()) => {
                    skip(Check::ReplyFields, Note::NoDocumentedCode)
                }
                Err(e) => fail(Check::ReplyFields, Note::WrongTypes { error: e.to_string() }),
            });
        }
        None => {
            out.push(skip(Check::ResultCodeKnown, Note::NotAnObject));
            out.push(skip(Check::ReplyFields, Note::NotAnObject));
        }
    }
    match &x.body_sign {
        None => {
            out.push(fail(Check::BodySignPresent, Note::NoBodySign));
            out.push(skip(Check::BodySignValid, Note::NoBodySignToCheck));
        }
        Some(h) => {
            out.push(pass(Check::BodySignPresent, Note::BodySignPresent));
            out.push(match signature::body_sign_verify(key.expose(), body.as_bytes(), h) {
                Ok(()) => pass(Check::BodySignValid, Note::BodySignMatches),
                Err(e) => {
                    fail(Check::BodySignValid, Note::BodySignMismatch { header: h.clone(), error: e.to_string() })
                }
            });
        }
    }
    (out, json)
}

fn status_line(x: &Exchange, at: Option<usize>) -> Outcome {
    let version = x.http_version.clone().unwrap_or_else(|| "HTTP/?".into());
    let status = x.status.unwrap_or(0);
    let verdict = if version == "HTTP/1.1" && status == 200 { Verdict::Passed } else { Verdict::Failed };
    Outcome::new(Check::StatusLine, verdict, Note::StatusLine { version, status }, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_called() {
        assert_eq!(transport("https://saas.example.com/produce"), Transport::Https);
        assert_eq!(transport("http://127.0.0.1:9/x"), Transport::LoopbackHttp);
        assert_eq!(transport("http://localhost:9/x"), Transport::LoopbackHttp);
        assert_eq!(transport("http://[::1]:9/x"), Transport::LoopbackHttp);
        assert!(
            matches!(transport("http://saas.example.com/x"), Transport::Refused(m) if m.english().contains("HTTPS"))
        );
        assert!(matches!(transport("ftp://saas.example.com/x"), Transport::Refused(_)));
        assert!(matches!(transport("not a url"), Transport::Refused(m) if m.english().contains("not a URL")));
    }

    #[test]
    fn requests_are_signed_as_koogallery_signs_them() {
        let sender = Sender::new(
            Target { url: "http://127.0.0.1:1/p?x=1".into(), key: Secret::new("k-123") },
            KOOGALLERY_TIMEOUT,
        )
        .expect("client");
        let p = sender.prepare(&serde_json::json!({"activity": "newInstance", "orderId": "o"}), Signing::Correct);
        assert_eq!(p.activity, "newInstance");
        let q = p.url.split_once("?x=1&").expect("query appended").1;
        let get = |n: &str| q.split('&').find_map(|kv| kv.strip_prefix(&format!("{n}="))).expect(n).to_string();
        let (sig, ts, nonce) = (get("signature"), get("timestamp"), get("nonce"));
        assert!(signature::v2_verify("k-123", &nonce, &ts, p.body.as_bytes(), &sig).is_ok());
        assert!(!p.url.contains("k-123"), "the key never travels");
        let bad = sender.prepare(&serde_json::json!({"activity": "newInstance"}), Signing::WrongKey);
        let q = bad.url.split_once('?').expect("q").1;
        let get = |n: &str| q.split('&').find_map(|kv| kv.strip_prefix(&format!("{n}="))).expect(n).to_string();
        assert!(signature::v2_verify(
            "k-123",
            &get("nonce"),
            &get("timestamp"),
            bad.body.as_bytes(),
            &get("signature")
        )
        .is_err());
    }
}
