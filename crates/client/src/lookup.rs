//! Orders looked up by ID through the open API's `order/query` (the seller's AK/SK) and written into the store as
//! source `lookup` [KG §8, REAL-DATA §1]: the one way, besides the production interface, to learn what an order
//! is without the Seller Console.
//!
//! - The call is `koodesk_protocol::order_query` (the gateway's too): hosts in order, the next one only while a
//!   host cannot be reached or answers 5xx.
//! - Orders are asked one after the other. An answer about one order (not found or not this seller's —
//!   `MKT.0150` —, an invalid ID, a reply that cannot be read) is reported for that order and the next one is
//!   asked. What would fail every following order the same way — `406 MKT.0250` (access frequency over limit),
//!   no host reachable, the AK/SK refused, the store failing — stops the run: [`LookupReport::stopped`] says why
//!   and how many orders were done, and each order not asked is reported as such. What was stored stays stored.
//! - Each order line becomes one [`OrderRecord`], written with [`Store::record_lookups`](koodesk_store::Store):
//!   it replaces an imported order (lines included) and never a feed's, which is the marketplace's own record.
//! - `order/query` says neither the access type nor the order's state. The access type is the one of the
//!   product the store already holds for the order, else the caller's; without either the order is reported,
//!   never guessed. The state is in progress, or refunded for an `UNSUBSCRIBE` order.
//! - The billing mode is read from `chargingMode`: `PERIOD` period, `ONE_TIME` one-time, `ON_DEMAND` on-demand,
//!   `ON_DEMAND_PKG` on-demand package — or the per-call (package) or per-quantity mode charged the same way when
//!   the stored product is billed so, or when the access type allows only that (an AI asset is billed per call).
//!
//! Neither key is ever in a message or the report.

use chrono::Utc;
use koodesk_domain::catalog::{allowed_modes, AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{OrderRecord, OrderState, OrderType};
use koodesk_protocol::endpoint;
use koodesk_protocol::open_api::OrderType as WireOrderType;
use koodesk_protocol::order_query::{self, http, QueriedLine, QueriedOrder, QueryError};
use koodesk_protocol::secret::Secret;
use koodesk_store::import::OrderSource;
use koodesk_store::{StoreError, Writer};
use serde::Serialize;

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Where and as whom to call the open API.
#[derive(Debug, Clone)]
pub struct OpenApi {
    /// Base URLs tried in order ([`order_query::default_bases`]: KooGallery's).
    pub bases: Vec<String>,
    pub access_key: Secret,
    pub secret_key: Secret,
}

/// Why no order could be looked up at all. Never carries a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// A base URL the keys may not go to: not a URL, or plain HTTP to another machine. Nothing was sent.
    #[error("{0}")]
    BadUrl(String),
    #[error("{0}")]
    Setup(String),
}

/// One stored order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookedUpLine {
    pub order_line_id: String,
    pub product_id: String,
    pub product_name: String,
    pub sku: Option<String>,
    pub billing_mode: BillingMode,
    pub access_type: AccessType,
    pub amount: Cny,
}

/// One order `order/query` described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookedUp {
    pub order_id: String,
    pub order_type: OrderType,
    pub status: OrderState,
    /// RFC 3339, Beijing time.
    pub created_at: String,
    pub buyer: String,
    pub lines: Vec<LookedUpLine>,
    /// What the buyer paid, the sum of the lines.
    pub amount: Cny,
    /// Where the store's record of the order is from now: `lookup`, or the feed's source (`sandbox`,
    /// `gateway`) when the order came with a feed, whose record a lookup never replaces.
    pub source: OrderSource,
    /// Whether the store changed: a new order, an imported (or earlier looked-up) one updated.
    pub changed: bool,
}

/// An order that could not be looked up or stored, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedLookup {
    pub order_id: String,
    pub message: String,
}

/// What a lookup did, order by order, in the order asked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LookupReport {
    pub looked_up: Vec<LookedUp>,
    pub failed: Vec<FailedLookup>,
    /// Why the run stopped before the last order, and how many were done; the orders not asked are in `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// What the store holds of an order's product before the lookup.
struct Known {
    access_type: String,
    billing_mode: String,
}

/// Looks `order_ids` up one after the other and stores each order described (see the module's notes).
/// `access_type` is for orders whose product the store does not hold yet.
pub async fn lookup(
    store: &Writer,
    api: &OpenApi,
    order_ids: &[String],
    access_type: Option<AccessType>,
) -> Result<LookupReport, LookupError> {
    if api.bases.is_empty() {
        return Err(LookupError::Setup("no open-API base URL is given".into()));
    }
    for base in &api.bases {
        endpoint::check("api", base).map_err(|e| LookupError::BadUrl(e.to_string()))?;
    }
    let client = http::client(TIMEOUT).map_err(LookupError::Setup)?;
    let mut ids: Vec<&str> = Vec::new();
    for id in order_ids.iter().map(|s| s.trim()) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut report = LookupReport::default();
    for (i, id) in ids.iter().copied().enumerate() {
        let fail = |message: String| FailedLookup { order_id: id.to_string(), message };
        if id.is_empty() {
            report.failed.push(fail("an empty order ID".into()));
            continue;
        }
        let outcome =
            match http::query(&client, &api.bases, api.access_key.expose(), &api.secret_key, id, Utc::now()).await {
                Ok(v) => match order_query::read_order(&v) {
                    Ok(order) => store_order(store, order, access_type).await,
                    Err(e) => Err(Stop::Order(e.to_string())),
                },
                Err(e) if e.is_about_the_order() => Err(Stop::Order(e.to_string())),
                Err(e) => Err(Stop::Run(stop_message(&e))),
            };
        match outcome {
            Ok(done) => report.looked_up.push(done),
            Err(Stop::Order(message)) => report.failed.push(fail(message)),
            Err(Stop::Run(why)) => {
                let rest = &ids[i + 1..];
                report.stopped = Some(format!(
                    "stopped at order {id}: {why}. {i} of {} orders were done before it ({} stored, {} failed); \
                     it and the {} after it were not looked up",
                    ids.len(),
                    report.looked_up.len(),
                    report.failed.len(),
                    rest.len()
                ));
                report.failed.push(fail(why.clone()));
                for r in rest {
                    report.failed.push(FailedLookup {
                        order_id: r.to_string(),
                        message: format!("not asked: the lookup stopped at order {id}"),
                    });
                }
                break;
            }
        }
    }
    Ok(report)
}

/// What ended one order's lookup: the order alone, or the whole run.
enum Stop {
    Order(String),
    Run(String),
}

fn stop_message(e: &QueryError) -> String {
    match e {
        QueryError::RateLimited => format!("{e} (try again later)"),
        QueryError::Unreachable(why) => format!("no open-API host could be reached: {why}"),
        QueryError::Unauthorized { .. } => {
            format!("{e}; check them with `koodesk credentials` (access-key, secret-key) and the clock")
        }
        _ => e.to_string(),
    }
}

/// Writes one described order, and says what the store holds of it now.
async fn store_order(store: &Writer, order: QueriedOrder, access_type: Option<AccessType>) -> Result<LookedUp, Stop> {
    let id = order.order_id.clone();
    let known = store
        .run(move |s| {
            // One row always (NULLs when the store does not have the order).
            let row: (Option<String>, Option<String>) = s.connection().query_row(
                "SELECT max(p.access_type), max(p.billing_mode)
                   FROM orders o JOIN products p ON p.product_id = o.product_id WHERE o.order_id = ?1",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(match row {
                (Some(access_type), Some(billing_mode)) => Some(Known { access_type, billing_mode }),
                _ => None,
            })
        })
        .await
        .map_err(|e| Stop::Run(format!("the store: {e}")))?;
    let records = records(&order, known.as_ref(), access_type).map_err(Stop::Order)?;
    let id = order.order_id.clone();
    let rows = records.clone();
    let written = store
        .run(move |s| {
            let counts = s.record_lookups(&rows, Utc::now().timestamp())?;
            let source: String =
                s.connection().query_row("SELECT source FROM orders WHERE order_id = ?1", [&id], |r| r.get(0))?;
            Ok((counts, source))
        })
        .await;
    let (counts, source) = match written {
        Ok(w) => w,
        // A rule of the store broken by this order (e.g. a line already stored for another order).
        Err(StoreError::Invalid(problem)) => return Err(Stop::Order(problem.message)),
        Err(e) => return Err(Stop::Run(format!("the store: {e}"))),
    };
    let source = OrderSource::parse(&source).map_err(|e| Stop::Order(format!("order {}: {e}", order.order_id)))?;
    let lines: Vec<LookedUpLine> = records
        .iter()
        .map(|r| LookedUpLine {
            order_line_id: r.order_line_id.clone().unwrap_or_default(),
            product_id: r.product_id.clone().unwrap_or_default(),
            product_name: r.product_name.clone(),
            sku: r.sku.clone(),
            billing_mode: r.billing_mode,
            access_type: r.access_type,
            amount: r.amount,
        })
        .collect();
    let amount = lines.iter().map(|l| l.amount).sum();
    let first = records.first().ok_or_else(|| Stop::Order("order/query named no order line".into()))?;
    Ok(LookedUp {
        order_id: order.order_id.clone(),
        order_type: first.order_type,
        status: first.status,
        created_at: koodesk_domain::time::format_rfc3339(&first.created_at),
        buyer: first.buyer_name.clone().unwrap_or_default(),
        lines,
        amount,
        source,
        changed: counts.imported + counts.updated > 0,
    })
}

/// The order's lines as the store's records: the access type from the store's product, else the caller's.
fn records(
    order: &QueriedOrder,
    known: Option<&Known>,
    access_type: Option<AccessType>,
) -> Result<Vec<OrderRecord>, String> {
    let id = &order.order_id;
    let stored_access = match known {
        Some(k) => Some(
            k.access_type
                .parse::<AccessType>()
                .map_err(|e| format!("order {id}: the store's product has access type `{}`: {e}", k.access_type))?,
        ),
        None => None,
    };
    let access = stored_access.or(access_type).ok_or_else(|| {
        format!(
            "order {id}: the store does not know its product, and order/query does not say its access type; \
             pass --access-type (saas, license, image, hardware, api, ai-asset, data-asset, manual-service, \
             app-orchestration)"
        )
    })?;
    let stored_mode = known.and_then(|k| k.billing_mode.parse::<BillingMode>().ok());
    let order_type = OrderType::parse(order.order_type.as_str()).map_err(|e| format!("order {id}: {e}"))?;
    let status =
        if order.order_type == WireOrderType::Unsubscribe { OrderState::Refunded } else { OrderState::InProgress };
    let buyer_name = order.buyer.customer_real_name.clone().or_else(|| order.buyer.name().map(str::to_string));
    let buyer_account = order.buyer.customer_name.clone().or_else(|| order.buyer.user_name.clone());
    order
        .lines
        .iter()
        .map(|line| {
            Ok(OrderRecord {
                order_id: id.clone(),
                order_line_id: Some(line.order_line_id.clone()),
                buyer_name: buyer_name.clone(),
                buyer_account: buyer_account.clone(),
                product_name: line.product_name.clone(),
                product_id: Some(line.product_id.clone()),
                sku: line.sku_code.clone(),
                created_at: order.created_at,
                paid_at: None,
                status,
                order_type,
                billing_mode: billing_mode(id, line, access, stored_mode)?,
                access_type: access,
                amount: Cny::exact(line.amount).map_err(|e| format!("order {id}: line {}: {e}", line.order_line_id))?,
            })
        })
        .collect()
}

/// The billing mode of a line: the stored product's when it is charged as the line is, else the plain reading
/// of `chargingMode` when the access type allows it, else the one mode charged so that the access type allows.
fn billing_mode(
    id: &str,
    line: &QueriedLine,
    access: AccessType,
    stored: Option<BillingMode>,
) -> Result<BillingMode, String> {
    let candidates = order_query::billing_modes(line.charging_mode);
    if let Some(m) = stored.filter(|m| candidates.contains(m)) {
        return Ok(m);
    }
    let allowed = allowed_modes(access);
    candidates.iter().copied().find(|m| allowed.contains(m)).ok_or_else(|| {
        format!(
            "order {id}: line {} is charged {}, and {} products are billed {}; check --access-type",
            line.order_line_id,
            line.charging_mode.as_str(),
            access.as_str(),
            allowed.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_protocol::open_api::ChargingMode;
    use rust_decimal::Decimal;

    fn line(mode: ChargingMode) -> QueriedLine {
        QueriedLine {
            order_line_id: "L1".into(),
            charging_mode: mode,
            period_type: None,
            period_number: None,
            expire_at: None,
            product_id: "p".into(),
            product_name: "n".into(),
            sku_code: None,
            amount: Decimal::ONE,
        }
    }

    #[test]
    fn billing_modes_follow_the_charging_mode_and_what_the_product_allows() {
        use BillingMode as B;
        use ChargingMode as C;
        let mode = |c, a, s| billing_mode("O", &line(c), a, s);
        assert_eq!(mode(C::Period, AccessType::Saas, None), Ok(B::Period));
        assert_eq!(mode(C::OneTime, AccessType::Saas, None), Ok(B::OneTime));
        assert_eq!(mode(C::OnDemand, AccessType::Saas, None), Ok(B::OnDemand));
        assert_eq!(mode(C::OnDemandPkg, AccessType::Saas, None), Ok(B::OnDemandPackage));
        assert_eq!(mode(C::OnDemand, AccessType::Api, Some(B::PerCall)), Ok(B::PerCall), "the stored product's");
        assert_eq!(mode(C::OnDemand, AccessType::Api, Some(B::Period)), Ok(B::OnDemand), "charged otherwise");
        assert_eq!(mode(C::OnDemandPkg, AccessType::AiAsset, None), Ok(B::PerCallPackage));
        assert_eq!(mode(C::OneTime, AccessType::Hardware, Some(B::PerQuantity)), Ok(B::PerQuantity));
        let e = mode(C::Period, AccessType::Api, None).expect_err("an API is not billed by period");
        assert!(e.contains("order O: line L1 is charged PERIOD") && e.contains("--access-type"), "{e}");
    }
}
