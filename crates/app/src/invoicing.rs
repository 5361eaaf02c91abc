//! The console's invoice commands: issuing (then telling KooGallery through the outbox), red letters, and the
//! buyer fields a draft may change [KG §2]. Drafting itself is the store's; these add the sync and the checks.

use crate::error::ErrorCode;
use koodesk_domain::credit_code::CreditCode;
use koodesk_domain::invoice::RedLetterReason;
use koodesk_domain::problem::Rule;
use koodesk_store::db::Store;
use koodesk_store::invoicing::InvoiceRecord;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use koodesk_documents::{batch, buyers, pdf as invoice_pdf};

use crate::api::{
    ApiError, BuyerListFile, BuyersImported, ExportFile, InvoiceBuyerEdit, InvoiceExport, InvoiceIssue, InvoiceIssued,
    InvoiceList, InvoiceRedLetter,
};
use crate::clock::now;
use crate::invoice_documents::{invoice_of, invoices_of};
use crate::workspace::Workspace;

/// Issues a draft (or records the tax system's number), then tries to tell KooGallery at once; offline, the
/// action waits in the outbox and the invoice is issued all the same.
pub async fn issue(ws: &Workspace, a: InvoiceIssue) -> Result<InvoiceIssued, ApiError> {
    let (id, number, by) = (a.id.clone(), a.number.clone(), a.by.clone());
    let invoice = ws
        .write(move |store| {
            // The request's screen must still be current: its issue is queued in the same write.
            if let (Some(seq), Some(request)) = (a.request_seq, store.invoice(&id)?.request_id) {
                store.check_screen(koodesk_store::outbox::ActionKind::InvoiceIssued, &request, seq)?;
            }
            Ok(match number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => store.record_invoice_number(&id, n, &by, now()),
                None => store.issue_invoice(&id, &by, now()),
            }?)
        })
        .await?;
    ws.log.info(&format!("invoice {} issued as {}", invoice.id, invoice.number.as_deref().unwrap_or("")));
    let Some(target) = invoice.request_id.clone() else {
        // Drafted from chosen orders: KooGallery has no request to close.
        return Ok(InvoiceIssued { invoice, sent: true, push: None });
    };
    let t = target.clone();
    let action = ws.read(move |s| Ok(s.in_flight_for(&t)?)).await?;
    let Some((action_id, _)) = action else {
        return Ok(InvoiceIssued { invoice, sent: true, push: None });
    };
    let q = ws.push_action(&action_id).await;
    let sent = q.sent && q.refused.is_none();
    Ok(InvoiceIssued { invoice, sent, push: Some(q) })
}

pub async fn red_letter(ws: &Workspace, a: InvoiceRedLetter) -> Result<InvoiceList, ApiError> {
    let reason = match a.reason.as_str() {
        "invoicing-error" => RedLetterReason::InvoicingError,
        "goods-returned" => RedLetterReason::GoodsReturned,
        "service-terminated" => RedLetterReason::ServiceTerminated,
        "sales-allowance" => RedLetterReason::SalesAllowance,
        other => {
            return Err(ApiError::invalid("reason", Rule::OneOf, format!(
                "reason `{other}`: one of invoicing-error (开票有误), goods-returned (销货退回), service-terminated (服务终止), sales-allowance (销售折让)"
            )))
        }
    };
    let invoices = ws
        .write(move |store| {
            let red = store.red_letter(&a.id, reason, now())?;
            Ok(siblings(store, &red)?.unwrap_or_else(|| vec![red]))
        })
        .await?;
    Ok(InvoiceList { invoices })
}

/// Changes the buyer of a draft: the title is required; a taxpayer ID must be a valid 统一社会信用代码.
pub async fn edit_buyer(ws: &Workspace, a: InvoiceBuyerEdit) -> Result<InvoiceList, ApiError> {
    let title = a.title.trim();
    if title.is_empty() {
        return Err(ApiError::invalid("title", Rule::Required, "title: an invoice is made out to a name"));
    }
    let taxpayer_id = match a.taxpayer_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<CreditCode>()
                .map_err(|e| ApiError::invalid("taxpayer_id", Rule::BadFormat, format!("taxpayer_id `{v}`: {e}")))?
                .as_str()
                .to_string(),
        ),
    };
    let title = title.to_string();
    let invoices = ws
        .write(move |store| {
            let mut rec = store.invoice(&a.id)?;
            if rec.draft.kind == koodesk_domain::invoice::InvoiceKind::Special && taxpayer_id.is_none() {
                return Err(ApiError::invalid(
                    "taxpayer_id",
                    Rule::Required,
                    "taxpayer_id: a special invoice (专票) needs the buyer's taxpayer ID [KG §2]",
                ));
            }
            let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
            rec.draft.buyer.title = title;
            rec.draft.buyer.taxpayer_id = taxpayer_id;
            rec.draft.buyer.address = clean(a.address);
            rec.draft.buyer.bank = clean(a.bank);
            let rec = store.edit_draft(&a.id, &rec.draft)?;
            Ok(siblings(store, &rec)?.unwrap_or_else(|| vec![rec]))
        })
        .await?;
    Ok(InvoiceList { invoices })
}

/// The invoices of the request or batch `rec` belongs to (what the Invoices page shows together), if any.
fn siblings(store: &Store, rec: &InvoiceRecord) -> Result<Option<Vec<InvoiceRecord>>, ApiError> {
    match (&rec.request_id, &rec.batch_id) {
        (Some(r), _) => Ok(store.invoices_of(r).map(Some)?),
        (None, Some(b)) => Ok(store.invoices_of_batch(b).map(Some)?),
        (None, None) => Ok(None),
    }
}

/// Discards a draft; answers what is left of its request or batch.
pub async fn discard(ws: &Workspace, id: &str) -> Result<InvoiceList, ApiError> {
    let draft = id.to_string();
    let invoices = ws
        .write(move |store| {
            let rec = store.invoice(&draft)?;
            store.discard_draft(&draft)?;
            Ok(siblings(store, &rec)?.unwrap_or_default())
        })
        .await?;
    ws.log.info(&format!("draft {id} discarded"));
    Ok(InvoiceList { invoices })
}

/// Drafts and issued invoices as a file: CSV or XLSX for the tax system's batch import, JSON for backups.
pub async fn export(ws: &Workspace, a: InvoiceExport) -> Result<ExportFile, ApiError> {
    let state = a.state.clone().filter(|s| !s.is_empty());
    if let Some(s) = &state {
        if s != "draft" && s != "issued" {
            return Err(ApiError::invalid("state", Rule::OneOf, format!("state `{s}`: draft or issued")));
        }
    }
    let recs = ws.read(move |s| Ok(s.invoices(state.as_deref(), 100_000)?)).await?;
    // Building an XLSX of 100,000 rows is blocking work: off the async workers.
    let format = a.format.clone();
    let (recs, built) = tokio::task::spawn_blocking(move || {
        let built = build_export(&recs, &format);
        (recs, built)
    })
    .await
    .map_err(|e| ApiError::new(ErrorCode::Store, format!("the export stopped: {e}")))?;
    let (bytes, mime, ext) = built?;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    Ok(ExportFile {
        file_name: format!("koodesk-invoices-{stamp}.{ext}"),
        mime: mime.into(),
        content_base64: BASE64.encode(bytes),
        invoices: recs.len() as u32,
    })
}

/// The export's bytes, MIME type and file extension.
fn build_export(recs: &[InvoiceRecord], format: &str) -> Result<(Vec<u8>, &'static str, &'static str), ApiError> {
    let invoices = || invoices_of(recs).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()));
    Ok(match format {
        "csv" => (batch::csv(&invoices()?).into_bytes(), "text/csv", "csv"),
        "xlsx" => (
            batch::xlsx(&invoices()?).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "json" => (
            serde_json::to_vec_pretty(&serde_json::json!({"format": "koodesk-invoices/1", "invoices": recs}))
                .map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?,
            "application/json",
            "json",
        ),
        other => return Err(ApiError::invalid("format", Rule::OneOf, format!("format `{other}`: csv, xlsx or json"))),
    })
}

/// Imports the seller's buyer list; a bad row refuses the whole file, naming the row and column.
pub async fn import_buyers(ws: &Workspace, a: BuyerListFile) -> Result<BuyersImported, ApiError> {
    let bytes = BASE64
        .decode(a.content_base64.trim())
        .map_err(|_| ApiError::invalid("content_base64", Rule::BadFormat, "content_base64: not base64"))?;
    let list = if a.file_name.to_ascii_lowercase().ends_with(".xlsx") {
        buyers::from_xlsx(&bytes)
    } else {
        let text = String::from_utf8(bytes).map_err(|_| {
            ApiError::invalid("file_name", Rule::BadFormat, format!("{}: a CSV file must be UTF-8", a.file_name))
        })?;
        buyers::from_csv(&text)
    }
    .map_err(|e| ApiError::invalid("file_name", Rule::BadFormat, format!("{}: {e}", a.file_name)))?;
    let n = ws.write(move |s| Ok(s.import_buyers(&list)?)).await?;
    ws.log.info(&format!("{n} buyers imported from {}", a.file_name));
    Ok(BuyersImported { imported: n as u32 })
}

/// One invoice as a PDF laid out like a 数电票 (marked as a draft until issued).
pub async fn pdf(ws: &Workspace, id: &str) -> Result<ExportFile, ApiError> {
    let invoice = id.to_string();
    let rec = ws.read(move |s| Ok(s.invoice(&invoice)?)).await?;
    // Finding the fonts and laying out the PDF are blocking work: off the async workers.
    let (rec, bytes) = tokio::task::spawn_blocking(move || {
        let bytes = invoice_of(&rec).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string())).and_then(|invoice| {
            invoice_pdf::Fonts::find()
                .and_then(|fonts| invoice_pdf::render(&invoice, &invoice_pdf::Seller::default(), &fonts))
                .map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))
        });
        (rec, bytes)
    })
    .await
    .map_err(|e| ApiError::new(ErrorCode::Store, format!("the PDF stopped: {e}")))?;
    let bytes = bytes?;
    Ok(ExportFile {
        file_name: format!("{}.pdf", rec.number.as_deref().unwrap_or(&rec.id)),
        mime: "application/pdf".into(),
        content_base64: BASE64.encode(bytes),
        invoices: 1,
    })
}
