//! The listing checklist per product [KG §7, §9]: steps ticked by hand, the interface debugged by a passing run of
//! the product's saved suite, the listing submitted and listed by its review, and the lifecycle cases a SaaS
//! product's saved cases lack.

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::listing::{Lifecycle, ListingStep, StepState};
use koodesk_domain::merchant_info::ReviewSubject;
use koodesk_domain::time::{self, Instant};
use koodesk_store::console_reviews::ReviewEntry;
use koodesk_store::interface_checks::{RunSummary, StoredCase};
use koodesk_store::listings::{Checklist, ListingEntry};
use koodesk_store::trackers::Recorder;
use koodesk_store::{Store, StoreError};

fn t(s: &str) -> Instant {
    time::parse_datetime(s).expect("time")
}

fn me(at: &str) -> Recorder {
    Recorder { by: "张三".into(), at: t(at) }
}

fn case(name: &str, request: &str) -> StoredCase {
    StoredCase { name: name.into(), request: request.into(), expect: "{}".into() }
}

fn run(suite: &str, failed: i64) -> RunSummary {
    RunSummary {
        id: 0,
        started_at: "2026-11-30T02:00:00.000Z".into(),
        url: "http://127.0.0.1:1/saasproduce".into(),
        suite: suite.into(),
        passed: 5,
        failed,
        skipped: 0,
        elapsed_ms: 10,
    }
}

fn states(c: &Checklist) -> Vec<StepState> {
    c.steps.iter().map(|s| s.state).collect()
}

fn saas(billing: BillingMode) -> ListingEntry {
    ListingEntry {
        product_id: "P-SAAS".into(),
        name: "云客服".into(),
        access_type: AccessType::Saas,
        billing_mode: billing,
        suite: Some("mine".into()),
    }
}

#[test]
fn a_saas_product_is_debugged_by_a_passing_run_and_warned_of_missing_cases() {
    use StepState::*;
    let now = t("2026-11-30T10:00:00");
    let mut s = Store::open_in_memory().expect("store");
    s.save_listing(&saas(BillingMode::Period), &me("2026-11-30T09:00:00")).expect("listing");
    let c = s.listing_checklist("P-SAAS", now).expect("read").expect("there");
    assert_eq!(states(&c), [Todo; 6]);
    assert_eq!(
        c.missing_cases,
        [Lifecycle::New, Lifecycle::Renew, Lifecycle::Expire, Lifecycle::Release],
        "no cases saved"
    );

    s.save_interface_suite(
        "mine",
        &[
            case("buy", r#"{"activity":"newInstance","orderId":"x"}"#),
            case("release", r#"{"activity":"releaseInstance","instanceId":"i"}"#),
        ],
    )
    .expect("suite");
    let c = s.listing_checklist("P-SAAS", now).expect("read").expect("there");
    assert_eq!(c.missing_cases, [Lifecycle::Renew, Lifecycle::Expire], "a period product needs 续费 and 过期 too");
    s.save_listing(&saas(BillingMode::PerCall), &me("2026-11-30T09:00:00")).expect("per call");
    assert!(s.listing_checklist("P-SAAS", now).expect("read").expect("there").missing_cases.is_empty());

    // A failing run does not tick step 3; a passing run of another suite does not either; a passing one does.
    s.record_interface_run(&run("mine", 1), "{}").expect("run");
    s.record_interface_run(&run("other", 0), "{}").expect("run");
    let c = s.listing_checklist("P-SAAS", now).expect("read").expect("there");
    assert_eq!((c.steps[2].state, c.last_run.as_ref().map(|r| r.failed)), (Todo, Some(1)));
    s.record_interface_run(&run("mine", 0), "{}").expect("run");
    let c = s.listing_checklist("P-SAAS", now).expect("read").expect("there");
    assert_eq!(c.steps[2].state, Done);
    assert_eq!(c.steps[2].done_at.as_deref(), Some("2026-11-30T02:00:00.000Z"));

    // Ticked by hand, with who and when.
    s.tick_listing_step("P-SAAS", ListingStep::Merchant, true, &me("2026-11-30T09:30:00")).expect("tick");
    let c = s.listing_checklist("P-SAAS", now).expect("read").expect("there");
    assert_eq!((c.steps[0].state, c.steps[0].recorded_by.as_deref()), (Done, Some("张三")));
    s.tick_listing_step("P-SAAS", ListingStep::Merchant, false, &me("2026-11-30T09:31:00")).expect("untick");
    assert_eq!(s.listing_checklist("P-SAAS", now).expect("read").expect("there").steps[0].state, Todo);
}

#[test]
fn the_listing_review_moves_submitted_and_listed() {
    use StepState::*;
    let cal = WorkingCalendar::embedded();
    let mut s = Store::open_in_memory().expect("store");
    let image = ListingEntry {
        product_id: "P-IMG".into(),
        name: "镜像".into(),
        access_type: AccessType::Image,
        billing_mode: BillingMode::Period,
        suite: None,
    };
    s.save_listing(&image, &me("2026-11-27T09:00:00")).expect("listing");
    let c = s.listing_checklist("P-IMG", t("2026-11-27T10:00:00")).expect("read").expect("there");
    assert_eq!(states(&c), [Todo, NotApplicable, NotApplicable, Todo, Todo, Todo]);
    assert!(c.missing_cases.is_empty(), "no production interface, no cases");
    let entry = ReviewEntry {
        subject: ReviewSubject::Listing,
        field: None,
        product_id: Some("P-IMG".into()),
        note: String::new(),
        submitted_at: t("2026-11-27T15:00:00"),
    };
    let r = s.record_console_review(&entry, cal, &me("2026-11-27T15:00:00")).expect("submitted");
    let c = s.listing_checklist("P-IMG", t("2026-11-28T10:00:00")).expect("read").expect("there");
    assert_eq!(
        (c.steps[4].state, c.review.as_ref().and_then(|r| r.review_due.as_deref())),
        (InReview, Some("2026-12-02"))
    );
    s.record_review_answer(&r.id, true, "", &me("2026-12-01T10:00:00")).expect("approved");
    let c = s.listing_checklist("P-IMG", t("2026-12-01T10:00:00")).expect("read").expect("there");
    assert_eq!(states(&c)[4..], [Done, Done]);
    assert_eq!(c.steps[5].done_at.as_deref(), Some("2026-12-01T10:00:00+08:00"));
}

#[test]
fn what_a_seller_cannot_tick_is_refused_naming_why() {
    let mut s = Store::open_in_memory().expect("store");
    let at = me("2026-11-30T09:00:00");
    assert!(matches!(s.tick_listing_step("P-404", ListingStep::Merchant, true, &at), Err(StoreError::NotFound(_))));
    s.save_listing(&saas(BillingMode::Period), &at).expect("listing");
    let e = s.tick_listing_step("P-SAAS", ListingStep::InterfaceDebugged, true, &at).expect_err("read, not ticked");
    assert!(e.to_string().contains("passing run"), "{e}");
    let e = s.tick_listing_step("P-SAAS", ListingStep::ListingSubmitted, true, &at).expect_err("read, not ticked");
    assert!(e.to_string().contains("listing submitted"), "{e}");
    let mut image = saas(BillingMode::Period);
    image.product_id = "P-IMG".into();
    image.access_type = AccessType::Image;
    s.save_listing(&image, &at).expect("listing");
    let e = s.tick_listing_step("P-IMG", ListingStep::InterfaceReady, true, &at).expect_err("not SaaS");
    assert!(e.to_string().contains("only a SaaS product"), "{e}");
    let mut nameless = saas(BillingMode::Period);
    nameless.name = " ".into();
    assert!(matches!(s.save_listing(&nameless, &at), Err(StoreError::Invalid(m)) if m.starts_with("name")));
}
