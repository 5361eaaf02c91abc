//! KooGallery's wire formats, exactly as documented (KOOGALLERY.md §7 and §8, `[KG §n]`).
//!
//! | module | holds |
//! |---|---|
//! | [`result_code`] | the production interface's result codes (the domain's table, re-exported) |
//! | [`production`] | production-interface request and reply bodies (newInstance … orderNotify), with their limits |
//! | [`signature`] | V2.0 URL signatures, the x-sign header, the Body-Sign reply header, the V1.0 authToken |
//! | [`replay`] | verifying a signed request: timestamp window and the bounded nonce cache |
//! | [`feed`] | the seller feed KooDesk syncs from (served by the sandbox) |
//! | [`interface_health`] | the feed's interface-health view: failed orders against the delisting line, slow replies, the last dial test |
//! | [`field_crypto`] | AES-CBC-PKCS5 field encryption with Java's SHA1PRNG key derivation |
//! | [`apig`] | the APIG AK/SK request signer (SDK-HMAC-SHA256) for the open API |
//! | [`open_api`] | open-API bodies: order query, usage data, License activation |
//! | [`order_query`] | `order/query`: the signed request, what a reply means, the order read from it; with the `http` feature, the one HTTP loop over the hosts |
//! | [`oauth`] | OAuth 2.0 requests, replies and errors |
//! | [`secret`] | a string that never prints itself |
//! | [`endpoint`] | which URLs a credential may go to: https://, or plain http:// to a loopback host |
//!
//! Nothing here does I/O or reads a clock: times are parameters. The one exception is `order_query::http`, behind
//! the `http` feature, which sends `order/query` (so the gateway and the console share one client of it).

pub mod apig;
pub mod endpoint;
pub mod feed;
pub mod field_crypto;
pub mod interface_health;
pub mod license;
pub mod oauth;
pub mod open_api;
pub mod open_api_call;
pub mod order_query;
pub mod production;
pub mod replay;
pub use koodesk_domain::result_code;
pub mod secret;
pub mod signature;

mod crypto;
