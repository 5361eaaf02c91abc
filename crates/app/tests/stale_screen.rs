//! Actions carry the `seq` of the row the screen showed; one taken on a screen the store has moved past is refused
//! here as `stale` (reload and look again), never queued for KooGallery to refuse for good (issue 16).

use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use serde_json::{json, Value};

async fn sandbox() -> (tempfile::TempDir, std::sync::Arc<Workspace>) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("settings.json"), json!({"sync_interval_secs": 0}).to_string()).expect("settings");
    let mut cfg = WorkspaceConfig::new(dir.path());
    cfg.sandbox_history_days = 20;
    let ws = Workspace::open(cfg).await.expect("workspace");
    (dir, ws)
}

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

async fn stale(ws: &Workspace, command: &str, args: Value) -> String {
    match call(ws, command, args.clone()).await {
        Err(e) if e.code == "stale" => e.message,
        other => panic!("{command} {args}: expected a stale-screen refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_second_action_from_the_screen_before_the_first_ones_echo_is_refused_as_stale() {
    let (_dir, ws) = sandbox().await;
    let flows = ok(&ws, "flows", json!({"side": "merchant", "step": "confirm-requirements"})).await;
    let row = flows["flows"][0].clone();
    let (order, seq) = (row["order_id"].as_str().expect("a flow").to_string(), row["seq"].as_i64().expect("seq"));
    ok(&ws, "supervision_act", json!({"order_id": order, "action": "confirm", "seq": seq})).await;
    ok(&ws, "sync_now", json!({})).await;
    let now = ok(&ws, "order_detail", json!({"order_id": order})).await["flow"]["seq"].as_i64().expect("seq");
    assert!(now > seq, "the echo moved the flow ({seq} → {now})");
    // The same screen, a second action: refused here, nothing queued, nothing refused by KooGallery.
    let file = json!({"order_id": order, "action": "upload-proof", "file_name": "交付.pdf", "content_base64": "YQ==", "seq": seq});
    let m = stale(&ws, "supervision_act", file.clone()).await;
    assert!(m.contains(&format!("seq {seq}")) && m.contains(&format!("has {now}")), "{m}");
    let st = ok(&ws, "status", json!({})).await;
    assert_eq!((st["outbox_pending"].as_i64(), st["outbox_refused"].as_array().map(Vec::len)), (Some(0), Some(0)));
    // From the reloaded screen it goes.
    let mut fresh = file;
    fresh["seq"] = json!(now);
    ok(&ws, "supervision_act", fresh).await;
}

#[tokio::test]
async fn a_decision_and_an_issue_from_a_stale_screen_are_refused_and_the_draft_stays_a_draft() {
    let (_dir, ws) = sandbox().await;
    let unsubs = ok(&ws, "unsubscriptions", json!({"status": "pending"})).await;
    // Paged: the first page, its offset and how many in all; a page of one says the same total.
    let one = ok(&ws, "unsubscriptions", json!({"status": "pending", "offset": 0, "limit": 1})).await;
    assert_eq!((one["offset"].as_i64(), one["requests"].as_array().map(Vec::len)), (Some(0), Some(1)), "{one}");
    assert_eq!(one["total"], unsubs["total"]);
    let one = ok(&ws, "invoice_requests", json!({"status": "requested", "offset": 1, "limit": 1})).await;
    assert!(one["total"].as_i64().is_some_and(|n| n >= 1) && one["offset"] == 1, "{one}");
    let u = unsubs["requests"][0].clone();
    let (uid, useq) = (u["id"].as_str().expect("a pending request").to_string(), u["seq"].as_i64().expect("seq"));
    stale(&ws, "unsubscription_decide", json!({"id": uid, "approve": true, "seq": useq - 1})).await;
    ok(&ws, "unsubscription_decide", json!({"id": uid, "approve": true, "seq": useq})).await;

    let requests = ok(&ws, "invoice_requests", json!({"status": "requested"})).await;
    let r = requests["requests"][0].clone();
    let (rid, rseq) = (r["id"].as_str().expect("a request").to_string(), r["seq"].as_i64().expect("seq"));
    let drafts = ok(&ws, "invoice_draft", json!({"request_id": rid})).await;
    let ids: Vec<String> = drafts["invoices"]
        .as_array()
        .expect("drafts")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect();
    let last = ids.last().expect("a draft").clone();
    for id in &ids[..ids.len() - 1] {
        ok(&ws, "invoice_issue", json!({"id": id, "by": "张三", "request_seq": rseq})).await;
    }
    stale(&ws, "invoice_issue", json!({"id": last, "by": "张三", "request_seq": rseq - 1})).await;
    let after = ok(&ws, "invoices_of_request", json!({"request_id": rid})).await;
    let state = after["invoices"].as_array().expect("list").iter().find(|i| i["id"] == last.as_str()).expect("kept");
    assert_eq!(state["state"], "draft", "a refused issue leaves the draft as it was");
    ok(&ws, "invoice_issue", json!({"id": last, "by": "张三", "request_seq": rseq})).await;
}
