//! `koodesk import` and `koodesk orders` (the built binary) over real export files made here: the JSON summary,
//! re-imports that update and never duplicate, a bad file that changes nothing, `--skip-invalid`, `--dry-run`, and
//! a `--map` remembered for the next import of the kind.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use koodesk_documents::import::sample;
use serde_json::Value;

fn temp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-import-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn koodesk() -> Command {
    Command::cargo_bin("koodesk").expect("binary")
}

/// Runs `koodesk import … --json` and returns its exit status and summary.
fn import(db: &Path, file: &Path, extra: &[&str]) -> (i32, Value) {
    let out = koodesk()
        .args(["import", "--kind", "orders", "--json", "--db"])
        .arg(db)
        .arg(file)
        .args(extra)
        .output()
        .expect("runs");
    let summary = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("no JSON summary: {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), summary)
}

fn orders(db: &Path, source: Option<&str>) -> Vec<Value> {
    let mut c = koodesk();
    c.args(["orders", "--json", "--db"]).arg(db);
    if let Some(s) = source {
        c.args(["--source", s]);
    }
    let out = c.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["orders"].as_array().cloned().unwrap_or_default()
}

#[test]
fn an_export_is_imported_then_reimported_without_duplicates() {
    let dir = temp("reimport");
    let (file, db) = (dir.join("订单列表.xlsx"), dir.join("koodesk.db"));
    sample::orders_xlsx(&file, 60, 3).expect("sample");
    let sales = sample::orders(60, 3).filter(|o| o.sale).count() as u64;

    let (status, s) = import(&db, &file, &[]);
    assert_eq!(status, 0, "{s}");
    assert_eq!(s["kind"], "orders");
    assert_eq!(s["rows"], 60);
    assert_eq!(s["imported"].as_u64(), Some(sales));
    assert_eq!(s["skipped"].as_u64(), Some(60 - sales), "the unpaid and cancelled orders");
    assert_eq!(s["errors"], serde_json::json!([]));

    let (_, again) = import(&db, &file, &[]);
    assert_eq!((again["imported"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(sales)));
    let listed = orders(&db, Some("import"));
    assert_eq!(listed.len() as u64, sales, "one line per order, none twice");
    let first = &listed[0];
    for key in ["order_id", "order_line_id", "created_at", "buyer", "product", "access_type", "billing_mode", "amount"]
    {
        assert!(first.get(key).is_some_and(|v| !v.is_null()), "{key} in {first}");
    }
    assert_eq!(first["source"], "import");
    assert!(orders(&db, Some("gateway")).is_empty());
    assert_eq!(orders(&db, None).len() as u64, sales);
}

#[test]
fn a_file_with_a_bad_row_imports_nothing_unless_told_to_skip_it() {
    let dir = temp("bad");
    let (file, db) = (dir.join("orders.csv"), dir.join("koodesk.db"));
    std::fs::write(
        &file,
        "订单号,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额（元）\n\
         CS1,云客服,2026-11-03 14:02:11,已完成,新购,包年/包月,SaaS,\"¥1,234.50\"\n\
         CS2,云客服,2026/11/4,已完成,新购,按需,SaaS,12.345\n\
         CS3,云客服,20261105090000,处理中,续费,包周期,SaaS,99\n",
    )
    .expect("file");
    let (status, s) = import(&db, &file, &[]);
    assert_eq!(status, 1, "{s}");
    assert_eq!((s["imported"].as_u64(), s["rows"].as_u64()), (Some(0), Some(3)));
    let errors = s["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{s}");
    assert_eq!(errors[0]["row"], 3, "the row as the spreadsheet shows it");
    assert_eq!(errors[0]["column"], "实付金额（元）");
    assert!(errors[0]["message"].as_str().is_some_and(|m| m.contains("2 decimals")), "{s}");
    assert!(orders(&db, None).is_empty(), "nothing stored");

    let (_, dry) = import(&db, &file, &["--skip-invalid", "--dry-run"]);
    assert_eq!((dry["imported"].as_u64(), dry["dry_run"].as_bool()), (Some(2), Some(true)));
    assert!(orders(&db, None).is_empty(), "a dry run writes nothing");

    let (status, s) = import(&db, &file, &["--skip-invalid"]);
    assert_eq!(status, 0, "{s}");
    assert_eq!((s["imported"].as_u64(), s["skipped"].as_u64()), (Some(2), Some(1)));
    let amounts: Vec<String> =
        orders(&db, None).iter().map(|o| o["amount"].as_str().unwrap_or_default().to_string()).collect();
    assert!(amounts.contains(&"1234.50".to_string()) && amounts.contains(&"99.00".to_string()), "{amounts:?}");
}

#[test]
fn a_confirmed_mapping_is_remembered_for_the_next_file_of_its_kind() {
    let dir = temp("map");
    let (file, db) = (dir.join("orders.csv"), dir.join("koodesk.db"));
    std::fs::write(
        &file,
        "单据编号,商品名称,创建时间,订单状态,订单类型,计费模式,实付金额\n\
         CS1,云客服,2026-11-03 14:02:11,已完成,新购,包年/包月,100\n",
    )
    .expect("file");
    let out = koodesk().args(["import", "--kind", "orders", "--db"]).arg(&db).arg(&file).output().expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--map") || err.contains("order_id"), "says what is missing and how to map it: {err}");

    let (status, s) = import(&db, &file, &["--map", "单据编号=order_id", "--set", "access_type=SaaS"]);
    assert_eq!((status, s["imported"].as_u64()), (0, Some(1)), "{s}");
    std::fs::write(
        &file,
        "单据编号,商品名称,创建时间,订单状态,订单类型,计费模式,实付金额\n\
         CS2,云客服,2026-11-04 10:00:00,已完成,新购,包年/包月,200\n",
    )
    .expect("file");
    let (status, s) = import(&db, &file, &["--set", "access_type=SaaS"]);
    assert_eq!((status, s["imported"].as_u64()), (0, Some(1)), "the mapping was remembered: {s}");
    assert_eq!(orders(&db, None).len(), 2);
}
