//! Merchant-information changes and other console reviews [KG §6].

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Reckoned, WorkingCalendar};

/// A field of the merchant information (服务商管理 > 服务商信息).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MerchantField {
    ContactMobile,
    ContactEmail,
    /// Anything else: company name, address, service e-mail, description, …
    Other,
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
}
