//! The interface-health view on real gateways on loopback, on SQLite and on a real PostgreSQL: failed orders
//! against the delisting line, by product, slow replies, the last dial test [KG §7].

mod support;

use std::time::Duration;

use koodesk_gateway::db::Enriched;
use koodesk_gateway::{DatabaseUrl, GatewayConfig, Provisioning, RunningGateway};
use koodesk_protocol::interface_health::{InterfaceHealth, DELISTING_LINE, SLOW_MS};
use koodesk_protocol::secret::Secret;
use serde_json::{json, Value};
use support::pg::Postgres;
use support::{new_instance, now_ms, Kg, FEED_TOKEN, KEY};

/// How long the hook keeps a `LAG…` order: slower than [`SLOW_MS`], well inside KooGallery's timeout.
const LAG: Duration = Duration::from_millis(SLOW_MS as u64 + 300);

/// A provision hook that fails `FAIL…` orders (HTTP 500) and answers `LAG…` orders late.
async fn hook() -> String {
    let app = axum::Router::new().route(
        "/provision",
        axum::routing::post(|body: axum::body::Bytes| async move {
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let order = v["orderId"].as_str().unwrap_or("").to_string();
            if order.starts_with("FAIL") {
                return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, String::new());
            }
            if order.starts_with("LAG") {
                tokio::time::sleep(LAG).await;
            }
            let id = v["instanceId"].as_str().unwrap_or("");
            (axum::http::StatusCode::OK, json!({"frontEndUrl": format!("https://tenant.example/{id}")}).to_string())
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/provision")
}

async fn view(gw: &RunningGateway) -> InterfaceHealth {
    let body = support::feed_body(&gw.base_url, "/feed/v1/interface-health").await;
    serde_json::from_slice(&body).expect("the view parses as the protocol's type")
}

fn details(product_id: &str) -> Enriched {
    Enriched {
        order_line_id: String::new(),
        order_type: "NEW".into(),
        created_at: "2026-12-01T10:00:00+08:00".into(),
        charging_mode: "PERIOD".into(),
        period_type: Some("month".into()),
        period_number: Some(1),
        product_id: product_id.into(),
        sku_code: None,
        product_name: "Demo SaaS".into(),
        amount: "99.00".into(),
        buyer_id: "b1".into(),
        buyer_name: "Buyer".into(),
        buyer_kind: "person".into(),
    }
}

async fn scenario(db: DatabaseUrl) {
    let mut cfg =
        GatewayConfig::new("127.0.0.1:0".parse().expect("addr"), db, Secret::new(KEY), Secret::new(FEED_TOKEN));
    cfg.provisioning = Provisioning::Hook { url: hook().await, timeout: Duration::from_secs(4) };
    let gw = koodesk_gateway::start(cfg).await.expect("the gateway starts");
    let kg = Kg::new(&gw.interface_url);

    let empty = view(&gw).await;
    assert_eq!((empty.calls, empty.failed_orders, empty.replies.slow), (0, 0, 0));
    assert_eq!(empty.replies.slowest_ms, None, "no call, no slowest reply");
    assert!(empty.last_dial_test.is_none() && empty.products.is_empty());

    for o in ["FAIL1", "FAIL2", "FAIL3"] {
        let code = kg.call(&new_instance(o, &format!("{o}-000001"))).await.code();
        assert!(code != "000000" && code != "000004", "{o} fails: {code}");
    }
    // KooGallery retries a failed order hourly: a retry is the same failed order, not another [KG §7].
    kg.call(&new_instance("FAIL1", "FAIL1-000001")).await;
    assert_eq!(kg.call(&new_instance("OK1", "OK1-000001")).await.code(), "000000");
    assert_eq!(kg.call(&new_instance("LAG1", "LAG1-000001")).await.code(), "000000");
    let mut dial = new_instance("TEST1", "TEST1-000001");
    dial["testFlag"] = json!("1");
    assert_eq!(kg.call(&dial).await.code(), "000000");
    // Two of the failed orders are described by order/query, of two products.
    gw.db.save_enrichment("FAIL1", &details("P-A"), now_ms()).await.expect("details");
    gw.db.save_enrichment("FAIL2", &details("P-B"), now_ms()).await.expect("details");

    let h = view(&gw).await;
    assert_eq!(h.calls, 6, "real calls only: {h:?}");
    assert_eq!(h.failed_orders, 3, "{h:?}");
    assert_eq!(h.delisting_line, DELISTING_LINE);
    assert!(!h.over_the_line);
    let by: Vec<(Option<&str>, i64)> = h.products.iter().map(|p| (p.product_id.as_deref(), p.failed_orders)).collect();
    assert_eq!(by, [(Some("P-A"), 1), (Some("P-B"), 1), (None, 1)], "by product, the unknown one last");
    assert_eq!(h.replies.slow, 1, "{:?}", h.replies);
    assert_eq!(h.replies.timed_out, 0);
    assert!(h.replies.slowest_ms.is_some_and(|ms| ms >= LAG.as_millis() as i64), "{:?}", h.replies);
    let dial = h.last_dial_test.expect("the debug call is the last dial test");
    assert_eq!((dial.activity.as_str(), dial.result_code.as_str()), ("newInstance", "000000"));

    // Three more failed orders pass the line.
    for o in ["FAIL4", "FAIL5", "FAIL6"] {
        kg.call(&new_instance(o, &format!("{o}-000001"))).await;
    }
    let h = view(&gw).await;
    assert_eq!(h.failed_orders, 6);
    assert!(h.over_the_line, "more than {DELISTING_LINE} failed orders: over the line");
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("gateway-health-{}-{}.db", std::process::id(), rand::random::<u32>()));
    scenario(DatabaseUrl::Sqlite(path)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    let pg = Postgres::start();
    scenario(DatabaseUrl::parse(&pg.url()).expect("url")).await;
}
