//! The store: opening and refusing files, migrations, atomic pages, the audit trail, aggregates, the outbox.

mod support;

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time;
use koodesk_protocol::feed::Kind;
use koodesk_sandbox::world::{World, WorldConfig};
use koodesk_store::browse::{CallOutcome, TimelineEvent};
use koodesk_store::outbox::{backoff_seconds, ActionKind, ActionStatus, PendingSync};
use koodesk_store::{schema, Store, StoreError};
use support::*;

fn temp(name: &str) -> std::path::PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("koodesk.db")
}

#[test]
fn a_new_store_has_the_latest_schema_in_wal_mode() {
    let path = temp("new");
    let s = Store::open(&path).expect("opens");
    assert_eq!(s.schema_version().expect("version"), schema::latest());
    let mode: String = s.connection().query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    let fk: i64 = s.connection().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("fk");
    assert_eq!(fk, 1);
    drop(s);
    Store::open(&path).expect("reopens");
}

#[test]
fn foreign_damaged_and_newer_files_are_refused_and_left_untouched() {
    let garbage = temp("garbage");
    std::fs::write(&garbage, b"this is not a database at all, just some text").expect("write");
    assert!(matches!(Store::open(&garbage), Err(StoreError::NotSqlite { .. })));
    assert_eq!(std::fs::read(&garbage).expect("read"), b"this is not a database at all, just some text");

    let foreign = temp("foreign");
    rusqlite::Connection::open(&foreign)
        .expect("db")
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .expect("sql");
    let e = Store::open(&foreign).err().expect("refused");
    assert!(matches!(e, StoreError::Foreign { .. }), "{e}");

    let newer = temp("newer");
    drop(Store::open(&newer).expect("opens"));
    rusqlite::Connection::open(&newer).expect("db").execute_batch("PRAGMA user_version = 99").expect("sql");
    let e = Store::open(&newer).err().expect("refused");
    assert!(e.to_string().contains("newer KooDesk"), "{e}");
    let v: i64 =
        rusqlite::Connection::open(&newer).expect("db").query_row("PRAGMA user_version", [], |r| r.get(0)).expect("v");
    assert_eq!(v, 99, "left as it was");

    let truncated = temp("truncated");
    {
        let s = Store::open(&truncated).expect("opens");
        s.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    }
    let bytes = std::fs::read(&truncated).expect("read");
    let mut damaged = bytes.clone();
    for b in damaged.iter_mut().skip(100).take(3000) {
        *b = 0xA5;
    }
    std::fs::write(&truncated, &damaged).expect("write");
    assert!(Store::open(&truncated).is_err(), "a damaged file is refused, not silently used");
}

fn sample_orders() -> Vec<u8> {
    page(
        vec![
            order("CS1", "2026-10-05T10:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 100000),
            order("CS2", "2026-11-02T10:00:00+08:00", AccessType::Saas, BillingMode::Period, 19800),
        ],
        "orders.2",
    )
}

#[test]
fn migrations_from_every_earlier_schema() {
    for from in 1..schema::latest() {
        let path = temp(&format!("migrate-{from}"));
        {
            let mut old = Store::create_at_version(&path, from).expect("old schema");
            // Data written under the old schema (v1 tables only).
            let tx = old.connection().execute_batch(
                "INSERT INTO products VALUES ('P1','n','saas','period',0,NULL,'general');
                 INSERT INTO buyers VALUES ('B1','n','person',NULL);
                 INSERT INTO orders (order_id, order_type, created_ts, product_id, buyer_id, amount_fen, status,
                                     scenario, settled_ts, license_code, seq)
                     VALUES ('CS1','NEW',1790000000,'P1','B1',19800,'completed',NULL,1790000000,NULL,1);
                 INSERT INTO unsubscriptions (id, order_id, rule, requested_ts, refund_fen, paid_fen, reason, status,
                                              review_due, decision_reason, seq)
                     VALUES ('U1','CS1','five-day-full',1790000100,19800,19800,'r','refunded',NULL,NULL,2);",
            );
            tx.expect("old data");
            let _ = &mut old;
        }
        let s = Store::open(&path).expect("migrates");
        assert_eq!(s.schema_version().expect("v"), schema::latest());
        let mut backup = path.clone().into_os_string();
        backup.push(format!(".v{from}.bak"));
        assert!(std::path::Path::new(&backup).exists(), "backed up before migrating from v{from}");
        let d = s.dashboard(time::parse_datetime("2026-11-29T10:00:00").expect("t")).expect("dashboard");
        assert_eq!(d.orders, 1, "aggregates backfilled from the old rows");
        assert_eq!(d.revenue.to_fen(), Some(19800));
        let by_rate: Vec<(String, Option<i64>)> =
            d.tax_by_rate.iter().map(|t| (t.rate.to_string(), t.gross.to_fen())).collect();
        assert_eq!(by_rate, [("0.06".to_string(), Some(19800))], "the totals by rate built for the old rows");
        assert_eq!(d.by_month.iter().map(|b| b.key.as_str()).collect::<Vec<_>>(), ["2026-09"]);
        assert_eq!(d.unsubscriptions.iter().find(|u| u.status.as_str() == "refunded").map(|u| u.count), Some(1));
        let source: String =
            s.connection().query_row("SELECT source FROM orders WHERE order_id = 'CS1'", [], |r| r.get(0)).expect("s");
        assert_eq!(source, "sandbox", "orders synced before schema 10 came from the feed");
        let reviews: i64 =
            s.connection().query_row("SELECT count(*) FROM console_reviews", [], |r| r.get(0)).expect("reviews");
        assert_eq!(reviews, 0, "schema 13: no console review before the seller records one");
        assert_eq!(s.integrity_check().expect("check"), "ok");
    }
}

#[test]
fn a_page_is_applied_with_its_cursor_or_not_at_all() {
    let mut s = Store::open_in_memory().expect("store");
    let applied = s.apply_page(Kind::Orders, &sample_orders(), 0).expect("applies");
    assert_eq!((applied.items, s.cursor(Kind::Orders).expect("cursor").as_str()), (2, "orders.2"));

    // A flow for an order the store does not have: refused, and nothing of the page is kept.
    let flows = page(
        vec![
            flow("CS1", ProductType::ManualService, Step::ConfirmRequirements, "2026-10-05T11:00:00+08:00", 0),
            flow("CS404", ProductType::ManualService, Step::ConfirmRequirements, "2026-10-05T11:00:00+08:00", 0),
        ],
        "supervision.9",
    );
    assert!(matches!(s.apply_page(Kind::Supervision, &flows, 0), Err(StoreError::UnknownOrder(id)) if id == "CS404"));
    assert_eq!(s.cursor(Kind::Supervision).expect("cursor"), "");
    let n: i64 = s.connection().query_row("SELECT count(*) FROM supervision_flows", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 0);
    assert!(matches!(s.apply_page(Kind::Orders, b"{\"items\":[", 0), Err(StoreError::BadFeedData { .. })));
    assert_eq!(s.cursor(Kind::Orders).expect("cursor"), "orders.2", "a bad page leaves the cursor");
}

#[test]
fn the_supervision_audit_trail_is_never_rewritten() {
    let mut s = Store::open_in_memory().expect("store");
    s.apply_page(Kind::Orders, &sample_orders(), 0).expect("orders");
    let w = small_world();
    let mut with_history = None;
    let body = w.page_json(Kind::Supervision, 0, 5000);
    let p: koodesk_protocol::feed::Page<koodesk_protocol::feed::FeedFlow> =
        serde_json::from_slice(&body).expect("page");
    for f in p.items {
        if f.history.len() >= 2 {
            with_history = Some(f);
            break;
        }
    }
    let mut f = with_history.expect("a flow with history");
    f.order_id = "CS1".into();
    s.apply_page(Kind::Supervision, &page(vec![f.clone()], "supervision.1"), 0).expect("applies");
    let e = s.connection().execute("UPDATE supervision_events SET actor = 'platform'", []);
    assert!(e.is_err_and(|e| e.to_string().contains("audit trail")));
    assert!(s.connection().execute("DELETE FROM supervision_events", []).is_err());
    // The same history again adds nothing; a longer one appends.
    s.apply_page(Kind::Supervision, &page(vec![f.clone()], "supervision.2"), 0).expect("applies");
    let n: i64 = s.connection().query_row("SELECT count(*) FROM supervision_events", [], |r| r.get(0)).expect("count");
    assert_eq!(n as usize, f.history.len());
}

fn small_world() -> World {
    let start = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let mut w =
        World::new(WorldConfig { seed: 5, buyers: 40, products: 40, orders_per_day: 40.0, history_days: 60, start });
    w.advance_to(start);
    w
}

/// Syncs a whole world into a store, page by page.
fn sync_world(s: &mut Store, w: &World, page_size: usize) {
    for kind in Kind::ALL {
        loop {
            let cursor = s.cursor(kind).expect("cursor");
            let after = koodesk_protocol::feed::decode_cursor(kind, &cursor).expect("cursor");
            let applied = s.apply_page(kind, &w.page_json(kind, after, page_size), 0).expect("applies");
            if !applied.has_more {
                break;
            }
        }
    }
}

/// The dashboard's order figures recounted from every order (the slow way the kept totals stand in for): by access
/// type, billing mode, the last 24 months, and revenue by the general-taxpayer rate of each order's month.
fn recount_dashboard(s: &Store, now: time::Instant) -> koodesk_store::dashboard::Dashboard {
    use koodesk_domain::money::Cny;
    use koodesk_domain::tax;
    use koodesk_store::dashboard::{Bucket, TaxAtRate};
    use std::collections::BTreeMap;
    let mut d = s.dashboard(now).expect("dashboard");
    let mut stmt = s
        .connection()
        .prepare(
            "SELECT strftime('%Y-%m', o.created_ts + 8 * 3600, 'unixepoch'), p.access_type, p.billing_mode,
                    CASE WHEN o.status = 'refunded' THEN 0 ELSE o.amount_fen END
               FROM orders o JOIN products p USING (product_id)",
        )
        .expect("sql");
    let rows: Vec<(String, String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    let (mut months, mut access, mut billing) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut by_rate: BTreeMap<rust_decimal::Decimal, i64> = BTreeMap::new();
    for (month, a, b, fen) in rows {
        let first = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").expect("month");
        let rate = tax::lookup(a.parse().expect("access"), b.parse().expect("billing"), tax::Taxpayer::General, first)
            .expect("rate")
            .rate;
        *by_rate.entry(rate).or_default() += fen;
        let access_type: koodesk_domain::catalog::AccessType = a.parse().expect("access");
        let billing_mode: koodesk_domain::catalog::BillingMode = b.parse().expect("billing");
        for e in [
            months.entry(month).or_default(),
            access.entry(access_type).or_default(),
            billing.entry(billing_mode).or_default(),
        ] {
            let e: &mut (i64, i64) = e;
            e.0 += 1;
            e.1 += fen;
        }
    }
    fn buckets<K>(m: BTreeMap<K, (i64, i64)>) -> Vec<Bucket<K>> {
        m.into_iter().map(|(key, (orders, fen))| Bucket { key, orders, revenue: Cny::from_fen(fen) }).collect()
    }
    let mut by_month = buckets(months);
    by_month.drain(..by_month.len().saturating_sub(24));
    d.by_month = by_month;
    d.revenue = Cny::from_fen(access.values().map(|v: &(i64, i64)| v.1).sum());
    d.by_access_type = buckets(access);
    d.by_billing_mode = buckets(billing);
    d.tax_by_rate = by_rate
        .into_iter()
        .map(|(rate, fen)| {
            let gross = Cny::from_fen(fen);
            let split = tax::split_gross(gross, rate);
            TaxAtRate { rate, gross, net: split.net, tax: split.tax }
        })
        .collect();
    d
}

#[test]
fn aggregates_match_a_full_recount() {
    let w = small_world();
    let mut s = Store::open_in_memory().expect("store");
    sync_world(&mut s, &w, 97);
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let d = s.dashboard(now).expect("dashboard");
    let c = s.connection();
    let (orders, revenue): (i64, i64) = c
        .query_row(
            "SELECT count(*), sum(CASE WHEN status = 'refunded' THEN 0 ELSE amount_fen END) FROM orders",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("recount");
    assert_eq!(d.orders, orders);
    assert_eq!(d.orders as usize, w.stats().orders);
    assert_eq!(d.revenue.to_fen(), Some(revenue));
    let flows: i64 = c.query_row("SELECT count(*) FROM supervision_flows", [], |r| r.get(0)).expect("flows");
    assert_eq!(d.supervision.iter().map(|x| x.flows).sum::<i64>(), flows);
    let pending: i64 =
        c.query_row("SELECT count(*) FROM unsubscriptions WHERE status = 'pending'", [], |r| r.get(0)).expect("p");
    assert_eq!(d.unsubscriptions.iter().find(|u| u.status.as_str() == "pending").map(|u| u.count), Some(pending));
    let requested: i64 =
        c.query_row("SELECT count(*) FROM invoice_requests WHERE status = 'requested'", [], |r| r.get(0)).expect("r");
    assert_eq!(d.invoices.requested, requested);
    assert!(d.tax_by_rate.iter().any(|t| t.rate.to_string() == "0.06"));
    assert_eq!(d, recount_dashboard(&s, now), "every kept total equals a recount from the orders");
    // Statuses change (refunds): the aggregates follow.
    let refunded_before: i64 =
        c.query_row("SELECT count(*) FROM orders WHERE status = 'refunded'", [], |r| r.get(0)).expect("n");
    assert!(refunded_before > 0);
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

/// Orders over 40 months, across the 2019-04 rate change, some refunded afterwards: the kept totals (by mode, by
/// month, by rate) follow every write, the series shows the last 24 months, and a store whose rate table differs
/// from this build's (an older KooDesk's) is rebuilt when opened.
#[test]
fn kept_totals_follow_long_histories_rate_changes_and_refunds() {
    use koodesk_protocol::feed::OrderStatus;
    let path = temp("long-history");
    let mut s = Store::open(&path).expect("store");
    let modes = [
        (AccessType::License, BillingMode::OneTime),
        (AccessType::Saas, BillingMode::Period),
        (AccessType::Hardware, BillingMode::OneTime),
        (AccessType::ManualService, BillingMode::OneTime),
    ];
    let mut orders = Vec::new();
    for m in 0..40 {
        let (year, month) = (2017 + (m + 10) / 12, (m + 10) % 12 + 1);
        for (i, (a, b)) in modes.iter().enumerate() {
            orders.push(order(
                &format!("CS{m:02}{i}"),
                &format!("{year}-{month:02}-15T10:00:00+08:00"),
                *a,
                *b,
                10000 + 137 * (m as i64) + i as i64,
            ));
        }
    }
    s.apply_page(Kind::Orders, &page(orders.clone(), "orders.1"), 0).expect("orders");
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let d = s.dashboard(now).expect("dashboard");
    assert_eq!(d.by_month.len(), 24);
    assert_eq!(d.by_month.last().map(|b| b.key.as_str()), Some("2021-02"));
    let rates: Vec<String> = d.tax_by_rate.iter().map(|t| t.rate.to_string()).collect();
    assert_eq!(rates, ["0.06", "0.13", "0.16", "0.17"]);
    assert_eq!(d, recount_dashboard(&s, now));

    // Refunds and a corrected amount: the monthly rows change, and every total kept from them follows.
    for o in orders.iter_mut().step_by(3) {
        o.status = OrderStatus::Refunded;
        o.seq = 2;
    }
    orders[1].amount = koodesk_domain::money::Cny::from_fen(1);
    orders[1].seq = 3;
    s.apply_page(Kind::Orders, &page(orders, "orders.2"), 0).expect("updates");
    assert_eq!(s.dashboard(now).expect("dashboard"), recount_dashboard(&s, now));

    // An older KooDesk's rate table (and totals made with it): reopening rewrites the table and the totals.
    s.connection()
        .execute_batch("UPDATE tax_rates SET rate = '0.09' WHERE rate = '0.13'; DELETE FROM agg_revenue_rate;")
        .expect("sql");
    drop(s);
    let s = Store::open(&path).expect("reopens");
    assert_eq!(s.dashboard(now).expect("dashboard"), recount_dashboard(&s, now));
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

/// Every row of every table, in a stable order (two stores compared whole).
fn dump(s: &Store) -> Vec<String> {
    let c = s.connection();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    let mut rows = Vec::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM {t}")).expect("select");
        let n = stmt.column_count();
        let mut these: Vec<String> = stmt
            .query_map([], |r| {
                let values: Vec<rusqlite::types::Value> = (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
                Ok(format!("{t} {values:?}"))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        these.sort();
        rows.extend(these);
    }
    rows
}

#[test]
fn pages_written_together_make_the_same_store_and_fail_together() {
    let w = small_world();
    let mut one_by_one = Store::open_in_memory().expect("store");
    sync_world(&mut one_by_one, &w, 50);
    let mut together = Store::open_in_memory().expect("store");
    let mut groups = 0;
    for kind in Kind::ALL {
        let mut after = 0;
        loop {
            let mut group = Vec::new();
            while group.len() < 3 {
                let page = koodesk_store::ingest::parse_page(kind, &w.page_json(kind, after, 50)).expect("parses");
                let next = page.next().map(|c| koodesk_protocol::feed::decode_cursor(kind, c).expect("cursor"));
                group.push(page);
                match next {
                    Some(n) => after = n,
                    None => break,
                }
            }
            let applied = together.apply_parsed_pages(&group, 0).expect("applies");
            assert_eq!(applied.items, group.iter().map(|p| p.items()).sum::<usize>());
            groups += 1;
            if !applied.has_more {
                break;
            }
        }
    }
    assert!(groups > Kind::ALL.len(), "several groups were written");
    // The updated_ts of each cursor is the same 0 in both: every table, every row, the same.
    assert_eq!(dump(&together), dump(&one_by_one));

    // A group whose second page refers to an order the store does not have: none of it is kept.
    let mut s = Store::open_in_memory().expect("store");
    s.apply_page(Kind::Orders, &sample_orders(), 0).expect("orders");
    let good = page(
        vec![flow("CS1", ProductType::ManualService, Step::ConfirmRequirements, "2026-10-05T11:00:00+08:00", 0)],
        "supervision.1",
    );
    let bad = page(
        vec![flow("CS404", ProductType::ManualService, Step::ConfirmRequirements, "2026-10-05T11:00:00+08:00", 0)],
        "supervision.2",
    );
    let group: Vec<_> =
        [good, bad].iter().map(|b| koodesk_store::ingest::parse_page(Kind::Supervision, b).expect("parses")).collect();
    let e = s.apply_parsed_pages(&group, 0);
    assert!(matches!(e, Err(StoreError::UnknownOrder(id)) if id == "CS404"));
    assert_eq!(s.cursor(Kind::Supervision).expect("cursor"), "");
    let n: i64 = s.connection().query_row("SELECT count(*) FROM supervision_flows", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 0, "the first page of the failed group is not kept either");
    // Pages of two feeds are not written as one.
    let mixed = vec![
        koodesk_store::ingest::parse_page(Kind::Orders, &sample_orders()).expect("parses"),
        koodesk_store::ingest::parse_page(
            Kind::Supervision,
            &page(Vec::<koodesk_protocol::feed::FeedFlow>::new(), "s.1"),
        )
        .expect("parses"),
    ];
    assert!(matches!(s.apply_parsed_pages(&mixed, 0), Err(StoreError::BadFeedData { .. })));
    assert!(matches!(s.apply_parsed_pages(&[], 0), Err(StoreError::BadFeedData { .. })));
}

#[test]
fn resyncing_the_same_pages_changes_nothing() {
    let w = small_world();
    let mut a = Store::open_in_memory().expect("store");
    sync_world(&mut a, &w, 50);
    let before = a.dashboard(time::parse_datetime("2026-11-29T10:00:00").expect("t")).expect("d");
    // Re-apply everything from the start (as after a lost cursor): upserts, no duplicates.
    for kind in Kind::ALL {
        a.apply_page(kind, &w.page_json(kind, 0, 5000), 0).expect("again");
    }
    let after = a.dashboard(time::parse_datetime("2026-11-29T10:00:00").expect("t")).expect("d");
    assert_eq!(before, after);
}

#[test]
fn the_outbox_keeps_actions_until_delivered_or_refused() {
    let mut s = Store::open_in_memory().expect("store");
    let id1 =
        s.enqueue(ActionKind::Supervision, "CS1", serde_json::json!({"action": "confirm"}), 1000).expect("queued");
    let id2 =
        s.enqueue(ActionKind::InvoiceIssued, "IR1", serde_json::json!({"invoice_number": "1"}), 1001).expect("queued");
    assert_ne!(id1, id2);
    let due = s.due_actions(1001, 10).expect("due").actions;
    assert_eq!(due.len(), 2);
    assert_eq!(s.in_flight_for("CS1").expect("in flight"), Some((id1.clone(), PendingSync::Queued)));
    s.mark_retry(due[0].id, "connection refused", 1001).expect("retry");
    assert_eq!(s.due_actions(1002, 10).expect("due").actions.len(), 1, "backing off");
    assert_eq!(s.due_actions(1001 + backoff_seconds(1), 10).expect("due").actions.len(), 2);
    s.mark_refused(due[1].id, "invoice_number: 8 to 20 digits", 1005).expect("refused");
    let refused = s.actions(ActionStatus::Refused).expect("refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].last_error.as_deref(), Some("invoice_number: 8 to 20 digits"));
    // Sent without a sequence to wait for (no such entity in the store either): done at once.
    s.mark_sent(due[0].id, None, 1010).expect("sent");
    assert_eq!(s.in_flight_for("CS1").expect("in flight"), None);
    // A refusal stays until the seller dismisses it.
    assert!(s.prune_outbox(i64::MAX / 2, 0).is_ok());
    assert_eq!(s.actions(ActionStatus::Refused).expect("refused").len(), 1, "pruning keeps refusals");
    s.dismiss_refused(&id2).expect("dismissed");
    assert!(s.actions(ActionStatus::Refused).expect("refused").is_empty());
    assert!(matches!(s.dismiss_refused(&id2), Err(StoreError::NotFound(_))));
    assert_eq!(backoff_seconds(1), 2);
    assert_eq!(backoff_seconds(30), 300);
}

/// A store with one supervised order at step confirm-requirements (flow seq 1).
fn store_with_flow() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    s.apply_page(Kind::Orders, &sample_orders(), 0).expect("orders");
    let f = flow("CS1", ProductType::SoftwarePackage, Step::ConfirmRequirements, "2026-11-20T10:00:00+08:00", 0);
    s.apply_page(Kind::Supervision, &page(vec![f], "supervision.1"), 0).expect("flow");
    s
}

#[test]
fn a_sent_action_stays_in_flight_until_the_feed_echoes_it_and_a_second_is_refused_meanwhile() {
    let mut s = store_with_flow();
    let now = time::parse_datetime("2026-11-21T10:00:00").expect("t");
    let id = s.enqueue(ActionKind::Supervision, "CS1", serde_json::json!({"action": "confirm"}), 1000).expect("queued");
    let a = s.due_actions(1000, 10).expect("due").actions.remove(0);
    // KooGallery accepted it: the flow is now at seq 5 there; the store still holds seq 1.
    s.mark_sent(a.id, Some(5), 1001).expect("sent");
    assert_eq!(s.in_flight_for("CS1").expect("in flight"), Some((id.clone(), PendingSync::AwaitingEcho)));
    let row = s.flows(None, None, now, 10).expect("flows").into_iter().find(|f| f.order_id == "CS1").expect("row");
    assert_eq!(row.pending_sync, Some(PendingSync::AwaitingEcho), "shown as sent, waiting for KooGallery");
    let err = s.enqueue(ActionKind::Supervision, "CS1", serde_json::json!({"action": "confirm"}), 1002);
    assert!(matches!(&err, Err(StoreError::Invalid(m)) if m.contains(&id) && m.contains("sent")), "{err:?}");
    // A page from before the action (seq 4) does not end the wait…
    let mut f = flow("CS1", ProductType::SoftwarePackage, Step::ConfirmRequirements, "2026-11-20T10:00:00+08:00", 0);
    f.seq = 4;
    s.apply_page(Kind::Supervision, &page(vec![f.clone()], "supervision.4"), 0).expect("older");
    assert!(s.in_flight_for("CS1").expect("in flight").is_some());
    // …the echo (seq 5) does, and a new action may be queued.
    f.seq = 5;
    f.step = Step::Implement;
    f.side = Step::Implement.side();
    s.apply_page(Kind::Supervision, &page(vec![f], "supervision.5"), 0).expect("echo");
    assert_eq!(s.in_flight_for("CS1").expect("in flight"), None);
    assert_eq!(s.in_flight_counts().expect("counts"), (0, 0));
    s.enqueue(ActionKind::Supervision, "CS1", serde_json::json!({"action": "activate"}), 1003).expect("queued now");
    // Echoed sent actions go after the retention period; those in flight never do.
    assert_eq!(s.prune_outbox(1001 + 10, 100).expect("pruned"), 0, "within retention");
    assert_eq!(s.prune_outbox(1001 + 1000, 100).expect("pruned"), 1);
    assert_eq!(s.actions(ActionStatus::Pending).expect("pending").len(), 1, "the queued one stays");
}

#[test]
fn feed_rows_only_move_forward() {
    let mut s = store_with_flow();
    let mut f = flow("CS1", ProductType::SoftwarePackage, Step::Implement, "2026-11-21T10:00:00+08:00", 0);
    f.seq = 7;
    s.apply_page(Kind::Supervision, &page(vec![f.clone()], "supervision.7"), 0).expect("newer");
    // A page fetched before that change (a retry, a late second sync) arrives after it.
    let mut old = flow("CS1", ProductType::SoftwarePackage, Step::ConfirmRequirements, "2026-11-20T10:00:00+08:00", 0);
    old.seq = 3;
    s.apply_page(Kind::Supervision, &page(vec![old], "supervision.3"), 0).expect("older");
    let step: String = s
        .connection()
        .query_row("SELECT step FROM supervision_flows WHERE order_id = 'CS1'", [], |r| r.get(0))
        .expect("step");
    assert_eq!(step, "implement", "an older row never overwrites a newer one");
    // The same for every kind with a sequence: orders, unsubscriptions, invoice requests.
    let mut u = unsub("DU1", "CS1", "2026-11-21T10:00:00+08:00", "2026-11-24");
    u.seq = 9;
    u.status = koodesk_protocol::feed::UnsubscriptionStatus::Approved;
    s.apply_page(Kind::Unsubscriptions, &page(vec![u.clone()], "unsubscriptions.9"), 0).expect("newer");
    u.seq = 2;
    u.status = koodesk_protocol::feed::UnsubscriptionStatus::Pending;
    s.apply_page(Kind::Unsubscriptions, &page(vec![u], "unsubscriptions.2"), 0).expect("older");
    let status: String =
        s.connection().query_row("SELECT status FROM unsubscriptions WHERE id = 'DU1'", [], |r| r.get(0)).expect("st");
    assert_eq!(status, "approved");
}

#[test]
fn an_issued_invoice_is_an_overlay_the_feed_cannot_undo_before_its_echo() {
    use koodesk_domain::invoice::Medium;
    let mut s = Store::open_in_memory().expect("store");
    s.apply_page(Kind::Orders, &sample_orders(), 0).expect("orders");
    let mut r = invoice_request("IR1", "CS1", "2026-11-20T10:00:00+08:00", Medium::FullyDigital, 100000);
    s.apply_page(Kind::InvoiceRequests, &page(vec![r.clone()], "invoice-requests.1"), 0).expect("request");
    let now = time::parse_datetime("2026-11-21T10:00:00").expect("t");
    let drafts = s.draft_request("IR1", now).expect("drafted");
    for d in &drafts {
        s.issue_invoice(&d.id, "财务", now).expect("issued");
    }
    let status = |s: &Store| {
        let r = s.invoice_requests(None, now, 10).expect("requests").into_iter().find(|r| r.id == "IR1").expect("row");
        (r.status.as_str().to_string(), r.pending_sync)
    };
    assert_eq!(status(&s), ("issued".to_string(), Some(PendingSync::Queued)));
    let inbox = s.inbox(now, koodesk_domain::calendar::WorkingCalendar::embedded()).expect("inbox");
    assert!(!inbox.items.iter().any(|i| i.ref_id == "IR1"), "an issued request leaves the inbox");
    // A feed page with a change to the request made before KooGallery heard of the issue (seq 2).
    r.seq = 2;
    s.apply_page(Kind::InvoiceRequests, &page(vec![r.clone()], "invoice-requests.2"), 0).expect("page");
    assert_eq!(status(&s).0, "issued", "the queued issue still shows");
    // Sent (KooGallery answers seq 3), then echoed.
    let a = s.due_actions(i64::MAX, 10).expect("due").actions.remove(0);
    s.mark_sent(a.id, Some(3), 1).expect("sent");
    assert_eq!(status(&s), ("issued".to_string(), Some(PendingSync::AwaitingEcho)));
    r.seq = 3;
    r.status = koodesk_protocol::feed::InvoiceRequestStatus::Issued;
    r.invoice_number = Some("26110000000000000001".into());
    s.apply_page(Kind::InvoiceRequests, &page(vec![r], "invoice-requests.3"), 0).expect("echo");
    assert_eq!(status(&s), ("issued".to_string(), None));
}

#[test]
fn a_damaged_outbox_row_is_reported_left_untouched_and_never_sent() {
    let mut s = Store::open_in_memory().expect("store");
    s.enqueue(ActionKind::Supervision, "CS1", serde_json::json!({"action": "confirm"}), 10).expect("queued");
    let c = s.connection();
    c.execute_batch(
        "INSERT INTO outbox (action_id, kind, target, payload, created_ts, next_attempt_ts)
             VALUES ('kd-kind', 'teleport', 'CS2', '{}', 10, 10),
                    ('kd-json', 'supervision', 'CS3', 'not json', 10, 10),
                    ('kd-file', 'delivery', 'CS4', '{\"file_name\": \"a.pdf\"}', 10, 10);
         INSERT INTO outbox (action_id, kind, target, payload, created_ts, next_attempt_ts, status)
             VALUES ('kd-status', 'supervision', 'CS5', '{}', 10, 10, 'lost');",
    )
    .expect("damage");
    let due = s.due_actions(100, 10).expect("due");
    assert_eq!(due.actions.len(), 1, "only the readable one is handed out");
    let named: Vec<&str> = due.damaged.iter().map(|d| d.action_id.as_str()).collect();
    assert_eq!(named, ["kd-kind", "kd-json", "kd-file"]);
    assert!(due.damaged[0].to_string().contains("kind `teleport`"), "{}", due.damaged[0]);
    assert!(due.damaged[1].problem.contains("payload"), "{}", due.damaged[1]);
    let all = s.damaged_actions().expect("damaged");
    assert_eq!(all.len(), 4);
    assert!(all[3].problem.contains("status `lost`"), "{}", all[3]);
    let untouched: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM outbox WHERE attempts = 0 AND action_id LIKE 'kd-%'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(untouched, 5);
}

#[test]
fn migrating_to_v4_records_which_orders_earlier_invoices_cover() {
    let path = temp("migrate-invoice-orders");
    {
        let old = Store::create_at_version(&path, 3).expect("v3");
        old.connection()
            .execute_batch(
                r#"INSERT INTO invoices (id, request_id, kind, rate, state, document, created_ts)
                   VALUES ('IR1-6', NULL, 'ordinary', '0.06', 'draft',
                           '{"lines":[{"order_id":"CS1"},{"order_id":"CS2"},{"order_id":"CS1"}]}', 1790000000);"#,
            )
            .expect("a v3 invoice");
    }
    let s = Store::open(&path).expect("migrates");
    let mut stmt = s
        .connection()
        .prepare("SELECT order_id FROM invoice_orders WHERE invoice_id = 'IR1-6' ORDER BY 1")
        .expect("sql");
    let orders: Vec<String> = stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids");
    assert_eq!(orders, ["CS1", "CS2"]);
}

/// KooGallery's production-interface calls come with the order and join its timeline; attempts accumulate, and
/// a page seen again adds nothing. Each call crosses as codes and values (the instance ID, the seller's own
/// resultMsg, a failure code and the HTTP status); a feed written before those fields said it all in `detail`,
/// and is read back as the same codes [KG §7].
#[test]
fn production_interface_calls_join_the_order_timeline() {
    use koodesk_domain::call_failure::CallFailure;
    use koodesk_protocol::feed::FeedInterfaceCall;
    let call = |attempt: u32, at: &str, code: Option<&str>| FeedInterfaceCall {
        activity: "newInstance".into(),
        attempt,
        at: at.into(),
        result_code: code.map(str::to_string),
        instance_id: None,
        result_msg: None,
        failure: None,
        http_status: None,
        detail: None,
        elapsed_ms: 120,
    };
    let mut s = Store::open_in_memory().expect("store");
    let mut o = order("CS9", "2026-11-02T10:00:00+08:00", AccessType::Saas, BillingMode::Period, 19800);
    o.interface_calls = vec![
        FeedInterfaceCall {
            result_msg: Some("数据库连接失败".into()),
            ..call(1, "2026-11-02T10:00:05+08:00", Some("000005"))
        },
        FeedInterfaceCall { failure: Some(CallFailure::Timeout), ..call(2, "2026-11-02T11:00:05+08:00", None) },
    ];
    s.apply_page(Kind::Orders, &page(vec![o.clone()], "orders.1"), 0).expect("applies");
    type Call = (u32, Option<String>, CallOutcome, Option<String>, Option<String>, Option<CallFailure>, Option<u16>);
    let calls = |s: &Store| -> Vec<Call> {
        let d = s.order_detail("CS9", time::parse_datetime("2026-11-29T10:00:00").expect("t")).expect("detail");
        d.timeline
            .into_iter()
            .filter_map(|e| match e.event {
                TimelineEvent::Interface {
                    activity,
                    attempt,
                    result_code,
                    outcome,
                    instance_id,
                    result_msg,
                    failure,
                    http_status,
                    elapsed_ms,
                } => {
                    assert_eq!((activity.as_str(), elapsed_ms), ("newInstance", 120));
                    Some((attempt, result_code, outcome, instance_id, result_msg, failure, http_status))
                }
                _ => None,
            })
            .collect()
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        calls(&s),
        [
            (1, some("000005"), CallOutcome::Documented, None, some("数据库连接失败"), None, None),
            (2, None, CallOutcome::NoReply, None, None, Some(CallFailure::Timeout), None),
        ]
    );
    o.interface_calls.push(FeedInterfaceCall {
        instance_id: some("ins-cs9"),
        ..call(3, "2026-11-02T12:00:05+08:00", Some("000000"))
    });
    o.interface_calls.push(call(4, "2026-11-02T13:00:05+08:00", Some("999999")));
    o.interface_calls.push(call(5, "2026-11-02T14:00:05+08:00", None));
    o.seq = 2;
    // The fifth call as an older feed wrote it: one free-text detail (never written now, so put in by hand).
    let mut json: serde_json::Value = serde_json::from_slice(&page(vec![o], "orders.2")).expect("json");
    json["items"][0]["interface_calls"][4]["detail"] = "HTTP 502: the reply is not a production-interface reply".into();
    let again = serde_json::to_vec(&json).expect("json");
    s.apply_page(Kind::Orders, &again, 0).expect("applies");
    s.apply_page(Kind::Orders, &again, 0).expect("applies again");
    let t = calls(&s);
    assert_eq!(t.len(), 5, "{t:?}");
    assert_eq!(t[2], (3, some("000000"), CallOutcome::Documented, some("ins-cs9"), None, None, None));
    assert_eq!(
        t[3],
        (4, some("999999"), CallOutcome::Undocumented, None, None, None, None),
        "not in the documented table"
    );
    assert_eq!(t[4], (5, None, CallOutcome::NoReply, None, None, Some(CallFailure::HttpStatus), Some(502)));
}

/// Rows stored before schema 17 kept one free-text `detail`; they are read back as the codes, and a failure code
/// this build does not know is reported as damage, never shown as something else.
#[test]
fn interface_calls_stored_before_schema_17_read_back_as_codes() {
    use koodesk_domain::call_failure::CallFailure;
    let mut s = Store::open_in_memory().expect("store");
    let o = order("CS8", "2026-11-02T10:00:00+08:00", AccessType::Saas, BillingMode::Period, 19800);
    s.apply_page(Kind::Orders, &page(vec![o], "orders.1"), 0).expect("applies");
    let at = time::parse_datetime("2026-11-02T10:00:05").expect("t").timestamp();
    for (idx, code, detail) in [(0, Some("000000"), "ins-cs8"), (1, None, "no reply within 5 s")] {
        s.connection()
            .execute(
                "INSERT INTO interface_calls (order_id, idx, activity, attempt, at_ts, result_code, detail, elapsed_ms)
                 VALUES ('CS8', ?1, 'newInstance', ?1 + 1, ?2, ?3, ?4, 90)",
                rusqlite::params![idx, at + idx, code, detail],
            )
            .expect("an old row");
    }
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let read: Vec<(Option<String>, Option<CallFailure>)> = s
        .order_detail("CS8", now)
        .expect("detail")
        .timeline
        .into_iter()
        .filter_map(|e| match e.event {
            TimelineEvent::Interface { instance_id, failure, .. } => Some((instance_id, failure)),
            _ => None,
        })
        .collect();
    assert_eq!(read, [(Some("ins-cs8".to_string()), None), (None, Some(CallFailure::Timeout))]);
    s.connection().execute("UPDATE interface_calls SET failure = 'gremlins' WHERE idx = 1", []).expect("damage");
    let err = s.order_detail("CS8", now).expect_err("damage is reported").to_string();
    assert!(err.contains("interface_calls.failure") && err.contains("gremlins"), "{err}");
}

/// Schema 9 moves the invoice title out of its JSON object into columns; a title that was not JSON is left
/// empty and reported as damaged when the request is drafted, never replaced by a default.
#[test]
fn migrating_to_v9_puts_the_invoice_title_in_columns() {
    let path = temp("migrate-title");
    {
        let old = Store::create_at_version(&path, 8).expect("v8");
        old.connection()
            .execute_batch(
                "INSERT INTO products VALUES ('P1','n','manual-service','one-time',0,NULL,'general');
                 INSERT INTO buyers VALUES ('B1','n','enterprise',NULL);
                 INSERT INTO orders VALUES ('CS1','new',1790000000,'P1','B1',19800,'completed',NULL,NULL,NULL,1);
                 INSERT INTO invoice_requests (id, requested_ts, kind, medium, title, amount_fen, status, seq)
                     VALUES ('IR1', 1790000100, 'ordinary', 'fully-digital',
                             '{\"kind\":\"enterprise\",\"name\":\"北京测试科技有限公司\",\"taxpayer_id\":\"91350100M000100Y43\"}',
                             19800, 'requested', 1),
                            ('IR2', 1790000200, 'ordinary', 'fully-digital', 'not json', 19800, 'requested', 2);
                 INSERT INTO invoice_request_orders VALUES ('IR1', 'CS1'), ('IR2', 'CS1');",
            )
            .expect("v8 rows");
    }
    let s = Store::open(&path).expect("migrates");
    let (kind, name, taxpayer): (String, String, String) = s
        .connection()
        .query_row("SELECT title_kind, title_name, title_taxpayer_id FROM invoice_requests WHERE id = 'IR1'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("columns");
    assert_eq!(
        (kind.as_str(), name.as_str(), taxpayer.as_str()),
        ("enterprise", "北京测试科技有限公司", "91350100M000100Y43")
    );
    let source = s.invoice_source("IR1").expect("IR1 drafts from its columns");
    assert_eq!(source.buyer.title, "北京测试科技有限公司");
    assert!(source.buyer.enterprise);
    match s.invoice_source("IR2") {
        Err(StoreError::Invalid(m)) => assert!(m.contains("IR2") && m.contains("damaged"), "{m}"),
        other => panic!("a damaged title is reported: {other:?}"),
    }
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let rows = s.invoice_requests(None, now, 10).expect("requests");
    assert_eq!(
        rows.iter().find(|r| r.id == "IR2").map(|r| r.title.clone()),
        Some(None),
        "shown as missing, not invented"
    );
}

/// Schema 16 keeps who recorded a supervision step by hand in a column of its own; a step recorded before keeps
/// `recorded by WHO: NOTE` in `detail` (the audit trail is never rewritten) and reads the same as a new one.
#[test]
fn migrating_to_v16_reads_who_recorded_a_step_from_before_and_after() {
    let path = temp("migrate-recorded-by");
    {
        let old = Store::create_at_version(&path, 15).expect("v15");
        old.connection()
            .execute_batch(
                "INSERT INTO products VALUES ('P1','n','manual-service','one-time',1,'manual-service','general');
                 INSERT INTO buyers VALUES ('B1','n','enterprise',NULL);
                 INSERT INTO orders (order_id, order_type, created_ts, product_id, buyer_id, amount_fen, status, seq)
                     VALUES ('CS1','new',1790000000,'P1','B1',19800,'in-progress',1);
                 INSERT INTO supervision_flows (order_id, product_type, step, side, step_started_ts, rejections,
                                                rereview, seq, recorded_by, recorded_ts)
                     VALUES ('CS1','manual-service','implement','merchant',1790000100,0,0,1,'测试员',1790000200);
                 INSERT INTO supervision_events VALUES
                     ('CS1', 0, 'confirm-requirements', 'implement', 'recorded', 'merchant', 1790000100,
                      'recorded by 测试员: 需求已收到');",
            )
            .expect("v15 rows");
    }
    let s = Store::open(&path).expect("migrates");
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let words = |s: &Store| -> Vec<(Option<String>, Option<String>)> {
        s.order_detail("CS1", now)
            .expect("detail")
            .timeline
            .into_iter()
            .filter_map(|e| match e.event {
                koodesk_store::browse::TimelineEvent::Supervision { recorded_by, note, .. } => {
                    Some((recorded_by, note))
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(words(&s), vec![(Some("测试员".to_string()), Some("需求已收到".to_string()))]);
    s.connection()
        .execute(
            "INSERT INTO supervision_events (order_id, idx, from_step, to_step, action, actor, at_ts, detail, recorded_by)
             VALUES ('CS1', 1, 'implement', 'accept', 'recorded', 'merchant', 1790000300, '', '李四')",
            [],
        )
        .expect("a v16 row");
    assert_eq!(words(&s)[1], (Some("李四".to_string()), None), "an empty note is none");
}
