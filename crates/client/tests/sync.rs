//! Sync against the real sandbox on loopback: a full sync, resuming, faults, the outbox.

use std::time::Duration;

use koodesk_client::{sync, FeedClient, SyncOptions};
use koodesk_domain::time;
use koodesk_protocol::feed::Kind;
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};
use koodesk_store::outbox::{ActionKind, ActionStatus};
use koodesk_store::Store;
use serde_json::json;

async fn sandbox(seed: u64) -> RunningSandbox {
    let mut cfg = SandboxConfig::new(0, seed, time::parse_datetime("2026-11-29T10:00:00").expect("t"));
    cfg.speed = 0.0;
    cfg.world.history_days = 40;
    serve(cfg).await.expect("sandbox")
}

fn client(sb: &RunningSandbox) -> FeedClient {
    FeedClient::new(&sb.base_url(), sb.state.cfg.feed_token.clone()).expect("client")
}

fn opts() -> SyncOptions {
    SyncOptions {
        page_size: 100,
        attempts: 4,
        backoff: Duration::from_millis(10),
        now_ts: 1_800_000_000,
        push_all_pending: false,
    }
}

fn count(s: &Store, table: &str) -> i64 {
    s.connection().query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

async fn admin(sb: &RunningSandbox, path: &str, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url()))
        .bearer_auth(sb.state.cfg.feed_token.expose())
        .json(&body)
        .send()
        .await
        .expect("sent");
    assert!(r.status().is_success(), "{path}");
}

#[tokio::test]
async fn a_full_sync_brings_everything_and_a_second_one_nothing() {
    let sb = sandbox(1).await;
    let mut store = Store::open_in_memory().expect("store");
    let r = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    let stats = sb.state.world().stats();
    assert_eq!(count(&store, "orders") as usize, stats.orders);
    assert_eq!(count(&store, "supervision_flows") as usize, stats.flows);
    assert!(r.pages > stats.orders / 100);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
    let again = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!(again.items.values().sum::<usize>(), 0, "nothing new");
    // A day later, only what changed comes.
    admin(&sb, "/admin/clock", json!({"advance_seconds": 86400})).await;
    let later = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    assert!(later.items.values().sum::<usize>() > 0);
    assert!(later.items.values().sum::<usize>() < count(&store, "orders") as usize);
    assert_eq!(count(&store, "orders") as usize, sb.state.world().stats().orders);
    assert_eq!(store.integrity_check().expect("check"), "ok");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn faults_are_retried_and_never_corrupt_the_store() {
    let sb = sandbox(2).await;
    for fault in [
        json!({"route": "/feed/v1/orders", "kind": "status", "status": 503, "count": 2}),
        json!({"route": "/feed/v1/supervision", "kind": "truncate", "count": 2}),
        json!({"route": "/feed/v1/unsubscriptions", "kind": "bad-signature", "count": 1}),
        json!({"route": "/feed/v1/invoice-requests", "kind": "reset", "count": 1}),
        json!({"route": "/feed/v1/bills", "kind": "latency", "ms": 50, "count": 1}),
    ] {
        admin(&sb, "/admin/faults", fault).await;
    }
    let mut store = Store::open_in_memory().expect("store");
    let r = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    assert!(r.retries >= 6, "each fault cost a retry: {}", r.retries);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
    assert_eq!(count(&store, "orders") as usize, sb.state.world().stats().orders);
    assert_eq!(store.integrity_check().expect("check"), "ok");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn a_persistent_fault_stops_that_feed_and_resumes_next_time() {
    let sb = sandbox(3).await;
    admin(&sb, "/admin/faults", json!({"route": "/feed/v1/supervision", "kind": "status", "status": 500})).await;
    let mut store = Store::open_in_memory().expect("store");
    let r = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!(r.incomplete.len(), 1);
    assert!(r.incomplete[0].starts_with("supervision: HTTP 500"), "{:?}", r.incomplete);
    assert_eq!(store.cursor(Kind::Supervision).expect("cursor"), "", "nothing applied from a bad reply");
    assert!(count(&store, "unsubscriptions") > 0, "the other feeds went on");
    reqwest::Client::new()
        .delete(format!("{}/admin/faults", sb.base_url()))
        .bearer_auth(sb.state.cfg.feed_token.expose())
        .send()
        .await
        .expect("cleared");
    let r = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    assert!(r.incomplete.is_empty());
    assert_eq!(count(&store, "supervision_flows") as usize, sb.state.world().stats().flows);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn a_wrong_token_is_an_error_not_a_silent_empty_sync() {
    let sb = sandbox(4).await;
    let mut store = Store::open_in_memory().expect("store");
    let bad = FeedClient::new(&sb.base_url(), Secret::new("kdf_wrong")).expect("client");
    let e = sync(&mut store, &bad, &opts()).await.expect_err("refused");
    assert!(e.to_string().contains("401"), "{e}");
    assert!(!e.to_string().contains("kdf_wrong"), "errors never show the token");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn offline_actions_reach_the_marketplace_and_refusals_are_kept() {
    let sb = sandbox(5).await;
    let mut store = Store::open_in_memory().expect("store");
    sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    let order: String = store
        .connection()
        .query_row(
            "SELECT f.order_id FROM supervision_flows f JOIN orders o USING (order_id)
              WHERE f.step = 'confirm-requirements' AND f.frozen_by IS NULL AND o.status = 'in-progress' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a flow waiting for confirmation");
    // Offline: the network is down (a sandbox that refuses connections), actions queue up.
    let offline = FeedClient::new("http://127.0.0.1:9", sb.state.cfg.feed_token.clone()).expect("client");
    store.enqueue(ActionKind::Supervision, &order, json!({"action": "confirm"}), opts().now_ts).expect("queued");
    store
        .enqueue(ActionKind::InvoiceIssued, "IR-NOPE", json!({"invoice_number": "26110000000000000001"}), opts().now_ts)
        .expect("queued");
    let r = sync(&mut store, &offline, &opts()).await.expect("runs");
    assert_eq!((r.actions_sent, r.actions_deferred), (0, 2));
    assert!(r.offline, "an unreachable feed is reported as offline");
    assert_eq!(r.incomplete.len(), 1, "the first unreachable feed stops the pull: {:?}", r.incomplete);
    assert_eq!(store.actions(ActionStatus::Pending).expect("pending").len(), 2, "kept");
    // Back online but still inside the backoff: a background sync leaves the actions waiting…
    let r = sync(&mut store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!((r.actions_sent, r.actions_refused.len()), (0, 0), "backoff respected");
    // …a sync the seller asks for pushes them at once.
    let asked = SyncOptions { push_all_pending: true, ..opts() };
    let r = sync(&mut store, &client(&sb), &asked).await.expect("syncs");
    assert_eq!(r.actions_sent, 1, "sync now ignores the backoff");
    assert_eq!(r.actions_refused.len(), 1);
    assert!(r.actions_refused[0].reason.contains("IR-NOPE"));
    // And a later sync has nothing left to push.
    let later = SyncOptions { now_ts: opts().now_ts + 600, ..opts() };
    let r = sync(&mut store, &client(&sb), &later).await.expect("syncs");
    assert_eq!(r.actions_sent + r.actions_refused.len(), 0);
    assert_eq!(store.actions(ActionStatus::Sent).expect("sent").len(), 1);
    assert_eq!(store.actions(ActionStatus::Refused).expect("refused").len(), 1, "shown to the seller, not dropped");
    let step: String = store
        .connection()
        .query_row("SELECT step FROM supervision_flows WHERE order_id = ?1", [&order], |r| r.get(0))
        .expect("step");
    assert_eq!(step, "implement", "the confirmation reached the marketplace and came back in the pull");
    sb.stop().await.expect("stops");
}
