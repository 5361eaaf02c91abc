//! Arguments of `koodesk license`: License 2.0 codes (授权码) activated or queried through the open API.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct LicenseArgs {
    #[command(subcommand)]
    pub command: LicenseCommand,
}

#[derive(Debug, Subcommand)]
pub enum LicenseCommand {
    /// Activates a code (license/activate): on KooGallery this passes the order's 授权码激活 step.
    Activate(LicenseActivateArgs),
    /// The code's state (license/heartbeat), without activating it.
    Query(LicenseCallArgs),
}

#[derive(Debug, Args)]
pub struct LicenseCallArgs {
    /// The License 2.0 code (授权码), at most 64 characters.
    #[arg(long, value_name = "CODE")]
    pub code: String,
    /// The open API's base URL; KooGallery's (mkt.myhuaweicloud.com, then .cn) if left out.
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
    /// Whose AK/SK: the keyring entries are per account (or KOODESK_ACCESS_KEY / KOODESK_SECRET_KEY).
    #[arg(long, default_value = "default")]
    pub account: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LicenseActivateArgs {
    #[command(flatten)]
    pub call: LicenseCallArgs,
    /// When the license takes effect, Beijing time (`YYYY-MM-DD HH:MM[:SS]` or RFC 3339); not earlier than the
    /// order. Now if left out.
    #[arg(long, value_name = "DATETIME")]
    pub effective_at: Option<String>,
}
