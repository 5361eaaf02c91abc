//! The gateway's schema, versioned; the same tables on both engines. A migration is applied once, in a
//! transaction, in order; on PostgreSQL under an advisory lock so replicas starting together do not race.

/// Each version's statements, with `{id}` standing for the engine's auto-increment primary key.
const MIGRATIONS: &[&str] = &[
    // 1: nonces, instances, orders (and their enrichment), the journal, the feed's counter.
    "CREATE TABLE nonces (
        nonce TEXT PRIMARY KEY,
        expires_ms BIGINT NOT NULL
    );
    CREATE INDEX nonces_expires ON nonces (expires_ms);
    CREATE TABLE instances (
        instance_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        order_line_id TEXT NOT NULL,
        test BOOLEAN NOT NULL,
        state TEXT NOT NULL,
        front_end_url TEXT,
        admin_url TEXT,
        user_name TEXT,
        password TEXT,
        memo TEXT,
        expire_time TEXT,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL,
        UNIQUE (order_id, order_line_id)
    );
    CREATE TABLE orders (
        order_id TEXT PRIMARY KEY,
        order_line_id TEXT NOT NULL,
        instance_id TEXT,
        first_call_ms BIGINT NOT NULL,
        provisioned_ms BIGINT,
        enriched_ms BIGINT,
        enrich_attempts BIGINT NOT NULL DEFAULT 0,
        next_enrich_ms BIGINT NOT NULL,
        enrich_error TEXT,
        order_type TEXT,
        created_at TEXT,
        charging_mode TEXT,
        period_type TEXT,
        period_number BIGINT,
        product_id TEXT,
        sku_code TEXT,
        product_name TEXT,
        amount TEXT,
        buyer_id TEXT,
        buyer_name TEXT,
        buyer_kind TEXT,
        seq BIGINT NOT NULL
    );
    CREATE INDEX orders_seq ON orders (seq);
    CREATE INDEX orders_enrichment_due ON orders (next_enrich_ms) WHERE enriched_ms IS NULL;
    CREATE TABLE journal (
        id {id},
        received_ms BIGINT NOT NULL,
        activity TEXT,
        order_id TEXT,
        order_line_id TEXT,
        instance_id TEXT,
        test BOOLEAN NOT NULL,
        nonce TEXT,
        timestamp_param TEXT,
        source TEXT NOT NULL,
        replica TEXT NOT NULL,
        refused TEXT,
        result_code TEXT NOT NULL,
        reply TEXT NOT NULL,
        latency_us BIGINT NOT NULL
    );
    CREATE INDEX journal_order ON journal (order_id, id);
    CREATE INDEX journal_received ON journal (received_ms);
    CREATE TABLE feed_counters (
        name TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );
    INSERT INTO feed_counters (name, value) VALUES ('orders', 0);",
    // 2: orders changed since the sequencer last numbered them (see `db`): a change marks its order instead of
    // taking a number from the shared counter.
    "ALTER TABLE orders ADD COLUMN dirty BOOLEAN NOT NULL DEFAULT FALSE;
    CREATE INDEX orders_unsequenced ON orders (order_id) WHERE dirty AND enriched_ms IS NOT NULL;",
    // 3: what the seller's desks record by hand (supervision steps, unsubscriptions, invoice requests, and what was
    // done about them on the Seller Console), each kind numbered by its own counter, and the action IDs seen.
    "CREATE TABLE records (
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        recorded_by TEXT,
        recorded_ms BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE INDEX records_seq ON records (kind, seq);
    CREATE TABLE record_actions (
        action_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        seq BIGINT NOT NULL
    );
    INSERT INTO feed_counters (name, value) VALUES ('supervision', 0), ('unsubscriptions', 0), ('invoice-requests', 0);",
];

/// The newest schema version this build knows.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The table that holds the version.
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)";

/// The statements of version `v` (1-based) for an engine whose auto-increment key is `id_type`.
pub fn migration(v: i64, id_type: &str) -> Option<String> {
    let i = usize::try_from(v).ok()?.checked_sub(1)?;
    MIGRATIONS.get(i).map(|m| m.replace("{id}", id_type))
}

/// The refusal for a database written by a newer gateway.
pub fn newer(found: i64) -> String {
    format!(
        "the database is at schema version {found}, newer than this gateway's {LATEST}: \
         run the newer `koodesk gateway`, or point --database at another database"
    )
}
