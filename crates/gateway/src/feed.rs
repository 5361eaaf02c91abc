//! The seller feed the console syncs (`crates/sandbox/openapi/feed.yaml`), served from what KooGallery's calls
//! and `order/query` told the gateway, so `koodesk sync --feed https://gateway…` works unchanged.
//!
//! - `orders`: every real (not debug) order KooGallery called about, once `order/query` has described it, with
//!   its production-interface calls; an order comes again, later in the sequence, whenever a call touches it.
//! - `supervision`, `unsubscriptions`, `invoice-requests`, `bills`: KooGallery offers no API for them
//!   [REAL-DATA §1], so these pages are always empty, and seller actions are refused with where to take them.
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

use crate::db::{HealthCounts, OrderRow, PendingOrder};

/// More than this many orders failed in a month because of the interface → the product is delisted [KG §7].
pub const DELISTING_LINE: i64 = 5;

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
                detail: c.instance_id.clone(),
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

/// The start of this month, Beijing time, in Unix milliseconds.
pub fn month_start_ms(now: chrono::DateTime<Utc>) -> (String, i64) {
    let today = time::business_date(&time::to_beijing(now));
    let first = today.with_day(1).unwrap_or(today);
    (first.format("%Y-%m").to_string(), time::start_of_day(first).timestamp_millis())
}

#[derive(Debug, Serialize)]
pub struct DialTest {
    pub at: String,
    pub activity: String,
    pub result_code: String,
}

#[derive(Debug, Serialize)]
pub struct Pending {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    pub first_call_at: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Enrichment {
    pub configured: bool,
    pub backlog: i64,
    /// The oldest orders awaiting their details, with what is known of them.
    pub pending: Vec<Pending>,
}

/// `GET /feed/v1/interface-health`.
#[derive(Debug, Serialize)]
pub struct InterfaceHealth {
    /// The Beijing-time month counted, `YYYY-MM`.
    pub period: String,
    pub calls: i64,
    pub failed_orders: i64,
    pub delisting_line: i64,
    /// More than `delisting_line` failed orders this month: KooGallery delists the product [KG §7].
    pub over_the_line: bool,
    /// The newest debug call (saved cases replayed by KooGallery's dial tests, twice a day).
    pub last_dial_test: Option<DialTest>,
    pub refused_total: i64,
    pub refused: std::collections::BTreeMap<String, i64>,
    pub enrichment: Enrichment,
}

pub fn health(period: String, c: HealthCounts, pending: Vec<PendingOrder>, configured: bool) -> InterfaceHealth {
    InterfaceHealth {
        period,
        calls: c.calls,
        failed_orders: c.failed_orders,
        delisting_line: DELISTING_LINE,
        over_the_line: c.failed_orders > DELISTING_LINE,
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
