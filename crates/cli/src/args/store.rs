//! Arguments of the commands over the local store: sync, inbox, dashboard, credentials.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The local store (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The seller feed's base URL, e.g. http://127.0.0.1:8787 for the sandbox.
    #[arg(long, value_name = "URL")]
    pub feed: String,
    /// Whose credentials: the keyring entries are per account.
    #[arg(long, default_value = "default")]
    pub account: String,
    #[arg(long, default_value_t = 1000)]
    pub page_size: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InboxArgs {
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// The moment to judge at (RFC 3339; without an offset, Beijing time); the current time if left out.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Stores a credential in the OS keyring; the value is read from standard input, never from the command line.
    Set {
        /// feed-token, access-key, secret-key, interface-key or oauth-client-secret
        name: String,
        #[arg(long, default_value = "default")]
        account: String,
    },
    /// Shows which credentials are stored (never their values).
    Status {
        #[arg(long, default_value = "default")]
        account: String,
    },
    /// Removes a stored credential.
    Delete {
        name: String,
        #[arg(long, default_value = "default")]
        account: String,
    },
}

#[derive(Debug, Args)]
pub struct CredentialsArgs {
    #[command(subcommand)]
    pub command: CredentialsCommand,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// A new store file to write.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Orders to write (at 1,000 a day, ending now: more orders, more history).
    #[arg(long, default_value_t = 100_000)]
    pub orders: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The store's "now"; the current time if left out.
    #[arg(long, value_name = "DATETIME")]
    pub now: Option<String>,
}
