//! Submissions on the Seller Console for KooGallery's review [KG §6]: a merchant-information change is effective at
//! once (contact mobile, e-mail) or reviewed within 3 working days, as are listings and listing changes; a review
//! is in the inbox with its due date until its answer is recorded.

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::merchant_info::{CalendarBasis, MerchantField, ReviewStatus, ReviewSubject};
use koodesk_domain::time::{self, Instant};
use koodesk_store::console_reviews::ReviewEntry;
use koodesk_store::inbox::{ConsolePath, Group, InboxAction, InboxFacts};
use koodesk_store::trackers::Recorder;
use koodesk_store::{Store, StoreError};

fn t(s: &str) -> Instant {
    time::parse_datetime(s).expect("time")
}

fn me(at: &str) -> Recorder {
    Recorder { by: "张三".into(), at: t(at) }
}

fn change(field: MerchantField, at: &str) -> ReviewEntry {
    ReviewEntry {
        subject: ReviewSubject::MerchantInfo,
        field: Some(field),
        product_id: None,
        note: "公司地址".into(),
        submitted_at: t(at),
    }
}

fn listing(subject: ReviewSubject, product: &str, at: &str) -> ReviewEntry {
    ReviewEntry { subject, field: None, product_id: Some(product.into()), note: String::new(), submitted_at: t(at) }
}

fn count(s: &Store) -> i64 {
    s.connection().query_row("SELECT count(*) FROM console_reviews", [], |r| r.get(0)).expect("count")
}

#[test]
fn another_field_is_reviewed_in_three_working_days_and_waits_in_the_inbox_until_answered() {
    let cal = WorkingCalendar::embedded();
    let mut s = Store::open_in_memory().expect("store");
    // Thursday 2026-09-24, evening: Friday 25 is Mid-Autumn, so the 28th, 29th and 30th.
    let r = s
        .record_console_review(&change(MerchantField::Other, "2026-09-24T20:00:00"), cal, &me("2026-09-24T20:05:00"))
        .expect("recorded");
    assert_eq!(r.status, ReviewStatus::InReview);
    assert_eq!(r.review_due.as_deref(), Some("2026-09-30"));
    assert_eq!(r.calendar, CalendarBasis::Official);
    assert_eq!((r.recorded_by.as_str(), r.recorded_at.as_str()), ("张三", "2026-09-24T20:05:00+08:00"));

    let on_time = s.inbox(t("2026-09-30T18:00:00"), cal).expect("inbox");
    let item = on_time.items.iter().find(|i| i.ref_id == r.id).expect("the review is in the inbox");
    assert_eq!(item.group, Group::Reviews);
    assert_eq!(item.action, InboxAction::AwaitReview);
    assert_eq!(item.due_at.as_deref(), Some("2026-10-01T00:00:00+08:00"), "due by the end of the third working day");
    assert!(!item.overdue);
    assert_eq!(item.seconds_left, Some(6 * 3600));
    assert_eq!(item.console_path, Some(ConsolePath::MerchantInfo));
    assert!(
        matches!(&item.facts, InboxFacts::Review { review_due: Some(d), field: Some(MerchantField::Other), .. } if d == "2026-09-30"),
        "{:?}",
        item.facts
    );
    assert_eq!(on_time.actionable, 1);

    let late = s.inbox(t("2026-10-01T09:00:00"), cal).expect("inbox");
    let item = late.items.iter().find(|i| i.ref_id == r.id).expect("still there");
    assert!(item.overdue, "not answered by its due date");
    assert_eq!(late.overdue, 1);
    assert!(s.console_reviews(t("2026-10-01T09:00:00"), true, None).expect("list")[0].overdue);

    let answered = s.record_review_answer(&r.id, true, "", &me("2026-10-01T10:00:00")).expect("answered");
    assert_eq!(answered.status, ReviewStatus::Approved);
    assert!(!answered.overdue);
    assert_eq!(answered.answered_at.as_deref(), Some("2026-10-01T10:00:00+08:00"));
    let after = s.inbox(t("2026-10-01T10:00:00"), cal).expect("inbox");
    assert!(after.items.iter().all(|i| i.ref_id != r.id), "an answered review leaves the inbox");
    assert!(s.console_reviews(t("2026-10-01T10:00:00"), true, None).expect("open").is_empty());
    assert_eq!(s.console_reviews(t("2026-10-01T10:00:00"), false, None).expect("all").len(), 1);

    let again = s.record_review_answer(&r.id, false, "资料不全", &me("2026-10-01T11:00:00"));
    assert!(matches!(again, Err(StoreError::Invalid(m)) if m.contains("approved")));
}

#[test]
fn a_contact_mobile_or_email_change_is_effective_at_once_and_needs_nothing() {
    let cal = WorkingCalendar::embedded();
    let mut s = Store::open_in_memory().expect("store");
    for field in [MerchantField::ContactMobile, MerchantField::ContactEmail] {
        let r = s
            .record_console_review(&change(field, "2026-11-27T09:00:00"), cal, &me("2026-11-27T09:01:00"))
            .expect("recorded");
        assert_eq!((r.status, r.review_due.as_deref(), r.overdue), (ReviewStatus::Effective, None, false));
        let answer = s.record_review_answer(&r.id, true, "", &me("2026-11-27T10:00:00"));
        assert!(matches!(answer, Err(StoreError::Invalid(m)) if m.contains("effective")), "nothing to answer");
    }
    let inbox = s.inbox(t("2026-12-30T09:00:00"), cal).expect("inbox");
    assert!(inbox.items.iter().all(|i| i.group != Group::Reviews));
    assert_eq!(s.console_reviews(t("2026-12-30T09:00:00"), false, None).expect("list").len(), 2);
}

#[test]
fn a_year_without_holiday_data_is_counted_on_weekdays_and_says_so() {
    let cal = WorkingCalendar::embedded();
    let mut s = Store::open_in_memory().expect("store");
    let r = s
        .record_console_review(&change(MerchantField::Other, "2031-01-03T09:00:00"), cal, &me("2031-01-03T09:00:00"))
        .expect("recorded");
    assert_eq!((r.review_due.as_deref(), r.calendar), (Some("2031-01-08"), CalendarBasis::WeekdaysOnly));
    let inbox = s.inbox(t("2031-01-05T09:00:00"), cal).expect("inbox");
    let item = inbox.items.iter().find(|i| i.ref_id == r.id).expect("in the inbox");
    assert!(matches!(item.facts, InboxFacts::Review { calendar: CalendarBasis::WeekdaysOnly, .. }), "{:?}", item.facts);
}

#[test]
fn listings_and_listing_changes_run_on_the_same_clock_by_product() {
    let cal = WorkingCalendar::embedded();
    let mut s = Store::open_in_memory().expect("store");
    // Friday 2026-11-27 → Mon, Tue, Wed.
    let l = s
        .record_console_review(
            &listing(ReviewSubject::Listing, "P-1", "2026-11-27T15:00:00"),
            cal,
            &me("2026-11-27T15:00:00"),
        )
        .expect("listing");
    assert_eq!((l.status, l.review_due.as_deref()), (ReviewStatus::InReview, Some("2026-12-02")));
    let c = s
        .record_console_review(
            &listing(ReviewSubject::ListingChange, "P-2", "2026-11-30T10:00:00"),
            cal,
            &me("2026-11-30T10:00:00"),
        )
        .expect("change");
    assert_eq!(c.review_due.as_deref(), Some("2026-12-03"));
    let of_p1 = s.console_reviews(t("2026-11-30T10:00:00"), false, Some("P-1")).expect("by product");
    assert_eq!(of_p1.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [l.id.as_str()]);
    let inbox = s.inbox(t("2026-11-30T10:00:00"), cal).expect("inbox");
    let reviews: Vec<&str> =
        inbox.items.iter().filter(|i| i.group == Group::Reviews).map(|i| i.ref_id.as_str()).collect();
    assert_eq!(reviews, [l.id.as_str(), c.id.as_str()], "soonest due first");
    let rejected = s.record_review_answer(&c.id, false, "截图不清晰", &me("2026-12-01T10:00:00")).expect("answer");
    assert_eq!((rejected.status, rejected.answer_note.as_deref()), (ReviewStatus::Rejected, Some("截图不清晰")));
}

#[test]
fn a_bad_entry_is_refused_with_its_field_named_and_nothing_is_written() {
    let cal = WorkingCalendar::embedded();
    let mut s = Store::open_in_memory().expect("store");
    let refused = |s: &mut Store, e: ReviewEntry, r: Recorder, field: &str| {
        let err = s.record_console_review(&e, cal, &r).expect_err("refused");
        assert!(matches!(&err, StoreError::Invalid(m) if m.starts_with(field)), "{field}: {err}");
    };
    let mut no_field = change(MerchantField::Other, "2026-11-27T09:00:00");
    no_field.field = None;
    refused(&mut s, no_field, me("2026-11-27T09:00:00"), "field");
    let mut with_product = change(MerchantField::Other, "2026-11-27T09:00:00");
    with_product.product_id = Some("P-1".into());
    refused(&mut s, with_product, me("2026-11-27T09:00:00"), "product_id");
    let mut no_product = listing(ReviewSubject::Listing, " ", "2026-11-27T09:00:00");
    refused(&mut s, no_product.clone(), me("2026-11-27T09:00:00"), "product_id");
    no_product.product_id = Some("P-1".into());
    no_product.field = Some(MerchantField::Other);
    refused(&mut s, no_product, me("2026-11-27T09:00:00"), "field");
    refused(&mut s, change(MerchantField::Other, "2026-11-28T09:00:00"), me("2026-11-27T09:00:00"), "submitted_at");
    refused(
        &mut s,
        change(MerchantField::Other, "2026-11-27T09:00:00"),
        Recorder { by: " ".into(), at: t("2026-11-27T09:00:00") },
        "recorded_by",
    );
    assert_eq!(count(&s), 0);

    let r = s
        .record_console_review(&change(MerchantField::Other, "2026-11-27T09:00:00"), cal, &me("2026-11-27T09:00:00"))
        .expect("recorded");
    let no_reason = s.record_review_answer(&r.id, false, "  ", &me("2026-11-28T09:00:00"));
    assert!(matches!(no_reason, Err(StoreError::Invalid(m)) if m.starts_with("note")));
    assert!(matches!(
        s.record_review_answer("TR404", true, "", &me("2026-11-28T09:00:00")),
        Err(StoreError::NotFound(_))
    ));
    let still = s.console_review(&r.id, t("2026-11-28T09:00:00")).expect("read").expect("kept");
    assert_eq!(still.status, ReviewStatus::InReview, "a refused answer changes nothing");
    // The schema holds the same rules for any writer.
    let bad = s.connection().execute(
        "INSERT INTO console_reviews VALUES ('X', 'merchant-info', NULL, NULL, '', 0, NULL, 'official', 'in-review',
                 NULL, NULL, 'a', 0)",
        [],
    );
    assert!(bad.is_err(), "a merchant-information change without its field is refused by the schema");
}
