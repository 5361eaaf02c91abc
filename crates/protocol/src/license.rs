//! License 2.0 (授权码) through the open API, APIG AK/SK signed [KG §3, §8; REAL-DATA §5]:
//!
//! - `POST license/activate` with `{license, real_effect_time?}` activates a code: on KooGallery this is what
//!   passes a License 2.0 order's 授权码激活 step, the one supervision step a seller can move through an API;
//! - `POST license/heartbeat` with `{license}` is the query: it answers the code's state without activating it.
//!
//! Both answer HTTP 200 for most refusals too, so the verdict is read from `error_code`: `92020000` is success,
//! anything else a refusal, shown by name when the code is documented ([`code_name`]). `data.license_code_info`
//! is a JSON **string** holding `{status, expire_time, product_id, order_id, amount}`; `status` is one of ALIVE,
//! EXPIRED, RELEASED, and `expire_time` (UTC `yyyyMMddHHmmss`) is the marketplace's estimate.

use chrono::{DateTime, NaiveDateTime, Utc};
use koodesk_domain::time::{self, Instant};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::open_api::{self, error_code, LicenseRequest};
use crate::open_api_call::{self, HostReply, SignedCall};
use crate::production::EXPIRE_TIME_FORMAT;
use crate::secret::Secret;

/// The longest code `license/activate` takes [KG §8].
pub const MAX_CODE_CHARS: usize = 64;

/// Which License 2.0 call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `license/activate`.
    Activate,
    /// `license/heartbeat`: the code's state, unchanged.
    Query,
}

impl Operation {
    pub fn api(self) -> &'static str {
        match self {
            Operation::Activate => open_api::LICENSE_ACTIVATE,
            Operation::Query => open_api::LICENSE_HEARTBEAT,
        }
    }
}

/// A code's state as KooGallery reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CodeStatus {
    Alive,
    Expired,
    Released,
}

/// What `license_code_info` says about a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenseCode {
    pub status: CodeStatus,
    /// The estimated expiry, Beijing time.
    pub expire_at: Option<Instant>,
    pub product_id: Option<String>,
    pub order_id: Option<String>,
    /// Yuan, exact.
    pub amount: Option<Decimal>,
}

/// Why a License 2.0 call gave no answer about the code. Messages name the call and never carry a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseError {
    /// The code or the effective time given is not one KooGallery takes; nothing was sent.
    #[error("{0}")]
    Invalid(String),
    /// `406 MKT.0250`: the access key called faster than its flow control allows; try again later.
    #[error("{api} answered 406 MKT.0250: access frequency over limit; try again in a minute")]
    RateLimited { api: &'static str },
    /// No host could serve: each was unreachable or answered 5xx (the last reason).
    #[error("{0}")]
    Unreachable(String),
    /// APIG refused the AK/SK signature: the access key or secret key is wrong, or the clock is off.
    #[error(
        "{api} refused the AK/SK (HTTP {status} {code}){}: check the access key and secret key in Settings",
        tail(message)
    )]
    Unauthorized { api: &'static str, status: u16, code: String, message: String },
    /// KooGallery answered about the code with a refusal (`error_code` other than `92020000`).
    #[error("{api} refused the code: {code}{}{}", named(code), tail(message))]
    Refused { api: &'static str, code: String, message: String },
    /// The reply could not be read (not JSON, a missing field, an unknown status).
    #[error("{0}")]
    Failed(String),
}

fn tail(message: &str) -> String {
    if message.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", message.trim())
    }
}

fn named(code: &str) -> String {
    code_name(code).map(|n| format!(" ({n})")).unwrap_or_default()
}

/// The name of a documented License 2.0 / open-API error code (koogallery-research §License 2.0).
pub fn code_name(code: &str) -> Option<&'static str> {
    match code {
        error_code::LICENSE_SUCCESS => Some("success"),
        "91380150" => Some("role permission denied"),
        error_code::LICENSE_FAILED => Some("failed"),
        error_code::ILLEGAL_OPERATION => Some("illegal operation: not this seller's"),
        error_code::NO_AUTHORITY => Some("no authority"),
        "MKT.0154" => Some("illegal token"),
        "MKT.0999" => Some("KooGallery's internal error"),
        _ => None,
    }
}

/// The request body, checked before anything is sent: a code of 1 to 64 characters without spaces or control
/// characters; the effective time not in the future of `now` is the caller's business (KooGallery refuses one
/// earlier than the order).
pub fn request_body(code: &str, effective_at: Option<DateTime<Utc>>) -> Result<Vec<u8>, LicenseError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(LicenseError::Invalid("code: the License 2.0 code (授权码) is required".into()));
    }
    if code.chars().count() > MAX_CODE_CHARS {
        return Err(LicenseError::Invalid(format!("code: at most {MAX_CODE_CHARS} characters [KG §8]")));
    }
    if code.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(LicenseError::Invalid("code: no spaces or control characters".into()));
    }
    let req = LicenseRequest {
        license: code.to_string(),
        real_effect_time: effective_at.map(|t| t.format(EXPIRE_TIME_FORMAT).to_string()),
    };
    serde_json::to_vec(&req).map_err(|e| LicenseError::Failed(format!("the request body: {e}")))
}

/// The signed `POST …/license/{activate|heartbeat}` for one host.
pub fn signed_request(
    base: &str,
    op: Operation,
    body: Vec<u8>,
    access_key: &str,
    secret_key: &Secret,
    now: DateTime<Utc>,
) -> Result<SignedCall, LicenseError> {
    open_api_call::sign(base, "POST", op.api(), Vec::new(), body, access_key, secret_key, now)
        .map_err(LicenseError::Failed)
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads one host's reply.
pub fn classify(op: Operation, host: &str, status: u16, body: &[u8]) -> HostReply<LicenseCode, LicenseError> {
    let api = op.api();
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code = text(&v, "error_code").or_else(|| text(&v, "resultCode")).unwrap_or_default();
    let message = text(&v, "error_msg").or_else(|| text(&v, "resultMsg")).unwrap_or_default();
    if status == 406 || code == error_code::RATE_LIMITED {
        return HostReply::Final(LicenseError::RateLimited { api });
    }
    if status >= 500 {
        return HostReply::NextHost(format!("{host} answered HTTP {status}"));
    }
    if code.starts_with("APIGW.") || status == 401 && code.is_empty() {
        return HostReply::Final(LicenseError::Unauthorized { api, status, code, message });
    }
    if code.is_empty() {
        return HostReply::Final(LicenseError::Failed(format!(
            "{api} answered HTTP {status} without an error_code: not KooGallery's open API?"
        )));
    }
    if code != error_code::LICENSE_SUCCESS {
        return HostReply::Final(LicenseError::Refused { api, code, message });
    }
    match read_code(api, &v) {
        Ok(c) => HostReply::Done(c),
        Err(e) => HostReply::Final(e),
    }
}

/// `data.license_code_info` of a successful reply.
fn read_code(api: &str, v: &Value) -> Result<LicenseCode, LicenseError> {
    let missing = |f: &str| LicenseError::Failed(format!("{api}'s reply has no `{f}`"));
    let info = v.pointer("/data/license_code_info").ok_or_else(|| missing("data.license_code_info"))?;
    // A JSON string holding JSON, as documented; an object is read too.
    let info: Value = match info {
        Value::String(s) => serde_json::from_str(s)
            .map_err(|e| LicenseError::Failed(format!("{api}'s `data.license_code_info` is not JSON: {e}")))?,
        other => other.clone(),
    };
    let status = text(&info, "status").ok_or_else(|| missing("data.license_code_info.status"))?;
    let status = match status.to_ascii_uppercase().as_str() {
        "ALIVE" => CodeStatus::Alive,
        "EXPIRED" => CodeStatus::Expired,
        "RELEASED" => CodeStatus::Released,
        _ => {
            return Err(LicenseError::Failed(format!(
                "{api}'s `license_code_info.status` is `{status}`, not ALIVE, EXPIRED or RELEASED"
            )))
        }
    };
    let expire_at = match text(&info, "expire_time") {
        None => None,
        Some(t) => Some(time::to_beijing(
            NaiveDateTime::parse_from_str(&t, EXPIRE_TIME_FORMAT)
                .map_err(|_| LicenseError::Failed(format!("{api}'s `expire_time` is `{t}`, not UTC yyyyMMddHHmmss")))?
                .and_utc(),
        )),
    };
    let amount = match text(&info, "amount") {
        None => None,
        Some(a) => Some(
            a.parse::<Decimal>()
                .map_err(|_| LicenseError::Failed(format!("{api}'s `amount` is `{a}`, not a number of yuan")))?,
        ),
    };
    Ok(LicenseCode {
        status,
        expire_at,
        product_id: text(&info, "product_id"),
        order_id: text(&info, "order_id"),
        amount,
    })
}

/// The HTTP side, over the hosts [`open_api_call::http::over_hosts`] loops.
#[cfg(feature = "http")]
pub mod http {
    use chrono::{DateTime, Utc};

    use super::{classify, request_body, signed_request, LicenseCode, LicenseError, Operation};
    use crate::open_api_call::http::over_hosts;
    use crate::secret::Secret;

    /// Activates or queries one code, host by host.
    #[allow(clippy::too_many_arguments)]
    pub async fn call(
        http: &reqwest::Client,
        bases: &[String],
        access_key: &str,
        secret_key: &Secret,
        op: Operation,
        code: &str,
        effective_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<LicenseCode, LicenseError> {
        let body = request_body(code, effective_at)?;
        over_hosts(
            http,
            bases,
            |base| signed_request(base, op, body.clone(), access_key, secret_key, now),
            |host, status, reply| classify(op, host, status, reply),
            LicenseError::Unreachable,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(r: HostReply<LicenseCode, LicenseError>) -> LicenseCode {
        match r {
            HostReply::Done(c) => c,
            other => panic!("not done: {other:?}"),
        }
    }

    fn fin(r: HostReply<LicenseCode, LicenseError>) -> LicenseError {
        match r {
            HostReply::Final(e) => e,
            other => panic!("not final: {other:?}"),
        }
    }

    #[test]
    fn reads_the_code_info_string() {
        let body = br#"{"error_code":"92020000","error_msg":"success","data":{"license_code_info":"{\"status\":\"ALIVE\",\"expire_time\":\"20271130160000\",\"product_id\":\"p-1\",\"order_id\":\"CS1\",\"amount\":\"1200.00\"}"}}"#;
        let c = done(classify(Operation::Activate, "h", 200, body));
        assert_eq!(c.status, CodeStatus::Alive);
        assert_eq!(c.expire_at.map(|t| time::format_rfc3339(&t)).as_deref(), Some("2027-12-01T00:00:00+08:00"));
        assert_eq!((c.order_id.as_deref(), c.amount.map(|a| a.to_string())), (Some("CS1"), Some("1200.00".into())));
    }

    #[test]
    fn refusals_are_named_and_final() {
        let e = fin(classify(Operation::Activate, "h", 200, br#"{"error_code":"91380150","error_msg":"denied"}"#));
        assert_eq!(e.to_string(), "license/activate refused the code: 91380150 (role permission denied): denied");
        let e = fin(classify(Operation::Query, "h", 200, br#"{"error_code":"92029999","error_msg":"odd"}"#));
        assert_eq!(e.to_string(), "license/heartbeat refused the code: 92029999: odd");
        assert_eq!(
            fin(classify(Operation::Query, "h", 406, b"{}")),
            LicenseError::RateLimited { api: "license/heartbeat" }
        );
        assert!(matches!(
            fin(classify(Operation::Activate, "h", 401, br#"{"error_code":"APIGW.0301"}"#)),
            LicenseError::Unauthorized { .. }
        ));
        assert_eq!(
            classify(Operation::Activate, "h", 502, b"<html>"),
            HostReply::NextHost("h answered HTTP 502".into())
        );
    }

    #[test]
    fn damaged_replies_are_reported_not_defaulted() {
        let unknown = br#"{"error_code":"92020000","data":{"license_code_info":"{\"status\":\"ASLEEP\"}"}}"#;
        let e = fin(classify(Operation::Query, "h", 200, unknown));
        assert!(e.to_string().contains("`ASLEEP`, not ALIVE, EXPIRED or RELEASED"), "{e}");
        let e = fin(classify(Operation::Query, "h", 200, br#"{"error_code":"92020000"}"#));
        assert!(e.to_string().contains("no `data.license_code_info`"), "{e}");
        let e = fin(classify(Operation::Query, "h", 200, b"<html>"));
        assert!(e.to_string().contains("without an error_code"), "{e}");
    }

    #[test]
    fn the_body_is_checked_before_sending() {
        assert!(request_body("", None).is_err());
        assert!(request_body(&"x".repeat(65), None).is_err());
        assert!(request_body("LIC 1", None).is_err());
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T08:00:00+08:00").expect("t").with_timezone(&Utc);
        let body = String::from_utf8(request_body(" LIC-1 ", Some(at)).expect("body")).expect("utf-8");
        assert_eq!(body, r#"{"license":"LIC-1","real_effect_time":"20261201000000"}"#);
    }

    #[test]
    fn the_request_is_a_signed_post_with_its_body() {
        let sk = Secret::new("SK".to_string());
        let now = Utc::now();
        let r = signed_request("https://mkt.myhuaweicloud.com", Operation::Activate, b"{}".to_vec(), "AK", &sk, now)
            .expect("signs");
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/license/activate");
        assert!(r.headers.iter().any(|(k, v)| k == "Authorization" && v.contains("Access=AK")));
        assert!(!r.headers.iter().any(|(_, v)| v.contains("SK")), "the secret key is never sent");
    }
}
