//! The interface-health view as the feed brings it, stored and read with each SaaS product's readiness against
//! KooGallery's delisting line [KG §7].

mod support;

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::delisting::LineStanding;
use koodesk_domain::time;
use koodesk_protocol::feed::Kind;
use koodesk_store::ingest::parse_interface_health;
use koodesk_store::listings::ListingEntry;
use koodesk_store::trackers::Recorder;
use koodesk_store::{Store, StoreError};
use serde_json::{json, Value};
use support::*;

fn now() -> time::Instant {
    time::parse_datetime("2026-12-02T10:00:00").expect("now")
}

/// A view with four failed orders: two of the synced SaaS product, one of a product the store has not seen, one
/// not yet described; a slow reply and one past the timeout; a failed dial test; two refused calls.
fn view() -> Value {
    json!({
        "period": "2026-12", "calls": 40, "failed_orders": 4, "delisting_line": 5, "over_the_line": false,
        "products": [
            {"product_id": "P-saas-period", "failed_orders": 2},
            {"product_id": "P-ELSEWHERE", "failed_orders": 1},
            {"failed_orders": 1}
        ],
        "replies": {"slow_ms": 2500, "timeout_ms": 5000, "slow": 2, "timed_out": 1, "slowest_ms": 5012},
        "last_dial_test": {"at": "2026-12-02T09:00:03.250+08:00", "activity": "newInstance", "result_code": "000005"},
        "refused_total": 2, "refused": {"bad-signature": 1, "replayed-nonce": 1},
        "enrichment": {"configured": true, "backlog": 1, "pending": [
            {"order_id": "CS-NEW", "order_line_id": "CS-NEW-000001", "instance_id": null,
             "first_call_at": "2026-12-02T08:30:00.000+08:00", "attempts": 3, "last_error": "order/query: 503"}
        ]}
    })
}

fn body(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("json")
}

/// A store with a synced SaaS product and an image product, and a second SaaS product on the listing checklist.
fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let saas = order("CS1", "2026-12-01T10:00:00+08:00", AccessType::Saas, BillingMode::Period, 9_900);
    let image = order("CS2", "2026-12-01T11:00:00+08:00", AccessType::Image, BillingMode::Period, 5_000);
    s.apply_page(Kind::Orders, &page(vec![saas, image], "orders.2"), 0).expect("orders");
    let entry = ListingEntry {
        product_id: "P-NEXT".into(),
        name: "下一个 SaaS".into(),
        access_type: AccessType::Saas,
        billing_mode: BillingMode::Period,
        suite: None,
    };
    s.save_listing(&entry, &Recorder { by: "王芳".into(), at: now() }).expect("listing");
    s
}

#[test]
fn nothing_is_shown_before_a_sync_brings_the_view() {
    assert_eq!(store().interface_health(now()).expect("read"), None);
}

#[test]
fn the_view_is_stored_and_read_with_each_saas_products_readiness() {
    let mut s = store();
    let snap = parse_interface_health(&body(&view())).expect("a good view");
    s.save_interface_health(&snap, now().timestamp()).expect("saved");
    let v = s.interface_health(now()).expect("read").expect("a view");
    assert_eq!((v.period.as_str(), v.current), ("2026-12", true));
    assert_eq!((v.calls, v.failed_orders, v.delisting_line), (40, 4, 5));
    assert_eq!(v.standing, LineStanding::Near, "one failed order from the line");
    assert_eq!(v.failures_left, 1);
    assert_eq!((v.replies.slow, v.replies.timed_out, v.replies.slowest_ms), (2, 1, Some(5012)));
    let dial = v.last_dial_test.expect("dial test");
    assert_eq!(dial.at, "2026-12-02T09:00:03+08:00");
    assert!(!dial.passed, "000005 fails the dial test");
    assert_eq!(v.refused_total, 2);
    assert_eq!(
        v.refused.iter().map(|r| (r.reason.as_str(), r.calls)).collect::<Vec<_>>(),
        [("bad-signature", 1), ("replayed-nonce", 1)]
    );
    assert_eq!(v.unattributed_failures, 1);
    let rows: Vec<(&str, i64, LineStanding, bool)> =
        v.products.iter().map(|p| (p.product_id.as_str(), p.failed_orders, p.standing, p.on_checklist)).collect();
    assert_eq!(
        rows,
        [
            ("P-saas-period", 2, LineStanding::Clear, false),
            ("P-ELSEWHERE", 1, LineStanding::Clear, false),
            ("P-NEXT", 0, LineStanding::Clear, true),
        ]
    );
    assert!(!v.products.iter().any(|p| p.product_id.starts_with("P-image")), "image products have no interface");
    assert_eq!(v.pending.len(), 1);
    assert_eq!(v.pending[0].first_call_at, "2026-12-02T08:30:00+08:00");
    assert_eq!((v.enrichment_configured, v.enrichment_backlog), (true, 1));

    // Next month, before a sync brings December's successor, the view says it is last month's.
    let january = time::parse_datetime("2027-01-01T09:00:00").expect("t");
    assert!(!s.interface_health(january).expect("read").expect("view").current);
}

#[test]
fn a_new_view_replaces_the_old_one_whole() {
    let mut s = store();
    s.save_interface_health(&parse_interface_health(&body(&view())).expect("view"), 1).expect("saved");
    let mut next = view();
    next["failed_orders"] = json!(6);
    next["products"] = json!([{"product_id": "P-saas-period", "failed_orders": 6}]);
    next["refused"] = json!({});
    next["refused_total"] = json!(0);
    next["last_dial_test"] = Value::Null;
    next["enrichment"]["pending"] = json!([]);
    s.save_interface_health(&parse_interface_health(&body(&next)).expect("view"), 2).expect("saved");
    let v = s.interface_health(now()).expect("read").expect("view");
    assert_eq!(v.standing, LineStanding::Over);
    assert_eq!(v.failures_left, 0);
    assert_eq!(v.products[0].standing, LineStanding::Over, "the product itself is past the line");
    assert!(v.refused.is_empty() && v.pending.is_empty() && v.last_dial_test.is_none());
    assert_eq!(v.unattributed_failures, 0);
}

#[test]
fn a_view_breaking_its_rules_is_refused_naming_the_field_and_the_stored_one_stays() {
    let mut s = store();
    s.save_interface_health(&parse_interface_health(&body(&view())).expect("view"), 1).expect("saved");
    let before = s.interface_health(now()).expect("read");
    let cases: [(&str, Value, &str); 4] = [
        ("failed_orders", json!(-1), "interface-health failed_orders"),
        ("period", json!("2026-13"), "interface-health period"),
        (
            "last_dial_test",
            json!({"at": "yesterday", "activity": "newInstance", "result_code": "000000"}),
            "last_dial_test.at",
        ),
        ("calls", json!("forty"), "does not parse"),
    ];
    for (field, value, named) in cases {
        let mut bad = view();
        bad[field] = value;
        let Err(e) = parse_interface_health(&body(&bad)) else { panic!("{field}: a bad view was accepted") };
        assert!(matches!(e, StoreError::BadFeedData { .. }), "{field}: {e:?}");
        assert!(e.to_string().contains(named), "{field}: the error names it: {e}");
    }
    assert_eq!(s.interface_health(now()).expect("read"), before, "nothing stored changed");
}
