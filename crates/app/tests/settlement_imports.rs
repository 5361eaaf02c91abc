//! The Settlement screen's imported exports through the dispatcher, on files only [KG §5]: the bills and a page
//! of transactions read back with their amounts, one bill's lines, and a bad filter or an unknown bill refused.

use base64::Engine;
use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use serde_json::{json, Value};

const TRANSACTIONS: &str = "交易明细\n订单号,商品名称,交易金额,账期,出账状态\n\
    CS-SAAS,云客服,300.00,2026-11,待出账\nCS-SVC,上门实施服务,\"1,200.00\",2026-11,已出账\n";
const BILLS: &str = "账单号,账期,金额,平台服务费,商家分成,状态\nB202610,2026-10,\"1,000.00\",50.00,950.00,已结算\n";
const BILL_LINES: &str = "账单号,账期,订单号,金额\nB202610,2026-10,CS-OLD1,600.00\nB202610,2026-10,CS-OLD2,400.00\n";

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

fn file(kind: &str, text: &str) -> Value {
    json!({
        "kind": kind,
        "file_name": format!("{kind}.csv"),
        "content_base64": base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
    })
}

#[tokio::test]
async fn imported_bills_lines_and_transactions_read_back() {
    let dir = tempfile::Builder::new().prefix("koodesk-settlement-imports-").tempdir().expect("dir");
    std::fs::write(dir.path().join("settings.json"), r#"{"mode": "files", "operator": "王五"}"#).expect("settings");
    let ws = Workspace::open(WorkspaceConfig::new(dir.path())).await.expect("workspace");

    let empty = ok(&ws, "settlement_imports", json!({})).await;
    assert_eq!(empty, json!({"bills": [], "transactions": {"rows": [], "total": 0, "amount": "0.00", "periods": []}}));

    for (kind, text) in [("transactions", TRANSACTIONS), ("bills", BILLS), ("bill-lines", BILL_LINES)] {
        let done = ok(&ws, "import_confirm", file(kind, text)).await;
        assert!(done["errors"].as_array().is_some_and(Vec::is_empty), "{kind}: {done}");
    }
    let all = ok(&ws, "settlement_imports", json!({})).await;
    let bill = &all["bills"][0];
    assert_eq!(
        (&bill["bill_key"], &bill["amount"], &bill["platform_fee"]),
        (&json!("B202610"), &json!("1000.00"), &json!("50.00"))
    );
    assert_eq!(
        (&bill["line_count"], &bill["lines_amount"], &bill["status"]),
        (&json!(2), &json!("1000.00"), &json!("已结算"))
    );
    assert_eq!(all["transactions"]["total"], 2);
    assert_eq!(all["transactions"]["amount"], "1500.00");

    let billed =
        ok(&ws, "settlement_imports", json!({"filter": {"period": "2026-11", "bill_status": "billed"}, "limit": 10}))
            .await;
    let rows = billed["transactions"]["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!((&rows[0]["order_id"], &rows[0]["amount"]), (&json!("CS-SVC"), &json!("1200.00")));

    let lines = ok(&ws, "settlement_bill_lines", json!({"bill_key": "B202610"})).await;
    let amounts: Vec<&Value> = lines["lines"].as_array().expect("lines").iter().map(|l| &l["amount"]).collect();
    assert_eq!(amounts, [&json!("600.00"), &json!("400.00")]);

    let bad = call(&ws, "settlement_imports", json!({"filter": {"bill_status": "已出账"}})).await;
    assert!(bad.is_err_and(|e| e.code == "invalid" && e.message.contains("bill status")));
    let unknown = call(&ws, "settlement_bill_lines", json!({"bill_key": "NOPE"})).await;
    assert!(unknown.is_err_and(|e| e.code == "not-found"));
}
