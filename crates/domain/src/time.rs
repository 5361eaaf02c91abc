//! Business time. KooGallery's business time is Beijing time, UTC+08:00 with no daylight saving [KG preamble].
//!
//! Instants are [`DateTime<FixedOffset>`] normalised to Beijing; business dates are the Beijing calendar date.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

/// A point in time, shown in Beijing time.
pub type Instant = DateTime<FixedOffset>;

/// UTC+08:00.
pub fn beijing() -> FixedOffset {
    // 8 hours is always within FixedOffset's ±24 h range.
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("UTC+8 is a valid offset"))
}

/// The instant re-expressed in Beijing time (the same instant).
pub fn to_beijing<Tz: TimeZone>(t: DateTime<Tz>) -> Instant {
    t.with_timezone(&beijing())
}

/// The Beijing calendar date of an instant: the business date.
pub fn business_date(t: &Instant) -> NaiveDate {
    t.with_timezone(&beijing()).date_naive()
}

/// Midnight at the start of a Beijing calendar date.
pub fn start_of_day(d: NaiveDate) -> Instant {
    at_beijing(d.and_time(NaiveTime::MIN))
}

/// A wall-clock Beijing time as an instant. Beijing has no daylight saving, so this is never ambiguous.
pub fn at_beijing(naive: NaiveDateTime) -> Instant {
    DateTime::from_naive_utc_and_offset(naive - chrono::Duration::hours(8), beijing())
}

/// Why a date or a date-time did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeParseError {
    #[error("`{0}` is not a date: expected YYYY-MM-DD, e.g. 2026-03-01")]
    Date(String),
    #[error(
        "`{0}` is not a date-time: expected RFC 3339 (2026-03-01T09:30:00+08:00); \
         without an offset (2026-03-01T09:30:00 or 2026-03-01 09:30) it is read as Beijing time"
    )]
    DateTime(String),
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, TimeParseError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| TimeParseError::Date(s.to_string()))
}

/// Parses a date-time: RFC 3339 with an offset, or a wall-clock time without one, which is Beijing time.
/// The result is expressed in Beijing time.
pub fn parse_datetime(s: &str) -> Result<Instant, TimeParseError> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(to_beijing(dt));
    }
    const NAIVE: [&str; 4] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"];
    NAIVE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
        .map(at_beijing)
        .ok_or_else(|| TimeParseError::DateTime(s.to_string()))
}

/// RFC 3339 in Beijing time, to the second (`2026-03-01T09:30:00+08:00`).
pub fn format_rfc3339(t: &Instant) -> String {
    to_beijing(*t).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_datetime_is_beijing_time() {
        let t = parse_datetime("2026-03-01T09:30:00").expect("parses");
        assert_eq!(format_rfc3339(&t), "2026-03-01T09:30:00+08:00");
        let t = parse_datetime("2026-03-01 09:30").expect("parses");
        assert_eq!(format_rfc3339(&t), "2026-03-01T09:30:00+08:00");
    }

    #[test]
    fn offsets_are_converted_to_beijing() {
        let t = parse_datetime("2026-02-28T20:00:00Z").expect("parses");
        assert_eq!(format_rfc3339(&t), "2026-03-01T04:00:00+08:00");
        assert_eq!(business_date(&t), NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"));
    }

    #[test]
    fn bad_input_names_the_value_and_the_format() {
        let e = parse_datetime("yesterday").expect_err("rejects");
        assert!(e.to_string().contains("`yesterday`") && e.to_string().contains("RFC 3339"));
        assert!(parse_date("2026-02-30").is_err());
    }
}
