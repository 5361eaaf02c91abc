//! License 2.0 activation from the console, through the same dispatcher the window and the browser use
//! [KG §3, §8]: in the demo through the embedded sandbox's open API, the flow then synced past 授权码激活; with
//! files only through a KooGallery stand-in on loopback (the seller's AK/SK from the environment here, the
//! keyring on a desk), the next step then recorded by this desk's operator. A flow not waiting at 授权码激活, a
//! code of another order and an unknown code are refused with the rule named.

use base64::Engine;
use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use koodesk_domain::supervision::ProductType;
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};
use serde_json::{json, Value};

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

/// The flow of an order as the Supervision screen lists it.
async fn flow_of(ws: &Workspace, order_id: &str) -> Option<Value> {
    let flows = ok(ws, "flows", json!({})).await;
    flows["flows"].as_array()?.iter().find(|f| f["order_id"] == order_id).cloned()
}

#[tokio::test]
async fn the_demo_activates_through_its_sandbox_and_syncs_the_step() {
    // The first seed (the same every run) whose demo has a License 2.0 order waiting at 授权码激活.
    for seed in 1..40 {
        let dir = tempfile::Builder::new().prefix("koodesk-license-demo-").tempdir().expect("dir").keep();
        let mut cfg = WorkspaceConfig::new(&dir);
        cfg.sandbox_seed = seed;
        cfg.sandbox_history_days = 20;
        let ws = Workspace::open(cfg).await.expect("workspace");
        let flows = ok(&ws, "flows", json!({"step": "activate-code", "side": "merchant"})).await;
        let Some(waiting) = flows["flows"]
            .as_array()
            .expect("flows")
            .iter()
            .find(|f| f["product_type"] == "license2" && f["frozen_by"].is_null() && f["pending_sync"].is_null())
        else {
            continue;
        };
        let order_id = waiting["order_id"].as_str().expect("id").to_string();
        // The sandbox's codes are `LIC-` + the order ID.
        let done = ok(&ws, "license_activate", json!({"order_id": order_id, "code": format!("LIC-{order_id}")})).await;
        assert_eq!(done["state"]["status"], "alive", "{done}");
        assert_eq!(done["state"]["order_id"], order_id.as_str());
        assert_eq!(done["step_recorded"], false, "the marketplace's own record of the step comes by sync");
        let after = flow_of(&ws, &order_id).await.expect("still open");
        assert_eq!(after["step"], "upload-proof", "synced past 授权码激活: {after}");

        let again =
            call(&ws, "license_activate", json!({"order_id": order_id, "code": format!("LIC-{order_id}")})).await;
        assert!(again.is_err_and(|e| e.code == "invalid" && e.message.contains("授权码激活")));
        let state = ok(&ws, "license_query", json!({"code": format!("LIC-{order_id}")})).await;
        assert_eq!(state["status"], "alive");
        let unknown = call(&ws, "license_query", json!({"code": "LIC-NOPE"})).await;
        assert!(unknown.is_err_and(|e| e.code == "license" && e.message.contains("94060999 (failed)")));
        return;
    }
    panic!("no seed from 1 to 39 makes a demo with a License 2.0 order waiting for activation");
}

async fn sandbox() -> RunningSandbox {
    let start = koodesk_domain::time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let mut cfg = SandboxConfig::new(0, 33, start);
    cfg.speed = 0.0;
    cfg.world.history_days = 20;
    serve(cfg).await.expect("sandbox")
}

#[tokio::test]
async fn with_files_only_activation_is_a_real_call_and_the_next_step_is_recorded() {
    let sb = sandbox().await;
    // Two License 2.0 orders of the stand-in's: one to activate, one whose code is another order's.
    let (mine, other) = {
        let w = sb.state.world();
        let mut ids = w
            .flows()
            .iter()
            .filter(|f| f.flow.product() == ProductType::License2 && w.license_code(f.order).is_some())
            .map(|f| w.orders()[f.order].id.clone());
        (ids.next().expect("a License 2.0 order"), ids.next().expect("another"))
    };
    std::env::set_var("KOODESK_ACCESS_KEY", &sb.state.cfg.access_key);
    std::env::set_var("KOODESK_SECRET_KEY", sb.state.cfg.secret_key.expose());

    let dir = tempfile::Builder::new().prefix("koodesk-license-files-").tempdir().expect("dir").keep();
    std::fs::write(dir.join("settings.json"), r#"{"mode": "files", "operator": "王五"}"#).expect("settings");
    let mut cfg = WorkspaceConfig::new(&dir);
    cfg.open_api_bases = Some(vec![sb.base_url()]);
    let ws = Workspace::open(cfg).await.expect("workspace");
    let csv = format!(
        "订单号,客户名称,商品名称,创建时间,订单状态,订单类型,计费模式,接入类型,实付金额（元）\n\
         {mine},杭州某某科技有限公司,授权软件,2026-11-20 10:00:00,处理中,新购,一次性,License,¥1200.00\n"
    );
    let file = json!({"kind": "orders", "file_name": "订单列表.csv",
        "content_base64": base64::engine::general_purpose::STANDARD.encode(csv.as_bytes())});
    ok(&ws, "import_confirm", file).await;

    // Not yet at 授权码激活: refused before anything is sent.
    ok(
        &ws,
        "track_step",
        json!({"order_id": mine, "product_type": "license2", "step": "confirm-code",
        "since": "2026-11-28T10:00:00+08:00"}),
    )
    .await;
    let early = call(&ws, "license_activate", json!({"order_id": mine, "code": format!("LIC-{mine}")})).await;
    assert!(early.is_err_and(|e| e.code == "invalid" && e.message.contains("confirm-code")));

    ok(
        &ws,
        "track_step",
        json!({"order_id": mine, "product_type": "license2", "step": "activate-code",
        "since": "2026-11-28T12:00:00+08:00"}),
    )
    .await;
    let wrong = call(&ws, "license_activate", json!({"order_id": mine, "code": format!("LIC-{other}")})).await;
    assert!(wrong.is_err_and(|e| e.code == "license" && e.message.contains(&format!("order {other}'s"))));
    assert_eq!(flow_of(&ws, &mine).await.expect("flow")["step"], "activate-code", "a wrong code moves nothing");

    let bad_time =
        call(&ws, "license_activate", json!({"order_id": mine, "code": format!("LIC-{mine}"), "effective_at": "soon"}))
            .await;
    assert!(bad_time.is_err_and(|e| e.message.starts_with("effective_at")));

    let done = ok(
        &ws,
        "license_activate",
        json!({"order_id": mine, "code": format!("LIC-{mine}"), "effective_at": "2026-11-29 09:00"}),
    )
    .await;
    assert_eq!(done["step_recorded"], true, "{done}");
    let flow = flow_of(&ws, &mine).await.expect("flow");
    assert_eq!(flow["step"], "upload-proof", "{flow}");
    let detail = ok(&ws, "order_detail", json!({"order_id": mine})).await.to_string();
    assert!(!detail.contains(sb.state.cfg.secret_key.expose()), "no key in any reply");
    sb.stop().await.expect("stops");
}
