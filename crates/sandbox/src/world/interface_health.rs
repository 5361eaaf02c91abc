//! The interface-health view of the world's SaaS orders, the same view KooDesk Gateway serves from its journal
//! ([`koodesk_protocol::interface_health`]) [KG §7]: the calls KooGallery made this month (Beijing time), the
//! orders that failed and were never provisioned, by product, the slow replies, and a dial test.
//!
//! The world's calls are all real orders' calls, none refused (the sandbox signs them properly) and every order
//! comes with its details, so nothing awaits enrichment. KooGallery replays the saved debug cases every morning
//! and afternoon; the world does not keep debug calls, so its last dial test is the latest 09:00 or 15:00
//! (Beijing) slot, a `newInstance` the simulated interface passed.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration};
use koodesk_domain::catalog::AccessType;
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::interface_health::{
    is_failure, DialTest, Enrichment, InterfaceHealth, ProductFailures, Replies, DELISTING_LINE, SLOW_MS, TIMEOUT_MS,
};

use super::World;

/// When KooGallery's dial tests run, Beijing time (拨测: every morning and afternoon).
const DIAL_TESTS: [(u32, u32); 2] = [(9, 0), (15, 0)];

impl World {
    /// The view at the world's now.
    pub fn interface_health(&self) -> InterfaceHealth {
        let today = time::business_date(&self.now);
        let first = today.with_day(1).unwrap_or(today);
        let since = time::start_of_day(first);
        let in_month = |at: &str| chrono::DateTime::parse_from_rfc3339(at).is_ok_and(|t| t >= since);
        let mut calls = 0;
        let mut replies = Replies::default();
        let mut failed: BTreeMap<&str, i64> = BTreeMap::new();
        for o in &self.orders {
            let month: Vec<_> = o.calls.iter().filter(|c| in_month(&c.at)).collect();
            calls += month.len() as i64;
            for c in &month {
                let ms = i64::from(c.elapsed_ms);
                replies.slow += i64::from(ms >= SLOW_MS);
                replies.timed_out += i64::from(ms >= TIMEOUT_MS);
                replies.slowest_ms = replies.slowest_ms.max(Some(ms));
            }
            let provisioned = o.calls.iter().any(|c| c.result_code.as_deref() == Some("000000"));
            if !provisioned && month.iter().any(|c| is_failure(c.result_code.as_deref())) {
                *failed.entry(self.products[o.product].id.as_str()).or_default() += 1;
            }
        }
        let failed_orders = failed.values().sum();
        let mut products: Vec<ProductFailures> = failed
            .into_iter()
            .map(|(id, n)| ProductFailures { product_id: Some(id.to_string()), failed_orders: n })
            .collect();
        products.sort_by(|a, b| b.failed_orders.cmp(&a.failed_orders).then_with(|| a.product_id.cmp(&b.product_id)));
        let sells_saas = self.products.iter().any(|p| p.access_type == AccessType::Saas);
        InterfaceHealth {
            period: first.format("%Y-%m").to_string(),
            calls,
            failed_orders,
            delisting_line: DELISTING_LINE,
            over_the_line: failed_orders > DELISTING_LINE,
            products,
            replies,
            last_dial_test: sells_saas.then(|| DialTest {
                at: time::format_rfc3339(&last_dial_slot(self.now)),
                activity: "newInstance".into(),
                result_code: "000000".into(),
            }),
            refused_total: 0,
            refused: BTreeMap::new(),
            enrichment: Enrichment { configured: true, backlog: 0, pending: Vec::new() },
        }
    }
}

/// The latest dial-test slot at or before `now`.
fn last_dial_slot(now: Instant) -> Instant {
    let today = time::business_date(&now);
    [today - Duration::days(1), today]
        .into_iter()
        .flat_map(|d| {
            DIAL_TESTS.iter().map(move |&(h, m)| {
                time::start_of_day(d) + Duration::hours(i64::from(h)) + Duration::minutes(i64::from(m))
            })
        })
        .filter(|t| *t <= now)
        .max()
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beijing(s: &str) -> Instant {
        chrono::DateTime::parse_from_rfc3339(s).expect("time")
    }

    #[test]
    fn the_last_dial_test_is_the_latest_morning_or_afternoon_slot() {
        let at = |s| time::format_rfc3339(&last_dial_slot(beijing(s)));
        assert_eq!(at("2026-12-02T08:59:00+08:00"), time::format_rfc3339(&beijing("2026-12-01T15:00:00+08:00")));
        assert_eq!(at("2026-12-02T09:00:00+08:00"), time::format_rfc3339(&beijing("2026-12-02T09:00:00+08:00")));
        assert_eq!(at("2026-12-02T16:30:00+08:00"), time::format_rfc3339(&beijing("2026-12-02T15:00:00+08:00")));
    }
}
