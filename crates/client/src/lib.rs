//! KooDesk's network side: [`sync`] brings the marketplace's changes into the store and pushes the seller's
//! queued actions out.
//!
//! | module | holds |
//! |---|---|
//! | [`sync`] | the feed into the store, the outbox out, with retries and offline detection |
//! | [`feed_client`] | HTTP calls to the seller feed, every reply's Body-Sign checked |
//! | [`lookup`] | orders looked up by ID through the open API's `order/query` (AK/SK), stored as source `lookup` |
//! | [`license`] | License 2.0 codes activated and queried through the open API (AK/SK) |
//! | [`credentials`] | credentials in the OS keyring, or their environment variables |

pub mod credentials;
pub mod feed_client;
pub mod license;
pub mod lookup;
pub mod sync;

pub use feed_client::{FeedClient, FetchError};
pub use sync::{push_and_echo, sync, SyncError, SyncOptions, SyncReport};
