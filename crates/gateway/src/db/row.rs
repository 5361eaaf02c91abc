//! The rows the gateway reads and writes, and their mapping from either engine's rows.

use super::{DbError, DbResult};

/// Where an instance is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceState {
    /// Accepted, not ready yet: queryInstance answers 000004.
    Provisioning,
    Active,
    Frozen,
    Released,
    /// The provision hook refused or broke: newInstance answers 000005 until a retry succeeds.
    Failed,
}

impl InstanceState {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceState::Provisioning => "provisioning",
            InstanceState::Active => "active",
            InstanceState::Frozen => "frozen",
            InstanceState::Released => "released",
            InstanceState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<InstanceState> {
        Some(match s {
            "provisioning" => InstanceState::Provisioning,
            "active" => InstanceState::Active,
            "frozen" => InstanceState::Frozen,
            "released" => InstanceState::Released,
            "failed" => InstanceState::Failed,
            _ => return None,
        })
    }
}

/// What queryInstance answers for an instance: `userName` and `password` as they go on the wire (encrypted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredApp {
    pub front_end_url: String,
    pub admin_url: Option<String>,
    pub user_name: Option<String>,
    pub password: Option<String>,
    pub memo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceRow {
    pub instance_id: String,
    pub order_id: String,
    pub order_line_id: String,
    pub test: bool,
    pub state: InstanceState,
    pub app: Option<StoredApp>,
    pub expire_time: Option<String>,
}

/// A newInstance's candidate row.
#[derive(Debug, Clone)]
pub struct NewInstance {
    pub instance_id: String,
    pub order_id: String,
    pub order_line_id: String,
    pub test: bool,
    pub state: InstanceState,
    pub app: Option<StoredApp>,
    pub now_ms: i64,
}

/// What a call needs from the database in the same batch (and, on PostgreSQL, the same statement) as its nonce:
/// nothing more, the instances it names (queryInstance, and the instance every other activity acts on), or
/// newInstance's upsert — stored only when the nonce is fresh.
#[derive(Debug, Clone)]
pub enum Then {
    Nothing,
    Read(Vec<String>),
    Upsert(NewInstance),
}

/// One request to the first batch a call meets: its nonce (until when it is kept), and what else it needs.
/// Without a nonce, only the rest (upstream mode stores the instance upstream named, after forwarding).
#[derive(Debug, Clone)]
pub struct Step {
    pub nonce: Option<(String, i64)>,
    pub then: Then,
}

/// What a [`Step`] came to.
#[derive(Debug, Clone)]
pub enum Claimed {
    /// The nonce was seen before (at any replica, or earlier in the same batch): nothing else was done.
    Replayed,
    Fresh(Got),
}

/// What a fresh [`Step`] read or stored.
#[derive(Debug, Clone)]
pub enum Got {
    Nothing,
    /// The instances among those named that exist.
    Instances(Vec<InstanceRow>),
    /// The order line's instance: the one stored before, or the candidate (`created`).
    Upserted {
        row: Box<InstanceRow>,
        created: bool,
    },
}

/// A change to an instance. Every change names the states it may start from, so a late writer (a slow hook
/// finishing after a release, two replicas retrying one failed instance) cannot undo another's.
#[derive(Debug, Clone)]
pub enum InstanceChange {
    /// To `to`, from one of `from`; a `provisioning` row only when last changed before `stale_before_ms`.
    Move { to: InstanceState, from: &'static [InstanceState], stale_before_ms: i64 },
    /// refreshInstance: the new expiry (UTC `yyyyMMddHHmmss`).
    Expire(String),
    /// Provisioning finished (only while still provisioning).
    Ready(StoredApp),
}

impl InstanceChange {
    /// A move from any of `from` (a provisioning row whatever its age).
    pub fn to(to: InstanceState, from: &'static [InstanceState]) -> InstanceChange {
        InstanceChange::Move { to, from, stale_before_ms: i64::MAX }
    }

    /// `from` as the `,a,b,` list the statement matches with LIKE.
    pub(super) fn from_list(from: &[InstanceState]) -> String {
        let names: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        format!(",{},", names.join(","))
    }
}

pub const ANY_STATE: &[InstanceState] = &[
    InstanceState::Provisioning,
    InstanceState::Active,
    InstanceState::Frozen,
    InstanceState::Released,
    InstanceState::Failed,
];

/// A call about a real (not debug) order: the order is created when new, and gets a new feed sequence.
#[derive(Debug, Clone)]
pub struct OrderTouch {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    /// The instance is ready (000000): the order is provisioned from now, if it was not already.
    pub provisioned: bool,
}

/// One call, accepted or refused.
#[derive(Debug, Clone)]
pub struct JournalEntry {
    pub received_ms: i64,
    /// `None` when the body could not be read as a request.
    pub activity: Option<String>,
    pub order_id: Option<String>,
    pub order_line_id: Option<String>,
    pub instance_id: Option<String>,
    pub test: bool,
    pub nonce: Option<String>,
    /// As sent (Unix milliseconds, unparsed when refused for it).
    pub timestamp: Option<String>,
    pub source: String,
    pub replica: String,
    /// Why the call was refused before reaching provisioning (`bad-signature`, `replayed`, …), if it was.
    pub refused: Option<&'static str>,
    pub result_code: String,
    /// The reply body sent, with any userName and password masked.
    pub reply: String,
    pub latency_us: i64,
    pub touch: Option<OrderTouch>,
}

/// A journal entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRow {
    pub id: i64,
    pub received_ms: i64,
    pub activity: Option<String>,
    pub order_id: Option<String>,
    pub instance_id: Option<String>,
    pub test: bool,
    pub nonce: Option<String>,
    pub source: String,
    pub replica: String,
    pub refused: Option<String>,
    pub result_code: String,
    pub reply: String,
    pub latency_us: i64,
}

/// A call, as the order's feed entry lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRow {
    pub activity: String,
    pub received_ms: i64,
    pub result_code: String,
    pub instance_id: Option<String>,
    pub latency_us: i64,
}

/// What `order/query` said about an order [KG §8].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enriched {
    /// The order line the details are of (fills an order first seen through orderNotify without one).
    pub order_line_id: String,
    /// `NEW`, `RENEW`, … as the open API spells it.
    pub order_type: String,
    /// RFC 3339, Beijing time.
    pub created_at: String,
    /// `PERIOD`, `ONE_TIME`, `ON_DEMAND`, `ON_DEMAND_PKG`.
    pub charging_mode: String,
    pub period_type: Option<String>,
    pub period_number: Option<i64>,
    pub product_id: String,
    pub sku_code: Option<String>,
    pub product_name: String,
    /// What the buyer paid, yuan, as a decimal string.
    pub amount: String,
    pub buyer_id: String,
    pub buyer_name: String,
    /// `person` or `enterprise`.
    pub buyer_kind: String,
}

/// An order as the feed lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    pub provisioned_ms: Option<i64>,
    pub enriched: Enriched,
    pub seq: i64,
    pub calls: Vec<CallRow>,
}

/// An order taken for enrichment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrichClaim {
    pub order_id: String,
    pub order_line_id: String,
    pub attempts: i64,
}

/// An order the open API has not described yet: listed in the interface-health view with what is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOrder {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    pub first_call_ms: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Counts behind the interface-health view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HealthCounts {
    /// Calls about real orders since the start of the period.
    pub calls: i64,
    /// Real orders with at least one call answered with a failure code (not 000000 or 000004).
    pub failed_orders: i64,
    /// Failed orders by product ID (`None` while the order's details are not known).
    pub failed_by_product: Vec<(Option<String>, i64)>,
    /// Replies at least [`SLOW_MS`](koodesk_protocol::interface_health::SLOW_MS) slow, those past the timeout,
    /// and the slowest, in microseconds.
    pub slow: i64,
    pub timed_out: i64,
    pub slowest_us: Option<i64>,
    /// Refused calls by reason.
    pub refused: Vec<(String, i64)>,
    /// The newest debug call (KooGallery's saved cases and dial tests): received at, activity, result code.
    pub last_test_call: Option<(i64, String, String)>,
    pub enrichment_backlog: i64,
}

/// Reading a column from either engine's row.
pub(super) trait Columns {
    fn text(&self, i: usize) -> DbResult<Option<String>>;
    fn int(&self, i: usize) -> DbResult<Option<i64>>;
    fn flag(&self, i: usize) -> DbResult<bool>;

    fn req_text(&self, i: usize, what: &'static str) -> DbResult<String> {
        self.text(i)?.ok_or_else(|| damaged(what, "is NULL"))
    }
    fn req_int(&self, i: usize, what: &'static str) -> DbResult<i64> {
        self.int(i)?.ok_or_else(|| damaged(what, "is NULL"))
    }
}

pub(super) fn damaged(what: &'static str, detail: &str) -> DbError {
    DbError { engine: "", doing: "reading a stored row", detail: format!("{what} {detail}: the row is damaged") }
}

/// Columns: instance_id, order_id, order_line_id, test, state, front_end_url, admin_url, user_name, password, memo,
/// expire_time.
pub(super) const INSTANCE_COLUMNS: &str = "instance_id, order_id, order_line_id, test, state, front_end_url, \
     admin_url, user_name, password, memo, expire_time";

pub(super) fn instance(r: &impl Columns) -> DbResult<InstanceRow> {
    let state = r.req_text(4, "instances.state")?;
    let app = r.text(5)?.map(|front_end_url| -> DbResult<StoredApp> {
        Ok(StoredApp {
            front_end_url,
            admin_url: r.text(6)?,
            user_name: r.text(7)?,
            password: r.text(8)?,
            memo: r.text(9)?,
        })
    });
    Ok(InstanceRow {
        instance_id: r.req_text(0, "instances.instance_id")?,
        order_id: r.req_text(1, "instances.order_id")?,
        order_line_id: r.req_text(2, "instances.order_line_id")?,
        test: r.flag(3)?,
        state: InstanceState::parse(&state).ok_or_else(|| damaged("instances.state", &format!("is `{state}`")))?,
        app: app.transpose()?,
        expire_time: r.text(10)?,
    })
}

pub(super) fn journal(r: &impl Columns) -> DbResult<JournalRow> {
    Ok(JournalRow {
        id: r.req_int(0, "journal.id")?,
        received_ms: r.req_int(1, "journal.received_ms")?,
        activity: r.text(2)?,
        order_id: r.text(3)?,
        instance_id: r.text(4)?,
        test: r.flag(5)?,
        nonce: r.text(6)?,
        source: r.req_text(7, "journal.source")?,
        replica: r.req_text(8, "journal.replica")?,
        refused: r.text(9)?,
        result_code: r.req_text(10, "journal.result_code")?,
        reply: r.req_text(11, "journal.reply")?,
        latency_us: r.req_int(12, "journal.latency_us")?,
    })
}

pub(super) fn order(r: &impl Columns) -> DbResult<OrderRow> {
    Ok(OrderRow {
        order_id: r.req_text(0, "orders.order_id")?,
        order_line_id: r.req_text(1, "orders.order_line_id")?,
        instance_id: r.text(2)?,
        provisioned_ms: r.int(3)?,
        enriched: Enriched {
            order_line_id: r.req_text(1, "orders.order_line_id")?,
            order_type: r.req_text(4, "orders.order_type")?,
            created_at: r.req_text(5, "orders.created_at")?,
            charging_mode: r.req_text(6, "orders.charging_mode")?,
            period_type: r.text(7)?,
            period_number: r.int(8)?,
            product_id: r.req_text(9, "orders.product_id")?,
            sku_code: r.text(10)?,
            product_name: r.req_text(11, "orders.product_name")?,
            amount: r.req_text(12, "orders.amount")?,
            buyer_id: r.req_text(13, "orders.buyer_id")?,
            buyer_name: r.req_text(14, "orders.buyer_name")?,
            buyer_kind: r.req_text(15, "orders.buyer_kind")?,
        },
        seq: r.req_int(16, "orders.seq")?,
        calls: Vec::new(),
    })
}

/// Columns: order_id, activity, received_ms, result_code, instance_id, latency_us.
pub(super) fn call(r: &impl Columns) -> DbResult<(String, CallRow)> {
    Ok((
        r.req_text(0, "journal.order_id")?,
        CallRow {
            activity: r.req_text(1, "journal.activity")?,
            received_ms: r.req_int(2, "journal.received_ms")?,
            result_code: r.req_text(3, "journal.result_code")?,
            instance_id: r.text(4)?,
            latency_us: r.req_int(5, "journal.latency_us")?,
        },
    ))
}

pub(super) fn pending(r: &impl Columns) -> DbResult<PendingOrder> {
    Ok(PendingOrder {
        order_id: r.req_text(0, "orders.order_id")?,
        order_line_id: r.req_text(1, "orders.order_line_id")?,
        instance_id: r.text(2)?,
        first_call_ms: r.req_int(3, "orders.first_call_ms")?,
        attempts: r.req_int(4, "orders.enrich_attempts")?,
        last_error: r.text(5)?,
    })
}

/// The orders one batch of journal entries touches, once each (sorted by order ID, so replicas lock rows in
/// one order): the first call's time, the first instance named, provisioned if any call provisioned it.
pub(super) struct MergedTouch {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    pub first_call_ms: i64,
    pub provisioned_ms: Option<i64>,
}

pub(super) fn merge_touches(batch: &[JournalEntry]) -> Vec<MergedTouch> {
    let mut by_order: std::collections::BTreeMap<&str, MergedTouch> = std::collections::BTreeMap::new();
    for j in batch {
        let Some(t) = &j.touch else { continue };
        let m = by_order.entry(t.order_id.as_str()).or_insert_with(|| MergedTouch {
            order_id: t.order_id.clone(),
            order_line_id: String::new(),
            instance_id: None,
            first_call_ms: j.received_ms,
            provisioned_ms: None,
        });
        if m.order_line_id.is_empty() {
            m.order_line_id = t.order_line_id.clone();
        }
        if m.instance_id.is_none() {
            m.instance_id = t.instance_id.clone();
        }
        m.first_call_ms = m.first_call_ms.min(j.received_ms);
        if t.provisioned {
            m.provisioned_ms = Some(m.provisioned_ms.map_or(j.received_ms, |p| p.min(j.received_ms)));
        }
    }
    by_order.into_values().collect()
}

/// Attaches each order's calls (given oldest first) to it.
pub(super) fn attach_calls(orders: &mut [OrderRow], calls: Vec<(String, CallRow)>) {
    for (order_id, call) in calls {
        if let Some(o) = orders.iter_mut().find(|o| o.order_id == order_id) {
            o.calls.push(call);
        }
    }
}

/// The slow-reply and timeout thresholds of the interface-health view, in the journal's microseconds [KG §7].
pub(super) fn reply_thresholds_us() -> (i64, i64) {
    use koodesk_protocol::interface_health::{SLOW_MS, TIMEOUT_MS};
    (SLOW_MS * 1000, TIMEOUT_MS * 1000)
}
