//! Arguments of `koodesk sandbox`.

use clap::Args;
use koodesk_sandbox::faults::FaultRule;

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Loopback port; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// The world's seed: the same seed makes the same marketplace.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Virtual seconds per real second (3600: an hour a second).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Where the sandbox clock starts (RFC 3339); the current time if left out. History is simulated before it.
    #[arg(long, value_name = "DATETIME")]
    pub start: Option<String>,
    /// Days of history before the start.
    #[arg(long, default_value_t = 90)]
    pub history_days: i64,
    #[arg(long, default_value_t = 200)]
    pub buyers: usize,
    #[arg(long, default_value_t = 40)]
    pub products: usize,
    #[arg(long, default_value_t = 40.0)]
    pub orders_per_day: f64,
    /// Open-API access key [env: KOODESK_SANDBOX_AK]; random if unset.
    #[arg(long, env = "KOODESK_SANDBOX_AK", hide_env_values = true)]
    pub access_key: Option<String>,
    /// Open-API secret key [env: KOODESK_SANDBOX_SK]; random if unset.
    #[arg(long, env = "KOODESK_SANDBOX_SK", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// The seller's feed token [env: KOODESK_SANDBOX_FEED_TOKEN]; random if unset.
    #[arg(long, env = "KOODESK_SANDBOX_FEED_TOKEN", hide_env_values = true)]
    pub feed_token: Option<String>,
    /// The interface key (商家对接密钥) [env: KOODESK_SANDBOX_INTERFACE_KEY]; random if unset.
    #[arg(long, env = "KOODESK_SANDBOX_INTERFACE_KEY", hide_env_values = true)]
    pub interface_key: Option<String>,
    /// OAuth client ID and secret [env: KOODESK_SANDBOX_CLIENT_ID, KOODESK_SANDBOX_CLIENT_SECRET].
    #[arg(long, env = "KOODESK_SANDBOX_CLIENT_ID")]
    pub client_id: Option<String>,
    #[arg(long, env = "KOODESK_SANDBOX_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,
    /// Inject a fault: ROUTE=KIND[:ARG][*COUNT], e.g. /feed/v1/orders=status:503*2; repeatable.
    #[arg(long = "fault", value_name = "RULE")]
    pub faults: Vec<FaultRule>,
    /// The open API's flow control: at most N requests a second per access key, then HTTP 406 MKT.0250; off if
    /// unset.
    #[arg(long, value_name = "N")]
    pub open_api_rate_limit: Option<u32>,
    /// Call this production interface (an http:// URL on loopback, e.g. a KooDesk Gateway) for real for the SaaS
    /// orders sold from the start on: newInstance, refreshInstance, upgradeInstance, queryInstance polls,
    /// releaseInstance, retried on KooGallery's schedule; the feed records its real replies.
    #[arg(long, value_name = "URL")]
    pub call_interface: Option<String>,
    /// The environment variable holding the interface key (商家对接密钥) those calls are signed with; it becomes
    /// the sandbox's interface key (instead of --interface-key) and is not printed.
    #[arg(long, value_name = "VAR")]
    pub interface_key_env: Option<String>,
    /// Print the start banner as one JSON line (for scripts and tests).
    #[arg(long)]
    pub json: bool,
}
