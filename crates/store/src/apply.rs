//! Feed pages into the store: each page and its cursor in one transaction, so a sync killed at any moment loses
//! nothing and duplicates nothing — the next run resumes from the last committed cursor.

use koodesk_domain::time;
use koodesk_protocol::feed::{FeedBill, FeedFlow, FeedInvoiceRequest, FeedOrder, FeedUnsubscription, Kind, Page};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;

use crate::db::Store;
use crate::error::StoreError;

/// What one page did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub items: usize,
    pub next_cursor: String,
    pub has_more: bool,
}

fn ts(what: &'static str, s: &str) -> Result<i64, StoreError> {
    time::parse_datetime(s).map(|t| t.timestamp()).map_err(|e| StoreError::BadFeedData { what, detail: e.to_string() })
}

fn opt_ts(what: &'static str, s: &Option<String>) -> Result<Option<i64>, StoreError> {
    s.as_deref().map(|v| ts(what, v)).transpose()
}

fn fen(what: &'static str, c: koodesk_domain::money::Cny) -> Result<i64, StoreError> {
    c.to_fen().ok_or_else(|| StoreError::BadFeedData { what, detail: format!("amount {c} out of range") })
}

/// A kebab-case name of a serde enum value (how every enum is stored).
fn name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn require_order(tx: &Transaction<'_>, order_id: &str) -> Result<(), StoreError> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT 1 FROM orders WHERE order_id = ?1")?
        .query_row([order_id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or_else(|| StoreError::UnknownOrder(order_id.to_string()))
}

/// Products and buyers already written in this page (a page repeats the same few many times).
#[derive(Default)]
struct Seen {
    products: std::collections::HashSet<String>,
    buyers: std::collections::HashSet<String>,
}

fn put_order(tx: &Transaction<'_>, o: &FeedOrder, seen: &mut Seen) -> Result<(), StoreError> {
    let p = &o.product;
    if seen.products.insert(p.product_id.clone()) {
        tx.prepare_cached(
            "INSERT INTO products VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, access_type = excluded.access_type,
           billing_mode = excluded.billing_mode, supervised = excluded.supervised,
           product_type = excluded.product_type, channel = excluded.channel",
        )?
        .execute(params![
            p.product_id,
            p.name,
            p.access_type.as_str(),
            p.billing_mode.as_str(),
            p.supervised,
            p.product_type.as_ref().map(name),
            name(&p.channel)
        ])?;
    }
    let b = &o.buyer;
    if seen.buyers.insert(b.buyer_id.clone()) {
        tx.prepare_cached("INSERT INTO buyers VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (buyer_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, taxpayer_id = excluded.taxpayer_id")?.execute(params![b.buyer_id, b.name, name(&b.kind), b.taxpayer_id])?;
    }
    let amount = fen("order amount", o.amount)?;
    tx.prepare_cached(
        "INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (order_id) DO UPDATE SET order_type = excluded.order_type, created_ts = excluded.created_ts,
           product_id = excluded.product_id, buyer_id = excluded.buyer_id, amount_fen = excluded.amount_fen,
           status = excluded.status, scenario = excluded.scenario, settled_ts = excluded.settled_ts,
           license_code = excluded.license_code, seq = excluded.seq",
    )?
    .execute(params![
        o.order_id,
        name(&o.order_type),
        ts("order created_at", &o.created_at)?,
        p.product_id,
        b.buyer_id,
        amount,
        name(&o.status),
        o.scenario.as_ref().map(name),
        opt_ts("order settled_at", &o.settled_at)?,
        o.license_code,
        o.seq as i64
    ])?;
    tx.prepare_cached(
        "INSERT INTO order_lines VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (order_line_id) DO UPDATE SET product_id = excluded.product_id, amount_fen = excluded.amount_fen",
    )?
    .execute(params![o.order_line_id, o.order_id, p.product_id, amount])?;
    Ok(())
}

fn put_flow(tx: &Transaction<'_>, f: &FeedFlow) -> Result<(), StoreError> {
    require_order(tx, &f.order_id)?;
    tx.prepare_cached(
        "INSERT INTO supervision_flows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (order_id) DO UPDATE SET product_type = excluded.product_type, step = excluded.step,
           side = excluded.side, step_started_ts = excluded.step_started_ts, rejections = excluded.rejections,
           frozen_by = excluded.frozen_by, rereview = excluded.rereview, parcel_signed_ts = excluded.parcel_signed_ts,
           seq = excluded.seq",
    )?
    .execute(params![
        f.order_id,
        name(&f.product_type),
        name(&f.step),
        f.side.as_ref().map(name),
        ts("step_started_at", &f.step_started_at)?,
        f.rejections,
        f.frozen_by.as_ref().map(name),
        f.rereview,
        opt_ts("parcel_signed_at", &f.parcel_signed_at)?,
        f.seq as i64
    ])?;
    // The audit trail only grows: events already stored are left as they are.
    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO supervision_events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
    for (i, t) in f.history.iter().enumerate() {
        let detail = serde_json::to_string(&t.action).unwrap_or_default();
        insert.execute(params![
            f.order_id,
            i as i64,
            name(&t.from),
            name(&t.to),
            t.action.name(),
            name(&t.actor),
            t.at.timestamp(),
            detail
        ])?;
    }
    Ok(())
}

fn put_unsubscription(tx: &Transaction<'_>, u: &FeedUnsubscription) -> Result<(), StoreError> {
    require_order(tx, &u.order_id)?;
    tx.prepare_cached(
        "INSERT INTO unsubscriptions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (id) DO UPDATE SET rule = excluded.rule, requested_ts = excluded.requested_ts,
           refund_fen = excluded.refund_fen, paid_fen = excluded.paid_fen, reason = excluded.reason,
           status = excluded.status, review_due = excluded.review_due, decision_reason = excluded.decision_reason,
           seq = excluded.seq",
    )?
    .execute(params![
        u.id,
        u.order_id,
        u.rule.as_str(),
        ts("unsubscription requested_at", &u.requested_at)?,
        fen("refund amount", u.refund_amount)?,
        fen("paid amount", u.paid_amount)?,
        u.reason,
        name(&u.status),
        u.review_due,
        u.decision_reason,
        u.seq as i64
    ])?;
    Ok(())
}

fn put_invoice_request(tx: &Transaction<'_>, r: &FeedInvoiceRequest) -> Result<(), StoreError> {
    for o in &r.order_ids {
        require_order(tx, o)?;
    }
    tx.prepare_cached(
        "INSERT INTO invoice_requests VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET requested_ts = excluded.requested_ts, kind = excluded.kind,
           medium = excluded.medium, title = excluded.title, amount_fen = excluded.amount_fen,
           status = excluded.status, invoice_number = excluded.invoice_number, issued_ts = excluded.issued_ts,
           seq = excluded.seq",
    )?
    .execute(params![
        r.id,
        ts("invoice requested_at", &r.requested_at)?,
        name(&r.kind),
        name(&r.medium),
        serde_json::to_string(&r.title).unwrap_or_default(),
        fen("invoice amount", r.amount)?,
        name(&r.status),
        r.invoice_number,
        opt_ts("invoice issued_at", &r.issued_at)?,
        r.seq as i64
    ])?;
    for o in &r.order_ids {
        tx.prepare_cached("INSERT OR IGNORE INTO invoice_request_orders VALUES (?1, ?2)")?.execute(params![r.id, o])?;
    }
    Ok(())
}

fn put_bill(tx: &Transaction<'_>, b: &FeedBill) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO bills VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (bill_id) DO UPDATE SET period = excluded.period, bill_date = excluded.bill_date,
           send_by = excluded.send_by, sign_off_by = excluded.sign_off_by, payment_by = excluded.payment_by,
           order_count = excluded.order_count, amount_fen = excluded.amount_fen,
           platform_fee_fen = excluded.platform_fee_fen, merchant_share_fen = excluded.merchant_share_fen,
           status = excluded.status, seq = excluded.seq",
    )?
    .execute(params![
        b.bill_id,
        b.period,
        b.bill_date,
        b.send_by,
        b.sign_off_by,
        b.payment_by,
        b.order_count,
        fen("bill amount", b.amount)?,
        fen("platform fee", b.platform_fee)?,
        fen("merchant share", b.merchant_share)?,
        name(&b.status),
        b.seq as i64
    ])?;
    Ok(())
}

fn parse<T: DeserializeOwned>(kind: Kind, body: &[u8]) -> Result<Page<T>, StoreError> {
    serde_json::from_slice(body).map_err(|e| StoreError::BadFeedData {
        what: "a page that is not valid feed JSON",
        detail: format!("{}: {e}", kind.path()),
    })
}

/// Parses a page of `T` and writes each item: (items written, next cursor, has more).
fn put_all<T: DeserializeOwned>(
    kind: Kind,
    body: &[u8],
    mut put: impl FnMut(&T) -> Result<(), StoreError>,
) -> Result<(usize, String, bool), StoreError> {
    let page: Page<T> = parse(kind, body)?;
    page.items.iter().try_for_each(&mut put)?;
    Ok((page.items.len(), page.next_cursor, page.has_more))
}

impl Store {
    /// The cursor to resume a feed from (empty: the start).
    pub fn cursor(&self, kind: Kind) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT cursor FROM sync_cursors WHERE feed = ?1", [kind.path()], |r| r.get(0))
            .optional()?
            .unwrap_or_default())
    }

    /// Applies one page (already checked against its Body-Sign) and its cursor, all or nothing.
    pub fn apply_page(&mut self, kind: Kind, body: &[u8], now_ts: i64) -> Result<Applied, StoreError> {
        let tx = self.conn.transaction()?;
        let (items, next_cursor, has_more) = match kind {
            Kind::Orders => {
                let mut seen = Seen::default();
                put_all(kind, body, |o: &FeedOrder| put_order(&tx, o, &mut seen))?
            }
            Kind::Supervision => put_all(kind, body, |f: &FeedFlow| put_flow(&tx, f))?,
            Kind::Unsubscriptions => put_all(kind, body, |u: &FeedUnsubscription| put_unsubscription(&tx, u))?,
            Kind::InvoiceRequests => put_all(kind, body, |r: &FeedInvoiceRequest| put_invoice_request(&tx, r))?,
            Kind::Bills => put_all(kind, body, |b: &FeedBill| put_bill(&tx, b))?,
        };
        tx.prepare_cached(
            "INSERT INTO sync_cursors VALUES (?1, ?2, ?3)
             ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, updated_ts = excluded.updated_ts",
        )?
        .execute(params![kind.path(), next_cursor, now_ts])?;
        tx.commit()?;
        Ok(Applied { items, next_cursor, has_more })
    }
}
