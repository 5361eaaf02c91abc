//! `koodesk invoice`: drafting, issuing and exporting invoices from the store, offline [KG §2].

use koodesk_app::invoice_documents::{invoice_of, invoices_of};
use koodesk_documents::{batch, buyers, pdf};
use koodesk_domain::invoice::RedLetterReason;
use koodesk_domain::invoice_draft::{courier_note, Draft};
use koodesk_domain::time::{self, Instant};
use koodesk_store::invoice_batches::OrderChoice;
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
        print!("{}  {}  ", r.id, r.state);
        print_draft(&r.draft);
        if let Some(n) = &r.number {
            println!("    number {n}");
        }
    }
}

fn print_draft(d: &Draft) {
    println!(
        "{}%  {}  {} (net {} + tax {})",
        (d.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize(),
        d.buyer.title,
        d.total_gross,
        d.total_net,
        d.total_tax,
    );
    println!("    价税合计（大写）{}", d.total_gross_words);
    for l in &d.lines {
        println!("    {}  {}  {}  {} + {} = {}", l.order_id, l.item, l.tax_code, l.amount_net, l.tax, l.amount_gross);
    }
    println!("    due {} · {} · {}", d.due_at, d.remarks, courier_note(d.courier_payer));
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
                    r.kind.as_str(),
                    r.medium.as_str(),
                    r.amount,
                    r.order_ids.join(",")
                );
            }
            Ok(())
        }
        InvoiceCommand::Buyers { query } => {
            let rows = open(&a)?.invoice_buyers_matching(query, 200).map_err(store_err)?;
            if a.json {
                return print_json(&rows);
            }
            for b in &rows {
                println!("{}  {}  {}  {} orders", b.buyer_id, b.name, b.kind, b.orders);
            }
            Ok(())
        }
        InvoiceCommand::Orders { buyer } => {
            let rows = open(&a)?.orders_to_invoice(buyer, 2000).map_err(store_err)?;
            if a.json {
                return print_json(&rows);
            }
            for o in &rows {
                let rates = o.rates.join("/");
                match &o.blocked {
                    None => println!("{}  {}  {}  {rates}  {}", o.order_id, o.created_at, o.amount, o.product_name),
                    Some(why) => {
                        println!("{}  {}  {}  {rates}  not invoiceable: {why}", o.order_id, o.created_at, o.amount)
                    }
                }
            }
            Ok(())
        }
        InvoiceCommand::Draft { request, orders, kind, medium, batch, preview } => {
            let mut store = open(&a)?;
            let choice = OrderChoice {
                batch_id: batch.clone(),
                order_ids: orders.clone(),
                kind: kind.clone(),
                medium: medium.clone(),
            };
            if *preview {
                let drafts = store.preview_orders(&choice, at).map_err(store_err)?;
                if a.json {
                    return print_json(&drafts);
                }
                for d in &drafts {
                    print_draft(d);
                }
                return Ok(());
            }
            let recs = match request {
                Some(r) => store.draft_request(r, at),
                None => store.draft_orders(&choice, at),
            }
            .map_err(store_err)?;
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
        InvoiceCommand::Issue { draft, request, batch, by, number } => {
            let mut store = open(&a)?;
            let ids: Vec<String> = match (draft, request.as_ref().or(batch.as_ref())) {
                (Some(d), _) => vec![d.clone()],
                (None, Some(r)) => {
                    let drafts: Vec<String> =
                        if request.is_some() { store.invoices_of(r) } else { store.invoices_of_batch(r) }
                            .map_err(store_err)?
                            .into_iter()
                            .filter(|i| i.state == "draft" && i.red_of.is_none())
                            .map(|i| i.id)
                            .collect();
                    if drafts.is_empty() {
                        return Err(Failure::negative(format!(
                            "{r}: no drafts to issue; draft it first (koodesk invoice draft --request ID, or --orders IDS)"
                        )));
                    }
                    drafts
                }
                (None, None) => return Err(Failure::usage("--draft ID, --request ID or --batch ID")),
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
        InvoiceCommand::Export { format, state, out, invoice, seller_name, seller_taxpayer_id } => {
            let store = open(&a)?;
            if matches!(format, ExportFormat::Pdf) {
                let id = invoice.as_deref().ok_or_else(|| Failure::usage("--invoice ID: which invoice to lay out"))?;
                let path = out.as_ref().ok_or_else(|| Failure::usage("--out FILE: where to write the PDF"))?;
                let rec = store.invoice(id).map_err(store_err)?;
                let fonts = pdf::Fonts::find().map_err(|e| Failure::negative(e.to_string()))?;
                let seller = pdf::Seller { name: seller_name.clone(), taxpayer_id: seller_taxpayer_id.clone() };
                let invoice = invoice_of(&rec).map_err(|e| Failure::negative(e.to_string()))?;
                let bytes = pdf::render(&invoice, &seller, &fonts).map_err(|e| Failure::negative(e.to_string()))?;
                return std::fs::write(path, bytes)
                    .map_err(|e| Failure::negative(format!("--out {}: cannot write: {e}", path.display())));
            }
            let recs = store.invoices(state.as_deref(), 100_000).map_err(store_err)?;
            let bytes = match format {
                ExportFormat::Pdf => unreachable!("handled above"),
                ExportFormat::Json => {
                    serde_json::to_string_pretty(&json!({"format": "koodesk-invoices/1", "invoices": recs}))
                        .map_err(|e| Failure::negative(e.to_string()))?
                        .into_bytes()
                }
                ExportFormat::Csv => {
                    batch::csv(&invoices_of(&recs).map_err(|e| Failure::negative(e.to_string()))?).into_bytes()
                }
                ExportFormat::Xlsx => {
                    let invoices = invoices_of(&recs).map_err(|e| Failure::negative(e.to_string()))?;
                    batch::xlsx(&invoices).map_err(|e| Failure::negative(e.to_string()))?
                }
            };
            match out {
                Some(path) => std::fs::write(path, bytes)
                    .map_err(|e| Failure::negative(format!("--out {}: cannot write: {e}", path.display()))),
                None if matches!(format, ExportFormat::Xlsx) => {
                    Err(Failure::usage("--out FILE: an XLSX workbook is not written to a terminal"))
                }
                None => {
                    use std::io::Write as _;
                    std::io::stdout().write_all(&bytes).map_err(|e| Failure::negative(e.to_string()))
                }
            }
        }
        InvoiceCommand::TaxCode { of, code, name } => {
            let mut store = open(&a)?;
            store.set_tax_code(of, code, name).map_err(|e| Failure::usage(e.to_string()))?;
            if a.json {
                return print_json(&json!({"of": of, "code": code, "name": name}));
            }
            println!("{of}: {code} *{name}*");
            Ok(())
        }
        InvoiceCommand::ImportBuyers { file } => {
            let mut store = open(&a)?;
            let bytes = std::fs::read(file)
                .map_err(|e| Failure::usage(format!("--file {}: cannot read: {e}", file.display())))?;
            let xlsx = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
            let list = if xlsx {
                buyers::from_xlsx(&bytes)
            } else {
                let text = String::from_utf8(bytes)
                    .map_err(|_| Failure::usage(format!("--file {}: a CSV file must be UTF-8", file.display())))?;
                buyers::from_csv(&text)
            }
            .map_err(|e| Failure::usage(format!("--file {}: {e}", file.display())))?;
            let n = store.import_buyers(&list).map_err(store_err)?;
            if a.json {
                return print_json(&json!({"imported": n}));
            }
            println!("{n} buyers imported");
            Ok(())
        }
    }
}
