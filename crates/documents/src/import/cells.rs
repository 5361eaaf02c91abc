//! One cell of an export as the reader got it, and what each kind of field reads from it: text, a Beijing-time
//! instant, a billing period (账期), an amount of CNY, the console's vocabularies (订单状态, 订单类型, 计费模式,
//! 接入类型, 出账状态).
//!
//! Every reader returns `Ok(None)` for an empty cell and `Err(message)` saying what the cell holds and what was
//! expected; the caller adds the row and the column (`REAL-DATA.md` §2).
//!
//! Money never passes through a float when the cell is text: `¥1,234.50` is read digit by digit into a
//! [`Decimal`]. A numeric XLSX cell is a float in the file itself; it is read through its shortest decimal
//! representation (the digits Excel shows), and checked to convert back to the same float.

use std::str::FromStr;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use koodesk_domain::catalog::{AccessType, BillingMode};
use koodesk_domain::money::Cny;
use koodesk_domain::seller_export::{BillStatus, OrderState, OrderType, StateReading};
use koodesk_domain::settlement::YearMonth;
use koodesk_domain::time::{self, Instant};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A cell's value as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    /// Text as written (CSV cells are always text).
    Text(String),
    /// A numeric XLSX cell without a date format.
    Number(f64),
    /// An XLSX cell with a date format, as its wall-clock value (rounded to the second).
    Date(NaiveDateTime),
    Bool(bool),
    /// An Excel error value (`#N/A`, `#VALUE!`, …).
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing (or only spaces).
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a spreadsheet would show it: for previews, headers and text fields.
    pub(crate) fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(f) => format!("{f}"),
            Cell::Date(d) => format_naive(d),
            Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }

    /// The value quoted for a message: text in backticks, a number as such, a date cell as a date.
    fn describe(&self) -> String {
        match self {
            Cell::Text(s) => format!("`{}`", s.trim()),
            Cell::Number(f) => format!("the number {f}"),
            Cell::Date(d) => format!("the date cell {}", format_naive(d)),
            Cell::Bool(b) => format!("the boolean {}", if *b { "TRUE" } else { "FALSE" }),
            Cell::Empty => "an empty cell".to_string(),
            Cell::Error(e) => format!("the Excel error {e}"),
        }
    }
}

fn format_naive(d: &NaiveDateTime) -> String {
    if d.time() == NaiveTime::MIN {
        d.format("%Y-%m-%d").to_string()
    } else {
        d.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// What a reader gives: nothing for an empty cell, the value, or what was wrong.
pub(crate) type Read<T> = Result<Option<T>, String>;

fn excel_error(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Error(e) => Some(format!("the cell holds the Excel error {e}: expected a value")),
        _ => None,
    }
}

/// Text, trimmed; a number or date cell as the spreadsheet shows it.
pub(crate) fn text(cell: &Cell) -> Read<String> {
    if let Some(e) = excel_error(cell) {
        return Err(e);
    }
    if cell.is_blank() {
        return Ok(None);
    }
    Ok(Some(cell.display()))
}

/// The text of a cell for a vocabulary: only text (or a number written as one) names a state or a type.
fn word(cell: &Cell) -> Read<String> {
    text(cell)
}

// ---------------------------------------------------------------------------------------------------------------
// Dates and times

const DATETIME_EXPECTED: &str = "expected a date-time such as 2026-11-03 14:02:11, 2026/11/3 9:05:00, \
                                 20261103140211, 2026-11-03, or an Excel date (read as Beijing time)";

/// An instant, read as Beijing time: text in the console's formats, an Excel date cell, or an Excel date serial.
pub(crate) fn instant(cell: &Cell) -> Read<Instant> {
    if let Some(e) = excel_error(cell) {
        return Err(e);
    }
    let naive = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(s) if s.trim().is_empty() => return Ok(None),
        Cell::Text(s) => match parse_datetime_text(s) {
            Some(n) => n,
            // An explicit offset (RFC 3339) is honoured and converted to Beijing time.
            None => {
                return time::parse_datetime(s)
                    .ok()
                    .map(Some)
                    .ok_or_else(|| format!("{} is not a date-time: {DATETIME_EXPECTED}", cell.describe()))
            }
        },
        Cell::Date(d) => *d,
        Cell::Number(f) => {
            number_datetime(*f).ok_or_else(|| format!("{} is not a date-time: {DATETIME_EXPECTED}", cell.describe()))?
        }
        Cell::Bool(_) | Cell::Error(_) => {
            return Err(format!("{} is not a date-time: {DATETIME_EXPECTED}", cell.describe()))
        }
    };
    Ok(Some(time::at_beijing(naive)))
}

/// A number in a date column: `20261103` / `20261103140211` written as a number, or an Excel date serial.
fn number_datetime(f: f64) -> Option<NaiveDateTime> {
    if f >= 10_000_000.0 && f.fract() == 0.0 && f < 1e15 {
        return parse_digits(&format!("{f}"));
    }
    from_serial(f)
}

/// An Excel date serial of the 1900 date system (days since 1899-12-30, the fraction the time of day), rounded to
/// the second. Excel's phantom 1900-02-29 (serial 60) is refused; serials below 1 are times without a date.
pub(crate) fn from_serial(f: f64) -> Option<NaiveDateTime> {
    if !f.is_finite() || !(1.0..2_958_466.0).contains(&f) || (60.0..61.0).contains(&f) {
        return None;
    }
    let days = if f < 60.0 { f + 1.0 } else { f };
    let secs = (days * 86_400.0).round();
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
    epoch.checked_add_signed(chrono::Duration::seconds(secs as i64))
}

/// A date-time rounded to the nearest second (Excel date cells carry float noise below the millisecond).
pub(crate) fn round_to_second(d: NaiveDateTime) -> NaiveDateTime {
    let whole = d.with_nanosecond(0).unwrap_or(d);
    if d.nanosecond() >= 500_000_000 {
        whole + chrono::Duration::seconds(1)
    } else {
        whole
    }
}

/// `YYYYMMDD`, `YYYYMMDDHHMM`, `YYYYMMDDHHMMSS`.
fn parse_digits(t: &str) -> Option<NaiveDateTime> {
    let n = |r: std::ops::Range<usize>| t.get(r).and_then(|s| s.parse::<u32>().ok());
    let date = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)?;
    let time = match t.len() {
        8 => NaiveTime::MIN,
        12 => NaiveTime::from_hms_opt(n(8..10)?, n(10..12)?, 0)?,
        14 => NaiveTime::from_hms_opt(n(8..10)?, n(10..12)?, n(12..14)?)?,
        _ => return None,
    };
    Some(date.and_time(time))
}

/// A small scanner over the text of a date.
struct Scan<'a> {
    rest: &'a str,
}

impl<'a> Scan<'a> {
    /// Between `min` and `max` ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let n = self.rest.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n < min {
            return None;
        }
        let (d, rest) = self.rest.split_at(n);
        self.rest = rest;
        d.parse().ok().map(|v| (v, n))
    }

    fn eat(&mut self, any: &[char]) -> Option<char> {
        let c = self.rest.chars().next().filter(|c| any.contains(c))?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    fn skip_spaces(&mut self) -> bool {
        let before = self.rest.len();
        self.rest = self.rest.trim_start();
        self.rest.len() != before
    }

    fn done(&self) -> bool {
        self.rest.is_empty()
    }
}

const DATE_SEPS: &[char] = &['-', '/', '.', '年', '月'];

/// `Y-M-D` with `-`, `/`, `.` or 年月日, month and day of 1 or 2 digits.
fn scan_date(s: &mut Scan<'_>) -> Option<NaiveDate> {
    let (y, _) = s.digits(4, 4)?;
    s.eat(DATE_SEPS)?;
    let (m, _) = s.digits(1, 2)?;
    s.eat(DATE_SEPS)?;
    let (d, _) = s.digits(1, 2)?;
    s.eat(&['日']);
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// The console's date-time texts, without an offset: see [`DATETIME_EXPECTED`]; a fraction of a second is kept.
pub(crate) fn parse_datetime_text(s: &str) -> Option<NaiveDateTime> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return parse_digits(t);
    }
    let mut sc = Scan { rest: t };
    let date = scan_date(&mut sc)?;
    if sc.done() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    if !sc.skip_spaces() {
        sc.eat(&['T']);
    }
    let (h, _) = sc.digits(1, 2)?;
    sc.eat(&[':', '时'])?;
    let (mi, _) = sc.digits(1, 2)?;
    let mut sec = 0;
    let mut nano = 0;
    if sc.eat(&[':', '分']).is_some() && !sc.done() {
        sec = sc.digits(1, 2)?.0;
        if sc.eat(&['.']).is_some() {
            let (frac, n) = sc.digits(1, 9)?;
            nano = frac * 10u32.pow(9 - n as u32);
        }
        sc.eat(&['秒']);
    }
    if !sc.done() {
        return None;
    }
    Some(date.and_time(NaiveTime::from_hms_nano_opt(h, mi, sec, nano)?))
}

// ---------------------------------------------------------------------------------------------------------------
// Billing periods

const PERIOD_EXPECTED: &str = "expected a billing period (账期) such as 2026-05, 2026/05, 202605, 2026年5月, or a date";

/// A billing period: `2026-05`, `2026/05`, `202605`, `2026年5月`, or a date (its month).
pub(crate) fn period(cell: &Cell) -> Read<YearMonth> {
    if let Some(e) = excel_error(cell) {
        return Err(e);
    }
    let bad = || format!("{} is not a billing period: {PERIOD_EXPECTED}", cell.describe());
    let month = |d: NaiveDateTime| YearMonth::new(d.year(), d.month());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(s) if s.trim().is_empty() => Ok(None),
        Cell::Text(s) => parse_period_text(s).map(Some).ok_or_else(bad),
        Cell::Date(d) => month(*d).map(Some).ok_or_else(bad),
        Cell::Number(f) => {
            if f.fract() == 0.0 && (100_000.0..1_000_000.0).contains(f) {
                parse_period_text(&format!("{f}")).map(Some).ok_or_else(bad)
            } else {
                number_datetime(*f).and_then(month).map(Some).ok_or_else(bad)
            }
        }
        Cell::Bool(_) | Cell::Error(_) => Err(bad()),
    }
}

fn parse_period_text(s: &str) -> Option<YearMonth> {
    let t = s.trim();
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        return YearMonth::new(t[..4].parse().ok()?, t[4..].parse().ok()?);
    }
    let mut sc = Scan { rest: t };
    let y = sc.digits(4, 4).map(|(y, _)| y);
    let ym = y.and_then(|y| {
        sc.eat(DATE_SEPS)?;
        let (m, _) = sc.digits(1, 2)?;
        sc.eat(&['月']);
        sc.done().then_some((y, m))
    });
    match ym {
        Some((y, m)) => YearMonth::new(y as i32, m),
        None => parse_datetime_text(t).and_then(|d| YearMonth::new(d.year(), d.month())),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Amounts

const AMOUNT_EXPECTED: &str = "expected an amount of yuan such as 1234.50, ¥1,234.50 or 1234.5元";
const FEN: &str = "expected at most 2 decimals (a CNY amount is in fen)";

/// An amount of CNY, exact to the fen: the sign is the caller's to check.
pub(crate) fn amount(cell: &Cell) -> Read<Cny> {
    if let Some(e) = excel_error(cell) {
        return Err(e);
    }
    let d = match cell {
        Cell::Empty => return Ok(None),
        Cell::Text(s) if s.trim().is_empty() => return Ok(None),
        Cell::Text(s) => parse_amount_text(s).map_err(|why| format!("{} is not an amount: {why}", cell.describe()))?,
        Cell::Number(f) => decimal_of_f64(*f)?,
        Cell::Date(_) | Cell::Bool(_) | Cell::Error(_) => {
            return Err(format!("{} is not an amount: {AMOUNT_EXPECTED}", cell.describe()))
        }
    };
    Cny::exact(d).map(Some).map_err(|_| {
        let shown = match cell {
            Cell::Text(s) => s.trim().to_string(),
            _ => d.to_string(),
        };
        format!("`{shown}` has {} decimals: {FEN}", d.normalize().scale())
    })
}

/// A numeric cell's value through its shortest decimal representation (`1234.5`, not
/// `1234.5000000000000`), checked to convert back to the very same float.
pub(crate) fn decimal_of_f64(f: f64) -> Result<Decimal, String> {
    if !f.is_finite() {
        return Err(format!("the number {f} is not an amount: {AMOUNT_EXPECTED}"));
    }
    let shown = format!("{f}");
    let d = Decimal::from_str(&shown)
        .map_err(|_| format!("the number {shown} is too large for an amount: {AMOUNT_EXPECTED}"))?;
    if d.to_f64() != Some(f) {
        return Err(format!("the number {shown} cannot be read exactly as a decimal: write it as text"));
    }
    Ok(d)
}

/// `¥1,234.50`, `￥ 1234.5`, `1,234元`, `-12.00`, `(12.00)`, full-width digits: the digits, one point, a sign, and
/// thousands separators (`,` or `，`) that group three digits. Never through a float.
pub(crate) fn parse_amount_text(s: &str) -> Result<Decimal, String> {
    let mut t = s.trim();
    let mut negative = false;
    if t.starts_with(['(', '（']) && t.ends_with([')', '）']) {
        negative = true;
        t = t.trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
    }
    for unit in ["CNY", "RMB", "cny", "rmb"] {
        t = t.strip_prefix(unit).unwrap_or(t);
        t = t.strip_suffix(unit).unwrap_or(t);
    }
    let mut body = String::with_capacity(t.len());
    let mut sign_seen = negative;
    for c in t.chars() {
        let c = match c {
            '０'..='９' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            '－' | '−' => '-',
            '＋' => '+',
            c => c,
        };
        match c {
            '¥' | '￥' | '元' => {}
            c if c.is_whitespace() => {}
            '-' | '+' if body.is_empty() && !sign_seen => {
                sign_seen = true;
                negative = negative || c == '-';
            }
            '0'..='9' | '.' | ',' => body.push(c),
            _ => return Err(AMOUNT_EXPECTED.to_string()),
        }
    }
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body.as_str(), None),
    };
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if int.is_empty() || !frac_ok || int.starts_with(',') || int.ends_with(',') {
        return Err(AMOUNT_EXPECTED.to_string());
    }
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err("thousands separators must group 3 digits, e.g. 1,234,567.50".to_string());
    }
    let mut digits: String = groups.concat();
    if let Some(f) = frac {
        digits.push('.');
        digits.push_str(f);
    }
    let d = Decimal::from_str(&digits).map_err(|_| format!("too many digits; {AMOUNT_EXPECTED}"))?;
    Ok(if negative { -d } else { d })
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabularies

/// 订单状态, through [`OrderState::parse`].
pub(crate) fn order_state(cell: &Cell) -> Read<StateReading> {
    word(cell)?.map(|w| OrderState::parse(&w).map_err(|e| e.to_string())).transpose()
}

/// 订单类型, through [`OrderType::parse`] (新购, NEW, new, …).
pub(crate) fn order_type(cell: &Cell) -> Read<OrderType> {
    word(cell)?.map(|w| OrderType::parse(&w).map_err(|e| e.to_string())).transpose()
}

/// 出账状态, through [`BillStatus::parse`].
pub(crate) fn bill_status(cell: &Cell) -> Read<BillStatus> {
    word(cell)?.map(|w| BillStatus::parse(&w).map_err(|e| e.to_string())).transpose()
}

/// The console's words for billing modes beyond [`BillingMode`]'s own names.
const BILLING_ALIASES: &[(&str, BillingMode)] = &[
    ("包年", BillingMode::Period),
    ("包月", BillingMode::Period),
    ("包年/包月", BillingMode::Period),
    ("包年包月", BillingMode::Period),
    ("包周", BillingMode::Period),
    ("包周期(包年/包月)", BillingMode::Period),
    ("按需计费", BillingMode::OnDemand),
    ("按次计费", BillingMode::PerCall),
    ("一次性计费", BillingMode::OneTime),
    ("一次性付费", BillingMode::OneTime),
];

/// 计费模式: a canonical name (`period`, `包周期`, …, any ASCII case) or one of the console's words (包年, 包月,
/// 包年/包月, 按需计费, …).
pub(crate) fn billing_mode(cell: &Cell) -> Read<BillingMode> {
    let Some(w) = word(cell)? else { return Ok(None) };
    let squeezed: String = w
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c == '（' {
                '('
            } else if c == '）' {
                ')'
            } else {
                c
            }
        })
        .collect();
    if let Ok(m) = BillingMode::from_str(&squeezed) {
        return Ok(Some(m));
    }
    BillingMode::ALL
        .iter()
        .copied()
        .find(|m| m.as_str().eq_ignore_ascii_case(&squeezed))
        .or_else(|| BILLING_ALIASES.iter().find(|(a, _)| *a == squeezed).map(|(_, m)| *m))
        .map(Some)
        .ok_or_else(|| {
            let names: Vec<String> = BillingMode::ALL.iter().map(|m| m.zh().to_string()).collect();
            format!(
                "`{w}` is not a billing mode (计费模式): expected one of {} (包年 and 包月 are 包周期)",
                names.join(", ")
            )
        })
}

/// 接入类型: [`AccessType`]'s names (`saas`, `SaaS`, `镜像`, …), in any ASCII case.
pub(crate) fn access_type(cell: &Cell) -> Read<AccessType> {
    let Some(w) = word(cell)? else { return Ok(None) };
    let squeezed: String = w.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(a) = AccessType::from_str(&squeezed) {
        return Ok(Some(a));
    }
    AccessType::ALL
        .iter()
        .copied()
        .find(|a| a.as_str().eq_ignore_ascii_case(&squeezed) || a.zh().eq_ignore_ascii_case(&squeezed))
        .map(Some)
        .ok_or_else(|| {
            let names: Vec<&str> = AccessType::ALL.iter().map(|a| a.zh()).collect();
            format!("`{w}` is not an access type (接入类型): expected one of {}", names.join(", "))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn at(s: &str) -> String {
        match instant(&t(s)) {
            Ok(Some(i)) => time::format_rfc3339(&i),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_console_date_formats_read_as_beijing_time() {
        assert_eq!(at("2026-11-03 14:02:11"), "2026-11-03T14:02:11+08:00");
        assert_eq!(at("2026-11-03 14:02"), "2026-11-03T14:02:00+08:00");
        assert_eq!(at("2026-11-03"), "2026-11-03T00:00:00+08:00");
        assert_eq!(at("2026/11/3"), "2026-11-03T00:00:00+08:00");
        assert_eq!(at("2026/11/3 9:05:00"), "2026-11-03T09:05:00+08:00");
        assert_eq!(at("20261103140211"), "2026-11-03T14:02:11+08:00");
        assert_eq!(at("20261103"), "2026-11-03T00:00:00+08:00");
        assert_eq!(at("2026年11月3日 14:02:11"), "2026-11-03T14:02:11+08:00");
        assert_eq!(at("2026-11-03T14:02:11"), "2026-11-03T14:02:11+08:00");
        assert_eq!(at("2026-11-03T06:02:11Z"), "2026-11-03T14:02:11+08:00");
        for bad in ["2026-13-01", "2026-11-03 25:00", "yesterday", "2026", "1103", "2026-11-03 14:02:11 x"] {
            let e = instant(&t(bad)).err().unwrap_or_default();
            assert!(e.contains(bad) && e.contains("Beijing"), "{bad}: {e}");
        }
        assert_eq!(instant(&t("  ")), Ok(None));
    }

    #[test]
    fn excel_serials_and_numbers_in_date_columns() {
        // 46329 is 2026-11-03; .584849537 of a day is 14:02:11.
        let n = instant(&Cell::Number(46_329.584_849_537)).ok().flatten().map(|i| time::format_rfc3339(&i));
        assert_eq!(n.as_deref(), Some("2026-11-03T14:02:11+08:00"));
        let n = instant(&Cell::Number(20_261_103.0)).ok().flatten().map(|i| time::format_rfc3339(&i));
        assert_eq!(n.as_deref(), Some("2026-11-03T00:00:00+08:00"));
        assert!(instant(&Cell::Number(0.5)).is_err(), "a time without a date");
        assert!(instant(&Cell::Number(60.0)).is_err(), "Excel's 1900-02-29");
        assert_eq!(from_serial(1.0).map(|d| d.to_string()).as_deref(), Some("1900-01-01 00:00:00"));
        assert_eq!(from_serial(61.0).map(|d| d.to_string()).as_deref(), Some("1900-03-01 00:00:00"));
    }

    #[test]
    fn periods() {
        let p = |c: Cell| period(&c).map(|p| p.map(|p| p.to_string()));
        for s in ["2026-05", "2026/05", "202605", "2026年5月", "2026-5", "2026-05-31", "2026/5/1 00:00:00"] {
            assert_eq!(p(t(s)), Ok(Some("2026-05".to_string())), "{s}");
        }
        assert_eq!(p(Cell::Number(202_605.0)), Ok(Some("2026-05".to_string())));
        assert_eq!(p(Cell::Number(46_329.0)), Ok(Some("2026-11".to_string())));
        assert_eq!(p(Cell::Date(parse_datetime_text("2026-02-01").unwrap_or_default())), Ok(Some("2026-02".into())));
        for bad in ["2026-13", "202613", "May", "26-05"] {
            assert!(p(t(bad)).is_err_and(|e| e.contains(bad) && e.contains("账期")), "{bad}");
        }
    }

    #[test]
    fn amounts_are_exact_decimals() {
        let a = |s: &str| amount(&t(s)).map(|a| a.map(|a| a.decimal()));
        assert_eq!(a("¥1,234.50"), Ok(Some(dec!(1234.50))));
        assert_eq!(a("￥ 1,234.5"), Ok(Some(dec!(1234.50))));
        assert_eq!(a("1，234元"), Ok(Some(dec!(1234.00))));
        assert_eq!(a(" 0.1 "), Ok(Some(dec!(0.10))));
        assert_eq!(a("-12.00"), Ok(Some(dec!(-12.00))));
        assert_eq!(a("¥-12"), Ok(Some(dec!(-12.00))));
        assert_eq!(a("(12.30)"), Ok(Some(dec!(-12.30))));
        assert_eq!(a("１２３．４"), Ok(Some(dec!(123.40))));
        assert_eq!(a("1.230"), Ok(Some(dec!(1.23))), "a zero past the fen is exact");
        assert_eq!(a("12345678901234567890.12"), Ok(Some(dec!(12345678901234567890.12))));
        let e = a("1.234").err().unwrap_or_default();
        assert!(e.contains("`1.234`") && e.contains("expected at most 2 decimals"), "{e}");
        for bad in ["1.2.3", "abc", "12,34", "1,2345", "--1", "1-", ".", "1.", "1e5", "0x10"] {
            assert!(a(bad).is_err(), "{bad}");
        }
        assert_eq!(a(""), Ok(None));
    }

    #[test]
    fn numeric_amounts_go_through_their_shortest_decimal() {
        let n = |f: f64| amount(&Cell::Number(f)).map(|a| a.map(|a| a.decimal()));
        assert_eq!(n(1234.5), Ok(Some(dec!(1234.50))));
        assert_eq!(n(0.1), Ok(Some(dec!(0.10))));
        assert_eq!(n(19.99), Ok(Some(dec!(19.99))));
        assert_eq!(n(1e15), Ok(Some(dec!(1000000000000000.00))));
        let e = n(0.1 + 0.2).err().unwrap_or_default();
        assert!(e.contains("0.30000000000000004") && e.contains("at most 2 decimals"), "{e}");
        assert!(n(f64::NAN).is_err() && n(1e30).is_err());
        assert!(amount(&Cell::Date(NaiveDateTime::default())).is_err());
    }

    #[test]
    fn vocabularies() {
        assert_eq!(billing_mode(&t("包年/包月")), Ok(Some(BillingMode::Period)));
        assert_eq!(billing_mode(&t("包月")), Ok(Some(BillingMode::Period)));
        assert_eq!(billing_mode(&t("按次")), Ok(Some(BillingMode::PerCall)));
        assert_eq!(billing_mode(&t("ON-DEMAND")), Ok(Some(BillingMode::OnDemand)));
        assert_eq!(billing_mode(&t("按需套餐包")), Ok(Some(BillingMode::OnDemandPackage)));
        assert!(billing_mode(&t("按年")).is_err_and(|e| e.contains("`按年`") && e.contains("包周期")));
        assert_eq!(access_type(&t("SAAS")), Ok(Some(AccessType::Saas)));
        assert_eq!(access_type(&t("saas")), Ok(Some(AccessType::Saas)));
        assert_eq!(access_type(&t("ai资产")), Ok(Some(AccessType::AiAsset)));
        assert_eq!(access_type(&t("镜像")), Ok(Some(AccessType::Image)));
        assert!(access_type(&t("软件")).is_err_and(|e| e.contains("接入类型") && e.contains("SaaS")));
        assert_eq!(order_type(&t("TRIAL_TO_FORMAL")), Ok(Some(OrderType::TrialToFormal)));
        assert_eq!(order_state(&t("已取消")), Ok(Some(StateReading::NotASale)));
        assert_eq!(bill_status(&t("待出账")), Ok(Some(BillStatus::Waiting)));
        assert!(text(&Cell::Error("#N/A".into())).is_err_and(|e| e.contains("#N/A")));
        assert_eq!(text(&Cell::Number(12345.0)), Ok(Some("12345".to_string())));
    }

    #[test]
    fn rounding_to_the_second() {
        let d = parse_datetime_text("2026-11-03 14:02:10.6").unwrap_or_default();
        assert_eq!(round_to_second(d).to_string(), "2026-11-03 14:02:11");
        let d = parse_datetime_text("2026-11-03 14:02:11.2").unwrap_or_default();
        assert_eq!(round_to_second(d).to_string(), "2026-11-03 14:02:11");
    }
}
