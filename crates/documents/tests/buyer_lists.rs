//! Buyer lists from CSV and XLSX, and their refusals. (The invoice batches read back are tested in the app crate,
//! `crates/app/tests/invoice_documents.rs`, from a demo store's drafts: this crate knows no store.)

use koodesk_documents::buyers;
use koodesk_domain::invoice_draft::BuyerEntry;
use rust_xlsxwriter::Workbook;

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
