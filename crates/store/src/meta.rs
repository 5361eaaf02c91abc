//! Small facts about the store, kept in `store_meta`: how the console is connected (which feed it syncs, or none),
//! and the column mapping the seller confirmed for each Seller Console export.

use koodesk_domain::seller_export::ExportKind;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;
use crate::import::OrderSource;

/// How the console gets its data (`REAL-DATA.md` §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ConnectionMode {
    /// The embedded sandbox, a simulated marketplace (the demo).
    Sandbox,
    /// The seller's KooDesk Gateway: its feed, and the records every desk on it shares.
    Gateway,
    /// No feed: the Seller Console's exports, lookups and what the seller records by hand.
    Files,
}

impl ConnectionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionMode::Sandbox => "sandbox",
            ConnectionMode::Gateway => "gateway",
            ConnectionMode::Files => "files",
        }
    }

    fn parse(s: &str) -> Result<ConnectionMode, StoreError> {
        match s {
            "sandbox" => Ok(ConnectionMode::Sandbox),
            "gateway" => Ok(ConnectionMode::Gateway),
            "files" => Ok(ConnectionMode::Files),
            other => Err(StoreError::Corrupt {
                path: "store_meta".into(),
                detail: format!("connection `{other}` is not sandbox, gateway or files"),
            }),
        }
    }

    /// Where the orders its feed brings come from; `None` without a feed.
    pub fn feed_source(self) -> Option<OrderSource> {
        match self {
            ConnectionMode::Sandbox => Some(OrderSource::Sandbox),
            ConnectionMode::Gateway => Some(OrderSource::Gateway),
            ConnectionMode::Files => None,
        }
    }

    /// Whether the seller's actions go to a marketplace (the sandbox's simulated one, or a gateway that records
    /// them for every desk), rather than being recorded in this store only.
    pub fn sends_actions(self) -> bool {
        self != ConnectionMode::Files
    }
}

/// The SQL expression of the source of the orders a feed page brings (see [`ConnectionMode::feed_source`]).
pub(crate) const FEED_SOURCE: &str = "coalesce((SELECT CASE value WHEN 'gateway' THEN 'gateway' ELSE 'sandbox' END
                FROM store_meta WHERE key = 'connection'), 'sandbox')";

impl Store {
    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM store_meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO store_meta VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// How this store is connected; the sandbox until told otherwise.
    pub fn connection_mode(&self) -> Result<ConnectionMode, StoreError> {
        match self.meta("connection")? {
            None => Ok(ConnectionMode::Sandbox),
            Some(s) => ConnectionMode::parse(&s),
        }
    }

    /// Records how this store is connected: orders a feed brings are marked with it, and with no feed the seller's
    /// actions are recorded here instead of queued for a marketplace.
    pub fn set_connection_mode(&mut self, c: ConnectionMode) -> Result<(), StoreError> {
        self.set_meta("connection", c.as_str())
    }

    /// The column mapping (`HEADER=field,…`) the seller last confirmed for an export, if any.
    pub fn import_mapping(&self, kind: ExportKind) -> Result<Option<String>, StoreError> {
        self.meta(&format!("import_map:{}", kind.as_str()))
    }

    /// Remembers the column mapping the seller confirmed for an export.
    pub fn set_import_mapping(&mut self, kind: ExportKind, spec: &str) -> Result<(), StoreError> {
        self.set_meta(&format!("import_map:{}", kind.as_str()), spec)
    }
}
