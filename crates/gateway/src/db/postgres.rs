//! The PostgreSQL engine: several replicas share one database through a `deadpool-postgres` pool. TLS to the
//! server follows the URL's `sslmode` (RDS for PostgreSQL: `sslmode=require`).

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;

use super::row::{self, Columns};
use super::sql;
use super::{schema, DbError, DbResult};
use super::{
    EnrichClaim, Enriched, HealthCounts, InstanceChange, InstanceRow, JournalEntry, JournalRow, NewInstance, OrderRow,
    PendingOrder,
};

/// For the writes a call makes before its journal entry (its nonce, newInstance's upsert): committed and visible
/// to every replica at once, without waiting for the WAL flush. The call's journal commit, which is synchronous and
/// comes later in the WAL, flushes them before the call is answered, so nothing is acknowledged that a crash
/// could lose — and a call pays one flush, not three.
const RELAXED: &str = "SET LOCAL synchronous_commit TO OFF";

#[derive(Clone)]
pub struct PgDb {
    pool: Pool,
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
        let tls = native_tls::TlsConnector::new().map_err(err("setting up TLS to the database"))?;
        let tls = postgres_native_tls::MakeTlsConnector::new(tls);
        let manager = Manager::from_config(config, tls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        // Bounded waits, inside KooGallery's 5 s: a database that does not answer fails the call (000005) in time.
        let timeouts = deadpool_postgres::Timeouts {
            wait: Some(std::time::Duration::from_secs(2)),
            create: Some(std::time::Duration::from_secs(2)),
            recycle: Some(std::time::Duration::from_secs(1)),
        };
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .timeouts(timeouts)
            .build()
            .map_err(err("building the connection pool"))?;
        let db = PgDb { pool };
        db.ping().await?;
        Ok(db)
    }

    async fn client(&self, doing: &'static str) -> DbResult<deadpool_postgres::Object> {
        self.pool.get().await.map_err(|e| match e {
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

    /// One statement for the batch; a nonce twice in one batch is fresh the first time only. Committed without
    /// waiting for the WAL flush (see [`RELAXED`]).
    pub async fn claim_nonces(&self, batch: Vec<(String, i64)>) -> DbResult<Vec<bool>> {
        let doing = "recording nonces";
        let mut c = self.client(doing).await?;
        let c = c.transaction().await.map_err(pg(doing))?;
        c.batch_execute(RELAXED).await.map_err(pg(doing))?;
        let stmt = c
            .prepare_cached(
                "INSERT INTO nonces (nonce, expires_ms) SELECT * FROM UNNEST($1::text[], $2::bigint[]) \
                 ON CONFLICT (nonce) DO NOTHING RETURNING nonce",
            )
            .await
            .map_err(pg(doing))?;
        let (nonces, expiries): (Vec<String>, Vec<i64>) = batch.into_iter().unzip();
        let rows = c.query(&stmt, &[&nonces, &expiries]).await.map_err(pg(doing))?;
        c.commit().await.map_err(pg(doing))?;
        let mut inserted: std::collections::HashSet<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
        Ok(nonces.iter().map(|n| inserted.remove(n)).collect())
    }

    /// One upsert for the distinct order lines of the batch, in key order (so two replicas lock rows in the same
    /// order); every request gets the row that won for its line.
    pub async fn upsert_instances(&self, batch: Vec<NewInstance>) -> DbResult<Vec<InstanceRow>> {
        let doing = "storing instances";
        let mut distinct: Vec<&NewInstance> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for n in &batch {
            if seen.insert((n.order_id.as_str(), n.order_line_id.as_str())) {
                distinct.push(n);
            }
        }
        distinct.sort_by(|a, b| (&a.order_id, &a.order_line_id).cmp(&(&b.order_id, &b.order_line_id)));
        let col = |f: &dyn Fn(&NewInstance) -> Option<String>| distinct.iter().map(|n| f(n)).collect::<Vec<_>>();
        let ids: Vec<String> = distinct.iter().map(|n| n.instance_id.clone()).collect();
        let orders: Vec<String> = distinct.iter().map(|n| n.order_id.clone()).collect();
        let lines: Vec<String> = distinct.iter().map(|n| n.order_line_id.clone()).collect();
        let tests: Vec<bool> = distinct.iter().map(|n| n.test).collect();
        let states: Vec<String> = distinct.iter().map(|n| n.state.as_str().to_string()).collect();
        let fronts = col(&|n| n.app.as_ref().map(|a| a.front_end_url.clone()));
        let admins = col(&|n| n.app.as_ref().and_then(|a| a.admin_url.clone()));
        let users = col(&|n| n.app.as_ref().and_then(|a| a.user_name.clone()));
        let passwords = col(&|n| n.app.as_ref().and_then(|a| a.password.clone()));
        let memos = col(&|n| n.app.as_ref().and_then(|a| a.memo.clone()));
        let nows: Vec<i64> = distinct.iter().map(|n| n.now_ms).collect();
        let mut c = self.client(doing).await?;
        let c = c.transaction().await.map_err(pg(doing))?;
        c.batch_execute(RELAXED).await.map_err(pg(doing))?;
        let stmt = c
            .prepare_cached(
                "INSERT INTO instances (instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, \
                 user_name, password, memo, created_ms, updated_ms) \
                 SELECT i, o, l, t, s, f, a, u, p, m, n, n FROM UNNEST($1::text[], $2::text[], $3::text[], \
                 $4::bool[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[]) \
                 AS x(i, o, l, t, s, f, a, u, p, m, n) \
                 ON CONFLICT (order_id, order_line_id) DO UPDATE SET updated_ms = instances.updated_ms \
                 RETURNING instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, user_name, \
                 password, memo, expire_time",
            )
            .await
            .map_err(pg(doing))?;
        let rows = c
            .query(
                &stmt,
                &[&ids, &orders, &lines, &tests, &states, &fronts, &admins, &users, &passwords, &memos, &nows],
            )
            .await
            .map_err(pg(doing))?;
        let won: Vec<InstanceRow> = rows.iter().map(row::instance).collect::<DbResult<_>>()?;
        c.commit().await.map_err(pg(doing))?;
        batch
            .iter()
            .map(|n| {
                won.iter().find(|r| r.order_id == n.order_id && r.order_line_id == n.order_line_id).cloned().ok_or_else(
                    || DbError {
                        engine: "postgres",
                        doing,
                        detail: "the upsert returned no row for an order line".into(),
                    },
                )
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

    /// The batch's journal entries in one statement, then the orders they touch: the counter advanced once for
    /// the batch (its row lock orders the commits), one upsert in order-ID order.
    pub async fn record_many(&self, batch: Vec<JournalEntry>) -> DbResult<Vec<()>> {
        let doing = "journaling calls";
        let mut c = self.client(doing).await?;
        let tx = c.transaction().await.map_err(pg(doing))?;
        let insert = tx
            .prepare_cached(
                "INSERT INTO journal (received_ms, activity, order_id, order_line_id, instance_id, test, nonce, \
                 timestamp_param, source, replica, refused, result_code, reply, latency_us) \
                 SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], \
                 $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[])",
            )
            .await
            .map_err(pg(doing))?;
        let ints = |f: &dyn Fn(&JournalEntry) -> i64| batch.iter().map(f).collect::<Vec<i64>>();
        let opt = |f: &dyn Fn(&JournalEntry) -> Option<String>| batch.iter().map(f).collect::<Vec<Option<String>>>();
        let text = |f: &dyn Fn(&JournalEntry) -> String| batch.iter().map(f).collect::<Vec<String>>();
        let received = ints(&|j| j.received_ms);
        let activity = opt(&|j| j.activity.clone());
        let order = opt(&|j| j.order_id.clone());
        let line = opt(&|j| j.order_line_id.clone());
        let instance = opt(&|j| j.instance_id.clone());
        let test: Vec<bool> = batch.iter().map(|j| j.test).collect();
        let nonce = opt(&|j| j.nonce.clone());
        let ts = opt(&|j| j.timestamp.clone());
        let source = text(&|j| j.source.clone());
        let replica = text(&|j| j.replica.clone());
        let refused = opt(&|j| j.refused.map(str::to_string));
        let code = text(&|j| j.result_code.clone());
        let reply = text(&|j| j.reply.clone());
        let latency = ints(&|j| j.latency_us);
        tx.execute(
            &insert,
            &[
                &received, &activity, &order, &line, &instance, &test, &nonce, &ts, &source, &replica, &refused, &code,
                &reply, &latency,
            ],
        )
        .await
        .map_err(pg(doing))?;
        let touches = row::merge_touches(&batch);
        if !touches.is_empty() {
            let n = touches.len() as i64;
            let advance = tx.prepare_cached(sql::ADVANCE_ORDER_SEQ).await.map_err(pg(doing))?;
            let last: i64 = tx.query_one(&advance, &[&n]).await.map_err(pg(doing))?.get(0);
            let touch = tx
                .prepare_cached(
                    "INSERT INTO orders (order_id, order_line_id, instance_id, first_call_ms, provisioned_ms, \
                     next_enrich_ms, seq) SELECT o, l, i, f, p, f, s FROM UNNEST($1::text[], $2::text[], $3::text[], \
                     $4::bigint[], $5::bigint[], $6::bigint[]) AS x(o, l, i, f, p, s) \
                     ON CONFLICT (order_id) DO UPDATE SET instance_id = COALESCE(orders.instance_id, excluded.instance_id), \
                     provisioned_ms = COALESCE(orders.provisioned_ms, excluded.provisioned_ms), seq = excluded.seq, \
                     order_line_id = CASE WHEN orders.order_line_id = '' THEN excluded.order_line_id \
                     ELSE orders.order_line_id END",
                )
                .await
                .map_err(pg(doing))?;
            let ids: Vec<String> = touches.iter().map(|t| t.order_id.clone()).collect();
            let lines: Vec<String> = touches.iter().map(|t| t.order_line_id.clone()).collect();
            let instances: Vec<Option<String>> = touches.iter().map(|t| t.instance_id.clone()).collect();
            let firsts: Vec<i64> = touches.iter().map(|t| t.first_call_ms).collect();
            let provisioned: Vec<Option<i64>> = touches.iter().map(|t| t.provisioned_ms).collect();
            let seqs: Vec<i64> = (0..n).map(|i| last - n + 1 + i).collect();
            tx.execute(&touch, &[&ids, &lines, &instances, &firsts, &provisioned, &seqs]).await.map_err(pg(doing))?;
        }
        tx.commit().await.map_err(pg(doing))?;
        Ok(vec![(); batch.len()])
    }

    pub async fn orders_page(&self, after: i64, limit: i64) -> DbResult<Vec<OrderRow>> {
        let doing = "reading the orders feed";
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
        let mut c = self.client(doing).await?;
        let tx = c.transaction().await.map_err(pg(doing))?;
        let next = tx.prepare_cached(sql::NEXT_ORDER_SEQ).await.map_err(pg(doing))?;
        let seq: i64 = tx.query_one(&next, &[]).await.map_err(pg(doing))?.get(0);
        let save = tx.prepare_cached(sql::SAVE_ENRICHMENT).await.map_err(pg(doing))?;
        tx.execute(
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
                &seq,
                &x.order_line_id,
            ],
        )
        .await
        .map_err(pg(doing))?;
        tx.commit().await.map_err(pg(doing))
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
        Ok(HealthCounts { calls, failed_orders, refused, last_test_call, enrichment_backlog })
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

    pub async fn prune(&self, now_ms: i64, journal_before_ms: i64) -> DbResult<(u64, u64)> {
        let doing = "pruning";
        let c = self.client(doing).await?;
        let n = c.execute(sql::PRUNE_NONCES, &[&now_ms]).await.map_err(pg(doing))?;
        let j = c.execute(sql::PRUNE_JOURNAL, &[&journal_before_ms]).await.map_err(pg(doing))?;
        Ok((n, j))
    }
}
