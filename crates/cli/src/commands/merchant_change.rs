//! `koodesk merchant-change`: a contact mobile or e-mail change takes effect at once; any other is reviewed, due
//! 3 working days after the Beijing date it was submitted [KG §6]. The calendar used is said: `official` when every
//! year counted has the State Council's notice, else `weekdays-only` (with a warning on standard error).

use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::merchant_info::{self, CalendarBasis, ChangeOutcome, MERCHANT_INFO_PATH};
use koodesk_domain::time;
use serde::Serialize;

use crate::args::MerchantChangeArgs;
use crate::output::{print_json, warn, Failure};

#[derive(Serialize)]
struct Output {
    field: &'static str,
    outcome: &'static str,
    review_due: Option<String>,
    calendar: &'static str,
}

pub fn run(a: MerchantChangeArgs, cal: &WorkingCalendar) -> Result<(), Failure> {
    let submitted = time::business_date(&a.submitted_at);
    let r = merchant_info::change_outcome(a.field, submitted, cal);
    warn(r.warning());
    let calendar = CalendarBasis::of(&r).as_str();
    let (outcome, due) = match r.value {
        ChangeOutcome::Immediate => ("immediate", None),
        ChangeOutcome::Review { due } => ("review", Some(due.to_string())),
    };
    if a.json {
        return print_json(&Output { field: a.field.as_str(), outcome, review_due: due, calendar });
    }
    match due {
        None => println!("{}: takes effect at once ({MERCHANT_INFO_PATH})", a.field.as_str()),
        Some(d) => println!(
            "{}: reviewed; KooGallery answers by e-mail and SMS by the end of {d} ({calendar} calendar)",
            a.field.as_str()
        ),
    }
    Ok(())
}
