//! Any valid order record written to a workbook and to a CSV file — in any of the console's date and amount
//! spellings — reads back equal.

mod import_support;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use import_support::*;
use koodesk_documents::import::{
    fields_of, sample, ExportKind, Field, ImportOptions, OrderRecord, OrderState, OrderType, Records,
};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::time;
use proptest::prelude::*;

/// How a date is written.
#[derive(Debug, Clone, Copy)]
enum DateAs {
    Cell,
    Serial,
    Dashes,
    Slashes,
    Digits,
    Chinese,
}

/// How an amount is written.
#[derive(Debug, Clone, Copy)]
enum AmountAs {
    Number,
    Plain,
    Grouped,
    Yuan,
}

#[derive(Debug, Clone)]
struct Row {
    record: OrderRecord,
    status: &'static str,
    /// Whether vocabularies are written as the console's words or as KooDesk's names.
    words: bool,
    created_as: DateAs,
    paid_as: DateAs,
    amount_as: AmountAs,
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9\u{4e00}-\u{4e2f}]([a-zA-Z0-9\u{4e00}-\u{4e2f} ,\"\n（）-]{0,12}[a-zA-Z0-9\u{4e00}-\u{4e2f}])?"
}

fn instant() -> impl Strategy<Value = NaiveDateTime> {
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("start");
    (0i64..100 * 365 * 86_400).prop_map(move |s| start + chrono::Duration::seconds(s))
}

fn date_as(xlsx: bool) -> impl Strategy<Value = DateAs> {
    let all = if xlsx {
        vec![DateAs::Cell, DateAs::Serial, DateAs::Dashes, DateAs::Slashes, DateAs::Digits, DateAs::Chinese]
    } else {
        vec![DateAs::Dashes, DateAs::Slashes, DateAs::Digits, DateAs::Chinese]
    };
    proptest::sample::select(all)
}

fn amount_as(xlsx: bool) -> impl Strategy<Value = AmountAs> {
    let mut all = vec![AmountAs::Plain, AmountAs::Grouped, AmountAs::Yuan];
    if xlsx {
        all.push(AmountAs::Number);
    }
    proptest::sample::select(all)
}

const STATES: [(&str, OrderState); 4] = [
    ("已完成", OrderState::Completed),
    ("处理中", OrderState::InProgress),
    ("服务中", OrderState::InProgress),
    ("已退订", OrderState::Refunded),
];

fn row(xlsx: bool) -> impl Strategy<Value = Row> {
    let ids = ("[A-Z0-9]{4,16}", proptest::option::of("[A-Z0-9-]{1,24}"));
    let people = (proptest::option::of(text()), proptest::option::of(text()));
    let product = (text(), proptest::option::of(text()), proptest::option::of(text()));
    let times = (instant(), proptest::option::of(instant()), date_as(xlsx), date_as(xlsx));
    let kinds = (
        proptest::sample::select(STATES.to_vec()),
        proptest::sample::select(OrderType::ALL.to_vec()),
        proptest::sample::select(BillingMode::ALL.to_vec()),
        proptest::sample::select(AccessType::ALL.to_vec()),
        any::<bool>(),
    );
    // 0 to 10^9 yuan, with 0, 1 or 2 decimals.
    let money = (0i64..100_000_000_000, amount_as(xlsx));
    (ids, people, product, times, kinds, money).prop_map(
        |(
            (id, line),
            (buyer_name, buyer_account),
            (product_name, product_id, sku),
            (created, paid, created_as, paid_as),
            ((status, state), order_type, billing_mode, access_type, words),
            (fen, amount_as),
        )| Row {
            record: OrderRecord {
                order_id: format!("CS{id}"),
                order_line_id: line,
                buyer_name,
                buyer_account,
                product_name,
                product_id,
                sku,
                created_at: time::at_beijing(created),
                paid_at: paid.map(time::at_beijing),
                status: state,
                order_type,
                billing_mode,
                access_type,
                amount: Cny::from_fen(fen),
            },
            status,
            words,
            created_as,
            paid_as,
            amount_as,
        },
    )
}

/// The file's rows: unique order numbers (a suffix), the header in the console's words.
fn rows(xlsx: bool) -> impl Strategy<Value = Vec<Row>> {
    proptest::collection::vec(row(xlsx), 1..6).prop_map(|mut rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.record.order_id.push_str(&format!("X{i}"));
        }
        rows
    })
}

fn date_text(t: &NaiveDateTime, how: DateAs) -> String {
    match how {
        DateAs::Cell | DateAs::Serial | DateAs::Dashes => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        DateAs::Slashes => {
            format!("{}/{}/{} {}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
        }
        DateAs::Digits => t.format("%Y%m%d%H%M%S").to_string(),
        DateAs::Chinese => {
            format!("{}年{}月{}日 {:02}:{:02}:{:02}", t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second())
        }
    }
}

fn date_cell(t: &NaiveDateTime, how: DateAs) -> C {
    match how {
        DateAs::Cell => C::D(*t),
        DateAs::Serial => {
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("epoch");
            let secs = (*t - epoch).num_seconds();
            C::N((secs / 86_400) as f64 + (secs % 86_400) as f64 / 86_400.0)
        }
        _ => C::S(date_text(t, how)),
    }
}

/// The amount with as few decimals as it needs (0, 1 or 2).
fn plain(a: Cny) -> String {
    a.decimal().normalize().to_string()
}

fn amount_text(a: Cny, how: AmountAs) -> String {
    match how {
        AmountAs::Number | AmountAs::Plain => plain(a),
        AmountAs::Grouped => sample::yuan_text(a),
        AmountAs::Yuan => format!("{}元", plain(a)),
    }
}

/// The row's cells, in the order of `fields_of(Orders)`.
fn cells(r: &Row) -> Vec<C> {
    let o = &r.record;
    let opt = |v: &Option<String>| v.as_deref().map_or(C::E, s);
    let word = |zh: &str, name: &str| s(if r.words { zh } else { name });
    fields_of(ExportKind::Orders)
        .iter()
        .map(|f| match f {
            Field::OrderId => s(&o.order_id),
            Field::OrderLineId => opt(&o.order_line_id),
            Field::BuyerName => opt(&o.buyer_name),
            Field::BuyerAccount => opt(&o.buyer_account),
            Field::ProductName => s(&o.product_name),
            Field::ProductId => opt(&o.product_id),
            Field::Sku => opt(&o.sku),
            Field::CreatedAt => date_cell(&o.created_at.naive_local(), r.created_as),
            Field::PaidAt => o.paid_at.map_or(C::E, |p| date_cell(&p.naive_local(), r.paid_as)),
            Field::Status => s(r.status),
            Field::OrderType => word(o.order_type.zh(), o.order_type.as_str()),
            Field::BillingMode => word(o.billing_mode.zh(), o.billing_mode.as_str()),
            Field::AccessType => word(o.access_type.zh(), o.access_type.as_str()),
            Field::Amount => match r.amount_as {
                AmountAs::Number => C::N(o.amount.to_fen().unwrap_or_default() as f64 / 100.0),
                how => s(&amount_text(o.amount, how)),
            },
            _ => C::E,
        })
        .collect()
}

fn header() -> Vec<C> {
    fields_of(ExportKind::Orders).iter().map(|f| s(f.zh())).collect()
}

fn as_text(c: &C) -> String {
    match c {
        C::S(v) => v.clone(),
        C::E => String::new(),
        other => panic!("CSV cells are text, not {other:?}"),
    }
}

fn expected(rows: &[Row]) -> Records {
    Records::Orders(rows.iter().map(|r| r.record.clone()).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn orders_read_back_from_a_workbook(rows in rows(true)) {
        let mut sheet = vec![texts(&["订单列表"]), vec![], header()];
        sheet.extend(rows.iter().map(cells));
        let p = read_xlsx(ExportKind::Orders, &xlsx1(sheet), &ImportOptions::default());
        prop_assert!(p.errors.is_empty(), "{:?}", error_lines(&p));
        prop_assert_eq!(p.header_row, 3);
        prop_assert_eq!(p.records, expected(&rows));
        prop_assert_eq!(p.record_rows, (4..4 + rows.len()).collect::<Vec<_>>());
    }

    #[test]
    fn orders_read_back_from_a_csv(rows in rows(false), bom in any::<bool>()) {
        let mut table = vec![vec!["订单列表".to_string()], vec![], header().iter().map(as_text).collect()];
        table.extend(rows.iter().map(|r| cells(r).iter().map(as_text).collect()));
        let mut bytes = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(csv(&table).as_bytes());
        let p = read_csv(ExportKind::Orders, &bytes, &ImportOptions::default());
        prop_assert!(p.errors.is_empty(), "{:?}", error_lines(&p));
        prop_assert_eq!(p.header_row, 3);
        prop_assert_eq!(p.records, expected(&rows));
        prop_assert_eq!(p.record_rows, (4..4 + rows.len()).collect::<Vec<_>>());
    }
}
