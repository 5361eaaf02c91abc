//! The sandbox as KooGallery: signed production-interface calls to a seller's server, retried on the schedule.
//!
//! The tests wait on the sandbox's own signal that a call was recorded (`AppState::calls_recorded`), then look:
//! no sleeping, no time budget. Each wait is bounded by a number of recorded calls, not by a time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use koodesk_domain::call_failure::CallFailure;
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

/// Recorded calls a wait looks at before it gives up: far more than any test here makes.
const MAX_RECORDED: usize = 1000;

/// The delivery `id` as the admin API lists it, once `done` holds for it: looked at now, then again each time
/// the sandbox records a call.
async fn delivery_until(
    sb: &koodesk_sandbox::RunningSandbox,
    http: &reqwest::Client,
    token: &str,
    id: u64,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    // Subscribed before looking, so a call recorded in between is not missed.
    let mut recorded = sb.state.calls_recorded();
    for _ in 0..MAX_RECORDED {
        let list: Vec<Value> = http
            .get(format!("{}/admin/production-calls", sb.base_url()))
            .bearer_auth(token)
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("json");
        if let Some(d) = list.into_iter().find(|d| d["id"] == id) {
            if done(&d) {
                return d;
            }
        }
        recorded.changed().await.expect("the sandbox is running");
    }
    panic!("delivery {id}: {what} did not happen in {MAX_RECORDED} recorded calls");
}

async fn wait_done(sb: &koodesk_sandbox::RunningSandbox, http: &reqwest::Client, token: &str, id: u64) -> Value {
    delivery_until(sb, http, token, id, "the end", |d| d["done"] == true).await
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
    let d = wait_done(&sb, &http, &token, id).await;
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
    // The clock stands still until the test moves it: an hour at a time, each once the attempt before is
    // recorded (so the first attempt's time, which the retries count from, is the clock before any move).
    for attempts in 1..=3 {
        let attempts_made = |d: &Value| d["attempts"].as_array().map_or(0, Vec::len) >= attempts;
        delivery_until(&sb, &http, &token, id, &format!("attempt {attempts}"), attempts_made).await;
        http.post(format!("{}/admin/clock", sb.base_url()))
            .bearer_auth(&token)
            .json(&json!({"advance_seconds": 3600}))
            .send()
            .await
            .expect("sent");
    }
    let d = wait_done(&sb, &http, &token, id).await;
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
    let d = wait_done(&sb, &http, &token, id).await;
    let first = &d["attempts"][0];
    assert_eq!(first["body_sign_valid"], false);
    assert!(first["error"].as_str().expect("error").contains("Body-Sign"));
    assert_eq!(d["attempts"].as_array().map(Vec::len), Some(2), "release: retried for an hour");

    // Signed with another key: the merchant refuses with 000001.
    let body =
        json!({"url": url, "key": "not-the-key", "request": {"activity": "releaseInstance", "instanceId": "i-1"}});
    let id = start_delivery(&http, &sb.base_url(), &token, &body).await;
    let d = wait_done(&sb, &http, &token, id).await;
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

// --- The world's SaaS orders called for real (`call_interface`), here at the crate's own sample interface. ---

use koodesk_protocol::feed::{FeedInterfaceCall, FeedOrder, OrderStatus, Page};
use koodesk_sandbox::sample_interface::{self, Flaw, SampleConfig};

/// A sample production interface with `KEY`, broken by `flaw`, provisioning after `polls` queryInstance polls
/// (a count, not a time; none: at once).
async fn sample(polls: u32, flaw: Flaw) -> sample_interface::RunningSample {
    let mut cfg = SampleConfig::new(0, Secret::new(KEY));
    cfg.provisioning = std::time::Duration::ZERO;
    cfg.provisioning_polls = polls;
    cfg.flaw = flaw;
    sample_interface::serve(cfg).await.expect("sample interface")
}

/// A sandbox standing still at 2026-11-29T10:00 that calls `url` for its SaaS orders, with `KEY`.
async fn calling_sandbox(url: &str) -> (koodesk_sandbox::RunningSandbox, reqwest::Client, String) {
    let mut cfg = SandboxConfig::new(0, 3, time::parse_datetime("2026-11-29T10:00:00").expect("time"));
    cfg.world.history_days = 2;
    cfg.speed = 0.0;
    cfg.interface_key = Secret::new(KEY);
    cfg.call_interface = Some(url.to_string());
    let sb = serve(cfg).await.expect("sandbox");
    let token = sb.state.cfg.feed_token.expose().to_string();
    (sb, reqwest::Client::new(), token)
}

/// Buyers place `body`'s orders now; their IDs.
async fn place(http: &reqwest::Client, base: &str, token: &str, body: Value) -> Vec<String> {
    let r = http.post(format!("{base}/admin/orders")).bearer_auth(token).json(&body).send().await.expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::CREATED, "{body}");
    let v: Value = r.json().await.expect("json");
    v["order_ids"].as_array().expect("ids").iter().map(|i| i.as_str().expect("id").to_string()).collect()
}

/// The whole orders feed.
async fn feed_orders(http: &reqwest::Client, base: &str, token: &str) -> Vec<FeedOrder> {
    let (mut out, mut cursor) = (Vec::new(), String::new());
    loop {
        let url = format!("{base}/feed/v1/orders?limit=500&cursor={cursor}");
        let page: Page<FeedOrder> =
            http.get(url).bearer_auth(token).send().await.expect("sent").json().await.expect("page");
        out.extend(page.items);
        cursor = page.next_cursor;
        if !page.has_more {
            return out;
        }
    }
}

/// Waits until the order's recorded calls satisfy `done` (the calls are made on the sandbox's own task): looked at
/// now, then again each time the sandbox records a call.
async fn calls_until(
    sb: &koodesk_sandbox::RunningSandbox,
    order_id: &str,
    what: &str,
    done: impl Fn(&[FeedInterfaceCall]) -> bool,
) -> Vec<FeedInterfaceCall> {
    // Subscribed before looking, so a call recorded in between is not missed.
    let mut recorded = sb.state.calls_recorded();
    for _ in 0..MAX_RECORDED {
        let calls = sb.state.world().order(order_id).map(|o| o.calls.clone()).unwrap_or_default();
        if done(&calls) {
            return calls;
        }
        recorded.changed().await.expect("the sandbox is running");
    }
    let calls = sb.state.world().order(order_id).map(|o| o.calls.clone());
    panic!("{order_id}: {what} did not happen in {MAX_RECORDED} recorded calls; calls so far: {calls:?}");
}

async fn advance(http: &reqwest::Client, base: &str, token: &str, seconds: i64) {
    let r = http
        .post(format!("{base}/admin/clock"))
        .bearer_auth(token)
        .json(&json!({"advance_seconds": seconds}))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status(), reqwest::StatusCode::OK);
}

#[tokio::test]
async fn new_saas_orders_are_called_for_real_and_the_feed_shows_the_interfaces_replies() {
    let interface = sample(0, Flaw::None).await;
    let (sb, http, token) = calling_sandbox(&interface.url).await;
    let base = sb.base_url();
    assert!(sb.state.world().orders().iter().all(|o| !o.live), "the history's calls are simulated");
    let ids = place(&http, &base, &token, json!({"count": 3, "access_type": "saas"})).await;
    assert_eq!(ids.len(), 3);
    for id in &ids {
        calls_until(&sb, id, "a newInstance answered 000000", |c| {
            c.iter().any(|x| x.result_code.as_deref() == Some("000000"))
        })
        .await;
    }
    let feed = feed_orders(&http, &base, &token).await;
    let mut instances = std::collections::HashSet::new();
    for id in &ids {
        let o = feed.iter().find(|o| &o.order_id == id).expect("in the feed");
        let first = &o.interface_calls[0];
        assert_eq!((first.activity.as_str(), first.attempt), ("newInstance", 1), "{id}");
        assert_eq!(first.result_code.as_deref(), Some("000000"), "{id}: the sample provisions at once");
        let instance = first.instance_id.as_deref().expect("the instanceId the sample returned");
        assert!(instance.starts_with("sample-"), "{id}: {instance} is the sample's, not a simulated one");
        assert!(instances.insert(instance.to_string()), "{id}: one instance per order");
        assert!(first.at >= o.created_at, "{id}");
        assert_eq!(o.status, OrderStatus::Completed, "{id}: provisioned, so complete");
        assert_eq!(o.settled_at.as_deref(), Some(first.at.as_str()), "{id}: in settlement once provisioned");
        // The order the call named is one order/query answers for, so a gateway can enrich it.
        let info = sb.state.world().order_info(id, Some(&o.order_line_id)).expect("order/query answers");
        assert_eq!(info.order_line[0].currency_after_discount.as_deref(), Some(o.amount.to_string().as_str()));
    }
    assert!(interface.served() >= 3, "the sample really was called: {}", interface.served());
    sb.stop().await.expect("stops");
    interface.stop().await;
}

#[tokio::test]
async fn after_000004_the_sandbox_polls_query_instance_and_renewals_refresh_the_real_instance() {
    let interface = sample(2, Flaw::None).await;
    let (sb, http, token) = calling_sandbox(&interface.url).await;
    let base = sb.base_url();
    let id = place(&http, &base, &token, json!({"count": 1, "access_type": "saas", "billing_mode": "period"})).await[0]
        .clone();
    let calls = calls_until(&sb, &id, "newInstance answered", |c| !c.is_empty()).await;
    assert_eq!(calls[0].result_code.as_deref(), Some("000004"), "the sample provisions asynchronously");
    let instance = calls[0].instance_id.clone().expect("instanceId with the 000004");
    // The clock stands still: each ten minutes the test moves it brings one poll, until the instance is ready.
    let mut polls = 0;
    while !calls_until(&sb, &id, "a poll answered", |c| c.len() > polls)
        .await
        .iter()
        .any(|c| c.activity == "queryInstance" && c.result_code.as_deref() == Some("000000"))
    {
        polls = sb.state.world().order(&id).map(|o| o.calls.len()).unwrap_or(0);
        advance(&http, &base, &token, 600).await;
        assert!(polls < 10, "the instance never became ready");
    }
    let feed = feed_orders(&http, &base, &token).await;
    let o = feed.iter().find(|o| o.order_id == id).expect("in the feed");
    let last = o.interface_calls.last().expect("calls");
    assert_eq!((last.activity.as_str(), last.instance_id.as_deref()), ("queryInstance", Some(instance.as_str())));
    assert_eq!(o.status, OrderStatus::Completed);
    let codes: Vec<(&str, Option<&str>)> =
        o.interface_calls.iter().map(|c| (c.activity.as_str(), c.result_code.as_deref())).collect();
    let (new, query) = ("newInstance", "queryInstance");
    let (processing, ready) = (Some("000004"), Some("000000"));
    assert_eq!(codes, [(new, processing), (query, processing), (query, processing), (query, ready)], "two polls");
    let at = |c: &FeedInterfaceCall| time::parse_datetime(&c.at).expect("time");
    assert!(at(&o.interface_calls[1]) - at(&o.interface_calls[0]) >= chrono::Duration::minutes(10));

    // A renewal of that order refreshes the instance the sample gave; the sample knows it.
    let renewal = place(&http, &base, &token, json!({"count": 1, "order_type": "RENEW", "of_order": id})).await;
    let calls = calls_until(&sb, &renewal[0], "refreshInstance answered", |c| !c.is_empty()).await;
    assert_eq!((calls[0].activity.as_str(), calls[0].result_code.as_deref()), ("refreshInstance", Some("000000")));
    // A renewal of an instance the interface never provisioned (one of the history's, simulated) gets what the
    // interface answers: 000003, instance not found.
    let history = {
        let w = sb.state.world();
        let saas_period = |o: &&koodesk_sandbox::world::OrderRec| {
            let p = &w.products()[o.product];
            p.access_type == koodesk_domain::catalog::AccessType::Saas
                && p.billing_mode == koodesk_domain::catalog::BillingMode::Period
        };
        w.orders().iter().filter(|o| !o.live).find(saas_period).map(|o| o.id.clone())
    };
    let history = history.expect("the history sold a SaaS period order");
    let renewal = place(&http, &base, &token, json!({"count": 1, "order_type": "RENEW", "of_order": history})).await;
    let calls = calls_until(&sb, &renewal[0], "refreshInstance answered", |c| !c.is_empty()).await;
    assert_eq!((calls[0].activity.as_str(), calls[0].result_code.as_deref()), ("refreshInstance", Some("000003")));
    sb.stop().await.expect("stops");
    interface.stop().await;
}

#[tokio::test]
async fn an_interface_that_answers_wrong_is_retried_hourly_then_the_order_fails_and_is_refunded() {
    let interface = sample(0, Flaw::WrongStatus).await;
    let (sb, http, token) = calling_sandbox(&interface.url).await;
    let base = sb.base_url();
    let id = place(&http, &base, &token, json!({"count": 1, "access_type": "saas"})).await[0].clone();
    for attempt in 1..=4usize {
        let calls = calls_until(&sb, &id, "the next attempt", |c| c.len() >= attempt).await;
        let last = &calls[attempt - 1];
        assert_eq!((last.activity.as_str(), last.attempt as usize), ("newInstance", attempt));
        assert_eq!(last.result_code, None, "201 is no proper reply");
        assert_eq!((last.failure, last.http_status), (Some(CallFailure::HttpStatus), Some(201)), "as codes");
        if attempt < 4 {
            advance(&http, &base, &token, 3600).await;
        }
    }
    let o = sb.state.world().order(&id).cloned().expect("order");
    assert_eq!(o.status, OrderStatus::Refunded, "three hourly retries, then the order fails");
    assert_eq!(o.settled_at, None);
    sb.stop().await.expect("stops");
    interface.stop().await;
}
