//! No body and no query makes the gateway panic or answer anything but HTTP 200 with a signed production-
//! interface reply: arbitrary bytes, arbitrary query strings, and correctly signed bodies of arbitrary shape (so
//! the parser and every activity's checks run, not only the signature check).

mod support;

use std::sync::OnceLock;

use koodesk_gateway::{DatabaseUrl, GatewayConfig, Provisioning, RunningGateway};
use koodesk_protocol::result_code::ResultCode;
use koodesk_protocol::secret::Secret;
use proptest::prelude::*;
use serde_json::{json, Value};
use support::{nonce, now_ms, Kg, FEED_TOKEN, KEY};

struct Fixture {
    rt: tokio::runtime::Runtime,
    gw: RunningGateway,
    kg: Kg,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let path =
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gateway-parser-{}.db", std::process::id()));
        let mut cfg = GatewayConfig::new(
            "127.0.0.1:0".parse().expect("addr"),
            DatabaseUrl::Sqlite(path),
            Secret::new(KEY),
            Secret::new(FEED_TOKEN),
        );
        cfg.provisioning = Provisioning::FrontEndUrl("https://saas.example.com/{instanceId}".into());
        let gw = rt.block_on(koodesk_gateway::start(cfg)).expect("starts");
        let kg = Kg::new(&gw.interface_url);
        Fixture { rt, gw, kg }
    })
}

fn answered_properly(got: &support::Got) -> Result<(), TestCaseError> {
    support::assert_signed(got);
    let v: Value = serde_json::from_slice(&got.body).map_err(|e| TestCaseError::fail(format!("not JSON: {e}")))?;
    let code = v["resultCode"].as_str().unwrap_or("");
    prop_assert!(ResultCode::parse(code).is_some(), "unknown result code in {v}");
    Ok(())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,80}".prop_map(Value::String),
        "[A-Z0-9,-]{0,200}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const ACTIVITIES: &[&str] = &[
    "newInstance",
    "queryInstance",
    "refreshInstance",
    "updateInstanceStatus",
    "releaseInstance",
    "upgradeInstance",
    "changeInstanceCheck",
    "orderNotify",
    "deleteEverything",
];
const FIELDS: &[&str] = &[
    "orderId",
    "orderLineId",
    "businessId",
    "testFlag",
    "instanceId",
    "scene",
    "expireTime",
    "status",
    "productId",
    "productInfo",
];

/// A body with a real activity and real field names, the values anything.
fn request_like() -> impl Strategy<Value = Value> {
    (prop::sample::select(ACTIVITIES), prop::collection::vec((prop::sample::select(FIELDS), json_value()), 0..8))
        .prop_map(|(a, fields)| {
            let mut m = serde_json::Map::new();
            m.insert("activity".into(), json!(a));
            for (k, v) in fields {
                m.insert(k.to_string(), v);
            }
            Value::Object(m)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_and_queries_are_refused_properly(body in prop::collection::vec(any::<u8>(), 0..600), query in "[ -~]{0,120}") {
        let f = fixture();
        let got = f.rt.block_on(f.kg.raw(&body, &query));
        answered_properly(&got)?;
        prop_assert_eq!(got.code(), "000001");
    }

    #[test]
    fn signed_bodies_of_any_shape_are_answered_properly(body in request_like()) {
        let f = fixture();
        let bytes = serde_json::to_vec(&body).expect("json");
        let got = f.rt.block_on(f.kg.raw(&bytes, &f.kg.query(&bytes, &nonce(), now_ms())));
        answered_properly(&got)?;
        prop_assert_ne!(got.code(), "000005", "no body is an internal error: {}", String::from_utf8_lossy(&got.body));
    }

    #[test]
    fn signed_arbitrary_bytes_are_answered_000002(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let f = fixture();
        let got = f.rt.block_on(f.kg.raw(&body, &f.kg.query(&body, &nonce(), now_ms())));
        answered_properly(&got)?;
        prop_assert_eq!(got.code(), "000002");
    }
}

#[test]
fn the_fixture_gateway_is_healthy() {
    let f = fixture();
    let status =
        f.rt.block_on(async { reqwest::get(format!("{}/healthz", f.gw.base_url)).await.map(|r| r.status().as_u16()) });
    assert_eq!(status.ok(), Some(200));
}
