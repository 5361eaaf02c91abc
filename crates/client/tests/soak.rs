//! The soak (issue 16): the console's sync against a real sandbox on loopback, with random faults (latency, 5xx,
//! truncated bodies, connection resets, wrong signatures, the network cut) and random seller actions, for
//! `KOODESK_SOAK_SECS` seconds (20 by default). At the end, with the faults gone, a few syncs bring the store
//! level with the marketplace, and then:
//!
//! - every table the feed fills equals the sandbox's own state (the feed's columns, whole tables, sorted);
//! - no action is lost or doubled: every action the seller queued is in the outbox once, sent exactly when the
//!   marketplace accepted it (with the sequence it answered), refused only when it did not; the marketplace
//!   accepted nothing the seller did not queue, and moved each entity once per accepted action; nothing is left
//!   queued or awaiting its echo; the client pushed each action to its end once;
//! - `PRAGMA integrity_check` is ok, and the aggregates the triggers keep match the tables.
//!
//! What is random — the faults, the clock, the actions and their targets, which rounds act during a sync — is
//! drawn from one generator seeded by `KOODESK_SOAK_SEED` (printed first), so a failure can be replayed; the
//! interleaving of the concurrent tasks is the machine's. The load is driven by iteration, never by sleeping: the only clock read
//! is the overall duration. The store is a real WAL file in a temporary directory, written by the one
//! [`Writer`] and read, as the screens do, through [`Readers`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use koodesk_client::{push_and_echo, sync, FeedClient, SyncOptions, SyncReport};
use koodesk_domain::supervision::Side;
use koodesk_domain::time;
use koodesk_protocol::feed::{self, FeedBill, FeedFlow, FeedInvoiceRequest, FeedOrder, FeedUnsubscription, Kind};
use koodesk_sandbox::http::AppState;
use koodesk_sandbox::{serve, serve_state, RunningSandbox, SandboxConfig};
use koodesk_store::outbox::ActionKind;
use koodesk_store::{Readers, Store, StoreError, Writer};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const DEFAULT_SECS: u64 = 20;
const DEFAULT_SEED: u64 = 16;
/// Syncs at most, at the end, to bring the store level with the marketplace.
const FINAL_SYNCS: usize = 10;

/// SplitMix64: small, seeded, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// In `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> Option<&'a T> {
        if xs.is_empty() {
            None
        } else {
            xs.get(self.below(xs.len() as u64) as usize)
        }
    }

    /// A generator of its own for a task, drawn from this one.
    fn fork(&mut self) -> Rng {
        Rng(self.next())
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}={v}: a whole number is expected")),
        Err(_) => default,
    }
}

fn now_ts() -> i64 {
    chrono::Utc::now().timestamp()
}

/// What the soak did, for the summary line and the checks that compare it with the store.
#[derive(Debug, Default)]
struct Counts {
    iterations: u64,
    syncs: u64,
    pushes: u64,
    concurrent_rounds: u64,
    faults: BTreeMap<&'static str, u64>,
    persistent_faults: u64,
    fault_clears: u64,
    network_cuts: u64,
    clock_moves: u64,
    clock_moves_during_sync: u64,
    queued: BTreeMap<&'static str, u64>,
    refused_locally: u64,
    refused_stale: u64,
    no_target: u64,
    sent: u64,
    refused_by_marketplace: u64,
    refusal_reasons: BTreeMap<String, u64>,
    deferred: u64,
    untried: u64,
    retries: u64,
    pages: u64,
    items: BTreeMap<String, u64>,
    incomplete: u64,
    offline_reports: u64,
    damaged: u64,
}

impl Counts {
    fn add(&mut self, r: &SyncReport) {
        self.pages += r.pages as u64;
        for (feed, n) in &r.items {
            *self.items.entry(feed.clone()).or_default() += *n as u64;
        }
        self.sent += r.actions_sent as u64;
        self.refused_by_marketplace += r.actions_refused.len() as u64;
        for a in &r.actions_refused {
            *self.refusal_reasons.entry(reason_class(&a.reason)).or_default() += 1;
        }
        self.deferred += r.actions_deferred as u64;
        self.untried += r.actions_untried as u64;
        self.retries += r.retries as u64;
        self.incomplete += r.incomplete.len() as u64;
        self.offline_reports += u64::from(r.offline);
        self.damaged += r.actions_damaged.len() as u64;
    }

    fn items_total(&self) -> u64 {
        self.items.values().sum()
    }
}

/// A refusal's reason without the IDs in it, to count refusals by kind.
fn reason_class(reason: &str) -> String {
    // A refusal whose body was cut off (the sandbox's truncation of a 409) is kept as its raw text.
    let cut = if reason.starts_with('{') { "(the reply cut off) " } else { "" };
    let words = reason
        .split_whitespace()
        .filter(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(70)
        .collect::<String>();
    format!("{cut}{words}")
}

/// An action the seller queued: what the store was asked to send.
#[derive(Debug, Clone)]
struct Queued {
    action_id: String,
    kind: ActionKind,
    target: String,
    payload: Value,
    /// The target's change sequence on the screen the seller acted from.
    seen_seq: i64,
}

/// How the marketplace names the entity an action acts on (`World::accepted_actions`).
fn entity_of(kind: ActionKind, target: &str) -> String {
    match kind {
        ActionKind::Supervision | ActionKind::Delivery | ActionKind::RecordStep => format!("supervision {target}"),
        ActionKind::UnsubscriptionDecision | ActionKind::RecordUnsubscription => format!("unsubscription {target}"),
        ActionKind::InvoiceIssued | ActionKind::RecordInvoiceRequest => format!("invoice request {target}"),
    }
}

/// The marketplace, reachable or cut off: the sandbox stops listening and comes back on the same port with its
/// world as it was (as the console's "cut the network" does).
struct Market {
    state: Arc<AppState>,
    addr: SocketAddr,
    running: Option<RunningSandbox>,
    http: reqwest::Client,
}

impl Market {
    fn online(&self) -> bool {
        self.running.is_some()
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base_url()))
            .bearer_auth(self.state.cfg.feed_token.expose());
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("the sandbox's admin API answers");
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }

    /// Moves the marketplace's clock: through the admin API when reachable, on the clock itself when cut off
    /// (the marketplace does not stop for a seller's network).
    async fn advance(&self, hours: u64) {
        if self.online() {
            self.admin(reqwest::Method::POST, "/admin/clock", Some(json!({"advance_seconds": hours * 3600}))).await;
        } else {
            self.state.clock.advance(chrono::Duration::hours(hours as i64)).expect("the clock moves forward");
        }
    }

    async fn cut(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await.expect("the sandbox stops");
        }
    }

    async fn restore(&mut self) {
        if self.running.is_none() {
            self.running = Some(serve_state(self.state.clone(), self.addr).await.expect("the sandbox serves again"));
        }
    }
}

/// A random fault rule for `POST /admin/faults`; returns it and its kind.
fn random_fault(rng: &mut Rng) -> (Value, &'static str, bool) {
    const ROUTES: &[&str] = &[
        "*",
        "/feed/v1",
        "/feed/v1/orders$",
        "/feed/v1/supervision$",
        "/feed/v1/unsubscriptions$",
        "/feed/v1/invoice-requests$",
        "/feed/v1/bills$",
        "/feed/v1/supervision/",
        "/feed/v1/unsubscriptions/",
        "/feed/v1/invoice-requests/",
    ];
    let route = *rng.pick(ROUTES).expect("routes");
    let mut rule = match rng.below(10) {
        0..=2 => json!({"route": route, "kind": "status", "status": *rng.pick(&[500, 502, 503, 504]).expect("codes")}),
        3..=4 => json!({"route": route, "kind": "truncate"}),
        5..=6 => json!({"route": route, "kind": "reset"}),
        7..=8 => json!({"route": route, "kind": "latency", "ms": rng.range(1, 80)}),
        _ => json!({"route": route, "kind": "bad-signature"}),
    };
    let kind = match rule["kind"].as_str() {
        Some("status") => "5xx",
        Some("truncate") => "truncate",
        Some("reset") => "reset",
        Some("latency") => "latency",
        _ => "bad-signature",
    };
    // Most faults hit a few requests; some stay until cleared.
    let persistent = rng.chance(0.1);
    if !persistent {
        let count = if rng.chance(0.75) { rng.range(1, 5) } else { rng.range(6, 20) };
        rule["count"] = json!(count);
    }
    (rule, kind, persistent)
}

/// Something a screen offers the seller to act on, as the store showed it: the target, its step (flows), its
/// change sequence (a flow's is the later of the flow's and its order's: the feed numbers every change of every
/// kind in one sequence, and a flow is offered while its order is in progress), and the row's own `seq`, which the
/// screen sends back with the action.
#[derive(Debug, Clone)]
struct Offer {
    target: String,
    step: String,
    seq: i64,
    shown: i64,
}

/// What the seller's screens offer: the supervision flows at a merchant step, the pending unsubscriptions, the
/// requested invoices — read through a reader connection, as the screens read.
async fn offered(readers: &Readers) -> (Vec<Offer>, Vec<Offer>, Vec<Offer>) {
    readers
        .read(|s| {
            let c = s.connection();
            let offers = |sql: &str| -> Result<Vec<Offer>, StoreError> {
                let mut stmt = c.prepare(sql)?;
                let mut out = Vec::new();
                for row in stmt.query_map([], |r| {
                    Ok(Offer { target: r.get(0)?, step: r.get(1)?, seq: r.get(2)?, shown: r.get(3)? })
                })? {
                    out.push(row?);
                }
                Ok(out)
            };
            let flows = offers(
                "SELECT f.order_id, f.step, max(f.seq, o.seq), f.seq FROM supervision_flows f JOIN orders o USING (order_id)
                  WHERE f.side = 'merchant' AND f.frozen_by IS NULL AND o.status = 'in-progress'
                  ORDER BY f.order_id",
            )?;
            let unsubs = offers("SELECT id, '', seq, seq FROM unsubscriptions WHERE status = 'pending' ORDER BY id")?;
            let invoices = offers("SELECT id, '', seq, seq FROM invoice_requests WHERE status = 'requested' ORDER BY id")?;
            Ok((flows, unsubs, invoices))
        })
        .await
        .expect("the screens read the store")
}

/// What one burst of seller actions came to.
#[derive(Debug, Default)]
struct Acted {
    queued: Vec<Queued>,
    refused_locally: u64,
    /// Refused locally: taken on a screen the store had moved past (`StoreError::Stale`).
    refused_stale: u64,
    no_target: u64,
}

/// The seller takes `n` actions on what the screens show; each is queued in the outbox (or refused there, while
/// its target has an action in flight).
/// `today` is the marketplace's now, the date an invoice the seller enters was issued.
async fn seller_acts(
    writer: &Writer,
    readers: &Readers,
    rng: &mut Rng,
    n: u64,
    numbers: &AtomicU64,
    today: &str,
) -> Acted {
    let mut acted = Acted::default();
    for _ in 0..n {
        let (flows, unsubs, invoices) = offered(readers).await;
        let choice = match rng.below(10) {
            0..=4 if !flows.is_empty() => 0,
            5..=6 if !unsubs.is_empty() => 1,
            7..=9 if !invoices.is_empty() => 2,
            _ if !flows.is_empty() => 0,
            _ if !invoices.is_empty() => 2,
            _ if !unsubs.is_empty() => 1,
            _ => {
                acted.no_target += 1;
                continue;
            }
        };
        let (kind, target, payload, seen) = match choice {
            0 => {
                let offer = rng.pick(&flows).cloned().expect("a flow");
                let order = offer.target.clone();
                let (kind, target, payload) = match offer.step.as_str() {
                    "confirm-requirements" if rng.chance(0.15) => (
                        ActionKind::Supervision,
                        order,
                        json!({"action": "reject", "reason": "需求描述不完整，请补充验收标准"}),
                    ),
                    "confirm-requirements" => (ActionKind::Supervision, order, json!({"action": "confirm"})),
                    "activate-code" => (ActionKind::Supervision, order, json!({"action": "activate"})),
                    _ => {
                        let body = format!("交付报告 {order} {}", rng.next());
                        (
                            ActionKind::Delivery,
                            order.clone(),
                            json!({
                                "file_name": format!("交付报告-{order}.pdf"),
                                "content_base64": base64::engine::general_purpose::STANDARD.encode(body.as_bytes()),
                            }),
                        )
                    }
                };
                (kind, target, payload, (offer.seq, offer.shown))
            }
            1 => {
                let offer = rng.pick(&unsubs).cloned().expect("an unsubscription");
                let payload = if rng.chance(0.6) {
                    json!({"approve": true, "reason": ""})
                } else {
                    json!({"approve": false, "reason": "服务已按约定交付"})
                };
                (ActionKind::UnsubscriptionDecision, offer.target, payload, (offer.seq, offer.shown))
            }
            _ => {
                let offer = rng.pick(&invoices).cloned().expect("an invoice request");
                let number = format!("26{:018}", numbers.fetch_add(1, Ordering::SeqCst));
                let mut payload = json!({"invoice_number": number});
                if rng.chance(0.3) {
                    payload["issued_at"] = json!(today);
                }
                (ActionKind::InvoiceIssued, offer.target, payload, (offer.seq, offer.shown))
            }
        };
        let (t, p, (seen, shown)) = (target.clone(), payload.clone(), seen);
        match writer.run(move |s| s.enqueue_from_screen(kind, &t, p, shown, now_ts())).await {
            Ok(action_id) => acted.queued.push(Queued { action_id, kind, target, payload, seen_seq: seen }),
            Err(StoreError::Invalid(why)) => {
                assert!(why.contains("KooGallery"), "refused locally only for an action in flight: {why}");
                acted.refused_locally += 1;
            }
            Err(StoreError::Stale { shown: s, stored, .. }) => {
                assert!(stored > s, "refused as stale only when the store moved past the screen");
                acted.refused_stale += 1;
            }
            Err(e) => panic!("queuing {} on {target}: {e}", kind.as_str()),
        }
    }
    acted
}

fn options(rng: &mut Rng, push_all_pending: bool) -> SyncOptions {
    SyncOptions {
        page_size: *rng.pick(&[20, 100, 500]).expect("sizes"),
        attempts: 3,
        backoff: Duration::from_millis(2),
        now_ts: now_ts(),
        push_all_pending,
    }
}

/// A sync or a push, one at a time (the console's sync lock).
async fn run_sync(
    lock: &tokio::sync::Mutex<()>,
    writer: &Writer,
    client: &FeedClient,
    opts: SyncOptions,
    push_only: bool,
) -> SyncReport {
    let _one_at_a_time = lock.lock().await;
    let r = if push_only { push_and_echo(writer, client, &opts).await } else { sync(writer, client, &opts).await };
    r.unwrap_or_else(|e| panic!("a {} failed outright: {e}", if push_only { "push" } else { "sync" }))
}

fn kind_name(k: ActionKind) -> &'static str {
    k.as_str()
}

// ---- the end: the store against the marketplace ----

/// Every item of a feed as the sandbox has it now (each entity once, at its latest change).
fn world_feed<T: DeserializeOwned>(world: &koodesk_sandbox::world::World, kind: Kind) -> Vec<T> {
    let mut out = Vec::new();
    let mut after = 0u64;
    loop {
        let body = world.page_json(kind, after, feed::MAX_PAGE);
        let page: feed::Page<Value> = serde_json::from_slice(&body).expect("the sandbox's own page parses");
        if let Some(last) = page.items.last() {
            after = last["seq"].as_u64().expect("a seq");
        }
        for item in page.items {
            out.push(serde_json::from_value(item).expect("a feed item"));
        }
        if !page.has_more {
            return out;
        }
    }
}

/// A kebab-case enum value as the store keeps it.
fn name<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("an enum serialises")
}

fn ts(s: &str) -> Value {
    json!(time::parse_datetime(s).expect("a feed time").timestamp())
}

fn opt_ts(s: &Option<String>) -> Value {
    s.as_deref().map(ts).unwrap_or(Value::Null)
}

fn fen(c: koodesk_domain::money::Cny) -> Value {
    json!(c.to_fen().expect("an amount in range"))
}

/// Rows of a query, each a JSON array (`SELECT json_array(…)`), sorted.
async fn store_rows(readers: &Readers, sql: &'static str) -> Vec<Value> {
    let mut rows = readers
        .read(move |s| {
            let mut stmt = s.connection().prepare(sql)?;
            let mut out = Vec::new();
            for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
                out.push(serde_json::from_str::<Value>(&row?).map_err(|e| {
                    StoreError::Invalid(koodesk_store::Problem::new(
                        "row",
                        koodesk_store::Rule::BadFormat,
                        e.to_string(),
                    ))
                })?);
            }
            Ok(out)
        })
        .await
        .expect("the store reads");
    rows.sort_by_key(|v| v.to_string());
    rows
}

/// Compares a whole table; on a difference, names the first rows that differ on each side.
fn same_table(what: &str, store: &[Value], mut world: Vec<Value>, failures: &mut Vec<String>) -> usize {
    world.sort_by_key(|v| v.to_string());
    if store != world.as_slice() {
        let s: BTreeSet<String> = store.iter().map(Value::to_string).collect();
        let w: BTreeSet<String> = world.iter().map(Value::to_string).collect();
        let only_store: Vec<&String> = s.difference(&w).take(3).collect();
        let only_world: Vec<&String> = w.difference(&s).take(3).collect();
        failures.push(format!(
            "{what}: the store has {} rows, the sandbox {}; {} differ; only in the store: {only_store:?}; only in \
             the sandbox: {only_world:?}",
            store.len(),
            world.len(),
            s.symmetric_difference(&w).count()
        ));
    }
    world.len()
}

/// The marketplace's own state at the end: every feed as the sandbox renders it, the actions it accepted, the
/// seller's moves on each flow, and a few columns straight from the world's records.
struct Marketplace {
    orders: Vec<FeedOrder>,
    flows: Vec<FeedFlow>,
    unsubs: Vec<FeedUnsubscription>,
    invoices: Vec<FeedInvoiceRequest>,
    bills: Vec<FeedBill>,
    /// action_id → (entity, the sequence answered).
    accepted: HashMap<String, (String, u64)>,
    /// order ID → the seller's moves on its flow.
    seller_moves: HashMap<String, usize>,
    direct_orders: Vec<Value>,
    direct_flows: Vec<Value>,
}

impl Marketplace {
    fn of(world: &koodesk_sandbox::world::World) -> Marketplace {
        let start_at = world.config().start;
        // The seller's moves on each flow, as the marketplace recorded them (the sandbox plays the merchant only
        // in the history, which ends before the start).
        let mut seller_moves: HashMap<String, usize> = HashMap::new();
        for f in world.flows() {
            let n = f.flow.history().iter().filter(|t| t.actor == Side::Merchant && t.at >= start_at).count();
            if n > 0 {
                seller_moves.insert(world.orders()[f.order].id.clone(), n);
            }
        }
        Marketplace {
            orders: world_feed(world, Kind::Orders),
            flows: world_feed(world, Kind::Supervision),
            unsubs: world_feed(world, Kind::Unsubscriptions),
            invoices: world_feed(world, Kind::InvoiceRequests),
            bills: world_feed(world, Kind::Bills),
            accepted: world.accepted_actions().map(|(id, e, seq)| (id.to_string(), (e.to_string(), seq))).collect(),
            seller_moves,
            direct_orders: world.orders().iter().map(|o| json!([o.id, name(&o.status)])).collect(),
            direct_flows: world
                .flows()
                .iter()
                .map(|f| json!([world.orders()[f.order].id, name(&f.flow.step()), f.flow.rejections()]))
                .collect(),
        }
    }
}

/// How many rows the main tables hold.
struct Sizes {
    orders: usize,
    flows: usize,
    unsubs: usize,
    invoices: usize,
    bills: usize,
}

/// The store equals the marketplace: every table the feed fills, the feed's columns, whole and sorted.
async fn compare_tables(readers: &Readers, m: &Marketplace, failures: &mut Vec<String>) -> Sizes {
    let Marketplace { orders, flows, unsubs, invoices, bills, .. } = m;
    let n_orders = same_table(
        "orders",
        &store_rows(
            readers,
            "SELECT json_array(order_id, order_type, created_ts, product_id, buyer_id, amount_fen, status, scenario,
                               settled_ts, license_code, seq) FROM orders",
        )
        .await,
        orders
            .iter()
            .map(|o| {
                json!([
                    o.order_id,
                    name(&o.order_type),
                    ts(&o.created_at),
                    o.product.product_id,
                    o.buyer.buyer_id,
                    fen(o.amount),
                    name(&o.status),
                    o.scenario.as_ref().map(name).unwrap_or(Value::Null),
                    opt_ts(&o.settled_at),
                    o.license_code,
                    o.seq
                ])
            })
            .collect(),
        failures,
    );
    same_table(
        "order_lines",
        &store_rows(readers, "SELECT json_array(order_line_id, order_id, product_id, amount_fen) FROM order_lines")
            .await,
        orders.iter().map(|o| json!([o.order_line_id, o.order_id, o.product.product_id, fen(o.amount)])).collect(),
        failures,
    );
    same_table(
        "interface_calls",
        &store_rows(
            readers,
            "SELECT json_array(order_id, idx, activity, attempt, at_ts, result_code, instance_id, result_msg,
                               failure, http_status, elapsed_ms)
               FROM interface_calls",
        )
        .await,
        orders
            .iter()
            .flat_map(|o| {
                o.interface_calls.iter().enumerate().map(|(i, c)| {
                    json!([
                        o.order_id,
                        i,
                        c.activity,
                        c.attempt,
                        ts(&c.at),
                        c.result_code,
                        c.instance_id,
                        c.result_msg,
                        c.failure,
                        c.http_status,
                        c.elapsed_ms
                    ])
                })
            })
            .collect(),
        failures,
    );
    let n_flows = same_table(
        "supervision_flows",
        &store_rows(
            readers,
            "SELECT json_array(order_id, product_type, step, side, step_started_ts, rejections, frozen_by, rereview,
                               parcel_signed_ts, seq) FROM supervision_flows",
        )
        .await,
        flows
            .iter()
            .map(|f| {
                json!([
                    f.order_id,
                    name(&f.product_type),
                    name(&f.step),
                    f.side.as_ref().map(name).unwrap_or(Value::Null),
                    ts(&f.step_started_at),
                    f.rejections,
                    f.frozen_by.as_ref().map(name).unwrap_or(Value::Null),
                    i64::from(f.rereview),
                    opt_ts(&f.parcel_signed_at),
                    f.seq
                ])
            })
            .collect(),
        failures,
    );
    same_table(
        "supervision_events",
        &store_rows(
            readers,
            "SELECT json_array(order_id, idx, from_step, to_step, action, actor, at_ts) FROM supervision_events",
        )
        .await,
        flows
            .iter()
            .flat_map(|f| {
                f.history.iter().enumerate().map(|(i, t)| {
                    json!([
                        f.order_id,
                        i,
                        name(&t.from),
                        name(&t.to),
                        t.action.name(),
                        name(&t.actor),
                        t.at.timestamp()
                    ])
                })
            })
            .collect(),
        failures,
    );
    let n_unsubs = same_table(
        "unsubscriptions",
        &store_rows(
            readers,
            "SELECT json_array(id, order_id, rule, requested_ts, refund_fen, paid_fen, reason, status, review_due,
                               decision_reason, seq) FROM unsubscriptions",
        )
        .await,
        unsubs
            .iter()
            .map(|u| {
                json!([
                    u.id,
                    u.order_id,
                    u.rule.as_str(),
                    ts(&u.requested_at),
                    fen(u.refund_amount),
                    fen(u.paid_amount),
                    u.reason,
                    name(&u.status),
                    u.review_due,
                    u.decision_reason,
                    u.seq
                ])
            })
            .collect(),
        failures,
    );
    // (The title is left out: its columns are being reshaped, and the soak is about the sync, not the title.)
    let n_invoices = same_table(
        "invoice_requests",
        &store_rows(
            readers,
            "SELECT json_array(id, requested_ts, kind, medium, amount_fen, status, invoice_number, issued_ts, seq)
               FROM invoice_requests",
        )
        .await,
        invoices
            .iter()
            .map(|r| {
                json!([
                    r.id,
                    ts(&r.requested_at),
                    name(&r.kind),
                    name(&r.medium),
                    fen(r.amount),
                    name(&r.status),
                    r.invoice_number,
                    opt_ts(&r.issued_at),
                    r.seq
                ])
            })
            .collect(),
        failures,
    );
    same_table(
        "invoice_request_orders",
        &store_rows(readers, "SELECT json_array(request_id, order_id) FROM invoice_request_orders").await,
        invoices.iter().flat_map(|r| r.order_ids.iter().map(|o| json!([r.id, o]))).collect(),
        failures,
    );
    let n_bills = same_table(
        "bills",
        &store_rows(
            readers,
            "SELECT json_array(bill_id, period, bill_date, send_by, sign_off_by, payment_by, order_count, amount_fen,
                               platform_fee_fen, merchant_share_fen, status, seq) FROM bills",
        )
        .await,
        bills
            .iter()
            .map(|b| {
                json!([
                    b.bill_id,
                    b.period,
                    b.bill_date,
                    b.send_by,
                    b.sign_off_by,
                    b.payment_by,
                    b.order_count,
                    fen(b.amount),
                    fen(b.platform_fee),
                    fen(b.merchant_share),
                    name(&b.status),
                    b.seq
                ])
            })
            .collect(),
        failures,
    );
    // The same from the world's records themselves, not through the feed's rendering of them.
    same_table(
        "orders (the world's records)",
        &store_rows(readers, "SELECT json_array(order_id, status) FROM orders").await,
        m.direct_orders.clone(),
        failures,
    );
    same_table(
        "flows (the world's records)",
        &store_rows(readers, "SELECT json_array(order_id, step, rejections) FROM supervision_flows").await,
        m.direct_flows.clone(),
        failures,
    );
    // The aggregates the triggers keep, against the tables they summarise.
    same_table(
        "agg_counts",
        &store_rows(
            readers,
            "SELECT json_array(name, value) FROM agg_counts
              WHERE value <> 0 AND (name = 'orders' OR name LIKE 'flows:%' OR name LIKE 'unsubs:%'
                                    OR name LIKE 'invoices:%')",
        )
        .await,
        store_rows(
            readers,
            "SELECT json_array(name, value) FROM (
                 SELECT 'orders' AS name, count(*) AS value FROM orders
                 UNION ALL SELECT 'flows:' || step || ':' || coalesce(side, ''), count(*) FROM supervision_flows GROUP BY 1
                 UNION ALL SELECT 'unsubs:' || status, count(*) FROM unsubscriptions GROUP BY 1
                 UNION ALL SELECT 'invoices:' || status, count(*) FROM invoice_requests GROUP BY 1)
              WHERE value <> 0",
        )
        .await,
        failures,
    );

    Sizes { orders: n_orders, flows: n_flows, unsubs: n_unsubs, invoices: n_invoices, bills: n_bills }
}

/// An outbox row as the end checks read it.
struct OutboxRow {
    /// The outbox's own order: the order the actions were queued in.
    id: i64,
    kind: String,
    target: String,
    status: String,
    echo_seq: Option<u64>,
    last_error: Option<String>,
}

/// Where the seller's actions ended.
struct Tally {
    sent: u64,
    refused: u64,
    pending: u64,
    sent_after_retry: u64,
    most_attempts: i64,
    /// Refusals of an action taken on a screen from before the seller's own accepted action on the target.
    refused_after_own: u64,
}

/// No action lost or doubled: the outbox against what the seller queued and what the marketplace accepted.
async fn check_actions(
    readers: &Readers,
    writer: &Writer,
    m: &Marketplace,
    ledger: &[Queued],
    counts: &Counts,
    failures: &mut Vec<String>,
) -> Tally {
    let Marketplace { unsubs, invoices, accepted, seller_moves, .. } = m;
    let outbox = store_rows(
        readers,
        "SELECT json_array(id, action_id, kind, target, status, echo_seq, last_error, attempts) FROM outbox",
    )
    .await;
    let mut rows: HashMap<String, OutboxRow> = HashMap::new();
    // Sent actions that needed more than one push (a fault, a cut network or a lost reply in between).
    let (mut sent_after_retry, mut most_attempts) = (0u64, 0i64);
    for r in &outbox {
        let attempts = r[7].as_i64().unwrap_or(0);
        if r[4] == "sent" && attempts > 1 {
            sent_after_retry += 1;
        }
        most_attempts = most_attempts.max(attempts);
        let s = |i: usize| r[i].as_str().map(str::to_string).unwrap_or_default();
        let id = s(1);
        let row = OutboxRow {
            id: r[0].as_i64().unwrap_or(0),
            kind: s(2),
            target: s(3),
            status: s(4),
            echo_seq: r[5].as_u64(),
            last_error: r[6].as_str().map(str::to_string),
        };
        if rows.insert(id.clone(), row).is_some() {
            failures.push(format!("action {id} is in the outbox twice"));
        }
    }
    let queued: HashMap<&str, &Queued> = ledger.iter().map(|q| (q.action_id.as_str(), q)).collect();
    if queued.len() != ledger.len() {
        failures.push("an action_id was handed out twice".into());
    }
    let (mut sent, mut refused, mut pending) = (0u64, 0u64, 0u64);
    let mut accepted_per_entity: HashMap<&str, usize> = HashMap::new();
    for (id, (entity, _)) in accepted {
        *accepted_per_entity.entry(entity.as_str()).or_default() += 1;
        if !queued.contains_key(id.as_str()) {
            failures.push(format!("the marketplace accepted {id} ({entity}), which the seller never queued"));
        }
    }
    for q in ledger {
        let Some(OutboxRow { kind, target, status, echo_seq, last_error, .. }) = rows.get(&q.action_id) else {
            failures.push(format!(
                "{} on {} ({}) was queued and is gone from the outbox",
                kind_name(q.kind),
                q.target,
                q.action_id
            ));
            continue;
        };
        if kind != kind_name(q.kind) || target != &q.target {
            failures.push(format!(
                "{}: the outbox has {kind} on {target}, the seller queued {} on {}",
                q.action_id,
                kind_name(q.kind),
                q.target
            ));
        }
        let entity = entity_of(q.kind, &q.target);
        let at_market = accepted.get(&q.action_id);
        match (status.as_str(), at_market) {
            ("sent", Some((e, seq))) => {
                sent += 1;
                if e != &entity {
                    failures.push(format!("{}: sent for {entity}, accepted for {e}", q.action_id));
                }
                if *echo_seq != Some(*seq) {
                    failures.push(format!("{}: echo_seq {echo_seq:?}, the marketplace answered {seq}", q.action_id));
                }
            }
            ("sent", None) => {
                failures.push(format!("{} on {entity} shows as sent; the marketplace never accepted it", q.action_id))
            }
            ("refused", Some(_)) => failures.push(format!(
                "{} on {entity} shows as refused ({}), yet the marketplace accepted it",
                q.action_id,
                last_error.clone().unwrap_or_default()
            )),
            ("refused", None) => refused += 1,
            (other, _) => {
                pending += 1;
                failures.push(format!("{} on {entity} is still {other} after the final syncs", q.action_id));
            }
        }
    }
    for id in rows.keys() {
        if !queued.contains_key(id.as_str()) {
            failures.push(format!("the outbox holds {id}, which the seller never queued"));
        }
    }
    // Each accepted action moved its entity once: one seller move per accepted action on a flow; at most one
    // decision per unsubscription and one issue per invoice request, as the action said.
    let mut accepted_flow_actions: HashMap<&str, usize> = HashMap::new();
    for (entity, n) in &accepted_per_entity {
        if let Some(order) = entity.strip_prefix("supervision ") {
            accepted_flow_actions.insert(order, *n);
        } else if *n > 1 {
            failures.push(format!("{entity}: the marketplace accepted {n} actions"));
        }
    }
    for (order, n) in seller_moves {
        let a = accepted_flow_actions.get(order.as_str()).copied().unwrap_or(0);
        if a != *n {
            failures.push(format!("flow {order}: {n} seller moves at the marketplace for {a} accepted actions"));
        }
    }
    for (order, a) in &accepted_flow_actions {
        if !seller_moves.contains_key(*order) {
            failures.push(format!("flow {order}: {a} accepted actions and no seller move"));
        }
    }
    let unsub_by_id: HashMap<&str, &FeedUnsubscription> = unsubs.iter().map(|u| (u.id.as_str(), u)).collect();
    let invoice_by_id: HashMap<&str, &FeedInvoiceRequest> = invoices.iter().map(|r| (r.id.as_str(), r)).collect();
    for q in ledger.iter().filter(|q| accepted.contains_key(&q.action_id)) {
        match q.kind {
            ActionKind::UnsubscriptionDecision => {
                let approve = q.payload["approve"].as_bool().unwrap_or(false);
                let want = if approve { "approved" } else { "rejected" };
                let got = unsub_by_id.get(q.target.as_str()).map(|u| name(&u.status));
                if got != Some(json!(want)) {
                    failures
                        .push(format!("unsubscription {}: decided {want}, the marketplace shows {got:?}", q.target));
                }
            }
            ActionKind::InvoiceIssued => {
                let got = invoice_by_id.get(q.target.as_str()).and_then(|r| r.invoice_number.clone());
                if got.as_deref() != q.payload["invoice_number"].as_str() {
                    failures.push(format!(
                        "invoice request {}: issued as {}, the marketplace shows {got:?}",
                        q.target, q.payload["invoice_number"]
                    ));
                }
            }
            // Records go to a gateway, never to the sandbox this soak runs against.
            ActionKind::Supervision
            | ActionKind::Delivery
            | ActionKind::RecordStep
            | ActionKind::RecordUnsubscription
            | ActionKind::RecordInvoiceRequest => {}
        }
    }
    // A refusal is legitimate only when the target (for a flow: or its order) had moved on at the marketplace
    // since the screen the seller acted from (a user's appeal, an unsubscription that ended the supervision, the
    // seller's own earlier action not yet on that screen): the store offered nothing the state it showed did not
    // allow.
    let mut now_seq: HashMap<String, u64> = HashMap::new();
    let order_seq: HashMap<&str, u64> = m.orders.iter().map(|o| (o.order_id.as_str(), o.seq)).collect();
    now_seq.extend(m.flows.iter().map(|f| {
        let seq = f.seq.max(order_seq.get(f.order_id.as_str()).copied().unwrap_or(0));
        (entity_of(ActionKind::Supervision, &f.order_id), seq)
    }));
    now_seq.extend(unsubs.iter().map(|u| (entity_of(ActionKind::UnsubscriptionDecision, &u.id), u.seq)));
    now_seq.extend(invoices.iter().map(|r| (entity_of(ActionKind::InvoiceIssued, &r.id), r.seq)));
    // The seller's accepted actions on each entity: (the order they were queued in, the sequence they moved it to).
    let mut own_moves: HashMap<String, Vec<(i64, u64)>> = HashMap::new();
    for q in ledger {
        if let (Some((entity, seq)), Some(row)) = (accepted.get(&q.action_id), rows.get(&q.action_id)) {
            own_moves.entry(entity.clone()).or_default().push((row.id, *seq));
        }
    }
    let mut refused_after_own = 0;
    for q in ledger.iter().filter(|q| rows.get(&q.action_id).is_some_and(|r| r.status == "refused")) {
        let entity = entity_of(q.kind, &q.target);
        let seen = u64::try_from(q.seen_seq).unwrap_or(0);
        let row = rows.get(&q.action_id);
        let why = row.and_then(|r| r.last_error.clone()).unwrap_or_default();
        if now_seq.get(&entity).is_none_or(|&now| now <= seen) {
            failures.push(format!(
                "{} on {entity} was refused ({why}), yet the marketplace's {entity} is as the seller saw it (seq {seen})",
                q.action_id
            ));
        }
        // Queued after an accepted action of the seller's on the same target (so after its echo: the queue
        // refuses while one is in flight), from a screen read before that action's change reached the store.
        let id = row.map_or(0, |r| r.id);
        let earlier = own_moves.get(&entity).and_then(|m| m.iter().find(|&&(a, seq)| a < id && seq > seen));
        // The queue refuses such an action itself (in flight, or a stale screen): KooGallery never sees it.
        if let Some((_, seq)) = earlier {
            refused_after_own += 1;
            failures.push(format!(
                "{} ({} on {entity}) taken on a screen at seq {seen}, after the seller's own action had moved it to \
                 seq {seq}, reached KooGallery and was refused ({why}): the queue should have refused it as stale",
                q.action_id,
                kind_name(q.kind)
            ));
        }
    }
    let (in_flight, damaged) =
        writer.run(|s| Ok((s.in_flight_counts()?, s.damaged_actions()?.len()))).await.expect("the outbox reads");
    if in_flight != (0, 0) {
        failures.push(format!("after the final syncs, {} queued and {} awaiting their echo", in_flight.0, in_flight.1));
    }
    if damaged != 0 || counts.damaged != 0 {
        failures.push(format!("{damaged} damaged outbox rows ({} reported by syncs)", counts.damaged));
    }
    // The client pushed each action to its end once: as many "sent" and "refused" as the reports said.
    if (counts.sent, counts.refused_by_marketplace) != (sent, refused) {
        failures.push(format!(
            "the syncs reported {} sent and {} refused; the outbox holds {sent} sent and {refused} refused",
            counts.sent, counts.refused_by_marketplace
        ));
    }

    Tally { sent, refused, pending, sent_after_retry, most_attempts, refused_after_own }
}

/// The file is sound: `PRAGMA integrity_check` (returned) and no dangling reference.
async fn check_file(writer: &Writer, failures: &mut Vec<String>) -> String {
    let integrity = writer.run(|s| s.integrity_check()).await.expect("integrity_check runs");
    if integrity != "ok" {
        failures.push(format!("PRAGMA integrity_check: {integrity}"));
    }
    let fk: i64 = writer
        .run(|s| Ok(s.connection().query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?))
        .await
        .expect("foreign_key_check runs");
    if fk != 0 {
        failures.push(format!("PRAGMA foreign_key_check: {fk} rows"));
    }

    integrity
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_sync_under_faults_and_seller_actions() {
    let secs = env_u64("KOODESK_SOAK_SECS", DEFAULT_SECS);
    let seed = env_u64("KOODESK_SOAK_SEED", DEFAULT_SEED);
    println!("soak: seed {seed} (KOODESK_SOAK_SEED={seed} replays it), {secs} s (KOODESK_SOAK_SECS)");
    let mut rng = Rng(seed);

    // The marketplace: a sandbox whose clock moves only when the soak moves it, 30 days of history.
    let start = time::parse_datetime("2026-03-02T10:00:00").expect("start");
    let mut cfg = SandboxConfig::new(0, seed, start);
    cfg.speed = 0.0;
    cfg.world.history_days = 30;
    let sb = serve(cfg).await.expect("sandbox");
    let mut market = Market { state: sb.state.clone(), addr: sb.addr, running: Some(sb), http: reqwest::Client::new() };
    let client = FeedClient::new(&market.base_url(), market.state.cfg.feed_token.clone()).expect("client");

    // The store: a real WAL file, one writer, a pool of readers.
    let dir = std::env::temp_dir().join(format!("koodesk-soak-{}-{seed}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("koodesk.db");
    let writer = Writer::spawn(Store::open(&path).expect("store")).expect("writer");
    let readers = Readers::open(&path, 2).expect("readers");
    let mode: String = readers
        .read(|s| Ok(s.connection().query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
        .await
        .expect("journal mode");
    assert_eq!(mode, "wal", "a file store in WAL mode");
    println!("soak: store {}", path.display());

    let lock = Arc::new(tokio::sync::Mutex::new(()));
    let numbers = Arc::new(AtomicU64::new(1));
    let mut counts = Counts::default();
    let mut ledger: Vec<Queued> = Vec::new();

    let first =
        run_sync(&lock, &writer, &client, SyncOptions { page_size: 500, ..options(&mut rng, false) }, false).await;
    assert!(first.incomplete.is_empty(), "the first sync, without faults: {:?}", first.incomplete);
    counts.syncs += 1;
    counts.add(&first);

    let began = std::time::Instant::now();
    while began.elapsed() < Duration::from_secs(secs) {
        counts.iterations += 1;

        // The network: faults come and go; now and then it is cut, and comes back.
        if market.online() {
            if rng.chance(0.015) {
                market.cut().await;
                counts.network_cuts += 1;
            } else {
                if rng.chance(0.25) {
                    let (rule, kind, persistent) = random_fault(&mut rng);
                    market.admin(reqwest::Method::POST, "/admin/faults", Some(rule)).await;
                    *counts.faults.entry(kind).or_default() += 1;
                    counts.persistent_faults += u64::from(persistent);
                }
                if rng.chance(0.06) {
                    market.admin(reqwest::Method::DELETE, "/admin/faults", None).await;
                    counts.fault_clears += 1;
                }
            }
        } else if rng.chance(0.3) {
            market.restore().await;
        }

        // What this round does; and the marketplace's time (users submit, accept, appeal; new orders and
        // requests arrive), moved before the round or, in a concurrent round, while the sync runs.
        let round = rng.below(10);
        let advance = rng.chance(0.3).then(|| rng.range(1, 6));
        let during_sync = advance.is_some() && market.online() && (6..=8).contains(&round) && rng.chance(0.5);
        if let (Some(h), false) = (advance, during_sync) {
            market.advance(h).await;
            counts.clock_moves += 1;
        }

        let push_all = rng.chance(0.3);
        let today = time::format_rfc3339(&market.state.clock.now());
        match round {
            // The schedule's sync (or "sync now").
            0..=2 => {
                let r = run_sync(&lock, &writer, &client, options(&mut rng, push_all), false).await;
                counts.syncs += 1;
                counts.add(&r);
            }
            // The seller acts; the console pushes it at once and pulls what it touched.
            3..=5 => {
                let n = rng.range(1, 3);
                let acted = seller_acts(&writer, &readers, &mut rng, n, &numbers, &today).await;
                let any = !acted.queued.is_empty();
                counts.refused_locally += acted.refused_locally;
                counts.refused_stale += acted.refused_stale;
                counts.no_target += acted.no_target;
                for q in acted.queued {
                    *counts.queued.entry(kind_name(q.kind)).or_default() += 1;
                    ledger.push(q);
                }
                if any {
                    let r = run_sync(&lock, &writer, &client, options(&mut rng, false), true).await;
                    counts.pushes += 1;
                    counts.add(&r);
                }
            }
            // The schedule's sync runs while the seller acts (and the marketplace's clock moves): the writer
            // serialises their writes; the push waits for the sync lock.
            6..=8 => {
                counts.concurrent_rounds += 1;
                let opts = options(&mut rng, push_all);
                let push_opts = options(&mut rng, false);
                let n = rng.range(1, 4);
                let mut seller_rng = rng.fork();
                let syncing = {
                    let (lock, writer, client) = (lock.clone(), writer.clone(), client.clone());
                    tokio::spawn(async move { run_sync(&lock, &writer, &client, opts, false).await })
                };
                let acting = {
                    let (lock, writer, readers, client, numbers, today) =
                        (lock.clone(), writer.clone(), readers.clone(), client.clone(), numbers.clone(), today.clone());
                    tokio::spawn(async move {
                        let acted = seller_acts(&writer, &readers, &mut seller_rng, n, &numbers, &today).await;
                        let pushed = if acted.queued.is_empty() {
                            None
                        } else {
                            Some(run_sync(&lock, &writer, &client, push_opts, true).await)
                        };
                        (acted, pushed)
                    })
                };
                if let (Some(h), true) = (advance, during_sync) {
                    market.advance(h).await;
                    counts.clock_moves += 1;
                    counts.clock_moves_during_sync += 1;
                }
                let r = syncing.await.expect("the sync task");
                counts.syncs += 1;
                counts.add(&r);
                let (acted, pushed) = acting.await.expect("the seller's task");
                counts.refused_locally += acted.refused_locally;
                counts.refused_stale += acted.refused_stale;
                counts.no_target += acted.no_target;
                for q in acted.queued {
                    *counts.queued.entry(kind_name(q.kind)).or_default() += 1;
                    ledger.push(q);
                }
                if let Some(r) = pushed {
                    counts.pushes += 1;
                    counts.add(&r);
                }
            }
            // The seller acts and the push is left to the next sync (the console was closed, say).
            _ => {
                let n = rng.range(1, 2);
                let acted = seller_acts(&writer, &readers, &mut rng, n, &numbers, &today).await;
                counts.refused_locally += acted.refused_locally;
                counts.refused_stale += acted.refused_stale;
                counts.no_target += acted.no_target;
                for q in acted.queued {
                    *counts.queued.entry(kind_name(q.kind)).or_default() += 1;
                    ledger.push(q);
                }
            }
        }
    }
    let soaked = began.elapsed();

    // The end: the network back, no faults, syncs until one brings nothing new.
    market.restore().await;
    market.admin(reqwest::Method::DELETE, "/admin/faults", None).await;
    let mut final_syncs = 0;
    let mut level = false;
    while final_syncs < FINAL_SYNCS {
        let r =
            run_sync(&lock, &writer, &client, SyncOptions { page_size: 500, ..options(&mut rng, true) }, false).await;
        final_syncs += 1;
        counts.syncs += 1;
        counts.add(&r);
        assert!(r.incomplete.is_empty() && !r.offline, "a sync without faults is complete: {r:?}");
        let items: usize = r.items.values().sum();
        if items == 0 && r.actions_sent == 0 && r.actions_refused.is_empty() && r.actions_deferred == 0 {
            level = true;
            break;
        }
    }
    assert!(level, "the store did not come level with the marketplace in {FINAL_SYNCS} syncs");

    let mut failures: Vec<String> = Vec::new();
    let (m, start_at) = {
        let world = market.state.world();
        (Marketplace::of(&world), world.config().start)
    };
    let sizes = compare_tables(&readers, &m, &mut failures).await;
    let Tally { sent, refused, pending, sent_after_retry, most_attempts, refused_after_own } =
        check_actions(&readers, &writer, &m, &ledger, &counts, &mut failures).await;
    let integrity = check_file(&writer, &mut failures).await;

    let virtual_days = (market.state.clock.now() - start_at).num_hours() as f64 / 24.0;
    let faults: Vec<String> = counts.faults.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let queued_by_kind: Vec<String> = counts.queued.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let items: Vec<String> = counts.items.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!(
        "soak summary: seed {seed}; {:.1} s soaking ({} iterations, {} with a sync and seller actions at once), {} \
         final syncs; syncs {}, pushes {}; faults injected {} ({}; {} persistent until cleared), cleared {} times, \
         network cut {} times; clock moved {} times ({} during a sync), {virtual_days:.1} virtual days; actions \
         queued {} ({}), refused locally (in flight) {}, refused locally (stale screen) {}, no target offered {}; sent {sent}, refused by the \
         marketplace {refused} (of which {refused_after_own} after the seller's own earlier action on the target, \
         taken on a screen from before its echo), left pending {pending}; sent after more than one push {sent_after_retry} (at most \
         {most_attempts} pushes); deferred {}, untried (offline) {}, retries {}; pages {}, \
         items applied {} ({}); feeds stopped early {}, offline reports {}; final store: {} orders, \
         {} flows, {} unsubscriptions, {} invoice requests, {} bills; \
         integrity_check {integrity}",
        soaked.as_secs_f64(),
        counts.iterations,
        counts.concurrent_rounds,
        final_syncs,
        counts.syncs,
        counts.pushes,
        counts.faults.values().sum::<u64>(),
        faults.join(", "),
        counts.persistent_faults,
        counts.fault_clears,
        counts.network_cuts,
        counts.clock_moves,
        counts.clock_moves_during_sync,
        ledger.len(),
        queued_by_kind.join(", "),
        counts.refused_locally,
        counts.refused_stale,
        counts.no_target,
        counts.deferred,
        counts.untried,
        counts.retries,
        counts.pages,
        counts.items_total(),
        items.join(", "),
        counts.incomplete,
        counts.offline_reports,
        sizes.orders,
        sizes.flows,
        sizes.unsubs,
        sizes.invoices,
        sizes.bills,
    );
    for (reason, n) in &counts.refusal_reasons {
        println!("soak refusals: {n} × {reason}");
    }
    assert!(failures.is_empty(), "seed {seed}: {} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(counts.syncs > 0 && !ledger.is_empty(), "the soak synced and the seller acted");
    if let Some(r) = market.running.take() {
        r.stop().await.expect("the sandbox stops");
    }
    drop((writer, readers));
    let _ = std::fs::remove_dir_all(&dir);
}
