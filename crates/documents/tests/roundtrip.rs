//! Exports read back: the XLSX and CSV of a demo store's drafts hold exactly the store's lines; buyer lists from
//! CSV and XLSX, and their refusals.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use koodesk_documents::{batch, buyers};
use koodesk_domain::time;
use koodesk_store::invoicing::{BuyerEntry, InvoiceRecord};
use koodesk_store::Store;
use rust_xlsxwriter::Workbook;

fn drafted() -> (Store, Vec<InvoiceRecord>) {
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("now");
    let mut s = Store::open_in_memory().expect("store");
    koodesk_store::demo::write(&mut s, 4_000, 5, now).expect("demo");
    let ids: Vec<String> = {
        let mut stmt =
            s.connection().prepare("SELECT id FROM invoice_requests WHERE status = 'requested'").expect("sql");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids")
    };
    for id in ids {
        let _ = s.draft_request(&id, now);
    }
    let recs = s.invoices(None, 100_000).expect("list");
    assert!(recs.len() > 10);
    (s, recs)
}

#[test]
fn xlsx_reads_back_exactly() {
    let (_, recs) = drafted();
    let bytes = batch::xlsx(&recs).expect("xlsx");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX file");
    assert_eq!(wb.sheet_names(), vec!["发票明细".to_string()]);
    let range = wb.worksheet_range("发票明细").expect("sheet");
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..16], &batch::COLUMNS.map(String::from)[..]);
    let expected = batch::rows(&recs);
    let got: Vec<Vec<String>> = rows.map(|r| r.iter().take(16).map(|c| c.to_string()).collect()).collect();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, &e.to_vec());
    }
    assert!(got.iter().any(|r| r[7].starts_with('*')), "items carry their tax short name");
}

#[test]
fn csv_reads_back_exactly() {
    let (_, recs) = drafted();
    let text = batch::csv(&recs);
    assert!(text.starts_with('\u{feff}'), "a BOM for spreadsheet programs");
    let rows = buyers::csv_rows(&text);
    assert_eq!(rows[0], batch::COLUMNS.map(String::from).to_vec());
    let expected = batch::rows(&recs);
    assert_eq!(rows.len() - 1, expected.len());
    for (g, e) in rows[1..].iter().zip(&expected) {
        assert_eq!(g, &e.to_vec(), "quoted fields (remarks with commas) come back whole");
    }
}

#[test]
fn buyer_lists_from_csv_and_xlsx() {
    let csv = "\u{feff}发票抬头,统一社会信用代码,地址电话,开户行及账号\n\
               \"示例科技有限公司\",91350100M000100Y43,\"福州市, 鼓楼区 0591-1234567\",工商银行 123\n\
               张三,,,\n\n";
    let list = buyers::from_csv(csv).expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].address.as_deref(), Some("福州市, 鼓楼区 0591-1234567"));
    assert_eq!(list[1], BuyerEntry { title: "张三".into(), taxpayer_id: None, address: None, bank: None });

    let bad = "title,taxpayer_id\nA 公司,91350100M000100Y44\n";
    let e = buyers::from_csv(bad).expect_err("check character");
    assert!(e.0.starts_with("row 2, column taxpayer_id `91350100M000100Y44`"), "{e}");
    assert!(buyers::from_csv("name,x\nA,B\n").expect_err("no title").0.contains("no title column"));
    assert!(buyers::from_csv("title\nA\nA\n").expect_err("twice").0.contains("twice"));
    assert!(buyers::from_csv("title\n,\n").is_ok(), "blank rows are skipped");

    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in ["title", "taxpayer_id", "address", "bank"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("cell");
    }
    sheet.write_string(1, 0, "示例科技有限公司").expect("cell");
    sheet.write_string(1, 1, "91350100M000100Y43").expect("cell");
    let bytes = wb.save_to_buffer().expect("xlsx");
    let list = buyers::from_xlsx(&bytes).expect("list");
    assert_eq!(list[0].taxpayer_id.as_deref(), Some("91350100M000100Y43"));
    assert!(buyers::from_xlsx(b"not a zip").expect_err("junk").0.contains("not an XLSX"));
}

#[test]
fn an_imported_buyer_fills_a_requests_missing_details() {
    let (mut s, _) = drafted();
    let (id, title): (String, String) = s
        .connection()
        .query_row("SELECT id, title_name FROM invoice_requests WHERE title_taxpayer_id IS NULL LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("a request without a taxpayer ID");
    let entry = BuyerEntry {
        title: title.clone(),
        taxpayer_id: Some("91350100M000100Y43".into()),
        address: Some("福州市".into()),
        bank: Some("工商银行 123".into()),
    };
    assert_eq!(s.import_buyers(&[entry]).expect("import"), 1);
    let source = s.invoice_source(&id).expect("source");
    assert_eq!(source.buyer.taxpayer_id.as_deref(), Some("91350100M000100Y43"));
    assert_eq!(source.buyer.bank.as_deref(), Some("工商银行 123"));
}
