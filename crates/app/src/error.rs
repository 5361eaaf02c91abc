//! The error every command answers: a stable code and a message that names the field and the rule. A leaf module:
//! the handlers, the dispatcher and the workspace all answer it, and it depends on none of them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error a command answers: a stable code and a message that names the field and the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// `invalid` (bad argument), `not-found`, `unknown-command`, `keyring` (no OS keyring), `store`, `sync`,
    /// `stale` (an action taken on a screen older than the stored row: reload and look again).
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> ApiError {
        ApiError { code: code.into(), message: message.into() }
    }
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new("invalid", message)
    }
}
