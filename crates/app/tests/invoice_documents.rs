//! Invoice documents from the store's rows, read back: the XLSX and CSV of a demo store's drafts hold exactly the
//! store's lines; the PDF, through `pdftotext` (poppler), gives back the Chinese, the amounts, the capitals and the
//! draft mark, and an issued invoice shows its number instead (the font is embedded as a subset). A stored
//! invoice whose state does not read is reported, not rendered.

use std::io::Cursor;
use std::process::Command;

use calamine::{Reader, Xlsx};
use koodesk_app::invoice_documents::{invoice_of, invoices_of, UnreadableInvoice};
use koodesk_documents::invoice::InvoiceState;
use koodesk_documents::pdf::{self, Fonts, Seller};
use koodesk_documents::{batch, buyers};
use koodesk_domain::time;
use koodesk_store::invoicing::InvoiceRecord;
use koodesk_store::Store;

fn now() -> time::Instant {
    time::parse_datetime("2026-11-29T10:00:00").expect("now")
}

/// A demo store (`orders` of them) with every requested invoice drafted, and the drafts.
fn drafted(orders: u64) -> (Store, Vec<InvoiceRecord>) {
    let mut s = Store::open_in_memory().expect("store");
    koodesk_store::demo::write(&mut s, orders, 5, now()).expect("demo");
    let ids: Vec<String> = {
        let mut stmt =
            s.connection().prepare("SELECT id FROM invoice_requests WHERE status = 'requested'").expect("sql");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids")
    };
    let mut recs = Vec::new();
    for id in ids {
        if let Ok(r) = s.draft_request(&id, now()) {
            recs.extend(r);
        }
    }
    (s, recs)
}

/// Every invoice of a demo store of 4,000 orders, as the export lists them.
fn listed() -> Vec<InvoiceRecord> {
    let (s, _) = drafted(4_000);
    let recs = s.invoices(None, 100_000).expect("list");
    assert!(recs.len() > 10);
    recs
}

fn text_of(pdf: &[u8], name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("koodesk-pdf-{}-{name}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed: make setup installs it");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_file(path);
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_draft_reads_back_with_its_chinese_amounts_capitals_and_draft_mark() {
    let (_, recs) = drafted(3_000);
    let rec = recs.iter().find(|r| r.draft.lines.len() <= 12).expect("a draft");
    let invoice = invoice_of(rec).expect("reads");
    assert_eq!(invoice.state, InvoiceState::Draft);
    let font = Fonts::find().expect("fonts (fonts-droid-fallback, fonts-dejavu-core)");
    let seller = Seller { name: "示例软件有限公司".into(), taxpayer_id: "91350100M000100Y43".into() };
    let bytes = pdf::render(&invoice, &seller, &font).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 200_000, "a subset, not the whole font: {} bytes", bytes.len());
    if let Some(dir) = std::env::var_os("KOODESK_PDF_SAMPLE_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("invoice-draft.pdf"), &bytes).expect("sample");
    }
    let text = text_of(&bytes, "draft");
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join("");
    let d = &rec.draft;
    for want in [
        "电子发票",
        "草稿",
        "购买方名称：",
        d.buyer.title.as_str(),
        "示例软件有限公司",
        d.total_gross_words.as_str(),
        &format!("¥{}", d.total_gross),
        &format!("¥{}", d.total_tax),
        d.lines[0].item.as_str(),
        "价税合计（大写）",
    ] {
        let want: String = want.split_whitespace().collect();
        assert!(flat.contains(&want), "`{want}` in:\n{text}");
    }
}

#[test]
fn an_issued_invoice_shows_its_number_not_the_draft_mark() {
    let (mut s, recs) = drafted(3_000);
    let issued = s.issue_invoice(&recs[0].id, "张三", now()).expect("issued");
    let invoice = invoice_of(&issued).expect("reads");
    assert_eq!(invoice.state, InvoiceState::Issued);
    let font = Fonts::find().expect("fonts");
    let text = text_of(&pdf::render(&invoice, &Seller::default(), &font).expect("pdf"), "issued");
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains(issued.number.as_deref().expect("number")), "{text}");
    assert!(flat.contains("开票人：张三"), "{text}");
    assert!(!flat.contains("草稿"), "{text}");
    assert!(flat.contains("开票日期：2026-11-29"), "the issue's Beijing date: {text}");
}

#[test]
fn xlsx_reads_back_exactly() {
    let recs = listed();
    let invoices = invoices_of(&recs).expect("every stored invoice reads");
    let bytes = batch::xlsx(&invoices).expect("xlsx");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX file");
    assert_eq!(wb.sheet_names(), vec!["发票明细".to_string()]);
    let range = wb.worksheet_range("发票明细").expect("sheet");
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(&header[..16], &batch::COLUMNS.map(String::from)[..]);
    let expected = batch::rows(&invoices);
    let got: Vec<Vec<String>> = rows.map(|r| r.iter().take(16).map(|c| c.to_string()).collect()).collect();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, &e.to_vec());
    }
    assert!(got.iter().any(|r| r[7].starts_with('*')), "items carry their tax short name");
    // The state column holds the store's own code.
    let lines: usize = recs.iter().map(|r| r.draft.lines.len()).sum();
    assert_eq!(got.len(), lines);
    let states: Vec<&str> = recs.iter().flat_map(|r| r.draft.lines.iter().map(|_| r.state.as_str())).collect();
    assert!(got.iter().zip(states).all(|(g, s)| g[1] == s));
}

#[test]
fn csv_reads_back_exactly() {
    let invoices = invoices_of(&listed()).expect("every stored invoice reads");
    let text = batch::csv(&invoices);
    assert!(text.starts_with('\u{feff}'), "a BOM for spreadsheet programs");
    let rows = buyers::csv_rows(&text);
    assert_eq!(rows[0], batch::COLUMNS.map(String::from).to_vec());
    let expected = batch::rows(&invoices);
    assert_eq!(rows.len() - 1, expected.len());
    for (g, e) in rows[1..].iter().zip(&expected) {
        assert_eq!(g, &e.to_vec(), "quoted fields (remarks with commas) come back whole");
    }
}

#[test]
fn a_stored_invoice_whose_state_or_date_does_not_read_is_reported_not_rendered() {
    let (_, recs) = drafted(3_000);
    let damaged = InvoiceRecord { state: "void".into(), ..recs[0].clone() };
    let e = invoice_of(&damaged).expect_err("an unknown state");
    assert_eq!(e, UnreadableInvoice { id: recs[0].id.clone(), detail: "invoice state `void`: draft or issued".into() });
    let damaged = InvoiceRecord { issued_at: Some("yesterday".into()), ..recs[0].clone() };
    let e = invoice_of(&damaged).expect_err("an unreadable date");
    assert!(e.to_string().starts_with(&format!("invoice {}: issued_at `yesterday`", recs[0].id)), "{e}");
    assert!(invoices_of(&[recs[0].clone(), damaged]).is_err(), "one damaged invoice stops the whole batch");
}
