//! Reading 订单列表 workbooks: titles above the header, shuffled and unknown columns, header variants, date cells
//! and serials, text and numeric amounts, a 合计 row, sheets, the synthetic export.

mod import_support;

use import_support::*;
use koodesk_documents::import::{
    read_bytes, read_path, sample, ExportKind, Field, Format, ImportError, ImportOptions, OrderRecord, OrderState,
    OrderType, Records,
};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;

const HEADER: [&str; 13] = [
    "备注",
    "实付金额（元）",
    " 订单号 ",
    "SKU",
    "商品名称",
    "创建时间",
    "订单状态",
    "订单类型",
    "计费模式",
    "接入类型",
    "客户名称",
    "支付时间",
    "内部编码",
];

/// 2026-11-03 14:05:00 as an Excel serial.
const PAID_SERIAL: f64 = 46_329.0 + 50_700.0 / 86_400.0;

fn workbook() -> Vec<u8> {
    xlsx1(vec![
        texts(&["2026年11月 订单列表"]),
        texts(&["导出时间：2026-12-01 08:00:00"]),
        vec![],
        texts(&HEADER),
        vec![
            C::E,
            s("¥1,234.50"),
            s("CS2611031402AAAAA"),
            s("专业版"),
            s("云眼视频监控平台"),
            d("2026-11-03 14:02:11"),
            s("已完成"),
            s("新购"),
            s("包年/包月"),
            s("SaaS"),
            s("杭州云帆科技有限公司"),
            n(PAID_SERIAL),
            s("X1"),
        ],
        vec![
            s("加急"),
            n(99.9),
            s("CS2611030905BBBBB"),
            C::E,
            s("OCR 文字识别 API"),
            s("2026/11/3 9:05:00"),
            s("服务中"),
            s("续费"),
            s("按次"),
            s("api"),
        ],
        vec![],
        vec![
            C::E,
            s("0"),
            s("CS2611041200CCCCC"),
            s("1年授权"),
            s("数据库审计系统 License"),
            n(46_330.5),
            s("已完成"),
            s("试用"),
            s("一次性"),
            s("License"),
        ],
        vec![
            C::E,
            s("¥88.00"),
            s("CS2611051000DDDDD"),
            C::E,
            s("智能客服机器人"),
            s("20261105100000"),
            s("待支付"),
            s("新购"),
            s("包周期"),
            s("SaaS"),
        ],
        vec![s("合计"), n(1334.4)],
    ])
}

fn order(id: &str, product: &str, created: &str) -> OrderRecord {
    OrderRecord {
        order_id: id.to_string(),
        order_line_id: None,
        buyer_name: None,
        buyer_account: None,
        product_name: product.to_string(),
        product_id: None,
        sku: None,
        created_at: bj(created),
        paid_at: None,
        status: OrderState::Completed,
        order_type: OrderType::New,
        billing_mode: BillingMode::Period,
        access_type: AccessType::Saas,
        amount: Cny::ZERO,
    }
}

#[test]
fn titles_shuffled_and_unknown_columns_dates_amounts_and_a_total_row() {
    let p = read_xlsx(ExportKind::Orders, &workbook(), &ImportOptions::default());
    assert_eq!(p.sheet.as_deref(), Some("Sheet1"));
    assert_eq!(p.header_row, 4);
    assert!(p.errors.is_empty(), "{:?}", error_lines(&p));
    assert_eq!(p.rows, 4, "the blank row and the 合计 row are not data");
    assert_eq!(p.record_rows, [5, 6, 8]);
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(p.skipped[0].row, 9);
    assert!(p.skipped[0].reason.contains("待支付"), "{}", p.skipped[0].reason);

    let fields: Vec<(&str, Option<Field>)> = p.columns.iter().map(|c| (c.header.as_str(), c.field)).collect();
    assert_eq!(
        fields,
        [
            ("备注", None),
            ("实付金额（元）", Some(Field::Amount)),
            ("订单号", Some(Field::OrderId)),
            ("SKU", Some(Field::Sku)),
            ("商品名称", Some(Field::ProductName)),
            ("创建时间", Some(Field::CreatedAt)),
            ("订单状态", Some(Field::Status)),
            ("订单类型", Some(Field::OrderType)),
            ("计费模式", Some(Field::BillingMode)),
            ("接入类型", Some(Field::AccessType)),
            ("客户名称", Some(Field::BuyerName)),
            ("支付时间", Some(Field::PaidAt)),
            ("内部编码", None),
        ]
    );
    assert_eq!(p.columns[2].index, 2);

    let expected = vec![
        OrderRecord {
            sku: Some("专业版".into()),
            buyer_name: Some("杭州云帆科技有限公司".into()),
            paid_at: Some(bj("2026-11-03 14:05:00")),
            amount: Cny::from_fen(123_450),
            ..order("CS2611031402AAAAA", "云眼视频监控平台", "2026-11-03 14:02:11")
        },
        OrderRecord {
            status: OrderState::InProgress,
            order_type: OrderType::Renew,
            billing_mode: BillingMode::PerCall,
            access_type: AccessType::Api,
            amount: Cny::from_fen(9_990),
            ..order("CS2611030905BBBBB", "OCR 文字识别 API", "2026-11-03 09:05:00")
        },
        OrderRecord {
            sku: Some("1年授权".into()),
            order_type: OrderType::Trial,
            billing_mode: BillingMode::OneTime,
            access_type: AccessType::License,
            ..order("CS2611041200CCCCC", "数据库审计系统 License", "2026-11-04 12:00:00")
        },
    ];
    assert_eq!(p.records, Records::Orders(expected));

    assert_eq!(p.preview.len(), 4);
    assert!(p.preview.iter().all(|r| r.len() == p.columns.len()));
    assert_eq!(p.preview[0][1], "¥1,234.50");
    assert_eq!(p.preview[0][5], "2026-11-03 14:02:11");
    assert_eq!(p.preview[1][0], "加急");
}

#[test]
fn the_parse_serialises_for_the_ui() {
    let p = read_xlsx(ExportKind::Orders, &workbook(), &ImportOptions::default());
    let v = serde_json::to_value(&p).expect("json");
    assert_eq!(v["kind"], "orders");
    assert_eq!(v["header_row"], 4);
    assert_eq!(v["columns"][1]["field"], "amount");
    assert_eq!(v["columns"][0]["field"], serde_json::Value::Null);
    assert_eq!(v["record_rows"], serde_json::json!([5, 6, 8]));
    assert_eq!(v["skipped"][0]["row"], 9);
    assert!(v.get("records").is_none());
}

#[test]
fn the_sheet_is_the_first_unless_named() {
    let notes = vec![texts(&["说明"]), texts(&["本文件由卖家中心导出"])];
    let orders = vec![
        texts(&["订单号", "商品名称", "创建时间", "订单状态", "订单类型", "计费模式", "接入类型", "订单金额"]),
        texts(&["CS1", "商品A", "2026-05-01 10:00:00", "已完成", "新购", "包周期", "SaaS", "10.00"]),
    ];
    let bytes = xlsx(&[("说明", notes), ("订单列表", orders)]);

    let e = read_bytes(ExportKind::Orders, Format::Xlsx, &bytes, &ImportOptions::default()).expect_err("first sheet");
    assert!(matches!(e, ImportError::NoHeader { .. }), "{e}");

    let opts = ImportOptions { sheet: Some("订单列表".into()), ..Default::default() };
    let p = read_xlsx(ExportKind::Orders, &bytes, &opts);
    assert_eq!((p.sheet.as_deref(), p.header_row, p.records.len()), (Some("订单列表"), 1, 1));

    let opts = ImportOptions { sheet: Some("账单".into()), ..Default::default() };
    let e = read_bytes(ExportKind::Orders, Format::Xlsx, &bytes, &opts).expect_err("no such sheet");
    let msg = e.to_string();
    assert!(matches!(e, ImportError::SheetNotFound { .. }), "{msg}");
    assert!(msg.contains("`账单`") && msg.contains("说明, 订单列表"), "{msg}");
}

#[test]
fn a_file_that_is_not_a_workbook_says_so() {
    let e = read_bytes(ExportKind::Orders, Format::Xlsx, "订单号,金额\n".as_bytes(), &ImportOptions::default())
        .expect_err("not a workbook");
    assert!(matches!(e, ImportError::NotXlsx(_)), "{e}");
    assert!(e.to_string().contains(".csv"), "{e}");
}

#[test]
fn files_on_disk_by_extension() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("订单列表.XLSX");
    std::fs::write(&path, workbook()).expect("write");
    assert_eq!(Format::of_path(&path).ok(), Some(Format::Xlsx));
    let p = read_path(ExportKind::Orders, &path, &ImportOptions::default()).expect("reads");
    assert_eq!(p.records.len(), 3);

    let missing = dir.path().join("none.xlsx");
    let e = read_path(ExportKind::Orders, &missing, &ImportOptions::default()).expect_err("missing");
    assert!(matches!(e, ImportError::Read { .. }) && e.to_string().contains("none.xlsx"), "{e}");

    let e = read_path(ExportKind::Orders, &dir.path().join("x.pdf"), &ImportOptions::default()).expect_err("pdf");
    assert!(matches!(e, ImportError::UnknownFormat { .. }) && e.to_string().contains(".xlsx"), "{e}");
    assert_eq!(Format::of_path(std::path::Path::new("a.csv")).ok(), Some(Format::Csv));
    assert_eq!(Format::of_path(std::path::Path::new("a.xls")).ok(), Some(Format::Xlsx));
}

#[test]
fn the_synthetic_export_reads_back_as_generated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("orders.xlsx");
    sample::orders_xlsx(&path, 400, 42).expect("sample");
    let p = read_path(ExportKind::Orders, &path, &ImportOptions::default()).expect("reads");
    assert!(p.errors.is_empty(), "{:?}", &error_lines(&p)[..p.errors.len().min(5)]);
    assert_eq!(p.header_row, sample::HEADER_ROW);
    assert_eq!(p.rows, 400, "the 合计 row is not data");
    let generated: Vec<sample::SampleOrder> = sample::orders(400, 42).collect();
    let sales: Vec<OrderRecord> = generated.iter().filter(|o| o.sale).map(|o| o.record.clone()).collect();
    assert!(sales.len() > 300 && sales.len() < 400, "{}", sales.len());
    assert_eq!(p.skipped.len(), 400 - sales.len());
    let Records::Orders(read) = &p.records else { panic!("orders") };
    for (i, (r, g)) in read.iter().zip(&sales).enumerate() {
        assert_eq!(r, g, "record {i}");
    }
    assert_eq!(read.len(), sales.len());
    let amount = p.columns.iter().find(|c| c.field == Some(Field::Amount)).map(|c| c.header.as_str());
    assert_eq!(amount, Some("实付金额（元）"), "实付金额 is preferred to 应付金额");
}
