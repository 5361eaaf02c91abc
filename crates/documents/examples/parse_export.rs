//! Reads a Seller Console export and prints what was read and how long it took; or writes the synthetic one.
//!
//! ```sh
//! cargo run --release -p koodesk-documents --example parse_export -- --make orders.xlsx 100000
//! /usr/bin/time -v target/release/examples/parse_export orders.xlsx            # kind: orders
//! target/release/examples/parse_export bills.csv bills
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use koodesk_documents::import::{read_path, sample, ExportKind, ImportOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parse_export: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args {
        [flag, path, rows] if flag == "--make" => {
            let rows: usize = rows.parse().map_err(|_| format!("`{rows}` is not a row count"))?;
            let started = Instant::now();
            let path = Path::new(path);
            let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if csv {
                sample::orders_csv(path, rows, 1).map_err(|e| e.to_string())?;
            } else {
                sample::orders_xlsx(path, rows, 1).map_err(|e| e.to_string())?;
            }
            println!("wrote {} ({rows} rows) in {:.2} s", path.display(), started.elapsed().as_secs_f64());
            Ok(())
        }
        [path] | [path, _] => {
            let kind: ExportKind = match args.get(1) {
                Some(k) => k.parse().map_err(|e| format!("{e}"))?,
                None => ExportKind::Orders,
            };
            let started = Instant::now();
            let p = read_path(kind, Path::new(path), &ImportOptions::default()).map_err(|e| e.to_string())?;
            let took = started.elapsed();
            println!(
                "{path}: {kind}, header on row {}, {} rows: {} records, {} skipped, {} errors, in {:.3} s",
                p.header_row,
                p.rows,
                p.records.len(),
                p.skipped.len(),
                p.error_count,
                took.as_secs_f64()
            );
            for e in p.errors.iter().take(5) {
                println!("  {e}");
            }
            Ok(())
        }
        _ => {
            Err("usage: parse_export PATH [orders|transactions|bills|bill-lines] | --make PATH.xlsx|PATH.csv ROWS"
                .into())
        }
    }
}
