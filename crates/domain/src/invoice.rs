//! Invoicing customers: who issues, by when, who pays the courier, which kinds a buyer may have, one rate per
//! invoice, and what may not be invoiced [KG §2].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::UnknownName;
use crate::credit_code::CreditCode;
use crate::money::Cny;
use crate::time::{self, Instant};

/// How a product is sold, which decides who invoices the customer [KG §2].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// 通用商品: the merchant's own listing.
    #[default]
    General,
    /// 联营.
    JointOperation,
    /// 严选 (and 严选自营).
    Selected,
    /// Huawei's own products.
    Huawei,
}

/// Who invoices the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Issuer {
    Merchant,
    Huawei,
}

impl Issuer {
    pub fn as_str(self) -> &'static str {
        match self {
            Issuer::Merchant => "merchant",
            Issuer::Huawei => "huawei",
        }
    }
}

/// The first instant at which general products are invoiced by the merchant: 2018-11-01 00:00 Beijing [KG §2].
pub fn merchant_invoicing_start() -> Instant {
    time::start_of_day(NaiveDate::from_ymd_opt(2018, 11, 1).unwrap_or_else(|| unreachable!("valid date")))
}

/// Who invoices the customer for an order [KG §2]: the merchant for general products ordered from
/// 2018-11-01 00:00 Beijing on; Huawei Cloud for earlier orders and for joint-operation, 严选 and Huawei products.
pub fn issuer(order_created_at: Instant, channel: Channel) -> Issuer {
    match channel {
        Channel::General if order_created_at >= merchant_invoicing_start() => Issuer::Merchant,
        _ => Issuer::Huawei,
    }
}

/// Days the merchant has to complete an invoice after the request [KG §2].
pub const INVOICE_DAYS: i64 = 7;

/// When an invoice requested at `requested_at` is due: the request time + 7×24 h [KG §2, KooDesk convention].
pub fn due_at(requested_at: Instant) -> Instant {
    requested_at + Duration::days(INVOICE_DAYS)
}

/// Whether an invoice is overdue at `now`.
pub fn is_overdue(requested_at: Instant, now: Instant) -> bool {
    now > due_at(requested_at)
}

/// The medium of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Medium {
    /// 数电 (fully digital).
    FullyDigital,
    /// 电子.
    Electronic,
    /// 纸质.
    Paper,
}

impl Medium {
    pub const ALL: [Medium; 3] = [Medium::FullyDigital, Medium::Electronic, Medium::Paper];

    pub fn as_str(self) -> &'static str {
        match self {
            Medium::FullyDigital => "fully-digital",
            Medium::Electronic => "electronic",
            Medium::Paper => "paper",
        }
    }
}

impl FromStr for Medium {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "fully-digital" | "数电" => Ok(Medium::FullyDigital),
            "electronic" | "电子" => Ok(Medium::Electronic),
            "paper" | "纸质" => Ok(Medium::Paper),
            _ => Err(UnknownName {
                what: "invoice medium",
                value: s.to_string(),
                accepted: vec!["paper", "electronic", "fully-digital"],
            }),
        }
    }
}

impl fmt::Display for Medium {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who pays to post a paper invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CourierPayer {
    /// Face value below 100 yuan: sent cash-on-delivery (到付).
    Customer,
    Merchant,
    /// Nothing is posted.
    None,
}

impl CourierPayer {
    pub fn as_str(self) -> &'static str {
        match self {
            CourierPayer::Customer => "customer",
            CourierPayer::Merchant => "merchant",
            CourierPayer::None => "none",
        }
    }
}

/// Who pays the courier [KG §2]: paper invoices below 100 yuan face value, the customer; from 100 yuan, the
/// merchant; electronic and fully digital invoices are not posted.
pub fn courier_payer(medium: Medium, face_value: Cny) -> CourierPayer {
    match medium {
        Medium::Paper if face_value.decimal() < Decimal::ONE_HUNDRED => CourierPayer::Customer,
        Medium::Paper => CourierPayer::Merchant,
        Medium::FullyDigital | Medium::Electronic => CourierPayer::None,
    }
}

/// 增值税普通发票 or 增值税专用发票.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum InvoiceKind {
    /// 普票.
    Ordinary,
    /// 专票.
    Special,
}

impl InvoiceKind {
    /// The code, as stored and as it crosses to TypeScript.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Ordinary => "ordinary",
            InvoiceKind::Special => "special",
        }
    }
}

/// Who the invoice is made out to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum BuyerTitle {
    Person { name: String },
    Enterprise { name: String, taxpayer_id: Option<CreditCode> },
}

/// Why an invoice may not be drafted. Each names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvoiceRefusal {
    #[error(
        "Huawei Cloud invoices this order, not the merchant: orders before 2018-11-01 and joint-operation, 严选 and \
         Huawei products are invoiced by Huawei Cloud (KOOGALLERY.md §2)"
    )]
    HuaweiIssues,
    #[error("a special invoice (专票) is only for an enterprise title with a taxpayer ID (KOOGALLERY.md §2)")]
    SpecialNeedsEnterprise,
    #[error("order {order_id} has an unsubscription awaiting review and must not be invoiced (KOOGALLERY.md §2)")]
    UnsubscriptionPending { order_id: String },
    #[error(
        "the invoice amount {requested} differs from the order amount {order}: the invoice carries the full order \
         amount (KOOGALLERY.md §2)"
    )]
    AmountMismatch { requested: Cny, order: Cny },
    #[error("one invoice carries one tax rate; these lines have rates {}", rates.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "))]
    MixedRates { rates: Vec<Decimal> },
}

/// The invoice kinds and media a buyer may ask for [KG §2]: everyone may have an ordinary invoice in any medium;
/// a special invoice only an enterprise with a taxpayer ID.
pub fn allowed_kinds(buyer: &BuyerTitle) -> Vec<(InvoiceKind, Medium)> {
    let special = matches!(buyer, BuyerTitle::Enterprise { taxpayer_id: Some(_), .. });
    let kinds: &[InvoiceKind] =
        if special { &[InvoiceKind::Ordinary, InvoiceKind::Special] } else { &[InvoiceKind::Ordinary] };
    kinds.iter().flat_map(|k| Medium::ALL.iter().map(move |m| (*k, *m))).collect()
}

/// Checks that a buyer may have an invoice kind [KG §2].
pub fn check_kind(buyer: &BuyerTitle, kind: InvoiceKind) -> Result<(), InvoiceRefusal> {
    match (kind, buyer) {
        (InvoiceKind::Special, BuyerTitle::Enterprise { taxpayer_id: Some(_), .. }) | (InvoiceKind::Ordinary, _) => {
            Ok(())
        }
        (InvoiceKind::Special, _) => Err(InvoiceRefusal::SpecialNeedsEnterprise),
    }
}

/// What the rules need to know of an order before invoicing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceableOrder {
    pub order_id: String,
    pub created_at: Instant,
    pub channel: Channel,
    pub amount: Cny,
    pub unsubscription_pending: bool,
}

/// Checks that the merchant may invoice `order` for `amount` [KG §2].
pub fn check_invoiceable(order: &InvoiceableOrder, amount: Cny) -> Result<(), InvoiceRefusal> {
    if issuer(order.created_at, order.channel) == Issuer::Huawei {
        return Err(InvoiceRefusal::HuaweiIssues);
    }
    if order.unsubscription_pending {
        return Err(InvoiceRefusal::UnsubscriptionPending { order_id: order.order_id.clone() });
    }
    if amount != order.amount {
        return Err(InvoiceRefusal::AmountMismatch { requested: amount, order: order.amount });
    }
    Ok(())
}

/// Groups lines by tax rate, one future invoice per rate [KG §2: one invoice carries one tax rate].
pub fn group_by_rate<T>(
    lines: impl IntoIterator<Item = T>,
    rate_of: impl Fn(&T) -> Decimal,
) -> BTreeMap<Decimal, Vec<T>> {
    let mut groups: BTreeMap<Decimal, Vec<T>> = BTreeMap::new();
    for line in lines {
        groups.entry(rate_of(&line).normalize()).or_default().push(line);
    }
    groups
}

/// Checks that all lines of one invoice share a rate [KG §2].
pub fn check_single_rate(rates: impl IntoIterator<Item = Decimal>) -> Result<(), InvoiceRefusal> {
    let mut distinct: Vec<Decimal> = rates.into_iter().map(|r| r.normalize()).collect();
    distinct.sort();
    distinct.dedup();
    if distinct.len() > 1 {
        Err(InvoiceRefusal::MixedRates { rates: distinct })
    } else {
        Ok(())
    }
}

/// Why a red-letter confirmation form (红字确认单) is raised [KG §2].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedLetterReason {
    /// 开票有误.
    InvoicingError,
    /// 销货退回.
    GoodsReturned,
    /// 服务终止.
    ServiceTerminated,
    /// 销售折让.
    SalesAllowance,
}

impl RedLetterReason {
    pub fn zh(self) -> &'static str {
        match self {
            RedLetterReason::InvoicingError => "开票有误",
            RedLetterReason::GoodsReturned => "销货退回",
            RedLetterReason::ServiceTerminated => "服务终止",
            RedLetterReason::SalesAllowance => "销售折让",
        }
    }
}

/// Hours the other side has to confirm a red-letter form before it lapses [KG §2].
pub const RED_LETTER_CONFIRM_HOURS: i64 = 72;

/// When a red-letter confirmation form raised at `raised_at` lapses unless confirmed [KG §2].
pub fn red_letter_lapses_at(raised_at: Instant) -> Instant {
    raised_at + Duration::hours(RED_LETTER_CONFIRM_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_datetime;
    use rust_decimal_macros::dec;

    fn t(s: &str) -> Instant {
        parse_datetime(s).expect("datetime")
    }

    fn cny(s: &str) -> Cny {
        s.parse().expect("amount")
    }

    #[test]
    fn who_issues_by_order_date_and_channel() {
        assert_eq!(issuer(t("2018-11-01T00:00:00"), Channel::General), Issuer::Merchant);
        assert_eq!(issuer(t("2018-10-31T23:59:59"), Channel::General), Issuer::Huawei);
        // 2018-10-31T16:30Z is 2018-11-01 00:30 in Beijing.
        assert_eq!(issuer(t("2018-10-31T16:30:00Z"), Channel::General), Issuer::Merchant);
        for c in [Channel::JointOperation, Channel::Selected, Channel::Huawei] {
            assert_eq!(issuer(t("2026-01-01T00:00:00"), c), Issuer::Huawei);
        }
    }

    #[test]
    fn due_seven_days_after_the_request() {
        let req = t("2026-11-20T15:04:05");
        assert_eq!(time::format_rfc3339(&due_at(req)), "2026-11-27T15:04:05+08:00");
        assert!(!is_overdue(req, t("2026-11-27T15:04:05")));
        assert!(is_overdue(req, t("2026-11-27T15:04:06")));
    }

    #[test]
    fn courier_rule() {
        assert_eq!(courier_payer(Medium::Paper, cny("99.99")), CourierPayer::Customer);
        assert_eq!(courier_payer(Medium::Paper, cny("100")), CourierPayer::Merchant);
        assert_eq!(courier_payer(Medium::Electronic, cny("5")), CourierPayer::None);
        assert_eq!(courier_payer(Medium::FullyDigital, cny("500")), CourierPayer::None);
    }

    #[test]
    fn special_invoices_only_for_enterprises_with_an_id() {
        let person = BuyerTitle::Person { name: "张三".into() };
        let no_id = BuyerTitle::Enterprise { name: "某公司".into(), taxpayer_id: None };
        let with_id = BuyerTitle::Enterprise {
            name: "某公司".into(),
            taxpayer_id: Some("91350100M000100Y43".parse().expect("valid")),
        };
        assert_eq!(check_kind(&person, InvoiceKind::Special), Err(InvoiceRefusal::SpecialNeedsEnterprise));
        assert_eq!(check_kind(&no_id, InvoiceKind::Special), Err(InvoiceRefusal::SpecialNeedsEnterprise));
        assert_eq!(check_kind(&with_id, InvoiceKind::Special), Ok(()));
        assert_eq!(check_kind(&person, InvoiceKind::Ordinary), Ok(()));
        assert_eq!(allowed_kinds(&person).len(), 3);
        assert_eq!(allowed_kinds(&with_id).len(), 6);
    }

    #[test]
    fn refusals_name_the_rule() {
        let order = InvoiceableOrder {
            order_id: "CS2611201504A1".into(),
            created_at: t("2026-11-20T10:00:00"),
            channel: Channel::General,
            amount: cny("1004.50"),
            unsubscription_pending: false,
        };
        assert_eq!(check_invoiceable(&order, cny("1004.50")), Ok(()));
        let e = check_invoiceable(&order, cny("1000")).expect_err("custom amount");
        assert!(e.to_string().contains("full order amount"));
        let pending = InvoiceableOrder { unsubscription_pending: true, ..order.clone() };
        assert!(matches!(
            check_invoiceable(&pending, cny("1004.50")),
            Err(InvoiceRefusal::UnsubscriptionPending { .. })
        ));
        let joint = InvoiceableOrder { channel: Channel::JointOperation, ..order };
        assert_eq!(check_invoiceable(&joint, cny("1004.50")), Err(InvoiceRefusal::HuaweiIssues));
    }

    #[test]
    fn one_rate_per_invoice() {
        let lines = vec![("a", dec!(0.13)), ("b", dec!(0.06)), ("c", dec!(0.130))];
        let groups = group_by_rate(lines, |l| l.1);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[&dec!(0.13)].len(), 2);
        assert!(check_single_rate([dec!(0.13), dec!(0.130)]).is_ok());
        assert!(matches!(check_single_rate([dec!(0.13), dec!(0.06)]), Err(InvoiceRefusal::MixedRates { .. })));
    }

    #[test]
    fn red_letter_forms_lapse_after_72_hours() {
        let raised = t("2026-11-20T10:00:00");
        assert_eq!(time::format_rfc3339(&red_letter_lapses_at(raised)), "2026-11-23T10:00:00+08:00");
        assert_eq!(RedLetterReason::ServiceTerminated.zh(), "服务终止");
    }
}
