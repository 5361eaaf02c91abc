//! The console in gateway mode, through the same dispatcher the window uses: two desks (two workspaces, two
//! operators) on one real KooDesk Gateway on loopback (SQLite). What one records by hand — a supervision step, an
//! invoice request, the invoice issued, an unsubscription and its decision — is pushed to the gateway at once and
//! reaches the other desk at its next sync, with who recorded it; supervision actions are refused with the Seller
//! Console path, as KooGallery has no API for them.

use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use koodesk_gateway::{DatabaseUrl, GatewayConfig, RunningGateway};
use koodesk_protocol::secret::Secret;
use serde_json::{json, Value};

const TOKEN: &str = "kdf_gateway-mode-feed-token-18e0";
const ORDERS: &str =
    "订单列表导出\n\n订单号,客户名称,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额（元）\n\
    CS-SVC,杭州某某科技有限公司,上门实施服务,2026-11-20 10:00:00,处理中,新购,一次性,人工服务,\"¥1,200.00\"\n\
    CS-SAAS,杭州某某科技有限公司,云客服,2026-11-21 11:00:00,已完成,新购,包年/包月,SaaS,¥300.00\n";

async fn gateway(dir: &std::path::Path) -> RunningGateway {
    let c = GatewayConfig::new(
        "127.0.0.1:0".parse().expect("addr"),
        DatabaseUrl::Sqlite(dir.join("gateway.db")),
        Secret::new("gateway-mode-interface-key-9c"),
        Secret::new(TOKEN),
    );
    koodesk_gateway::start(c).await.expect("the gateway starts")
}

async fn desk(name: &str, operator: &str, feed_url: &str) -> std::sync::Arc<Workspace> {
    let dir = tempfile::Builder::new().prefix(&format!("koodesk-gw-{name}-")).tempdir().expect("dir").keep();
    let settings = json!({"mode": "gateway", "feed_url": feed_url, "operator": operator});
    std::fs::write(dir.join("settings.json"), settings.to_string()).expect("settings");
    let ws = Workspace::open(WorkspaceConfig::new(&dir)).await.expect("workspace");
    let file = json!({
        "kind": "orders",
        "file_name": "订单列表.csv",
        "content_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, ORDERS.as_bytes()),
    });
    ok(&ws, "import_confirm", file).await;
    ws
}

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

/// A request for an ordinary fully-digital invoice for CS-SAAS, as the Seller Console shows it.
fn invoice_request_for_saas() -> Value {
    json!({"order_ids": ["CS-SAAS"], "requested_at": "2026-11-30T10:00:00+08:00", "kind": "ordinary",
           "medium": "fully-digital", "title_kind": "enterprise", "title_name": "杭州某某科技有限公司",
           "taxpayer_id": "91350100M000100Y43"})
}

/// `(column, recorded_by)` of a row, read from the desk's store.
async fn recorded(ws: &Workspace, sql: &'static str, id: &str) -> Option<(String, Option<String>)> {
    let id = id.to_string();
    ws.read(move |s| Ok(s.connection().query_row(sql, [&id], |r| Ok((r.get(0)?, r.get(1)?))).ok())).await.expect("read")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_desks_on_one_gateway_share_what_they_record() {
    // The feed token comes from the environment, as on a desk without a keyring.
    std::env::set_var("KOODESK_FEED_TOKEN", TOKEN);
    let dir = tempfile::tempdir().expect("dir");
    let gw = gateway(dir.path()).await;
    let alice = desk("alice", "alice", &gw.base_url).await;
    let bob = desk("bob", "bob", &gw.base_url).await;

    // Alice records the step the Seller Console shows: pushed at once, echoed, nothing left waiting.
    ok(
        &alice,
        "track_step",
        json!({"order_id": "CS-SVC", "product_type": "manual-service", "step": "confirm-requirements",
               "since": "2026-11-28T10:00:00+08:00"}),
    )
    .await;
    let status = ok(&alice, "status", json!({})).await;
    assert_eq!((status["outbox_pending"].as_i64(), status["outbox_awaiting_echo"].as_i64()), (Some(0), Some(0)));
    const FLOW: &str = "SELECT step, recorded_by FROM supervision_flows WHERE order_id = ?1";
    assert_eq!(recorded(&bob, FLOW, "CS-SVC").await, None);
    let synced = ok(&bob, "sync_now", json!({})).await;
    assert_eq!(synced["ok"], true, "{synced}");
    assert_eq!(recorded(&bob, FLOW, "CS-SVC").await, Some(("confirm-requirements".into(), Some("alice".into()))));
    let detail = ok(&bob, "order_detail", json!({"order_id": "CS-SVC"})).await;
    assert_eq!(detail["flow"]["step"], "confirm-requirements", "{detail}");

    // A gateway cannot act on KooGallery either: the Seller Console, then the step recorded.
    let refused = call(&bob, "supervision_act", json!({"order_id": "CS-SVC", "action": "confirm"})).await;
    assert!(refused.is_err_and(|e| e.message.contains("Seller Console")));
    ok(
        &bob,
        "track_step",
        json!({"order_id": "CS-SVC", "product_type": "manual-service", "step": "implement",
               "since": "2026-11-29T09:00:00+08:00", "note": "需求已确认"}),
    )
    .await;
    ok(&alice, "sync_now", json!({})).await;
    assert_eq!(recorded(&alice, FLOW, "CS-SVC").await, Some(("implement".into(), Some("bob".into()))));

    // Bob records an invoice request; alice drafts and issues it; bob sees it issued, by alice.
    let request = ok(&bob, "track_invoice_request", invoice_request_for_saas()).await;
    let id = request["id"].as_str().expect("id").to_string();
    ok(&alice, "sync_now", json!({})).await;
    const REQUEST: &str = "SELECT status, recorded_by FROM invoice_requests WHERE id = ?1";
    assert_eq!(recorded(&alice, REQUEST, &id).await, Some(("requested".into(), Some("bob".into()))));
    let drafts = ok(&alice, "invoice_draft", json!({"request_id": id})).await;
    let invoice = drafts["invoices"][0]["id"].as_str().expect("a draft").to_string();
    let issued = ok(&alice, "invoice_issue", json!({"id": invoice, "by": "alice"})).await;
    assert_eq!(issued["sent"], true, "{issued}");
    ok(&bob, "sync_now", json!({})).await;
    assert_eq!(recorded(&bob, REQUEST, &id).await, Some(("issued".into(), Some("alice".into()))));

    // Alice records an unsubscription; bob records the decision taken on the Seller Console; alice sees it.
    let unsub = ok(
        &alice,
        "track_unsubscription",
        json!({"order_id": "CS-SVC", "requested_at": "2026-11-30T15:00:00+08:00", "refund": "200.00",
               "reason": "需求变更"}),
    )
    .await;
    let uid = unsub["id"].as_str().expect("id").to_string();
    ok(&bob, "sync_now", json!({})).await;
    let decided = ok(&bob, "unsubscription_decide", json!({"id": uid, "approve": false, "reason": "已交付"})).await;
    assert_eq!(decided["sent"], true, "{decided}");
    assert_eq!(decided["pending_sync"], Value::Null, "echoed: {decided}");
    ok(&alice, "sync_now", json!({})).await;
    const UNSUB: &str = "SELECT status, recorded_by FROM unsubscriptions WHERE id = ?1";
    assert_eq!(recorded(&alice, UNSUB, &uid).await, Some(("rejected".into(), Some("bob".into()))));
    gw.stop().await;
}

/// An entry about an order only one desk has (imported there, not in the gateway's feed) does not stop the other
/// desk's sync: that feed waits at the entry, saying which order to import or look up, the other feeds go on, and
/// once the order is imported the entry arrives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_about_an_order_this_desk_lacks_waits_for_it_and_stops_nothing_else() {
    std::env::set_var("KOODESK_FEED_TOKEN", TOKEN);
    let dir = tempfile::tempdir().expect("dir");
    let gw = gateway(dir.path()).await;
    let alice = desk("alice2", "alice", &gw.base_url).await;
    let bob = desk("bob2", "bob", &gw.base_url).await;
    const MORE: &str = "订单号,客户名称,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额（元）\n\
        CS-ONLY-ALICE,宁波某某贸易有限公司,上门实施服务,2026-11-22 09:00:00,处理中,新购,一次性,人工服务,¥800.00\n";
    let file = |content: &str| {
        json!({"kind": "orders", "file_name": "订单列表-补充.csv",
               "content_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, content.as_bytes())})
    };
    ok(&alice, "import_confirm", file(MORE)).await;
    ok(
        &alice,
        "track_step",
        json!({"order_id": "CS-ONLY-ALICE", "product_type": "manual-service", "step": "confirm-requirements",
               "since": "2026-11-28T10:00:00+08:00"}),
    )
    .await;
    let request = ok(&alice, "track_invoice_request", invoice_request_for_saas()).await;
    let id = request["id"].as_str().expect("id").to_string();

    let synced = ok(&bob, "sync_now", json!({})).await;
    assert_eq!(synced["ok"], false, "{synced}");
    let message = synced["message"].as_str().unwrap_or("");
    assert!(
        message.contains("CS-ONLY-ALICE") && message.contains("koodesk import"),
        "names the order and the fix: {message}"
    );
    const FLOW: &str = "SELECT step, recorded_by FROM supervision_flows WHERE order_id = ?1";
    const REQUEST: &str = "SELECT status, recorded_by FROM invoice_requests WHERE id = ?1";
    assert_eq!(recorded(&bob, FLOW, "CS-ONLY-ALICE").await, None);
    assert_eq!(recorded(&bob, REQUEST, &id).await.map(|r| r.1), Some(Some("alice".into())), "the other feeds went on");

    ok(&bob, "import_confirm", file(MORE)).await;
    let synced = ok(&bob, "sync_now", json!({})).await;
    assert_eq!(synced["ok"], true, "{synced}");
    assert_eq!(
        recorded(&bob, FLOW, "CS-ONLY-ALICE").await,
        Some(("confirm-requirements".into(), Some("alice".into()))),
        "the entry arrives once the order is here"
    );
    gw.stop().await;
}
