//! Printing results and failures.

use std::process::ExitCode;

use serde::Serialize;

/// Why a command did not succeed, and with which exit status.
#[derive(Debug)]
pub struct Failure {
    pub status: u8,
    pub message: String,
}

impl Failure {
    /// Bad arguments (status 2). The message names the argument and the rule.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure { status: 2, message: message.into() }
    }

    /// A negative answer (status 1), e.g. an invalid code.
    pub fn negative(message: impl Into<String>) -> Failure {
        Failure { status: 1, message: message.into() }
    }

    pub fn report(self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("error: {}", self.message);
        }
        ExitCode::from(self.status)
    }
}

/// Prints `value` as one line of JSON.
pub fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text =
        serde_json::to_string(value).map_err(|e| Failure { status: 1, message: format!("cannot encode JSON: {e}") })?;
    println!("{text}");
    Ok(())
}

/// Prints a calendar warning to standard error, when the answer used the Monday–Friday fallback.
pub fn warn(warning: Option<String>) {
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
}

/// A rate as a percentage for people: `0.13` → `13%`.
pub fn percent(rate: rust_decimal::Decimal) -> String {
    format!("{}%", (rate * rust_decimal::Decimal::ONE_HUNDRED).normalize())
}
