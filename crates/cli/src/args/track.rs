//! `koodesk track`: what the Seller Console shows only on its web pages, recorded by hand from pasted rows.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct TrackArgs {
    /// The local store (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// What the rows are: unsubscription (退订管理), invoice-request (发票管理) or step (服务监管).
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// The rows, tab- or comma-separated, optionally under a header row, as copied from the Seller Console's table
    /// or a spreadsheet; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub paste: PathBuf,
    /// Who records them (kept beside each entry); the OS user if left out.
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Reads and checks the rows against the store and says what is wrong; records nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Records the valid rows of a paste with invalid ones; without it such a paste records nothing.
    #[arg(long)]
    pub skip_invalid: bool,
    #[arg(long)]
    pub json: bool,
}
