//! Enrichment: the production interface's calls carry only IDs, so for each new order the gateway asks the open
//! API `order/query` (APIG AK/SK) for its type, lines, charging mode, period, product, SKU, amount and buyer
//! [KG §8, REAL-DATA §1].
//!
//! The call itself is `koodesk_protocol::order_query` (shared with `koodesk lookup`): hosts tried in order
//! (mkt.myhuaweicloud.com, then mkt.myhuaweicloud.cn) when one cannot be reached or answers 5xx; `406 MKT.0250`
//! (access frequency over limit) without trying the next host; success `MKT.0000` or `CBC.0000`; the amount
//! `currencyAfterDiscount` (what the buyer paid), falling back to `currency`, then `amount`; the reply read
//! leniently, a missing field reported by name. Here:
//!
//! - `406 MKT.0250` waits and tries again later.
//! - A failed order stays in the interface-health view with what is known and is retried with backoff (1 s
//!   doubling, at most 10 min). Orders are leased, so replicas enriching at once do not ask twice.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use koodesk_domain::time;
use koodesk_protocol::order_query::{self, QueriedOrder};
use serde_json::Value;
use tokio::sync::{watch, Notify};

use crate::config::OpenApiConfig;
use crate::db::{Db, EnrichClaim, Enriched};
use crate::log;
use crate::metrics::Metrics;

/// How long an order taken for enrichment is kept from other replicas.
const LEASE_MS: i64 = 30_000;
const MAX_BACKOFF_MS: i64 = 600_000;
const BATCH: i64 = 16;
/// How often the worker looks for retries that came due (and orders other replicas recorded).
const POLL: Duration = Duration::from_millis(500);
const TIMEOUT: Duration = Duration::from_secs(10);

/// What stopped an enrichment.
pub use koodesk_protocol::order_query::QueryError as EnrichError;

pub struct Enricher {
    db: Db,
    api: OpenApiConfig,
    http: reqwest::Client,
    metrics: Arc<Metrics>,
    wake: Arc<Notify>,
}

impl Enricher {
    pub fn new(db: Db, api: OpenApiConfig, metrics: Arc<Metrics>, wake: Arc<Notify>) -> Result<Enricher, String> {
        let http = order_query::http::client(TIMEOUT)?;
        Ok(Enricher { db, api, http, metrics, wake })
    }

    /// Runs until `stop` turns true.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            let now = Utc::now().timestamp_millis();
            let claims = match self.db.claim_enrichments(now, now + LEASE_MS, BATCH).await {
                Ok(c) => c,
                Err(e) => {
                    log::warn("enrichment", &[("error", &e.to_string())]);
                    Vec::new()
                }
            };
            let idle = claims.is_empty();
            for c in claims {
                self.enrich(c).await;
            }
            if idle {
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }

    async fn enrich(&self, c: EnrichClaim) {
        let result = self.query(&c.order_id, &c.order_line_id).await;
        let now = Utc::now().timestamp_millis();
        let saved = match result {
            Ok(e) => {
                self.metrics.enrichment("ok");
                self.db.save_enrichment(&c.order_id, &e, now).await
            }
            Err(e) => {
                let outcome = if e == EnrichError::RateLimited { "rate-limited" } else { "failed" };
                self.metrics.enrichment(outcome);
                let shift = u32::try_from(c.attempts.clamp(0, 20)).unwrap_or(20);
                let backoff = (1_000i64 << shift).min(MAX_BACKOFF_MS);
                log::warn("enrichment", &[("order", &c.order_id), ("error", &e.to_string())]);
                self.db.enrichment_failed(&c.order_id, &e.to_string(), now + backoff).await
            }
        };
        if let Err(e) = saved {
            log::error("enrichment", &[("order", &c.order_id), ("error", &e.to_string())]);
        }
    }

    /// `order/query` for one order, host by host.
    pub async fn query(&self, order_id: &str, order_line_id: &str) -> Result<Enriched, EnrichError> {
        let api = &self.api;
        let v =
            order_query::http::query(&self.http, &api.bases, &api.access_key, &api.secret_key, order_id, Utc::now())
                .await?;
        read_order(&v, order_line_id)
    }
}

/// Reads an `order/query` reply into what the feed needs: the line named (else the first).
pub fn read_order(v: &Value, order_line_id: &str) -> Result<Enriched, EnrichError> {
    enriched(&order_query::read_order(v)?, order_line_id)
}

fn enriched(o: &QueriedOrder, order_line_id: &str) -> Result<Enriched, EnrichError> {
    let line = o.line(order_line_id).ok_or_else(|| EnrichError::Failed("order/query named no order line".into()))?;
    let buyer_name = o.buyer.name().unwrap_or_default().to_string();
    Ok(Enriched {
        order_line_id: line.order_line_id.clone(),
        order_type: o.order_type.as_str().to_string(),
        created_at: time::format_rfc3339(&o.created_at),
        charging_mode: line.charging_mode.as_str().to_string(),
        period_type: line.period_type.clone(),
        period_number: line.period_number,
        product_id: line.product_id.clone(),
        sku_code: line.sku_code.clone(),
        product_name: line.product_name.clone(),
        amount: line.amount.to_string(),
        buyer_id: o.buyer.customer_id.clone(),
        buyer_name,
        buyer_kind: buyer_kind(o.buyer.customer_type.as_deref()).to_string(),
    })
}

/// `customerType` is not documented with its values. KooDesk convention: `1`, `enterprise`, `company` or
/// `org…` is an enterprise buyer; anything else a person.
fn buyer_kind(t: Option<&str>) -> &'static str {
    match t.map(str::to_ascii_lowercase).as_deref() {
        Some("1") | Some("enterprise") | Some("company") => "enterprise",
        Some(s) if s.starts_with("org") => "enterprise",
        _ => "person",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How the reply is read is `order_query`'s (tested there); this is what the feed keeps of it.
    #[test]
    fn keeps_the_line_named_with_the_amount_paid() {
        let v = serde_json::json!({
            "resultCode": "MKT.0000",
            "orderInfo": {
                "orderId": "CS1", "orderType": "NEW", "createTime": "20261130160000",
                "orderLine": [
                    {"orderLineId": "CS1-000001", "chargingMode": "ONE_TIME", "currency": "5",
                     "productInfo": [{"productId": "p-0", "productName": "其他"}]},
                    {"orderLineId": "CS1-000002", "chargingMode": "PERIOD", "periodType": "month", "periodNumber": 3,
                     "currency": "300.00", "currencyAfterDiscount": "270.50",
                     "productInfo": [{"productId": "p-1", "skuCode": "s-1", "productName": "智能客服"}]}
                ],
                "buyerInfo": {"customerId": "c-1", "customerName": "某某科技有限公司", "customerType": "1"}
            }
        });
        let e = read_order(&v, "CS1-000002").expect("reads");
        assert_eq!((e.order_line_id.as_str(), e.amount.as_str()), ("CS1-000002", "270.50"));
        assert_eq!((e.order_type.as_str(), e.charging_mode.as_str()), ("NEW", "PERIOD"));
        assert_eq!(e.created_at, "2026-12-01T00:00:00+08:00");
        assert_eq!(e.period_number, Some(3));
        assert_eq!((e.buyer_kind.as_str(), e.sku_code.as_deref()), ("enterprise", Some("s-1")));
        assert_eq!(read_order(&v, "CS1-000009").expect("the first line").order_line_id, "CS1-000001");
        let err = read_order(&serde_json::json!({"resultCode": "MKT.0000"}), "L").expect_err("no order");
        assert!(err.to_string().contains("orderInfo"), "{err}");
    }
}
