//! `koodesk bench`: performance figures, as medians of repeated batches, printed for people or as JSON.

use std::time::{Duration, Instant};

use koodesk_protocol::replay::{Scheme, SignedCall, Verifier};
use koodesk_protocol::secret::Secret;
use koodesk_protocol::signature;
use serde::Serialize;

use crate::args::{BenchArgs, BenchCommand};
use crate::output::{print_json, Failure};

/// One measured figure.
#[derive(Debug, Serialize)]
pub struct Figure {
    pub name: String,
    pub unit: String,
    /// The median over the batches.
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub batches: usize,
    pub per_batch: usize,
}

/// Runs `op` in `batches` batches of `per_batch` calls and reports operations per second.
pub fn throughput(name: &str, batches: usize, per_batch: usize, mut op: impl FnMut(usize)) -> Figure {
    let mut rates: Vec<f64> = (0..batches)
        .map(|b| {
            let start = Instant::now();
            for i in 0..per_batch {
                op(b * per_batch + i);
            }
            per_batch as f64 / start.elapsed().max(Duration::from_nanos(1)).as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    Figure {
        name: name.to_string(),
        unit: "ops/s".into(),
        median: rates[rates.len() / 2],
        min: rates[0],
        max: rates[rates.len() - 1],
        batches,
        per_batch,
    }
}

pub fn print_figures(figures: &[Figure], json: bool) -> Result<(), Failure> {
    if json {
        return print_json(&figures);
    }
    for f in figures {
        println!(
            "{:<44} median {:>12.0} {}  (min {:.0}, max {:.0}; {} batches of {})",
            f.name, f.median, f.unit, f.min, f.max, f.batches, f.per_batch
        );
    }
    Ok(())
}

fn signatures(batches: usize) -> Vec<Figure> {
    const AK: &str = "shmjYL6uQ1Tpk8Q0I1zdMudng3kuFOiugV8a7PWIgLszLwS";
    let body = br#"{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}"#;
    let ts = "1680508066618";
    let sig = signature::v2_sign(AK, "nonce", ts, body);
    let per_batch = 20_000;
    let verify = throughput("v2 signature verification (1 core)", batches, per_batch, |_| {
        let ok = signature::v2_verify(AK, "nonce", ts, body, &sig).is_ok();
        std::hint::black_box(ok);
    });
    // The whole check a server makes: window, signature, nonce cache; every call with a fresh nonce.
    let now: i64 = 1_680_508_066_618;
    let calls: Vec<(String, String)> = (0..batches * per_batch)
        .map(|i| {
            let nonce = format!("n{i:08}");
            let sig = signature::v2_sign(AK, &nonce, ts, body);
            (nonce, sig)
        })
        .collect();
    let verifier = Verifier::with_capacity(Secret::new(AK), calls.len() + 1);
    let full = throughput("v2 verification with replay cache (1 core)", batches, per_batch, |i| {
        let (nonce, sig) = &calls[i];
        let call = SignedCall { signature: Some(sig), timestamp: Some(ts), nonce: Some(nonce), body };
        std::hint::black_box(verifier.verify(Scheme::V2, call, now).is_ok());
    });
    vec![verify, full]
}

pub fn run(a: BenchArgs) -> Result<(), Failure> {
    match a.command {
        BenchCommand::Signatures { batches } => print_figures(&signatures(batches.max(3)), a.json),
        BenchCommand::Store { db, now, runs } => {
            let now = match now.as_deref().map(koodesk_domain::time::parse_datetime) {
                None => crate::args::now(),
                Some(Ok(t)) => t,
                Some(Err(e)) => return Err(Failure::usage(format!("--now: {e}"))),
            };
            super::bench_store::bench(&db, now, runs.max(1), a.json)
        }
        BenchCommand::Sandbox { connections, runs, seconds } => {
            let f = super::bench_sandbox::order_query(connections.max(1), runs.max(1), seconds.clamp(0.2, 60.0))?;
            if a.json {
                return print_json(&f);
            }
            f.print();
            Ok(())
        }
        BenchCommand::Invoices { runs } => {
            let f = super::bench_invoices::run(runs)?;
            if a.json {
                return print_json(&f);
            }
            println!("invoices — medians of {} runs", f.runs);
            println!("  drafting one request (rules, lines, tax, capitals): {:.1} µs", f.draft_one_us_median);
            println!(
                "  drafting one and rendering its PDF: {:.2} ms ({} bytes)",
                f.draft_and_pdf_ms_median, f.pdf_bytes
            );
            println!(
                "  {} drafts to XLSX: {:.1} ms ({} bytes); to CSV: {:.1} ms",
                f.drafts_in_batch, f.xlsx_ms_median, f.xlsx_bytes, f.csv_ms_median
            );
            Ok(())
        }
        BenchCommand::Import { rows, make_sample: Some(path), .. } => {
            koodesk_documents::import::sample::orders_xlsx(&path, rows.max(1), super::bench_import::SEED)
                .map_err(|e| Failure::negative(e.to_string()))
        }
        BenchCommand::Import { rows, runs, make_sample: None } => {
            let f = super::bench_import::run(rows.max(1), runs.max(1))?;
            if a.json {
                return print_json(&f);
            }
            f.print();
            Ok(())
        }
        BenchCommand::Interface { urls, key_env, connections, runs, seconds } => {
            let (connections, runs, seconds) = (connections.max(1), runs.max(1), seconds.clamp(0.2, 60.0));
            let floor = super::bench_interface::new_and_query(connections, runs, seconds)?;
            if urls.is_empty() {
                if a.json {
                    return print_json(&floor);
                }
                floor.print();
                return Ok(());
            }
            let var = key_env.ok_or_else(|| Failure::usage("--url needs --key-env VAR (the interface key)"))?;
            let key =
                std::env::var(&var).map_err(|_| Failure::usage(format!("--key-env {var}: the variable is not set")))?;
            let target = super::bench_interface::at_urls(urls, key, connections, runs, seconds)?;
            let ratio =
                if floor.median_per_second > 0.0 { target.median_per_second / floor.median_per_second } else { 0.0 };
            if a.json {
                return print_json(
                    &serde_json::json!({"floor": floor, "target": target, "throughput_vs_floor": ratio}),
                );
            }
            floor.print();
            target.print();
            println!("  throughput against the floor (medians): {ratio:.2}×");
            Ok(())
        }
    }
}
