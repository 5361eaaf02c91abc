//! Chinese capital amounts (大写), as invoice systems print them [KG §2].
//!
//! The convention, from KOOGALLERY.md §2: digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿 and 圆角分. 整 follows 圆 when
//! 角 and 分 are both zero, and follows 角 when only 分 is zero; nothing follows 分. A run of zeros inside the
//! integer part reads one 零; zeros at the end of a 万 or 亿 group read nothing; 10 reads 壹拾. No 零 between 圆
//! and 角. When 角 is zero and 分 is not, 零 stands before 分 (only after an integer part: 0.05 → 伍分). A zero
//! integer part is left out, except that zero itself reads 零圆整.
//!
//! KooDesk convention (not in the docs): a negative amount (a red-letter invoice) is written with the prefix 负.

use rust_decimal::Decimal;

use crate::money::Cny;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];
const GROUP_UNITS: [&str; 3] = ["", "万", "亿"];

/// The largest amount with a capital form here: 9999亿9999万9999圆玖角玖分.
pub fn max_amount() -> Decimal {
    Decimal::new(99_999_999_999_999, 2)
}

/// Why an amount has no capital form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapitalError {
    #[error("amount {0} is too large for a capital form: at most 999999999999.99 (9999亿…)")]
    TooLarge(String),
}

/// The capital form of an amount: `1004.50` → `壹仟零肆圆伍角整` [KG §2].
pub fn to_capital(amount: Cny) -> Result<String, CapitalError> {
    let d = amount.decimal();
    let abs = d.abs();
    if abs > max_amount() {
        return Err(CapitalError::TooLarge(amount.to_string()));
    }
    let fen_total = (abs * Decimal::ONE_HUNDRED).trunc();
    // Within 0..=99_999_999_999_999, so it fits an u64.
    let fen_total = u64::try_from(fen_total).map_err(|_| CapitalError::TooLarge(amount.to_string()))?;
    let yuan = fen_total / 100;
    let jiao = (fen_total / 10 % 10) as usize;
    let fen = (fen_total % 10) as usize;

    let mut out = String::new();
    if amount.is_negative() {
        out.push('负');
    }
    if yuan == 0 && jiao == 0 && fen == 0 {
        out.push_str("零圆整");
        return Ok(out);
    }
    if yuan > 0 {
        write_integer(&mut out, yuan);
        out.push('圆');
    }
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push(DIGITS[j]);
            out.push_str("角整");
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            out.push(DIGITS[f]);
            out.push('分');
        }
    }
    Ok(out)
}

/// Writes a positive integer below 10^12 in groups of four digits (个, 万, 亿).
fn write_integer(out: &mut String, n: u64) {
    let groups = [(n / 100_000_000) % 10_000, (n / 10_000) % 10_000, n % 10_000];
    let mut written = false;
    let mut zero_pending = false;
    for (i, &g) in groups.iter().enumerate() {
        let group_unit = GROUP_UNITS[2 - i];
        if g == 0 {
            // A whole group of zeros inside the number is part of a zero run.
            zero_pending |= written;
            continue;
        }
        if written && g < 1000 {
            // Leading zeros of a group, after a higher group: inside the number.
            zero_pending = true;
        }
        let digits = [g / 1000, g / 100 % 10, g / 10 % 10, g % 10];
        let last_nonzero = digits.iter().rposition(|&d| d != 0).unwrap_or(0);
        let first_nonzero = digits.iter().position(|&d| d != 0).unwrap_or(0);
        for (pos, &d) in digits.iter().enumerate().skip(first_nonzero) {
            if pos > last_nonzero {
                // Zeros at the end of a group read nothing.
                break;
            }
            if d == 0 {
                zero_pending = true;
                continue;
            }
            if zero_pending {
                out.push('零');
                zero_pending = false;
            }
            out.push(DIGITS[d as usize]);
            out.push_str(SMALL_UNITS[3 - pos]);
        }
        out.push_str(group_unit);
        written = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(s: &str) -> String {
        to_capital(s.parse().expect("amount")).expect("in range")
    }

    /// Every example of KOOGALLERY.md §2.
    #[test]
    fn reference_examples() {
        assert_eq!(cap("0"), "零圆整");
        assert_eq!(cap("10"), "壹拾圆整");
        assert_eq!(cap("1004.5"), "壹仟零肆圆伍角整");
        assert_eq!(cap("100.5"), "壹佰圆伍角整");
        assert_eq!(cap("1.05"), "壹圆零伍分");
        assert_eq!(cap("0.5"), "伍角整");
        assert_eq!(cap("0.05"), "伍分");
        assert_eq!(cap("100010"), "壹拾万零壹拾圆整");
        assert_eq!(cap("10010000"), "壹仟零壹万圆整");
        assert_eq!(cap("100000000"), "壹亿圆整");
    }

    #[test]
    fn group_boundaries() {
        assert_eq!(cap("101000"), "壹拾万壹仟圆整");
        assert_eq!(cap("100001000"), "壹亿零壹仟圆整");
        assert_eq!(cap("100000001"), "壹亿零壹圆整");
        assert_eq!(cap("110000000"), "壹亿壹仟万圆整");
        assert_eq!(cap("10000100"), "壹仟万零壹佰圆整");
        assert_eq!(cap("1000000000"), "壹拾亿圆整");
        assert_eq!(cap("20.5"), "贰拾圆伍角整");
        assert_eq!(cap("0.15"), "壹角伍分");
        assert_eq!(cap("999999999999.99"), "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖圆玖角玖分");
    }

    #[test]
    fn negative_and_out_of_range() {
        assert_eq!(cap("-100"), "负壹佰圆整");
        assert!(to_capital("1000000000000".parse().expect("amount")).is_err());
    }
}
