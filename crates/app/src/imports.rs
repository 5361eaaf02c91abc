//! The console's import of Seller Console exports (`REAL-DATA.md` §2): a preview of how the file's columns are
//! read, its first rows and what importing it would change (a dry run), then the import the seller confirms. The
//! file is parsed off the async workers, and written by the store's writer in one transaction.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use koodesk_documents::import::{self, Field, Format, ImportOptions, Parsed};
use koodesk_store::import::ImportCounts;

use crate::api::{ApiError, ImportColumn, ImportFile, ImportPreview, ImportProblem, ImportSkip, ImportSummary};
use crate::commands::now;
use crate::workspace::Workspace;

fn format_of(name: &str) -> Result<Format, ApiError> {
    Format::of_path(std::path::Path::new(name)).map_err(|e| ApiError::invalid(format!("file_name: {e}")))
}

/// The file parsed with the mapping given, or the one confirmed last for its kind; returns the mapping used.
async fn parse(ws: &Workspace, a: &ImportFile) -> Result<(Parsed, Option<String>), ApiError> {
    let kind = a.kind;
    let mapping = match &a.map {
        Some(m) if !m.trim().is_empty() => Some(m.clone()),
        _ => ws.read(move |s| Ok(s.import_mapping(kind)?)).await?,
    };
    let map = match mapping.as_deref() {
        Some(m) => import::parse_map(m).map_err(|e| ApiError::invalid(format!("map: {e}")))?,
        None => Vec::new(),
    };
    let set = match a.set.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => import::parse_set(s).map_err(|e| ApiError::invalid(format!("set: {e}")))?,
        None => Vec::new(),
    };
    let format = format_of(&a.file_name)?;
    let bytes = BASE64.decode(a.content_base64.trim()).map_err(|_| ApiError::invalid("content_base64: not base64"))?;
    let opts = ImportOptions { map, set, sheet: a.sheet.clone().filter(|s| !s.trim().is_empty()) };
    let name = a.file_name.clone();
    let parsed = tokio::task::spawn_blocking(move || import::read_bytes(kind, format, &bytes, &opts))
        .await
        .map_err(|e| ApiError::new("import", format!("reading the file stopped: {e}")))?
        .map_err(|e| ApiError::invalid(format!("{name}: {e}")))?;
    Ok((parsed, mapping))
}

fn problems(p: &Parsed) -> Vec<ImportProblem> {
    p.errors
        .iter()
        .map(|e| ImportProblem { row: e.row as u32, column: e.column.clone(), message: e.message.clone() })
        .collect()
}

pub async fn preview(ws: &Workspace, a: ImportFile) -> Result<ImportPreview, ApiError> {
    let (parsed, mapping) = parse(ws, &a).await?;
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
        fields: Field::ALL.iter().map(|f| f.as_str().to_string()).collect(),
    })
}

pub async fn confirm(ws: &Workspace, a: ImportFile) -> Result<ImportSummary, ApiError> {
    let (parsed, _) = parse(ws, &a).await?;
    let invalid = !parsed.errors.is_empty();
    if invalid && !a.skip_invalid {
        return Err(ApiError::invalid(format!(
            "{}: {} invalid row(s), nothing was imported; correct them, or import the valid rows only",
            a.file_name,
            parsed.invalid_rows()
        )));
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
        return Err(ApiError::invalid("order_ids: paste one or more order IDs"));
    }
    let access_type = match a.access_type.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => Some(t.parse().map_err(|e| ApiError::invalid(format!("access_type: {e}")))?),
        None => None,
    };
    let api = ws.open_api().await?;
    let report = koodesk_client::lookup::lookup(ws.writer(), &api, &ids, access_type)
        .await
        .map_err(|e| ApiError::new("lookup", e.to_string()))?;
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
