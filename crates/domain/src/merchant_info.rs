//! Merchant-information changes and other console reviews [KG §6].

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Reckoned, WorkingCalendar};
use crate::catalog::UnknownName;

/// Where the merchant information is changed on the Seller Console [KG §6].
pub const MERCHANT_INFO_PATH: &str = "服务商管理 > 服务商信息";

/// A field of the merchant information (服务商管理 > 服务商信息).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum MerchantField {
    ContactMobile,
    ContactEmail,
    /// Anything else: company name, address, service e-mail, description, …
    Other,
}

impl MerchantField {
    pub const ALL: &'static [MerchantField] =
        &[MerchantField::ContactMobile, MerchantField::ContactEmail, MerchantField::Other];

    /// The name used by the CLI and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MerchantField::ContactMobile => "contact-mobile",
            MerchantField::ContactEmail => "contact-email",
            MerchantField::Other => "other",
        }
    }
}

impl FromStr for MerchantField {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MerchantField::ALL.iter().copied().find(|f| f.as_str() == s.trim()).ok_or_else(|| UnknownName {
            what: "merchant-information field",
            value: s.to_string(),
            accepted: MerchantField::ALL.iter().map(|f| f.as_str()).collect(),
        })
    }
}

/// Which calendar a due date was counted on: the State Council's notice for every year it spans, or, for a year
/// without data, Monday–Friday only (the fallback is reported, never silent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum CalendarBasis {
    Official,
    WeekdaysOnly,
}

impl CalendarBasis {
    pub fn of<T>(r: &Reckoned<T>) -> CalendarBasis {
        if r.fallback_years.is_empty() {
            CalendarBasis::Official
        } else {
            CalendarBasis::WeekdaysOnly
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CalendarBasis::Official => "official",
            CalendarBasis::WeekdaysOnly => "weekdays-only",
        }
    }

    pub fn parse(s: &str) -> Option<CalendarBasis> {
        [CalendarBasis::Official, CalendarBasis::WeekdaysOnly].into_iter().find(|c| c.as_str() == s)
    }
}

/// What the seller submitted on the Seller Console for KooGallery to review [KG §6, §9].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ReviewSubject {
    /// A change of the merchant information (服务商管理 > 服务商信息).
    MerchantInfo,
    /// A product's listing (商品发布).
    Listing,
    /// A change to a listed product.
    ListingChange,
}

impl ReviewSubject {
    pub const ALL: &'static [ReviewSubject] =
        &[ReviewSubject::MerchantInfo, ReviewSubject::Listing, ReviewSubject::ListingChange];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewSubject::MerchantInfo => "merchant-info",
            ReviewSubject::Listing => "listing",
            ReviewSubject::ListingChange => "listing-change",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewSubject> {
        ReviewSubject::ALL.iter().copied().find(|x| x.as_str() == s)
    }
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ReviewStatus {
    /// Took effect at once (contact mobile or e-mail).
    Effective,
    /// Awaiting KooGallery's answer.
    InReview,
    Approved,
    Rejected,
}

impl ReviewStatus {
    pub const ALL: &'static [ReviewStatus] =
        &[ReviewStatus::Effective, ReviewStatus::InReview, ReviewStatus::Approved, ReviewStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Effective => "effective",
            ReviewStatus::InReview => "in-review",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewStatus> {
        ReviewStatus::ALL.iter().copied().find(|x| x.as_str() == s)
    }
}

/// A review is overdue once the Beijing date `today` is past its due date: the answer was due by the end of it.
pub fn review_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    today > due
}

/// What happens to a change once submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ChangeOutcome {
    /// Contact mobile and e-mail changes take effect at once.
    Immediate,
    /// Reviewed; the answer comes by e-mail and SMS by this date.
    Review { due: NaiveDate },
}

/// Working days KooGallery takes to review a merchant-information change, a listing or a listing change [KG §6].
pub const REVIEW_WORKING_DAYS: i64 = 3;

/// The outcome of changing one field, submitted on a Beijing date [KG §6].
pub fn change_outcome(field: MerchantField, submitted: NaiveDate, cal: &WorkingCalendar) -> Reckoned<ChangeOutcome> {
    match field {
        MerchantField::ContactMobile | MerchantField::ContactEmail => Reckoned::exact(ChangeOutcome::Immediate),
        MerchantField::Other => review_due(submitted, cal).map(|due| ChangeOutcome::Review { due }),
    }
}

/// When a review submitted on `submitted` is due: 3 working days later [KG §6] (also listings and changes).
pub fn review_due(submitted: NaiveDate, cal: &WorkingCalendar) -> Reckoned<NaiveDate> {
    cal.add_working_days(submitted, REVIEW_WORKING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn contact_changes_are_immediate() {
        let cal = WorkingCalendar::embedded();
        assert_eq!(change_outcome(MerchantField::ContactMobile, d("2026-03-02"), cal).value, ChangeOutcome::Immediate);
        assert_eq!(change_outcome(MerchantField::ContactEmail, d("2026-03-02"), cal).value, ChangeOutcome::Immediate);
    }

    #[test]
    fn other_changes_are_reviewed_in_three_working_days() {
        let cal = WorkingCalendar::embedded();
        // Thursday 2026-09-24 → Fri 9-25 is Mid-Autumn → 9-28, 9-29, 9-30.
        assert_eq!(
            change_outcome(MerchantField::Other, d("2026-09-24"), cal).value,
            ChangeOutcome::Review { due: d("2026-09-30") }
        );
        // Friday 2026-11-27 → Mon, Tue, Wed.
        assert_eq!(review_due(d("2026-11-27"), cal).value, d("2026-12-02"));
    }

    #[test]
    fn a_year_without_holiday_data_is_counted_on_weekdays_and_says_so() {
        let cal = WorkingCalendar::embedded();
        let official = review_due(d("2026-09-24"), cal);
        assert_eq!(CalendarBasis::of(&official), CalendarBasis::Official);
        // 2031 has no notice: Friday 2031-01-03 → Mon 6, Tue 7, Wed 8, weekends skipped only.
        let guessed = review_due(d("2031-01-03"), cal);
        assert_eq!(guessed.value, d("2031-01-08"));
        assert_eq!(CalendarBasis::of(&guessed), CalendarBasis::WeekdaysOnly);
        // The immediate outcome needs no calendar at all.
        let immediate = change_outcome(MerchantField::ContactEmail, d("2031-01-03"), cal);
        assert_eq!(CalendarBasis::of(&immediate), CalendarBasis::Official);
    }

    #[test]
    fn fields_are_named_as_the_cli_names_them() {
        for f in MerchantField::ALL {
            assert_eq!(f.as_str().parse::<MerchantField>(), Ok(*f));
            assert_eq!(serde_json::to_value(f).expect("json"), serde_json::json!(f.as_str()));
        }
        let e = "company-name".parse::<MerchantField>().expect_err("unknown");
        assert!(e.to_string().contains("contact-mobile, contact-email, other"), "{e}");
        for s in ReviewSubject::ALL {
            assert_eq!(ReviewSubject::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).expect("json"), serde_json::json!(s.as_str()));
        }
        for s in ReviewStatus::ALL {
            assert_eq!(ReviewStatus::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).expect("json"), serde_json::json!(s.as_str()));
        }
    }

    #[test]
    fn a_review_is_overdue_the_day_after_it_was_due() {
        assert!(!review_overdue(d("2026-09-30"), d("2026-09-30")));
        assert!(review_overdue(d("2026-09-30"), d("2026-10-01")));
    }
}
