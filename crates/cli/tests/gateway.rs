//! `koodesk gateway` as processes: two replicas on one real PostgreSQL with one killed mid-burst,
//! `koodesk check-interface` against each provisioning mode, the feed synced by `koodesk sync` into a store,
//! and bad flags exiting 2 with the flag named.

#[path = "../../gateway/tests/support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use koodesk_gateway::db::Db;
use koodesk_gateway::DatabaseUrl;
use serde_json::{json, Value};
use support::pg::Postgres;
use support::{new_instance, nonce, now_ms, Kg, FEED_TOKEN, KEY};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_koodesk"))
}

fn temp(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-gw-{}-{name}", std::process::id()))
}

struct Proc {
    child: Child,
    banner: Value,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn url(&self) -> String {
        self.banner["url"].as_str().expect("url").to_string()
    }
    fn interface(&self) -> String {
        self.banner["interface_url"].as_str().expect("interface_url").to_string()
    }
}

/// Starts a process that prints one JSON banner line on stdout.
fn spawn(mut cmd: Command) -> Proc {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let banner: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("banner `{line}`: {e}"));
    Proc { child, banner }
}

fn gateway_cmd(database: &str, extra: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(["gateway", "--listen", "127.0.0.1:0", "--database", database, "--json"])
        .args(["--interface-key-env", "GW_KEY", "--feed-token-env", "GW_TOKEN"])
        .args(extra)
        .env("GW_KEY", KEY)
        .env("GW_TOKEN", FEED_TOKEN);
    c
}

fn front_end() -> [&'static str; 2] {
    ["--front-end-url", "https://saas.example.com/login?i={instanceId}"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_postgres_one_killed_mid_burst_lose_no_answered_call_and_make_no_duplicate() {
    let pg = Postgres::start();
    killed_mid_burst(&pg.url()).await;
}

/// The same with two processes on one SQLite file (WAL): one replica is the supported SQLite set-up, but a second
/// process on the same file must not break the guarantees either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_sqlite_file_one_killed_mid_burst_lose_no_answered_call_and_make_no_duplicate() {
    let db = temp("kill.db");
    killed_mid_burst(&format!("sqlite:{}", db.display())).await;
}

async fn killed_mid_burst(database: &str) {
    let a = spawn(gateway_cmd(database, &[front_end()[0], front_end()[1], "--replica", "a"]));
    let mut b = spawn(gateway_cmd(database, &[front_end()[0], front_end()[1], "--replica", "b"]));
    let (ka, kb) = (Kg::new(&a.interface()), Kg::new(&b.interface()));
    let lines = 60;
    let mut tasks = Vec::new();
    let answered_by_b = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Each order line is asked for four times, alternately at each replica; B is killed once it has answered
    // some calls, with more of its calls on the way.
    for round in 0..4 {
        for l in 0..lines {
            let at_b = (round + l) % 2 == 1;
            let k = if at_b { kb.clone() } else { ka.clone() };
            let counter = answered_by_b.clone();
            let order = format!("CSK{l:03}");
            let body = serde_json::to_vec(&new_instance(&order, &format!("{order}-000001"))).expect("json");
            let n = nonce();
            let query = k.query(&body, &n, now_ms());
            tasks.push(tokio::spawn(async move {
                let sent = k.http.post(format!("{}?{query}", k.url)).body(body).send().await;
                let answer = match sent {
                    Ok(r) => r.json::<Value>().await.ok(),
                    Err(_) => None,
                };
                if at_b && answer.is_some() {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                (order, n, answer)
            }));
        }
        if round == 1 {
            support::eventually(1_000_000, || {
                let c = answered_by_b.clone();
                async move { (c.load(std::sync::atomic::Ordering::SeqCst) >= 10).then_some(()) }
            })
            .await;
            b.child.kill().expect("SIGKILL");
            let _ = b.child.wait();
        }
    }
    let mut answered = Vec::new();
    for t in tasks {
        let (order, n, answer) = t.await.expect("task");
        if let Some(v) = answer {
            if v["resultCode"] == "000000" {
                answered.push((order, n, v["instanceId"].as_str().expect("id").to_string()));
            }
        }
    }
    assert!(answered.len() >= lines * 2, "every call to the survivor was answered: {}", answered.len());
    assert!(answered.len() < lines * 4, "some calls to the killed replica went unanswered");
    let db = Db::open(&DatabaseUrl::parse(database).expect("url")).await.expect("db");
    let journal = db.journal(0, 10_000).await.expect("journal");
    let journaled: BTreeMap<String, &str> =
        journal.iter().filter_map(|j| j.nonce.clone().map(|n| (n, j.result_code.as_str()))).collect();
    let mut per_line: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (order, n, id) in &answered {
        assert_eq!(journaled.get(n).copied(), Some("000000"), "an answered call has its journal entry");
        per_line.entry(order.clone()).or_default().insert(id.clone());
    }
    for (order, ids) in &per_line {
        assert_eq!(ids.len(), 1, "{order}: one instance, got {ids:?}");
    }
    // The survivor answers with the same instances afterwards.
    for (order, ids) in per_line.iter().take(5) {
        let again = ka.call(&new_instance(order, &format!("{order}-000001"))).await.json();
        assert_eq!(again["instanceId"].as_str(), ids.iter().next().map(String::as_str));
    }
    drop(a);
}

fn check(url: &str, suite: &str) -> std::process::Output {
    Command::new(bin())
        .args(["check-interface", "--url", url, "--key-env", "THE_KEY", "--suite", suite])
        .env("THE_KEY", KEY)
        .output()
        .expect("runs")
}

fn assert_passes(url: &str, what: &str) {
    for suite in ["period", "per-call"] {
        let out = check(url, suite);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{what}, {suite}:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn check_interface_passes_against_the_gateway_in_each_provisioning_mode() {
    let db = temp("check-front.db");
    let front = spawn(gateway_cmd(&format!("sqlite:{}", db.display()), &front_end()));
    assert_passes(&front.interface(), "front-end-url");

    let mut sample = Command::new(bin());
    sample
        .args(["sample-interface", "--port", "0", "--json", "--provisioning-ms", "0"])
        .env("KOODESK_SAMPLE_INTERFACE_KEY", KEY);
    let sample = spawn(sample);
    let db = temp("check-upstream.db");
    let upstream = spawn(gateway_cmd(
        &format!("sqlite:{}", db.display()),
        &["--upstream", sample.banner["url"].as_str().expect("url")],
    ));
    assert_passes(&upstream.interface(), "upstream");

    let hook = hook_server();
    let db = temp("check-hook.db");
    let hooked = spawn(gateway_cmd(&format!("sqlite:{}", db.display()), &["--provision-hook", &hook]));
    assert_passes(&hooked.interface(), "provision-hook");
}

/// A provision hook on a thread: answers every POST with app information.
fn hook_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut s = stream;
                let mut reader = BufReader::new(s.try_clone().expect("clone"));
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let reply = json!({"frontEndUrl": format!("https://tenant.example/{}", v["instanceId"].as_str().unwrap_or("-"))}).to_string();
                let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}", reply.len());
            });
        }
    });
    format!("http://{addr}/provision")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_is_synced_by_koodesk_sync_into_a_store() {
    let mut sb = Command::new(bin());
    sb.args([
        "sandbox",
        "--port",
        "0",
        "--json",
        "--speed",
        "0",
        "--seed",
        "5",
        "--start",
        "2026-11-29T10:00:00",
        "--history-days",
        "1",
    ])
    .env("KOODESK_SANDBOX_AK", "AKGATEWAYSYNCTEST01")
    .env("KOODESK_SANDBOX_SK", "sk-gateway-sync-test-0123456789");
    let sandbox = spawn(sb);
    let db = temp("sync-gateway.db");
    let mut g = gateway_cmd(&format!("sqlite:{}", db.display()), &front_end());
    g.args(["--open-api", &sandbox.url(), "--access-key-env", "GW_AK", "--secret-key-env", "GW_SK"])
        .env("GW_AK", "AKGATEWAYSYNCTEST01")
        .env("GW_SK", "sk-gateway-sync-test-0123456789");
    let gw = spawn(g);
    let kg = Kg::new(&gw.interface());
    let orders = ["MOCKPERIODYEARNEW", "MOCKONETIMENEW", "MOCKMONTYRENEW"];
    for o in orders {
        assert_eq!(kg.call(&new_instance(o, &format!("{o}-000001"))).await.code(), "000000");
    }
    let http = reqwest::Client::new();
    support::eventually(1_000_000, || {
        let (http, url) = (http.clone(), gw.url());
        async move {
            let v: Value = http
                .get(format!("{url}/feed/v1/orders"))
                .bearer_auth(FEED_TOKEN)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            (v["items"].as_array().map(Vec::len) == Some(orders.len())).then_some(())
        }
    })
    .await;
    let store = temp("sync-store.db");
    let out = Command::new(bin())
        .args(["sync", "--db"])
        .arg(&store)
        .args(["--feed", &gw.url(), "--json"])
        .env("KOODESK_FEED_TOKEN", FEED_TOKEN)
        .output()
        .expect("sync runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let c = rusqlite::Connection::open(&store).expect("store");
    let mut ids: Vec<String> = c
        .prepare("SELECT order_id FROM orders ORDER BY order_id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("orders");
    ids.sort();
    let mut want: Vec<String> = orders.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(ids, want);
    let calls: i64 = c.query_row("SELECT COUNT(*) FROM interface_calls", [], |r| r.get(0)).expect("calls");
    assert_eq!(calls, 3, "each order's newInstance call");
}

#[test]
fn bad_flags_and_an_unreachable_database_exit_2_naming_them() {
    let run = |mut c: Command| c.output().expect("runs");
    let out = run(gateway_cmd("sqlite:x.db", &[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--front-end-url"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(gateway_cmd("mysql://root:hunter2@h/db", &front_end()));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("--database") && !err.contains("hunter2"), "{err}");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let out = run(gateway_cmd(&format!("postgres://gw:pw-s3cret@127.0.0.1:{port}/gw"), &front_end()));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("--database") && !err.contains("pw-s3cret"), "{err}");
    let mut c = gateway_cmd("sqlite:x.db", &front_end());
    c.env_remove("GW_KEY");
    let out = run(c);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--interface-key-env GW_KEY"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The interface key, the feed token, the open API's AK/SK and the database password never reach the logs, the
/// database file, a reply or an error message — even when calls are refused and enrichment fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_out_of_logs_the_database_and_replies() {
    let ak = "AKSECRETSTEST0000001";
    let sk = "sk-never-printed-4f9b7c1d2e";
    let db = temp("secrets.db");
    let stderr_path = temp("secrets.stderr");
    let dead = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port");
    let mut g = gateway_cmd(&format!("sqlite:{}", db.display()), &front_end());
    g.args(["--open-api", &format!("http://{dead}"), "--access-key-env", "GW_AK", "--secret-key-env", "GW_SK"])
        .env("GW_AK", ak)
        .env("GW_SK", sk);
    let log = std::fs::File::create(&stderr_path).expect("log file");
    let mut child = g.stdout(Stdio::piped()).stderr(log).spawn().expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let banner: Value = serde_json::from_str(&line).expect("banner");
    let gw = Proc { child, banner };
    let kg = Kg::new(&gw.interface());
    let mut replies = Vec::new();
    replies.push(kg.call(&new_instance("CSS", "CSS-000001")).await.body);
    let mut wrong = kg.clone();
    wrong.key = "not-the-key".into();
    replies.push(wrong.call_unchecked(&new_instance("CSS", "CSS-000001")).await.body);
    replies.push(kg.call(&json!({"activity": "refreshInstance"})).await.body);
    // Enrichment fails against the dead host; wait until it has been tried.
    let http = reqwest::Client::new();
    support::eventually(1_000_000, || {
        let (http, url) = (http.clone(), gw.url());
        async move {
            let v: Value = http
                .get(format!("{url}/feed/v1/interface-health"))
                .bearer_auth(FEED_TOKEN)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            (v["enrichment"]["pending"][0]["attempts"].as_i64().unwrap_or(0) >= 1).then_some(())
        }
    })
    .await;
    let metrics = http.get(format!("{}/metrics", gw.url())).send().await.expect("metrics").text().await.expect("text");
    let bad_pg = Command::new(bin())
        .args([
            "gateway",
            "--database",
            "postgres://gw:pg-pass-9z8y@127.0.0.1:1/gw",
            "--interface-key-env",
            "GW_KEY",
            "--feed-token-env",
            "GW_TOKEN",
        ])
        .args(front_end())
        .env("GW_KEY", KEY)
        .env("GW_TOKEN", FEED_TOKEN)
        .output()
        .expect("runs");
    drop(gw);
    let logs = std::fs::read(&stderr_path).expect("log");
    let mut files: Vec<(String, Vec<u8>)> = vec![("stderr".into(), logs), ("metrics".into(), metrics.into_bytes())];
    files.push(("error".into(), [bad_pg.stdout, bad_pg.stderr].concat()));
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(b) = std::fs::read(format!("{}{suffix}", db.display())) {
            files.push((format!("database{suffix}"), b));
        }
    }
    for (i, r) in replies.into_iter().enumerate() {
        files.push((format!("reply {i}"), r));
    }
    assert!(files.iter().any(|(n, b)| n == "stderr" && !b.is_empty()), "the gateway logged something");
    for secret in [KEY, FEED_TOKEN, sk, "pg-pass-9z8y"] {
        for (name, bytes) in &files {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "`{secret}` found in {name}");
        }
    }
}

/// The local stack: the sandbox plays KooGallery and calls the gateway for each SaaS order it sells; the gateway
/// enriches them from the sandbox's order/query; `koodesk sync` pulls the gateway's feed into the console's store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_to_gateway_to_console() {
    let (ak, sk) = ("AKSTACKTEST000000001", "sk-stack-test-0123456789abcdef");
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    let sandbox_url = format!("http://127.0.0.1:{port}");
    let db = temp("stack-gateway.db");
    let mut g = gateway_cmd(&format!("sqlite:{}", db.display()), &front_end());
    g.args(["--open-api", &sandbox_url, "--access-key-env", "GW_AK", "--secret-key-env", "GW_SK"])
        .env("GW_AK", ak)
        .env("GW_SK", sk);
    let gw = spawn(g);
    let mut sb = Command::new(bin());
    sb.args(["sandbox", "--port", &port.to_string(), "--json", "--seed", "11", "--history-days", "2"])
        .args([
            "--call-interface",
            &gw.interface(),
            "--interface-key-env",
            "SB_KEY",
            "--feed-token",
            "sandbox-feed-token",
        ])
        .env("SB_KEY", KEY)
        .env("KOODESK_SANDBOX_AK", ak)
        .env("KOODESK_SANDBOX_SK", sk);
    let sandbox = spawn(sb);
    let http = reqwest::Client::new();
    let placed: Value = http
        .post(format!("{}/admin/orders", sandbox.url()))
        .bearer_auth("sandbox-feed-token")
        .json(&json!({"count": 3, "access_type": "saas", "order_type": "NEW"}))
        .send()
        .await
        .expect("orders placed")
        .json()
        .await
        .expect("json");
    let ids: BTreeSet<String> = placed["order_ids"]
        .as_array()
        .expect("order_ids")
        .iter()
        .map(|v| v.as_str().expect("id").to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{placed}");
    let fed = support::eventually(1_000_000, || {
        let (http, url, ids) = (http.clone(), gw.url(), ids.clone());
        async move {
            let v: Value = http
                .get(format!("{url}/feed/v1/orders"))
                .bearer_auth(FEED_TOKEN)
                .send()
                .await
                .ok()?
                .json()
                .await
                .ok()?;
            let items = v["items"].as_array()?.clone();
            let got: BTreeSet<String> =
                items.iter().filter_map(|i| i["order_id"].as_str().map(str::to_string)).collect();
            ids.is_subset(&got).then_some(items)
        }
    })
    .await;
    for item in fed.iter().filter(|i| ids.contains(i["order_id"].as_str().unwrap_or(""))) {
        assert_eq!(item["interface_calls"][0]["activity"], "newInstance", "{item}");
        assert!(
            item["interface_calls"][0]["instance_id"].as_str().unwrap_or("").starts_with("kd"),
            "the gateway's instance: {item}"
        );
    }
    let store = temp("stack-store.db");
    let out = Command::new(bin())
        .args(["sync", "--db"])
        .arg(&store)
        .args(["--feed", &gw.url()])
        .env("KOODESK_FEED_TOKEN", FEED_TOKEN)
        .output()
        .expect("sync runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let c = rusqlite::Connection::open(&store).expect("store");
    for id in &ids {
        let n: i64 = c.query_row("SELECT COUNT(*) FROM orders WHERE order_id = ?1", [id], |r| r.get(0)).expect("query");
        assert_eq!(n, 1, "{id} reached the console's store");
    }
}

/// With no --database, the URL comes from KOODESK_GATEWAY_DATABASE, so a password in it is never on the command line.
#[test]
fn the_database_url_can_come_from_the_environment() {
    let db = temp("env.db");
    let mut c = Command::new(bin());
    c.args([
        "gateway",
        "--listen",
        "127.0.0.1:0",
        "--json",
        "--interface-key-env",
        "GW_KEY",
        "--feed-token-env",
        "GW_TOKEN",
    ])
    .args(front_end())
    .env("GW_KEY", KEY)
    .env("GW_TOKEN", FEED_TOKEN)
    .env("KOODESK_GATEWAY_DATABASE", format!("sqlite:{}", db.display()));
    let gw = spawn(c);
    assert_eq!(gw.banner["database"], "sqlite");
    assert!(db.exists(), "the file named in the environment is the database");
}
