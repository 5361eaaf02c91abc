//! The Seller Console's exports written into the store (`REAL-DATA.md` §2): imported orders beside the synced
//! ones, and the transactions, bills and bill lines as the console shows them.
//!
//! Rows are keyed on 订单号 (+ 订单项ID when the file has one): importing the same or an overlapping file again
//! updates what changed and duplicates nothing, and an import never deletes. An order a feed or a lookup already
//! brought is the marketplace's own record and is left as it is (counted unchanged); a later feed row replaces an
//! imported one (the feed's `seq` is always above an import's 0). One file is one `BEGIN IMMEDIATE` transaction:
//! all of it is written or none.

use crate::{Problem, Rule};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{BillLineRecord, BillRecord, OrderRecord, Records, TransactionRecord};
use std::collections::{BTreeMap, HashMap};

use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;
use crate::schema;

/// Where an order in the store came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum OrderSource {
    /// The sandbox's feed (the demo).
    Sandbox,
    /// A KooDesk Gateway's feed: the seller's production interface.
    Gateway,
    /// An import of the Seller Console's order list.
    Import,
    /// An `order/query` lookup through the open API.
    Lookup,
}

impl OrderSource {
    pub const ALL: &'static [OrderSource] =
        &[OrderSource::Sandbox, OrderSource::Gateway, OrderSource::Import, OrderSource::Lookup];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderSource::Sandbox => "sandbox",
            OrderSource::Gateway => "gateway",
            OrderSource::Import => "import",
            OrderSource::Lookup => "lookup",
        }
    }

    pub fn parse(s: &str) -> Result<OrderSource, StoreError> {
        OrderSource::ALL.iter().copied().find(|o| o.as_str() == s.trim()).ok_or_else(|| {
            StoreError::Invalid(Problem::new(
                "source",
                Rule::OneOf,
                format!("source `{s}`: expected sandbox, gateway, import or lookup"),
            ))
        })
    }
}

/// What an import did, row by row: a row is `imported` when its key was new, `updated` when it changed what was
/// stored, `unchanged` otherwise — including a row for an order a feed or a lookup already holds, which an import
/// never overwrites.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub imported: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl ImportCounts {
    fn count(&mut self, existed: bool, changed: bool) {
        match (existed, changed) {
            (false, _) => self.imported += 1,
            (true, true) => self.updated += 1,
            (true, false) => self.unchanged += 1,
        }
    }
}

/// One order line as `koodesk orders` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderListing {
    pub order_id: String,
    pub order_line_id: String,
    /// RFC 3339, Beijing time.
    pub created_at: String,
    pub buyer: String,
    pub product: String,
    pub access_type: String,
    pub billing_mode: String,
    pub amount: Cny,
    pub status: String,
    pub source: String,
}

fn fen(what: &str, c: Cny) -> Result<i64, StoreError> {
    c.to_fen()
        .ok_or_else(|| StoreError::Invalid(Problem::new(what, Rule::OutOfRange, format!("{what} {c}: out of range"))))
}

fn opt_fen(what: &str, c: Option<Cny>) -> Result<Option<i64>, StoreError> {
    c.map(|c| fen(what, c)).transpose()
}

/// Whether an order written from `new` may replace one stored from `stored`: a feed's order is the marketplace's
/// record and only its feed moves it; a lookup (`order/query`) replaces an import, never the reverse.
fn replaces(new: OrderSource, stored: &str) -> bool {
    stored == new.as_str() || (new == OrderSource::Lookup && stored == OrderSource::Import.as_str())
}

/// An order as stored: (source, order_type, created_ts, product_id, buyer_id, status, paid_ts).
type StoredOrder = (String, String, i64, String, String, String, Option<i64>);
/// An order line as stored: (order_id, product_id, amount_fen, sku).
type StoredLine = (String, String, i64, Option<String>);

/// Writes orders in a few statements whatever their number: what is stored for them is read first (two queries),
/// compared row by row here, and only what is new or changed is written, each table in one bulk statement (rows
/// as a JSON array read with `jsonb_each`, as the feed's pages are).
fn write_orders(
    tx: &Transaction<'_>,
    rows: &[OrderRecord],
    now_ts: i64,
    source: OrderSource,
) -> Result<ImportCounts, StoreError> {
    let order_ids: Vec<&str> = rows.iter().map(|r| r.order_id.as_str()).collect();
    let line_ids: Vec<&str> = rows.iter().map(|r| r.order_line_id.as_deref().unwrap_or(&r.order_id)).collect();
    let mut stored_orders: HashMap<String, StoredOrder> = HashMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT order_id, source, order_type, created_ts, product_id, buyer_id, status, paid_ts FROM orders
              WHERE order_id IN (SELECT value FROM json_each(?1))",
        )?;
        let found = stmt.query_map([json(&order_ids)?], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
        })?;
        for f in found {
            let (id, o): (String, StoredOrder) = f?;
            stored_orders.insert(id, o);
        }
    }
    let mut stored_lines: HashMap<String, StoredLine> = HashMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT order_line_id, order_id, product_id, amount_fen, sku FROM order_lines
              WHERE order_line_id IN (SELECT value FROM json_each(?1))
                 OR order_id IN (SELECT value FROM json_each(?2))",
        )?;
        let found = stmt.query_map([json(&line_ids)?, json(&order_ids)?], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        })?;
        for f in found {
            let (id, l): (String, StoredLine) = f?;
            stored_lines.insert(id, l);
        }
    }

    let mut counts = ImportCounts::default();
    let mut products: BTreeMap<String, (String, koodesk_domain::catalog::AccessType, &str)> = BTreeMap::new();
    let mut buyers: BTreeMap<String, String> = BTreeMap::new();
    let mut orders: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
    let mut lines: BTreeMap<&str, serde_json::Value> = BTreeMap::new();
    let mut replaced: Vec<&str> = Vec::new();
    let mut refunded: Vec<&str> = Vec::new();
    for (r, line_id) in rows.iter().zip(&line_ids) {
        let stored = stored_orders.get(&r.order_id);
        if stored.is_some_and(|o| !replaces(source, &o.0)) {
            counts.unchanged += 1;
            continue;
        }
        let replacing = stored.is_some_and(|o| o.0 != source.as_str());
        if replacing {
            // A lookup replacing an import: the order's lines are the ones `order/query` names.
            replaced.push(&r.order_id);
        }
        let product_key = r.product_id.as_deref().unwrap_or(&r.product_name);
        let product_id = format!("import:{product_key}|{}|{}", r.access_type.as_str(), r.billing_mode.as_str());
        products.insert(product_id.clone(), (r.product_name.clone(), r.access_type, r.billing_mode.as_str()));
        let buyer_id = match (&r.buyer_account, &r.buyer_name) {
            (Some(account), _) => format!("import:{account}"),
            (None, Some(name)) => format!("import:name:{name}"),
            (None, None) => "import:".to_string(),
        };
        let buyer_name = r.buyer_name.as_deref().or(r.buyer_account.as_deref()).unwrap_or("");
        buyers.insert(buyer_id.clone(), buyer_name.to_string());
        let stored_line = stored_lines.get(*line_id);
        if let Some(other) = stored_line.map(|l| &l.0).filter(|o| **o != r.order_id) {
            return Err(StoreError::Invalid(Problem::new(
                "order",
                Rule::Duplicate,
                format!(
                "order {}: its line {line_id} is already stored for order {other}; an order line belongs to one order",
                r.order_id
            ),
            )));
        }
        let amount = fen("amount", r.amount)?;
        let paid_ts = r.paid_at.map(|t| t.timestamp());
        let order = (
            source.as_str().to_string(),
            r.order_type.as_str().to_string(),
            r.created_at.timestamp(),
            product_id.clone(),
            buyer_id.clone(),
            r.status.as_str().to_string(),
            paid_ts,
        );
        let order_changed = stored != Some(&order);
        let line = (r.order_id.clone(), product_id.clone(), amount, r.sku.clone());
        let line_changed = replacing || stored_line != Some(&line);
        if order_changed || line_changed {
            orders.insert(
                &r.order_id,
                serde_json::json!([
                    r.order_id, order.1, order.2, order.3, order.4, amount, order.5, order.6, order.0, now_ts
                ]),
            );
        }
        if line_changed {
            lines.insert(line_id, serde_json::json!([line_id, r.order_id, product_id, amount, r.sku]));
        }
        if r.status == koodesk_domain::seller_export::OrderState::Refunded {
            refunded.push(&r.order_id);
        }
        counts.count(stored_line.is_some() && !replacing, order_changed || line_changed);
    }
    // Access types that are always supervised (manual service, hardware, License, …) are marked so [KG §3, §4];
    // SaaS, whose supervision is the product's choice, is not — a step recorded for its order says it is.
    let products: Vec<_> = products
        .into_iter()
        .map(|(id, (name, a, b))| {
            let supervised = koodesk_domain::refund::supervision_of(a) == Some(true);
            serde_json::json!([id, name, a.as_str(), b, supervised])
        })
        .collect();
    let buyers: Vec<_> = buyers.into_iter().map(|(id, name)| serde_json::json!([id, name])).collect();
    let orders: Vec<_> = orders.into_values().collect();
    let lines: Vec<_> = lines.into_values().collect();
    let touched: Vec<&str> = orders.iter().filter_map(|o| o[0].as_str()).collect();
    // What the order list does not say is not guessed into the product: its channel is the general one (a
    // joint-operation product comes with the feed).
    let statements: [(&str, String); 8] = [
        ("DELETE FROM order_lines WHERE order_id IN (SELECT value FROM json_each(?1))", json(&replaced)?),
        (
            "INSERT INTO products (product_id, name, access_type, billing_mode, supervised, product_type, channel)
             SELECT value->>0, value->>1, value->>2, value->>3, value->>4, NULL, 'general' FROM jsonb_each(?1) WHERE true
             ON CONFLICT (product_id) DO UPDATE SET name = excluded.name WHERE products.name <> excluded.name",
            json(&products)?,
        ),
        (
            "INSERT INTO buyers (buyer_id, name, kind, taxpayer_id)
             SELECT value->>0, value->>1, 'unknown', NULL FROM jsonb_each(?1) WHERE true
             ON CONFLICT (buyer_id) DO UPDATE SET name = excluded.name WHERE buyers.name <> excluded.name",
            json(&buyers)?,
        ),
        (
            "INSERT INTO orders (order_id, order_type, created_ts, product_id, buyer_id, amount_fen, status, seq,
                                 paid_ts, source, imported_ts)
             SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, 0, value->>7,
                    value->>8, value->>9 FROM jsonb_each(?1) WHERE true
             ON CONFLICT (order_id) DO UPDATE SET
                 order_type = excluded.order_type, created_ts = excluded.created_ts,
                 product_id = excluded.product_id, buyer_id = excluded.buyer_id, status = excluded.status,
                 paid_ts = excluded.paid_ts, imported_ts = excluded.imported_ts, source = excluded.source",
            json(&orders)?,
        ),
        (
            "INSERT INTO order_lines (order_line_id, order_id, product_id, amount_fen, sku)
             SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM jsonb_each(?1) WHERE true
             ON CONFLICT (order_line_id) DO UPDATE SET
                 product_id = excluded.product_id, amount_fen = excluded.amount_fen, sku = excluded.sku",
            json(&lines)?,
        ),
        // An order's amount is the sum of its lines (one line when the file has no 订单项ID).
        (
            "UPDATE orders SET amount_fen = t.total
               FROM (SELECT l.order_id, sum(l.amount_fen) AS total FROM order_lines l
                      WHERE l.order_id IN (SELECT value FROM json_each(?1)) GROUP BY l.order_id) t
              WHERE orders.order_id = t.order_id AND orders.amount_fen <> t.total",
            json(&touched)?,
        ),
        (
            "UPDATE supervision_flows SET order_refunded = 1 WHERE order_id IN (SELECT value FROM json_each(?1))",
            json(&refunded)?,
        ),
        (schema::REBUILD_ORDER_TOTALS, String::new()),
    ];
    for (sql, rows) in statements {
        if rows.is_empty() {
            tx.execute_batch(sql)?;
        } else if rows != "[]" {
            tx.prepare_cached(sql)?.execute([rows])?;
        }
    }
    Ok(counts)
}

/// Rows as one JSON text, for `json_each` / `jsonb_each`.
fn json<T: serde::Serialize + ?Sized>(rows: &T) -> Result<String, StoreError> {
    serde_json::to_string(rows)
        .map_err(|e| StoreError::Invalid(Problem::new("rows", Rule::Rule, format!("rows that cannot be written: {e}"))))
}

fn import_transactions(
    tx: &Transaction<'_>,
    rows: &[TransactionRecord],
    now_ts: i64,
) -> Result<ImportCounts, StoreError> {
    let mut counts = ImportCounts::default();
    for r in rows {
        let line = r.order_line_id.as_deref().unwrap_or("");
        let existed = tx
            .prepare_cached("SELECT 1 FROM seller_transactions WHERE order_id = ?1 AND order_line_id = ?2")?
            .query_row([&r.order_id, line], |_| Ok(()))
            .optional()?
            .is_some();
        let changed =
            tx.prepare_cached(
                "INSERT INTO seller_transactions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (order_id, order_line_id) DO UPDATE SET
                     product_name = excluded.product_name, buyer_account = excluded.buyer_account,
                     created_ts = excluded.created_ts, amount_fen = excluded.amount_fen, period = excluded.period,
                     bill_status = excluded.bill_status, supervision_status = excluded.supervision_status,
                     repayment_status = excluded.repayment_status, imported_ts = excluded.imported_ts
                 WHERE (product_name, buyer_account, created_ts, amount_fen, period, bill_status, supervision_status,
                        repayment_status)
                       IS NOT (excluded.product_name, excluded.buyer_account, excluded.created_ts,
                               excluded.amount_fen, excluded.period, excluded.bill_status,
                               excluded.supervision_status, excluded.repayment_status)",
            )?
            .execute(params![
                r.order_id,
                line,
                r.product_name,
                r.buyer_account,
                r.created_at.map(|t| t.timestamp()),
                fen("amount", r.amount)?,
                r.period.map(|p| p.to_string()),
                r.bill_status.map(|s| s.as_str()),
                r.supervision_status,
                r.repayment_status,
                now_ts
            ])? > 0;
        counts.count(existed, changed);
    }
    Ok(counts)
}

fn import_bills(tx: &Transaction<'_>, rows: &[BillRecord], now_ts: i64) -> Result<ImportCounts, StoreError> {
    let mut counts = ImportCounts::default();
    for r in rows {
        let key = r.bill_id.clone().unwrap_or_else(|| r.period.to_string());
        let existed = tx
            .prepare_cached("SELECT 1 FROM seller_bills WHERE bill_key = ?1")?
            .query_row([&key], |_| Ok(()))
            .optional()?
            .is_some();
        let changed =
            tx.prepare_cached(
                "INSERT INTO seller_bills VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (bill_key) DO UPDATE SET
                     bill_id = excluded.bill_id, period = excluded.period, amount_fen = excluded.amount_fen,
                     platform_fee_fen = excluded.platform_fee_fen, merchant_share_fen = excluded.merchant_share_fen,
                     status = excluded.status, imported_ts = excluded.imported_ts
                 WHERE (bill_id, period, amount_fen, platform_fee_fen, merchant_share_fen, status)
                       IS NOT (excluded.bill_id, excluded.period, excluded.amount_fen, excluded.platform_fee_fen,
                               excluded.merchant_share_fen, excluded.status)",
            )?
            .execute(params![
                key,
                r.bill_id,
                r.period.to_string(),
                fen("amount", r.amount)?,
                opt_fen("platform fee", r.platform_fee)?,
                opt_fen("merchant share", r.merchant_share)?,
                r.status,
                now_ts
            ])? > 0;
        counts.count(existed, changed);
    }
    Ok(counts)
}

fn import_bill_lines(tx: &Transaction<'_>, rows: &[BillLineRecord], now_ts: i64) -> Result<ImportCounts, StoreError> {
    let mut counts = ImportCounts::default();
    for r in rows {
        let line = r.order_line_id.as_deref().unwrap_or("");
        let period = r.period.to_string();
        let existed = tx
            .prepare_cached(
                "SELECT 1 FROM seller_bill_lines WHERE period = ?1 AND order_id = ?2 AND order_line_id = ?3",
            )?
            .query_row([&period, &r.order_id, line], |_| Ok(()))
            .optional()?
            .is_some();
        let changed =
            tx.prepare_cached(
                "INSERT INTO seller_bill_lines VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (period, order_id, order_line_id) DO UPDATE SET
                     bill_id = excluded.bill_id, product_name = excluded.product_name,
                     amount_fen = excluded.amount_fen, platform_fee_fen = excluded.platform_fee_fen,
                     merchant_share_fen = excluded.merchant_share_fen, imported_ts = excluded.imported_ts
                 WHERE (bill_id, product_name, amount_fen, platform_fee_fen, merchant_share_fen)
                       IS NOT (excluded.bill_id, excluded.product_name, excluded.amount_fen,
                               excluded.platform_fee_fen, excluded.merchant_share_fen)",
            )?
            .execute(params![
                period,
                r.order_id,
                line,
                r.bill_id,
                r.product_name,
                fen("amount", r.amount)?,
                opt_fen("platform fee", r.platform_fee)?,
                opt_fen("merchant share", r.merchant_share)?,
                now_ts
            ])? > 0;
        counts.count(existed, changed);
    }
    Ok(counts)
}

impl Store {
    /// Writes one file's records in one transaction; with `dry_run` the transaction is rolled back, so the counts
    /// say what the import would do and nothing changes.
    pub fn import_records(
        &mut self,
        records: &Records,
        now_ts: i64,
        dry_run: bool,
    ) -> Result<ImportCounts, StoreError> {
        let tx = self.write()?;
        let counts = match records {
            Records::Orders(rows) => write_orders(&tx, rows, now_ts, OrderSource::Import)?,
            Records::Transactions(rows) => import_transactions(&tx, rows, now_ts)?,
            Records::Bills(rows) => import_bills(&tx, rows, now_ts)?,
            Records::BillLines(rows) => import_bill_lines(&tx, rows, now_ts)?,
        };
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(counts)
    }

    /// Writes what `order/query` said about orders (source `lookup`), in one transaction: it replaces an imported
    /// order and leaves a feed's order as it is.
    pub fn record_lookups(&mut self, orders: &[OrderRecord], now_ts: i64) -> Result<ImportCounts, StoreError> {
        let tx = self.write()?;
        let counts = write_orders(&tx, orders, now_ts, OrderSource::Lookup)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Every order line, newest first, optionally of one source: what `koodesk orders` prints.
    pub fn order_listing(&self, source: Option<OrderSource>) -> Result<Vec<OrderListing>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.order_id, l.order_line_id, o.created_ts, b.name, p.name, p.access_type, p.billing_mode,
                    l.amount_fen, o.status, o.source
               FROM orders o JOIN order_lines l ON l.order_id = o.order_id
               JOIN products p ON p.product_id = l.product_id JOIN buyers b ON b.buyer_id = o.buyer_id
              WHERE ?1 IS NULL OR o.source = ?1
              ORDER BY o.created_ts DESC, o.order_id, l.order_line_id",
        )?;
        let rows = stmt.query_map([source.map(OrderSource::as_str)], |r| {
            let created: i64 = r.get(2)?;
            Ok(OrderListing {
                order_id: r.get(0)?,
                order_line_id: r.get(1)?,
                created_at: crate::browse::rfc(created),
                buyer: r.get(3)?,
                product: r.get(4)?,
                access_type: r.get(5)?,
                billing_mode: r.get(6)?,
                amount: Cny::from_fen(r.get(7)?),
                status: r.get(8)?,
                source: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
