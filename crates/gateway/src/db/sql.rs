//! Statements shared by both engines, with PostgreSQL's `$n` parameters ([`for_sqlite`] turns them into `?n`).

pub const CLAIM_NONCE: &str = "INSERT INTO nonces (nonce, expires_ms) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING";

/// newInstance: one statement, whichever replica or retry gets there first wins, and every caller reads the winner.
pub const UPSERT_INSTANCE: &str = "INSERT INTO instances (instance_id, order_id, order_line_id, test, state, \
     front_end_url, admin_url, user_name, password, memo, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
     ON CONFLICT (order_id, order_line_id) DO UPDATE SET updated_ms = instances.updated_ms \
     RETURNING instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, user_name, password, \
     memo, expire_time";

const RETURNING_INSTANCE: &str = " RETURNING instance_id, order_id, order_line_id, test, state, front_end_url, \
     admin_url, user_name, password, memo, expire_time";

/// $4 is the `,a,b,` list of states it may start from; a provisioning row moves only if older than $5.
pub fn set_state() -> String {
    format!(
        "UPDATE instances SET state = $2, updated_ms = $3 WHERE instance_id = $1 \
         AND $4 LIKE '%,' || state || ',%' AND (state <> 'provisioning' OR updated_ms < $5){RETURNING_INSTANCE}"
    )
}

pub fn set_expiry() -> String {
    format!("UPDATE instances SET expire_time = $2, updated_ms = $3 WHERE instance_id = $1{RETURNING_INSTANCE}")
}

pub fn set_ready() -> String {
    format!(
        "UPDATE instances SET state = 'active', front_end_url = $2, admin_url = $3, user_name = $4, password = $5, \
         memo = $6, updated_ms = $7 WHERE instance_id = $1 AND state = 'provisioning'{RETURNING_INSTANCE}"
    )
}

pub const INSERT_JOURNAL: &str = "INSERT INTO journal (received_ms, activity, order_id, order_line_id, instance_id, \
     test, nonce, timestamp_param, source, replica, refused, result_code, reply, latency_us) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

/// A call touching an order: created when new (numbered 0, which no cursor is below), marked for the sequencer.
pub const TOUCH_ORDER: &str = "INSERT INTO orders (order_id, order_line_id, instance_id, first_call_ms, \
     provisioned_ms, next_enrich_ms, seq, dirty) VALUES ($1, $2, $3, $4, $5, $4, 0, TRUE) ON CONFLICT (order_id) \
     DO UPDATE SET ";

/// What a call changes of an order it touches, and (the `WHERE` of the `DO UPDATE`) when it changes anything at
/// all. An order already marked and with nothing new is left as it is — a queryInstance poll does not rewrite
/// its order — yet still locked until the call's journal entry commits, as `ON CONFLICT DO UPDATE` locks the
/// rows it does not update: the sequencer (`SKIP LOCKED`) cannot clear the mark under a call it has not seen.
pub const TOUCH_ORDER_SET: &str = "instance_id = COALESCE(orders.instance_id, excluded.instance_id), \
     provisioned_ms = COALESCE(orders.provisioned_ms, excluded.provisioned_ms), dirty = TRUE, \
     order_line_id = CASE WHEN orders.order_line_id = '' THEN excluded.order_line_id ELSE orders.order_line_id END \
     WHERE NOT orders.dirty OR (orders.instance_id IS NULL AND excluded.instance_id IS NOT NULL) \
     OR (orders.provisioned_ms IS NULL AND excluded.provisioned_ms IS NOT NULL) \
     OR (orders.order_line_id = '' AND excluded.order_line_id <> '')";

/// The sequencer (see `db`): whether there is anything to number.
pub const ANY_UNSEQUENCED: &str =
    "SELECT COUNT(*) FROM (SELECT 1 FROM orders WHERE dirty AND enriched_ms IS NOT NULL LIMIT 1) AS d";
/// The counter, for the sequencer's transaction (PostgreSQL locks its row with `FOR UPDATE`).
pub const FEED_COUNTER: &str = "SELECT value FROM feed_counters WHERE name = 'orders'";
/// Up to $1 orders to number, in order-ID order.
pub const UNSEQUENCED: &str =
    "SELECT order_id FROM orders WHERE dirty AND enriched_ms IS NOT NULL ORDER BY order_id LIMIT $1";
pub const SET_FEED_COUNTER: &str = "UPDATE feed_counters SET value = $1 WHERE name = 'orders'";
/// The most orders one pass of the sequencer numbers; the rest are numbered by the next pass.
pub const SEQUENCER_PASS: i64 = 10_000;

pub const ORDERS_PAGE: &str = "SELECT order_id, order_line_id, instance_id, provisioned_ms, order_type, created_at, \
     charging_mode, period_type, period_number, product_id, sku_code, product_name, amount, buyer_id, buyer_name, \
     buyer_kind, seq FROM orders WHERE seq > $1 AND enriched_ms IS NOT NULL ORDER BY seq LIMIT $2";

/// The calls of the orders whose sequence is in ($1, $2]: KooGallery's real calls, oldest first.
pub const PAGE_CALLS: &str = "SELECT j.order_id, j.activity, j.received_ms, j.result_code, j.instance_id, \
     j.latency_us FROM journal j JOIN orders o ON o.order_id = j.order_id \
     WHERE o.seq > $1 AND o.seq <= $2 AND o.enriched_ms IS NOT NULL AND j.test = FALSE AND j.refused IS NULL \
     AND j.activity IS NOT NULL ORDER BY j.received_ms, j.id";

pub const SAVE_ENRICHMENT: &str = "UPDATE orders SET enriched_ms = $2, enrich_error = NULL, order_type = $3, \
     created_at = $4, charging_mode = $5, period_type = $6, period_number = $7, product_id = $8, sku_code = $9, \
     product_name = $10, amount = $11, buyer_id = $12, buyer_name = $13, buyer_kind = $14, dirty = TRUE, \
     order_line_id = CASE WHEN order_line_id = '' THEN $15 ELSE order_line_id END WHERE order_id = $1";

pub const ENRICHMENT_FAILED: &str = "UPDATE orders SET enrich_attempts = enrich_attempts + 1, enrich_error = $2, \
     next_enrich_ms = $3 WHERE order_id = $1";

pub const HEALTH_CALLS: &str = "SELECT COUNT(*) FROM journal WHERE received_ms >= $1 AND test = FALSE \
     AND refused IS NULL AND activity IS NOT NULL";

/// Orders KooGallery called about since $1 whose calls failed (not 000000 or 000004) and that are not provisioned:
/// what counts towards "more than 5 failed orders in a month" [KG §7].
pub const HEALTH_FAILED_ORDERS: &str = "SELECT COUNT(*) FROM orders o WHERE o.provisioned_ms IS NULL AND EXISTS \
     (SELECT 1 FROM journal j WHERE j.order_id = o.order_id AND j.received_ms >= $1 AND j.test = FALSE \
     AND j.refused IS NULL AND j.result_code NOT IN ('000000', '000004'))";

/// The failed orders of [`HEALTH_FAILED_ORDERS`] by product (NULL while an order's details are not known).
pub const HEALTH_FAILED_BY_PRODUCT: &str =
    "SELECT o.product_id, COUNT(*) FROM orders o WHERE o.provisioned_ms IS NULL \
     AND EXISTS (SELECT 1 FROM journal j WHERE j.order_id = o.order_id AND j.received_ms >= $1 AND j.test = FALSE \
     AND j.refused IS NULL AND j.result_code NOT IN ('000000', '000004')) GROUP BY o.product_id";

/// Replies since $1 taking at least $2 µs (slow), at least $3 µs (past KooGallery's timeout), and the slowest.
pub const HEALTH_REPLIES: &str = "SELECT COALESCE(SUM(CASE WHEN latency_us >= $2 THEN 1 ELSE 0 END), 0), \
     COALESCE(SUM(CASE WHEN latency_us >= $3 THEN 1 ELSE 0 END), 0), MAX(latency_us) FROM journal \
     WHERE received_ms >= $1 AND test = FALSE AND refused IS NULL AND activity IS NOT NULL";

pub const HEALTH_REFUSED: &str = "SELECT refused, COUNT(*) FROM journal WHERE received_ms >= $1 \
     AND refused IS NOT NULL GROUP BY refused ORDER BY refused";

pub const HEALTH_LAST_TEST: &str = "SELECT received_ms, activity, result_code FROM journal WHERE test = TRUE \
     AND activity IS NOT NULL ORDER BY received_ms DESC LIMIT 1";

pub const BACKLOG: &str = "SELECT COUNT(*) FROM orders WHERE enriched_ms IS NULL";

pub const PENDING_ORDERS: &str = "SELECT order_id, order_line_id, instance_id, first_call_ms, enrich_attempts, \
     enrich_error FROM orders WHERE enriched_ms IS NULL ORDER BY first_call_ms LIMIT $1";

pub const JOURNAL: &str = "SELECT id, received_ms, activity, order_id, instance_id, test, nonce, source, replica, \
     refused, result_code, reply, latency_us FROM journal WHERE id > $1 ORDER BY id LIMIT $2";

pub const PRUNE_NONCES: &str = "DELETE FROM nonces WHERE expires_ms < $1";
pub const PRUNE_JOURNAL: &str = "DELETE FROM journal WHERE received_ms < $1";

/// A record's action seen before: its sequence.
pub const RECORD_ACTION: &str = "SELECT seq FROM record_actions WHERE action_id = $1";
/// The next number of a kind's records. On PostgreSQL the counter's row stays locked until the record commits, so
/// records commit in sequence order and a reader's cursor never passes one still being written.
pub const NEXT_RECORD_SEQ: &str = "UPDATE feed_counters SET value = value + 1 WHERE name = $1 RETURNING value";
pub const PUT_RECORD: &str = "INSERT INTO records (kind, id, body, recorded_by, recorded_ms, seq) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, \
     recorded_by = excluded.recorded_by, recorded_ms = excluded.recorded_ms, seq = excluded.seq";
pub const PUT_RECORD_ACTION: &str = "INSERT INTO record_actions (action_id, kind, id, seq) VALUES ($1, $2, $3, $4)";
pub const GET_RECORD: &str = "SELECT body FROM records WHERE kind = $1 AND id = $2";
pub const RECORDS_PAGE: &str = "SELECT body, seq FROM records WHERE kind = $1 AND seq > $2 ORDER BY seq LIMIT $3";

/// `$n` → `?n`: SQLite's numbered parameters.
pub fn for_sqlite(sql: &str) -> String {
    sql.replace('$', "?")
}
