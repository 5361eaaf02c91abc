//! The SQLite engine: one replica, one file, one connection — the store's one writer — used off the async
//! workers (`spawn_blocking`). WAL journal with synchronous=FULL: a committed call survives a SIGKILL and a crash.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::row::{self, Columns};
use super::sql::{self, for_sqlite};
use super::{schema, DbError, DbResult, NewRecord};
use super::{
    Claimed, EnrichClaim, Enriched, Got, HealthCounts, InstanceChange, InstanceRow, JournalEntry, JournalRow, OrderRow,
    PendingOrder, Step, Then,
};

/// Runs `f` with `synchronous=NORMAL`: for the writes a call makes before its journal entry (its nonce,
/// newInstance's upsert) — atomic and safe from a SIGKILL, not yet fsynced. The call's journal commit (FULL) comes
/// later in the same WAL and syncs it before the call is answered: one fsync a call, not three.
fn relaxed<T>(conn: &mut Connection, f: impl FnOnce(&mut Connection) -> DbResult<T>) -> DbResult<T> {
    let e = err("setting synchronous");
    conn.pragma_update(None, "synchronous", "NORMAL").map_err(&e)?;
    let result = f(conn);
    let restored = conn.pragma_update(None, "synchronous", "FULL").map_err(&e);
    let value = result?;
    restored?;
    Ok(value)
}

#[derive(Clone)]
pub struct SqliteDb {
    conn: Arc<Mutex<Connection>>,
}

fn err(doing: &'static str) -> impl Fn(rusqlite::Error) -> DbError {
    move |e| DbError { engine: "sqlite", doing, detail: e.to_string() }
}

impl Columns for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> DbResult<Option<String>> {
        self.get(i).map_err(err("reading a column"))
    }
    fn int(&self, i: usize) -> DbResult<Option<i64>> {
        self.get(i).map_err(err("reading a column"))
    }
    fn flag(&self, i: usize) -> DbResult<bool> {
        self.get(i).map_err(err("reading a column"))
    }
}

impl SqliteDb {
    pub async fn open(path: &Path) -> DbResult<SqliteDb> {
        let path = path.to_path_buf();
        let conn = tokio::task::spawn_blocking(move || -> DbResult<Connection> {
            let open = |e: rusqlite::Error| DbError {
                engine: "sqlite",
                doing: "opening the database",
                detail: format!("{}: {e}", path.display()),
            };
            let conn = Connection::open(&path).map_err(open)?;
            conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(open)?;
            conn.pragma_update(None, "journal_mode", "WAL").map_err(open)?;
            // FULL: a commit is on disk before the call it records is answered (group commit shares the fsync).
            conn.pragma_update(None, "synchronous", "FULL").map_err(open)?;
            conn.pragma_update(None, "foreign_keys", "ON").map_err(open)?;
            Ok(conn)
        })
        .await
        .map_err(|e| DbError { engine: "sqlite", doing: "opening the database", detail: e.to_string() })??;
        Ok(SqliteDb { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn run<T: Send + 'static>(
        &self,
        doing: &'static str,
        f: impl FnOnce(&mut Connection) -> DbResult<T> + Send + 'static,
    ) -> DbResult<T> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| DbError {
                engine: "sqlite",
                doing,
                detail: "an earlier statement panicked".into(),
            })?;
            f(&mut guard).map_err(|mut e| {
                e.engine = "sqlite";
                if e.doing.is_empty() {
                    e.doing = doing;
                }
                e
            })
        })
        .await
        .map_err(|e| DbError { engine: "sqlite", doing, detail: e.to_string() })?
    }

    pub async fn migrate(&self) -> DbResult<()> {
        self.run("migrating the schema", |conn| {
            let e = err("migrating the schema");
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
            tx.execute_batch(schema::VERSION_TABLE).map_err(&e)?;
            let current: i64 =
                tx.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0)).map_err(&e)?;
            if current > schema::LATEST {
                return Err(DbError {
                    engine: "sqlite",
                    doing: "migrating the schema",
                    detail: schema::newer(current),
                });
            }
            for v in current + 1..=schema::LATEST {
                let Some(stmts) = schema::migration(v, "INTEGER PRIMARY KEY AUTOINCREMENT") else { break };
                tx.execute_batch(&stmts).map_err(&e)?;
                tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [v]).map_err(&e)?;
            }
            tx.commit().map_err(&e)
        })
        .await
    }

    pub async fn schema_version(&self) -> DbResult<i64> {
        self.run("reading the schema version", |conn| {
            conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| r.get(0))
                .map_err(err("reading the schema version"))
        })
        .await
    }

    pub async fn ping(&self) -> DbResult<()> {
        self.run("checking the database answers", |conn| {
            conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ()).map_err(err("ping"))
        })
        .await
    }

    /// The batch in one transaction, in arrival order: each nonce claimed (a nonce twice in one batch is fresh
    /// the first time only), and only for a fresh one, the instances read or the upsert made. Committed with
    /// `synchronous=NORMAL` (see [`relaxed`]).
    pub async fn steps(&self, batch: Vec<Step>) -> DbResult<Vec<Claimed>> {
        self.run("recording nonces and instances", move |conn| {
            relaxed(conn, move |conn| {
                let e = err("recording nonces and instances");
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
                let mut out = Vec::with_capacity(batch.len());
                {
                    let mut claim = tx.prepare_cached(&for_sqlite(sql::CLAIM_NONCE)).map_err(&e)?;
                    let mut upsert = tx.prepare_cached(&for_sqlite(sql::UPSERT_INSTANCE)).map_err(&e)?;
                    for step in &batch {
                        if let Some((nonce, expires_ms)) = &step.nonce {
                            if claim.execute(params![nonce, expires_ms]).map_err(&e)? != 1 {
                                out.push(Claimed::Replayed);
                                continue;
                            }
                        }
                        let got = match &step.then {
                            Then::Nothing => Got::Nothing,
                            Then::Read(ids) => Got::Instances(read_instances(&tx, ids)?),
                            Then::Upsert(n) => {
                                let app = n.app.clone().unwrap_or_default();
                                let mut rows = upsert
                                    .query(params![
                                        n.instance_id,
                                        n.order_id,
                                        n.order_line_id,
                                        n.test,
                                        n.state.as_str(),
                                        n.app.as_ref().map(|a| a.front_end_url.clone()),
                                        app.admin_url,
                                        app.user_name,
                                        app.password,
                                        app.memo,
                                        n.now_ms
                                    ])
                                    .map_err(&e)?;
                                let r = rows.next().map_err(&e)?.ok_or_else(|| DbError {
                                    engine: "sqlite",
                                    doing: "storing instances",
                                    detail: "the upsert returned no row".into(),
                                })?;
                                let row = row::instance(r)?;
                                let created = row.instance_id == n.instance_id;
                                Got::Upserted { row: Box::new(row), created }
                            }
                        };
                        out.push(Claimed::Fresh(got));
                    }
                }
                tx.commit().map_err(&e)?;
                Ok(out)
            })
        })
        .await
    }

    pub async fn instances(&self, ids: &[String]) -> DbResult<Vec<InstanceRow>> {
        let ids = ids.to_vec();
        self.run("reading instances", move |conn| read_instances(conn, &ids)).await
    }

    pub async fn update_instance(
        &self,
        id: &str,
        change: &InstanceChange,
        now_ms: i64,
    ) -> DbResult<Option<InstanceRow>> {
        let id = id.to_string();
        let change = change.clone();
        self.run("changing an instance", move |conn| {
            let e = err("changing an instance");
            let read = |q: String, p: &[&dyn rusqlite::ToSql]| -> DbResult<Option<InstanceRow>> {
                let mut stmt = conn.prepare_cached(&for_sqlite(&q)).map_err(&e)?;
                let mut rows = stmt.query(p).map_err(&e)?;
                match rows.next().map_err(&e)? {
                    Some(r) => row::instance(r).map(Some),
                    None => Ok(None),
                }
            };
            match &change {
                InstanceChange::Move { to, from, stale_before_ms } => {
                    let from = InstanceChange::from_list(from);
                    read(sql::set_state(), &[&id, &to.as_str(), &now_ms, &from, stale_before_ms])
                }
                InstanceChange::Expire(t) => read(sql::set_expiry(), &[&id, t, &now_ms]),
                InstanceChange::Ready(a) => read(
                    sql::set_ready(),
                    &[&id, &a.front_end_url, &a.admin_url, &a.user_name, &a.password, &a.memo, &now_ms],
                ),
            }
        })
        .await
    }

    pub async fn record_many(&self, batch: Vec<JournalEntry>) -> DbResult<Vec<()>> {
        self.run("journaling calls", move |conn| {
            let e = err("journaling calls");
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
            {
                let mut insert = tx.prepare_cached(&for_sqlite(sql::INSERT_JOURNAL)).map_err(&e)?;
                for j in &batch {
                    insert
                        .execute(params![
                            j.received_ms,
                            j.activity,
                            j.order_id,
                            j.order_line_id,
                            j.instance_id,
                            j.test,
                            j.nonce,
                            j.timestamp,
                            j.source,
                            j.replica,
                            j.refused,
                            j.result_code,
                            j.reply,
                            j.latency_us
                        ])
                        .map_err(&e)?;
                }
            }
            let touches = row::merge_touches(&batch);
            if !touches.is_empty() {
                let touch_sql = for_sqlite(&format!("{}{}", sql::TOUCH_ORDER, sql::TOUCH_ORDER_SET));
                let mut touch = tx.prepare_cached(&touch_sql).map_err(&e)?;
                for t in &touches {
                    touch
                        .execute(params![t.order_id, t.order_line_id, t.instance_id, t.first_call_ms, t.provisioned_ms])
                        .map_err(&e)?;
                }
            }
            tx.commit().map_err(&e)?;
            Ok(vec![(); batch.len()])
        })
        .await
    }

    pub async fn orders_page(&self, after: i64, limit: i64) -> DbResult<Vec<OrderRow>> {
        self.run("reading the orders feed", move |conn| {
            let e = err("reading the orders feed");
            sequence(conn)?;
            let tx = conn.transaction().map_err(&e)?;
            let mut orders = Vec::new();
            {
                let mut stmt = tx.prepare_cached(&for_sqlite(sql::ORDERS_PAGE)).map_err(&e)?;
                let mut rows = stmt.query(params![after, limit]).map_err(&e)?;
                while let Some(r) = rows.next().map_err(&e)? {
                    orders.push(row::order(r)?);
                }
            }
            if let Some(last) = orders.last().map(|o| o.seq) {
                let mut stmt = tx.prepare_cached(&for_sqlite(sql::PAGE_CALLS)).map_err(&e)?;
                let mut rows = stmt.query(params![after, last]).map_err(&e)?;
                let mut calls = Vec::new();
                while let Some(r) = rows.next().map_err(&e)? {
                    calls.push(row::call(r)?);
                }
                row::attach_calls(&mut orders, calls);
            }
            Ok(orders)
        })
        .await
    }

    pub async fn claim_enrichments(&self, now_ms: i64, lease_until_ms: i64, limit: i64) -> DbResult<Vec<EnrichClaim>> {
        self.run("taking orders to enrich", move |conn| {
            let e = err("taking orders to enrich");
            let q = "UPDATE orders SET next_enrich_ms = ?2 WHERE order_id IN (SELECT order_id FROM orders \
                     WHERE enriched_ms IS NULL AND next_enrich_ms <= ?1 ORDER BY next_enrich_ms LIMIT ?3) \
                     RETURNING order_id, order_line_id, enrich_attempts";
            let mut stmt = conn.prepare_cached(q).map_err(&e)?;
            let mut rows = stmt.query(params![now_ms, lease_until_ms, limit]).map_err(&e)?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(&e)? {
                out.push(EnrichClaim {
                    order_id: r.req_text(0, "orders.order_id")?,
                    order_line_id: r.req_text(1, "orders.order_line_id")?,
                    attempts: r.req_int(2, "orders.enrich_attempts")?,
                });
            }
            Ok(out)
        })
        .await
    }

    pub async fn save_enrichment(&self, order_id: &str, en: &Enriched, now_ms: i64) -> DbResult<()> {
        let id = order_id.to_string();
        let x = en.clone();
        self.run("storing an order's details", move |conn| {
            let e = err("storing an order's details");
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
            tx.prepare_cached(&for_sqlite(sql::SAVE_ENRICHMENT))
                .and_then(|mut s| {
                    s.execute(params![
                        id,
                        now_ms,
                        x.order_type,
                        x.created_at,
                        x.charging_mode,
                        x.period_type,
                        x.period_number,
                        x.product_id,
                        x.sku_code,
                        x.product_name,
                        x.amount,
                        x.buyer_id,
                        x.buyer_name,
                        x.buyer_kind,
                        x.order_line_id
                    ])
                })
                .map_err(&e)?;
            tx.commit().map_err(&e)
        })
        .await
    }

    pub async fn enrichment_failed(&self, order_id: &str, error: &str, next_ms: i64) -> DbResult<()> {
        let (id, error) = (order_id.to_string(), error.to_string());
        self.run("recording a failed enrichment", move |conn| {
            conn.prepare_cached(&for_sqlite(sql::ENRICHMENT_FAILED))
                .and_then(|mut s| s.execute(params![id, error, next_ms]))
                .map(|_| ())
                .map_err(err("recording a failed enrichment"))
        })
        .await
    }

    pub async fn health(&self, since_ms: i64) -> DbResult<HealthCounts> {
        self.run("counting the interface's health", move |conn| {
            let e = err("counting the interface's health");
            let tx = conn.transaction().map_err(&e)?;
            let count = |q: &str, p: &[&dyn rusqlite::ToSql]| -> DbResult<i64> {
                tx.query_row(&for_sqlite(q), p, |r| r.get(0)).map_err(&e)
            };
            let calls = count(sql::HEALTH_CALLS, &[&since_ms])?;
            let failed_orders = count(sql::HEALTH_FAILED_ORDERS, &[&since_ms])?;
            let enrichment_backlog = count(sql::BACKLOG, &[])?;
            let mut refused = Vec::new();
            {
                let mut stmt = tx.prepare_cached(&for_sqlite(sql::HEALTH_REFUSED)).map_err(&e)?;
                let mut rows = stmt.query(params![since_ms]).map_err(&e)?;
                while let Some(r) = rows.next().map_err(&e)? {
                    refused.push((r.req_text(0, "journal.refused")?, r.req_int(1, "count")?));
                }
            }
            let mut failed_by_product = Vec::new();
            {
                let mut stmt = tx.prepare_cached(&for_sqlite(sql::HEALTH_FAILED_BY_PRODUCT)).map_err(&e)?;
                let mut rows = stmt.query(params![since_ms]).map_err(&e)?;
                while let Some(r) = rows.next().map_err(&e)? {
                    failed_by_product.push((r.text(0)?, r.req_int(1, "count")?));
                }
            }
            let (slow_us, timeout_us) = row::reply_thresholds_us();
            let (slow, timed_out, slowest_us) = tx
                .query_row(&for_sqlite(sql::HEALTH_REPLIES), params![since_ms, slow_us, timeout_us], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .map_err(&e)?;
            let last_test_call = tx
                .query_row(sql::HEALTH_LAST_TEST, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()
                .map_err(&e)?;
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
        })
        .await
    }

    pub async fn backlog(&self) -> DbResult<i64> {
        self.run("counting orders awaiting their details", |conn| {
            conn.query_row(sql::BACKLOG, [], |r| r.get(0)).map_err(err("counting orders awaiting their details"))
        })
        .await
    }

    pub async fn pending_orders(&self, limit: i64) -> DbResult<Vec<PendingOrder>> {
        self.run("listing orders awaiting their details", move |conn| {
            let e = err("listing orders awaiting their details");
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::PENDING_ORDERS)).map_err(&e)?;
            let mut rows = stmt.query(params![limit]).map_err(&e)?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(&e)? {
                out.push(row::pending(r)?);
            }
            Ok(out)
        })
        .await
    }

    pub async fn journal(&self, after: i64, limit: i64) -> DbResult<Vec<JournalRow>> {
        self.run("reading the journal", move |conn| {
            let e = err("reading the journal");
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::JOURNAL)).map_err(&e)?;
            let mut rows = stmt.query(params![after, limit]).map_err(&e)?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(&e)? {
                out.push(row::journal(r)?);
            }
            Ok(out)
        })
        .await
    }

    pub async fn get_record(&self, kind: &str, id: &str) -> DbResult<Option<String>> {
        let (kind, id) = (kind.to_string(), id.to_string());
        self.run("reading a record", move |conn| {
            conn.query_row(&for_sqlite(sql::GET_RECORD), params![kind, id], |r| r.get(0))
                .optional()
                .map_err(err("reading a record"))
        })
        .await
    }

    pub async fn put_record(&self, r: NewRecord) -> DbResult<(i64, bool)> {
        self.run("storing a record", move |conn| {
            let e = err("storing a record");
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
            let seen: Option<i64> = tx
                .query_row(&for_sqlite(sql::RECORD_ACTION), params![r.action_id], |x| x.get(0))
                .optional()
                .map_err(&e)?;
            if let Some(seq) = seen {
                return Ok((seq, true));
            }
            let seq: i64 =
                tx.query_row(&for_sqlite(sql::NEXT_RECORD_SEQ), params![r.kind], |x| x.get(0)).map_err(&e)?;
            tx.execute(&for_sqlite(sql::PUT_RECORD), params![r.kind, r.id, r.body, r.recorded_by, r.now_ms, seq])
                .map_err(&e)?;
            tx.execute(&for_sqlite(sql::PUT_RECORD_ACTION), params![r.action_id, r.kind, r.id, seq]).map_err(&e)?;
            tx.commit().map_err(&e)?;
            Ok((seq, false))
        })
        .await
    }

    pub async fn records_page(&self, kind: &str, after: i64, limit: i64) -> DbResult<Vec<(String, i64)>> {
        let kind = kind.to_string();
        self.run("reading records", move |conn| {
            let e = err("reading records");
            let mut stmt = conn.prepare_cached(&for_sqlite(sql::RECORDS_PAGE)).map_err(&e)?;
            let rows = stmt.query_map(params![kind, after, limit], |r| Ok((r.get(0)?, r.get(1)?))).map_err(&e)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(&e)
        })
        .await
    }

    pub async fn prune(&self, now_ms: i64, journal_before_ms: i64) -> DbResult<(u64, u64)> {
        self.run("pruning", move |conn| {
            let e = err("pruning");
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
            let n = tx.execute(&for_sqlite(sql::PRUNE_NONCES), [now_ms]).map_err(&e)?;
            let j = tx.execute(&for_sqlite(sql::PRUNE_JOURNAL), [journal_before_ms]).map_err(&e)?;
            tx.commit().map_err(&e)?;
            Ok((n as u64, j as u64))
        })
        .await
    }
}

/// The instances among `ids` that exist.
fn read_instances(conn: &Connection, ids: &[String]) -> DbResult<Vec<InstanceRow>> {
    let e = err("reading instances");
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("?{i}")).collect();
    let q = format!("SELECT {} FROM instances WHERE instance_id IN ({})", row::INSTANCE_COLUMNS, marks.join(", "));
    let mut stmt = conn.prepare_cached(&q).map_err(&e)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(ids.iter())).map_err(&e)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(&e)? {
        out.push(row::instance(r)?);
    }
    Ok(out)
}

/// The sequencer (see `db`): numbers the dirty enriched orders from the counter, in one write transaction (SQLite
/// has one writer at a time, so sequencers commit in sequence order).
fn sequence(conn: &mut Connection) -> DbResult<()> {
    let e = err("numbering changed orders");
    let any: i64 = conn.query_row(sql::ANY_UNSEQUENCED, [], |r| r.get(0)).map_err(&e)?;
    if any == 0 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&e)?;
    let last: i64 = tx.query_row(sql::FEED_COUNTER, [], |r| r.get(0)).map_err(&e)?;
    let ids: Vec<String> = {
        let mut stmt = tx.prepare_cached(&for_sqlite(sql::UNSEQUENCED)).map_err(&e)?;
        let rows = stmt.query_map([sql::SEQUENCER_PASS], |r| r.get(0)).map_err(&e)?;
        rows.collect::<Result<_, _>>().map_err(&e)?
    };
    {
        let mut number =
            tx.prepare_cached("UPDATE orders SET seq = ?1, dirty = FALSE WHERE order_id = ?2").map_err(&e)?;
        for (i, id) in ids.iter().enumerate() {
            number.execute(params![last + 1 + i as i64, id]).map_err(&e)?;
        }
    }
    tx.execute(&for_sqlite(sql::SET_FEED_COUNTER), [last + ids.len() as i64]).map_err(&e)?;
    tx.commit().map_err(&e)
}
