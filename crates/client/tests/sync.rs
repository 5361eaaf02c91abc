//! Sync against the real sandbox on loopback: a full sync, resuming, faults, the outbox.

use std::time::Duration;

use koodesk_client::{sync, FeedClient, SyncOptions};
use koodesk_domain::time;
use koodesk_protocol::feed::Kind;
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};
use koodesk_store::outbox::{ActionKind, ActionStatus, PendingSync};
use koodesk_store::{Store, Writer};
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

fn writer() -> Writer {
    Writer::spawn(Store::open_in_memory().expect("store")).expect("writer")
}

async fn count(w: &Writer, table: &str) -> i64 {
    let sql = format!("SELECT count(*) FROM {table}");
    w.run(move |s| Ok(s.connection().query_row(&sql, [], |r| r.get(0))?)).await.expect("count")
}

async fn clear_faults(sb: &RunningSandbox) {
    let r = reqwest::Client::new()
        .delete(format!("{}/admin/faults", sb.base_url()))
        .bearer_auth(sb.state.cfg.feed_token.expose())
        .send()
        .await
        .expect("cleared");
    assert!(r.status().is_success(), "faults cleared");
}

/// A sandbox, a store synced from it, and a supervised order whose merchant-side step waits for confirmation.
async fn synced_with_a_flow_to_confirm(seed: u64) -> (RunningSandbox, Writer, String) {
    let sb = sandbox(seed).await;
    let store = writer();
    sync(&store, &client(&sb), &opts()).await.expect("syncs");
    let order = confirmable(&store).await;
    (sb, store, order)
}

/// A supervised order whose merchant-side step waits for confirmation.
async fn confirmable(w: &Writer) -> String {
    w.run(|s| {
        Ok(s.connection().query_row(
            "SELECT f.order_id FROM supervision_flows f JOIN orders o USING (order_id)
              WHERE f.step = 'confirm-requirements' AND f.frozen_by IS NULL AND o.status = 'in-progress' LIMIT 1",
            [],
            |r| r.get(0),
        )?)
    })
    .await
    .expect("a flow waiting for confirmation")
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
    let store = writer();
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    let stats = sb.state.world().stats();
    assert_eq!(count(&store, "orders").await as usize, stats.orders);
    assert_eq!(count(&store, "supervision_flows").await as usize, stats.flows);
    assert!(r.pages > stats.orders / 100);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
    let again = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!(again.items.values().sum::<usize>(), 0, "nothing new");
    // A day later, only what changed comes.
    admin(&sb, "/admin/clock", json!({"advance_seconds": 86400})).await;
    let later = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert!(later.items.values().sum::<usize>() > 0);
    assert!(later.items.values().sum::<usize>() < count(&store, "orders").await as usize);
    assert_eq!(count(&store, "orders").await as usize, sb.state.world().stats().orders);
    assert_eq!(store.run(|s| s.integrity_check()).await.expect("check"), "ok");
    sb.stop().await.expect("stops");
}

/// The interface-health view comes with every full sync and is stored [KG §7]; a view whose signature does not
/// verify is retried, then reported, and the one stored stays.
#[tokio::test]
async fn the_interface_health_view_comes_with_a_sync_and_a_bad_one_changes_nothing() {
    let sb = sandbox(4).await;
    let store = writer();
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert!(r.interface_health, "{r:?}");
    let served = sb.state.world().interface_health();
    let now = sb.state.world().now();
    let stored = store.run(move |s| s.interface_health(now)).await.expect("read").expect("a view");
    assert_eq!(
        (stored.period.as_str(), stored.calls, stored.failed_orders),
        (served.period.as_str(), served.calls, served.failed_orders)
    );
    assert!(stored.current && stored.calls > 0, "{stored:?}");
    assert_eq!(stored.replies.timed_out, served.replies.timed_out);
    assert!(stored.last_dial_test.is_some());

    admin(&sb, "/admin/faults", json!({"route": "/feed/v1/interface-health", "kind": "bad-signature"})).await;
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert!(!r.interface_health);
    assert_eq!(r.incomplete.len(), 1, "{:?}", r.incomplete);
    assert!(
        r.incomplete[0].starts_with("interface-health: ") && r.incomplete[0].contains("Body-Sign"),
        "{:?}",
        r.incomplete
    );
    let again = store.run(move |s| s.interface_health(now)).await.expect("read").expect("a view");
    assert_eq!(again, stored, "the stored view stays");
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
    let store = writer();
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert!(r.retries >= 6, "each fault cost a retry: {}", r.retries);
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
    assert_eq!(count(&store, "orders").await as usize, sb.state.world().stats().orders);
    assert_eq!(store.run(|s| s.integrity_check()).await.expect("check"), "ok");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn a_persistent_fault_stops_that_feed_and_resumes_next_time() {
    let sb = sandbox(3).await;
    admin(&sb, "/admin/faults", json!({"route": "/feed/v1/supervision", "kind": "status", "status": 500})).await;
    let store = writer();
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!(r.incomplete.len(), 1);
    assert!(r.incomplete[0].starts_with("supervision: HTTP 500"), "{:?}", r.incomplete);
    assert_eq!(
        store.run(|s| s.cursor(Kind::Supervision)).await.expect("cursor"),
        "",
        "nothing applied from a bad reply"
    );
    assert!(count(&store, "unsubscriptions").await > 0, "the other feeds went on");
    clear_faults(&sb).await;
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert!(r.incomplete.is_empty());
    assert_eq!(count(&store, "supervision_flows").await as usize, sb.state.world().stats().flows);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn a_wrong_token_is_an_error_not_a_silent_empty_sync() {
    let sb = sandbox(4).await;
    let store = writer();
    let bad = FeedClient::new(&sb.base_url(), Secret::new("kdf_wrong")).expect("client");
    let e = sync(&store, &bad, &opts()).await.expect_err("refused");
    assert!(e.to_string().contains("401"), "{e}");
    assert!(!e.to_string().contains("kdf_wrong"), "errors never show the token");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn offline_actions_reach_the_marketplace_and_refusals_are_kept() {
    let (sb, store, order) = synced_with_a_flow_to_confirm(5).await;
    // Offline: the network is down (a sandbox that refuses connections), actions queue up.
    let offline = FeedClient::new("http://127.0.0.1:9", sb.state.cfg.feed_token.clone()).expect("client");
    let (o, now) = (order.clone(), opts().now_ts);
    store
        .run(move |s| {
            s.enqueue(ActionKind::Supervision, &o, json!({"action": "confirm"}), now)?;
            s.enqueue(ActionKind::InvoiceIssued, "IR-NOPE", json!({"invoice_number": "26110000000000000001"}), now)
        })
        .await
        .expect("queued");
    let r = sync(&store, &offline, &opts()).await.expect("runs");
    assert_eq!((r.actions_sent, r.actions_deferred, r.actions_untried), (0, 1, 1), "the first unreachable stops");
    assert!(r.offline, "an unreachable feed is reported as offline");
    assert!(r.incomplete.is_empty(), "offline found by the push: nothing pulled: {:?}", r.incomplete);
    assert_eq!(store.run(|s| s.actions(ActionStatus::Pending)).await.expect("pending").len(), 2, "kept");
    // Back online: the first is inside its backoff, the untried one is pushed (and refused: no such request).
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!((r.actions_sent, r.actions_refused.len()), (0, 1), "backoff respected");
    assert!(r.actions_refused[0].reason.contains("IR-NOPE"));
    // …a sync the seller asks for pushes it at once.
    let asked = SyncOptions { push_all_pending: true, ..opts() };
    let r = sync(&store, &client(&sb), &asked).await.expect("syncs");
    assert_eq!(r.actions_sent, 1, "sync now ignores the backoff");
    // And a later sync has nothing left to push.
    let later = SyncOptions { now_ts: opts().now_ts + 600, ..opts() };
    let r = sync(&store, &client(&sb), &later).await.expect("syncs");
    assert_eq!(r.actions_sent + r.actions_refused.len(), 0);
    assert_eq!(store.run(|s| s.actions(ActionStatus::Sent)).await.expect("sent").len(), 1);
    let refused = store.run(|s| s.actions(ActionStatus::Refused)).await.expect("refused");
    assert_eq!(refused.len(), 1, "shown to the seller, not dropped");
    let o = order.clone();
    let step: String = store
        .run(move |s| {
            Ok(s.connection()
                .query_row("SELECT step FROM supervision_flows WHERE order_id = ?1", [&o], |r| r.get(0))?)
        })
        .await
        .expect("step");
    assert_eq!(step, "implement", "the confirmation reached the marketplace and came back in the pull");
    assert_eq!(store.run(move |s| s.in_flight_for(&order)).await.expect("in flight"), None, "echoed");
    sb.stop().await.expect("stops");
}

/// The window between a push and its echo: the pull fails (the sandbox's fault injection), so the action is
/// sent but the flow as stored is still the old one. Before the echo state, every screen offered the action
/// again here and a second click was queued, refused by KooGallery as a repeat, and kept as a false refusal.
#[tokio::test]
async fn a_sent_action_waits_for_its_echo_when_the_pull_fails() {
    let (sb, store, order) = synced_with_a_flow_to_confirm(6).await;
    admin(&sb, "/admin/faults", json!({"route": "/feed/v1/supervision$", "kind": "status", "status": 500})).await;
    let (o, now) = (order.clone(), opts().now_ts);
    store.run(move |s| s.enqueue(ActionKind::Supervision, &o, json!({"action": "confirm"}), now)).await.expect("q");
    let r = koodesk_client::push_and_echo(&store, &client(&sb), &opts()).await.expect("pushes");
    assert_eq!(r.actions_sent, 1);
    assert_eq!(r.incomplete.len(), 1, "the pull of the echo failed: {:?}", r.incomplete);
    assert_eq!(r.items.len(), 0, "only the touched feed was pulled, and it failed");
    let o = order.clone();
    let (state, row) = store
        .run(move |s| {
            let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
            let row = s.flows(None, None, now, 10_000)?.into_iter().find(|f| f.order_id == o);
            Ok((s.in_flight_for(&o)?, row.and_then(|r| r.pending_sync)))
        })
        .await
        .expect("read");
    assert_eq!(state.map(|(_, s)| s), Some(PendingSync::AwaitingEcho));
    assert_eq!(row, Some(PendingSync::AwaitingEcho), "the screens show it as sent, waiting for KooGallery");
    let o = order.clone();
    let again = store.run(move |s| s.enqueue(ActionKind::Supervision, &o, json!({"action": "confirm"}), now)).await;
    assert!(matches!(&again, Err(koodesk_store::StoreError::Invalid(m)) if m.contains("sent")), "{again:?}");
    // The feed comes back: the echo ends the wait, and nothing was refused.
    clear_faults(&sb).await;
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert!(r.actions_refused.is_empty() && r.incomplete.is_empty(), "{r:?}");
    let o = order.clone();
    assert_eq!(store.run(move |s| s.in_flight_for(&o)).await.expect("in flight"), None);
    assert!(store.run(|s| s.actions(ActionStatus::Refused)).await.expect("refused").is_empty());
    sb.stop().await.expect("stops");
}

/// A thousand actions queued offline: the push stops at the first unreachable one instead of trying each with
/// its full retries (about 50 minutes with the CLI's settings before).
#[tokio::test]
async fn offline_the_push_stops_at_the_first_unreachable_action() {
    let store = writer();
    let now = opts().now_ts;
    store
        .run(move |s| {
            for i in 0..1000 {
                s.enqueue(ActionKind::Supervision, &format!("CS{i}"), json!({"action": "confirm"}), now)?;
            }
            Ok(())
        })
        .await
        .expect("queued");
    let offline = FeedClient::new("http://127.0.0.1:9", Secret::new("kdf_token")).expect("client");
    let r = sync(&store, &offline, &opts()).await.expect("runs");
    assert!(r.offline);
    assert_eq!((r.actions_deferred, r.actions_untried), (1, 999));
    assert_eq!(r.retries, (opts().attempts - 1) as usize, "one action's retries, not a thousand's");
    assert_eq!(store.run(|s| s.actions(ActionStatus::Pending)).await.expect("pending").len(), 1000, "all kept");
}

/// A row this build cannot read is reported by its ID and left as it is; the others are sent.
#[tokio::test]
async fn a_damaged_outbox_row_is_reported_and_not_sent() {
    let sb = sandbox(7).await;
    let store = writer();
    sync(&store, &client(&sb), &opts()).await.expect("syncs");
    store
        .run(|s| {
            Ok(s.connection().execute_batch(
                "INSERT INTO outbox (action_id, kind, target, payload, created_ts, next_attempt_ts)
                     VALUES ('kd-damaged', 'teleport', 'CS1', '{}', 0, 0)",
            )?)
        })
        .await
        .expect("damaged");
    let r = sync(&store, &client(&sb), &opts()).await.expect("syncs");
    assert_eq!(r.actions_damaged.len(), 1, "{r:?}");
    assert!(r.actions_damaged[0].contains("kd-damaged") && r.actions_damaged[0].contains("teleport"));
    assert_eq!(r.actions_sent + r.actions_refused.len(), 0, "never sent, never refused");
    let attempts: i64 = store
        .run(|s| {
            Ok(s.connection()
                .query_row("SELECT attempts FROM outbox WHERE action_id = 'kd-damaged'", [], |r| r.get(0))?)
        })
        .await
        .expect("row");
    assert_eq!(attempts, 0, "left untouched");
    sb.stop().await.expect("stops");
}

/// Another connection commits while the sync writes pages: with every write transaction `BEGIN IMMEDIATE`, the
/// sync waits for the lock instead of failing at once with "database is locked" (a deferred transaction that
/// read before a concurrent commit cannot be upgraded to a writer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_write_during_ingest_does_not_fail_the_sync() {
    let sb = sandbox(8).await;
    let dir = std::env::temp_dir().join(format!("koodesk-concurrent-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("store.db");
    let store = Writer::spawn(Store::open(&path).expect("store")).expect("writer");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (p, halt) = (path.clone(), stop.clone());
    let other = std::thread::spawn(move || {
        let mut s = Store::open(&p).expect("second connection");
        let mut n = 0u64;
        while !halt.load(std::sync::atomic::Ordering::Relaxed) {
            s.notify_once(&format!("concurrent:{n}"), "", 0).expect("the other writer commits");
            n += 1;
        }
        n
    });
    let small = SyncOptions { page_size: 20, ..opts() };
    let r = sync(&store, &client(&sb), &small).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let commits = other.join().expect("joined");
    let r = r.expect("the sync is not failed by the other writer");
    assert!(r.incomplete.is_empty(), "{:?}", r.incomplete);
    assert!(commits > 0, "the other connection committed meanwhile");
    assert_eq!(count(&store, "orders").await as usize, sb.state.world().stats().orders);
    sb.stop().await.expect("stops");
    let _ = std::fs::remove_dir_all(&dir);
}
