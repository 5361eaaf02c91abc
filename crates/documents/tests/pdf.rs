//! The invoice PDF read back: `pdftotext` (poppler) extracts the Chinese, the amounts, the capitals and the draft
//! mark; an issued invoice shows its number instead. The font is embedded as a subset.

use std::process::Command;

use koodesk_documents::pdf::{self, Fonts, Seller};
use koodesk_domain::time;
use koodesk_store::invoicing::InvoiceRecord;
use koodesk_store::Store;

fn drafted() -> (Store, Vec<InvoiceRecord>) {
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("now");
    let mut s = Store::open_in_memory().expect("store");
    koodesk_store::demo::write(&mut s, 3_000, 5, now).expect("demo");
    let ids: Vec<String> = {
        let mut stmt =
            s.connection().prepare("SELECT id FROM invoice_requests WHERE status = 'requested'").expect("sql");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("ids")
    };
    let mut recs = Vec::new();
    for id in ids {
        if let Ok(r) = s.draft_request(&id, now) {
            recs.extend(r);
        }
    }
    (s, recs)
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
    let (_, recs) = drafted();
    let rec = recs.iter().find(|r| r.draft.lines.len() <= 12).expect("a draft");
    let font = Fonts::find().expect("fonts (fonts-droid-fallback, fonts-dejavu-core)");
    let seller = Seller { name: "示例软件有限公司".into(), taxpayer_id: "91350100M000100Y43".into() };
    let bytes = pdf::render(rec, &seller, &font).expect("pdf");
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
    let (mut s, recs) = drafted();
    let now = time::parse_datetime("2026-11-29T10:00:00").expect("now");
    let issued = s.issue_invoice(&recs[0].id, "张三", now).expect("issued");
    let font = Fonts::find().expect("fonts");
    let text = text_of(&pdf::render(&issued, &Seller::default(), &font).expect("pdf"), "issued");
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains(issued.number.as_deref().expect("number")), "{text}");
    assert!(flat.contains("开票人：张三"), "{text}");
    assert!(!flat.contains("草稿"), "{text}");
}
