//! KooDesk's application core, free of any window toolkit: what the console's screens ask for and do.
//!
//! | module | holds |
//! |---|---|
//! | [`api`] | every command's argument and result types (generated for TypeScript) |
//! | [`error`] | the error every command answers: a code and a message naming the field and the rule |
//! | [`dispatch`] | the command table, and the dispatcher derived from it, shared by Tauri's IPC and HTTP |
//! | [`bindings`] | the TypeScript bindings generated from the types and the table |
//! | [`commands`] | the handlers of the screens' everyday commands |
//! | [`clock`] | now, in Beijing time |
//! | [`routes`] | the UI route of an inbox item, and which items are urgent |
//! | [`workspace`] | the store, settings, the embedded sandbox and sync state of one seller |
//! | [`imports`] | Seller Console exports: a preview with a dry run, then the import confirmed |
//! | [`trackers`] | what the seller records by hand, and who recorded it |
//! | [`interface_health`] | the production interface's health from the feed, and each SaaS product's readiness |
//! | [`settlement_imports`] | the Settlement screen's imported bills, their lines and transactions |
//! | [`invoice_documents`] | the store's invoice rows as the values the CSV, XLSX and PDF are rendered from |
//! | [`listings`] | the listing and onboarding checklist per product |
//! | [`merchant`] | submissions on the Seller Console for review (merchant information, listings), and the answer |
//! | [`notices`] | which notifications to raise now, each once |
//! | [`notice_text`] | the words the shell shows itself (notifications, the tray), in zh-CN and en-US |
//! | [`http`] | the commands and the UI served on loopback with a per-run token |
//! | [`log`] | the workspace log |

pub mod api;
pub mod bindings;
pub mod clock;
pub mod commands;
pub mod dispatch;
pub mod error;
pub mod http;
pub mod imports;
pub mod interface;
pub mod interface_health;
pub mod interface_runs;
pub mod invoice_documents;
pub mod invoicing;
pub mod license;
pub mod listings;
pub mod log;
pub mod merchant;
pub mod notice_text;
pub mod notices;
pub mod paste;
pub mod routes;
pub mod settlement_imports;
pub mod trackers;
pub mod workspace;

pub use error::{ApiError, ErrorCode};
pub use workspace::{Workspace, WorkspaceConfig};
