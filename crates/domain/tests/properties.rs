//! Property tests: capital amounts read back to themselves, tax splits add up, the calendar counts consistently.

use chrono::{Duration, NaiveDate};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::capital::to_capital;
use koodesk_domain::money::Cny;
use koodesk_domain::tax::split_gross;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A small, independent reader of capital amounts, strict enough to refuse malformed text.
fn parse_capital(s: &str) -> Option<Decimal> {
    let digit = |c: char| "零壹贰叁肆伍陆柒捌玖".chars().position(|d| d == c).map(|p| p as u64);
    let (negative, s) = match s.strip_prefix('负') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if s == "零圆整" {
        return Some(Decimal::ZERO);
    }
    let (mut yi, mut wan, mut section, mut pending) = (0u64, 0u64, 0u64, 0u64);
    let (mut yuan, mut jiao, mut fen) = (0u64, 0u64, 0u64);
    let mut chars = s.chars().peekable();
    let mut in_fraction = false;
    let mut ended = false;
    let mut first = true;
    while let Some(c) = chars.next() {
        if first && c == '零' {
            return None; // a number never starts with 零
        }
        first = false;
        if ended {
            return None; // nothing after 整 or 分
        }
        match c {
            '零' => {
                // 零 must be followed by a digit.
                let next_is_nonzero_digit = chars.peek().copied().and_then(digit).is_some_and(|d| d > 0);
                if !next_is_nonzero_digit {
                    return None;
                }
            }
            '拾' => {
                section += pending * 10;
                pending = 0;
            }
            '佰' => {
                section += pending * 100;
                pending = 0;
            }
            '仟' => {
                section += pending * 1000;
                pending = 0;
            }
            '万' => {
                wan = section + pending;
                section = 0;
                pending = 0;
            }
            '亿' => {
                yi = section + pending;
                section = 0;
                pending = 0;
            }
            '圆' => {
                yuan = yi * 100_000_000 + wan * 10_000 + section + pending;
                pending = 0;
                in_fraction = true;
            }
            '角' => {
                jiao = pending;
                pending = 0;
                in_fraction = true;
            }
            '分' => {
                fen = pending;
                pending = 0;
                ended = true;
            }
            '整' => {
                ended = true;
            }
            c => {
                let d = digit(c)?;
                if d == 0 {
                    return None;
                }
                pending = d;
            }
        }
    }
    if pending != 0 || (!in_fraction && !ended) {
        return None;
    }
    let fen_total = i64::try_from(yuan * 100 + jiao * 10 + fen).ok()?;
    let v = Decimal::new(fen_total, 2);
    Some(if negative { -v } else { v })
}

fn amount() -> impl Strategy<Value = Cny> {
    prop_oneof![
        (0i64..=99_999_999_999_999).prop_map(Cny::from_fen),
        // Many zeros: the hard cases for 零.
        proptest::collection::vec(prop_oneof![Just(0i64), 1i64..=9], 1..15).prop_map(|ds| {
            let fen = ds.iter().fold(0i64, |acc, d| acc * 10 + d) % 100_000_000_000_000;
            Cny::from_fen(fen)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn capital_reads_back_to_itself(a in amount()) {
        let text = to_capital(a).expect("in range");
        prop_assert_eq!(parse_capital(&text), Some(a.decimal()), "{} → {}", a, text);
    }

    #[test]
    fn capital_is_well_formed(a in amount()) {
        let text = to_capital(a).expect("in range");
        prop_assert!(!text.contains("零零"), "{}", text);
        if !a.is_zero() {
            for unit in ["零万", "零亿", "零圆", "零角", "零整", "亿万"] {
                prop_assert!(!text.contains(unit), "{} has {}", text, unit);
            }
        }
        prop_assert!(text.ends_with('整') || text.ends_with('分'), "{}", text);
        prop_assert!(!text.starts_with('零') || text == "零圆整", "{}", text);
    }

    #[test]
    fn negative_capitals_read_back(fen in 1i64..=99_999_999_999_999) {
        let a = Cny::from_fen(-fen);
        let text = to_capital(a).expect("in range");
        prop_assert!(text.starts_with('负'));
        prop_assert_eq!(parse_capital(&text), Some(a.decimal()));
    }

    #[test]
    fn tax_split_adds_up(fen in 0i64..=10_000_000_000, pct in prop_oneof![Just(3i64), Just(6), Just(13), Just(16), Just(17)]) {
        let gross = Cny::from_fen(fen);
        let rate = Decimal::new(pct, 2);
        let s = split_gross(gross, rate);
        prop_assert_eq!(s.net + s.tax, gross);
        prop_assert_eq!(s.net.decimal().scale(), 2);
        // The tax is the net's tax to within half a fen times (1 + rate).
        let exact_tax = s.net.decimal() * rate;
        prop_assert!((s.tax.decimal() - exact_tax).abs() <= Decimal::new(6, 3), "{:?}", s);
        prop_assert!(s.tax.decimal() >= Decimal::ZERO && s.net <= gross);
    }

    #[test]
    fn working_days_count_consistently(offset in 0i64..(365 * 4), n in 0i64..60) {
        let cal = WorkingCalendar::embedded();
        let from = NaiveDate::from_ymd_opt(2023, 12, 1).expect("date") + Duration::days(offset);
        let to = cal.add_working_days(from, n).value;
        prop_assert_eq!(cal.working_days_between(from, to).value, n);
        if n > 0 {
            prop_assert!(cal.is_working_day(to).value);
            prop_assert!(to < cal.add_working_days(from, n + 1).value);
            // Counting back from a working day lands on or before the start.
            prop_assert!(cal.add_working_days(to, -n).value <= from);
        }
    }

    #[test]
    fn next_working_day_is_the_first(offset in 0i64..(365 * 4)) {
        let cal = WorkingCalendar::embedded();
        let d = NaiveDate::from_ymd_opt(2023, 12, 1).expect("date") + Duration::days(offset);
        let next = cal.on_or_next_working_day(d).value;
        prop_assert!(cal.is_working_day(next).value);
        let mut day = d;
        while day < next {
            prop_assert!(!cal.is_working_day(day).value);
            day += Duration::days(1);
        }
    }
}

#[test]
fn the_test_parser_refuses_malformed_text() {
    for bad in ["壹零圆整", "零壹圆整", "壹圆整伍分", "壹", "圆整零", "壹万零零壹圆整"] {
        assert_eq!(parse_capital(bad), None, "{bad}");
    }
    assert_eq!(parse_capital("壹仟零肆圆伍角整"), Some(Decimal::new(100450, 2)));
}

mod invoice_drafts {
    use koodesk_domain::catalog::TaxProduct;
    use koodesk_domain::invoice::{Channel, InvoiceKind, Medium};
    use koodesk_domain::invoice_draft::{draft, Buyer, Request, SourceLine, SourceOrder, TaxCodeTable};
    use koodesk_domain::money::Cny;
    use koodesk_domain::time::parse_datetime;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn request(lines: &[(i64, u8)]) -> Request {
        let rates = [
            (TaxProduct::Software, Decimal::new(13, 2)),
            (TaxProduct::Service, Decimal::new(6, 2)),
            (TaxProduct::Hardware, Decimal::new(3, 2)),
        ];
        let orders: Vec<SourceOrder> = lines
            .iter()
            .enumerate()
            .map(|(i, (fen, r))| {
                let (tax_product, rate) = rates[*r as usize % 3];
                let amount = Cny::from_fen(*fen);
                SourceOrder {
                    order_id: format!("O{i}"),
                    created_at: parse_datetime("2026-11-01T10:00:00").expect("t"),
                    channel: Channel::General,
                    amount,
                    unsubscription_pending: false,
                    lines: vec![SourceLine {
                        order_line_id: format!("O{i}-1"),
                        product_id: format!("P{i}"),
                        product_name: "产品".into(),
                        tax_product,
                        rate,
                        amount,
                    }],
                }
            })
            .collect();
        Request {
            id: "R".into(),
            requested_at: parse_datetime("2026-11-02T10:00:00").expect("t"),
            kind: InvoiceKind::Ordinary,
            medium: Medium::Paper,
            buyer: Buyer { title: "买方".into(), taxpayer_id: None, enterprise: false, address: None, bank: None },
            amount: orders.iter().map(|o| o.amount).sum(),
            orders,
        }
    }

    proptest! {
        /// Every draft adds up: each line's net + tax is its amount; totals are the sums of the lines; the drafts
        /// together carry the request's whole amount; one rate each; the sum of line taxes stays within half a fen
        /// per line of the tax on the total.
        #[test]
        fn drafts_add_up(lines in prop::collection::vec((1i64..10_000_000, 0u8..3), 1..30)) {
            let req = request(&lines);
            let drafts = draft(&req, &TaxCodeTable::default()).expect("drafts");
            let all: Cny = drafts.iter().map(|d| d.total_gross).sum();
            prop_assert_eq!(all, req.amount);
            let mut rates: Vec<Decimal> = drafts.iter().map(|d| d.rate).collect();
            rates.dedup();
            prop_assert_eq!(rates.len(), drafts.len());
            for d in &drafts {
                for l in &d.lines {
                    prop_assert_eq!(l.amount_net + l.tax, l.amount_gross);
                }
                prop_assert_eq!(d.total_net + d.total_tax, d.total_gross);
                prop_assert_eq!(d.lines.iter().map(|l| l.tax).sum::<Cny>(), d.total_tax);
                let diff = (d.total_tax.decimal() - d.tax_on_total.decimal()).abs();
                prop_assert!(diff <= Decimal::new(5, 3) * Decimal::from(d.lines.len()) + Decimal::new(1, 2), "{} vs {}", d.total_tax, d.tax_on_total);
            }
        }
    }
}
