use super::*;
use koodesk_domain::call_failure::CallFailure;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::supervision::Step;
use koodesk_protocol::feed::{BillStatus, Page};
use koodesk_protocol::open_api::OrderType;
use provisioning::{LiveOutcome, OrderRequest};

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

fn outcome(at: Instant, code: Option<&str>, instance: Option<&str>) -> LiveOutcome {
    LiveOutcome {
        at,
        result_code: code.map(str::to_string),
        message: None,
        failure: code.is_none().then_some(CallFailure::Timeout),
        http_status: None,
        instance_id: instance.map(str::to_string),
        elapsed_ms: 12,
    }
}

fn live_world(seed: u64) -> World {
    let mut c = cfg(seed);
    c.orders_per_day = 150.0;
    c.products = 60;
    c.history_days = 7;
    let mut w = World::new(c.clone());
    w.enable_live_calls();
    w.advance_to(c.start);
    w
}

fn saas_orders(w: &mut World, count: usize) -> Vec<String> {
    let req = OrderRequest {
        count,
        access_type: Some(AccessType::Saas),
        billing_mode: Some(BillingMode::Period),
        order_type: OrderType::New,
        of_order: None,
    };
    w.place_orders(&req).expect("placed")
}

#[test]
fn with_live_calls_the_history_is_simulated_and_new_saas_orders_are_queued_for_real_calls() {
    let mut w = live_world(21);
    let start = w.config().start;
    assert_eq!(w.live_calls_queued(), 0, "the history's calls are simulated");
    assert!(w.orders().iter().filter(|o| o.created_at < start).all(|o| !o.live));
    w.advance_to(start + Duration::hours(24));
    let due = w.take_due_calls(w.now());
    assert!(due.len() >= 3, "a day of orders brings SaaS orders: {}", due.len());
    for call in &due {
        let o = w.order(&call.order_id).expect("an order of the world");
        assert!(o.live && o.created_at >= start && o.calls.is_empty(), "{}", o.id);
        assert_eq!(call.attempt, 1);
        assert_eq!(call.request.activity(), provisioning::provisioning_activity(o.order_type), "{}", o.id);
        assert_eq!(o.status, OrderStatus::InProgress, "{}: in progress until the interface answers", o.id);
        assert!(w.order_info(&call.order_id, Some(&o.line_id)).is_some(), "order/query answers for {}", o.id);
        if let koodesk_protocol::production::ProductionRequest::NewInstance(n) = &call.request {
            assert_eq!((n.order_id.as_str(), n.order_line_id.as_str()), (o.id.as_str(), o.line_id.as_str()));
        }
    }
    assert_eq!(w.live_calls_queued(), 0, "taken calls leave the queue");
    // The same world without live calls simulates them: the orders are the same, only their calls differ.
    let mut plain = World::new(w.config().clone());
    plain.advance_to(start + Duration::hours(24));
    assert_eq!(plain.orders().len(), w.orders().len());
    assert!(plain.orders().iter().zip(w.orders()).all(|(a, b)| a.id == b.id && a.amount == b.amount));
}

#[test]
fn a_live_new_instance_polled_after_000004_completes_the_order_with_the_real_instance() {
    let mut w = live_world(22);
    let id = saas_orders(&mut w, 1).remove(0);
    let t0 = w.now();
    let first = w.take_due_calls(t0).pop().expect("the newInstance is due at once");
    assert_eq!((first.order_id.as_str(), first.request.activity()), (id.as_str(), "newInstance"));
    w.record_live_call(first, outcome(t0, Some("000004"), Some("sample-1")));
    assert!(w.take_due_calls(t0 + Duration::minutes(9)).is_empty(), "the poll comes ten minutes later");
    let t1 = t0 + Duration::minutes(10);
    let poll = w.take_due_calls(t1).pop().expect("queryInstance");
    assert_eq!(poll.request.activity(), "queryInstance");
    assert!(serde_json::to_string(&poll.request).expect("json").contains("sample-1"), "polls the instance returned");
    w.record_live_call(poll, outcome(t1, Some("000004"), None));
    let t2 = t1 + Duration::minutes(10);
    let poll = w.take_due_calls(t2).pop().expect("polled again while 000004");
    assert_eq!(poll.attempt, 2);
    w.record_live_call(poll, outcome(t2, Some("000000"), Some("sample-1")));
    let o = w.order(&id).expect("order");
    assert_eq!(o.status, OrderStatus::Completed);
    assert_eq!(o.settled_at, Some(t2), "in settlement once provisioned");
    assert_eq!(o.instance_id.as_deref(), Some("sample-1"));
    let calls: Vec<(&str, Option<&str>, Option<&str>)> =
        o.calls.iter().map(|c| (c.activity.as_str(), c.result_code.as_deref(), c.instance_id.as_deref())).collect();
    assert_eq!(
        calls,
        [
            ("newInstance", Some("000004"), Some("sample-1")),
            ("queryInstance", Some("000004"), None),
            ("queryInstance", Some("000000"), Some("sample-1")),
        ]
    );
    assert_eq!(w.live_calls_queued(), 0, "nothing more to call");

    // A renewal of it refreshes that instance; a refund releases it.
    let req = OrderRequest {
        count: 1,
        access_type: None,
        billing_mode: None,
        order_type: OrderType::Renew,
        of_order: Some(id.clone()),
    };
    let renewal = w.place_orders(&req).expect("a renewal of a period order");
    let refresh = w.take_due_calls(w.now()).pop().expect("refreshInstance");
    assert_eq!((refresh.order_id.as_str(), refresh.request.activity()), (renewal[0].as_str(), "refreshInstance"));
    assert!(serde_json::to_string(&refresh.request).expect("json").contains("\"instanceId\":\"sample-1\""));
    let (r, o) = (w.order(&renewal[0]).expect("renewal"), w.order(&id).expect("order"));
    assert_eq!((r.buyer, r.product), (o.buyer, o.product), "the same buyer renews the same product");
    let oi = w.order_index[&id];
    let mut rng = rng_for(1, 2, 3);
    w.refund_order(&mut rng, oi, t2 + Duration::hours(1));
    let release = w.take_due_calls(t2 + Duration::hours(1)).pop().expect("releaseInstance");
    assert_eq!(release.request.activity(), "releaseInstance");
    assert!(serde_json::to_string(&release.request).expect("json").contains("sample-1"));
}

#[test]
fn a_live_new_instance_that_keeps_failing_is_retried_hourly_then_the_order_fails() {
    let mut w = live_world(23);
    let id = saas_orders(&mut w, 1).remove(0);
    let t0 = w.now();
    let mut call = w.take_due_calls(t0).pop().expect("newInstance");
    let mut at = t0;
    for attempt in 1..=4 {
        assert_eq!(call.attempt, attempt);
        w.record_live_call(call, outcome(at, if attempt == 2 { Some("000005") } else { None }, None));
        if attempt == 4 {
            break;
        }
        assert!(w.take_due_calls(t0 + Duration::hours(attempt as i64) - Duration::seconds(1)).is_empty());
        at = t0 + Duration::hours(attempt as i64);
        call = w.take_due_calls(at).pop().expect("a retry an hour after the last");
    }
    let o = w.order(&id).expect("order");
    assert_eq!(o.calls.len(), 4, "first try + 3 hourly retries");
    assert_eq!(o.calls[0].failure, Some(CallFailure::Timeout), "what went wrong is kept, as its code");
    assert_eq!(o.calls[1].result_code.as_deref(), Some("000005"));
    assert_eq!((o.status, o.settled_at), (OrderStatus::Refunded, None), "the order fails and is refunded");
    assert_eq!(w.live_calls_queued(), 0, "nothing is released: nothing was provisioned");

    // An accepted newInstance without an instanceId is no success.
    let id = saas_orders(&mut w, 1).remove(0);
    let call = w.take_due_calls(w.now()).pop().expect("newInstance");
    w.record_live_call(call, outcome(w.now(), Some("000000"), None));
    let o = w.order(&id).expect("order");
    assert_eq!(o.status, OrderStatus::InProgress);
    assert_eq!((o.calls[0].failure, o.calls[0].instance_id.as_deref()), (Some(CallFailure::NoInstanceId), None));
    assert_eq!(w.live_calls_queued(), 1, "retried");
}

#[test]
fn placing_orders_checks_what_it_is_asked() {
    let mut w = live_world(24);
    let bad = |w: &mut World, req: OrderRequest| w.place_orders(&req).expect_err("refused").to_string();
    let base =
        OrderRequest { count: 1, access_type: None, billing_mode: None, order_type: OrderType::New, of_order: None };
    assert!(bad(&mut w, OrderRequest { count: 0, ..base.clone() }).starts_with("count:"));
    assert!(bad(&mut w, OrderRequest { count: 101, ..base.clone() }).starts_with("count:"));
    let e = bad(&mut w, OrderRequest { order_type: OrderType::Unsubscribe, ..base.clone() });
    assert!(e.starts_with("order_type:"), "{e}");
    let e = bad(&mut w, OrderRequest { of_order: Some("CSX".into()), ..base.clone() });
    assert!(e.starts_with("of_order:"), "{e}");
    let e = bad(&mut w, OrderRequest { order_type: OrderType::Renew, of_order: Some("CSNONE".into()), ..base.clone() });
    assert!(e.contains("of_order") && e.contains("CSNONE"), "{e}");
    let e =
        bad(&mut w, OrderRequest { access_type: Some(AccessType::Api), order_type: OrderType::Trial, ..base.clone() });
    assert!(e.starts_with("access_type, billing_mode:") && e.contains("TRIAL"), "{e}");
    let before = w.orders().len();
    let ids = w.place_orders(&OrderRequest { count: 5, ..base }).expect("placed");
    assert_eq!((ids.len(), w.orders().len()), (5, before + 5));
    assert!(ids.iter().all(|id| w.order(id).is_some_and(|o| o.created_at == w.now())));
}

/// A world's records as seen from its start: every time as seconds since the start, an order as its index and the
/// random part of its ID (the rest of the ID is the Beijing minute it was placed), an invoice number without its
/// year. Two worlds with the same seed started at different times have the same view. Bills are left out: they
/// follow the calendar month by design.
fn seen_from_start(w: &World) -> Vec<String> {
    let start = w.cfg.start;
    let rel = |t: Instant| (t - start).num_seconds();
    let rel_text = |t: &str| rel(time::parse_datetime(t).expect("an RFC 3339 time"));
    let mut out = Vec::new();
    for (i, o) in w.orders.iter().enumerate() {
        let own = o.id.to_ascii_lowercase();
        let calls: Vec<String> = o
            .calls
            .iter()
            .map(|c| {
                let instance = c.instance_id.as_deref().map(|d| d.replace(&own, "<own>"));
                let at = rel_text(&c.at);
                format!(
                    "{}#{} +{at}s {:?} {instance:?} {:?} {}ms",
                    c.activity, c.attempt, c.result_code, c.failure, c.elapsed_ms
                )
            })
            .collect();
        out.push(format!(
            "order {i} {} {:?} +{}s product {} buyer {} paid {} list {} {:?} settled {:?} flow {:?} live {} calls {calls:?}",
            &o.id[12..],
            o.order_type,
            rel(o.created_at),
            o.product,
            o.buyer,
            o.amount,
            o.list_price,
            o.status,
            o.settled_at.map(rel),
            o.flow,
            o.live,
        ));
    }
    for (i, r) in w.flows.iter().enumerate() {
        let f = &r.flow;
        let history: Vec<String> = f
            .history()
            .iter()
            .map(|t| format!("{:?}>{:?} {:?} by {:?} +{}s", t.from, t.to, t.action, t.actor, rel(t.at)))
            .collect();
        out.push(format!(
            "flow {i} order {} {:?} +{}s rejections {} appeal {:?} rereview {} parcel {:?} unresponsive {} proofs {:?} {history:?}",
            r.order,
            f.step(),
            rel(f.step_started_at()),
            f.rejections(),
            f.appeal().map(|a| (a.by, rel(a.at))),
            f.rereview(),
            f.parcel().map(|p| rel(p.signed_at)),
            r.unresponsive_user,
            r.proofs,
        ));
    }
    for u in &w.unsubs {
        out.push(format!(
            "unsubscription {} order {} {:?} +{}s refund {} {:?} {:?} decision {:?}",
            u.id,
            u.order,
            u.rule,
            rel(u.requested_at),
            u.refund_amount,
            u.reason,
            u.status,
            u.decision_reason,
        ));
    }
    for r in &w.invoices {
        out.push(format!(
            "invoice request {} orders {:?} +{}s {:?} {:?} {:?} {} {:?} number {:?} issued {:?}",
            r.id,
            r.orders,
            rel(r.requested_at),
            r.kind,
            r.medium,
            r.title,
            r.amount,
            r.status,
            r.number.as_deref().map(|n| &n[2..]),
            r.issued_at.map(rel),
        ));
    }
    out
}

/// The same seed makes the same marketplace whatever the start time: every generator is seeded with the seed and
/// the hour of the simulation, never with a timestamp. Two starts months apart, at different times of day and in
/// different years; the history, then two days of it running on its own, then the same seller action and the same
/// orders placed through the admin API at the same moment after each start.
#[test]
fn the_same_seed_makes_the_same_world_whatever_the_start_time() {
    let run = |start: &str| {
        let mut c = cfg(23);
        c.history_days = 20;
        c.orders_per_day = 60.0;
        c.start = time::parse_datetime(start).expect("time");
        let start = c.start;
        let mut w = World::new(c);
        w.advance_to(start + Duration::days(2) + Duration::minutes(17));
        let pending = w.unsubs.iter().position(|u| u.status == UnsubscriptionStatus::Pending).expect("one to decide");
        let id = w.unsubs[pending].id.clone();
        w.decide_unsubscription(&id, "approve-1", true, "").expect("approved");
        let req = OrderRequest {
            count: 5,
            access_type: Some(AccessType::Saas),
            billing_mode: None,
            order_type: OrderType::New,
            of_order: None,
        };
        w.place_orders(&req).expect("placed");
        w.advance_to(start + Duration::days(3));
        w
    };
    let a = run("2025-07-10T10:00:00");
    let b = run("2026-03-02T17:23:41");
    let (a, b) = (seen_from_start(&a), seen_from_start(&b));
    assert!(a.len() > 1000, "a busy enough world: {}", a.len());
    let differ: Vec<(&String, &String)> = a.iter().zip(&b).filter(|(x, y)| x != y).take(3).collect();
    assert!(
        differ.is_empty() && a.len() == b.len(),
        "{} vs {} records; first differences: {differ:#?}",
        a.len(),
        b.len()
    );
}

/// The interface-health view counts the world's calls as the gateway counts its journal [KG §7]: this month's
/// calls, the orders with a failed call this month that were never provisioned, by product, the slow replies.
#[test]
fn the_interface_health_view_counts_this_months_calls_and_failed_orders() {
    let mut c = cfg(11);
    c.orders_per_day = 150.0;
    c.products = 60;
    let mut w = World::new(c.clone());
    w.advance_to(c.start);
    let h = w.interface_health();
    assert_eq!(h.period, "2026-11");
    let orders: Vec<FeedOrder> = all(&w, Kind::Orders);
    let month: Vec<&FeedInterfaceCall> = orders
        .iter()
        .flat_map(|o| &o.interface_calls)
        .filter(|x| x.at.as_str() >= "2026-11-01T00:00:00+08:00")
        .collect();
    assert!(month.len() > 100, "a month of SaaS calls: {}", month.len());
    assert_eq!(h.calls, month.len() as i64);
    let failed: Vec<&FeedOrder> = orders
        .iter()
        .filter(|o| {
            let calls = &o.interface_calls;
            !calls.iter().any(|x| x.result_code.as_deref() == Some("000000"))
                && calls.iter().any(|x| {
                    x.at.as_str() >= "2026-11-01T00:00:00+08:00"
                        && !matches!(x.result_code.as_deref(), Some("000000") | Some("000004"))
                })
        })
        .collect();
    assert!(!failed.is_empty(), "the world fails some orders");
    assert_eq!(h.failed_orders, failed.len() as i64);
    assert_eq!(h.over_the_line, failed.len() > 5);
    assert_eq!(h.products.iter().map(|p| p.failed_orders).sum::<i64>(), h.failed_orders, "{:?}", h.products);
    for p in &h.products {
        let id = p.product_id.as_deref().expect("every world order is described");
        assert_eq!(failed.iter().filter(|o| o.product.product_id == id).count() as i64, p.failed_orders, "{id}");
    }
    assert!(h.products.windows(2).all(|p| p[0].failed_orders >= p[1].failed_orders), "most failed first");
    let timed_out = month.iter().filter(|x| x.elapsed_ms >= 5000).count() as i64;
    assert!(timed_out > 0, "the world has calls with no reply within 5 s");
    assert_eq!(h.replies.timed_out, timed_out);
    assert!(h.replies.slow >= timed_out);
    assert_eq!(h.replies.slowest_ms, month.iter().map(|x| i64::from(x.elapsed_ms)).max());
    let dial = h.last_dial_test.expect("a world selling SaaS is dial-tested");
    assert_eq!(dial.at, "2026-11-29T09:00:00+08:00", "the morning slot before 10:00 on the 29th");
    assert!(h.refused.is_empty() && h.enrichment.pending.is_empty());
}
