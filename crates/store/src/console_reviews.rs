//! What the seller submitted on the Seller Console for KooGallery to review, and its answer [KG §6, §9]: a change
//! of the merchant information (服务商管理 > 服务商信息), a product's listing or a listing change. KooGallery has no
//! API for these, so the seller records them by hand (who and when, like the other trackers). A change of the
//! contact mobile or e-mail takes effect at once; anything else is reviewed, answered within 3 working days — the
//! due date is counted on the working-day calendar when the submission is recorded, and whether that year had
//! holiday data is kept with it (`calendar`). A review stays open, in the inbox, until the seller records the
//! answer (approved or rejected).

use crate::{Problem, Rule};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::merchant_info::{self, CalendarBasis, ChangeOutcome, MerchantField, ReviewStatus, ReviewSubject};
use koodesk_domain::time::{self, Instant};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;
use crate::inbox::ConsolePath;
use crate::trackers::Recorder;

/// A submission as the seller records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewEntry {
    pub subject: ReviewSubject,
    /// The merchant-information field changed (merchant-info only).
    pub field: Option<MerchantField>,
    /// The product listed or changed (listing and listing-change only).
    pub product_id: Option<String>,
    /// What was changed, in the seller's words (e.g. 公司地址); may be empty.
    pub note: String,
    /// When it was submitted on the Seller Console; the review's working days count from its Beijing date.
    pub submitted_at: Instant,
}

/// A recorded submission and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConsoleReview {
    pub id: String,
    pub subject: ReviewSubject,
    pub field: Option<MerchantField>,
    pub product_id: Option<String>,
    pub note: String,
    /// RFC 3339, Beijing time.
    pub submitted_at: String,
    pub status: ReviewStatus,
    /// `YYYY-MM-DD` (Beijing): the answer is due by the end of this day; none for a change effective at once.
    pub review_due: Option<String>,
    /// Whether the due date was counted on the State Council's calendar or on weekdays only (no data that year).
    pub calendar: CalendarBasis,
    /// Still in review after its due date.
    pub overdue: bool,
    pub answer_note: Option<String>,
    pub answered_at: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The reviews kept in a list answer, newest first.
pub const LISTED: i64 = 500;

fn invalid(field: &str, rule: Rule, m: impl Into<String>) -> StoreError {
    StoreError::Invalid(Problem::new(field, rule, m))
}

fn rfc3339(ts: i64) -> String {
    time::format_rfc3339(&time::to_beijing(chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default()))
}

/// Where a submission's review is answered on the Seller Console.
pub fn console_path(subject: ReviewSubject) -> Option<ConsolePath> {
    match subject {
        // 服务商管理 > 服务商信息 [KG §6].
        ReviewSubject::MerchantInfo => Some(ConsolePath::MerchantInfo),
        // The seller guide names no page for listing reviews; the answer comes by e-mail and SMS.
        ReviewSubject::Listing | ReviewSubject::ListingChange => None,
    }
}

const COLUMNS: &str = "id, subject, field, product_id, note, submitted_ts, status, review_due, calendar, answer_note,
                       answered_ts, recorded_by, recorded_ts";

fn read_row(r: &Row<'_>, today: chrono::NaiveDate) -> rusqlite::Result<ConsoleReview> {
    let bad = |i: usize, what: &str, v: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("console_reviews.{what} `{v}`: not a known value").into(),
        )
    };
    let subject: String = r.get(1)?;
    let field: Option<String> = r.get(2)?;
    let status: String = r.get(6)?;
    let calendar: String = r.get(8)?;
    let review_due: Option<String> = r.get(7)?;
    let status = ReviewStatus::parse(&status).ok_or_else(|| bad(6, "status", &status))?;
    let overdue = status == ReviewStatus::InReview
        && review_due
            .as_deref()
            .and_then(|d| time::parse_date(d).ok())
            .is_some_and(|due| merchant_info::review_overdue(due, today));
    Ok(ConsoleReview {
        id: r.get(0)?,
        subject: ReviewSubject::parse(&subject).ok_or_else(|| bad(1, "subject", &subject))?,
        field: match field {
            Some(f) => Some(f.parse().map_err(|_| bad(2, "field", &f))?),
            None => None,
        },
        product_id: r.get(3)?,
        note: r.get(4)?,
        submitted_at: rfc3339(r.get(5)?),
        status,
        review_due,
        calendar: CalendarBasis::parse(&calendar).ok_or_else(|| bad(8, "calendar", &calendar))?,
        overdue,
        answer_note: r.get(9)?,
        answered_at: r.get::<_, Option<i64>>(10)?.map(rfc3339),
        recorded_by: r.get(11)?,
        recorded_at: rfc3339(r.get(12)?),
    })
}

/// What a submission's outcome is: effective at once, or in review until a due date, and on which calendar.
fn outcome(e: &ReviewEntry, cal: &WorkingCalendar) -> (ReviewStatus, Option<chrono::NaiveDate>, CalendarBasis) {
    let submitted = time::business_date(&e.submitted_at);
    let reckoned = match (e.subject, e.field) {
        (ReviewSubject::MerchantInfo, Some(field)) => merchant_info::change_outcome(field, submitted, cal),
        _ => merchant_info::review_due(submitted, cal).map(|due| ChangeOutcome::Review { due }),
    };
    let basis = CalendarBasis::of(&reckoned);
    match reckoned.value {
        ChangeOutcome::Immediate => (ReviewStatus::Effective, None, basis),
        ChangeOutcome::Review { due } => (ReviewStatus::InReview, Some(due), basis),
    }
}

impl Store {
    /// Records a submission made on the Seller Console [KG §6]; returns it as stored, with its outcome.
    pub fn record_console_review(
        &mut self,
        e: &ReviewEntry,
        cal: &WorkingCalendar,
        r: &Recorder,
    ) -> Result<ConsoleReview, StoreError> {
        let by = r.by.trim();
        if by.is_empty() {
            return Err(invalid("recorded_by", Rule::Required, "recorded_by: who recorded this is required"));
        }
        let product = e.product_id.as_deref().map(str::trim).filter(|p| !p.is_empty());
        match e.subject {
            ReviewSubject::MerchantInfo => {
                if e.field.is_none() {
                    return Err(invalid(
                        "field",
                        Rule::Rule,
                        "field: a merchant-information change names its field (contact-mobile, contact-email or other)",
                    ));
                }
                if product.is_some() {
                    return Err(invalid(
                        "product_id",
                        Rule::Rule,
                        "product_id: a merchant-information change is not about a product",
                    ));
                }
            }
            ReviewSubject::Listing | ReviewSubject::ListingChange => {
                if product.is_none() {
                    return Err(invalid(
                        "product_id",
                        Rule::Rule,
                        "product_id: a listing or listing change names its product",
                    ));
                }
                if e.field.is_some() {
                    return Err(invalid(
                        "field",
                        Rule::Rule,
                        "field: only a merchant-information change names a field",
                    ));
                }
            }
        }
        if e.submitted_at > r.at {
            return Err(invalid("submitted_at", Rule::InFuture, "submitted_at: a submission cannot be in the future"));
        }
        let (status, due, basis) = outcome(e, cal);
        let id = crate::trackers::new_id("TR");
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO console_reviews (id, subject, field, product_id, note, submitted_ts, review_due, calendar,
                 status, answer_note, answered_ts, recorded_by, recorded_ts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, NULL, ?10, ?11)",
            params![
                id,
                e.subject.as_str(),
                e.field.map(MerchantField::as_str),
                product,
                e.note.trim(),
                e.submitted_at.timestamp(),
                due.map(|d| d.to_string()),
                basis.as_str(),
                status.as_str(),
                by,
                r.at.timestamp()
            ],
        )?;
        tx.commit()?;
        self.console_review(&id, r.at)?.ok_or_else(|| StoreError::NotFound(format!("console review `{id}`")))
    }

    /// Records KooGallery's answer to a submission in review (by e-mail and SMS [KG §6]); a rejection needs its
    /// reason. The review then leaves the inbox.
    pub fn record_review_answer(
        &mut self,
        id: &str,
        approved: bool,
        note: &str,
        r: &Recorder,
    ) -> Result<ConsoleReview, StoreError> {
        let by = r.by.trim();
        if by.is_empty() {
            return Err(invalid("recorded_by", Rule::Required, "recorded_by: who recorded this is required"));
        }
        if !approved && note.trim().is_empty() {
            return Err(invalid(
                "note",
                Rule::ReasonRequired,
                "note: a rejection needs KooGallery's reason, as its e-mail gives it",
            ));
        }
        let tx = self.write()?;
        let status: Option<String> =
            tx.query_row("SELECT status FROM console_reviews WHERE id = ?1", [id], |row| row.get(0)).optional()?;
        match status.as_deref() {
            None => return Err(StoreError::NotFound(format!("console review `{id}`"))),
            Some("in-review") => {}
            Some(other) => {
                return Err(invalid(
                    "id",
                    Rule::WrongStep,
                    format!("console review `{id}` is {other}: only one in review is answered"),
                ))
            }
        }
        let answered = if approved { ReviewStatus::Approved } else { ReviewStatus::Rejected };
        tx.execute(
            "UPDATE console_reviews SET status = ?2, answer_note = ?3, answered_ts = ?4, recorded_by = ?5,
                    recorded_ts = ?4
              WHERE id = ?1",
            params![id, answered.as_str(), Some(note.trim()).filter(|s| !s.is_empty()), r.at.timestamp(), by],
        )?;
        tx.commit()?;
        self.console_review(id, r.at)?.ok_or_else(|| StoreError::NotFound(format!("console review `{id}`")))
    }

    /// One submission, as at `now`.
    pub fn console_review(&self, id: &str, now: Instant) -> Result<Option<ConsoleReview>, StoreError> {
        let today = time::business_date(&now);
        Ok(self
            .conn
            .query_row(&format!("SELECT {COLUMNS} FROM console_reviews WHERE id = ?1"), [id], |r| read_row(r, today))
            .optional()?)
    }

    /// The submissions, newest first ([`LISTED`] at most): all, or only those still in review; of one product
    /// when `product_id` is given.
    pub fn console_reviews(
        &self,
        now: Instant,
        open_only: bool,
        product_id: Option<&str>,
    ) -> Result<Vec<ConsoleReview>, StoreError> {
        let today = time::business_date(&now);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM console_reviews
              WHERE (?1 = 0 OR status = 'in-review') AND (?2 IS NULL OR product_id = ?2)
              ORDER BY submitted_ts DESC, id LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![open_only, product_id, LISTED], |r| read_row(r, today))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The submissions still in review, soonest due first (the inbox reads these through their partial index).
    pub fn open_console_reviews(&self, now: Instant) -> Result<Vec<ConsoleReview>, StoreError> {
        let today = time::business_date(&now);
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM console_reviews WHERE status = 'in-review' ORDER BY review_due, submitted_ts"
        ))?;
        let rows = stmt.query_map([], |r| read_row(r, today))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}
