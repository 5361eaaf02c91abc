//! Inbox items for every rule, with clocks just before and just after each threshold.

mod support;

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::{CourierPayer, Medium};
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time;
use koodesk_protocol::feed::{BillStatus, FeedBill, Kind};
use koodesk_store::inbox::{ConsolePath, Group, InboxFacts, InboxItem, InvoiceBlock};
use koodesk_store::outbox::ActionKind;
use koodesk_store::Store;
use support::*;

fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let orders = vec![
        order("CS-M", "2026-11-01T09:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 500000),
        order("CS-R", "2026-11-01T09:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 500000),
        order("CS-U", "2026-11-01T09:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 500000),
        order("CS-H", "2026-11-01T09:00:00+08:00", AccessType::Hardware, BillingMode::OneTime, 880000),
        order("CS-S", "2026-11-01T09:00:00+08:00", AccessType::Saas, BillingMode::Period, 9950),
        order("CS-X", "2026-11-01T09:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 20000),
    ];
    s.apply_page(Kind::Orders, &page(orders, "orders.6"), 0).expect("orders");
    let mut hw = flow("CS-H", ProductType::Hardware, Step::Accept, "2026-11-18T10:00:00+08:00", 0);
    hw.parcel_signed_at = Some("2026-11-20T15:00:00+08:00".into());
    let flows = vec![
        // Merchant side since 11-20 09:00: the user may appeal after 11-25 09:00.
        flow("CS-M", ProductType::ManualService, Step::ConfirmRequirements, "2026-11-20T09:00:00+08:00", 0),
        // Four rejections: the user may appeal at once.
        flow("CS-R", ProductType::ManualService, Step::Implement, "2026-11-24T09:00:00+08:00", 4),
        // User side since 11-20 09:00: the merchant may appeal after 11-25 09:00.
        flow("CS-U", ProductType::ManualService, Step::Accept, "2026-11-20T09:00:00+08:00", 0),
        hw,
    ];
    s.apply_page(Kind::Supervision, &page(flows, "supervision.4"), 0).expect("flows");
    s.apply_page(
        Kind::Unsubscriptions,
        &page(vec![unsub("UN1", "CS-X", "2026-11-16T10:00:00+08:00", "2026-11-25")], "u.1"),
        0,
    )
    .expect("unsubs");
    let requests = vec![
        invoice_request("IR-PAPER", "CS-S", "2026-11-18T10:00:00+08:00", Medium::Paper, 9950),
        invoice_request("IR-BLOCKED", "CS-X", "2026-11-19T10:00:00+08:00", Medium::FullyDigital, 20000),
    ];
    s.apply_page(Kind::InvoiceRequests, &page(requests, "i.2"), 0).expect("invoices");
    let bill = FeedBill {
        bill_id: "202610".into(),
        period: "2026-10".into(),
        bill_date: "2026-11-03".into(),
        send_by: "2026-11-05".into(),
        sign_off_by: "2026-11-17".into(),
        payment_by: "2026-11-25".into(),
        order_count: 3,
        amount: koodesk_domain::money::Cny::from_fen(100000),
        platform_fee: koodesk_domain::money::Cny::from_fen(5000),
        merchant_share: koodesk_domain::money::Cny::from_fen(95000),
        status: BillStatus::SignedOff,
        seq: 1,
    };
    s.apply_page(Kind::Bills, &page(vec![bill], "b.1"), 0).expect("bills");
    s
}

fn items_at(s: &Store, now: &str) -> Vec<InboxItem> {
    s.inbox(time::parse_datetime(now).expect("now"), WorkingCalendar::embedded()).expect("inbox").items
}

fn find<'a>(items: &'a [InboxItem], action: &str, ref_id: &str) -> Option<&'a InboxItem> {
    items.iter().find(|i| i.action.as_str() == action && i.ref_id == ref_id)
}

#[test]
fn merchant_side_steps_by_the_users_appeal_clock() {
    let s = store();
    let before = items_at(&s, "2026-11-25T08:59:59");
    let m = find(&before, "confirm-requirements", "CS-M").expect("listed");
    assert_eq!(m.due_at.as_deref(), Some("2026-11-25T09:00:00+08:00"));
    assert!(!m.overdue);
    assert_eq!(m.console_path, Some(ConsolePath::Supervision));
    assert!(
        matches!(m.facts, InboxFacts::Step { step: Step::ConfirmRequirements, rejections: 0, .. }),
        "{:?}",
        m.facts
    );
    let after = items_at(&s, "2026-11-25T09:00:01");
    assert!(find(&after, "confirm-requirements", "CS-M").expect("listed").overdue);
    // Past 3 rejections the user may appeal already.
    let r = find(&before, "deliver", "CS-R").expect("listed");
    assert!(r.overdue);
    assert_eq!(r.due_at.as_deref(), Some("2026-11-24T09:00:00+08:00"));
}

#[test]
fn stalled_user_steps_open_the_merchants_appeal() {
    let s = store();
    assert!(find(&items_at(&s, "2026-11-25T08:59:59"), "appeal", "CS-U").is_none());
    let a = items_at(&s, "2026-11-25T09:00:01");
    let appeal = find(&a, "appeal", "CS-U").expect("listed");
    assert_eq!(appeal.group, Group::Supervision);
    assert_eq!(appeal.console_path, Some(ConsolePath::SupervisionDetail));
}

#[test]
fn hardware_auto_acceptance_ten_days_after_signature() {
    let s = store();
    let items = items_at(&s, "2026-11-29T10:00:00");
    let h = find(&items, "auto-accept", "CS-H").expect("listed");
    assert_eq!(h.due_at.as_deref(), Some("2026-11-30T15:00:00+08:00"));
    assert_eq!(h.group, Group::Upcoming);
}

#[test]
fn unsubscriptions_by_their_review_date() {
    let s = store();
    let on_time = items_at(&s, "2026-11-25T23:59:59");
    let u = find(&on_time, "review-unsubscription", "UN1").expect("listed");
    assert!(!u.overdue);
    assert_eq!(u.console_path, Some(ConsolePath::Unsubscriptions));
    assert!(
        matches!(&u.facts, InboxFacts::Unsubscription { review_due, .. } if review_due == "2026-11-25"),
        "{:?}",
        u.facts
    );
    assert!(find(&items_at(&s, "2026-11-26T00:00:01"), "review-unsubscription", "UN1").expect("listed").overdue);
}

#[test]
fn invoices_seven_days_courier_and_blocks() {
    let s = store();
    let before = items_at(&s, "2026-11-25T10:00:00");
    let paper = find(&before, "issue-invoice", "IR-PAPER").expect("listed");
    assert_eq!(paper.due_at.as_deref(), Some("2026-11-25T10:00:00+08:00"));
    assert!(!paper.overdue);
    assert!(
        matches!(
            paper.facts,
            InboxFacts::Invoice { courier_payer: CourierPayer::Customer, medium: Medium::Paper, blocked: None, .. }
        ),
        "paper under 100 yuan: {:?}",
        paper.facts
    );
    let blocked = find(&before, "issue-invoice", "IR-BLOCKED").expect("listed");
    assert!(
        matches!(blocked.facts, InboxFacts::Invoice { blocked: Some(InvoiceBlock::UnsubscriptionInReview), .. }),
        "an unsubscription awaits review: {:?}",
        blocked.facts
    );
    let after = items_at(&s, "2026-11-25T10:00:01");
    assert!(find(&after, "issue-invoice", "IR-PAPER").expect("listed").overdue);
    // Overdue first within the group.
    let invoices: Vec<&InboxItem> = after.iter().filter(|i| i.group == Group::Invoices).collect();
    assert!(invoices[0].overdue);
}

#[test]
fn bills_and_settlement() {
    let s = store();
    let items = items_at(&s, "2026-11-24T10:00:00");
    let b = find(&items, "expect-payment", "202610").expect("listed");
    assert!(matches!(&b.facts, InboxFacts::Bill { payment_by, .. } if payment_by == "2026-11-25"), "{:?}", b.facts);
    assert_eq!(b.console_path, Some(ConsolePath::Settlement));
    assert!(!b.overdue);
    assert!(find(&items_at(&s, "2026-11-26T10:00:00"), "expect-payment", "202610").expect("listed").overdue);
}

#[test]
fn actions_taken_offline_show_as_waiting_to_sync() {
    let mut s = store();
    s.enqueue(ActionKind::Supervision, "CS-M", serde_json::json!({"action": "confirm"}), 0).expect("queued");
    let items = items_at(&s, "2026-11-24T10:00:00");
    assert!(
        find(&items, "confirm-requirements", "CS-M").expect("listed").pending_sync
            == Some(koodesk_store::outbox::PendingSync::Queued)
    );
    let inbox =
        s.inbox(time::parse_datetime("2026-11-25T09:00:01").expect("t"), WorkingCalendar::embedded()).expect("inbox");
    assert!(inbox.overdue >= 2);
    assert!(inbox.actionable >= inbox.overdue);
}

#[test]
fn steps_of_refunded_orders_leave_the_inbox_whichever_feed_says_so_first() {
    let mut s = store();
    let now = "2026-11-26T10:00:00";
    assert!(find(&items_at(&s, now), "confirm-requirements", "CS-M").is_some());
    assert!(find(&items_at(&s, now), "appeal", "CS-U").is_some());
    // The order is refunded after its step arrived: the orders feed says so.
    let mut refunded =
        order("CS-M", "2026-11-01T09:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 500000);
    refunded.status = koodesk_protocol::feed::OrderStatus::Refunded;
    s.apply_page(Kind::Orders, &page(vec![refunded], "orders.7"), 0).expect("refund");
    assert!(find(&items_at(&s, now), "confirm-requirements", "CS-M").is_none());
    // A step arriving after its order was refunded is left out too.
    let mut gone = order("CS-U", "2026-11-01T09:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 500000);
    gone.status = koodesk_protocol::feed::OrderStatus::Refunded;
    s.apply_page(Kind::Orders, &page(vec![gone], "orders.8"), 0).expect("refund");
    let again = vec![flow("CS-U", ProductType::ManualService, Step::Accept, "2026-11-20T09:00:00+08:00", 0)];
    s.apply_page(Kind::Supervision, &page(again, "supervision.5"), 0).expect("flow again");
    assert!(find(&items_at(&s, now), "appeal", "CS-U").is_none());
    assert!(find(&items_at(&s, now), "deliver", "CS-R").is_some(), "other steps stay");
}

/// A stored code outside its vocabulary (a medium, a step) is damage: the inbox says which column and value, and
/// does not show the item under a default (a paper invoice read as fully digital would lose the courier rule).
#[test]
fn a_damaged_code_is_an_error_naming_the_column() {
    let s = store();
    let now = "2026-11-25T10:00:00";
    assert!(find(&items_at(&s, now), "issue-invoice", "IR-PAPER").is_some());
    for (table, column, key, id, value) in [
        ("invoice_requests", "medium", "id", "IR-PAPER", "carrier-pigeon"),
        ("supervision_flows", "step", "order_id", "CS-M", "teleport"),
    ] {
        let saved: String = s
            .connection()
            .query_row(&format!("SELECT {column} FROM {table} WHERE {key} = ?1"), [id], |r| r.get(0))
            .expect("saved");
        s.connection()
            .execute(&format!("UPDATE {table} SET {column} = ?1 WHERE {key} = ?2"), [value, id])
            .expect("damage");
        let e = s
            .inbox(time::parse_datetime(now).expect("now"), WorkingCalendar::embedded())
            .map(|_| ())
            .expect_err("a damaged row is refused")
            .to_string();
        assert!(e.contains(&format!("{table}.{column}")) && e.contains(value), "{e}");
        s.connection()
            .execute(&format!("UPDATE {table} SET {column} = ?1 WHERE {key} = ?2"), [&saved, id])
            .expect("repair");
    }
    assert!(find(&items_at(&s, now), "issue-invoice", "IR-PAPER").is_some());
}
