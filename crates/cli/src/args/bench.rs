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
}
