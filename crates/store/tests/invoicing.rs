//! Invoicing in the store: drafting every open request of a demo store (or refusing it by a named rule), issuing
//! with a gap-free series under concurrency, frozen issued invoices, numbers from the tax system, red letters.

use std::collections::BTreeSet;
use std::path::PathBuf;

use koodesk_domain::invoice::RedLetterReason;
use koodesk_domain::time::{self, Instant};
use koodesk_store::outbox::ActionStatus;
use koodesk_store::{Store, StoreError};

fn now() -> Instant {
    time::parse_datetime("2026-11-29T10:00:00").expect("now")
}

fn demo_file(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("koodesk-invoicing-{}-{name}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut s = Store::open(&path).expect("store");
    koodesk_store::demo::write(&mut s, 6_000, 3, now()).expect("demo");
    path
}

fn open_requests(s: &Store) -> Vec<String> {
    let mut stmt =
        s.connection().prepare("SELECT id FROM invoice_requests WHERE status = 'requested' ORDER BY id").expect("sql");
    stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids")
}

/// Drafts every open request; returns the IDs of the drafts made.
fn draft_all(s: &mut Store) -> (Vec<String>, Vec<String>) {
    let (mut drafts, mut refusals) = (Vec::new(), Vec::new());
    for id in open_requests(s) {
        match s.draft_request(&id, now()) {
            Ok(recs) => {
                let source = s.invoice_source(&id).expect("source");
                let total: koodesk_domain::money::Cny = recs.iter().map(|r| r.draft.total_gross).sum();
                assert_eq!(total, source.amount, "request {id}: the drafts carry the full amount");
                drafts.extend(recs.into_iter().map(|r| r.id));
            }
            Err(StoreError::Invalid(m)) => refusals.push(m),
            Err(e) => panic!("request {id}: {e}"),
        }
    }
    (drafts, refusals)
}

#[test]
fn every_open_request_drafts_or_is_refused_by_a_named_rule() {
    let path = demo_file("all");
    let mut s = Store::open(&path).expect("store");
    let (drafts, refusals) = draft_all(&mut s);
    assert!(drafts.len() > 10, "{} drafts", drafts.len());
    for m in &refusals {
        assert!(m.contains("§2") || m.contains("buyer.taxpayer_id"), "a refusal names its rule: {m}");
    }
    let rec = s.invoice(&drafts[0]).expect("draft");
    assert_eq!(rec.state, "draft");
    assert!(rec.draft.lines.iter().all(|l| l.tax_code.len() == 19));
    // Drafting again replaces the drafts, it does not add to them.
    let request = rec.request_id.clone().expect("request");
    let before = s.invoices_of(&request).expect("list").len();
    s.draft_request(&request, now()).expect("redraft");
    assert_eq!(s.invoices_of(&request).expect("list").len(), before);
}

#[test]
fn issuing_numbers_freezes_and_queues() {
    let path = demo_file("issue");
    let mut s = Store::open(&path).expect("store");
    let (drafts, _) = draft_all(&mut s);
    let first = s.issue_invoice(&drafts[0], "张三", now()).expect("issued");
    assert_eq!(first.state, "issued");
    assert_eq!(first.number.as_deref(), Some("26110000000000000001"));
    assert_eq!(first.issued_by.as_deref(), Some("张三"));

    // Frozen: no edit through the store, nor through SQL, nor a second issue.
    let mut changed = first.draft.clone();
    changed.remarks = "changed".into();
    let e = s.edit_draft(&first.id, &changed).expect_err("frozen");
    assert!(e.to_string().contains("cannot be changed"), "{e}");
    let sql = s.connection().execute("UPDATE invoices SET document = '{}' WHERE id = ?1", [&first.id]);
    assert!(sql.is_err(), "the trigger refuses it");
    assert!(s.issue_invoice(&first.id, "李四", now()).is_err());
    assert_eq!(s.invoice(&first.id).expect("read"), first, "nothing changed");

    // KooGallery hears of a request once, when its last draft (one per rate) is issued.
    let request = first.request_id.clone().expect("request");
    let open: Vec<String> =
        s.invoices_of(&request).expect("list").into_iter().filter(|i| i.state == "draft").map(|i| i.id).collect();
    let told = |s: &Store| {
        s.actions(ActionStatus::Pending).expect("outbox").into_iter().filter(|a| a.target == request).count()
    };
    assert_eq!(told(&s), usize::from(open.is_empty()));
    for id in &open {
        s.issue_invoice(id, "张三", now()).expect("issued");
    }
    assert_eq!(told(&s), 1, "told once");
    let left: Vec<String> = drafts.iter().filter(|d| s.invoice(d).expect("read").state == "draft").cloned().collect();
    assert!(s.issue_invoice(&left[0], " ", now()).is_err(), "who issues is required");

    // A number from the tax system: checked and unique.
    let rec = s.record_invoice_number(&left[0], "26440000000000012345", "王五", now()).expect("recorded");
    assert_eq!(rec.number.as_deref(), Some("26440000000000012345"));
    assert!(s.record_invoice_number(&left[1], "26440000000000012345", "王五", now()).is_err(), "unique");
    assert!(s.record_invoice_number(&left[1], "2644", "王五", now()).is_err(), "20 digits");
    // The series skipped nothing for the recorded one.
    let next = s.issue_invoice(&left[1], "张三", now()).expect("issued").number.expect("number");
    assert_eq!(next, format!("2611000000{:010}", 1 + open.len() + 1));
}

#[test]
fn many_threads_issuing_at_once_leave_no_gaps_and_no_duplicates() {
    let path = demo_file("threads");
    let drafts = {
        let mut s = Store::open(&path).expect("store");
        draft_all(&mut s).0
    };
    assert!(drafts.len() >= 16, "{} drafts", drafts.len());
    let threads = 8;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let path = path.clone();
            let mine: Vec<String> = drafts.iter().skip(t).step_by(threads).cloned().collect();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).expect("store");
                mine.iter()
                    .map(|id| s.issue_invoice(id, &format!("thread-{t}"), now()).expect("issued").number.expect("n"))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let numbers: Vec<String> = handles.into_iter().flat_map(|h| h.join().expect("thread")).collect();
    let unique: BTreeSet<&String> = numbers.iter().collect();
    assert_eq!(unique.len(), drafts.len(), "no duplicates");
    let sequences: Vec<u64> = unique.iter().map(|n| n[10..].parse().expect("digits")).collect();
    assert_eq!(sequences, (1..=drafts.len() as u64).collect::<Vec<_>>(), "no gaps");
}

#[test]
fn a_red_letter_reverses_an_issued_invoice_within_72_hours() {
    let path = demo_file("red");
    let mut s = Store::open(&path).expect("store");
    let (drafts, _) = draft_all(&mut s);
    assert!(s.red_letter(&drafts[0], RedLetterReason::ServiceTerminated, now()).is_err(), "a draft has no red letter");
    let issued = s.issue_invoice(&drafts[0], "张三", now()).expect("issued");
    let red = s.red_letter(&issued.id, RedLetterReason::ServiceTerminated, now()).expect("red");
    assert_eq!(red.red_of.as_deref(), Some(issued.id.as_str()));
    assert_eq!(red.red_reason.as_deref(), Some("服务终止"));
    assert_eq!(red.red_lapses_at.as_deref(), Some("2026-12-02T10:00:00+08:00"));
    assert_eq!(red.draft.total_gross, -issued.draft.total_gross);
    let again = s.red_letter(&issued.id, RedLetterReason::InvoicingError, now()).expect_err("one waiting form");
    assert!(again.to_string().contains("waiting for confirmation"), "{again}");
    // After 72 h unconfirmed it lapsed: a new form may be raised.
    let later = now() + chrono::Duration::hours(73);
    let red = s.red_letter(&issued.id, RedLetterReason::InvoicingError, later).expect("new form");
    assert_eq!(red.red_reason.as_deref(), Some("开票有误"));
    let issued_red = s.issue_invoice(&red.id, "张三", later).expect("issued red");
    assert_eq!(issued_red.number.as_deref(), Some("26110000000000000002"));
    assert!(s.red_letter(&red.id, RedLetterReason::InvoicingError, later).is_err(), "no red letter of a red letter");
    assert!(s.red_letter(&issued.id, RedLetterReason::InvoicingError, later).is_err(), "already reversed");
}
