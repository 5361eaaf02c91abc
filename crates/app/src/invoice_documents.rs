//! The store's invoice rows as the documents crate's values [KG §2]: the one place the two meet, so `documents`
//! renders from domain values and knows no store. A leaf: it uses no other module of the app.

use koodesk_documents::invoice::{Invoice, InvoiceState};
use koodesk_domain::time;
use koodesk_store::invoicing::InvoiceRecord;

/// Why a stored invoice cannot be rendered: the invoice and the value of it that does not read. Damaged data is
/// reported, never rendered as a guess.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invoice {id}: {detail}")]
pub struct UnreadableInvoice {
    pub id: String,
    pub detail: String,
}

/// The invoice `rec` as the batch files and the PDF render it.
pub fn invoice_of(rec: &InvoiceRecord) -> Result<Invoice, UnreadableInvoice> {
    let bad = |detail: String| UnreadableInvoice { id: rec.id.clone(), detail };
    let state = rec.state.parse::<InvoiceState>().map_err(bad)?;
    let issued_at = rec
        .issued_at
        .as_deref()
        .map(|t| time::parse_datetime(t).map_err(|e| bad(format!("issued_at `{t}`: {e}"))))
        .transpose()?;
    Ok(Invoice {
        id: rec.id.clone(),
        state,
        number: rec.number.clone(),
        issued_at,
        issued_by: rec.issued_by.clone(),
        red_of: rec.red_of.clone(),
        red_reason: rec.red_reason.clone(),
        draft: rec.draft.clone(),
    })
}

/// Every invoice of `recs`, or the first that does not read.
pub fn invoices_of(recs: &[InvoiceRecord]) -> Result<Vec<Invoice>, UnreadableInvoice> {
    recs.iter().map(invoice_of).collect()
}
