//! Aggregates for the overview, read from tables the schema keeps up to date as data is written (triggers), so
//! the first screen never scans every order.

use crate::{Problem, Rule};
use std::collections::BTreeMap;

use koodesk_domain::catalog::{self, AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::tax::{self, Taxpayer};
use koodesk_domain::time::{self, Instant};
use rust_decimal::Decimal;
use serde::Serialize;
use ts_rs::TS;

use crate::browse::{coded, UnsubscriptionStatus};
use crate::db::Store;
use crate::error::StoreError;
use crate::schema;

/// Orders and revenue under one key: a month (`YYYY-MM`), an access type or a billing mode.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Bucket<K> {
    pub key: K,
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
    pub status: UnsubscriptionStatus,
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
    pub by_month: Vec<Bucket<String>>,
    pub by_access_type: Vec<Bucket<AccessType>>,
    pub by_billing_mode: Vec<Bucket<BillingMode>>,
    pub supervision: Vec<StepCount>,
    pub unsubscriptions: Vec<StatusAmount>,
    pub invoices: InvoiceCounts,
    pub tax_by_rate: Vec<TaxAtRate>,
}

fn buckets<K>(map: BTreeMap<K, (i64, i64)>) -> Vec<Bucket<K>> {
    map.into_iter().map(|(key, (orders, fen))| Bucket { key, orders, revenue: Cny::from_fen(fen) }).collect()
}

/// How many months of revenue the overview's series shows: two years, whatever the length of the history.
pub const MONTHS_SHOWN: i64 = 24;

impl Store {
    /// The overview's figures at `now` (a general taxpayer's rates for the tax estimate). Every part is read from a
    /// table kept as orders are written (schemas 2 and 6), so the rows read are bounded: access types × billing
    /// modes, the last [`MONTHS_SHOWN`] months, the rates, the counters.
    pub fn dashboard(&self, now: Instant) -> Result<Dashboard, StoreError> {
        let mut access: BTreeMap<AccessType, (i64, i64)> = BTreeMap::new();
        let mut billing: BTreeMap<BillingMode, (i64, i64)> = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT access_type, billing_mode, orders, revenue_fen FROM agg_orders_mode WHERE orders > 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                coded::<AccessType>(r, 0, "agg_orders_mode.access_type")?,
                coded::<BillingMode>(r, 1, "agg_orders_mode.billing_mode")?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (a, b, n, fen) = row?;
            let e = access.entry(a).or_default();
            e.0 += n;
            e.1 += fen;
            let e = billing.entry(b).or_default();
            e.0 += n;
            e.1 += fen;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT month, orders, revenue_fen FROM agg_orders_by_month WHERE orders > 0 ORDER BY month DESC LIMIT ?1",
        )?;
        let mut by_month = stmt
            .query_map([MONTHS_SHOWN], |r| {
                Ok(Bucket { key: r.get(0)?, orders: r.get(1)?, revenue: Cny::from_fen(r.get(2)?) })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        by_month.reverse();
        let mut stmt = self.conn.prepare_cached("SELECT rate, revenue_fen FROM agg_revenue_rate")?;
        let mut tax_rates: BTreeMap<Decimal, Cny> = BTreeMap::new();
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (rate, fen) = row?;
            let rate: Decimal = rate.parse().map_err(|_| {
                StoreError::Invalid(Problem::new(
                    "agg_revenue_rate",
                    Rule::Damaged,
                    format!("agg_revenue_rate: rate {rate:?} is not a decimal"),
                ))
            })?;
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
        let unsubscriptions = [
            UnsubscriptionStatus::Pending,
            UnsubscriptionStatus::Approved,
            UnsubscriptionStatus::Rejected,
            UnsubscriptionStatus::Refunded,
        ]
        .into_iter()
        .map(|status| {
            let s = status.as_str();
            StatusAmount {
                status,
                count: count(&format!("unsubs:{s}")),
                amount: Cny::from_fen(count(&format!("unsubs_fen:{s}"))),
            }
        })
        .collect();
        let overdue_before = now.timestamp() - 7 * 86400;
        let overdue: i64 = self.conn.query_row(
            "SELECT count(*) FROM invoice_requests r WHERE r.status = 'requested' AND r.requested_ts < ?1
                AND NOT EXISTS (SELECT 1 FROM outbox_in_flight a WHERE a.kind = 'invoice-issued' AND a.target = r.id)",
            [overdue_before],
            |r| r.get(0),
        )?;
        let revenue = Cny::from_fen(access.values().map(|v| v.1).sum());
        Ok(Dashboard {
            now: time::format_rfc3339(&now),
            orders: count("orders"),
            revenue,
            by_month,
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

    /// Writes the domain's general-taxpayer rate table into `tax_rates` when it differs from the stored one (a new
    /// KooDesk with a changed table [KG §1], or a store just migrated to schema 6) and then rebuilds the order
    /// totals from the monthly ones.
    /// A rate taking effect mid-month counts from that month: the totals are an estimate by month.
    pub(crate) fn refresh_tax_rates(&mut self) -> Result<(), StoreError> {
        let mut want: BTreeMap<(String, String, String), String> = BTreeMap::new();
        for a in AccessType::ALL {
            for b in catalog::allowed_modes(*a) {
                let Ok(product) = catalog::tax_product(*a, *b) else { continue };
                for (from, rate) in tax::rate_history(product, Taxpayer::General) {
                    let key = (a.as_str().to_string(), b.as_str().to_string(), from.format("%Y-%m").to_string());
                    want.insert(key, rate.normalize().to_string());
                }
            }
        }
        let have: BTreeMap<(String, String, String), String> = self
            .conn
            .prepare_cached("SELECT access_type, billing_mode, from_month, rate FROM tax_rates")?
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        if have == want {
            return Ok(());
        }
        let tx = self.write()?;
        tx.execute("DELETE FROM tax_rates", [])?;
        {
            let mut insert = tx.prepare("INSERT INTO tax_rates VALUES (?1, ?2, ?3, ?4)")?;
            for ((a, b, month), rate) in &want {
                insert.execute([a, b, month, rate])?;
            }
        }
        tx.execute_batch(schema::REBUILD_ORDER_TOTALS)?;
        tx.commit()?;
        Ok(())
    }

    fn agg_counts(&self) -> Result<BTreeMap<String, i64>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT name, value FROM agg_counts")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
