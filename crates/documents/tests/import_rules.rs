//! The rules of reading an export: --map and --set, every bad row listed with its spreadsheet row and header,
//! duplicates, required columns, not-a-sale orders, the kinds other than orders.

mod import_support;

use import_support::*;
use koodesk_documents::import::{
    parse_map, parse_set, read_bytes, BillStatus, ExportKind, Field, Format, ImportError, ImportOptions, Records,
    ERROR_CAP,
};
use koodesk_domain::catalog::AccessType;
use koodesk_domain::money::Cny;
use koodesk_domain::settlement::YearMonth;

const ORDER_HEADER: [&str; 8] =
    ["订单号", "商品名称", "创建时间", "订单状态", "订单类型", "计费模式", "接入类型", "订单金额"];

fn ok_order(id: &str) -> Vec<String> {
    [id, "商品A", "2026-05-01 10:00:00", "已完成", "新购", "包周期", "SaaS", "10.00"].map(String::from).to_vec()
}

fn orders_csv(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut all = vec![ORDER_HEADER.map(String::from).to_vec()];
    all.extend(rows);
    csv(&all).into_bytes()
}

fn read_err(kind: ExportKind, format: Format, bytes: &[u8], opts: &ImportOptions) -> ImportError {
    match read_bytes(kind, format, bytes, opts) {
        Ok(p) => panic!("expected a file-level error, read {} rows", p.rows),
        Err(e) => e,
    }
}

#[test]
fn every_bad_row_is_listed_with_its_row_and_header() {
    let bytes = xlsx1(vec![
        texts(&["订单列表"]),
        vec![],
        texts(&["订单号", "商品名称", "下单时间", "状态", "订单类型", "计费方式", "商品类型", "实付金额(元)"]),
        texts(&["CS1", "商品A", "2026-05-01 10:00:00", "已完成", "新购", "包周期", "SaaS", "10.00"]),
        texts(&["CS2", "商品A", "2026-05-01 10:00:00", "已完成", "新购", "包周期", "SaaS", "12.345"]),
        texts(&["CS3", "商品A", "2026-02-30 10:00:00", "已完成", "新购", "包年", "SaaS", "1"]),
        texts(&["CS4", "商品A", "2026-05-01", "已完成", "新购", "按年", "SaaS", "1"]),
        // Three problems in one row: all listed.
        texts(&["CS5", "", "昨天", "冻结", "新购", "包周期", "软件", "-5"]),
        vec![s("CS6"), s("商品A"), s("2026-05-01"), s("已完成"), s("新购"), s("按次"), s("API"), n(0.125)],
        texts(&["CS7", "商品A", "2026-05-01", "已完成", "新购", "包周期", "SaaS", "¥7.00"]),
    ]);
    let p = read_xlsx(ExportKind::Orders, &bytes, &ImportOptions::default());
    assert_eq!(p.header_row, 3);
    assert_eq!(p.record_rows, [4, 10]);
    assert_eq!(p.rows, 7);
    let lines = error_lines(&p);
    let expect: [(usize, &str, &[&str]); 9] = [
        (5, "实付金额(元)", &["`12.345`", "expected at most 2 decimals"]),
        (6, "下单时间", &["`2026-02-30 10:00:00`", "not a date-time", "2026-11-03 14:02:11"]),
        (7, "计费方式", &["`按年`", "billing mode (计费模式)", "包周期"]),
        (8, "状态", &["`冻结`", "订单状态", "已完成"]),
        (8, "商品名称", &["商品名称 (product_name) is empty"]),
        (8, "下单时间", &["`昨天`", "not a date-time"]),
        (8, "商品类型", &["`软件`", "接入类型", "SaaS"]),
        (8, "实付金额(元)", &["`-5.00`", "negative", "must be 0 or more"]),
        (9, "实付金额(元)", &["0.125", "expected at most 2 decimals"]),
    ];
    assert_eq!(lines.len(), expect.len(), "{lines:#?}");
    for (line, (row, column, words)) in lines.iter().zip(expect) {
        assert!(line.starts_with(&format!("{row}|{column}|")), "{line} (expected row {row}, column {column})");
        for w in words {
            assert!(line.contains(w), "{line} should say {w}");
        }
    }
    assert_eq!(p.error_count, 9);
    assert_eq!(p.invalid_rows(), 5, "rows 5 to 9; row 8 has five problems");
    assert_eq!(p.errors[0].to_string(), format!("row 5, column 实付金额(元): {}", p.errors[0].message));
}

#[test]
fn errors_past_the_cap_are_counted_not_listed() {
    let rows = (0..ERROR_CAP + 200).map(|i| {
        let mut r = ok_order(&format!("CS{i}"));
        r[7] = "1.001".into();
        r
    });
    let p = read_csv(ExportKind::Orders, &orders_csv(rows.collect()), &ImportOptions::default());
    assert_eq!(p.errors.len(), ERROR_CAP);
    assert_eq!(p.error_count, ERROR_CAP + 200);
    assert_eq!(p.errors.last().map(|e| e.row), Some(ERROR_CAP + 1));
    assert!(p.records.is_empty());
}

#[test]
fn duplicates_name_the_earlier_row() {
    let mut line_a = ok_order("CS1");
    line_a.push("L1".into());
    let mut line_b = ok_order("CS1");
    line_b.push("L2".into());
    let mut header = ORDER_HEADER.map(String::from).to_vec();
    header.push("订单项ID".into());
    let bytes = csv(&[header, line_a.clone(), line_b, ok_order("CS2"), line_a, ok_order("CS2")]).into_bytes();
    let p = read_csv(ExportKind::Orders, &bytes, &ImportOptions::default());
    assert_eq!(p.record_rows, [2, 3, 4], "two lines of one order are not duplicates");
    let lines = error_lines(&p);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("5|订单号|duplicate of row 2:") && lines[0].contains("订单项ID `L1`"), "{}", lines[0]);
    assert!(lines[1].starts_with("6|订单号|duplicate of row 4:") && lines[1].contains("`CS2`"), "{}", lines[1]);

    // Bills: keyed on the bill's ID, or on the period when there is none.
    let bills = csv_rows(&[
        &["账单号", "账期", "金额"],
        &["B1", "2026-05", "1"],
        &["B1", "2026-06", "2"],
        &["", "2026-07", "3"],
        &["", "2026年7月", "4"],
        &["B2", "2026-07", "5"],
    ]);
    let p = read_csv(ExportKind::Bills, bills.as_bytes(), &ImportOptions::default());
    assert_eq!(p.record_rows, [2, 4, 6]);
    let lines = error_lines(&p);
    assert!(lines[0].starts_with("3|账单号|duplicate of row 2: 账单号 `B1`"), "{lines:?}");
    assert!(lines[1].starts_with("5|账期|duplicate of row 4: 账期 2026-07"), "{lines:?}");

    // Bill lines: keyed on the period, the order and its line.
    let lines_csv = csv_rows(&[
        &["账期", "订单号", "订单项ID", "金额"],
        &["2026-05", "CS1", "L1", "1"],
        &["2026-06", "CS1", "L1", "1"],
        &["2026-05", "CS1", "L2", "1"],
        &["202605", "CS1", "L1", "-1"],
    ]);
    let p = read_csv(ExportKind::BillLines, lines_csv.as_bytes(), &ImportOptions::default());
    assert_eq!(p.record_rows, [2, 3, 4]);
    assert!(error_lines(&p)[0].starts_with("5|订单号|duplicate of row 2: 账期 2026-05"), "{:?}", error_lines(&p));
}

#[test]
fn orders_that_are_not_sales_are_skipped() {
    let mut unpaid = ok_order("CS2");
    unpaid[3] = "待支付".into();
    unpaid[7] = "bad amount, not looked at".into();
    let mut cancelled = ok_order("CS3");
    cancelled[3] = " 已取消 ".into();
    let p =
        read_csv(ExportKind::Orders, &orders_csv(vec![ok_order("CS1"), unpaid, cancelled]), &ImportOptions::default());
    assert_eq!(p.record_rows, [2]);
    assert!(p.errors.is_empty(), "{:?}", error_lines(&p));
    let skipped: Vec<(usize, bool)> = p.skipped.iter().map(|s| (s.row, s.reason.contains("not a sale"))).collect();
    assert_eq!(skipped, [(3, true), (4, true)]);
    assert!(p.skipped[1].reason.contains("已取消"), "{}", p.skipped[1].reason);
    assert_eq!(p.rows, 3);
}

#[test]
fn a_missing_required_column_is_a_file_level_error() {
    let bytes = csv_rows(&[
        &["订单号", "商品名称", "创建时间", "订单状态", "订单类型", "计费模式", "订单金额"],
        &["CS1", "商品A", "2026-05-01", "已完成", "新购", "包周期", "1"],
    ]);
    let e = read_err(ExportKind::Orders, Format::Csv, bytes.as_bytes(), &ImportOptions::default());
    let msg = e.to_string();
    assert!(matches!(e, ImportError::MissingRequired { row: 1, .. }), "{msg}");
    for w in [
        "access_type (接入类型 / 商品类型 / 交付类型)",
        "row 1",
        "订单号, 商品名称",
        "--map \"HEADER=access_type\"",
        "--set access_type=VALUE",
    ] {
        assert!(msg.contains(w), "{msg} should say {w}");
    }

    let e = read_err(ExportKind::Bills, Format::Csv, "月份,钱\n2026-05,1\n".as_bytes(), &ImportOptions::default());
    let msg = e.to_string();
    assert!(matches!(e, ImportError::NoHeader { .. }), "{msg}");
    assert!(msg.contains("period (账期)") && msg.contains("amount (订单金额") && msg.contains("--map"), "{msg}");

    let e = read_err(ExportKind::Orders, Format::Csv, b"", &ImportOptions::default());
    assert!(matches!(e, ImportError::Empty { .. }), "{e}");
}

#[test]
fn map_reads_a_nonstandard_header_and_overrides_an_alias() {
    let text = csv_rows(&[&["月份", "成交价", "实付金额"], &["2026-05", "¥100.00", "99.00"]]);
    let opts =
        ImportOptions { map: parse_map("月份=period, 成交价 = amount").expect("map"), ..Default::default() };
    let p = read_csv(ExportKind::Bills, text.as_bytes(), &opts);
    let fields: Vec<Option<Field>> = p.columns.iter().map(|c| c.field).collect();
    assert_eq!(fields, [Some(Field::Period), Some(Field::Amount), None]);
    let Records::Bills(v) = &p.records else { panic!("bills") };
    assert_eq!((v[0].period, v[0].amount), (YearMonth::new(2026, 5).expect("month"), Cny::from_fen(10_000)));

    // A header in the map is matched through its spellings too.
    let opts =
        ImportOptions { map: parse_map("成交价(元)=amount,月份=账期").expect("map"), ..Default::default() };
    let text = csv_rows(&[&[" 月份 ", "成交价（元）"], &["2026-05", "1"]]);
    assert_eq!(read_csv(ExportKind::Bills, text.as_bytes(), &opts).records.len(), 1);

    let opts = ImportOptions { map: parse_map("成交金额=amount").expect("map"), ..Default::default() };
    let text = csv_rows(&[&["账期", "金额"], &["2026-05", "1"]]);
    let e = read_err(ExportKind::Bills, Format::Csv, text.as_bytes(), &opts);
    let msg = e.to_string();
    assert!(matches!(e, ImportError::MapHeaderNotFound { .. }), "{msg}");
    assert!(msg.contains("`成交金额`") && msg.contains("账期, 金额"), "{msg}");

    let opts = ImportOptions { map: parse_map("金额=amount,账期=amount").expect("map"), ..Default::default() };
    let e = read_err(ExportKind::Bills, Format::Csv, text.as_bytes(), &opts);
    assert!(matches!(e, ImportError::MapConflict { field: Field::Amount, .. }), "{e}");

    // A mapping remembered from an earlier file passes over a header this file lacks.
    let opts =
        ImportOptions {
            map: parse_map("成交金额=amount").expect("map"), map_remembered: true, ..Default::default()
        };
    let p = read_csv(ExportKind::Bills, text.as_bytes(), &opts);
    assert_eq!(p.records.len(), 1, "the file's own headers are recognised");
}

#[test]
fn a_recognised_column_can_be_left_unread() {
    // Two amount columns: 实付金额 (what was paid) is preferred; ignoring it lets 订单金额 be read.
    let text = csv_rows(&[&["账期", "订单金额", "实付金额"], &["2026-05", "¥100.00", "99.00"]]);
    let p = read_csv(ExportKind::Bills, text.as_bytes(), &ImportOptions::default());
    let Records::Bills(v) = &p.records else { panic!("bills") };
    let recognised = v[0].amount;
    let opts = ImportOptions { map: parse_map("实付金额=ignore").expect("map"), ..Default::default() };
    let p = read_csv(ExportKind::Bills, text.as_bytes(), &opts);
    let fields: Vec<Option<Field>> = p.columns.iter().map(|c| c.field).collect();
    assert_eq!(fields, [Some(Field::Period), Some(Field::Amount), None]);
    let Records::Bills(v) = &p.records else { panic!("bills") };
    assert_eq!(v[0].amount, Cny::from_fen(10_000));
    assert_ne!(recognised, v[0].amount, "the ignored column was the one read before");
    // Ignoring the only column of a required field leaves the file without it: refused, naming the field.
    let opts = ImportOptions { map: parse_map("账期=ignore").expect("map"), ..Default::default() };
    let e = read_err(ExportKind::Bills, Format::Csv, text.as_bytes(), &opts);
    assert!(matches!(e, ImportError::MissingRequired { .. }), "{e}");
}

#[test]
fn set_gives_a_value_the_file_has_no_column_for() {
    let header: Vec<&str> = ORDER_HEADER.iter().copied().filter(|h| *h != "接入类型").collect();
    let text = csv_rows(&[&header, &["CS1", "商品A", "2026-05-01", "已完成", "新购", "包周期", "1"]]);
    let e = read_err(ExportKind::Orders, Format::Csv, text.as_bytes(), &ImportOptions::default());
    assert!(matches!(e, ImportError::MissingRequired { .. }), "{e}");

    let opts = ImportOptions { set: parse_set("access_type=镜像").expect("set"), ..Default::default() };
    let p = read_csv(ExportKind::Orders, text.as_bytes(), &opts);
    let Records::Orders(v) = &p.records else { panic!("orders") };
    assert_eq!(v[0].access_type, AccessType::Image);
    assert!(p.columns.iter().all(|c| c.field != Some(Field::AccessType)));

    // A bad value is refused before any row is read, naming the field and what it accepts.
    let opts = ImportOptions { set: parse_set("access_type=软件").expect("set"), ..Default::default() };
    let e = read_err(ExportKind::Orders, Format::Csv, text.as_bytes(), &opts);
    let msg = e.to_string();
    assert!(matches!(e, ImportError::BadSetValue { field: Field::AccessType, .. }), "{msg}");
    assert!(msg.contains("--set access_type=软件") && msg.contains("SaaS"), "{msg}");

    // Bill lines without a 账期 column: the period of the bill they came from.
    let text = csv_rows(&[&["订单号", "金额", "平台服务费"], &["CS1", "-10.00", "-0.50"]]);
    let opts = ImportOptions { set: parse_set("period=2026年5月").expect("set"), ..Default::default() };
    let p = read_csv(ExportKind::BillLines, text.as_bytes(), &opts);
    let Records::BillLines(v) = &p.records else { panic!("bill lines") };
    assert_eq!(v[0].period.to_string(), "2026-05");
    assert_eq!(v[0].platform_fee, Some(Cny::from_fen(-50)));

    let opts = ImportOptions { set: parse_set("sku=x").expect("set"), ..Default::default() };
    let e = read_err(ExportKind::BillLines, Format::Csv, text.as_bytes(), &opts);
    assert!(matches!(e, ImportError::FieldNotRead { .. }) && e.to_string().contains("bill-lines"), "{e}");
}

#[test]
fn map_and_set_syntax() {
    assert_eq!(
        parse_map("订单编码=order_id,Total=amount").expect("map"),
        [("订单编码".to_string(), Some(Field::OrderId)), ("Total".to_string(), Some(Field::Amount))]
    );
    assert_eq!(parse_map("a=b=order_id").expect("map"), [("a=b".to_string(), Some(Field::OrderId))]);
    assert_eq!(
        parse_map("备注=ignore,客户=-,金额=忽略").expect("map"),
        [("备注".to_string(), None), ("客户".to_string(), None), ("金额".to_string(), None)],
        "a column left unread"
    );
    let e = parse_map("成交价").expect_err("no =").to_string();
    assert!(e.contains("--map `成交价`") && e.contains("HEADER=field"), "{e}");
    let e = parse_map("成交价=price").expect_err("unknown field").to_string();
    assert!(e.contains("`price`") && e.contains("order_id (订单号)") && e.contains("merchant_share"), "{e}");
    assert!(parse_map("=amount").is_err());
    assert!(parse_map("a=amount,A =order_id").is_err(), "a header mapped twice");
    assert_eq!(
        parse_set("access_type=SaaS, order_type=新购").expect("set"),
        [(Field::AccessType, "SaaS".to_string()), (Field::OrderType, "新购".to_string())]
    );
    let e = parse_set("access_type").expect_err("no value").to_string();
    assert!(e.contains("--set `access_type`") && e.contains("field=VALUE"), "{e}");
    assert!(parse_set("access_type=").is_err());
    assert!(parse_set("access_type=SaaS,access_type=API").is_err());
}

#[test]
fn transactions_and_bills() {
    let text = csv_rows(&[
        &["交易明细"],
        &["订单号", "客户账号", "交易金额", "账期", "账单状态", "服务监管状态", "客户还款状态", "订单金额"],
        &["CS1", "acct", "100.00", "2026/05", "已出账", "已完成", "已还款", "120.00"],
        &["CS2", "", "-100.00", "", "待出账", "", "", ""],
        &["CS3", "", "1", "2026-13", "处理中", "", "", ""],
    ]);
    let p = read_csv(ExportKind::Transactions, text.as_bytes(), &ImportOptions::default());
    let Records::Transactions(v) = &p.records else { panic!("transactions") };
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].amount, Cny::from_fen(10_000), "交易金额 and 订单金额 rank equal: the first wins");
    assert_eq!(v[0].bill_status, Some(BillStatus::Billed));
    assert_eq!(v[0].period.map(|p| p.to_string()).as_deref(), Some("2026-05"));
    assert_eq!(v[0].supervision_status.as_deref(), Some("已完成"));
    assert_eq!(v[1].amount, Cny::from_fen(-10_000));
    let lines = error_lines(&p);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("5|账期|`2026-13`") && lines[1].starts_with("5|账单状态|`处理中`"), "{lines:?}");

    let text = csv_rows(&[
        &["账单编号", "账期", "应付金额", "平台服务费", "商家分成", "账单状态"],
        &["202605", "202605", "1,000.00", "50.00", "950.00", "已会签"],
        &["202606", "2026-06", "-1.00", "", "", ""],
    ]);
    let p = read_csv(ExportKind::Bills, text.as_bytes(), &ImportOptions::default());
    let Records::Bills(v) = &p.records else { panic!("bills") };
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].bill_id.as_deref(), v[0].status.as_deref()), (Some("202605"), Some("已会签")));
    assert_eq!((v[0].platform_fee, v[0].merchant_share), (Some(Cny::from_fen(5_000)), Some(Cny::from_fen(95_000))));
    assert!(error_lines(&p)[0].starts_with("3|应付金额|`-1.00` is negative"), "{:?}", error_lines(&p));
}

#[test]
fn a_workbook_with_numeric_ids_and_periods() {
    let bytes = xlsx1(vec![
        texts(&["账单号", "账期", "金额"]),
        vec![n(202_605.0), n(202_605.0), n(1234.5)],
        vec![n(202_606.0), d("2026-06-01 00:00:00"), n(0.1)],
        vec![n(202_607.0), n(46_204.0), s("¥3.00")],
    ]);
    let p = read_xlsx(ExportKind::Bills, &bytes, &ImportOptions::default());
    assert!(p.errors.is_empty(), "{:?}", error_lines(&p));
    let Records::Bills(v) = &p.records else { panic!("bills") };
    let got: Vec<(Option<&str>, String, Cny)> =
        v.iter().map(|b| (b.bill_id.as_deref(), b.period.to_string(), b.amount)).collect();
    assert_eq!(
        got,
        [
            (Some("202605"), "2026-05".to_string(), Cny::from_fen(123_450)),
            (Some("202606"), "2026-06".to_string(), Cny::from_fen(10)),
            (Some("202607"), "2026-07".to_string(), Cny::from_fen(300)),
        ]
    );
}
