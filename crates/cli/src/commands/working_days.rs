use koodesk_domain::calendar::WorkingCalendar;
use serde::Serialize;

use crate::args::{WorkingDaysArgs, WorkingDaysCommand};
use crate::output::{print_json, warn, Failure};

#[derive(Serialize)]
struct AddOutput {
    from: String,
    days: i64,
    date: String,
    calendar_fallback_years: Vec<i32>,
}

#[derive(Serialize)]
struct CheckOutput {
    date: String,
    working_day: bool,
    holiday: Option<String>,
    calendar_fallback_years: Vec<i32>,
}

pub fn run(a: WorkingDaysArgs, cal: &WorkingCalendar) -> Result<(), Failure> {
    match a.command {
        WorkingDaysCommand::Add { from, days, json } => {
            let r = cal.add_working_days(from, days);
            warn(r.warning());
            if json {
                return print_json(&AddOutput {
                    from: from.to_string(),
                    days,
                    date: r.value.to_string(),
                    calendar_fallback_years: r.fallback_years.into_iter().collect(),
                });
            }
            println!("{}", r.value);
            Ok(())
        }
        WorkingDaysCommand::Check { date, json } => {
            let r = cal.is_working_day(date);
            warn(r.warning());
            let holiday = cal.holiday_name(date).map(str::to_string);
            if json {
                print_json(&CheckOutput {
                    date: date.to_string(),
                    working_day: r.value,
                    holiday: holiday.clone(),
                    calendar_fallback_years: r.fallback_years.into_iter().collect(),
                })?;
            } else if r.value {
                println!("{date} is a working day");
            } else {
                println!("{date} is not a working day{}", holiday.map(|h| format!(" ({h})")).unwrap_or_default());
            }
            if r.value {
                Ok(())
            } else {
                Err(Failure::negative(""))
            }
        }
    }
}
