//! The error every command answers: a stable code, for a bad argument the field, the rule and the values the rule
//! names, and the English sentence for the CLI and the logs. The console words it from the code, the rule and the
//! field in the user's language (ui/src/errors.ts). A leaf module: the handlers, the dispatcher and the workspace all
//! answer it, and it depends on none of them.

use std::collections::BTreeMap;

use koodesk_domain::problem::{Problem, Rule};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of error a command answers. A new code needs its labels in both of the console's languages
/// (`errors.code.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// A bad argument: `field` and `rule` say which and why.
    Invalid,
    NotFound,
    UnknownCommand,
    /// No OS keyring, or it refused.
    Keyring,
    /// The store could not be opened, read or written.
    Store,
    /// A sync with KooGallery or the gateway failed.
    Sync,
    /// An action taken on a screen older than the stored row: reload and look again.
    Stale,
    /// The action needs a connection; this desk works with files only.
    FilesOnly,
    /// An import of a file failed.
    Import,
    /// KooGallery refused a license call.
    License,
    /// An order lookup failed.
    Lookup,
    /// A paste held no rows.
    PasteEmpty,
    /// A paste held more rows than one batch takes.
    PasteTooMany,
    /// The loopback server's token is missing or wrong.
    Unauthorized,
    /// The desktop shell's IPC failed (the UI raises it; no handler answers it).
    Ipc,
}

impl ErrorCode {
    /// Every code, for the check that each has its labels.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::Invalid,
        ErrorCode::NotFound,
        ErrorCode::UnknownCommand,
        ErrorCode::Keyring,
        ErrorCode::Store,
        ErrorCode::Sync,
        ErrorCode::Stale,
        ErrorCode::FilesOnly,
        ErrorCode::Import,
        ErrorCode::License,
        ErrorCode::Lookup,
        ErrorCode::PasteEmpty,
        ErrorCode::PasteTooMany,
        ErrorCode::Unauthorized,
        ErrorCode::Ipc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "invalid",
            ErrorCode::NotFound => "not-found",
            ErrorCode::UnknownCommand => "unknown-command",
            ErrorCode::Keyring => "keyring",
            ErrorCode::Store => "store",
            ErrorCode::Sync => "sync",
            ErrorCode::Stale => "stale",
            ErrorCode::FilesOnly => "files-only",
            ErrorCode::Import => "import",
            ErrorCode::License => "license",
            ErrorCode::Lookup => "lookup",
            ErrorCode::PasteEmpty => "paste-empty",
            ErrorCode::PasteTooMany => "paste-too-many",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Ipc => "ipc",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `e.code == "invalid"`: compares with the wire spelling.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An error a command answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    /// The English sentence, for the CLI and the logs; the console shows it only as a detail.
    pub message: String,
    /// For `invalid`: the field as the command names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// For `invalid`: the rule the field broke.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rule: Option<Rule>,
    /// The values the rule names (`max`, `value`, `allowed`, …).
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), field: None, rule: None, params: BTreeMap::new() }
    }

    /// A bad argument: which field, which rule, and the English sentence naming both.
    pub fn invalid(field: &str, rule: Rule, message: impl Into<String>) -> ApiError {
        ApiError::from(Problem::new(field, rule, message))
    }

    /// Adds a value the rule names.
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> ApiError {
        self.params.insert(name.to_string(), value.to_string());
        self
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> ApiError {
        ApiError {
            code: ErrorCode::Invalid,
            message: p.message,
            field: Some(p.field),
            rule: Some(p.rule),
            params: p.params,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_crosses_with_its_field_rule_and_params() {
        let e = ApiError::from(Problem::new("name", Rule::TooLong, "name: at most 64 characters").with("max", 64));
        let v = serde_json::to_value(&e).expect("serializes");
        assert_eq!(
            v,
            serde_json::json!({"code": "invalid", "message": "name: at most 64 characters", "field": "name",
                "rule": "too-long", "params": {"max": "64"}})
        );
    }

    #[test]
    fn every_code_is_listed_once_in_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{c:?} twice");
            assert_eq!(serde_json::to_value(c).expect("serializes"), serde_json::json!(c.as_str()));
        }
    }
}
