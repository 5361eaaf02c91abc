//! The imported settlement exports read back for the Settlement screen [KG §5]: bills newest period first with
//! their lines' count and amount, one bill's lines, and transactions filtered by period and bill status, paged,
//! newest first, with exact amounts.

use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{BillLineRecord, BillRecord, BillStatus, Records, TransactionRecord};
use koodesk_domain::time;
use koodesk_store::settlement_exports::TransactionFilter;
use koodesk_store::{Store, StoreError};

fn tx(order_id: &str, created: Option<&str>, fen: i64, period: &str, status: Option<BillStatus>) -> TransactionRecord {
    TransactionRecord {
        order_id: order_id.into(),
        order_line_id: None,
        product_name: Some("云客服 SaaS 版".into()),
        buyer_account: Some("hz_buyer".into()),
        created_at: created.map(|c| time::parse_datetime(c).expect("time")),
        amount: Cny::from_fen(fen),
        period: Some(period.parse().expect("period")),
        bill_status: status,
        supervision_status: Some("服务监管中".into()),
        repayment_status: Some("已还款".into()),
    }
}

fn bill(id: Option<&str>, period: &str, fen: i64) -> BillRecord {
    BillRecord {
        bill_id: id.map(str::to_string),
        period: period.parse().expect("period"),
        amount: Cny::from_fen(fen),
        platform_fee: Some(Cny::from_fen(fen / 20)),
        merchant_share: Some(Cny::from_fen(fen - fen / 20)),
        status: Some("已结算".into()),
    }
}

fn line(period: &str, bill_id: Option<&str>, order_id: &str, fen: i64) -> BillLineRecord {
    BillLineRecord {
        period: period.parse().expect("period"),
        bill_id: bill_id.map(str::to_string),
        order_id: order_id.into(),
        order_line_id: Some(format!("{order_id}-1")),
        product_name: Some("云客服 SaaS 版".into()),
        amount: Cny::from_fen(fen),
        platform_fee: None,
        merchant_share: None,
    }
}

fn imported() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    let bills = Records::Bills(vec![
        bill(Some("B202609"), "2026-09", 50_000),
        bill(None, "2026-10", 100_000),
        bill(Some("B202608"), "2026-08", 1),
    ]);
    s.import_records(&bills, 1_700_000_000, false).expect("bills");
    let lines = Records::BillLines(vec![
        // 2026-10's bill has no ID: its lines are those of its period.
        line("2026-10", None, "CS1", 60_000),
        line("2026-10", None, "CS2", 40_050),
        line("2026-10", None, "CS3", -50),
        // B202609's lines carry its ID.
        line("2026-09", Some("B202609"), "CS4", 50_000),
    ]);
    s.import_records(&lines, 1_700_000_000, false).expect("lines");
    let txs = Records::Transactions(vec![
        tx("CS1", Some("2026-10-03 09:00:00"), 60_000, "2026-10", Some(BillStatus::Billed)),
        tx("CS2", Some("2026-10-20 18:30:00"), 40_050, "2026-10", Some(BillStatus::Billed)),
        tx("CS5", Some("2026-11-02 08:00:00"), 12_345, "2026-11", Some(BillStatus::Waiting)),
        tx("CS6", None, 99, "2026-11", None),
        tx("CS4", Some("2026-09-15 12:00:00"), 50_000, "2026-09", Some(BillStatus::Billed)),
    ]);
    s.import_records(&txs, 1_700_000_000, false).expect("transactions");
    s
}

#[test]
fn bills_come_newest_period_first_with_their_lines_count_and_amount() {
    let s = imported();
    let bills = s.imported_bills().expect("bills");
    let periods: Vec<&str> = bills.iter().map(|b| b.period.as_str()).collect();
    assert_eq!(periods, ["2026-10", "2026-09", "2026-08"]);
    let oct = &bills[0];
    assert_eq!((oct.bill_key.as_str(), oct.bill_id.as_deref()), ("2026-10", None));
    assert_eq!(oct.amount.to_string(), "1000.00");
    assert_eq!(oct.platform_fee.map(|c| c.to_string()).as_deref(), Some("50.00"));
    assert_eq!(oct.merchant_share.map(|c| c.to_string()).as_deref(), Some("950.00"));
    assert_eq!(oct.status.as_deref(), Some("已结算"));
    assert_eq!(oct.line_count, 3);
    assert_eq!(oct.lines_amount, Cny::from_fen(100_000), "600.00 + 400.50 - 0.50, in fen");
    let sep = &bills[1];
    assert_eq!((sep.line_count, sep.lines_amount.to_string()), (1, "500.00".to_string()));
    assert_eq!(sep.imported_at, "2023-11-15T06:13:20+08:00");
    let aug = &bills[2];
    assert_eq!((aug.line_count, aug.lines_amount), (0, Cny::ZERO), "a bill without imported lines");
    assert_eq!(aug.amount.to_string(), "0.01");
}

#[test]
fn one_bill_lists_its_own_lines() {
    let s = imported();
    let oct = s.imported_bill_lines("2026-10").expect("lines");
    let ids: Vec<&str> = oct.iter().map(|l| l.order_id.as_str()).collect();
    assert_eq!(ids, ["CS1", "CS2", "CS3"]);
    assert_eq!(oct[1].amount.to_string(), "400.50");
    assert_eq!(oct[2].amount.to_string(), "-0.50");
    assert_eq!(oct[0].order_line_id, "CS1-1");
    let sep = s.imported_bill_lines("B202609").expect("lines");
    assert_eq!(sep.len(), 1);
    assert_eq!(sep[0].bill_id.as_deref(), Some("B202609"));
    assert!(s.imported_bill_lines("B202608").expect("lines").is_empty());
    assert!(matches!(s.imported_bill_lines("NOPE"), Err(StoreError::NotFound(_))));
}

#[test]
fn transactions_are_newest_first_filtered_and_paged() {
    let s = imported();
    let all = s.imported_transactions(&TransactionFilter::default(), 0, 100).expect("all");
    let ids: Vec<&str> = all.rows.iter().map(|t| t.order_id.as_str()).collect();
    assert_eq!(ids, ["CS5", "CS2", "CS1", "CS4", "CS6"], "newest first; a row without a time last");
    assert_eq!(all.total, 5);
    assert_eq!(all.amount.to_string(), "1624.94");
    assert_eq!(all.periods, ["2026-11", "2026-10", "2026-09"]);
    let first = &all.rows[0];
    assert_eq!(first.created_at.as_deref(), Some("2026-11-02T08:00:00+08:00"));
    assert_eq!(first.amount.to_string(), "123.45");
    assert_eq!(first.bill_status.as_deref(), Some("waiting"));
    assert_eq!(first.supervision_status.as_deref(), Some("服务监管中"));
    assert_eq!(first.repayment_status.as_deref(), Some("已还款"));
    assert_eq!(all.rows[4].bill_status, None);

    let oct = TransactionFilter { period: Some("2026-10".into()), bill_status: None };
    let page = s.imported_transactions(&oct, 0, 100).expect("october");
    assert_eq!(page.rows.iter().map(|t| t.order_id.as_str()).collect::<Vec<_>>(), ["CS2", "CS1"]);
    assert_eq!((page.total, page.amount.to_string()), (2, "1000.50".to_string()));
    assert_eq!(page.periods.len(), 3, "the filter's choices do not shrink with the filter");

    let billed = TransactionFilter { period: None, bill_status: Some("billed".into()) };
    let page = s.imported_transactions(&billed, 0, 2).expect("billed");
    assert_eq!(page.rows.iter().map(|t| t.order_id.as_str()).collect::<Vec<_>>(), ["CS2", "CS1"]);
    assert_eq!((page.total, page.amount.to_string()), (3, "1500.50".to_string()), "the total is the whole set's");
    let next = s.imported_transactions(&billed, 2, 2).expect("next page");
    assert_eq!(next.rows.iter().map(|t| t.order_id.as_str()).collect::<Vec<_>>(), ["CS4"]);

    let both = TransactionFilter { period: Some("2026-11".into()), bill_status: Some("waiting".into()) };
    let page = s.imported_transactions(&both, 0, 10).expect("both");
    assert_eq!(page.rows.iter().map(|t| t.order_id.as_str()).collect::<Vec<_>>(), ["CS5"]);
    let empty = TransactionFilter { period: Some(String::new()), bill_status: Some(String::new()) };
    assert_eq!(s.imported_transactions(&empty, 0, 10).expect("empty").total, 5, "empty fields filter nothing");
}

#[test]
fn a_bad_filter_or_page_is_refused_naming_it() {
    let s = imported();
    let bad_period = TransactionFilter { period: Some("2026/10".into()), bill_status: None };
    let e = s.imported_transactions(&bad_period, 0, 10).expect_err("period");
    assert!(e.to_string().contains("period `2026/10`"), "{e}");
    let bad_status = TransactionFilter { period: None, bill_status: Some("已出账".into()) };
    let e = s.imported_transactions(&bad_status, 0, 10).expect_err("status");
    assert!(e.to_string().contains("bill status `已出账`"), "{e}");
    assert!(s.imported_transactions(&TransactionFilter::default(), 0, 0).is_err());
    assert!(s.imported_transactions(&TransactionFilter::default(), 0, 1001).is_err());
    assert!(s.imported_transactions(&TransactionFilter::default(), -1, 10).is_err());
}

#[test]
fn nothing_imported_reads_empty() {
    let s = Store::open_in_memory().expect("store");
    assert!(s.imported_bills().expect("bills").is_empty());
    let page = s.imported_transactions(&TransactionFilter::default(), 0, 100).expect("transactions");
    assert_eq!((page.total, page.amount, page.rows.len(), page.periods.len()), (0, Cny::ZERO, 0, 0));
}
