//! The seller's buyer list from CSV or XLSX: a header row naming the columns (English or Chinese), then one buyer
//! a row. Every row is checked before any is returned, so a bad file stores nothing.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use koodesk_domain::credit_code::CreditCode;
use koodesk_domain::invoice_draft::BuyerEntry;

/// Why a list was refused: the row (1-based, as a spreadsheet numbers it) and column, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BuyerListError(pub String);

const TITLE: [&str; 5] = ["title", "抬头", "名称", "购买方名称", "发票抬头"];
const TAXPAYER: [&str; 5] =
    ["taxpayer_id", "纳税人识别号", "统一社会信用代码", "税号", "统一社会信用代码/纳税人识别号"];
const ADDRESS: [&str; 3] = ["address", "地址", "地址电话"];
const BANK: [&str; 4] = ["bank", "开户行", "开户行及账号", "银行账号"];

/// Buyers from rows of cells, the first row being the header.
pub fn from_rows(rows: Vec<Vec<String>>) -> Result<Vec<BuyerEntry>, BuyerListError> {
    let mut it = rows.into_iter();
    let header: Vec<String> =
        it.next().ok_or_else(|| BuyerListError("the file is empty: a header row is needed".into()))?;
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim().trim_start_matches('\u{feff}')));
    let title = find(&TITLE).ok_or_else(|| {
        BuyerListError(format!(
            "the header has no title column (one of {}); it has: {}",
            TITLE.join(", "),
            header.join(", ")
        ))
    })?;
    let (taxpayer, address, bank) = (find(&TAXPAYER), find(&ADDRESS), find(&BANK));
    let mut out: Vec<BuyerEntry> = Vec::new();
    for (i, row) in it.enumerate() {
        let line = i + 2;
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let name = get(Some(title))
            .ok_or_else(|| BuyerListError(format!("row {line}, column {}: the title is empty", header[title])))?;
        let taxpayer_id = match get(taxpayer) {
            None => None,
            Some(v) => Some(
                v.parse::<CreditCode>()
                    .map_err(|e| BuyerListError(format!("row {line}, column taxpayer_id `{v}`: {e}")))?
                    .as_str()
                    .to_string(),
            ),
        };
        if out.iter().any(|b| b.title == name) {
            return Err(BuyerListError(format!("row {line}: `{name}` is listed twice")));
        }
        out.push(BuyerEntry { title: name, taxpayer_id, address: get(address), bank: get(bank) });
    }
    Ok(out)
}

/// Splits CSV text (RFC 4180: quoted fields, doubled quotes, newlines inside quotes) into rows.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Buyers from a CSV file's text.
pub fn from_csv(text: &str) -> Result<Vec<BuyerEntry>, BuyerListError> {
    from_rows(csv_rows(text))
}

/// Buyers from an XLSX file's bytes (the first sheet).
pub fn from_xlsx(bytes: &[u8]) -> Result<Vec<BuyerEntry>, BuyerListError> {
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| BuyerListError(format!("not an XLSX file: {e}")))?;
    let first = wb.sheet_names().first().cloned().ok_or_else(|| BuyerListError("the workbook has no sheet".into()))?;
    let range = wb.worksheet_range(&first).map_err(|e| BuyerListError(format!("sheet {first}: {e}")))?;
    let rows = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    from_rows(rows)
}
