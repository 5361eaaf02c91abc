//! Invoices drafted from orders the seller chooses — several orders of one buyer, with no KooGallery request —
//! and what the drafting form needs: the buyers, each buyer's orders with whether each may be invoiced (and why
//! not), a preview with live totals, saving a batch's drafts, and discarding a draft [KG §2].
//!
//! The rules are those of a request: one draft per tax rate, the full order amounts, no order Huawei Cloud
//! invoices, none with an unsubscription awaiting review, 专票 only for an enterprise. Beyond them, an order is on
//! at most one live invoice: a batch may not take an order already on a draft or an issued invoice (unless a red
//! letter against it was issued), nor one the buyer asked KooGallery to invoice — that request is drafted instead.
//! A batch's 7-day clock runs from when it was first drafted. KooGallery is not told of a batch: it has no request
//! to close.

use crate::{Problem, Rule};
use koodesk_domain::invoice::{InvoiceKind, Medium};
use koodesk_domain::invoice_draft::{self, Buyer, Draft, Request};
use koodesk_domain::money::Cny;
use koodesk_domain::time::{self, Instant};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::browse::at;
use crate::db::Store;
use crate::error::StoreError;
use crate::invoicing::{already_on, check_not_invoiced_elsewhere, live_invoice_of, save_drafts, InvoiceRecord, Source};

/// What the seller chose to invoice together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OrderChoice {
    /// The batch to redraft; none for a new batch.
    #[serde(default)]
    pub batch_id: Option<String>,
    pub order_ids: Vec<String>,
    /// `ordinary` (普票) or `special` (专票).
    pub kind: String,
    /// `fully-digital`, `electronic` or `paper`.
    pub medium: String,
}

/// A buyer the form can pick, with how many orders they have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InvoiceBuyer {
    pub buyer_id: String,
    pub name: String,
    /// `person` or `enterprise`.
    pub kind: String,
    pub taxpayer_id: Option<String>,
    pub orders: u32,
}

/// One of a buyer's orders as the form lists it: `blocked` says why it cannot be chosen, if it cannot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OrderToInvoice {
    pub order_id: String,
    pub created_at: String,
    pub product_name: String,
    #[ts(type = "string")]
    pub amount: Cny,
    /// The VAT rates of its lines, e.g. `["0.06"]`.
    pub rates: Vec<String>,
    pub status: String,
    pub blocked: Option<String>,
}

fn parse_choice(c: &OrderChoice) -> Result<(InvoiceKind, Medium), StoreError> {
    let kind = match c.kind.as_str() {
        "ordinary" => InvoiceKind::Ordinary,
        "special" => InvoiceKind::Special,
        other => {
            return Err(StoreError::Invalid(Problem::new(
                "kind",
                Rule::OneOf,
                format!("kind `{other}`: ordinary (普票) or special (专票)"),
            )))
        }
    };
    let medium = match c.medium.as_str() {
        "fully-digital" => Medium::FullyDigital,
        "electronic" => Medium::Electronic,
        "paper" => Medium::Paper,
        other => {
            return Err(StoreError::Invalid(Problem::new(
                "medium",
                Rule::OneOf,
                format!("medium `{other}`: fully-digital, electronic or paper"),
            )))
        }
    };
    Ok((kind, medium))
}

impl Store {
    /// Buyers whose name contains `query` (or whose ID is `query`), by name, at most `limit`.
    pub fn invoice_buyers_matching(&self, query: &str, limit: i64) -> Result<Vec<InvoiceBuyer>, StoreError> {
        let q = query.trim();
        let pattern = format!("%{}%", crate::browse::like_escape(q));
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.buyer_id, b.name, b.kind, b.taxpayer_id,
                    (SELECT count(*) FROM orders o WHERE o.buyer_id = b.buyer_id)
               FROM buyers b WHERE b.buyer_id = ?1 OR b.name LIKE ?2 ESCAPE '\\'
              ORDER BY b.buyer_id <> ?1, b.name, b.buyer_id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![q, pattern, limit.clamp(1, 200)], |r| {
            Ok(InvoiceBuyer {
                buyer_id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                taxpayer_id: r.get(3)?,
                orders: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// A buyer's orders, newest first (at most `limit`), each saying whether it may go on a new batch and why not.
    pub fn orders_to_invoice(&self, buyer_id: &str, limit: i64) -> Result<Vec<OrderToInvoice>, StoreError> {
        let heads = self
            .conn
            .prepare_cached(
                "SELECT o.order_id, p.name, o.status FROM orders o JOIN products p ON p.product_id = o.product_id
                  WHERE o.buyer_id = ?1 ORDER BY o.created_ts DESC, o.order_id LIMIT ?2",
            )?
            .query_map(params![buyer_id, limit.clamp(1, 2000)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let ids: Vec<String> = heads.iter().map(|h| h.0.clone()).collect();
        let sources = self.source_orders(&ids)?;
        let mut out = Vec::with_capacity(heads.len());
        for ((order_id, product_name, status), (order, _)) in heads.into_iter().zip(sources) {
            let mut rates: Vec<String> = order.lines.iter().map(|l| l.rate.normalize().to_string()).collect();
            rates.sort();
            rates.dedup();
            let blocked = self.blocked(&order)?;
            out.push(OrderToInvoice {
                created_at: time::format_rfc3339(&order.created_at),
                amount: order.amount,
                order_id,
                product_name,
                rates,
                status,
                blocked,
            });
        }
        Ok(out)
    }

    /// Why an order cannot go on a new batch: a rule of [KG §2], a live invoice, or a KooGallery request.
    fn blocked(&self, order: &invoice_draft::SourceOrder) -> Result<Option<String>, StoreError> {
        if let Err(e) = invoice_draft::check_order(order) {
            return Ok(Some(e.to_string()));
        }
        if let Some((id, state, number)) = live_invoice_of(&self.conn, &order.order_id, None)? {
            return Ok(Some(already_on(&order.order_id, &id, &state, number.as_deref())));
        }
        if let Some(request) = self.request_of(&order.order_id)? {
            return Ok(Some(asked_through_koogallery(&order.order_id, &request)));
        }
        Ok(None)
    }

    fn request_of(&self, order_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT request_id FROM invoice_request_orders WHERE order_id = ?1 LIMIT 1")?
            .query_row([order_id], |r| r.get(0))
            .optional()?)
    }

    /// The request the rules draft from: the chosen orders of one buyer, the buyer's title from the store (the
    /// seller's buyer list fills the taxpayer ID, address and bank it lacks).
    fn batch_source(&self, choice: &OrderChoice, id: &str, requested_at: Instant) -> Result<Request, StoreError> {
        let (kind, medium) = parse_choice(choice)?;
        let mut ids: Vec<String> =
            choice.order_ids.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Err(StoreError::Invalid(Problem::new(
                "order_ids",
                Rule::Required,
                "order_ids: choose at least one order to invoice",
            )));
        }
        let orders = self.source_orders(&ids)?;
        let buyer_id = orders[0].1.clone();
        if let Some((o, other)) = orders.iter().find(|(_, b)| *b != buyer_id) {
            return Err(StoreError::Invalid(Problem::new("order_ids", Rule::Rule, format!(
                "order_ids: order {} is of buyer {other}, order {} of buyer {buyer_id}; one invoice is made out to one buyer",
                o.order_id, orders[0].0.order_id
            ))));
        }
        for (o, _) in &orders {
            if let Some(request) = self.request_of(&o.order_id)? {
                return Err(StoreError::Invalid(Problem::new(
                    "order_ids",
                    Rule::Rule,
                    asked_through_koogallery(&o.order_id, &request),
                )));
            }
        }
        let (name, buyer_kind, taxpayer_id): (String, String, Option<String>) = self.conn.query_row(
            "SELECT name, kind, taxpayer_id FROM buyers WHERE buyer_id = ?1",
            [&buyer_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let listed = self.buyer_entry(&name)?;
        let buyer = Buyer {
            enterprise: buyer_kind == "enterprise",
            taxpayer_id: taxpayer_id.or_else(|| listed.as_ref().and_then(|b| b.taxpayer_id.clone())),
            address: listed.as_ref().and_then(|b| b.address.clone()),
            bank: listed.as_ref().and_then(|b| b.bank.clone()),
            title: name,
        };
        let orders: Vec<_> = orders.into_iter().map(|(o, _)| o).collect();
        Ok(Request {
            id: id.to_string(),
            requested_at,
            kind,
            medium,
            buyer,
            amount: orders.iter().map(|o| o.amount).sum::<Cny>(),
            orders,
        })
    }

    /// The drafts the chosen orders would make, with their totals and capitals, without saving anything.
    pub fn preview_orders(&self, choice: &OrderChoice, now: Instant) -> Result<Vec<Draft>, StoreError> {
        let id = choice.batch_id.clone().unwrap_or_else(|| "preview".into());
        let requested_at = match &choice.batch_id {
            Some(b) => self.batch_started(b)?.unwrap_or(now),
            None => now,
        };
        let req = self.batch_source(choice, &id, requested_at)?;
        let drafts = invoice_draft::draft(&req, &self.tax_code_table()?)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        let source = Source::Batch(&id);
        check_not_invoiced_elsewhere(&self.conn, req.orders.iter().map(|o| o.order_id.as_str()), source)?;
        Ok(drafts)
    }

    /// Drafts the chosen orders and saves the drafts as a batch (`M` + Beijing date + `-` + number), or redrafts
    /// the batch named in the choice.
    pub fn draft_orders(&mut self, choice: &OrderChoice, now: Instant) -> Result<Vec<InvoiceRecord>, StoreError> {
        let started = match &choice.batch_id {
            Some(b) => Some(self.batch_started(b)?.ok_or_else(|| StoreError::NotFound(format!("invoice batch {b}")))?),
            None => None,
        };
        let req = self.batch_source(choice, "", started.unwrap_or(now))?;
        let mut drafts = invoice_draft::draft(&req, &self.tax_code_table()?)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        // Numbering, the one-live-invoice check and the save in one writer's transaction.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = match &choice.batch_id {
            Some(b) => b.clone(),
            None => next_batch_id(&tx, now)?,
        };
        for d in &mut drafts {
            d.request_id = id.clone();
        }
        let source = Source::Batch(&id);
        check_not_invoiced_elsewhere(&tx, req.orders.iter().map(|o| o.order_id.as_str()), source)?;
        save_drafts(&tx, &drafts, source, now)?;
        tx.commit()?;
        self.invoices_of_batch(&id)
    }

    /// When a batch was first drafted (its 7-day clock starts there).
    fn batch_started(&self, batch_id: &str) -> Result<Option<Instant>, StoreError> {
        let ts: Option<i64> = self.conn.query_row(
            "SELECT min(created_ts) FROM invoices WHERE batch_id = ?1 AND red_of IS NULL",
            [batch_id],
            |r| r.get(0),
        )?;
        Ok(ts.map(at))
    }

    /// The invoices of a batch, red letters included.
    pub fn invoices_of_batch(&self, batch_id: &str) -> Result<Vec<InvoiceRecord>, StoreError> {
        self.invoices_where("batch_id = ?1 ORDER BY CAST(rate AS REAL), id", params![batch_id])
    }

    /// Invoices drafted from chosen orders, newest batch first, at most `limit`.
    pub fn batch_invoices(&self, limit: i64) -> Result<Vec<InvoiceRecord>, StoreError> {
        self.invoices_where(
            "batch_id IS NOT NULL ORDER BY batch_id DESC, CAST(rate AS REAL), id LIMIT ?1",
            params![limit.clamp(1, 10_000)],
        )
    }

    /// Discards a draft (never an issued invoice): its orders are free to invoice again.
    pub fn discard_draft(&mut self, id: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let state: Option<String> =
            tx.query_row("SELECT state FROM invoices WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        match state.as_deref() {
            None => return Err(StoreError::NotFound(format!("invoice {id}"))),
            Some("issued") => {
                return Err(StoreError::Invalid(Problem::new(
                    "invoice",
                    Rule::AlreadyDone,
                    format!(
                        "invoice {id} is issued: an issued invoice is never discarded; raise a red letter against it"
                    ),
                )))
            }
            Some(_) => {}
        }
        tx.execute("DELETE FROM invoices WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}

/// The next batch ID of the Beijing day: `M20261130-001`, `M20261130-002`, …
fn next_batch_id(conn: &rusqlite::Connection, now: Instant) -> Result<String, StoreError> {
    let prefix = format!("M{}-", time::business_date(&now).format("%Y%m%d"));
    let last: Option<String> =
        conn.query_row("SELECT max(batch_id) FROM invoices WHERE batch_id LIKE ?1 || '%'", [&prefix], |r| r.get(0))?;
    let n = last.and_then(|l| l.get(prefix.len()..).and_then(|s| s.parse::<u32>().ok())).unwrap_or(0) + 1;
    Ok(format!("{prefix}{n:03}"))
}

/// Why an order a KooGallery invoice request covers does not go on a batch.
fn asked_through_koogallery(order_id: &str, request: &str) -> String {
    format!(
        "order {order_id}: the buyer asked KooGallery for its invoice (request {request}); draft that request instead"
    )
}
