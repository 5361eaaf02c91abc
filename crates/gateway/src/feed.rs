//! The seller feed the console syncs (`crates/sandbox/openapi/feed.yaml`), served from what KooGallery's calls
//! and `order/query` told the gateway, so `koodesk sync --feed https://gateway…` works unchanged.
//!
//! - `orders`: every real (not debug) order KooGallery called about, once `order/query` has described it, with
//!   its production-interface calls; an order comes again, later in the sequence, whenever a call touches it.
//! - `supervision`, `unsubscriptions`, `invoice-requests`: KooGallery offers no API for them [REAL-DATA §1];
//!   these pages carry what the seller's desks recorded here by hand (`POST /feed/v1/{kind}/{id}/record`), and
//!   what was done about them on the Seller Console (`…/decision`, `…/issued`), each with `recorded_by`, so every
//!   desk syncing the gateway sees them. Other seller actions are refused with where to take them.
//! - `bills`: always empty.
//! - `interface-health`: failed orders this month against KooGallery's delisting line, the last dial test,
//!   refused calls, and the orders still awaiting their details.

use std::str::FromStr;

use chrono::{Datelike, Utc};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::Channel;
use koodesk_domain::money::Cny;
use koodesk_domain::time;
use koodesk_protocol::feed::{
    self, BuyerKind, BuyerRef, FeedInterfaceCall, FeedOrder, Kind, OrderStatus, Page, ProductRef,
};
use koodesk_protocol::open_api::OrderType;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::db::{HealthCounts, NewRecord, OrderRow, PendingOrder};

pub use koodesk_protocol::interface_health::DELISTING_LINE;
use koodesk_protocol::interface_health::{
    DialTest, Enrichment, InterfaceHealth, PendingOrder as Pending, ProductFailures, Replies,
};

/// An order row the feed cannot describe (its stored details do not parse): reported, never defaulted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("order {order_id}: {detail}")]
pub struct BadRow {
    pub order_id: String,
    pub detail: String,
}

/// `ON_DEMAND`… → KooDesk's billing mode [KG §1, §8].
pub fn billing_mode(charging_mode: &str) -> Option<BillingMode> {
    serde_json::from_value(serde_json::Value::String(charging_mode.to_string()))
        .ok()
        .map(koodesk_protocol::order_query::billing_mode)
}

pub fn order_type(s: &str) -> Option<OrderType> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

fn rfc3339_ms(ms: i64) -> String {
    let t = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    time::format_rfc3339(&time::to_beijing(t))
}

/// One order as the feed carries it. The gateway serves a SaaS production interface, so the access type is
/// SaaS; supervision and the channel are not in `order/query`: KooDesk convention, unsupervised and general
/// (the seller corrects either from the Seller Console export).
pub fn feed_order(o: &OrderRow) -> Result<FeedOrder, BadRow> {
    let bad = |detail: String| BadRow { order_id: o.order_id.clone(), detail };
    let e = &o.enriched;
    let billing_mode =
        billing_mode(&e.charging_mode).ok_or_else(|| bad(format!("charging mode `{}` is unknown", e.charging_mode)))?;
    let order_type =
        order_type(&e.order_type).ok_or_else(|| bad(format!("order type `{}` is unknown", e.order_type)))?;
    let amount = Decimal::from_str(&e.amount).map_err(|_| bad(format!("amount `{}` is not a decimal", e.amount)))?;
    let amount = Cny::exact(amount).map_err(|err| bad(format!("amount `{}`: {err}", e.amount)))?;
    let kind = match e.buyer_kind.as_str() {
        "enterprise" => BuyerKind::Enterprise,
        "person" => BuyerKind::Person,
        other => return Err(bad(format!("buyer kind `{other}` is unknown"))),
    };
    let mut attempts: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    let interface_calls = o
        .calls
        .iter()
        .map(|c| {
            let n = attempts.entry(c.activity.as_str()).or_insert(0);
            *n += 1;
            FeedInterfaceCall {
                activity: c.activity.clone(),
                attempt: *n,
                at: rfc3339_ms(c.received_ms),
                result_code: Some(c.result_code.clone()),
                instance_id: c.instance_id.clone(),
                // The gateway is the seller's server: what it answered is its result code, and no call it
                // journaled went without a proper reply.
                result_msg: None,
                failure: None,
                http_status: None,
                detail: None,
                elapsed_ms: u32::try_from(c.latency_us / 1000).unwrap_or(u32::MAX),
            }
        })
        .collect();
    Ok(FeedOrder {
        order_id: o.order_id.clone(),
        order_line_id: o.order_line_id.clone(),
        order_type,
        created_at: e.created_at.clone(),
        product: ProductRef {
            product_id: e.product_id.clone(),
            name: e.product_name.clone(),
            access_type: AccessType::Saas,
            billing_mode,
            supervised: false,
            product_type: None,
            channel: Channel::General,
        },
        buyer: BuyerRef { buyer_id: e.buyer_id.clone(), name: e.buyer_name.clone(), kind, taxpayer_id: None },
        amount,
        status: if o.provisioned_ms.is_some() { OrderStatus::Completed } else { OrderStatus::InProgress },
        scenario: None,
        // SaaS without supervision enters settlement once provisioned [KG §5].
        settled_at: o.provisioned_ms.map(rfc3339_ms),
        license_code: None,
        image: None,
        interface_calls,
        seq: u64::try_from(o.seq).unwrap_or(0),
    })
}

/// The JSON of one page of orders.
pub fn orders_page(rows: &[OrderRow], after: u64, limit: usize) -> Result<Vec<u8>, BadRow> {
    let items = rows.iter().map(feed_order).collect::<Result<Vec<_>, _>>()?;
    let last = items.last().map(|o| o.seq).unwrap_or(after);
    let page = Page { has_more: items.len() >= limit, next_cursor: feed::encode_cursor(Kind::Orders, last), items };
    Ok(serde_json::to_vec(&page).unwrap_or_default())
}

/// An always-empty page of a feed the gateway has no source for.
pub fn empty_page(kind: Kind, after: u64) -> Vec<u8> {
    let page: Page<serde_json::Value> =
        Page { items: Vec::new(), next_cursor: feed::encode_cursor(kind, after), has_more: false };
    serde_json::to_vec(&page).unwrap_or_default()
}

/// The JSON of one page of records: each stored body with its sequence.
pub fn records_page(kind: Kind, rows: &[(String, i64)], after: u64, limit: usize) -> Vec<u8> {
    let items: Vec<serde_json::Value> = rows
        .iter()
        .filter_map(|(body, seq)| {
            let mut v: serde_json::Value = serde_json::from_str(body).ok()?;
            v.as_object_mut()?.insert("seq".into(), (*seq).into());
            Some(v)
        })
        .collect();
    let last = rows.last().map(|(_, seq)| u64::try_from(*seq).unwrap_or(0)).unwrap_or(after);
    let page = Page { has_more: rows.len() >= limit, next_cursor: feed::encode_cursor(kind, last), items };
    serde_json::to_vec(&page).unwrap_or_default()
}

/// A record refused: the HTTP status, the code and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal { status, code, message: message.into() }
}

fn read<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    serde_json::from_slice(body).map_err(|e| refuse(400, "invalid", format!("the body: {e}")))
}

fn who(by: Option<String>) -> Result<String, Refusal> {
    by.map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .ok_or_else(|| refuse(400, "invalid", "recorded_by: who recorded this is required"))
}

fn new_record(
    action_id: String,
    kind: Kind,
    id: &str,
    body: &impl Serialize,
    by: String,
    now_ms: i64,
) -> Result<NewRecord, Refusal> {
    if action_id.trim().is_empty() {
        return Err(refuse(400, "invalid", "action_id is required"));
    }
    let body = serde_json::to_string(body).map_err(|e| refuse(400, "invalid", e.to_string()))?;
    Ok(NewRecord { action_id, kind: kind.path().to_string(), id: id.to_string(), body, recorded_by: Some(by), now_ms })
}

/// A feed entity a desk records: its key as the route names it, and who recorded it when.
trait Recorded: serde::de::DeserializeOwned + serde::Serialize {
    /// The key field's name and value (`order_id` of a flow, `id` otherwise).
    fn key(&self) -> (&'static str, &str);
    fn stamps(&mut self) -> (&mut Option<String>, &mut Option<String>, &mut u64);
}

impl Recorded for feed::FeedFlow {
    fn key(&self) -> (&'static str, &str) {
        ("order_id", &self.order_id)
    }
    fn stamps(&mut self) -> (&mut Option<String>, &mut Option<String>, &mut u64) {
        (&mut self.recorded_by, &mut self.recorded_at, &mut self.seq)
    }
}

impl Recorded for feed::FeedUnsubscription {
    fn key(&self) -> (&'static str, &str) {
        ("id", &self.id)
    }
    fn stamps(&mut self) -> (&mut Option<String>, &mut Option<String>, &mut u64) {
        (&mut self.recorded_by, &mut self.recorded_at, &mut self.seq)
    }
}

impl Recorded for feed::FeedInvoiceRequest {
    fn key(&self) -> (&'static str, &str) {
        ("id", &self.id)
    }
    fn stamps(&mut self) -> (&mut Option<String>, &mut Option<String>, &mut u64) {
        (&mut self.recorded_by, &mut self.recorded_at, &mut self.seq)
    }
}

/// Reads a desk's record of one entity: its key must be the route's, `recorded_by` is required, `recorded_at`
/// defaults to now, and the desk's `seq` is ignored (the gateway numbers it).
fn record_of<T: Recorded>(
    kind: Kind,
    id: &str,
    body: &[u8],
    now_ms: i64,
    mismatch: &dyn Fn(&str, &str) -> Refusal,
) -> Result<NewRecord, Refusal> {
    let r: feed::RecordRequest<T> = read(body)?;
    let mut e = r.entity;
    let (field, key) = e.key();
    if key != id {
        return Err(mismatch(field, key));
    }
    let (recorded_by, recorded_at, seq) = e.stamps();
    let by = who(recorded_by.take())?;
    *recorded_by = Some(by.clone());
    recorded_at.get_or_insert_with(|| rfc3339_ms(now_ms));
    *seq = 0;
    new_record(r.action_id, kind, id, &e, by, now_ms)
}

/// `POST /feed/v1/{kind}/{id}/record`: a tracker entry, the entity's whole state as a desk recorded it.
pub fn record_entry(kind: Kind, id: &str, body: &[u8], now_ms: i64) -> Result<NewRecord, Refusal> {
    let mismatch =
        |field: &str, got: &str| refuse(400, "invalid", format!("{field} `{got}` is not the `{id}` of the route"));
    match kind {
        Kind::Supervision => record_of::<feed::FeedFlow>(kind, id, body, now_ms, &mismatch),
        Kind::Unsubscriptions => record_of::<feed::FeedUnsubscription>(kind, id, body, now_ms, &mismatch),
        Kind::InvoiceRequests => record_of::<feed::FeedInvoiceRequest>(kind, id, body, now_ms, &mismatch),
        Kind::Orders | Kind::Bills => {
            Err(refuse(404, "not-found", format!("the {} feed takes no records", kind.path())))
        }
    }
}

fn not_recorded(kind: Kind, id: &str) -> Refusal {
    refuse(
        404,
        "not-found",
        format!("no {} `{id}` was recorded on this gateway: record it first, then what was done about it", kind.path()),
    )
}

/// `POST /feed/v1/unsubscriptions/{id}/decision`: the seller approved or rejected it on the Seller Console; the
/// gateway records the decision on the unsubscription a desk recorded (`stored`).
pub fn record_decision(id: &str, stored: Option<&str>, body: &[u8], now_ms: i64) -> Result<NewRecord, Refusal> {
    let d: feed::UnsubscriptionDecision = read(body)?;
    let stored = stored.ok_or_else(|| not_recorded(Kind::Unsubscriptions, id))?;
    let mut e: feed::FeedUnsubscription =
        serde_json::from_str(stored).map_err(|err| refuse(500, "damaged", format!("unsubscription {id}: {err}")))?;
    let by = who(d.recorded_by.or(e.recorded_by.take()))?;
    e.status = if d.approve { feed::UnsubscriptionStatus::Approved } else { feed::UnsubscriptionStatus::Rejected };
    e.decision_reason = Some(d.reason).filter(|r| !r.trim().is_empty());
    e.recorded_by = Some(by.clone());
    e.recorded_at = Some(d.recorded_at.unwrap_or_else(|| rfc3339_ms(now_ms)));
    new_record(d.action_id, Kind::Unsubscriptions, id, &e, by, now_ms)
}

/// `POST /feed/v1/invoice-requests/{id}/issued`: the invoice was issued on the Seller Console, with its number.
pub fn record_issued(id: &str, stored: Option<&str>, body: &[u8], now_ms: i64) -> Result<NewRecord, Refusal> {
    let d: feed::InvoiceIssued = read(body)?;
    if d.invoice_number.trim().is_empty() {
        return Err(refuse(400, "invalid", "invoice_number is required"));
    }
    let stored = stored.ok_or_else(|| not_recorded(Kind::InvoiceRequests, id))?;
    let mut e: feed::FeedInvoiceRequest =
        serde_json::from_str(stored).map_err(|err| refuse(500, "damaged", format!("invoice request {id}: {err}")))?;
    let by = who(d.recorded_by.or(e.recorded_by.take()))?;
    e.status = feed::InvoiceRequestStatus::Issued;
    e.invoice_number = Some(d.invoice_number.trim().to_string());
    e.issued_at = Some(d.issued_at.unwrap_or_else(|| rfc3339_ms(now_ms)));
    e.recorded_by = Some(by.clone());
    e.recorded_at = Some(d.recorded_at.unwrap_or_else(|| rfc3339_ms(now_ms)));
    new_record(d.action_id, Kind::InvoiceRequests, id, &e, by, now_ms)
}

/// The start of this month, Beijing time, in Unix milliseconds.
pub fn month_start_ms(now: chrono::DateTime<Utc>) -> (String, i64) {
    let today = time::business_date(&time::to_beijing(now));
    let first = today.with_day(1).unwrap_or(today);
    (first.format("%Y-%m").to_string(), time::start_of_day(first).timestamp_millis())
}

/// The interface-health view [KG §7]: the counts since the start of the month, the oldest orders awaiting their
/// details.
pub fn health(period: String, c: HealthCounts, pending: Vec<PendingOrder>, configured: bool) -> InterfaceHealth {
    let mut products: Vec<ProductFailures> = c
        .failed_by_product
        .into_iter()
        .map(|(product_id, failed_orders)| ProductFailures { product_id, failed_orders })
        .collect();
    // Most failed first; then by ID, the unknown product last, the same order on both engines.
    products.sort_by(|a, b| {
        b.failed_orders
            .cmp(&a.failed_orders)
            .then_with(|| a.product_id.is_none().cmp(&b.product_id.is_none()))
            .then_with(|| a.product_id.cmp(&b.product_id))
    });
    InterfaceHealth {
        period,
        calls: c.calls,
        failed_orders: c.failed_orders,
        delisting_line: DELISTING_LINE,
        over_the_line: c.failed_orders > DELISTING_LINE,
        products,
        replies: Replies {
            slow: c.slow,
            timed_out: c.timed_out,
            // Rounded up: a reply of 4,999.2 ms was not under 4,999 ms.
            slowest_ms: c.slowest_us.map(|us| (us + 999).div_euclid(1000)),
            ..Replies::default()
        },
        last_dial_test: c.last_test_call.map(|(at, activity, result_code)| DialTest {
            at: rfc3339_ms(at),
            activity,
            result_code,
        }),
        refused_total: c.refused.iter().map(|(_, n)| n).sum(),
        refused: c.refused.into_iter().collect(),
        enrichment: Enrichment {
            configured,
            backlog: c.enrichment_backlog,
            pending: pending
                .into_iter()
                .map(|p| Pending {
                    order_id: p.order_id,
                    order_line_id: p.order_line_id,
                    instance_id: p.instance_id,
                    first_call_at: rfc3339_ms(p.first_call_ms),
                    attempts: p.attempts,
                    last_error: p.last_error,
                })
                .collect(),
        },
    }
}
