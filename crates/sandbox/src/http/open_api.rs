//! The open API, APIG AK/SK signed as the real one: `order/query`, `isv/usage-data`, `license/activate`,
//! `license/heartbeat` [KG §8].

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use chrono::{NaiveDateTime, Utc};
use koodesk_protocol::apig;
use koodesk_protocol::open_api::{error_code, LicenseData, LicenseReply, LicenseRequest, OrderQueryReply, UsageData};
use koodesk_protocol::open_api::{usage_signature, MAX_USAGE_RECORDS};
use serde_json::json;

use super::{json, AppState};

/// A usage value: a non-negative number with at most 12 integer digits and 4 decimals (Double(12,4)).
fn is_usage_value(s: &str) -> bool {
    let t = s.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    !int.is_empty() && int.len() <= 12 && digits(int) && frac.len() <= 4 && digits(frac)
}

/// The refusal of a request that is not let through: its APIG signature does not verify against the sandbox's
/// access key and secret key (at the real time), or its access key is over the flow-control limit [KG §8].
fn refusal(state: &AppState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Option<Response> {
    unsigned(state, method, uri, headers, body).or_else(|| over_limit(state))
}

/// HTTP 406 `MKT.0250` when the access key has used up its requests for this second (REAL-DATA §5). The body
/// carries the code under both spellings the open API uses: `error_code`/`error_msg` (APIG's) and
/// `resultCode`/`resultMsg` (the order API's).
fn over_limit(state: &AppState) -> Option<Response> {
    let limiter = state.open_api_limiter.as_ref()?;
    if limiter.admit(&state.cfg.access_key) {
        return None;
    }
    let msg = "access frequency over limit";
    Some(json(
        StatusCode::NOT_ACCEPTABLE,
        &json!({"error_code": error_code::RATE_LIMITED, "error_msg": msg, "resultCode": error_code::RATE_LIMITED, "resultMsg": msg}),
    ))
}

/// Checks the APIG signature against the sandbox's access key and secret key, at the real time; the refusal if
/// it does not verify.
fn unsigned(state: &AppState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Option<Response> {
    let req = apig::Request {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: apig::Request::parse_query(uri.query().unwrap_or("")),
        headers: headers
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
            .collect(),
        body: body.to_vec(),
    };
    let sk = state.cfg.secret_key.expose().to_string();
    apig::verify(&req, Utc::now(), |ak| (ak == state.cfg.access_key).then(|| sk.clone())).err().map(|e| {
        json(
            StatusCode::UNAUTHORIZED,
            &json!({"error_code": error_code::APIG_AUTH, "error_msg": format!("Incorrect IAM authentication information: {e}")}),
        )
    })
}

fn invalid(message: String) -> Response {
    json(StatusCode::BAD_REQUEST, &json!({"resultCode": error_code::INVALID_PARAMETER, "resultMsg": message}))
}

pub async fn order_query(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = refusal(&state, &method, &uri, &headers, &body) {
        return refused;
    }
    let q: HashMap<String, String> = apig::Request::parse_query(uri.query().unwrap_or("")).into_iter().collect();
    let Some(order_id) = q.get("orderId").filter(|o| !o.trim().is_empty()) else {
        return invalid("orderId is mandatory".into());
    };
    if order_id.len() > 64 || q.get("orderLineId").is_some_and(|l| l.len() > 64) {
        return invalid("orderId and orderLineId are at most 64 characters".into());
    }
    let info = state.world().order_info(order_id, q.get("orderLineId").map(String::as_str));
    match info {
        Some(order_info) => json(
            StatusCode::OK,
            &OrderQueryReply {
                result_code: error_code::SUCCESS.into(),
                result_msg: "success".into(),
                order_info: Some(order_info),
            },
        ),
        None => json(
            StatusCode::OK,
            &OrderQueryReply {
                result_code: error_code::ILLEGAL_OPERATION.into(),
                result_msg: format!("order {order_id} does not exist or is not this seller's"),
                order_info: None,
            },
        ),
    }
}

fn check_usage_time(field: &str, value: &str) -> Result<(), String> {
    NaiveDateTime::parse_from_str(value, apig::DATE_FORMAT)
        .map(|_| ())
        .map_err(|_| format!("{field} `{value}` is not UTC yyyyMMdd'T'HHmmss'Z'"))
}

pub async fn usage_data(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = refusal(&state, &method, &uri, &headers, &body) {
        return refused;
    }
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (sig, ts, nonce) = (header("signature"), header("ts"), header("nonce"));
    let text = String::from_utf8_lossy(&body);
    if sig.is_empty() || ts.is_empty() || nonce.is_empty() || nonce.len() > 64 {
        return invalid("usage pushes carry headers signature, ts (ms) and nonce (at most 64)".into());
    }
    let expected = usage_signature(state.cfg.interface_key.expose(), &ts, &nonce, &text);
    if !super::token_matches(Some(&sig), &koodesk_protocol::secret::Secret::new(expected)) {
        return json(
            StatusCode::UNAUTHORIZED,
            &json!({"resultCode": error_code::NO_AUTHORITY, "resultMsg": "the usage signature does not match the body"}),
        );
    }
    let data: UsageData = match serde_json::from_slice(&body) {
        Ok(d) => d,
        Err(e) => return invalid(format!("the body is not usage data: {e}")),
    };
    if data.usage_records.is_empty() || data.usage_records.len() > MAX_USAGE_RECORDS {
        return invalid(format!("usage_records: 1 to {MAX_USAGE_RECORDS} records, {} given", data.usage_records.len()));
    }
    for (i, r) in data.usage_records.iter().enumerate() {
        let checks = [
            if r.instance_id.trim().is_empty() { Err("instance_id is mandatory".to_string()) } else { Ok(()) },
            check_usage_time("record_time", &r.record_time),
            check_usage_time("begin_time", &r.begin_time),
            check_usage_time("end_time", &r.end_time),
            if r.begin_time <= r.end_time { Ok(()) } else { Err("begin_time is after end_time".to_string()) },
            if is_usage_value(&r.usage_value) {
                Ok(())
            } else {
                Err(format!("usage_value `{}` is not a non-negative number with at most 4 decimals", r.usage_value))
            },
        ];
        if let Some(Err(e)) = checks.into_iter().find(Result::is_err) {
            return invalid(format!("usage_records[{i}]: {e}"));
        }
    }
    let count = data.usage_records.len();
    if let Ok(mut u) = state.usage.lock() {
        u.extend(data.usage_records);
    }
    json(StatusCode::OK, &json!({"resultCode": error_code::SUCCESS, "resultMsg": "success", "accepted": count}))
}

async fn license(
    state: Arc<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    activate: bool,
) -> Response {
    if let Some(refused) = refusal(&state, &method, &uri, &headers, &body) {
        return refused;
    }
    let req: LicenseRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return invalid(format!("the body is {{license, real_effect_time?}}: {e}")),
    };
    if req.license.is_empty() || req.license.len() > 64 {
        return invalid("license is mandatory, at most 64 characters".into());
    }
    let result = if activate {
        state.world().activate_license(&req.license)
    } else {
        state.world().license_heartbeat(&req.license)
    };
    let reply = match result {
        Ok(info) => LicenseReply {
            error_code: error_code::LICENSE_SUCCESS.into(),
            error_msg: "success".into(),
            data: Some(LicenseData { license_code_info: serde_json::to_string(&info).unwrap_or_default() }),
        },
        Err(e) => LicenseReply { error_code: error_code::LICENSE_FAILED.into(), error_msg: e.to_string(), data: None },
    };
    json(StatusCode::OK, &reply)
}

pub async fn license_activate(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    license(state, method, uri, headers, body, true).await
}

pub async fn license_heartbeat(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    license(state, method, uri, headers, body, false).await
}
