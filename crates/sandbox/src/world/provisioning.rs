//! KooGallery calling the seller's production interface for SaaS orders, as the world simulates it [KG §7]: every
//! attempt is kept on the order (the feed's `interface_calls`), so the seller sees an order's provisioning record.
//!
//! - A new or trial order is provisioned with `newInstance`, a renewal with `refreshInstance` (scene RENEWAL), a
//!   change with `upgradeInstance`; a refunded order's instance is released with `releaseInstance`.
//! - `000004` (processing) is not a failure: KooGallery polls `queryInstance` ten minutes later.
//! - Failures are retried on KooGallery's schedule (`caller::retry_offsets_for`, the one the sandbox's real calls
//!   follow): newInstance and upgradeInstance hourly for 3 hours, after which the order fails and is refunded;
//!   refresh and release once, an hour later.
//! - Until provisioned, a SaaS order is in progress and not yet in settlement.
//!
//! The calls of the history are simulated. With [`World::enable_live_calls`] (`koodesk sandbox --call-interface`),
//! SaaS orders placed from the start on are provisioned by real calls instead: the world queues each call as a
//! [`LiveCall`] due at a sandbox time, the sandbox makes it to the seller's production URL, and the real outcome
//! ([`LiveOutcome`]) is what the order records and what decides what follows — the same rules as above, with
//! polls every 10 minutes while the interface answers `000004`, for as long as newInstance would be retried.
//! Renewals and changes name the instance of the buyer's latest earlier order of the same product; an interface
//! that never provisioned it answers `000003`, and that is what the feed shows.

use chrono::Duration;
use koodesk_domain::call_failure::CallFailure;
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::feed::{FeedInterfaceCall, Kind, OrderStatus};
use koodesk_protocol::open_api::OrderType;
use koodesk_protocol::production::{
    NewInstance, ProductionRequest, QueryInstance, RefreshInstance, RefreshScene, ReleaseInstance, UpgradeInstance,
};
use koodesk_protocol::result_code::ResultCode;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{rng_for, salt, utc_compact, Event, World, WorldError};
use crate::caller;

/// How a first call goes, per thousand: the rest succeed.
const FIRST_FAILS: u32 = 40;
const FIRST_PROCESSING: u32 = 30;
/// How a retry goes, per thousand.
const RETRY_FAILS: u32 = 450;

/// Failures as KooGallery records them: a `resultCode` or, with none, what happened instead.
const FAILURES: &[(Option<&str>, Option<CallFailure>, u32)] = &[
    (Some("000005"), None, 800),
    (None, Some(CallFailure::Timeout), 5000),
    (Some("000100"), None, 300),
    (None, Some(CallFailure::Unreachable), 3),
];

/// The activity that provisions an order of this type.
pub(super) fn provisioning_activity(order_type: OrderType) -> &'static str {
    match order_type {
        OrderType::Renew => "refreshInstance",
        OrderType::Change => "upgradeInstance",
        _ => "newInstance",
    }
}

impl World {
    /// The instance KooGallery knows for an order once provisioned (the seller's reply, in the simulation).
    fn instance_id(&self, oi: usize) -> String {
        format!("ins-{}", self.orders[oi].id.to_ascii_lowercase())
    }

    /// One attempt at `at`: recorded on the order, with what follows from it (a poll, a retry, the order
    /// completed, or failed and refunded).
    pub(super) fn interface_attempt(
        &mut self,
        rng: &mut ChaCha8Rng,
        oi: usize,
        activity: &'static str,
        attempt: u32,
        at: Instant,
    ) {
        if self.orders[oi].status == OrderStatus::Refunded && activity != "releaseInstance" {
            return;
        }
        let roll = rng.gen_range(0..1000);
        let fails = match (activity, attempt) {
            ("queryInstance", _) => 0,
            (_, 1) => FIRST_FAILS,
            _ => RETRY_FAILS,
        };
        let processing = activity == "newInstance" && attempt == 1 && (fails..fails + FIRST_PROCESSING).contains(&roll);
        let (result_code, failure, instance_id, elapsed_ms) = if roll < fails {
            let (code, failure, ms) = FAILURES[roll as usize % FAILURES.len()];
            (code.map(str::to_string), failure, None, ms)
        } else if processing {
            (Some("000004".to_string()), None, None, rng.gen_range(40..400))
        } else {
            let instance = matches!(activity, "newInstance" | "queryInstance").then(|| self.instance_id(oi));
            (Some("000000".to_string()), None, instance, rng.gen_range(40..400))
        };
        self.orders[oi].calls.push(FeedInterfaceCall {
            activity: activity.to_string(),
            attempt,
            at: time::format_rfc3339(&at),
            result_code,
            instance_id,
            result_msg: None,
            failure,
            http_status: None,
            detail: None,
            elapsed_ms,
        });
        if roll < fails {
            if attempt as usize <= caller::retry_offsets_for(activity).len() {
                self.schedule(
                    at + Duration::hours(1),
                    Event::InterfaceAttempt { order: oi, activity, attempt: attempt + 1 },
                );
            } else if matches!(activity, "newInstance" | "upgradeInstance") {
                // The order fails and is refunded [KG §7].
                self.orders[oi].status = OrderStatus::Refunded;
                self.orders[oi].settled_at = None;
            }
        } else if processing {
            self.schedule(
                at + Duration::minutes(10),
                Event::InterfaceAttempt { order: oi, activity: "queryInstance", attempt: 1 },
            );
        } else if activity != "releaseInstance" && self.orders[oi].status == OrderStatus::InProgress {
            self.orders[oi].status = OrderStatus::Completed;
            self.orders[oi].settled_at = Some(at);
        }
        self.touch(Kind::Orders, oi);
    }

    /// An order refunded (unsubscribed): its instance, if it has one, is released.
    pub(super) fn refund_order(&mut self, rng: &mut ChaCha8Rng, oi: usize, at: Instant) {
        self.orders[oi].status = OrderStatus::Refunded;
        if self.orders[oi].live {
            // The instance the seller's interface returned, if it returned one, is released for real.
            if self.orders[oi].instance_id.is_some() {
                self.queue_release(oi, at);
            }
            self.touch(Kind::Orders, oi);
            return;
        }
        let provisioned = self.orders[oi].calls.iter().any(|c| c.result_code.as_deref() == Some("000000"));
        if provisioned {
            self.interface_attempt(rng, oi, "releaseInstance", 1, at);
        } else {
            self.touch(Kind::Orders, oi);
        }
    }
}

/// KooGallery polls queryInstance this long after a `000004`, and again while the answer is `000004` [KG §7].
pub const POLL_EVERY_MINUTES: i64 = 10;

/// Placeholder `businessId` of a queued newInstance: the caller sets a fresh one on every attempt [KG §7].
const BUSINESS_ID_PER_ATTEMPT: &str = "set-on-each-attempt";

/// One real call KooGallery is to make to the seller's production interface, due at a sandbox time.
#[derive(Debug, Clone)]
pub struct LiveCall {
    /// The order it is for: one `order/query` answers for.
    pub order_id: String,
    pub request: ProductionRequest,
    /// 1 for the first call of this activity, then retries (or polls) counted on.
    pub attempt: u32,
    pub due: Instant,
    order: usize,
    /// When this chain began: the first attempt of the activity (retries are due hours after it), or for polls
    /// the first newInstance (they stop when its retries would have).
    began: Option<Instant>,
}

/// What came of a [`LiveCall`], as KooGallery records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOutcome {
    /// Sandbox time of the attempt.
    pub at: Instant,
    /// The reply's `resultCode`; `None` when no proper reply came (no answer in 5 s, refused connection, an HTTP
    /// status other than 200, a body that is not a reply, a Body-Sign that does not match).
    pub result_code: Option<String>,
    /// The reply's `resultMsg` (the seller's server's words).
    pub message: Option<String>,
    /// What went wrong when there was no proper reply [KG §7].
    pub failure: Option<CallFailure>,
    /// The reply's HTTP status when it was not 200.
    pub http_status: Option<u16>,
    /// The `instanceId` the reply carried (newInstance), or the instance queryInstance answered for.
    pub instance_id: Option<String>,
    pub elapsed_ms: u32,
}

/// A request's target instance, if it names one.
fn instance_of(req: &ProductionRequest) -> Option<&str> {
    match req {
        ProductionRequest::QueryInstance(r) => Some(&r.instance_id),
        ProductionRequest::RefreshInstance(r) => Some(&r.instance_id),
        ProductionRequest::ReleaseInstance(r) => Some(&r.instance_id),
        ProductionRequest::UpgradeInstance(r) => Some(&r.instance_id),
        _ => None,
    }
}

/// What a test or demo asks the world to sell now (`POST /admin/orders`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRequest {
    /// 1 to [`OrderRequest::MAX`].
    pub count: usize,
    /// Only products of this access type; any if `None`.
    pub access_type: Option<AccessType>,
    /// Only products of this billing mode; any if `None`.
    pub billing_mode: Option<BillingMode>,
    /// NEW, TRIAL, RENEW or CHANGE.
    pub order_type: OrderType,
    /// For RENEW and CHANGE: the order whose instance is renewed or changed (same buyer and product).
    pub of_order: Option<String>,
}

impl OrderRequest {
    pub const MAX: usize = 100;
}

impl World {
    /// From now on, SaaS orders placed at or after `start` are provisioned by real calls: see [`LiveCall`].
    pub fn enable_live_calls(&mut self) {
        self.live_calls = true;
    }

    pub fn live_calls_enabled(&self) -> bool {
        self.live_calls
    }

    /// Calls queued and not yet taken.
    pub fn live_calls_queued(&self) -> usize {
        self.live_queue.len()
    }

    /// The earliest sandbox time a queued call is due.
    pub fn next_live_call_due(&self) -> Option<Instant> {
        self.live_queue.iter().map(|c| c.due).min()
    }

    fn queue_live(
        &mut self,
        oi: usize,
        request: ProductionRequest,
        attempt: u32,
        due: Instant,
        began: Option<Instant>,
    ) {
        let order_id = self.orders[oi].id.clone();
        self.live_queue.push(LiveCall { order_id, request, attempt, due, order: oi, began });
    }

    /// The instance a renewal or change of order `oi` is for: the buyer's latest earlier order of the same product
    /// that has one (returned by the seller's interface, or in the history, simulated); else the order's own
    /// simulated ID, which the interface has never seen.
    fn instance_to_change(&self, oi: usize) -> String {
        let o = &self.orders[oi];
        let provisioned = |j: usize| {
            let p = &self.orders[j];
            if p.live {
                p.instance_id.clone()
            } else {
                let ok = p.calls.iter().any(|c| c.result_code.as_deref() == Some("000000"));
                ok.then(|| self.instance_id(j))
            }
        };
        (0..oi)
            .rev()
            .filter(|&j| {
                let p = &self.orders[j];
                p.buyer == o.buyer && p.product == o.product && p.status != OrderStatus::Refunded
            })
            .find_map(provisioned)
            .unwrap_or_else(|| self.instance_id(oi))
    }

    /// Queues the call that provisions a live order placed at `at` [KG §7].
    pub(super) fn queue_provisioning(&mut self, oi: usize, at: Instant) {
        let o = &self.orders[oi];
        let (order_id, order_line_id) = (o.id.clone(), o.line_id.clone());
        let request = match o.order_type {
            OrderType::Renew => ProductionRequest::RefreshInstance(RefreshInstance {
                scene: RefreshScene::Renewal,
                instance_id: self.instance_to_change(oi),
                expire_time: utc_compact(&(o.created_at + Duration::days(365))),
                product_id: Some(self.products[o.product].id.clone()),
                order_id,
                order_line_id,
                test_flag: None,
            }),
            OrderType::Change => ProductionRequest::UpgradeInstance(UpgradeInstance {
                instance_id: self.instance_to_change(oi),
                order_id,
                order_line_id,
                test_flag: None,
            }),
            _ => ProductionRequest::NewInstance(NewInstance {
                order_id,
                order_line_id,
                business_id: BUSINESS_ID_PER_ATTEMPT.into(),
                test_flag: None,
            }),
        };
        self.queue_live(oi, request, 1, at, None);
    }

    fn queue_release(&mut self, oi: usize, at: Instant) {
        let Some(instance_id) = self.orders[oi].instance_id.clone() else { return };
        let o = &self.orders[oi];
        let request = ProductionRequest::ReleaseInstance(ReleaseInstance {
            instance_id,
            order_id: Some(o.id.clone()),
            order_line_id: Some(o.line_id.clone()),
            test_flag: None,
        });
        self.queue_live(oi, request, 1, at, None);
    }

    /// Takes the calls due at `now` for the sandbox to make. A refunded order's calls are dropped, but for the
    /// release of its instance.
    pub fn take_due_calls(&mut self, now: Instant) -> Vec<LiveCall> {
        let (due, later): (Vec<LiveCall>, Vec<LiveCall>) =
            std::mem::take(&mut self.live_queue).into_iter().partition(|c| c.due <= now);
        self.live_queue = later;
        let mut due: Vec<LiveCall> = due
            .into_iter()
            .filter(|c| {
                self.orders[c.order].status != OrderStatus::Refunded || c.request.activity() == "releaseInstance"
            })
            .collect();
        due.sort_by_key(|c| c.due);
        due
    }

    /// Provisioned: the order is complete and enters settlement, unless it was unsubscribed meanwhile.
    fn provisioned(&mut self, oi: usize, at: Instant) {
        if self.orders[oi].status == OrderStatus::InProgress {
            self.orders[oi].status = OrderStatus::Completed;
            self.orders[oi].settled_at = Some(at);
        }
    }

    /// Provisioning failed for good: the order fails and is refunded in full [KG §4, §7].
    fn provisioning_failed(&mut self, oi: usize) {
        self.orders[oi].status = OrderStatus::Refunded;
        self.orders[oi].settled_at = None;
    }

    /// Records the real outcome of a call on its order, and what follows: a poll after `000004`, a retry on
    /// KooGallery's schedule after a failure (`caller::retry_offsets_for`), the order completed, or failed and
    /// refunded when newInstance (or upgradeInstance) has used up its retries [KG §7].
    pub fn record_live_call(&mut self, call: LiveCall, outcome: LiveOutcome) {
        let oi = call.order;
        let at = outcome.at;
        let activity = call.request.activity();
        let began = call.began.unwrap_or(at);
        let code = outcome.result_code.as_deref();
        let success = code == Some(ResultCode::Success.code());
        let processing = code == Some(ResultCode::Processing.code());
        let mut failure = outcome.failure;
        let mut instance_id = None;
        let mut accepted = success || processing;
        if activity == "newInstance" && accepted {
            match &outcome.instance_id {
                Some(id) if !id.trim().is_empty() => {
                    self.orders[oi].instance_id = Some(id.clone());
                    instance_id = Some(id.clone());
                }
                _ => {
                    accepted = false;
                    failure = Some(CallFailure::NoInstanceId);
                }
            }
        } else if activity == "queryInstance" && success {
            instance_id = outcome.instance_id.clone().or_else(|| instance_of(&call.request).map(str::to_string));
        }
        self.orders[oi].calls.push(FeedInterfaceCall {
            activity: activity.to_string(),
            attempt: call.attempt,
            at: time::format_rfc3339(&at),
            result_code: outcome.result_code.clone(),
            instance_id,
            // The seller's words where the call did not plainly succeed (a success's "success" says nothing).
            result_msg: if success && failure.is_none() { None } else { outcome.message.clone() },
            failure,
            http_status: outcome.http_status,
            detail: None,
            elapsed_ms: outcome.elapsed_ms,
        });
        let refunded = self.orders[oi].status == OrderStatus::Refunded;
        let poll_until = began + Duration::hours(caller::retry_offsets_for("newInstance").last().copied().unwrap_or(3));
        let next_poll = at + Duration::minutes(POLL_EVERY_MINUTES);
        match activity {
            "newInstance" if accepted && refunded => self.queue_release(oi, at),
            "newInstance" if accepted && processing => {
                let instance_id = self.orders[oi].instance_id.clone().unwrap_or_default();
                let poll = ProductionRequest::QueryInstance(QueryInstance { instance_id, test_flag: None });
                self.queue_live(oi, poll, 1, next_poll, Some(began));
            }
            "queryInstance" if success => self.provisioned(oi, at),
            "queryInstance" if next_poll <= poll_until => {
                self.queue_live(oi, call.request.clone(), call.attempt + 1, next_poll, Some(began));
            }
            "queryInstance" => self.provisioning_failed(oi),
            "releaseInstance" if accepted => {}
            _ if accepted => self.provisioned(oi, at),
            _ => {
                let offsets = caller::retry_offsets_for(activity);
                match offsets.get(call.attempt as usize - 1) {
                    Some(hours) => {
                        let due = (began + Duration::hours(*hours)).max(at);
                        self.queue_live(oi, call.request.clone(), call.attempt + 1, due, Some(began));
                    }
                    None if matches!(activity, "newInstance" | "upgradeInstance") => self.provisioning_failed(oi),
                    // Refresh and release: KooGallery stops; the seller re-fires them by hand.
                    None => {}
                }
            }
        }
        self.touch(Kind::Orders, oi);
    }

    /// Places orders now, as a test or demo asks (`POST /admin/orders`); returns their IDs. SaaS orders among them
    /// are provisioned at once, by real calls when they are enabled.
    pub fn place_orders(&mut self, req: &OrderRequest) -> Result<Vec<String>, WorldError> {
        if !(1..=OrderRequest::MAX).contains(&req.count) {
            return Err(WorldError::Invalid(format!("count: 1 to {} orders, {} given", OrderRequest::MAX, req.count)));
        }
        let period = |pi: usize| self.products[pi].billing_mode == BillingMode::Period;
        let saas = |pi: usize| self.products[pi].access_type == AccessType::Saas;
        let fits = |pi: usize| match req.order_type {
            OrderType::New => true,
            OrderType::Renew => period(pi),
            _ => saas(pi) && period(pi),
        };
        if !matches!(req.order_type, OrderType::New | OrderType::Trial | OrderType::Renew | OrderType::Change) {
            return Err(WorldError::Invalid(format!(
                "order_type: NEW, TRIAL, RENEW or CHANGE; {} is not an order a buyer places",
                req.order_type.as_str()
            )));
        }
        let buyer = match &req.of_order {
            None => None,
            Some(_) if !matches!(req.order_type, OrderType::Renew | OrderType::Change) => {
                return Err(WorldError::Invalid("of_order: only a RENEW or CHANGE order is of another order".into()))
            }
            Some(id) => {
                let &oi = self
                    .order_index
                    .get(id.as_str())
                    .ok_or_else(|| WorldError::NotFound { what: "order (of_order)", id: id.clone() })?;
                let o = &self.orders[oi];
                if o.live && o.instance_id.is_none() {
                    return Err(WorldError::Refused(format!(
                        "of_order: order {id} has no instance yet: its newInstance has not been answered with one"
                    )));
                }
                if !fits(o.product) {
                    return Err(WorldError::Invalid(format!(
                        "of_order: order {id} is for a product that is not sold by period{}",
                        if req.order_type == OrderType::Change { " as SaaS" } else { "" }
                    )));
                }
                if req.access_type.is_some_and(|a| a != self.products[o.product].access_type) {
                    return Err(WorldError::Invalid(format!("access_type: order {id} is for another access type")));
                }
                if req.billing_mode.is_some_and(|m| m != self.products[o.product].billing_mode) {
                    return Err(WorldError::Invalid(format!("billing_mode: order {id} is for another billing mode")));
                }
                Some((o.buyer, o.product))
            }
        };
        let candidates: Vec<usize> = match buyer {
            Some((_, pi)) => vec![pi],
            None => (0..self.products.len())
                .filter(|&pi| {
                    let p = &self.products[pi];
                    req.access_type.is_none_or(|a| p.access_type == a)
                        && req.billing_mode.is_none_or(|m| p.billing_mode == m)
                        && fits(pi)
                })
                .collect(),
        };
        if candidates.is_empty() {
            let what = [req.access_type.map(|a| a.to_string()), req.billing_mode.map(|m| m.to_string())];
            let what: Vec<String> = what.into_iter().flatten().collect();
            return Err(WorldError::Invalid(format!(
                "access_type, billing_mode: the world sells no {} product for a {} order{}",
                what.join(" "),
                req.order_type.as_str(),
                match req.order_type {
                    OrderType::New => "",
                    OrderType::Renew => " (renewals are of period products)",
                    _ => " (trials and changes are of SaaS period products)",
                }
            )));
        }
        let now = self.now;
        let mut rng = rng_for(self.cfg.seed, self.hour_of(now), salt::PLACED + self.orders.len() as u64);
        let mut ids = Vec::with_capacity(req.count);
        for _ in 0..req.count {
            let pi = candidates[rng.gen_range(0..candidates.len())];
            let bi = buyer.map(|(b, _)| b).unwrap_or_else(|| rng.gen_range(0..self.buyers.len()));
            let oi = self.place_order(&mut rng, now, pi, bi, req.order_type);
            ids.push(self.orders[oi].id.clone());
        }
        Ok(ids)
    }
}
