//! The gateway's state, on SQLite (one replica) or on a PostgreSQL shared by several replicas: the nonces seen,
//! the instances, the journal of every call, the orders and their enrichment, and the feed's change sequence.
//!
//! Everything that must hold across replicas is a database constraint, never a check-then-insert:
//! - a nonce is a primary key, so a replayed call is refused at every replica [KG §7];
//! - an instance is unique per (orderId, orderLineId), and newInstance is one upsert that returns the row that won,
//!   so concurrent retries split across replicas get one instanceId;
//! - the feed's sequence is one counter row bumped inside the transaction that changes an order, so orders commit
//!   in sequence order and a cursor never skips a row that commits late.
//!
//! The SQL is written once with `$n` parameters (PostgreSQL's); SQLite reads them as `?n`.

mod batch;
mod postgres;
mod row;
mod schema;
mod sql;
mod sqlite;

use crate::config::DatabaseUrl;

pub use row::{
    CallRow, EnrichClaim, Enriched, HealthCounts, InstanceChange, InstanceRow, InstanceState, JournalEntry, JournalRow,
    NewInstance, OrderRow, OrderTouch, PendingOrder, StoredApp, ANY_STATE,
};

/// A database error, with what the gateway was doing.
#[derive(Debug, Clone, thiserror::Error)]
#[error("database ({engine}), {doing}: {detail}")]
pub struct DbError {
    pub engine: &'static str,
    pub doing: &'static str,
    pub detail: String,
}

pub type DbResult<T> = Result<T, DbError>;

/// The largest group of calls written in one transaction.
const MAX_BATCH: usize = 128;

#[derive(Clone)]
enum Engine {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

/// The gateway's database. The writes every call makes (its nonce, newInstance's upsert, its journal entry) go
/// through group commit ([`batch`]); the rest are single statements.
#[derive(Clone)]
pub struct Db {
    engine: Engine,
    nonces: batch::Batcher<(String, i64), bool>,
    upserts: batch::Batcher<NewInstance, InstanceRow>,
    records: batch::Batcher<JournalEntry, ()>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.engine())
    }
}

macro_rules! dispatch {
    ($self:ident, $db:ident => $e:expr) => {
        match &$self.engine {
            Engine::Sqlite($db) => $e,
            Engine::Postgres($db) => $e,
        }
    };
}

macro_rules! batcher {
    ($engine:expr, $what:literal, $method:ident) => {{
        let engine = $engine.clone();
        batch::Batcher::spawn($what, MAX_BATCH, move |reqs| {
            let engine = engine.clone();
            async move {
                match &engine {
                    Engine::Sqlite(db) => db.$method(reqs).await,
                    Engine::Postgres(db) => db.$method(reqs).await,
                }
            }
        })
    }};
}

impl Db {
    /// Connects (or opens the file), checks the database answers, and applies the migrations it lacks.
    pub async fn open(url: &DatabaseUrl) -> DbResult<Db> {
        let engine = match url {
            DatabaseUrl::Sqlite(path) => Engine::Sqlite(sqlite::SqliteDb::open(path).await?),
            DatabaseUrl::Postgres(url) => Engine::Postgres(postgres::PgDb::connect(url.expose()).await?),
        };
        let db = Db {
            nonces: batcher!(engine, "recording nonces", claim_nonces),
            upserts: batcher!(engine, "storing instances", upsert_instances),
            records: batcher!(engine, "journaling calls", record_many),
            engine,
        };
        db.migrate().await?;
        Ok(db)
    }

    pub fn engine(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    async fn migrate(&self) -> DbResult<()> {
        dispatch!(self, db => db.migrate().await)
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> DbResult<i64> {
        dispatch!(self, db => db.schema_version().await)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> DbResult<()> {
        dispatch!(self, db => db.ping().await)
    }

    /// Records a nonce until `expires_ms`; `false` when it was seen before (at any replica).
    pub async fn claim_nonce(&self, nonce: &str, expires_ms: i64) -> DbResult<bool> {
        self.nonces.call((nonce.to_string(), expires_ms)).await
    }

    /// The instance of an order line: the one stored, or `new` when there was none. `true` when `new` was stored.
    pub async fn upsert_instance(&self, new: &NewInstance) -> DbResult<(InstanceRow, bool)> {
        let row = self.upserts.call(new.clone()).await?;
        let created = row.instance_id == new.instance_id;
        Ok((row, created))
    }

    /// The instances among `ids` that exist.
    pub async fn instances(&self, ids: &[String]) -> DbResult<Vec<InstanceRow>> {
        dispatch!(self, db => db.instances(ids).await)
    }

    /// Changes an instance; `None` when there is no such instance.
    pub async fn update_instance(
        &self,
        id: &str,
        change: &InstanceChange,
        now_ms: i64,
    ) -> DbResult<Option<InstanceRow>> {
        dispatch!(self, db => db.update_instance(id, change, now_ms).await)
    }

    /// Appends a journal entry and, for a call about a real order, creates or touches the order (new sequence), in
    /// one transaction.
    pub async fn record(&self, entry: &JournalEntry) -> DbResult<()> {
        self.records.call(entry.clone()).await
    }

    /// Enriched orders after `after` in sequence order, with their calls.
    pub async fn orders_page(&self, after: i64, limit: i64) -> DbResult<Vec<OrderRow>> {
        dispatch!(self, db => db.orders_page(after, limit).await)
    }

    /// Takes up to `limit` orders due for enrichment, leasing them until `lease_until_ms`.
    pub async fn claim_enrichments(&self, now_ms: i64, lease_until_ms: i64, limit: i64) -> DbResult<Vec<EnrichClaim>> {
        dispatch!(self, db => db.claim_enrichments(now_ms, lease_until_ms, limit).await)
    }

    /// Stores what `order/query` said (a new sequence for the order).
    pub async fn save_enrichment(&self, order_id: &str, e: &Enriched, now_ms: i64) -> DbResult<()> {
        dispatch!(self, db => db.save_enrichment(order_id, e, now_ms).await)
    }

    /// Records a failed enrichment, to be tried again at `next_ms`.
    pub async fn enrichment_failed(&self, order_id: &str, error: &str, next_ms: i64) -> DbResult<()> {
        dispatch!(self, db => db.enrichment_failed(order_id, error, next_ms).await)
    }

    /// The figures of the interface-health view since `since_ms`.
    pub async fn health(&self, since_ms: i64) -> DbResult<HealthCounts> {
        dispatch!(self, db => db.health(since_ms).await)
    }

    /// How many orders await their details.
    pub async fn backlog(&self) -> DbResult<i64> {
        dispatch!(self, db => db.backlog().await)
    }

    /// Orders not enriched yet, oldest first.
    pub async fn pending_orders(&self, limit: i64) -> DbResult<Vec<PendingOrder>> {
        dispatch!(self, db => db.pending_orders(limit).await)
    }

    /// Journal entries after id `after`, oldest first.
    pub async fn journal(&self, after: i64, limit: i64) -> DbResult<Vec<JournalRow>> {
        dispatch!(self, db => db.journal(after, limit).await)
    }

    /// Forgets nonces whose window has passed and journal entries older than `journal_before_ms`.
    pub async fn prune(&self, now_ms: i64, journal_before_ms: i64) -> DbResult<(u64, u64)> {
        dispatch!(self, db => db.prune(now_ms, journal_before_ms).await)
    }
}
