//! `koodesk import` (a Seller Console export into the store) and `koodesk orders` (the orders the store holds,
//! with their source).

use koodesk_documents::import::{self, ImportOptions, Parsed};
use koodesk_domain::seller_export::ExportKind;
use koodesk_store::import::{ImportCounts, OrderSource};
use koodesk_store::Store;
use serde::Serialize;

use crate::args::{self, ImportArgs, OrdersArgs};
use crate::output::{print_json, Failure};

/// The JSON summary of an import, a public interface: the file's data rows, what happened to them, and every
/// problem by spreadsheet row and column header.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    kind: ExportKind,
    rows: usize,
    imported: usize,
    updated: usize,
    unchanged: usize,
    skipped: usize,
    errors: Vec<ErrorEntry<'a>>,
    dry_run: bool,
}

#[derive(Debug, Serialize)]
struct ErrorEntry<'a> {
    row: usize,
    column: Option<&'a str>,
    message: &'a str,
}

fn store_failure(e: koodesk_store::StoreError) -> Failure {
    Failure::negative(e.to_string())
}

pub fn run(a: ImportArgs) -> Result<(), Failure> {
    let kind: ExportKind = a.kind.parse().map_err(|e| Failure::usage(format!("--kind: {e}")))?;
    if !a.file.is_file() {
        return Err(Failure::usage(format!("{}: no such file", a.file.display())));
    }
    let mut store = Store::open(&a.db).map_err(store_failure)?;
    // The mapping given now, or the one confirmed by the last import of this kind.
    let map_spec = match &a.map {
        Some(m) => Some(m.clone()),
        None => store.import_mapping(kind).map_err(store_failure)?,
    };
    let map = match map_spec.as_deref() {
        Some(m) => import::parse_map(m).map_err(|e| Failure::usage(format!("--map: {e}")))?,
        None => Vec::new(),
    };
    let set = match a.set.as_deref() {
        Some(s) => import::parse_set(s).map_err(|e| Failure::usage(format!("--set: {e}")))?,
        None => Vec::new(),
    };
    let opts = ImportOptions { map, map_remembered: a.map.is_none(), set, sheet: a.sheet.clone() };
    let parsed =
        import::read_path(kind, &a.file, &opts).map_err(|e| Failure::negative(format!("{}: {e}", a.file.display())))?;
    let invalid = !parsed.errors.is_empty();
    let write = !invalid || a.skip_invalid;
    let counts = if write {
        let now = args::now().timestamp();
        store.import_records(&parsed.records, now, a.dry_run).map_err(store_failure)?
    } else {
        ImportCounts::default()
    };
    if write && !a.dry_run {
        if let Some(m) = &a.map {
            store.set_import_mapping(kind, m).map_err(store_failure)?;
        }
    }
    let skipped = parsed.skipped.len() + if write { parsed.invalid_rows() } else { 0 };
    let summary = Summary {
        kind,
        rows: parsed.rows,
        imported: counts.imported,
        updated: counts.updated,
        unchanged: counts.unchanged,
        skipped,
        errors: parsed
            .errors
            .iter()
            .map(|e| ErrorEntry { row: e.row, column: e.column.as_deref(), message: &e.message })
            .collect(),
        dry_run: a.dry_run,
    };
    if a.json {
        print_json(&summary)?;
    } else {
        print_summary(&a, &parsed, &summary);
    }
    if write {
        Ok(())
    } else {
        Err(Failure::negative(format!(
            "{} invalid row(s): nothing was imported; correct them, or pass --skip-invalid to import the rest",
            parsed.invalid_rows()
        )))
    }
}

fn print_summary(a: &ImportArgs, parsed: &Parsed, s: &Summary<'_>) {
    let mapped: Vec<String> = parsed
        .columns
        .iter()
        .filter_map(|c| c.field.map(|f| format!("{} → {}", c.header.trim(), f.as_str())))
        .collect();
    let ignored: Vec<&str> = parsed
        .columns
        .iter()
        .filter(|c| c.field.is_none() && !c.header.trim().is_empty())
        .map(|c| c.header.trim())
        .collect();
    println!("{} ({}), header on row {}", a.file.display(), s.kind, parsed.header_row);
    println!("  columns: {}", mapped.join(", "));
    if !ignored.is_empty() {
        println!("  ignored: {}", ignored.join(", "));
    }
    println!(
        "  {} rows: {} imported, {} updated, {} unchanged, {} skipped{}",
        s.rows,
        s.imported,
        s.updated,
        s.unchanged,
        s.skipped,
        if s.dry_run { " (dry run: nothing was written)" } else { "" }
    );
    for k in &parsed.skipped {
        println!("  row {}: skipped: {}", k.row, k.reason);
    }
    for e in &s.errors {
        match e.column {
            Some(c) => println!("  row {}, {c}: {}", e.row, e.message),
            None => println!("  row {}: {}", e.row, e.message),
        }
    }
}

pub fn orders(a: OrdersArgs) -> Result<(), Failure> {
    if !a.db.exists() {
        return Err(Failure::usage(format!("--db {}: no such store", a.db.display())));
    }
    let source = match a.source.as_deref() {
        Some(s) => Some(OrderSource::parse(s).map_err(|e| Failure::usage(format!("--source: {e}")))?),
        None => None,
    };
    let store = Store::open(&a.db).map_err(store_failure)?;
    let orders = store.order_listing(source).map_err(store_failure)?;
    if a.json {
        return print_json(&serde_json::json!({ "orders": orders }));
    }
    if orders.is_empty() {
        println!("no orders");
        return Ok(());
    }
    for o in &orders {
        println!(
            "{}  {}  {}  {}  {}  {}/{}  ¥{}  {}  {}",
            o.created_at,
            o.order_id,
            o.order_line_id,
            o.buyer,
            o.product,
            o.access_type,
            o.billing_mode,
            o.amount,
            o.status,
            o.source
        );
    }
    println!("{} order lines", orders.len());
    Ok(())
}
