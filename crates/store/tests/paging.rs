//! Unsubscription and invoice requests page like the other lists: a page, its offset and how many match in all,
//! the most relevant first, every row once across the pages (issue 16: "views cut … without saying so").

mod support;

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::Medium;
use koodesk_domain::time;
use koodesk_protocol::feed::{InvoiceRequestStatus, Kind, UnsubscriptionStatus};
use koodesk_store::Store;
use support::*;

/// 25 unsubscriptions (every third one decided) and 25 invoice requests (every third one issued), a day apart.
fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let o = order("CS1", "2026-10-05T10:00:00+08:00", AccessType::ManualService, BillingMode::OneTime, 100000);
    s.apply_page(Kind::Orders, &page(vec![o], "orders.1"), 0).expect("orders");
    let unsubs: Vec<_> = (1..=25)
        .map(|i| {
            let mut u = unsub(&format!("DU{i:02}"), "CS1", &format!("2026-10-{i:02}T10:00:00+08:00"), "2026-11-30");
            if i % 3 == 0 {
                u.status = UnsubscriptionStatus::Approved;
            }
            u
        })
        .collect();
    s.apply_page(Kind::Unsubscriptions, &page(unsubs, "unsubscriptions.25"), 0).expect("unsubscriptions");
    let requests: Vec<_> = (1..=25)
        .map(|i| {
            let at = format!("2026-10-{i:02}T10:00:00+08:00");
            let mut r = invoice_request(&format!("IR{i:02}"), "CS1", &at, Medium::FullyDigital, 1000);
            if i % 3 == 0 {
                r.status = InvoiceRequestStatus::Issued;
                r.invoice_number = Some(format!("261100000000000000{i:02}"));
            }
            r
        })
        .collect();
    s.apply_page(Kind::InvoiceRequests, &page(requests, "invoice-requests.25"), 0).expect("requests");
    s
}

#[test]
fn unsubscriptions_page_pending_first_then_newest_with_the_total() {
    let s = store();
    let first = s.unsubscriptions_page(None, 0, 10).expect("page");
    assert_eq!((first.total, first.offset, first.rows.len()), (25, 0, 10));
    // 17 pending, newest first: DU25, DU23, DU22, DU20 …
    let ids: Vec<&str> = first.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids[..4], ["DU25", "DU23", "DU22", "DU20"]);
    assert!(first.rows.iter().all(|r| r.status.as_str() == "pending"));
    let mut seen: Vec<String> = Vec::new();
    for offset in [0, 10, 20] {
        let p = s.unsubscriptions_page(None, offset, 10).expect("page");
        assert_eq!((p.total, p.offset), (25, offset));
        seen.extend(p.rows.into_iter().map(|r| r.id));
    }
    assert_eq!(seen.len(), 25);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 25, "every request once across the pages");
    // The pending ones all come before any decided one.
    let all = s.unsubscriptions_page(None, 0, 100).expect("all");
    let first_decided = all.rows.iter().position(|r| r.status.as_str() != "pending").expect("a decided one");
    assert_eq!(first_decided, 17);
    let filtered = s.unsubscriptions_page(Some("approved"), 5, 10).expect("approved");
    assert_eq!((filtered.total, filtered.rows.len()), (8, 3));
    assert!(s.unsubscriptions_page(None, -1, 10).is_err_and(|e| e.to_string().contains("offset")));
    assert!(s.unsubscriptions_page(None, 0, 0).is_err_and(|e| e.to_string().contains("limit")));
}

#[test]
fn invoice_requests_page_open_first_soonest_due_then_newest_issued_with_the_total() {
    let s = store();
    let now = time::parse_datetime("2026-10-26T10:00:00").expect("t");
    let first = s.invoice_requests_page(None, now, 0, 10).expect("page");
    assert_eq!((first.total, first.offset, first.rows.len()), (25, 0, 10));
    let ids: Vec<&str> = first.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids[..4], ["IR01", "IR02", "IR04", "IR05"], "the soonest due first");
    let last = s.invoice_requests_page(None, now, 20, 10).expect("last page");
    assert_eq!((last.total, last.rows.len()), (25, 5));
    let ids: Vec<&str> = last.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["IR15", "IR12", "IR09", "IR06", "IR03"], "then the issued ones, newest first");
    let issued = s.invoice_requests_page(Some("issued"), now, 0, 3).expect("issued");
    assert_eq!((issued.total, issued.rows.len()), (8, 3));
    assert_eq!(issued.rows[0].id, "IR24");
}

/// A status or rule the build cannot read is reported with its column, never shown as some default.
#[test]
fn a_stored_status_or_rule_outside_its_vocabulary_is_damaged_data() {
    let s = store();
    s.connection().execute("UPDATE unsubscriptions SET status = 'lost' WHERE id = 'DU01'", []).expect("damage");
    let e = s.unsubscriptions_page(None, 0, 100).expect_err("damaged").to_string();
    assert!(e.contains("unsubscriptions.status") && e.contains("lost"), "{e}");
    s.connection()
        .execute("UPDATE unsubscriptions SET status = 'pending', rule = 'haggle' WHERE id = 'DU01'", [])
        .expect("d");
    let e = s.unsubscriptions_page(None, 0, 100).expect_err("damaged").to_string();
    assert!(e.contains("unsubscriptions.rule") && e.contains("haggle"), "{e}");
    s.connection().execute("UPDATE invoice_requests SET status = 'void' WHERE id = 'IR01'", []).expect("damage");
    let now = time::parse_datetime("2026-10-26T10:00:00").expect("t");
    let e = s.invoice_requests_page(None, now, 0, 100).expect_err("damaged").to_string();
    assert!(e.contains("invoice_requests.status") && e.contains("void"), "{e}");
}
