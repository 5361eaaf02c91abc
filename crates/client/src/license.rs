//! License 2.0 codes activated and queried through the open API with the seller's AK/SK [KG §3, §8]: the one
//! supervision step (授权码激活) a seller can move through an API, so it is a real call in every mode — the
//! embedded sandbox's open API in the demo, KooGallery's hosts otherwise ([`OpenApi`], as `order/query` uses).
//!
//! The call itself is `koodesk_protocol::license`; this module checks where the keys may go (https://, or plain
//! http:// only to this machine) before anything is signed. Neither key is ever in a message.

use chrono::{DateTime, Utc};
use koodesk_protocol::endpoint;
use koodesk_protocol::license::{http, LicenseCode, LicenseError, Operation};

use crate::lookup::OpenApi;

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Activates ([`Operation::Activate`]) or queries ([`Operation::Query`]) one code, effective from
/// `effective_at` (activation only; KooGallery refuses a time earlier than the order).
pub async fn call(
    api: &OpenApi,
    op: Operation,
    code: &str,
    effective_at: Option<DateTime<Utc>>,
) -> Result<LicenseCode, LicenseError> {
    for base in &api.bases {
        endpoint::check("api", base).map_err(|e| LicenseError::Invalid(e.to_string()))?;
    }
    let client = koodesk_protocol::open_api_call::http::client(TIMEOUT).map_err(LicenseError::Failed)?;
    let effective_at = if op == Operation::Activate { effective_at } else { None };
    http::call(&client, &api.bases, api.access_key.expose(), &api.secret_key, op, code, effective_at, Utc::now()).await
}
