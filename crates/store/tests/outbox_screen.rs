//! An action taken on a screen carries the sequence the screen showed; the queue refuses it, locally, when the
//! stored row has moved past that screen (issue 16, found by the soak).

mod support;

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::Medium;
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time;
use koodesk_protocol::feed::Kind;
use koodesk_store::outbox::{ActionKind, ActionStatus};
use koodesk_store::{Store, StoreError};
use serde_json::json;
use support::*;

/// One supervised order (CS1) at confirm-requirements, flow seq 1; an unsubscription (DU1) and an invoice request
/// (IR1) on it, seq 1 each.
fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let o = order("CS1", "2026-10-05T10:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 100000);
    s.apply_page(Kind::Orders, &page(vec![o], "orders.1"), 0).expect("orders");
    let f = flow("CS1", ProductType::SoftwarePackage, Step::ConfirmRequirements, "2026-11-20T10:00:00+08:00", 0);
    s.apply_page(Kind::Supervision, &page(vec![f], "supervision.1"), 0).expect("flow");
    let u = unsub("DU1", "CS1", "2026-11-21T10:00:00+08:00", "2026-11-24");
    s.apply_page(Kind::Unsubscriptions, &page(vec![u], "unsubscriptions.1"), 0).expect("unsubscription");
    let r = invoice_request("IR1", "CS1", "2026-11-20T10:00:00+08:00", Medium::FullyDigital, 100000);
    s.apply_page(Kind::InvoiceRequests, &page(vec![r], "invoice-requests.1"), 0).expect("request");
    s
}

fn now() -> koodesk_domain::time::Instant {
    time::parse_datetime("2026-11-21T12:00:00").expect("t")
}

/// The seller confirms from a screen; the action is sent and echoed (the flow moves to seq 5). A second action from
/// the same screen (seq 1) is refused here, naming both sequences — not queued for KooGallery to refuse for good.
#[test]
fn a_second_action_from_a_screen_older_than_the_first_ones_echo_is_refused_locally() {
    let mut s = store();
    let shown = s.flows(None, None, now(), 10).expect("flows").remove(0);
    assert_eq!((shown.order_id.as_str(), shown.seq), ("CS1", 1), "the row carries its sequence");
    s.enqueue_from_screen(ActionKind::Supervision, "CS1", json!({"action": "confirm"}), shown.seq, 10)
        .expect("the first action, from a current screen");
    let a = s.due_actions(10, 10).expect("due").actions.remove(0);
    s.mark_sent(a.id, Some(5), 11).expect("sent");
    let mut f = flow("CS1", ProductType::SoftwarePackage, Step::Implement, "2026-11-21T11:00:00+08:00", 0);
    f.seq = 5;
    s.apply_page(Kind::Supervision, &page(vec![f], "supervision.5"), 0).expect("echo");
    assert_eq!(s.in_flight_for("CS1").expect("in flight"), None, "echoed: nothing in flight");

    let e = s
        .enqueue_from_screen(
            ActionKind::Delivery,
            "CS1",
            json!({"file_name": "a.pdf", "content_base64": "YQ=="}),
            1,
            12,
        )
        .expect_err("the screen predates the echo");
    assert!(matches!(&e, StoreError::Stale { target, shown: 1, stored: 5 } if target == "CS1"), "{e:?}");
    let m = e.to_string();
    assert!(m.starts_with("seq:") && m.contains("seq 1") && m.contains("has 5") && m.contains("reload"), "{m}");
    assert_eq!(s.actions(ActionStatus::Pending).expect("pending").len(), 0, "nothing queued");

    // The reloaded screen shows seq 5: the action is queued.
    let reloaded = s.flows(None, None, now(), 10).expect("flows").remove(0);
    assert_eq!(reloaded.seq, 5);
    s.enqueue_from_screen(
        ActionKind::Delivery,
        "CS1",
        json!({"file_name": "a.pdf", "content_base64": "YQ=="}),
        reloaded.seq,
        13,
    )
    .expect("from the current screen");
}

/// The same rule for an unsubscription decision and an invoice request's issue; a screen at the stored sequence
/// (or, when the feed is behind the screen, later) is current.
#[test]
fn decisions_and_issues_from_a_stale_screen_are_refused_too() {
    let mut s = store();
    let mut u = unsub("DU1", "CS1", "2026-11-21T10:00:00+08:00", "2026-11-24");
    u.seq = 3;
    s.apply_page(Kind::Unsubscriptions, &page(vec![u], "unsubscriptions.3"), 0).expect("changed by the buyer");
    let e = s.enqueue_from_screen(ActionKind::UnsubscriptionDecision, "DU1", json!({"approve": true}), 2, 10);
    assert!(matches!(&e, Err(StoreError::Stale { shown: 2, stored: 3, .. })), "{e:?}");
    let row = s.unsubscriptions(None, 10).expect("rows").remove(0);
    assert_eq!(row.seq, 3);
    s.enqueue_from_screen(ActionKind::UnsubscriptionDecision, "DU1", json!({"approve": true}), row.seq, 10)
        .expect("current");

    let mut r = invoice_request("IR1", "CS1", "2026-11-20T10:00:00+08:00", Medium::FullyDigital, 100000);
    r.seq = 4;
    s.apply_page(Kind::InvoiceRequests, &page(vec![r], "invoice-requests.4"), 0).expect("changed");
    let e = s.check_screen(ActionKind::InvoiceIssued, "IR1", 1);
    assert!(matches!(&e, Err(StoreError::Stale { shown: 1, stored: 4, .. })), "{e:?}");
    assert_eq!(s.invoice_requests(None, now(), 10).expect("rows").remove(0).seq, 4);
    s.check_screen(ActionKind::InvoiceIssued, "IR1", 4).expect("current");
    s.check_screen(ActionKind::InvoiceIssued, "IR1", 9).expect("a screen ahead of the store is not stale");
}
