//! The inbox: what needs the seller now, computed from the store with the domain rules, for a given "now".
//!
//! Every query reads only open items through partial indexes (merchant-side and stalled user-side supervision
//! steps, unsubscriptions awaiting review, invoice requests not yet issued, unpaid bills), so its cost follows
//! what is open, not how many orders the store holds.
//!
//! An item is codes and parameters (what to do, the facts it rests on, where on the Seller Console): the words
//! are the UI's, in the seller's language.

use chrono::{Datelike, Duration, NaiveDate};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::invoice::{self, Channel, CourierPayer, InvoiceKind, Issuer, Medium};
use koodesk_domain::merchant_info::{CalendarBasis, MerchantField, ReviewSubject};
use koodesk_domain::money::Cny;
use koodesk_domain::settlement::{self, YearMonth};
use koodesk_domain::supervision::{AppealClocks, ProductType, Side, Step, HARDWARE_AUTO_ACCEPT_DAYS};
use koodesk_domain::time::{self, Instant};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use crate::console_reviews;
use crate::db::Store;
use crate::error::StoreError;
use crate::outbox::PendingSync;

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

/// What to do (or to know): a code the UI names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum InboxAction {
    /// 商家确认需求 [KG §3].
    ConfirmRequirements,
    /// License 2.0: activate the authorization code [KG §3].
    ActivateCode,
    /// License 2.0: upload the delivery proof [KG §3].
    UploadProof,
    /// Deliver: ship with the logistics (hardware) or implement the service and upload the proof [KG §3].
    Deliver,
    /// The user side stalled more than 5 days: the merchant may appeal [KG §3].
    Appeal,
    /// An unsubscription awaiting the merchant's review [KG §4].
    ReviewUnsubscription,
    /// An invoice request to issue within 7 days [KG §2].
    IssueInvoice,
    /// A Seller Console submission awaiting KooGallery's review [KG §6].
    AwaitReview,
    /// Hardware signed for: accepted automatically after 10 days [KG §3].
    AutoAccept,
    /// A bill not yet paid [KG §5].
    ExpectPayment,
    /// This month's orders entering the next bill [KG §5].
    Settlement,
}

impl InboxAction {
    pub const ALL: [InboxAction; 11] = [
        InboxAction::ConfirmRequirements,
        InboxAction::ActivateCode,
        InboxAction::UploadProof,
        InboxAction::Deliver,
        InboxAction::Appeal,
        InboxAction::ReviewUnsubscription,
        InboxAction::IssueInvoice,
        InboxAction::AwaitReview,
        InboxAction::AutoAccept,
        InboxAction::ExpectPayment,
        InboxAction::Settlement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxAction::ConfirmRequirements => "confirm-requirements",
            InboxAction::ActivateCode => "activate-code",
            InboxAction::UploadProof => "upload-proof",
            InboxAction::Deliver => "deliver",
            InboxAction::Appeal => "appeal",
            InboxAction::ReviewUnsubscription => "review-unsubscription",
            InboxAction::IssueInvoice => "issue-invoice",
            InboxAction::AwaitReview => "await-review",
            InboxAction::AutoAccept => "auto-accept",
            InboxAction::ExpectPayment => "expect-payment",
            InboxAction::Settlement => "settlement",
        }
    }
}

impl std::fmt::Display for InboxAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where on the Seller Console the seller acts: a code the UI names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ConsolePath {
    /// 交付管理 > 服务监管 [KG §3].
    Supervision,
    /// 交易管理 > 服务监管 > 查看详情: where the merchant appeals [KG §3].
    SupervisionDetail,
    /// 订单管理 > 退订管理 [KG §4].
    Unsubscriptions,
    /// 订单管理 > 发票管理 [KG §2].
    Invoices,
    /// 订单管理 > 结算管理 [KG §5].
    Settlement,
    /// 服务商管理 > 服务商信息 [KG §6].
    MerchantInfo,
}

impl ConsolePath {
    pub const ALL: [ConsolePath; 6] = [
        ConsolePath::Supervision,
        ConsolePath::SupervisionDetail,
        ConsolePath::Unsubscriptions,
        ConsolePath::Invoices,
        ConsolePath::Settlement,
        ConsolePath::MerchantInfo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConsolePath::Supervision => "supervision",
            ConsolePath::SupervisionDetail => "supervision-detail",
            ConsolePath::Unsubscriptions => "unsubscriptions",
            ConsolePath::Invoices => "invoices",
            ConsolePath::Settlement => "settlement",
            ConsolePath::MerchantInfo => "merchant-info",
        }
    }
}

/// Why an invoice request cannot be invoiced by the merchant now [KG §2].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum InvoiceBlock {
    /// One of its orders has an unsubscription awaiting review.
    UnsubscriptionInReview,
    /// Huawei Cloud invoices these orders.
    IssuedByHuawei,
}

/// The facts an item rests on, by kind: the parameters its words are built from. Money as decimal strings of
/// yuan, instants as RFC 3339 (Beijing), dates as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InboxFacts {
    /// A merchant-side supervision step; the user may appeal 5 days after it began [KG §3].
    Step { step: Step, product_type: ProductType, rejections: u32, step_started_at: String },
    /// A user-side step stalled for more than 5 days [KG §3].
    Stalled { step: Step, step_started_at: String },
    /// Hardware signed for, accepted automatically 10 days later [KG §3].
    AutoAccept { parcel_signed_at: String },
    /// An unsubscription awaiting review, expected within 7 working days [KG §4].
    Unsubscription {
        #[ts(type = "string")]
        refund: Cny,
        #[ts(type = "string")]
        paid: Cny,
        reason: String,
        review_due: String,
        requested_at: String,
    },
    /// An invoice request not yet issued [KG §2].
    Invoice {
        invoice_kind: InvoiceKind,
        medium: Medium,
        #[ts(type = "string")]
        amount: Cny,
        courier_payer: CourierPayer,
        issuer: Issuer,
        blocked: Option<InvoiceBlock>,
        requested_at: String,
    },
    /// A submission awaiting KooGallery's review, due by the end of its third working day [KG §6].
    Review {
        subject: ReviewSubject,
        field: Option<MerchantField>,
        product_id: Option<String>,
        note: String,
        review_due: Option<String>,
        calendar: CalendarBasis,
        submitted_at: String,
    },
    /// A bill not yet paid: the merchant's share, expected by the payment date [KG §5].
    Bill {
        period: String,
        payment_by: String,
        #[ts(type = "string")]
        merchant_share: Cny,
        status: String,
    },
    /// This month's settled orders, entering the bill of `bill_date` [KG §5].
    Month {
        month: String,
        orders: i64,
        #[ts(type = "string")]
        amount: Cny,
        bill_date: String,
        payment_by: String,
    },
}

/// One thing to do (or to know).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InboxItem {
    pub group: Group,
    pub action: InboxAction,
    /// The parameters of the item's words.
    pub facts: InboxFacts,
    pub order_id: Option<String>,
    /// The entity acted on: order ID, unsubscription ID, invoice request ID or bill ID.
    pub ref_id: String,
    pub due_at: Option<String>,
    pub overdue: bool,
    /// Where on the Seller Console; none where the guide names no page (listing reviews answer by e-mail and SMS).
    pub console_path: Option<ConsolePath>,
    /// Seconds until due (negative: overdue).
    pub seconds_left: Option<i64>,
    /// The seller already acted: the action waits in the outbox, or was sent and KooGallery's feed does not show
    /// it yet.
    pub pending_sync: Option<PendingSync>,
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

/// A stored code read through its vocabulary: a value outside it is damage, reported with its column, never
/// replaced by a default.
fn code<T: serde::de::DeserializeOwned>(column: &'static str, v: &str) -> Result<T, StoreError> {
    use serde::de::IntoDeserializer;
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(v)).map_err(|_| {
        StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("{column} `{v}` is damaged in this store: not a known value").into(),
        ))
    })
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
            let product_type: ProductType = code("supervision_flows.product_type", &product_type)?;
            let step: Step = code("supervision_flows.step", &step)?;
            let clocks = AppealClocks::new(Side::Merchant, at(since), rejections);
            let due = clocks.user_may_appeal_at;
            let action = match step {
                Step::ConfirmRequirements => InboxAction::ConfirmRequirements,
                Step::ActivateCode => InboxAction::ActivateCode,
                Step::UploadProof => InboxAction::UploadProof,
                _ => InboxAction::Deliver,
            };
            items.push(InboxItem {
                group: Group::Supervision,
                action,
                facts: InboxFacts::Step {
                    step,
                    product_type,
                    rejections,
                    step_started_at: time::format_rfc3339(&at(since)),
                },
                order_id: Some(order_id.clone()),
                ref_id: order_id.clone(),
                due_at: due.map(|d| time::format_rfc3339(&d)),
                overdue: clocks.user_may_appeal(now),
                console_path: Some(ConsolePath::Supervision),
                seconds_left: due.map(|d| (d - now).num_seconds()),
                pending_sync: pending(&order_id),
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
            let step: Step = code("supervision_flows.step", &step)?;
            let opened = at(since) + Duration::hours(120);
            items.push(InboxItem {
                group: Group::Supervision,
                action: InboxAction::Appeal,
                facts: InboxFacts::Stalled { step, step_started_at: time::format_rfc3339(&at(since)) },
                order_id: Some(order_id.clone()),
                ref_id: order_id.clone(),
                due_at: Some(time::format_rfc3339(&opened)),
                overdue: false,
                console_path: Some(ConsolePath::SupervisionDetail),
                seconds_left: Some((opened - now).num_seconds()),
                pending_sync: pending(&order_id),
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
                action: InboxAction::AutoAccept,
                facts: InboxFacts::AutoAccept { parcel_signed_at: time::format_rfc3339(&at(signed)) },
                order_id: Some(order_id.clone()),
                ref_id: order_id,
                due_at: Some(time::format_rfc3339(&due)),
                overdue: false,
                console_path: Some(ConsolePath::Supervision),
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: None,
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
                action: InboxAction::ReviewUnsubscription,
                facts: InboxFacts::Unsubscription {
                    refund: Cny::from_fen(refund),
                    paid: Cny::from_fen(paid),
                    reason,
                    review_due: due_date.to_string(),
                    requested_at: time::format_rfc3339(&at(requested)),
                },
                order_id: Some(order_id),
                ref_id: id.clone(),
                due_at: Some(time::format_rfc3339(&due)),
                overdue: today > due_date,
                console_path: Some(ConsolePath::Unsubscriptions),
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: pending(&id),
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
            let medium: Medium = code("invoice_requests.medium", &medium)?;
            let invoice_kind: InvoiceKind = code("invoice_requests.kind", &kind)?;
            let amount = Cny::from_fen(amount);
            let due = invoice::due_at(at(requested));
            let channel = if non_general.unwrap_or(false) { Channel::JointOperation } else { Channel::General };
            let issuer = invoice::issuer(at(created.unwrap_or(requested)), channel);
            let courier = invoice::courier_payer(medium, amount);
            let blocked = if pending_unsubs > 0 {
                Some(InvoiceBlock::UnsubscriptionInReview)
            } else if issuer == Issuer::Huawei {
                Some(InvoiceBlock::IssuedByHuawei)
            } else {
                None
            };
            let order_id = orders.as_deref().and_then(|o| o.split(',').next()).map(str::to_string);
            items.push(InboxItem {
                group: Group::Invoices,
                action: InboxAction::IssueInvoice,
                facts: InboxFacts::Invoice {
                    invoice_kind,
                    medium,
                    amount,
                    courier_payer: courier,
                    issuer,
                    blocked,
                    requested_at: time::format_rfc3339(&at(requested)),
                },
                order_id,
                ref_id: id.clone(),
                due_at: Some(time::format_rfc3339(&due)),
                overdue: now > due,
                console_path: Some(ConsolePath::Invoices),
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: pending(&id),
            });
        }

        // Submissions awaiting KooGallery's review: due by the end of their third working day [KG §6]; the
        // seller records the answer when it comes (e-mail and SMS), and the item leaves.
        for r in self.open_console_reviews(now)? {
            let due_date = r.review_due.as_deref().and_then(date_of);
            let due = due_date.map(|d| time::start_of_day(d + Duration::days(1)));
            items.push(InboxItem {
                group: Group::Reviews,
                action: InboxAction::AwaitReview,
                console_path: console_reviews::console_path(r.subject),
                order_id: None,
                ref_id: r.id,
                due_at: due.map(|d| time::format_rfc3339(&d)),
                overdue: r.overdue,
                seconds_left: due.map(|d| (d - now).num_seconds()),
                pending_sync: None,
                facts: InboxFacts::Review {
                    subject: r.subject,
                    field: r.field,
                    product_id: r.product_id,
                    note: r.note,
                    review_due: r.review_due,
                    calendar: r.calendar,
                    submitted_at: r.submitted_at,
                },
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
                action: InboxAction::ExpectPayment,
                order_id: None,
                ref_id: bill_id,
                due_at: due.map(|d| time::format_rfc3339(&d)),
                overdue: due.is_some_and(|d| now > d),
                console_path: Some(ConsolePath::Settlement),
                seconds_left: due.map(|d| (d - now).num_seconds()),
                pending_sync: None,
                facts: InboxFacts::Bill { period, payment_by, merchant_share: Cny::from_fen(share), status },
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
                action: InboxAction::Settlement,
                facts: InboxFacts::Month {
                    month: month.to_string(),
                    orders: count,
                    amount: Cny::from_fen(sum.unwrap_or(0)),
                    bill_date: schedule.bill_date.to_string(),
                    payment_by: schedule.payment_by.to_string(),
                },
                order_id: None,
                ref_id: month.to_string(),
                due_at: Some(time::format_rfc3339(&due)),
                overdue: false,
                console_path: Some(ConsolePath::Settlement),
                seconds_left: Some((due - now).num_seconds()),
                pending_sync: None,
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
