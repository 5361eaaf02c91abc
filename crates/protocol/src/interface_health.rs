//! `GET /feed/v1/interface-health`: the seller's production interface this month, as the feed's server saw it —
//! KooDesk Gateway from its journal, the sandbox from its simulated calls. One type, read and written by both
//! sides, so the console and the servers cannot drift. *KooDesk convention*: KooGallery itself publishes no such
//! view; the figures are what its rules count [KG §7].
//!
//! - **Failed orders** against the delisting line: more than [`DELISTING_LINE`] orders failed in a month because
//!   of the interface, and KooGallery delists the product.
//! - **Slow replies**: KooGallery gives up on a call after [`TIMEOUT_MS`]; a reply taking [`SLOW_MS`] or more is
//!   counted as slow, a warning before calls start timing out (the threshold is a KooDesk convention).
//! - **The last dial test**: KooGallery replays the saved debug cases against the production URL every morning and
//!   afternoon (拨测).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use koodesk_domain::delisting::DELISTING_LINE;
/// KooGallery's timeout for one call to the production interface, in milliseconds [KG §7].
pub const TIMEOUT_MS: i64 = 5_000;
/// A reply at least this slow is counted as slow: half the timeout (*KooDesk convention*).
pub const SLOW_MS: i64 = TIMEOUT_MS / 2;

/// The path the view is served at.
pub const PATH: &str = "/feed/v1/interface-health";

/// The whole view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceHealth {
    /// The Beijing-time month counted, `YYYY-MM`.
    pub period: String,
    /// Calls about real orders this month (debug calls and refused calls aside).
    pub calls: i64,
    /// Real orders this month with a failed call and no instance provisioned.
    pub failed_orders: i64,
    pub delisting_line: i64,
    /// More than `delisting_line` failed orders this month: KooGallery delists the product [KG §7].
    pub over_the_line: bool,
    /// Failed orders by product; `product_id` is absent while an order's details are not known yet.
    #[serde(default)]
    pub products: Vec<ProductFailures>,
    #[serde(default)]
    pub replies: Replies,
    /// The newest debug call (saved cases replayed by KooGallery's dial tests, twice a day).
    pub last_dial_test: Option<DialTest>,
    /// Calls refused before reaching the interface's logic (bad signature, replayed nonce, …), by reason.
    pub refused_total: i64,
    pub refused: BTreeMap<String, i64>,
    pub enrichment: Enrichment,
}

/// One product's failed orders this month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFailures {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    pub failed_orders: i64,
}

/// How fast the interface answered this month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replies {
    pub slow_ms: i64,
    pub timeout_ms: i64,
    /// Replies taking `slow_ms` or more (those past the timeout among them).
    pub slow: i64,
    /// Calls that took `timeout_ms` or more: KooGallery had given up on them.
    pub timed_out: i64,
    /// The slowest reply, in milliseconds; absent with no call this month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slowest_ms: Option<i64>,
}

impl Default for Replies {
    fn default() -> Replies {
        Replies { slow_ms: SLOW_MS, timeout_ms: TIMEOUT_MS, slow: 0, timed_out: 0, slowest_ms: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialTest {
    /// RFC 3339.
    pub at: String,
    pub activity: String,
    pub result_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrichment {
    /// Whether the server can ask `order/query` for an order's details (it has the AK/SK).
    pub configured: bool,
    pub backlog: i64,
    /// The oldest orders awaiting their details, with what is known of them.
    pub pending: Vec<PendingOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOrder {
    pub order_id: String,
    pub order_line_id: String,
    pub instance_id: Option<String>,
    pub first_call_at: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// Whether a `resultCode` counts as a failure towards the line: anything but success and "processing" (KooGallery
/// then polls) [KG §7]. No reply at all (`None`: timeout, connection refused) fails too.
pub fn is_failure(result_code: Option<&str>) -> bool {
    !matches!(result_code, Some("000000") | Some("000004"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_server_without_products_or_replies_still_parses() {
        let body = r#"{"period":"2026-11","calls":3,"failed_orders":1,"delisting_line":5,"over_the_line":false,
            "last_dial_test":null,"refused_total":0,"refused":{},
            "enrichment":{"configured":false,"backlog":0,"pending":[]}}"#;
        let h: InterfaceHealth = serde_json::from_str(body).expect("parses");
        assert!(h.products.is_empty());
        assert_eq!(h.replies, Replies::default());
        assert_eq!(h.replies.slow_ms, 2_500);
    }

    #[test]
    fn a_view_round_trips() {
        let h = InterfaceHealth {
            period: "2026-12".into(),
            calls: 10,
            failed_orders: 2,
            delisting_line: DELISTING_LINE,
            over_the_line: false,
            products: vec![ProductFailures { product_id: Some("P1".into()), failed_orders: 2 }],
            replies: Replies { slow: 1, timed_out: 1, slowest_ms: Some(5_001), ..Replies::default() },
            last_dial_test: Some(DialTest {
                at: "2026-12-01T09:00:00+08:00".into(),
                activity: "newInstance".into(),
                result_code: "000000".into(),
            }),
            refused_total: 1,
            refused: [("bad-signature".to_string(), 1)].into_iter().collect(),
            enrichment: Enrichment { configured: true, backlog: 0, pending: vec![] },
        };
        let back: InterfaceHealth = serde_json::from_slice(&serde_json::to_vec(&h).expect("json")).expect("parses");
        assert_eq!(back, h);
    }

    #[test]
    fn success_and_processing_are_not_failures() {
        assert!(!is_failure(Some("000000")));
        assert!(!is_failure(Some("000004")));
        assert!(is_failure(Some("000005")));
        assert!(is_failure(None));
    }
}
