//! The console on files only, through the same dispatcher the window and the browser use: an export previewed
//! then imported, steps and requests recorded by hand with who recorded them, joining the inbox with their clocks,
//! decisions recorded as done on the Seller Console rather than sent anywhere, and no sync counted as failing.

use base64::Engine;
use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use serde_json::{json, Value};

const ORDERS: &str =
    "订单列表导出\n\n订单号,客户名称,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额（元）\n\
    CS-SVC,杭州某某科技有限公司,上门实施服务,2026-11-20 10:00:00,处理中,新购,一次性,人工服务,\"¥1,200.00\"\n\
    CS-SAAS,杭州某某科技有限公司,云客服,2026-11-21 11:00:00,已完成,新购,包年/包月,SaaS,¥300.00\n\
    CS-UNPAID,某人,云客服,2026-11-22 11:00:00,待支付,新购,包年/包月,SaaS,¥300.00\n\
    合计,,,,,,,,\"¥1,800.00\"\n";

async fn files_workspace(name: &str) -> std::sync::Arc<Workspace> {
    let dir = tempfile::Builder::new().prefix(&format!("koodesk-files-{name}-")).tempdir().expect("dir").keep();
    std::fs::write(dir.join("settings.json"), r#"{"mode": "files", "operator": "王五"}"#).expect("settings");
    Workspace::open(WorkspaceConfig::new(&dir)).await.expect("workspace")
}

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

fn file(name: &str, text: &str) -> Value {
    json!({
        "kind": "orders",
        "file_name": name,
        "content_base64": base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
    })
}

fn inbox_item<'a>(overview: &'a Value, ref_id: &str) -> Option<&'a Value> {
    overview["inbox"]["items"].as_array()?.iter().find(|i| i["ref_id"] == ref_id)
}

#[tokio::test]
async fn a_seller_runs_the_day_from_files_and_records() {
    let ws = files_workspace("day").await;
    let status = ok(&ws, "status", json!({})).await;
    assert_eq!(status["mode"], "files");
    let synced = ok(&ws, "sync_now", json!({})).await;
    assert_eq!(synced["ok"], true, "nothing to sync is not a failure: {synced}");
    assert_eq!(ok(&ws, "status", json!({})).await["failures_in_a_row"], 0);

    // The preview: the header under a title, the columns as read, the first rows, and what the import would do.
    let preview = ok(&ws, "import_preview", file("订单列表.csv", ORDERS)).await;
    assert_eq!(preview["header_row"], 3);
    assert_eq!((preview["rows"].as_u64(), preview["imported"].as_u64()), (Some(3), Some(2)), "{preview}");
    assert_eq!(preview["skipped"][0]["row"], 6, "the unpaid order, by its spreadsheet row");
    let columns = preview["columns"].as_array().expect("columns");
    assert!(columns.iter().any(|c| c["header"] == "实付金额（元）" && c["field"] == "amount"), "{preview}");
    assert!(preview["fields"].as_array().is_some_and(|f| f.iter().any(|f| f == "order_id")));
    let orders = ok(&ws, "orders", json!({"filter": {}, "offset": 0, "limit": 50})).await;
    assert_eq!(orders["rows"].as_array().map(Vec::len), Some(0), "a preview writes nothing");

    let done = ok(&ws, "import_confirm", file("订单列表.csv", ORDERS)).await;
    assert_eq!((done["imported"].as_u64(), done["skipped"].as_u64()), (Some(2), Some(1)), "{done}");
    let again = ok(&ws, "import_confirm", file("订单列表.csv", ORDERS)).await;
    assert_eq!(again["unchanged"].as_u64(), Some(2));

    // A supervision step recorded by hand: the user's appeal clock runs from its start [KG §3].
    ok(
        &ws,
        "track_step",
        json!({"order_id": "CS-SVC", "product_type": "manual-service", "step": "confirm-requirements",
               "since": "2026-11-28T10:00:00+08:00"}),
    )
    .await;
    let overview = ok(&ws, "overview", json!({})).await;
    let step = inbox_item(&overview, "CS-SVC").expect("the step is in the inbox");
    assert_eq!(step["due_at"], "2026-12-03T10:00:00+08:00");
    // Acting through KooDesk is refused: with files only the seller acts on the Seller Console.
    let refused = call(&ws, "supervision_act", json!({"order_id": "CS-SVC", "action": "confirm"})).await;
    assert!(refused.is_err_and(|e| e.message.contains("Seller Console")));
    // The step the console shows next is recorded instead.
    ok(
        &ws,
        "track_step",
        json!({"order_id": "CS-SVC", "product_type": "manual-service", "step": "implement",
               "since": "2026-11-29T09:00:00+08:00", "note": "需求已确认"}),
    )
    .await;
    let detail = ok(&ws, "order_detail", json!({"order_id": "CS-SVC"})).await;
    assert_eq!(detail["flow"]["step"], "implement");

    // An invoice request recorded by hand, its 7-day deadline, drafted from the imported order and issued.
    let request = ok(
        &ws,
        "track_invoice_request",
        json!({"order_ids": ["CS-SAAS"], "requested_at": "2026-11-30T10:00:00+08:00", "kind": "ordinary",
               "medium": "fully-digital", "title_kind": "enterprise", "title_name": "杭州某某科技有限公司",
               "taxpayer_id": "91350100M000100Y43"}),
    )
    .await;
    let id = request["id"].as_str().expect("id").to_string();
    let overview = ok(&ws, "overview", json!({})).await;
    let item = inbox_item(&overview, &id).expect("the request is in the inbox");
    assert_eq!(
        (item["action"].as_str(), item["due_at"].as_str()),
        (Some("issue-invoice"), Some("2026-12-07T10:00:00+08:00"))
    );
    let drafts = ok(&ws, "invoice_draft", json!({"request_id": id})).await;
    let invoice = drafts["invoices"][0]["id"].as_str().expect("a draft").to_string();
    assert_eq!(drafts["invoices"][0]["draft"]["total_gross"], "300.00", "{drafts}");
    ok(&ws, "invoice_issue", json!({"id": invoice, "by": "王五"})).await;
    let requests = ok(&ws, "invoice_requests", json!({})).await;
    let row = requests["requests"].as_array().and_then(|r| r.iter().find(|r| r["id"] == id.as_str())).expect("row");
    assert_eq!(row["status"], "issued", "recorded issued, nothing queued: {row}");
    assert_eq!(ok(&ws, "status", json!({})).await["outbox_pending"], 0);

    // An unsubscription request recorded, then decided on the Seller Console.
    let unsub = ok(
        &ws,
        "track_unsubscription",
        json!({"order_id": "CS-SVC", "requested_at": "2026-11-30T15:00:00+08:00", "refund": "200.00",
               "reason": "需求变更"}),
    )
    .await;
    let uid = unsub["id"].as_str().expect("id").to_string();
    let decided = ok(&ws, "unsubscription_decide", json!({"id": uid, "approve": false, "reason": "已交付"})).await;
    assert_eq!(decided["pending_sync"], Value::Null);
    let list = ok(&ws, "unsubscriptions", json!({})).await;
    let row = list["requests"].as_array().and_then(|r| r.iter().find(|r| r["id"] == uid.as_str())).expect("row");
    assert_eq!(row["status"], "rejected");

    // Bad entries name the field and the rule.
    let bad = call(
        &ws,
        "track_unsubscription",
        json!({"order_id": "CS-SVC", "requested_at": "2026-11-30T15:00:00",
        "refund": "9999.00", "reason": "x"}),
    )
    .await;
    assert!(bad.is_err_and(|e| e.message.starts_with("refund")));
}

#[tokio::test]
async fn the_demo_looks_orders_up_through_its_sandboxs_open_api() {
    let dir = tempfile::Builder::new().prefix("koodesk-lookup-demo-").tempdir().expect("dir").keep();
    let mut cfg = WorkspaceConfig::new(&dir);
    cfg.sandbox_history_days = 3;
    let ws = Workspace::open(cfg).await.expect("workspace");
    let r =
        ok(&ws, "orders_lookup", json!({"order_ids": ["MOCKPERIODYEARNEW NOSUCHORDER"], "access_type": "saas"})).await;
    let found: Vec<&str> =
        r["looked_up"].as_array().expect("looked up").iter().filter_map(|o| o["order_id"].as_str()).collect();
    assert_eq!(found, ["MOCKPERIODYEARNEW"], "{r}");
    assert_eq!(r["looked_up"][0]["source"], "lookup");
    assert_eq!(r["failed"][0]["order_id"], "NOSUCHORDER");
    let detail = ok(&ws, "order_detail", json!({"order_id": "MOCKPERIODYEARNEW"})).await;
    assert_eq!(detail["order"]["access_type"], "saas", "{detail}");
    let empty = call(&ws, "orders_lookup", json!({"order_ids": [" "]})).await;
    assert!(empty.is_err_and(|e| e.message.starts_with("order_ids")));
}

/// Rows pasted from the Seller Console's 退订管理 and 发票管理 tables: previewed row by row with each problem's
/// row, field and code; a paste with a bad row records nothing unless the seller skips it; the rows kept join the
/// inbox like single entries.
#[tokio::test]
async fn pasted_rows_are_all_or_nothing_unless_the_bad_ones_are_skipped() {
    let ws = files_workspace("paste").await;
    ok(&ws, "import_confirm", file("订单列表.csv", ORDERS)).await;
    ok(
        &ws,
        "track_step",
        json!({"order_id": "CS-SVC", "product_type": "manual-service", "step": "implement",
               "since": "2026-11-28T10:00:00+08:00"}),
    )
    .await;
    let text = "订单号\t申请时间\t退款金额（元）\t退订原因\n\
                CS-SVC\t2026-11-29 09:30\t¥200.00\t需求变更\n\
                CS-NONE\t2026-11-29 09:31\t10\t不需要\n\
                CS-SVC\t2026/11/29\t1.005\t重复\n";
    let paste = |skip: bool| json!({"kind": "unsubscription", "text": text, "skip_invalid": skip});
    let unsubscriptions = |v: Value| v["requests"].as_array().map(Vec::len).unwrap_or(0);
    let preview = ok(&ws, "track_paste_preview", paste(false)).await;
    assert_eq!(
        (preview["header"].as_bool(), preview["valid"].as_u64(), preview["invalid"].as_u64()),
        (Some(true), Some(1), Some(2)),
        "{preview}"
    );
    let rows = preview["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["values"], json!(["CS-SVC", "2026-11-29 09:30:00", "200.00", "需求变更"]));
    assert_eq!(
        rows[1]["problems"][0],
        json!({"row": 3, "field": "order_id", "code": "unknown-order", "value": "CS-NONE", "detail": null})
    );
    assert_eq!(
        (rows[2]["problems"][0]["row"].as_u64(), rows[2]["problems"][0]["code"].as_str()),
        (Some(4), Some("decimals"))
    );
    let before = ok(&ws, "unsubscriptions", json!({})).await;
    assert_eq!(unsubscriptions(before.clone()), 0, "a preview records nothing");

    let refused = ok(&ws, "track_paste", paste(false)).await;
    assert_eq!(refused["recorded"], 0);
    assert_eq!(ok(&ws, "unsubscriptions", json!({})).await, before, "a bad row records nothing");

    let kept = ok(&ws, "track_paste", paste(true)).await;
    assert_eq!(kept["recorded"], 1, "{kept}");
    let id = kept["ids"][0].as_str().expect("id").to_string();
    assert_eq!(unsubscriptions(ok(&ws, "unsubscriptions", json!({})).await), 1);
    let overview = ok(&ws, "overview", json!({})).await;
    let review = inbox_item(&overview, &id).expect("the pasted request awaits review");
    assert_eq!(review["action"], "review-unsubscription");

    // Invoice requests in the console's words, without a header; the one for the order awaiting review is refused
    // by the single entry's rule [KG §2].
    let text = "CS-SAAS\t2026-11-29 10:00\t增值税普通发票\t数电\t企业\t杭州某某科技有限公司\n\
                CS-SVC\t2026-11-29 10:00\t普票\t数电\t企业\t杭州某某科技有限公司\n";
    let r = ok(&ws, "track_paste", json!({"kind": "invoice-request", "text": text})).await;
    assert_eq!((r["recorded"].as_u64(), r["invalid"].as_u64()), (Some(0), Some(1)), "{r}");
    assert_eq!(r["rows"][1]["problems"][0]["code"], "pending-unsubscription");
    assert_eq!(r["rows"][1]["problems"][0]["field"], "order_ids");
    assert_eq!(r["rows"][1]["problems"][0]["value"], "CS-SVC");
    // The SaaS order has no review: its unsubscription is a 5-day full refund, not a negotiated one [KG §4].
    let saas =
        ok(&ws, "track_paste_preview", json!({"kind": "unsubscription", "text": "CS-SAAS,2026-11-29 09:00,10,x"}))
            .await;
    let p = &saas["rows"][0]["problems"][0];
    assert_eq!(
        (p["code"].as_str(), p["value"].as_str(), p["detail"].as_str()),
        (Some("not-negotiated"), Some("CS-SAAS"), Some("five-day-full")),
        "{saas}"
    );
    let much =
        ok(&ws, "track_paste_preview", json!({"kind": "unsubscription", "text": "CS-SVC,2026-11-29 09:00,5000,x"}))
            .await;
    assert_eq!(much["rows"][0]["problems"][0]["code"], "refund-range", "{much}");
    let r = ok(&ws, "track_paste", json!({"kind": "invoice-request", "text": text, "skip_invalid": true})).await;
    assert_eq!(r["recorded"], 1);
    let overview = ok(&ws, "overview", json!({})).await;
    let invoice = inbox_item(&overview, r["ids"][0].as_str().expect("id")).expect("the request is in the inbox");
    assert_eq!(invoice["due_at"], "2026-12-06T10:00:00+08:00", "7 days from the request [KG §2]");
}
