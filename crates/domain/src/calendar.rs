//! The mainland-China working-day calendar, from data [KG §5, §6].
//!
//! Working days follow the State Council's yearly holiday notices: public holidays are days off, and some
//! weekend days become working days (调休). The notices for 2024–2026 ship in `data/cn-holidays.json`; more can be
//! merged from a file of the same shape. A year with no data falls back to Monday–Friday, and every answer says
//! which years it had to guess ([`Reckoned::fallback_years`]): the fallback is reported, never silent.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

const EMBEDDED: &str = include_str!("../data/cn-holidays.json");

/// An answer, with the years for which there was no holiday data and Monday–Friday was assumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reckoned<T> {
    pub value: T,
    pub fallback_years: BTreeSet<i32>,
}

impl<T> Reckoned<T> {
    pub fn exact(value: T) -> Self {
        Reckoned { value, fallback_years: BTreeSet::new() }
    }

    /// A sentence for the user when the answer used the fallback.
    pub fn warning(&self) -> Option<String> {
        if self.fallback_years.is_empty() {
            return None;
        }
        let years: Vec<String> = self.fallback_years.iter().map(|y| y.to_string()).collect();
        Some(format!(
            "no holiday data for {}: Monday–Friday counted as working days there; add the State Council's notice \
             to the calendar data",
            years.join(", ")
        ))
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reckoned<U> {
        Reckoned { value: f(self.value), fallback_years: self.fallback_years }
    }

    /// Combines two answers, keeping the fallback years of both.
    pub fn and<U>(mut self, other: Reckoned<U>) -> Reckoned<(T, U)> {
        self.fallback_years.extend(other.fallback_years);
        Reckoned { value: (self.value, other.value), fallback_years: self.fallback_years }
    }
}

/// The file format: one entry a year.
#[derive(Debug, Clone, Deserialize)]
struct CalendarFile {
    years: Vec<YearFile>,
}

#[derive(Debug, Clone, Deserialize)]
struct YearFile {
    year: i32,
    source: String,
    holidays: Vec<HolidayRange>,
    working_weekends: Vec<WorkingWeekend>,
}

#[derive(Debug, Clone, Deserialize)]
struct HolidayRange {
    name: String,
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
struct WorkingWeekend {
    name: String,
    date: NaiveDate,
}

/// One year's notice.
#[derive(Debug, Clone, Default)]
struct Year {
    source: String,
    holidays: BTreeMap<NaiveDate, String>,
    working_weekends: BTreeMap<NaiveDate, String>,
}

/// Why calendar data was refused. Nothing of a refused file is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar data is not valid JSON of the expected shape: {0}")]
    Format(String),
    #[error("calendar year {year}: {date} ({name}) is not in {year}")]
    WrongYear { year: i32, date: NaiveDate, name: String },
    #[error("calendar year {year}: holiday `{name}` ends ({to}) before it starts ({from})")]
    Reversed { year: i32, name: String, from: NaiveDate, to: NaiveDate },
    #[error("calendar year {year}: working weekend day {date} ({name}) is a {weekday}, not a Saturday or Sunday")]
    NotAWeekend { year: i32, date: NaiveDate, name: String, weekday: Weekday },
    #[error("calendar year {year}: {date} is both a holiday and a working day")]
    Conflict { year: i32, date: NaiveDate },
    #[error("calendar year {year} appears twice")]
    DuplicateYear { year: i32 },
}

/// Working days in mainland China.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, Year>,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkingCalendar {
    /// The calendar shipped with KooDesk (2024–2026).
    pub fn embedded() -> &'static WorkingCalendar {
        static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
        CAL.get_or_init(|| {
            WorkingCalendar::from_json(EMBEDDED).expect("the embedded calendar data is valid (checked by a unit test)")
        })
    }

    /// Parses and checks calendar data.
    pub fn from_json(json: &str) -> Result<WorkingCalendar, CalendarError> {
        let file: CalendarFile = serde_json::from_str(json).map_err(|e| CalendarError::Format(e.to_string()))?;
        let mut cal = WorkingCalendar::default();
        for y in file.years {
            if cal.years.contains_key(&y.year) {
                return Err(CalendarError::DuplicateYear { year: y.year });
            }
            let year = Self::check_year(&y)?;
            cal.years.insert(y.year, year);
        }
        Ok(cal)
    }

    fn check_year(y: &YearFile) -> Result<Year, CalendarError> {
        let mut out = Year { source: y.source.clone(), ..Year::default() };
        let in_year = |date: NaiveDate, name: &str| {
            if date.year() == y.year {
                Ok(())
            } else {
                Err(CalendarError::WrongYear { year: y.year, date, name: name.to_string() })
            }
        };
        for h in &y.holidays {
            if h.to < h.from {
                return Err(CalendarError::Reversed { year: y.year, name: h.name.clone(), from: h.from, to: h.to });
            }
            in_year(h.from, &h.name)?;
            in_year(h.to, &h.name)?;
            for d in h.from.iter_days().take_while(|d| *d <= h.to) {
                out.holidays.insert(d, h.name.clone());
            }
        }
        for w in &y.working_weekends {
            in_year(w.date, &w.name)?;
            if !is_weekend(w.date) {
                return Err(CalendarError::NotAWeekend {
                    year: y.year,
                    date: w.date,
                    name: w.name.clone(),
                    weekday: w.date.weekday(),
                });
            }
            if out.holidays.contains_key(&w.date) {
                return Err(CalendarError::Conflict { year: y.year, date: w.date });
            }
            out.working_weekends.insert(w.date, w.name.clone());
        }
        Ok(out)
    }

    /// Adds another calendar's years; a year present in both is taken from `other`.
    pub fn merged_with(&self, other: &WorkingCalendar) -> WorkingCalendar {
        let mut years = self.years.clone();
        years.extend(other.years.iter().map(|(k, v)| (*k, v.clone())));
        WorkingCalendar { years }
    }

    /// The years with data, and the notice each came from.
    pub fn years(&self) -> impl Iterator<Item = (i32, &str)> {
        self.years.iter().map(|(y, v)| (*y, v.source.as_str()))
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> Reckoned<bool> {
        match self.years.get(&d.year()) {
            Some(y) => Reckoned::exact(if y.holidays.contains_key(&d) {
                false
            } else {
                y.working_weekends.contains_key(&d) || !is_weekend(d)
            }),
            None => Reckoned { value: !is_weekend(d), fallback_years: BTreeSet::from([d.year()]) },
        }
    }

    /// The holiday `d` falls in, if any.
    pub fn holiday_name(&self, d: NaiveDate) -> Option<&str> {
        self.years.get(&d.year()).and_then(|y| y.holidays.get(&d)).map(String::as_str)
    }

    /// `d` itself if it is a working day, otherwise the next working day.
    pub fn on_or_next_working_day(&self, d: NaiveDate) -> Reckoned<NaiveDate> {
        let mut fallback = BTreeSet::new();
        let mut day = d;
        loop {
            let w = self.is_working_day(day);
            fallback.extend(w.fallback_years);
            if w.value {
                return Reckoned { value: day, fallback_years: fallback };
            }
            day += Duration::days(1);
        }
    }

    /// The `n`-th working day after `from` (`from` itself not counted; `n < 0` counts back; `n = 0` is `from`).
    pub fn add_working_days(&self, from: NaiveDate, n: i64) -> Reckoned<NaiveDate> {
        let step = if n < 0 { Duration::days(-1) } else { Duration::days(1) };
        let mut fallback = BTreeSet::new();
        let mut day = from;
        let mut left = n.unsigned_abs();
        while left > 0 {
            day += step;
            let w = self.is_working_day(day);
            fallback.extend(w.fallback_years);
            if w.value {
                left -= 1;
            }
        }
        Reckoned { value: day, fallback_years: fallback }
    }

    /// Working days in `(from, to]`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<i64> {
        let mut fallback = BTreeSet::new();
        let mut count = 0;
        let mut day = from;
        while day < to {
            day += Duration::days(1);
            let w = self.is_working_day(day);
            fallback.extend(w.fallback_years);
            count += i64::from(w.value);
        }
        Reckoned { value: count, fallback_years: fallback }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn cal() -> &'static WorkingCalendar {
        WorkingCalendar::embedded()
    }

    #[test]
    fn embedded_data_parses_and_covers_2024_to_2026() {
        let years: Vec<i32> = cal().years().map(|(y, _)| y).collect();
        assert_eq!(years, [2024, 2025, 2026]);
    }

    #[test]
    fn holidays_and_working_weekends() {
        // 2026 Spring Festival: 2-15..2-23 off, Saturdays 2-14 and 2-28 worked.
        assert!(!cal().is_working_day(d("2026-02-16")).value);
        assert!(!cal().is_working_day(d("2026-02-23")).value, "a Monday inside the holiday");
        assert!(cal().is_working_day(d("2026-02-14")).value, "a Saturday made a working day");
        assert!(cal().is_working_day(d("2026-02-28")).value);
        assert!(cal().is_working_day(d("2026-01-04")).value, "Sunday after New Year 2026");
        assert!(!cal().is_working_day(d("2026-01-02")).value, "Friday inside New Year 2026");
        assert!(!cal().is_working_day(d("2025-10-08")).value, "2025 National Day runs to the 8th");
        assert!(cal().is_working_day(d("2025-10-11")).value);
        assert!(cal().is_working_day(d("2024-02-04")).value);
        assert!(!cal().is_working_day(d("2024-06-10")).value);
        assert_eq!(cal().holiday_name(d("2026-10-03")), Some("国庆节"));
        // Ordinary days.
        assert!(cal().is_working_day(d("2026-11-30")).value);
        assert!(!cal().is_working_day(d("2026-11-29")).value);
    }

    #[test]
    fn adding_working_days_crosses_holidays() {
        // Friday 2026-09-30 → National Day → 10-08 (Thu) is the first working day after.
        assert_eq!(cal().add_working_days(d("2026-09-30"), 1).value, d("2026-10-08"));
        // 10-10 (Saturday) is worked.
        assert_eq!(cal().add_working_days(d("2026-10-09"), 1).value, d("2026-10-10"));
        assert_eq!(cal().add_working_days(d("2026-10-08"), -1).value, d("2026-09-30"));
        assert_eq!(cal().add_working_days(d("2026-03-02"), 0).value, d("2026-03-02"));
        assert_eq!(cal().working_days_between(d("2026-09-30"), d("2026-10-10")).value, 3);
    }

    #[test]
    fn a_year_without_data_is_reported() {
        let r = cal().add_working_days(d("2026-12-30"), 3);
        assert_eq!(r.value, d("2027-01-04"));
        assert_eq!(r.fallback_years, BTreeSet::from([2027]));
        assert!(r.warning().expect("warns").contains("2027"));
        assert!(cal().add_working_days(d("2026-03-02"), 5).warning().is_none());
    }

    #[test]
    fn bad_data_is_refused_with_the_rule() {
        let sat_as_weekday = r#"{"years":[{"year":2030,"source":"t","holidays":[],
            "working_weekends":[{"name":"x","date":"2030-01-02"}]}]}"#;
        assert!(matches!(WorkingCalendar::from_json(sat_as_weekday), Err(CalendarError::NotAWeekend { .. })));
        let wrong_year = r#"{"years":[{"year":2030,"source":"t","holidays":[{"name":"x","from":"2031-01-01","to":"2031-01-01"}],
            "working_weekends":[]}]}"#;
        assert!(matches!(WorkingCalendar::from_json(wrong_year), Err(CalendarError::WrongYear { .. })));
        assert!(matches!(WorkingCalendar::from_json("{"), Err(CalendarError::Format(_))));
    }

    #[test]
    fn extra_years_merge_in() {
        let y2027 = r#"{"years":[{"year":2027,"source":"test","holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-01"}],
            "working_weekends":[]}]}"#;
        let merged = cal().merged_with(&WorkingCalendar::from_json(y2027).expect("valid"));
        let r = merged.add_working_days(d("2026-12-31"), 1);
        assert_eq!(r.value, d("2027-01-04"));
        assert!(r.fallback_years.is_empty());
    }
}
