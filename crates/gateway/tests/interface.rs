//! The production interface against real gateways on loopback, on SQLite and on a real PostgreSQL: every
//! activity, every refusal, both signature forms, idempotency across two replicas, each provisioning mode.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use koodesk_gateway::{DatabaseUrl, GatewayConfig, Provisioning, RunningGateway};
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use serde_json::{json, Value};
use support::pg::Postgres;
use support::{new_instance, nonce, now_ms, Kg, FEED_TOKEN, KEY};

fn sqlite_url(name: &str) -> DatabaseUrl {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("gateway-{}-{name}-{}.db", std::process::id(), rand::random::<u32>()));
    DatabaseUrl::Sqlite(path)
}

fn config(db: &DatabaseUrl, provisioning: Provisioning) -> GatewayConfig {
    let mut c =
        GatewayConfig::new("127.0.0.1:0".parse().expect("addr"), db.clone(), Secret::new(KEY), Secret::new(FEED_TOKEN));
    c.provisioning = provisioning;
    c
}

fn front_end() -> Provisioning {
    Provisioning::FrontEndUrl("https://saas.example.com/login?i={instanceId}&o={orderId}".into())
}

async fn gateway(db: &DatabaseUrl, p: Provisioning) -> RunningGateway {
    koodesk_gateway::start(config(db, p)).await.expect("the gateway starts")
}

/// Every activity with its documented fields and result codes [KG §7].
async fn every_activity(db: DatabaseUrl) {
    let gw = gateway(&db, front_end()).await;
    let kg = Kg::new(&gw.interface_url);
    let first = kg.call(&new_instance("CS1", "CS1-000001")).await.json();
    assert_eq!(first["resultCode"], "000000");
    let id = first["instanceId"].as_str().expect("instanceId").to_string();
    assert!(first["appInfo"]["frontEndUrl"].as_str().expect("url").ends_with(&format!("i={id}&o=CS1")), "{first}");
    let again = kg.call(&new_instance("CS1", "CS1-000001")).await.json();
    assert_eq!(again["instanceId"], id.as_str(), "the same order line gets the same instance");
    let other = kg.call(&new_instance("CS2", "CS2-000001")).await.json()["instanceId"].clone();
    assert_ne!(other, json!(id));

    let q = kg
        .call(&json!({"activity": "queryInstance", "instanceId": format!("{id},{}", other.as_str().unwrap_or(""))}))
        .await
        .json();
    assert_eq!(q["resultCode"], "000000", "{q}");
    assert_eq!(q["info"].as_array().map(Vec::len), Some(2));
    assert!(q["info"][0]["appInfo"]["frontEndUrl"].is_string());
    let q = kg.call(&json!({"activity": "queryInstance", "instanceId": "nope"})).await.json();
    assert_eq!(q["resultCode"], "000003");

    let refresh = |instance: &str, expire: &str| {
        json!({"activity": "refreshInstance", "scene": "RENEWAL", "orderId": "CS3", "orderLineId": "CS3-000001",
               "instanceId": instance, "expireTime": expire})
    };
    assert_eq!(kg.call(&refresh(&id, "20271231160000")).await.code(), "000000");
    assert_eq!(kg.call(&refresh("nope", "20271231160000")).await.code(), "000003");
    let bad = kg.call(&refresh(&id, "2027-12-31")).await.json();
    assert_eq!(bad["resultCode"], "000002");
    assert!(bad["resultMsg"].as_str().unwrap_or("").contains("expireTime"), "names the field: {bad}");

    for status in ["FREEZE", "UNFREEZE"] {
        let r = kg.call(&json!({"activity": "updateInstanceStatus", "instanceId": id, "status": status})).await;
        assert_eq!(r.code(), "000000");
    }
    assert_eq!(
        kg.call(&json!({"activity": "updateInstanceStatus", "instanceId": id, "status": "PAUSE"})).await.code(),
        "000002"
    );
    let up = json!({"activity": "upgradeInstance", "instanceId": id, "orderId": "CS4", "orderLineId": "CS4-000001"});
    assert_eq!(kg.call(&up).await.code(), "000000");
    let check = json!({"activity": "changeInstanceCheck", "instanceId": id,
                       "productInfo": {"productId": "p", "skuCode": "s", "linearValue": 2, "productName": "n"}});
    assert_eq!(kg.call(&check).await.code(), "000000");
    assert_eq!(
        kg.call(&json!({"activity": "orderNotify", "orderId": "CS5", "orderLineId": "CS5-000001"})).await.code(),
        "000000"
    );
    let release =
        json!({"activity": "releaseInstance", "instanceId": id, "orderId": "CS1", "orderLineId": "CS1-000001"});
    assert_eq!(kg.call(&release).await.code(), "000000");
    assert_eq!(kg.call(&release).await.code(), "000000", "releasing twice succeeds");
    assert_eq!(kg.call(&json!({"activity": "releaseInstance", "instanceId": "nope"})).await.code(), "000003");
    assert_eq!(kg.call(&json!({"activity": "queryInstance", "instanceId": id})).await.code(), "000003");
    assert_eq!(kg.call(&up).await.code(), "000003", "a released instance cannot be upgraded");

    // Debug calls (KooGallery's saved cases and dial tests) are journaled, never listed as orders.
    let mut t = new_instance("CSTEST", "CSTEST-000001");
    t["testFlag"] = json!("1");
    assert_eq!(kg.call(&t).await.code(), "000000");

    let journal = gw.db.journal(0, 1000).await.expect("journal");
    assert_eq!(journal.len(), 20, "every call journaled");
    assert!(journal.iter().all(|j| j.refused.is_none()));
    assert!(journal.iter().any(|j| j.test && j.order_id.as_deref() == Some("CSTEST")));
    let pending: Vec<String> =
        gw.db.pending_orders(100).await.expect("pending").into_iter().map(|p| p.order_id).collect();
    for o in ["CS1", "CS2", "CS3", "CS4", "CS5"] {
        assert!(pending.contains(&o.to_string()), "{o} awaits its details: {pending:?}");
    }
    assert!(!pending.contains(&"CSTEST".to_string()), "debug orders are not orders");
    gw.stop().await;
}

/// Each refusal is answered 000001 (000002 for a missing field), journaled with its reason, and never reaches
/// provisioning (the hook counts every call it gets).
async fn every_refusal(db: DatabaseUrl) {
    let (hook_url, hook_calls, _) = hook_server().await;
    let gw = gateway(&db, Provisioning::Hook { url: hook_url, timeout: Duration::from_millis(3000) }).await;
    let kg = Kg::new(&gw.interface_url);
    let body = serde_json::to_vec(&new_instance("CSR", "CSR-000001")).expect("json");
    let now = now_ms();
    let sign = |b: &[u8], n: &str, ts: i64| signature::v2_sign(KEY, n, &ts.to_string(), b);
    let n = nonce();
    let cases: Vec<(&str, Vec<u8>, String, &str)> = vec![
        ("no signature", body.clone(), format!("timestamp={now}&nonce={n}"), "missing-parameter"),
        ("stale", body.clone(), kg.query(&body, &nonce(), now - 61_000), "stale-timestamp"),
        ("future", body.clone(), kg.query(&body, &nonce(), now + 61_000), "future-timestamp"),
        (
            "not a number",
            body.clone(),
            format!("signature={}&timestamp=soon&nonce={n}", sign(&body, &n, now)),
            "bad-timestamp",
        ),
        (
            "tampered",
            body.clone().into_iter().map(|b| if b == b'R' { b'X' } else { b }).collect(),
            kg.query(&body, &nonce(), now),
            "bad-signature",
        ),
        ("truncated", body[..body.len() - 5].to_vec(), kg.query(&body, &nonce(), now), "bad-signature"),
        ("not hex", body.clone(), format!("signature=XYZ&timestamp={now}&nonce={n}"), "malformed-signature"),
        (
            "wrong key",
            body.clone(),
            {
                let t = now.to_string();
                format!("signature={}&timestamp={t}&nonce={n}", signature::v2_sign("other", &n, &t, &body))
            },
            "bad-signature",
        ),
    ];
    for (what, b, q, _) in &cases {
        let got = kg.raw(b, q).await;
        support::assert_signed(&got);
        assert_eq!(got.code(), "000001", "{what}");
    }
    // A replay: the first is served, the second refused.
    let q = kg.query(&body, &nonce(), now_ms());
    assert_eq!(kg.raw(&body, &q).await.code(), "000000");
    assert_eq!(kg.raw(&body, &q).await.code(), "000001", "a replayed nonce is refused");
    assert_eq!(hook_calls.load(Ordering::SeqCst), 1, "only the verified call reached provisioning");
    // A missing field: 000002 naming it.
    let missing =
        serde_json::to_vec(&json!({"activity": "newInstance", "orderId": "CSM", "businessId": "b"})).expect("json");
    let got = kg.raw(&missing, &kg.query(&missing, &nonce(), now_ms())).await;
    assert_eq!(got.code(), "000002");
    assert!(got.json()["resultMsg"].as_str().unwrap_or("").contains("orderLineId"));
    // Huawei's Java sample signs the sorted compact form: accepted too.
    let loose = br#"{ "orderLineId": "CSJ-000001", "businessId": "b", "activity": "newInstance", "orderId": "CSJ", "testFlag": null }"#;
    let canonical = signature::java_canonical_body(loose).expect("canonical");
    let got = kg.raw(loose, &kg.query(&canonical, &nonce(), now_ms())).await;
    assert_eq!(got.code(), "000000", "{}", String::from_utf8_lossy(&got.body));

    let journal = gw.db.journal(0, 1000).await.expect("journal");
    let mut reasons: Vec<&str> = journal.iter().filter_map(|j| j.refused.as_deref()).collect();
    reasons.sort();
    let mut expected: Vec<&str> = cases.iter().map(|c| c.3).chain(["replayed-nonce"]).collect();
    expected.sort();
    assert_eq!(reasons, expected, "each refusal journaled with its reason");
    assert!(journal
        .iter()
        .filter(|j| j.refused.is_some())
        .all(|j| j.result_code == "000001" && j.instance_id.is_none()));
    let health: Value = feed_json(&gw, "/feed/v1/interface-health").await;
    assert_eq!(health["refused_total"], 9, "{health}");
    assert_eq!(health["refused"]["bad-signature"], 3);
    let metrics = reqwest::get(format!("{}/metrics", gw.base_url)).await.expect("metrics").text().await.expect("text");
    assert!(metrics.contains("koodesk_gateway_refused_total{reason=\"replayed-nonce\"} 1"), "{metrics}");
    gw.stop().await;
}

async fn feed_json(gw: &RunningGateway, path: &str) -> Value {
    serde_json::from_slice(&support::feed_body(&gw.base_url, path).await).expect("json")
}

/// Two replicas on one database: concurrent newInstance retries split across both get one instanceId, and a
/// nonce used at one is refused at the other.
async fn two_replicas(db: DatabaseUrl) {
    let a = gateway(&db, front_end()).await;
    let b = gateway(&db, front_end()).await;
    let (ka, kb) = (Kg::new(&a.interface_url), Kg::new(&b.interface_url));
    for round in 0..5 {
        let order = format!("CSC{round}");
        let line = format!("{order}-000001");
        let mut calls = Vec::new();
        for i in 0..16 {
            let k = if i % 2 == 0 { ka.clone() } else { kb.clone() };
            let body = new_instance(&order, &line);
            calls.push(tokio::spawn(async move { k.call(&body).await.json() }));
        }
        let mut ids = std::collections::BTreeSet::new();
        for c in calls {
            let r = c.await.expect("task");
            assert_eq!(r["resultCode"], "000000", "{r}");
            ids.insert(r["instanceId"].as_str().expect("id").to_string());
        }
        assert_eq!(ids.len(), 1, "round {round}: one instance for one order line, got {ids:?}");
    }
    let body = serde_json::to_vec(&new_instance("CSN", "CSN-000001")).expect("json");
    let q = ka.query(&body, &nonce(), now_ms());
    assert_eq!(ka.raw(&body, &q).await.code(), "000000");
    assert_eq!(kb.raw(&body, &q).await.code(), "000001", "the other replica refuses the replayed nonce");
    a.stop().await;
    b.stop().await;
}

/// A provision hook: answers `{frontEndUrl, userName, password}`, counting its calls; orders named `SLOW…` wait
/// until the returned gate is opened.
async fn hook_server() -> (String, Arc<AtomicUsize>, Arc<tokio::sync::Semaphore>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let counted = calls.clone();
    let held = gate.clone();
    let app = axum::Router::new().route(
        "/provision",
        axum::routing::post(move |axum::extract::RawQuery(q): axum::extract::RawQuery, body: axum::body::Bytes| {
            let (counted, held) = (counted.clone(), held.clone());
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                // The hook is signed the way KooGallery signs its calls.
                let p = koodesk_gateway::verify::Params::from_query(q.as_deref().unwrap_or(""));
                let ok = koodesk_gateway::verify::check(&Secret::new(KEY), &p, &body, now_ms()).is_ok();
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                if !ok {
                    return (axum::http::StatusCode::UNAUTHORIZED, String::new());
                }
                if v["orderId"].as_str().is_some_and(|o| o.starts_with("SLOW")) {
                    let _ = held.acquire().await.map(|p| p.forget());
                }
                let id = v["instanceId"].as_str().unwrap_or("");
                (axum::http::StatusCode::OK, json!({"frontEndUrl": format!("https://tenant.example/{id}"), "userName": "admin", "password": "s3cret-Pw"}).to_string())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/provision"), calls, gate)
}

/// Hook mode: a fast hook answers 000000 with the credentials encrypted; a slow one 000004 at once, and
/// queryInstance answers 000000 once the hook has finished in the background.
async fn hook_mode(db: DatabaseUrl) {
    let (url, calls, gate) = hook_server().await;
    let gw = gateway(&db, Provisioning::Hook { url, timeout: Duration::from_millis(1500) }).await;
    let kg = Kg::new(&gw.interface_url);
    let fast = kg.call(&new_instance("CSH", "CSH-000001")).await.json();
    assert_eq!(fast["resultCode"], "000000", "{fast}");
    assert_eq!(fast["encryptType"], "1");
    let user = fast["appInfo"]["userName"].as_str().expect("userName");
    assert_ne!(user, "admin", "credentials travel encrypted");
    let plain = koodesk_protocol::field_crypto::decrypt(KEY, koodesk_protocol::field_crypto::EncryptType::Aes256, user)
        .expect("decrypts");
    assert_eq!(plain, "admin");
    let journal = gw.db.journal(0, 100).await.expect("journal");
    assert!(journal.iter().all(|j| !j.reply.contains(user)), "the journal masks credentials");

    let slow = kg.call(&new_instance("SLOW1", "SLOW1-000001")).await.json();
    assert_eq!(slow["resultCode"], "000004", "{slow}");
    let id = slow["instanceId"].as_str().expect("id").to_string();
    let again = kg.call(&new_instance("SLOW1", "SLOW1-000001")).await.json();
    assert_eq!(again["instanceId"], id.as_str());
    assert_eq!(again["resultCode"], "000004", "still provisioning: the hook has not answered");
    gate.add_permits(1);
    let ready = support::eventually(100_000, || {
        let (kg, id) = (kg.clone(), id.clone());
        async move {
            let q = kg.call(&json!({"activity": "queryInstance", "instanceId": id})).await.json();
            (q["resultCode"] == "000000").then_some(q)
        }
    })
    .await;
    assert_eq!(ready["info"][0]["appInfo"]["frontEndUrl"], format!("https://tenant.example/{id}"));
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one hook call per instance");
    gw.stop().await;
}

/// Upstream mode: a verifying, journaling proxy in front of a correct existing interface (the sandbox's sample).
async fn upstream_mode(db: DatabaseUrl) {
    let mut cfg = koodesk_sandbox::sample_interface::SampleConfig::new(0, Secret::new(KEY));
    cfg.provisioning = Duration::ZERO;
    let sample = koodesk_sandbox::sample_interface::serve(cfg).await.expect("sample");
    let gw = gateway(&db, Provisioning::Upstream(sample.url.clone())).await;
    let kg = Kg::new(&gw.interface_url);
    let r = kg.call(&new_instance("CSU", "CSU-000001")).await.json();
    assert_eq!(r["resultCode"], "000000", "{r}");
    let id = r["instanceId"].as_str().expect("id").to_string();
    assert_eq!(kg.call(&new_instance("CSU", "CSU-000001")).await.json()["instanceId"], id.as_str());
    let q = kg.call(&json!({"activity": "queryInstance", "instanceId": id})).await.json();
    assert_eq!(q["resultCode"], "000000", "{q}");
    // A bad call is refused by the gateway and never forwarded.
    let served = sample.served();
    let body = serde_json::to_vec(&new_instance("CSU", "CSU-000001")).expect("json");
    assert_eq!(kg.raw(&body, &kg.query(b"{}", &nonce(), now_ms())).await.code(), "000001");
    assert_eq!(sample.served(), served, "a refused call never reaches upstream");
    let journal = gw.db.journal(0, 100).await.expect("journal");
    assert_eq!(journal.len(), 4);
    assert!(journal[0].reply.contains(&id));
    gw.stop().await;
    sample.stop().await;
}

/// Calls that cannot be stored as they are (NUL in the nonce, the activity, the IDs) are answered and journaled
/// without failing the good calls that share their batch.
async fn poison(db: DatabaseUrl) {
    let gw = gateway(&db, front_end()).await;
    let kg = Kg::new(&gw.interface_url);
    let mut tasks = Vec::new();
    for i in 0..24 {
        let k = kg.clone();
        tasks.push(tokio::spawn(async move {
            match i % 3 {
                0 => (true, k.call(&new_instance(&format!("CSP{i}"), &format!("CSP{i}-000001"))).await.code()),
                1 => {
                    let body = br#"{"activity":"new\u0000Instance","orderId":"a\u0000"}"#;
                    (false, k.raw(body, &format!("signature=00&timestamp={}&nonce=%00{i}", now_ms())).await.code())
                }
                _ => {
                    let body = serde_json::to_vec(&new_instance(&format!("CSP\u{0}{i}"), "L")).expect("json");
                    (false, k.raw(&body, &k.query(&body, &format!("n\u{0}{i}"), now_ms())).await.code())
                }
            }
        }));
    }
    for t in tasks {
        let (good, code) = t.await.expect("task");
        if good {
            assert_eq!(code, "000000");
        } else {
            assert!(code == "000001" || code == "000002", "{code}");
        }
    }
    assert_eq!(gw.db.journal(0, 100).await.expect("journal").len(), 24, "every call journaled");
    gw.stop().await;
}

macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $scenario(sqlite_url(stringify!($name))).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let pg = Postgres::start();
                $scenario(DatabaseUrl::parse(&pg.url()).expect("url")).await;
            }
        }
    };
}

on_both!(activities, every_activity);
on_both!(refusals, every_refusal);
on_both!(replicas, two_replicas);
on_both!(hook, hook_mode);
on_both!(upstream, upstream_mode);
on_both!(poisoned, poison);

#[tokio::test]
async fn an_unreachable_database_is_named() {
    let pg = Postgres::start();
    let url = pg.url();
    drop(pg);
    let e = koodesk_gateway::start(config(&DatabaseUrl::parse(&url).expect("url"), front_end()))
        .await
        .err()
        .expect("fails");
    assert!(e.to_string().starts_with("--database:"), "{e}");
}

/// Enrichment: order/query on the sandbox, behind a primary host that cannot be reached and under the sandbox's
/// rate limit (406 MKT.0250); every order ends up in the feed with the amount the buyer paid and its calls.
async fn enrichment(db: DatabaseUrl) {
    let start = koodesk_domain::time::parse_datetime("2026-11-30T10:00:00+08:00").expect("time");
    let mut sc = koodesk_sandbox::SandboxConfig::new(0, 3, start);
    sc.world.history_days = 1;
    sc.open_api_rate_limit = Some(3);
    let sandbox = koodesk_sandbox::serve(sc).await.expect("sandbox");
    let dead = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port");
    let mut cfg = config(&db, front_end());
    cfg.open_api = Some(koodesk_gateway::OpenApiConfig {
        bases: vec![format!("http://{dead}"), sandbox.base_url()],
        access_key: sandbox.state.cfg.access_key.clone(),
        secret_key: sandbox.state.cfg.secret_key.clone(),
    });
    let gw = koodesk_gateway::start(cfg).await.expect("starts");
    let kg = Kg::new(&gw.interface_url);
    let orders = [
        "MOCKPERIODYEARNEW",
        "MOCKONETIMENEW",
        "MOCKMONTYRENEW",
        "MOCKMONTYCHANGE",
        "MOCKPERIODDAYTRIAL",
        "MOCKONDEMANDPKG",
    ];
    for o in orders {
        assert_eq!(kg.call(&new_instance(o, &format!("{o}-000001"))).await.code(), "000000");
    }
    let items = support::eventually(1_000_000, || {
        let gw = &gw;
        async move {
            let page = feed_json(gw, "/feed/v1/orders?limit=100").await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            (items.len() == orders.len()).then_some(items)
        }
    })
    .await;
    for item in &items {
        let order = item["order_id"].as_str().expect("id");
        let truth = sandbox.state.world().order_info(order, None).expect("the sandbox knows it");
        let paid =
            truth.order_line[0].currency_after_discount.clone().or(truth.order_line[0].amount.clone()).expect("paid");
        let paid: rust_decimal::Decimal = paid.parse().expect("decimal");
        let fed: rust_decimal::Decimal = item["amount"].as_str().expect("amount").parse().expect("decimal");
        assert_eq!(fed, paid, "{order}: the amount the buyer paid");
        assert_eq!(item["product"]["access_type"], "saas");
        assert_eq!(item["status"], "completed");
        assert_eq!(item["interface_calls"][0]["activity"], "newInstance");
        assert_eq!(item["interface_calls"][0]["result_code"], "000000");
    }
    let metrics = reqwest::get(format!("{}/metrics", gw.base_url)).await.expect("metrics").text().await.expect("text");
    assert!(
        metrics.contains("koodesk_gateway_enrichment_total{outcome=\"rate-limited\"}"),
        "the rate limit was met: {metrics}"
    );
    assert!(metrics.contains("koodesk_gateway_enrichment_backlog 0"), "{metrics}");
    let page = feed_json(&gw, "/feed/v1/orders?limit=100").await;
    let next = page["next_cursor"].as_str().expect("cursor").to_string();
    let after = feed_json(&gw, &format!("/feed/v1/orders?cursor={next}")).await;
    assert_eq!(after["items"], json!([]), "nothing after the last cursor");
    for empty in ["supervision", "unsubscriptions", "invoice-requests", "bills"] {
        assert_eq!(feed_json(&gw, &format!("/feed/v1/{empty}")).await["items"], json!([]));
    }
    gw.stop().await;
}

on_both!(enriched, enrichment);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_is_200_only_while_the_database_answers() {
    let pg = Postgres::start();
    let gw = gateway(&DatabaseUrl::parse(&pg.url()).expect("url"), front_end()).await;
    let url = format!("{}/healthz", gw.base_url);
    let up = reqwest::get(&url).await.expect("healthz");
    assert_eq!(up.status(), 200);
    // The workspace's one version, the same that `koodesk --version` and the desktop's Settings show.
    let up: serde_json::Value = up.json().await.expect("healthz json");
    assert_eq!(up["status"], "ok");
    assert_eq!(up["version"], env!("CARGO_PKG_VERSION"));
    drop(pg);
    let (status, body) = support::eventually(100_000, || {
        let url = url.clone();
        async move {
            let r = reqwest::get(&url).await.ok().filter(|r| r.status() != 200)?;
            let status = r.status().as_u16();
            Some((status, r.json::<serde_json::Value>().await.ok()?))
        }
    })
    .await;
    assert_eq!(status, 503);
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    gw.stop().await;
}
