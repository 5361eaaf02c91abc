//! The seller feed: KooDesk's sync API, served by the sandbox marketplace (`openapi/feed.yaml` documents it).
//!
//! KooGallery has no public seller API for bulk orders, supervision, unsubscriptions, invoices or bills (they are
//! console-only); the feed gives them one shape. Pages are ordered by a change sequence and resumed with an opaque
//! cursor: an entity that changes appears again, later, with its new state (clients upsert by ID). Every reply is
//! signed with the seller's feed token in a `Body-Sign` header, like a production-interface reply.
//! Seller actions carry a client-chosen `action_id`; repeating one returns the first outcome (idempotent).

use koodesk_domain::call_failure::{CallFailure, LegacyDetail};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::invoice::{Channel, InvoiceKind, Medium};
use koodesk_domain::money::Cny;
use koodesk_domain::refund::RefundRule;
use koodesk_domain::supervision::{ProductType, Scenario, Side, Step, Transition};
use serde::{Deserialize, Serialize};

use crate::open_api::OrderType;

pub const PREFIX: &str = "/feed/v1";
/// Largest page a client may ask for.
pub const MAX_PAGE: usize = 5000;
pub const DEFAULT_PAGE: usize = 500;

/// The kinds of entity the feed serves, each with its own cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Orders,
    Supervision,
    Unsubscriptions,
    InvoiceRequests,
    Bills,
}

impl Kind {
    pub const ALL: [Kind; 5] =
        [Kind::Orders, Kind::Supervision, Kind::Unsubscriptions, Kind::InvoiceRequests, Kind::Bills];

    /// The path segment: `/feed/v1/{kind}`.
    pub fn path(self) -> &'static str {
        match self {
            Kind::Orders => "orders",
            Kind::Supervision => "supervision",
            Kind::Unsubscriptions => "unsubscriptions",
            Kind::InvoiceRequests => "invoice-requests",
            Kind::Bills => "bills",
        }
    }

    pub fn from_path(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.path() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One page of a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back to get what comes after this page; stable even when nothing new has arrived.
    pub next_cursor: String,
    pub has_more: bool,
}

/// Encodes a change sequence as an opaque cursor.
pub fn encode_cursor(kind: Kind, seq: u64) -> String {
    format!("{}.{:x}", kind.path(), seq)
}

/// Decodes a cursor for `kind`; the empty cursor is the start.
pub fn decode_cursor(kind: Kind, cursor: &str) -> Option<u64> {
    if cursor.is_empty() {
        return Some(0);
    }
    let (k, seq) = cursor.split_once('.')?;
    if k != kind.path() {
        return None;
    }
    u64::from_str_radix(seq, 16).ok()
}

/// One page asked for, checked: which feed, after which sequence, how many items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub kind: Kind,
    pub after: u64,
    pub limit: usize,
}

/// A page request refused: the HTTP status to answer with, and the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRefusal {
    pub status: u16,
    pub error: FeedError,
}

/// Reads `/feed/v1/{kind}?cursor=…&limit=…` as both servers of the feed (the sandbox and the gateway) do.
pub fn page_request(kind: &str, cursor: Option<&str>, limit: Option<&str>) -> Result<PageRequest, PageRefusal> {
    let refuse = |status: u16, code: &str, message: String| PageRefusal {
        status,
        error: FeedError { code: code.to_string(), message },
    };
    let Some(k) = Kind::from_path(kind) else {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.path()).collect();
        return Err(refuse(404, "not-found", format!("no feed `{kind}`: feeds are {}", kinds.join(", "))));
    };
    let cursor = cursor.unwrap_or("");
    let Some(after) = decode_cursor(k, cursor) else {
        return Err(refuse(400, "bad-cursor", format!("cursor `{cursor}` is not a cursor of the {} feed", k.path())));
    };
    let limit = match limit.map(str::parse::<usize>) {
        None => DEFAULT_PAGE,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => return Err(refuse(400, "invalid", format!("limit must be 1 to {MAX_PAGE}"))),
    };
    Ok(PageRequest { kind: k, after, limit })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRef {
    pub product_id: String,
    pub name: String,
    pub access_type: AccessType,
    pub billing_mode: BillingMode,
    pub supervised: bool,
    /// The supervision flow it follows, when supervised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_type: Option<ProductType>,
    pub channel: Channel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuyerKind {
    Person,
    Enterprise,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerRef {
    pub buyer_id: String,
    pub name: String,
    pub kind: BuyerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxpayer_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderStatus {
    /// Paid; in service supervision or being provisioned.
    InProgress,
    /// Provisioned, or supervision completed.
    Completed,
    /// Unsubscribed and refunded.
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedOrder {
    pub order_id: String,
    pub order_line_id: String,
    pub order_type: OrderType,
    /// RFC 3339, Beijing time.
    pub created_at: String,
    pub product: ProductRef,
    pub buyer: BuyerRef,
    pub amount: Cny,
    pub status: OrderStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
    /// When the order entered settlement (supervision completed or provisioned), RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_at: Option<String>,
    /// License 2.0: the authorization code the buyer receives (activated through the open API).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_code: Option<String>,
    /// An image product's order: what the buyer pays Huawei Cloud beside the image fee, and the server's facts
    /// [KG §9]. `amount` is the image fee alone, the seller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<FeedImage>,
    /// KooGallery's calls to the seller's production URL for this order (SaaS), every attempt, oldest first
    /// [KG §7]: what the seller console shows as the order's provisioning record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interface_calls: Vec<FeedInterfaceCall>,
    pub seq: u64,
}

/// An image order's second charge and its cloud server [KG §9]: the cloud server fee is Huawei Cloud's, never
/// the seller's, so no tax, revenue or invoice of the seller's counts it; the host's login was set by the buyer on
/// the order page and is theirs to keep (no field carries it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedImage {
    /// The cloud server fee the buyer paid Huawei Cloud with the order, yuan.
    pub cloud_server_fee: Cny,
    /// The enterprise project the buyer chose (enterprise accounts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_project: Option<String>,
}

/// One attempt of KooGallery's at calling the seller's production interface for an order [KG §7].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedInterfaceCall {
    /// `newInstance`, `refreshInstance`, `queryInstance`, `releaseInstance`, …
    pub activity: String,
    /// 1 for the first call; a failed newInstance is retried hourly, up to attempt 4.
    pub attempt: u32,
    /// RFC 3339, Beijing time.
    pub at: String,
    /// The reply's `resultCode`; `None` when no proper reply came (timeout, connection refused, bad signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_code: Option<String>,
    /// The instance ID the reply named (newInstance, queryInstance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// The reply's own `resultMsg`: the seller's server's words, shown as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_msg: Option<String>,
    /// What went wrong when no proper reply came, as a code the console words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<CallFailure>,
    /// The HTTP status of the reply, when it was not 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Feeds written before the four fields above carried one free-text field instead: the instance ID of an
    /// accepted call, else what went wrong in English. Read for those feeds ([`FeedInterfaceCall::legacy_detail`]);
    /// never written.
    #[serde(default, skip_serializing)]
    pub detail: Option<String>,
    pub elapsed_ms: u32,
}

impl FeedInterfaceCall {
    /// What a call of an older feed said in `detail`, read back as the fields that replaced it.
    pub fn legacy_detail(&self) -> LegacyDetail {
        LegacyDetail::read(&self.activity, self.result_code.as_deref(), self.detail.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedFlow {
    pub order_id: String,
    pub product_type: ProductType,
    pub step: Step,
    /// `None` once completed.
    #[serde(default)]
    pub side: Option<Side>,
    pub step_started_at: String,
    pub rejections: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen_by: Option<Side>,
    pub rereview: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_signed_at: Option<String>,
    pub history: Vec<Transition>,
    /// Who recorded it by hand (a gateway's tracker entry), and when (RFC 3339); absent for the marketplace's rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    #[serde(default)]
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnsubscriptionStatus {
    /// Negotiated: awaiting the merchant's review.
    Pending,
    Approved,
    Rejected,
    /// 5-day no-reason: refunded without review.
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedUnsubscription {
    pub id: String,
    pub order_id: String,
    pub rule: RefundRule,
    pub requested_at: String,
    pub refund_amount: Cny,
    pub paid_amount: Cny,
    pub reason: String,
    pub status: UnsubscriptionStatus,
    /// The date (YYYY-MM-DD) by which the merchant is expected to review: 7 working days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_due: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_reason: Option<String>,
    /// Who recorded it by hand (a gateway's tracker entry), and when (RFC 3339); absent for the marketplace's rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    #[serde(default)]
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceTitle {
    pub kind: BuyerKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxpayer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_account: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvoiceRequestStatus {
    Requested,
    Issued,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedInvoiceRequest {
    pub id: String,
    pub order_ids: Vec<String>,
    pub requested_at: String,
    pub kind: InvoiceKind,
    pub medium: Medium,
    pub title: InvoiceTitle,
    pub amount: Cny,
    pub status: InvoiceRequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// Who recorded it by hand (a gateway's tracker entry), and when (RFC 3339); absent for the marketplace's rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
    #[serde(default)]
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BillStatus {
    Generated,
    Sent,
    SignedOff,
    Paid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedBill {
    pub bill_id: String,
    pub period: String,
    pub bill_date: String,
    pub send_by: String,
    pub sign_off_by: String,
    pub payment_by: String,
    pub order_count: u32,
    pub amount: Cny,
    pub platform_fee: Cny,
    pub merchant_share: Cny,
    pub status: BillStatus,
    pub seq: u64,
}

/// A seller action on a supervision flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum SupervisionAction {
    /// Confirm the user's requirements.
    Confirm,
    /// Send the requirements back to the user.
    Reject { reason: String },
    /// License 2.0: the activation call passed.
    Activate,
    /// Appeal a user-side step that stalled for more than 5 days.
    Appeal { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisionActionRequest {
    pub action_id: String,
    #[serde(flatten)]
    pub action: SupervisionAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscriptionDecision {
    pub action_id: String,
    pub approve: bool,
    #[serde(default)]
    pub reason: String,
    /// Who recorded it (on a gateway, where the seller took the decision on the Seller Console), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceIssued {
    pub action_id: String,
    pub invoice_number: String,
    /// RFC 3339; the sandbox clock's now if left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_at: Option<String>,
    /// Who recorded it (on a gateway, where the seller took the decision on the Seller Console), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<String>,
}

/// A tracker entry recorded on a gateway: `POST /feed/v1/{kind}/{id}/record`, the body the entity as the feed
/// serves it (a [`FeedFlow`], [`FeedUnsubscription`] or [`FeedInvoiceRequest`]; its `seq` is the gateway's to
/// give) with the client's `action_id`. KooGallery has no API for these [REAL-DATA §1]: a gateway keeps what its
/// desks record, so every desk syncing it sees them, with `recorded_by`. Answered with an [`ActionOutcome`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRequest<T> {
    pub action_id: String,
    #[serde(flatten)]
    pub entity: T,
}

/// The action segment of a record route: `/feed/v1/{kind}/{id}/record`.
pub const RECORD_ACTION: &str = "record";

/// What an accepted action returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    pub action_id: String,
    /// The entity's new change sequence.
    pub seq: u64,
    /// Whether this reply repeats an earlier one for the same action_id.
    pub repeated: bool,
}

/// A refusal: the marketplace will not do it (HTTP 409), or the request is malformed (400), or not found (404).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedError {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_opaque_per_kind() {
        let c = encode_cursor(Kind::Orders, 0x1f);
        assert_eq!(decode_cursor(Kind::Orders, &c), Some(0x1f));
        assert_eq!(decode_cursor(Kind::Bills, &c), None, "a cursor belongs to its feed");
        assert_eq!(decode_cursor(Kind::Bills, ""), Some(0));
        assert_eq!(decode_cursor(Kind::Bills, "bills.zz"), None);
        for k in Kind::ALL {
            assert_eq!(Kind::from_path(k.path()), Some(k));
        }
    }

    #[test]
    fn page_requests_are_checked() {
        let ok = page_request("bills", Some(&encode_cursor(Kind::Bills, 7)), Some("50")).expect("valid");
        assert_eq!(ok, PageRequest { kind: Kind::Bills, after: 7, limit: 50 });
        assert_eq!(page_request("orders", None, None).map(|r| r.limit), Ok(DEFAULT_PAGE));
        assert_eq!(page_request("nope", None, None).map_err(|r| r.status), Err(404));
        let other = encode_cursor(Kind::Orders, 1);
        assert_eq!(page_request("bills", Some(&other), None).map_err(|r| r.error.code), Err("bad-cursor".into()));
        assert_eq!(page_request("bills", None, Some("0")).map_err(|r| r.error.code), Err("invalid".into()));
    }

    #[test]
    fn actions_are_tagged() {
        let a: SupervisionActionRequest =
            serde_json::from_str(r#"{"action_id":"a1","action":"reject","reason":"unclear"}"#).expect("json");
        assert_eq!(a.action, SupervisionAction::Reject { reason: "unclear".into() });
    }
}
