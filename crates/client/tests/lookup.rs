//! `order/query` lookups against the real sandbox on loopback, with its AK/SK: world and debug orders stored as
//! source `lookup`, an unknown ID reported while the others are stored, an imported order replaced, a feed's
//! order kept, the rate limit stopping the run, and the secret key in no report or message.

use std::sync::Arc;

use koodesk_client::lookup::{lookup, LookupError, LookupReport, OpenApi};
use koodesk_client::{sync, FeedClient, SyncOptions};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{OrderRecord, OrderState, OrderType, Records};
use koodesk_domain::time;
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::http::AppState;
use koodesk_sandbox::rate_limit::RateLimiter;
use koodesk_sandbox::{serve, serve_state, RunningSandbox, SandboxConfig};
use koodesk_store::import::OrderSource;
use koodesk_store::{Store, Writer};
use rust_decimal::Decimal;

fn config(seed: u64) -> SandboxConfig {
    let mut cfg = SandboxConfig::new(0, seed, time::parse_datetime("2026-11-29T10:00:00").expect("t"));
    cfg.speed = 0.0;
    cfg.world.history_days = 20;
    cfg
}

async fn sandbox(seed: u64) -> RunningSandbox {
    serve(config(seed)).await.expect("sandbox")
}

fn api(sb: &RunningSandbox) -> OpenApi {
    OpenApi {
        bases: vec![sb.base_url()],
        access_key: Secret::new(sb.state.cfg.access_key.clone()),
        secret_key: sb.state.cfg.secret_key.clone(),
    }
}

fn writer() -> Writer {
    Writer::spawn(Store::open_in_memory().expect("store")).expect("writer")
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// An order's stored source, status and total, and its lines (ID, fen, billing mode, access type).
type Stored = (String, String, i64, Vec<(String, i64, String, String)>);

async fn stored(w: &Writer, order_id: &str) -> Stored {
    let id = order_id.to_string();
    w.run(move |s| {
        let c = s.connection();
        let (source, status, total) =
            c.query_row("SELECT source, status, amount_fen FROM orders WHERE order_id = ?1", [&id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        let mut stmt = c.prepare(
            "SELECT l.order_line_id, l.amount_fen, p.billing_mode, p.access_type
               FROM order_lines l JOIN products p USING (product_id) WHERE l.order_id = ?1 ORDER BY 1",
        )?;
        let lines = stmt
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok((source, status, total, lines))
    })
    .await
    .expect("stored")
}

/// What the sandbox says the buyer paid for an order, in fen.
fn paid_fen(sb: &RunningSandbox, order_id: &str) -> i64 {
    let info = sb.state.world().order_info(order_id, None).expect("the sandbox knows it");
    let line = &info.order_line[0];
    let paid: Decimal = line.currency_after_discount.as_deref().expect("paid").parse().expect("decimal");
    Cny::exact(paid).expect("yuan").to_fen().expect("fen")
}

/// A world order of a SaaS product, not refunded, from the sandbox's own feed.
async fn saas_world_order(sb: &RunningSandbox) -> (String, String) {
    let page: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/feed/v1/orders?limit=500", sb.base_url()))
        .bearer_auth(sb.state.cfg.feed_token.expose())
        .send()
        .await
        .expect("feed")
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    let o = items
        .iter()
        .find(|o| o["product"]["access_type"] == "saas" && o["status"] != "refunded")
        .expect("a SaaS order");
    (o["order_id"].as_str().expect("id").to_string(), o["product"]["billing_mode"].as_str().expect("mode").to_string())
}

fn assert_no_secret(report: &LookupReport, secret: &Secret) {
    let sk = secret.expose();
    let debug = format!("{report:?}");
    let json = serde_json::to_string(report).expect("json");
    assert!(!debug.contains(sk) && !json.contains(sk), "the secret key is in the report");
    for f in &report.failed {
        assert!(!f.message.contains(sk), "{}", f.order_id);
    }
    assert!(!report.stopped.as_deref().unwrap_or("").contains(sk));
}

#[tokio::test]
async fn world_and_debug_orders_are_stored_and_an_unknown_one_is_reported() {
    let sb = sandbox(11).await;
    let (world, world_mode) = saas_world_order(&sb).await;
    let store = writer();
    let asked = ids(&[&world, "MOCKPERIODYEARNEW", "NOSUCHORDER", "MOCKONDEMANDPKG", "MOCKMONTYUNSUBSCRIBE"]);
    let a = api(&sb);
    let report = lookup(&store, &a, &asked, Some(AccessType::Saas)).await.expect("looks up");
    assert_no_secret(&report, &a.secret_key);
    assert_eq!(report.stopped, None);
    let got: Vec<&str> = report.looked_up.iter().map(|l| l.order_id.as_str()).collect();
    assert_eq!(got, [world.as_str(), "MOCKPERIODYEARNEW", "MOCKONDEMANDPKG", "MOCKMONTYUNSUBSCRIBE"]);
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    assert_eq!(report.failed[0].order_id, "NOSUCHORDER");
    assert!(report.failed[0].message.contains("MKT.0150"), "{}", report.failed[0].message);
    for l in &report.looked_up {
        assert_eq!((l.source, l.changed), (OrderSource::Lookup, true), "{}", l.order_id);
    }

    let (source, status, total, lines) = stored(&store, &world).await;
    let paid = paid_fen(&sb, &world);
    assert_eq!((source.as_str(), status.as_str(), total), ("lookup", "in-progress", paid));
    let line_id = sb.state.world().order(&world).expect("order").line_id.clone();
    assert_eq!(lines, vec![(line_id, paid, world_mode, "saas".to_string())]);

    let (source, status, total, lines) = stored(&store, "MOCKPERIODYEARNEW").await;
    assert_eq!((source.as_str(), status.as_str(), total), ("lookup", "in-progress", 10_000));
    assert_eq!(lines, vec![("MOCKPERIODYEARNEW-000001".into(), 10_000, "period".into(), "saas".into())]);
    let pkg = &report.looked_up[2];
    assert_eq!(pkg.lines[0].billing_mode, BillingMode::OnDemandPackage);
    assert_eq!((pkg.order_type, pkg.amount), (OrderType::New, Cny::from_fen(10_000)));
    assert_eq!(stored(&store, "MOCKONDEMANDPKG").await.3[0].2, "on-demand-package");
    let unsubscribed = &report.looked_up[3];
    assert_eq!((unsubscribed.order_type, unsubscribed.status), (OrderType::Unsubscribe, OrderState::Refunded));
    assert_eq!(stored(&store, "MOCKMONTYUNSUBSCRIBE").await.1, "refunded");
    assert_eq!(store.run(|s| s.integrity_check()).await.expect("check"), "ok");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn an_imported_order_is_replaced_and_a_feed_order_is_kept() {
    let sb = sandbox(12).await;
    let store = writer();
    let feed = FeedClient::new(&sb.base_url(), sb.state.cfg.feed_token.clone()).expect("client");
    let opts = SyncOptions { page_size: 500, now_ts: 1_800_000_000, ..SyncOptions::default() };
    sync(&store, &feed, &opts).await.expect("syncs");
    let (feed_order, _) = saas_world_order(&sb).await;
    let before = stored(&store, &feed_order).await;
    assert_eq!(before.0, "sandbox");
    // The Seller Console's order list said MOCKMONTYRENEW was a license order with one line of its own.
    let imported = OrderRecord {
        order_id: "MOCKMONTYRENEW".into(),
        order_line_id: Some("FROM-THE-EXPORT".into()),
        buyer_name: Some("某某公司".into()),
        buyer_account: Some("hw-export".into()),
        product_name: "调试商品".into(),
        product_id: Some("MOCKPRODUCT".into()),
        sku: None,
        created_at: time::parse_datetime("2026-11-01T10:00:00").expect("t"),
        paid_at: None,
        status: OrderState::Completed,
        order_type: OrderType::Renew,
        billing_mode: BillingMode::Period,
        access_type: AccessType::License,
        amount: Cny::from_fen(12_345),
    };
    store.run(move |s| s.import_records(&Records::Orders(vec![imported]), 1, false)).await.expect("imports");
    assert_eq!(stored(&store, "MOCKMONTYRENEW").await.0, "import");

    // No --access-type: each order's comes from the store; an order it does not know is reported.
    let asked = ids(&["MOCKMONTYRENEW", &feed_order, "MOCKONETIMENEW"]);
    let report = lookup(&store, &api(&sb), &asked, None).await.expect("looks up");
    assert_eq!(report.stopped, None);
    assert_eq!(report.looked_up.len(), 2, "{report:?}");
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].order_id, "MOCKONETIMENEW");
    assert!(report.failed[0].message.contains("--access-type"), "{}", report.failed[0].message);

    let renew = &report.looked_up[0];
    assert_eq!((renew.source, renew.changed), (OrderSource::Lookup, true));
    let (source, status, total, lines) = stored(&store, "MOCKMONTYRENEW").await;
    assert_eq!((source.as_str(), status.as_str(), total), ("lookup", "in-progress", 10_000));
    assert_eq!(
        lines,
        vec![("MOCKMONTYRENEW-000001".into(), 10_000, "period".into(), "license".into())],
        "the export's line is replaced by order/query's; the access type is the import's"
    );

    let kept = &report.looked_up[1];
    assert_eq!((kept.source, kept.changed), (OrderSource::Sandbox, false));
    assert_eq!(stored(&store, &feed_order).await, before, "a feed's order is left as it is");
    assert_eq!(store.run(|s| s.integrity_check()).await.expect("check"), "ok");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn the_rate_limit_stops_the_run_and_says_how_many_were_done() {
    // Two requests a second, on a clock that never moves: the third request is over the limit.
    let mut state = AppState::new(config(13));
    let frozen = std::time::Instant::now();
    state.open_api_limiter = Some(RateLimiter::with_clock(2, move || frozen));
    let sb = serve_state(Arc::new(state), "127.0.0.1:0".parse().expect("addr")).await.expect("sandbox");
    // The first host cannot be reached: the next one is asked.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port");
    let mut a = api(&sb);
    a.bases.insert(0, format!("http://{dead}"));
    let store = writer();
    let asked = ids(&["MOCKPERIODYEARNEW", "MOCKONETIMENEW", "MOCKONDEMAND", "MOCKMONTYRENEW"]);
    let report = lookup(&store, &a, &asked, Some(AccessType::Saas)).await.expect("looks up");
    assert_no_secret(&report, &a.secret_key);
    assert_eq!(report.looked_up.len(), 2, "{report:?}");
    let stopped = report.stopped.as_deref().expect("stopped");
    assert!(stopped.contains("406 MKT.0250") && stopped.contains("2 of 4 orders were done"), "{stopped}");
    let failed: Vec<&str> = report.failed.iter().map(|f| f.order_id.as_str()).collect();
    assert_eq!(failed, ["MOCKONDEMAND", "MOCKMONTYRENEW"]);
    assert!(report.failed[1].message.contains("not asked"), "{}", report.failed[1].message);
    assert_eq!(stored(&store, "MOCKONETIMENEW").await.0, "lookup", "what was done stays stored");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn a_wrong_secret_key_stops_the_run_without_showing_either_key() {
    let sb = sandbox(14).await;
    let mut a = api(&sb);
    a.secret_key = Secret::new("wrong-secret-key-0123456789abcdefghijklmnop");
    let store = writer();
    let report =
        lookup(&store, &a, &ids(&["MOCKPERIODYEARNEW", "MOCKONETIMENEW"]), Some(AccessType::Saas)).await.expect("runs");
    assert_no_secret(&report, &a.secret_key);
    assert_no_secret(&report, &sb.state.cfg.secret_key);
    assert!(report.looked_up.is_empty());
    let stopped = report.stopped.as_deref().expect("stopped");
    assert!(stopped.contains("APIGW.0301") && stopped.contains("0 of 2"), "{stopped}");
    assert!(!format!("{a:?}").contains(a.secret_key.expose()), "OpenApi's Debug");

    // The keys go only to https:// or to this machine.
    a.bases = vec!["http://open-api.example.com".into()];
    let e = lookup(&store, &a, &ids(&["MOCKPERIODYEARNEW"]), None).await.expect_err("refused");
    assert!(matches!(e, LookupError::BadUrl(_)), "{e}");
    assert!(!format!("{e:?} {e}").contains(a.secret_key.expose()));
    sb.stop().await.expect("stops");
}
