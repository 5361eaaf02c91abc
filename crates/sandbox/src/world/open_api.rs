//! The world as the open API sees it: order details, the debug (MOCK) orders, License 2.0 codes.

use chrono::Duration;
use koodesk_domain::catalog::BillingMode;
use koodesk_domain::supervision::{Action, ProductType, Side, Step};
use koodesk_domain::time::Instant;
use koodesk_protocol::feed::{BuyerKind, OrderStatus};
use koodesk_protocol::open_api::{self as api, BuyerInfo, ChargingMode, LineProduct, OrderInfo, OrderLine, OrderType};

use super::{Buyer, World, WorldError};

/// UTC `yyyyMMddHHmmss`, the open API's time format.
pub fn utc_compact(t: &Instant) -> String {
    t.naive_utc().format("%Y%m%d%H%M%S").to_string()
}

/// How a product's billing mode is charged in `order/query`: the convention every KooDesk client reads back.
pub use koodesk_protocol::order_query::charging_mode;

/// `customerType` of an enterprise and of a person: Huawei Cloud's customer-type codes, a KooDesk convention where
/// the `order/query` page names the field without its values [KG §8].
pub const CUSTOMER_TYPE_ENTERPRISE: &str = "1";
pub const CUSTOMER_TYPE_PERSON: &str = "0";

/// `buyerInfo` as the real `order/query` carries it [KG §8]: the account (customerId, customerName), the
/// real-name-verified name, the customer type, and the IAM user who ordered (userId, userName). The sandbox's
/// buyers order as their account's own user.
fn buyer_info(b: &Buyer) -> BuyerInfo {
    let digits = b.id.trim_start_matches('B');
    BuyerInfo {
        customer_id: b.id.clone(),
        customer_name: Some(b.name.clone()),
        customer_real_name: Some(b.name.clone()),
        customer_type: Some(
            match b.kind {
                BuyerKind::Enterprise => CUSTOMER_TYPE_ENTERPRISE,
                BuyerKind::Person => CUSTOMER_TYPE_PERSON,
            }
            .to_string(),
        ),
        user_id: Some(format!("U{digits}")),
        user_name: Some(format!("hw{digits}")),
        mobile_phone: None,
        email: None,
    }
}

/// What a License 2.0 code answers to activation and heartbeats.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LicenseCodeInfo {
    pub status: &'static str,
    pub expire_time: String,
    pub product_id: String,
    pub order_id: String,
    pub amount: String,
}

impl World {
    /// The License 2.0 code of an order: `LIC-` + order ID.
    pub fn license_code(&self, oi: usize) -> Option<String> {
        let o = &self.orders[oi];
        let product = &self.products[o.product];
        (product.product_type == Some(ProductType::License2)).then(|| format!("LIC-{}", o.id))
    }

    /// `order/query` for a world order or a MOCK order; `None` when the order (or that line) does not exist.
    pub fn order_info(&self, order_id: &str, order_line_id: Option<&str>) -> Option<OrderInfo> {
        if api::MOCK_ORDER_IDS.contains(&order_id) {
            return mock_order(order_id, order_line_id, self.now);
        }
        let o = self.order(order_id)?;
        if order_line_id.is_some_and(|l| l != o.line_id) {
            return None;
        }
        let p = &self.products[o.product];
        let b = &self.buyers[o.buyer];
        let period = p.billing_mode == BillingMode::Period;
        let order_type = if o.status == OrderStatus::Refunded { OrderType::Unsubscribe } else { o.order_type };
        Some(OrderInfo {
            order_id: o.id.clone(),
            order_type,
            create_time: utc_compact(&o.created_at),
            order_line: vec![OrderLine {
                order_line_id: o.line_id.clone(),
                charging_mode: charging_mode(p.billing_mode),
                expire_time: period.then(|| utc_compact(&(o.created_at + Duration::days(365)))),
                period_type: period.then(|| "year".to_string()),
                period_number: period.then_some(1),
                amount: Some(o.amount.to_string()),
                currency: Some(o.list_price.to_string()),
                currency_after_discount: Some(o.amount.to_string()),
                product_info: vec![LineProduct {
                    product_id: p.id.clone(),
                    sku_code: format!("{}-SKU1", p.id),
                    product_name: p.name.clone(),
                    linear_value: None,
                }],
            }],
            buyer_info: Some(buyer_info(b)),
            extend_params: vec![],
        })
    }

    fn license_order(&self, code: &str) -> Result<usize, WorldError> {
        let not_found = || WorldError::NotFound { what: "license", id: code.to_string() };
        let order_id = code.strip_prefix("LIC-").ok_or_else(not_found)?;
        let &oi = self.order_index.get(order_id).ok_or_else(not_found)?;
        self.license_code(oi).filter(|c| c == code).map(|_| oi).ok_or_else(not_found)
    }

    fn license_info(&self, oi: usize) -> LicenseCodeInfo {
        let o = &self.orders[oi];
        LicenseCodeInfo {
            status: if o.status == OrderStatus::Refunded { "RELEASED" } else { "ALIVE" },
            expire_time: utc_compact(&(o.created_at + Duration::days(365))),
            product_id: self.products[o.product].id.clone(),
            order_id: o.id.clone(),
            amount: o.amount.to_string(),
        }
    }

    /// The merchant's software activates a License 2.0 code: the flow's 授权码激活 step passes [KG §3].
    pub fn activate_license(&mut self, code: &str) -> Result<LicenseCodeInfo, WorldError> {
        let oi = self.license_order(code)?;
        if self.orders[oi].status == OrderStatus::Refunded {
            return Err(WorldError::Refused(format!("license {code} was released with its order")));
        }
        if let Some(fi) = self.orders[oi].flow {
            if self.flows[fi].flow.step() == Step::ActivateCode && !self.flows[fi].flow.is_frozen() {
                let at = self.now.max(self.flows[fi].flow.step_started_at());
                if self.flows[fi].flow.apply(Side::Merchant, Action::Activate, at).is_ok() {
                    self.after_flow_change(fi, at);
                }
            }
        }
        Ok(self.license_info(oi))
    }

    pub fn license_heartbeat(&self, code: &str) -> Result<LicenseCodeInfo, WorldError> {
        self.license_order(code).map(|oi| self.license_info(oi))
    }
}

/// The documented debug orders: each shows one order type and charging mode [KG §8].
fn mock_order(order_id: &str, order_line_id: Option<&str>, now: Instant) -> Option<OrderInfo> {
    let line_id = api::mock_order_line(order_id);
    if order_line_id.is_some_and(|l| l != line_id) {
        return None;
    }
    let (order_type, mode, period) = match order_id {
        "MOCKPERIODYEARNEW" => (OrderType::New, ChargingMode::Period, Some(("year", 1))),
        "MOCKONETIMENEW" => (OrderType::New, ChargingMode::OneTime, None),
        "MOCKONDEMAND" => (OrderType::New, ChargingMode::OnDemand, None),
        "MOCKONDEMANDPKG" => (OrderType::New, ChargingMode::OnDemandPkg, None),
        "MOCKPERIODDAYTRIAL" => (OrderType::Trial, ChargingMode::Period, Some(("day", 7))),
        "MOCKMONTYTRIALTOFORMAL" => (OrderType::TrialToFormal, ChargingMode::Period, Some(("month", 1))),
        "MOCKMONTYUNSUBSCRIBE" => (OrderType::Unsubscribe, ChargingMode::Period, Some(("month", 1))),
        "MOCKMONTYRENEW" => (OrderType::Renew, ChargingMode::Period, Some(("month", 1))),
        "MOCKMONTYCHANGE" => (OrderType::Change, ChargingMode::Period, Some(("month", 1))),
        _ => return None,
    };
    let expire = period.map(|(unit, n)| {
        let days = match unit {
            "year" => 365 * n,
            "month" => 30 * n,
            _ => n,
        };
        utc_compact(&(now + Duration::days(days)))
    });
    let paid = if order_type == OrderType::Trial { "0.00" } else { "100.00" };
    Some(OrderInfo {
        order_id: order_id.to_string(),
        order_type,
        create_time: utc_compact(&now),
        order_line: vec![OrderLine {
            order_line_id: line_id,
            charging_mode: mode,
            expire_time: expire,
            period_type: period.map(|(u, _)| u.to_string()),
            period_number: period.map(|(_, n)| n as u32),
            amount: Some(paid.into()),
            currency: Some("100.00".into()),
            currency_after_discount: Some(paid.into()),
            product_info: vec![LineProduct {
                product_id: "MOCKPRODUCT".into(),
                sku_code: "MOCKSKU".into(),
                product_name: "调试商品".into(),
                linear_value: None,
            }],
        }],
        buyer_info: Some(BuyerInfo {
            customer_id: "MOCKCUSTOMER".into(),
            customer_name: Some("调试用户".into()),
            customer_real_name: Some("调试用户".into()),
            customer_type: Some(CUSTOMER_TYPE_PERSON.into()),
            user_id: Some("MOCKUSER".into()),
            user_name: Some("mockuser".into()),
            mobile_phone: None,
            email: None,
        }),
        extend_params: vec![],
    })
}
