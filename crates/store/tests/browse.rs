//! The screens' reads: paging, every filter and its refusal, one order's timeline and tax, flows with their
//! clocks, unsubscriptions, invoice requests and bills — checked against plain SQL over a demo store.

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::seller_export::OrderState;
use koodesk_domain::time;
use koodesk_store::browse::{OrderFilter, TimelineEvent, COUNT_CAP, MAX_PAGE};
use koodesk_store::{Store, StoreError};

fn demo() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("now");
    koodesk_store::demo::write(&mut s, 6_000, 3, now).expect("demo");
    s
}

fn count(s: &Store, sql: &str) -> i64 {
    s.connection().query_row(sql, [], |r| r.get(0)).expect("count")
}

fn now() -> koodesk_domain::time::Instant {
    time::parse_datetime("2026-11-29T10:00:00").expect("now")
}

#[test]
fn pages_cover_every_order_newest_first() {
    let s = demo();
    let total = count(&s, "SELECT count(*) FROM orders");
    let first = s.orders_page(&OrderFilter::default(), 0, 1000).expect("page");
    assert_eq!(first.total, total);
    assert!(!first.total_is_capped);
    assert_eq!(first.rows.len(), 1000);
    assert!(first.rows.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    let mut seen = std::collections::HashSet::new();
    let mut offset = 0;
    loop {
        let p = s.orders_page(&OrderFilter::default(), offset, 1000).expect("page");
        if p.rows.is_empty() {
            break;
        }
        for r in p.rows {
            assert!(seen.insert(r.order_id), "no order twice across pages");
        }
        offset += 1000;
    }
    assert_eq!(seen.len() as i64, total);
}

#[test]
fn each_filter_matches_plain_sql() {
    let s = demo();
    let f = OrderFilter { access_type: Some(AccessType::Hardware), ..Default::default() };
    let p = s.orders_page(&f, 0, 1000).expect("page");
    assert_eq!(
        p.total,
        count(&s, "SELECT count(*) FROM orders o JOIN products p USING (product_id) WHERE p.access_type = 'hardware'")
    );
    assert!(p.rows.iter().all(|r| r.access_type == AccessType::Hardware));

    let f = OrderFilter {
        billing_mode: Some(BillingMode::Period),
        status: Some(OrderState::Refunded),
        ..Default::default()
    };
    let p = s.orders_page(&f, 0, 1000).expect("page");
    assert_eq!(
        p.total,
        count(
            &s,
            "SELECT count(*) FROM orders o JOIN products p USING (product_id) WHERE p.billing_mode = 'period' AND o.status = 'refunded'"
        )
    );

    let some = s.orders_page(&OrderFilter::default(), 0, 1).expect("page").rows.remove(0);
    let by_id = s
        .orders_page(
            &OrderFilter { order_id: Some(some.order_id[..some.order_id.len() - 1].into()), ..Default::default() },
            0,
            10,
        )
        .expect("page");
    assert!(by_id.rows.iter().any(|r| r.order_id == some.order_id));
    assert!(by_id.rows.iter().all(|r| r.order_id.starts_with(&some.order_id[..some.order_id.len() - 1])));

    let by_buyer = s
        .orders_page(&OrderFilter { buyer: Some(some.buyer_id.clone()), ..Default::default() }, 0, 1000)
        .expect("page");
    assert!(by_buyer.rows.iter().all(|r| r.buyer_id == some.buyer_id || r.buyer_name.starts_with(&some.buyer_id)));
    assert!(by_buyer.total >= 1);

    let day = &some.created_at[..10];
    let on_day = s
        .orders_page(&OrderFilter { from: Some(day.into()), to: Some(day.into()), ..Default::default() }, 0, 1000)
        .expect("page");
    assert!(on_day.total >= 1);
    assert!(on_day.rows.iter().all(|r| &r.created_at[..10] == day), "Beijing business dates");
}

#[test]
fn bad_filters_and_pages_name_the_field_and_the_rule() {
    let s = demo();
    let err = |f: OrderFilter, offset: i64, limit: i64| match s.orders_page(&f, offset, limit) {
        Err(StoreError::Invalid(m)) => m.message,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // An access type, billing mode or status that is none is refused where the arguments are read, naming the field
    // (koodesk-app's dispatch tests): the filter's fields are the closed vocabularies themselves.
    assert!(err(OrderFilter { from: Some("2026-13-01".into()), ..Default::default() }, 0, 10)
        .starts_with("from `2026-13-01`"));
    assert!(err(OrderFilter::default(), -1, 10).starts_with("offset"));
    assert!(err(OrderFilter::default(), 0, MAX_PAGE + 1).starts_with("limit"));
    assert!(err(OrderFilter::default(), 0, 0).starts_with("limit"));
    // SQL metacharacters are data, not syntax.
    let p =
        s.orders_page(&OrderFilter { buyer: Some("%' OR 1=1 --".into()), ..Default::default() }, 0, 10).expect("page");
    assert_eq!(p.total, 0);
    const { assert!(COUNT_CAP > 6_000) };
}

#[test]
fn an_order_has_its_lines_flow_timeline_and_tax() {
    let s = demo();
    let id: String = s
        .connection()
        .query_row("SELECT order_id FROM supervision_flows WHERE step <> 'completed' LIMIT 1", [], |r| r.get(0))
        .expect("an order in supervision");
    let d = s.order_detail(&id, now()).expect("detail");
    assert_eq!(d.order.order_id, id);
    assert!(!d.lines.is_empty());
    assert!(d.flow.is_some());
    let events = d.timeline.iter().filter(|e| matches!(e.event, TimelineEvent::Supervision { .. })).count() as i64;
    assert_eq!(events, count(&s, &format!("SELECT count(*) FROM supervision_events WHERE order_id = '{id}'")));
    assert!(d.timeline.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    let tax = d.tax.expect("every demo product has a tax mapping");
    assert_eq!(tax.net + tax.tax, tax.gross);
    assert_eq!(tax.gross, d.order.amount);
    match s.order_detail("NO-SUCH-ORDER", now()) {
        Err(StoreError::NotFound(m)) => assert!(m.contains("NO-SUCH-ORDER")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn flows_filter_by_side_and_step_with_their_clocks() {
    let s = demo();
    let open = count(&s, "SELECT count(*) FROM supervision_flows WHERE step <> 'completed' AND order_refunded = 0");
    let all = s.flows(None, None, now(), 10_000).expect("flows");
    assert_eq!(all.len() as i64, open);
    let merchant = s.flows(None, Some("merchant"), now(), 10_000).expect("flows");
    assert!(!merchant.is_empty());
    for f in &merchant {
        assert_eq!(f.side.as_deref(), Some("merchant"));
        assert!(f.user_may_appeal_at.is_some(), "a merchant step runs the user's clock");
        assert!(f.rejections_left <= 3);
    }
    assert!(merchant.windows(2).all(|w| w[0].seconds_to_appeal <= w[1].seconds_to_appeal), "soonest first");
    let step = &merchant[0].step;
    assert!(s.flows(Some(step), None, now(), 10_000).expect("flows").iter().all(|f| &f.step == step));
    assert!(
        matches!(s.flows(None, Some("buyer"), now(), 10), Err(StoreError::Invalid(m)) if m.starts_with("side `buyer`"))
    );
}

#[test]
fn unsubscriptions_invoice_requests_and_bills() {
    let s = demo();
    let u = s.unsubscriptions(None, 10_000).expect("unsubscriptions");
    assert_eq!(u.len() as i64, count(&s, "SELECT count(*) FROM unsubscriptions"));
    let first_decided = u.iter().position(|r| r.status.as_str() != "pending").unwrap_or(u.len());
    assert!(u[first_decided..].iter().all(|r| r.status.as_str() != "pending"), "pending first");
    assert!(u.iter().all(|r| !r.place.is_empty()));
    let pending = s.unsubscriptions(Some("pending"), 10_000).expect("pending");
    assert_eq!(pending.len() as i64, count(&s, "SELECT count(*) FROM unsubscriptions WHERE status = 'pending'"));

    let r = s.invoice_requests(Some("requested"), now(), 10_000).expect("requests");
    assert_eq!(r.len() as i64, count(&s, "SELECT count(*) FROM invoice_requests WHERE status = 'requested'"));
    for x in &r {
        let requested = time::parse_datetime(&x.requested_at).expect("rfc3339");
        let due = time::parse_datetime(&x.due_at).expect("rfc3339");
        assert_eq!(due, koodesk_domain::invoice::due_at(requested), "7 days [KG §2]");
        assert_eq!(x.seconds_left, (due - now()).num_seconds());
        assert!(!x.order_ids.is_empty());
    }
    let bills = s.bills().expect("bills");
    assert_eq!(bills.len() as i64, count(&s, "SELECT count(*) FROM bills"));
    assert!(bills.windows(2).all(|w| w[0].period >= w[1].period));
    for b in &bills {
        assert_eq!(b.platform_fee + b.merchant_share, b.amount);
    }
}

/// 2,001 open flows written oldest clock last, and one whose order was refunded: the limit cuts after sorting, so
/// the most urgent is first; the refunded one is not open; pages cover the rest without overlap.
#[test]
fn flows_sort_before_the_limit_and_leave_out_refunded_orders() {
    let mut s = Store::open_in_memory().expect("store");
    let c = s.connection();
    c.execute_batch(
        "INSERT INTO products (product_id, name, access_type, billing_mode, supervised, channel)
             VALUES ('P1', '实施服务', 'manual-service', 'one-time', 1, 'general');
         INSERT INTO buyers (buyer_id, name, kind) VALUES ('B1', '买家', 'enterprise');",
    )
    .expect("product");
    // Step started times descend with the rowid: the most urgent flow (the oldest step) is written last.
    for i in 0..2001i64 {
        let started = 1_790_000_000 - i * 60;
        c.execute(
            "INSERT INTO orders (order_id, order_type, created_ts, product_id, buyer_id, amount_fen, status, seq)
                 VALUES (?1, 'new', ?2, 'P1', 'B1', 100, 'in-progress', 1)",
            rusqlite::params![format!("CS{i:05}"), started],
        )
        .expect("order");
        c.execute(
            "INSERT INTO supervision_flows (order_id, product_type, step, side, step_started_ts, rejections, rereview, seq)
                 VALUES (?1, 'software-package', 'confirm-requirements', 'merchant', ?2, 0, 0, 1)",
            rusqlite::params![format!("CS{i:05}"), started],
        )
        .expect("flow");
    }
    c.execute("UPDATE supervision_flows SET order_refunded = 1 WHERE order_id = 'CS00005'", []).expect("refunded");
    let page = s.flows_page(None, None, now(), 0, 2000).expect("page");
    assert_eq!(page.total, 2000, "the refunded order's flow is not open");
    assert_eq!(page.rows[0].order_id, "CS02000", "the most urgent open flow comes first, though written last");
    assert!(!page.rows.iter().any(|f| f.order_id == "CS00005"));
    assert_eq!(s.flows(None, None, now(), 2000).expect("flows")[0].order_id, "CS02000");
    assert!(page.rows.windows(2).all(|w| w[0].seconds_to_appeal <= w[1].seconds_to_appeal));
    let next = s.flows_page(None, None, now(), 1990, 2000).expect("page");
    assert_eq!(next.rows.len(), 10);
    assert_eq!(next.rows.last().map(|f| f.order_id.as_str()), Some("CS00000"));
    assert!(matches!(s.flows_page(None, None, now(), -1, 10), Err(StoreError::Invalid(m)) if m.starts_with("offset")));
    let _ = &mut s;
}

/// An access type or billing mode outside KooGallery's vocabulary in the store is reported with its column,
/// never shown as a default [KG §1].
#[test]
fn a_damaged_access_type_or_billing_mode_is_an_error_naming_the_column() {
    let s = demo();
    let id: String =
        s.connection().query_row("SELECT order_id FROM orders LIMIT 1", [], |r| r.get(0)).expect("an order");
    let product: String = s
        .connection()
        .query_row("SELECT product_id FROM orders WHERE order_id = ?1", [&id], |r| r.get(0))
        .expect("its product");
    assert!(s.order_detail(&id, now()).is_ok());
    for (column, value) in [("access_type", "teleport"), ("billing_mode", "by-the-moon")] {
        let saved: String = s
            .connection()
            .query_row(&format!("SELECT {column} FROM products WHERE product_id = ?1"), [&product], |r| r.get(0))
            .expect("saved");
        s.connection()
            .execute(&format!("UPDATE products SET {column} = ?1 WHERE product_id = ?2"), [value, &product])
            .expect("damage");
        let detail = s.order_detail(&id, now()).expect_err("a damaged product is refused").to_string();
        assert!(detail.contains(&format!("products.{column}")) && detail.contains(value), "{detail}");
        let page = s.orders_page(&OrderFilter::default(), 0, MAX_PAGE).map(|_| ()).expect_err("and in the list");
        assert!(page.to_string().contains(&format!("products.{column}")), "{page}");
        s.connection()
            .execute(&format!("UPDATE products SET {column} = ?1 WHERE product_id = ?2"), [&saved, &product])
            .expect("repair");
    }
    assert!(s.order_detail(&id, now()).is_ok());
}

/// The feed stores the open API's order type (`NEW`), demo data and imports the store's name (`new`): both read
/// as one code; an order type or status outside them is an error naming the column [KG §8].
#[test]
fn order_types_read_in_both_spellings_and_damage_names_the_column() {
    use koodesk_domain::seller_export::{OrderState, OrderType};
    let s = demo();
    let id: String =
        s.connection().query_row("SELECT order_id FROM orders LIMIT 1", [], |r| r.get(0)).expect("an order");
    let set = |column: &str, value: &str| {
        s.connection()
            .execute(&format!("UPDATE orders SET {column} = ?1 WHERE order_id = ?2"), [value, &id])
            .expect("update");
    };
    for (stored, read) in
        [("new", OrderType::New), ("NEW", OrderType::New), ("TRIAL_TO_FORMAL", OrderType::TrialToFormal)]
    {
        set("order_type", stored);
        assert_eq!(s.order_detail(&id, now()).expect("detail").order.order_type, read, "{stored}");
    }
    for (column, value) in [("order_type", "gift"), ("status", "cancelled"), ("status", "Completed")] {
        let saved: String = s
            .connection()
            .query_row(&format!("SELECT {column} FROM orders WHERE order_id = ?1"), [&id], |r| r.get(0))
            .expect("saved");
        set(column, value);
        let e = s.order_detail(&id, now()).expect_err("damage is refused").to_string();
        assert!(e.contains(&format!("orders.{column}")) && e.contains(value), "{e}");
        set(column, &saved);
    }
    assert!(matches!(
        s.order_detail(&id, now()).expect("repaired").order.status,
        OrderState::InProgress | OrderState::Completed | OrderState::Refunded
    ));
}
