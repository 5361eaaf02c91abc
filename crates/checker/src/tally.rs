//! What the two suites' reports share (the production interface's [`crate::report`] and OAuth's
//! [`crate::oauth::report`]): counting verdicts, the distinct failed checks, a step's mark, the words for verdicts
//! and the closing line of the text report.

use std::fmt::Write as _;

use crate::report::Verdict;

/// An outcome of one check: which check, and its verdict.
pub trait Judged {
    type Check: Copy + PartialEq;
    fn check(&self) -> Self::Check;
    fn verdict(&self) -> Verdict;
}

/// How many outcomes passed, failed and were skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Counts {
    pub fn of<'a, O: Judged + 'a>(outcomes: impl IntoIterator<Item = &'a O>) -> Counts {
        let mut c = Counts::default();
        for o in outcomes {
            match o.verdict() {
                Verdict::Passed => c.passed += 1,
                Verdict::Failed => c.failed += 1,
                Verdict::Skipped => c.skipped += 1,
            }
        }
        c
    }

    /// Every check ran and passed (and there was at least one).
    pub fn ok(self) -> bool {
        self.failed == 0 && self.skipped == 0 && self.passed > 0
    }

    /// The text report's last line: the counts, the time and PASS or FAIL.
    pub fn write_total(self, out: &mut String, elapsed_ms: u64) {
        let _ = writeln!(
            out,
            "{} checks passed, {} failed, {} skipped in {elapsed_ms} ms: {}",
            self.passed,
            self.failed,
            self.skipped,
            if self.ok() { "PASS" } else { "FAIL" }
        );
    }
}

/// The distinct checks that failed, in the order they first failed.
pub fn failed_checks<'a, O: Judged + 'a>(outcomes: impl IntoIterator<Item = &'a O>) -> Vec<O::Check> {
    let mut seen = Vec::new();
    for o in outcomes {
        if o.verdict() == Verdict::Failed && !seen.contains(&o.check()) {
            seen.push(o.check());
        }
    }
    seen
}

/// A step's mark at the start of its line: `FAIL` if a check failed, else `SKIP` if one was skipped, else `ok`.
pub fn step_mark<'a, O: Judged + 'a>(outcomes: impl IntoIterator<Item = &'a O> + Clone) -> &'static str {
    let any = |v: Verdict| outcomes.clone().into_iter().any(|o| o.verdict() == v);
    if any(Verdict::Failed) {
        "FAIL"
    } else if any(Verdict::Skipped) {
        "SKIP"
    } else {
        "ok  "
    }
}

pub fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Skipped => "skipped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct O(u8, Verdict);
    impl Judged for O {
        type Check = u8;
        fn check(&self) -> u8 {
            self.0
        }
        fn verdict(&self) -> Verdict {
            self.1
        }
    }

    #[test]
    fn counts_marks_and_failed_checks_follow_the_verdicts() {
        use Verdict::*;
        let all = [O(1, Passed), O(2, Failed), O(3, Skipped), O(2, Failed), O(4, Failed)];
        assert_eq!(Counts::of(&all), Counts { passed: 1, failed: 3, skipped: 1 });
        assert!(!Counts::of(&all).ok());
        assert_eq!(failed_checks(&all), [2, 4], "distinct, in the order they first failed");
        assert_eq!(step_mark(&all[..1]), "ok  ");
        assert_eq!(step_mark(&all[..3]), "FAIL");
        assert_eq!(step_mark(&[O(1, Passed), O(3, Skipped)]), "SKIP");
        assert!(!Counts::default().ok(), "nothing ran is not a pass");
        let mut line = String::new();
        Counts { passed: 2, failed: 0, skipped: 0 }.write_total(&mut line, 15);
        assert_eq!(line, "2 checks passed, 0 failed, 0 skipped in 15 ms: PASS\n");
    }
}
