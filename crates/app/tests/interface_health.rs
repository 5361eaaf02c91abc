//! The interface-health screen and its notices through the console's dispatcher [KG §7]: a desk on a real KooDesk
//! Gateway on loopback (SQLite) syncs the gateway's view; as KooGallery's failed orders near the delisting line the
//! desk is told once per standing, and the screen shows each SaaS product's readiness.

use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use koodesk_gateway::{DatabaseUrl, GatewayConfig, RunningGateway};
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use serde_json::{json, Value};

const TOKEN: &str = "kdf_interface-health-feed-token-4d2a";
const KEY: &str = "interface-health-interface-key-7b";

async fn gateway(dir: &std::path::Path) -> RunningGateway {
    let c = GatewayConfig::new(
        "127.0.0.1:0".parse().expect("addr"),
        DatabaseUrl::Sqlite(dir.join("gateway.db")),
        Secret::new(KEY),
        Secret::new(TOKEN),
    );
    koodesk_gateway::start(c).await.expect("the gateway starts")
}

/// KooGallery calling the gateway: a V2.0-signed POST; returns the reply's resultCode.
async fn kg(gw: &RunningGateway, body: Value) -> String {
    let bytes = serde_json::to_vec(&body).expect("json");
    let (nonce, ts) = (format!("{:032x}", rand::random::<u128>()), chrono::Utc::now().timestamp_millis().to_string());
    let sig = signature::v2_sign(KEY, &nonce, &ts, &bytes);
    let url = format!("{}?signature={sig}&timestamp={ts}&nonce={nonce}", gw.interface_url);
    let reply: Value = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(bytes)
        .send()
        .await
        .expect("the gateway answers")
        .json()
        .await
        .expect("JSON");
    reply["resultCode"].as_str().unwrap_or("").to_string()
}

/// An order KooGallery asks to renew on an instance the interface never made: `000003`, a failed order.
async fn fail(gw: &RunningGateway, order: &str) {
    let code = kg(
        gw,
        json!({"activity": "refreshInstance", "scene": "RENEWAL", "orderId": order,
               "orderLineId": format!("{order}-000001"), "instanceId": format!("missing-{order}"),
               "expireTime": "20271231160000"}),
    )
    .await;
    assert_eq!(code, "000003", "{order} fails");
}

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

/// The delisting notices due now, marked shown.
async fn delisting_notices(ws: &Workspace) -> Vec<Value> {
    let due = ok(ws, "notifications_due", json!({})).await;
    let mine: Vec<Value> = due["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .filter(|n| n["key"].as_str().is_some_and(|k| k.starts_with("delisting-line:")))
        .cloned()
        .collect();
    for n in &mine {
        ok(ws, "notification_shown", json!({"key": n["key"], "route": n["route"]})).await;
    }
    mine
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_is_told_before_its_failed_orders_reach_the_delisting_line() {
    std::env::set_var("KOODESK_FEED_TOKEN", TOKEN);
    let dir = tempfile::tempdir().expect("dir");
    let gw = gateway(dir.path()).await;
    let desk_dir = dir.path().join("desk");
    std::fs::create_dir_all(&desk_dir).expect("desk dir");
    let settings = json!({"mode": "gateway", "feed_url": gw.base_url, "operator": "alice"});
    std::fs::write(desk_dir.join("settings.json"), settings.to_string()).expect("settings");
    let ws = Workspace::open(WorkspaceConfig::new(&desk_dir)).await.expect("workspace");

    let first = ok(&ws, "interface_health", json!({})).await;
    assert_eq!(first["view"]["failed_orders"], 0, "the first sync brought an empty month: {first}");
    assert_eq!(first["view"]["standing"], "clear");
    assert!(delisting_notices(&ws).await.is_empty());

    assert_eq!(
        kg(
            &gw,
            json!({"activity": "newInstance", "orderId": "CS-OK", "orderLineId": "CS-OK-000001",
                              "businessId": "b-1"})
        )
        .await,
        "000000"
    );
    for o in ["CS-F1", "CS-F2", "CS-F3", "CS-F4"] {
        fail(&gw, o).await;
    }
    // A dial test (KooGallery replaying the saved cases) that passes.
    assert_eq!(
        kg(
            &gw,
            json!({"activity": "newInstance", "orderId": "CS-T", "orderLineId": "CS-T-000001",
                              "businessId": "b-2", "testFlag": "1"})
        )
        .await,
        "000000"
    );
    assert_eq!(ok(&ws, "sync_now", json!({})).await["ok"], true);
    let h = ok(&ws, "interface_health", json!({})).await["view"].clone();
    assert_eq!((h["calls"].as_i64(), h["failed_orders"].as_i64()), (Some(5), Some(4)), "{h}");
    assert_eq!((h["standing"].as_str(), h["failures_left"].as_i64()), (Some("near"), Some(1)));
    assert_eq!(h["current"], true);
    assert_eq!(h["unattributed_failures"], 4, "no order/query configured: their products are not known");
    assert_eq!(h["last_dial_test"]["passed"], true);
    assert_eq!(h["enrichment_configured"], false);
    assert!(h["pending"].as_array().is_some_and(|p| p.len() == 5), "the real orders await their details: {h}");

    let told = delisting_notices(&ws).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0]["key"].as_str().is_some_and(|k| k.ends_with(":near")), "{told:?}");
    assert_eq!(told[0]["route"], "/interface-health");
    // A code and its parameters; the shell words it in the user's language.
    let about = &told[0]["about"];
    assert_eq!(
        (
            about["code"].as_str(),
            about["standing"].as_str(),
            about["failed_orders"].as_i64(),
            about["delisting_line"].as_i64()
        ),
        (Some("delisting-line"), Some("near"), Some(4), Some(5)),
        "{told:?}"
    );
    assert!(delisting_notices(&ws).await.is_empty(), "told once");

    fail(&gw, "CS-F5").await;
    ok(&ws, "sync_now", json!({})).await;
    let told = delisting_notices(&ws).await;
    assert_eq!(told.len(), 1);
    assert!(told[0]["key"].as_str().is_some_and(|k| k.ends_with(":at-the-line")), "{told:?}");
    fail(&gw, "CS-F6").await;
    ok(&ws, "sync_now", json!({})).await;
    assert_eq!(ok(&ws, "interface_health", json!({})).await["view"]["standing"], "over");
    let told = delisting_notices(&ws).await;
    assert!(told.len() == 1 && told[0]["key"].as_str().is_some_and(|k| k.ends_with(":over")), "{told:?}");
    gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_only_has_no_view() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("settings.json"), json!({"mode": "files"}).to_string()).expect("settings");
    let ws = Workspace::open(WorkspaceConfig::new(dir.path())).await.expect("workspace");
    assert_eq!(ok(&ws, "interface_health", json!({})).await, json!({"view": null}));
}
