//! What KooGallery makes of a call to the seller's production interface that got no proper reply [KG §7]: a
//! reply within 5 s, HTTP 200, a body that is a production-interface reply, a `Body-Sign` that matches it when
//! there is one, and — for newInstance accepted — an `instanceId`. Anything else fails the attempt, and the
//! failure is one of these codes: the feed carries the code (and the HTTP status where there was one), and the
//! console words it in the seller's language. The English sentence of each ([`CallFailure::describe`]) is for the
//! CLI and the logs.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CallFailure {
    /// No reply within KooGallery's 5 s.
    Timeout,
    /// No connection: refused, reset, a name that does not resolve, a TLS handshake that fails.
    Unreachable,
    /// The reply broke off before its end.
    BrokenReply,
    /// An HTTP status other than 200 (the status travels beside the code).
    HttpStatus,
    /// HTTP 200, but the body is not a production-interface reply (no JSON, or no `resultCode`).
    NotAReply,
    /// The reply's `Body-Sign` does not match its body.
    BodySign,
    /// newInstance answered 000000 or 000004 without an `instanceId`.
    NoInstanceId,
}

impl CallFailure {
    pub const ALL: [CallFailure; 7] = [
        CallFailure::Timeout,
        CallFailure::Unreachable,
        CallFailure::BrokenReply,
        CallFailure::HttpStatus,
        CallFailure::NotAReply,
        CallFailure::BodySign,
        CallFailure::NoInstanceId,
    ];

    /// The code as the feed and the store spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            CallFailure::Timeout => "timeout",
            CallFailure::Unreachable => "unreachable",
            CallFailure::BrokenReply => "broken-reply",
            CallFailure::HttpStatus => "http-status",
            CallFailure::NotAReply => "not-a-reply",
            CallFailure::BodySign => "body-sign",
            CallFailure::NoInstanceId => "no-instance-id",
        }
    }

    /// The code read back; `None` for one this build does not know.
    pub fn parse(s: &str) -> Option<CallFailure> {
        CallFailure::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// An English sentence for the CLI and the logs (the console has its own words for each code).
    pub fn describe(self, http_status: Option<u16>) -> String {
        match self {
            CallFailure::Timeout => "no reply within 5 s".into(),
            CallFailure::Unreachable => "no connection to the production interface".into(),
            CallFailure::BrokenReply => "the reply broke off".into(),
            CallFailure::HttpStatus => match http_status {
                Some(s) => format!("HTTP {s} instead of 200"),
                None => "an HTTP status other than 200".into(),
            },
            CallFailure::NotAReply => "the reply is not a production-interface reply".into(),
            CallFailure::BodySign => "the reply's Body-Sign does not match its body".into(),
            CallFailure::NoInstanceId => "accepted without an instanceId".into(),
        }
    }
}

/// What feeds and stores before these codes said in one free-text `detail`: the instance ID of an accepted
/// newInstance or queryInstance, else a sentence. The sentences the sandbox and the gateway wrote are read back as
/// their codes (and the HTTP status they named); any other sentence is the seller's server's own words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyDetail {
    pub instance_id: Option<String>,
    pub result_msg: Option<String>,
    pub failure: Option<CallFailure>,
    pub http_status: Option<u16>,
}

impl LegacyDetail {
    pub fn read(activity: &str, result_code: Option<&str>, detail: Option<&str>) -> LegacyDetail {
        let Some(d) = detail.map(str::trim).filter(|d| !d.is_empty()) else { return LegacyDetail::default() };
        let accepted = matches!(result_code, Some("000000") | Some("000004"));
        if accepted && matches!(activity, "newInstance" | "queryInstance") && !d.contains(' ') {
            return LegacyDetail { instance_id: Some(d.to_string()), ..LegacyDetail::default() };
        }
        let status: Option<u16> =
            d.strip_prefix("HTTP ").and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok());
        let failure = if d.starts_with("no reply") {
            Some(CallFailure::Timeout)
        } else if d.starts_with("transport: the reply broke off") {
            Some(CallFailure::BrokenReply)
        } else if d.starts_with("transport:") || d == "connection refused" {
            Some(CallFailure::Unreachable)
        } else if status.is_some() {
            Some(CallFailure::HttpStatus)
        } else if d.starts_with("the reply is not a production-interface reply") {
            Some(CallFailure::NotAReply)
        } else if d.contains("Body-Sign does not match") {
            Some(CallFailure::BodySign)
        } else if d.contains("without an instanceId") {
            Some(CallFailure::NoInstanceId)
        } else {
            None
        };
        match failure {
            Some(f) => LegacyDetail { failure: Some(f), http_status: status, ..LegacyDetail::default() },
            None => LegacyDetail { result_msg: Some(d.to_string()), ..LegacyDetail::default() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_serializes_as_it_is_spelled() {
        for f in CallFailure::ALL {
            assert_eq!(CallFailure::parse(f.as_str()), Some(f));
            assert_eq!(serde_json::to_string(&f).expect("a unit variant serializes"), format!("\"{}\"", f.as_str()));
        }
        assert_eq!(CallFailure::parse("no reply within 5 s"), None);
    }

    #[test]
    fn the_sentences_of_older_feeds_read_back_as_their_codes() {
        let read = |activity, code, d| LegacyDetail::read(activity, code, Some(d));
        let ok = Some("000000");
        assert_eq!(read("newInstance", ok, "ins-1").instance_id.as_deref(), Some("ins-1"));
        assert_eq!(read("newInstance", None, "no reply within 5 s").failure, Some(CallFailure::Timeout));
        assert_eq!(read("newInstance", None, "connection refused").failure, Some(CallFailure::Unreachable));
        assert_eq!(
            read("newInstance", None, "transport: error sending request").failure,
            Some(CallFailure::Unreachable)
        );
        assert_eq!(
            read("newInstance", None, "transport: the reply broke off: eof").failure,
            Some(CallFailure::BrokenReply)
        );
        let http = read("newInstance", None, "HTTP 502: the reply is not a production-interface reply: eof");
        assert_eq!((http.failure, http.http_status), (Some(CallFailure::HttpStatus), Some(502)));
        let http = read("newInstance", None, "HTTP 201 instead of 200");
        assert_eq!((http.failure, http.http_status), (Some(CallFailure::HttpStatus), Some(201)));
        assert_eq!(
            read("newInstance", None, "the reply's Body-Sign does not match its body").failure,
            Some(CallFailure::BodySign)
        );
        assert_eq!(
            read("newInstance", ok, "resultCode 000000 without an instanceId").failure,
            Some(CallFailure::NoInstanceId)
        );
        // The seller's own words stay theirs.
        let own = read("newInstance", Some("000005"), "数据库连接失败");
        assert_eq!((own.result_msg.as_deref(), own.failure), (Some("数据库连接失败"), None));
        assert_eq!(LegacyDetail::read("newInstance", ok, None), LegacyDetail::default());
    }
}
