//! Unsubscription (退订) and refunds [KG §4].

use chrono::{Datelike, Duration};
use serde::{Deserialize, Serialize};

use crate::catalog::{self, AccessType, BillingMode, NoTaxMapping};
use crate::money::Cny;
use crate::time::{self, Instant};

/// Which refund rule applies to a product [KG §4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RefundRule {
    /// 协商退订: while supervision runs, a negotiated amount, 0 < refund ≤ paid, approved by the merchant.
    Negotiated,
    /// 5天无理由全额退订: a full refund within 5×24 h of payment, at most 10 a year per account.
    FiveDayFull,
    /// 不支持退订.
    NotRefundable,
}

impl RefundRule {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundRule::Negotiated => "negotiated",
            RefundRule::FiveDayFull => "five-day-full",
            RefundRule::NotRefundable => "not-refundable",
        }
    }
}

/// Where the buyer unsubscribes [KG §4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnsubscribePlace {
    /// 买家中心 > 我的云商店 > 退订管理: supervised products and hardware.
    MyKooGallery,
    /// 费用中心 > 退订管理: SaaS without supervision and images.
    BillingCenter,
    /// API and AI assets: no unsubscription.
    Nowhere,
}

impl UnsubscribePlace {
    /// The console path, as the buyer sees it.
    pub fn path(self) -> &'static str {
        match self {
            UnsubscribePlace::MyKooGallery => "买家中心 > 我的云商店 > 退订管理",
            UnsubscribePlace::BillingCenter => "费用中心 > 退订管理",
            UnsubscribePlace::Nowhere => "不支持退订",
        }
    }
}

/// Where the merchant reviews negotiated unsubscriptions [KG §4].
pub const MERCHANT_REVIEW_PATH: &str = "订单管理 > 退订管理";

/// Why a refund question has no answer, or a refund is refused. Each names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error(transparent)]
    NoMapping(#[from] NoTaxMapping),
    #[error("{access_type} products always go through service supervision; --supervised no does not apply (KOOGALLERY.md §3, §4)")]
    AlwaysSupervised { access_type: AccessType },
    #[error("{access_type} products never go through service supervision; --supervised yes does not apply (KOOGALLERY.md §3, §4)")]
    NeverSupervised { access_type: AccessType },
    #[error("a negotiated refund must be more than 0 and at most the amount paid ({paid}); {refund} was asked (KOOGALLERY.md §4)")]
    NegotiatedAmount { refund: Cny, paid: Cny },
    #[error("the 5-day no-reason refund ran out at {deadline}: more than 5×24 h after payment (KOOGALLERY.md §4)")]
    FiveDayWindowClosed { deadline: String },
    #[error("this account has used its {used} 5-day no-reason refunds for {year}; the limit is 10 a calendar year (KOOGALLERY.md §4)")]
    FiveDayQuotaUsed { used: u32, year: i32 },
    #[error("this product is not refundable (KOOGALLERY.md §4)")]
    NotRefundable,
}

/// Whether an access type is supervised: `Some(true)` always, `Some(false)` never, `None` either (SaaS) [KG §3].
pub fn supervision_of(access_type: AccessType) -> Option<bool> {
    use AccessType as A;
    match access_type {
        A::ManualService | A::Hardware | A::License | A::AppOrchestration | A::DataAsset => Some(true),
        A::Image | A::Api | A::AiAsset => Some(false),
        A::Saas => None,
    }
}

/// The rule and the buyer's place, for a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RefundPolicy {
    pub rule: RefundRule,
    #[serde(rename = "where")]
    pub place: UnsubscribePlace,
}

/// The refund rule for a product [KG §4].
///
/// Data assets are taken as data files, which are supervised. Unsupervised SaaS sold one-time or as an on-demand
/// package is not refundable (KooDesk convention: the table gives the 5-day rule to period products only, and
/// on-demand packages are not refunded per the settlement notes).
pub fn policy(
    access_type: AccessType,
    billing_mode: BillingMode,
    supervised: bool,
) -> Result<RefundPolicy, RefundError> {
    use AccessType as A;
    use BillingMode as B;
    catalog::tax_product(access_type, billing_mode)?;
    match supervision_of(access_type) {
        Some(true) if !supervised => return Err(RefundError::AlwaysSupervised { access_type }),
        Some(false) if supervised => return Err(RefundError::NeverSupervised { access_type }),
        _ => {}
    }
    let (rule, place) = match (access_type, billing_mode) {
        _ if supervised => (RefundRule::Negotiated, UnsubscribePlace::MyKooGallery),
        (A::Saas | A::Image, B::Period) => (RefundRule::FiveDayFull, UnsubscribePlace::BillingCenter),
        (A::Saas | A::Image, _) => (RefundRule::NotRefundable, UnsubscribePlace::BillingCenter),
        _ => (RefundRule::NotRefundable, UnsubscribePlace::Nowhere),
    };
    Ok(RefundPolicy { rule, place })
}

/// Order states that make any order non-refundable, whatever its product [KG §4].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OrderFacts {
    pub trial: bool,
    pub expired: bool,
    /// A renewal that has already taken effect.
    pub effective_renewal: bool,
    pub supervision_completed: bool,
    pub pay_per_use: bool,
    /// License 2.0: the buyer has taken the authorization code.
    pub license_code_taken: bool,
}

impl OrderFacts {
    /// The first fact that rules out a refund, named.
    pub fn excluded_by(&self) -> Option<&'static str> {
        [
            (self.trial, "trial orders are not refundable"),
            (self.expired, "expired orders are not refundable"),
            (self.effective_renewal, "renewals that have taken effect are not refundable"),
            (self.supervision_completed, "orders whose supervision has completed are not refundable"),
            (self.pay_per_use, "pay-per-use resources are not refundable"),
            (
                self.license_code_taken,
                "once the buyer has taken the License code, negotiated unsubscription is no longer possible",
            ),
        ]
        .into_iter()
        .find_map(|(applies, why)| applies.then_some(why))
    }
}

/// Checks a negotiated refund amount: 0 < refund ≤ paid [KG §4].
pub fn check_negotiated(refund: Cny, paid: Cny) -> Result<(), RefundError> {
    if refund.decimal() > rust_decimal::Decimal::ZERO && refund <= paid {
        Ok(())
    } else {
        Err(RefundError::NegotiatedAmount { refund, paid })
    }
}

/// The 5-day no-reason refunds allowed per account per calendar year [KG §4].
pub const FIVE_DAY_QUOTA: u32 = 10;

/// When the 5-day window closes: payment + 5×24 h [KG §4].
pub fn five_day_deadline(paid_at: Instant) -> Instant {
    paid_at + Duration::days(5)
}

/// Checks a 5-day no-reason refund at `now`: within 5×24 h of payment and under the yearly quota, counting the
/// account's 5-day refunds already made this (Beijing) calendar year [KG §4].
pub fn check_five_day(paid_at: Instant, now: Instant, used_this_year: u32) -> Result<(), RefundError> {
    let deadline = five_day_deadline(paid_at);
    if now > deadline {
        return Err(RefundError::FiveDayWindowClosed { deadline: time::format_rfc3339(&deadline) });
    }
    if used_this_year >= FIVE_DAY_QUOTA {
        return Err(RefundError::FiveDayQuotaUsed { used: used_this_year, year: time::business_date(&now).year() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_datetime;
    use AccessType as A;
    use BillingMode as B;

    fn rule(a: A, b: B, s: bool) -> RefundRule {
        policy(a, b, s).expect("has a rule").rule
    }

    /// Every row of the table in KOOGALLERY.md §4.
    #[test]
    fn reference_table() {
        for (a, b) in [
            (A::ManualService, B::OneTime),
            (A::Hardware, B::PerQuantity),
            (A::License, B::Period),
            (A::Saas, B::OneTime),
            (A::AppOrchestration, B::Period),
            (A::DataAsset, B::OneTime),
        ] {
            assert_eq!(rule(a, b, true), RefundRule::Negotiated, "{a} {b}");
            assert_eq!(policy(a, b, true).expect("rule").place, UnsubscribePlace::MyKooGallery);
        }
        assert_eq!(rule(A::Saas, B::Period, false), RefundRule::FiveDayFull);
        assert_eq!(rule(A::Image, B::Period, false), RefundRule::FiveDayFull);
        assert_eq!(policy(A::Image, B::Period, false).expect("rule").place, UnsubscribePlace::BillingCenter);
        assert_eq!(rule(A::Saas, B::OnDemand, false), RefundRule::NotRefundable);
        assert_eq!(rule(A::Image, B::OnDemand, false), RefundRule::NotRefundable);
        for b in [B::PerCall, B::PerCallPackage, B::OnDemand, B::OnDemandPackage] {
            assert_eq!(rule(A::Api, b, false), RefundRule::NotRefundable);
        }
        for b in [B::PerCall, B::PerCallPackage] {
            assert_eq!(rule(A::AiAsset, b, false), RefundRule::NotRefundable);
            assert_eq!(policy(A::AiAsset, b, false).expect("rule").place, UnsubscribePlace::Nowhere);
        }
    }

    #[test]
    fn contradictions_are_errors() {
        assert!(matches!(policy(A::Api, B::PerCall, true), Err(RefundError::NeverSupervised { .. })));
        assert!(matches!(policy(A::Hardware, B::OneTime, false), Err(RefundError::AlwaysSupervised { .. })));
        assert!(matches!(policy(A::Api, B::Period, false), Err(RefundError::NoMapping(_))));
    }

    #[test]
    fn negotiated_amounts() {
        let paid: Cny = "100".parse().expect("amount");
        assert!(check_negotiated("0.01".parse().expect("amount"), paid).is_ok());
        assert!(check_negotiated(paid, paid).is_ok());
        assert!(check_negotiated(Cny::ZERO, paid).is_err());
        assert!(check_negotiated("100.01".parse().expect("amount"), paid).is_err());
    }

    #[test]
    fn five_day_window_and_quota() {
        let paid = parse_datetime("2026-11-01T10:00:00").expect("time");
        let inside = parse_datetime("2026-11-06T10:00:00").expect("time");
        let outside = parse_datetime("2026-11-06T10:00:01").expect("time");
        assert!(check_five_day(paid, inside, 9).is_ok());
        assert!(matches!(check_five_day(paid, outside, 0), Err(RefundError::FiveDayWindowClosed { .. })));
        assert!(matches!(
            check_five_day(paid, inside, 10),
            Err(RefundError::FiveDayQuotaUsed { used: 10, year: 2026 })
        ));
    }

    #[test]
    fn order_facts_exclude_refunds() {
        assert_eq!(OrderFacts::default().excluded_by(), None);
        let f = OrderFacts { trial: true, ..OrderFacts::default() };
        assert!(f.excluded_by().expect("excluded").contains("trial"));
        let f = OrderFacts { license_code_taken: true, ..OrderFacts::default() };
        assert!(f.excluded_by().expect("excluded").contains("License code"));
    }
}
