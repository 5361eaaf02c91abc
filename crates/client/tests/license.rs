//! License 2.0 codes activated and queried through the open API against the real sandbox on loopback, with its
//! AK/SK [KG §3, §8]: activation moves the order's flow past 授权码激活, the query leaves it as it is, an unknown
//! code is refused by name, a wrong secret key is refused as the AK/SK, and nothing is sent to a plain-HTTP host
//! that is not this machine. The secret key is in no message.

use koodesk_client::license::call;
use koodesk_client::lookup::OpenApi;
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time;
use koodesk_protocol::license::{CodeStatus, LicenseError, Operation};
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};

async fn sandbox(seed: u64) -> RunningSandbox {
    let mut cfg = SandboxConfig::new(0, seed, time::parse_datetime("2026-11-29T10:00:00").expect("t"));
    cfg.speed = 0.0;
    cfg.world.history_days = 45;
    cfg.world.orders_per_day = 30.0;
    serve(cfg).await.expect("sandbox")
}

fn api(sb: &RunningSandbox) -> OpenApi {
    OpenApi {
        bases: vec![sb.base_url()],
        access_key: Secret::new(sb.state.cfg.access_key.clone()),
        secret_key: sb.state.cfg.secret_key.clone(),
    }
}

/// A License 2.0 order waiting for its code to be activated: its ID and code.
fn waiting_order(sb: &RunningSandbox) -> Option<(String, String)> {
    let w = sb.state.world();
    let f = w.flows().iter().find(|f| {
        f.flow.product() == ProductType::License2 && f.flow.step() == Step::ActivateCode && !f.flow.is_frozen()
    })?;
    Some((w.orders()[f.order].id.clone(), w.license_code(f.order)?))
}

/// The first world (by seed, from a fixed start: the same one every run) with a License 2.0 order at 授权码激活.
async fn sandbox_with_waiting_order() -> (RunningSandbox, String, String) {
    for seed in 41..80 {
        let sb = sandbox(seed).await;
        if let Some((order, code)) = waiting_order(&sb) {
            return (sb, order, code);
        }
        sb.stop().await.expect("stops");
    }
    panic!("no seed from 41 to 79 makes a License 2.0 order waiting for activation");
}

fn step_of(sb: &RunningSandbox, order_id: &str) -> Step {
    let w = sb.state.world();
    let f = w.flows().iter().find(|f| w.orders()[f.order].id == order_id).expect("the flow");
    f.flow.step()
}

#[tokio::test]
async fn activation_moves_the_flow_past_the_activation_step_and_the_query_does_not() {
    let (sb, order_id, code) = sandbox_with_waiting_order().await;

    let q = call(&api(&sb), Operation::Query, &code, None).await.expect("the query answers");
    assert_eq!((q.status, q.order_id.as_deref()), (CodeStatus::Alive, Some(order_id.as_str())));
    assert_eq!(step_of(&sb, &order_id), Step::ActivateCode, "a query activates nothing");

    let a = call(&api(&sb), Operation::Activate, &code, None).await.expect("the code activates");
    assert_eq!(a.status, CodeStatus::Alive);
    assert!(a.expire_at.is_some(), "the estimated expiry is read");
    assert_eq!(step_of(&sb, &order_id), Step::UploadProof, "授权码激活 passed [KG §3]");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn refusals_name_the_rule_and_never_the_secret_key() {
    let sb = sandbox(42).await;
    let e = call(&api(&sb), Operation::Activate, "LIC-NOT-A-CODE", None).await.expect_err("unknown code");
    assert!(matches!(e, LicenseError::Refused { ref code, .. } if code == "94060999"), "{e:?}");
    assert!(e.to_string().contains("94060999 (failed)"), "{e}");

    let mut wrong = api(&sb);
    wrong.secret_key = Secret::new("not-the-secret-key-0123456789".to_string());
    let e = call(&wrong, Operation::Query, "LIC-X", None).await.expect_err("wrong SK");
    assert!(matches!(e, LicenseError::Unauthorized { .. }), "{e:?}");
    assert!(!e.to_string().contains("not-the-secret-key"), "the key is in no message: {e}");

    let e = call(&api(&sb), Operation::Activate, "", None).await.expect_err("empty code");
    assert!(matches!(e, LicenseError::Invalid(ref m) if m.starts_with("code:")), "{e:?}");

    let mut remote = api(&sb);
    remote.bases = vec!["http://127.evil.example".into()];
    let e = call(&remote, Operation::Activate, "LIC-1", None).await.expect_err("plain http elsewhere");
    assert!(matches!(e, LicenseError::Invalid(ref m) if m.contains("not this machine")), "{e:?}");
    assert!(!format!("{e:?}").contains(sb.state.cfg.secret_key.expose()));
    sb.stop().await.expect("stops");
}
