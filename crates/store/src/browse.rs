//! Paged, filtered reads for the console's screens: orders (with one order's whole timeline), supervision flows
//! with their clocks, unsubscription requests, invoice requests and bills.
//!
//! Lists are keyset-free `LIMIT/OFFSET` pages over an index in the list's order; totals are counted up to
//! [`COUNT_CAP`] so a filter over a million orders never counts them all.

use crate::{Problem, Rule};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use koodesk_domain::call_failure::{CallFailure, LegacyDetail};
use koodesk_domain::catalog::{AccessType, BillingMode, TaxProduct};
use koodesk_domain::invoice::{InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::result_code::ResultCode;
use koodesk_domain::seller_export::{OrderState, OrderType};
use koodesk_domain::supervision::{AppealClocks, Side, Step, MAX_REJECTIONS, STALL_HOURS};
use koodesk_domain::tax::{self, Taxpayer};
use koodesk_domain::time::{self, Instant};
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::PendingSync;

/// Totals above this are reported as "at least".
pub const COUNT_CAP: i64 = 100_000;
/// The largest page a caller may ask for.
pub const MAX_PAGE: i64 = 1_000;

/// A stored Unix timestamp as a Beijing-time instant.
pub(crate) fn at(ts: i64) -> Instant {
    time::to_beijing(Utc.timestamp_opt(ts, 0).single().unwrap_or_default())
}

pub(crate) fn rfc(ts: i64) -> String {
    time::format_rfc3339(&at(ts))
}

/// Which orders to list. Every field is optional; all given ones must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct OrderFilter {
    #[serde(deserialize_with = "filter_access_type")]
    pub access_type: Option<AccessType>,
    #[serde(deserialize_with = "filter_billing_mode")]
    pub billing_mode: Option<BillingMode>,
    #[serde(deserialize_with = "filter_status")]
    pub status: Option<OrderState>,
    /// A buyer ID, or the start of a buyer's name.
    pub buyer: Option<String>,
    /// Business dates (Beijing), inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The start of an order ID.
    pub order_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderRow {
    pub order_id: String,
    pub created_at: String,
    pub order_type: OrderType,
    pub product_id: String,
    pub product_name: String,
    pub access_type: AccessType,
    pub billing_mode: BillingMode,
    pub buyer_id: String,
    pub buyer_name: String,
    #[ts(type = "string")]
    pub amount: Cny,
    pub status: OrderState,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderPage {
    /// Matching orders, counted up to [`COUNT_CAP`].
    pub total: i64,
    pub total_is_capped: bool,
    pub offset: i64,
    pub rows: Vec<OrderRow>,
}

/// An optional code of a filter: empty or blank is no filter; a value outside the vocabulary is refused naming the
/// field and listing the codes (serde's own error names neither the field nor, nested, where it is).
fn filter_code<'de, D, T>(d: D, field: &str) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let Some(raw) = Option::<String>::deserialize(d)? else { return Ok(None) };
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(raw))
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("{field} `{raw}`: {e}")))
}

fn filter_access_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<AccessType>, D::Error> {
    filter_code(d, "access_type")
}

fn filter_billing_mode<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<BillingMode>, D::Error> {
    filter_code(d, "billing_mode")
}

fn filter_status<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<OrderState>, D::Error> {
    filter_code(d, "status")
}

/// A bad filter value, named.
fn bad(field: &str, value: &str, rule: &str) -> StoreError {
    let kind = if field == "limit" || field == "offset" { Rule::OutOfRange } else { Rule::OneOf };
    StoreError::Invalid(Problem::new(field, kind, format!("{field} `{value}`: {rule}")).with("value", value))
}

const ORDER_COLUMNS: &str =
    "o.order_id, o.created_ts, o.order_type, o.product_id, p.name, p.access_type, p.billing_mode,
     o.buyer_id, b.name, o.amount_fen, o.status";

/// A stored value outside its vocabulary: the database was changed by something other than KooDesk, or is
/// damaged. Reported with the column that holds it, never replaced by a default.
#[derive(Debug)]
struct DamagedColumn {
    column: &'static str,
    detail: String,
}

impl std::fmt::Display for DamagedColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is damaged in this store: {}", self.column, self.detail)
    }
}

impl std::error::Error for DamagedColumn {}

/// Column `idx` (`column` in messages) read through its vocabulary's `FromStr`: a value outside it is an error
/// naming the column and the value.
pub(crate) fn coded<T>(r: &rusqlite::Row<'_>, idx: usize, column: &'static str) -> rusqlite::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    read_coded(r, idx, column, |s| s.parse())
}

/// Column `idx` read by `parse`; a value it refuses is an error naming the column and the value.
fn read_coded<T, E: std::fmt::Display>(
    r: &rusqlite::Row<'_>,
    idx: usize,
    column: &'static str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<T> {
    let raw: String = r.get(idx)?;
    parse(&raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            Box::new(DamagedColumn { column, detail: format!("`{raw}`: {e}") }),
        )
    })
}

/// An order's type as stored: the feed writes the open API's code (`NEW`, `TRIAL_TO_FORMAL`), demo data and
/// imports the store's name (`new`, `trial-to-formal`); both are read, anything else is damage [KG §8].
fn order_type(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<OrderType> {
    read_coded(r, idx, "orders.order_type", |s| {
        match OrderType::ALL.iter().find(|t| t.code() == s || t.as_str() == s) {
            Some(t) => Ok(*t),
            None => Err(format!(
                "not an order type: expected one of {}",
                OrderType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
            )),
        }
    })
}

/// An order's status as stored: exactly `in-progress`, `completed` or `refunded`.
fn order_state(r: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<OrderState> {
    read_coded(r, idx, "orders.status", |s| {
        serde_json::from_value::<OrderState>(serde_json::Value::String(s.to_string()))
            .map_err(|_| "not an order status: expected one of in-progress, completed, refunded")
    })
}

fn order_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrderRow> {
    Ok(OrderRow {
        order_id: r.get(0)?,
        created_at: rfc(r.get(1)?),
        order_type: order_type(r, 2)?,
        product_id: r.get(3)?,
        product_name: r.get(4)?,
        access_type: coded(r, 5, "products.access_type")?,
        billing_mode: coded(r, 6, "products.billing_mode")?,
        buyer_id: r.get(7)?,
        buyer_name: r.get(8)?,
        amount: Cny::from_fen(r.get(9)?),
        status: order_state(r, 10)?,
    })
}

impl OrderFilter {
    /// The WHERE clause and its parameters; every value is checked before it reaches SQL.
    fn to_sql(&self) -> Result<(String, Vec<Value>), StoreError> {
        let mut clauses = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        if let Some(a) = self.access_type {
            clauses.push("p.access_type = ?".to_string());
            values.push(Value::Text(a.as_str().to_string()));
        }
        if let Some(b) = self.billing_mode {
            clauses.push("p.billing_mode = ?".to_string());
            values.push(Value::Text(b.as_str().to_string()));
        }
        if let Some(s) = self.status {
            clauses.push("o.status = ?".to_string());
            values.push(Value::Text(s.as_str().to_string()));
        }
        if let Some(b) = given(&self.buyer) {
            clauses.push("(o.buyer_id = ? OR b.name LIKE ? ESCAPE '\\')".to_string());
            values.push(Value::Text(b.clone()));
            values.push(Value::Text(format!("{}%", like_escape(&b))));
        }
        let day = |field: &str, v: &str| -> Result<NaiveDate, StoreError> {
            time::parse_date(v).map_err(|e| bad(field, v, &e.to_string()))
        };
        if let Some(f) = given(&self.from) {
            let d = day("from", &f)?;
            clauses.push("o.created_ts >= ?".to_string());
            values.push(Value::Integer(time::start_of_day(d).timestamp()));
        }
        if let Some(t) = given(&self.to) {
            let d = day("to", &t)?;
            clauses.push("o.created_ts < ?".to_string());
            values.push(Value::Integer(time::start_of_day(d + Duration::days(1)).timestamp()));
        }
        if let Some(id) = given(&self.order_id) {
            clauses.push("o.order_id >= ? AND o.order_id < ?".to_string());
            values.push(Value::Text(id.clone()));
            values.push(Value::Text(format!("{id}\u{10FFFF}")));
        }
        let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        Ok((sql, values))
    }
}

/// Where a buyer unsubscribes from a product [KG §4]; the policy's error when the product cannot be unsubscribed.
fn place_of(access_type: &str, billing_mode: &str, supervised: bool) -> String {
    match (access_type.parse::<AccessType>(), billing_mode.parse::<BillingMode>()) {
        (Ok(a), Ok(b)) => match koodesk_domain::refund::policy(a, b, supervised) {
            Ok(p) => p.place.path().to_string(),
            Err(e) => e.to_string(),
        },
        _ => "—".to_string(),
    }
}

pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// How a production-interface call KooGallery made ended [KG §7]: a documented `resultCode` (the console words it
/// from the code), a code outside the documented table, or no proper reply at all (timeout, bad signature, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CallOutcome {
    Documented,
    Undocumented,
    NoReply,
}

impl CallOutcome {
    /// The outcome of a call that replied `code` (`None`: no proper reply) [KG §7].
    pub fn of(code: Option<&str>) -> CallOutcome {
        match code {
            Some(c) if ResultCode::parse(c).is_some() => CallOutcome::Documented,
            Some(_) => CallOutcome::Undocumented,
            None => CallOutcome::NoReply,
        }
    }
}

/// What one step of an order's timeline records: a code (`kind`) and its parameters, never a sentence — the
/// console words it in the seller's language.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TimelineEvent {
    /// The order was placed.
    Order {
        order_type: OrderType,
        status: OrderState,
        #[ts(type = "string")]
        amount: Cny,
    },
    /// A service-supervision step [KG §3]: the step it left and the one it entered, who did what, and what they
    /// wrote with it (a rejection's or an appeal's reason, the delivery proof, the seller's note on a step recorded
    /// by hand), as they wrote it.
    Supervision {
        from_step: Step,
        to_step: Step,
        action: SupervisionAction,
        actor: Side,
        /// Who recorded the step by hand from the Seller Console (action `recorded`); none for the feed's steps.
        recorded_by: Option<String>,
        note: Option<String>,
    },
    /// An unsubscription request [KG §4].
    Unsubscription {
        id: String,
        status: UnsubscriptionStatus,
        #[ts(type = "string")]
        refund: Cny,
        #[ts(type = "string")]
        paid: Cny,
        reason: String,
    },
    /// An invoice request the order is in [KG §2].
    InvoiceRequest {
        id: String,
        status: InvoiceRequestStatus,
        invoice_kind: InvoiceKind,
        medium: Medium,
        #[ts(type = "string")]
        amount: Cny,
        due_at: String,
    },
    /// An action of the seller's in the outbox: its kind, ID, state and the last error it met, if any.
    Outbox { action: String, action_id: String, status: String, error: Option<String> },
    /// A production-interface call KooGallery made for the order [KG §7]: the activity, which attempt, the
    /// `resultCode` it got (if any) and how that reads, the instance ID the reply named, the reply's own
    /// `resultMsg` (the seller's server's words), what went wrong as a code when no proper reply came (with the
    /// HTTP status when it was not 200), and how long it took.
    Interface {
        activity: String,
        attempt: u32,
        result_code: Option<String>,
        outcome: CallOutcome,
        instance_id: Option<String>,
        result_msg: Option<String>,
        failure: Option<CallFailure>,
        http_status: Option<u16>,
        elapsed_ms: i64,
    },
}

/// What was done at a supervision event, as `supervision_events.action` keeps it: one of the feed's actions
/// ([`koodesk_domain::supervision::Action::name`]) [KG §3], or `recorded` for a step the seller recorded by hand
/// from the Seller Console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SupervisionAction {
    Submit,
    Confirm,
    Reject,
    Deliver,
    Activate,
    Accept,
    AutoAccept,
    ParcelSigned,
    Appeal,
    ResolveAppeal,
    /// Recorded by hand (files mode), not from the feed.
    Recorded,
}

/// The words that came with a supervision event: an event from the feed keeps its action as JSON (the reason of a
/// rejection or an appeal, the proof of a delivery, nothing for the others) [KG §3]; a step the seller recorded by
/// hand keeps their note as text.
fn supervision_note(detail: &str) -> Option<String> {
    use koodesk_domain::supervision::Action;
    let note = match serde_json::from_str::<Action>(detail) {
        Ok(Action::Reject { reason } | Action::Appeal { reason }) => reason,
        Ok(Action::Deliver { proof }) => proof,
        Ok(_) => return None,
        Err(_) => detail.to_string(),
    };
    Some(note.trim().to_string()).filter(|n| !n.is_empty())
}

/// Who recorded a step by hand and the note that came with it. Since schema 16 `recorded_by` is its own column;
/// a step recorded before keeps `recorded by WHO` or `recorded by WHO: NOTE` in `detail`, taken apart here.
fn supervision_words(
    action: SupervisionAction,
    detail: &str,
    recorded_by: Option<String>,
) -> (Option<String>, Option<String>) {
    if action != SupervisionAction::Recorded || recorded_by.is_some() {
        return (recorded_by, supervision_note(detail));
    }
    match detail.strip_prefix("recorded by ") {
        Some(rest) => {
            let (by, note) = rest.split_once(": ").unwrap_or((rest, ""));
            (
                Some(by.trim().to_string()).filter(|b| !b.is_empty()),
                Some(note.trim().to_string()).filter(|n| !n.is_empty()),
            )
        }
        None => (None, supervision_note(detail)),
    }
}

/// One step of an order's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TimelineEntry {
    pub at: String,
    #[serde(flatten)]
    pub event: TimelineEvent,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderLineRow {
    pub order_line_id: String,
    pub product_id: String,
    #[ts(type = "string")]
    pub amount: Cny,
}

/// Why an order has no tax split, by code with the values its words name: the console says it in the seller's
/// language [KG §1].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum TaxNote {
    /// KooGallery does not bill this access type in this mode; `allowed` are the modes it is billed in.
    NoMapping { access_type: AccessType, billing_mode: BillingMode, allowed: Vec<BillingMode> },
    /// The rate table starts after the order's business date (`YYYY-MM-DD`, Beijing).
    NoRate { taxpayer: Taxpayer, product: TaxProduct, date: String },
}

impl TaxNote {
    fn of(e: &tax::TaxError) -> TaxNote {
        match e {
            tax::TaxError::NoMapping(m) => TaxNote::NoMapping {
                access_type: m.access_type,
                billing_mode: m.billing_mode,
                allowed: koodesk_domain::catalog::allowed_modes(m.access_type).to_vec(),
            },
            tax::TaxError::NoRate(r) => TaxNote::NoRate {
                taxpayer: r.taxpayer,
                product: r.product,
                date: r.date.format("%Y-%m-%d").to_string(),
            },
        }
    }
}

/// Tax on an order at the rate for its product on its date [KG §1–2].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderTax {
    pub tax_product: TaxProduct,
    pub rate: String,
    #[ts(type = "string")]
    pub gross: Cny,
    #[ts(type = "string")]
    pub net: Cny,
    #[ts(type = "string")]
    pub tax: Cny,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderDetail {
    pub order: OrderRow,
    pub buyer_kind: String,
    pub lines: Vec<OrderLineRow>,
    pub flow: Option<FlowRow>,
    pub timeline: Vec<TimelineEntry>,
    /// `None` when the product's access type and billing mode have no tax mapping (the reason is in `tax_note`).
    pub tax: Option<OrderTax>,
    pub tax_note: Option<TaxNote>,
    /// An image product's order: its two charges and its cloud server [KG §9]; `None` for other access types.
    pub image: Option<ImageCharges>,
}

/// An image order's two charges [KG §9]. The image fee is the order's amount and the seller's: it alone is in
/// the order's tax, the dashboards and the invoices. The cloud server fee is Huawei Cloud's, shown so the seller
/// sees what the buyer paid in all. The cloud host's login was set by the buyer on the order page; KooDesk never
/// asks for it and has no field for it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImageCharges {
    #[ts(type = "string")]
    pub image_fee: Cny,
    /// `None` when the order came from a file or a lookup that does not carry it.
    #[ts(type = "string | null")]
    pub cloud_server_fee: Option<Cny>,
    /// What the buyer paid in all: the image fee and the server fee, when the server fee is known.
    #[ts(type = "string | null")]
    pub buyer_paid: Option<Cny>,
    /// The enterprise project the buyer's server is in (enterprise accounts only).
    pub enterprise_project: Option<String>,
}

/// Who recorded an entry by hand (a tracker on this desk or another desk on the same gateway) and when; absent on
/// what KooGallery's feed brought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Recorded {
    pub by: String,
    /// RFC 3339, Beijing.
    pub at: Option<String>,
}

fn recorded(by: Option<String>, ts: Option<i64>) -> Option<Recorded> {
    by.map(|by| Recorded { by, at: ts.map(rfc) })
}

/// A supervision flow with its clocks at "now" [KG §3].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FlowRow {
    pub order_id: String,
    pub product_type: String,
    pub step: String,
    pub side: Option<String>,
    pub step_started_at: String,
    pub rejections: u32,
    /// Rejections left before the user may appeal on the count alone ([`MAX_REJECTIONS`] allowed).
    pub rejections_left: u32,
    pub frozen_by: Option<String>,
    /// When the merchant may appeal a stalled user-side step; when the user may appeal a stalled merchant step.
    pub merchant_may_appeal_at: Option<String>,
    pub user_may_appeal_at: Option<String>,
    /// Seconds from now to the clock that matters for this side (negative: already open).
    pub seconds_to_appeal: Option<i64>,
    /// An action of the seller's on it not yet seen in KooGallery's feed: queued, or sent and awaiting echo.
    pub pending_sync: Option<PendingSync>,
    pub recorded: Option<Recorded>,
    /// The flow's change sequence as stored: an action taken on this row carries it back, and is refused locally
    /// when the flow has changed since (`StoreError::Stale`).
    pub seq: i64,
}

/// A page of open flows and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FlowPage {
    pub rows: Vec<FlowRow>,
    pub total: i64,
}

/// Where an unsubscription request stands [KG §4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum UnsubscriptionStatus {
    /// Negotiated: awaiting the merchant's review.
    Pending,
    Approved,
    Rejected,
    /// 5-day no-reason: refunded without review.
    Refunded,
}

/// Where an invoice request stands [KG §2], as the screens show it (an issue not yet echoed reads issued).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum InvoiceRequestStatus {
    Requested,
    Issued,
}

impl UnsubscriptionStatus {
    /// The code, as stored and as it crosses to TypeScript.
    pub fn as_str(self) -> &'static str {
        match self {
            UnsubscriptionStatus::Pending => "pending",
            UnsubscriptionStatus::Approved => "approved",
            UnsubscriptionStatus::Rejected => "rejected",
            UnsubscriptionStatus::Refunded => "refunded",
        }
    }
}

impl InvoiceRequestStatus {
    /// The code, as stored and as it crosses to TypeScript.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceRequestStatus::Requested => "requested",
            InvoiceRequestStatus::Issued => "issued",
        }
    }
}

/// A stored code read through its type's kebab-case serde names; the error lists nothing but the value, the
/// column is named by [`read_coded`].
fn serde_code<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| "not a code this build knows".into())
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UnsubscriptionRow {
    pub id: String,
    pub order_id: String,
    pub rule: koodesk_domain::refund::RefundRule,
    pub requested_at: String,
    #[ts(type = "string")]
    pub refund: Cny,
    #[ts(type = "string")]
    pub paid: Cny,
    pub reason: String,
    pub status: UnsubscriptionStatus,
    /// Where the buyer made the request (the product's refund policy) [KG §4].
    pub place: String,
    pub review_due: Option<String>,
    pub decision_reason: Option<String>,
    /// An action of the seller's on it not yet seen in KooGallery's feed: queued, or sent and awaiting echo.
    pub pending_sync: Option<PendingSync>,
    pub recorded: Option<Recorded>,
    /// The request's change sequence as stored: a decision taken on this row carries it back.
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InvoiceRequestRow {
    pub id: String,
    pub requested_at: String,
    pub due_at: String,
    pub seconds_left: i64,
    pub kind: InvoiceKind,
    pub medium: Medium,
    /// The buyer's name on the invoice (抬头); none when the store's copy is damaged (sync it again).
    pub title: Option<String>,
    #[ts(type = "string")]
    pub amount: Cny,
    pub status: InvoiceRequestStatus,
    pub invoice_number: Option<String>,
    pub order_ids: Vec<String>,
    /// An action of the seller's on it not yet seen in KooGallery's feed: queued, or sent and awaiting echo.
    pub pending_sync: Option<PendingSync>,
    pub recorded: Option<Recorded>,
    /// The request's change sequence as stored: issuing from this row carries it back.
    pub seq: i64,
}

/// A page of unsubscription requests (pending first, then newest) and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UnsubscriptionPage {
    pub rows: Vec<UnsubscriptionRow>,
    pub total: i64,
    pub offset: i64,
}

/// A page of invoice requests (open ones first, soonest due; then the newest issued) and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InvoiceRequestPage {
    pub rows: Vec<InvoiceRequestRow>,
    pub total: i64,
    pub offset: i64,
}

/// A page's offset and limit, checked: `limit` 1 to `max`, `offset` zero or more.
fn check_page(offset: i64, limit: i64, max: i64) -> Result<(), StoreError> {
    if !(1..=max).contains(&limit) {
        return Err(bad("limit", &limit.to_string(), &format!("1 to {max}")));
    }
    if offset < 0 {
        return Err(bad("offset", &offset.to_string(), "zero or more"));
    }
    Ok(())
}

/// Invoice requests with the state every screen shows: an issue queued or sent and not yet echoed by the feed is
/// the request's state until the feed has it.
const INVOICE_REQUESTS_CTE: &str = "WITH requests AS (
                SELECT r.id, r.requested_ts, r.kind, r.medium, r.title_name, r.amount_fen, r.recorded_by, r.recorded_ts, r.seq,
                       CASE WHEN a.id IS NULL THEN r.status ELSE 'issued' END AS status,
                       CASE WHEN a.id IS NULL THEN r.invoice_number ELSE a.payload->>'invoice_number' END AS invoice_number
                  FROM invoice_requests r
                  LEFT JOIN outbox_in_flight a ON a.kind = 'invoice-issued' AND a.target = r.id)";

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BillRow {
    pub bill_id: String,
    pub period: String,
    pub bill_date: String,
    pub send_by: String,
    pub sign_off_by: String,
    pub payment_by: String,
    pub order_count: i64,
    #[ts(type = "string")]
    pub amount: Cny,
    #[ts(type = "string")]
    pub platform_fee: Cny,
    #[ts(type = "string")]
    pub merchant_share: Cny,
    pub status: String,
}

/// Refunded amounts per business month.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonthAmount {
    pub month: String,
    pub count: i64,
    #[ts(type = "string")]
    pub amount: Cny,
}

impl Store {
    /// A page of orders, newest first.
    pub fn orders_page(&self, filter: &OrderFilter, offset: i64, limit: i64) -> Result<OrderPage, StoreError> {
        if offset < 0 {
            return Err(bad("offset", &offset.to_string(), "zero or more"));
        }
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(bad("limit", &limit.to_string(), &format!("1 to {MAX_PAGE}")));
        }
        let (clause, values) = filter.to_sql()?;
        let from =
            "FROM orders o JOIN products p ON p.product_id = o.product_id JOIN buyers b ON b.buyer_id = o.buyer_id";
        let total: i64 = if clause.is_empty() {
            self.conn
                .query_row("SELECT value FROM agg_counts WHERE name = 'orders'", [], |r| r.get(0))
                .optional()?
                .unwrap_or(0)
        } else {
            let sql = format!("SELECT count(*) FROM (SELECT 1 {from} {clause} LIMIT {})", COUNT_CAP + 1);
            self.conn.prepare_cached(&sql)?.query_row(rusqlite::params_from_iter(values.iter()), |r| r.get(0))?
        };
        let sql =
            format!("SELECT {ORDER_COLUMNS} {from} {clause} ORDER BY o.created_ts DESC, o.order_id LIMIT ? OFFSET ?");
        let mut all = values;
        all.push(Value::Integer(limit));
        all.push(Value::Integer(offset));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(all.iter()), order_row)?.collect::<Result<_, _>>()?;
        Ok(OrderPage { total: total.min(COUNT_CAP), total_is_capped: total > COUNT_CAP, offset, rows })
    }

    /// One order with its lines, its supervision flow and everything that happened to it, oldest first.
    pub fn order_detail(&self, order_id: &str, now: Instant) -> Result<OrderDetail, StoreError> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS}, b.kind, o.cloud_server_fee_fen, o.enterprise_project
               FROM orders o JOIN products p ON p.product_id = o.product_id
               JOIN buyers b ON b.buyer_id = o.buyer_id WHERE o.order_id = ?1"
        );
        type Found = (OrderRow, String, Option<i64>, Option<String>);
        let found: Option<Found> = self
            .conn
            .query_row(&sql, [order_id], |r| Ok((order_row(r)?, r.get(11)?, r.get(12)?, r.get(13)?)))
            .optional()?;
        let Some((order, buyer_kind, server_fee_fen, enterprise_project)) = found else {
            return Err(StoreError::NotFound(format!("order `{order_id}`")));
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT order_line_id, product_id, amount_fen FROM order_lines WHERE order_id = ?1 ORDER BY order_line_id",
        )?;
        let lines = stmt
            .query_map([order_id], |r| {
                Ok(OrderLineRow { order_line_id: r.get(0)?, product_id: r.get(1)?, amount: Cny::from_fen(r.get(2)?) })
            })?
            .collect::<Result<_, _>>()?;
        let mut timeline = vec![TimelineEntry {
            at: order.created_at.clone(),
            event: TimelineEvent::Order { order_type: order.order_type, status: order.status, amount: order.amount },
        }];
        let mut stmt = self.conn.prepare_cached(
            "SELECT at_ts, from_step, to_step, action, actor, detail, recorded_by FROM supervision_events
              WHERE order_id = ?1 ORDER BY idx",
        )?;
        let events = stmt.query_map([order_id], |r| {
            let action: SupervisionAction = read_coded(r, 3, "supervision_events.action", serde_code)?;
            let (recorded_by, note) = supervision_words(action, &r.get::<_, String>(5)?, r.get(6)?);
            Ok(TimelineEntry {
                at: rfc(r.get(0)?),
                event: TimelineEvent::Supervision {
                    from_step: read_coded(r, 1, "supervision_events.from_step", serde_code)?,
                    to_step: read_coded(r, 2, "supervision_events.to_step", serde_code)?,
                    action,
                    actor: read_coded(r, 4, "supervision_events.actor", serde_code)?,
                    recorded_by,
                    note,
                },
            })
        })?;
        for e in events {
            timeline.push(e?);
        }
        for u in self.unsubscriptions_where("u.order_id = ?1", params![order_id])? {
            timeline.push(TimelineEntry {
                at: u.requested_at,
                event: TimelineEvent::Unsubscription {
                    id: u.id,
                    status: u.status,
                    refund: u.refund,
                    paid: u.paid,
                    reason: u.reason,
                },
            });
        }
        for i in self.invoice_requests_where(
            "id IN (SELECT request_id FROM invoice_request_orders WHERE order_id = ?1)",
            params![order_id],
            now,
        )? {
            timeline.push(TimelineEntry {
                at: i.requested_at,
                event: TimelineEvent::InvoiceRequest {
                    id: i.id,
                    status: i.status,
                    invoice_kind: i.kind,
                    medium: i.medium,
                    amount: i.amount,
                    due_at: i.due_at,
                },
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT created_ts, kind, status, last_error, action_id FROM outbox WHERE target = ?1 ORDER BY id",
        )?;
        let queued = stmt.query_map([order_id], |r| {
            Ok(TimelineEntry {
                at: rfc(r.get(0)?),
                event: TimelineEvent::Outbox {
                    action: r.get(1)?,
                    action_id: r.get(4)?,
                    status: r.get(2)?,
                    error: r.get::<_, Option<String>>(3)?.filter(|e| !e.is_empty()),
                },
            })
        })?;
        for q in queued {
            timeline.push(q?);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT at_ts, activity, attempt, result_code, detail, elapsed_ms,
                    instance_id, result_msg, failure, http_status, failure IS NULL AND instance_id IS NULL
                    AND result_msg IS NULL AND http_status IS NULL
               FROM interface_calls WHERE order_id = ?1 ORDER BY idx",
        )?;
        let calls = stmt.query_map([order_id], |r| {
            let activity: String = r.get(1)?;
            let code: Option<String> = r.get(3)?;
            // A row written before schema 17 said it all in `detail`, read back as the codes [KG §7].
            let (instance_id, result_msg, failure, http_status) = if r.get::<_, bool>(10)? {
                let d = LegacyDetail::read(&activity, code.as_deref(), r.get::<_, Option<String>>(4)?.as_deref());
                (d.instance_id, d.result_msg, d.failure, d.http_status)
            } else {
                let failure = match r.get::<_, Option<String>>(8)? {
                    None => None,
                    Some(_) => Some(read_coded(r, 8, "interface_calls.failure", |s| {
                        CallFailure::parse(s).ok_or("not a call failure this build knows")
                    })?),
                };
                (r.get(6)?, r.get(7)?, failure, r.get(9)?)
            };
            Ok(TimelineEntry {
                at: rfc(r.get(0)?),
                event: TimelineEvent::Interface {
                    activity,
                    attempt: r.get(2)?,
                    outcome: CallOutcome::of(code.as_deref()),
                    result_code: code,
                    instance_id,
                    result_msg,
                    failure,
                    http_status,
                    elapsed_ms: r.get(5)?,
                },
            })
        })?;
        for c in calls {
            timeline.push(c?);
        }
        timeline.sort_by(|a, b| a.at.cmp(&b.at));
        let flow = self.flows_where("f.order_id = ?1", params![order_id], now)?.into_iter().next();
        let date = time::business_date(&at(self.conn.query_row(
            "SELECT created_ts FROM orders WHERE order_id = ?1",
            [order_id],
            |r| r.get::<_, i64>(0),
        )?));
        let (tax, tax_note) = match tax::lookup(order.access_type, order.billing_mode, Taxpayer::General, date) {
            Ok(l) => {
                let s = tax::split_gross(order.amount, l.rate);
                (
                    Some(OrderTax {
                        tax_product: l.tax_product,
                        rate: l.rate.normalize().to_string(),
                        gross: s.gross,
                        net: s.net,
                        tax: s.tax,
                    }),
                    None,
                )
            }
            Err(e) => (None, Some(TaxNote::of(&e))),
        };
        let image = match order.access_type {
            AccessType::Image => {
                let cloud_server_fee = server_fee_fen.map(Cny::from_fen);
                Some(ImageCharges {
                    image_fee: order.amount,
                    cloud_server_fee,
                    buyer_paid: cloud_server_fee.map(|f| f + order.amount),
                    enterprise_project,
                })
            }
            _ => None,
        };
        Ok(OrderDetail { order, buyer_kind, lines, flow, timeline, tax, tax_note, image })
    }

    /// Open supervision flows (all when `step` is `None`), filtered by step and side, soonest clock first.
    pub fn flows(
        &self,
        step: Option<&str>,
        side: Option<&str>,
        now: Instant,
        limit: i64,
    ) -> Result<Vec<FlowRow>, StoreError> {
        Ok(self.flows_page(step, side, now, 0, limit)?.rows)
    }

    /// A page of the open flows, soonest clock first, with how many there are in all.
    ///
    /// Open means as the inbox counts it: not completed, and not ended by a refund of the order [KG §3]. The order
    /// is the clock that matters for the side (see [`AppealClocks`]), computed in SQL, so the limit cuts after
    /// sorting: past thousands of open flows the most urgent are still the first.
    pub fn flows_page(
        &self,
        step: Option<&str>,
        side: Option<&str>,
        now: Instant,
        offset: i64,
        limit: i64,
    ) -> Result<FlowPage, StoreError> {
        if !(1..=MAX_PAGE * 10).contains(&limit) {
            return Err(bad("limit", &limit.to_string(), "1 to 10000"));
        }
        if offset < 0 {
            return Err(bad("offset", &offset.to_string(), "0 or more"));
        }
        if let Some(s) = side {
            if s != "merchant" && s != "user" {
                return Err(bad("side", s, "merchant or user"));
            }
        }
        let clause = "f.step <> 'completed' AND f.order_refunded = 0 AND (?1 IS NULL OR f.step = ?1) AND (?2 IS NULL OR f.side = ?2)";
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM supervision_flows f WHERE {clause}"),
            params![step, side],
            |r| r.get(0),
        )?;
        // The clock of AppealClocks: a merchant step over the rejection limit lets the user appeal at once; a
        // merchant or user step stalls STALL_HOURS after it started; a platform step has none (last).
        let clock = format!(
            "CASE WHEN f.side = 'merchant' AND f.rejections > {MAX_REJECTIONS} THEN f.step_started_ts
                  WHEN f.side IN ('merchant', 'user') THEN f.step_started_ts + {}
             END",
            STALL_HOURS * 3600
        );
        let rows = self.flows_where(
            &format!("{clause} ORDER BY ({clock}) IS NULL, ({clock}), f.order_id LIMIT {limit} OFFSET {offset}"),
            params![step, side],
            now,
        )?;
        Ok(FlowPage { rows, total })
    }

    fn flows_where(&self, clause: &str, p: impl rusqlite::Params, now: Instant) -> Result<Vec<FlowRow>, StoreError> {
        let pending = self.pending_target_set()?;
        let sql = format!(
            "SELECT f.order_id, f.product_type, f.step, f.side, f.step_started_ts, f.rejections, f.frozen_by,
                    f.recorded_by, f.recorded_ts, f.seq
               FROM supervision_flows f WHERE {clause}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(p, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, u32>(5)?,
                r.get::<_, Option<String>>(6)?,
                recorded(r.get(7)?, r.get(8)?),
                r.get::<_, i64>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (order_id, product_type, step, side, since, rejections, frozen_by, recorded, seq) = row?;
            let side_enum = match side.as_deref() {
                Some("merchant") => Some(Side::Merchant),
                Some("user") => Some(Side::User),
                Some("platform") => Some(Side::Platform),
                _ => None,
            };
            let clocks = side_enum.map(|s| (s, AppealClocks::new(s, at(since), rejections)));
            let (m_at, u_at) =
                clocks.map(|(_, c)| (c.merchant_may_appeal_at, c.user_may_appeal_at)).unwrap_or((None, None));
            let relevant = match clocks {
                Some((Side::Merchant, c)) => c.user_may_appeal_at,
                Some((Side::User, c)) => c.merchant_may_appeal_at,
                _ => None,
            };
            out.push(FlowRow {
                pending_sync: pending.get(&order_id).copied(),
                order_id,
                product_type,
                step,
                side,
                step_started_at: rfc(since),
                rejections,
                rejections_left: MAX_REJECTIONS.saturating_sub(rejections),
                frozen_by,
                merchant_may_appeal_at: m_at.map(|t| time::format_rfc3339(&t)),
                user_may_appeal_at: u_at.map(|t| time::format_rfc3339(&t)),
                seconds_to_appeal: relevant.map(|t| (t - now).num_seconds()),
                recorded,
                seq,
            });
        }
        Ok(out)
    }

    /// Unsubscription requests, pending first then newest; `status` filters.
    pub fn unsubscriptions(&self, status: Option<&str>, limit: i64) -> Result<Vec<UnsubscriptionRow>, StoreError> {
        Ok(self.unsubscriptions_page(status, 0, limit)?.rows)
    }

    /// A page of unsubscription requests — pending first, then newest, sorted in SQL so the page cuts after
    /// sorting — with how many match `status` in all.
    pub fn unsubscriptions_page(
        &self,
        status: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<UnsubscriptionPage, StoreError> {
        check_page(offset, limit, MAX_PAGE * 10)?;
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM unsubscriptions u WHERE ?1 IS NULL OR u.status = ?1",
            params![status],
            |r| r.get(0),
        )?;
        let rows = self.unsubscriptions_where(
            &format!(
                "(?1 IS NULL OR u.status = ?1) ORDER BY u.status <> 'pending', u.requested_ts DESC, u.id
                 LIMIT {limit} OFFSET {offset}"
            ),
            params![status],
        )?;
        Ok(UnsubscriptionPage { rows, total, offset })
    }

    fn unsubscriptions_where(
        &self,
        clause: &str,
        p: impl rusqlite::Params,
    ) -> Result<Vec<UnsubscriptionRow>, StoreError> {
        let pending = self.pending_target_set()?;
        let sql = format!(
            "SELECT u.id, u.order_id, u.rule, u.requested_ts, u.refund_fen, u.paid_fen, u.reason, u.status, u.review_due,
                    u.decision_reason, p.access_type, p.billing_mode, p.supervised, u.recorded_by, u.recorded_ts, u.seq
               FROM unsubscriptions u JOIN orders o ON o.order_id = u.order_id
               JOIN products p ON p.product_id = o.product_id WHERE {clause}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(p, |r| {
            let id: String = r.get(0)?;
            Ok(UnsubscriptionRow {
                pending_sync: pending.get(&id).copied(),
                id,
                order_id: r.get(1)?,
                rule: read_coded(r, 2, "unsubscriptions.rule", serde_code)?,
                requested_at: rfc(r.get(3)?),
                refund: Cny::from_fen(r.get(4)?),
                paid: Cny::from_fen(r.get(5)?),
                reason: r.get(6)?,
                status: read_coded(r, 7, "unsubscriptions.status", serde_code)?,
                review_due: r.get(8)?,
                decision_reason: r.get(9)?,
                place: place_of(&r.get::<_, String>(10)?, &r.get::<_, String>(11)?, r.get(12)?),
                recorded: recorded(r.get(13)?, r.get(14)?),
                seq: r.get(15)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Invoice requests: open ones first (soonest due), then the newest issued.
    pub fn invoice_requests(
        &self,
        status: Option<&str>,
        now: Instant,
        limit: i64,
    ) -> Result<Vec<InvoiceRequestRow>, StoreError> {
        Ok(self.invoice_requests_page(status, now, 0, limit)?.rows)
    }

    /// A page of invoice requests — open ones first (soonest due), then the newest issued, sorted in SQL so the
    /// page cuts after sorting — with how many match `status` (as the screens show it) in all.
    pub fn invoice_requests_page(
        &self,
        status: Option<&str>,
        now: Instant,
        offset: i64,
        limit: i64,
    ) -> Result<InvoiceRequestPage, StoreError> {
        check_page(offset, limit, MAX_PAGE * 10)?;
        let total: i64 = self.conn.query_row(
            &format!("{INVOICE_REQUESTS_CTE} SELECT count(*) FROM requests WHERE ?1 IS NULL OR status = ?1"),
            params![status],
            |r| r.get(0),
        )?;
        let rows = self.invoice_requests_where(
            &format!(
                "(?1 IS NULL OR status = ?1) ORDER BY status <> 'requested',
                 CASE WHEN status = 'requested' THEN requested_ts ELSE -requested_ts END, id
                 LIMIT {limit} OFFSET {offset}"
            ),
            params![status],
            now,
        )?;
        Ok(InvoiceRequestPage { rows, total, offset })
    }

    fn invoice_requests_where(
        &self,
        clause: &str,
        p: impl rusqlite::Params,
        now: Instant,
    ) -> Result<Vec<InvoiceRequestRow>, StoreError> {
        let pending = self.pending_target_set()?;
        let sql = format!(
            "{INVOICE_REQUESTS_CTE}
             SELECT id, requested_ts, kind, medium, title_name, amount_fen, status, invoice_number,
                    (SELECT group_concat(order_id) FROM invoice_request_orders WHERE request_id = id),
                    recorded_by, recorded_ts, seq
               FROM requests WHERE {clause}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(p, |r| {
            let id: String = r.get(0)?;
            let requested = at(r.get(1)?);
            let due = koodesk_domain::invoice::due_at(requested);
            let orders: Option<String> = r.get(8)?;
            Ok(InvoiceRequestRow {
                pending_sync: pending.get(&id).copied(),
                id,
                requested_at: time::format_rfc3339(&requested),
                due_at: time::format_rfc3339(&due),
                seconds_left: (due - now).num_seconds(),
                kind: read_coded(r, 2, "invoice_requests.kind", serde_code)?,
                medium: read_coded(r, 3, "invoice_requests.medium", serde_code)?,
                title: r.get(4)?,
                amount: Cny::from_fen(r.get(5)?),
                status: read_coded(r, 6, "invoice_requests.status", serde_code)?,
                invoice_number: r.get(7)?,
                order_ids: orders.map(|o| o.split(',').map(str::to_string).collect()).unwrap_or_default(),
                recorded: recorded(r.get(9)?, r.get(10)?),
                seq: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every bill, newest period first.
    pub fn bills(&self) -> Result<Vec<BillRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT bill_id, period, bill_date, send_by, sign_off_by, payment_by, order_count, amount_fen,
                    platform_fee_fen, merchant_share_fen, status FROM bills ORDER BY period DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(BillRow {
                bill_id: r.get(0)?,
                period: r.get(1)?,
                bill_date: r.get(2)?,
                send_by: r.get(3)?,
                sign_off_by: r.get(4)?,
                payment_by: r.get(5)?,
                order_count: r.get(6)?,
                amount: Cny::from_fen(r.get(7)?),
                platform_fee: Cny::from_fen(r.get(8)?),
                merchant_share: Cny::from_fen(r.get(9)?),
                status: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Refunds (approved or refunded unsubscriptions) per business month of the request.
    pub fn refunds_by_month(&self) -> Result<Vec<MonthAmount>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT strftime('%Y-%m', requested_ts + 8 * 3600, 'unixepoch') AS m, count(*), sum(refund_fen)
               FROM unsubscriptions WHERE status IN ('approved', 'refunded') GROUP BY m ORDER BY m",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(MonthAmount { month: r.get(0)?, count: r.get(1)?, amount: Cny::from_fen(r.get(2)?) })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn pending_target_set(&self) -> Result<std::collections::HashMap<String, PendingSync>, StoreError> {
        self.in_flight_targets()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feed event's action JSON gives its reason or proof and nothing else; a recorded step's note is its text.
    #[test]
    fn a_supervision_note_is_what_was_written_with_the_step() {
        assert_eq!(supervision_note(r#"{"action":"reject","reason":" 需求不清 "}"#).as_deref(), Some("需求不清"));
        assert_eq!(supervision_note(r#"{"action":"deliver","proof":"proof.pdf"}"#).as_deref(), Some("proof.pdf"));
        assert_eq!(supervision_note(r#"{"action":"confirm"}"#), None);
        assert_eq!(supervision_note(r#"{"action":"reject","reason":""}"#), None);
        assert_eq!(supervision_note("需求已收到").as_deref(), Some("需求已收到"));
    }

    /// Who recorded a step comes from its column; a step recorded before schema 16 is taken apart from `detail`.
    #[test]
    fn who_recorded_a_step_is_a_value_of_its_own() {
        let words = |d: &str, by: Option<&str>| supervision_words(SupervisionAction::Recorded, d, by.map(String::from));
        let pair = |by: &str, note: Option<&str>| (Some(by.to_string()), note.map(String::from));
        assert_eq!(words("需求已收到", Some("测试员")), pair("测试员", Some("需求已收到")));
        assert_eq!(words("", Some("测试员")), pair("测试员", None));
        assert_eq!(words("recorded by 测试员: 需求已收到", None), pair("测试员", Some("需求已收到")));
        assert_eq!(words("recorded by 测试员", None), pair("测试员", None));
        let feed = supervision_words(SupervisionAction::Reject, r#"{"action":"reject","reason":"需求不清"}"#, None);
        assert_eq!(feed, (None, Some("需求不清".to_string())));
    }
}
