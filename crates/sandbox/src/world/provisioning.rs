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
//! The call itself is simulated (the sandbox's admin `deliveries` endpoint makes real ones to a URL).

use chrono::Duration;
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::feed::{FeedInterfaceCall, Kind, OrderStatus};
use koodesk_protocol::open_api::OrderType;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Event, World};
use crate::caller;

/// How a first call goes, per thousand: the rest succeed.
const FIRST_FAILS: u32 = 40;
const FIRST_PROCESSING: u32 = 30;
/// How a retry goes, per thousand.
const RETRY_FAILS: u32 = 450;

/// Failures as KooGallery records them: a `resultCode` or, with none, what happened instead.
const FAILURES: &[(Option<&str>, &str, u32)] = &[
    (Some("000005"), "internal error", 800),
    (None, "no reply within 5 s", 5000),
    (Some("000100"), "no resource available", 300),
    (None, "connection refused", 3),
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
        let (result_code, detail, elapsed_ms) = if roll < fails {
            let (code, what, ms) = FAILURES[roll as usize % FAILURES.len()];
            (code.map(str::to_string), Some(what.to_string()), ms)
        } else if processing {
            (Some("000004".to_string()), None, rng.gen_range(40..400))
        } else {
            let instance = matches!(activity, "newInstance" | "queryInstance").then(|| self.instance_id(oi));
            (Some("000000".to_string()), instance, rng.gen_range(40..400))
        };
        self.orders[oi].calls.push(FeedInterfaceCall {
            activity: activity.to_string(),
            attempt,
            at: time::format_rfc3339(&at),
            result_code,
            detail,
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
        let provisioned = self.orders[oi].calls.iter().any(|c| c.result_code.as_deref() == Some("000000"));
        if provisioned {
            self.interface_attempt(rng, oi, "releaseInstance", 1, at);
        } else {
            self.touch(Kind::Orders, oi);
        }
    }
}
