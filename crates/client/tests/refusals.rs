//! A refusal is final only when its reply can be read: against the real sandbox on loopback, with its fault
//! injection cutting the refusal's body in half once.

use std::time::Duration;

use koodesk_client::{sync, FeedClient, SyncOptions};
use koodesk_domain::time;
use koodesk_sandbox::{serve, SandboxConfig};
use koodesk_store::outbox::{ActionKind, ActionStatus};
use koodesk_store::{Store, Writer};
use serde_json::json;

#[tokio::test]
async fn a_refusal_cut_off_on_the_way_is_retried_and_kept_with_the_whole_reason() {
    let mut cfg = SandboxConfig::new(0, 7, time::parse_datetime("2026-11-29T10:00:00").expect("t"));
    cfg.speed = 0.0;
    cfg.world.history_days = 5;
    let sb = serve(cfg).await.expect("sandbox");
    let token = sb.state.cfg.feed_token.clone();
    let client = FeedClient::new(&sb.base_url(), token.clone()).expect("client");
    let r = reqwest::Client::new()
        .post(format!("{}/admin/faults", sb.base_url()))
        .bearer_auth(token.expose())
        .json(&json!({"route": "/feed/v1/invoice-requests/IR-NOPE/issued$", "kind": "truncate", "count": 1}))
        .send()
        .await
        .expect("fault set");
    assert!(r.status().is_success(), "fault set");
    let store = Writer::spawn(Store::open_in_memory().expect("store")).expect("writer");
    store
        .run(|s| s.enqueue(ActionKind::InvoiceIssued, "IR-NOPE", json!({"invoice_number": "26110000000000000001"}), 0))
        .await
        .expect("queued");
    let opts = SyncOptions {
        page_size: 100,
        attempts: 3,
        backoff: Duration::from_millis(10),
        now_ts: 1_800_000_000,
        push_all_pending: true,
    };
    let r = sync(&store, &client, &opts).await.expect("syncs");
    assert_eq!(r.actions_refused.len(), 1, "refused in the end: {r:?}");
    let reason = &r.actions_refused[0].reason;
    assert!(reason.contains("IR-NOPE"), "the whole reason, not half a JSON text: {reason}");
    assert!(!reason.contains('{'), "no JSON in the reason: {reason}");
    assert!(r.retries >= 1, "the cut-off reply was retried: {r:?}");
    let refused = store.run(|s| s.actions(ActionStatus::Refused)).await.expect("refused");
    assert_eq!(refused.len(), 1);
    sb.stop().await.expect("stops");
}
