//! Enrichment: the production interface's calls carry only IDs, so for each new order the gateway asks the open
//! API `order/query` (APIG AK/SK) for its type, lines, charging mode, period, product, SKU, amount and buyer
//! [KG §8, REAL-DATA §1].
//!
//! - Hosts are tried in order (mkt.myhuaweicloud.com, then mkt.myhuaweicloud.cn) when one cannot be reached or
//!   answers 5xx.
//! - `406 MKT.0250` (access frequency over limit) waits and tries again later, without trying the next host.
//! - Success is `MKT.0000` or `CBC.0000` (the docs show both). The amount is `currencyAfterDiscount` (what the
//!   buyer paid), falling back to `currency`, then `amount`.
//! - A failed order stays in the interface-health view with what is known and is retried with backoff (1 s
//!   doubling, at most 10 min). Orders are leased, so replicas enriching at once do not ask twice.
//!
//! The reply is read leniently (a JSON value, not a closed struct): the real API carries more fields than are
//! documented, and a missing field is reported by name.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use koodesk_domain::time;
use koodesk_protocol::apig;
use koodesk_protocol::open_api::{self, error_code};
use rust_decimal::Decimal;
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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrichError {
    #[error("order/query answered 406 MKT.0250: access frequency over limit")]
    RateLimited,
    #[error("{0}")]
    Failed(String),
}

pub struct Enricher {
    db: Db,
    api: OpenApiConfig,
    http: reqwest::Client,
    metrics: Arc<Metrics>,
    wake: Arc<Notify>,
}

impl Enricher {
    pub fn new(db: Db, api: OpenApiConfig, metrics: Arc<Metrics>, wake: Arc<Notify>) -> Result<Enricher, String> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
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
        let mut last = EnrichError::Failed("no open-API host is configured".into());
        for base in &self.api.bases {
            match self.query_host(base, order_id).await {
                Ok(v) => return read_order(&v, order_line_id),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::NextHost(e)) => last = EnrichError::Failed(e),
            }
        }
        Err(last)
    }

    async fn query_host(&self, base: &str, order_id: &str) -> Result<Value, Attempt> {
        let base = base.trim_end_matches('/');
        let host = base.split_once("://").map(|(_, h)| h).unwrap_or(base).split('/').next().unwrap_or("").to_string();
        let mut req = apig::Request {
            method: "GET".into(),
            path: format!("{}{}", open_api::PREFIX, open_api::ORDER_QUERY),
            query: vec![("orderId".into(), order_id.to_string())],
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: Vec::new(),
        };
        apig::sign(&mut req, &self.api.access_key, self.api.secret_key.expose(), &host, Utc::now())
            .map_err(|e| Attempt::Final(EnrichError::Failed(format!("signing order/query: {e}"))))?;
        let url = format!("{base}{}?{}", req.path, req.canonical_query());
        let mut b = self.http.get(url);
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let resp = b.send().await.map_err(|e| Attempt::NextHost(format!("{host}: {e}")))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(|e| Attempt::NextHost(format!("{host}: the reply broke off: {e}")))?;
        let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let code = ["resultCode", "error_code", "errorCode"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        if status == 406 || code == error_code::RATE_LIMITED {
            return Err(Attempt::Final(EnrichError::RateLimited));
        }
        if status >= 500 {
            return Err(Attempt::NextHost(format!("{host} answered HTTP {status}")));
        }
        if status != 200 || !(code == error_code::SUCCESS || code == error_code::SUCCESS_MKT) {
            let msg = ["resultMsg", "error_msg", "errorMsg"]
                .iter()
                .find_map(|k| v.get(*k).and_then(Value::as_str))
                .unwrap_or("");
            return Err(Attempt::Final(EnrichError::Failed(
                format!("order/query answered HTTP {status} {code} {msg}").trim_end().to_string(),
            )));
        }
        Ok(v)
    }
}

enum Attempt {
    NextHost(String),
    Final(EnrichError),
}

fn missing(field: &str) -> EnrichError {
    EnrichError::Failed(format!("order/query's reply has no `{field}`"))
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads an `order/query` reply into what the feed needs.
pub fn read_order(v: &Value, order_line_id: &str) -> Result<Enriched, EnrichError> {
    let info = v.get("orderInfo").filter(|i| i.is_object()).ok_or_else(|| missing("orderInfo"))?;
    let order_type = text(info, "orderType").ok_or_else(|| missing("orderInfo.orderType"))?;
    let create = text(info, "createTime").ok_or_else(|| missing("orderInfo.createTime"))?;
    let created = NaiveDateTime::parse_from_str(&create, open_api_time()).map_err(|_| {
        EnrichError::Failed(format!("order/query's `orderInfo.createTime` is `{create}`, not UTC yyyyMMddHHmmss"))
    })?;
    let created_at = time::format_rfc3339(&time::to_beijing(created.and_utc()));
    let lines = info.get("orderLine").and_then(Value::as_array).ok_or_else(|| missing("orderInfo.orderLine"))?;
    let line = lines
        .iter()
        .find(|l| text(l, "orderLineId").as_deref() == Some(order_line_id))
        .or_else(|| lines.first())
        .ok_or_else(|| missing("orderInfo.orderLine[0]"))?;
    let charging_mode = text(line, "chargingMode").ok_or_else(|| missing("orderInfo.orderLine[].chargingMode"))?;
    let product = line
        .get("productInfo")
        .and_then(Value::as_array)
        .and_then(|p| p.first())
        .ok_or_else(|| missing("orderInfo.orderLine[].productInfo"))?;
    let amount_text = ["currencyAfterDiscount", "currency", "amount"]
        .iter()
        .find_map(|k| text(line, k))
        .ok_or_else(|| missing("orderInfo.orderLine[].currencyAfterDiscount"))?;
    let amount: Decimal = amount_text.trim().parse().map_err(|_| {
        EnrichError::Failed(format!("order/query's amount `{amount_text}` is not a decimal number of yuan"))
    })?;
    if amount.is_sign_negative() {
        return Err(EnrichError::Failed(format!("order/query's amount `{amount_text}` is negative")));
    }
    koodesk_domain::money::Cny::exact(amount)
        .map_err(|e| EnrichError::Failed(format!("order/query's amount `{amount_text}`: {e}")))?;
    if crate::feed::order_type(&order_type).is_none() {
        return Err(EnrichError::Failed(format!(
            "order/query's `orderType` is `{order_type}`, which KooDesk does not know"
        )));
    }
    if crate::feed::billing_mode(&charging_mode).is_none() {
        return Err(EnrichError::Failed(format!(
            "order/query's `chargingMode` is `{charging_mode}`, which KooDesk does not know"
        )));
    }
    let buyer = info.get("buyerInfo").ok_or_else(|| missing("orderInfo.buyerInfo"))?;
    let buyer_id = text(buyer, "customerId").ok_or_else(|| missing("orderInfo.buyerInfo.customerId"))?;
    let buyer_name = ["customerName", "customerRealName", "userName"]
        .iter()
        .find_map(|k| text(buyer, k))
        .ok_or_else(|| missing("orderInfo.buyerInfo.customerName"))?;
    Ok(Enriched {
        order_line_id: text(line, "orderLineId").unwrap_or_else(|| order_line_id.to_string()),
        order_type,
        created_at,
        charging_mode,
        period_type: text(line, "periodType"),
        period_number: text(line, "periodNumber").and_then(|n| n.parse().ok()),
        product_id: text(product, "productId")
            .ok_or_else(|| missing("orderInfo.orderLine[].productInfo[].productId"))?,
        sku_code: text(product, "skuCode"),
        product_name: text(product, "productName")
            .ok_or_else(|| missing("orderInfo.orderLine[].productInfo[].productName"))?,
        amount: amount.to_string(),
        buyer_id,
        buyer_name,
        buyer_kind: buyer_kind(text(buyer, "customerType").as_deref()).to_string(),
    })
}

fn open_api_time() -> &'static str {
    koodesk_protocol::production::EXPIRE_TIME_FORMAT
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

    fn reply(line: Value) -> Value {
        serde_json::json!({
            "resultCode": "MKT.0000",
            "orderInfo": {
                "orderId": "CS1", "orderType": "NEW", "createTime": "20261130160000",
                "orderLine": [line],
                "buyerInfo": {"customerId": "c-1", "customerName": "某某科技有限公司", "customerType": "1"}
            }
        })
    }

    #[test]
    fn reads_the_amount_paid_and_names_what_is_missing() {
        let v = reply(serde_json::json!({
            "orderLineId": "CS1-000001", "chargingMode": "PERIOD", "periodType": "month", "periodNumber": 3,
            "currency": "300.00", "currencyAfterDiscount": "270.50",
            "productInfo": [{"productId": "p-1", "skuCode": "s-1", "productName": "智能客服"}]
        }));
        let e = read_order(&v, "CS1-000001").expect("reads");
        assert_eq!(e.amount, "270.50");
        assert_eq!(e.created_at, "2026-12-01T00:00:00+08:00");
        assert_eq!(e.period_number, Some(3));
        assert_eq!(e.buyer_kind, "enterprise");
        let v = reply(serde_json::json!({"orderLineId": "CS1-000001", "chargingMode": "PERIOD", "amount": "9",
            "productInfo": [{"productId": "p", "productName": "n"}]}));
        assert_eq!(read_order(&v, "CS1-000001").expect("falls back").amount, "9");
        let v = reply(serde_json::json!({"orderLineId": "CS1-000001", "productInfo": []}));
        let err = read_order(&v, "CS1-000001").expect_err("no mode");
        assert!(err.to_string().contains("chargingMode"), "{err}");
        let v = reply(serde_json::json!({"orderLineId": "L", "chargingMode": "ONE_TIME", "currency": "abc",
            "productInfo": [{"productId": "p", "productName": "n"}]}));
        assert!(read_order(&v, "L").expect_err("bad amount").to_string().contains("abc"));
    }
}
