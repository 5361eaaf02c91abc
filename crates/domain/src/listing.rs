//! The listing and onboarding checklist [KG §7, §9]: the steps KooGallery requires before a product is listed, and
//! the lifecycle cases a SaaS product's saved debug cases must cover.
//!
//! 1 become a merchant; 2 (SaaS) the production interface ready; 3 (SaaS) the interface debugged and the cases
//! saved; 4 the security vulnerability scan; 5 the listing submitted (reviewed within 3 working days [KG §6]);
//! 6 listed. A period product's cases must include 新购/续费/过期/释放, a per-call product's 新购/释放 [KG §7].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::BillingMode;

/// A step of the checklist, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ListingStep {
    Merchant,
    InterfaceReady,
    InterfaceDebugged,
    SecurityScan,
    ListingSubmitted,
    Listed,
}

impl ListingStep {
    pub const ALL: &'static [ListingStep] = &[
        ListingStep::Merchant,
        ListingStep::InterfaceReady,
        ListingStep::InterfaceDebugged,
        ListingStep::SecurityScan,
        ListingStep::ListingSubmitted,
        ListingStep::Listed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListingStep::Merchant => "merchant",
            ListingStep::InterfaceReady => "interface-ready",
            ListingStep::InterfaceDebugged => "interface-debugged",
            ListingStep::SecurityScan => "security-scan",
            ListingStep::ListingSubmitted => "listing-submitted",
            ListingStep::Listed => "listed",
        }
    }

    pub fn parse(s: &str) -> Option<ListingStep> {
        ListingStep::ALL.iter().copied().find(|x| x.as_str() == s.trim())
    }

    /// Whether the seller ticks the step by hand. The interface is debugged when a run of its saved cases passed,
    /// and the listing is submitted when its review is recorded — those are read, not ticked.
    pub fn ticked_by_hand(self) -> bool {
        !matches!(self, ListingStep::InterfaceDebugged | ListingStep::ListingSubmitted)
    }

    /// Steps only a SaaS product has [KG §9].
    pub fn saas_only(self) -> bool {
        matches!(self, ListingStep::InterfaceReady | ListingStep::InterfaceDebugged)
    }
}

/// A lifecycle call KooGallery makes to a SaaS production interface, as a listing case covers it [KG §7].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Lifecycle {
    /// 新购: `newInstance`.
    New,
    /// 续费: `refreshInstance` with scene `RENEWAL`.
    Renew,
    /// 过期: `updateInstanceStatus` with status `FREEZE`.
    Expire,
    /// 释放: `releaseInstance`.
    Release,
}

/// Which lifecycle cases a product's billing mode must pass before listing [KG §7]: 新购/续费/过期/释放 for a period
/// product, 新购/释放 for a per-call one; the guide states none for other modes.
pub fn required_cases(billing: BillingMode) -> &'static [Lifecycle] {
    match billing {
        BillingMode::Period => &[Lifecycle::New, Lifecycle::Renew, Lifecycle::Expire, Lifecycle::Release],
        BillingMode::PerCall | BillingMode::PerCallPackage => &[Lifecycle::New, Lifecycle::Release],
        _ => &[],
    }
}

/// The lifecycle call a saved case's request body makes, if it is one.
pub fn lifecycle_of(request: &Value) -> Option<Lifecycle> {
    let field = |k: &str| request.get(k).and_then(Value::as_str);
    match field("activity")? {
        "newInstance" => Some(Lifecycle::New),
        "refreshInstance" if field("scene") == Some("RENEWAL") => Some(Lifecycle::Renew),
        "updateInstanceStatus" if field("status") == Some("FREEZE") => Some(Lifecycle::Expire),
        "releaseInstance" => Some(Lifecycle::Release),
        _ => None,
    }
}

/// The required lifecycle cases the saved requests do not cover, in KooGallery's order.
pub fn missing_cases<'a>(billing: BillingMode, requests: impl IntoIterator<Item = &'a Value>) -> Vec<Lifecycle> {
    let covered: Vec<Lifecycle> = requests.into_iter().filter_map(lifecycle_of).collect();
    required_cases(billing).iter().copied().filter(|l| !covered.contains(l)).collect()
}

/// Where the listing's review stands, as the seller recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingReview {
    NotSubmitted,
    InReview { due: NaiveDate },
    Approved,
    Rejected,
}

/// A step's state on the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    Done,
    Todo,
    /// The listing submitted and awaiting review.
    InReview,
    /// The listing's review was rejected: submit again.
    Rejected,
    /// Not a step of this product (the interface steps of a non-SaaS product).
    NotApplicable,
}

/// What the checklist is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistFacts {
    pub saas: bool,
    /// Steps the seller ticked by hand.
    pub ticked: Vec<ListingStep>,
    /// A run of the product's saved cases passed with no failure.
    pub passing_run: bool,
    pub review: ListingReview,
}

/// Each step's state, in order [KG §9]. An approved listing is listed.
pub fn checklist(f: &ChecklistFacts) -> Vec<(ListingStep, StepState)> {
    ListingStep::ALL
        .iter()
        .map(|&step| {
            let state = if step.saas_only() && !f.saas {
                StepState::NotApplicable
            } else {
                match step {
                    ListingStep::InterfaceDebugged if f.passing_run => StepState::Done,
                    ListingStep::InterfaceDebugged => StepState::Todo,
                    ListingStep::ListingSubmitted => match f.review {
                        ListingReview::NotSubmitted => StepState::Todo,
                        ListingReview::InReview { .. } => StepState::InReview,
                        ListingReview::Approved => StepState::Done,
                        ListingReview::Rejected => StepState::Rejected,
                    },
                    ListingStep::Listed if f.review == ListingReview::Approved => StepState::Done,
                    s if f.ticked.contains(&s) => StepState::Done,
                    _ => StepState::Todo,
                }
            };
            (step, state)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(saas: bool) -> ChecklistFacts {
        ChecklistFacts { saas, ticked: vec![], passing_run: false, review: ListingReview::NotSubmitted }
    }

    fn states(f: &ChecklistFacts) -> Vec<StepState> {
        checklist(f).into_iter().map(|(_, s)| s).collect()
    }

    #[test]
    fn a_period_product_needs_new_renew_expire_and_release() {
        let saved = [
            json!({"activity": "newInstance", "orderId": "x"}),
            json!({"activity": "queryInstance"}),
            json!({"activity": "refreshInstance", "scene": "TRIAL_TO_FORMAL"}),
            json!({"activity": "releaseInstance"}),
        ];
        assert_eq!(missing_cases(BillingMode::Period, &saved), [Lifecycle::Renew, Lifecycle::Expire]);
        let full = [
            json!({"activity": "newInstance"}),
            json!({"activity": "refreshInstance", "scene": "RENEWAL"}),
            json!({"activity": "updateInstanceStatus", "status": "FREEZE"}),
            json!({"activity": "releaseInstance"}),
        ];
        assert!(missing_cases(BillingMode::Period, &full).is_empty());
        // UNFREEZE is not expiry.
        assert_eq!(lifecycle_of(&json!({"activity": "updateInstanceStatus", "status": "UNFREEZE"})), None);
    }

    #[test]
    fn a_per_call_product_needs_new_and_release() {
        assert_eq!(missing_cases(BillingMode::PerCall, &[json!({"activity": "newInstance"})]), [Lifecycle::Release]);
        assert!(missing_cases(
            BillingMode::PerCall,
            &[json!({"activity": "newInstance"}), json!({"activity": "releaseInstance"})]
        )
        .is_empty());
        assert_eq!(missing_cases(BillingMode::PerCall, &[]), [Lifecycle::New, Lifecycle::Release]);
        assert!(missing_cases(BillingMode::OneTime, &[]).is_empty(), "the guide states no cases for one-time");
    }

    #[test]
    fn the_interface_steps_are_saas_only_and_debugged_means_a_passing_run() {
        use StepState::*;
        assert_eq!(states(&facts(false)), [Todo, NotApplicable, NotApplicable, Todo, Todo, Todo]);
        let mut f = facts(true);
        assert_eq!(states(&f), [Todo, Todo, Todo, Todo, Todo, Todo]);
        // Ticking "debugged" by hand does not count: only a passing run does.
        f.ticked = vec![ListingStep::Merchant, ListingStep::InterfaceDebugged];
        assert_eq!(states(&f), [Done, Todo, Todo, Todo, Todo, Todo]);
        f.passing_run = true;
        assert_eq!(states(&f)[2], Done);
    }

    #[test]
    fn the_listing_review_moves_steps_five_and_six() {
        use StepState::*;
        let mut f = facts(true);
        f.review = ListingReview::InReview { due: NaiveDate::from_ymd_opt(2026, 12, 2).expect("date") };
        assert_eq!(states(&f)[4..], [InReview, Todo]);
        f.review = ListingReview::Rejected;
        assert_eq!(states(&f)[4..], [Rejected, Todo]);
        f.review = ListingReview::Approved;
        assert_eq!(states(&f)[4..], [Done, Done]);
        assert!(!ListingStep::InterfaceDebugged.ticked_by_hand() && !ListingStep::ListingSubmitted.ticked_by_hand());
        for s in ListingStep::ALL {
            assert_eq!(ListingStep::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).expect("json"), json!(s.as_str()));
        }
    }
}
