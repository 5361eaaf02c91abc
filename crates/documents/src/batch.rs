//! Batches of invoices as CSV and XLSX: one row per invoice line, with the invoice's buyer, number and totals.

use std::fmt::Write as _;

use koodesk_domain::invoice::InvoiceKind;
use rust_xlsxwriter::{Format, Workbook};

use crate::invoice::Invoice;

/// The columns, in order.
pub const COLUMNS: [&str; 16] = [
    "invoice_id",
    "state",
    "number",
    "kind",
    "buyer_title",
    "buyer_taxpayer_id",
    "order_id",
    "item",
    "tax_code",
    "quantity",
    "amount_net",
    "rate",
    "tax",
    "amount_gross",
    "total_gross_words",
    "remarks",
];

fn kind(k: InvoiceKind) -> &'static str {
    match k {
        InvoiceKind::Ordinary => "普通发票",
        InvoiceKind::Special => "专用发票",
    }
}

/// The rows as text cells (money as decimal strings, exactly).
pub fn rows(recs: &[Invoice]) -> Vec<[String; 16]> {
    let mut out = Vec::new();
    for r in recs {
        let d = &r.draft;
        for l in &d.lines {
            out.push([
                r.id.clone(),
                r.state.as_str().to_string(),
                r.number.clone().unwrap_or_default(),
                kind(d.kind).to_string(),
                d.buyer.title.clone(),
                d.buyer.taxpayer_id.clone().unwrap_or_default(),
                l.order_id.clone(),
                l.item.clone(),
                l.tax_code.clone(),
                l.quantity.to_string(),
                l.amount_net.to_string(),
                d.rate.to_string(),
                l.tax.to_string(),
                l.amount_gross.to_string(),
                d.total_gross_words.clone(),
                d.remarks.clone(),
            ]);
        }
    }
    out
}

fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read the Chinese right).
pub fn csv(recs: &[Invoice]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&COLUMNS.join(","));
    out.push('\n');
    for row in rows(recs) {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "{}", cells.join(","));
    }
    out
}

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("the spreadsheet could not be written: {0}")]
pub struct XlsxError(String);

/// XLSX: one sheet "发票明细"; identifiers, codes and money as text cells (exact, no float rounding), plus a
/// numeric column of the gross amount for sums.
pub fn xlsx(recs: &[Invoice]) -> Result<Vec<u8>, XlsxError> {
    let e = |x: rust_xlsxwriter::XlsxError| XlsxError(x.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name("发票明细").map_err(e)?;
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold).map_err(e)?;
    }
    sheet.write_string_with_format(0, COLUMNS.len() as u16, "amount_gross_number", &bold).map_err(e)?;
    for (i, row) in rows(recs).iter().enumerate() {
        let r = i as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r, c as u16, v).map_err(e)?;
        }
        // A number for the spreadsheet's own sums; the text column above is the exact amount.
        let gross: f64 = row[13].parse().unwrap_or(0.0);
        sheet.write_number(r, COLUMNS.len() as u16, gross).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}
