//! Arguments of `koodesk bench`.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
    /// Print the figures as JSON.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// V2.0 signature verifications per second on one core (target ≥ 200,000).
    Signatures {
        /// Batches of 20,000 verifications; the median batch is reported.
        #[arg(long, default_value_t = 15)]
        batches: usize,
    },
    /// The store's first screen: inbox and dashboard medians, in process and as whole processes, with the
    /// `sqlite3` shell as a baseline when installed.
    Store {
        #[arg(long, value_name = "FILE")]
        db: std::path::PathBuf,
        /// The moment to judge at; the current time if left out.
        #[arg(long, value_name = "DATETIME")]
        now: Option<String>,
        #[arg(long, default_value_t = 11)]
        runs: usize,
    },
    /// Sandbox order/query requests per second and p99 latency on loopback (target ≥ 5,000/s, p99 < 20 ms).
    Sandbox {
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Measured runs (after one warm-up run); the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Seconds per run.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
    },
    /// The sample production interface: signed newInstance/queryInstance requests per second and p99 latency on
    /// loopback (target ≥ 10,000/s, p99 < 10 ms). With --url, that interface (e.g. a gateway; repeat for replicas,
    /// connections spread over them) measured the same way, beside the sample as the floor.
    Interface {
        /// A production-interface URL to measure; repeat to spread the load over several replicas.
        #[arg(long = "url", value_name = "URL")]
        urls: Vec<String>,
        /// The environment variable holding the interface key of --url.
        #[arg(long, value_name = "VAR", requires = "urls")]
        key_env: Option<String>,
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// Measured runs (after one warm-up run); the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Seconds per run.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
    },
    /// Invoices: drafting one request (median µs), and 1,000 drafts written as XLSX and CSV (median ms).
    Invoices {
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Importing a synthetic Seller Console 订单列表 export (XLSX) with `koodesk import` as a whole process into a
    /// new store: median seconds and peak memory (target ≤ 10 s and ≤ 300 MB for 100,000 rows), beside the
    /// same file's parse alone as the floor.
    Import {
        /// Rows in the file.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Only write the sample file (the benchmark runs this in a process of its own).
        #[arg(long, value_name = "FILE", hide = true)]
        make_sample: Option<std::path::PathBuf>,
    },
}
