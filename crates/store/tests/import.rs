//! The Seller Console's exports in the store: keyed rows that update and never duplicate, dry runs that change
//! nothing, feed orders an import never overwrites, and imported orders in the dashboard like synced ones.

mod support;

use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{
    BillLineRecord, BillRecord, BillStatus, OrderRecord, OrderState, OrderType, Records, TransactionRecord,
};
use koodesk_domain::time;
use koodesk_protocol::feed::Kind;
use koodesk_store::import::{ImportCounts, OrderSource};
use koodesk_store::Store;
use rust_decimal::Decimal;
use support::*;

fn rec(order_id: &str, line: Option<&str>, yuan: &str, status: OrderState) -> OrderRecord {
    OrderRecord {
        order_id: order_id.into(),
        order_line_id: line.map(str::to_string),
        buyer_name: Some("杭州某某科技有限公司".into()),
        buyer_account: Some("hz_buyer".into()),
        product_name: "云客服 SaaS 版".into(),
        product_id: None,
        sku: Some("标准版".into()),
        created_at: time::parse_datetime("2026-11-03 14:02:11").expect("t"),
        paid_at: None,
        status,
        order_type: OrderType::New,
        billing_mode: BillingMode::Period,
        access_type: AccessType::Saas,
        amount: Cny::exact(yuan.parse::<Decimal>().expect("amount")).expect("cny"),
    }
}

fn counts(imported: usize, updated: usize, unchanged: usize) -> ImportCounts {
    ImportCounts { imported, updated, unchanged }
}

fn order_count(s: &Store) -> i64 {
    s.connection().query_row("SELECT count(*) FROM orders", [], |r| r.get(0)).expect("count")
}

#[test]
fn reimporting_updates_what_changed_and_never_duplicates() {
    let mut s = Store::open_in_memory().expect("store");
    let first = Records::Orders(vec![
        rec("CS1", None, "100.00", OrderState::Completed),
        rec("CS2", Some("CS2-1"), "60.00", OrderState::InProgress),
        rec("CS2", Some("CS2-2"), "40.50", OrderState::InProgress),
    ]);
    assert_eq!(s.import_records(&first, 1, false).expect("import"), counts(3, 0, 0));
    assert_eq!(s.import_records(&first, 2, false).expect("again"), counts(0, 0, 3), "the same file changes nothing");
    // An overlapping file: CS2's second line changed, CS3 is new, CS1 is not in it (and stays).
    let overlap = Records::Orders(vec![
        rec("CS2", Some("CS2-1"), "60.00", OrderState::InProgress),
        rec("CS2", Some("CS2-2"), "45.00", OrderState::InProgress),
        rec("CS3", None, "9.90", OrderState::Refunded),
    ]);
    assert_eq!(s.import_records(&overlap, 3, false).expect("overlap"), counts(1, 1, 1));
    assert_eq!(order_count(&s), 3, "an import never deletes and never duplicates");
    let amount: i64 = s
        .connection()
        .query_row("SELECT amount_fen FROM orders WHERE order_id = 'CS2'", [], |r| r.get(0))
        .expect("amount");
    assert_eq!(amount, 10_500, "an order's amount is the sum of its lines");
    let listed = s.order_listing(Some(OrderSource::Import)).expect("listing");
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|o| o.source == "import" && o.access_type == "saas" && o.billing_mode == "period"));
    assert!(s.order_listing(Some(OrderSource::Sandbox)).expect("listing").is_empty());
}

#[test]
fn a_dry_run_counts_and_changes_nothing() {
    let mut s = Store::open_in_memory().expect("store");
    let file = Records::Orders(vec![rec("CS1", None, "100.00", OrderState::Completed)]);
    assert_eq!(s.import_records(&file, 1, true).expect("dry run"), counts(1, 0, 0));
    assert_eq!(order_count(&s), 0);
    let products: i64 = s.connection().query_row("SELECT count(*) FROM products", [], |r| r.get(0)).expect("n");
    assert_eq!(products, 0, "not even the product is left behind");
}

#[test]
fn imported_orders_count_in_the_dashboard_like_synced_ones() {
    let mut s = Store::open_in_memory().expect("store");
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let file = Records::Orders(vec![
        rec("CS1", None, "100.00", OrderState::Completed),
        rec("CS2", None, "50.00", OrderState::Refunded),
    ]);
    s.import_records(&file, 1, false).expect("import");
    let d = s.dashboard(now).expect("dashboard");
    assert_eq!(d.orders, 2);
    assert_eq!(d.revenue, Cny::from_fen(10_000), "a refunded order brings no revenue");
    assert_eq!(d.by_access_type.len(), 1);
    assert_eq!(d.by_access_type[0].key.as_str(), "saas");
    assert_eq!(d.tax_by_rate.len(), 1, "the tax of imported orders is computed by access type and billing mode");
}

#[test]
fn an_order_a_feed_brought_is_never_overwritten_and_the_feed_replaces_an_import() {
    let mut s = Store::open_in_memory().expect("store");
    s.set_connection_mode(koodesk_store::meta::ConnectionMode::Gateway).expect("connection");
    let synced = order("CS1", "2026-11-01T10:00:00+08:00", AccessType::Saas, BillingMode::Period, 12_300);
    s.apply_page(Kind::Orders, &page(vec![synced], "orders.1"), 0).expect("feed");
    let file = Records::Orders(vec![
        rec("CS1", None, "1.00", OrderState::Refunded),
        rec("CS9", None, "9.00", OrderState::Completed),
    ]);
    assert_eq!(s.import_records(&file, 1, false).expect("import"), counts(1, 0, 1));
    let (amount, status, source): (i64, String, String) = s
        .connection()
        .query_row("SELECT amount_fen, status, source FROM orders WHERE order_id = 'CS1'", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("CS1");
    assert_eq!((amount, source.as_str()), (12_300, "gateway"), "the feed's order is the marketplace's record");
    assert_ne!(status, "refunded");
    // The feed later brings CS9: its row replaces the imported one.
    let mut later = order("CS9", "2026-11-02T10:00:00+08:00", AccessType::Saas, BillingMode::Period, 900);
    later.seq = 2;
    s.apply_page(Kind::Orders, &page(vec![later], "orders.2"), 0).expect("feed");
    let source: String =
        s.connection().query_row("SELECT source FROM orders WHERE order_id = 'CS9'", [], |r| r.get(0)).expect("CS9");
    assert_eq!(source, "gateway");
    let lines: Vec<String> = s
        .connection()
        .prepare("SELECT order_line_id FROM order_lines WHERE order_id = 'CS9'")
        .expect("sql")
        .query_map([], |r| r.get(0))
        .expect("lines")
        .collect::<Result<_, _>>()
        .expect("lines");
    assert_eq!(lines, vec!["CS9-000001".to_string()], "the imported line goes with the imported row");
}

#[test]
fn transactions_bills_and_bill_lines_are_keyed_and_updated() {
    let mut s = Store::open_in_memory().expect("store");
    let tx = |status: BillStatus| TransactionRecord {
        order_id: "CS1".into(),
        order_line_id: None,
        product_name: Some("云客服".into()),
        buyer_account: None,
        created_at: None,
        amount: Cny::from_fen(10_000),
        period: Some("2026-11".parse().expect("period")),
        bill_status: Some(status),
        supervision_status: Some("服务监管中".into()),
        repayment_status: None,
    };
    let t = s.import_records(&Records::Transactions(vec![tx(BillStatus::Waiting)]), 1, false).expect("import");
    assert_eq!(t, counts(1, 0, 0));
    let t = s.import_records(&Records::Transactions(vec![tx(BillStatus::Billed)]), 2, false).expect("import");
    assert_eq!(t, counts(0, 1, 0));
    let status: String =
        s.connection().query_row("SELECT bill_status FROM seller_transactions", [], |r| r.get(0)).expect("status");
    assert_eq!(status, "billed");

    let bill = BillRecord {
        bill_id: None,
        period: "2026-10".parse().expect("period"),
        amount: Cny::from_fen(100_000),
        platform_fee: Some(Cny::from_fen(3_000)),
        merchant_share: Some(Cny::from_fen(97_000)),
        status: Some("已结算".into()),
    };
    assert_eq!(s.import_records(&Records::Bills(vec![bill.clone()]), 1, false).expect("bills"), counts(1, 0, 0));
    assert_eq!(s.import_records(&Records::Bills(vec![bill]), 2, false).expect("bills"), counts(0, 0, 1));

    let line = |order_id: &str| BillLineRecord {
        period: "2026-10".parse().expect("period"),
        bill_id: None,
        order_id: order_id.into(),
        order_line_id: None,
        product_name: None,
        amount: Cny::from_fen(-500),
        platform_fee: None,
        merchant_share: None,
    };
    let l = s.import_records(&Records::BillLines(vec![line("CS1"), line("CS2")]), 1, false).expect("lines");
    assert_eq!(l, counts(2, 0, 0));
    let l = s.import_records(&Records::BillLines(vec![line("CS2"), line("CS3")]), 1, false).expect("lines");
    assert_eq!(l, counts(1, 0, 1));
}

#[test]
fn the_confirmed_mapping_is_remembered_per_export() {
    use koodesk_domain::seller_export::ExportKind;
    let mut s = Store::open_in_memory().expect("store");
    assert_eq!(s.import_mapping(ExportKind::Orders).expect("read"), None);
    s.set_import_mapping(ExportKind::Orders, "单号=order_id").expect("write");
    assert_eq!(s.import_mapping(ExportKind::Orders).expect("read").as_deref(), Some("单号=order_id"));
    assert_eq!(s.import_mapping(ExportKind::Bills).expect("read"), None);
}

#[test]
fn a_lookup_replaces_an_import_and_an_import_never_replaces_a_lookup() {
    let mut s = Store::open_in_memory().expect("store");
    let file = Records::Orders(vec![rec("CS1", None, "100.00", OrderState::InProgress)]);
    s.import_records(&file, 1, false).expect("import");
    let looked_up = rec("CS1", Some("CS1-L1"), "88.00", OrderState::Completed);
    assert_eq!(s.record_lookups(std::slice::from_ref(&looked_up), 2).expect("lookup"), counts(1, 0, 0), "a new line");
    assert_eq!(s.record_lookups(&[looked_up], 3).expect("again"), counts(0, 0, 1));
    assert_eq!(s.import_records(&file, 4, false).expect("import"), counts(0, 0, 1), "the import is older news");
    let listed = s.order_listing(None).expect("listing");
    let lines: Vec<(&str, &str, Cny)> =
        listed.iter().map(|o| (o.order_line_id.as_str(), o.source.as_str(), o.amount)).collect();
    assert_eq!(lines, vec![("CS1-L1", "lookup", Cny::from_fen(8_800))], "the import's line went with it");
    let amount: i64 =
        s.connection().query_row("SELECT amount_fen FROM orders WHERE order_id = 'CS1'", [], |r| r.get(0)).expect("a");
    assert_eq!(amount, 8_800);
}
