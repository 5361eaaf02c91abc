//! Where in the UI an inbox item opens, and which items are urgent: shared by the status bar, the tray and the
//! notices.

use koodesk_store::inbox::{Group, InboxItem};

/// The UI route that shows an inbox item.
pub fn route_of(group: Group, ref_id: &str, order_id: Option<&str>) -> String {
    match group {
        Group::Supervision => format!("/supervision?order={}", order_id.unwrap_or(ref_id)),
        Group::Unsubscriptions => format!("/refunds?id={ref_id}"),
        Group::Invoices => format!("/invoices?id={ref_id}"),
        Group::Reviews => format!("/onboarding?review={ref_id}"),
        Group::Upcoming => "/settlement".to_string(),
    }
}

/// Overdue or due within 24 hours, and needing an action.
pub fn is_urgent(i: &InboxItem) -> bool {
    i.group != Group::Upcoming && i.pending_sync.is_none() && (i.overdue || i.seconds_left.is_some_and(|s| s <= 86_400))
}
