//! A caller's argument that broke a rule: which field, which rule, the values the rule names, and the English
//! sentence for the CLI and the logs. The console words it in the user's language from the field, the rule and the
//! parameters; the sentence stays as it was written at the site.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The rule a value broke. A new rule needs its labels in both of the console's languages (`errors.rule.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Rule {
    /// The value is empty or missing.
    Required,
    /// Longer than the field allows (`max`).
    TooLong,
    /// Not a number or not an amount.
    NotANumber,
    /// A number outside its range (`min`, `max`).
    OutOfRange,
    /// Not one of the values the field takes (`allowed`).
    OneOf,
    /// Not in the field's format: a date, a month, JSON, base64, a file type (`expected`).
    BadFormat,
    /// A rejection or an appeal needs a reason the other side will read [KG §3, §4].
    ReasonRequired,
    /// The action does not apply at the step or state the target is at (`step`, `state`).
    WrongStep,
    /// Already done: issued, completed, red-lettered.
    AlreadyDone,
    /// The value is already taken by another record (`other`).
    Duplicate,
    /// A time that cannot be in the future (a step's start, a submission).
    InFuture,
    /// The time for the action has passed, or has not come yet (`at`).
    Deadline,
    /// Another action on the same target is still in flight (`action`).
    Busy,
    /// The action needs a setting first (a URL, an operator, a credential).
    NotConfigured,
    /// Breaks a KooGallery rule described by the message (the message names it).
    Rule,
    /// The stored row is damaged: sync it again.
    Damaged,
}

impl Rule {
    /// Every rule, for the check that each has its labels.
    pub const ALL: [Rule; 16] = [
        Rule::Required,
        Rule::TooLong,
        Rule::NotANumber,
        Rule::OutOfRange,
        Rule::OneOf,
        Rule::BadFormat,
        Rule::ReasonRequired,
        Rule::WrongStep,
        Rule::AlreadyDone,
        Rule::Duplicate,
        Rule::InFuture,
        Rule::Deadline,
        Rule::Busy,
        Rule::NotConfigured,
        Rule::Rule,
        Rule::Damaged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::TooLong => "too-long",
            Rule::NotANumber => "not-a-number",
            Rule::OutOfRange => "out-of-range",
            Rule::OneOf => "one-of",
            Rule::BadFormat => "bad-format",
            Rule::ReasonRequired => "reason-required",
            Rule::WrongStep => "wrong-step",
            Rule::AlreadyDone => "already-done",
            Rule::Duplicate => "duplicate",
            Rule::InFuture => "in-future",
            Rule::Deadline => "deadline",
            Rule::Busy => "busy",
            Rule::NotConfigured => "not-configured",
            Rule::Rule => "rule",
            Rule::Damaged => "damaged",
        }
    }
}

/// An argument that broke a rule. `Display` is the English sentence, unchanged from the site's wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field as the command names it (`reason`, `order_id`, `issued_by`, …).
    pub field: String,
    pub rule: Rule,
    /// The values the rule names (`max`, `allowed`, `value`, …), as text.
    pub params: BTreeMap<String, String>,
    /// The English sentence for the CLI and the logs.
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Problem {
        Problem { field: field.into(), rule, params: BTreeMap::new(), message: message.into() }
    }

    /// Adds a value the rule names.
    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Problem {
        self.params.insert(name.to_string(), value.to_string());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Problem {}

/// Reads as its English sentence, so a caller that only words the refusal (the CLI, a log line, a test that looks
/// for a phrase) keeps doing so.
impl std::ops::Deref for Problem {
    type Target = str;
    fn deref(&self) -> &str {
        &self.message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_rule_once_in_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for r in Rule::ALL {
            assert!(seen.insert(r.as_str()), "{r:?} twice");
            let json = serde_json::to_string(&r).expect("serializes");
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
    }

    #[test]
    fn displays_the_english_sentence_and_keeps_field_rule_and_params() {
        let p =
            Problem::new("reason", Rule::ReasonRequired, "reason: a rejection needs a reason [KG §3]").with("max", 64);
        assert_eq!(p.to_string(), "reason: a rejection needs a reason [KG §3]");
        assert_eq!((p.field.as_str(), p.rule), ("reason", Rule::ReasonRequired));
        assert_eq!(p.params.get("max").map(String::as_str), Some("64"));
    }
}
