//! Arguments of `koodesk gateway`. Secrets come from environment variables or files, never from argv.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("provisioning").required(true).args(["front_end_url", "upstream", "provision_hook"])))]
pub struct GatewayArgs {
    /// Where to listen, ADDR:PORT (port 0 picks a free one).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8443")]
    pub listen: String,
    /// sqlite:PATH (one replica) or postgres://USER@HOST/DB (several replicas share it) [env:
    /// KOODESK_GATEWAY_DATABASE, which keeps a password out of the process list].
    #[arg(long, value_name = "URL", env = "KOODESK_GATEWAY_DATABASE", hide_env_values = true)]
    pub database: String,
    /// The environment variable holding the interface key (商家对接密钥).
    #[arg(long, value_name = "VAR", conflicts_with = "interface_key_file")]
    pub interface_key_env: Option<String>,
    /// A file holding the interface key (e.g. ${CREDENTIALS_DIRECTORY}/interface-key under systemd).
    #[arg(long, value_name = "FILE")]
    pub interface_key_file: Option<PathBuf>,
    /// The environment variable holding the feed token the console syncs with.
    #[arg(long, value_name = "VAR", conflicts_with = "feed_token_file")]
    pub feed_token_env: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub feed_token_file: Option<PathBuf>,
    /// Built-in provisioning: answer at once with this frontEndUrl; {instanceId}, {orderId} and {orderLineId}
    /// are filled in.
    #[arg(long, value_name = "TEMPLATE")]
    pub front_end_url: Option<String>,
    /// Proxy to the seller's existing production interface, re-signed with the same key.
    #[arg(long, value_name = "URL")]
    pub upstream: Option<String>,
    /// Provision through a signed JSON webhook to the seller's internal API.
    #[arg(long, value_name = "URL")]
    pub provision_hook: Option<String>,
    /// How long to wait for the hook before answering 000004 (under KooGallery's 5 s).
    #[arg(long, value_name = "MS", default_value_t = 3500)]
    pub hook_timeout_ms: u64,
    /// The open API's base URL for order/query; repeat for fallbacks [default: https://mkt.myhuaweicloud.com,
    /// then https://mkt.myhuaweicloud.cn].
    #[arg(long = "open-api", value_name = "URL")]
    pub open_api: Vec<String>,
    /// The environment variable holding the open API's access key (AK); enrichment is off without one.
    #[arg(long, value_name = "VAR")]
    pub access_key_env: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub access_key_file: Option<PathBuf>,
    /// The environment variable holding the open API's secret key (SK).
    #[arg(long, value_name = "VAR")]
    pub secret_key_env: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// The production-interface path.
    #[arg(long, default_value = "/saasproduce")]
    pub path: String,
    /// HTTPS: the certificate chain (PEM); reloaded with the key on SIGHUP.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Days the journal is kept (a year of orders plus KooGallery's 15-day freeze).
    #[arg(long, value_name = "DAYS", default_value_t = 400)]
    pub retention_days: u32,
    /// This replica's name in the journal [default: the host name].
    #[arg(long)]
    pub replica: Option<String>,
    /// Print the start line as one JSON object (for scripts and tests).
    #[arg(long)]
    pub json: bool,
}
