//! CSV files: UTF-8 with or without a BOM; GBK, which Excel on Chinese Windows saves (`CSV (逗号分隔)`); UTF-16
//! with a BOM (Excel's `Unicode 文本`). Comma-separated, or tab-separated when the first lines have tabs and no
//! commas. Quoted fields may hold commas, quotes and line breaks.
//!
//! Row numbers are the ones a spreadsheet shows when it opens the file: a record spanning several lines (a line
//! break inside quotes) is one row, and a blank line is a row.

use std::borrow::Cow;

use csv::{ReaderBuilder, StringRecord};
use encoding_rs::{GBK, UTF_16BE, UTF_16LE};
use koodesk_domain::seller_export::ExportKind;

use super::cells::Cell;
use super::table::{self, Rows};
use super::{ImportError, ImportOptions, Parsed};

/// How many lines are looked at to choose the separator.
const SNIFF_LINES: usize = 20;

/// Reads a CSV export.
pub(crate) fn parse(kind: ExportKind, bytes: &[u8], opts: &ImportOptions) -> Result<Parsed, ImportError> {
    let text = decode(bytes)?;
    let delimiter = separator(&text);
    let reader =
        ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = CsvRows { text: &text, reader, record: StringRecord::new(), scanned: 0, lines: 0, inside: 0 };
    table::process(kind, None, &mut rows, opts)
}

/// The file's text: UTF-8 (a BOM dropped), UTF-16 with a BOM, or else GBK — refused when it is not valid GBK
/// either, rather than read with replacement characters.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ImportError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(ImportError::NotCsv(
            "this is a zip archive, most likely an Excel workbook: give it an .xlsx name".to_string(),
        ));
    }
    if bytes.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        return Err(ImportError::NotCsv(
            "this is an Excel 97-2003 workbook: give it an .xls name, or save it as CSV".to_string(),
        ));
    }
    let utf16 = |enc: &'static encoding_rs::Encoding, body: &[u8]| {
        enc.decode_without_bom_handling_and_without_replacement(body).map(|t| Cow::Owned(t.into_owned())).ok_or_else(
            || {
                ImportError::NotCsv(format!(
                    "the file starts with a {} BOM but is not valid {}",
                    enc.name(),
                    enc.name()
                ))
            },
        )
    };
    if let Some(body) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(UTF_16LE, body);
    }
    if let Some(body) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(UTF_16BE, body);
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(t) => Ok(Cow::Borrowed(t)),
        Err(utf8) => match GBK.decode_without_bom_handling_and_without_replacement(body) {
            Some(t) => Ok(Cow::Owned(t.into_owned())),
            None => Err(ImportError::NotCsv(format!(
                "the text is neither UTF-8 (the byte at offset {} is not) nor GBK: save it from Excel as \
                 \"CSV UTF-8 (逗号分隔)\"",
                bytes.len() - body.len() + utf8.valid_up_to()
            ))),
        },
    }
}

/// Tab when the first line that has a tab or a comma (a title above the header has neither) has tabs and no
/// commas; comma otherwise.
fn separator(text: &str) -> u8 {
    let first = text.lines().take(SNIFF_LINES).find(|l| l.contains(['\t', ',']));
    match first {
        Some(line) if !line.contains(',') => b'\t',
        _ => b',',
    }
}

struct CsvRows<'a> {
    text: &'a str,
    reader: csv::Reader<&'a [u8]>,
    record: StringRecord,
    /// How far `text` has been scanned for line breaks, and how many there were.
    scanned: usize,
    lines: usize,
    /// Line breaks inside quoted fields so far: a spreadsheet does not count them as rows.
    inside: usize,
}

/// Line breaks: `\r\n`, `\n`, or a lone `\r`.
fn breaks(s: &str) -> usize {
    let b = s.as_bytes();
    b.iter().enumerate().filter(|&(i, &c)| c == b'\n' || (c == b'\r' && b.get(i + 1) != Some(&b'\n'))).count()
}

impl CsvRows<'_> {
    /// The spreadsheet row of a record starting at byte `at` (the csv crate may point at the line break before it,
    /// and its own line numbers skip blank lines).
    fn row_at(&mut self, at: usize) -> usize {
        let rest = self.text.get(at..).unwrap_or_default();
        let start = at + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        if start > self.scanned {
            self.lines += breaks(self.text.get(self.scanned..start).unwrap_or_default());
            self.scanned = start;
        }
        1 + self.lines - self.inside.min(self.lines)
    }
}

/// A field as a cell: blank is empty; Excel's `="0123"` (text kept as text) is its inside.
fn cell(field: &str) -> Cell {
    if field.trim().is_empty() {
        return Cell::Empty;
    }
    let inner = field.trim().strip_prefix("=\"").and_then(|f| f.strip_suffix('"'));
    Cell::Text(inner.unwrap_or(field).to_string())
}

impl Rows for CsvRows<'_> {
    fn next_row(&mut self) -> Result<Option<(usize, Vec<Cell>)>, ImportError> {
        let more = self.reader.read_record(&mut self.record).map_err(|e| ImportError::NotCsv(e.to_string()))?;
        if !more {
            return Ok(None);
        }
        let at = self.record.position().map_or(self.scanned, |p| p.byte() as usize);
        let row = self.row_at(at);
        self.inside += self.record.iter().map(breaks).sum::<usize>();
        Ok(Some((row, self.record.iter().map(cell).collect())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(decode("订单号".as_bytes()).ok().as_deref(), Some("订单号"));
        assert_eq!(decode("\u{feff}订单号".as_bytes()).ok().as_deref(), Some("订单号"));
        let (gbk, _, _) = GBK.encode("订单号,金额");
        assert_eq!(decode(&gbk).ok().as_deref(), Some("订单号,金额"));
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("订单号\t金额".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).ok().as_deref(), Some("订单号\t金额"));
        let e = decode(b"ok,\xff\xff").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("neither UTF-8") && e.contains("GBK"), "{e}");
        let e = decode(b"PK\x03\x04rest").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains(".xlsx"), "{e}");
    }

    #[test]
    fn separators() {
        assert_eq!(separator("订单列表\n\n订单号\t金额\n1\t1,234.50\n"), b'\t');
        assert_eq!(separator("订单号,金额\n1,2\n"), b',');
        assert_eq!(separator("订单列表\n"), b',');
    }

    fn numbered(text: &str) -> Vec<(usize, String)> {
        let reader = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut rows = CsvRows { text, reader, record: StringRecord::new(), scanned: 0, lines: 0, inside: 0 };
        let mut out = Vec::new();
        while let Ok(Some((n, cells))) = rows.next_row() {
            out.push((n, cells.first().map(Cell::display).unwrap_or_default()));
        }
        out
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        for eol in ["\r\n", "\n", "\r"] {
            let text = ["title", "", "head,x", "\"a\r\nb\nc\",1", "", "", "d,2", "e"].join(eol);
            let got = numbered(&text);
            let want = [(1, "title"), (3, "head"), (4, "a\r\nb\nc"), (7, "d"), (8, "e")];
            assert_eq!(got, want.map(|(n, s)| (n, s.to_string())), "{eol:?}");
        }
    }
}
