//! The listing and onboarding checklist per product [KG §7, §9]: the products being onboarded, the steps the seller
//! ticks by hand (merchant, interface ready, security scan, listed), and the steps read from what the store holds —
//! the interface debugged when a run of the product's saved suite passed, the listing submitted when its review is
//! recorded ([`crate::console_reviews`]). A SaaS product's saved cases are checked for the lifecycle calls its
//! billing mode must pass before listing.

use crate::{Problem, Rule};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::listing::{self, ChecklistFacts, Lifecycle, ListingReview, ListingStep, StepState};
use koodesk_domain::merchant_info::{ReviewStatus, ReviewSubject};
use koodesk_domain::time::{self, Instant};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::console_reviews::ConsoleReview;
use crate::db::Store;
use crate::error::StoreError;
use crate::interface_checks::RunSummary;
use crate::trackers::Recorder;

/// A product put on the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingEntry {
    pub product_id: String,
    pub name: String,
    pub access_type: AccessType,
    pub billing_mode: BillingMode,
    /// The saved interface-check suite holding its debug cases (SaaS).
    pub suite: Option<String>,
}

/// One step and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChecklistStep {
    pub step: ListingStep,
    pub state: StepState,
    /// When it was ticked or done (RFC 3339, Beijing), and by whom when ticked by hand.
    pub done_at: Option<String>,
    pub recorded_by: Option<String>,
}

/// A product's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Checklist {
    pub product_id: String,
    pub name: String,
    pub access_type: String,
    pub billing_mode: String,
    pub suite: Option<String>,
    pub steps: Vec<ChecklistStep>,
    /// Lifecycle calls the billing mode requires that the saved suite's cases do not make (SaaS only).
    pub missing_cases: Vec<Lifecycle>,
    /// The latest run of the saved suite.
    pub last_run: Option<RunSummary>,
    /// The latest passing run of the saved suite, which ticks step 3.
    pub passing_run: Option<RunSummary>,
    /// The latest listing review recorded for the product.
    pub review: Option<ConsoleReview>,
}

fn invalid(field: &str, rule: Rule, m: impl Into<String>) -> StoreError {
    StoreError::Invalid(Problem::new(field, rule, m))
}

fn rfc3339(ts: i64) -> String {
    time::format_rfc3339(&time::to_beijing(chrono::DateTime::from_timestamp(ts, 0).unwrap_or_default()))
}

fn who(r: &Recorder) -> Result<&str, StoreError> {
    let by = r.by.trim();
    if by.is_empty() {
        return Err(invalid("recorded_by", Rule::Required, "recorded_by: who recorded this is required"));
    }
    Ok(by)
}

impl Store {
    /// Puts a product on the checklist, or updates its name, type, billing mode and suite.
    pub fn save_listing(&mut self, e: &ListingEntry, r: &Recorder) -> Result<(), StoreError> {
        let by = who(r)?;
        let product = e.product_id.trim();
        if product.is_empty() {
            return Err(invalid("product_id", Rule::Required, "product_id: the product's ID is required"));
        }
        if e.name.trim().is_empty() {
            return Err(invalid("name", Rule::Required, "name: the product's name is required"));
        }
        let suite = e.suite.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO listings (product_id, name, access_type, billing_mode, suite, recorded_by, recorded_ts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, access_type = excluded.access_type,
                 billing_mode = excluded.billing_mode, suite = excluded.suite, recorded_by = excluded.recorded_by,
                 recorded_ts = excluded.recorded_ts",
            params![
                product,
                e.name.trim(),
                e.access_type.as_str(),
                e.billing_mode.as_str(),
                suite,
                by,
                r.at.timestamp()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Ticks (or unticks) a step the seller does by hand [KG §9].
    pub fn tick_listing_step(
        &mut self,
        product_id: &str,
        step: ListingStep,
        done: bool,
        r: &Recorder,
    ) -> Result<(), StoreError> {
        let by = who(r)?;
        if !step.ticked_by_hand() {
            return Err(invalid(
                "step",
                Rule::WrongStep,
                format!(
                    "step `{}`: not ticked by hand — {}",
                    step.as_str(),
                    if step == ListingStep::InterfaceDebugged {
                        "a passing run of the product's saved cases ticks it"
                    } else {
                        "recording the listing submitted on the Seller Console ticks it"
                    }
                ),
            ));
        }
        let tx = self.write()?;
        let access: Option<String> = tx
            .query_row("SELECT access_type FROM listings WHERE product_id = ?1", [product_id], |row| row.get(0))
            .optional()?;
        let Some(access) = access else {
            return Err(StoreError::NotFound(format!("product `{product_id}`: put it on the checklist first")));
        };
        if step.saas_only() && access != AccessType::Saas.as_str() {
            return Err(invalid(
                "step",
                Rule::WrongStep,
                format!("step `{}`: only a SaaS product has a production interface", step.as_str()),
            ));
        }
        if done {
            tx.execute(
                "INSERT INTO listing_steps (product_id, step, done_ts, recorded_by, recorded_ts) VALUES (?1, ?2, ?3, ?4, ?3)
                 ON CONFLICT (product_id, step) DO UPDATE SET done_ts = excluded.done_ts,
                     recorded_by = excluded.recorded_by, recorded_ts = excluded.recorded_ts",
                params![product_id, step.as_str(), r.at.timestamp(), by],
            )?;
        } else {
            tx.execute(
                "DELETE FROM listing_steps WHERE product_id = ?1 AND step = ?2",
                params![product_id, step.as_str()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every product's checklist, by name.
    pub fn listing_checklists(&self, now: Instant) -> Result<Vec<Checklist>, StoreError> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare_cached("SELECT product_id FROM listings ORDER BY name, product_id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = self.listing_checklist(&id, now)? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// One product's checklist, as at `now`.
    pub fn listing_checklist(&self, product_id: &str, now: Instant) -> Result<Option<Checklist>, StoreError> {
        let row: Option<(String, String, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT name, access_type, billing_mode, suite FROM listings WHERE product_id = ?1",
                [product_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((name, access, billing, suite)) = row else { return Ok(None) };
        let saas = access == AccessType::Saas.as_str();
        let mut ticked = Vec::new();
        let mut stamps = std::collections::HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT step, done_ts, recorded_by FROM listing_steps WHERE product_id = ?1")?;
            let rows = stmt.query_map([product_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
            })?;
            for row in rows {
                let (step, at, by) = row?;
                if let Some(s) = ListingStep::parse(&step) {
                    ticked.push(s);
                    stamps.insert(s, (rfc3339(at), by));
                }
            }
        }
        let run_of = |passing: bool| -> Result<Option<RunSummary>, StoreError> {
            let Some(suite) = suite.as_deref() else { return Ok(None) };
            Ok(self
                .conn
                .query_row(
                    "SELECT id, started_at, url, suite, passed, failed, skipped, elapsed_ms FROM interface_runs
                      WHERE suite = ?1 AND (?2 = 0 OR (failed = 0 AND passed > 0)) ORDER BY id DESC LIMIT 1",
                    params![suite, passing],
                    |r| {
                        Ok(RunSummary {
                            id: r.get(0)?,
                            started_at: r.get(1)?,
                            url: r.get(2)?,
                            suite: r.get(3)?,
                            passed: r.get(4)?,
                            failed: r.get(5)?,
                            skipped: r.get(6)?,
                            elapsed_ms: r.get(7)?,
                        })
                    },
                )
                .optional()?)
        };
        let (last_run, passing_run) = if saas { (run_of(false)?, run_of(true)?) } else { (None, None) };
        let missing_cases = if saas {
            let billing: BillingMode = billing
                .parse()
                .map_err(|_| invalid("billing_mode", Rule::OneOf, format!("billing mode `{billing}`")))?;
            let requests: Vec<serde_json::Value> = match suite.as_deref() {
                None => Vec::new(),
                Some(s) => {
                    let mut stmt = self.conn.prepare_cached("SELECT request FROM interface_cases WHERE suite = ?1")?;
                    let rows = stmt.query_map([s], |r| r.get::<_, String>(0))?;
                    rows.filter_map(|r| r.ok().and_then(|t| serde_json::from_str(&t).ok())).collect()
                }
            };
            listing::missing_cases(billing, &requests)
        } else {
            Vec::new()
        };
        let review_id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM console_reviews WHERE subject = ?1 AND product_id = ?2
                  ORDER BY submitted_ts DESC, recorded_ts DESC LIMIT 1",
                params![ReviewSubject::Listing.as_str(), product_id],
                |r| r.get(0),
            )
            .optional()?;
        let review = match review_id {
            Some(id) => self.console_review(&id, now)?,
            None => None,
        };
        let listing_review = match &review {
            None => ListingReview::NotSubmitted,
            Some(r) => match r.status {
                ReviewStatus::Approved | ReviewStatus::Effective => ListingReview::Approved,
                ReviewStatus::Rejected => ListingReview::Rejected,
                ReviewStatus::InReview => ListingReview::InReview {
                    due: r.review_due.as_deref().and_then(|d| time::parse_date(d).ok()).unwrap_or_default(),
                },
            },
        };
        let facts = ChecklistFacts { saas, ticked, passing_run: passing_run.is_some(), review: listing_review };
        let steps = listing::checklist(&facts)
            .into_iter()
            .map(|(step, state)| {
                let (done_at, recorded_by) = match step {
                    ListingStep::InterfaceDebugged => (passing_run.as_ref().map(|r| r.started_at.clone()), None),
                    ListingStep::ListingSubmitted => (
                        review.as_ref().map(|r| r.submitted_at.clone()),
                        review.as_ref().map(|r| r.recorded_by.clone()),
                    ),
                    ListingStep::Listed if state == StepState::Done && !stamps.contains_key(&step) => (
                        review.as_ref().and_then(|r| r.answered_at.clone()),
                        review.as_ref().map(|r| r.recorded_by.clone()),
                    ),
                    s => match stamps.get(&s) {
                        Some((at, by)) if state == StepState::Done => (Some(at.clone()), Some(by.clone())),
                        _ => (None, None),
                    },
                };
                ChecklistStep { step, state, done_at, recorded_by }
            })
            .collect();
        Ok(Some(Checklist {
            product_id: product_id.to_string(),
            name,
            access_type: access,
            billing_mode: billing,
            suite,
            steps,
            missing_cases,
            last_run,
            passing_run,
            review,
        }))
    }
}
