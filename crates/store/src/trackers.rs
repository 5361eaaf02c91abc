//! What the seller records by hand: KooGallery shows supervision steps (服务监管), unsubscription requests (退订)
//! and invoice requests (开票申请) only on its web console, with no API and no export (`REAL-DATA.md` §1–2). The
//! seller adds them as the Seller Console shows them, and records what they did there; KooDesk then runs the same
//! clocks, inbox and notifications as for synced rows, because they are written to the same tables — with who
//! recorded them and when (`recorded_by`, `recorded_ts`).
//!
//! Every entry is checked against KooGallery's rules before anything is written, and one entry is one
//! transaction.

use crate::{Problem, Rule};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::credit_code::CreditCode;
use koodesk_domain::invoice::{self, BuyerTitle, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::refund;
use koodesk_domain::supervision::{ProductType, Step};
use koodesk_domain::time::{self, Instant};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::ActionKind;
use crate::schema;

/// Who recorded an entry, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    pub by: String,
    pub at: Instant,
}

/// A supervision step as the Seller Console shows it (交付管理 > 服务监管).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepEntry {
    pub order_id: String,
    pub product_type: ProductType,
    pub step: Step,
    /// When the step began (the console's 开始时间): the 5-day clocks run from it [KG §3].
    pub since: Instant,
    /// Rejections so far in this flow.
    pub rejections: u32,
    pub note: String,
}

/// An unsubscription request as 退订管理 shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubscriptionEntry {
    pub order_id: String,
    pub requested_at: Instant,
    pub refund: Cny,
    pub reason: String,
}

/// An invoice request as 发票管理 shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRequestEntry {
    pub order_ids: Vec<String>,
    pub requested_at: Instant,
    pub kind: InvoiceKind,
    pub medium: Medium,
    pub title: BuyerTitle,
    pub address: Option<String>,
    pub bank_account: Option<String>,
}

/// One entry of a batch (rows pasted from the Seller Console's tables).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackerEntry {
    Step(StepEntry),
    Unsubscription(UnsubscriptionEntry),
    InvoiceRequest(InvoiceRequestEntry),
}

/// What a batch did: each entry's outcome in order (the ID it was given, `None` for a step, which is its order's),
/// and whether anything was kept.
#[derive(Debug)]
pub struct BatchOutcome {
    pub results: Vec<Result<Option<String>, StoreError>>,
    pub committed: bool,
}

fn invalid(field: &str, rule: Rule, m: impl Into<String>) -> StoreError {
    StoreError::Invalid(Problem::new(field, rule, m))
}

fn who(r: &Recorder) -> Result<&str, StoreError> {
    let by = r.by.trim();
    if by.is_empty() {
        return Err(invalid("recorded_by", Rule::Required, "recorded_by: who recorded this is required"));
    }
    Ok(by)
}

/// An ID for an entry made here: the prefix and 12 hex digits, unique in practice across desks.
pub(crate) fn new_id(prefix: &str) -> String {
    use rand::Rng;
    format!("{prefix}{:012X}", rand::thread_rng().gen::<u64>() & 0xFFFF_FFFF_FFFF)
}

fn order_facts(tx: &Transaction<'_>, order_id: &str) -> Result<(i64, String, String, bool), StoreError> {
    tx.query_row(
        "SELECT o.amount_fen, p.access_type, p.billing_mode, p.supervised FROM orders o
           JOIN products p ON p.product_id = o.product_id WHERE o.order_id = ?1",
        [order_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("order `{order_id}`: import, look up or sync it first")))
}

fn kebab<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Whether this store syncs a gateway: then what is recorded here goes to the gateway too, for every desk.
fn on_gateway(tx: &Transaction<'_>) -> Result<bool, StoreError> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM store_meta WHERE key = 'connection' AND value = 'gateway')",
        [],
        |r| r.get(0),
    )?)
}

fn rfc3339(ts: i64) -> String {
    time::format_rfc3339(&time::to_beijing(chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default()))
}

fn money(fen: i64) -> serde_json::Value {
    serde_json::to_value(Cny::from_fen(fen)).unwrap_or_default()
}

/// The entity as the gateway's feed serves it, read from the row just written (its `seq` is the gateway's to give).
fn record_payload(tx: &Transaction<'_>, kind: ActionKind, id: &str) -> Result<serde_json::Value, StoreError> {
    use serde_json::json;
    let v = match kind {
        ActionKind::RecordStep => tx.query_row(
            "SELECT product_type, step, side, step_started_ts, rejections, frozen_by, rereview, parcel_signed_ts,
                    recorded_by, recorded_ts FROM supervision_flows WHERE order_id = ?1",
            [id],
            |r| {
                Ok(json!({
                    "order_id": id,
                    "product_type": r.get::<_, String>(0)?,
                    "step": r.get::<_, String>(1)?,
                    "side": r.get::<_, Option<String>>(2)?,
                    "step_started_at": rfc3339(r.get(3)?),
                    "rejections": r.get::<_, i64>(4)?,
                    "frozen_by": r.get::<_, Option<String>>(5)?,
                    "rereview": r.get::<_, bool>(6)?,
                    "parcel_signed_at": r.get::<_, Option<i64>>(7)?.map(rfc3339),
                    "history": [],
                    "recorded_by": r.get::<_, Option<String>>(8)?,
                    "recorded_at": r.get::<_, Option<i64>>(9)?.map(rfc3339),
                }))
            },
        )?,
        ActionKind::RecordUnsubscription => tx.query_row(
            "SELECT order_id, rule, requested_ts, refund_fen, paid_fen, reason, status, review_due, decision_reason,
                    recorded_by, recorded_ts FROM unsubscriptions WHERE id = ?1",
            [id],
            |r| {
                Ok(json!({
                    "id": id,
                    "order_id": r.get::<_, String>(0)?,
                    "rule": r.get::<_, String>(1)?,
                    "requested_at": rfc3339(r.get(2)?),
                    "refund_amount": money(r.get(3)?),
                    "paid_amount": money(r.get(4)?),
                    "reason": r.get::<_, String>(5)?,
                    "status": r.get::<_, String>(6)?,
                    "review_due": r.get::<_, Option<String>>(7)?,
                    "decision_reason": r.get::<_, Option<String>>(8)?,
                    "recorded_by": r.get::<_, Option<String>>(9)?,
                    "recorded_at": r.get::<_, Option<i64>>(10)?.map(rfc3339),
                }))
            },
        )?,
        ActionKind::RecordInvoiceRequest => {
            let mut orders = tx.prepare_cached("SELECT order_id FROM invoice_request_orders WHERE request_id = ?1")?;
            let order_ids = orders.query_map([id], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            tx.query_row(
                "SELECT requested_ts, kind, medium, amount_fen, status, invoice_number, issued_ts, title_kind,
                        title_name, title_taxpayer_id, title_address, title_bank, recorded_by, recorded_ts
                   FROM invoice_requests WHERE id = ?1",
                [id],
                |r| {
                    Ok(json!({
                        "id": id,
                        "order_ids": order_ids,
                        "requested_at": rfc3339(r.get(0)?),
                        "kind": r.get::<_, String>(1)?,
                        "medium": r.get::<_, String>(2)?,
                        "amount": money(r.get(3)?),
                        "status": r.get::<_, String>(4)?,
                        "invoice_number": r.get::<_, Option<String>>(5)?,
                        "issued_at": r.get::<_, Option<i64>>(6)?.map(rfc3339),
                        "title": {
                            "kind": r.get::<_, Option<String>>(7)?,
                            "name": r.get::<_, Option<String>>(8)?,
                            "taxpayer_id": r.get::<_, Option<String>>(9)?,
                            "address": r.get::<_, Option<String>>(10)?,
                            "bank_account": r.get::<_, Option<String>>(11)?,
                        },
                        "recorded_by": r.get::<_, Option<String>>(12)?,
                        "recorded_at": r.get::<_, Option<i64>>(13)?.map(rfc3339),
                    }))
                },
            )?
        }
        other => return Err(invalid("kind", Rule::Rule, format!("{}: not a record", other.as_str()))),
    };
    // Absent, not null: the feed's optional fields are left out.
    let v = match v {
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        v => v,
    };
    Ok(v)
}

/// On a gateway, queues the entity just written for the gateway, in the same transaction.
pub(crate) fn send_to_gateway(tx: &Transaction<'_>, kind: ActionKind, id: &str, now_ts: i64) -> Result<(), StoreError> {
    if on_gateway(tx)? {
        let payload = record_payload(tx, kind, id)?;
        crate::outbox::enqueue_record_on(tx, kind, id, payload, now_ts)?;
    }
    Ok(())
}

/// Adds or moves on a supervision flow in `tx` [KG §3]: the checks, then the rows (and, on a gateway, the outbox).
fn step_on(tx: &Transaction<'_>, e: &StepEntry, r: &Recorder) -> Result<(), StoreError> {
    let by = who(r)?;
    if !e.product_type.steps().contains(&e.step) {
        return Err(invalid(
            "step",
            Rule::OneOf,
            format!(
                "step `{}`: not a step of the {} flow, whose steps are {} [KG §3]",
                kebab(&e.step),
                kebab(&e.product_type),
                e.product_type.steps().iter().map(kebab).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    if e.since > r.at {
        return Err(invalid("since", Rule::InFuture, "since: the step cannot begin in the future"));
    }
    let (_, access, _, _) = order_facts(tx, &e.order_id)?;
    if let Some(expected) = refund::supervision_of(
        access.parse().map_err(|_| invalid("access_type", Rule::OneOf, format!("access type `{access}`")))?,
    ) {
        if !expected {
            return Err(invalid(
                "order_id",
                Rule::Rule,
                format!("order_id `{}`: {access} products have no service supervision [KG §3]", e.order_id),
            ));
        }
    }
    let before: Option<String> = tx
        .query_row("SELECT step FROM supervision_flows WHERE order_id = ?1", [&e.order_id], |row| row.get(0))
        .optional()?;
    tx.execute(
        "INSERT INTO supervision_flows (order_id, product_type, step, side, step_started_ts, rejections,
             frozen_by, rereview, parcel_signed_ts, seq, order_refunded, recorded_by, recorded_ts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 0, NULL, 0,
                 EXISTS (SELECT 1 FROM orders WHERE order_id = ?1 AND status = 'refunded'), ?7, ?8)
         ON CONFLICT (order_id) DO UPDATE SET product_type = excluded.product_type, step = excluded.step,
             side = excluded.side, step_started_ts = excluded.step_started_ts, rejections = excluded.rejections,
             recorded_by = excluded.recorded_by, recorded_ts = excluded.recorded_ts",
        params![
            e.order_id,
            kebab(&e.product_type),
            kebab(&e.step),
            e.step.side().map(|s| s.as_str()),
            e.since.timestamp(),
            e.rejections,
            by,
            r.at.timestamp()
        ],
    )?;
    let idx: i64 = tx.query_row(
        "SELECT coalesce(max(idx) + 1, 0) FROM supervision_events WHERE order_id = ?1",
        [&e.order_id],
        |row| row.get(0),
    )?;
    // Who recorded it is a value of its own (schema 16); the note is the seller's text as written.
    tx.execute(
        "INSERT INTO supervision_events (order_id, idx, from_step, to_step, action, actor, at_ts, detail, recorded_by)
         VALUES (?1, ?2, ?3, ?4, 'recorded', 'merchant', ?5, ?6, ?7)",
        params![
            e.order_id,
            idx,
            before.unwrap_or_else(|| kebab(&e.step)),
            kebab(&e.step),
            e.since.timestamp(),
            e.note.trim(),
            by
        ],
    )?;
    send_to_gateway(tx, ActionKind::RecordStep, &e.order_id, r.at.timestamp())?;
    Ok(())
}

/// Adds a negotiated unsubscription request in `tx` [KG §4]; returns its ID.
fn unsubscription_on(tx: &Transaction<'_>, e: &UnsubscriptionEntry, r: &Recorder) -> Result<String, StoreError> {
    let by = who(r)?;
    if e.reason.trim().is_empty() {
        return Err(invalid(
            "reason",
            Rule::ReasonRequired,
            "reason: the buyer's reason, as the console shows it, is required",
        ));
    }
    let (paid_fen, access, billing, supervised) = order_facts(tx, &e.order_id)?;
    let has_flow: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM supervision_flows WHERE order_id = ?1)", [&e.order_id], |row| {
            row.get(0)
        })?;
    let supervised = supervised || has_flow;
    let policy = refund::policy(
        access.parse().map_err(|_| invalid("access_type", Rule::OneOf, format!("access type `{access}`")))?,
        billing.parse().map_err(|_| invalid("billing_mode", Rule::OneOf, format!("billing mode `{billing}`")))?,
        supervised,
    )
    .map_err(|err| invalid("order_id", Rule::Rule, format!("order_id `{}`: {err}", e.order_id)))?;
    if policy.rule != refund::RefundRule::Negotiated {
        return Err(invalid(
            "order_id",
            Rule::Rule,
            format!(
                "order_id `{}`: only a negotiated unsubscription (协商退订, while supervision runs) waits for the \
             merchant's review; this order's rule is {} [KG §4] — record its supervision step first if it has one",
                e.order_id,
                policy.rule.as_str()
            ),
        ));
    }
    let paid = Cny::from_fen(paid_fen);
    refund::check_negotiated(e.refund, paid).map_err(|err| invalid("refund", Rule::Rule, format!("refund: {err}")))?;
    let review_due = WorkingCalendar::embedded().add_working_days(time::business_date(&e.requested_at), 7).value;
    let id = new_id("TU");
    tx.execute(
        "INSERT INTO unsubscriptions (id, order_id, rule, requested_ts, refund_fen, paid_fen, reason, status,
             review_due, decision_reason, seq, recorded_by, recorded_ts)
         VALUES (?1, ?2, 'negotiated', ?3, ?4, ?5, ?6, 'pending', ?7, NULL, 0, ?8, ?9)",
        params![
            id,
            e.order_id,
            e.requested_at.timestamp(),
            e.refund.to_fen().ok_or_else(|| invalid("refund", Rule::OutOfRange, "refund: out of range"))?,
            paid_fen,
            e.reason.trim(),
            review_due.to_string(),
            by,
            r.at.timestamp()
        ],
    )?;
    send_to_gateway(tx, ActionKind::RecordUnsubscription, &id, r.at.timestamp())?;
    Ok(id)
}

/// Adds an invoice request in `tx` [KG §2]; returns its ID.
fn invoice_request_on(tx: &Transaction<'_>, e: &InvoiceRequestEntry, r: &Recorder) -> Result<String, StoreError> {
    let by = who(r)?;
    if e.order_ids.is_empty() {
        return Err(invalid("order_ids", Rule::Required, "order_ids: an invoice request is for at least one order"));
    }
    invoice::check_kind(&e.title, e.kind).map_err(|err| invalid("kind", Rule::Rule, format!("kind: {err}")))?;
    let (title_kind, name, taxpayer) = match &e.title {
        BuyerTitle::Person { name } => ("person", name.trim(), None),
        BuyerTitle::Enterprise { name, taxpayer_id } => {
            ("enterprise", name.trim(), taxpayer_id.as_ref().map(CreditCode::as_str))
        }
    };
    if name.is_empty() {
        return Err(invalid("title.name", Rule::Required, "title.name: the invoice title (抬头) is required"));
    }
    let mut total = 0i64;
    for o in &e.order_ids {
        total += order_facts(tx, o)?.0;
        let pending: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM unsubscriptions WHERE order_id = ?1 AND status = 'pending')",
            [o],
            |row| row.get(0),
        )?;
        if pending {
            return Err(invalid(
                "order_ids",
                Rule::Rule,
                format!("order_ids: order {o} has an unsubscription awaiting review and must not be invoiced [KG §2]"),
            ));
        }
    }
    let id = new_id("TI");
    tx.execute(
        "INSERT INTO invoice_requests (id, requested_ts, kind, medium, amount_fen, status, invoice_number,
             issued_ts, seq, title_kind, title_name, title_taxpayer_id, title_address, title_bank,
             recorded_by, recorded_ts)
         VALUES (?1, ?2, ?3, ?4, ?5, 'requested', NULL, NULL, 0, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            e.requested_at.timestamp(),
            kebab(&e.kind),
            kebab(&e.medium),
            total,
            title_kind,
            name,
            taxpayer,
            e.address.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            e.bank_account.as_deref().map(str::trim).filter(|s| !s.is_empty()),
            by,
            r.at.timestamp()
        ],
    )?;
    for o in &e.order_ids {
        tx.execute("INSERT OR IGNORE INTO invoice_request_orders VALUES (?1, ?2)", params![id, o])?;
    }
    tx.execute(&schema::request_order_facts("id = ?1"), [&id])?;
    send_to_gateway(tx, ActionKind::RecordInvoiceRequest, &id, r.at.timestamp())?;
    Ok(id)
}

impl Store {
    /// Records several entries in one transaction, each checked by the same rules as one entered alone and under
    /// its own savepoint, so a later row sees the earlier ones (two unsubscriptions of one order are refused).
    /// With `commit` false (a preview) nothing is kept; otherwise all-or-nothing: if any entry fails nothing is
    /// kept unless `skip_invalid`, which keeps the valid ones. An error of the store itself fails the whole batch.
    pub fn record_batch(
        &mut self,
        entries: &[TrackerEntry],
        r: &Recorder,
        commit: bool,
        skip_invalid: bool,
    ) -> Result<BatchOutcome, StoreError> {
        let tx = self.write()?;
        let mut results = Vec::with_capacity(entries.len());
        for e in entries {
            tx.execute_batch("SAVEPOINT tracker_entry")?;
            let res = match e {
                TrackerEntry::Step(e) => step_on(&tx, e, r).map(|()| None),
                TrackerEntry::Unsubscription(e) => unsubscription_on(&tx, e, r).map(Some),
                TrackerEntry::InvoiceRequest(e) => invoice_request_on(&tx, e, r).map(Some),
            };
            match &res {
                Ok(_) => tx.execute_batch("RELEASE tracker_entry")?,
                Err(StoreError::Invalid(_) | StoreError::NotFound(_)) => {
                    tx.execute_batch("ROLLBACK TO tracker_entry; RELEASE tracker_entry")?
                }
                Err(_) => return res.map(|_| BatchOutcome { results: Vec::new(), committed: false }),
            }
            results.push(res);
        }
        let any_failed = results.iter().any(Result::is_err);
        let any_kept = results.iter().any(Result::is_ok);
        let committed = commit && any_kept && (skip_invalid || !any_failed);
        if committed {
            tx.commit()?;
        }
        Ok(BatchOutcome { results, committed })
    }

    /// Adds or moves on a supervision flow as the Seller Console shows it; the step's history gets the change.
    pub fn record_step(&mut self, e: &StepEntry, r: &Recorder) -> Result<(), StoreError> {
        let tx = self.write()?;
        step_on(&tx, e, r)?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a negotiated unsubscription request awaiting the merchant's review [KG §4]; returns its ID. The review
    /// is expected within 7 working days of the request.
    pub fn record_unsubscription(&mut self, e: &UnsubscriptionEntry, r: &Recorder) -> Result<String, StoreError> {
        let tx = self.write()?;
        let id = unsubscription_on(&tx, e, r)?;
        tx.commit()?;
        Ok(id)
    }
    /// Records the merchant's decision on an unsubscription, taken on the Seller Console (退订管理).
    pub fn record_unsubscription_decision(
        &mut self,
        id: &str,
        approve: bool,
        reason: &str,
        r: &Recorder,
    ) -> Result<(), StoreError> {
        let by = who(r)?;
        if !approve && reason.trim().is_empty() {
            return Err(invalid("reason", Rule::ReasonRequired, "reason: a rejection needs a reason [KG §4]"));
        }
        let tx = self.write()?;
        let status: Option<String> =
            tx.query_row("SELECT status FROM unsubscriptions WHERE id = ?1", [id], |row| row.get(0)).optional()?;
        match status.as_deref() {
            None => return Err(StoreError::NotFound(format!("unsubscription `{id}`"))),
            Some("pending") => {}
            Some(other) => {
                return Err(invalid(
                    "unsubscription",
                    Rule::WrongStep,
                    format!("unsubscription `{id}` is {other}: only a pending one is decided"),
                ))
            }
        }
        tx.execute(
            "UPDATE unsubscriptions SET status = ?2, decision_reason = ?3, recorded_by = ?4, recorded_ts = ?5
              WHERE id = ?1",
            params![
                id,
                if approve { "approved" } else { "rejected" },
                Some(reason.trim()).filter(|s| !s.is_empty()),
                by,
                r.at.timestamp()
            ],
        )?;
        send_to_gateway(&tx, ActionKind::RecordUnsubscription, id, r.at.timestamp())?;
        tx.commit()?;
        Ok(())
    }

    /// Adds an invoice request for orders the store holds; the amount is their full amount [KG §2]. Returns its
    /// ID; the 7-day deadline runs from `requested_at`.
    pub fn record_invoice_request(&mut self, e: &InvoiceRequestEntry, r: &Recorder) -> Result<String, StoreError> {
        let tx = self.write()?;
        let id = invoice_request_on(&tx, e, r)?;
        tx.commit()?;
        Ok(id)
    }

    /// Records that an invoice request was fulfilled on the Seller Console, with the invoice's number.
    pub fn record_invoice_issued(&mut self, id: &str, number: &str, r: &Recorder) -> Result<(), StoreError> {
        let by = who(r)?;
        if number.trim().is_empty() {
            return Err(invalid(
                "invoice_number",
                Rule::Required,
                "invoice_number: the number of the invoice issued is required",
            ));
        }
        let tx = self.write()?;
        let n = tx.execute(
            "UPDATE invoice_requests SET status = 'issued', invoice_number = ?2, issued_ts = ?3, recorded_by = ?4,
                    recorded_ts = ?3
              WHERE id = ?1 AND status = 'requested'",
            params![id, number.trim(), r.at.timestamp(), by],
        )?;
        if n == 0 {
            let exists: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM invoice_requests WHERE id = ?1)", [id], |row| row.get(0))?;
            return Err(if exists {
                invalid("id", Rule::AlreadyDone, format!("invoice request `{id}` is already issued"))
            } else {
                StoreError::NotFound(format!("invoice request `{id}`"))
            });
        }
        send_to_gateway(&tx, ActionKind::RecordInvoiceRequest, id, r.at.timestamp())?;
        tx.commit()?;
        Ok(())
    }
}
