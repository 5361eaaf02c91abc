//! The gateway's state, on SQLite (one replica) or on a PostgreSQL shared by several replicas: the nonces seen,
//! the instances, the journal of every call, the orders and their enrichment, and the feed's change sequence.
//!
//! Everything that must hold across replicas is a database constraint, never a check-then-insert:
//! - a nonce is a primary key, so a replayed call is refused at every replica [KG §7];
//! - an instance is unique per (orderId, orderLineId), and newInstance is one upsert that returns the row that won,
//!   so concurrent retries split across replicas get one instanceId;
//! - the feed's cursor never skips a change that commits late (below).
//!
//! **The feed's sequence.** Every transaction that changes an order marks it `dirty`; none of them takes a
//! sequence number, so the calls of two replicas never queue on a shared counter. Sequence numbers are handed
//! out only by the *sequencer* ([`Db::orders_page`] runs it before reading): one transaction that locks the
//! counter row, takes the dirty enriched orders it can lock (`SKIP LOCKED`: an order whose change is still
//! being written is left for the next pass, already marked or about to be), numbers them from the counter,
//! clears their mark and advances the counter. Sequencers hold the counter's row lock until they commit, so they
//! commit in sequence order and a reader's snapshot holds a prefix of them: every sequence number a reader can
//! see is at most the counter it sees, and the next sequencer numbers from above it. A change committed after a
//! reader read up to cursor `c` leaves its order dirty, and the order is numbered above `c` by a later
//! sequencer: no change is ever left behind a cursor. (An order changed again while dirty is listed at its old
//! number with its new state until it is renumbered — seen twice, never missed.)
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
    CallRow, Claimed, EnrichClaim, Enriched, Got, HealthCounts, InstanceChange, InstanceRow, InstanceState,
    JournalEntry, JournalRow, NewInstance, OrderRow, OrderTouch, PendingOrder, Step, StoredApp, Then, ANY_STATE,
};

/// What a desk recorded: the entity's whole new state as the feed serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRecord {
    pub action_id: String,
    /// The feed: `supervision`, `unsubscriptions`, `invoice-requests`.
    pub kind: String,
    pub id: String,
    pub body: String,
    pub recorded_by: Option<String>,
    pub now_ms: i64,
}

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
/// Batches in flight at once per batcher on PostgreSQL (each on its own pooled connection). Two: one batch is
/// being answered while the next runs, and the statement is not waiting for an earlier one's commit; more only
/// make the batches smaller, and on a small server the fixed cost of each statement is what runs out first
/// (docs/performance.md). SQLite has one connection, and one writer at a time: one.
const PG_IN_FLIGHT: usize = 2;

#[derive(Clone)]
enum Engine {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PgDb),
}

/// The gateway's database. Every call meets two batches ([`batch`]): its nonce together with what the call needs
/// (the instances it names, or newInstance's upsert), then its journal entry together with the order it touches;
/// the rest are single statements.
#[derive(Clone)]
pub struct Db {
    engine: Engine,
    steps: batch::Batcher<Step, Claimed>,
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
        let in_flight = match &engine {
            Engine::Sqlite(_) => 1,
            Engine::Postgres(_) => PG_IN_FLIGHT,
        };
        batch::Batcher::spawn($what, MAX_BATCH, in_flight, move |reqs| {
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
            steps: batcher!(engine, "recording nonces and instances", steps),
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

    /// Records a nonce until `expires_ms` and, only if it was fresh (at every replica), does `then`.
    pub async fn claim(&self, nonce: &str, expires_ms: i64, then: Then) -> DbResult<Claimed> {
        self.steps.call(Step { nonce: Some((nonce.to_string(), expires_ms)), then }).await
    }

    /// Records a nonce until `expires_ms`; `false` when it was seen before (at any replica).
    pub async fn claim_nonce(&self, nonce: &str, expires_ms: i64) -> DbResult<bool> {
        Ok(matches!(self.claim(nonce, expires_ms, Then::Nothing).await?, Claimed::Fresh(_)))
    }

    /// The instance of an order line: the one stored, or `new` when there was none. `true` when `new` was stored.
    pub async fn upsert_instance(&self, new: &NewInstance) -> DbResult<(InstanceRow, bool)> {
        match self.steps.call(Step { nonce: None, then: Then::Upsert(new.clone()) }).await? {
            Claimed::Fresh(Got::Upserted { row, created }) => Ok((*row, created)),
            _ => Err(DbError { engine: self.engine(), doing: "storing instances", detail: "no row came back".into() }),
        }
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

    /// Appends a journal entry and, for a call about a real order, creates or touches the order (marking it for the
    /// sequencer), in one transaction.
    pub async fn record(&self, entry: &JournalEntry) -> DbResult<()> {
        self.records.call(entry.clone()).await
    }

    /// Enriched orders after `after` in sequence order, with their calls; the sequencer runs first.
    pub async fn orders_page(&self, after: i64, limit: i64) -> DbResult<Vec<OrderRow>> {
        dispatch!(self, db => db.orders_page(after, limit).await)
    }

    /// Takes up to `limit` orders due for enrichment, leasing them until `lease_until_ms`.
    pub async fn claim_enrichments(&self, now_ms: i64, lease_until_ms: i64, limit: i64) -> DbResult<Vec<EnrichClaim>> {
        dispatch!(self, db => db.claim_enrichments(now_ms, lease_until_ms, limit).await)
    }

    /// Stores what `order/query` said (the order marked for the sequencer).
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

    /// A recorded entity's body (the feed's JSON), if any desk recorded it.
    pub async fn get_record(&self, kind: &str, id: &str) -> DbResult<Option<String>> {
        dispatch!(self, db => db.get_record(kind, id).await)
    }

    /// Stores what a desk recorded as the new state of `kind`/`id`, numbered from the kind's counter, in one
    /// transaction; an `action_id` seen before changes nothing and answers with its first sequence. Returns the
    /// sequence and whether it repeats.
    pub async fn put_record(&self, r: &NewRecord) -> DbResult<(i64, bool)> {
        dispatch!(self, db => db.put_record(r.clone()).await)
    }

    /// Records of `kind` after `after`, in sequence order: (body, seq).
    pub async fn records_page(&self, kind: &str, after: i64, limit: i64) -> DbResult<Vec<(String, i64)>> {
        dispatch!(self, db => db.records_page(kind, after, limit).await)
    }

    /// Forgets nonces whose window has passed and journal entries older than `journal_before_ms`.
    pub async fn prune(&self, now_ms: i64, journal_before_ms: i64) -> DbResult<(u64, u64)> {
        dispatch!(self, db => db.prune(now_ms, journal_before_ms).await)
    }
}
