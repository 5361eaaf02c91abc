//! The inbox: what needs the seller now, computed from the store with the domain rules, for a given "now".
//!
//! Every query reads only open items through partial indexes (merchant-side and stalled user-side supervision
//! steps, unsubscriptions awaiting review, invoice requests not yet issued, unpaid bills), so its cost follows
//! what is open, not how many orders the store holds.

use chrono::{Datelike, Duration, NaiveDate};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::invoice::{self, Channel, Medium};
use koodesk_domain::merchant_info::ReviewSubject;
use koodesk_domain::money::Cny;
use koodesk_domain::refund::MERCHANT_REVIEW_PATH;
use koodesk_domain::settlement::{self, YearMonth};
use koodesk_domain::supervision::{AppealClocks, Side, HARDWARE_AUTO_ACCEPT_DAYS, SELLER_PATH};
use koodesk_domain::time::{self, Instant};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use crate::console_reviews;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::PendingSync;

/// Where invoice requests are handled in the seller console.
pub const INVOICE_PATH: &str = "订单管理 > 发票管理";
/// Where bills are read.
pub const BILL_PATH: &str = "订单管理 > 结算管理";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Supervision,
    Unsubscriptions,
    Invoices,
    /// Submissions on the Seller Console awaiting KooGallery's review [KG §6].
    Reviews,
    Upcoming,
}

/// One thing to do (or to know).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InboxItem {
    pub group: Group,
    /// What to do: `confirm-requirements`, `deliver`, `activate-code`, `upload-proof`, `appeal`,
    /// `review-unsubscription`, `issue-invoice`, `await-review`, `auto-accept`, `expect-payment`, `settlement`.
    pub action: &'static str,
    /// For people, in the console's language.
    pub summary: String,
    pub order_id: Option<String>,
    /// The entity acted on: order ID, unsubscription ID, invoice request ID or bill ID.
    pub ref_id: String,
    pub due_at: Option<String>,
    pub overdue: bool,
    pub console_path: &'static str,
    /// Seconds until due (negative: overdue).
    pub seconds_left: Option<i64>,
    /// The seller already acted: the action waits in the outbox, or was sent and KooGallery's feed does not show
    /// it yet.
    pub pending_sync: Option<PendingSync>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Inbox {
    pub now: String,
    /// Items that need an action, and of those, the overdue ones.
    pub actionable: usize,
    pub overdue: usize,
    pub items: Vec<InboxItem>,
}

use crate::browse::at;

fn date_of(s: &str) -> Option<NaiveDate> {
    time::parse_date(s).ok()
}

impl Store {
    /// What needs the seller at `now`.
    pub fn inbox(&self, now: Instant, cal: &WorkingCalendar) -> Result<Inbox, StoreError> {
        let now_ts = now.timestamp();
        let mut items = Vec::new();
        let pending_targets = self.in_flight_targets()?;
        let pending = |t: &str| pending_targets.get(t).copied();

        // Merchant-side supervision steps, by when the user may appeal (the merchant's risk).
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.order_id, f.product_type, f.step, f.step_started_ts, f.rejections FROM supervision_flows f
              WHERE f.side = 'merchant' AND f.step <> 'completed' AND f.frozen_by IS NULL AND f.order_refunded = 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, u32>(4)?,
            ))
        })?;
        for row in rows {
            let (order_id, product_type, step, since, rejections) = row?;
            let clocks = AppealClocks::new(Side::Merchant, at(since), rejections);
            let due = clocks.user_may_appeal_at;
            let (action, what) = match step.as_str() {
                "confirm-requirements" => ("confirm-requirements", "确认需求"),
                "activate-code" => ("activate-code", "激活授权码"),
                "upload-proof" => ("upload-proof", "上传交付凭证"),
                _ if product_type == "hardware" => ("deliver", "发货并填写物流"),
                _ => ("deliver", "实施服务并上传交付凭证"),
            };
            let overdue = clocks.user_may_appeal(now);
            items.push(InboxItem {
                group: Group::Supervision,
                action,
                summary: if overdue {
                    format!("{what}：用户已可申诉（{} 次驳回）", rejections)
                } else {
                    format!("{what}：超过 5 天用户可申诉")
                },
                order_id: Some(order_id.clone()),
                ref_id: order_id.clone(),
                due_at: due.map(|d| time::format_rfc3339(&d)),
                overdue,
                console_path: SELLER_PATH,
                seconds_left: due.map(|d| (d - now).num_seconds()),
                pending_sync: pending(&order_id),
                detail: serde_json::json!({"step": step, "product_type": product_type, "rejections": rejections,
                    "step_started_at": time::format_rfc3339(&at(since))}),
            });
        }

        // User-side steps stalled for more than 5 days: the merchant may appeal.
        let stalled_before = now_ts - 120 * 3600;
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.order_id, f.step, f.step_started_ts FROM supervision_flows f
              WHERE f.side = 'user' AND f.step <> 'completed' AND f.frozen_by IS NULL AND f.step_started_ts < ?1
                AND f.order_refunded = 0",
        )?;
        let rows = stmt.query_map([stalled_before], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (order_id, step, since) = row?;
            let opened = at(since) + Duration::hours(120);
            items.push(InboxItem {
                group: Group::Supervision,
                action: "appeal",
                summary: "用户侧超过 5 天无进展：可发起申诉".into(),
                order_id: Some(order_id.clone()),
                ref_id: order_id.clone(),
                due_at: Some(time::format_rfc3339(&opened)),
                overdue: false,
                console_path: "交易管理 > 服务监管 > 查看详情",
                seconds_left: Some((opened - now).num_seconds()),
                pending_sync: pending(&order_id),
                detail: serde_json::json!({"step": step, "step_started_at": time::format_rfc3339(&at(since))}),
            });
        }

        // Hardware waiting for automatic acceptance.
        let mut stmt = self.conn.prepare_cached(
            // `step <> 'completed'` is implied by `step = 'accept'`, but SQLite uses the partial index `flows_open`
            // only when the query states its condition literally; without it this scans every flow.
            "SELECT order_id, parcel_signed_ts FROM supervision_flows
              WHERE side = 'user' AND step <> 'completed' AND step = 'accept' AND product_type = 'hardware'
                AND frozen_by IS NULL AND parcel_signed_ts IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (order_id, signed) = row?;
            let due = at(signed) + Duration::days(HARDWARE_AUTO_ACCEPT_DAYS);
            items.push(InboxItem {
                group: Group::Upcoming,
                action: "auto-accept",
                summary: "硬件签收满 10 天将自动验收".into(),
                order_id: Some(order_id.clone()),
                ref_id: order_id,
                due_at: Some(time::format_rfc3339(&due)),
                overdue: false,
                console_path: SELLER_PATH,
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: None,
                detail: serde_json::json!({"parcel_signed_at": time::format_rfc3339(&at(signed))}),
            });
        }

        // Unsubscriptions awaiting review (expected within 7 working days).
        let today = time::business_date(&now);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, order_id, requested_ts, refund_fen, paid_fen, reason, review_due FROM unsubscriptions
              WHERE status = 'pending' ORDER BY requested_ts",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut orders_awaiting_review = std::collections::HashSet::new();
        for row in rows {
            let (id, order_id, requested, refund, paid, reason, review_due) = row?;
            orders_awaiting_review.insert(order_id.clone());
            let due_date = review_due
                .as_deref()
                .and_then(date_of)
                .unwrap_or_else(|| cal.add_working_days(time::business_date(&at(requested)), 7).value);
            let due = time::start_of_day(due_date + Duration::days(1));
            items.push(InboxItem {
                group: Group::Unsubscriptions,
                action: "review-unsubscription",
                summary: format!("审核退订申请：退款 {} 元（实付 {} 元）", Cny::from_fen(refund), Cny::from_fen(paid)),
                order_id: Some(order_id),
                ref_id: id.clone(),
                due_at: Some(time::format_rfc3339(&due)),
                overdue: today > due_date,
                console_path: MERCHANT_REVIEW_PATH,
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: pending(&id),
                detail: serde_json::json!({"reason": reason, "review_due": due_date.to_string(),
                    "requested_at": time::format_rfc3339(&at(requested))}),
            });
        }

        // Invoice requests: 7 days from the request; the courier rule; what blocks invoicing. The open requests come
        // from their partial index; who invoices them comes from the order facts kept on each request (schema 5),
        // so no request is joined to its orders here; orders with an unsubscription awaiting review are known
        // from above.
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.requested_ts, r.medium, r.amount_fen, r.kind,
                    (SELECT group_concat(x.order_id) FROM invoice_request_orders x WHERE x.request_id = r.id),
                    r.first_order_ts, r.joint_operation
               FROM invoice_requests r WHERE r.status = 'requested'
                AND NOT EXISTS (SELECT 1 FROM outbox_in_flight a WHERE a.kind = 'invoice-issued' AND a.target = r.id)
              ORDER BY r.requested_ts",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, Option<bool>>(7)?,
            ))
        })?;
        for row in rows {
            let (id, requested, medium, amount, kind, orders, created, non_general) = row?;
            let pending_unsubs =
                orders.as_deref().unwrap_or("").split(',').filter(|o| orders_awaiting_review.contains(*o)).count();
            let medium: Medium = medium.parse().unwrap_or(Medium::FullyDigital);
            let amount = Cny::from_fen(amount);
            let due = invoice::due_at(at(requested));
            let channel = if non_general.unwrap_or(false) { Channel::JointOperation } else { Channel::General };
            let issuer = invoice::issuer(at(created.unwrap_or(requested)), channel);
            let courier = invoice::courier_payer(medium, amount);
            let blocked = if pending_unsubs > 0 {
                Some("退订审核中的订单不可开票")
            } else if issuer == invoice::Issuer::Huawei {
                Some("此订单由华为云开票")
            } else {
                None
            };
            let order_id = orders.as_deref().and_then(|o| o.split(',').next()).map(str::to_string);
            items.push(InboxItem {
                group: Group::Invoices,
                action: "issue-invoice",
                summary: match blocked {
                    Some(why) => format!("发票申请 {amount} 元：{why}"),
                    None => format!(
                        "开具发票 {amount} 元（{}）",
                        if courier == invoice::CourierPayer::Customer {
                            "纸票快递到付"
                        } else {
                            "7 天内完成"
                        }
                    ),
                },
                order_id,
                ref_id: id.clone(),
                due_at: Some(time::format_rfc3339(&due)),
                overdue: now > due,
                console_path: INVOICE_PATH,
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: pending(&id),
                detail: serde_json::json!({"kind": kind, "medium": medium.as_str(), "amount": amount,
                    "courier_payer": courier.as_str(), "issuer": issuer.as_str(), "blocked": blocked,
                    "requested_at": time::format_rfc3339(&at(requested))}),
            });
        }

        // Submissions awaiting KooGallery's review: due by the end of their third working day [KG §6]; the
        // seller records the answer when it comes (e-mail and SMS), and the item leaves.
        for r in self.open_console_reviews(now)? {
            let due_date = r.review_due.as_deref().and_then(date_of);
            let due = due_date.map(|d| time::start_of_day(d + Duration::days(1)));
            items.push(InboxItem {
                group: Group::Reviews,
                action: "await-review",
                summary: match r.subject {
                    ReviewSubject::MerchantInfo => "商家信息变更审核中（3 个工作日）".into(),
                    ReviewSubject::Listing => "商品上架审核中（3 个工作日）".into(),
                    ReviewSubject::ListingChange => "商品变更审核中（3 个工作日）".into(),
                },
                order_id: None,
                ref_id: r.id.clone(),
                due_at: due.map(|d| time::format_rfc3339(&d)),
                overdue: r.overdue,
                console_path: console_reviews::console_path(r.subject),
                seconds_left: due.map(|d| (d - now).num_seconds()),
                pending_sync: None,
                detail: serde_json::json!({"subject": r.subject, "field": r.field, "product_id": r.product_id,
                    "note": r.note, "review_due": r.review_due, "calendar": r.calendar,
                    "submitted_at": r.submitted_at}),
            });
        }

        // Bills not yet paid, and this month's orders entering the next bill.
        let mut stmt = self.conn.prepare_cached(
            "SELECT bill_id, period, payment_by, merchant_share_fen, status FROM bills WHERE status <> 'paid' ORDER BY bill_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (bill_id, period, payment_by, share, status) = row?;
            let due = date_of(&payment_by).map(|d| time::start_of_day(d + Duration::days(1)));
            items.push(InboxItem {
                group: Group::Upcoming,
                action: "expect-payment",
                summary: format!("{period} 账单：预计 {payment_by} 前到账 {} 元", Cny::from_fen(share)),
                order_id: None,
                ref_id: bill_id,
                due_at: due.map(|d| time::format_rfc3339(&d)),
                overdue: due.is_some_and(|d| now > d),
                console_path: BILL_PATH,
                seconds_left: due.map(|d| (d - now).num_seconds()),
                pending_sync: None,
                detail: serde_json::json!({"status": status, "period": period}),
            });
        }
        let month = YearMonth::of(today);
        let month_start =
            time::start_of_day(NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today)).timestamp();
        let (count, sum): (i64, Option<i64>) = self.conn.query_row(
            "SELECT count(*), sum(amount_fen) FROM orders WHERE settled_ts >= ?1 AND settled_ts <= ?2 AND status <> 'refunded'",
            params![month_start, now_ts],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if count > 0 {
            let schedule = settlement::schedule(month, cal).value;
            let due = time::start_of_day(schedule.bill_date);
            items.push(InboxItem {
                group: Group::Upcoming,
                action: "settlement",
                summary: format!(
                    "本月 {count} 笔订单（{} 元）将进入 {} 账单",
                    Cny::from_fen(sum.unwrap_or(0)),
                    schedule.bill_date
                ),
                order_id: None,
                ref_id: month.to_string(),
                due_at: Some(time::format_rfc3339(&due)),
                overdue: false,
                console_path: BILL_PATH,
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: None,
                detail: serde_json::json!({"orders": count, "payment_by": schedule.payment_by.to_string()}),
            });
        }

        // Overdue first, then soonest due, within each group.
        items.sort_by(|a, b| {
            (a.group, !a.overdue, a.seconds_left.unwrap_or(i64::MAX)).cmp(&(
                b.group,
                !b.overdue,
                b.seconds_left.unwrap_or(i64::MAX),
            ))
        });
        let actionable = items.iter().filter(|i| i.group != Group::Upcoming).count();
        let overdue = items.iter().filter(|i| i.group != Group::Upcoming && i.overdue).count();
        Ok(Inbox { now: time::format_rfc3339(&now), actionable, overdue, items })
    }
}
