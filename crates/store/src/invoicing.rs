//! Invoices in the store: a request's sources for drafting, drafts saved per rate, issuing with a gap-free number
//! series, numbers recorded from the tax system, red-letter drafts, and the 税收分类编码 table [KG §2].
//!
//! Issuing runs in one `BEGIN IMMEDIATE` transaction — take the next number of the year, freeze the invoice with
//! it, queue the "issued" action for KooGallery — so numbers stay gap-free and unique across threads and
//! processes sharing the file (SQLite serialises writers; the busy timeout makes the others wait their turn).
//! Once issued, the schema's trigger refuses any change to the invoice.

use crate::{Problem, Rule};
use chrono::Datelike;
use koodesk_domain::catalog::{self, AccessType, BillingMode, TaxProduct};
use koodesk_domain::invoice::{Channel, InvoiceKind, Medium, RedLetterReason};
use koodesk_domain::invoice_draft::{self, Buyer, Draft, Request, SourceLine, SourceOrder, TaxCode, TaxCodeTable};
use koodesk_domain::money::Cny;
use koodesk_domain::tax::{self, Taxpayer};
use koodesk_domain::time::{self, Instant};
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::ActionKind;

/// The series code this build numbers with when the seller has set none (8 digits).
pub const DEFAULT_SERIES: &str = "11000000";

use crate::browse::at;

fn parse_name<T: for<'de> Deserialize<'de>>(field: &str, v: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(v.to_string()))
        .map_err(|_| StoreError::BadFeedData { what: "an unknown value", detail: format!("{field} `{v}`") })
}

/// One invoice (draft or issued) as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InvoiceRecord {
    pub id: String,
    pub request_id: Option<String>,
    /// Set when drafted from orders the seller chose rather than from a request.
    pub batch_id: Option<String>,
    /// `draft` or `issued`.
    pub state: String,
    pub number: Option<String>,
    pub issued_at: Option<String>,
    pub issued_by: Option<String>,
    pub red_of: Option<String>,
    pub red_reason: Option<String>,
    pub red_lapses_at: Option<String>,
    pub draft: Draft,
}

fn kind_str(k: InvoiceKind) -> &'static str {
    k.as_str()
}

/// A buyer in the seller's list: a domain value (the documents crate reads such lists from files).
pub use koodesk_domain::invoice_draft::BuyerEntry;

/// The 税收分类编码 key of a tax product's default, in the `tax_codes` table.
fn default_key(p: TaxProduct) -> String {
    format!("tax-product:{}", p.as_str())
}

impl Store {
    /// The request and its orders, as the drafting rules need them.
    pub fn invoice_source(&self, request_id: &str) -> Result<Request, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT requested_ts, kind, medium, amount_fen, title_kind, title_name, title_taxpayer_id, title_address,
                        title_bank
                   FROM invoice_requests WHERE id = ?1",
                [request_id],
                |r| {
                    Ok((
                        (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?),
                        (
                            r.get::<_, Option<String>>(4)?,
                            r.get::<_, Option<String>>(5)?,
                            r.get::<_, Option<String>>(6)?,
                            r.get::<_, Option<String>>(7)?,
                            r.get::<_, Option<String>>(8)?,
                        ),
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("invoice request {request_id}")))?;
        let ((requested_ts, kind, medium, amount_fen), (title_kind, title_name, taxpayer_id, address, bank)) = row;
        let kind: InvoiceKind = parse_name("kind", &kind)?;
        let medium: Medium = parse_name("medium", &medium)?;
        // A title the migration could not read (schema 9) is damaged data: reported, never guessed.
        let (Some(title_kind), Some(title_name)) = (title_kind, title_name) else {
            return Err(StoreError::Invalid(Problem::new(
                "title",
                Rule::Damaged,
                format!(
                "invoice request {request_id}: its title (抬头) is damaged in this store; sync it again from KooGallery"
            ),
            )));
        };
        let enterprise = match title_kind.as_str() {
            "enterprise" => true,
            "person" => false,
            other => {
                return Err(StoreError::Invalid(Problem::new(
                    "title.kind",
                    Rule::OneOf,
                    format!("invoice request {request_id}: title kind `{other}` is not enterprise or person"),
                )))
            }
        };
        let listed = self.buyer_entry(&title_name)?;
        let from_list = |f: fn(&BuyerEntry) -> Option<String>| listed.as_ref().and_then(f);
        let buyer = Buyer {
            enterprise,
            taxpayer_id: taxpayer_id.or_else(|| from_list(|b| b.taxpayer_id.clone())),
            address: address.or_else(|| from_list(|b| b.address.clone())),
            bank: bank.or_else(|| from_list(|b| b.bank.clone())),
            title: title_name,
        };
        let order_ids = self
            .conn
            .prepare_cached("SELECT order_id FROM invoice_request_orders WHERE request_id = ?1 ORDER BY order_id")?
            .query_map([request_id], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let orders = self.source_orders(&order_ids)?.into_iter().map(|(o, _)| o).collect();
        Ok(Request {
            id: request_id.to_string(),
            requested_at: at(requested_ts),
            kind,
            medium,
            buyer,
            amount: Cny::from_fen(amount_fen),
            orders,
        })
    }

    /// Orders as the drafting rules need them, each with its buyer's ID, in the order given.
    pub(crate) fn source_orders(&self, order_ids: &[String]) -> Result<Vec<(SourceOrder, String)>, StoreError> {
        let mut head_stmt = self.conn.prepare_cached(
            "SELECT o.created_ts, o.amount_fen, p.channel, o.buyer_id,
                    EXISTS (SELECT 1 FROM unsubscriptions u WHERE u.order_id = o.order_id AND u.status = 'pending')
               FROM orders o JOIN products p ON p.product_id = o.product_id WHERE o.order_id = ?1",
        )?;
        let mut lines_stmt = self.conn.prepare_cached(
            "SELECT l.order_line_id, l.product_id, p.name, p.access_type, p.billing_mode, l.amount_fen
               FROM order_lines l JOIN products p ON p.product_id = l.product_id
              WHERE l.order_id = ?1 ORDER BY l.order_line_id",
        )?;
        let mut orders = Vec::with_capacity(order_ids.len());
        for order_id in order_ids {
            let (created_ts, amount_fen, channel, buyer_id, pending) = head_stmt
                .query_row([order_id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, bool>(4)?,
                    ))
                })
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("order {order_id}")))?;
            let created_at = at(created_ts);
            let raw = lines_stmt
                .query_map([order_id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut lines = Vec::new();
            for (line_id, product_id, name, access, billing, fen) in raw {
                let access: AccessType = parse_name("access_type", &access)?;
                let billing: BillingMode = parse_name("billing_mode", &billing)?;
                let tax_product = catalog::tax_product(access, billing).map_err(|e| {
                    StoreError::Invalid(Problem::new("product", Rule::Rule, format!("product {product_id}: {e}")))
                })?;
                let rate = tax::rate(tax_product, Taxpayer::General, created_at.date_naive()).map_err(|e| {
                    StoreError::Invalid(Problem::new("product", Rule::Rule, format!("product {product_id}: {e}")))
                })?;
                lines.push(SourceLine {
                    order_line_id: line_id,
                    product_id,
                    product_name: name,
                    tax_product,
                    rate,
                    amount: Cny::from_fen(fen),
                });
            }
            let order = SourceOrder {
                order_id: order_id.clone(),
                created_at,
                channel: parse_name::<Channel>("channel", &channel)?,
                amount: Cny::from_fen(amount_fen),
                unsubscription_pending: pending,
                lines,
            };
            orders.push((order, buyer_id));
        }
        Ok(orders)
    }

    /// Adds or replaces buyers in the seller's list, all in one transaction; returns how many.
    pub fn import_buyers(&mut self, buyers: &[BuyerEntry]) -> Result<usize, StoreError> {
        let tx = self.write()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO invoice_buyers (title, taxpayer_id, address, bank) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (title) DO UPDATE SET taxpayer_id = excluded.taxpayer_id, address = excluded.address,
                 bank = excluded.bank",
            )?;
            for b in buyers {
                stmt.execute(params![b.title, b.taxpayer_id, b.address, b.bank])?;
            }
        }
        tx.commit()?;
        Ok(buyers.len())
    }

    /// A buyer of the list by exact title.
    pub fn buyer_entry(&self, title: &str) -> Result<Option<BuyerEntry>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT title, taxpayer_id, address, bank FROM invoice_buyers WHERE title = ?1", [title], |r| {
                Ok(BuyerEntry { title: r.get(0)?, taxpayer_id: r.get(1)?, address: r.get(2)?, bank: r.get(3)? })
            })
            .optional()?)
    }

    /// The 税收分类编码 table: the built-in defaults with the seller's overrides.
    pub fn tax_code_table(&self) -> Result<TaxCodeTable, StoreError> {
        let mut table = TaxCodeTable::default();
        let mut stmt = self.conn.prepare_cached("SELECT key, code, short_name FROM tax_codes")?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (key, code, short_name) = row?;
            let code = TaxCode { code, short_name };
            match key.strip_prefix("tax-product:") {
                Some(p) => table.defaults.insert(p.to_string(), code),
                None => table.products.insert(key, code),
            };
        }
        Ok(table)
    }

    /// Sets the code of a product (`product_id`) or of a tax product's default (`software`, `hardware`, `service`).
    pub fn set_tax_code(&mut self, key: &str, code: &str, short_name: &str) -> Result<(), StoreError> {
        let c = TaxCode::new(code, short_name)
            .map_err(|m| StoreError::Invalid(Problem::new("code", Rule::BadFormat, m)))?;
        let key = match key.parse::<TaxProduct>() {
            Ok(p) => default_key(p),
            Err(_) => key.to_string(),
        };
        self.conn.execute(
            "INSERT INTO tax_codes (key, code, short_name) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET code = excluded.code, short_name = excluded.short_name",
            params![key, c.code, c.short_name],
        )?;
        Ok(())
    }

    /// Drafts a request with the rules and saves the drafts, replacing earlier drafts of it (issued invoices stay).
    pub fn draft_request(&mut self, request_id: &str, now: Instant) -> Result<Vec<InvoiceRecord>, StoreError> {
        let source = self.invoice_source(request_id)?;
        let drafts = invoice_draft::draft(&source, &self.tax_code_table()?)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let source = Source::Request(request_id);
        check_not_invoiced_elsewhere(
            &tx,
            drafts.iter().flat_map(|d| d.lines.iter().map(|l| l.order_id.as_str())),
            source,
        )?;
        save_drafts(&tx, &drafts, source, now)?;
        tx.commit()?;
        self.invoices_of(request_id)
    }

    /// The invoices (drafts and issued, red letters included) of a request, by rate (each red letter after its
    /// original).
    pub fn invoices_of(&self, request_id: &str) -> Result<Vec<InvoiceRecord>, StoreError> {
        self.invoices_where("request_id = ?1 ORDER BY CAST(rate AS REAL), id", params![request_id])
    }

    /// Every invoice, newest first, at most `limit`.
    pub fn invoices(&self, state: Option<&str>, limit: i64) -> Result<Vec<InvoiceRecord>, StoreError> {
        self.invoices_where(
            "(?1 IS NULL OR state = ?1) ORDER BY created_ts DESC, id LIMIT ?2",
            params![state, limit.clamp(1, 100_000)],
        )
    }

    pub fn invoice(&self, id: &str) -> Result<InvoiceRecord, StoreError> {
        self.invoices_where("id = ?1", params![id])?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound(format!("invoice {id}")))
    }

    pub(crate) fn invoices_where(
        &self,
        clause: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<InvoiceRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, request_id, state, number, issued_ts, issued_by, red_of, red_reason, red_lapses_ts, document,
                    batch_id
               FROM invoices WHERE {clause}"
        ))?;
        let rows = stmt.query_map(p, |r| {
            let id: String = r.get(0)?;
            let doc: String = r.get(9)?;
            let draft = serde_json::from_str::<Draft>(&doc).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    9,
                    rusqlite::types::Type::Text,
                    format!("invoice {id}: {e}").into(),
                )
            })?;
            Ok(InvoiceRecord {
                id,
                request_id: r.get(1)?,
                batch_id: r.get(10)?,
                state: r.get(2)?,
                number: r.get(3)?,
                issued_at: r.get::<_, Option<i64>>(4)?.map(|t| time::format_rfc3339(&at(t))),
                issued_by: r.get(5)?,
                red_of: r.get(6)?,
                red_reason: r.get(7)?,
                red_lapses_at: r.get::<_, Option<i64>>(8)?.map(|t| time::format_rfc3339(&at(t))),
                draft,
            })
        })?;
        let out = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(out)
    }

    /// Issues a draft: the next number of the year in the seller's series, frozen, and queued for KooGallery.
    pub fn issue_invoice(&mut self, id: &str, by: &str, now: Instant) -> Result<InvoiceRecord, StoreError> {
        self.finish_invoice(id, by, now, None)
    }

    /// Records the number the tax system gave a draft issued there; frozen and queued like [`Store::issue_invoice`].
    pub fn record_invoice_number(
        &mut self,
        id: &str,
        number: &str,
        by: &str,
        now: Instant,
    ) -> Result<InvoiceRecord, StoreError> {
        invoice_draft::check_number(number)
            .map_err(|m| StoreError::Invalid(Problem::new("number", Rule::BadFormat, m)))?;
        self.finish_invoice(id, by, now, Some(number))
    }

    fn finish_invoice(
        &mut self,
        id: &str,
        by: &str,
        now: Instant,
        given: Option<&str>,
    ) -> Result<InvoiceRecord, StoreError> {
        if by.trim().is_empty() {
            return Err(StoreError::Invalid(Problem::new(
                "issued_by",
                Rule::Required,
                "issued_by: who issues the invoice (开票人) is required",
            )));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(String, Option<String>, Option<String>)> = tx
            .query_row("SELECT state, request_id, red_of FROM invoices WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (state, request_id, red_of) = row.ok_or_else(|| StoreError::NotFound(format!("invoice {id}")))?;
        if state != "draft" {
            return Err(StoreError::Invalid(Problem::new(
                "invoice",
                Rule::AlreadyDone,
                format!("invoice {id} is already issued: an issued invoice cannot be changed"),
            )));
        }
        let number = match given {
            Some(n) => {
                let taken: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM invoices WHERE number = ?1)", [n], |r| r.get(0))?;
                if taken {
                    return Err(StoreError::Invalid(Problem::new(
                        "number",
                        Rule::Duplicate,
                        format!("number `{n}` is already on another invoice"),
                    )));
                }
                n.to_string()
            }
            None => {
                let year = now.year();
                let next: i64 = tx.query_row(
                    "INSERT INTO invoice_series (year, last) VALUES (?1, 1)
                     ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
                    [year],
                    |r| r.get(0),
                )?;
                invoice_draft::invoice_number(year, DEFAULT_SERIES, next as u64)
                    .map_err(|m| StoreError::Invalid(Problem::new("number", Rule::OutOfRange, m)))?
            }
        };
        tx.execute(
            "UPDATE invoices SET state = 'issued', number = ?2, issued_ts = ?3, issued_by = ?4 WHERE id = ?1",
            params![id, number, now.timestamp(), by.trim()],
        )?;
        if let (Some(request), None) = (&request_id, &red_of) {
            let open: i64 = tx.query_row(
                "SELECT count(*) FROM invoices WHERE request_id = ?1 AND state = 'draft' AND red_of IS NULL",
                [request],
                |r| r.get(0),
            )?;
            // The request is fulfilled when its last draft (one per rate) is issued: then KooGallery is told
            // once, with the number of that last invoice. The request's row is the feed's and is not written
            // here: until the feed echoes the issue, the queued action is the overlay every screen reads
            // (`outbox_in_flight`), so a feed page can never put the request back to "requested" meanwhile.
            //
            // With no marketplace to tell (files only), the seller fulfils the request on the Seller Console and
            // the request is recorded issued here, with who issued it.
            // On a gateway (which has no KooGallery API either), the request is recorded issued here too and
            // the whole request goes to the gateway as a record, so every desk syncing it sees who issued it.
            let connection: Option<String> =
                tx.query_row("SELECT value FROM store_meta WHERE key = 'connection'", [], |r| r.get(0)).optional()?;
            let records_here = matches!(connection.as_deref(), Some("files" | "gateway"));
            if open == 0 && records_here {
                tx.execute(
                    "UPDATE invoice_requests SET status = 'issued', invoice_number = ?2, issued_ts = ?3,
                            recorded_by = ?4, recorded_ts = ?3
                      WHERE id = ?1 AND status = 'requested'",
                    params![request, number, now.timestamp(), by.trim()],
                )?;
                crate::trackers::send_to_gateway(&tx, ActionKind::RecordInvoiceRequest, request, now.timestamp())?;
            } else if open == 0 {
                let payload = serde_json::json!({"invoice_number": number, "issued_at": time::format_rfc3339(&now)});
                crate::outbox::enqueue_on(&tx, ActionKind::InvoiceIssued, request, payload, now.timestamp())?;
            }
        }
        tx.commit()?;
        self.invoice(id)
    }

    /// Raises a red-letter draft against an issued invoice, for a reason; it lapses 72 h later unless confirmed.
    pub fn red_letter(&mut self, id: &str, reason: RedLetterReason, now: Instant) -> Result<InvoiceRecord, StoreError> {
        let original = self.invoice(id)?;
        if original.state != "issued" {
            return Err(StoreError::Invalid(Problem::new(
                "invoice",
                Rule::WrongStep,
                format!("invoice {id} is a draft: only an issued invoice gets a red letter; edit or redraft the draft"),
            )));
        }
        if original.red_of.is_some() {
            return Err(StoreError::Invalid(Problem::new(
                "invoice",
                Rule::WrongStep,
                format!("invoice {id} is itself a red letter"),
            )));
        }
        let red = invoice_draft::red_letter(&original.draft)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        let red_id = format!("{id}-R");
        let lapses = koodesk_domain::invoice::red_letter_lapses_at(now);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<(String, Option<i64>)> = tx
            .query_row("SELECT state, red_lapses_ts FROM invoices WHERE id = ?1", [&red_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        match existing {
            Some((state, _)) if state == "issued" => {
                return Err(StoreError::Invalid(Problem::new(
                    "invoice",
                    Rule::AlreadyDone,
                    format!("invoice {id} already has an issued red letter {red_id}"),
                )))
            }
            Some((_, Some(l))) if l > now.timestamp() => {
                return Err(StoreError::Invalid(Problem::new(
                    "invoice",
                    Rule::Busy,
                    format!("invoice {id} already has a red-letter form waiting for confirmation"),
                )))
            }
            Some(_) => {
                tx.execute("DELETE FROM invoices WHERE id = ?1", [&red_id])?;
            }
            None => {}
        }
        let doc = serde_json::to_string(&red)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        tx.execute(
            "INSERT INTO invoices (id, request_id, batch_id, kind, rate, state, red_of, document, created_ts, red_reason, red_lapses_ts)
             VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?7, ?8, ?9, ?10)",
            params![red_id, original.request_id, original.batch_id, kind_str(red.kind), red.rate.to_string(), id, doc, now.timestamp(), reason.zh(), lapses.timestamp()],
        )?;
        record_orders(&tx, &red_id, &red)?;
        tx.commit()?;
        self.invoice(&red_id)
    }

    /// Replaces a draft's document (e.g. the buyer's address); refused once issued.
    pub fn edit_draft(&mut self, id: &str, draft: &Draft) -> Result<InvoiceRecord, StoreError> {
        let doc = serde_json::to_string(draft)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        match self.conn.execute("UPDATE invoices SET document = ?2 WHERE id = ?1", params![id, doc]) {
            Ok(0) => Err(StoreError::NotFound(format!("invoice {id}"))),
            Ok(_) => self.invoice(id),
            Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("issued invoice cannot be changed") => {
                Err(StoreError::Invalid(Problem::new(
                    "invoice",
                    Rule::AlreadyDone,
                    format!("invoice {id} is issued: an issued invoice cannot be changed"),
                )))
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Where a set of drafts comes from: KooGallery's invoice request, or a batch of orders the seller chose.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    Request(&'a str),
    Batch(&'a str),
}

impl<'a> Source<'a> {
    fn id(self) -> &'a str {
        match self {
            Source::Request(id) | Source::Batch(id) => id,
        }
    }
    fn columns(self) -> (Option<&'a str>, Option<&'a str>) {
        match self {
            Source::Request(r) => (Some(r), None),
            Source::Batch(b) => (None, Some(b)),
        }
    }
}

/// Replaces the source's drafts (not its issued invoices) with `drafts`, one per rate (`{source}-{rate%}`), and
/// records which orders each covers. Refuses a rate already issued: a change then needs a red letter first.
pub(crate) fn save_drafts(
    tx: &rusqlite::Transaction<'_>,
    drafts: &[Draft],
    source: Source<'_>,
    now: Instant,
) -> Result<(), StoreError> {
    let (request_id, batch_id) = source.columns();
    tx.execute(
        "DELETE FROM invoices WHERE request_id IS ?1 AND batch_id IS ?2 AND state = 'draft' AND red_of IS NULL",
        params![request_id, batch_id],
    )?;
    for d in drafts {
        let percent = (d.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize();
        let id = format!("{}-{percent}", source.id());
        let issued: Option<String> = tx
            .query_row("SELECT number FROM invoices WHERE id = ?1 AND state = 'issued'", [&id], |r| r.get(0))
            .optional()?;
        if let Some(number) = issued {
            return Err(StoreError::Invalid(Problem::new(
                "invoice",
                Rule::AlreadyDone,
                format!(
                "{}: the {percent}% invoice is already issued as {number}; a change needs a red-letter invoice first",
                source.id()
            ),
            )));
        }
        let doc = serde_json::to_string(d)
            .map_err(|e| StoreError::Invalid(Problem::new("draft", Rule::Rule, e.to_string())))?;
        tx.execute(
            "INSERT INTO invoices (id, request_id, batch_id, kind, rate, state, document, created_ts)
             VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?7)",
            params![id, request_id, batch_id, kind_str(d.kind), d.rate.to_string(), doc, now.timestamp()],
        )?;
        record_orders(tx, &id, d)?;
    }
    Ok(())
}

/// Which orders an invoice covers (looked up when another source wants to invoice them).
pub(crate) fn record_orders(tx: &rusqlite::Connection, invoice_id: &str, d: &Draft) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached("INSERT OR IGNORE INTO invoice_orders (invoice_id, order_id) VALUES (?1, ?2)")?;
    for l in &d.lines {
        stmt.execute(params![invoice_id, l.order_id])?;
    }
    Ok(())
}

/// The live invoice an order is on, other than the source's own: a draft, or an issued invoice with no issued red
/// letter against it. `None` when the order is free to invoice.
pub(crate) fn live_invoice_of(
    conn: &rusqlite::Connection,
    order_id: &str,
    source: Option<Source<'_>>,
) -> Result<Option<(String, String, Option<String>)>, StoreError> {
    let (request_id, batch_id) = source.map(|s| s.columns()).unwrap_or((None, None));
    let found = conn
        .prepare_cached(
            "SELECT i.id, i.state, i.number FROM invoice_orders x JOIN invoices i ON i.id = x.invoice_id
              WHERE x.order_id = ?1 AND i.red_of IS NULL
                AND NOT EXISTS (SELECT 1 FROM invoices r WHERE r.red_of = i.id AND r.state = 'issued')
                AND NOT (?4 AND i.request_id IS ?2 AND i.batch_id IS ?3)
              ORDER BY i.state DESC LIMIT 1",
        )?
        .query_row(params![order_id, request_id, batch_id, source.is_some()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(found)
}

/// Refuses orders already on a live invoice of another source, naming the order and the invoice.
pub(crate) fn check_not_invoiced_elsewhere<'o>(
    conn: &rusqlite::Connection,
    order_ids: impl IntoIterator<Item = &'o str>,
    source: Source<'_>,
) -> Result<(), StoreError> {
    for order_id in order_ids {
        if let Some((id, state, number)) = live_invoice_of(conn, order_id, Some(source))? {
            return Err(StoreError::Invalid(Problem::new(
                "order_ids",
                Rule::Rule,
                already_on(order_id, &id, &state, number.as_deref()),
            )));
        }
    }
    Ok(())
}

/// "order X is already on …", the one wording of the rule that an order is invoiced once.
pub(crate) fn already_on(order_id: &str, invoice_id: &str, state: &str, number: Option<&str>) -> String {
    match (state, number) {
        ("issued", Some(n)) => format!(
            "order {order_id} is already invoiced ({invoice_id}, number {n}); invoicing it again needs a red letter against that invoice first"
        ),
        _ => format!("order {order_id} is already on draft {invoice_id}; issue or discard that draft first"),
    }
}
