use super::*;
use crate::time::parse_datetime;

fn t(s: &str) -> Instant {
    parse_datetime(s).expect("datetime")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn proof() -> Action {
    Action::Deliver { proof: "delivery-report.pdf".into() }
}

fn reject() -> Action {
    Action::Reject { reason: "not as agreed".into() }
}

fn appeal() -> Action {
    Action::Appeal { reason: "no response".into() }
}

/// Applies moves one hour apart from `start`, asserting each is accepted.
fn run(flow: &mut Flow, start: &str, moves: &[(Side, Action)]) {
    let mut at = t(start);
    for (side, action) in moves {
        at += Duration::hours(1);
        flow.apply(*side, action.clone(), at).unwrap_or_else(|e| panic!("{side:?} {action:?}: {e}"));
    }
}

#[test]
fn manual_service_standard_flow() {
    let mut f = Flow::start(ProductType::ManualService, false, t("2026-03-02T09:00:00"));
    assert_eq!(f.step(), Step::SubmitRequirements);
    assert_eq!(f.step().side(), Some(Side::User));
    run(
        &mut f,
        "2026-03-02T09:00:00",
        &[
            (Side::User, Action::Submit),
            (Side::Merchant, Action::Confirm),
            (Side::Merchant, proof()),
            (Side::User, Action::Accept),
        ],
    );
    assert!(f.is_completed());
    let path: Vec<Step> = f.history().iter().map(|tr| tr.to).collect();
    assert_eq!(path, [Step::ConfirmRequirements, Step::Implement, Step::Accept, Step::Completed]);
    assert_eq!(f.clocks(), None, "no clock runs on a completed flow");
    assert_eq!(f.apply(Side::User, Action::Accept, t("2026-03-05T00:00:00")), Err(SupervisionError::Completed));
}

#[test]
fn rejections_send_steps_back_and_count() {
    let mut f = Flow::start(ProductType::ManualService, false, t("2026-03-02T09:00:00"));
    run(
        &mut f,
        "2026-03-02T09:00:00",
        &[
            (Side::User, Action::Submit),
            (Side::Merchant, reject()),
            (Side::User, Action::Submit),
            (Side::Merchant, Action::Confirm),
            (Side::Merchant, proof()),
            (Side::User, reject()),
        ],
    );
    assert_eq!(f.step(), Step::Implement);
    assert_eq!(f.rejections(), 2);
}

#[test]
fn hardware_ships_and_is_auto_accepted_ten_days_after_signature() {
    let mut f = Flow::start(ProductType::Hardware, false, t("2026-03-02T09:00:00"));
    assert_eq!(f.step(), Step::Implement, "hardware starts with the merchant");
    f.apply(Side::Merchant, Action::Deliver { proof: "SF1234567890".into() }, t("2026-03-03T09:00:00")).expect("ships");
    assert_eq!(f.auto_accept_at(), None);
    let e = f.apply(Side::Platform, Action::AutoAccept, t("2026-03-20T09:00:00")).expect_err("not signed yet");
    assert!(matches!(e, SupervisionError::AutoAcceptNotDue { .. }));
    f.apply(Side::Platform, Action::ParcelSigned { phone_matches: true }, t("2026-03-05T14:00:00")).expect("signed");
    assert_eq!(f.auto_accept_at(), Some(t("2026-03-15T14:00:00")));
    let before = f.clone();
    assert!(f.apply(Side::Platform, Action::AutoAccept, t("2026-03-15T13:59:59")).is_err());
    assert_eq!(f, before, "a refused move changes nothing");
    f.apply(Side::Platform, Action::AutoAccept, t("2026-03-15T14:00:00")).expect("due");
    assert!(f.is_completed());
}

#[test]
fn hardware_signed_by_another_phone_is_not_auto_accepted() {
    let mut f = Flow::start(ProductType::Hardware, false, t("2026-03-02T09:00:00"));
    run(
        &mut f,
        "2026-03-02T09:00:00",
        &[(Side::Merchant, proof()), (Side::Platform, Action::ParcelSigned { phone_matches: false })],
    );
    assert_eq!(f.auto_accept_at(), None);
    let e = f.apply(Side::Platform, Action::AutoAccept, t("2026-04-30T00:00:00")).expect_err("other phone");
    assert!(e.to_string().contains("phone"));
}

#[test]
fn license_2_is_accepted_automatically_after_the_proof() {
    let mut f = Flow::start(ProductType::License2, false, t("2026-03-02T09:00:00"));
    assert_eq!(f.step(), Step::ConfirmCode);
    run(
        &mut f,
        "2026-03-02T09:00:00",
        &[(Side::User, Action::Submit), (Side::Merchant, Action::Activate), (Side::Merchant, proof())],
    );
    assert!(f.is_completed());
    // With re-review, the proof goes to Huawei Cloud, whose rejection returns to the proof step.
    let mut f = Flow::start(ProductType::License2, true, t("2026-03-02T09:00:00"));
    run(
        &mut f,
        "2026-03-02T09:00:00",
        &[(Side::User, Action::Submit), (Side::Merchant, Action::Activate), (Side::Merchant, proof())],
    );
    assert_eq!(f.step(), Step::ReReview);
    assert_eq!(f.step().side(), Some(Side::Platform));
    run(&mut f, "2026-03-03T09:00:00", &[(Side::Platform, reject())]);
    assert_eq!(f.step(), Step::UploadProof);
    run(&mut f, "2026-03-04T09:00:00", &[(Side::Merchant, proof()), (Side::Platform, Action::Accept)]);
    assert!(f.is_completed());
}

#[test]
fn every_product_type_reaches_completion() {
    let happy: &[(ProductType, &[(Side, Action)])] = &[
        (
            ProductType::License1,
            &[(Side::User, Action::Submit), (Side::Merchant, proof()), (Side::User, Action::Accept)],
        ),
        (ProductType::LicenseOffline, &[(Side::Merchant, proof()), (Side::User, Action::Accept)]),
        (ProductType::SoftwarePackage, &[(Side::Merchant, proof()), (Side::User, Action::Accept)]),
        (ProductType::AppOrchestration, &[(Side::Merchant, proof()), (Side::User, Action::Accept)]),
        (
            ProductType::DataFile,
            &[
                (Side::User, Action::Submit),
                (Side::Merchant, Action::Confirm),
                (Side::Merchant, Action::Deliver { proof: "验收文档.pdf".into() }),
                (Side::User, Action::Accept),
            ],
        ),
    ];
    for (product, moves) in happy {
        for rereview in [false, true] {
            let mut f = Flow::start(*product, rereview, t("2026-03-02T09:00:00"));
            run(&mut f, "2026-03-02T09:00:00", moves);
            if rereview {
                assert_eq!(f.step(), Step::ReReview, "{product:?}");
                run(&mut f, "2026-03-03T09:00:00", &[(Side::Platform, Action::Accept)]);
            }
            assert!(f.is_completed(), "{product:?} rereview={rereview}");
        }
    }
}

#[test]
fn illegal_moves_are_errors_and_change_nothing() {
    let mut f = Flow::start(ProductType::ManualService, false, t("2026-03-02T09:00:00"));
    let before = f.clone();
    let e = f.apply(Side::Merchant, proof(), t("2026-03-02T10:00:00")).expect_err("requirements first");
    assert!(matches!(e, SupervisionError::WrongSide { .. } | SupervisionError::Illegal { .. }), "{e}");
    let e = f.apply(Side::User, Action::Accept, t("2026-03-02T10:00:00")).expect_err("nothing to accept");
    assert!(matches!(e, SupervisionError::Illegal { .. }), "{e}");
    let e = f.apply(Side::Merchant, Action::Submit, t("2026-03-02T10:00:00")).expect_err("the user submits");
    assert!(e.to_string().contains("user's move"), "{e}");
    let e = f.apply(Side::User, Action::Submit, t("2026-03-01T10:00:00")).expect_err("time went back");
    assert!(matches!(e, SupervisionError::OutOfOrder { .. }));
    assert!(f.apply(Side::Platform, Action::ResolveAppeal { complete: false }, t("2026-03-02T10:00:00")).is_err());
    assert_eq!(f, before);
}

#[test]
fn merchant_appeals_a_user_step_stalled_more_than_five_days() {
    let start = t("2026-03-02T09:00:00");
    let mut f = Flow::start(ProductType::ManualService, false, start);
    let clocks = f.clocks().expect("running");
    assert_eq!(clocks.merchant_may_appeal_at, Some(t("2026-03-07T09:00:00")));
    assert_eq!(clocks.user_may_appeal_at, None);
    // Exactly 120 hours is not "more than 5 days".
    let e = f.apply(Side::Merchant, appeal(), t("2026-03-07T09:00:00")).expect_err("not yet");
    assert!(matches!(e, SupervisionError::AppealNotOpen { .. }), "{e}");
    assert!(f.apply(Side::User, appeal(), t("2026-03-08T09:00:00")).is_err(), "the user's own step");
    f.apply(Side::Merchant, appeal(), t("2026-03-07T09:00:01")).expect("stalled");
    assert!(f.is_frozen());
    assert_eq!(f.clocks(), None, "frozen: no clock runs");
    let e = f.apply(Side::User, Action::Submit, t("2026-03-08T09:00:00")).expect_err("frozen");
    assert!(matches!(e, SupervisionError::Frozen { by: "merchant", .. }));
    f.apply(Side::Platform, Action::ResolveAppeal { complete: false }, t("2026-03-10T09:00:00")).expect("resolved");
    assert!(!f.is_frozen());
    assert_eq!(f.step(), Step::SubmitRequirements);
    assert_eq!(f.clocks().and_then(|c| c.merchant_may_appeal_at), Some(t("2026-03-15T09:00:00")), "clock restarts");
}

#[test]
fn user_appeals_a_stalled_merchant_step_or_after_four_rejections() {
    let mut f = Flow::start(ProductType::AppOrchestration, false, t("2026-03-02T09:00:00"));
    let clocks = f.clocks().expect("running");
    assert_eq!(clocks.user_may_appeal_at, Some(t("2026-03-07T09:00:00")));
    assert!(!clocks.user_may_appeal(t("2026-03-07T09:00:00")));
    assert!(clocks.user_may_appeal(t("2026-03-07T09:00:01")));

    // Three rejections are not enough; the fourth opens the appeal at once.
    let mut at = t("2026-03-02T10:00:00");
    for i in 1..=4 {
        f.apply(Side::Merchant, proof(), at).expect("delivers");
        at += Duration::hours(1);
        f.apply(Side::User, reject(), at).expect("rejects");
        at += Duration::hours(1);
        let c = f.clocks().expect("running");
        assert_eq!(c.user_may_appeal(at), i > 3, "after {i} rejections");
    }
    assert_eq!(f.clocks().and_then(|c| c.user_may_appeal_at), Some(f.step_started_at()));
    f.apply(Side::User, appeal(), at).expect("4th rejection");
    assert_eq!(f.appeal().map(|a| a.by), Some(Side::User));
    f.apply(Side::Platform, Action::ResolveAppeal { complete: true }, at + Duration::days(2)).expect("decided");
    assert!(f.is_completed());
}

#[test]
fn appeal_clock_queries() {
    let since = t("2026-03-02T09:00:00");
    let c = AppealClocks::new(Side::User, since, 0);
    assert_eq!((c.merchant_may_appeal_at, c.user_may_appeal_at), (Some(t("2026-03-07T09:00:00")), None));
    let c = AppealClocks::new(Side::Merchant, since, 3);
    assert_eq!((c.merchant_may_appeal_at, c.user_may_appeal_at), (None, Some(t("2026-03-07T09:00:00"))));
    let c = AppealClocks::new(Side::Merchant, since, 4);
    assert_eq!(c.user_may_appeal_at, Some(since));
    assert!(c.user_may_appeal(since));
    let c = AppealClocks::new(Side::Platform, since, 0);
    assert_eq!((c.merchant_may_appeal_at, c.user_may_appeal_at), (None, None));
}

#[test]
fn rereview_rule_by_scenario_and_order_date() {
    use ProductType as P;
    use Scenario as S;
    assert!(!needs_rereview(P::ManualService, false, S::EmpowermentCloud, d("2026-01-01")), "general products never");
    assert!(needs_rereview(P::ManualService, true, S::EmpowermentCloud, d("2020-01-01")));
    assert!(needs_rereview(P::License2, true, S::EmpowermentCloud, d("2026-01-01")));
    assert!(!needs_rereview(P::ManualService, true, S::BaseCloud, d("2024-09-14")));
    assert!(needs_rereview(P::ManualService, true, S::BaseCloud, d("2024-09-15")));
    assert!(!needs_rereview(P::ManualService, true, S::Other, d("2026-01-01")));
    // License orders up to the 2023-04-28 cut-over: re-review in every scenario.
    assert!(needs_rereview(P::License1, true, S::Other, d("2023-04-28")));
    assert!(!needs_rereview(P::License1, true, S::Other, d("2023-04-29")));
    assert!(needs_rereview(P::LicenseOffline, true, S::BaseCloud, d("2023-01-01")));
    assert!(!needs_rereview(P::ManualService, true, S::Other, d("2023-01-01")));
}

#[test]
fn history_is_an_append_only_audit_trail() {
    let mut f = Flow::start(ProductType::ManualService, false, t("2026-03-02T09:00:00"));
    run(&mut f, "2026-03-02T09:00:00", &[(Side::User, Action::Submit), (Side::Merchant, reject())]);
    let first = f.history()[0].clone();
    run(&mut f, "2026-03-03T09:00:00", &[(Side::User, Action::Submit)]);
    assert_eq!(f.history()[0], first);
    assert_eq!(f.history().len(), 3);
    assert_eq!(f.history()[1].actor, Side::Merchant);
    assert_eq!(f.history()[1].action.name(), "reject");
    // A flow round-trips through JSON with its history (the store keeps it).
    let json = serde_json::to_string(&f).expect("json");
    let back: Flow = serde_json::from_str(&json).expect("json");
    assert_eq!(back, f);
}

#[test]
fn step_labels_follow_the_console() {
    assert_eq!(Step::Implement.zh(ProductType::Hardware), "商家发货");
    assert_eq!(Step::Accept.zh(ProductType::ManualService), "用户确认验收");
    assert_eq!(Step::ReReview.zh(ProductType::License1), "华为云复核");
}

#[test]
fn every_flow_starts_with_its_first_step_holds_its_delivery_step_and_ends_completed() {
    for p in ProductType::ALL {
        let steps = p.steps();
        assert_eq!(steps.first(), Some(&p.first_step()), "{p:?}");
        assert!(steps.contains(&p.delivery_step()), "{p:?}");
        assert_eq!(steps.last(), Some(&Step::Completed), "{p:?}");
    }
}
