//! Arguments of `koodesk check-oauth`.

use clap::Args;

#[derive(Debug, Args)]
pub struct CheckOauthArgs {
    /// The seller's login URL: the page that sends the browser to the IdP's authorize URL.
    #[arg(long, value_name = "URL")]
    pub login_url: String,
    /// The application's client_id at the IdP (the sandbox prints it as "OAuth client").
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// The seller's callback, as the login sends it in redirect_uri.
    #[arg(long, value_name = "URI")]
    pub redirect_uri: String,
    /// The IdP: a KooDesk sandbox (`koodesk sandbox`), whose clock the check moves forward by about 4 hours.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8787")]
    pub idp: String,
    /// The environment variable holding the client secret (never printed).
    #[arg(long, value_name = "VAR")]
    pub client_secret_env: String,
    /// How long to wait for each reply, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    pub timeout_ms: u64,
    /// Print the whole report as one JSON object.
    #[arg(long)]
    pub json: bool,
}
