//! Making real export files in tests: workbooks through rust_xlsxwriter, CSV text with RFC 4180 quoting.
#![allow(dead_code)]

use chrono::{Datelike, NaiveDateTime, Timelike};
use koodesk_documents::import::{read_bytes, ExportKind, Format, ImportOptions, Parsed};
use koodesk_domain::time::{self, Instant};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

/// A cell to write.
#[derive(Debug, Clone)]
pub enum C {
    S(String),
    N(f64),
    /// A date cell (formatted `yyyy-mm-dd hh:mm:ss`).
    D(NaiveDateTime),
    E,
}

pub fn s(v: &str) -> C {
    C::S(v.to_string())
}

pub fn n(v: f64) -> C {
    C::N(v)
}

pub fn d(v: &str) -> C {
    C::D(NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").expect("test date"))
}

/// A row of text cells; an empty string is no cell.
pub fn texts(cells: &[&str]) -> Vec<C> {
    cells.iter().map(|c| if c.is_empty() { C::E } else { s(c) }).collect()
}

pub fn excel_date(t: &NaiveDateTime) -> ExcelDateTime {
    ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)
        .and_then(|d| d.and_hms(t.hour() as u16, t.minute() as u8, t.second()))
        .expect("excel date")
}

/// A workbook of the given sheets.
pub fn xlsx(sheets: &[(&str, Vec<Vec<C>>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    C::S(v) => {
                        ws.write_string(r, c, v).expect("write");
                    }
                    C::N(v) => {
                        ws.write_number(r, c, *v).expect("write");
                    }
                    C::D(v) => {
                        ws.write_datetime_with_format(r, c, excel_date(v), &date).expect("write");
                    }
                    C::E => {}
                }
            }
        }
    }
    wb.save_to_buffer().expect("workbook")
}

/// One sheet named `Sheet1`.
pub fn xlsx1(rows: Vec<Vec<C>>) -> Vec<u8> {
    xlsx(&[("Sheet1", rows)])
}

/// CSV text: fields quoted when they hold a comma, a quote or a line break.
pub fn csv(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> =
            row.iter()
                .map(|f| {
                    if f.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", f.replace('"', "\"\""))
                    } else {
                        f.clone()
                    }
                })
                .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn csv_rows(rows: &[&[&str]]) -> String {
    csv(&rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect::<Vec<_>>())
}

pub fn read_xlsx(kind: ExportKind, bytes: &[u8], opts: &ImportOptions) -> Parsed {
    read_bytes(kind, Format::Xlsx, bytes, opts).unwrap_or_else(|e| panic!("reads: {e}"))
}

pub fn read_csv(kind: ExportKind, bytes: &[u8], opts: &ImportOptions) -> Parsed {
    read_bytes(kind, Format::Csv, bytes, opts).unwrap_or_else(|e| panic!("reads: {e}"))
}

/// Beijing wall-clock text as an instant.
pub fn bj(v: &str) -> Instant {
    time::at_beijing(NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").expect("test date"))
}

/// The errors as `row|column|message` lines, for assertions.
pub fn error_lines(p: &Parsed) -> Vec<String> {
    p.errors.iter().map(|e| format!("{}|{}|{}", e.row, e.column.as_deref().unwrap_or("-"), e.message)).collect()
}
