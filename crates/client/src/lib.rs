//! KooDesk's network side: [`sync`] brings the marketplace's changes into the store and pushes the seller's
//! queued actions out.

pub mod credentials;
pub mod feed_client;
pub mod sync;

pub use feed_client::{FeedClient, FetchError};
pub use sync::{push_and_echo, sync, SyncError, SyncOptions, SyncReport};
