//! What a check saw, as a code with the values its words name: the console words a [`Note`] in the seller's
//! language; [`Note::english`] is the sentence the CLI, JUnit and the report's `detail` carry.
//!
//! The transport's and the parsers' own error texts (`error`) are quoted as they are: they name what the server
//! sent, and no table could word them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Note {
    // The endpoint [KG §7].
    Https,
    LoopbackHttp,
    /// The URL does not parse: the parser's words.
    NotAUrl {
        url: String,
        error: String,
    },
    /// Plain HTTP to another machine: KooGallery calls production URLs over HTTPS only.
    PlainHttpRemote {
        url: String,
    },
    /// Neither https:// nor (for this machine) http://.
    WrongScheme {
        url: String,
        scheme: String,
    },
    // The transport.
    Connected,
    AnsweredIn {
        ms: u64,
    },
    /// No reply (`partial`: no whole reply) within `ms`, the checker's timeout [KG §7]; `error` is the English.
    TimedOut {
        ms: u64,
        partial: bool,
        error: String,
    },
    /// No reply: the connection failed or broke off, in the transport's words.
    NoReply {
        error: String,
    },
    NoConnection,
    NoWholeReply,
    /// The reply's status line (HTTP/1.1 200 passes).
    StatusLine {
        version: String,
        status: u16,
    },
    /// The reply's Content-Type (application/json passes).
    ContentType {
        value: String,
    },
    // The reply's body.
    JsonObject,
    JsonNotObject,
    NotJson {
        error: String,
    },
    NotAnObject,
    /// The reply's resultCode, where that is what was judged (a documented one, or the one a case expected).
    ResultCode {
        result_code: String,
    },
    UndocumentedResultCode {
        result_code: String,
    },
    NoResultCode,
    WithinLimits,
    /// A reply field over its documented limit: the protocol's words, naming the field and the limit.
    OverLimit {
        error: String,
    },
    WrongTypes {
        error: String,
    },
    NoDocumentedCode,
    // Body-Sign.
    NoBodySign,
    NoBodySignToCheck,
    BodySignPresent,
    BodySignMatches,
    BodySignMismatch {
        header: String,
        error: String,
    },
    // The calls' results; `got` is the reply's resultCode (none when it had none).
    NoJsonReply,
    /// A result code other than the expected ones; `served`: a request that should have been refused (000001)
    /// was served instead.
    Unexpected {
        got: Option<String>,
        expected: Vec<String>,
        served: bool,
    },
    NewInstance {
        got: String,
        instance_id: String,
    },
    NoInstanceId {
        got: String,
    },
    NoInstanceExpected {
        got: Option<String>,
    },
    /// A step that needs the instance newInstance should have returned.
    NeedsInstance,
    SameInstance {
        instance_id: String,
    },
    OtherInstance {
        got: Option<String>,
        instance_id: String,
        first: String,
    },
    NoInstanceAgain {
        got: Option<String>,
        first: String,
    },
    // queryInstance's appInfo.
    FrontEndUrl {
        url: String,
    },
    NoFrontEndUrl {
        instance_id: String,
    },
    StillProcessing,
    NoInfo {
        got: Option<String>,
        instance_id: String,
    },
    NoAppInfo,
    NotDecrypted {
        field: String,
        encrypt_type: String,
        error: String,
    },
    /// The fields that decrypt (none returned: nothing to decrypt).
    Decrypted {
        fields: Vec<String>,
        encrypt_type: String,
    },
    // Replay protection.
    FreshRefused,
    // Saved cases.
    /// The case's request could not be made (an unknown placeholder): the case's own words.
    CaseNotMade {
        error: String,
    },
    MissingField {
        got: String,
        pointer: String,
    },
}

/// A step of a built-in suite, by code: the console names it in the seller's language; [`StepKind::english`] is the
/// step's `name` for the CLI and JUnit. A saved case's step has none (its name is the seller's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    Endpoint,
    NewInstance,
    NewInstanceAgain,
    QueryInstance,
    Renewal,
    Freeze,
    Unfreeze,
    Upgrade,
    Release,
    ReleaseAgain,
    UnknownInstance,
    WrongKey,
    StaleTimestamp,
    Replayed,
    NoOrderLineId,
}

impl StepKind {
    pub const ALL: [StepKind; 15] = [
        StepKind::Endpoint,
        StepKind::NewInstance,
        StepKind::NewInstanceAgain,
        StepKind::QueryInstance,
        StepKind::Renewal,
        StepKind::Freeze,
        StepKind::Unfreeze,
        StepKind::Upgrade,
        StepKind::Release,
        StepKind::ReleaseAgain,
        StepKind::UnknownInstance,
        StepKind::WrongKey,
        StepKind::StaleTimestamp,
        StepKind::Replayed,
        StepKind::NoOrderLineId,
    ];

    pub fn english(self) -> &'static str {
        match self {
            StepKind::Endpoint => "endpoint",
            StepKind::NewInstance => "newInstance (新购)",
            StepKind::NewInstanceAgain => "newInstance again: same order line, new businessId",
            StepKind::QueryInstance => "queryInstance (poll while 000004)",
            StepKind::Renewal => "refreshInstance RENEWAL (续费)",
            StepKind::Freeze => "updateInstanceStatus FREEZE (过期)",
            StepKind::Unfreeze => "updateInstanceStatus UNFREEZE",
            StepKind::Upgrade => "upgradeInstance",
            StepKind::Release => "releaseInstance (释放)",
            StepKind::ReleaseAgain => "releaseInstance again",
            StepKind::UnknownInstance => "queryInstance of an unknown instance",
            StepKind::WrongKey => "newInstance signed with another key",
            StepKind::StaleTimestamp => "newInstance with a timestamp 5 minutes old",
            StepKind::Replayed => "newInstance, then the same request replayed",
            StepKind::NoOrderLineId => "newInstance without orderLineId",
        }
    }
}

/// A warning about a whole run, by code: the console words it; [`Warning::english`] is the report's `warnings` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Warning {
    /// Plain HTTP to this machine: fine for a local test; KooGallery itself calls only HTTPS [KG §7].
    LoopbackHttp,
}

impl Warning {
    pub const ALL: [Warning; 1] = [Warning::LoopbackHttp];

    pub fn english(self) -> &'static str {
        match self {
            Warning::LoopbackHttp => {
                "plain HTTP on loopback: fine for a local test; KooGallery itself calls only HTTPS"
            }
        }
    }
}

fn code_text(got: Option<&str>) -> String {
    match got {
        Some(c) => format!("resultCode {c}"),
        None => "no resultCode".into(),
    }
}

impl Note {
    /// The English sentence, for the CLI, JUnit and the report's `detail`.
    pub fn english(&self) -> String {
        match self {
            Note::Https => "HTTPS".into(),
            Note::LoopbackHttp => "plain HTTP to this machine (local testing only)".into(),
            Note::NotAUrl { url, error } => format!("`{url}` is not a URL: {error}"),
            Note::PlainHttpRemote { url } => {
                format!("`{url}` is plain HTTP to another machine; KooGallery calls production URLs over HTTPS only")
            }
            Note::WrongScheme { url, scheme } => format!("`{url}` uses `{scheme}`; a production URL is https://"),
            Note::TimedOut { error, .. } => error.clone(),
            Note::Connected => "connected".into(),
            Note::AnsweredIn { ms } => format!("answered in {ms} ms"),
            Note::NoReply { error } => error.clone(),
            Note::NoConnection => "no connection".into(),
            Note::NoWholeReply => "no whole reply to check".into(),
            Note::StatusLine { version, status } if version == "HTTP/1.1" && *status == 200 => "HTTP/1.1 200".into(),
            Note::StatusLine { version, status } => format!("the status line is {version} {status}, not HTTP/1.1 200"),
            Note::ContentType { value } if value.to_ascii_lowercase().starts_with("application/json") => value.clone(),
            Note::ContentType { value } => format!("Content-Type is `{value}`, not application/json"),
            Note::JsonObject => "a JSON object".into(),
            Note::JsonNotObject => "the body is JSON but not an object".into(),
            Note::NotJson { error } => format!("the body is not JSON: {error}"),
            Note::NotAnObject => "the body is not a JSON object".into(),
            Note::ResultCode { result_code } => format!("resultCode {result_code}"),
            Note::UndocumentedResultCode { result_code } => {
                format!("resultCode `{result_code}` is not a documented code")
            }
            Note::NoResultCode => "there is no resultCode string".into(),
            Note::WithinLimits => "within limits".into(),
            Note::OverLimit { error } => error.clone(),
            Note::WrongTypes { error } => format!("the reply's fields have the wrong types: {error}"),
            Note::NoDocumentedCode => "no documented resultCode".into(),
            Note::NoBodySign => "the reply has no Body-Sign header".into(),
            Note::NoBodySignToCheck => "no Body-Sign to check".into(),
            Note::BodySignPresent => "present".into(),
            Note::BodySignMatches => "matches the body".into(),
            Note::BodySignMismatch { header, error } => {
                format!("Body-Sign `{header}`: {error} (keyed with the interface key)")
            }
            Note::NoJsonReply => "no JSON reply to judge".into(),
            Note::Unexpected { got, expected, served } => format!(
                "{}, expected {}{}",
                code_text(got.as_deref()),
                expected.join(" or "),
                if *served { ": the request was served instead of refused" } else { "" }
            ),
            Note::NewInstance { got, instance_id } => format!("resultCode {got}, instanceId {instance_id}"),
            Note::NoInstanceId { got } => format!("resultCode {got} without an instanceId"),
            Note::NoInstanceExpected { got } => {
                format!("{}, expected 000000 or 000004 with an instanceId", code_text(got.as_deref()))
            }
            Note::NeedsInstance => "newInstance returned no instanceId".into(),
            Note::SameInstance { instance_id } => format!("the same instanceId {instance_id}"),
            Note::OtherInstance { got, instance_id, first } => {
                format!("{}, instanceId {instance_id}; the first call returned {first}", code_text(got.as_deref()))
            }
            Note::NoInstanceAgain { got, first } => {
                format!("{} without an instanceId; the first call returned {first}", code_text(got.as_deref()))
            }
            Note::FrontEndUrl { url } => format!("frontEndUrl {url}"),
            Note::NoFrontEndUrl { instance_id } => format!("info[] has no appInfo.frontEndUrl for instance {instance_id}"),
            Note::StillProcessing => "still 000004 (processing) when the checker stopped polling".into(),
            Note::NoInfo { got, instance_id } => {
                format!("{}, expected 000000 with info[] for {instance_id}", code_text(got.as_deref()))
            }
            Note::NoAppInfo => "no appInfo".into(),
            Note::NotDecrypted { field, encrypt_type, error } => {
                format!("appInfo.{field} does not decrypt with the interface key (encryptType {encrypt_type}): {error}")
            }
            Note::Decrypted { fields, .. } if fields.is_empty() => {
                "no userName or password returned: nothing to decrypt".into()
            }
            Note::Decrypted { fields, encrypt_type } => {
                format!("{} decrypt with the interface key (encryptType {encrypt_type})", fields.join(" and "))
            }
            Note::FreshRefused => {
                "the first, fresh request was refused (000001) too: check the key; replay protection cannot be told apart"
                    .into()
            }
            Note::CaseNotMade { error } => error.clone(),
            Note::MissingField { got, pointer } => format!("resultCode {got}, but the reply has no `{pointer}`"),
        }
    }

    /// Every code, one value each, for the check that the console words them all (`CHECK_NOTES` in the bindings):
    /// a code added above goes here too, and the console's test then fails until both languages word it.
    pub fn samples() -> Vec<Note> {
        let s = || String::from("x");
        vec![
            Note::Https,
            Note::LoopbackHttp,
            Note::NotAUrl { url: s(), error: s() },
            Note::PlainHttpRemote { url: s() },
            Note::WrongScheme { url: s(), scheme: s() },
            Note::TimedOut { ms: 5000, partial: false, error: s() },
            Note::Connected,
            Note::AnsweredIn { ms: 1 },
            Note::NoReply { error: s() },
            Note::NoConnection,
            Note::NoWholeReply,
            Note::StatusLine { version: s(), status: 200 },
            Note::ContentType { value: s() },
            Note::JsonObject,
            Note::JsonNotObject,
            Note::NotJson { error: s() },
            Note::NotAnObject,
            Note::ResultCode { result_code: s() },
            Note::UndocumentedResultCode { result_code: s() },
            Note::NoResultCode,
            Note::WithinLimits,
            Note::OverLimit { error: s() },
            Note::WrongTypes { error: s() },
            Note::NoDocumentedCode,
            Note::NoBodySign,
            Note::NoBodySignToCheck,
            Note::BodySignPresent,
            Note::BodySignMatches,
            Note::BodySignMismatch { header: s(), error: s() },
            Note::NoJsonReply,
            Note::Unexpected { got: None, expected: vec![s()], served: false },
            Note::NewInstance { got: s(), instance_id: s() },
            Note::NoInstanceId { got: s() },
            Note::NoInstanceExpected { got: None },
            Note::NeedsInstance,
            Note::SameInstance { instance_id: s() },
            Note::OtherInstance { got: None, instance_id: s(), first: s() },
            Note::NoInstanceAgain { got: None, first: s() },
            Note::FrontEndUrl { url: s() },
            Note::NoFrontEndUrl { instance_id: s() },
            Note::StillProcessing,
            Note::NoInfo { got: None, instance_id: s() },
            Note::NoAppInfo,
            Note::NotDecrypted { field: s(), encrypt_type: s(), error: s() },
            Note::Decrypted { fields: vec![], encrypt_type: s() },
            Note::FreshRefused,
            Note::CaseNotMade { error: s() },
            Note::MissingField { got: s(), pointer: s() },
        ]
    }

    /// The code, as the JSON's `code` names it.
    pub fn code(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_string))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_sampled_once_and_says_something() {
        let samples = Note::samples();
        let mut codes: Vec<String> = samples.iter().map(Note::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), samples.len(), "one sample a code");
        assert!(samples.iter().all(|n| !n.english().is_empty() && !n.code().is_empty()));
    }
}
