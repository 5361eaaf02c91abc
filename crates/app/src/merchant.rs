//! Submissions on the Seller Console for KooGallery's review, recorded by hand [KG §6]: a merchant-information
//! change (服务商管理 > 服务商信息), a listing or a listing change; then KooGallery's answer. The store counts the
//! 3 working days and keeps the review in the inbox until the answer is recorded.

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::merchant_info::{MerchantField, ReviewSubject};
use koodesk_domain::problem::Rule;
use koodesk_domain::time;
use koodesk_store::console_reviews::{ConsoleReview, ReviewEntry};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::api::ApiError;
use crate::clock::now;
use crate::trackers::recorder;
use crate::workspace::Workspace;

/// A submission as the Seller Console showed it when the seller made it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewRecord {
    #[serde(deserialize_with = "subject_named")]
    pub subject: ReviewSubject,
    /// The field changed (merchant-info only).
    #[serde(default, deserialize_with = "field_named")]
    pub field: Option<MerchantField>,
    /// The product (listing and listing-change only).
    #[serde(default)]
    pub product_id: Option<String>,
    #[serde(default)]
    pub note: String,
    /// When it was submitted (Beijing time when no offset is given).
    pub submitted_at: String,
}

/// KooGallery's answer to a submission in review.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReviewAnswer {
    pub id: String,
    pub approved: bool,
    /// The reason KooGallery gave; required for a rejection.
    #[serde(default)]
    pub note: String,
}

/// Which submissions to list.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct ReviewsFilter {
    /// Only those still in review.
    pub open_only: bool,
    #[ts(optional)]
    pub product_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConsoleReviews {
    /// Newest first.
    pub items: Vec<ConsoleReview>,
}

/// Reads `subject`, naming the argument and the accepted values when it is not one.
fn subject_named<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ReviewSubject, D::Error> {
    let s = String::deserialize(d)?;
    ReviewSubject::parse(s.trim()).ok_or_else(|| {
        let names: Vec<&str> = ReviewSubject::ALL.iter().map(|x| x.as_str()).collect();
        serde::de::Error::custom(format!("subject `{s}`: expected one of {}", names.join(", ")))
    })
}

/// Reads `field`, naming the argument and the accepted values when it is not one.
fn field_named<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<MerchantField>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|e| serde::de::Error::custom(format!("field: {e}"))),
    }
}

pub async fn record(ws: &Workspace, a: ReviewRecord) -> Result<ConsoleReview, ApiError> {
    let submitted_at = time::parse_datetime(a.submitted_at.trim())
        .map_err(|e| ApiError::invalid("submitted_at", Rule::BadFormat, format!("submitted_at: {e}")))?;
    let entry = ReviewEntry {
        subject: a.subject,
        field: a.field,
        product_id: a.product_id.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
        note: a.note,
        submitted_at,
    };
    let r = recorder(ws)?;
    let by = r.by.clone();
    let review = ws.write(move |s| Ok(s.record_console_review(&entry, WorkingCalendar::embedded(), &r)?)).await?;
    ws.log.info(&format!("console review {} ({}) recorded by {by}", review.id, review.subject.as_str()));
    Ok(review)
}

pub async fn answer(ws: &Workspace, a: ReviewAnswer) -> Result<ConsoleReview, ApiError> {
    let r = recorder(ws)?;
    let by = r.by.clone();
    let id = a.id.trim().to_string();
    let review = ws.write(move |s| Ok(s.record_review_answer(&id, a.approved, &a.note, &r)?)).await?;
    ws.log.info(&format!("answer to console review {} ({}) recorded by {by}", review.id, review.status.as_str()));
    Ok(review)
}

pub async fn list(ws: &Workspace, a: ReviewsFilter) -> Result<ConsoleReviews, ApiError> {
    let at = now();
    let product = a.product_id.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let items = ws.read(move |s| Ok(s.console_reviews(at, a.open_only, product.as_deref())?)).await?;
    Ok(ConsoleReviews { items })
}
