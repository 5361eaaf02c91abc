//! The ingest: feed pages into the store, each page and its cursor in one transaction, so a sync killed at any
//! moment loses nothing and duplicates nothing — the next run resumes from the last committed cursor.
//!
//! This is the only module of the store that sees wire types (`koodesk_protocol`): it maps them to rows whose
//! columns hold values (timestamps, fen, kebab-case codes), so every other module reads and writes rows only and a
//! protocol change stops here (`tests/boundaries.rs` keeps it so).

use koodesk_domain::call_failure::CallFailure;
use koodesk_domain::time;
use koodesk_protocol::feed::{
    FeedBill, FeedFlow, FeedInvoiceRequest, FeedOrder, FeedUnsubscription, Kind, OrderStatus, Page,
};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;

use crate::db::Store;
use crate::error::StoreError;
use crate::schema;

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

/// What writing a page takes, prepared away from the database (it can be built on another thread while the
/// store writes the previous page): the orders the page refers to, and one statement per table with its rows.
///
/// Each statement reads its rows from `jsonb_each(?1)`, each row a JSON array of column values in the table's
/// order (`value->>0`, `value->>1`, …): one statement per table and page instead of one per row, so SQLite
/// journals each touched b-tree page once per statement, not once per row, and runs one program.
#[derive(Debug, Default)]
struct Writes {
    /// JSON arrays of order IDs the store must already have.
    requires: Vec<String>,
    statements: Vec<(String, String)>,
}

impl Writes {
    fn bulk<R: serde::Serialize>(&mut self, sql: String, rows: &[R]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let json = serde_json::to_string(rows)
            .map_err(|e| StoreError::BadFeedData { what: "a page that cannot be written", detail: e.to_string() })?;
        self.statements.push((sql, json));
        Ok(())
    }

    fn require_orders<'a>(&mut self, order_ids: impl IntoIterator<Item = &'a str>) {
        let ids: Vec<&str> = order_ids.into_iter().collect();
        if !ids.is_empty() {
            self.requires.push(serde_json::to_string(&ids).unwrap_or_default());
        }
    }
}

/// The bulk upsert of a table: `INSERT INTO table (cols…) SELECT value->>0, … FROM jsonb_each(?1)`, then the
/// `computed` columns with their expressions, `ON CONFLICT (first column) DO UPDATE` every other column.
///
/// A table with a `seq` column is only ever moved forward: the update applies when the feed's row is newer
/// (`WHERE excluded.seq > table.seq`), so a page fetched before a change — a retried page, a second sync
/// running late — never puts back what a newer row already stored.
fn upsert(table: &str, cols: &[&str], computed: &[(&str, &str)]) -> String {
    let names: Vec<&str> = cols.iter().chain(computed.iter().map(|(c, _)| c)).copied().collect();
    let values: Vec<String> =
        (0..cols.len()).map(|i| format!("value->>{i}")).chain(computed.iter().map(|(_, e)| e.to_string())).collect();
    let set: Vec<String> = names[1..].iter().map(|c| format!("{c} = excluded.{c}")).collect();
    let guard = if names.contains(&"seq") { format!(" WHERE excluded.seq > {table}.seq") } else { String::new() };
    format!(
        "INSERT INTO {table} ({}) SELECT {} FROM jsonb_each(?1) WHERE true ON CONFLICT ({}) DO UPDATE SET {}{guard}",
        names.join(", "),
        values.join(", "),
        names[0],
        set.join(", ")
    )
}

/// `value->>0, value->>1, …, value->>{n-1}`: the columns of a bulk row.
fn columns(n: usize) -> String {
    (0..n).map(|i| format!("value->>{i}")).collect::<Vec<_>>().join(", ")
}

/// Fails with the first of the order IDs (a JSON array) the store does not have: the page refers to an order not
/// synced yet.
fn require_orders(tx: &Transaction<'_>, ids_json: &str) -> Result<(), StoreError> {
    let missing: Option<String> = tx
        .prepare_cached(
            "SELECT value FROM json_each(?1) WHERE NOT EXISTS (SELECT 1 FROM orders WHERE order_id = value) LIMIT 1",
        )?
        .query_row([ids_json], |r| r.get(0))
        .optional()?;
    match missing {
        Some(id) => Err(StoreError::UnknownOrder(id)),
        None => Ok(()),
    }
}

fn put_orders(w: &mut Writes, page: &[FeedOrder]) -> Result<(), StoreError> {
    let mut products = std::collections::BTreeMap::new();
    let mut buyers = std::collections::BTreeMap::new();
    let mut orders = Vec::with_capacity(page.len());
    let mut lines = Vec::with_capacity(page.len());
    let mut calls = Vec::new();
    for o in page {
        let p = &o.product;
        products.insert(
            p.product_id.as_str(),
            (
                &p.product_id,
                &p.name,
                p.access_type.as_str(),
                p.billing_mode.as_str(),
                p.supervised,
                p.product_type.as_ref().map(name),
                name(&p.channel),
            ),
        );
        let b = &o.buyer;
        buyers.insert(b.buyer_id.as_str(), (&b.buyer_id, &b.name, name(&b.kind), &b.taxpayer_id));
        let amount = fen("order amount", o.amount)?;
        // An image order's server fee is Huawei Cloud's: kept beside the order, never in its amount [KG §9].
        let server_fee = match &o.image {
            Some(i) if i.cloud_server_fee.is_negative() => {
                return Err(StoreError::BadFeedData {
                    what: "order image.cloud_server_fee",
                    detail: format!("{} is negative; a cloud server fee is what the buyer paid", i.cloud_server_fee),
                })
            }
            Some(i) => Some(fen("order image.cloud_server_fee", i.cloud_server_fee)?),
            None => None,
        };
        orders.push((
            &o.order_id,
            name(&o.order_type),
            ts("order created_at", &o.created_at)?,
            &p.product_id,
            &b.buyer_id,
            amount,
            name(&o.status),
            o.scenario.as_ref().map(name),
            opt_ts("order settled_at", &o.settled_at)?,
            &o.license_code,
            server_fee,
            o.image.as_ref().and_then(|i| i.enterprise_project.as_deref()),
            o.seq as i64,
        ));
        lines.push((&o.order_line_id, &o.order_id, &p.product_id, amount));
        for (i, c) in o.interface_calls.iter().enumerate() {
            // A feed written before the codes said it all in `detail`: read back as the codes [KG §7].
            let legacy = if c.instance_id.is_none() && c.result_msg.is_none() && c.failure.is_none() {
                c.legacy_detail()
            } else {
                Default::default()
            };
            calls.push((
                (&o.order_id, i as i64, &c.activity, c.attempt, ts("interface call at", &c.at)?, &c.result_code),
                (
                    c.instance_id.clone().or(legacy.instance_id),
                    c.result_msg.clone().or(legacy.result_msg),
                    c.failure.or(legacy.failure).map(CallFailure::as_str),
                    c.http_status.or(legacy.http_status),
                    c.elapsed_ms,
                ),
            ));
        }
    }
    // An order imported or looked up before the feed brought it: the feed's row replaces it, lines included.
    let replaced: Vec<(&str, i64)> = page.iter().map(|o| (o.order_id.as_str(), o.seq as i64)).collect();
    w.bulk(
        "DELETE FROM order_lines WHERE order_id IN (
             SELECT o.order_id FROM orders o JOIN jsonb_each(?1) j ON o.order_id = j.value->>0
              WHERE o.source IN ('import', 'lookup') AND j.value->>1 > o.seq)"
            .into(),
        &replaced,
    )?;
    let products: Vec<_> = products.into_values().collect();
    let buyers: Vec<_> = buyers.into_values().collect();
    w.bulk(
        upsert(
            "products",
            &["product_id", "name", "access_type", "billing_mode", "supervised", "product_type", "channel"],
            &[],
        ),
        &products,
    )?;
    w.bulk(upsert("buyers", &["buyer_id", "name", "kind", "taxpayer_id"], &[]), &buyers)?;
    w.bulk(
        upsert(
            "orders",
            &[
                "order_id",
                "order_type",
                "created_ts",
                "product_id",
                "buyer_id",
                "amount_fen",
                "status",
                "scenario",
                "settled_ts",
                "license_code",
                "cloud_server_fee_fen",
                "enterprise_project",
                "seq",
            ],
            &[("source", crate::meta::FEED_SOURCE)],
        ),
        &orders,
    )?;
    w.bulk(upsert("order_lines", &["order_line_id", "order_id", "product_id", "amount_fen"], &[]), &lines)?;
    // Production-interface attempts only accumulate: those already stored are left as they are.
    w.bulk(
        "INSERT OR IGNORE INTO interface_calls
             (order_id, idx, activity, attempt, at_ts, result_code,
              instance_id, result_msg, failure, http_status, elapsed_ms)
         SELECT value->0->>0, value->0->>1, value->0->>2, value->0->>3, value->0->>4, value->0->>5,
                value->1->>0, value->1->>1, value->1->>2, value->1->>3, value->1->>4
           FROM jsonb_each(?1)"
            .into(),
        &calls,
    )?;
    // Steps of refunded orders leave the inbox (schema 5 keeps the fact on the flow).
    let refunded: Vec<&str> =
        page.iter().filter(|o| o.status == OrderStatus::Refunded).map(|o| o.order_id.as_str()).collect();
    w.bulk(
        "UPDATE supervision_flows SET order_refunded = 1 WHERE order_id IN (SELECT value FROM jsonb_each(?1))".into(),
        &refunded,
    )
}

fn put_flows(w: &mut Writes, page: &[FeedFlow]) -> Result<(), StoreError> {
    w.require_orders(page.iter().map(|f| f.order_id.as_str()));
    let mut flows = Vec::with_capacity(page.len());
    let mut events = Vec::new();
    for f in page {
        flows.push((
            &f.order_id,
            name(&f.product_type),
            name(&f.step),
            f.side.as_ref().map(name),
            ts("step_started_at", &f.step_started_at)?,
            f.rejections,
            f.frozen_by.as_ref().map(name),
            f.rereview,
            opt_ts("parcel_signed_at", &f.parcel_signed_at)?,
            f.seq as i64,
            &f.recorded_by,
            opt_ts("recorded_at", &f.recorded_at)?,
        ));
        for (i, t) in f.history.iter().enumerate() {
            let detail = serde_json::to_string(&t.action).unwrap_or_default();
            events.push((
                &f.order_id,
                i as i64,
                name(&t.from),
                name(&t.to),
                t.action.name(),
                name(&t.actor),
                t.at.timestamp(),
                detail,
            ));
        }
    }
    w.bulk(
        upsert(
            "supervision_flows",
            &[
                "order_id",
                "product_type",
                "step",
                "side",
                "step_started_ts",
                "rejections",
                "frozen_by",
                "rereview",
                "parcel_signed_ts",
                "seq",
                "recorded_by",
                "recorded_ts",
            ],
            &[(
                "order_refunded",
                "EXISTS (SELECT 1 FROM orders o WHERE o.order_id = value->>0 AND o.status = 'refunded')",
            )],
        ),
        &flows,
    )?;
    // The audit trail only grows: events already stored are left as they are.
    w.bulk(
        format!(
            "INSERT OR IGNORE INTO supervision_events (order_id, idx, from_step, to_step, action, actor, at_ts, detail)
             SELECT {} FROM jsonb_each(?1)",
            columns(8)
        ),
        &events,
    )
}

fn put_unsubscriptions(w: &mut Writes, page: &[FeedUnsubscription]) -> Result<(), StoreError> {
    w.require_orders(page.iter().map(|u| u.order_id.as_str()));
    let mut rows = Vec::with_capacity(page.len());
    for u in page {
        rows.push((
            &u.id,
            &u.order_id,
            u.rule.as_str(),
            ts("unsubscription requested_at", &u.requested_at)?,
            fen("refund amount", u.refund_amount)?,
            fen("paid amount", u.paid_amount)?,
            &u.reason,
            name(&u.status),
            &u.review_due,
            &u.decision_reason,
            u.seq as i64,
            &u.recorded_by,
            opt_ts("recorded_at", &u.recorded_at)?,
        ));
    }
    w.bulk(
        upsert(
            "unsubscriptions",
            &[
                "id",
                "order_id",
                "rule",
                "requested_ts",
                "refund_fen",
                "paid_fen",
                "reason",
                "status",
                "review_due",
                "decision_reason",
                "seq",
                "recorded_by",
                "recorded_ts",
            ],
            &[],
        ),
        &rows,
    )
}

fn put_invoice_requests(w: &mut Writes, page: &[FeedInvoiceRequest]) -> Result<(), StoreError> {
    w.require_orders(page.iter().flat_map(|r| r.order_ids.iter().map(String::as_str)));
    let mut rows = Vec::with_capacity(page.len());
    let mut links = Vec::new();
    for r in page {
        rows.push((
            &r.id,
            ts("invoice requested_at", &r.requested_at)?,
            name(&r.kind),
            name(&r.medium),
            name(&r.title.kind),
            &r.title.name,
            &r.title.taxpayer_id,
            &r.title.address,
            &r.title.bank_account,
            fen("invoice amount", r.amount)?,
            name(&r.status),
            &r.invoice_number,
            opt_ts("invoice issued_at", &r.issued_at)?,
            r.seq as i64,
            &r.recorded_by,
            opt_ts("recorded_at", &r.recorded_at)?,
        ));
        links.extend(r.order_ids.iter().map(|o| (&r.id, o)));
    }
    w.bulk(
        upsert(
            "invoice_requests",
            &[
                "id",
                "requested_ts",
                "kind",
                "medium",
                "title_kind",
                "title_name",
                "title_taxpayer_id",
                "title_address",
                "title_bank",
                "amount_fen",
                "status",
                "invoice_number",
                "issued_ts",
                "seq",
                "recorded_by",
                "recorded_ts",
            ],
            &[],
        ),
        &rows,
    )?;
    w.bulk(format!("INSERT OR IGNORE INTO invoice_request_orders SELECT {} FROM jsonb_each(?1)", columns(2)), &links)?;
    let ids: Vec<&str> = page.iter().map(|r| r.id.as_str()).collect();
    w.bulk(schema::request_order_facts("id IN (SELECT value FROM jsonb_each(?1))"), &ids)
}

fn put_bills(w: &mut Writes, page: &[FeedBill]) -> Result<(), StoreError> {
    let mut rows = Vec::with_capacity(page.len());
    for b in page {
        rows.push((
            &b.bill_id,
            &b.period,
            &b.bill_date,
            &b.send_by,
            &b.sign_off_by,
            &b.payment_by,
            b.order_count,
            fen("bill amount", b.amount)?,
            fen("platform fee", b.platform_fee)?,
            fen("merchant share", b.merchant_share)?,
            name(&b.status),
            b.seq as i64,
        ));
    }
    w.bulk(
        upsert(
            "bills",
            &[
                "bill_id",
                "period",
                "bill_date",
                "send_by",
                "sign_off_by",
                "payment_by",
                "order_count",
                "amount_fen",
                "platform_fee_fen",
                "merchant_share_fen",
                "status",
                "seq",
            ],
            &[],
        ),
        &rows,
    )
}

fn parse<T: DeserializeOwned>(kind: Kind, body: &[u8]) -> Result<Page<T>, StoreError> {
    serde_json::from_slice(body).map_err(|e| StoreError::BadFeedData {
        what: "a page that is not valid feed JSON",
        detail: format!("{}: {e}", kind.path()),
    })
}

/// A feed page parsed and turned into statements, ready to write: [`parse_page`] does the work that needs no
/// database (and can run on another thread), [`Store::apply_parsed`] writes it.
#[derive(Debug)]
pub struct ParsedPage {
    kind: Kind,
    items: usize,
    next_cursor: String,
    has_more: bool,
    writes: Writes,
}

impl ParsedPage {
    /// How many items the page holds.
    pub fn items(&self) -> usize {
        self.items
    }

    /// The cursor of the page after this one, if the feed has more.
    pub fn next(&self) -> Option<&str> {
        self.has_more.then_some(self.next_cursor.as_str())
    }
}

fn parse_items<T: DeserializeOwned>(
    kind: Kind,
    body: &[u8],
    put: impl FnOnce(&mut Writes, &[T]) -> Result<(), StoreError>,
) -> Result<ParsedPage, StoreError> {
    let page: Page<T> = parse(kind, body)?;
    let mut writes = Writes::default();
    put(&mut writes, &page.items)?;
    Ok(ParsedPage { kind, items: page.items.len(), next_cursor: page.next_cursor, has_more: page.has_more, writes })
}

/// Parses a page (already checked against its Body-Sign) into the statements that write it.
pub fn parse_page(kind: Kind, body: &[u8]) -> Result<ParsedPage, StoreError> {
    match kind {
        Kind::Orders => parse_items(kind, body, put_orders),
        Kind::Supervision => parse_items(kind, body, put_flows),
        Kind::Unsubscriptions => parse_items(kind, body, put_unsubscriptions),
        Kind::InvoiceRequests => parse_items(kind, body, put_invoice_requests),
        Kind::Bills => parse_items(kind, body, put_bills),
    }
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
        self.apply_parsed(&parse_page(kind, body)?, now_ts)
    }

    /// Writes a parsed page and its cursor in one transaction, all or nothing.
    pub fn apply_parsed(&mut self, page: &ParsedPage, now_ts: i64) -> Result<Applied, StoreError> {
        self.apply_parsed_pages(std::slice::from_ref(page), now_ts)
    }

    /// The first order the pages refer to that this store does not have, if any.
    pub fn first_unknown_order(&self, pages: &[ParsedPage]) -> Result<Option<String>, StoreError> {
        for ids in pages.iter().flat_map(|p| &p.writes.requires) {
            let missing: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT value FROM json_each(?1) WHERE NOT EXISTS (SELECT 1 FROM orders WHERE order_id = value) \
                     LIMIT 1",
                )?
                .query_row([ids], |r| r.get(0))
                .optional()?;
            if missing.is_some() {
                return Ok(missing);
            }
        }
        Ok(None)
    }

    /// Writes consecutive pages of one feed in one transaction with the last page's cursor, all or nothing: what
    /// a crash leaves is the store before them or after all of them, never a page without its cursor.
    ///
    /// One commit for several pages writes each b-tree page they share once instead of once per feed page: the
    /// sync writes together the pages that arrived while it was writing (docs/performance.md, "Sync").
    pub fn apply_parsed_pages(&mut self, pages: &[ParsedPage], now_ts: i64) -> Result<Applied, StoreError> {
        let Some(last) = pages.last() else {
            return Err(StoreError::BadFeedData { what: "a write of no pages", detail: "nothing to apply".into() });
        };
        if let Some(other) = pages.iter().find(|p| p.kind != last.kind) {
            return Err(StoreError::BadFeedData {
                what: "pages of two feeds in one write",
                detail: format!("{} and {}", other.kind.path(), last.kind.path()),
            });
        }
        let tx = self.write()?;
        for page in pages {
            for ids in &page.writes.requires {
                require_orders(&tx, ids)?;
            }
            for (sql, rows) in &page.writes.statements {
                tx.prepare_cached(sql)?.execute([rows])?;
            }
        }
        if last.kind == Kind::Orders {
            tx.execute_batch(schema::REBUILD_ORDER_TOTALS)?;
        }
        tx.prepare_cached(
            "INSERT INTO sync_cursors VALUES (?1, ?2, ?3)
             ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, updated_ts = excluded.updated_ts",
        )?
        .execute(params![last.kind.path(), last.next_cursor, now_ts])?;
        tx.commit()?;
        Ok(Applied {
            items: pages.iter().map(|p| p.items).sum(),
            next_cursor: last.next_cursor.clone(),
            has_more: last.has_more,
        })
    }
}

/// The feed's interface-health view (already checked against its Body-Sign) as the store keeps it [KG §7]. A view
/// that breaks its own rules (a negative count, a month that is not `YYYY-MM`, a dial test at no time) is refused
/// as bad feed data, naming the field; the stored view is left as it was.
pub fn parse_interface_health(body: &[u8]) -> Result<crate::interface_health::HealthSnapshot, StoreError> {
    use koodesk_protocol::interface_health::InterfaceHealth;
    let bad = |what: &'static str, detail: String| StoreError::BadFeedData { what, detail };
    let h: InterfaceHealth =
        serde_json::from_slice(body).map_err(|e| bad("an interface-health view that does not parse", e.to_string()))?;
    let count = |what: &'static str, n: i64| {
        if n < 0 {
            Err(bad(what, format!("{n} is negative; a count is 0 or more")))
        } else {
            Ok(n)
        }
    };
    let month_ok =
        h.period.len() == 7 && chrono::NaiveDate::parse_from_str(&format!("{}-01", h.period), "%Y-%m-%d").is_ok();
    if !month_ok {
        return Err(bad("interface-health period", format!("`{}` is not a month written YYYY-MM", h.period)));
    }
    let r = &h.replies;
    if r.slow_ms <= 0 || r.timeout_ms <= 0 {
        return Err(bad(
            "interface-health replies",
            format!("thresholds {} / {} ms must be positive", r.slow_ms, r.timeout_ms),
        ));
    }
    let last_dial_test = h
        .last_dial_test
        .as_ref()
        .map(|d| {
            Ok::<_, StoreError>((
                ts("interface-health last_dial_test.at", &d.at)?,
                d.activity.clone(),
                d.result_code.clone(),
            ))
        })
        .transpose()?;
    let mut products = Vec::with_capacity(h.products.len());
    for p in &h.products {
        products.push((p.product_id.clone(), count("interface-health products[].failed_orders", p.failed_orders)?));
    }
    let mut refused = Vec::with_capacity(h.refused.len());
    for (reason, n) in &h.refused {
        refused.push((reason.clone(), count("interface-health refused", *n)?));
    }
    let mut pending = Vec::with_capacity(h.enrichment.pending.len());
    for p in &h.enrichment.pending {
        ts("interface-health enrichment.pending[].first_call_at", &p.first_call_at)?;
        pending.push(crate::interface_health::PendingDetails {
            order_id: p.order_id.clone(),
            order_line_id: p.order_line_id.clone(),
            instance_id: p.instance_id.clone(),
            first_call_at: p.first_call_at.clone(),
            attempts: count("interface-health enrichment.pending[].attempts", p.attempts)?,
            last_error: p.last_error.clone(),
        });
    }
    Ok(crate::interface_health::HealthSnapshot {
        calls: count("interface-health calls", h.calls)?,
        failed_orders: count("interface-health failed_orders", h.failed_orders)?,
        delisting_line: count("interface-health delisting_line", h.delisting_line)?,
        period: h.period,
        products,
        slow_ms: r.slow_ms,
        timeout_ms: r.timeout_ms,
        slow_replies: count("interface-health replies.slow", r.slow)?,
        timed_out: count("interface-health replies.timed_out", r.timed_out)?,
        slowest_ms: r.slowest_ms.map(|n| count("interface-health replies.slowest_ms", n)).transpose()?,
        last_dial_test,
        refused_total: count("interface-health refused_total", h.refused_total)?,
        refused,
        enrichment_configured: h.enrichment.configured,
        enrichment_backlog: count("interface-health enrichment.backlog", h.enrichment.backlog)?,
        pending,
    })
}
