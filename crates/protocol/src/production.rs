//! Production-interface bodies: what KooGallery POSTs to a SaaS seller's production URL, and what it expects
//! back [KG §7]. Field names, mandatory fields and lengths follow SaaS接入指南 V2.0.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::result_code::ResultCode;

/// `expireTime` format: UTC `yyyyMMddHHmmss`.
pub const EXPIRE_TIME_FORMAT: &str = "%Y%m%d%H%M%S";
/// Most instance IDs one queryInstance may ask for.
pub const MAX_QUERY_IDS: usize = 100;

/// A request body; `activity` selects the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "activity", rename_all = "camelCase")]
pub enum ProductionRequest {
    NewInstance(NewInstance),
    QueryInstance(QueryInstance),
    RefreshInstance(RefreshInstance),
    UpdateInstanceStatus(UpdateInstanceStatus),
    ReleaseInstance(ReleaseInstance),
    UpgradeInstance(UpgradeInstance),
    ChangeInstanceCheck(ChangeInstanceCheck),
    OrderNotify(OrderNotify),
}

/// Creates an instance. Idempotent per orderId + orderLineId; businessId is new on every call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewInstance {
    pub order_id: String,
    pub order_line_id: String,
    pub business_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

/// Asks for the app information of up to 100 instances (comma-separated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryInstance {
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

impl QueryInstance {
    /// The instance IDs asked for.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.instance_id.split(',').map(str::trim).filter(|s| !s.is_empty())
    }
}

/// Why an instance's period changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefreshScene {
    TrialToFormal,
    Renewal,
    UnsubscribeRenewalPeriod,
    RenewalChange,
}

/// Trial to formal, renewal, renewal cancellation or renewal change of a period instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshInstance {
    pub scene: RefreshScene,
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: String,
    /// UTC `yyyyMMddHHmmss`.
    pub expire_time: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceStatus {
    Freeze,
    Unfreeze,
}

/// Freezes or unfreezes an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInstanceStatus {
    pub instance_id: String,
    pub status: InstanceStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

/// Releases an instance; releasing twice succeeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseInstance {
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

/// Upgrades an instance after an upgrade order is paid; the instance ID stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpgradeInstance {
    pub instance_id: String,
    pub order_id: String,
    pub order_line_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

/// The product a renewal would change to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductInfo {
    pub product_id: String,
    pub sku_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear_value: Option<i64>,
    pub product_name: String,
}

/// Asks whether a renewal with a change is possible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeInstanceCheck {
    pub instance_id: String,
    pub product_info: ProductInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

/// Tells the merchant an order changed; the merchant then queries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderNotify {
    pub order_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_line_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_flag: Option<String>,
}

/// A request that breaks the interface's rules: answered with 000002.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the body is not a production-interface request: {0}")]
    Shape(String),
    #[error("`{field}` is mandatory and empty")]
    Empty { field: &'static str },
    #[error("`{field}` is {len} characters; at most {max} are allowed")]
    TooLong { field: &'static str, len: usize, max: usize },
    #[error("`{field}` is `{value}`: {rule}")]
    Format { field: &'static str, value: String, rule: &'static str },
}

impl RequestError {
    pub fn result_code(&self) -> ResultCode {
        ResultCode::InvalidParameter
    }
}

fn required(field: &'static str, value: &str, max: usize) -> Result<(), RequestError> {
    if value.trim().is_empty() {
        return Err(RequestError::Empty { field });
    }
    optional(field, Some(value), max)
}

fn optional(field: &'static str, value: Option<&str>, max: usize) -> Result<(), RequestError> {
    if let Some(v) = value.filter(|v| v.chars().any(char::is_control)) {
        return Err(RequestError::Format { field, value: v.escape_debug().to_string(), rule: "no control characters" });
    }
    match value.map(|v| v.chars().count()) {
        Some(len) if len > max => Err(RequestError::TooLong { field, len, max }),
        _ => Ok(()),
    }
}

impl ProductionRequest {
    /// The `activity` name.
    pub fn activity(&self) -> &'static str {
        match self {
            ProductionRequest::NewInstance(_) => "newInstance",
            ProductionRequest::QueryInstance(_) => "queryInstance",
            ProductionRequest::RefreshInstance(_) => "refreshInstance",
            ProductionRequest::UpdateInstanceStatus(_) => "updateInstanceStatus",
            ProductionRequest::ReleaseInstance(_) => "releaseInstance",
            ProductionRequest::UpgradeInstance(_) => "upgradeInstance",
            ProductionRequest::ChangeInstanceCheck(_) => "changeInstanceCheck",
            ProductionRequest::OrderNotify(_) => "orderNotify",
        }
    }

    /// Whether KooGallery marked it a debug call (`testFlag` = "1").
    pub fn is_test(&self) -> bool {
        let flag = match self {
            ProductionRequest::NewInstance(r) => &r.test_flag,
            ProductionRequest::QueryInstance(r) => &r.test_flag,
            ProductionRequest::RefreshInstance(r) => &r.test_flag,
            ProductionRequest::UpdateInstanceStatus(r) => &r.test_flag,
            ProductionRequest::ReleaseInstance(r) => &r.test_flag,
            ProductionRequest::UpgradeInstance(r) => &r.test_flag,
            ProductionRequest::ChangeInstanceCheck(r) => &r.test_flag,
            ProductionRequest::OrderNotify(r) => &r.test_flag,
        };
        flag.as_deref() == Some("1")
    }

    /// Parses and validates a request body.
    pub fn parse(body: &[u8]) -> Result<ProductionRequest, RequestError> {
        let req: ProductionRequest = serde_json::from_slice(body).map_err(|e| RequestError::Shape(e.to_string()))?;
        req.validate()?;
        Ok(req)
    }

    /// Checks mandatory fields, lengths and formats.
    pub fn validate(&self) -> Result<(), RequestError> {
        match self {
            ProductionRequest::NewInstance(r) => {
                required("orderId", &r.order_id, 64)?;
                required("orderLineId", &r.order_line_id, 64)?;
                required("businessId", &r.business_id, 64)?;
                optional("testFlag", r.test_flag.as_deref(), 2)
            }
            ProductionRequest::QueryInstance(r) => {
                required("instanceId", &r.instance_id, MAX_QUERY_IDS * 65)?;
                let ids: Vec<&str> = r.ids().collect();
                if ids.is_empty() {
                    return Err(RequestError::Empty { field: "instanceId" });
                }
                if ids.len() > MAX_QUERY_IDS {
                    return Err(RequestError::Format {
                        field: "instanceId",
                        value: format!("{} IDs", ids.len()),
                        rule: "at most 100 instance IDs, comma-separated",
                    });
                }
                ids.iter().try_for_each(|id| required("instanceId", id, 64))
            }
            ProductionRequest::RefreshInstance(r) => {
                required("orderId", &r.order_id, 64)?;
                required("orderLineId", &r.order_line_id, 64)?;
                required("instanceId", &r.instance_id, 64)?;
                required("expireTime", &r.expire_time, 20)?;
                optional("productId", r.product_id.as_deref(), 64)?;
                if NaiveDateTime::parse_from_str(&r.expire_time, EXPIRE_TIME_FORMAT).is_err()
                    || r.expire_time.len() != 14
                {
                    return Err(RequestError::Format {
                        field: "expireTime",
                        value: r.expire_time.clone(),
                        rule: "UTC time as yyyyMMddHHmmss",
                    });
                }
                Ok(())
            }
            ProductionRequest::UpdateInstanceStatus(r) => required("instanceId", &r.instance_id, 64),
            ProductionRequest::ReleaseInstance(r) => {
                required("instanceId", &r.instance_id, 64)?;
                optional("orderId", r.order_id.as_deref(), 64)?;
                optional("orderLineId", r.order_line_id.as_deref(), 64)
            }
            ProductionRequest::UpgradeInstance(r) => {
                required("instanceId", &r.instance_id, 64)?;
                required("orderId", &r.order_id, 64)?;
                required("orderLineId", &r.order_line_id, 64)
            }
            ProductionRequest::ChangeInstanceCheck(r) => {
                required("instanceId", &r.instance_id, 64)?;
                required("productInfo.productId", &r.product_info.product_id, 64)?;
                required("productInfo.skuCode", &r.product_info.sku_code, 64)?;
                required("productInfo.productName", &r.product_info.product_name, 64)
            }
            ProductionRequest::OrderNotify(r) => {
                required("orderId", &r.order_id, 64)?;
                optional("orderLineId", r.order_line_id.as_deref(), 64)
            }
        }
    }
}

/// How a seller's server signs in to what it provisioned: returned by queryInstance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// Mandatory, up to 512.
    pub front_end_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_url: Option<String>,
    /// Encrypted (IV + base64), up to 128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Encrypted (IV + base64), up to 128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

impl AppInfo {
    /// frontEndUrl mandatory ≤ 512, adminUrl ≤ 512, userName and password ≤ 128.
    pub fn validate(&self) -> Result<(), RequestError> {
        required("appInfo.frontEndUrl", &self.front_end_url, 512)?;
        optional("appInfo.adminUrl", self.admin_url.as_deref(), 512)?;
        optional("appInfo.userName", self.user_name.as_deref(), 128)?;
        optional("appInfo.password", self.password.as_deref(), 128)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceInfo {
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_info: Option<AppInfo>,
}

/// A production-interface reply. Fields other than `resultCode` depend on the activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reply {
    pub result_code: ResultCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_msg: Option<String>,
    /// newInstance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// newInstance, when the instance is ready at once (V2.0 allows the app information in the first reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_info: Option<AppInfo>,
    /// queryInstance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Vec<InstanceInfo>>,
    /// `1` AES-256 (default) or `2` AES-128, for encrypted fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypt_type: Option<String>,
}

impl Reply {
    pub fn of(code: ResultCode) -> Reply {
        Reply {
            result_code: code,
            result_msg: Some(code.message().to_string()),
            instance_id: None,
            app_info: None,
            info: None,
            encrypt_type: None,
        }
    }

    /// Checks the reply's own limits (instanceId ≤ 64, frontEndUrl mandatory ≤ 512, adminUrl ≤ 512, userName and
    /// password ≤ 128, resultMsg ≤ 255).
    pub fn validate(&self) -> Result<(), RequestError> {
        optional("resultMsg", self.result_msg.as_deref(), 255)?;
        optional("instanceId", self.instance_id.as_deref(), 64)?;
        if let Some(app) = &self.app_info {
            app.validate()?;
        }
        for info in self.info.iter().flatten() {
            required("info.instanceId", &info.instance_id, 64)?;
            if let Some(app) = &info.app_info {
                app.validate()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_new_instance_example() {
        let body = br#"{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}"#;
        let req = ProductionRequest::parse(body).expect("valid");
        assert_eq!(req.activity(), "newInstance");
        assert!(req.is_test());
        let ProductionRequest::NewInstance(n) = &req else { panic!("newInstance") };
        assert_eq!(n.order_line_id, "CS2211181819B4LVS-000001");
        // Serialises back with the same field names.
        let v: serde_json::Value = serde_json::to_value(&req).expect("json");
        assert_eq!(v["activity"], "newInstance");
        assert_eq!(v["businessId"], "87b94795-0603-4e24-8ae5-69420d60e3c8");
    }

    #[test]
    fn every_activity_parses() {
        let bodies = [
            r#"{"activity":"queryInstance","instanceId":"a,b,c"}"#,
            r#"{"activity":"refreshInstance","scene":"RENEWAL","orderId":"o","orderLineId":"o-1","instanceId":"i","expireTime":"20271231160000"}"#,
            r#"{"activity":"updateInstanceStatus","instanceId":"i","status":"FREEZE"}"#,
            r#"{"activity":"releaseInstance","instanceId":"i"}"#,
            r#"{"activity":"upgradeInstance","instanceId":"i","orderId":"o","orderLineId":"o-1"}"#,
            r#"{"activity":"changeInstanceCheck","instanceId":"i","productInfo":{"productId":"p","skuCode":"s","linearValue":5,"productName":"n"}}"#,
            r#"{"activity":"orderNotify","orderId":"o","orderLineId":"o-000001","testFlag":"1"}"#,
        ];
        for b in bodies {
            let req = ProductionRequest::parse(b.as_bytes()).unwrap_or_else(|e| panic!("{b}: {e}"));
            let again = ProductionRequest::parse(&serde_json::to_vec(&req).expect("json")).expect("round trip");
            assert_eq!(again, req);
        }
    }

    #[test]
    fn rule_breaking_requests_name_the_field() {
        let cases = [
            (r#"{"activity":"newInstance","orderId":"o","orderLineId":"l"}"#, "businessId"),
            (r#"{"activity":"newInstance","orderId":"","orderLineId":"l","businessId":"b"}"#, "orderId"),
            (r#"{"activity":"deleteEverything"}"#, "unknown variant"),
            (r#"{"activity":"updateInstanceStatus","instanceId":"i","status":"PAUSE"}"#, "PAUSE"),
            (
                r#"{"activity":"refreshInstance","scene":"RENEWAL","orderId":"o","orderLineId":"l","instanceId":"i","expireTime":"2027-12-31"}"#,
                "expireTime",
            ),
            (r#"{"activity":"queryInstance","instanceId":" , "}"#, "instanceId"),
            (
                r#"{"activity":"newInstance","orderId":"a\u0000b","orderLineId":"l","businessId":"b"}"#,
                "control characters",
            ),
        ];
        for (body, field) in cases {
            let e = ProductionRequest::parse(body.as_bytes()).expect_err(body);
            assert!(e.to_string().contains(field), "{body}: {e}");
            assert_eq!(e.result_code(), ResultCode::InvalidParameter);
        }
        let long = format!(
            r#"{{"activity":"newInstance","orderId":"{}","orderLineId":"l","businessId":"b"}}"#,
            "x".repeat(65)
        );
        assert!(matches!(
            ProductionRequest::parse(long.as_bytes()),
            Err(RequestError::TooLong { field: "orderId", len: 65, max: 64 })
        ));
        let many = format!(r#"{{"activity":"queryInstance","instanceId":"{}"}}"#, vec!["i"; 101].join(","));
        assert!(ProductionRequest::parse(many.as_bytes()).is_err());
    }

    #[test]
    fn replies_serialise_with_documented_names() {
        let mut r = Reply::of(ResultCode::Success);
        r.info = Some(vec![InstanceInfo {
            instance_id: "i-1".into(),
            app_info: Some(AppInfo {
                front_end_url: "https://app.example/login".into(),
                admin_url: None,
                user_name: None,
                password: None,
                memo: Some("开通成功".into()),
            }),
        }]);
        let v = serde_json::to_value(&r).expect("json");
        assert_eq!(v["resultCode"], "000000");
        assert_eq!(v["info"][0]["appInfo"]["frontEndUrl"], "https://app.example/login");
        assert!(r.validate().is_ok());
        r.info = Some(vec![InstanceInfo {
            instance_id: "i".into(),
            app_info: Some(AppInfo {
                front_end_url: String::new(),
                admin_url: None,
                user_name: None,
                password: None,
                memo: None,
            }),
        }]);
        assert!(r.validate().is_err(), "frontEndUrl is mandatory");
    }
}
