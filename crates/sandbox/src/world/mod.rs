//! The simulated marketplace: buyers, products, orders arriving over time, supervision flows advancing, unsubscription
//! and invoice requests, monthly bills.
//!
//! The world is a function of its seed, the virtual time, and the seller's actions: hour `h` of the simulation
//! draws from a generator seeded by (seed, h, entity), so advancing in one jump or hour by hour gives the same
//! world, and so does starting at another time: `h` counts from the epoch, and no generator is seeded with a
//! timestamp. Before `start` (the history) the sandbox also plays the merchant; from `start` on, merchant-side steps
//! wait for the seller, who acts through the feed.

mod catalog;
mod image;
mod interface_health;
mod open_api;
mod provisioning;
mod simulate;

use std::collections::{BTreeMap, BinaryHeap, HashMap};

use chrono::{Duration, NaiveDate};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::invoice::{InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::refund::RefundRule;
use koodesk_domain::supervision::{Action, Flow, Side};
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::feed::{
    self, ActionOutcome, FeedBill, FeedFlow, FeedInterfaceCall, FeedInvoiceRequest, FeedOrder, FeedUnsubscription,
    InvoiceRequestStatus, InvoiceTitle, Kind, OrderStatus, SupervisionAction, UnsubscriptionStatus,
};
use koodesk_protocol::open_api::OrderType;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

pub use catalog::{Buyer, Product};
pub use open_api::{utc_compact, LicenseCodeInfo};
pub use provisioning::{LiveCall, LiveOutcome, OrderRequest};

/// What the world is made from.
#[derive(Debug, Clone)]
pub struct WorldConfig {
    pub seed: u64,
    pub buyers: usize,
    pub products: usize,
    pub orders_per_day: f64,
    /// Days of history simulated before `start`.
    pub history_days: i64,
    /// The virtual time at which the sandbox starts; the seller acts from here on.
    pub start: Instant,
}

impl WorldConfig {
    pub fn epoch(&self) -> Instant {
        self.start - Duration::days(self.history_days)
    }
}

#[derive(Debug, Clone)]
pub struct OrderRec {
    pub id: String,
    pub line_id: String,
    pub order_type: OrderType,
    pub created_at: Instant,
    pub product: usize,
    pub buyer: usize,
    /// What the buyer paid (`currencyAfterDiscount` in `order/query`).
    pub amount: Cny,
    /// The list price (`currency`): the product's price × quantity, before a trial's or a discount's reduction.
    pub list_price: Cny,
    pub status: OrderStatus,
    pub settled_at: Option<Instant>,
    pub flow: Option<usize>,
    /// KooGallery's production-interface calls for the order (SaaS), every attempt.
    pub calls: Vec<FeedInterfaceCall>,
    /// Whether its calls are made for real, to the seller's production interface (see [`World::enable_live_calls`]).
    pub live: bool,
    /// The instance the seller's interface returned for it (live orders).
    pub instance_id: Option<String>,
    seq: u64,
}

#[derive(Debug, Clone)]
pub struct FlowRec {
    pub order: usize,
    pub flow: Flow,
    /// A user who never acts: the merchant's appeal is the way out.
    pub unresponsive_user: bool,
    /// Delivery proofs uploaded by the seller: (file name, size in bytes).
    pub proofs: Vec<(String, usize)>,
    seq: u64,
}

#[derive(Debug, Clone)]
pub struct UnsubRec {
    pub id: String,
    pub order: usize,
    pub rule: RefundRule,
    pub requested_at: Instant,
    pub refund_amount: Cny,
    pub reason: String,
    pub status: UnsubscriptionStatus,
    pub review_due: Option<NaiveDate>,
    pub decision_reason: Option<String>,
    seq: u64,
}

#[derive(Debug, Clone)]
pub struct InvoiceRec {
    pub id: String,
    pub orders: Vec<usize>,
    pub requested_at: Instant,
    pub kind: InvoiceKind,
    pub medium: Medium,
    pub title: InvoiceTitle,
    pub amount: Cny,
    pub status: InvoiceRequestStatus,
    pub number: Option<String>,
    pub issued_at: Option<Instant>,
    seq: u64,
}

/// Events scheduled for later in the simulation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    InvoiceRequest {
        order: usize,
    },
    Unsubscription {
        order: usize,
    },
    /// KooGallery calls the seller's production interface again (a retry, or a poll after 000004).
    InterfaceAttempt {
        order: usize,
        activity: &'static str,
        attempt: u32,
    },
}

/// Why the world refused a seller's action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    #[error("no {what} `{id}`")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Invalid(String),
}

impl WorldError {
    pub fn code(&self) -> &'static str {
        match self {
            WorldError::NotFound { .. } => "not-found",
            WorldError::Refused(_) => "refused",
            WorldError::Invalid(_) => "invalid",
        }
    }
}

/// Counts, for the admin API and the start banner.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub now: String,
    pub buyers: usize,
    pub products: usize,
    pub orders: usize,
    pub flows: usize,
    pub flows_waiting_on_merchant: usize,
    pub unsubscriptions_pending: usize,
    pub invoice_requests_open: usize,
    pub bills: usize,
}

pub struct World {
    cfg: WorldConfig,
    calendar: &'static WorkingCalendar,
    buyers: Vec<Buyer>,
    products: Vec<Product>,
    orders: Vec<OrderRec>,
    order_index: HashMap<String, usize>,
    flows: Vec<FlowRec>,
    unsubs: Vec<UnsubRec>,
    invoices: Vec<InvoiceRec>,
    bills: Vec<FeedBill>,
    events: BinaryHeap<std::cmp::Reverse<(Instant, u64, Event)>>,
    event_counter: u64,
    /// Change sequence, one counter for all kinds; each kind's index maps seq → record.
    seq: u64,
    index: [BTreeMap<u64, usize>; 5],
    /// Hours simulated since the epoch.
    hours: i64,
    now: Instant,
    actions: HashMap<String, (String, u64)>,
    /// Flows not yet completed, unsubscriptions awaiting review, invoice requests not yet issued: what the
    /// simulation visits each hour, so an hour costs what is open, not everything ever sold.
    active_flows: Vec<usize>,
    pending_unsubs: Vec<usize>,
    open_invoices: Vec<usize>,
    /// Whether SaaS orders from `start` on are provisioned by real calls (queued in `live_queue`).
    live_calls: bool,
    live_queue: Vec<provisioning::LiveCall>,
}

/// What a generator draws for, beside the hour: each kind of draw keyed by an entity or event has its own range,
/// so no two draws of one hour share a stream. (New orders use salt 1; flows, unsubscriptions and invoice
/// requests `1_000_000`, `2_000_000` and `3_000_000` + their index.)
pub(crate) mod salt {
    const RANGE: u64 = 1 << 40;
    /// A scheduled event, by its number.
    pub const EVENT: u64 = RANGE;
    /// The simulated production-interface calls of an order, by its index.
    pub const CALLS: u64 = 2 * RANGE;
    /// A refund the seller approved, by the order's index.
    pub const REFUND: u64 = 3 * RANGE;
    /// Orders placed through the admin API, by the number of orders before them.
    pub const PLACED: u64 = 4 * RANGE;
}

/// A generator for one entity in one hour: independent of everything else drawn. `hour` is an hour of the
/// simulation ([`World::hour_of`]), never a timestamp: the same seed then draws the same world whatever its start.
pub(crate) fn rng_for(seed: u64, hour: i64, salt: u64) -> ChaCha8Rng {
    let mut x = seed ^ (hour as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    ChaCha8Rng::seed_from_u64(x)
}

impl World {
    /// A world at its epoch; call [`World::advance_to`] to bring it to a time.
    pub fn new(cfg: WorldConfig) -> World {
        let mut rng = rng_for(cfg.seed, -1, 0);
        let buyers = catalog::buyers(&mut rng, cfg.buyers);
        let products = catalog::products(&mut rng, cfg.products);
        let now = cfg.epoch();
        World {
            calendar: WorkingCalendar::embedded(),
            buyers,
            products,
            orders: Vec::new(),
            order_index: HashMap::new(),
            flows: Vec::new(),
            unsubs: Vec::new(),
            invoices: Vec::new(),
            bills: Vec::new(),
            events: BinaryHeap::new(),
            event_counter: 0,
            seq: 0,
            index: Default::default(),
            hours: 0,
            now,
            actions: HashMap::new(),
            active_flows: Vec::new(),
            pending_unsubs: Vec::new(),
            open_invoices: Vec::new(),
            live_calls: false,
            live_queue: Vec::new(),
            cfg,
        }
    }

    pub fn config(&self) -> &WorldConfig {
        &self.cfg
    }

    /// The hour of the simulation `at` falls in: whole hours since the epoch (the first hour is 0), what the
    /// generators are seeded with.
    pub(crate) fn hour_of(&self, at: Instant) -> i64 {
        (at - self.cfg.epoch()).num_seconds().div_euclid(3600)
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn buyers(&self) -> &[Buyer] {
        &self.buyers
    }

    pub fn orders(&self) -> &[OrderRec] {
        &self.orders
    }

    pub fn flows(&self) -> &[FlowRec] {
        &self.flows
    }

    pub fn order(&self, id: &str) -> Option<&OrderRec> {
        self.order_index.get(id).map(|&i| &self.orders[i])
    }

    /// The seller's actions the marketplace accepted, by `action_id`: the entity each acted on (`supervision
    /// CS…`, `unsubscription UN…`, `invoice request IR…`) and the entity's sequence it answered with. An
    /// `action_id` is accepted once; sending it again replays that answer.
    pub fn accepted_actions(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.actions.iter().map(|(id, (entity, seq))| (id.as_str(), entity.as_str(), *seq))
    }

    /// Simulates every whole hour up to `now`. Time never goes back: an earlier `now` changes nothing.
    pub fn advance_to(&mut self, now: Instant) {
        let epoch = self.cfg.epoch();
        while epoch + Duration::hours(self.hours + 1) <= now {
            self.simulate_hour(self.hours);
            self.hours += 1;
        }
        if now > self.now {
            self.now = now;
        }
    }

    fn seq_of(&mut self, kind: Kind, idx: usize) -> &mut u64 {
        match kind {
            Kind::Orders => &mut self.orders[idx].seq,
            Kind::Supervision => &mut self.flows[idx].seq,
            Kind::Unsubscriptions => &mut self.unsubs[idx].seq,
            Kind::InvoiceRequests => &mut self.invoices[idx].seq,
            Kind::Bills => &mut self.bills[idx].seq,
        }
    }

    /// Records a change: the entity moves to the end of its feed.
    fn touch(&mut self, kind: Kind, idx: usize) -> u64 {
        self.seq += 1;
        let new = self.seq;
        let slot = self.seq_of(kind, idx);
        let old = std::mem::replace(slot, new);
        let index = &mut self.index[kind.index()];
        index.remove(&old);
        index.insert(new, idx);
        new
    }

    fn schedule(&mut self, at: Instant, event: Event) {
        self.event_counter += 1;
        self.events.push(std::cmp::Reverse((at, self.event_counter, event)));
    }

    pub fn feed_order(&self, i: usize) -> FeedOrder {
        let o = &self.orders[i];
        let product = &self.products[o.product];
        let buyer = &self.buyers[o.buyer];
        FeedOrder {
            order_id: o.id.clone(),
            order_line_id: o.line_id.clone(),
            order_type: o.order_type,
            created_at: time::format_rfc3339(&o.created_at),
            product: product.reference(),
            buyer: buyer.reference(),
            amount: o.amount,
            status: o.status,
            scenario: (product.channel == koodesk_domain::invoice::Channel::JointOperation).then_some(buyer.scenario),
            settled_at: o.settled_at.map(|t| time::format_rfc3339(&t)),
            license_code: self.license_code(i),
            image: self.image_charges(i),
            interface_calls: o.calls.clone(),
            seq: o.seq,
        }
    }

    fn feed_flow(&self, i: usize) -> FeedFlow {
        let r = &self.flows[i];
        let f = &r.flow;
        FeedFlow {
            order_id: self.orders[r.order].id.clone(),
            product_type: f.product(),
            step: f.step(),
            side: f.step().side(),
            step_started_at: time::format_rfc3339(&f.step_started_at()),
            rejections: f.rejections(),
            frozen_by: f.appeal().map(|a| a.by),
            rereview: f.rereview(),
            parcel_signed_at: f.parcel().map(|p| time::format_rfc3339(&p.signed_at)),
            history: f.history().to_vec(),
            recorded_by: None,
            recorded_at: None,
            seq: r.seq,
        }
    }

    fn feed_unsub(&self, i: usize) -> FeedUnsubscription {
        let u = &self.unsubs[i];
        FeedUnsubscription {
            id: u.id.clone(),
            order_id: self.orders[u.order].id.clone(),
            rule: u.rule,
            requested_at: time::format_rfc3339(&u.requested_at),
            refund_amount: u.refund_amount,
            paid_amount: self.orders[u.order].amount,
            reason: u.reason.clone(),
            status: u.status,
            review_due: u.review_due.map(|d| d.to_string()),
            decision_reason: u.decision_reason.clone(),
            recorded_by: None,
            recorded_at: None,
            seq: u.seq,
        }
    }

    fn feed_invoice(&self, i: usize) -> FeedInvoiceRequest {
        let r = &self.invoices[i];
        FeedInvoiceRequest {
            id: r.id.clone(),
            order_ids: r.orders.iter().map(|&o| self.orders[o].id.clone()).collect(),
            requested_at: time::format_rfc3339(&r.requested_at),
            kind: r.kind,
            medium: r.medium,
            title: r.title.clone(),
            amount: r.amount,
            status: r.status,
            invoice_number: r.number.clone(),
            issued_at: r.issued_at.map(|t| time::format_rfc3339(&t)),
            recorded_by: None,
            recorded_at: None,
            seq: r.seq,
        }
    }

    /// One page of a feed as a JSON body: the items changed after `after`, oldest change first.
    pub fn page_json(&self, kind: Kind, after: u64, limit: usize) -> Vec<u8> {
        let limit = limit.clamp(1, feed::MAX_PAGE);
        let mut range = self.index[kind.index()].range(after + 1..);
        let mut out = Vec::with_capacity(limit * 400 + 64);
        out.extend_from_slice(b"{\"items\":[");
        let mut last = after;
        for (n, (&seq, &i)) in range.by_ref().take(limit).enumerate() {
            if n > 0 {
                out.push(b',');
            }
            let written = match kind {
                Kind::Orders => serde_json::to_writer(&mut out, &self.feed_order(i)),
                Kind::Supervision => serde_json::to_writer(&mut out, &self.feed_flow(i)),
                Kind::Unsubscriptions => serde_json::to_writer(&mut out, &self.feed_unsub(i)),
                Kind::InvoiceRequests => serde_json::to_writer(&mut out, &self.feed_invoice(i)),
                Kind::Bills => serde_json::to_writer(&mut out, &self.bills[i]),
            };
            // Serialising these plain structs into a Vec cannot fail.
            debug_assert!(written.is_ok());
            last = seq;
        }
        let has_more = range.next().is_some();
        out.extend_from_slice(b"],\"next_cursor\":");
        let cursor = serde_json::to_string(&feed::encode_cursor(kind, last)).unwrap_or_default();
        out.extend_from_slice(cursor.as_bytes());
        out.extend_from_slice(format!(",\"has_more\":{has_more}}}").as_bytes());
        out
    }

    pub fn stats(&self) -> Stats {
        Stats {
            now: time::format_rfc3339(&self.now),
            buyers: self.buyers.len(),
            products: self.products.len(),
            orders: self.orders.len(),
            flows: self.flows.len(),
            flows_waiting_on_merchant: self
                .flows
                .iter()
                .filter(|f| f.flow.step().side() == Some(Side::Merchant) && !f.flow.is_frozen())
                .count(),
            unsubscriptions_pending: self.unsubs.iter().filter(|u| u.status == UnsubscriptionStatus::Pending).count(),
            invoice_requests_open: self.invoices.iter().filter(|r| r.status == InvoiceRequestStatus::Requested).count(),
            bills: self.bills.len(),
        }
    }

    /// Replays an earlier outcome for the same `action_id`, or refuses reusing it for another entity.
    fn repeated(&self, action_id: &str, entity: &str) -> Result<Option<ActionOutcome>, WorldError> {
        if action_id.trim().is_empty() {
            return Err(WorldError::Invalid(
                "action_id is required: a client-chosen ID that makes retries safe".into(),
            ));
        }
        match self.actions.get(action_id) {
            Some((e, seq)) if e == entity => {
                Ok(Some(ActionOutcome { action_id: action_id.to_string(), seq: *seq, repeated: true }))
            }
            Some((e, _)) => Err(WorldError::Invalid(format!("action_id `{action_id}` was already used for {e}"))),
            None => Ok(None),
        }
    }

    fn record(&mut self, action_id: &str, entity: String, seq: u64) -> ActionOutcome {
        self.actions.insert(action_id.to_string(), (entity, seq));
        ActionOutcome { action_id: action_id.to_string(), seq, repeated: false }
    }

    fn flow_of(&self, order_id: &str) -> Result<usize, WorldError> {
        self.order(order_id)
            .and_then(|o| o.flow)
            .ok_or_else(|| WorldError::NotFound { what: "supervision flow for order", id: order_id.to_string() })
    }

    /// The seller acts on a supervision flow.
    pub fn supervision_action(
        &mut self,
        order_id: &str,
        action_id: &str,
        action: SupervisionAction,
    ) -> Result<ActionOutcome, WorldError> {
        let entity = format!("supervision {order_id}");
        if let Some(done) = self.repeated(action_id, &entity)? {
            return Ok(done);
        }
        let fi = self.flow_of(order_id)?;
        let domain_action = match action {
            SupervisionAction::Confirm => Action::Confirm,
            SupervisionAction::Reject { reason } => Action::Reject { reason },
            SupervisionAction::Activate => Action::Activate,
            SupervisionAction::Appeal { reason } => Action::Appeal { reason },
        };
        self.apply_merchant(fi, domain_action, action_id, entity)
    }

    /// The seller uploads delivery proof (a file) and so delivers.
    pub fn deliver(
        &mut self,
        order_id: &str,
        action_id: &str,
        file_name: &str,
        bytes: usize,
    ) -> Result<ActionOutcome, WorldError> {
        let entity = format!("supervision {order_id}");
        if let Some(done) = self.repeated(action_id, &entity)? {
            return Ok(done);
        }
        if file_name.trim().is_empty() || bytes == 0 {
            return Err(WorldError::Invalid("delivery proof needs a file name and a non-empty file".into()));
        }
        let fi = self.flow_of(order_id)?;
        let outcome = self.apply_merchant(fi, Action::Deliver { proof: file_name.to_string() }, action_id, entity)?;
        self.flows[fi].proofs.push((file_name.to_string(), bytes));
        Ok(outcome)
    }

    fn apply_merchant(
        &mut self,
        fi: usize,
        action: Action,
        action_id: &str,
        entity: String,
    ) -> Result<ActionOutcome, WorldError> {
        if self.orders[self.flows[fi].order].status == OrderStatus::Refunded {
            return Err(WorldError::Refused("the order was unsubscribed; its supervision has ended".into()));
        }
        let at = self.now.max(self.flows[fi].flow.step_started_at());
        self.flows[fi].flow.apply(Side::Merchant, action, at).map_err(|e| WorldError::Refused(e.to_string()))?;
        self.after_flow_change(fi, at);
        let seq = self.flows[fi].seq;
        Ok(self.record(action_id, entity, seq))
    }

    /// Bookkeeping after a flow moved: feed position, and settlement when it completed.
    fn after_flow_change(&mut self, fi: usize, at: Instant) {
        self.touch(Kind::Supervision, fi);
        if self.flows[fi].flow.is_completed() {
            let oi = self.flows[fi].order;
            if self.orders[oi].status == OrderStatus::InProgress {
                self.orders[oi].status = OrderStatus::Completed;
                self.orders[oi].settled_at = Some(at);
                self.touch(Kind::Orders, oi);
            }
        }
    }

    fn unsub_index(&self, id: &str) -> Result<usize, WorldError> {
        self.unsubs
            .iter()
            .position(|u| u.id == id)
            .ok_or_else(|| WorldError::NotFound { what: "unsubscription", id: id.to_string() })
    }

    /// The seller approves or rejects a negotiated unsubscription.
    pub fn decide_unsubscription(
        &mut self,
        id: &str,
        action_id: &str,
        approve: bool,
        reason: &str,
    ) -> Result<ActionOutcome, WorldError> {
        let entity = format!("unsubscription {id}");
        if let Some(done) = self.repeated(action_id, &entity)? {
            return Ok(done);
        }
        let ui = self.unsub_index(id)?;
        if self.unsubs[ui].status != UnsubscriptionStatus::Pending {
            return Err(WorldError::Refused(format!("unsubscription {id} is not awaiting review")));
        }
        if !approve && reason.trim().is_empty() {
            return Err(WorldError::Invalid("a rejection needs a reason the buyer will see".into()));
        }
        self.settle_unsubscription(ui, approve, Some(reason.to_string()));
        let seq = self.unsubs[ui].seq;
        Ok(self.record(action_id, entity, seq))
    }

    fn settle_unsubscription(&mut self, ui: usize, approve: bool, reason: Option<String>) {
        let u = &mut self.unsubs[ui];
        u.status = if approve { UnsubscriptionStatus::Approved } else { UnsubscriptionStatus::Rejected };
        u.decision_reason = reason.filter(|r| !r.is_empty());
        let oi = u.order;
        self.touch(Kind::Unsubscriptions, ui);
        if approve {
            let mut rng = rng_for(self.cfg.seed, self.hour_of(self.now), salt::REFUND + oi as u64);
            self.refund_order(&mut rng, oi, self.now);
        }
    }

    fn invoice_index(&self, id: &str) -> Result<usize, WorldError> {
        self.invoices
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| WorldError::NotFound { what: "invoice request", id: id.to_string() })
    }

    /// The seller marks an invoice request issued with the number the tax system gave.
    pub fn invoice_issued(
        &mut self,
        id: &str,
        action_id: &str,
        number: &str,
        issued_at: Option<Instant>,
    ) -> Result<ActionOutcome, WorldError> {
        let entity = format!("invoice request {id}");
        if let Some(done) = self.repeated(action_id, &entity)? {
            return Ok(done);
        }
        let ri = self.invoice_index(id)?;
        if !(8..=20).contains(&number.len()) || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(WorldError::Invalid(format!(
                "invoice_number `{number}`: 8 to 20 digits (a 数电票 number has 20)"
            )));
        }
        let r = &mut self.invoices[ri];
        if r.status == InvoiceRequestStatus::Issued {
            return Err(WorldError::Refused(format!("invoice request {id} is already issued")));
        }
        r.status = InvoiceRequestStatus::Issued;
        r.number = Some(number.to_string());
        r.issued_at = Some(issued_at.unwrap_or(self.now));
        let seq = self.touch(Kind::InvoiceRequests, ri);
        Ok(self.record(action_id, entity, seq))
    }
}

#[cfg(test)]
mod tests;
