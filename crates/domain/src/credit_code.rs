//! The unified social credit code (统一社会信用代码), the taxpayer ID on invoices [KG §2].
//!
//! GB 32100-2015: 18 characters from `0-9A-Z` without I, O, Z, S, V. Position 1 is the registering authority,
//! position 2 the kind of organisation, 3–8 the administrative division (digits), 9–17 the organisation code,
//! 18 the check character: with character values c₁…c₁₇ (index in the alphabet) and weights wᵢ = 3^(i−1) mod 31,
//! check = 31 − (Σ cᵢ·wᵢ mod 31), where 31 reads 0.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Why a string is not a valid unified social credit code. Every message names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("a unified social credit code has 18 characters; `{code}` has {len}")]
    Length { code: String, len: usize },
    #[error(
        "character {position} of `{code}` is `{ch}`: a unified social credit code uses 0-9 and A-Z without I, O, Z, S, V"
    )]
    Character { code: String, position: usize, ch: char },
    #[error("characters 3–8 of `{code}` are the administrative division code and must be digits")]
    Division { code: String },
    #[error("the check character of `{code}` is `{found}` but GB 32100-2015 gives `{expected}`")]
    Check { code: String, found: char, expected: char },
}

/// A valid unified social credit code (upper case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value(ch: char) -> Option<usize> {
    u8::try_from(ch).ok().and_then(|b| ALPHABET.iter().position(|&a| a == b))
}

/// The check character for the first 17 characters of a code; `None` if one is outside the alphabet.
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum = 0usize;
    let mut weight = 1usize;
    let mut count = 0;
    for ch in first17.chars() {
        sum += value(ch)? * weight;
        weight = weight * 3 % 31;
        count += 1;
    }
    if count != 17 {
        return None;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[check]))
}

/// Validates a code; lower-case letters are accepted and upper-cased.
pub fn validate(code: &str) -> Result<CreditCode, CreditCodeError> {
    let upper = code.trim().to_uppercase();
    let chars: Vec<char> = upper.chars().collect();
    if chars.len() != 18 {
        return Err(CreditCodeError::Length { code: code.to_string(), len: chars.len() });
    }
    if let Some((i, &ch)) = chars.iter().enumerate().find(|(_, &c)| value(c).is_none()) {
        return Err(CreditCodeError::Character { code: upper, position: i + 1, ch });
    }
    if !chars[2..8].iter().all(char::is_ascii_digit) {
        return Err(CreditCodeError::Division { code: upper });
    }
    let first17: String = chars[..17].iter().collect();
    let expected =
        check_character(&first17).ok_or_else(|| CreditCodeError::Length { code: code.to_string(), len: 0 })?;
    if chars[17] != expected {
        return Err(CreditCodeError::Check { code: upper, found: chars[17], expected });
    }
    Ok(CreditCode(upper))
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        validate(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        validate(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_codes() {
        // The example printed in GB 32100-2015 and widely reproduced.
        assert!(validate("91350100M000100Y43").is_ok());
        // Lower case is accepted and normalised.
        assert_eq!(validate("91350100m000100y43").expect("valid").as_str(), "91350100M000100Y43");
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        let weights: Vec<usize> = (0..17)
            .map(|_| {
                let x = w;
                w = w * 3 % 31;
                x
            })
            .collect();
        assert_eq!(weights, [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
    }

    #[test]
    fn each_rule_is_named() {
        assert!(matches!(validate("91350100M000100Y4"), Err(CreditCodeError::Length { len: 17, .. })));
        let e = validate("91350100M000100I43").expect_err("I is not allowed");
        assert!(matches!(e, CreditCodeError::Character { position: 16, ch: 'I', .. }), "{e}");
        assert!(matches!(validate("91AB0100M000100Y43"), Err(CreditCodeError::Division { .. })));
        let e = validate("91350100M000100Y44").expect_err("wrong check");
        assert!(matches!(e, CreditCodeError::Check { found: '4', expected: '3', .. }), "{e}");
    }
}
