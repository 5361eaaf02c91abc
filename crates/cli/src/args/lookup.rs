//! Arguments of `koodesk lookup`: orders by ID through the open API's `order/query`.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Args)]
pub struct LookupArgs {
    /// The local store (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Order IDs (订单号, e.g. CS2207261447AUY4H, or the MOCK… debug IDs).
    #[arg(value_name = "ORDER_ID", required_unless_present = "imported")]
    pub order_ids: Vec<String>,
    /// Also every order imported from an export: enriches them with what order/query says (their lines, what
    /// was paid, the buyer), replacing the imported record.
    #[arg(long)]
    pub imported: bool,
    /// The open API's base URL; KooGallery's (mkt.myhuaweicloud.com, then .cn) if left out.
    #[arg(long, value_name = "URL")]
    pub api: Option<String>,
    /// Whose AK/SK: the keyring entries are per account (or KOODESK_ACCESS_KEY / KOODESK_SECRET_KEY).
    #[arg(long, default_value = "default")]
    pub account: String,
    /// The access type of an order whose product the store does not hold yet (order/query does not say it):
    /// saas, license, image, hardware, api, ai-asset, data-asset, manual-service or app-orchestration.
    #[arg(long, value_name = "TYPE")]
    pub access_type: Option<String>,
    #[arg(long)]
    pub json: bool,
}
