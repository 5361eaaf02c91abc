//! The real sandbox server on a loopback port: every route, its errors, faults, and the world on its clock.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use koodesk_domain::money::Cny;
use koodesk_domain::time;
use koodesk_protocol::apig;
use koodesk_protocol::feed::{
    ActionOutcome, FeedError, FeedFlow, FeedInvoiceRequest, FeedOrder, FeedUnsubscription, Page,
};
use koodesk_protocol::open_api::{self as api, LicenseReply, OrderQueryReply, OrderType};
use koodesk_protocol::signature;
use koodesk_sandbox::rate_limit::RateLimiter;
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn sandbox(seed: u64) -> RunningSandbox {
    let start = time::parse_datetime("2026-11-29T10:00:00").expect("time");
    let mut cfg = SandboxConfig::new(0, seed, start);
    cfg.speed = 0.0;
    cfg.world.history_days = 45;
    cfg.world.orders_per_day = 30.0;
    serve(cfg).await.expect("sandbox starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

struct Feed<'a> {
    sb: &'a RunningSandbox,
    http: reqwest::Client,
}

impl Feed<'_> {
    fn token(&self) -> String {
        self.sb.state.cfg.feed_token.expose().to_string()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.sb.base_url())).bearer_auth(self.token()).send().await.expect("sent")
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.sb.base_url()))
            .bearer_auth(self.token())
            .json(&body)
            .send()
            .await
            .expect("sent")
    }

    /// Reads a whole feed, checking every page's Body-Sign.
    async fn all<T: serde::de::DeserializeOwned>(&self, kind: &str) -> Vec<T> {
        let mut out = Vec::new();
        let mut cursor = String::new();
        loop {
            let resp = self.get(&format!("/feed/v1/{kind}?limit=200&cursor={cursor}")).await;
            assert_eq!(resp.status(), StatusCode::OK);
            let sig = resp.headers().get("Body-Sign").and_then(|v| v.to_str().ok()).expect("signed").to_string();
            let body = resp.bytes().await.expect("body");
            signature::body_sign_verify(&self.token(), &body, &sig).expect("Body-Sign verifies");
            let page: Page<T> = serde_json::from_slice(&body).expect("page");
            out.extend(page.items);
            cursor = page.next_cursor;
            if !page.has_more {
                return out;
            }
        }
    }
}

/// Sends an APIG-signed open-API request.
async fn open_api(
    sb: &RunningSandbox,
    method: &str,
    path_and_query: &str,
    body: &str,
    sk: Option<&str>,
) -> reqwest::Response {
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let mut req = apig::Request {
        method: method.into(),
        path: format!("/api/mkp-openapi-public/global/v1/{path}"),
        query: apig::Request::parse_query(query),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
    };
    let host = sb.addr.to_string();
    let secret = sk.map(str::to_string).unwrap_or_else(|| sb.state.cfg.secret_key.expose().to_string());
    apig::sign(&mut req, &sb.state.cfg.access_key, &secret, &host, Utc::now()).expect("signs");
    let url = format!("{}{}?{}", sb.base_url(), req.path, req.canonical_query());
    let mut b = client().request(method.parse().expect("method"), url).body(body.to_string());
    for (k, v) in &req.headers {
        b = b.header(k, v);
    }
    b.send().await.expect("sent")
}

#[tokio::test]
async fn feed_pages_are_authorised_signed_and_complete() {
    let sb = sandbox(1).await;
    let feed = Feed { sb: &sb, http: client() };
    let orders: Vec<FeedOrder> = feed.all("orders").await;
    assert_eq!(orders.len(), sb.state.world().stats().orders);
    let flows: Vec<FeedFlow> = feed.all("supervision").await;
    assert!(!flows.is_empty());
    let _: Vec<FeedUnsubscription> = feed.all("unsubscriptions").await;
    let _: Vec<FeedInvoiceRequest> = feed.all("invoice-requests").await;
    let bills: Vec<Value> = feed.all("bills").await;
    assert!(!bills.is_empty());

    let no_token = client().get(format!("{}/feed/v1/orders", sb.base_url())).send().await.expect("sent");
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    let wrong =
        client().get(format!("{}/feed/v1/orders", sb.base_url())).bearer_auth("kdf_wrong").send().await.expect("sent");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    for (path, status, code) in [
        ("/feed/v1/nothing", StatusCode::NOT_FOUND, "not-found"),
        ("/feed/v1/orders?cursor=bills.1", StatusCode::BAD_REQUEST, "bad-cursor"),
        ("/feed/v1/orders?limit=0", StatusCode::BAD_REQUEST, "invalid"),
        ("/feed/v1/orders?limit=5001", StatusCode::BAD_REQUEST, "invalid"),
    ] {
        let r = feed.get(path).await;
        assert_eq!(r.status(), status, "{path}");
        let e: FeedError = r.json().await.expect("error body");
        assert_eq!(e.code, code, "{path}");
    }
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn seller_actions_reach_the_world_idempotently() {
    let sb = sandbox(2).await;
    let feed = Feed { sb: &sb, http: client() };
    let flows: Vec<FeedFlow> = feed.all("supervision").await;
    let flow = flows
        .iter()
        .find(|f| f.step == koodesk_domain::supervision::Step::ConfirmRequirements && f.frozen_by.is_none())
        .expect("a flow waiting for the merchant to confirm");
    let path = format!("/feed/v1/supervision/{}/actions", flow.order_id);
    let r = feed.post(&path, json!({"action_id": "a-1", "action": "confirm"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let first: ActionOutcome = r.json().await.expect("outcome");
    let again: ActionOutcome =
        feed.post(&path, json!({"action_id": "a-1", "action": "confirm"})).await.json().await.expect("outcome");
    assert!(again.repeated && again.seq == first.seq);
    let refused = feed.post(&path, json!({"action_id": "a-2", "action": "confirm"})).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let e: FeedError = refused.json().await.expect("error");
    assert!(e.message.contains("not allowed"), "{}", e.message);
    let bad = feed.post(&path, json!({"action": "confirm"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Delivery proof as a file.
    let url =
        format!("{}/feed/v1/supervision/{}/delivery?action_id=d-1&file_name=report.pdf", sb.base_url(), flow.order_id);
    let r = feed.http.post(url).bearer_auth(feed.token()).body(vec![7u8; 4096]).send().await.expect("sent");
    assert_eq!(r.status(), StatusCode::OK);
    let flows: Vec<FeedFlow> = feed.all("supervision").await;
    let moved = flows.iter().find(|f| f.order_id == flow.order_id).expect("flow");
    assert_eq!(moved.step, koodesk_domain::supervision::Step::Accept);
    assert_eq!(moved.history.last().map(|t| t.action.name()), Some("deliver"));
    let missing =
        feed.post("/feed/v1/supervision/CSNOPE/actions", json!({"action_id": "a-9", "action": "confirm"})).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn the_clock_advances_the_world_and_unsubscriptions_and_invoices_can_be_acted_on() {
    let sb = sandbox(3).await;
    let feed = Feed { sb: &sb, http: client() };
    let before = sb.state.world().stats();
    let r = feed.post("/admin/clock", json!({"advance_seconds": 3 * 86400})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let clock: Value = r.json().await.expect("clock");
    assert_eq!(clock["now"], "2026-12-02T10:00:00+08:00");
    let after = sb.state.world().stats();
    assert!(after.orders > before.orders, "three days bring orders");
    let back = feed.post("/admin/clock", json!({"set": "2026-01-01T00:00:00"})).await;
    assert_eq!(back.status(), StatusCode::BAD_REQUEST, "the clock only moves forward");

    let unsubs: Vec<FeedUnsubscription> = feed.all("unsubscriptions").await;
    let pending =
        unsubs.iter().find(|u| u.status == koodesk_protocol::feed::UnsubscriptionStatus::Pending).expect("pending");
    let r = feed
        .post(
            &format!("/feed/v1/unsubscriptions/{}/decision", pending.id),
            json!({"action_id": "u-1", "approve": false, "reason": "服务已交付"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let invoices: Vec<FeedInvoiceRequest> = feed.all("invoice-requests").await;
    let open =
        invoices.iter().find(|i| i.status == koodesk_protocol::feed::InvoiceRequestStatus::Requested).expect("open");
    let path = format!("/feed/v1/invoice-requests/{}/issued", open.id);
    let bad = feed.post(&path, json!({"action_id": "i-0", "invoice_number": "x"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let ok = feed.post(&path, json!({"action_id": "i-1", "invoice_number": "26120000000000000042"})).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let invoices: Vec<FeedInvoiceRequest> = feed.all("invoice-requests").await;
    let issued = invoices.iter().find(|i| i.id == open.id).expect("request");
    assert_eq!(issued.invoice_number.as_deref(), Some("26120000000000000042"));
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn order_query_with_apig_signatures() {
    let sb = sandbox(4).await;
    let order = sb.state.world().orders()[3].id.clone();
    let r = open_api(&sb, "GET", &format!("order/query?orderId={order}"), "", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let reply: OrderQueryReply = r.json().await.expect("reply");
    assert_eq!(reply.result_code, api::error_code::SUCCESS);
    let info = reply.order_info.expect("order");
    assert_eq!(info.order_id, order);
    assert_eq!(info.order_line[0].order_line_id, format!("{order}-000001"));

    for id in api::MOCK_ORDER_IDS {
        let r = open_api(&sb, "GET", &format!("order/query?orderId={id}&orderLineId={id}-000001"), "", None).await;
        let reply: OrderQueryReply = r.json().await.expect("reply");
        assert_eq!(reply.result_code, api::error_code::SUCCESS, "{id}");
    }
    let trial: OrderQueryReply =
        open_api(&sb, "GET", "order/query?orderId=MOCKPERIODDAYTRIAL", "", None).await.json().await.expect("reply");
    assert_eq!(trial.order_info.expect("order").order_type, OrderType::Trial);

    let unknown: OrderQueryReply =
        open_api(&sb, "GET", "order/query?orderId=CSNOSUCHORDER", "", None).await.json().await.expect("reply");
    assert_eq!(unknown.result_code, api::error_code::ILLEGAL_OPERATION);
    let r = open_api(&sb, "GET", "order/query?orderLineId=x", "", None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let wrong_sk = open_api(&sb, "GET", &format!("order/query?orderId={order}"), "", Some("not-the-secret")).await;
    assert_eq!(wrong_sk.status(), StatusCode::UNAUTHORIZED);
    let v: Value = wrong_sk.json().await.expect("error");
    assert_eq!(v["error_code"], "APIGW.0301");
    let unsigned = client()
        .get(format!("{}/api/mkp-openapi-public/global/v1/order/query?orderId={order}", sb.base_url()))
        .send()
        .await
        .expect("sent");
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn order_query_answers_with_the_real_field_names() {
    let mut cfg = SandboxConfig::new(0, 14, time::parse_datetime("2026-11-29T10:00:00").expect("time"));
    cfg.speed = 0.0;
    cfg.world.history_days = 30;
    cfg.world.orders_per_day = 200.0; // enough SaaS period orders for a few trials among them
    let sb = serve(cfg).await.expect("sandbox starts");
    let orders: Vec<(String, String, bool, bool)> = {
        let w = sb.state.world();
        w.orders()
            .iter()
            .map(|o| {
                let p = &w.products()[o.product];
                let period = p.billing_mode == koodesk_domain::catalog::BillingMode::Period;
                (o.id.clone(), o.amount.to_string(), period, o.order_type == OrderType::Trial)
            })
            .collect()
    };
    let period = orders.iter().find(|o| o.2 && !o.3).expect("a period order");
    let one_time = orders.iter().find(|o| !o.2).expect("an order that is not by period");
    let trial = orders.iter().find(|o| o.3).expect("a trial");
    for (id, paid, is_period, is_trial) in [period, one_time, trial] {
        let r = open_api(&sb, "GET", &format!("order/query?orderId={id}"), "", None).await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.expect("json");
        let line = &v["orderInfo"]["orderLine"][0];
        assert_eq!(line["currencyAfterDiscount"], json!(paid), "{id}: what the buyer paid");
        assert_eq!(line["amount"], json!(paid), "{id}: the sandbox's own name stays");
        let list = line["currency"].as_str().expect("currency, a string");
        let list: Cny = list.parse().expect("currency is an amount in yuan");
        let paid: Cny = paid.parse().expect("an amount");
        assert!(list >= paid, "{id}: the list price is not below what was paid");
        if *is_trial {
            assert!(paid.is_zero() && !list.is_zero(), "{id}: a trial lists its price and costs nothing");
        }
        assert_eq!(line["periodType"].is_string(), *is_period, "{id}: periodType on period lines only");
        assert_eq!(line["periodNumber"].is_u64(), *is_period, "{id}: periodNumber on period lines only");
        let product = &line["productInfo"][0];
        for name in ["productId", "skuCode", "productName"] {
            assert!(product[name].as_str().is_some_and(|s| !s.is_empty()), "{id}: productInfo[0].{name}");
        }
        let buyer = &v["orderInfo"]["buyerInfo"];
        for name in ["customerId", "customerName", "customerRealName", "customerType", "userId", "userName"] {
            assert!(buyer[name].as_str().is_some_and(|s| !s.is_empty()), "{id}: buyerInfo.{name}");
        }
        assert!(["0", "1"].contains(&buyer["customerType"].as_str().unwrap_or("")), "{id}");
        // The typed reply reads the same names.
        let typed: OrderQueryReply = serde_json::from_value(v).expect("typed reply");
        let line = &typed.order_info.expect("order").order_line[0];
        assert_eq!(line.currency_after_discount, line.amount);
    }
    let mock: Value =
        open_api(&sb, "GET", "order/query?orderId=MOCKPERIODYEARNEW", "", None).await.json().await.expect("json");
    assert_eq!(mock["orderInfo"]["orderLine"][0]["currencyAfterDiscount"], "100.00");
    assert_eq!(mock["orderInfo"]["buyerInfo"]["userName"], "mockuser");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn the_open_api_refuses_calls_over_the_rate_limit_with_406_mkt_0250() {
    // The limiter runs on a clock the test moves, so no request depends on how fast the last one went.
    let mut cfg = SandboxConfig::new(0, 15, time::parse_datetime("2026-11-29T10:00:00").expect("time"));
    cfg.speed = 0.0;
    cfg.world.history_days = 2;
    cfg.open_api_rate_limit = Some(2);
    let bind = cfg.bind;
    let mut state = koodesk_sandbox::http::AppState::new(cfg);
    assert_eq!(state.open_api_limiter.as_ref().map(|l| l.per_second()), Some(2), "the config sets the limit");
    let now = Arc::new(Mutex::new(std::time::Instant::now()));
    let read = now.clone();
    state.open_api_limiter = Some(RateLimiter::with_clock(2, move || *read.lock().expect("clock")));
    let sb = koodesk_sandbox::serve_state(Arc::new(state), bind).await.expect("sandbox starts");

    let query = "order/query?orderId=MOCKPERIODYEARNEW";
    for i in 0..2 {
        let r = open_api(&sb, "GET", query, "", None).await;
        assert_eq!(r.status(), StatusCode::OK, "request {i} is within the limit");
    }
    let r = open_api(&sb, "GET", query, "", None).await;
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE, "the third in the same second is over the limit");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["error_code"], api::error_code::RATE_LIMITED);
    assert_eq!(v["resultCode"], api::error_code::RATE_LIMITED);
    assert_eq!(v["error_msg"], "access frequency over limit");
    assert_eq!(v["resultMsg"], "access frequency over limit");
    // Every open-API route shares the access key's window.
    let r = open_api(&sb, "POST", "license/heartbeat", r#"{"license":"LIC-X"}"#, None).await;
    assert_eq!(r.status(), StatusCode::NOT_ACCEPTABLE);
    // A bad signature is refused as such, before it is counted.
    let r = open_api(&sb, "GET", query, "", Some("not-the-secret")).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // The feed is not the open API: not limited.
    let feed = Feed { sb: &sb, http: client() };
    assert_eq!(feed.get("/feed/v1/orders?limit=1").await.status(), StatusCode::OK);

    *now.lock().expect("clock") += koodesk_sandbox::rate_limit::WINDOW;
    let r = open_api(&sb, "GET", query, "", None).await;
    assert_eq!(r.status(), StatusCode::OK, "a second later the key may call again");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn usage_data_and_license_routes() {
    let sb = sandbox(5).await;
    let key = sb.state.cfg.interface_key.expose().to_string();
    let body = json!({"usage_records": [{"instance_id": "i-1", "record_time": "20261129T020000Z", "begin_time": "20261129T010000Z", "end_time": "20261129T020000Z", "usage_value": "12.5"}]}).to_string();
    let send = |body: String, sig: String| {
        let sb = &sb;
        async move {
            let mut req = apig::Request {
                method: "POST".into(),
                path: "/api/mkp-openapi-public/global/v1/isv/usage-data".into(),
                query: vec![],
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("signature".into(), sig),
                    ("ts".into(), "1764381600000".into()),
                    ("nonce".into(), "n-1".into()),
                ],
                body: body.clone().into_bytes(),
            };
            apig::sign(
                &mut req,
                &sb.state.cfg.access_key,
                sb.state.cfg.secret_key.expose(),
                &sb.addr.to_string(),
                Utc::now(),
            )
            .expect("signs");
            let mut b = client().post(format!("{}{}", sb.base_url(), req.path)).body(body);
            for (k, v) in &req.headers {
                b = b.header(k, v);
            }
            b.send().await.expect("sent")
        }
    };
    let sig = api::usage_signature(&key, "1764381600000", "n-1", &body);
    let r = send(body.clone(), sig.clone()).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let r = send(body.replace("12.5", "13.5"), sig).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "the usage signature covers the body");
    let bad = body.replace("12.5", "-1");
    let r = send(bad.clone(), api::usage_signature(&key, "1764381600000", "n-1", &bad)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.expect("text").contains("usage_value"));

    // License 2.0: activating the code moves the flow past 授权码激活.
    let code = {
        let w = sb.state.world();
        let flows = w.flows();
        let f = flows
            .iter()
            .find(|f| f.flow.step() == koodesk_domain::supervision::Step::ActivateCode && !f.flow.is_frozen())
            .or_else(|| flows.iter().find(|f| f.flow.product() == koodesk_domain::supervision::ProductType::License2))
            .expect("a License 2.0 order");
        w.license_code(f.order).expect("code")
    };
    let reply: LicenseReply = open_api(&sb, "POST", "license/activate", &json!({"license": code}).to_string(), None)
        .await
        .json()
        .await
        .expect("reply");
    assert_eq!(reply.error_code, api::error_code::LICENSE_SUCCESS);
    let info: Value = serde_json::from_str(&reply.data.expect("data").license_code_info).expect("info json");
    assert!(info["status"] == "ALIVE" || info["status"] == "RELEASED");
    let hb: LicenseReply = open_api(&sb, "POST", "license/heartbeat", &json!({"license": code}).to_string(), None)
        .await
        .json()
        .await
        .expect("reply");
    assert_eq!(hb.error_code, api::error_code::LICENSE_SUCCESS);
    let unknown: LicenseReply =
        open_api(&sb, "POST", "license/activate", &json!({"license": "LIC-NOPE"}).to_string(), None)
            .await
            .json()
            .await
            .expect("reply");
    assert_eq!(unknown.error_code, api::error_code::LICENSE_FAILED);
    let r = open_api(&sb, "POST", "license/activate", "{}", None).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn oauth_code_and_refresh_flows() {
    let sb = sandbox(6).await;
    let http = client();
    let base = sb.base_url();
    let (id, secret) = (sb.state.cfg.oauth_client_id.clone(), sb.state.cfg.oauth_client_secret.expose().to_string());
    let page = http
        .get(format!("{base}/api/v1/oauth2/authorize"))
        .query(&[
            ("client_id", id.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("response_type", "code"),
            ("state", "xyz"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains("同意授权"));
    let buyer = sb.state.world().buyers()[0].id.clone();
    let consent = http
        .post(format!("{base}/api/v1/oauth2/authorize"))
        .form(&[
            ("client_id", id.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("state", "xyz"),
            ("buyer_id", &buyer),
            ("decision", "approve"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(consent.status(), StatusCode::SEE_OTHER);
    let location = consent.headers()["location"].to_str().expect("location").to_string();
    assert!(location.starts_with("http://127.0.0.1:9/cb?code=") && location.ends_with("&state=xyz"), "{location}");
    let code = location.split("code=").nth(1).and_then(|s| s.split('&').next()).expect("code").to_string();

    let token = |form: Vec<(&'static str, String)>| {
        let http = http.clone();
        let url = format!("{base}/api/v1/oauth2/token");
        async move { http.post(url).form(&form).send().await.expect("sent") }
    };
    let r = token(vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.clone()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Value = r.json().await.expect("token");
    assert_eq!((t["token_type"].as_str(), t["expires_in"].as_i64()), (Some("Bearer"), Some(7200)));
    // Codes are single-use.
    let again = token(vec![
        ("grant_type", "authorization_code".into()),
        ("code", code),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(again.json::<Value>().await.expect("error")["error"], "invalid_grant");
    let bad_client = token(vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", "x".into()),
        ("client_id", id.clone()),
        ("client_secret", "wrong".into()),
    ])
    .await;
    assert_eq!(bad_client.status(), StatusCode::UNAUTHORIZED);

    let access = t["access_token"].as_str().expect("access").to_string();
    let me: Value = http
        .get(format!("{base}/api/v1/oauth2/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(me["id"], json!(buyer));
    // Two hours later on the sandbox clock, the access token has expired; the refresh token works.
    sb.state.clock.advance(chrono::Duration::hours(2) + chrono::Duration::seconds(1)).expect("advance");
    let expired = http.get(format!("{base}/api/v1/oauth2/userinfo")).bearer_auth(&access).send().await.expect("sent");
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    let refresh = t["refresh_token"].as_str().expect("refresh").to_string();
    let r = token(vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", refresh.clone()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let t2: Value = r.json().await.expect("token");
    let ok = http
        .get(format!("{base}/api/v1/oauth2/userinfo"))
        .bearer_auth(t2["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ok.status(), StatusCode::OK);
    // Refresh tokens rotate, and expire after 30 days.
    let reused = token(vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", refresh),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    sb.state.clock.advance(chrono::Duration::days(30) + chrono::Duration::seconds(1)).expect("advance");
    let late = token(vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", t2["refresh_token"].as_str().expect("rt").into()),
        ("client_id", id.clone()),
        ("client_secret", secret),
    ])
    .await;
    assert_eq!(late.status(), StatusCode::BAD_REQUEST);

    let out = http
        .get(format!("{base}/api/v1/logout?redirect_url=http%3A%2F%2F127.0.0.1%3A9%2Fbye"))
        .send()
        .await
        .expect("sent");
    assert_eq!(out.headers()["location"], "http://127.0.0.1:9/bye");
    let unknown = http
        .get(format!("{base}/api/v1/oauth2/authorize?client_id=nope&redirect_uri=http://x/&response_type=code"))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn injected_faults() {
    let sb = sandbox(7).await;
    let feed = Feed { sb: &sb, http: client() };
    let add = |rule: Value| feed.post("/admin/faults", rule);
    assert_eq!(
        add(json!({"route": "/feed/v1/orders", "kind": "status", "status": 503, "count": 1})).await.status(),
        StatusCode::OK
    );
    assert_eq!(feed.get("/feed/v1/orders").await.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(feed.get("/feed/v1/orders").await.status(), StatusCode::OK, "count 1: once");

    add(json!({"route": "/feed/v1/orders", "kind": "truncate", "count": 1})).await;
    let body = feed.get("/feed/v1/orders").await.bytes().await.expect("body");
    assert!(serde_json::from_slice::<Value>(&body).is_err(), "truncated JSON");

    add(json!({"route": "/feed/v1/orders", "kind": "bad-signature", "count": 1})).await;
    let r = feed.get("/feed/v1/orders").await;
    let sig = r.headers()["Body-Sign"].to_str().expect("sig").to_string();
    let body = r.bytes().await.expect("body");
    assert!(signature::body_sign_verify(&feed.token(), &body, &sig).is_err());

    add(json!({"route": "/feed/v1/orders", "kind": "reset", "count": 1})).await;
    let url = format!("{}/feed/v1/orders", sb.base_url());
    let dropped = match feed.http.get(url).bearer_auth(feed.token()).send().await {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(dropped, "the connection drops mid-reply");

    add(json!({"route": "/feed/v1/bills", "kind": "latency", "ms": 300, "count": 1})).await;
    let t = std::time::Instant::now();
    assert_eq!(feed.get("/feed/v1/bills").await.status(), StatusCode::OK);
    assert!(t.elapsed() >= std::time::Duration::from_millis(300));

    let listed: Vec<Value> = feed.get("/admin/faults").await.json().await.expect("list");
    assert!(listed.is_empty(), "all counts spent");
    let bad = add(json!({"route": "/x", "kind": "explode"})).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn only_loopback() {
    let mut cfg = SandboxConfig::new(0, 1, time::parse_datetime("2026-11-29T10:00:00").expect("time"));
    cfg.bind = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
    assert!(serve(cfg).await.is_err());
}

#[tokio::test]
async fn the_openapi_document_covers_every_feed_route() {
    let sb = sandbox(8).await;
    let yaml = client()
        .get(format!("{}/openapi/feed.yaml", sb.base_url()))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    for path in [
        "/feed/v1/{kind}:",
        "/feed/v1/supervision/{order_id}/actions:",
        "/feed/v1/supervision/{order_id}/delivery:",
        "/feed/v1/unsubscriptions/{id}/decision:",
        "/feed/v1/invoice-requests/{id}/issued:",
        "/feed/v1/interface-health:",
        "/admin/clock:",
        "/admin/faults:",
        "/admin/stats:",
        "/admin/orders:",
    ] {
        assert!(yaml.contains(path), "{path} is documented");
    }
    for kind in koodesk_protocol::feed::Kind::ALL {
        assert!(yaml.contains(kind.path()), "{kind:?} is documented");
    }
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn index_clock_and_stats_routes() {
    let sb = sandbox(9).await;
    let feed = Feed { sb: &sb, http: client() };
    let index = client().get(format!("{}/", sb.base_url())).send().await.expect("sent").text().await.expect("html");
    assert!(index.contains("KooDesk sandbox") && index.contains(&sb.state.cfg.access_key));
    assert!(!index.contains(sb.state.cfg.secret_key.expose()), "the index page never shows the secret key");
    let clock: Value = feed.get("/admin/clock").await.json().await.expect("clock");
    assert_eq!(clock["now"], "2026-11-29T10:00:00+08:00");
    assert_eq!(clock["speed"], 0.0);
    let stats: Value = feed.get("/admin/stats").await.json().await.expect("stats");
    assert_eq!(stats["world"]["orders"].as_u64(), Some(sb.state.world().stats().orders as u64));
    let unauthorised = client().get(format!("{}/admin/stats", sb.base_url())).send().await.expect("sent");
    assert_eq!(unauthorised.status(), StatusCode::UNAUTHORIZED);
    sb.stop().await.expect("stops");
}
