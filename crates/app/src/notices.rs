//! Which native notifications to raise now. Each fires once: its key names what it is about (the item and its
//! deadline, or the sync-failure streak by when it began), and the store records it only once the shell has
//! delivered it ([`shown`]), so a notice that could not be shown — no notification daemon yet — comes again.
//! Each carries the route that opens its item, and what it is about as a code and parameters: the shell words it
//! in the user's language ([`crate::notice_text`]).
//!
//! Raised: an invoice request due within 24 hours; a merchant-side supervision step whose user-appeal window
//! opens within 24 hours; an unsubscription awaiting review; a Seller Console submission whose review is overdue;
//! sync failing three times in a row; this month's failed orders one from KooGallery's delisting line, on it or
//! past it, and a failed dial test [KG §7]. At most
//! [`MAX_AT_ONCE`] a time, so a first start over a busy store does not flood the desktop; the rest come next time.

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::delisting::LineStanding;
use koodesk_domain::time::Instant;
use koodesk_store::inbox::{Group, InboxAction};

use crate::api::{ApiError, Notice, NoticeAbout};
use crate::routes::route_of;
use crate::workspace::Workspace;

pub const MAX_AT_ONCE: usize = 5;
/// Sync failures in a row before the seller hears of it.
pub const SYNC_FAILURES: u32 = 3;
const DAY: i64 = 86_400;

/// The notifications to raise at `now`, not shown before. Record each with [`shown`] once it is delivered.
pub async fn due(ws: &Workspace, now: Instant) -> Result<Vec<Notice>, ApiError> {
    let mut candidates = Vec::new();
    let st = ws.sync_state();
    if let (true, Some(since)) = (st.failures_in_a_row >= SYNC_FAILURES, st.failing_since) {
        // One per failure streak: keyed on when the streak began (reset by a good sync), so a token that broke
        // before the first good sync is told of once per streak, not once per store.
        candidates.push(Notice {
            key: format!("sync-failing:{}", since.timestamp()),
            about: NoticeAbout::SyncFailing { failures_in_a_row: st.failures_in_a_row, last_error: st.last_error },
            route: "/settings".into(),
        });
    }
    if let Some(h) = ws.read(move |s| Ok(s.interface_health(now)?)).await?.filter(|h| h.current) {
        // Before the line is passed, and again on it and past it: one each per month [KG §7].
        if h.standing != LineStanding::Clear {
            candidates.push(Notice {
                key: format!("delisting-line:{}:{}", h.period, standing_code(h.standing)),
                about: NoticeAbout::DelistingLine {
                    standing: h.standing,
                    period: h.period.clone(),
                    failed_orders: h.failed_orders,
                    delisting_line: h.delisting_line,
                },
                route: "/interface-health".into(),
            });
        }
        if let Some(d) = h.last_dial_test.filter(|d| !d.passed) {
            candidates.push(Notice {
                key: format!("dial-test-failed:{}", d.at),
                about: NoticeAbout::DialTestFailed { at: d.at, activity: d.activity, result_code: d.result_code },
                route: "/interface-health".into(),
            });
        }
    }
    let inbox = ws.read(move |s| Ok(s.inbox(now, WorkingCalendar::embedded())?)).await?;
    for i in &inbox.items {
        if i.pending_sync.is_some() {
            continue;
        }
        let left = i.seconds_left.unwrap_or(i64::MAX);
        let item = || i.clone();
        let (key, about) = match (i.group, i.action) {
            (Group::Invoices, InboxAction::IssueInvoice) if (0..=DAY).contains(&left) => {
                (format!("invoice-due:{}", i.ref_id), NoticeAbout::InvoiceDue { item: item() })
            }
            (Group::Supervision, a) if a != InboxAction::Appeal && (0..=DAY).contains(&left) => (
                format!("appeal-window:{}:{}", i.ref_id, i.due_at.as_deref().unwrap_or("")),
                NoticeAbout::AppealWindow { item: item() },
            ),
            (Group::Unsubscriptions, _) => {
                (format!("unsubscription:{}", i.ref_id), NoticeAbout::UnsubscriptionToReview { item: item() })
            }
            // A review KooGallery has not answered by its third working day [KG §6]: keyed on the review and its
            // due date.
            (Group::Reviews, _) if i.overdue => (
                format!("review-overdue:{}:{}", i.ref_id, i.due_at.as_deref().unwrap_or("")),
                NoticeAbout::ReviewOverdue { item: item() },
            ),
            _ => continue,
        };
        candidates.push(Notice { key, about, route: route_of(i.group, &i.ref_id, i.order_id.as_deref()) });
    }
    let keys: Vec<String> = candidates.iter().map(|n| n.key.clone()).collect();
    let fired = ws
        .read(move |s| keys.iter().map(|k| s.notified(k)).collect::<Result<Vec<bool>, _>>().map_err(Into::into))
        .await?;
    Ok(candidates.into_iter().zip(fired).filter(|(_, fired)| !fired).map(|(n, _)| n).take(MAX_AT_ONCE).collect())
}

fn standing_code(s: LineStanding) -> &'static str {
    match s {
        LineStanding::Clear => "clear",
        LineStanding::Near => "near",
        LineStanding::AtTheLine => "at-the-line",
        LineStanding::Over => "over",
    }
}

/// Records that a notice was delivered: it is not raised again.
pub async fn shown(ws: &Workspace, key: &str, route: &str, now: Instant) -> Result<(), ApiError> {
    let (key, route) = (key.to_string(), route.to_string());
    ws.write(move |s| Ok(s.notify_once(&key, &route, now.timestamp()).map(|_| ())?)).await
}
