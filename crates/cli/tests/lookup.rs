//! `koodesk lookup` (the built binary) against a sandbox on loopback, with the AK/SK in KOODESK_ACCESS_KEY and
//! KOODESK_SECRET_KEY: `--json` output, the exit status, and `koodesk orders --source lookup` listing what was
//! stored.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use koodesk_sandbox::RunningSandbox;
use serde_json::Value;

mod support;

fn sandbox() -> support::Running {
    support::sandbox(31, 5)
}

fn temp_db(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-lookup-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d.join("koodesk.db")
}

fn koodesk(sb: &RunningSandbox) -> Command {
    let mut c = Command::cargo_bin("koodesk").expect("binary");
    c.env("KOODESK_ACCESS_KEY", &sb.state.cfg.access_key)
        .env("KOODESK_SECRET_KEY", sb.state.cfg.secret_key.expose())
        .env_remove("KOODESK_FEED_TOKEN");
    c
}

/// `koodesk lookup --db DB --api SANDBOX ARGS…`, run.
fn lookup(sb: &RunningSandbox, db: &Path, api: Option<&str>, args: &[&str]) -> std::process::Output {
    let base = sb.base_url();
    let mut c = koodesk(sb);
    c.args(["lookup", "--db"]).arg(db).args(["--api", api.unwrap_or(&base)]).args(args);
    c.output().expect("runs")
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(out)))
}

#[test]
fn lookup_stores_orders_and_reports_the_unknown_one() {
    let r = sandbox();
    let sb = &r.sandbox;
    let db = temp_db("json");
    let out =
        lookup(sb, &db, None, &["--access-type", "saas", "--json", "MOCKPERIODYEARNEW", "NOSUCHORDER", "MOCKONDEMAND"]);
    assert_eq!(out.status.code(), Some(1), "an order failed: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let secret = sb.state.cfg.secret_key.expose();
    assert!(!stdout.contains(secret) && !stderr.contains(secret), "the secret key is never printed");
    let v = json_of(&out.stdout);
    let looked_up = v["looked_up"].as_array().expect("looked_up");
    let ids: Vec<&str> = looked_up.iter().map(|o| o["order_id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["MOCKPERIODYEARNEW", "MOCKONDEMAND"]);
    let first = &looked_up[0];
    assert_eq!(
        (&first["source"], &first["amount"], &first["order_type"]),
        (&"lookup".into(), &"100.00".into(), &"new".into())
    );
    assert_eq!(first["lines"][0]["order_line_id"], "MOCKPERIODYEARNEW-000001");
    assert_eq!(
        (&first["lines"][0]["billing_mode"], &first["lines"][0]["access_type"]),
        (&"period".into(), &"saas".into())
    );
    assert_eq!(looked_up[1]["lines"][0]["billing_mode"], "on-demand");
    assert_eq!(v["failed"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["failed"][0]["order_id"], "NOSUCHORDER");
    assert!(v["failed"][0]["message"].as_str().expect("message").contains("MKT.0150"), "{v}");

    let listed =
        koodesk(sb).args(["orders", "--db"]).arg(&db).args(["--source", "lookup", "--json"]).output().expect("runs");
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let orders = json_of(&listed.stdout);
    let mut got: Vec<(String, String, String)> = orders["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .map(|o| {
            let s = |k: &str| o[k].as_str().unwrap_or_default().to_string();
            (s("order_line_id"), s("billing_mode"), s("source"))
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("MOCKONDEMAND-000001".to_string(), "on-demand".to_string(), "lookup".to_string()),
            ("MOCKPERIODYEARNEW-000001".to_string(), "period".to_string(), "lookup".to_string()),
        ]
    );

    // Looked up again: nothing changes, and all succeeded, so the status is 0.
    let again = lookup(sb, &db, None, &["MOCKPERIODYEARNEW"]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("unchanged MOCKPERIODYEARNEW: new in-progress, 1 line, ¥100.00, source lookup"), "{text}");
    assert!(text.contains("MOCKPERIODYEARNEW-000001  调试商品  saas/period  ¥100.00"), "{text}");
}

#[test]
fn lookup_refuses_what_it_cannot_do_without_sending_the_keys() {
    let r = sandbox();
    let sb = &r.sandbox;
    let db = temp_db("refusals");
    // Plain HTTP to another machine would carry the signed request in the clear.
    let out = lookup(sb, &db, Some("http://open-api.example.com"), &["MOCKPERIODYEARNEW"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--api"), "{}", String::from_utf8_lossy(&out.stderr));
    // An unknown access type is named.
    let out = lookup(sb, &db, None, &["--access-type", "teleport", "MOCKPERIODYEARNEW"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--access-type"));
    // An order the store does not know, without --access-type: reported, saying what to pass.
    let out = lookup(sb, &db, None, &["--json", "MOCKONETIMENEW"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    assert_eq!(v["looked_up"], serde_json::json!([]));
    assert!(v["failed"][0]["message"].as_str().expect("message").contains("--access-type"), "{v}");
    // A wrong secret key: the run stops, and neither key is printed.
    let wrong = "wrong-secret-key-0123456789abcdefghijklmnop";
    let out = koodesk(sb)
        .env("KOODESK_SECRET_KEY", wrong)
        .args(["lookup", "--db"])
        .arg(&db)
        .args(["--api", &sb.base_url(), "--access-type", "saas", "MOCKONETIMENEW"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("APIGW.0301"), "{all}");
    assert!(!all.contains(wrong) && !all.contains(sb.state.cfg.secret_key.expose()), "{all}");
}

#[test]
fn imported_orders_are_enriched_by_their_lookup() {
    let r = sandbox();
    let sb = &r.sandbox;
    let db = temp_db("imported");
    let csv = db.with_file_name("orders.csv");
    std::fs::write(
        &csv,
        "订单号,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额\n\
         MOCKPERIODYEARNEW,导出的商品名,2026-11-03 14:02:11,处理中,新购,包年/包月,SaaS,1.00\n",
    )
    .expect("csv");
    let imported = koodesk(sb).args(["import", "--kind", "orders", "--db"]).arg(&db).arg(&csv).output().expect("runs");
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let out = lookup(sb, &db, None, &["--json", "--imported"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = json_of(&out.stdout);
    assert_eq!(v["looked_up"][0]["order_id"], "MOCKPERIODYEARNEW", "{v}");
    assert_eq!(v["looked_up"][0]["amount"], "100.00", "what order/query says was paid replaces the export's");
    let listed = koodesk(sb).args(["orders", "--json", "--db"]).arg(&db).output().expect("runs");
    let orders = json_of(&listed.stdout);
    assert_eq!(orders["orders"].as_array().map(Vec::len), Some(1), "{orders}");
    assert_eq!(orders["orders"][0]["source"], "lookup");
}
