//! `koodesk invoice`: drafting, issuing and exporting invoices from the store, offline [KG §2].

use std::fmt::Write as _;

use koodesk_domain::invoice::RedLetterReason;
use koodesk_domain::invoice_draft::courier_note;
use koodesk_domain::time::{self, Instant};
use koodesk_store::invoicing::InvoiceRecord;
use koodesk_store::Store;
use serde_json::json;

use crate::args::{self, ExportFormat, InvoiceArgs, InvoiceCommand, RedReason};
use crate::output::{print_json, Failure};

fn open(a: &InvoiceArgs) -> Result<Store, Failure> {
    let db = a.db.as_ref().ok_or_else(|| Failure::usage("--db FILE: which store"))?;
    if !db.exists() {
        return Err(Failure::usage(format!("--db {}: no such file", db.display())));
    }
    Store::open(db).map_err(|e| Failure::negative(e.to_string()))
}

fn now(a: &InvoiceArgs) -> Result<Instant, Failure> {
    match a.now.as_deref().map(time::parse_datetime) {
        None => Ok(args::now()),
        Some(Ok(t)) => Ok(t),
        Some(Err(e)) => Err(Failure::usage(format!("--now: {e}"))),
    }
}

fn store_err(e: koodesk_store::StoreError) -> Failure {
    Failure::negative(e.to_string())
}

fn print_records(recs: &[InvoiceRecord]) {
    for r in recs {
        let d = &r.draft;
        println!(
            "{}  {}  {}%  {}  {} (net {} + tax {})  {}",
            r.id,
            r.state,
            (d.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
            d.buyer.title,
            d.total_gross,
            d.total_net,
            d.total_tax,
            r.number.as_deref().unwrap_or("")
        );
        println!("    价税合计（大写）{}", d.total_gross_words);
        for l in &d.lines {
            println!(
                "    {}  {}  {}  {} + {} = {}",
                l.order_id, l.item, l.tax_code, l.amount_net, l.tax, l.amount_gross
            );
        }
        println!("    due {} · {} · {}", d.due_at, d.remarks, courier_note(d.courier_payer));
    }
}

pub fn run(a: InvoiceArgs) -> Result<(), Failure> {
    let at = now(&a)?;
    match &a.command {
        InvoiceCommand::Requests => {
            let store = open(&a)?;
            let rows = store.invoice_requests(Some("requested"), at, 10_000).map_err(store_err)?;
            if a.json {
                return print_json(&rows);
            }
            for r in &rows {
                println!(
                    "{}  due {}  {}  {}  {}  {}",
                    r.id,
                    r.due_at,
                    r.kind,
                    r.medium,
                    r.amount,
                    r.order_ids.join(",")
                );
            }
            Ok(())
        }
        InvoiceCommand::Draft { request } => {
            let mut store = open(&a)?;
            let recs = store.draft_request(request, at).map_err(store_err)?;
            if a.json {
                let drafts: Vec<serde_json::Value> = recs
                    .iter()
                    .map(|r| {
                        let mut v = serde_json::to_value(&r.draft).unwrap_or_default();
                        v["id"] = json!(r.id);
                        v
                    })
                    .collect();
                return print_json(&drafts);
            }
            print_records(&recs);
            Ok(())
        }
        InvoiceCommand::Issue { draft, request, by, number } => {
            let mut store = open(&a)?;
            let ids: Vec<String> = match (draft, request) {
                (Some(d), _) => vec![d.clone()],
                (None, Some(r)) => {
                    let drafts: Vec<String> = store
                        .invoices_of(r)
                        .map_err(store_err)?
                        .into_iter()
                        .filter(|i| i.state == "draft" && i.red_of.is_none())
                        .map(|i| i.id)
                        .collect();
                    if drafts.is_empty() {
                        return Err(Failure::negative(format!(
                            "request {r}: no drafts to issue; draft it first (koodesk invoice draft --request {r})"
                        )));
                    }
                    drafts
                }
                (None, None) => return Err(Failure::usage("--draft ID or --request ID")),
            };
            let mut done = Vec::new();
            for id in ids {
                let rec = match number {
                    Some(n) => store.record_invoice_number(&id, n, by, at),
                    None => store.issue_invoice(&id, by, at),
                }
                .map_err(store_err)?;
                done.push(rec);
            }
            if a.json {
                return print_json(&done);
            }
            for r in &done {
                println!("{} issued as {}", r.id, r.number.as_deref().unwrap_or(""));
            }
            Ok(())
        }
        InvoiceCommand::RedLetter { invoice, reason } => {
            let mut store = open(&a)?;
            let reason = match reason {
                RedReason::InvoicingError => RedLetterReason::InvoicingError,
                RedReason::GoodsReturned => RedLetterReason::GoodsReturned,
                RedReason::ServiceTerminated => RedLetterReason::ServiceTerminated,
                RedReason::SalesAllowance => RedLetterReason::SalesAllowance,
            };
            let rec = store.red_letter(invoice, reason, at).map_err(store_err)?;
            if a.json {
                return print_json(&rec);
            }
            print_records(std::slice::from_ref(&rec));
            println!(
                "    red letter ({}) — the buyer confirms by {}",
                rec.red_reason.as_deref().unwrap_or(""),
                rec.red_lapses_at.as_deref().unwrap_or("")
            );
            Ok(())
        }
        InvoiceCommand::Export { format, state, out } => {
            let store = open(&a)?;
            let recs = store.invoices(state.as_deref(), 100_000).map_err(store_err)?;
            let text = match format {
                ExportFormat::Json => {
                    serde_json::to_string_pretty(&json!({"format": "koodesk-invoices/1", "invoices": recs}))
                        .map_err(|e| Failure::negative(e.to_string()))?
                }
                ExportFormat::Csv => csv(&recs),
            };
            match out {
                Some(path) => std::fs::write(path, text)
                    .map_err(|e| Failure::negative(format!("--out {}: cannot write: {e}", path.display()))),
                None => {
                    print!("{text}");
                    Ok(())
                }
            }
        }
    }
}

/// One row per invoice line, the columns the tax system's batch import asks for.
pub fn csv(recs: &[InvoiceRecord]) -> String {
    let mut out = String::from(
        "invoice_id,state,number,kind,buyer_title,buyer_taxpayer_id,order_id,item,tax_code,quantity,amount_net,rate,tax,amount_gross,remarks\n",
    );
    let cell = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    for r in recs {
        let d = &r.draft;
        for l in &d.lines {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                cell(&r.id),
                r.state,
                r.number.as_deref().unwrap_or(""),
                match d.kind {
                    koodesk_domain::invoice::InvoiceKind::Ordinary => "普通发票",
                    koodesk_domain::invoice::InvoiceKind::Special => "专用发票",
                },
                cell(&d.buyer.title),
                d.buyer.taxpayer_id.as_deref().unwrap_or(""),
                cell(&l.order_id),
                cell(&l.item),
                l.tax_code,
                l.quantity,
                l.amount_net,
                d.rate,
                l.tax,
                l.amount_gross,
                cell(&d.remarks)
            );
        }
    }
    out
}
