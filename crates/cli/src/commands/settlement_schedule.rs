use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::settlement::{self, SettlementSchedule};
use serde::Serialize;

use crate::args::SettlementArgs;
use crate::output::{print_json, warn, Failure};

#[derive(Serialize)]
struct ScheduleOutput {
    #[serde(flatten)]
    schedule: SettlementSchedule,
    calendar_fallback_years: Vec<i32>,
}

pub fn run(a: SettlementArgs, cal: &WorkingCalendar) -> Result<(), Failure> {
    let r = settlement::schedule(a.period, cal);
    warn(r.warning());
    if a.json {
        return print_json(&ScheduleOutput {
            schedule: r.value,
            calendar_fallback_years: r.fallback_years.into_iter().collect(),
        });
    }
    let s = r.value;
    println!("billing period {} (bill {})", s.period, s.bill_id);
    println!("  bill generated  {}  (the 3rd, or the next working day)", s.bill_date);
    println!("  sent by         {}  (+{} working days)", s.send_by, settlement::SEND_WORKING_DAYS);
    println!("  signed off by   {}  (+{} working days)", s.sign_off_by, settlement::SIGN_OFF_WORKING_DAYS);
    println!("  paid by         {}  (+{} working days)", s.payment_by, settlement::PAYMENT_WORKING_DAYS);
    Ok(())
}
