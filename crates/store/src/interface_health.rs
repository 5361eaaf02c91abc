//! The production interface's health as the feed's server last reported it, and the readiness of each SaaS
//! product the seller sells [KG §7]: failed orders this month against KooGallery's delisting line, slow replies
//! against the 5 s timeout, the last dial test, refused calls, and the orders still awaiting their details.
//!
//! One snapshot, replaced whole by each sync in one `BEGIN IMMEDIATE` transaction; [`crate::ingest`] turns the
//! wire view into a [`HealthSnapshot`] (only it sees the wire type).

use koodesk_domain::delisting::{self, LineStanding};
use koodesk_domain::result_code::ResultCode;
use koodesk_domain::time::{self, Instant};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// The view as stored: plain values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthSnapshot {
    pub period: String,
    pub calls: i64,
    pub failed_orders: i64,
    pub delisting_line: i64,
    /// By product, most failed first; `None` while an order's details are not known.
    pub products: Vec<(Option<String>, i64)>,
    pub slow_ms: i64,
    pub timeout_ms: i64,
    pub slow_replies: i64,
    pub timed_out: i64,
    pub slowest_ms: Option<i64>,
    /// Unix seconds, activity, result code.
    pub last_dial_test: Option<(i64, String, String)>,
    pub refused_total: i64,
    pub refused: Vec<(String, i64)>,
    pub enrichment_configured: bool,
    pub enrichment_backlog: i64,
    pub pending: Vec<PendingDetails>,
}

/// An order the feed's server has not had `order/query` describe yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PendingDetails {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    /// RFC 3339, Beijing.
    pub first_call_at: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// The interface-health screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InterfaceHealthView {
    /// When the console last had the view from the feed's server (RFC 3339, Beijing).
    pub fetched_at: String,
    /// The month counted, `YYYY-MM`; an earlier month than now's when no sync has brought this month's yet.
    pub period: String,
    pub current: bool,
    pub calls: i64,
    pub failed_orders: i64,
    pub delisting_line: i64,
    pub standing: LineStanding,
    /// Orders that may still fail this month before the product is delisted.
    pub failures_left: i64,
    pub replies: ReplyTimes,
    pub last_dial_test: Option<DialTestResult>,
    pub refused_total: i64,
    pub refused: Vec<RefusedCalls>,
    /// Failed orders whose product is not known yet (their details are awaited).
    pub unattributed_failures: i64,
    /// Each SaaS product the seller sells or has on the listing checklist.
    pub products: Vec<ProductReadiness>,
    pub enrichment_configured: bool,
    pub enrichment_backlog: i64,
    pub pending: Vec<PendingDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReplyTimes {
    pub slow_ms: i64,
    pub timeout_ms: i64,
    pub slow: i64,
    pub timed_out: i64,
    pub slowest_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DialTestResult {
    pub at: String,
    pub activity: String,
    pub result_code: String,
    /// `000000`, or `000004` (KooGallery then polls) [KG §7].
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RefusedCalls {
    pub reason: String,
    pub calls: i64,
}

/// One SaaS product's readiness: its failed orders this month against the line, and where it is on the listing
/// checklist [KG §7].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProductReadiness {
    pub product_id: String,
    pub name: String,
    pub failed_orders: i64,
    pub standing: LineStanding,
    pub failures_left: i64,
    /// On the listing checklist.
    pub on_checklist: bool,
}

/// The stored view's one row.
struct Head {
    fetched: i64,
    period: String,
    calls: i64,
    failed_orders: i64,
    line: i64,
    replies: ReplyTimes,
    /// At (Unix seconds), activity, result code: all or none.
    dial: (Option<i64>, Option<String>, Option<String>),
    refused_total: i64,
    enrichment_configured: bool,
    enrichment_backlog: i64,
}

fn beijing(ts: i64, what: &str) -> Result<String, StoreError> {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| time::format_rfc3339(&time::to_beijing(t)))
        .ok_or_else(|| StoreError::Corrupt { path: what.into(), detail: format!("{ts} is not a time") })
}

impl Store {
    /// Replaces the stored view with `h`, fetched at `now_ts`.
    pub fn save_interface_health(&mut self, h: &HealthSnapshot, now_ts: i64) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute_batch(
            "DELETE FROM interface_health; DELETE FROM interface_health_products;
             DELETE FROM interface_health_refused; DELETE FROM interface_health_pending;",
        )?;
        let dial = h.last_dial_test.as_ref();
        tx.execute(
            "INSERT INTO interface_health (id, fetched_ts, period, calls, failed_orders, delisting_line, slow_ms,
                 timeout_ms, slow_replies, timed_out, slowest_ms, dial_ts, dial_activity, dial_result, refused_total,
                 enrichment_configured, enrichment_backlog)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                now_ts,
                h.period,
                h.calls,
                h.failed_orders,
                h.delisting_line,
                h.slow_ms,
                h.timeout_ms,
                h.slow_replies,
                h.timed_out,
                h.slowest_ms,
                dial.map(|d| d.0),
                dial.map(|d| d.1.as_str()),
                dial.map(|d| d.2.as_str()),
                h.refused_total,
                h.enrichment_configured,
                h.enrichment_backlog,
            ],
        )?;
        for (i, (product, n)) in h.products.iter().enumerate() {
            tx.execute(
                "INSERT INTO interface_health_products (position, product_id, failed_orders) VALUES (?1, ?2, ?3)",
                params![i as i64, product, n],
            )?;
        }
        for (reason, n) in &h.refused {
            tx.execute("INSERT INTO interface_health_refused (reason, calls) VALUES (?1, ?2)", params![reason, n])?;
        }
        for (i, p) in h.pending.iter().enumerate() {
            let first = time::parse_datetime(&p.first_call_at).map_err(|e| StoreError::BadFeedData {
                what: "interface-health enrichment.pending first_call_at",
                detail: e.to_string(),
            })?;
            tx.execute(
                "INSERT INTO interface_health_pending
                     (position, order_id, order_line_id, instance_id, first_call_ts, attempts, last_error)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    i as i64,
                    p.order_id,
                    p.order_line_id,
                    p.instance_id,
                    first.timestamp(),
                    p.attempts,
                    p.last_error
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The stored view and each SaaS product's readiness at `now`; `None` before any sync brought one (files
    /// only, or a feed's server without the view).
    pub fn interface_health(&self, now: Instant) -> Result<Option<InterfaceHealthView>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT fetched_ts, period, calls, failed_orders, delisting_line, slow_ms, timeout_ms, slow_replies,
                        timed_out, slowest_ms, dial_ts, dial_activity, dial_result, refused_total,
                        enrichment_configured, enrichment_backlog
                   FROM interface_health WHERE id = 1",
                [],
                |r| {
                    Ok(Head {
                        fetched: r.get(0)?,
                        period: r.get(1)?,
                        calls: r.get(2)?,
                        failed_orders: r.get(3)?,
                        line: r.get(4)?,
                        replies: ReplyTimes {
                            slow_ms: r.get(5)?,
                            timeout_ms: r.get(6)?,
                            slow: r.get(7)?,
                            timed_out: r.get(8)?,
                            slowest_ms: r.get(9)?,
                        },
                        dial: (r.get(10)?, r.get(11)?, r.get(12)?),
                        refused_total: r.get(13)?,
                        enrichment_configured: r.get(14)?,
                        enrichment_backlog: r.get(15)?,
                    })
                },
            )
            .optional()?;
        let Some(Head {
            fetched,
            period,
            calls,
            failed_orders,
            line,
            replies,
            dial: (dial_ts, dial_activity, dial_result),
            refused_total,
            enrichment_configured,
            enrichment_backlog,
        }) = head
        else {
            return Ok(None);
        };
        let last_dial_test = match (dial_ts, dial_activity, dial_result) {
            (Some(ts), Some(activity), Some(result_code)) => Some(DialTestResult {
                at: beijing(ts, "interface_health.dial_ts")?,
                activity,
                passed: ResultCode::parse(&result_code).is_some_and(ResultCode::is_working),
                result_code,
            }),
            _ => None,
        };
        let refused = {
            let mut stmt = self.conn.prepare("SELECT reason, calls FROM interface_health_refused ORDER BY reason")?;
            let rows = stmt.query_map([], |r| Ok(RefusedCalls { reason: r.get(0)?, calls: r.get(1)? }))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let failures: Vec<(Option<String>, i64)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT product_id, failed_orders FROM interface_health_products ORDER BY position")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<Vec<_>, _>>()?
        };
        let pending = {
            let mut stmt = self.conn.prepare(
                "SELECT order_id, order_line_id, instance_id, first_call_ts, attempts, last_error
                   FROM interface_health_pending ORDER BY position",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?, r.get(4)?, r.get(5)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (order_id, order_line_id, instance_id, first, attempts, last_error) = row?;
                out.push(PendingDetails {
                    order_id,
                    order_line_id,
                    instance_id,
                    first_call_at: beijing(first, "interface_health_pending.first_call_ts")?,
                    attempts,
                    last_error,
                });
            }
            out
        };
        let products = self.saas_readiness(&failures, line)?;
        let month = time::business_date(&now).format("%Y-%m").to_string();
        Ok(Some(InterfaceHealthView {
            fetched_at: beijing(fetched, "interface_health.fetched_ts")?,
            current: period == month,
            period,
            calls,
            failed_orders,
            delisting_line: line,
            standing: delisting::standing(failed_orders, line),
            failures_left: delisting::failures_left(failed_orders, line),
            replies,
            last_dial_test,
            refused_total,
            refused,
            unattributed_failures: failures.iter().filter(|(p, _)| p.is_none()).map(|(_, n)| n).sum(),
            products,
            enrichment_configured,
            enrichment_backlog,
            pending,
        }))
    }

    /// Every SaaS product the store knows (synced, imported or on the listing checklist), the most failed first,
    /// then by name.
    fn saas_readiness(
        &self,
        failures: &[(Option<String>, i64)],
        line: i64,
    ) -> Result<Vec<ProductReadiness>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT product_id, name, max(on_checklist) FROM (
                 SELECT product_id, name, 0 AS on_checklist FROM products WHERE access_type = 'saas'
                 UNION ALL
                 SELECT product_id, name, 1 FROM listings WHERE access_type = 'saas')
              GROUP BY product_id",
        )?;
        let rows =
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (product_id, name, on_checklist) = row?;
            let failed_orders =
                failures.iter().filter(|(p, _)| p.as_deref() == Some(product_id.as_str())).map(|(_, n)| n).sum();
            out.push(ProductReadiness {
                standing: delisting::standing(failed_orders, line),
                failures_left: delisting::failures_left(failed_orders, line),
                product_id,
                name,
                failed_orders,
                on_checklist,
            });
        }
        // A product the store does not know yet (no order of it synced) still has its failures shown.
        for (p, n) in failures {
            if let Some(p) = p.as_deref().filter(|p| !out.iter().any(|r| r.product_id == *p)) {
                out.push(ProductReadiness {
                    product_id: p.to_string(),
                    name: p.to_string(),
                    failed_orders: *n,
                    standing: delisting::standing(*n, line),
                    failures_left: delisting::failures_left(*n, line),
                    on_checklist: false,
                });
            }
        }
        out.sort_by(|a, b| b.failed_orders.cmp(&a.failed_orders).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }
}
