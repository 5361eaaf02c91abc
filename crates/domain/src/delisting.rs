//! KooGallery's delisting line for a SaaS product's production interface [KG §7]: a failed newInstance is retried
//! hourly for 3 hours, then the order fails and is refunded; more than [`DELISTING_LINE`] failed orders in a
//! month and the product is delisted.

use serde::{Deserialize, Serialize};

/// More than this many failed orders in a month and the product is delisted [KG §7].
pub const DELISTING_LINE: i64 = 5;

/// Where a month's failed orders stand against the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum LineStanding {
    /// Two or more failed orders still to go before the line.
    Clear,
    /// One failed order from the line (*KooDesk convention*: the seller is warned here).
    Near,
    /// On the line: the next failed order this month delists the product.
    AtTheLine,
    /// Past the line: KooGallery delists the product.
    Over,
}

/// Where `failed` orders this month stand against `line` (normally [`DELISTING_LINE`]).
pub fn standing(failed: i64, line: i64) -> LineStanding {
    if failed > line {
        LineStanding::Over
    } else if failed == line {
        LineStanding::AtTheLine
    } else if failed == line - 1 {
        LineStanding::Near
    } else {
        LineStanding::Clear
    }
}

/// How many more orders may fail this month before the product is delisted: none on or past the line.
pub fn failures_left(failed: i64, line: i64) -> i64 {
    (line - failed).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_line_is_more_than_five() {
        let at = |n| standing(n, DELISTING_LINE);
        assert_eq!(
            [at(0), at(3), at(4), at(5), at(6)],
            [LineStanding::Clear, LineStanding::Clear, LineStanding::Near, LineStanding::AtTheLine, LineStanding::Over]
        );
        assert_eq!(failures_left(5, DELISTING_LINE), 0, "on the line, the next failure delists");
        assert_eq!(failures_left(2, DELISTING_LINE), 3);
    }

    proptest! {
        #[test]
        fn standing_only_worsens_as_failures_grow(a in 0i64..50, b in 0i64..50) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(standing(lo, DELISTING_LINE) <= standing(hi, DELISTING_LINE));
            prop_assert!(failures_left(lo, DELISTING_LINE) >= failures_left(hi, DELISTING_LINE));
            prop_assert_eq!(standing(hi, DELISTING_LINE) == LineStanding::Over, hi > DELISTING_LINE);
        }
    }
}
