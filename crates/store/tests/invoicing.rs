//! Invoicing in the store: drafting every open request of a demo store (or refusing it by a named rule), issuing
//! with a gap-free series under concurrency, frozen issued invoices, numbers from the tax system, red letters.

use std::collections::BTreeSet;
use std::path::PathBuf;

use koodesk_domain::invoice::RedLetterReason;
use koodesk_domain::time::{self, Instant};
use koodesk_store::invoice_batches::OrderChoice;
use koodesk_store::outbox::ActionStatus;
use koodesk_store::{Store, StoreError};

fn now() -> Instant {
    time::parse_datetime("2026-11-29T10:00:00").expect("now")
}

fn demo_file(name: &str) -> PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("koodesk-invoicing-{}-{name}.db", std::process::id()));
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
            Err(StoreError::Invalid(m)) => refusals.push(m.message),
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

/// A buyer with at least `n` orders free to invoice, of the given kind; their free order IDs.
fn buyer_with_free_orders(s: &Store, kind: &str, n: usize) -> (String, Vec<String>) {
    let mut stmt = s
        .connection()
        .prepare(
            "SELECT o.buyer_id FROM orders o JOIN buyers b ON b.buyer_id = o.buyer_id WHERE b.kind = ?1
              GROUP BY o.buyer_id HAVING count(*) >= ?2 ORDER BY count(*) DESC",
        )
        .expect("sql");
    let ids: Vec<String> = stmt
        .query_map(rusqlite::params![kind, n as i64], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    for b in ids {
        let free: Vec<String> = s
            .orders_to_invoice(&b, 500)
            .expect("orders")
            .into_iter()
            .filter(|o| o.blocked.is_none())
            .map(|o| o.order_id)
            .collect();
        if free.len() >= n {
            return (b, free);
        }
    }
    panic!("no {kind} buyer with {n} orders free to invoice in the demo store");
}

fn choice(batch: Option<&str>, orders: &[String], kind: &str, medium: &str) -> OrderChoice {
    OrderChoice {
        batch_id: batch.map(str::to_string),
        order_ids: orders.to_vec(),
        kind: kind.into(),
        medium: medium.into(),
    }
}

fn invalid(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(m)) => m.message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn several_orders_of_one_buyer_draft_as_a_batch_without_a_request() {
    let path = demo_file("batch");
    let mut s = Store::open(&path).expect("store");
    let (buyer, free) = buyer_with_free_orders(&s, "person", 3);
    let picked = free[..3].to_vec();
    let amounts: koodesk_domain::money::Cny = s
        .orders_to_invoice(&buyer, 500)
        .expect("orders")
        .iter()
        .filter(|o| picked.contains(&o.order_id))
        .map(|o| o.amount)
        .sum();

    // The preview: drafts with the full amounts, one per rate, and nothing saved.
    let preview = s.preview_orders(&choice(None, &picked, "ordinary", "paper"), now()).expect("preview");
    assert_eq!(preview.iter().map(|d| d.total_gross).sum::<koodesk_domain::money::Cny>(), amounts);
    let mut rates: Vec<_> = preview.iter().map(|d| d.rate).collect();
    rates.dedup();
    assert_eq!(rates.len(), preview.len(), "one draft per rate");
    assert!(preview.iter().all(|d| !d.total_gross_words.is_empty() && d.due_at == "2026-12-06T10:00:00+08:00"));
    assert!(s.batch_invoices(100).expect("batches").is_empty(), "a preview saves nothing");

    // The rules of a request apply: 专票 only for an enterprise [KG §2].
    let m = invalid(s.preview_orders(&choice(None, &picked, "special", "paper"), now()));
    assert!(m.contains("§2"), "{m}");
    // Bad input names its field.
    assert!(invalid(s.preview_orders(&choice(None, &picked, "vip", "paper"), now())).starts_with("kind `vip`"));
    assert!(invalid(s.preview_orders(&choice(None, &[], "ordinary", "paper"), now())).starts_with("order_ids"));

    // Saved as batch M20261129-001: drafts one per rate, carrying the batch's ID, no request.
    let saved = s.draft_orders(&choice(None, &picked, "ordinary", "paper"), now()).expect("drafted");
    assert_eq!(saved.len(), preview.len());
    for r in &saved {
        assert_eq!(r.batch_id.as_deref(), Some("M20261129-001"));
        assert_eq!(r.request_id, None);
        assert_eq!(r.draft.request_id, "M20261129-001");
        assert!(r.id.starts_with("M20261129-001-"), "{}", r.id);
    }
    // The chosen orders are now on a draft: listed as blocked, and refused to another batch.
    let listed = s.orders_to_invoice(&buyer, 500).expect("orders");
    for o in listed.iter().filter(|o| picked.contains(&o.order_id)) {
        assert!(o.blocked.as_deref().is_some_and(|b| b.contains("already on draft M20261129-001")), "{o:?}");
    }
    let m = invalid(s.draft_orders(&choice(None, &picked[..1], "ordinary", "paper"), now()));
    assert!(m.contains(&format!("order {} is already on draft M20261129-001", picked[0])), "{m}");

    // Redrafting the batch with fewer orders replaces its drafts and frees the order left out.
    let redrafted =
        s.draft_orders(&choice(Some("M20261129-001"), &picked[..2], "ordinary", "paper"), now()).expect("redraft");
    assert!(redrafted.iter().all(|r| r.batch_id.as_deref() == Some("M20261129-001")));
    assert!(redrafted.iter().all(|r| !r.draft.lines.iter().any(|l| l.order_id == picked[2])));
    let second = s.draft_orders(&choice(None, &picked[2..3], "ordinary", "fully-digital"), now()).expect("second");
    assert_eq!(second[0].batch_id.as_deref(), Some("M20261129-002"));

    // Issuing a batch invoice numbers it like any other, and queues nothing for KooGallery (it has no request).
    let queued = s.actions(ActionStatus::Pending).expect("outbox").len();
    let issued = s.issue_invoice(&redrafted[0].id, "张三", now()).expect("issued");
    assert_eq!(issued.number.as_deref(), Some("26110000000000000001"));
    assert_eq!(s.actions(ActionStatus::Pending).expect("outbox").len(), queued);
    assert!(invalid(s.discard_draft(&issued.id)).contains("never discarded"));

    // Discarding a draft frees its orders.
    s.discard_draft(&second[0].id).expect("discard");
    assert!(s
        .orders_to_invoice(&buyer, 500)
        .expect("orders")
        .iter()
        .any(|o| o.order_id == picked[2] && o.blocked.is_none()));

    // An issued invoice's orders are taken until a red letter against it is issued.
    let on_issued = issued.draft.lines[0].order_id.clone();
    let m = invalid(s.draft_orders(&choice(None, std::slice::from_ref(&on_issued), "ordinary", "paper"), now()));
    assert!(m.contains("already invoiced") && m.contains("26110000000000000001"), "{m}");
    let red = s.red_letter(&issued.id, RedLetterReason::ServiceTerminated, now()).expect("red");
    assert!(
        s.draft_orders(&choice(None, std::slice::from_ref(&on_issued), "ordinary", "paper"), now()).is_err(),
        "not until issued"
    );
    s.issue_invoice(&red.id, "张三", now()).expect("red issued");
    assert_eq!(s.invoices_of_batch("M20261129-001").expect("batch").iter().filter(|r| r.red_of.is_some()).count(), 1);
    s.draft_orders(&choice(None, &[on_issued], "ordinary", "paper"), now()).expect("free again after the red letter");
}

#[test]
fn a_batch_takes_one_buyer_and_no_order_a_request_covers() {
    let path = demo_file("batch-rules");
    let mut s = Store::open(&path).expect("store");
    let (a, free_a) = buyer_with_free_orders(&s, "person", 1);
    let (_, free_b) = buyer_with_free_orders(&s, "enterprise", 1);
    let m =
        invalid(s.preview_orders(&choice(None, &[free_a[0].clone(), free_b[0].clone()], "ordinary", "paper"), now()));
    assert!(m.contains("one invoice is made out to one buyer"), "{m}");
    let _ = a;

    // An order in a KooGallery request is drafted from the request.
    let (request, order): (String, String) = s
        .connection()
        .query_row("SELECT request_id, order_id FROM invoice_request_orders LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("a request");
    let m = invalid(s.preview_orders(&choice(None, std::slice::from_ref(&order), "ordinary", "paper"), now()));
    assert!(m.contains(&format!("request {request}")), "{m}");

    // The other way round: an order on a batch's issued invoice, then asked for through KooGallery, is refused
    // by the request's drafting, naming the invoice.
    let saved = s.draft_orders(&choice(None, &free_b[..1], "ordinary", "paper"), now()).expect("batch");
    let issued = s.issue_invoice(&saved[0].id, "张三", now()).expect("issued");
    s.connection()
        .execute_batch(&format!(
            "INSERT INTO invoice_requests (id, requested_ts, kind, medium, title_kind, title_name, title_taxpayer_id,
               amount_fen, status, invoice_number, issued_ts, seq)
             SELECT 'IR-LATE', 1795000000, 'ordinary', 'electronic', b.kind, b.name, b.taxpayer_id, o.amount_fen,
                    'requested', NULL, NULL, 999999
               FROM orders o JOIN buyers b ON b.buyer_id = o.buyer_id WHERE o.order_id = '{o}';
             INSERT INTO invoice_request_orders VALUES ('IR-LATE', '{o}');",
            o = free_b[0]
        ))
        .expect("late request");
    let m = invalid(s.draft_request("IR-LATE", now()));
    assert!(m.contains("already invoiced") && m.contains(issued.number.as_deref().expect("number")), "{m}");
}

#[test]
fn the_buyer_search_finds_by_name_or_id() {
    let path = demo_file("buyers");
    let s = Store::open(&path).expect("store");
    let (id, name): (String, String) = s
        .connection()
        .query_row("SELECT buyer_id, name FROM buyers LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("b");
    let by_id = s.invoice_buyers_matching(&id, 20).expect("search");
    assert_eq!(by_id[0].buyer_id, id, "an exact ID comes first");
    let part: String = name.chars().take(2).collect();
    assert!(s.invoice_buyers_matching(&part, 20).expect("search").iter().all(|b| b.name.contains(&part)));
    assert!(s.invoice_buyers_matching("%", 20).expect("search").iter().all(|b| b.name.contains('%')), "% is literal");
}
