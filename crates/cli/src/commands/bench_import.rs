//! `koodesk bench import`: a synthetic 订单列表 export imported by `koodesk import` as a whole process, as a seller
//! would run it — into a new store each run — with the same file's parse alone (in process) as the floor. Peak
//! memory is the largest resident set of the import processes, each read by `wait4`. Linux counts in a child's
//! peak what its parent held when it was spawned (the address space it started from), so this process stays small
//! until the imports are done: the sample is written by a process of its own, and the in-process parse runs last.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use koodesk_documents::import::{self, sample, ImportOptions};
use koodesk_domain::seller_export::ExportKind;
use serde::Serialize;

use crate::output::Failure;

#[derive(Debug, Serialize)]
pub struct ImportFigures {
    pub rows: usize,
    pub file_bytes: u64,
    pub runs: usize,
    /// Records the file holds (rows less the unpaid and cancelled orders).
    pub records: usize,
    pub parse_seconds_median: f64,
    pub import_seconds_median: f64,
    pub import_seconds_min: f64,
    pub import_seconds_max: f64,
    /// Import time over parse time, both medians of this run.
    pub ratio_to_parse: f64,
    /// The largest resident set of the import processes, MiB (`None` where the OS does not say).
    pub peak_mib: Option<f64>,
    pub target_seconds: f64,
    pub target_mib: f64,
}

impl ImportFigures {
    pub fn print(&self) {
        println!(
            "import of a {}-row 订单列表 XLSX ({:.1} MB, {} records) — medians of {} runs",
            self.rows,
            self.file_bytes as f64 / 1e6,
            self.records,
            self.runs
        );
        println!("  parse alone (floor, in process):        {:>7.2} s", self.parse_seconds_median);
        println!(
            "  koodesk import into a new store:        {:>7.2} s  (min {:.2}, max {:.2}; {:.2}× the parse; target ≤ {} s)",
            self.import_seconds_median,
            self.import_seconds_min,
            self.import_seconds_max,
            self.ratio_to_parse,
            self.target_seconds
        );
        match self.peak_mib {
            Some(m) => {
                println!("  peak resident memory of the import:     {m:>7.1} MiB (target ≤ {} MiB)", self.target_mib)
            }
            None => println!("  peak resident memory: not reported on this OS"),
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A finished process: its exit status, what it printed (standard output, standard error) and its peak MiB.
type Measured = (std::process::ExitStatus, Vec<u8>, Vec<u8>, Option<f64>);

/// Runs a command to its end, with what it printed and its own peak resident set in MiB (`wait4`'s rusage; `None`
/// where the OS does not say).
#[cfg(unix)]
fn run_measured(cmd: &mut Command) -> std::io::Result<Measured> {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let mut child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn()?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    if let Some(mut o) = child.stdout.take() {
        o.read_to_end(&mut out)?;
    }
    if let Some(mut e) = child.stderr.take() {
        e.read_to_end(&mut err)?;
    }
    let pid = libc::pid_t::try_from(child.id()).map_err(|_| std::io::Error::other("process ID out of range"))?;
    let mut status = 0;
    // SAFETY: wait4 fills the status and the zeroed rusage we own, for our own child, reaped here (not by
    // `child.wait()`, which is never called).
    #[allow(unsafe_code)]
    let (waited, usage) = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        (libc::wait4(pid, &mut status, 0, &mut u), u)
    };
    if waited != pid {
        return Err(std::io::Error::last_os_error());
    }
    // Linux reports ru_maxrss in KiB.
    Ok((std::process::ExitStatus::from_raw(status), out, err, Some(usage.ru_maxrss as f64 / 1024.0)))
}

#[cfg(not(unix))]
fn run_measured(cmd: &mut Command) -> std::io::Result<Measured> {
    let out = cmd.output()?;
    Ok((out.status, out.stdout, out.stderr, None))
}

fn remove_store(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// The sample's seed: the same file every run.
pub const SEED: u64 = 17;

fn run_child(cmd: &mut Command, what: &str) -> Result<std::process::Output, Failure> {
    let out = cmd.output().map_err(|e| Failure::negative(format!("cannot run {what}: {e}")))?;
    if !out.status.success() {
        return Err(Failure::negative(format!("{what} failed: {}", String::from_utf8_lossy(&out.stderr))));
    }
    Ok(out)
}

pub fn run(rows: usize, runs: usize) -> Result<ImportFigures, Failure> {
    let dir = std::env::temp_dir().join(format!("koodesk-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Failure::negative(format!("{}: {e}", dir.display())))?;
    let file = dir.join("订单列表.xlsx");
    let exe = std::env::current_exe().map_err(|e| Failure::negative(e.to_string()))?;
    let sample_rows = rows.to_string();
    run_child(
        Command::new(&exe).args(["bench", "import", "--rows", &sample_rows, "--make-sample"]).arg(&file),
        "the sample writer",
    )?;
    let file_bytes = std::fs::metadata(&file).map_err(|e| Failure::negative(format!("{}: {e}", file.display())))?.len();
    let expected = sample::orders(rows, SEED).filter(|o| o.sale).count();

    let db = dir.join("bench.db");
    let mut import = Vec::with_capacity(runs);
    let mut peak_mib: Option<f64> = None;
    for _ in 0..runs {
        remove_store(&db);
        let start = Instant::now();
        let (status, stdout, stderr, peak) =
            run_measured(Command::new(&exe).args(["import", "--kind", "orders", "--json", "--db"]).arg(&db).arg(&file))
                .map_err(|e| Failure::negative(format!("cannot run {}: {e}", exe.display())))?;
        import.push(start.elapsed().as_secs_f64());
        if !status.success() {
            return Err(Failure::negative(format!("koodesk import failed: {}", String::from_utf8_lossy(&stderr))));
        }
        peak_mib = match (peak_mib, peak) {
            (Some(a), Some(b)) => Some(f64::max(a, b)),
            (a, b) => a.or(b),
        };
        let summary: serde_json::Value = serde_json::from_slice(&stdout)
            .map_err(|e| Failure::negative(format!("koodesk import printed no JSON summary: {e}")))?;
        if summary["imported"].as_u64() != Some(expected as u64) {
            return Err(Failure::negative(format!("koodesk import did not import every record: {summary}")));
        }
    }
    let mut parse = Vec::with_capacity(runs);
    let mut records = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let parsed = import::read_path(ExportKind::Orders, &file, &ImportOptions::default())
            .map_err(|e| Failure::negative(format!("the sample does not parse: {e}")))?;
        parse.push(start.elapsed().as_secs_f64());
        if !parsed.errors.is_empty() {
            return Err(Failure::negative(format!("the sample has {} invalid rows", parsed.errors.len())));
        }
        records = parsed.records.len();
        if records != expected {
            return Err(Failure::negative(format!("the sample holds {expected} sales, the parse read {records}")));
        }
    }

    let _ = std::fs::remove_dir_all(&dir);
    let (parse_median, import_median) = (median(parse), median(import.clone()));
    Ok(ImportFigures {
        rows,
        file_bytes,
        runs,
        records,
        parse_seconds_median: parse_median,
        import_seconds_median: import_median,
        import_seconds_min: import.iter().copied().fold(f64::INFINITY, f64::min),
        import_seconds_max: import.iter().copied().fold(0.0, f64::max),
        ratio_to_parse: import_median / parse_median.max(1e-9),
        peak_mib,
        target_seconds: 10.0,
        target_mib: 300.0,
    })
}
