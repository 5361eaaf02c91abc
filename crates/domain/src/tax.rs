//! VAT rates by tax product and taxpayer kind, effective-dated, and the split of a tax-inclusive amount [KG §1, §2].
//!
//! Note on the reference: KOOGALLERY.md gives small-scale taxpayers a 3% 征收率 for all products. Since 2020 a
//! reduced 1% has applied to small-scale taxpayers' 3% sales by successive announcements (currently 财政部 税务总局
//! 公告2023年第19号, to 2027-12-31). KooDesk follows the reference (3%); the rate table below is the one place to
//! change if the reference adopts the reduction.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::{self, AccessType, BillingMode, NoTaxMapping, TaxProduct, UnknownName};
use crate::money::Cny;

/// Whether the seller is a general taxpayer (一般纳税人) or a small-scale one (小规模纳税人) [KG §1].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Taxpayer {
    #[default]
    General,
    SmallScale,
}

impl Taxpayer {
    pub fn as_str(self) -> &'static str {
        match self {
            Taxpayer::General => "general",
            Taxpayer::SmallScale => "small-scale",
        }
    }
}

impl FromStr for Taxpayer {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "general" | "一般纳税人" => Ok(Taxpayer::General),
            "small-scale" | "小规模纳税人" => Ok(Taxpayer::SmallScale),
            _ => Err(UnknownName {
                what: "taxpayer kind",
                value: s.to_string(),
                accepted: vec!["general", "small-scale"],
            }),
        }
    }
}

impl fmt::Display for Taxpayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One effective-dated rate: from `from` (inclusive) until the next entry for the same product and taxpayer.
struct RateEntry {
    taxpayer: Taxpayer,
    product: TaxProduct,
    from: (i32, u32, u32),
    /// Percent.
    percent: i64,
}

/// The rate table [KG §1]: general taxpayers' software and hardware 17% → 16% on 2018-05-01 → 13% on 2019-04-01;
/// services 6%; small-scale taxpayers 3% (see the module note).
const RATES: &[RateEntry] = &[
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Software, from: (1994, 1, 1), percent: 17 },
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Software, from: (2018, 5, 1), percent: 16 },
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Software, from: (2019, 4, 1), percent: 13 },
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Hardware, from: (1994, 1, 1), percent: 17 },
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Hardware, from: (2018, 5, 1), percent: 16 },
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Hardware, from: (2019, 4, 1), percent: 13 },
    RateEntry { taxpayer: Taxpayer::General, product: TaxProduct::Service, from: (2012, 1, 1), percent: 6 },
    RateEntry { taxpayer: Taxpayer::SmallScale, product: TaxProduct::Software, from: (2009, 1, 1), percent: 3 },
    RateEntry { taxpayer: Taxpayer::SmallScale, product: TaxProduct::Hardware, from: (2009, 1, 1), percent: 3 },
    RateEntry { taxpayer: Taxpayer::SmallScale, product: TaxProduct::Service, from: (2012, 1, 1), percent: 3 },
];

/// A date before any rate in the table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no {taxpayer} taxpayer rate for {product} on {date}: the rate table starts later")]
pub struct NoRate {
    pub taxpayer: Taxpayer,
    pub product: TaxProduct,
    pub date: NaiveDate,
}

/// The VAT rate in force on the taxable date, as a fraction (`0.13`) [KG §1].
pub fn rate(product: TaxProduct, taxpayer: Taxpayer, date: NaiveDate) -> Result<Decimal, NoRate> {
    RATES
        .iter()
        .rev()
        .filter(|e| e.taxpayer == taxpayer && e.product == product)
        .find(|e| NaiveDate::from_ymd_opt(e.from.0, e.from.1, e.from.2).is_some_and(|from| from <= date))
        .map(|e| Decimal::new(e.percent, 2))
        .ok_or(NoRate { taxpayer, product, date })
}

/// Every rate in force at some time for `product` and `taxpayer`, oldest first: the date it took effect and the
/// rate as a fraction [KG §1]. Kept aggregates (the store's revenue by rate) follow this table.
pub fn rate_history(product: TaxProduct, taxpayer: Taxpayer) -> Vec<(NaiveDate, Decimal)> {
    RATES
        .iter()
        .filter(|e| e.taxpayer == taxpayer && e.product == product)
        .filter_map(|e| Some((NaiveDate::from_ymd_opt(e.from.0, e.from.1, e.from.2)?, Decimal::new(e.percent, 2))))
        .collect()
}

/// Why no rate could be found for a product.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxError {
    #[error(transparent)]
    NoMapping(#[from] NoTaxMapping),
    #[error(transparent)]
    NoRate(#[from] NoRate),
}

/// The tax classification and rate of a listed product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxLookup {
    pub access_type: AccessType,
    pub billing_mode: BillingMode,
    pub tax_product: TaxProduct,
    pub taxpayer: Taxpayer,
    pub date: NaiveDate,
    /// A fraction, e.g. `0.13`.
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

/// Access type × billing mode → tax product → rate on `date` [KG §1].
pub fn lookup(
    access_type: AccessType,
    billing_mode: BillingMode,
    taxpayer: Taxpayer,
    date: NaiveDate,
) -> Result<TaxLookup, TaxError> {
    let tax_product = catalog::tax_product(access_type, billing_mode)?;
    let rate = rate(tax_product, taxpayer, date)?;
    Ok(TaxLookup { access_type, billing_mode, tax_product, taxpayer, date, rate })
}

/// A tax-inclusive amount split into net amount and tax. `net + tax == gross` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaxSplit {
    pub gross: Cny,
    pub net: Cny,
    pub tax: Cny,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

/// Splits a tax-inclusive line amount: net = gross ÷ (1 + rate) rounded half away from zero to the fen, and
/// tax = gross − net, so that the line always adds up [KG §2: rounded per line, 四舍五入].
pub fn split_gross(gross: Cny, rate: Decimal) -> TaxSplit {
    let net = Cny::round(gross.decimal() / (Decimal::ONE + rate));
    TaxSplit { gross, net, tax: gross - net, rate }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn software_and_hardware_rates_are_effective_dated() {
        for p in [TaxProduct::Software, TaxProduct::Hardware] {
            assert_eq!(rate(p, Taxpayer::General, d(2018, 4, 30)), Ok(dec!(0.17)));
            assert_eq!(rate(p, Taxpayer::General, d(2018, 5, 1)), Ok(dec!(0.16)));
            assert_eq!(rate(p, Taxpayer::General, d(2019, 3, 31)), Ok(dec!(0.16)));
            assert_eq!(rate(p, Taxpayer::General, d(2019, 4, 1)), Ok(dec!(0.13)));
            assert_eq!(rate(p, Taxpayer::General, d(2026, 11, 29)), Ok(dec!(0.13)));
        }
    }

    #[test]
    fn service_and_small_scale_rates() {
        assert_eq!(rate(TaxProduct::Service, Taxpayer::General, d(2026, 1, 1)), Ok(dec!(0.06)));
        for p in TaxProduct::ALL {
            assert_eq!(rate(*p, Taxpayer::SmallScale, d(2026, 1, 1)), Ok(dec!(0.03)));
        }
        assert!(rate(TaxProduct::Service, Taxpayer::General, d(2000, 1, 1)).is_err());
    }

    #[test]
    fn the_rate_history_agrees_with_the_rate_on_every_day() {
        for p in TaxProduct::ALL {
            for t in [Taxpayer::General, Taxpayer::SmallScale] {
                let h = rate_history(*p, t);
                assert!(h.windows(2).all(|w| w[0].0 < w[1].0), "oldest first");
                for (i, (from, r)) in h.iter().enumerate() {
                    assert_eq!(rate(*p, t, *from), Ok(*r));
                    if let Some(next) = h.get(i + 1) {
                        assert_eq!(rate(*p, t, next.0.pred_opt().expect("day")), Ok(*r), "in force until the next");
                    }
                }
                assert!(rate(*p, t, h[0].0.pred_opt().expect("day")).is_err(), "nothing before the first");
            }
        }
    }

    #[test]
    fn period_software_is_six_percent() {
        // "包周期的软件商品税率为6%": a period License is a service.
        let l = lookup(AccessType::License, BillingMode::Period, Taxpayer::General, d(2026, 5, 1)).expect("maps");
        assert_eq!((l.tax_product, l.rate), (TaxProduct::Service, dec!(0.06)));
        let l = lookup(AccessType::License, BillingMode::OneTime, Taxpayer::General, d(2026, 5, 1)).expect("maps");
        assert_eq!((l.tax_product, l.rate), (TaxProduct::Software, dec!(0.13)));
    }

    #[test]
    fn lookup_reports_unmapped_combinations() {
        let e =
            lookup(AccessType::Image, BillingMode::PerCall, Taxpayer::General, d(2026, 1, 1)).expect_err("no mapping");
        assert!(matches!(e, TaxError::NoMapping(_)));
    }

    #[test]
    fn split_rounds_per_line_and_adds_up() {
        let s = split_gross("1130".parse().expect("amount"), dec!(0.13));
        assert_eq!((s.net.to_string(), s.tax.to_string()), ("1000.00".into(), "130.00".into()));
        // 100 / 1.06 = 94.3396… → 94.34; tax 5.66.
        let s = split_gross("100".parse().expect("amount"), dec!(0.06));
        assert_eq!((s.net.to_string(), s.tax.to_string()), ("94.34".into(), "5.66".into()));
        // Tiny amounts: 0.05 / 1.06 = 0.0471… → 0.05, so the tax rounds to nothing.
        let s = split_gross("0.05".parse().expect("amount"), dec!(0.06));
        assert_eq!((s.net.to_string(), s.tax.to_string()), ("0.05".into(), "0.00".into()));
    }
}
