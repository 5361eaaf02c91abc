//! `koodesk track --paste` (the built binary): rows copied from the Seller Console's 发票管理 table, one bad — a
//! dry run and a plain run record nothing and name the row and field; `--skip-invalid` records the others, which
//! the inbox then shows.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn temp(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-track-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn koodesk() -> Command {
    Command::cargo_bin("koodesk").expect("binary")
}

fn track(db: &Path, paste: &Path, extra: &[&str]) -> (i32, Value) {
    let out = koodesk()
        .args(["track", "--kind", "invoice-request", "--by", "张三", "--json", "--db"])
        .arg(db)
        .arg("--paste")
        .arg(paste)
        .args(extra)
        .output()
        .expect("runs");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("no JSON report: {} / {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), report)
}

fn requests(db: &Path) -> usize {
    let out = koodesk().args(["inbox", "--json", "--db"]).arg(db).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["items"].as_array().map_or(0, |items| items.iter().filter(|i| i["group"] == "invoices").count())
}

#[test]
fn a_paste_with_a_bad_row_records_nothing_unless_told_to_skip_it() {
    let dir = temp("skip");
    let db = dir.join("koodesk.db");
    let orders = dir.join("orders.csv");
    std::fs::write(
        &orders,
        "订单号,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额\n\
         CS-SAAS,云客服,2026-11-21 11:00:00,已完成,新购,包年/包月,SaaS,300.00\n",
    )
    .expect("orders");
    let out = koodesk().args(["import", "--kind", "orders", "--db"]).arg(&db).arg(&orders).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let paste = dir.join("rows.tsv");
    std::fs::write(
        &paste,
        "订单号\t申请时间\t发票类型\t发票介质\t抬头类型\t发票抬头\n\
         CS-SAAS\t2026-11-25 10:00\t增值税普通发票\t数电\t个人\t张三\n\
         CS-NONE\t2026-11-25 10:00\t增值税普通发票\t数电\t个人\t李四\n",
    )
    .expect("paste");
    let (status, dry) = track(&db, &paste, &["--dry-run"]);
    assert_eq!((status, dry["valid"].as_u64(), dry["recorded"].as_u64()), (1, Some(1), Some(0)), "{dry}");
    let problem = &dry["rows"][1]["problems"][0];
    assert_eq!((problem["row"].as_u64(), problem["code"].as_str()), (Some(3), Some("unknown-order")), "{dry}");
    let (status, refused) = track(&db, &paste, &[]);
    assert_eq!((status, refused["recorded"].as_u64()), (1, Some(0)));
    assert_eq!(requests(&db), 0, "a bad row records nothing");
    let (status, kept) = track(&db, &paste, &["--skip-invalid"]);
    assert_eq!((status, kept["recorded"].as_u64()), (0, Some(1)), "{kept}");
    assert_eq!(requests(&db), 1);
}
