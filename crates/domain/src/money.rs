//! CNY amounts. Money has 2 decimals and is rounded half away from zero (四舍五入) [KG §2].
//!
//! [`Cny`] always holds a value with exactly two decimal places; every rounding is an explicit call to
//! [`round_cny`] or [`Cny::round`].

use std::fmt;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Rounds to 2 decimals, half away from zero (四舍五入) [KG §2].
pub fn round_cny(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// An amount of Chinese yuan with exactly 2 decimals. Serialised as a decimal string (`"1004.50"`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Cny(Decimal);

/// Why a value is not a CNY amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not an amount: expected a decimal number of yuan such as 1004.50")]
    NotANumber(String),
    #[error("`{0}` has more than 2 decimals: CNY amounts are in fen (0.01); round it first")]
    TooPrecise(String),
}

impl Cny {
    pub const ZERO: Cny = Cny(Decimal::ZERO);

    /// The amount, rounded half away from zero to 2 decimals: the one place where rounding happens.
    pub fn round(d: Decimal) -> Cny {
        Cny(round_cny(d))
    }

    /// An exact amount: fails when `d` has a non-zero digit past the fen.
    pub fn exact(d: Decimal) -> Result<Cny, MoneyError> {
        let r = round_cny(d);
        if r == d {
            Ok(Cny(r))
        } else {
            Err(MoneyError::TooPrecise(d.normalize().to_string()))
        }
    }

    /// From whole fen (分).
    pub fn from_fen(fen: i64) -> Cny {
        Cny(Decimal::new(fen, 2))
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Whole fen; `None` beyond ±9.2e16 yuan.
    pub fn to_fen(self) -> Option<i64> {
        let fen = self.0 * Decimal::ONE_HUNDRED;
        i64::try_from(fen.trunc()).ok()
    }

    /// `self × rate`, rounded half away from zero.
    pub fn times_rounded(self, rate: Decimal) -> Cny {
        Cny::round(self.0 * rate)
    }
}

impl FromStr for Cny {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let d = Decimal::from_str_exact(t).map_err(|_| MoneyError::NotANumber(s.to_string()))?;
        Cny::exact(d).map_err(|_| MoneyError::TooPrecise(s.to_string()))
    }
}

impl TryFrom<Decimal> for Cny {
    type Error = MoneyError;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Cny::exact(d)
    }
}

impl From<Cny> for Decimal {
    fn from(c: Cny) -> Decimal {
        c.0
    }
}

impl fmt::Display for Cny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Cny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}", self.0)
    }
}

impl Add for Cny {
    type Output = Cny;
    fn add(self, o: Cny) -> Cny {
        Cny(self.0 + o.0)
    }
}

impl Sub for Cny {
    type Output = Cny;
    fn sub(self, o: Cny) -> Cny {
        Cny(self.0 - o.0)
    }
}

impl Neg for Cny {
    type Output = Cny;
    fn neg(self) -> Cny {
        Cny(-self.0)
    }
}

impl std::iter::Sum for Cny {
    fn sum<I: Iterator<Item = Cny>>(iter: I) -> Cny {
        iter.fold(Cny::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Cny::round(dec!(1.005)).to_string(), "1.01");
        assert_eq!(Cny::round(dec!(1.004)).to_string(), "1.00");
        assert_eq!(Cny::round(dec!(-1.005)).to_string(), "-1.01");
        assert_eq!(Cny::round(dec!(2.5)).to_string(), "2.50");
    }

    #[test]
    fn parses_exact_amounts_only() {
        assert_eq!("1004.5".parse::<Cny>().expect("parses").to_string(), "1004.50");
        assert_eq!("7".parse::<Cny>().expect("parses").to_string(), "7.00");
        assert_eq!("1.230".parse::<Cny>().expect("trailing zero is exact").to_string(), "1.23");
        assert!(matches!("1.005".parse::<Cny>(), Err(MoneyError::TooPrecise(_))));
        assert!(matches!("12元".parse::<Cny>(), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn serialises_as_a_decimal_string() {
        let c: Cny = "99.9".parse().expect("parses");
        assert_eq!(serde_json::to_string(&c).expect("json"), "\"99.90\"");
        let back: Cny = serde_json::from_str("\"99.90\"").expect("json");
        assert_eq!(back, c);
        assert!(serde_json::from_str::<Cny>("\"0.001\"").is_err());
    }

    #[test]
    fn fen_round_trip() {
        assert_eq!(Cny::from_fen(100450).to_string(), "1004.50");
        assert_eq!(Cny::from_fen(-5).to_fen(), Some(-5));
    }
}
