//! What can go wrong with the store. Messages name the file and what to do; nothing stored is lost by an error.

use std::path::PathBuf;

pub use koodesk_domain::problem::{Problem, Rule};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: not a SQLite database (the file is damaged or is something else); KooDesk leaves it untouched")]
    NotSqlite { path: PathBuf },
    #[error("{path}: a SQLite database, but not KooDesk's (application_id {found:#x})")]
    Foreign { path: PathBuf, found: i32 },
    #[error(
        "{path}: made by a newer KooDesk (schema {found}; this build knows up to {known}); upgrade KooDesk to open it"
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    #[error("{path}: the database is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: cannot back up the database before migrating it: {detail}")]
    Backup { path: PathBuf, detail: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the feed refers to order {0}, which this store does not have yet: sync orders first; an order another desk \
         imported is not in the gateway's feed — import it here too (koodesk import) or look it up (koodesk lookup)"
    )]
    UnknownOrder(String),
    #[error("the feed sent {what}: {detail}")]
    BadFeedData { what: &'static str, detail: String },
    /// A caller's argument broke a rule: names the field, the value and the rule.
    #[error("{0}")]
    Invalid(Problem),
    #[error("no {0} in this store")]
    NotFound(String),
    /// An action taken on a screen read before the stored row last changed (the seller's own earlier action's
    /// echo, another window, the buyer): refused locally, before KooGallery would refuse it for good.
    #[error("seq: the screen showed seq {shown} of {target}, the store has {stored}: reload and look again")]
    Stale { target: String, shown: i64, stored: i64 },
    #[error("the store's writer has stopped; restart KooDesk")]
    WriterGone,
    #[error("{path}: opened for reading before the writer migrated it (schema {found}, this build writes {known})")]
    ReaderBeforeWriter { path: PathBuf, found: i64, known: i64 },
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
}
