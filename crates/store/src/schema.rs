//! The schema, as numbered migrations. `PRAGMA user_version` is the number of migrations applied; a KooDesk
//! database also carries `PRAGMA application_id` = "KOOD". Migrations are append-only: a released one never
//! changes, a new one is added at the end.
//!
//! Money is stored in fen (INTEGER), instants as Unix seconds (INTEGER, UTC) and dates as `YYYY-MM-DD`.

/// "KOOD".
pub const APPLICATION_ID: i32 = 0x4B4F_4F44;

/// Migration `i` brings the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: what sync brings in, the outbox and the cursors.
    r#"
    CREATE TABLE products (
        product_id   TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        access_type  TEXT NOT NULL,
        billing_mode TEXT NOT NULL,
        supervised   INTEGER NOT NULL,
        product_type TEXT,
        channel      TEXT NOT NULL
    );
    CREATE TABLE buyers (
        buyer_id    TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        kind        TEXT NOT NULL,
        taxpayer_id TEXT
    );
    CREATE TABLE orders (
        order_id     TEXT PRIMARY KEY,
        order_type   TEXT NOT NULL,
        created_ts   INTEGER NOT NULL,
        product_id   TEXT NOT NULL REFERENCES products(product_id),
        buyer_id     TEXT NOT NULL REFERENCES buyers(buyer_id),
        amount_fen   INTEGER NOT NULL,
        status       TEXT NOT NULL,
        scenario     TEXT,
        settled_ts   INTEGER,
        license_code TEXT,
        seq          INTEGER NOT NULL
    );
    CREATE INDEX orders_created ON orders(created_ts);
    CREATE INDEX orders_buyer ON orders(buyer_id);
    CREATE TABLE order_lines (
        order_line_id TEXT PRIMARY KEY,
        order_id      TEXT NOT NULL REFERENCES orders(order_id),
        product_id    TEXT NOT NULL REFERENCES products(product_id),
        amount_fen    INTEGER NOT NULL
    );
    CREATE INDEX order_lines_order ON order_lines(order_id);
    CREATE TABLE supervision_flows (
        order_id        TEXT PRIMARY KEY REFERENCES orders(order_id),
        product_type    TEXT NOT NULL,
        step            TEXT NOT NULL,
        side            TEXT,
        step_started_ts INTEGER NOT NULL,
        rejections      INTEGER NOT NULL,
        frozen_by       TEXT,
        rereview        INTEGER NOT NULL,
        parcel_signed_ts INTEGER,
        seq             INTEGER NOT NULL
    );
    CREATE INDEX flows_open ON supervision_flows(side, step_started_ts) WHERE step <> 'completed';
    -- The audit trail of every step: appended, never rewritten.
    CREATE TABLE supervision_events (
        order_id  TEXT NOT NULL REFERENCES supervision_flows(order_id),
        idx       INTEGER NOT NULL,
        from_step TEXT NOT NULL,
        to_step   TEXT NOT NULL,
        action    TEXT NOT NULL,
        actor     TEXT NOT NULL,
        at_ts     INTEGER NOT NULL,
        detail    TEXT NOT NULL,
        PRIMARY KEY (order_id, idx)
    );
    CREATE TRIGGER supervision_events_no_update BEFORE UPDATE ON supervision_events
        BEGIN SELECT RAISE(ABORT, 'supervision_events is an audit trail: rows are never changed'); END;
    CREATE TRIGGER supervision_events_no_delete BEFORE DELETE ON supervision_events
        BEGIN SELECT RAISE(ABORT, 'supervision_events is an audit trail: rows are never deleted'); END;
    CREATE TABLE unsubscriptions (
        id              TEXT PRIMARY KEY,
        order_id        TEXT NOT NULL REFERENCES orders(order_id),
        rule            TEXT NOT NULL,
        requested_ts    INTEGER NOT NULL,
        refund_fen      INTEGER NOT NULL,
        paid_fen        INTEGER NOT NULL,
        reason          TEXT NOT NULL,
        status          TEXT NOT NULL,
        review_due      TEXT,
        decision_reason TEXT,
        seq             INTEGER NOT NULL
    );
    CREATE INDEX unsubscriptions_pending ON unsubscriptions(requested_ts) WHERE status = 'pending';
    CREATE INDEX unsubscriptions_order ON unsubscriptions(order_id);
    CREATE TABLE invoice_requests (
        id             TEXT PRIMARY KEY,
        requested_ts   INTEGER NOT NULL,
        kind           TEXT NOT NULL,
        medium         TEXT NOT NULL,
        title          TEXT NOT NULL,
        amount_fen     INTEGER NOT NULL,
        status         TEXT NOT NULL,
        invoice_number TEXT,
        issued_ts      INTEGER,
        seq            INTEGER NOT NULL
    );
    CREATE INDEX invoice_requests_open ON invoice_requests(requested_ts) WHERE status = 'requested';
    CREATE TABLE invoice_request_orders (
        request_id TEXT NOT NULL REFERENCES invoice_requests(id),
        order_id   TEXT NOT NULL REFERENCES orders(order_id),
        PRIMARY KEY (request_id, order_id)
    );
    CREATE TABLE bills (
        bill_id            TEXT PRIMARY KEY,
        period             TEXT NOT NULL,
        bill_date          TEXT NOT NULL,
        send_by            TEXT NOT NULL,
        sign_off_by        TEXT NOT NULL,
        payment_by         TEXT NOT NULL,
        order_count        INTEGER NOT NULL,
        amount_fen         INTEGER NOT NULL,
        platform_fee_fen   INTEGER NOT NULL,
        merchant_share_fen INTEGER NOT NULL,
        status             TEXT NOT NULL,
        seq                INTEGER NOT NULL
    );
    CREATE TABLE sync_cursors (
        feed       TEXT PRIMARY KEY,
        cursor     TEXT NOT NULL,
        updated_ts INTEGER NOT NULL
    );
    -- Actions the seller took, waiting to reach the marketplace.
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        action_id       TEXT NOT NULL UNIQUE,
        kind            TEXT NOT NULL,
        target          TEXT NOT NULL,
        payload         TEXT NOT NULL,
        created_ts      INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_ts INTEGER NOT NULL,
        status          TEXT NOT NULL DEFAULT 'pending',
        last_error      TEXT,
        done_ts         INTEGER
    );
    CREATE INDEX outbox_pending ON outbox(next_attempt_ts) WHERE status = 'pending';
    "#,
    // 2: invoices and drafts, notification state, and aggregates kept up to date as data is written.
    r#"
    CREATE TABLE invoices (
        id          TEXT PRIMARY KEY,
        request_id  TEXT REFERENCES invoice_requests(id),
        kind        TEXT NOT NULL,
        rate        TEXT NOT NULL,
        state       TEXT NOT NULL,
        number      TEXT UNIQUE,
        issued_ts   INTEGER,
        issued_by   TEXT,
        red_of      TEXT REFERENCES invoices(id),
        document    TEXT NOT NULL,
        created_ts  INTEGER NOT NULL
    );
    CREATE TRIGGER invoices_issued_are_frozen BEFORE UPDATE ON invoices WHEN OLD.state = 'issued'
        BEGIN SELECT RAISE(ABORT, 'an issued invoice cannot be changed'); END;
    -- Covering: this month's settlement is summed from the index alone.
    CREATE INDEX orders_settled ON orders(settled_ts, status, amount_fen);
    CREATE TABLE notifications (
        key      TEXT PRIMARY KEY,
        fired_ts INTEGER NOT NULL,
        item     TEXT NOT NULL
    );
    CREATE TABLE agg_orders_month (
        month        TEXT NOT NULL,
        access_type  TEXT NOT NULL,
        billing_mode TEXT NOT NULL,
        orders       INTEGER NOT NULL,
        revenue_fen  INTEGER NOT NULL,
        PRIMARY KEY (month, access_type, billing_mode)
    ) WITHOUT ROWID;
    CREATE TABLE agg_counts (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO agg_orders_month
        SELECT strftime('%Y-%m', o.created_ts + 8 * 3600, 'unixepoch'), p.access_type, p.billing_mode,
               count(*), sum(CASE WHEN o.status = 'refunded' THEN 0 ELSE o.amount_fen END)
        FROM orders o JOIN products p USING (product_id) GROUP BY 1, 2, 3;
    INSERT INTO agg_counts SELECT 'orders', count(*) FROM orders;
    INSERT INTO agg_counts SELECT 'flows:' || step || ':' || coalesce(side, ''), count(*) FROM supervision_flows GROUP BY 1;
    INSERT INTO agg_counts SELECT 'unsubs:' || status, count(*) FROM unsubscriptions GROUP BY 1;
    INSERT INTO agg_counts SELECT 'unsubs_fen:' || status, sum(refund_fen) FROM unsubscriptions GROUP BY 1;
    INSERT INTO agg_counts SELECT 'invoices:' || status, count(*) FROM invoice_requests GROUP BY 1;
    CREATE TRIGGER agg_flow_insert AFTER INSERT ON supervision_flows BEGIN
        INSERT INTO agg_counts VALUES ('flows:' || NEW.step || ':' || coalesce(NEW.side, ''), 1)
            ON CONFLICT (name) DO UPDATE SET value = value + 1;
    END;
    CREATE TRIGGER agg_flow_update AFTER UPDATE OF step, side ON supervision_flows BEGIN
        UPDATE agg_counts SET value = value - 1 WHERE name = 'flows:' || OLD.step || ':' || coalesce(OLD.side, '');
        INSERT INTO agg_counts VALUES ('flows:' || NEW.step || ':' || coalesce(NEW.side, ''), 1)
            ON CONFLICT (name) DO UPDATE SET value = value + 1;
    END;
    CREATE TRIGGER agg_unsub_insert AFTER INSERT ON unsubscriptions BEGIN
        INSERT INTO agg_counts VALUES ('unsubs:' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;
        INSERT INTO agg_counts VALUES ('unsubs_fen:' || NEW.status, NEW.refund_fen)
            ON CONFLICT (name) DO UPDATE SET value = value + NEW.refund_fen;
    END;
    CREATE TRIGGER agg_unsub_update AFTER UPDATE OF status, refund_fen ON unsubscriptions BEGIN
        UPDATE agg_counts SET value = value - 1 WHERE name = 'unsubs:' || OLD.status;
        UPDATE agg_counts SET value = value - OLD.refund_fen WHERE name = 'unsubs_fen:' || OLD.status;
        INSERT INTO agg_counts VALUES ('unsubs:' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;
        INSERT INTO agg_counts VALUES ('unsubs_fen:' || NEW.status, NEW.refund_fen)
            ON CONFLICT (name) DO UPDATE SET value = value + NEW.refund_fen;
    END;
    CREATE TRIGGER agg_invoice_insert AFTER INSERT ON invoice_requests BEGIN
        INSERT INTO agg_counts VALUES ('invoices:' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;
    END;
    CREATE TRIGGER agg_invoice_update AFTER UPDATE OF status ON invoice_requests BEGIN
        UPDATE agg_counts SET value = value - 1 WHERE name = 'invoices:' || OLD.status;
        INSERT INTO agg_counts VALUES ('invoices:' || NEW.status, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;
    END;
    CREATE TRIGGER agg_order_insert AFTER INSERT ON orders BEGIN
        INSERT INTO agg_orders_month
            SELECT strftime('%Y-%m', NEW.created_ts + 8 * 3600, 'unixepoch'), p.access_type, p.billing_mode, 1,
                   CASE WHEN NEW.status = 'refunded' THEN 0 ELSE NEW.amount_fen END
            FROM products p WHERE p.product_id = NEW.product_id
            ON CONFLICT (month, access_type, billing_mode) DO UPDATE
            SET orders = orders + 1, revenue_fen = revenue_fen + excluded.revenue_fen;
        INSERT INTO agg_counts VALUES ('orders', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1;
    END;
    CREATE TRIGGER agg_order_update AFTER UPDATE OF amount_fen, status, created_ts, product_id ON orders BEGIN
        UPDATE agg_orders_month SET orders = orders - 1,
               revenue_fen = revenue_fen - CASE WHEN OLD.status = 'refunded' THEN 0 ELSE OLD.amount_fen END
         WHERE month = strftime('%Y-%m', OLD.created_ts + 8 * 3600, 'unixepoch')
           AND (access_type, billing_mode) = (SELECT access_type, billing_mode FROM products WHERE product_id = OLD.product_id);
        INSERT INTO agg_orders_month
            SELECT strftime('%Y-%m', NEW.created_ts + 8 * 3600, 'unixepoch'), p.access_type, p.billing_mode, 1,
                   CASE WHEN NEW.status = 'refunded' THEN 0 ELSE NEW.amount_fen END
            FROM products p WHERE p.product_id = NEW.product_id
            ON CONFLICT (month, access_type, billing_mode) DO UPDATE
            SET orders = orders + 1, revenue_fen = revenue_fen + excluded.revenue_fen;
    END;
    "#,
    // 3: production-interface checks — the seller's saved debug cases and the history of runs [KG §7].
    r#"
    CREATE TABLE interface_cases (
        suite TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        request TEXT NOT NULL CHECK (json_valid(request)),
        expect TEXT NOT NULL CHECK (json_valid(expect)),
        PRIMARY KEY (suite, name)
    ) WITHOUT ROWID;
    CREATE TABLE interface_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        url TEXT NOT NULL,
        suite TEXT NOT NULL,
        passed INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        skipped INTEGER NOT NULL,
        elapsed_ms INTEGER NOT NULL,
        report TEXT NOT NULL CHECK (json_valid(report))
    );
    -- Invoicing: the per-seller, per-year number series (gap-free: taken and used in one transaction), the
    -- editable 税收分类编码 table (overrides of the defaults, by product or by tax product), red-letter details.
    CREATE TABLE invoice_series (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
    );
    CREATE TABLE tax_codes (
        key        TEXT PRIMARY KEY,
        code       TEXT NOT NULL CHECK (length(code) = 19),
        short_name TEXT NOT NULL
    );
    ALTER TABLE invoices ADD COLUMN red_reason TEXT;
    ALTER TABLE invoices ADD COLUMN red_lapses_ts INTEGER;
    CREATE INDEX invoices_request ON invoices(request_id);
    -- The seller's buyer list (imported from CSV/XLSX): fills a request's missing taxpayer ID, address and bank.
    CREATE TABLE invoice_buyers (
        title       TEXT PRIMARY KEY,
        taxpayer_id TEXT,
        address     TEXT,
        bank        TEXT
    );
    "#,
    // 4: invoices drafted from orders the seller chose (no KooGallery request: `batch_id` groups a batch's drafts,
    // one per rate), and which orders every invoice covers — so an order is on at most one live invoice.
    r#"
    ALTER TABLE invoices ADD COLUMN batch_id TEXT;
    CREATE INDEX invoices_batch ON invoices(batch_id) WHERE batch_id IS NOT NULL;
    CREATE TABLE invoice_orders (
        invoice_id TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        order_id   TEXT NOT NULL,
        PRIMARY KEY (invoice_id, order_id)
    ) WITHOUT ROWID;
    CREATE INDEX invoice_orders_order ON invoice_orders(order_id);
    INSERT OR IGNORE INTO invoice_orders (invoice_id, order_id)
        SELECT i.id, json_extract(l.value, '$.order_id') FROM invoices i, json_each(i.document, '$.lines') l;
    "#,
    // 5: what the inbox needs of an invoice request's orders — the earliest order's date and whether any is sold
    // under joint operation (who invoices, [KG §2]) — kept on the request when it is written, so the first screen
    // does not join every open request to its orders and products (docs/performance.md).
    r#"
    ALTER TABLE invoice_requests ADD COLUMN first_order_ts INTEGER;
    ALTER TABLE invoice_requests ADD COLUMN joint_operation INTEGER;
    UPDATE invoice_requests SET
        first_order_ts = (SELECT min(o.created_ts) FROM invoice_request_orders x JOIN orders o ON o.order_id = x.order_id
                           WHERE x.request_id = invoice_requests.id),
        joint_operation = (SELECT max(p.channel <> 'general') FROM invoice_request_orders x
                             JOIN orders o ON o.order_id = x.order_id JOIN products p ON p.product_id = o.product_id
                            WHERE x.request_id = invoice_requests.id);
    -- Likewise whether a step's order was refunded (the inbox leaves those out), kept on the flow.
    ALTER TABLE supervision_flows ADD COLUMN order_refunded INTEGER NOT NULL DEFAULT 0;
    UPDATE supervision_flows SET order_refunded = 1
     WHERE EXISTS (SELECT 1 FROM orders o WHERE o.order_id = supervision_flows.order_id AND o.status = 'refunded');
    "#,
    // 6: the overview reads a bounded number of rows however long the history: totals by access type and billing
    // mode, by month, and by tax rate, rebuilt from agg_orders_month (a few hundred rows) in the transaction of
    // every orders page that changes it ([`REBUILD_ORDER_TOTALS`], under a millisecond) — per page, not per order:
    // triggers cascading from every order made writing the orders feed a fifth slower (docs/performance.md). The rates are the domain's general-taxpayer table by
    // access type, billing mode and the month a rate took effect [KG §1], written by the store when it opens
    // (`Store::refresh_tax_rates`, which then rebuilds the totals: it does so on the first open after this
    // migration, the table being empty) — SQL cannot ask the domain, so its answer is kept beside the data.
    r#"
    CREATE TABLE tax_rates (
        access_type  TEXT NOT NULL,
        billing_mode TEXT NOT NULL,
        from_month   TEXT NOT NULL,
        rate         TEXT NOT NULL,
        PRIMARY KEY (access_type, billing_mode, from_month)
    ) WITHOUT ROWID;
    CREATE TABLE agg_orders_mode (
        access_type  TEXT NOT NULL,
        billing_mode TEXT NOT NULL,
        orders       INTEGER NOT NULL,
        revenue_fen  INTEGER NOT NULL,
        PRIMARY KEY (access_type, billing_mode)
    ) WITHOUT ROWID;
    CREATE TABLE agg_orders_by_month (
        month       TEXT PRIMARY KEY,
        orders      INTEGER NOT NULL,
        revenue_fen INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE agg_revenue_rate (
        rate        TEXT PRIMARY KEY,
        revenue_fen INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 7: KooGallery's calls to the seller's production interface for each order, every attempt (the orders feed's
    // `interface_calls`), for the order's timeline [KG §7]. A record of what happened: rows are only added.
    r#"
    CREATE TABLE interface_calls (
        order_id    TEXT NOT NULL REFERENCES orders(order_id),
        idx         INTEGER NOT NULL,
        activity    TEXT NOT NULL,
        attempt     INTEGER NOT NULL,
        at_ts       INTEGER NOT NULL,
        result_code TEXT,
        detail      TEXT,
        elapsed_ms  INTEGER NOT NULL,
        PRIMARY KEY (order_id, idx)
    ) WITHOUT ROWID;
    "#,
    // 8: the outbox's "sent, awaiting echo" state. `echo_seq` is the entity's change sequence KooGallery answered
    // with; until the pulled row reaches it, the action is still in flight and the screens show the row as
    // waiting (`outbox_in_flight`: queued, or sent and not yet echoed). Actions sent before this schema are taken as
    // echoed.
    r#"
    ALTER TABLE outbox ADD COLUMN echo_seq INTEGER;
    CREATE INDEX outbox_target ON outbox(target);
    CREATE VIEW outbox_in_flight AS
        SELECT o.id, o.action_id, o.kind, o.target, o.payload,
               CASE o.status WHEN 'pending' THEN 'queued' ELSE 'awaiting-echo' END AS state
          FROM outbox o
         WHERE o.status = 'pending'
            OR (o.status = 'sent' AND o.echo_seq IS NOT NULL AND o.echo_seq > coalesce(
                   CASE o.kind
                       WHEN 'supervision' THEN (SELECT f.seq FROM supervision_flows f WHERE f.order_id = o.target)
                       WHEN 'delivery' THEN (SELECT f.seq FROM supervision_flows f WHERE f.order_id = o.target)
                       WHEN 'unsubscription-decision' THEN (SELECT u.seq FROM unsubscriptions u WHERE u.id = o.target)
                       WHEN 'invoice-issued' THEN (SELECT r.seq FROM invoice_requests r WHERE r.id = o.target)
                   END, -1));
    "#,
    // 9: columns hold values, not wire JSON: the invoice request's title (抬头) — buyer kind, name, taxpayer ID,
    // address and bank — in columns of its own instead of the feed's JSON object. A title that was not valid JSON
    // leaves the columns empty, and the request is reported as damaged when it is drafted.
    r#"
    ALTER TABLE invoice_requests ADD COLUMN title_kind TEXT;
    ALTER TABLE invoice_requests ADD COLUMN title_name TEXT;
    ALTER TABLE invoice_requests ADD COLUMN title_taxpayer_id TEXT;
    ALTER TABLE invoice_requests ADD COLUMN title_address TEXT;
    ALTER TABLE invoice_requests ADD COLUMN title_bank TEXT;
    UPDATE invoice_requests
       SET title_kind = title->>'kind', title_name = title->>'name', title_taxpayer_id = title->>'taxpayer_id',
           title_address = title->>'address', title_bank = title->>'bank_account'
     WHERE json_valid(title);
    ALTER TABLE invoice_requests DROP COLUMN title;
    "#,
    // 10: real data beside the feed. Where each order came from (`source`: the sandbox's or a gateway's feed, an
    // import of the Seller Console's order list, or an `order/query` lookup), what the order list adds (when it was
    // paid, the line's SKU), and the other exports, kept as the console shows them: 交易明细 (transactions), 账单
    // (bills) and 详单 (bill lines), keyed on 订单号 (+ 订单项ID, '' when the file has none) — `REAL-DATA.md` §2.
    // `store_meta` keeps small facts about the store: how it is connected (`connection`), and the column mapping
    // the seller confirmed for each export (`import_map:<kind>`). Orders stored before this schema came from a
    // feed; the console synced its sandbox unless told otherwise, so they are marked `sandbox`.
    r#"
    CREATE TABLE store_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    ALTER TABLE orders ADD COLUMN source TEXT NOT NULL DEFAULT 'sandbox';
    ALTER TABLE orders ADD COLUMN paid_ts INTEGER;
    ALTER TABLE orders ADD COLUMN imported_ts INTEGER;
    CREATE INDEX orders_source ON orders(source, created_ts);
    ALTER TABLE order_lines ADD COLUMN sku TEXT;
    CREATE TABLE seller_transactions (
        order_id           TEXT NOT NULL,
        order_line_id      TEXT NOT NULL,
        product_name       TEXT,
        buyer_account      TEXT,
        created_ts         INTEGER,
        amount_fen         INTEGER NOT NULL,
        period             TEXT,
        bill_status        TEXT,
        supervision_status TEXT,
        repayment_status   TEXT,
        imported_ts        INTEGER NOT NULL,
        PRIMARY KEY (order_id, order_line_id)
    ) WITHOUT ROWID;
    CREATE TABLE seller_bills (
        bill_key           TEXT PRIMARY KEY,
        bill_id            TEXT,
        period             TEXT NOT NULL,
        amount_fen         INTEGER NOT NULL,
        platform_fee_fen   INTEGER,
        merchant_share_fen INTEGER,
        status             TEXT,
        imported_ts        INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE seller_bill_lines (
        period             TEXT NOT NULL,
        order_id           TEXT NOT NULL,
        order_line_id      TEXT NOT NULL,
        bill_id            TEXT,
        product_name       TEXT,
        amount_fen         INTEGER NOT NULL,
        platform_fee_fen   INTEGER,
        merchant_share_fen INTEGER,
        imported_ts        INTEGER NOT NULL,
        PRIMARY KEY (period, order_id, order_line_id)
    ) WITHOUT ROWID;
    "#,
    // 11: what the seller records by hand — the supervision steps, unsubscription requests and invoice requests
    // KooGallery shows only on its web console (no API, no export), and what the seller did there — with who
    // recorded it and when. A row nobody recorded by hand (`recorded_by` NULL) is the feed's.
    r#"
    ALTER TABLE supervision_flows ADD COLUMN recorded_by TEXT;
    ALTER TABLE supervision_flows ADD COLUMN recorded_ts INTEGER;
    ALTER TABLE unsubscriptions ADD COLUMN recorded_by TEXT;
    ALTER TABLE unsubscriptions ADD COLUMN recorded_ts INTEGER;
    ALTER TABLE invoice_requests ADD COLUMN recorded_by TEXT;
    ALTER TABLE invoice_requests ADD COLUMN recorded_ts INTEGER;
    "#,
    // 12: on a gateway, what the seller records by hand goes to the gateway too (`record-*` actions, target the
    // entity's ID), and waits like any other action until the gateway's feed echoes it.
    r#"
    DROP VIEW outbox_in_flight;
    CREATE VIEW outbox_in_flight AS
        SELECT o.id, o.action_id, o.kind, o.target, o.payload,
               CASE o.status WHEN 'pending' THEN 'queued' ELSE 'awaiting-echo' END AS state
          FROM outbox o
         WHERE o.status = 'pending'
            OR (o.status = 'sent' AND o.echo_seq IS NOT NULL AND o.echo_seq > coalesce(
                   CASE o.kind
                       WHEN 'supervision' THEN (SELECT f.seq FROM supervision_flows f WHERE f.order_id = o.target)
                       WHEN 'delivery' THEN (SELECT f.seq FROM supervision_flows f WHERE f.order_id = o.target)
                       WHEN 'record-step' THEN (SELECT f.seq FROM supervision_flows f WHERE f.order_id = o.target)
                       WHEN 'unsubscription-decision' THEN (SELECT u.seq FROM unsubscriptions u WHERE u.id = o.target)
                       WHEN 'record-unsubscription' THEN (SELECT u.seq FROM unsubscriptions u WHERE u.id = o.target)
                       WHEN 'invoice-issued' THEN (SELECT r.seq FROM invoice_requests r WHERE r.id = o.target)
                       WHEN 'record-invoice-request' THEN (SELECT r.seq FROM invoice_requests r WHERE r.id = o.target)
                   END, -1));
    "#,
    // 13: what the seller submitted on the Seller Console for KooGallery to review [KG §6, §9]: a change of the
    // merchant information (服务商管理 > 服务商信息: `field` contact-mobile / contact-email take effect at once, any
    // other is reviewed), a product's listing or listing change (`product_id`). A review is due 3 working days after
    // `submitted_ts` (`review_due`, Beijing date; `calendar` says whether the year had holiday data) until the seller
    // records KooGallery's answer. And the listing checklist: the products being onboarded, the saved
    // interface-check suite holding a SaaS product's debug cases, and the steps the seller ticked.
    r#"
    CREATE TABLE console_reviews (
        id           TEXT PRIMARY KEY,
        subject      TEXT NOT NULL CHECK (subject IN ('merchant-info', 'listing', 'listing-change')),
        field        TEXT CHECK ((subject = 'merchant-info') = (field IS NOT NULL)),
        product_id   TEXT CHECK ((subject = 'merchant-info') = (product_id IS NULL)),
        note         TEXT NOT NULL,
        submitted_ts INTEGER NOT NULL,
        review_due   TEXT,
        calendar     TEXT NOT NULL CHECK (calendar IN ('official', 'weekdays-only')),
        status       TEXT NOT NULL CHECK (status IN ('effective', 'in-review', 'approved', 'rejected')),
        answer_note  TEXT,
        answered_ts  INTEGER,
        recorded_by  TEXT NOT NULL,
        recorded_ts  INTEGER NOT NULL
    );
    CREATE INDEX console_reviews_open ON console_reviews(review_due) WHERE status = 'in-review';
    CREATE INDEX console_reviews_product ON console_reviews(product_id, submitted_ts) WHERE product_id IS NOT NULL;
    CREATE TABLE listings (
        product_id   TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        access_type  TEXT NOT NULL,
        billing_mode TEXT NOT NULL,
        suite        TEXT,
        recorded_by  TEXT NOT NULL,
        recorded_ts  INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE listing_steps (
        product_id  TEXT NOT NULL REFERENCES listings(product_id) ON DELETE CASCADE,
        step        TEXT NOT NULL,
        done_ts     INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        recorded_ts INTEGER NOT NULL,
        PRIMARY KEY (product_id, step)
    ) WITHOUT ROWID;
    "#,
    // 14: an image order's second charge [KG §9]: the cloud server fee the buyer paid Huawei Cloud with the image
    // (fen; never the seller's, so no total, tax or invoice reads it) and the enterprise project the buyer chose.
    // NULL on every order that is not an image product's.
    r#"
    ALTER TABLE orders ADD COLUMN cloud_server_fee_fen INTEGER CHECK (cloud_server_fee_fen >= 0);
    ALTER TABLE orders ADD COLUMN enterprise_project TEXT;
    "#,
    // 15: the production interface's health as the feed's server last reported it [KG §7]: one snapshot, replaced
    // whole by each sync (failed orders this month against the delisting line, by product; slow replies; the last
    // dial test; refused calls by reason; the orders awaiting their details).
    r#"
    CREATE TABLE interface_health (
        id             INTEGER PRIMARY KEY CHECK (id = 1),
        fetched_ts     INTEGER NOT NULL,
        period         TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
        calls          INTEGER NOT NULL CHECK (calls >= 0),
        failed_orders  INTEGER NOT NULL CHECK (failed_orders >= 0),
        delisting_line INTEGER NOT NULL CHECK (delisting_line >= 0),
        slow_ms        INTEGER NOT NULL CHECK (slow_ms > 0),
        timeout_ms     INTEGER NOT NULL CHECK (timeout_ms > 0),
        slow_replies   INTEGER NOT NULL CHECK (slow_replies >= 0),
        timed_out      INTEGER NOT NULL CHECK (timed_out >= 0),
        slowest_ms     INTEGER CHECK (slowest_ms >= 0),
        dial_ts        INTEGER,
        dial_activity  TEXT,
        dial_result    TEXT,
        refused_total  INTEGER NOT NULL CHECK (refused_total >= 0),
        enrichment_configured INTEGER NOT NULL CHECK (enrichment_configured IN (0, 1)),
        enrichment_backlog    INTEGER NOT NULL CHECK (enrichment_backlog >= 0),
        CHECK ((dial_ts IS NULL) = (dial_activity IS NULL) AND (dial_ts IS NULL) = (dial_result IS NULL))
    );
    CREATE TABLE interface_health_products (
        position      INTEGER PRIMARY KEY,
        product_id    TEXT,
        failed_orders INTEGER NOT NULL CHECK (failed_orders >= 0)
    );
    CREATE TABLE interface_health_refused (
        reason TEXT PRIMARY KEY,
        calls  INTEGER NOT NULL CHECK (calls >= 0)
    ) WITHOUT ROWID;
    CREATE TABLE interface_health_pending (
        position       INTEGER PRIMARY KEY,
        order_id       TEXT NOT NULL,
        order_line_id  TEXT NOT NULL,
        instance_id    TEXT,
        first_call_ts  INTEGER NOT NULL,
        attempts       INTEGER NOT NULL CHECK (attempts >= 0),
        last_error     TEXT
    );
    "#,
    // 16: who recorded a supervision step by hand, as a value of its own (issue 16). `detail` then keeps the note
    // only. Rows written before keep `recorded by WHO: NOTE` in `detail` (the audit trail is never rewritten); the
    // reader takes them apart ([`crate::browse`]).
    r#"
    ALTER TABLE supervision_events ADD COLUMN recorded_by TEXT;
    "#,
    // 17: a production-interface call as values (issue 18): the instance ID the reply named, the reply's own
    // resultMsg, what went wrong as a code ([`koodesk_domain::call_failure::CallFailure`]) and the HTTP status
    // when it was not 200, instead of one free-text `detail`. Rows written before keep their `detail` (a record of
    // what happened is never rewritten); the reader takes it apart ([`crate::browse`]).
    r#"
    ALTER TABLE interface_calls ADD COLUMN instance_id TEXT;
    ALTER TABLE interface_calls ADD COLUMN result_msg TEXT;
    ALTER TABLE interface_calls ADD COLUMN failure TEXT;
    ALTER TABLE interface_calls ADD COLUMN http_status INTEGER CHECK (http_status BETWEEN 100 AND 599);
    "#,
];

/// Sets an invoice request's order facts (schema 5) for the requests `scope` selects (a SQL condition on `id`);
/// run after the request's orders are linked.
pub(crate) fn request_order_facts(scope: &str) -> String {
    format!(
        "UPDATE invoice_requests SET
             first_order_ts = (SELECT min(o.created_ts) FROM invoice_request_orders x
                                 JOIN orders o ON o.order_id = x.order_id WHERE x.request_id = invoice_requests.id),
             joint_operation = (SELECT max(p.channel <> 'general') FROM invoice_request_orders x
                                  JOIN orders o ON o.order_id = x.order_id JOIN products p ON p.product_id = o.product_id
                                 WHERE x.request_id = invoice_requests.id)
          WHERE {scope}"
    )
}

/// Rebuilds the order totals of schema 6 from the monthly aggregates and the `tax_rates` table: by access type and
/// billing mode, by month, and revenue by the rate in force in each month.
pub(crate) const REBUILD_ORDER_TOTALS: &str = "
    DELETE FROM agg_orders_mode;
    INSERT INTO agg_orders_mode
        SELECT access_type, billing_mode, sum(orders), sum(revenue_fen) FROM agg_orders_month GROUP BY 1, 2;
    DELETE FROM agg_orders_by_month;
    INSERT INTO agg_orders_by_month SELECT month, sum(orders), sum(revenue_fen) FROM agg_orders_month GROUP BY 1;
    DELETE FROM agg_revenue_rate;
    INSERT INTO agg_revenue_rate
        SELECT rate, sum(revenue_fen) FROM (
            SELECT (SELECT t.rate FROM tax_rates t
                     WHERE t.access_type = m.access_type AND t.billing_mode = m.billing_mode AND t.from_month <= m.month
                     ORDER BY t.from_month DESC LIMIT 1) AS rate,
                   m.revenue_fen
              FROM agg_orders_month m)
         WHERE rate IS NOT NULL GROUP BY rate;";

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}
