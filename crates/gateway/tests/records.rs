//! What the seller's desks record by hand, kept by a real gateway on loopback (SQLite and a real PostgreSQL):
//! tracker entries and what was done about them on the Seller Console, numbered in the supervision,
//! unsubscriptions and invoice-requests feeds with who recorded them; idempotent by action_id; refused when
//! malformed, unauthenticated, or not something a gateway can take.

mod support;

use koodesk_gateway::{DatabaseUrl, GatewayConfig, RunningGateway};
use koodesk_protocol::secret::Secret;
use serde_json::{json, Value};
use support::pg::Postgres;
use support::{FEED_TOKEN, KEY};

fn sqlite_url(name: &str) -> DatabaseUrl {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("gateway-records-{}-{name}-{}.db", std::process::id(), rand::random::<u32>()));
    DatabaseUrl::Sqlite(path)
}

async fn gateway(db: &DatabaseUrl) -> RunningGateway {
    let c =
        GatewayConfig::new("127.0.0.1:0".parse().expect("addr"), db.clone(), Secret::new(KEY), Secret::new(FEED_TOKEN));
    koodesk_gateway::start(c).await.expect("the gateway starts")
}

async fn post(gw: &RunningGateway, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", gw.base_url))
        .bearer_auth(FEED_TOKEN)
        .json(body)
        .send()
        .await
        .expect("the gateway answers");
    let status = r.status().as_u16();
    (status, r.json().await.expect("json"))
}

async fn get(gw: &RunningGateway, path: &str) -> Value {
    let r = reqwest::Client::new()
        .get(format!("{}{path}", gw.base_url))
        .bearer_auth(FEED_TOKEN)
        .send()
        .await
        .expect("the gateway answers");
    assert_eq!(r.status().as_u16(), 200, "{path}");
    assert!(r.headers().contains_key("body-sign"), "feed replies are signed");
    r.json().await.expect("json")
}

fn flow(order_id: &str, by: &str) -> Value {
    json!({
        "action_id": format!("rec-{order_id}-{by}"),
        "order_id": order_id,
        "product_type": "manual-service",
        "step": "implement",
        "side": "merchant",
        "step_started_at": "2026-11-20T10:00:00+08:00",
        "rejections": 0,
        "rereview": false,
        "history": [],
        "recorded_by": by,
    })
}

async fn records(db: DatabaseUrl) {
    let gw = gateway(&db).await;

    // A supervision step, then the same action again: one record.
    let (s, first) = post(&gw, "/feed/v1/supervision/CS1/record", &flow("CS1", "alice")).await;
    assert_eq!(s, 200, "{first}");
    assert_eq!(first["repeated"], false);
    let (_, again) = post(&gw, "/feed/v1/supervision/CS1/record", &flow("CS1", "alice")).await;
    assert_eq!((again["seq"].clone(), again["repeated"].clone()), (first["seq"].clone(), json!(true)));
    let page = get(&gw, "/feed/v1/supervision").await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["order_id"], "CS1");
    assert_eq!(items[0]["recorded_by"], "alice");
    assert!(items[0]["recorded_at"].is_string(), "the gateway's clock when the desk gave none");
    assert_eq!(items[0]["seq"], first["seq"]);
    let next = page["next_cursor"].as_str().expect("cursor").to_string();
    let after = get(&gw, &format!("/feed/v1/supervision?cursor={next}")).await;
    assert_eq!(after["items"], json!([]), "nothing after the cursor");

    // The step moved on, recorded by someone else: the flow comes again, later in the sequence.
    let mut moved = flow("CS1", "bob");
    moved["step"] = json!("accept");
    moved["side"] = json!("user");
    let (_, m) = post(&gw, "/feed/v1/supervision/CS1/record", &moved).await;
    assert!(m["seq"].as_u64() > first["seq"].as_u64(), "{m}");
    let after = get(&gw, &format!("/feed/v1/supervision?cursor={next}")).await;
    assert_eq!(after["items"][0]["step"], "accept");
    assert_eq!(after["items"][0]["recorded_by"], "bob");

    // An unsubscription request, then the decision taken on the Seller Console.
    let unsub = json!({
        "action_id": "rec-U1", "id": "U1", "order_id": "CS1", "rule": "negotiated",
        "requested_at": "2026-11-21T09:00:00+08:00", "refund_amount": "50.00", "paid_amount": "100.00",
        "reason": "需求变更", "status": "pending", "review_due": "2026-12-02", "recorded_by": "alice",
    });
    assert_eq!(post(&gw, "/feed/v1/unsubscriptions/U1/record", &unsub).await.0, 200);
    let decision = json!({"action_id": "dec-U1", "approve": false, "reason": "已交付", "recorded_by": "bob"});
    let (s, d) = post(&gw, "/feed/v1/unsubscriptions/U1/decision", &decision).await;
    assert_eq!(s, 200, "{d}");
    let page = get(&gw, "/feed/v1/unsubscriptions").await;
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "one unsubscription, at its latest state: {page}");
    assert_eq!(items[0]["status"], "rejected");
    assert_eq!(items[0]["decision_reason"], "已交付");
    assert_eq!(items[0]["recorded_by"], "bob");
    assert_eq!(items[0]["seq"], d["seq"]);
    let (s, e) = post(&gw, "/feed/v1/unsubscriptions/U9/decision", &json!({"action_id": "x", "approve": true})).await;
    assert_eq!((s, e["code"].clone()), (404, json!("not-found")), "a decision on nothing recorded: {e}");

    // An invoice request, then the invoice issued with its number.
    let req = json!({
        "action_id": "rec-I1", "id": "I1", "order_ids": ["CS1"], "requested_at": "2026-11-22T09:00:00+08:00",
        "kind": "ordinary", "medium": "fully-digital",
        "title": {"kind": "enterprise", "name": "北京测试科技有限公司"},
        "amount": "100.00", "status": "requested", "recorded_by": "carol",
    });
    assert_eq!(post(&gw, "/feed/v1/invoice-requests/I1/record", &req).await.0, 200);
    let issued = json!({"action_id": "iss-I1", "invoice_number": "26110000000012345678"});
    assert_eq!(post(&gw, "/feed/v1/invoice-requests/I1/issued", &issued).await.0, 200);
    let page = get(&gw, "/feed/v1/invoice-requests").await;
    assert_eq!(page["items"][0]["status"], "issued");
    assert_eq!(page["items"][0]["invoice_number"], "26110000000012345678");
    assert_eq!(page["items"][0]["recorded_by"], "carol", "who recorded it stays when the issuer is not named");
    assert!(page["items"][0]["issued_at"].is_string());

    // Refusals.
    let (s, e) = post(&gw, "/feed/v1/supervision/CS2/record", &flow("CS1", "alice")).await;
    assert_eq!((s, e["code"].clone()), (400, json!("invalid")), "the route's ID and the body's differ: {e}");
    let mut nobody = flow("CS3", "x");
    nobody["recorded_by"] = json!(" ");
    assert_eq!(post(&gw, "/feed/v1/supervision/CS3/record", &nobody).await.0, 400, "who recorded it is required");
    let (s, e) = post(&gw, "/feed/v1/supervision/CS1/actions", &json!({"action_id": "a", "action": "confirm"})).await;
    assert_eq!((s, e["code"].clone()), (409, json!("not-on-gateway")));
    let anon = reqwest::Client::new()
        .post(format!("{}/feed/v1/supervision/CS1/record", gw.base_url))
        .json(&flow("CS1", "mallory"))
        .send()
        .await
        .expect("answers");
    assert_eq!(anon.status().as_u16(), 401);
    assert_eq!(get(&gw, "/feed/v1/bills").await["items"], json!([]));
    gw.stop().await;
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records() {
        super::records(super::sqlite_url("records")).await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records() {
        let pg = super::Postgres::start();
        super::records(super::DatabaseUrl::parse(&pg.url()).expect("url")).await;
    }
}
