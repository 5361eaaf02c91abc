//! The console's import of Seller Console exports (`REAL-DATA.md` §2): a preview of how the file's columns are
//! read, its first rows and what importing it would change (a dry run), then the import the seller confirms. The
//! file is parsed off the async workers, and written by the store's writer in one transaction.

use crate::error::ErrorCode;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use koodesk_documents::import::{self, Format, ImportOptions, Parsed};
use koodesk_domain::problem::Rule;
use koodesk_store::import::ImportCounts;

use crate::api::{ApiError, ImportColumn, ImportFile, ImportPreview, ImportProblem, ImportSkip, ImportSummary};
use crate::clock::now;
use crate::workspace::Workspace;

fn format_of(name: &str) -> Result<Format, ApiError> {
    Format::of_path(std::path::Path::new(name))
        .map_err(|e| ApiError::invalid("file_name", Rule::BadFormat, format!("file_name: {e}")))
}

/// Why a file could not be read: a problem of its header the seller can fix by mapping a column (the header row
/// and its headers are known), or anything else.
enum Unread {
    Header { row: usize, headers: Vec<String>, message: String },
    Other(ApiError),
}

impl From<ApiError> for Unread {
    fn from(e: ApiError) -> Unread {
        Unread::Other(e)
    }
}

impl From<Unread> for ApiError {
    fn from(u: Unread) -> ApiError {
        match u {
            Unread::Header { message, .. } => ApiError::invalid("headers", Rule::BadFormat, message),
            Unread::Other(e) => e,
        }
    }
}

/// The file parsed with the mapping given, or the one confirmed last for its kind (whose entries for headers this
/// file lacks are passed over); returns the mapping used.
async fn parse(ws: &Workspace, a: &ImportFile) -> Result<(Parsed, Option<String>), Unread> {
    let kind = a.kind;
    let given = a.map.as_ref().filter(|m| !m.trim().is_empty()).cloned();
    let remembered = given.is_none();
    let mapping = match given {
        Some(m) => Some(m),
        None => ws.read(move |s| Ok(s.import_mapping(kind)?)).await?,
    };
    let map = match mapping.as_deref() {
        Some(m) => import::parse_map(m).map_err(|e| ApiError::invalid("map", Rule::BadFormat, format!("map: {e}")))?,
        None => Vec::new(),
    };
    let set = match a.set.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => import::parse_set(s).map_err(|e| ApiError::invalid("set", Rule::BadFormat, format!("set: {e}")))?,
        None => Vec::new(),
    };
    let format = format_of(&a.file_name)?;
    let bytes = BASE64
        .decode(a.content_base64.trim())
        .map_err(|_| ApiError::invalid("content_base64", Rule::BadFormat, "content_base64: not base64"))?;
    let opts =
        ImportOptions { map, map_remembered: remembered, set, sheet: a.sheet.clone().filter(|s| !s.trim().is_empty()) };
    let name = a.file_name.clone();
    let parsed = tokio::task::spawn_blocking(move || import::read_bytes(kind, format, &bytes, &opts))
        .await
        .map_err(|e| ApiError::new(ErrorCode::Import, format!("reading the file stopped: {e}")))?
        .map_err(|e| {
            let message = format!("{name}: {e}");
            match e {
                import::ImportError::MissingRequired { row, headers, .. }
                | import::ImportError::MapHeaderNotFound { row, headers, .. } => {
                    Unread::Header { row, headers, message }
                }
                _ => Unread::Other(ApiError::invalid("file", Rule::BadFormat, message)),
            }
        })?;
    Ok((parsed, mapping))
}

fn problems(p: &Parsed) -> Vec<ImportProblem> {
    p.errors
        .iter()
        .map(|e| ImportProblem { row: e.row as u32, column: e.column.clone(), message: e.message.clone() })
        .collect()
}

/// The fields a column of this kind can be read as, for the column picker.
fn fields_of(kind: import::ExportKind) -> Vec<String> {
    import::fields_of(kind).iter().map(|f| f.as_str().to_string()).collect()
}

/// A preview of a file, or — when its header row lacks a column every row needs, or a mapping names a header it
/// does not have — its headers with the problem, so the seller can map a column and preview again.
pub async fn preview(ws: &Workspace, a: ImportFile) -> Result<ImportPreview, ApiError> {
    let (parsed, mapping) = match parse(ws, &a).await {
        Ok(p) => p,
        Err(Unread::Header { row, headers, message }) => {
            return Ok(ImportPreview {
                kind: a.kind,
                header_row: row as u32,
                columns: headers.into_iter().map(|header| ImportColumn { header, field: None }).collect(),
                first_rows: Vec::new(),
                rows: 0,
                skipped: Vec::new(),
                errors: Vec::new(),
                imported: 0,
                updated: 0,
                unchanged: 0,
                mapping: a.map.clone().filter(|m| !m.trim().is_empty()),
                fields: fields_of(a.kind),
                problem: Some(message),
            })
        }
        Err(Unread::Other(e)) => return Err(e),
    };
    let records = parsed.records.clone();
    let counts = ws.write(move |s| Ok(s.import_records(&records, now().timestamp(), true)?)).await?;
    Ok(ImportPreview {
        kind: a.kind,
        header_row: parsed.header_row as u32,
        columns: parsed
            .columns
            .iter()
            .map(|c| ImportColumn { header: c.header.clone(), field: c.field.map(|f| f.as_str().to_string()) })
            .collect(),
        first_rows: parsed.preview.clone(),
        rows: parsed.rows as u32,
        skipped: parsed.skipped.iter().map(|k| ImportSkip { row: k.row as u32, reason: k.reason.clone() }).collect(),
        errors: problems(&parsed),
        imported: counts.imported as u32,
        updated: counts.updated as u32,
        unchanged: counts.unchanged as u32,
        mapping,
        fields: fields_of(a.kind),
        problem: None,
    })
}

pub async fn confirm(ws: &Workspace, a: ImportFile) -> Result<ImportSummary, ApiError> {
    let (parsed, _) = parse(ws, &a).await?;
    let invalid = !parsed.errors.is_empty();
    if invalid && !a.skip_invalid {
        return Err(ApiError::invalid(
            "rows",
            Rule::Rule,
            format!(
                "{}: {} invalid row(s), nothing was imported; correct them, or import the valid rows only",
                a.file_name,
                parsed.invalid_rows()
            ),
        ));
    }
    let records = parsed.records.clone();
    let (kind, given) = (a.kind, a.map.clone().filter(|m| !m.trim().is_empty()));
    let counts: ImportCounts = ws
        .write(move |s| {
            let counts = s.import_records(&records, now().timestamp(), false)?;
            if let Some(m) = given {
                s.set_import_mapping(kind, &m)?;
            }
            Ok(counts)
        })
        .await?;
    ws.log.info(&format!(
        "import of {} ({}): {} imported, {} updated, {} unchanged",
        a.file_name,
        kind.as_str(),
        counts.imported,
        counts.updated,
        counts.unchanged
    ));
    Ok(ImportSummary {
        kind,
        rows: parsed.rows as u32,
        imported: counts.imported as u32,
        updated: counts.updated as u32,
        unchanged: counts.unchanged as u32,
        skipped: (parsed.skipped.len() + parsed.invalid_rows()) as u32,
        errors: problems(&parsed),
    })
}

/// Looks orders up through `order/query` and stores what it says (source `lookup`).
pub async fn lookup(ws: &Workspace, a: crate::api::OrderLookup) -> Result<crate::api::LookupResult, ApiError> {
    use crate::api::{FailedLookup, LookedUpOrder, LookupResult};
    let ids: Vec<String> = a
        .order_ids
        .iter()
        .flat_map(|s| s.split([',', '\n', ' ', '\t']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Err(ApiError::invalid("order_ids", Rule::Required, "order_ids: paste one or more order IDs"));
    }
    let access_type = match a.access_type.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => {
            Some(t.parse().map_err(|e| ApiError::invalid("access_type", Rule::OneOf, format!("access_type: {e}")))?)
        }
        None => None,
    };
    let api = ws.open_api().await?;
    let report = koodesk_client::lookup::lookup(ws.writer(), &api, &ids, access_type)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Lookup, e.to_string()))?;
    ws.log.info(&format!("lookup: {} stored, {} failed", report.looked_up.len(), report.failed.len()));
    Ok(LookupResult {
        looked_up: report
            .looked_up
            .into_iter()
            .map(|o| LookedUpOrder {
                order_id: o.order_id,
                amount: o.amount,
                lines: o.lines.len() as u32,
                source: o.source,
                changed: o.changed,
            })
            .collect(),
        failed: report.failed.into_iter().map(|f| FailedLookup { order_id: f.order_id, message: f.message }).collect(),
        stopped: report.stopped,
    })
}
