//! `koodesk sync` killed with SIGKILL at random points, then resumed: the store ends identical to an
//! uninterrupted sync, and SQLite's integrity check passes. Also the sync / inbox / dashboard commands.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_koodesk"))
}

struct Sandbox {
    child: Child,
    url: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox(token: &str) -> Sandbox {
    let mut child = Command::new(bin())
        .args(["sandbox", "--port", "0", "--json", "--speed", "0", "--seed", "21", "--start", "2026-11-29T10:00:00"])
        .args(["--history-days", "60", "--orders-per-day", "60", "--feed-token", token])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let banner: Value = serde_json::from_str(&line).expect("json banner");
    Sandbox { child, url: banner["url"].as_str().expect("url").to_string() }
}

fn temp_dir(name: &str) -> PathBuf {
    let d =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-kill-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

fn sync_cmd(db: &Path, url: &str, token: &str) -> Command {
    let mut c = Command::new(bin());
    c.args(["sync", "--db"]).arg(db).args(["--feed", url, "--page-size", "37"]).env("KOODESK_FEED_TOKEN", token);
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// Everything sync writes, in a canonical order.
fn dump(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).expect("open");
    let mut out = Vec::new();
    for (table, order) in [
        ("products", "product_id"),
        ("buyers", "buyer_id"),
        ("orders", "order_id"),
        ("order_lines", "order_line_id"),
        ("supervision_flows", "order_id"),
        ("supervision_events", "order_id, idx"),
        ("unsubscriptions", "id"),
        ("invoice_requests", "id"),
        ("invoice_request_orders", "request_id, order_id"),
        ("bills", "bill_id"),
        ("agg_orders_month", "month, access_type, billing_mode"),
        ("agg_counts", "name"),
        ("sync_cursors", "feed"),
    ] {
        let cols = if table == "sync_cursors" { "feed, cursor" } else { "*" };
        let mut stmt = c.prepare(&format!("SELECT {cols} FROM {table} ORDER BY {order}")).expect("query");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let vals: Vec<String> = (0..n)
                    .map(|i| {
                        format!(
                            "{:?}",
                            r.get_ref(i).map(|v| v
                                .as_bytes()
                                .map(|b| b.to_vec())
                                .unwrap_or_else(|_| format!("{v:?}").into_bytes()))
                        )
                    })
                    .collect();
                Ok(format!("{table}|{}", vals.join("|")))
            })
            .expect("rows");
        for r in rows {
            out.push(r.expect("row"));
        }
    }
    out
}

#[test]
fn a_sync_killed_at_any_point_resumes_to_the_same_store() {
    let token = "kdf_kill_test_token";
    let sb = sandbox(token);
    let dir = temp_dir("kill");
    let reference = dir.join("reference.db");
    assert!(sync_cmd(&reference, &sb.url, token).status().expect("runs").success());

    let expected = dump(&reference);
    assert!(expected.len() > 1000, "a sizeable store: {} rows", expected.len());

    // Rounds: a fresh store, synced by runs killed at random moments until one finishes; then compared.
    let started = Instant::now();
    let (mut kills, mut rounds) = (0, 0);
    let mut seed: u64 = 0x9E37_79B9;
    while kills < 15 || rounds < 2 {
        let db = dir.join(format!("killed-{rounds}.db"));
        let mut kills_this_round = 0;
        loop {
            let mut child = sync_cmd(&db, &sb.url, token).spawn().expect("spawns");
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            std::thread::sleep(Duration::from_millis(5 + (seed >> 33) % 120));
            if kills_this_round >= 8 {
                // On a busy machine a whole run may not fit the kill window: after 8 kills, let this one finish.
                let status = child.wait().expect("status");
                assert!(status.success(), "a sync that was not killed succeeds");
                break;
            }
            match child.try_wait().expect("status") {
                Some(status) => {
                    assert!(status.success(), "a sync that was not killed succeeds");
                    break;
                }
                None => {
                    child.kill().expect("SIGKILL");
                    child.wait().expect("reaped");
                    kills += 1;
                    kills_this_round += 1;
                }
            }
            assert!(started.elapsed() < Duration::from_secs(90), "took too long ({kills} kills)");
        }
        let c = rusqlite::Connection::open(&db).expect("open");
        let check: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
        assert_eq!(check, "ok", "round {rounds}");
        let got = dump(&db);
        assert_eq!(got.len(), expected.len(), "round {rounds}: same number of rows");
        assert!(got == expected, "round {rounds}: the resumed store equals the uninterrupted one");
        rounds += 1;
    }
    eprintln!("{kills} kills over {rounds} rounds in {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn sync_inbox_and_dashboard_commands() {
    let token = "kdf_cli_test_token";
    let sb = sandbox(token);
    let dir = temp_dir("cli");
    let db = dir.join("k.db");
    let out = Command::new(bin())
        .args(["sync", "--db"])
        .arg(&db)
        .args(["--feed", &sb.url, "--json"])
        .env("KOODESK_FEED_TOKEN", token)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["report"]["items"]["orders"].as_u64().expect("orders") > 1000);

    let out = Command::new(bin())
        .args(["inbox", "--db"])
        .arg(&db)
        .args(["--now", "2026-11-29T10:00:00", "--json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let inbox: Value = serde_json::from_slice(&out.stdout).expect("json");
    let items = inbox["items"].as_array().expect("items");
    assert!(!items.is_empty());
    for key in ["group", "action", "facts", "ref_id", "due_at", "overdue", "console_path"] {
        assert!(items[0].get(key).is_some(), "inbox items have {key}");
    }
    let out = Command::new(bin()).args(["dashboard", "--db"]).arg(&db).args(["--json"]).output().expect("runs");
    let d: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(d["orders"].as_i64().expect("orders") > 1000);
    assert!(d["by_month"].as_array().is_some_and(|m| !m.is_empty()));

    // Wrong token: a clear error, exit 1, and the token never printed.
    let out = Command::new(bin())
        .args(["sync", "--db"])
        .arg(&db)
        .args(["--feed", &sb.url])
        .env("KOODESK_FEED_TOKEN", "kdf_wrong_one")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401") && !err.contains("kdf_wrong_one"), "{err}");
    // No store there: inbox says so.
    let out = Command::new(bin()).args(["inbox", "--db"]).arg(dir.join("missing.db")).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
