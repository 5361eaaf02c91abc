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

    /// Checks mandatory fields, lengths and formats: the lengths and mandatory fields from [`ACTIVITIES`], the
    /// same table the debug-case form reads, so the form and this check cannot disagree.
    pub fn validate(&self) -> Result<(), RequestError> {
        let body = serde_json::to_value(self).map_err(|e| RequestError::Shape(e.to_string()))?;
        let spec = activity_spec(self.activity())
            .ok_or_else(|| RequestError::Shape(format!("`{}` has no field table", self.activity())))?;
        for f in spec.fields {
            let value = f.name.split('.').try_fold(&body, |v, part| v.get(part));
            match (f.kind, value) {
                (FieldKind::Integer | FieldKind::Choice(_), _) => {} // typed: serde already refused a wrong one
                (_, Some(serde_json::Value::String(v))) if f.kind == FieldKind::Ids => {
                    required(f.name, v, MAX_QUERY_IDS * (f.max + 1))?;
                    let ids: Vec<&str> = v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
                    if ids.is_empty() {
                        return Err(RequestError::Empty { field: f.name });
                    }
                    if ids.len() > MAX_QUERY_IDS {
                        return Err(RequestError::Format {
                            field: f.name,
                            value: format!("{} IDs", ids.len()),
                            rule: "at most 100 instance IDs, comma-separated",
                        });
                    }
                    ids.iter().try_for_each(|id| required(f.name, id, f.max))?;
                }
                (_, Some(serde_json::Value::String(v))) if f.mandatory => required(f.name, v, f.max)?,
                (_, Some(serde_json::Value::String(v))) => optional(f.name, Some(v), f.max)?,
                (_, None | Some(serde_json::Value::Null)) if f.mandatory => {
                    return Err(RequestError::Empty { field: f.name })
                }
                _ => {}
            }
        }
        if let ProductionRequest::RefreshInstance(r) = self {
            if NaiveDateTime::parse_from_str(&r.expire_time, EXPIRE_TIME_FORMAT).is_err() || r.expire_time.len() != 14 {
                return Err(RequestError::Format {
                    field: "expireTime",
                    value: r.expire_time.clone(),
                    rule: "UTC time as yyyyMMddHHmmss",
                });
            }
        }
        Ok(())
    }
}

/// What a request field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// Comma-separated IDs, each up to the field's maximum, at most [`MAX_QUERY_IDS`] of them.
    Ids,
    /// UTC time as `yyyyMMddHHmmss` ([`EXPIRE_TIME_FORMAT`]).
    Time,
    /// One of these values.
    Choice(&'static [&'static str]),
    /// A whole number.
    Integer,
    /// The debug flag: `1` marks a debug call.
    Flag,
}

/// One request field of an activity: its documented name (dotted for a nested object), maximum length in
/// characters, and whether it is mandatory [KG §7].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub max: usize,
    pub mandatory: bool,
    pub kind: FieldKind,
}

/// An activity and its request fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivitySpec {
    pub activity: &'static str,
    pub fields: &'static [FieldSpec],
}

/// IDs (orderId, orderLineId, instanceId, businessId, productId, skuCode): at most 64 characters.
pub const ID_MAX: usize = 64;
/// `expireTime`: at most 20 characters (and exactly `yyyyMMddHHmmss`).
pub const EXPIRE_TIME_MAX: usize = 20;
/// `testFlag`: at most 2 characters.
pub const TEST_FLAG_MAX: usize = 2;
/// `scene` of refreshInstance [KG §7].
pub const REFRESH_SCENES: [&str; 4] = ["TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"];
/// `status` of updateInstanceStatus [KG §7].
pub const INSTANCE_STATUSES: [&str; 2] = ["FREEZE", "UNFREEZE"];

const fn field(name: &'static str, max: usize, mandatory: bool, kind: FieldKind) -> FieldSpec {
    FieldSpec { name, max, mandatory, kind }
}
const fn id(name: &'static str, mandatory: bool) -> FieldSpec {
    field(name, ID_MAX, mandatory, FieldKind::Text)
}
const TEST_FLAG: FieldSpec = field("testFlag", TEST_FLAG_MAX, false, FieldKind::Flag);

/// Every activity's request fields, in the order SaaS接入指南 V2.0 lists them [KG §7].
pub const ACTIVITIES: &[ActivitySpec] = &[
    ActivitySpec {
        activity: "newInstance",
        fields: &[id("orderId", true), id("orderLineId", true), id("businessId", true), TEST_FLAG],
    },
    ActivitySpec { activity: "queryInstance", fields: &[field("instanceId", ID_MAX, true, FieldKind::Ids), TEST_FLAG] },
    ActivitySpec {
        activity: "refreshInstance",
        fields: &[
            field("scene", 32, true, FieldKind::Choice(&REFRESH_SCENES)),
            id("orderId", true),
            id("orderLineId", true),
            id("instanceId", true),
            field("expireTime", EXPIRE_TIME_MAX, true, FieldKind::Time),
            id("productId", false),
            TEST_FLAG,
        ],
    },
    ActivitySpec {
        activity: "updateInstanceStatus",
        fields: &[id("instanceId", true), field("status", 16, true, FieldKind::Choice(&INSTANCE_STATUSES)), TEST_FLAG],
    },
    ActivitySpec {
        activity: "releaseInstance",
        fields: &[id("instanceId", true), id("orderId", false), id("orderLineId", false), TEST_FLAG],
    },
    ActivitySpec {
        activity: "upgradeInstance",
        fields: &[id("instanceId", true), id("orderId", true), id("orderLineId", true), TEST_FLAG],
    },
    ActivitySpec {
        activity: "changeInstanceCheck",
        fields: &[
            id("instanceId", true),
            id("productInfo.productId", true),
            id("productInfo.skuCode", true),
            field("productInfo.linearValue", 18, false, FieldKind::Integer),
            id("productInfo.productName", true),
            TEST_FLAG,
        ],
    },
    ActivitySpec { activity: "orderNotify", fields: &[id("orderId", true), id("orderLineId", false), TEST_FLAG] },
];

/// The field table of an activity.
pub fn activity_spec(activity: &str) -> Option<&'static ActivitySpec> {
    ACTIVITIES.iter().find(|a| a.activity == activity)
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

    /// A valid body of an activity built from its field table, each field at `len` characters when given.
    fn body_of(spec: &ActivitySpec, skip: Option<&str>, long: Option<(&str, usize)>) -> serde_json::Value {
        let mut body = serde_json::json!({"activity": spec.activity});
        for f in spec.fields.iter().filter(|f| Some(f.name) != skip) {
            let value = match (long, f.kind) {
                (Some((name, len)), _) if name == f.name => serde_json::json!("1".repeat(len)),
                (_, FieldKind::Text | FieldKind::Ids | FieldKind::Flag) => serde_json::json!("1"),
                (_, FieldKind::Time) => serde_json::json!("20271231160000"),
                (_, FieldKind::Choice(values)) => serde_json::json!(values[0]),
                (_, FieldKind::Integer) => serde_json::json!(5),
            };
            let mut at = &mut body;
            let parts: Vec<&str> = f.name.split('.').collect();
            for part in &parts[..parts.len() - 1] {
                at = &mut at[*part];
                if at.is_null() {
                    *at = serde_json::json!({});
                }
            }
            at[parts[parts.len() - 1]] = value;
        }
        body
    }

    #[test]
    fn the_field_table_is_what_validation_enforces() {
        assert_eq!(ACTIVITIES.len(), 8);
        for spec in ACTIVITIES {
            let ok = body_of(spec, None, None);
            let req = ProductionRequest::parse(ok.to_string().as_bytes()).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(req.activity(), spec.activity);
            for f in spec.fields {
                let last = f.name.rsplit('.').next().unwrap_or(f.name);
                let missing = body_of(spec, Some(f.name), None);
                match ProductionRequest::parse(missing.to_string().as_bytes()) {
                    Ok(_) => assert!(!f.mandatory, "{} {} is mandatory", spec.activity, f.name),
                    Err(e) => {
                        assert!(f.mandatory, "{} {}: {e}", spec.activity, f.name);
                        assert!(e.to_string().contains(last), "{} {}: {e}", spec.activity, f.name);
                    }
                }
                if matches!(f.kind, FieldKind::Choice(_) | FieldKind::Integer) {
                    continue;
                }
                let at_max = body_of(spec, None, Some((f.name, f.max)));
                if f.kind != FieldKind::Time {
                    ProductionRequest::parse(at_max.to_string().as_bytes())
                        .unwrap_or_else(|e| panic!("{} {} at {}: {e}", spec.activity, f.name, f.max));
                }
                let over = body_of(spec, None, Some((f.name, f.max + 1)));
                let e = ProductionRequest::parse(over.to_string().as_bytes()).expect_err(f.name);
                assert_eq!(
                    e,
                    RequestError::TooLong { field: f.name, len: f.max + 1, max: f.max },
                    "{} {}",
                    spec.activity,
                    f.name
                );
            }
        }
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
