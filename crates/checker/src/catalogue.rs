//! Every check the checker makes, with the rule from KooGallery's documentation it stands for [KG §7].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One kind of check. Its [`Check::id`] is stable: reports, JUnit and tests name checks by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    Https,
    Reachable,
    Timely,
    StatusLine,
    ContentType,
    Json,
    ReplyFields,
    ResultCodeKnown,
    BodySignPresent,
    BodySignValid,
    StepResult,
    Idempotent,
    AppInfo,
    EncryptedFields,
    ReleaseTwice,
    UnknownInstance,
    BadSignature,
    StaleTimestamp,
    ReplayedNonce,
    InvalidParameter,
    CaseExpectation,
}

impl Check {
    pub const ALL: [Check; 21] = [
        Check::Https,
        Check::Reachable,
        Check::Timely,
        Check::StatusLine,
        Check::ContentType,
        Check::Json,
        Check::ReplyFields,
        Check::ResultCodeKnown,
        Check::BodySignPresent,
        Check::BodySignValid,
        Check::StepResult,
        Check::Idempotent,
        Check::AppInfo,
        Check::EncryptedFields,
        Check::ReleaseTwice,
        Check::UnknownInstance,
        Check::BadSignature,
        Check::StaleTimestamp,
        Check::ReplayedNonce,
        Check::InvalidParameter,
        Check::CaseExpectation,
    ];

    /// Stable identifier, e.g. `reply.body-sign-valid`.
    pub fn id(self) -> &'static str {
        match self {
            Check::Https => "transport.https",
            Check::Reachable => "transport.reachable",
            Check::Timely => "transport.timely",
            Check::StatusLine => "transport.status-line",
            Check::ContentType => "transport.content-type",
            Check::Json => "reply.json",
            Check::ReplyFields => "reply.fields",
            Check::ResultCodeKnown => "reply.result-code",
            Check::BodySignPresent => "reply.body-sign-present",
            Check::BodySignValid => "reply.body-sign-valid",
            Check::StepResult => "step.result",
            Check::Idempotent => "behaviour.idempotent",
            Check::AppInfo => "behaviour.app-info",
            Check::EncryptedFields => "behaviour.encrypted-fields",
            Check::ReleaseTwice => "behaviour.release-twice",
            Check::UnknownInstance => "behaviour.unknown-instance",
            Check::BadSignature => "security.bad-signature",
            Check::StaleTimestamp => "security.stale-timestamp",
            Check::ReplayedNonce => "security.replayed-nonce",
            Check::InvalidParameter => "request.invalid-parameter",
            Check::CaseExpectation => "case.expectation",
        }
    }

    pub fn from_id(id: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The rule, as KooGallery's SaaS access guide (V2.0) states it.
    pub fn rule(self) -> &'static str {
        match self {
            Check::Https => {
                "The production URL is HTTPS (TLS 1.2 or later) on a domain name; KooGallery calls nothing else \
                 [KG §7]. Plain HTTP is accepted here only for a loopback address, for local testing."
            }
            Check::Reachable => {
                "KooGallery POSTs to the production URL; the server must accept the connection [KG §7]."
            }
            Check::Timely => "KooGallery waits at most 5 s for a reply; a later reply counts as a failed call [KG §7].",
            Check::StatusLine => "The reply is HTTP/1.1 200 whatever the resultCode [KG §7].",
            Check::ContentType => "The reply body is JSON, sent as Content-Type application/json (UTF-8) [KG §7].",
            Check::Json => "The reply body is one JSON object {resultCode, resultMsg, ...} [KG §7].",
            Check::ReplyFields => {
                "Reply fields are within their limits: resultMsg ≤ 255, instanceId ≤ 64, appInfo.frontEndUrl \
                 mandatory ≤ 512, adminUrl ≤ 512, userName and password ≤ 128 [KG §7]."
            }
            Check::ResultCodeKnown => {
                "resultCode is one of the documented codes (000000–000005, 000100–000107) [KG §7]."
            }
            Check::BodySignPresent => {
                "Every reply carries Body-Sign: sign_type=\"HMAC-SHA256\", signature= \"<base64>\" [KG §7]."
            }
            Check::BodySignValid => {
                "Body-Sign is base64 HMAC-SHA256 of the whole reply body, keyed with the interface key [KG §7]."
            }
            Check::StepResult => {
                "The call succeeds: resultCode 000000 (newInstance may answer 000004, processing) [KG §7]."
            }
            Check::Idempotent => {
                "newInstance is idempotent: the same orderId + orderLineId returns the same instanceId, whatever the \
                 businessId (new on every call) [KG §7]."
            }
            Check::AppInfo => {
                "queryInstance returns info[] with the instance and its appInfo.frontEndUrl; while provisioning it \
                 answers 000004 and KooGallery polls [KG §7]."
            }
            Check::EncryptedFields => {
                "appInfo.userName and password travel encrypted: 16-character IV + base64(AES-CBC-PKCS5) with the key \
                 derived from the interface key, encryptType 1 = AES-256 (default), 2 = AES-128 [KG §7]."
            }
            Check::ReleaseTwice => "Releasing an instance twice returns success (000000) [KG §7].",
            Check::UnknownInstance => "A call for an instance that does not exist answers 000003 [KG §7].",
            Check::BadSignature => {
                "A request whose V2.0 signature does not match its body is refused with 000001 and not served [KG §7]."
            }
            Check::StaleTimestamp => {
                "A request whose timestamp is more than 60 s from now is refused with 000001 and not served [KG §7]."
            }
            Check::ReplayedNonce => "A request with a nonce seen before (a replay) is refused with 000001 [KG §7].",
            Check::InvalidParameter => "A request missing a mandatory field is refused with 000002 [KG §7].",
            Check::CaseExpectation => "The saved case's expectation: its result codes and the fields it names.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut ids: Vec<&str> = Check::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Check::ALL.len());
        for c in Check::ALL {
            assert_eq!(Check::from_id(c.id()), Some(c));
            assert!(c.rule().len() > 20);
        }
    }
}
