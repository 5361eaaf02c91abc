//! What stops a file from being read at all. A bad row is not one of these: it is a [`super::RowError`] in
//! [`super::Parsed::errors`], and the other rows are still read.

use std::path::PathBuf;

use koodesk_domain::seller_export::ExportKind;

use super::fields::Field;

/// A file-level problem: the file cannot be read, is not what its name says, or its headers cannot be mapped.
/// Each message names the field and the rule and says how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "cannot tell the format of {} from its name: expected .xlsx, .xlsm, .xls, .xlsb or .ods (a workbook), \
         or .csv or .txt (CSV)",
        path.display()
    )]
    UnknownFormat { path: PathBuf },

    #[error("not an Excel workbook (.xlsx, .xlsm, .xls, .xlsb, .ods): {0}")]
    NotXlsx(String),

    #[error("not a CSV file: {0}")]
    NotCsv(String),

    #[error("the workbook has no sheet `{sheet}`; its sheets are: {}", sheets.join(", "))]
    SheetNotFound { sheet: String, sheets: Vec<String> },

    #[error("the workbook has no sheets")]
    NoSheets,

    #[error("the file has no rows{}", sheet.as_ref().map(|s| format!(" (sheet `{s}`)")).unwrap_or_default())]
    Empty { sheet: Option<String> },

    #[error(
        "no header row found in the first {scanned} non-blank rows: a {kind} export needs a header for {}. \
         If the file names these columns otherwise, map them with --map \"HEADER=field\" (e.g. --map \"成交金额=amount\"), \
         or give a value for every row with --set field=VALUE",
        describe_fields(looked_for)
    )]
    NoHeader { kind: ExportKind, scanned: usize, looked_for: Vec<Field> },

    #[error(
        "the header row (row {row}) has no column for {}, which every row of a {kind} export needs; the file's \
         headers are: {}. Map the column with --map \"HEADER={}\", or give every row a value with --set {}=VALUE",
        describe_fields(missing), headers.join(", "), first(missing), first(missing)
    )]
    MissingRequired { kind: ExportKind, row: usize, missing: Vec<Field>, headers: Vec<String> },

    #[error(
        "--map names the header `{header}`, which is not in the header row (row {row}); the file's headers are: {}",
        headers.join(", ")
    )]
    MapHeaderNotFound { header: String, row: usize, headers: Vec<String> },

    #[error("--map maps both `{first}` and `{second}` to {field}: a field is read from one column")]
    MapConflict { field: Field, first: String, second: String },

    #[error("{option} `{item}`: {why}")]
    BadSpec { option: &'static str, item: String, why: String },

    #[error("`{value}` is not a field: expected one of {fields}")]
    UnknownField { value: String, fields: String },

    #[error("{option} names {field}, which a {kind} export does not read; it reads: {}", list(fields))]
    FieldNotRead { option: &'static str, field: Field, kind: ExportKind, fields: Vec<Field> },

    #[error("--set {field}={value}: {why}")]
    BadSetValue { field: Field, value: String, why: String },
}

fn first(fields: &[Field]) -> &'static str {
    fields.first().map(|f| f.as_str()).unwrap_or("field")
}

fn list(fields: &[Field]) -> String {
    fields.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
}

/// `order_id (订单号 / 订单编号 / 订单ID), amount (…)`.
fn describe_fields(fields: &[Field]) -> String {
    fields.iter().map(|f| format!("{} ({})", f.as_str(), f.aliases().join(" / "))).collect::<Vec<_>>().join(", ")
}
