//! The PostgreSQL engine: several replicas share one database through a `deadpool-postgres` pool. TLS to the
//! server follows the URL's `sslmode` (RDS for PostgreSQL: `sslmode=require`).

use std::collections::{BTreeSet, HashMap, HashSet};

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;

use super::row::{self, Columns};
use super::sql;
use super::{schema, DbError, DbResult, NewRecord};
use super::{
    Claimed, EnrichClaim, Enriched, Got, HealthCounts, InstanceChange, InstanceRow, JournalEntry, JournalRow,
    NewInstance, OrderRow, PendingOrder, Step, Then,
};

/// The connections for the writes a call makes before its journal entry (its nonce, newInstance's upsert) run with
/// `synchronous_commit` off: committed and visible to every replica at once, without waiting for the WAL flush.
/// The call's journal commit, on other connections (the server's `synchronous_commit`, `on` by default), comes
/// later in the WAL — the journal statement is sent only once the first one has committed — and its flush covers
/// everything before it, so nothing is acknowledged that a crash could lose, and a call waits for one flush.
const RELAXED: &str = "-c synchronous_commit=off";
/// The two statements every call makes ([`STEPS`], [`record_statement`]) run from one generic plan: left to choose,
/// PostgreSQL plans them afresh for every batch (their arrays make each custom plan look cheaper), which costs
/// more than running them.
const GENERIC: &str = "-c plan_cache_mode=force_generic_plan";
/// [`STEPS`] reads `instances` by primary key only. Its generic plan is made on a connection's first call, maybe
/// while the table is still small, when a sequential scan looks cheaper — and would then scan the whole table for
/// every batch, forever. No sequential scans on those connections: the plan is the index lookup at any size.
const INDEX_ONLY: &str = "-c enable_seqscan=off";
/// Connections of each pool; each batcher keeps at most `PG_IN_FLIGHT` of its pool's busy.
const POOL_SIZE: usize = 8;
const HOT_POOL_SIZE: usize = 4;

/// The first statement of every call (see `Then`): the batch's nonces claimed, then — only for the fresh ones —
/// newInstance's upserts (one candidate per order line), and the instances the batch reads, in one statement,
/// one round trip and one commit. Rows come back tagged: `n` a fresh nonce (column 12), `u` the row that won an
/// order line, `r` an instance read.
///
/// No deadlock between batches in flight together (of this replica or another): the nonces are inserted in
/// sorted order, then (the union reads `c` to its end before it reads `u`) the order lines in (orderId,
/// orderLineId) order. A batch waiting on a nonce holds only smaller nonces; one waiting on an order line holds
/// all its nonces and only smaller lines, so no two can wait on each other.
const STEPS: &str = "WITH c AS (INSERT INTO nonces (nonce, expires_ms) \
     SELECT * FROM UNNEST($1::text[], $2::bigint[]) ON CONFLICT (nonce) DO NOTHING RETURNING nonce), \
     u AS (INSERT INTO instances (instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, \
     user_name, password, memo, created_ms, updated_ms) \
     SELECT DISTINCT ON (x_o, x_l) x_i, x_o, x_l, x_t, x_s, x_f, x_a, x_u, x_p, x_m, x_n, x_n \
     FROM UNNEST($3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[], $9::text[], $10::text[], \
     $11::text[], $12::text[], $13::text[], $14::bigint[]) AS x(x_k, x_i, x_o, x_l, x_t, x_s, x_f, x_a, x_u, x_p, \
     x_m, x_n) WHERE x_k IS NULL OR x_k IN (SELECT nonce FROM c) ORDER BY x_o, x_l \
     ON CONFLICT (order_id, order_line_id) DO UPDATE SET updated_ms = instances.updated_ms \
     RETURNING instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, user_name, password, \
     memo, expire_time) \
     SELECT NULL::text, NULL::text, NULL::text, NULL::bool, NULL::text, NULL::text, NULL::text, NULL::text, \
     NULL::text, NULL::text, NULL::text, 'n', nonce FROM c \
     UNION ALL SELECT u.*, 'u', NULL FROM u \
     UNION ALL SELECT instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, user_name, \
     password, memo, expire_time, 'r', NULL FROM instances WHERE instance_id = ANY($15::text[])";

/// The journal statement: the batch's entries, and the orders they touch (created when new, numbered 0, marked
/// for the sequencer; see [`sql::TOUCH_ORDER_SET`]) in order-ID order, in one statement. No counter: two
/// replicas' batches share no row but the orders both touch, which both lock in the same order.
fn record_statement() -> String {
    format!(
        "WITH j AS (INSERT INTO journal (received_ms, activity, order_id, order_line_id, instance_id, test, nonce, \
         timestamp_param, source, replica, refused, result_code, reply, latency_us) \
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::text[], \
         $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])) \
         INSERT INTO orders (order_id, order_line_id, instance_id, first_call_ms, provisioned_ms, next_enrich_ms, \
         seq, dirty) SELECT o, l, i, f, p, f, 0, TRUE FROM UNNEST($15::text[], $16::text[], $17::text[], \
         $18::bigint[], $19::bigint[]) AS x(o, l, i, f, p) ON CONFLICT (order_id) DO UPDATE SET {}",
        sql::TOUCH_ORDER_SET
    )
}

#[derive(Clone)]
pub struct PgDb {
    /// For everything but the two statements of a call.
    pool: Pool,
    /// For a call's first statement: `synchronous_commit` off ([`RELAXED`]), generic plans ([`GENERIC`]) of index
    /// lookups ([`INDEX_ONLY`]).
    first: Pool,
    /// For a call's journal statement: generic plans, and the server's `synchronous_commit`.
    journal: Pool,
}

fn err<E: std::fmt::Display>(doing: &'static str) -> impl Fn(E) -> DbError {
    move |e| DbError { engine: "postgres", doing, detail: e.to_string() }
}

/// A PostgreSQL error with its detail (tokio-postgres's Display alone says only "db error").
fn pg(doing: &'static str) -> impl Fn(tokio_postgres::Error) -> DbError {
    move |e| {
        let detail = match e.as_db_error() {
            Some(d) => format!("{}: {}", d.code().code(), d.message()),
            None => {
                let source = std::error::Error::source(&e).map(|s| format!(": {s}")).unwrap_or_default();
                format!("{e}{source}")
            }
        };
        DbError { engine: "postgres", doing, detail }
    }
}

impl Columns for tokio_postgres::Row {
    fn text(&self, i: usize) -> DbResult<Option<String>> {
        self.try_get(i).map_err(pg("reading a column"))
    }
    fn int(&self, i: usize) -> DbResult<Option<i64>> {
        self.try_get(i).map_err(pg("reading a column"))
    }
    fn flag(&self, i: usize) -> DbResult<bool> {
        self.try_get(i).map_err(pg("reading a column"))
    }
}

impl PgDb {
    pub async fn connect(url: &str) -> DbResult<PgDb> {
        let config: tokio_postgres::Config = url.parse().map_err(|e: tokio_postgres::Error| DbError {
            engine: "postgres",
            doing: "reading --database",
            detail: format!("not a PostgreSQL URL: {e}"),
        })?;
        let with = |extra: &[&str]| {
            let mut c = config.clone();
            let mut options: Vec<&str> = config.get_options().filter(|o| !o.is_empty()).into_iter().collect();
            options.extend_from_slice(extra);
            c.options(options.join(" "));
            c
        };
        let first = Self::pool(with(&[RELAXED, GENERIC, INDEX_ONLY]), HOT_POOL_SIZE)?;
        let journal = Self::pool(with(&[GENERIC]), HOT_POOL_SIZE)?;
        let pool = Self::pool(config, POOL_SIZE)?;
        let db = PgDb { pool, first, journal };
        db.ping().await?;
        Ok(db)
    }

    fn pool(config: tokio_postgres::Config, size: usize) -> DbResult<Pool> {
        let tls = native_tls::TlsConnector::new().map_err(err("setting up TLS to the database"))?;
        let tls = postgres_native_tls::MakeTlsConnector::new(tls);
        let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        // Bounded waits, inside KooGallery's 5 s: a database that does not answer fails the call (000005) in time.
        let timeouts = deadpool_postgres::Timeouts {
            wait: Some(std::time::Duration::from_secs(2)),
            create: Some(std::time::Duration::from_secs(2)),
            recycle: Some(std::time::Duration::from_secs(1)),
        };
        Pool::builder(manager)
            .max_size(size)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .timeouts(timeouts)
            .build()
            .map_err(err("building the connection pool"))
    }

    async fn client(&self, doing: &'static str) -> DbResult<deadpool_postgres::Object> {
        Self::from(&self.pool, doing).await
    }

    async fn from(pool: &Pool, doing: &'static str) -> DbResult<deadpool_postgres::Object> {
        pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(b) => pg(doing)(b),
            other => err(doing)(other),
        })
    }

    pub async fn migrate(&self) -> DbResult<()> {
        let doing = "migrating the schema";
        let mut c = self.client(doing).await?;
        let tx = c.transaction().await.map_err(pg(doing))?;
        // One replica migrates at a time; the others wait here and then find nothing to do.
        tx.execute("SELECT pg_advisory_xact_lock(7255220330)", &[]).await.map_err(pg(doing))?;
        tx.batch_execute(schema::VERSION_TABLE).await.map_err(pg(doing))?;
        let current: i64 = tx
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version", &[])
            .await
            .map_err(pg(doing))?
            .get(0);
        if current > schema::LATEST {
            return Err(DbError { engine: "postgres", doing, detail: schema::newer(current) });
        }
        for v in current + 1..=schema::LATEST {
            let Some(stmts) = schema::migration(v, "BIGSERIAL PRIMARY KEY") else { break };
            tx.batch_execute(&stmts).await.map_err(pg(doing))?;
            tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&v]).await.map_err(pg(doing))?;
        }
        tx.commit().await.map_err(pg(doing))
    }

    pub async fn schema_version(&self) -> DbResult<i64> {
        let doing = "reading the schema version";
        let c = self.client(doing).await?;
        let row = c
            .query_one("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version", &[])
            .await
            .map_err(pg(doing))?;
        Ok(row.get(0))
    }

    pub async fn ping(&self) -> DbResult<()> {
        let doing = "checking the database answers";
        let c = self.client(doing).await?;
        c.simple_query("SELECT 1").await.map(|_| ()).map_err(pg(doing))
    }

    /// The batch in one statement ([`STEPS`]) on a relaxed connection. A nonce twice in one batch is fresh the
    /// first time only (the later ones are not sent).
    pub async fn steps(&self, batch: Vec<Step>) -> DbResult<Vec<Claimed>> {
        let doing = "recording nonces and instances";
        let mut seen = HashSet::new();
        let repeated: Vec<bool> =
            batch.iter().map(|s| s.nonce.as_ref().is_some_and(|(n, _)| !seen.insert(n.as_str()))).collect();
        let mut nonces: Vec<(&str, i64)> = batch
            .iter()
            .zip(&repeated)
            .filter_map(|(s, r)| s.nonce.as_ref().filter(|_| !r).map(|(n, e)| (n.as_str(), *e)))
            .collect();
        nonces.sort_unstable();
        let mut ups: Vec<(Option<&str>, &NewInstance)> = batch
            .iter()
            .zip(&repeated)
            .filter(|(_, r)| !**r)
            .filter_map(|(s, _)| match &s.then {
                Then::Upsert(n) => Some((s.nonce.as_ref().map(|(k, _)| k.as_str()), n)),
                _ => None,
            })
            .collect();
        ups.sort_by(|a, b| (&a.1.order_id, &a.1.order_line_id).cmp(&(&b.1.order_id, &b.1.order_line_id)));
        let reads: Vec<&str> = batch
            .iter()
            .zip(&repeated)
            .filter(|(_, r)| !**r)
            .filter_map(|(s, _)| match &s.then {
                Then::Read(ids) => Some(ids.iter().map(String::as_str)),
                _ => None,
            })
            .flatten()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let (nonce, expires): (Vec<&str>, Vec<i64>) = nonces.into_iter().unzip();
        let key: Vec<Option<&str>> = ups.iter().map(|u| u.0).collect();
        let col = |f: &dyn Fn(&NewInstance) -> Option<&str>| ups.iter().map(|u| f(u.1)).collect::<Vec<_>>();
        let text = |f: &dyn Fn(&NewInstance) -> &str| ups.iter().map(|u| f(u.1)).collect::<Vec<_>>();
        let ids = text(&|n| &n.instance_id);
        let orders = text(&|n| &n.order_id);
        let lines = text(&|n| &n.order_line_id);
        let tests: Vec<bool> = ups.iter().map(|u| u.1.test).collect();
        let states = text(&|n| n.state.as_str());
        let fronts = col(&|n| n.app.as_ref().map(|a| a.front_end_url.as_str()));
        let admins = col(&|n| n.app.as_ref().and_then(|a| a.admin_url.as_deref()));
        let users = col(&|n| n.app.as_ref().and_then(|a| a.user_name.as_deref()));
        let passwords = col(&|n| n.app.as_ref().and_then(|a| a.password.as_deref()));
        let memos = col(&|n| n.app.as_ref().and_then(|a| a.memo.as_deref()));
        let nows: Vec<i64> = ups.iter().map(|u| u.1.now_ms).collect();
        let c = Self::from(&self.first, doing).await?;
        let stmt = c.prepare_cached(STEPS).await.map_err(pg(doing))?;
        let rows = c
            .query(
                &stmt,
                &[
                    &nonce, &expires, &key, &ids, &orders, &lines, &tests, &states, &fronts, &admins, &users,
                    &passwords, &memos, &nows, &reads,
                ],
            )
            .await
            .map_err(pg(doing))?;
        let mut fresh = HashSet::new();
        let mut won: HashMap<(String, String), InstanceRow> = HashMap::new();
        let mut read: HashMap<String, InstanceRow> = HashMap::new();
        for r in &rows {
            match r.req_text(11, "the batch's row tag")?.as_str() {
                "n" => {
                    fresh.insert(r.req_text(12, "nonces.nonce")?);
                }
                "u" => {
                    let i = row::instance(r)?;
                    won.insert((i.order_id.clone(), i.order_line_id.clone()), i);
                }
                _ => {
                    let i = row::instance(r)?;
                    read.insert(i.instance_id.clone(), i);
                }
            }
        }
        batch
            .iter()
            .zip(repeated)
            .map(|(s, repeated)| {
                if repeated || s.nonce.as_ref().is_some_and(|(n, _)| !fresh.contains(n)) {
                    return Ok(Claimed::Replayed);
                }
                Ok(Claimed::Fresh(match &s.then {
                    Then::Nothing => Got::Nothing,
                    Then::Read(ids) => {
                        let mut once = HashSet::new();
                        let ids = ids.iter().filter(|id| once.insert(id.as_str()));
                        Got::Instances(ids.filter_map(|id| read.get(id).cloned()).collect())
                    }
                    Then::Upsert(n) => {
                        let row =
                            won.get(&(n.order_id.clone(), n.order_line_id.clone())).cloned().ok_or_else(|| {
                                DbError {
                                    engine: "postgres",
                                    doing,
                                    detail: "the upsert returned no row for an order line".into(),
                                }
                            })?;
                        let created = row.instance_id == n.instance_id;
                        Got::Upserted { row: Box::new(row), created }
                    }
                }))
            })
            .collect()
    }

    pub async fn instances(&self, ids: &[String]) -> DbResult<Vec<InstanceRow>> {
        let doing = "reading instances";
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.client(doing).await?;
        let q = format!("SELECT {} FROM instances WHERE instance_id = ANY($1)", row::INSTANCE_COLUMNS);
        let stmt = c.prepare_cached(&q).await.map_err(pg(doing))?;
        let rows = c.query(&stmt, &[&ids]).await.map_err(pg(doing))?;
        rows.iter().map(row::instance).collect()
    }

    pub async fn update_instance(
        &self,
        id: &str,
        change: &InstanceChange,
        now_ms: i64,
    ) -> DbResult<Option<InstanceRow>> {
        let doing = "changing an instance";
        let c = self.client(doing).await?;
        let (state, from, stale) = match change {
            InstanceChange::Move { to, from, stale_before_ms } => {
                (to.as_str(), InstanceChange::from_list(from), *stale_before_ms)
            }
            _ => ("", String::new(), 0),
        };
        let (q, params): (String, Vec<&(dyn ToSql + Sync)>) = match change {
            InstanceChange::Move { .. } => (sql::set_state(), vec![&id, &state, &now_ms, &from, &stale]),
            InstanceChange::Expire(t) => (sql::set_expiry(), vec![&id, t, &now_ms]),
            InstanceChange::Ready(a) => (
                sql::set_ready(),
                vec![&id, &a.front_end_url, &a.admin_url, &a.user_name, &a.password, &a.memo, &now_ms],
            ),
        };
        let stmt = c.prepare_cached(&q).await.map_err(pg(doing))?;
        let row = c.query_opt(&stmt, &params).await.map_err(pg(doing))?;
        row.as_ref().map(row::instance).transpose()
    }

    /// The batch's journal entries and the orders they touch, in one statement ([`record_statement`]) — and one commit, the
    /// one the call's answer waits for.
    pub async fn record_many(&self, batch: Vec<JournalEntry>) -> DbResult<Vec<()>> {
        let doing = "journaling calls";
        let ints = |f: &dyn Fn(&JournalEntry) -> i64| batch.iter().map(f).collect::<Vec<i64>>();
        let opt = |f: &dyn Fn(&JournalEntry) -> Option<&str>| batch.iter().map(f).collect::<Vec<Option<&str>>>();
        let text = |f: &dyn Fn(&JournalEntry) -> &str| batch.iter().map(f).collect::<Vec<&str>>();
        let received = ints(&|j| j.received_ms);
        let activity = opt(&|j| j.activity.as_deref());
        let order = opt(&|j| j.order_id.as_deref());
        let line = opt(&|j| j.order_line_id.as_deref());
        let instance = opt(&|j| j.instance_id.as_deref());
        let test: Vec<bool> = batch.iter().map(|j| j.test).collect();
        let nonce = opt(&|j| j.nonce.as_deref());
        let ts = opt(&|j| j.timestamp.as_deref());
        let source = text(&|j| &j.source);
        let replica = text(&|j| &j.replica);
        let refused = opt(&|j| j.refused);
        let code = text(&|j| &j.result_code);
        let reply = text(&|j| &j.reply);
        let latency = ints(&|j| j.latency_us);
        let touches = row::merge_touches(&batch);
        let ids: Vec<&str> = touches.iter().map(|t| t.order_id.as_str()).collect();
        let lines: Vec<&str> = touches.iter().map(|t| t.order_line_id.as_str()).collect();
        let instances: Vec<Option<&str>> = touches.iter().map(|t| t.instance_id.as_deref()).collect();
        let firsts: Vec<i64> = touches.iter().map(|t| t.first_call_ms).collect();
        let provisioned: Vec<Option<i64>> = touches.iter().map(|t| t.provisioned_ms).collect();
        let c = Self::from(&self.journal, doing).await?;
        let stmt = c.prepare_cached(&record_statement()).await.map_err(pg(doing))?;
        c.execute(
            &stmt,
            &[
                &received,
                &activity,
                &order,
                &line,
                &instance,
                &test,
                &nonce,
                &ts,
                &source,
                &replica,
                &refused,
                &code,
                &reply,
                &latency,
                &ids,
                &lines,
                &instances,
                &firsts,
                &provisioned,
            ],
        )
        .await
        .map_err(pg(doing))?;
        Ok(vec![(); batch.len()])
    }

    /// The sequencer (see `db`): the counter's row locked first (sequencers commit one after another, in
    /// sequence order), then the dirty enriched orders not being written right now, numbered in order-ID order.
    async fn sequence(&self) -> DbResult<()> {
        let doing = "numbering changed orders";
        let mut c = self.client(doing).await?;
        let any: i64 = c.query_one(sql::ANY_UNSEQUENCED, &[]).await.map_err(pg(doing))?.get(0);
        if any == 0 {
            return Ok(());
        }
        let tx = c.transaction().await.map_err(pg(doing))?;
        let counter = tx.prepare_cached(&format!("{} FOR UPDATE", sql::FEED_COUNTER)).await.map_err(pg(doing))?;
        let last: i64 = tx.query_one(&counter, &[]).await.map_err(pg(doing))?.get(0);
        let pick =
            tx.prepare_cached(&format!("{} FOR UPDATE SKIP LOCKED", sql::UNSEQUENCED)).await.map_err(pg(doing))?;
        let ids: Vec<String> = tx
            .query(&pick, &[&sql::SEQUENCER_PASS])
            .await
            .map_err(pg(doing))?
            .iter()
            .map(|r| r.req_text(0, "orders.order_id"))
            .collect::<DbResult<_>>()?;
        if !ids.is_empty() {
            let number = tx
                .prepare_cached(
                    "UPDATE orders SET seq = $2::bigint + x.n, dirty = FALSE \
                     FROM UNNEST($1::text[]) WITH ORDINALITY AS x(id, n) WHERE orders.order_id = x.id",
                )
                .await
                .map_err(pg(doing))?;
            tx.execute(&number, &[&ids, &last]).await.map_err(pg(doing))?;
            let n = i64::try_from(ids.len()).unwrap_or(i64::MAX);
            tx.execute(sql::SET_FEED_COUNTER, &[&(last + n)]).await.map_err(pg(doing))?;
        }
        tx.commit().await.map_err(pg(doing))
    }

    pub async fn orders_page(&self, after: i64, limit: i64) -> DbResult<Vec<OrderRow>> {
        let doing = "reading the orders feed";
        self.sequence().await?;
        let mut c = self.client(doing).await?;
        // One snapshot for the orders and their calls.
        let tx = c
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(pg(doing))?;
        let page = tx.prepare_cached(sql::ORDERS_PAGE).await.map_err(pg(doing))?;
        let rows = tx.query(&page, &[&after, &limit]).await.map_err(pg(doing))?;
        let mut orders = rows.iter().map(row::order).collect::<DbResult<Vec<_>>>()?;
        if let Some(last) = orders.last().map(|o| o.seq) {
            let calls = tx.prepare_cached(sql::PAGE_CALLS).await.map_err(pg(doing))?;
            let rows = tx.query(&calls, &[&after, &last]).await.map_err(pg(doing))?;
            let calls = rows.iter().map(row::call).collect::<DbResult<Vec<_>>>()?;
            row::attach_calls(&mut orders, calls);
        }
        tx.commit().await.map_err(pg(doing))?;
        Ok(orders)
    }

    pub async fn claim_enrichments(&self, now_ms: i64, lease_until_ms: i64, limit: i64) -> DbResult<Vec<EnrichClaim>> {
        let doing = "taking orders to enrich";
        let c = self.client(doing).await?;
        // SKIP LOCKED: replicas enriching at once take different orders.
        let q = "UPDATE orders SET next_enrich_ms = $2 WHERE order_id IN (SELECT order_id FROM orders \
                 WHERE enriched_ms IS NULL AND next_enrich_ms <= $1 ORDER BY next_enrich_ms LIMIT $3 \
                 FOR UPDATE SKIP LOCKED) RETURNING order_id, order_line_id, enrich_attempts";
        let stmt = c.prepare_cached(q).await.map_err(pg(doing))?;
        let rows = c.query(&stmt, &[&now_ms, &lease_until_ms, &limit]).await.map_err(pg(doing))?;
        rows.iter()
            .map(|r| {
                Ok(EnrichClaim {
                    order_id: r.req_text(0, "orders.order_id")?,
                    order_line_id: r.req_text(1, "orders.order_line_id")?,
                    attempts: r.req_int(2, "orders.enrich_attempts")?,
                })
            })
            .collect()
    }

    pub async fn save_enrichment(&self, order_id: &str, x: &Enriched, now_ms: i64) -> DbResult<()> {
        let doing = "storing an order's details";
        let c = self.client(doing).await?;
        let save = c.prepare_cached(sql::SAVE_ENRICHMENT).await.map_err(pg(doing))?;
        c.execute(
            &save,
            &[
                &order_id,
                &now_ms,
                &x.order_type,
                &x.created_at,
                &x.charging_mode,
                &x.period_type,
                &x.period_number,
                &x.product_id,
                &x.sku_code,
                &x.product_name,
                &x.amount,
                &x.buyer_id,
                &x.buyer_name,
                &x.buyer_kind,
                &x.order_line_id,
            ],
        )
        .await
        .map(|_| ())
        .map_err(pg(doing))
    }

    pub async fn enrichment_failed(&self, order_id: &str, error: &str, next_ms: i64) -> DbResult<()> {
        let doing = "recording a failed enrichment";
        let c = self.client(doing).await?;
        let stmt = c.prepare_cached(sql::ENRICHMENT_FAILED).await.map_err(pg(doing))?;
        c.execute(&stmt, &[&order_id, &error, &next_ms]).await.map(|_| ()).map_err(pg(doing))
    }

    pub async fn health(&self, since_ms: i64) -> DbResult<HealthCounts> {
        let doing = "counting the interface's health";
        let c = self.client(doing).await?;
        let one = |r: tokio_postgres::Row| -> i64 { r.get(0) };
        let calls = one(c.query_one(sql::HEALTH_CALLS, &[&since_ms]).await.map_err(pg(doing))?);
        let failed_orders = one(c.query_one(sql::HEALTH_FAILED_ORDERS, &[&since_ms]).await.map_err(pg(doing))?);
        let enrichment_backlog = one(c.query_one(sql::BACKLOG, &[]).await.map_err(pg(doing))?);
        let refused = c
            .query(sql::HEALTH_REFUSED, &[&since_ms])
            .await
            .map_err(pg(doing))?
            .iter()
            .map(|r| Ok((r.req_text(0, "journal.refused")?, r.req_int(1, "count")?)))
            .collect::<DbResult<Vec<_>>>()?;
        let failed_by_product = c
            .query(sql::HEALTH_FAILED_BY_PRODUCT, &[&since_ms])
            .await
            .map_err(pg(doing))?
            .iter()
            .map(|r| Ok((r.text(0)?, r.req_int(1, "count")?)))
            .collect::<DbResult<Vec<_>>>()?;
        let (slow_us, timeout_us) = row::reply_thresholds_us();
        let replies = c.query_one(sql::HEALTH_REPLIES, &[&since_ms, &slow_us, &timeout_us]).await.map_err(pg(doing))?;
        let (slow, timed_out) = (replies.req_int(0, "slow replies")?, replies.req_int(1, "timed-out replies")?);
        let slowest_us = replies.int(2)?;
        let last_test_call = c
            .query_opt(sql::HEALTH_LAST_TEST, &[])
            .await
            .map_err(pg(doing))?
            .map(|r| {
                Ok::<_, DbError>((
                    r.req_int(0, "journal.received_ms")?,
                    r.req_text(1, "journal.activity")?,
                    r.req_text(2, "journal.result_code")?,
                ))
            })
            .transpose()?;
        Ok(HealthCounts {
            calls,
            failed_orders,
            failed_by_product,
            slow,
            timed_out,
            slowest_us,
            refused,
            last_test_call,
            enrichment_backlog,
        })
    }

    pub async fn backlog(&self) -> DbResult<i64> {
        let doing = "counting orders awaiting their details";
        let c = self.client(doing).await?;
        Ok(c.query_one(sql::BACKLOG, &[]).await.map_err(pg(doing))?.get(0))
    }

    pub async fn pending_orders(&self, limit: i64) -> DbResult<Vec<PendingOrder>> {
        let doing = "listing orders awaiting their details";
        let c = self.client(doing).await?;
        let rows = c.query(sql::PENDING_ORDERS, &[&limit]).await.map_err(pg(doing))?;
        rows.iter().map(row::pending).collect()
    }

    pub async fn journal(&self, after: i64, limit: i64) -> DbResult<Vec<JournalRow>> {
        let doing = "reading the journal";
        let c = self.client(doing).await?;
        let rows = c.query(sql::JOURNAL, &[&after, &limit]).await.map_err(pg(doing))?;
        rows.iter().map(row::journal).collect()
    }

    pub async fn get_record(&self, kind: &str, id: &str) -> DbResult<Option<String>> {
        let doing = "reading a record";
        let c = self.client(doing).await?;
        let row = c.query_opt(sql::GET_RECORD, &[&kind, &id]).await.map_err(pg(doing))?;
        Ok(row.map(|r| r.get(0)))
    }

    pub async fn put_record(&self, r: NewRecord) -> DbResult<(i64, bool)> {
        let doing = "storing a record";
        let mut c = self.client(doing).await?;
        let tx = c.transaction().await.map_err(pg(doing))?;
        if let Some(seen) = tx.query_opt(sql::RECORD_ACTION, &[&r.action_id]).await.map_err(pg(doing))? {
            return Ok((seen.get(0), true));
        }
        // The counter's row stays locked until commit: records of a kind commit in sequence order.
        let seq: i64 = tx.query_one(sql::NEXT_RECORD_SEQ, &[&r.kind]).await.map_err(pg(doing))?.get(0);
        tx.execute(sql::PUT_RECORD, &[&r.kind, &r.id, &r.body, &r.recorded_by, &r.now_ms, &seq])
            .await
            .map_err(pg(doing))?;
        tx.execute(sql::PUT_RECORD_ACTION, &[&r.action_id, &r.kind, &r.id, &seq]).await.map_err(pg(doing))?;
        tx.commit().await.map_err(pg(doing))?;
        Ok((seq, false))
    }

    pub async fn records_page(&self, kind: &str, after: i64, limit: i64) -> DbResult<Vec<(String, i64)>> {
        let doing = "reading records";
        let c = self.client(doing).await?;
        let rows = c.query(sql::RECORDS_PAGE, &[&kind, &after, &limit]).await.map_err(pg(doing))?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub async fn prune(&self, now_ms: i64, journal_before_ms: i64) -> DbResult<(u64, u64)> {
        let doing = "pruning";
        let c = self.client(doing).await?;
        let n = c.execute(sql::PRUNE_NONCES, &[&now_ms]).await.map_err(pg(doing))?;
        let j = c.execute(sql::PRUNE_JOURNAL, &[&journal_before_ms]).await.map_err(pg(doing))?;
        Ok((n, j))
    }
}
