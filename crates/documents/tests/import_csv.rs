//! Reading CSV exports: UTF-8 with and without a BOM, GBK (what Excel on Chinese Windows saves), quoted fields
//! with commas and line breaks (and the row numbers a spreadsheet would show), tab-separated text, the synthetic
//! export.

mod import_support;

use encoding_rs::GBK;
use import_support::*;
use koodesk_documents::import::{
    read_bytes, read_path, sample, ExportKind, Format, ImportError, ImportOptions, OrderRecord, Records,
};
use koodesk_domain::money::Cny;

fn orders_text() -> String {
    csv_rows(&[
        &["订单列表"],
        &[],
        &[
            "订单号",
            "客户名称",
            "商品名称",
            "创建时间",
            "订单状态",
            "订单类型",
            "计费模式",
            "接入类型",
            "订单金额（元）",
        ],
        &[
            "CS1",
            "上海, \"数智\"\n信息技术有限公司",
            "云眼视频监控平台",
            "2026-11-03 14:02:11",
            "已完成",
            "新购",
            "包年",
            "SaaS",
            "￥1,234.50",
        ],
        &["CS2", "", "商品B", "2026/11/3 9:05", "处理中", "续费", "按次", "API", "20"],
        &["CS3", "", "商品C", "2026-11-03", "已完成", "变更", "按需", "镜像", "bad"],
        &["合计", "", "", "", "", "", "", "", "￥1,254.50"],
    ])
}

fn check_orders(kind: &str, bytes: &[u8]) {
    let p = read_csv(ExportKind::Orders, bytes, &ImportOptions::default());
    assert_eq!(p.sheet, None, "{kind}");
    assert_eq!(p.header_row, 3, "{kind}");
    // The first record spans two lines; a spreadsheet shows it as one row, so the next is row 5, not 6.
    assert_eq!(p.record_rows, [4, 5], "{kind}");
    assert_eq!(error_lines(&p).len(), 1, "{kind}");
    assert!(error_lines(&p)[0].starts_with("6|订单金额（元）|`bad` is not an amount"), "{kind}: {:?}", error_lines(&p));
    assert_eq!(p.rows, 3, "{kind}");
    let Records::Orders(v) = &p.records else { panic!("orders") };
    assert_eq!(v[0].buyer_name.as_deref(), Some("上海, \"数智\"\n信息技术有限公司"), "{kind}");
    assert_eq!(v[0].amount, Cny::from_fen(123_450), "{kind}");
    assert_eq!(v[0].created_at, bj("2026-11-03 14:02:11"), "{kind}");
    assert_eq!(v[1].created_at, bj("2026-11-03 09:05:00"), "{kind}");
    assert_eq!(v[1].amount, Cny::from_fen(2_000), "{kind}");
}

#[test]
fn utf8_with_and_without_a_bom() {
    let text = orders_text();
    check_orders("utf-8", text.as_bytes());
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(text.as_bytes());
    check_orders("utf-8 with BOM", &bom);
}

#[test]
fn gbk_as_excel_saves_it_on_chinese_windows() {
    let text = orders_text();
    let (gbk, _, unmappable) = GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "the test file must really be GBK");
    check_orders("gbk", &gbk);
}

#[test]
fn bytes_that_are_neither_utf8_nor_gbk_are_refused() {
    let mut bytes = "订单号,金额\r\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"CS1,\xff\xfe\x80\r\n");
    let e = read_bytes(ExportKind::Orders, Format::Csv, &bytes, &ImportOptions::default()).expect_err("refused");
    assert!(matches!(e, ImportError::NotCsv(_)), "{e}");
    let msg = e.to_string();
    assert!(msg.contains("neither UTF-8") && msg.contains("GBK") && msg.contains("CSV UTF-8"), "{msg}");
}

#[test]
fn tab_separated_text() {
    let text =
        "交易明细\n订单号\t交易金额\t账期\t出账状态\nCS1\t1,234.50\t2026-05\t已出账\nCS2\t-20.00\t202605\t待出账\n";
    let p = read_csv(ExportKind::Transactions, text.as_bytes(), &ImportOptions::default());
    assert!(p.errors.is_empty(), "{:?}", error_lines(&p));
    let Records::Transactions(v) = &p.records else { panic!("transactions") };
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].amount, Cny::from_fen(123_450));
    assert_eq!(v[1].amount, Cny::from_fen(-2_000), "a refund row of 交易明细 may be negative");
}

#[test]
fn excel_text_formulas_keep_their_inside() {
    let text = "订单号,交易金额\n=\"0012345\",1\n";
    let p = read_csv(ExportKind::Transactions, text.as_bytes(), &ImportOptions::default());
    let Records::Transactions(v) = &p.records else { panic!("transactions") };
    assert_eq!(v[0].order_id, "0012345");
}

#[test]
fn the_synthetic_export_reads_back_as_generated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("orders.csv");
    sample::orders_csv(&path, 300, 9).expect("sample");
    let p = read_path(ExportKind::Orders, &path, &ImportOptions::default()).expect("reads");
    assert!(p.errors.is_empty(), "{:?}", &error_lines(&p)[..p.errors.len().min(5)]);
    assert_eq!((p.header_row, p.rows), (sample::HEADER_ROW, 300));
    let sales: Vec<OrderRecord> = sample::orders(300, 9).filter(|o| o.sale).map(|o| o.record).collect();
    assert_eq!(p.records, Records::Orders(sales));
    let mut rows: Vec<usize> = p.record_rows.iter().copied().chain(p.skipped.iter().map(|s| s.row)).collect();
    rows.sort_unstable();
    assert_eq!(rows, (4..304).collect::<Vec<_>>(), "every data row is a record or skipped, numbered from row 4");
}
