//! `koodesk bench invoices`: drafting one invoice from a request, and writing 1,000 drafts as XLSX and CSV.

use std::time::Instant as Clock;

use koodesk_app::invoice_documents::{invoice_of, invoices_of};
use koodesk_documents::batch;
use koodesk_domain::time;
use koodesk_store::invoicing::InvoiceRecord;
use koodesk_store::Store;
use serde::Serialize;

use crate::output::Failure;

#[derive(Debug, Serialize)]
pub struct InvoiceFigures {
    /// Drafting one request (its rules, lines, tax, capitals), from the store's source, in microseconds.
    pub draft_one_us_median: f64,
    /// Drafting one request and rendering its PDF (fonts loaded once, as a running app has them), in milliseconds.
    pub draft_and_pdf_ms_median: f64,
    pub pdf_bytes: usize,
    pub drafts_in_batch: usize,
    pub xlsx_ms_median: f64,
    pub xlsx_bytes: usize,
    pub csv_ms_median: f64,
    pub runs: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

pub fn run(runs: usize) -> Result<InvoiceFigures, Failure> {
    let fail = |m: String| Failure { status: 1, message: m };
    let now = time::parse_datetime("2026-11-29T10:00:00").map_err(|e| fail(e.to_string()))?;
    let mut store = Store::open_in_memory().map_err(|e| fail(e.to_string()))?;
    koodesk_store::demo::write(&mut store, 20_000, 9, now).map_err(|e| fail(e.to_string()))?;
    let ids: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT id FROM invoice_requests WHERE status = 'requested' ORDER BY id")
            .map_err(|e| fail(e.to_string()))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| fail(e.to_string()))?;
        rows.collect::<Result<_, _>>().map_err(|e| fail(e.to_string()))?
    };
    let mut recs: Vec<InvoiceRecord> = Vec::new();
    for id in &ids {
        if let Ok(r) = store.draft_request(id, now) {
            recs.extend(r);
        }
    }
    if recs.is_empty() {
        return Err(fail("the demo store drafted no invoice".into()));
    }
    // Drafting one: the source read from the store and the rules applied (no write), many times.
    let codes = store.tax_code_table().map_err(|e| fail(e.to_string()))?;
    let sources: Vec<_> = ids
        .iter()
        .filter_map(|id| store.invoice_source(id).ok())
        .filter(|s| koodesk_domain::invoice_draft::draft(s, &codes).is_ok())
        .collect();
    let mut draft_us = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Clock::now();
        let mut n = 0;
        for s in &sources {
            n += koodesk_domain::invoice_draft::draft(s, &codes).map(|d| d.len()).unwrap_or(0);
        }
        draft_us.push(t.elapsed().as_secs_f64() * 1e6 / sources.len().max(1) as f64);
        std::hint::black_box(n);
    }
    let fonts = koodesk_documents::pdf::Fonts::find().map_err(|e| fail(e.to_string()))?;
    let seller = koodesk_documents::pdf::Seller {
        name: "示例软件有限公司".into(),
        taxpayer_id: "91350100M000100Y43".into(),
    };
    let (mut pdf_ms, mut pdf_bytes) = (Vec::new(), 0);
    let template = invoice_of(&recs[0]).map_err(|e| fail(e.to_string()))?;
    for i in 0..(runs.max(1) * 5) {
        let source = &sources[i % sources.len()];
        let t = Clock::now();
        let drafts = koodesk_domain::invoice_draft::draft(source, &codes).map_err(|e| fail(e.to_string()))?;
        let rec = koodesk_documents::invoice::Invoice { draft: drafts[0].clone(), ..template.clone() };
        let bytes = koodesk_documents::pdf::render(&rec, &seller, &fonts).map_err(|e| fail(e.to_string()))?;
        pdf_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        pdf_bytes = bytes.len();
    }
    let batch_recs =
        invoices_of(&recs.iter().cycle().take(1000).cloned().collect::<Vec<_>>()).map_err(|e| fail(e.to_string()))?;
    let (mut xlsx_ms, mut csv_ms, mut bytes) = (Vec::new(), Vec::new(), 0);
    for _ in 0..runs.max(1) {
        let t = Clock::now();
        let x = batch::xlsx(&batch_recs).map_err(|e| fail(e.to_string()))?;
        xlsx_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        bytes = x.len();
        let t = Clock::now();
        std::hint::black_box(batch::csv(&batch_recs));
        csv_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(InvoiceFigures {
        draft_one_us_median: median(draft_us),
        draft_and_pdf_ms_median: median(pdf_ms),
        pdf_bytes,
        drafts_in_batch: batch_recs.len(),
        xlsx_ms_median: median(xlsx_ms),
        xlsx_bytes: bytes,
        csv_ms_median: median(csv_ms),
        runs: runs.max(1),
    })
}
