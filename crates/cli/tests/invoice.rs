//! `koodesk invoice` on a demo store: requests, drafts with the documented JSON fields, two processes issuing at
//! once (no gaps, no duplicates), red letters, and exports read back.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_koodesk"))
}

const NOW: &str = "2026-11-29T10:00:00";

fn demo(name: &str) -> PathBuf {
    let db = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("koodesk-cli-invoice-{}-{name}.db", std::process::id()));
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", db.display()));
    }
    let out = Command::new(bin())
        .args(["demo", "--orders", "3000", "--seed", "3", "--now", NOW, "--db"])
        .arg(&db)
        .output()
        .expect("demo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    db
}

fn invoice(db: &Path, args: &[&str]) -> Output {
    Command::new(bin()).arg("invoice").args(args).args(["--now", NOW, "--db"]).arg(db).output().expect("runs")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// Drafts every open request; returns the requests that drafted.
fn draft_all(db: &Path) -> Vec<String> {
    let requests = json(&invoice(db, &["requests", "--json"]));
    let mut drafted = Vec::new();
    for r in requests.as_array().expect("list").iter().take(40) {
        let id = r["id"].as_str().expect("id");
        let out = invoice(db, &["draft", "--request", id, "--json"]);
        if out.status.success() {
            drafted.push(id.to_string());
        } else {
            assert_eq!(out.status.code(), Some(1));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("§2") || err.contains("taxpayer_id"), "a refusal names its rule: {err}");
        }
    }
    drafted
}

#[test]
fn drafts_have_the_documented_fields() {
    let db = demo("fields");
    let requests = json(&invoice(&db, &["requests", "--json"]));
    let first = requests.as_array().expect("list").first().cloned().expect("an open request");
    assert!(first["id"].is_string() && first["due_at"].is_string());
    let drafted = draft_all(&db);
    let drafts = json(&invoice(&db, &["draft", "--request", &drafted[0], "--json"]));
    for d in drafts.as_array().expect("list") {
        for field in [
            "request_id",
            "kind",
            "rate",
            "total_net",
            "total_tax",
            "total_gross",
            "total_gross_words",
            "courier_payer",
            "due_at",
        ] {
            assert!(!d[field].is_null(), "{field}: {d}");
        }
        assert!(d["buyer"]["title"].is_string() && d["buyer"].get("taxpayer_id").is_some());
        assert!(d["total_gross"].is_string(), "money is a decimal string");
        for l in d["lines"].as_array().expect("lines") {
            for field in ["order_id", "item", "tax_code", "amount_net", "tax", "amount_gross"] {
                assert!(l[field].is_string(), "line {field}: {l}");
            }
        }
    }
    // A product's code set by the seller is used on the next draft; a bad code is refused by name.
    let product: String = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT l.product_id FROM invoice_request_orders r JOIN order_lines l ON l.order_id = r.order_id WHERE r.request_id = ?1 LIMIT 1",
            [&drafted[0]],
            |r| r.get(0),
        )
        .expect("product");
    let out = invoice(&db, &["tax-code", "--of", &product, "--code", "3040201010000000000", "--name", "软件开发服务"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = json(&invoice(&db, &["draft", "--request", &drafted[0], "--json"]));
    let lines: Vec<&Value> =
        again.as_array().expect("list").iter().flat_map(|d| d["lines"].as_array().expect("lines")).collect();
    assert!(lines.iter().any(|l| l["tax_code"] == "3040201010000000000"
        && l["item"].as_str().is_some_and(|i| i.starts_with("*软件开发服务*"))));
    let out = invoice(&db, &["tax-code", "--of", "software", "--code", "123", "--name", "软件"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("19 digits"));

    let out = invoice(&db, &["draft", "--request", "NOPE"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no invoice request NOPE"));
}

#[test]
fn two_processes_issuing_at_once_number_without_gaps_or_duplicates() {
    let db = demo("two");
    let drafted = draft_all(&db);
    assert!(drafted.len() >= 10, "{} requests drafted", drafted.len());
    let halves: Vec<Vec<String>> =
        vec![drafted.iter().step_by(2).cloned().collect(), drafted.iter().skip(1).step_by(2).cloned().collect()];
    let children: Vec<_> = halves
        .iter()
        .enumerate()
        .map(|(i, half)| {
            let db = db.clone();
            let half = half.clone();
            std::thread::spawn(move || {
                let mut numbers = Vec::new();
                for r in half {
                    let out = invoice(&db, &["issue", "--request", &r, "--by", &format!("process-{i}"), "--json"]);
                    for rec in json(&out).as_array().expect("issued") {
                        numbers.push(rec["number"].as_str().expect("number").to_string());
                    }
                }
                numbers
            })
        })
        .collect();
    let numbers: Vec<String> = children.into_iter().flat_map(|c| c.join().expect("process")).collect();
    let unique: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "no duplicates");
    let seq: Vec<u64> = unique.iter().map(|n| n[10..].parse().expect("digits")).collect();
    assert_eq!(seq, (1..=numbers.len() as u64).collect::<Vec<_>>(), "no gaps");

    // Issued is final: issuing again is refused.
    let out = invoice(&db, &["issue", "--request", &drafted[0], "--by", "x"]);
    assert_eq!(out.status.code(), Some(1));

    // A red letter against one, then the CSV and JSON exports read back.
    let issued = json(&invoice(&db, &["export", "--format", "json", "--state", "issued"]));
    let some = issued["invoices"][0]["id"].as_str().expect("id").to_string();
    let red = json(&invoice(&db, &["red-letter", "--invoice", &some, "--reason", "service-terminated", "--json"]));
    assert_eq!(red["red_reason"], "服务终止");
    assert!(red["draft"]["total_gross"].as_str().expect("money").starts_with('-'));

    let csv_path = db.with_extension("csv");
    let out = invoice(&db, &["export", "--format", "csv", "--out", csv_path.to_str().expect("utf-8")]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&csv_path).expect("csv");
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().expect("header").split(',').collect();
    assert_eq!(header[0], "invoice_id");
    let all = json(&invoice(&db, &["export", "--format", "json"]));
    let lines: usize = all["invoices"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["draft"]["lines"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(rows.clone().count(), lines, "one CSV row per invoice line");
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let gross_sum: rust_decimal::Decimal = rows
        .map(|r| r.split(',').collect::<Vec<_>>())
        .filter(|c| c.len() == header.len())
        .map(|c| c[col("amount_gross")].parse::<rust_decimal::Decimal>().expect("decimal"))
        .sum();
    let json_sum: rust_decimal::Decimal = all["invoices"]
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["draft"]["total_gross"].as_str().expect("money").parse::<rust_decimal::Decimal>().expect("decimal"))
        .sum();
    assert_eq!(gross_sum, json_sum, "the CSV lines add up to the invoices' totals");
    let _ = std::fs::remove_file(csv_path);

    let pdf_path = db.with_extension("pdf");
    let out = invoice(
        &db,
        &[
            "export",
            "--format",
            "pdf",
            "--invoice",
            &some,
            "--seller-name",
            "示例软件有限公司",
            "--out",
            pdf_path.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&pdf_path).expect("pdf").starts_with(b"%PDF-"));
    let out = invoice(&db, &["export", "--format", "pdf", "--out", pdf_path.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2), "--invoice is needed");
    let _ = std::fs::remove_file(pdf_path);

    let xlsx_path = db.with_extension("xlsx");
    let out = invoice(&db, &["export", "--format", "xlsx", "--out", xlsx_path.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(&std::fs::read(&xlsx_path).expect("xlsx")[..2], b"PK", "a zip container");
    let out = invoice(&db, &["export", "--format", "xlsx"]);
    assert_eq!(out.status.code(), Some(2), "no workbook to a terminal");
    let _ = std::fs::remove_file(xlsx_path);
}

#[test]
fn a_buyer_list_imports_whole_or_not_at_all() {
    let db = demo("buyers");
    let good = db.with_extension("good.csv");
    std::fs::write(&good, "title,taxpayer_id,address,bank\n示例科技有限公司,91350100M000100Y43,福州市,工商银行 1\n")
        .expect("write");
    let out = invoice(&db, &["import-buyers", "--file", good.to_str().expect("utf-8"), "--json"]);
    assert_eq!(json(&out)["imported"], 1);
    let bad = db.with_extension("bad.csv");
    std::fs::write(&bad, "title,taxpayer_id\n甲,91350100M000100Y43\n乙,123\n").expect("write");
    let out = invoice(&db, &["import-buyers", "--file", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 3, column taxpayer_id `123`"));
    let c = rusqlite::Connection::open(&db).expect("open");
    let n: i64 = c.query_row("SELECT count(*) FROM invoice_buyers", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 1, "nothing of the bad file was stored");
    let _ = (std::fs::remove_file(good), std::fs::remove_file(bad));
}

#[test]
fn several_orders_of_one_buyer_draft_and_issue_as_a_batch() {
    let db = demo("batch");
    // A person with two orders free to invoice.
    let buyers = json(&invoice(&db, &["buyers", "--json"]));
    let (buyer, free) = buyers
        .as_array()
        .expect("buyers")
        .iter()
        .filter(|b| b["kind"] == "person")
        .find_map(|b| {
            let id = b["buyer_id"].as_str().expect("id").to_string();
            let orders = json(&invoice(&db, &["orders", "--buyer", &id, "--json"]));
            let free: Vec<String> = orders
                .as_array()
                .expect("orders")
                .iter()
                .filter(|o| o["blocked"].is_null())
                .map(|o| o["order_id"].as_str().expect("id").to_string())
                .collect();
            (free.len() >= 2).then_some((id, free))
        })
        .expect("a buyer with two free orders");
    let picked = format!("{},{}", free[0], free[1]);

    let preview = json(&invoice(&db, &["draft", "--orders", &picked, "--medium", "paper", "--preview", "--json"]));
    assert!(preview.as_array().is_some_and(|d| !d.is_empty()));
    let drafts = json(&invoice(&db, &["draft", "--orders", &picked, "--medium", "paper", "--json"]));
    let drafts = drafts.as_array().expect("drafts");
    assert_eq!(drafts.len(), preview.as_array().expect("preview").len());
    for (d, p) in drafts.iter().zip(preview.as_array().expect("preview")) {
        assert_eq!(d["request_id"], "M20261129-001");
        for field in ["rate", "total_net", "total_tax", "total_gross", "total_gross_words", "courier_payer"] {
            assert_eq!(d[field], p[field], "the saved draft is the preview: {field}");
        }
    }
    let listed = json(&invoice(&db, &["orders", "--buyer", &buyer, "--json"]));
    let blocked =
        listed.as_array().expect("orders").iter().find(|o| o["order_id"] == free[0].as_str()).expect("listed");
    assert!(blocked["blocked"].as_str().is_some_and(|b| b.contains("M20261129-001")), "{blocked}");

    let issued = json(&invoice(&db, &["issue", "--batch", "M20261129-001", "--by", "张三", "--json"]));
    assert!(issued.as_array().is_some_and(|i| i.iter().all(|r| r["state"] == "issued")), "{issued}");

    // Bad input names the field; a mixed choice of buyers is refused.
    let out = invoice(&db, &["draft", "--orders", &free[0], "--kind", "gold"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kind `gold`"));
}
