//! `koodesk demo` and `koodesk bench store`: the store's first screen at scale.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant as Clock;

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::time::Instant;
use koodesk_store::Store;
use serde::Serialize;

use crate::output::{print_json, Failure};

/// The inbox's largest query and a dashboard question, as the `sqlite3` shell would run them: the baseline.
pub const BASELINE_INBOX_SQL: &str = "SELECT f.order_id, f.product_type, f.step, f.step_started_ts, f.rejections \
    FROM supervision_flows f JOIN orders o USING (order_id) WHERE f.side = 'merchant' AND f.step <> 'completed' \
    AND f.frozen_by IS NULL AND o.status <> 'refunded';";
pub const BASELINE_DASHBOARD_SQL: &str = "SELECT strftime('%Y-%m', o.created_ts + 28800, 'unixepoch') AS month, \
    p.access_type, p.billing_mode, count(*), sum(o.amount_fen) FROM orders o JOIN products p USING (product_id) \
    GROUP BY 1, 2, 3;";

#[derive(Debug, Serialize)]
pub struct Timing {
    pub name: String,
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub runs: usize,
}

fn time_runs(name: &str, runs: usize, mut f: impl FnMut() -> Result<(), Failure>) -> Result<Timing, Failure> {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Clock::now();
        f()?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok(Timing { name: name.into(), median_ms: ms[ms.len() / 2], min_ms: ms[0], max_ms: ms[ms.len() - 1], runs })
}

pub fn demo(db: &Path, orders: u64, seed: u64, now: Instant) -> Result<(), Failure> {
    if db.exists() {
        return Err(Failure::usage(format!("--db {}: the file exists; demo writes a new store", db.display())));
    }
    let mut store = Store::open(db).map_err(|e| Failure::negative(e.to_string()))?;
    let t = Clock::now();
    koodesk_store::demo::write(&mut store, orders, seed, now).map_err(|e| Failure::negative(e.to_string()))?;
    println!("wrote {orders} orders to {} in {:.1} s", db.display(), t.elapsed().as_secs_f64());
    Ok(())
}

fn run_quiet(cmd: &mut Command) -> Result<(), Failure> {
    let status =
        cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| Failure::negative(format!("{e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::negative(format!("{cmd:?} failed")))
    }
}

pub fn bench(db: &Path, now: Instant, runs: usize, json: bool) -> Result<(), Failure> {
    if !db.exists() {
        return Err(Failure::usage(format!("--db {}: no such store; make one with `koodesk demo`", db.display())));
    }
    let store = Store::open(db).map_err(|e| Failure::negative(e.to_string()))?;
    let orders: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .map_err(|e| Failure::negative(e.to_string()))?;
    let cal = WorkingCalendar::embedded();
    // In process, the queries are cheap to repeat: ten times the runs, after one untimed run that prepares the
    // statements and reads the pages in (the whole-process figures below include that first run).
    let inbox = || store.inbox(now, cal).map(|_| ()).map_err(|e| Failure::negative(e.to_string()));
    let dashboard = || store.dashboard(now).map(|_| ()).map_err(|e| Failure::negative(e.to_string()));
    inbox()?;
    dashboard()?;
    let mut timings = vec![
        time_runs("inbox: query work (in process)", runs * 10, inbox)?,
        time_runs("dashboard: query work (in process)", runs * 10, dashboard)?,
    ];
    let exe = std::env::current_exe().map_err(|e| Failure::negative(e.to_string()))?;
    let at = koodesk_domain::time::format_rfc3339(&now);
    for what in ["inbox", "dashboard"] {
        timings.push(time_runs(&format!("koodesk {what} --json (whole process)"), runs, || {
            run_quiet(Command::new(&exe).args([what, "--db"]).arg(db).args(["--now", &at, "--json"]))
        })?);
    }
    let sqlite3 = Command::new("sqlite3").arg("-version").output().is_ok_and(|o| o.status.success());
    if sqlite3 {
        for (name, sql) in [
            ("sqlite3 shell: the inbox's largest query (baseline)", BASELINE_INBOX_SQL),
            ("sqlite3 shell: dashboard by scanning orders (baseline)", BASELINE_DASHBOARD_SQL),
        ] {
            timings.push(time_runs(name, runs, || run_quiet(Command::new("sqlite3").arg(db).arg(sql)))?);
        }
    }
    if json {
        return print_json(&serde_json::json!({"orders": orders, "timings": timings}));
    }
    println!("{orders} orders in {}", db.display());
    for t in &timings {
        println!(
            "  {:<56} median {:>8.2} ms  (min {:.2}, max {:.2}; {} runs)",
            t.name, t.median_ms, t.min_ms, t.max_ms, t.runs
        );
    }
    if !sqlite3 {
        println!("  (install sqlite3 for the baseline)");
    }
    Ok(())
}
