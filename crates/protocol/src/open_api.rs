//! The open API a seller calls on KooGallery (APIG AK/SK signed) [KG §8].

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::crypto::hmac_sha256;

/// The path prefix of every open-API route.
pub const PREFIX: &str = "/api/mkp-openapi-public/global/v1/";
/// Production hosts, in the order a client tries them.
pub const HOSTS: &[&str] = &["mkt.myhuaweicloud.com", "mkt.myhuaweicloud.cn"];
pub const INTL_HOST: &str = "mkt-intl.myhuaweicloud.com";

pub const ORDER_QUERY: &str = "order/query";
pub const USAGE_DATA: &str = "isv/usage-data";
pub const LICENSE_ACTIVATE: &str = "license/activate";
pub const LICENSE_HEARTBEAT: &str = "license/heartbeat";

/// The debug orders every seller can query; their order line is the ID + `-000001` [KG §8].
pub const MOCK_ORDER_IDS: &[&str] = &[
    "MOCKPERIODYEARNEW",
    "MOCKONETIMENEW",
    "MOCKONDEMAND",
    "MOCKONDEMANDPKG",
    "MOCKPERIODDAYTRIAL",
    "MOCKMONTYTRIALTOFORMAL",
    "MOCKMONTYUNSUBSCRIBE",
    "MOCKMONTYRENEW",
    "MOCKMONTYCHANGE",
];

/// The order line of a debug order.
pub fn mock_order_line(order_id: &str) -> String {
    format!("{order_id}-000001")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderType {
    New,
    Trial,
    TrialToFormal,
    Unsubscribe,
    Renew,
    Change,
}

impl OrderType {
    /// The code as the open API spells it (`NEW`, `TRIAL_TO_FORMAL`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderType::New => "NEW",
            OrderType::Trial => "TRIAL",
            OrderType::TrialToFormal => "TRIAL_TO_FORMAL",
            OrderType::Unsubscribe => "UNSUBSCRIBE",
            OrderType::Renew => "RENEW",
            OrderType::Change => "CHANGE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChargingMode {
    OnDemand,
    OneTime,
    Period,
    OnDemandPkg,
}

impl ChargingMode {
    /// The code as the open API spells it (`ON_DEMAND`, `ON_DEMAND_PKG`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ChargingMode::OnDemand => "ON_DEMAND",
            ChargingMode::OneTime => "ONE_TIME",
            ChargingMode::Period => "PERIOD",
            ChargingMode::OnDemandPkg => "ON_DEMAND_PKG",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineProduct {
    pub product_id: String,
    pub sku_code: String,
    pub product_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear_value: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub order_line_id: String,
    pub charging_mode: ChargingMode,
    /// UTC `yyyyMMddHHmmss`; absent for one-time and on-demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    /// `year`, `month`, `day` for period lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_number: Option<u32>,
    /// Amount paid, decimal string in yuan (the sandbox's own name; the real one is `currencyAfterDiscount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// The list price of the line, a decimal string in yuan, as the real `order/query` names it [KG §8].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// What the buyer paid for the line after discounts, a decimal string in yuan [KG §8].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_after_discount: Option<String>,
    #[serde(default)]
    pub product_info: Vec<LineProduct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerInfo {
    /// The buyer's Huawei Cloud account ID.
    pub customer_id: String,
    /// The customer's (account's) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    /// The real-name-verified (实名认证) name: a company's or a person's legal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_real_name: Option<String>,
    /// `"1"` an enterprise, `"0"` a person (Huawei Cloud's customer-type codes; the `order/query` page lists the
    /// field without its values, so this is a KooDesk convention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_type: Option<String>,
    /// The IAM user who placed the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Encrypted (IV + base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    /// Encrypted (IV + base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderInfo {
    pub order_id: String,
    pub order_type: OrderType,
    /// UTC `yyyyMMddHHmmss`: when the order was created (not when it took effect).
    pub create_time: String,
    pub order_line: Vec<OrderLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_info: Option<BuyerInfo>,
    #[serde(default)]
    pub extend_params: Vec<KeyValue>,
}

/// Reply of `GET order/query?orderId=&orderLineId=`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderQueryReply {
    /// `CBC.0000` on success; open-API error codes otherwise.
    pub result_code: String,
    pub result_msg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_info: Option<OrderInfo>,
}

/// The open API's error codes [research §4].
pub mod error_code {
    /// Success as the `order/query` pages of the older guide show it; the sandbox answers it.
    pub const SUCCESS: &str = "CBC.0000";
    /// Success as most current open-API pages show it: a client must accept both [KG §8] (REAL-DATA §5).
    pub const SUCCESS_MKT: &str = "MKT.0000";
    /// HTTP 406: access frequency over limit — the seller's access key called faster than its flow control
    /// allows (REAL-DATA §5).
    pub const RATE_LIMITED: &str = "MKT.0250";
    pub const INVALID_PARAMETER: &str = "CBC.0101";
    /// Also what an order that is not the caller's (or does not exist) answers: the API cannot tell them apart.
    pub const ILLEGAL_OPERATION: &str = "MKT.0150";
    pub const NO_AUTHORITY: &str = "MKT.0151";
    /// APIG's answer to a bad AK/SK signature (HTTP 401).
    pub const APIG_AUTH: &str = "APIGW.0301";
    /// License 2.0 success.
    pub const LICENSE_SUCCESS: &str = "92020000";
    pub const LICENSE_FAILED: &str = "94060999";
}

/// One pay-per-use usage record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRecord {
    pub instance_id: String,
    /// UTC `yyyyMMdd'T'HHmmss'Z'`.
    pub record_time: String,
    pub begin_time: String,
    pub end_time: String,
    /// A decimal string (Double(12,4) on the wire is kept exact here).
    pub usage_value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_unit: Option<String>,
}

/// Body of `POST isv/usage-data`: at most 1000 records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageData {
    pub usage_records: Vec<UsageRecord>,
}

pub const MAX_USAGE_RECORDS: usize = 1000;

/// The usage push's `signature` header: base64 HMAC-SHA256(key, "ts={ts}&nonce={nonce}&body={body}") [KG §8].
pub fn usage_signature(key: &str, ts: &str, nonce: &str, body: &str) -> String {
    let data = format!("ts={ts}&nonce={nonce}&body={body}");
    BASE64.encode(hmac_sha256(key.as_bytes(), &[data.as_bytes()]))
}

/// Body of `POST license/activate` (and heartbeat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseRequest {
    pub license: String,
    /// UTC `yyyyMMddHHmmss`, not earlier than the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_effect_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseData {
    /// A JSON string: {status, expire_time, product_id, order_id, amount}.
    pub license_code_info: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseReply {
    pub error_code: String,
    pub error_msg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<LicenseData>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_reply_uses_documented_names() {
        let reply = OrderQueryReply {
            result_code: error_code::SUCCESS.into(),
            result_msg: "success".into(),
            order_info: Some(OrderInfo {
                order_id: "MOCKPERIODYEARNEW".into(),
                order_type: OrderType::TrialToFormal,
                create_time: "20261129080000".into(),
                order_line: vec![OrderLine {
                    order_line_id: mock_order_line("MOCKPERIODYEARNEW"),
                    charging_mode: ChargingMode::OnDemandPkg,
                    expire_time: Some("20271129080000".into()),
                    period_type: Some("year".into()),
                    period_number: Some(1),
                    amount: Some("900.00".into()),
                    currency: Some("1000.00".into()),
                    currency_after_discount: Some("900.00".into()),
                    product_info: vec![],
                }],
                buyer_info: Some(BuyerInfo {
                    customer_id: "c-1".into(),
                    customer_name: Some("hw000001".into()),
                    customer_real_name: Some("北京云智科技有限公司".into()),
                    customer_type: Some("1".into()),
                    user_id: Some("u-1".into()),
                    user_name: Some("hw000001".into()),
                    mobile_phone: None,
                    email: None,
                }),
                extend_params: vec![],
            }),
        };
        let v = serde_json::to_value(&reply).expect("json");
        let line = &v["orderInfo"]["orderLine"][0];
        assert_eq!((&line["currency"], &line["currencyAfterDiscount"]), (&"1000.00".into(), &"900.00".into()));
        let buyer = &v["orderInfo"]["buyerInfo"];
        for name in ["customerId", "customerName", "customerRealName", "customerType", "userId", "userName"] {
            assert!(buyer[name].is_string(), "{name}");
        }
        assert_eq!(v["orderInfo"]["orderType"], "TRIAL_TO_FORMAL");
        assert_eq!(v["orderInfo"]["orderLine"][0]["chargingMode"], "ON_DEMAND_PKG");
        assert_eq!(
            (OrderType::TrialToFormal.as_str(), ChargingMode::OnDemandPkg.as_str()),
            ("TRIAL_TO_FORMAL", "ON_DEMAND_PKG")
        );
        assert_eq!(v["orderInfo"]["orderLine"][0]["orderLineId"], "MOCKPERIODYEARNEW-000001");
        let back: OrderQueryReply = serde_json::from_value(v).expect("json");
        assert_eq!(back, reply);
    }

    #[test]
    fn usage_signature_is_base64_hmac() {
        let s = usage_signature("k", "1", "n", "{}");
        assert_eq!(s.len(), 44);
        assert_ne!(s, usage_signature("k", "1", "n", "{ }"));
    }
}
