use super::*;
use koodesk_domain::catalog::AccessType;
use koodesk_domain::supervision::Step;
use koodesk_protocol::feed::{BillStatus, Page};
use koodesk_protocol::open_api::OrderType;

fn cfg(seed: u64) -> WorldConfig {
    WorldConfig {
        seed,
        buyers: 50,
        products: 40,
        orders_per_day: 30.0,
        history_days: 60,
        start: time::parse_datetime("2026-11-29T10:00:00").expect("time"),
    }
}

fn world(seed: u64) -> World {
    let c = cfg(seed);
    let mut w = World::new(c.clone());
    w.advance_to(c.start);
    w
}

fn all<T: serde::de::DeserializeOwned>(w: &World, kind: Kind) -> Vec<T> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page: Page<T> = serde_json::from_slice(&w.page_json(kind, after, 97)).expect("page parses");
        out.extend(page.items);
        after = feed::decode_cursor(kind, &page.next_cursor).expect("cursor");
        if !page.has_more {
            return out;
        }
    }
}

#[test]
fn the_same_seed_makes_the_same_world() {
    let a = world(42);
    let b = world(42);
    for k in Kind::ALL {
        assert_eq!(a.page_json(k, 0, 5000), b.page_json(k, 0, 5000), "{k:?}");
    }
    let c = world(43);
    assert_ne!(a.page_json(Kind::Orders, 0, 50), c.page_json(Kind::Orders, 0, 50));
}

#[test]
fn one_jump_equals_hour_by_hour() {
    let c = cfg(7);
    let mut jump = World::new(c.clone());
    jump.advance_to(c.start);
    let mut steps = World::new(c.clone());
    let mut t = c.epoch();
    while t < c.start {
        t += Duration::minutes(37);
        steps.advance_to(t.min(c.start));
    }
    assert_eq!(jump.page_json(Kind::Supervision, 0, 5000), steps.page_json(Kind::Supervision, 0, 5000));
    assert_eq!(jump.stats().orders, steps.stats().orders);
}

#[test]
fn a_living_marketplace() {
    let w = world(1);
    let s = w.stats();
    assert!(s.orders > 60 * 20, "about 30 orders a day for 60 days: {}", s.orders);
    let orders: Vec<FeedOrder> = all(&w, Kind::Orders);
    assert_eq!(orders.len(), s.orders, "each order once in a full read");
    for a in koodesk_domain::catalog::AccessType::ALL {
        assert!(orders.iter().any(|o| o.product.access_type == *a), "{a} sold");
    }
    let flows: Vec<FeedFlow> = all(&w, Kind::Supervision);
    assert!(flows.iter().any(|f| f.step == Step::Completed));
    assert!(flows.iter().any(|f| f.rejections > 0), "some rejections");
    assert!(flows.iter().any(|f| f.frozen_by.is_some()), "some appeals");
    assert!(s.flows_waiting_on_merchant > 0, "recent flows wait for the seller");
    let unsubs: Vec<FeedUnsubscription> = all(&w, Kind::Unsubscriptions);
    assert!(unsubs.iter().any(|u| u.rule == RefundRule::FiveDayFull && u.status == UnsubscriptionStatus::Refunded));
    assert!(unsubs.iter().any(|u| u.status != UnsubscriptionStatus::Pending && u.rule == RefundRule::Negotiated));
    let invoices: Vec<FeedInvoiceRequest> = all(&w, Kind::InvoiceRequests);
    assert!(invoices.iter().any(|r| r.status == InvoiceRequestStatus::Issued));
    assert!(invoices.iter().any(|r| r.status == InvoiceRequestStatus::Requested));
    let bills: Vec<FeedBill> = all(&w, Kind::Bills);
    assert!(!bills.is_empty());
    for b in &bills {
        assert_eq!(
            b.platform_fee,
            koodesk_domain::settlement::platform_fee(
                b.amount,
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
            )
            .fee
        );
        assert_eq!(b.platform_fee + b.merchant_share, b.amount);
    }
}

#[test]
fn bills_come_on_the_bill_date_and_get_paid() {
    let c = cfg(3);
    let mut w = World::new(c.clone());
    // 2026-10 is billed on 2026-11-03 (a Tuesday), paid by 2026-11-25.
    w.advance_to(time::parse_datetime("2026-11-03T08:59:00").expect("time"));
    assert!(w.bills.iter().all(|b| b.period != "2026-10"));
    w.advance_to(time::parse_datetime("2026-11-03T10:00:00").expect("time"));
    let bill = w.bills.iter().find(|b| b.period == "2026-10").expect("billed on the 3rd");
    assert_eq!((bill.bill_date.as_str(), bill.status), ("2026-11-03", BillStatus::Generated));
    w.advance_to(c.start);
    let bill = w.bills.iter().find(|b| b.period == "2026-10").expect("bill");
    assert_eq!(bill.status, BillStatus::Paid);
    assert_eq!(bill.payment_by, "2026-11-25");
}

#[test]
fn after_start_merchant_steps_wait_for_the_seller() {
    let mut w = world(5);
    let waiting = |w: &World| {
        w.flows.iter().filter(|f| f.flow.step().side() == Some(Side::Merchant) && !f.flow.is_frozen()).count()
    };
    let before = waiting(&w);
    let start = w.cfg.start;
    w.advance_to(start + Duration::days(3));
    assert!(waiting(&w) >= before, "nobody does the merchant's work after start");
}

fn find_flow(w: &World, step: Step) -> String {
    let f = w
        .flows
        .iter()
        .find(|f| f.flow.step() == step && !f.flow.is_frozen() && w.orders[f.order].status == OrderStatus::InProgress)
        .unwrap_or_else(|| panic!("a flow at {step:?}"));
    w.orders[f.order].id.clone()
}

#[test]
fn seller_actions_move_flows_once_per_action_id() {
    let mut w = world(11);
    let order = find_flow(&w, Step::ConfirmRequirements);
    let out = w.supervision_action(&order, "act-1", SupervisionAction::Confirm).expect("confirms");
    assert!(!out.repeated);
    let again = w.supervision_action(&order, "act-1", SupervisionAction::Confirm).expect("idempotent");
    assert!(again.repeated);
    assert_eq!(again.seq, out.seq);
    let fi = w.order(&order).and_then(|o| o.flow).expect("flow");
    assert_eq!(w.flows[fi].flow.step(), Step::Implement);
    // Confirming again with a new action ID is an illegal move, refused with the rule.
    let e = w.supervision_action(&order, "act-2", SupervisionAction::Confirm).expect_err("already confirmed");
    assert!(matches!(e, WorldError::Refused(_)), "{e}");
    // Deliver with a file.
    w.deliver(&order, "act-3", "交付报告.pdf", 2048).expect("delivers");
    assert_eq!(w.flows[fi].flow.step(), Step::Accept);
    assert_eq!(w.flows[fi].proofs, [("交付报告.pdf".to_string(), 2048)]);
    assert!(w.deliver(&order, "act-4", "empty.pdf", 0).is_err());
    // The same action ID for another entity is refused.
    let other = find_flow(&w, Step::ConfirmRequirements);
    assert!(matches!(w.supervision_action(&other, "act-1", SupervisionAction::Confirm), Err(WorldError::Invalid(_))));
    assert!(matches!(
        w.supervision_action("nope", "act-9", SupervisionAction::Confirm),
        Err(WorldError::NotFound { .. })
    ));
}

#[test]
fn merchant_appeals_follow_the_clock() {
    let mut w = world(13);
    let order = find_flow(&w, Step::SubmitRequirements);
    let fi = w.order(&order).and_then(|o| o.flow).expect("flow");
    let since = w.flows[fi].flow.step_started_at();
    if w.now() <= since + Duration::hours(120) {
        let e = w.supervision_action(&order, "ap-1", SupervisionAction::Appeal { reason: "x".into() });
        assert!(matches!(e, Err(WorldError::Refused(_))), "{e:?}");
    }
    // Keep the user silent, and move past the 5 days.
    w.flows[fi].unresponsive_user = true;
    let later = since.max(w.now()) + Duration::hours(121);
    w.advance_to(later);
    if w.flows[fi].flow.step() == Step::SubmitRequirements && !w.flows[fi].flow.is_frozen() {
        w.supervision_action(&order, "ap-2", SupervisionAction::Appeal { reason: "用户未提交需求".into() })
            .expect("appeal");
        assert_eq!(w.flows[fi].flow.appeal().map(|a| a.by), Some(Side::Merchant));
    }
}

#[test]
fn unsubscription_and_invoice_actions() {
    let mut w = world(17);
    let start = w.cfg.start;
    w.advance_to(start + Duration::days(10));
    let pending = w.unsubs.iter().find(|u| u.status == UnsubscriptionStatus::Pending).map(|u| u.id.clone());
    let pending = pending.expect("a pending unsubscription after 10 days without the seller");
    assert!(matches!(w.decide_unsubscription(&pending, "u-1", false, " "), Err(WorldError::Invalid(_))));
    w.decide_unsubscription(&pending, "u-2", true, "").expect("approves");
    let ui = w.unsub_index(&pending).expect("found");
    assert_eq!(w.unsubs[ui].status, UnsubscriptionStatus::Approved);
    assert_eq!(w.orders[w.unsubs[ui].order].status, OrderStatus::Refunded);
    assert!(matches!(w.decide_unsubscription(&pending, "u-3", true, ""), Err(WorldError::Refused(_))));

    let open = w.invoices.iter().find(|r| r.status == InvoiceRequestStatus::Requested).map(|r| r.id.clone());
    let open = open.expect("an open invoice request");
    assert!(matches!(w.invoice_issued(&open, "i-1", "12ab", None), Err(WorldError::Invalid(_))));
    w.invoice_issued(&open, "i-2", "26110000000000000001", None).expect("issued");
    assert!(w.invoice_issued(&open, "i-2", "26110000000000000001", None).expect("repeat").repeated);
    assert!(matches!(w.invoice_issued(&open, "i-3", "26110000000000000002", None), Err(WorldError::Refused(_))));
}

#[test]
fn pages_resume_from_their_cursor_and_changes_reappear() {
    let mut w = world(19);
    let first: Page<FeedOrder> = serde_json::from_slice(&w.page_json(Kind::Orders, 0, 10)).expect("page");
    assert_eq!(first.items.len(), 10);
    assert!(first.has_more);
    let cursor = feed::decode_cursor(Kind::Orders, &first.next_cursor).expect("cursor");
    let rest: Vec<u64> = {
        let p: Page<FeedOrder> = serde_json::from_slice(&w.page_json(Kind::Orders, cursor, 5000)).expect("page");
        p.items.iter().map(|o| o.seq).collect()
    };
    assert!(rest.iter().all(|&s| s > cursor));
    // Reading to the end, then an order changes: it comes again after the end cursor.
    let end: Page<FeedOrder> = serde_json::from_slice(&w.page_json(Kind::Orders, cursor, 5000)).expect("page");
    let end_cursor = feed::decode_cursor(Kind::Orders, &end.next_cursor).expect("cursor");
    let empty: Page<FeedOrder> = serde_json::from_slice(&w.page_json(Kind::Orders, end_cursor, 10)).expect("page");
    assert!(empty.items.is_empty() && !empty.has_more);
    assert_eq!(empty.next_cursor, end.next_cursor, "an empty page keeps the cursor");
    let start = w.cfg.start;
    w.advance_to(start + Duration::days(2));
    let news: Page<FeedOrder> = serde_json::from_slice(&w.page_json(Kind::Orders, end_cursor, 5000)).expect("page");
    assert!(!news.items.is_empty(), "two more days bring orders or changes");
}

/// KooGallery's production-interface calls for SaaS orders [KG §7]: every SaaS order is called (newInstance,
/// refreshInstance for a renewal, upgradeInstance for a change), failures are retried an hour apart at most 3
/// times, a 4th failure refunds the order, 000004 is followed by a queryInstance poll, a provisioned order is in
/// settlement from its successful call, and a refunded provisioned order's instance is released.
#[test]
fn saas_orders_carry_the_production_interface_calls_made_for_them() {
    let mut c = cfg(11);
    c.orders_per_day = 150.0;
    c.products = 60;
    let mut w = World::new(c.clone());
    w.advance_to(c.start);
    let orders: Vec<FeedOrder> = all(&w, Kind::Orders);
    let saas: Vec<&FeedOrder> = orders.iter().filter(|o| o.product.access_type == AccessType::Saas).collect();
    assert!(saas.len() > 300, "enough SaaS orders to see every case: {}", saas.len());
    let now = time::format_rfc3339(&w.now());
    let (mut retried, mut polled, mut failed, mut released) = (0, 0, 0, 0);
    for o in &orders {
        let calls = &o.interface_calls;
        if o.product.access_type != AccessType::Saas {
            assert!(calls.is_empty(), "{}: only SaaS orders are provisioned through the interface", o.order_id);
            continue;
        }
        let first = calls.first().expect("every SaaS order is called");
        let expected = match o.order_type {
            OrderType::Renew => "refreshInstance",
            OrderType::Change => "upgradeInstance",
            _ => "newInstance",
        };
        assert_eq!((first.activity.as_str(), first.attempt), (expected, 1), "{}", o.order_id);
        assert!(first.at >= o.created_at && calls.iter().all(|x| x.at <= now), "{}: calls happen in time", o.order_id);
        let provisioning: Vec<_> = calls.iter().filter(|x| x.activity == expected).collect();
        for pair in provisioning.windows(2) {
            let (a, b) = (time::parse_datetime(&pair[0].at).expect("t"), time::parse_datetime(&pair[1].at).expect("t"));
            assert_eq!(b - a, Duration::hours(1), "{}: retried an hour later", o.order_id);
            assert_eq!(pair[1].attempt, pair[0].attempt + 1);
            assert_ne!(pair[0].result_code.as_deref(), Some("000000"), "{}: no retry after a success", o.order_id);
        }
        let succeeded =
            calls.iter().any(|x| x.result_code.as_deref() == Some("000000") && x.activity != "releaseInstance");
        if provisioning.len() > 1 {
            retried += 1;
        }
        if calls.iter().any(|x| x.activity == "queryInstance") {
            polled += 1;
            assert!(calls.iter().any(|x| x.result_code.as_deref() == Some("000004")));
        }
        let limit = if expected == "refreshInstance" { 2 } else { 4 };
        assert!(provisioning.len() <= limit, "{}: {} attempts", o.order_id, provisioning.len());
        if provisioning.len() == 4 && !succeeded {
            failed += 1;
            assert_eq!(o.status, OrderStatus::Refunded, "{}: four failures fail the order", o.order_id);
            assert!(o.settled_at.is_none());
        }
        if succeeded && o.status == OrderStatus::Completed {
            let ok = calls.iter().find(|x| x.result_code.as_deref() == Some("000000")).expect("success");
            assert_eq!(o.settled_at.as_deref(), Some(ok.at.as_str()), "{}: in settlement once provisioned", o.order_id);
        }
        if calls.iter().any(|x| x.activity == "releaseInstance") {
            released += 1;
            assert_eq!(o.status, OrderStatus::Refunded);
            assert!(succeeded, "{}: only a provisioned instance is released", o.order_id);
        }
    }
    assert!(
        retried > 0 && polled > 0 && released > 0 && failed > 0,
        "retries {retried}, polls {polled}, releases {released}, failed orders {failed}"
    );
}
