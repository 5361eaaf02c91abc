//! KooDesk's local store: everything the seller sees lives in one SQLite file, so the console opens at once and
//! works offline; sync brings the marketplace's changes in.
//!
//! | module | holds |
//! |---|---|
//! | [`schema`] | the numbered migrations |
//! | [`db`] | opening, refusing foreign or newer files, backing up and migrating |
//! | [`ingest`] | feed pages written atomically with their cursor; the only module that sees wire types |
//! | [`import`] | the Seller Console's exports written beside the synced orders; where each order came from |
//! | [`meta`] | how the store is connected, and the confirmed mapping of each export |
//! | [`outbox`] | the seller's actions waiting to reach the marketplace, and echoed back by its feed |
//! | [`writer`] | the one thread that writes; everyone else sends it jobs |
//! | [`readers`] | a small pool of read-only connections for the screens |
//! | [`trackers`] | what the seller records by hand: supervision steps, unsubscription and invoice requests, and what they did on the Seller Console |
//! | [`console_reviews`] | what the seller submitted on the Seller Console for review (merchant information, listings) and the answer |
//! | [`listings`] | the listing and onboarding checklist per product |
//! | [`interface_health`] | the production interface's health from the feed, and each SaaS product's readiness against the delisting line |
//! | [`inbox`] | what needs the seller now, with the domain rules |
//! | [`dashboard`] | aggregates for the overview |
//! | [`browse`] | paged, filtered lists and one order's timeline for the screens |
//! | [`settlement_exports`] | the imported settlement exports: bills with their lines, and transactions by period and bill status |
//! | [`notifications`] | which notifications already fired (each fires once) |
//! | [`demo`] | a realistic store written directly (demos, performance) |

pub mod browse;
pub mod console_reviews;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod error;
pub mod import;
pub mod inbox;
pub mod ingest;
pub mod interface_checks;
pub mod interface_health;
pub mod invoice_batches;
pub mod invoicing;
pub mod listings;
pub mod meta;
pub mod notifications;
pub mod outbox;
pub mod readers;
pub mod schema;
pub mod settlement_exports;
pub mod trackers;
pub mod writer;

pub use db::Store;
pub use error::{Problem, Rule, StoreError};
pub use readers::Readers;
pub use writer::Writer;
