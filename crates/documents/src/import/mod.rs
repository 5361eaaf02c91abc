//! Reading the Seller Console's exports (卖家中心: 订单列表, 交易明细, 账单, 详单) into domain records.
//!
//! KooGallery has no seller API for bulk data and does not publish these files' column headers (`REAL-DATA.md`
//! §2), so a file is read by recognising its headers by name:
//!
//! - [`fields`](Field): the vocabulary of fields, the headers (aliases) each is known by, and what each kind of
//!   export reads and requires;
//! - `cells`: what a field reads from a cell — Beijing-time instants from the console's text formats and Excel
//!   dates, billing periods, exact CNY amounts (never through a float for text), the console's vocabularies;
//! - `table`: finding the header row below titles and blank rows, mapping columns (`--map` first), and feeding
//!   the rows below it;
//! - `records`: rows into records, every problem collected with its spreadsheet row number and header,
//!   duplicates refused, orders that were never a sale skipped;
//! - `xlsx` (streamed cell by cell) and `csv` (UTF-8, GBK, UTF-16; comma or tab): the two formats;
//! - [`sample`]: a synthetic 订单列表 export, for tests and the import benchmark.
//!
//! A file-level problem (cannot read, no header, a required column missing, a bad `--map`) is an
//! [`ImportError`]; a bad row is a [`RowError`] in [`Parsed::errors`], and every other row is still read.

mod cells;
mod csv;
mod error;
mod fields;
mod records;
pub mod sample;
mod table;
mod xlsx;

use std::path::Path;

use serde::Serialize;

pub use error::ImportError;
pub use fields::{fields_of, normalise, required, Field};
pub use koodesk_domain::seller_export::{
    BillLineRecord, BillRecord, BillStatus, ExportKind, OrderRecord, OrderState, OrderType, Records, StateReading,
    TransactionRecord,
};
pub use records::{RowError, Skipped, ERROR_CAP, PREVIEW_ROWS};
pub use table::{Column, SCAN_ROWS};

/// The two formats the console exports in (and what Excel saves them as).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A workbook: `.xlsx`, `.xlsm` (streamed), or `.xls`, `.xlsb`, `.ods` (read whole).
    Xlsx,
    /// `.csv`, `.txt`.
    Csv,
}

impl Format {
    /// The format a file's extension names (any case).
    pub fn of_path(path: &Path) -> Result<Format, ImportError> {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods") => Ok(Format::Xlsx),
            Some("csv" | "txt" | "tsv") => Ok(Format::Csv),
            _ => Err(ImportError::UnknownFormat { path: path.to_path_buf() }),
        }
    }
}

/// How to read a file beyond recognising its headers.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `--map`: headers (as in the file; spaces, full-width forms and a trailing unit are ignored) read as these
    /// fields, whatever an alias would say; `None` (`HEADER=ignore`): the column is not read, even when its header
    /// is one KooDesk recognises.
    pub map: Vec<(String, Option<Field>)>,
    /// The mapping was remembered from an earlier file of the kind, not given for this one: an entry whose header
    /// this file does not have is passed over instead of refused.
    pub map_remembered: bool,
    /// `--set`: a value for every row, for a field the file has no column for (or, where it has one, for its
    /// empty cells).
    pub set: Vec<(Field, String)>,
    /// `--sheet`: the workbook's sheet to read; the first when `None`.
    pub sheet: Option<String>,
}

/// A file read: how its columns were mapped, the records of its valid rows, and what was wrong with the others.
#[derive(Debug, Clone, Serialize)]
pub struct Parsed {
    pub kind: ExportKind,
    /// The sheet read (workbooks only).
    pub sheet: Option<String>,
    /// The header's row number (1-based, as the spreadsheet shows it).
    pub header_row: usize,
    /// Every header of the file, in order, with the field it was mapped to.
    pub columns: Vec<Column>,
    /// The records of the valid rows, in file order.
    #[serde(skip)]
    pub records: Records,
    /// The row number of each record, in the same order.
    pub record_rows: Vec<usize>,
    /// Data rows seen below the header, not counting blank rows and totals (合计, 总计, 小计).
    pub rows: usize,
    /// Rows read but not kept (orders that are not a sale: 待支付, 已取消, …).
    pub skipped: Vec<Skipped>,
    /// The problems of the invalid rows, in file order; at most [`ERROR_CAP`] are listed.
    pub errors: Vec<RowError>,
    /// How many problems there were, listed or not.
    pub error_count: usize,
    /// The first [`PREVIEW_ROWS`] data rows as text, one string per entry of `columns`.
    pub preview: Vec<Vec<String>>,
}

impl Parsed {
    /// Data rows that are neither a record nor skipped: the rows with at least one problem (duplicates included).
    pub fn invalid_rows(&self) -> usize {
        self.rows.saturating_sub(self.records.len() + self.skipped.len())
    }
}

/// What `HEADER=` takes to leave a column unread: `ignore`, `-` or `忽略`.
pub const IGNORE: [&str; 3] = ["ignore", "-", "忽略"];

/// `"HEADER=field,HEADER2=field2,HEADER3=ignore"`: headers read as the given fields, or not read (`None`). A header
/// may contain `=`; the field is after the last one.
pub fn parse_map(spec: &str) -> Result<Vec<(String, Option<Field>)>, ImportError> {
    let bad = |item: &str, why: &str| ImportError::BadSpec { option: "--map", item: item.to_string(), why: why.into() };
    let mut out: Vec<(String, Option<Field>)> = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (header, field) = item
            .rsplit_once('=')
            .ok_or_else(|| bad(item, "expected HEADER=field (or HEADER=ignore), e.g. 成交金额=amount"))?;
        let header = header.trim();
        if header.is_empty() {
            return Err(bad(item, "the header is empty: expected HEADER=field, e.g. 成交金额=amount"));
        }
        let field =
            if IGNORE.iter().any(|i| field.trim().eq_ignore_ascii_case(i)) { None } else { Some(Field::parse(field)?) };
        if out.iter().any(|(h, _)| normalise(h) == normalise(header)) {
            return Err(bad(item, "the header is mapped twice"));
        }
        out.push((header.to_string(), field));
    }
    Ok(out)
}

/// `"access_type=SaaS,order_type=新购"`: a value for every row of a field the file has no column for. A value
/// cannot contain a comma; give such a value in a `--set` of its own.
pub fn parse_set(spec: &str) -> Result<Vec<(Field, String)>, ImportError> {
    let bad = |item: &str, why: &str| ImportError::BadSpec { option: "--set", item: item.to_string(), why: why.into() };
    let mut out: Vec<(Field, String)> = Vec::new();
    for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (field, value) =
            item.split_once('=').ok_or_else(|| bad(item, "expected field=VALUE, e.g. access_type=SaaS"))?;
        let field = Field::parse(field)?;
        let value = value.trim();
        if value.is_empty() {
            return Err(bad(item, "the value is empty: expected field=VALUE, e.g. access_type=SaaS"));
        }
        if out.iter().any(|(f, _)| *f == field) {
            return Err(bad(item, "the field is set twice"));
        }
        out.push((field, value.to_string()));
    }
    Ok(out)
}

/// Checks `--map` and `--set` against what the kind reads, and each `--set` value with its field's reader.
fn check_options(kind: ExportKind, opts: &ImportOptions) -> Result<(), ImportError> {
    let reads = fields_of(kind);
    let not_read = |option, field| ImportError::FieldNotRead { option, field, kind, fields: reads.to_vec() };
    if let Some(f) = opts.map.iter().filter_map(|(_, f)| *f).find(|f| !reads.contains(f)) {
        return Err(not_read("--map", f));
    }
    for (i, (field, value)) in opts.set.iter().enumerate() {
        if !reads.contains(field) {
            return Err(not_read("--set", *field));
        }
        if opts.set[..i].iter().any(|(f, _)| f == field) {
            return Err(ImportError::BadSpec {
                option: "--set",
                item: format!("{field}={value}"),
                why: "the field is set twice".into(),
            });
        }
        records::check_value(kind, *field, value).map_err(|why| ImportError::BadSetValue {
            field: *field,
            value: value.clone(),
            why,
        })?;
    }
    Ok(())
}

/// Reads an export file, its format by its extension ([`Format::of_path`]).
pub fn read_path(kind: ExportKind, path: &Path, opts: &ImportOptions) -> Result<Parsed, ImportError> {
    let format = Format::of_path(path)?;
    check_options(kind, opts)?;
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { path: path.to_path_buf(), source })?;
    read_bytes(kind, format, &bytes, opts)
}

/// A date-time as the Seller Console's pages and exports write it (`2026-11-03 14:02:11`, `2026/11/3 9:05`,
/// `20261103140211`, `2026-11-03`, or RFC 3339 with its offset), read as Beijing time — the import's rule, for text
/// pasted from the console's tables too. `None` when it is none of these.
pub fn instant_text(s: &str) -> Option<koodesk_domain::time::Instant> {
    match cells::parse_datetime_text(s) {
        Some(n) => Some(koodesk_domain::time::at_beijing(n)),
        None => koodesk_domain::time::parse_datetime(s).ok(),
    }
}

/// An amount as the console writes it (`¥1,234.50`, `￥ 1234.5`, `1,234元`), exactly, never through a float: the
/// import's rule. The error says what was expected. Whether it has more than 2 decimals is the caller's to check.
pub fn amount_text(s: &str) -> Result<rust_decimal::Decimal, String> {
    cells::parse_amount_text(s)
}

/// Reads an export from its bytes.
pub fn read_bytes(kind: ExportKind, format: Format, bytes: &[u8], opts: &ImportOptions) -> Result<Parsed, ImportError> {
    check_options(kind, opts)?;
    match format {
        Format::Xlsx => xlsx::parse(kind, bytes, opts),
        Format::Csv => csv::parse(kind, bytes, opts),
    }
}
