//! The console's commands over loopback HTTP, against a real workspace (embedded sandbox, synced demo data):
//! the token, errors that name the field, the same answers as the in-process dispatcher, notices that fire once,
//! and secrets that never come back out once stored.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use koodesk_app::{Workspace, WorkspaceConfig};
use serde_json::{json, Value};
use tokio::sync::Notify;

/// A production interface in front of another (`upstream`) that passes requests through unchanged, except that it
/// holds the `hold`-th one: it signals `held`, and forwards it once `release` is signalled.
struct Gate {
    url: String,
    held: Arc<Notify>,
    release: Arc<Notify>,
}

#[derive(Clone)]
struct GateState {
    upstream: String,
    hold: usize,
    seen: Arc<AtomicUsize>,
    held: Arc<Notify>,
    release: Arc<Notify>,
    http: reqwest::Client,
}

impl Gate {
    async fn start(upstream: &str, hold: usize) -> Gate {
        let state = GateState {
            upstream: upstream.to_string(),
            hold,
            seen: Arc::new(AtomicUsize::new(0)),
            held: Arc::new(Notify::new()),
            release: Arc::new(Notify::new()),
            http: reqwest::Client::new(),
        };
        let (held, release) = (state.held.clone(), state.release.clone());
        let app = axum::Router::new().fallback(Gate::pass).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/saasproduce", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Gate { url, held, release }
    }

    async fn pass(
        State(g): State<GateState>,
        RawQuery(query): RawQuery,
        headers: HeaderMap,
        body: Bytes,
    ) -> axum::response::Response {
        if g.seen.fetch_add(1, Ordering::SeqCst) + 1 == g.hold {
            g.held.notify_one();
            g.release.notified().await;
        }
        let sep = if g.upstream.contains('?') { '&' } else { '?' };
        let url = match query {
            Some(q) => format!("{}{sep}{q}", g.upstream),
            None => g.upstream.clone(),
        };
        let text = |h: &HeaderMap, name: &str| h.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut req = g.http.post(url).body(body);
        if let Some(t) = text(&headers, "content-type") {
            req = req.header("content-type", t);
        }
        let reply = req.send().await.expect("the upstream answers");
        let status = StatusCode::from_u16(reply.status().as_u16()).expect("a status");
        let mut out = HeaderMap::new();
        for name in ["content-type", "body-sign"] {
            if let Some(v) = reply.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()) {
                out.insert(name, v);
            }
        }
        let body = reply.bytes().await.expect("the upstream's body").to_vec();
        (status, out, body).into_response()
    }
}

struct Env {
    _dir: tempfile::TempDir,
    ws: Arc<Workspace>,
    served: koodesk_app::http::Served,
    http: reqwest::Client,
}

async fn env(account: &str) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    if !account.is_empty() {
        std::fs::write(
            dir.path().join("settings.json"),
            json!({"account": account, "sync_interval_secs": 0}).to_string(),
        )
        .expect("settings");
    }
    let mut cfg = WorkspaceConfig::new(dir.path());
    cfg.sandbox_history_days = 20;
    let ws = Workspace::open(cfg).await.expect("workspace");
    let served = koodesk_app::http::serve(ws.clone(), 0, None).await.expect("serves");
    Env { _dir: dir, ws, served, http: reqwest::Client::new() }
}

impl Env {
    async fn post(&self, command: &str, body: Value, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.post(format!("http://{}/api/{command}", self.served.addr)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("reply");
        let status = res.status().as_u16();
        (status, res.json().await.expect("json"))
    }
    async fn call(&self, command: &str, body: Value) -> (u16, Value) {
        let token = self.served.token.clone();
        self.post(command, body, Some(&token)).await
    }
}

#[tokio::test]
async fn every_call_needs_this_runs_token() {
    let e = env("").await;
    let (status, body) = e.post("overview", json!({}), None).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "unauthorized");
    let (status, _) = e.post("sync_now", json!({}), Some("not-the-token")).await;
    assert_eq!(status, 401);
    let (status, _) = e.call("status", json!({})).await;
    assert_eq!(status, 200);
    assert!(e.served.url().contains(&e.served.token));
}

#[tokio::test]
async fn answers_match_the_in_process_dispatcher() {
    let e = env("").await;
    for (command, args) in [
        ("orders", json!({"limit": 50, "filter": {"access_type": "saas"}})),
        ("flows", json!({"side": "merchant"})),
        ("unsubscriptions", json!({})),
        ("invoice_requests", json!({"status": "requested"})),
        ("settlement", json!({})),
    ] {
        let (status, over_http) = e.call(command, args.clone()).await;
        assert_eq!(status, 200, "{command}: {over_http}");
        let direct = koodesk_app::dispatch::call(&e.ws, command, args).await.expect("direct");
        assert_eq!(over_http, direct, "{command}");
    }
    let (_, overview) = e.call("overview", json!({})).await;
    assert!(overview["inbox"]["items"].as_array().is_some_and(|i| !i.is_empty()), "the demo has work to do");
    assert!(overview["dashboard"]["orders"].as_i64().is_some_and(|n| n > 0));
    assert_eq!(overview["status"]["mode"], "sandbox");
}

/// The UI tells the core its language, for the words the shell shows itself (notifications, the tray): kept in
/// the settings, Chinese by default.
#[tokio::test]
async fn the_uis_language_is_kept_for_the_shell() {
    let e = env("").await;
    let (_, view) = e.call("settings", json!({})).await;
    assert_eq!(view["settings"]["language"], "zh-CN", "the default");
    let (status, body) = e.call("language_set", json!({"language": "en-US"})).await;
    assert_eq!(status, 200, "{body}");
    let (_, view) = e.call("settings", json!({})).await;
    assert_eq!(view["settings"]["language"], "en-US");
    let (status, body) = e.call("language_set", json!({"language": "fr-FR"})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.contains("language `fr-FR`")), "{body}");
    let (_, view) = e.call("settings", json!({})).await;
    assert_eq!(view["settings"]["language"], "en-US", "a refused language changes nothing");
}

#[tokio::test]
async fn bad_input_names_the_field_and_the_rule() {
    let e = env("").await;
    let (status, body) = e.call("orders", json!({"filter": {"billing_mode": "monthly"}})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("billing_mode `monthly`")), "{body}");
    assert_eq!((&body["field"], &body["rule"]), (&json!("filter.billing_mode"), &json!("one-of")), "{body}");
    let (status, body) = e.call("supervision_act", json!({"order_id": "NOPE", "action": "confirm"})).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = e.call("unsubscription_decide", json!({"id": "U1", "approve": false})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("reason:")), "{body}");
    let (status, body) = e.call("settings_save", json!({"language": "fr-FR"})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.contains("language `fr-FR`")), "{body}");
    // A host that only starts like a loopback address is another host: the feed token would travel in clear.
    for url in ["http://127.evil.example/feed", "http://127.0.0.1.nip.io"] {
        let (status, body) = e.call("settings_save", json!({"mode": "remote", "feed_url": url})).await;
        assert_eq!(status, 400, "{url}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| m.starts_with("feed_url")), "{body}");
    }
    let (status, body) = e.call("settings_save", json!({"mode": "remote", "feed_url": "http://127.0.0.1:8080"})).await;
    assert_eq!(status, 200, "loopback is fine: {body}");
    let (status, body) = e.call("no_such_command", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "unknown-command");
    let res = e
        .http
        .post(format!("http://{}/api/orders", e.served.addr))
        .bearer_auth(&e.served.token)
        .body("{not json")
        .send()
        .await
        .expect("reply");
    assert_eq!(res.status().as_u16(), 400);
    // Nothing stored was lost on the way.
    let (_, orders) = e.call("orders", json!({"limit": 1})).await;
    assert!(orders["total"].as_i64().is_some_and(|n| n > 0));
}

#[tokio::test]
async fn a_merchant_action_works_offline_and_reaches_the_sandbox_when_back() {
    let e = env("").await;
    let (_, flows) = e.call("flows", json!({"side": "merchant", "step": "confirm-requirements"})).await;
    let order = flows["flows"][0]["order_id"].as_str().expect("a requirement to confirm").to_string();
    let (_, s) = e.call("sandbox_network", json!({"online": false})).await;
    assert_eq!(s["sandbox_online"], false);
    let (status, q) = e.call("supervision_act", json!({"order_id": order, "action": "confirm"})).await;
    assert_eq!(status, 200, "{q}");
    assert_eq!(q["sent"], false);
    let (_, st) = e.call("status", json!({})).await;
    assert_eq!((st["outbox_pending"].as_i64(), st["offline"].as_bool()), (Some(1), Some(true)));
    // A second action on the same item waits for the first.
    let (status, _) = e.call("supervision_act", json!({"order_id": order, "action": "confirm"})).await;
    assert_eq!(status, 400);
    e.call("sandbox_network", json!({"online": true})).await;
    let (_, r) = e.call("sync_now", json!({})).await;
    assert_eq!((r["ok"].as_bool(), r["actions_sent"].as_i64()), (Some(true), Some(1)), "{r}");
    let (_, d) = e.call("order_detail", json!({"order_id": order})).await;
    assert_ne!(d["flow"]["step"], "confirm-requirements");
}

#[tokio::test]
async fn each_notice_fires_once_after_it_was_shown() {
    let e = env("").await;
    let (_, first) = e.call("notifications_due", json!({})).await;
    let first = first["notices"].as_array().expect("notices").clone();
    assert!(!first.is_empty(), "the demo has deadlines coming");
    assert!(first.len() <= koodesk_app::notices::MAX_AT_ONCE);
    for n in &first {
        assert!(n["route"].as_str().is_some_and(|r| r.starts_with('/')), "{n}");
    }
    // Not shown yet (no notification daemon, say): it is due again, not lost.
    let (_, again) = e.call("notifications_due", json!({})).await;
    assert_eq!(again["notices"].as_array().expect("notices"), &first, "a notice not shown comes again");
    for n in &first {
        let (status, body) = e.call("notification_shown", json!({"key": n["key"], "route": n["route"]})).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, second) = e.call("notifications_due", json!({})).await;
    for n in second["notices"].as_array().expect("notices") {
        assert!(!first.iter().any(|f| f["key"] == n["key"]), "{} fired twice", n["key"]);
    }
}

/// Stores credentials in the real keyring, then looks everywhere the console writes or answers: no secret.
/// `make test` runs it (`--run-ignored only -E 'test(keyring)'` inside scripts/with-keyring.sh).
#[tokio::test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
async fn no_secret_stored_in_the_keyring_comes_back_out() {
    let account = format!("app-test-{}", std::process::id());
    let e = env(&account).await;
    let secrets = ["SK-never-shown-4f1d9c2b7a", "kdf_feed_token_never_shown_8e21", "interface-key-never-shown-5c7e"];
    for (name, value) in [("secret-key", secrets[0]), ("feed-token", secrets[1]), ("interface-key", secrets[2])] {
        let (status, view) = e.call("credential_save", json!({"name": name, "value": value})).await;
        assert_eq!(status, 200, "{view}");
        let stored = view["credentials"].as_array().expect("list").iter().find(|c| c["name"] == name).cloned();
        assert_eq!(stored.expect("listed")["stored"], true);
    }
    let mut seen = String::new();
    for command in koodesk_app::dispatch::COMMANDS {
        if ["credential_save", "credential_delete", "sandbox_network", "settings_save"].contains(command) {
            continue;
        }
        let (_, body) = e.call(command, json!({})).await;
        seen.push_str(&body.to_string());
    }
    let (_, body) = e.call("credential_save", json!({"name": "access-key", "value": ""})).await;
    seen.push_str(&body.to_string());
    // A check signed with the keyring's interface key: its report and history hold no trace of the key.
    let (_, overview) = e.call("interface_overview", json!({})).await;
    let url = overview["sample_url"].as_str().expect("sample").to_string();
    let run = json!({"token": "t1", "url": url, "key_source": "keyring", "suite": "per-call"});
    let (status, body) = e.call("interface_run", run).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["report"]["failed"].as_i64().is_some_and(|n| n > 0), "the sample has another key");
    seen.push_str(&body.to_string());
    let mut files = String::new();
    for entry in std::fs::read_dir(e.ws.data_dir()).expect("dir") {
        let path = entry.expect("entry").path();
        files.push_str(&String::from_utf8_lossy(&std::fs::read(&path).expect("read")));
    }
    for s in secrets {
        assert!(!seen.contains(s), "a command answered with a stored secret");
        assert!(!files.contains(s), "a stored secret reached the data directory (store, log, settings)");
    }
    for name in ["secret-key", "feed-token", "interface-key"] {
        let (status, _) = e.call("credential_delete", json!({"name": name})).await;
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn interface_checks_run_with_progress_are_recorded_and_cases_are_kept() {
    let e = env("").await;
    let (status, overview) = e.call("interface_overview", json!({})).await;
    assert_eq!(status, 200, "{overview}");
    let url = overview["sample_url"].as_str().expect("the demo workspace has a sample interface").to_string();
    assert_eq!(overview["key_sources"][0]["id"], "sample");
    let suites: Vec<&str> =
        overview["suites"].as_array().expect("suites").iter().map(|s| s["name"].as_str().expect("name")).collect();
    assert_eq!(suites, ["per-call", "period"], "KooGallery's listing cases are there from the start");
    assert_eq!(overview["runs"], json!([]));

    // Progress is visible while the run is going: the run checks the sample through a gate that holds its second
    // request until the test has asked for the progress, so the run is certainly not over when it asks.
    let gate = Gate::start(&url, 2).await;
    let run = json!({"token": "run-1", "url": gate.url, "key_source": "sample", "suite": "all"});
    let running = e.call("interface_run", run);
    tokio::pin!(running);
    let published = tokio::select! {
        _ = gate.held.notified() => {
            let (_, p) = e.call("interface_run_progress", json!({"token": "run-1"})).await;
            gate.release.notify_one();
            p["steps"].as_array().map_or(0, Vec::len)
        }
        (status, body) = &mut running => panic!("the run ended before its second request: {status} {body}"),
    };
    let (status, done) = running.await;
    assert_eq!(status, 200, "{done}");
    assert!(published > 0, "steps were published before the run ended");
    assert_eq!(done["report"]["failed"], 0, "{done}");
    assert!(done["report"]["passed"].as_i64().is_some_and(|n| n > 30));
    let id = done["id"].as_i64().expect("id");
    let (_, again) = e.call("interface_run_report", json!({"id": id})).await;
    assert_eq!(again, done["report"]);
    let (_, overview) = e.call("interface_overview", json!({})).await;
    assert_eq!(overview["runs"][0]["id"], id);

    // A saved suite replays too.
    let (status, done) = e
        .call(
            "interface_run",
            json!({"token": "run-2", "url": url, "key_source": "sample", "suite": "period", "saved": true}),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["report"]["failed"], 0, "{done}");

    // Cases: a bad one is refused whole; export, delete, import back.
    let bad = json!({"name": "mine", "cases": [{"name": "x", "request": {"activity": "newInstance", "orderId": "${order}"}}]});
    let (status, body) = e.call("interface_suite_save", bad).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.contains("${order}")), "{body}");
    let good = json!({"name": "mine", "cases": [{"name": "x", "request": {"activity": "queryInstance", "instanceId": "nope"}, "expect": {"result_codes": ["000003"]}}]});
    let (status, body) = e.call("interface_suite_save", good).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["suites"].as_array().map(Vec::len), Some(3));
    let (_, export) = e.call("interface_cases_export", json!({})).await;
    let text = export["json"].as_str().expect("text").to_string();
    let (_, body) = e.call("interface_suite_delete", json!({"name": "mine"})).await;
    assert_eq!(body["suites"].as_array().map(Vec::len), Some(2));
    let (status, body) = e.call("interface_cases_import", json!({"json": text})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["suites"].as_array().map(Vec::len), Some(3));
    let (status, body) = e.call("interface_cases_import", json!({"json": "{\"format\":\"nope\"}"})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("json:")), "{body}");

    let (status, body) =
        e.call("interface_run", json!({"token": "t", "url": url, "key_source": "vault", "suite": "all"})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("key_source `vault`")), "{body}");
}

#[tokio::test]
async fn an_invoice_drafted_and_issued_offline_reaches_the_sandbox_when_back() {
    let e = env("").await;
    let (_, reqs) = e.call("invoice_requests", json!({"status": "requested"})).await;
    let mut drafted = None;
    for r in reqs["requests"].as_array().expect("requests") {
        let id = r["id"].as_str().expect("id");
        let (status, body) = e.call("invoice_draft", json!({"request_id": id})).await;
        if status == 200 {
            drafted = Some((id.to_string(), body));
            break;
        }
        assert_eq!(status, 400, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("§2") || m.contains("taxpayer_id")), "{body}");
    }
    let (request, body) = drafted.expect("a request the merchant invoices");
    let invoices = body["invoices"].as_array().expect("drafts").clone();
    assert!(!invoices.is_empty());
    assert!(invoices[0]["draft"]["total_gross_words"].as_str().is_some_and(|w| w.ends_with('整') || w.ends_with('分')));

    // The buyer may be corrected on a draft; a bad taxpayer ID is refused by name.
    let first = invoices[0]["id"].as_str().expect("id").to_string();
    let (status, body) =
        e.call("invoice_edit_buyer", json!({"id": first, "title": "新抬头", "taxpayer_id": "123"})).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().is_some_and(|m| m.starts_with("taxpayer_id `123`")), "{body}");

    let (status, pdf) = e.call("invoice_pdf", json!({"id": first})).await;
    assert_eq!(status, 200, "{pdf}");
    assert_eq!(pdf["mime"], "application/pdf");
    assert!(pdf["content_base64"].as_str().is_some_and(|b| b.starts_with("JVBERi0")), "%PDF-");

    e.call("sandbox_network", json!({"online": false})).await;
    for inv in &invoices {
        let (status, body) = e.call("invoice_issue", json!({"id": inv["id"], "by": "张三"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["sent"], false, "offline: waits in the outbox");
        assert_eq!(body["invoice"]["state"], "issued");
    }
    let (status, body) = e.call("invoice_edit_buyer", json!({"id": first, "title": "改不了"})).await;
    assert_eq!(status, 400, "issued is frozen: {body}");
    let (_, st) = e.call("status", json!({})).await;
    assert!(st["outbox_pending"].as_i64().is_some_and(|n| n >= 1), "{st}");

    e.call("sandbox_network", json!({"online": true})).await;
    let (_, r) = e.call("sync_now", json!({})).await;
    assert_eq!(r["ok"], true, "{r}");
    let (_, reqs) = e.call("invoice_requests", json!({"status": "issued"})).await;
    let row = reqs["requests"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|x| x["id"] == request.as_str())
        .cloned()
        .expect("issued");
    assert!(row["invoice_number"].as_str().is_some_and(|n| n.len() == 20), "{row}");
    assert_eq!(row["pending_sync"], Value::Null, "echoed: nothing in flight");
    let (_, st) = e.call("status", json!({})).await;
    assert_eq!(
        (st["outbox_pending"].as_i64(), st["outbox_refused"].as_array().map(Vec::len)),
        (Some(0), Some(0)),
        "{st}"
    );

    // A red letter against it, with its reason and 72-hour clock.
    let (status, body) = e.call("invoice_red_letter", json!({"id": first, "reason": "service-terminated"})).await;
    assert_eq!(status, 200, "{body}");
    let red = body["invoices"]
        .as_array()
        .expect("list")
        .iter()
        .find(|i| i["red_of"] == first.as_str())
        .cloned()
        .expect("red");
    assert_eq!(red["red_reason"], "服务终止");
    let (status, _) = e.call("invoice_red_letter", json!({"id": first, "reason": "because"})).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn settings_carry_the_workspace_version() {
    let e = env("").await;
    let (status, body) = e.call("settings", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}
