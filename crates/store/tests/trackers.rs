//! What the seller records by hand joins the inbox with the same clocks as synced rows, and every entry is checked
//! against KooGallery's rules before anything is written.

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::{BuyerTitle, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{OrderRecord, OrderState, OrderType, Records};
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time::{self, Instant};
use koodesk_store::trackers::{InvoiceRequestEntry, Recorder, StepEntry, TrackerEntry, UnsubscriptionEntry};
use koodesk_store::{Store, StoreError};

fn t(s: &str) -> Instant {
    time::parse_datetime(s).expect("time")
}

fn imported(order_id: &str, access: AccessType, billing: BillingMode, fen: i64) -> OrderRecord {
    OrderRecord {
        order_id: order_id.into(),
        order_line_id: None,
        buyer_name: Some("某某科技".into()),
        buyer_account: None,
        product_name: format!("{} 商品", access.zh()),
        product_id: None,
        sku: None,
        created_at: t("2026-11-02T09:00:00"),
        paid_at: None,
        status: OrderState::InProgress,
        order_type: OrderType::New,
        billing_mode: billing,
        access_type: access,
        amount: Cny::from_fen(fen),
    }
}

fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let orders = vec![
        imported("CS-SVC", AccessType::ManualService, BillingMode::OneTime, 50_000),
        imported("CS-SAAS", AccessType::Saas, BillingMode::Period, 12_000),
        imported("CS-API", AccessType::Api, BillingMode::PerCall, 3_000),
    ];
    s.import_records(&Records::Orders(orders), 0, false).expect("import");
    s
}

fn me(at: &str) -> Recorder {
    Recorder { by: "张三".into(), at: t(at) }
}

fn step(order_id: &str, step: Step, since: &str) -> StepEntry {
    StepEntry {
        order_id: order_id.into(),
        product_type: ProductType::ManualService,
        step,
        since: t(since),
        rejections: 0,
        note: String::new(),
    }
}

fn actions(s: &Store, now: Instant) -> Vec<(String, String, Option<String>)> {
    s.inbox(now, WorkingCalendar::embedded())
        .expect("inbox")
        .items
        .into_iter()
        .map(|i| (i.action.to_string(), i.ref_id, i.due_at))
        .collect()
}

#[test]
fn a_recorded_merchant_step_runs_the_users_five_day_appeal_clock() {
    let mut s = store();
    s.record_step(&step("CS-SVC", Step::ConfirmRequirements, "2026-11-20T10:00:00"), &me("2026-11-21T09:00:00"))
        .expect("recorded");
    let items = actions(&s, t("2026-11-21T12:00:00"));
    let item = items.iter().find(|(_, r, _)| r == "CS-SVC").expect("in the inbox");
    assert_eq!(item.0, "confirm-requirements");
    // More than 5 days = strictly more than 120 h from the step's start [KG §3].
    assert_eq!(item.2.as_deref(), Some("2026-11-25T10:00:00+08:00"));
    let who: (String, i64) = s
        .connection()
        .query_row("SELECT recorded_by, recorded_ts FROM supervision_flows WHERE order_id = 'CS-SVC'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("who");
    assert_eq!(who, ("张三".to_string(), t("2026-11-21T09:00:00").timestamp()));
    // Recording the next step the console shows moves the clock on, and the history keeps both.
    s.record_step(&step("CS-SVC", Step::Implement, "2026-11-22T10:00:00"), &me("2026-11-22T11:00:00"))
        .expect("moved on");
    let items = actions(&s, t("2026-11-22T12:00:00"));
    let item = items.iter().find(|(_, r, _)| r == "CS-SVC").expect("in the inbox");
    assert_eq!((item.0.as_str(), item.2.as_deref()), ("deliver", Some("2026-11-27T10:00:00+08:00")));
    let events: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM supervision_events WHERE order_id = 'CS-SVC'", [], |r| r.get(0))
        .expect("events");
    assert_eq!(events, 2);
}

#[test]
fn steps_are_checked_against_the_flow_and_the_product() {
    let mut s = store();
    let wrong = s.record_step(&step("CS-SVC", Step::ActivateCode, "2026-11-20T10:00:00"), &me("2026-11-21T09:00:00"));
    assert!(
        matches!(&wrong, Err(StoreError::Invalid(m)) if m.contains("activate-code") && m.contains("submit-requirements")),
        "{wrong:?}"
    );
    let api = s.record_step(&step("CS-API", Step::Implement, "2026-11-20T10:00:00"), &me("2026-11-21T09:00:00"));
    assert!(matches!(&api, Err(StoreError::Invalid(m)) if m.contains("no service supervision")), "{api:?}");
    let future = s.record_step(&step("CS-SVC", Step::Implement, "2026-11-22T10:00:00"), &me("2026-11-21T09:00:00"));
    assert!(matches!(&future, Err(StoreError::Invalid(m)) if m.contains("future")), "{future:?}");
    let unknown = s.record_step(&step("CS-NONE", Step::Implement, "2026-11-20T10:00:00"), &me("2026-11-21T09:00:00"));
    assert!(matches!(&unknown, Err(StoreError::NotFound(m)) if m.contains("import, look up or sync")), "{unknown:?}");
    let nobody = s.record_step(
        &step("CS-SVC", Step::Implement, "2026-11-20T10:00:00"),
        &Recorder { by: " ".into(), at: t("2026-11-21T09:00:00") },
    );
    assert!(matches!(&nobody, Err(StoreError::Invalid(m)) if m.contains("recorded_by")), "{nobody:?}");
    let flows: i64 = s.connection().query_row("SELECT count(*) FROM supervision_flows", [], |r| r.get(0)).expect("n");
    assert_eq!(flows, 0, "nothing was written");
}

#[test]
fn a_negotiated_unsubscription_waits_for_review_within_seven_working_days_and_is_decided() {
    let mut s = store();
    s.record_step(&step("CS-SVC", Step::Implement, "2026-11-20T10:00:00"), &me("2026-11-21T09:00:00")).expect("step");
    let entry = UnsubscriptionEntry {
        order_id: "CS-SVC".into(),
        requested_at: t("2026-11-27T15:00:00"),
        refund: Cny::from_fen(20_000),
        reason: "需求变更".into(),
    };
    let id = s.record_unsubscription(&entry, &me("2026-11-27T16:00:00")).expect("recorded");
    let items = actions(&s, t("2026-11-28T09:00:00"));
    let review = items.iter().find(|(_, r, _)| *r == id).expect("in the inbox");
    assert_eq!(review.0, "review-unsubscription");
    // Friday 27 November + 7 working days = Tuesday 8 December, due by the end of that day.
    assert_eq!(review.2.as_deref(), Some("2026-12-09T00:00:00+08:00"));
    // More than was paid is refused [KG §4]; so is an order with no review (SaaS without supervision).
    let too_much = UnsubscriptionEntry { refund: Cny::from_fen(50_001), ..entry.clone() };
    assert!(matches!(s.record_unsubscription(&too_much, &me("2026-11-27T16:00:00")), Err(StoreError::Invalid(_))));
    let saas = UnsubscriptionEntry { order_id: "CS-SAAS".into(), refund: Cny::from_fen(100), ..entry.clone() };
    let refused = s.record_unsubscription(&saas, &me("2026-11-27T16:00:00"));
    assert!(matches!(&refused, Err(StoreError::Invalid(m)) if m.contains("five-day-full")), "{refused:?}");
    // Rejected on the Seller Console: recorded with its reason; the inbox item goes.
    assert!(s.record_unsubscription_decision(&id, false, "", &me("2026-11-28T10:00:00")).is_err(), "needs a reason");
    s.record_unsubscription_decision(&id, false, "已交付完成", &me("2026-11-28T10:00:00")).expect("decided");
    assert!(!actions(&s, t("2026-11-28T11:00:00")).iter().any(|(_, r, _)| *r == id));
    assert!(s.record_unsubscription_decision(&id, true, "", &me("2026-11-28T10:00:00")).is_err(), "decided once");
}

#[test]
fn an_invoice_request_has_a_seven_day_deadline_the_full_amount_and_is_recorded_issued() {
    let mut s = store();
    let entry = InvoiceRequestEntry {
        order_ids: vec!["CS-SAAS".into(), "CS-API".into()],
        requested_at: t("2026-11-25T10:00:00"),
        kind: InvoiceKind::Special,
        medium: Medium::FullyDigital,
        title: BuyerTitle::Enterprise {
            name: "某某科技有限公司".into(),
            taxpayer_id: Some(koodesk_domain::credit_code::validate("91350100M000100Y43").expect("code")),
        },
        address: None,
        bank_account: None,
    };
    let id = s.record_invoice_request(&entry, &me("2026-11-25T11:00:00")).expect("recorded");
    let amount: i64 = s
        .connection()
        .query_row("SELECT amount_fen FROM invoice_requests WHERE id = ?1", [&id], |r| r.get(0))
        .expect("a");
    assert_eq!(amount, 15_000, "the full amount of its orders [KG §2]");
    let items = actions(&s, t("2026-11-26T10:00:00"));
    let item = items.iter().find(|(_, r, _)| *r == id).expect("in the inbox");
    assert_eq!((item.0.as_str(), item.2.as_deref()), ("issue-invoice", Some("2026-12-02T10:00:00+08:00")));
    // A special invoice needs an enterprise title with a taxpayer ID [KG §2].
    let person = InvoiceRequestEntry { title: BuyerTitle::Person { name: "李四".into() }, ..entry.clone() };
    assert!(matches!(s.record_invoice_request(&person, &me("2026-11-25T11:00:00")), Err(StoreError::Invalid(_))));
    s.record_invoice_issued(&id, "26350000000000012345", &me("2026-11-26T11:00:00")).expect("issued");
    assert!(!actions(&s, t("2026-11-26T12:00:00")).iter().any(|(_, r, _)| *r == id));
    assert!(s.record_invoice_issued(&id, "26350000000000012346", &me("2026-11-26T11:00:00")).is_err(), "once");
}

fn unsub(order_id: &str, fen: i64) -> UnsubscriptionEntry {
    UnsubscriptionEntry {
        order_id: order_id.into(),
        requested_at: t("2026-11-20T10:00:00"),
        refund: Cny::from_fen(fen),
        reason: "不再需要".into(),
    }
}

fn counts(s: &Store) -> (i64, i64, i64) {
    let c = |sql: &str| s.connection().query_row(sql, [], |r| r.get::<_, i64>(0)).expect("count");
    (
        c("SELECT count(*) FROM unsubscriptions"),
        c("SELECT count(*) FROM supervision_flows"),
        c("SELECT count(*) FROM supervision_events"),
    )
}

#[test]
fn a_batch_with_a_bad_entry_keeps_nothing_unless_told_to_skip_it() {
    let mut s = store();
    let rec = me("2026-11-21T09:00:00");
    let batch = vec![
        // A step first, so the manual-service order's unsubscription is a negotiated one [KG §3, §4].
        TrackerEntry::Step(step("CS-SVC", Step::Implement, "2026-11-19T10:00:00")),
        TrackerEntry::Unsubscription(unsub("CS-SVC", 20_000)),
        TrackerEntry::Unsubscription(unsub("CS-NONE", 100)),
    ];
    let before = counts(&s);
    // A preview checks every entry, each seeing the ones above it, and keeps nothing.
    let preview = s.record_batch(&batch, &rec, false, false).expect("preview");
    assert!(!preview.committed);
    assert!(matches!(preview.results[0], Ok(None)), "{:?}", preview.results[0]);
    assert!(matches!(&preview.results[1], Ok(Some(id)) if id.starts_with("TU")), "{:?}", preview.results[1]);
    assert!(matches!(&preview.results[2], Err(StoreError::NotFound(m)) if m.contains("CS-NONE")));
    assert_eq!(counts(&s), before);
    // Confirmed with a bad entry: all or nothing.
    let refused = s.record_batch(&batch, &rec, true, false).expect("refused");
    assert!(!refused.committed);
    assert_eq!(counts(&s), before);
    // Skipping the bad one keeps the rest, in one transaction.
    let kept = s.record_batch(&batch, &rec, true, true).expect("kept");
    assert!(kept.committed);
    assert_eq!(counts(&s), (1, 1, 1));
}

#[test]
fn a_batch_entry_sees_the_entries_above_it() {
    let mut s = store();
    let rec = me("2026-11-21T09:00:00");
    s.record_step(&step("CS-SVC", Step::Implement, "2026-11-19T10:00:00"), &rec).expect("step");
    // Alone the invoice request is fine, but an order with a pending unsubscription must not be invoiced [KG §2],
    // and the first entry made it pending.
    let title = BuyerTitle::Person { name: "张三".into() };
    let batch = vec![
        TrackerEntry::Unsubscription(unsub("CS-SVC", 20_000)),
        TrackerEntry::InvoiceRequest(InvoiceRequestEntry {
            order_ids: vec!["CS-SVC".into()],
            requested_at: t("2026-11-20T11:00:00"),
            kind: InvoiceKind::Ordinary,
            medium: Medium::FullyDigital,
            title,
            address: None,
            bank_account: None,
        }),
    ];
    let out = s.record_batch(&batch, &rec, true, false).expect("batch");
    assert!(!out.committed);
    assert!(
        matches!(&out.results[1], Err(StoreError::Invalid(m)) if m.contains("awaiting review")),
        "{:?}",
        out.results
    );
    assert_eq!(counts(&s).0, 0);
}

/// The screens' rows name who recorded an entry by hand and when.
#[test]
fn the_screens_rows_name_who_recorded_each_entry_and_when() {
    let mut s = store();
    s.record_step(&step("CS-SVC", Step::Implement, "2026-11-20T10:00:00"), &me("2026-11-21T09:00:00")).expect("step");
    let unsub = UnsubscriptionEntry {
        order_id: "CS-SVC".into(),
        requested_at: t("2026-11-27T15:00:00"),
        refund: Cny::from_fen(20_000),
        reason: "需求变更".into(),
    };
    let uid = s.record_unsubscription(&unsub, &me("2026-11-27T16:00:00")).expect("unsubscription");
    let invoice = InvoiceRequestEntry {
        order_ids: vec!["CS-SAAS".into()],
        requested_at: t("2026-11-25T10:00:00"),
        kind: InvoiceKind::Ordinary,
        medium: Medium::FullyDigital,
        title: BuyerTitle::Person { name: "李四".into() },
        address: None,
        bank_account: None,
    };
    let iid = s.record_invoice_request(&invoice, &me("2026-11-25T11:00:00")).expect("invoice request");
    let now = t("2026-11-28T09:00:00");
    let who = |r: &Option<koodesk_store::browse::Recorded>| r.as_ref().map(|r| (r.by.clone(), r.at.clone()));
    let flow = s.flows_page(None, None, now, 0, 100).expect("flows").rows.into_iter().find(|f| f.order_id == "CS-SVC");
    assert_eq!(who(&flow.expect("the flow").recorded), Some(("张三".into(), Some("2026-11-21T09:00:00+08:00".into()))));
    let u = s.unsubscriptions(None, 100).expect("unsubscriptions").into_iter().find(|u| u.id == uid).expect("row");
    assert_eq!(who(&u.recorded), Some(("张三".into(), Some("2026-11-27T16:00:00+08:00".into()))));
    let i = s.invoice_requests(None, now, 100).expect("requests").into_iter().find(|r| r.id == iid).expect("row");
    assert_eq!(who(&i.recorded), Some(("张三".into(), Some("2026-11-25T11:00:00+08:00".into()))));
}
