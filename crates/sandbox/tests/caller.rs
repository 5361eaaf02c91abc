//! The sandbox as KooGallery: signed production-interface calls to a seller's server, retried on the schedule.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use koodesk_domain::time;
use koodesk_protocol::replay::{Scheme, SignedCall, Verifier};
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use koodesk_sandbox::{serve, SandboxConfig};
use serde_json::{json, Value};

const KEY: &str = "merchant-interface-key-0123456789";

#[derive(Default)]
struct Merchant {
    fail_first: usize,
    bad_body_sign: bool,
    calls: Vec<Value>,
    refused: usize,
}

type Shared = Arc<(Verifier, Mutex<Merchant>)>;

async fn saasproduce(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>, body: Bytes) -> Response {
    let call = SignedCall {
        signature: q.get("signature").map(String::as_str),
        timestamp: q.get("timestamp").map(String::as_str),
        nonce: q.get("nonce").map(String::as_str),
        body: &body,
    };
    let now = chrono::Utc::now().timestamp_millis();
    let mut m = s.1.lock().expect("lock");
    if s.0.verify(Scheme::V2, call, now).is_err() {
        m.refused += 1;
        return (StatusCode::OK, r#"{"resultCode":"000001","resultMsg":"authentication failed"}"#).into_response();
    }
    let req: Value = serde_json::from_slice(&body).expect("json body");
    m.calls.push(req.clone());
    if m.calls.len() <= m.fail_first {
        return (StatusCode::INTERNAL_SERVER_ERROR, "busy").into_response();
    }
    let reply = json!({"resultCode": "000000", "resultMsg": "success", "instanceId": format!("i-{}", req["orderId"].as_str().unwrap_or(""))}).to_string();
    let key = if m.bad_body_sign { "some-other-key" } else { KEY };
    let sign = signature::body_sign_header(key, reply.as_bytes());
    (StatusCode::OK, [("Body-Sign", sign), ("Content-Type", "application/json".to_string())], reply).into_response()
}

async fn merchant(m: Merchant) -> (String, Shared) {
    let shared: Shared = Arc::new((Verifier::new(Secret::new(KEY)), Mutex::new(m)));
    let app = Router::new().route("/saasproduce", post(saasproduce)).with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/saasproduce", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, shared)
}

async fn wait_done(http: &reqwest::Client, base: &str, token: &str, id: u64) -> Value {
    for _ in 0..200 {
        let list: Vec<Value> = http
            .get(format!("{base}/admin/production-calls"))
            .bearer_auth(token)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        if let Some(d) = list.into_iter().find(|d| d["id"] == id) {
            if d["done"] == true {
                return d;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("delivery {id} did not finish");
}

/// A small sandbox whose clock runs at `speed`, with an HTTP client and its admin token.
async fn sandbox(speed: f64) -> (koodesk_sandbox::RunningSandbox, reqwest::Client, String) {
    let mut cfg = SandboxConfig::new(0, 1, time::parse_datetime("2026-11-29T10:00:00").expect("time"));
    cfg.world.history_days = 2;
    cfg.speed = speed;
    let sb = serve(cfg).await.expect("sandbox");
    let token = sb.state.cfg.feed_token.expose().to_string();
    (sb, reqwest::Client::new(), token)
}

/// Starts a production-interface delivery through the admin API; returns its ID.
async fn start_delivery(http: &reqwest::Client, base: &str, token: &str, body: &Value) -> u64 {
    let r: Value = http
        .post(format!("{base}/admin/production-calls"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    r["id"].as_u64().expect("id")
}

fn new_instance() -> Value {
    json!({"url": "", "key": KEY, "request": {"activity": "newInstance", "orderId": "CS2611291000ABCDE", "orderLineId": "CS2611291000ABCDE-000001", "businessId": "x"}})
}

#[tokio::test]
async fn new_instance_is_retried_hourly_until_accepted() {
    let (url, shared) = merchant(Merchant { fail_first: 2, ..Merchant::default() }).await;
    let (sb, http, token) = sandbox(7200.0).await; // two hours a second: the retries come quickly
    let mut body = new_instance();
    body["url"] = json!(url);
    let id = start_delivery(&http, &sb.base_url(), &token, &body).await;
    let d = wait_done(&http, &sb.base_url(), &token, id).await;
    assert_eq!(d["outcome"], "succeeded");
    let attempts = d["attempts"].as_array().expect("attempts");
    assert_eq!(attempts.len(), 3, "two failures, then accepted on the second retry");
    assert_eq!(attempts[0]["http_status"], 500);
    assert_eq!(attempts[2]["result_code"], "000000");
    assert_eq!(attempts[2]["body_sign_valid"], true);
    // The retries came an hour apart on the sandbox clock.
    let at = |i: usize| time::parse_datetime(attempts[i]["at"].as_str().expect("at")).expect("time");
    assert!(at(1) - at(0) >= chrono::Duration::hours(1) && at(2) - at(0) >= chrono::Duration::hours(2));
    {
        let m = shared.1.lock().expect("lock");
        assert_eq!(m.refused, 0, "every call was signed correctly");
        let ids: std::collections::HashSet<&str> = m.calls.iter().filter_map(|c| c["businessId"].as_str()).collect();
        assert_eq!(ids.len(), 3, "businessId is new on every call");
    }
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn a_server_that_never_answers_well_fails_after_three_hours() {
    let (url, _shared) = merchant(Merchant { fail_first: 100, ..Merchant::default() }).await;
    let (sb, http, token) = sandbox(0.0).await;
    let mut body = new_instance();
    body["url"] = json!(url);
    let id = start_delivery(&http, &sb.base_url(), &token, &body).await;
    // The clock stands still until the test moves it: advance an hour at a time.
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        http.post(format!("{}/admin/clock", sb.base_url()))
            .bearer_auth(&token)
            .json(&json!({"advance_seconds": 3600}))
            .send()
            .await
            .expect("sent");
    }
    let d = wait_done(&http, &sb.base_url(), &token, id).await;
    assert_eq!(d["outcome"], "failed");
    assert_eq!(d["attempts"].as_array().map(Vec::len), Some(4), "first try + 3 hourly retries");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn wrong_body_sign_and_wrong_key_are_recorded() {
    let (url, shared) = merchant(Merchant { bad_body_sign: true, ..Merchant::default() }).await;
    let (sb, http, token) = sandbox(36000.0).await;
    let body = json!({"url": url, "key": KEY, "request": {"activity": "releaseInstance", "instanceId": "i-1"}});
    let id = start_delivery(&http, &sb.base_url(), &token, &body).await;
    let d = wait_done(&http, &sb.base_url(), &token, id).await;
    let first = &d["attempts"][0];
    assert_eq!(first["body_sign_valid"], false);
    assert!(first["error"].as_str().expect("error").contains("Body-Sign"));
    assert_eq!(d["attempts"].as_array().map(Vec::len), Some(2), "release: retried for an hour");

    // Signed with another key: the merchant refuses with 000001.
    let body =
        json!({"url": url, "key": "not-the-key", "request": {"activity": "releaseInstance", "instanceId": "i-1"}});
    let id = start_delivery(&http, &sb.base_url(), &token, &body).await;
    let d = wait_done(&http, &sb.base_url(), &token, id).await;
    assert_eq!(d["attempts"][0]["result_code"], "000001");
    assert!(shared.1.lock().expect("lock").refused >= 1);

    let outside =
        json!({"url": "http://10.1.2.3/saasproduce", "request": {"activity": "releaseInstance", "instanceId": "i-1"}});
    let r = http
        .post(format!("{}/admin/production-calls", sb.base_url()))
        .bearer_auth(&token)
        .json(&outside)
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::BAD_REQUEST, "the sandbox calls only this machine");
    sb.stop().await.expect("stops");
}
