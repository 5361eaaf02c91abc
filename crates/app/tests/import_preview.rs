//! The console's import preview through the dispatcher, on files only: a file whose header lacks a column every row
//! needs still shows its headers to map one; a remembered mapping passes over a header the next file lacks; a
//! recognised column can be left unread; the column picker offers only the fields the kind reads.

use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use serde_json::{json, Value};

fn file(name: &str, content: &str, map: Option<&str>) -> Value {
    json!({"kind": "orders", "file_name": name, "map": map,
           "content_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, content.as_bytes())})
}

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command}: {e:?}"),
    }
}

const NO_ACCESS_TYPE: &str = "订单号,商品名称,创建时间,订单状态,订单类型,计费模式,类型,实付金额（元）\n\
    CS-1,云客服,2026-11-21 11:00:00,已完成,新购,包年/包月,SaaS,¥300.00\n";
const STANDARD: &str = "订单号,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,订单金额,实付金额\n\
    CS-2,云客服,2026-11-22 11:00:00,已完成,新购,包年/包月,SaaS,¥400.00,¥360.00\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_the_header_cannot_be_read_from_is_shown_to_be_mapped() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("settings.json"), json!({"mode": "files"}).to_string()).expect("settings");
    let ws = Workspace::open(WorkspaceConfig::new(dir.path())).await.expect("workspace");

    let p = ok(&ws, "import_preview", file("a.csv", NO_ACCESS_TYPE, None)).await;
    let problem = p["problem"].as_str().expect("a problem, not an error");
    assert!(problem.contains("access_type"), "names the field: {problem}");
    let headers: Vec<&str> =
        p["columns"].as_array().expect("columns").iter().filter_map(|c| c["header"].as_str()).collect();
    assert_eq!(headers.len(), 8, "every header of the file, to map one: {p}");
    assert!(headers.contains(&"类型"));
    let fields: Vec<&str> = p["fields"].as_array().expect("fields").iter().filter_map(Value::as_str).collect();
    assert!(fields.contains(&"access_type") && !fields.contains(&"bill_id"), "the orders' fields only: {fields:?}");
    assert!(call(&ws, "import_confirm", file("a.csv", NO_ACCESS_TYPE, None)).await.is_err(), "not importable as is");

    // Mapped, previewed, imported: the mapping is remembered for the kind.
    let p = ok(&ws, "import_preview", file("a.csv", NO_ACCESS_TYPE, Some("类型=access_type"))).await;
    assert_eq!(p["problem"], Value::Null, "{p}");
    assert_eq!(p["imported"], 1);
    ok(&ws, "import_confirm", file("a.csv", NO_ACCESS_TYPE, Some("类型=access_type"))).await;

    // The next file has the standard header and no 类型: the remembered mapping is passed over.
    let p = ok(&ws, "import_preview", file("b.csv", STANDARD, None)).await;
    assert_eq!(p["problem"], Value::Null, "{p}");
    assert_eq!(p["mapping"], "类型=access_type", "the remembered mapping was the starting point");
    assert_eq!(p["imported"], 1);

    // A recognised column left unread: 订单金额 is read instead of 实付金额.
    ok(&ws, "import_confirm", file("b.csv", STANDARD, Some("实付金额=ignore"))).await;
    let orders = ok(&ws, "orders", json!({"filter": {"order_id": "CS-2"}, "offset": 0, "limit": 10})).await;
    assert_eq!(orders["rows"][0]["amount"], "400.00", "{orders}");
}
