//! Arguments of `koodesk check-interface` and `koodesk sample-interface`.

use std::path::PathBuf;

use clap::{ArgGroup, Args, ValueEnum};
use koodesk_sandbox::sample_interface::Flaw;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SuiteArg {
    /// 新购/续费/过期/释放 and the protocol checks (a period product).
    Period,
    /// 新购/释放 and the protocol checks (a per-call product).
    PerCall,
    /// Everything, including a request with a missing mandatory field.
    All,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("key").required(true).args(["key_from_keyring", "key_env"])))]
pub struct CheckInterfaceArgs {
    /// The production URL KooGallery calls (https://…; plain http only on loopback).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Use the interface key stored in the OS keyring for this account
    /// (`koodesk credentials set interface-key --account NAME`).
    #[arg(long, value_name = "NAME")]
    pub key_from_keyring: Option<String>,
    /// Use the interface key in this environment variable (for CI).
    #[arg(long, value_name = "VAR")]
    pub key_env: Option<String>,
    /// Which built-in suite to run.
    #[arg(long, value_enum, default_value = "all")]
    pub suite: SuiteArg,
    /// Replay saved cases from an export file (`koodesk-interface-cases/1`) instead of a built-in suite.
    #[arg(long, value_name = "FILE", conflicts_with = "suite")]
    pub cases: Option<PathBuf>,
    /// With --cases: only the suite of this name (default: every suite in the file).
    #[arg(long, value_name = "NAME", requires = "cases")]
    pub case_suite: Option<String>,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// How long to wait for each reply, in milliseconds (KooGallery waits 5,000).
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub timeout_ms: u64,
    /// Print the whole report as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SampleInterfaceArgs {
    /// Loopback port; 0 picks a free one.
    #[arg(long, default_value_t = 8788)]
    pub port: u16,
    /// The interface key [env: KOODESK_SAMPLE_INTERFACE_KEY]; random (and printed) if unset.
    #[arg(long, env = "KOODESK_SAMPLE_INTERFACE_KEY", hide_env_values = true)]
    pub key: Option<String>,
    /// Break the server one way, to see the checker catch it.
    #[arg(long, default_value = "none", value_parser = parse_flaw)]
    pub flaw: Flaw,
    /// How long provisioning takes (0: newInstance answers 000000 at once; otherwise 000004 first).
    #[arg(long, value_name = "MS", default_value_t = 100)]
    pub provisioning_ms: u64,
    /// Print the start banner as one JSON line.
    #[arg(long)]
    pub json: bool,
}

fn parse_flaw(s: &str) -> Result<Flaw, String> {
    s.parse()
}
