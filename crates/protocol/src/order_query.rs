//! The open API's `order/query` (APIG AK/SK signed) as every KooDesk client of it speaks it [KG §8, REAL-DATA §5]:
//! the gateway enriching the orders its production interface hears of, and `koodesk lookup`.
//!
//! - [`signed_request`]: the signed `GET …/order/query?orderId=` for one order on one host.
//! - [`classify`]: what a reply means — the order (`MKT.0000` or `CBC.0000`: the docs show both), the rate limit
//!   (`406 MKT.0250`: wait, and do not try the next host), a host that cannot serve (5xx: try the next one), or a
//!   final answer (a refusal, with its code and message).
//! - [`read_order`]: the reply read leniently into a [`QueriedOrder`] — a JSON value, not a closed struct, since
//!   the real API carries more fields than are documented; a missing field is reported by name. The amount of a
//!   line is `currencyAfterDiscount` (what the buyer paid), falling back to `currency`, then `amount`.
//! - [`http::query`] (feature `http`): the one HTTP loop over the hosts (mkt.myhuaweicloud.com, then .cn), tried
//!   in order while one cannot be reached or answers 5xx. It is the only part of this crate that does I/O.

use chrono::{DateTime, NaiveDateTime, Utc};
use koodesk_domain::catalog::BillingMode;
use koodesk_domain::money::Cny;
use koodesk_domain::time::{self, Instant};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::open_api::{self, error_code, ChargingMode, OrderType};
use crate::open_api_call;
use crate::production::EXPIRE_TIME_FORMAT;
use crate::secret::Secret;

/// KooGallery's production hosts as base URLs, in the order a client tries them: mkt.myhuaweicloud.com, then
/// mkt.myhuaweicloud.cn [REAL-DATA §5].
pub fn default_bases() -> Vec<String> {
    open_api::HOSTS.iter().map(|h| format!("https://{h}")).collect()
}

/// Why `order/query` gave no order. Messages never carry the secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `406 MKT.0250`: the access key called faster than its flow control allows; try again later.
    #[error("order/query answered 406 MKT.0250: access frequency over limit")]
    RateLimited,
    /// No host could serve: each was unreachable or answered 5xx (the last reason).
    #[error("{0}")]
    Unreachable(String),
    /// APIG refused the AK/SK signature (`APIGW.…`): the access key or secret key is wrong, or the clock is off.
    #[error("order/query refused the AK/SK (HTTP {status} {code}){}", tail(message))]
    Unauthorized { status: u16, code: String, message: String },
    /// The marketplace answered about this order with a refusal: no such order or not this seller's
    /// (`MKT.0150`), an invalid parameter (`MKT.0101`), …
    #[error("order/query answered HTTP {status} {code}{}{}", meaning(code), tail(message))]
    Refused { status: u16, code: String, message: String },
    /// The request could not be made, or the reply could not be read (a missing field, a bad amount, …).
    #[error("{0}")]
    Failed(String),
}

impl QueryError {
    /// Whether the error is about this one order, so that the next order may still succeed; otherwise (the rate
    /// limit, no host, the credentials) every following order would fail the same way.
    pub fn is_about_the_order(&self) -> bool {
        matches!(self, QueryError::Refused { .. } | QueryError::Failed(_))
    }
}

fn tail(message: &str) -> String {
    if message.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", message.trim())
    }
}

/// What the documented open-API codes mean (REAL-DATA §5), for messages.
fn meaning(code: &str) -> &'static str {
    match code {
        "MKT.0101" | error_code::INVALID_PARAMETER => " (invalid parameter)",
        error_code::ILLEGAL_OPERATION => " (no such order, or not this seller's)",
        error_code::NO_AUTHORITY => " (no authority)",
        "MKT.0154" => " (illegal token)",
        "MKT.0999" => " (KooGallery's internal error)",
        _ => "",
    }
}

/// A signed `order/query` request for one host.
pub use crate::open_api_call::SignedCall as SignedRequest;

/// `GET {base}/api/mkp-openapi-public/global/v1/order/query?orderId=…`, APIG-signed at `now`.
pub fn signed_request(
    base: &str,
    order_id: &str,
    access_key: &str,
    secret_key: &Secret,
    now: DateTime<Utc>,
) -> Result<SignedRequest, QueryError> {
    let query = vec![("orderId".into(), order_id.to_string())];
    open_api_call::sign(base, "GET", open_api::ORDER_QUERY, query, Vec::new(), access_key, secret_key, now)
        .map_err(QueryError::Failed)
}

/// What one host's reply means.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The order: the reply's JSON, for [`read_order`].
    Order(Value),
    /// This host cannot serve (5xx): try the next one.
    NextHost(String),
    /// The answer, whatever the other hosts would say.
    Final(QueryError),
}

fn first_text<'a>(v: &'a Value, keys: &[&str]) -> &'a str {
    keys.iter().find_map(|k| v.get(*k).and_then(Value::as_str)).unwrap_or("")
}

/// Reads one host's reply: its HTTP status and body.
pub fn classify(host: &str, status: u16, body: &[u8]) -> Verdict {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let code = first_text(&v, &["resultCode", "error_code", "errorCode"]).to_string();
    if status == 406 || code == error_code::RATE_LIMITED {
        return Verdict::Final(QueryError::RateLimited);
    }
    if status >= 500 {
        return Verdict::NextHost(format!("{host} answered HTTP {status}"));
    }
    if status == 200 && (code == error_code::SUCCESS || code == error_code::SUCCESS_MKT) {
        return Verdict::Order(v);
    }
    let message = first_text(&v, &["resultMsg", "error_msg", "errorMsg"]).to_string();
    if code.starts_with("APIGW.") {
        return Verdict::Final(QueryError::Unauthorized { status, code, message });
    }
    Verdict::Final(QueryError::Refused { status, code, message })
}

/// One order as `order/query` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueriedOrder {
    pub order_id: String,
    pub order_type: OrderType,
    /// `createTime` (UTC on the wire), in Beijing time.
    pub created_at: Instant,
    /// At least one.
    pub lines: Vec<QueriedLine>,
    pub buyer: QueriedBuyer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueriedLine {
    pub order_line_id: String,
    pub charging_mode: ChargingMode,
    /// `year`, `month`, `day` for period lines.
    pub period_type: Option<String>,
    pub period_number: Option<i64>,
    /// `expireTime` (UTC on the wire), in Beijing time; absent for one-time and on-demand lines.
    pub expire_at: Option<Instant>,
    pub product_id: String,
    pub product_name: String,
    pub sku_code: Option<String>,
    /// What the buyer paid, yuan: `currencyAfterDiscount`, else `currency`, else `amount`; exact to the fen.
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueriedBuyer {
    /// The buyer's Huawei Cloud account ID.
    pub customer_id: String,
    /// The account's name.
    pub customer_name: Option<String>,
    /// The real-name-verified (实名认证) name.
    pub customer_real_name: Option<String>,
    /// Undocumented values; see [`open_api::BuyerInfo::customer_type`].
    pub customer_type: Option<String>,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
}

impl QueriedBuyer {
    /// A name to show: the account's, else the real name, else the IAM user's.
    pub fn name(&self) -> Option<&str> {
        self.customer_name.as_deref().or(self.customer_real_name.as_deref()).or(self.user_name.as_deref())
    }
}

impl QueriedOrder {
    /// The line with this ID, else the first one.
    pub fn line(&self, order_line_id: &str) -> Option<&QueriedLine> {
        self.lines.iter().find(|l| l.order_line_id == order_line_id).or_else(|| self.lines.first())
    }
}

fn missing(field: &str) -> QueryError {
    QueryError::Failed(format!("order/query's reply has no `{field}`"))
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn utc_time(field: &str, s: &str) -> Result<Instant, QueryError> {
    let t = NaiveDateTime::parse_from_str(s, EXPIRE_TIME_FORMAT)
        .map_err(|_| QueryError::Failed(format!("order/query's `{field}` is `{s}`, not UTC yyyyMMddHHmmss")))?;
    Ok(time::to_beijing(t.and_utc()))
}

/// A code of the open API's vocabulary (`NEW`, `PERIOD`, …), or a message naming the field.
fn code<T: serde::de::DeserializeOwned>(field: &str, s: &str) -> Result<T, QueryError> {
    serde_json::from_value(Value::String(s.to_string()))
        .map_err(|_| QueryError::Failed(format!("order/query's `{field}` is `{s}`, which KooDesk does not know")))
}

fn read_line(line: &Value) -> Result<QueriedLine, QueryError> {
    let charging = text(line, "chargingMode").ok_or_else(|| missing("orderInfo.orderLine[].chargingMode"))?;
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
        QueryError::Failed(format!("order/query's amount `{amount_text}` is not a decimal number of yuan"))
    })?;
    if amount.is_sign_negative() {
        return Err(QueryError::Failed(format!("order/query's amount `{amount_text}` is negative")));
    }
    Cny::exact(amount).map_err(|e| QueryError::Failed(format!("order/query's amount `{amount_text}`: {e}")))?;
    Ok(QueriedLine {
        order_line_id: text(line, "orderLineId").ok_or_else(|| missing("orderInfo.orderLine[].orderLineId"))?,
        charging_mode: code("chargingMode", &charging)?,
        period_type: text(line, "periodType"),
        period_number: text(line, "periodNumber").and_then(|n| n.parse().ok()),
        expire_at: text(line, "expireTime").map(|t| utc_time("orderLine[].expireTime", &t)).transpose()?,
        product_id: text(product, "productId")
            .ok_or_else(|| missing("orderInfo.orderLine[].productInfo[].productId"))?,
        product_name: text(product, "productName")
            .ok_or_else(|| missing("orderInfo.orderLine[].productInfo[].productName"))?,
        sku_code: text(product, "skuCode"),
        amount,
    })
}

/// Reads a successful `order/query` reply (the whole JSON, `orderInfo` inside).
pub fn read_order(v: &Value) -> Result<QueriedOrder, QueryError> {
    let info = v.get("orderInfo").filter(|i| i.is_object()).ok_or_else(|| missing("orderInfo"))?;
    let order_type = text(info, "orderType").ok_or_else(|| missing("orderInfo.orderType"))?;
    let create = text(info, "createTime").ok_or_else(|| missing("orderInfo.createTime"))?;
    let lines = info.get("orderLine").and_then(Value::as_array).ok_or_else(|| missing("orderInfo.orderLine"))?;
    if lines.is_empty() {
        return Err(missing("orderInfo.orderLine[0]"));
    }
    let buyer = info.get("buyerInfo").ok_or_else(|| missing("orderInfo.buyerInfo"))?;
    let buyer = QueriedBuyer {
        customer_id: text(buyer, "customerId").ok_or_else(|| missing("orderInfo.buyerInfo.customerId"))?,
        customer_name: text(buyer, "customerName"),
        customer_real_name: text(buyer, "customerRealName"),
        customer_type: text(buyer, "customerType"),
        user_id: text(buyer, "userId"),
        user_name: text(buyer, "userName"),
    };
    if buyer.name().is_none() {
        return Err(missing("orderInfo.buyerInfo.customerName"));
    }
    Ok(QueriedOrder {
        order_id: text(info, "orderId").ok_or_else(|| missing("orderInfo.orderId"))?,
        order_type: code("orderType", &order_type)?,
        created_at: utc_time("orderInfo.createTime", &create)?,
        lines: lines.iter().map(read_line).collect::<Result<_, _>>()?,
        buyer,
    })
}

/// A `chargingMode` as KooDesk's billing mode [KG §1, §8]: the open API has four charging modes for KooDesk's
/// seven billing modes, so this is the plain reading; [`billing_modes`] lists every mode a charging mode covers.
pub fn billing_mode(mode: ChargingMode) -> BillingMode {
    match mode {
        ChargingMode::Period => BillingMode::Period,
        ChargingMode::OneTime => BillingMode::OneTime,
        ChargingMode::OnDemand => BillingMode::OnDemand,
        ChargingMode::OnDemandPkg => BillingMode::OnDemandPackage,
    }
}

/// How a billing mode is charged on the wire: per call as on demand, a per-call package as an on-demand
/// package, per quantity as one time (KooDesk convention: the docs name only four charging modes).
pub fn charging_mode(mode: BillingMode) -> ChargingMode {
    match mode {
        BillingMode::Period => ChargingMode::Period,
        BillingMode::OnDemand | BillingMode::PerCall => ChargingMode::OnDemand,
        BillingMode::OnDemandPackage | BillingMode::PerCallPackage => ChargingMode::OnDemandPkg,
        BillingMode::OneTime | BillingMode::PerQuantity => ChargingMode::OneTime,
    }
}

/// Every billing mode charged as `mode`, the plain reading first.
pub fn billing_modes(mode: ChargingMode) -> Vec<BillingMode> {
    let plain = billing_mode(mode);
    std::iter::once(plain)
        .chain(BillingMode::ALL.iter().copied().filter(|m| *m != plain && charging_mode(*m) == mode))
        .collect()
}

/// The HTTP side: `order/query` over [`open_api_call::http::over_hosts`], the loop every open-API client shares.
#[cfg(feature = "http")]
pub mod http {
    use chrono::{DateTime, Utc};
    use serde_json::Value;

    use super::{classify, signed_request, QueryError, Verdict};
    use crate::open_api_call::{http::over_hosts, HostReply};
    use crate::secret::Secret;

    pub use crate::open_api_call::http::client;

    /// `order/query` for one order, host by host: the next host only while one cannot be reached or answers
    /// 5xx. The reply's JSON on success, for [`super::read_order`].
    pub async fn query(
        http: &reqwest::Client,
        bases: &[String],
        access_key: &str,
        secret_key: &Secret,
        order_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Value, QueryError> {
        over_hosts(
            http,
            bases,
            |base| signed_request(base, order_id, access_key, secret_key, now),
            |host, status, body| match classify(host, status, body) {
                Verdict::Order(v) => HostReply::Done(v),
                Verdict::NextHost(why) => HostReply::NextHost(why),
                Verdict::Final(e) => HostReply::Final(e),
            },
            QueryError::Unreachable,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply(line: Value) -> Value {
        json!({
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
        let v = reply(json!({
            "orderLineId": "CS1-000001", "chargingMode": "PERIOD", "periodType": "month", "periodNumber": 3,
            "expireTime": "20270228160000", "currency": "300.00", "currencyAfterDiscount": "270.50",
            "productInfo": [{"productId": "p-1", "skuCode": "s-1", "productName": "智能客服"}]
        }));
        let o = read_order(&v).expect("reads");
        let l = o.line("CS1-000001").expect("a line");
        assert_eq!(l.amount.to_string(), "270.50");
        assert_eq!(time::format_rfc3339(&o.created_at), "2026-12-01T00:00:00+08:00");
        assert_eq!(l.expire_at.map(|t| time::format_rfc3339(&t)).as_deref(), Some("2027-03-01T00:00:00+08:00"));
        assert_eq!((l.period_number, l.charging_mode), (Some(3), ChargingMode::Period));
        assert_eq!((o.order_type, o.buyer.name()), (OrderType::New, Some("某某科技有限公司")));
        let v = reply(json!({"orderLineId": "CS1-000001", "chargingMode": "PERIOD", "amount": "9",
            "productInfo": [{"productId": "p", "productName": "n"}]}));
        assert_eq!(read_order(&v).expect("falls back").lines[0].amount.to_string(), "9");
        let v = reply(json!({"orderLineId": "CS1-000001", "productInfo": []}));
        let err = read_order(&v).expect_err("no mode");
        assert!(err.to_string().contains("chargingMode"), "{err}");
        let v = reply(json!({"orderLineId": "L", "chargingMode": "ONE_TIME", "currency": "abc",
            "productInfo": [{"productId": "p", "productName": "n"}]}));
        assert!(read_order(&v).expect_err("bad amount").to_string().contains("abc"));
        let v = reply(json!({"orderLineId": "L", "chargingMode": "BY_MOOD", "currency": "1",
            "productInfo": [{"productId": "p", "productName": "n"}]}));
        assert!(read_order(&v).expect_err("unknown mode").to_string().contains("BY_MOOD"));
        let v = reply(json!({"orderLineId": "L", "chargingMode": "ONE_TIME", "currency": "1.005",
            "productInfo": [{"productId": "p", "productName": "n"}]}));
        assert!(read_order(&v).expect_err("past the fen").to_string().contains("1.005"));
    }

    #[test]
    fn classifies_replies() {
        let ok = br#"{"resultCode":"CBC.0000","orderInfo":{}}"#;
        assert!(matches!(classify("h", 200, ok), Verdict::Order(_)));
        assert!(matches!(classify("h", 200, br#"{"resultCode":"MKT.0000"}"#), Verdict::Order(_)));
        assert_eq!(classify("h", 406, b"{}"), Verdict::Final(QueryError::RateLimited));
        assert_eq!(classify("h", 200, br#"{"error_code":"MKT.0250"}"#), Verdict::Final(QueryError::RateLimited));
        assert_eq!(classify("h", 502, b"<html>"), Verdict::NextHost("h answered HTTP 502".into()));
        let Verdict::Final(e) = classify("h", 200, br#"{"resultCode":"MKT.0150","resultMsg":"order X is not yours"}"#)
        else {
            panic!("final")
        };
        assert!(e.is_about_the_order());
        assert_eq!(
            e.to_string(),
            "order/query answered HTTP 200 MKT.0150 (no such order, or not this seller's): order X is not yours"
        );
        let Verdict::Final(e) = classify("h", 401, br#"{"error_code":"APIGW.0301","error_msg":"bad sig"}"#) else {
            panic!("final")
        };
        assert!(!e.is_about_the_order());
        assert_eq!(e.to_string(), "order/query refused the AK/SK (HTTP 401 APIGW.0301): bad sig");
        assert!(!QueryError::RateLimited.is_about_the_order());
    }

    #[test]
    fn signs_for_the_host_of_the_base() {
        let sk = Secret::new("very-secret-key");
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        let r = signed_request("https://mkt.myhuaweicloud.com/", "CS 1", "AK1", &sk, now).expect("signs");
        assert_eq!(r.host, "mkt.myhuaweicloud.com");
        assert_eq!(r.url, "https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/order/query?orderId=CS%201");
        let auth = r.headers.iter().find(|(k, _)| k == "Authorization").map(|(_, v)| v.as_str()).unwrap_or("");
        assert!(auth.starts_with("SDK-HMAC-SHA256 Access=AK1, "), "{auth}");
        assert!(!format!("{r:?}").contains("very-secret-key"));
        assert!(signed_request("https://", "CS1", "AK1", &sk, now).is_err());
    }

    #[test]
    fn charging_modes_cover_every_billing_mode() {
        for m in BillingMode::ALL {
            assert!(billing_modes(charging_mode(*m)).contains(m), "{m:?}");
        }
        assert_eq!(billing_modes(ChargingMode::OnDemand), vec![BillingMode::OnDemand, BillingMode::PerCall]);
        assert_eq!(billing_modes(ChargingMode::OnDemandPkg)[0], BillingMode::OnDemandPackage);
    }
}
