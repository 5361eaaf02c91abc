//! Monthly settlement: when bills come, when money arrives, the platform fee, and when an order enters a bill
//! [KG §5].

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::calendar::{Reckoned, WorkingCalendar};
use crate::catalog::{AccessType, BillingMode};
use crate::money::Cny;

/// A calendar month, the billing period (账期), e.g. `2026-05`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a billing period: expected YYYY-MM, e.g. 2026-05")]
pub struct BadPeriod(pub String);

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| YearMonth { year, month })
    }

    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth { year: date.year(), month: date.month() }
    }

    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth { year: self.year + 1, month: 1 }
        } else {
            YearMonth { year: self.year, month: self.month + 1 }
        }
    }

    /// The given day of this month; `None` if the month has no such day.
    pub fn day(self, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, day)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }
}

impl FromStr for YearMonth {
    type Err = BadPeriod;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadPeriod(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).ok_or_else(bad)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The dates of one month's settlement [KG §5].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettlementSchedule {
    /// The billing period (账期): the month whose transactions the bill covers.
    pub period: YearMonth,
    /// The bill ID KooGallery gives it (`202605` for 2026-05).
    pub bill_id: String,
    /// Bills are generated on the 3rd of the next month, or the next working day when the 3rd is not one.
    pub bill_date: NaiveDate,
    /// Reviewed and sent to the merchant within 2 working days.
    pub send_by: NaiveDate,
    /// Signed off (会签) within 8 working days.
    pub sign_off_by: NaiveDate,
    /// Paid to the certified bank account within 6 working days.
    pub payment_by: NaiveDate,
}

/// Working days from bill to sending, sending to sign-off, sign-off to payment [KG §5].
pub const SEND_WORKING_DAYS: i64 = 2;
pub const SIGN_OFF_WORKING_DAYS: i64 = 8;
pub const PAYMENT_WORKING_DAYS: i64 = 6;

/// The settlement schedule for a billing period [KG §5].
pub fn schedule(period: YearMonth, cal: &WorkingCalendar) -> Reckoned<SettlementSchedule> {
    let third = period.next().day(3).unwrap_or_else(|| unreachable!("every month has a 3rd"));
    let bill = cal.on_or_next_working_day(third);
    let send = cal.add_working_days(bill.value, SEND_WORKING_DAYS);
    let sign = cal.add_working_days(send.value, SIGN_OFF_WORKING_DAYS);
    let pay = cal.add_working_days(sign.value, PAYMENT_WORKING_DAYS);
    bill.and(send).and(sign).and(pay).map(|(((bill_date, send_by), sign_off_by), payment_by)| SettlementSchedule {
        period,
        bill_id: format!("{:04}{:02}", period.year, period.month),
        bill_date,
        send_by,
        sign_off_by,
        payment_by,
    })
}

/// The platform service fee rate for general products on an order date [KG §5]: 5% since 2019-05-01. Before that
/// it was twice that (the research notes record the 2019 change as "halved"): 10%.
pub fn platform_fee_rate(order_date: NaiveDate) -> Decimal {
    let halved = NaiveDate::from_ymd_opt(2019, 5, 1).unwrap_or_else(|| unreachable!("valid date"));
    if order_date >= halved {
        Decimal::new(5, 2)
    } else {
        Decimal::new(10, 2)
    }
}

/// An order's platform fee and what the merchant is settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PlatformFee {
    pub amount: Cny,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    pub fee: Cny,
    pub merchant_share: Cny,
}

/// The platform fee on a transaction amount, rounded half away from zero; the merchant gets the rest [KG §5].
pub fn platform_fee(amount: Cny, order_date: NaiveDate) -> PlatformFee {
    let rate = platform_fee_rate(order_date);
    let fee = amount.times_rounded(rate);
    PlatformFee { amount, rate, fee, merchant_share: amount - fee }
}

/// The event that puts an order into a monthly bill [KG §5].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BillEntry {
    /// When its service supervision completes.
    SupervisionCompleted,
    /// When the renewal takes effect.
    RenewalEffective,
    /// Once the instance is provisioned.
    Provisioned,
    /// Usage aggregated over the month.
    AggregatedMonthly,
}

/// When an order enters a bill [KG §5]. Supervised products enter when supervision completes (their renewals when
/// they take effect); API and unsupervised SaaS once provisioned (renewals when effective); image period orders once
/// provisioned, image on-demand usage aggregated monthly. Other unsupervised products (AI and data assets) are
/// not named by the docs: KooDesk treats them like API products, once provisioned.
pub fn bill_entry(access_type: AccessType, billing_mode: BillingMode, supervised: bool, renewal: bool) -> BillEntry {
    if renewal {
        return BillEntry::RenewalEffective;
    }
    match (access_type, billing_mode) {
        (AccessType::Image, BillingMode::OnDemand) => BillEntry::AggregatedMonthly,
        _ if supervised => BillEntry::SupervisionCompleted,
        _ => BillEntry::Provisioned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn schedule_on_an_ordinary_month() {
        // 2026-11 → bill Thu 2026-12-03, +2 → Mon 12-07, +8 → Thu 12-17, +6 → Fri 12-25.
        let s = schedule("2026-11".parse().expect("period"), WorkingCalendar::embedded());
        assert_eq!(s.value.bill_date, d("2026-12-03"));
        assert_eq!(s.value.send_by, d("2026-12-07"));
        assert_eq!(s.value.sign_off_by, d("2026-12-17"));
        assert_eq!(s.value.payment_by, d("2026-12-25"));
        assert_eq!(s.value.bill_id, "202611");
        assert!(s.fallback_years.is_empty());
    }

    #[test]
    fn bill_moves_past_holidays() {
        // 2026-01-03 is inside New Year (1-1..1-3); 1-4 (Sunday) is a working day.
        let s = schedule("2025-12".parse().expect("period"), WorkingCalendar::embedded()).value;
        assert_eq!(s.bill_date, d("2026-01-04"));
        // 2026-10-03 is inside National Day; the next working day is 10-08.
        let s = schedule("2026-09".parse().expect("period"), WorkingCalendar::embedded()).value;
        assert_eq!(s.bill_date, d("2026-10-08"));
        assert_eq!(s.send_by, d("2026-10-10"), "Saturday 10-10 is a working day");
        // 2025-05-03 is inside Labour Day (5-1..5-5).
        let s = schedule("2025-04".parse().expect("period"), WorkingCalendar::embedded()).value;
        assert_eq!(s.bill_date, d("2025-05-06"));
    }

    #[test]
    fn schedule_reports_missing_years() {
        let s = schedule("2026-12".parse().expect("period"), WorkingCalendar::embedded());
        assert!(s.fallback_years.contains(&2027));
    }

    #[test]
    fn platform_fee_is_five_percent_since_may_2019() {
        let f = platform_fee("1000".parse().expect("amount"), d("2026-01-01"));
        assert_eq!((f.fee.to_string(), f.merchant_share.to_string()), ("50.00".into(), "950.00".into()));
        let f = platform_fee("0.10".parse().expect("amount"), d("2026-01-01"));
        assert_eq!(f.fee.to_string(), "0.01", "0.005 rounds half away from zero");
        assert_eq!(platform_fee_rate(d("2019-04-30")).to_string(), "0.10");
    }

    #[test]
    fn periods_parse_strictly() {
        assert_eq!("2026-05".parse::<YearMonth>().expect("ok").to_string(), "2026-05");
        for bad in ["2026-5", "2026-13", "26-05", "2026/05", ""] {
            assert!(bad.parse::<YearMonth>().is_err(), "{bad}");
        }
    }

    #[test]
    fn when_orders_enter_a_bill() {
        use AccessType as A;
        use BillingMode as B;
        assert_eq!(bill_entry(A::License, B::OneTime, true, false), BillEntry::SupervisionCompleted);
        assert_eq!(bill_entry(A::Hardware, B::OneTime, true, false), BillEntry::SupervisionCompleted);
        assert_eq!(bill_entry(A::Api, B::PerCall, false, false), BillEntry::Provisioned);
        assert_eq!(bill_entry(A::Saas, B::Period, false, false), BillEntry::Provisioned);
        assert_eq!(bill_entry(A::Image, B::Period, false, false), BillEntry::Provisioned);
        assert_eq!(bill_entry(A::Image, B::OnDemand, false, false), BillEntry::AggregatedMonthly);
        assert_eq!(bill_entry(A::ManualService, B::Period, true, true), BillEntry::RenewalEffective);
    }
}
