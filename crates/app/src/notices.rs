//! Which native notifications to raise now. Each fires once (the store remembers its key across restarts), and
//! each carries the route that opens its item.
//!
//! Raised: an invoice request due within 24 hours; a merchant-side supervision step whose user-appeal window
//! opens within 24 hours; an unsubscription awaiting review; sync failing three times in a row. At most
//! [`MAX_AT_ONCE`] a time, so a first start over a busy store does not flood the desktop; the rest come next time.

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::time::Instant;
use koodesk_store::inbox::Group;

use crate::api::{ApiError, Notice};
use crate::commands::route_of;
use crate::workspace::{to_api, Workspace};

pub const MAX_AT_ONCE: usize = 5;
/// Sync failures in a row before the seller hears of it.
pub const SYNC_FAILURES: u32 = 3;
const DAY: i64 = 86_400;

/// The notifications to raise at `now`, each recorded as raised.
pub fn due(ws: &Workspace, now: Instant) -> Result<Vec<Notice>, ApiError> {
    let mut candidates = Vec::new();
    let st = ws.sync_state();
    if st.failures_in_a_row >= SYNC_FAILURES {
        // One per failure streak: the key is the streak's length bucket, reset when a sync succeeds.
        candidates.push(Notice {
            key: format!("sync-failing:{}", st.last_sync_at.map(|t| t.timestamp()).unwrap_or(0)),
            title: "同步持续失败 Sync keeps failing".into(),
            body: st.last_error.unwrap_or_default(),
            route: "/settings".into(),
        });
    }
    let mut store = ws.store();
    let inbox = store.inbox(now, WorkingCalendar::embedded()).map_err(to_api)?;
    for i in &inbox.items {
        if i.pending_sync {
            continue;
        }
        let left = i.seconds_left.unwrap_or(i64::MAX);
        let (key, title) = match (i.group, i.action) {
            (Group::Invoices, "issue-invoice") if (0..=DAY).contains(&left) => {
                (format!("invoice-due:{}", i.ref_id), "发票 24 小时内到期 Invoice due within 24 h")
            }
            (Group::Supervision, a) if a != "appeal" && (0..=DAY).contains(&left) => (
                format!("appeal-window:{}:{}", i.ref_id, i.due_at.as_deref().unwrap_or("")),
                "用户 24 小时内可申诉 User may appeal within 24 h",
            ),
            (Group::Unsubscriptions, _) => {
                (format!("unsubscription:{}", i.ref_id), "退订申请待审核 Unsubscription awaiting review")
            }
            _ => continue,
        };
        candidates.push(Notice {
            key,
            title: title.into(),
            body: format!("{} · {}", i.ref_id, i.summary),
            route: route_of(i.group, &i.ref_id, i.order_id.as_deref()),
        });
    }
    let mut out = Vec::new();
    for n in candidates {
        if out.len() == MAX_AT_ONCE {
            break;
        }
        if store.notify_once(&n.key, &n.route, now.timestamp()).map_err(to_api)? {
            out.push(n);
        }
    }
    Ok(out)
}
