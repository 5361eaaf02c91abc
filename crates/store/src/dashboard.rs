//! Aggregates for the overview, read from tables the schema keeps up to date as data is written (triggers), so
//! the first screen never scans every order.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::tax::{self, Taxpayer};
use koodesk_domain::time::{self, Instant};
use rust_decimal::Decimal;
use serde::Serialize;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Bucket {
    pub key: String,
    pub orders: i64,
    #[ts(type = "string")]
    pub revenue: Cny,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StepCount {
    pub step: String,
    pub side: Option<String>,
    pub flows: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StatusAmount {
    pub status: String,
    pub count: i64,
    #[ts(type = "string")]
    pub amount: Cny,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InvoiceCounts {
    pub requested: i64,
    pub issued: i64,
    pub overdue: i64,
}

/// Tax on the revenue at one rate (an estimate from monthly aggregates; invoices compute it per line).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TaxAtRate {
    #[serde(with = "rust_decimal::serde::str")]
    #[ts(type = "string")]
    pub rate: Decimal,
    #[ts(type = "string")]
    pub gross: Cny,
    #[ts(type = "string")]
    pub net: Cny,
    #[ts(type = "string")]
    pub tax: Cny,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Dashboard {
    pub now: String,
    pub orders: i64,
    #[ts(type = "string")]
    pub revenue: Cny,
    pub by_month: Vec<Bucket>,
    pub by_access_type: Vec<Bucket>,
    pub by_billing_mode: Vec<Bucket>,
    pub supervision: Vec<StepCount>,
    pub unsubscriptions: Vec<StatusAmount>,
    pub invoices: InvoiceCounts,
    pub tax_by_rate: Vec<TaxAtRate>,
}

fn buckets(map: BTreeMap<String, (i64, i64)>) -> Vec<Bucket> {
    map.into_iter().map(|(key, (orders, fen))| Bucket { key, orders, revenue: Cny::from_fen(fen) }).collect()
}

impl Store {
    /// The overview's figures at `now` (a general taxpayer's rates for the tax estimate).
    pub fn dashboard(&self, now: Instant) -> Result<Dashboard, StoreError> {
        let mut months: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut access: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut billing: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut tax_rates: BTreeMap<Decimal, Cny> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT month, access_type, billing_mode, orders, revenue_fen FROM agg_orders_month WHERE orders > 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        // Each row is one month of one access type and billing mode: the rate is looked up once per tax product
        // and month (rates are effective-dated), tax is summed in fen and converted once per rate.
        let mut products: BTreeMap<(String, String), Option<koodesk_domain::catalog::TaxProduct>> = BTreeMap::new();
        let mut fen_by_rate: BTreeMap<Decimal, i64> = BTreeMap::new();
        for row in rows {
            let (month, a, b, n, fen) = row?;
            let product = *products.entry((a.clone(), b.clone())).or_insert_with(|| {
                match (a.parse::<AccessType>(), b.parse::<BillingMode>()) {
                    (Ok(a), Ok(b)) => koodesk_domain::catalog::tax_product(a, b).ok(),
                    _ => None,
                }
            });
            let date =
                month.split_once('-').and_then(|(y, m)| NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1));
            if let (Some(p), Some(d)) = (product, date) {
                if let Ok(rate) = tax::rate(p, Taxpayer::General, d) {
                    *fen_by_rate.entry(rate.normalize()).or_insert(0) += fen;
                }
            }
            for (map, key) in [(&mut months, month), (&mut access, a), (&mut billing, b)] {
                let e = map.entry(key).or_default();
                e.0 += n;
                e.1 += fen;
            }
        }
        for (rate, fen) in fen_by_rate {
            tax_rates.insert(rate, Cny::from_fen(fen));
        }
        let counts = self.agg_counts()?;
        let count = |k: &str| counts.get(k).copied().unwrap_or(0);
        let supervision = counts
            .iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix("flows:")?;
                let (step, side) = rest.split_once(':')?;
                (*v > 0).then(|| StepCount {
                    step: step.to_string(),
                    side: (!side.is_empty()).then(|| side.to_string()),
                    flows: *v,
                })
            })
            .collect();
        let unsubscriptions = ["pending", "approved", "rejected", "refunded"]
            .iter()
            .map(|s| StatusAmount {
                status: s.to_string(),
                count: count(&format!("unsubs:{s}")),
                amount: Cny::from_fen(count(&format!("unsubs_fen:{s}"))),
            })
            .collect();
        let overdue_before = now.timestamp() - 7 * 86400;
        let overdue: i64 = self.conn.query_row(
            "SELECT count(*) FROM invoice_requests WHERE status = 'requested' AND requested_ts < ?1",
            [overdue_before],
            |r| r.get(0),
        )?;
        let revenue = Cny::from_fen(months.values().map(|v| v.1).sum());
        Ok(Dashboard {
            now: time::format_rfc3339(&now),
            orders: count("orders"),
            revenue,
            by_month: buckets(months),
            by_access_type: buckets(access),
            by_billing_mode: buckets(billing),
            supervision,
            unsubscriptions,
            invoices: InvoiceCounts {
                requested: count("invoices:requested"),
                issued: count("invoices:issued"),
                overdue,
            },
            tax_by_rate: tax_rates
                .into_iter()
                .map(|(rate, gross)| {
                    let s = tax::split_gross(gross, rate);
                    TaxAtRate { rate, gross, net: s.net, tax: s.tax }
                })
                .collect(),
        })
    }

    fn agg_counts(&self) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT name, value FROM agg_counts")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
