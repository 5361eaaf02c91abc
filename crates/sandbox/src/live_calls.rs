//! KooGallery's calls for the world's SaaS orders, made for real to the seller's production interface
//! (`koodesk sandbox --call-interface URL`) [KG §7].
//!
//! The world decides what to call and when ([`crate::world::LiveCall`], due at sandbox times); this task takes
//! what is due, makes each call with [`Caller::attempt`] (V2.0 signature with the interface key, a fresh nonce,
//! timestamp and businessId, 5 s timeout, the reply's Body-Sign checked) and hands the outcome back to the world,
//! which records it on the order (the feed's `interface_calls`) and queues what follows: a retry, a poll, a
//! release. The task also keeps the world moving with the sandbox clock when nobody is asking it anything, so
//! orders arrive and are called on their own.

use std::sync::{Arc, Weak};
use std::time::Duration as StdDuration;

use koodesk_domain::call_failure::CallFailure;
use koodesk_domain::time::Instant;
use koodesk_protocol::production::Reply;
use tokio::task::JoinHandle;

use crate::caller::{CallRecord, Caller};
use crate::http::AppState;
use crate::world::{LiveCall, LiveOutcome};

/// How often the world is looked at when nothing wakes the task sooner (a new order through the admin API, the
/// clock moved, a call answered).
pub const TICK: StdDuration = StdDuration::from_millis(100);

/// Starts calling for `state`'s world. The task ends once the sandbox's state is dropped.
pub(crate) fn spawn(state: &Arc<AppState>, caller: Caller) -> JoinHandle<()> {
    let weak: Weak<AppState> = Arc::downgrade(state);
    let wake = state.live_calls_wake.clone();
    let caller = Arc::new(caller);
    tokio::spawn(async move {
        loop {
            let Some(state) = weak.upgrade() else { return };
            let due = {
                let mut world = state.world();
                let now = world.now();
                world.take_due_calls(now)
            };
            for call in due {
                tokio::spawn(make(state.clone(), caller.clone(), call));
            }
            drop(state);
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
            }
        }
    })
}

/// One attempt, and its outcome recorded on the order.
async fn make(state: Arc<AppState>, caller: Arc<Caller>, call: LiveCall) {
    let at = state.clock.now();
    let record = caller.attempt(&call.request, call.attempt, at).await;
    state.world().record_live_call(call, outcome(&record, at));
    state.call_recorded();
    state.live_calls_wake.notify_one();
}

/// What KooGallery makes of an attempt: a proper reply (HTTP 200, a reply body, a Body-Sign that matches if
/// there is one) gives its resultCode and resultMsg; anything else is a failure without a resultCode, with what
/// went wrong [KG §7].
pub fn outcome(record: &CallRecord, at: Instant) -> LiveOutcome {
    let reply: Option<Reply> = record.reply_body.as_deref().and_then(|b| serde_json::from_str(b).ok());
    let proper = record.error.is_none() && record.http_status == Some(200);
    // The seller's own resultMsg, from a proper reply only; anything else is a failure code.
    let message = if proper { reply.as_ref().and_then(|r| r.result_msg.clone()) } else { None };
    let failure = if proper {
        None
    } else {
        Some(record.failure.unwrap_or(if record.http_status.is_some() {
            CallFailure::HttpStatus
        } else {
            CallFailure::Unreachable
        }))
    };
    let instance_id = reply.as_ref().and_then(|r| {
        r.instance_id.clone().or_else(|| r.info.as_ref().and_then(|i| i.first()).map(|i| i.instance_id.clone()))
    });
    LiveOutcome {
        at,
        result_code: if proper { record.result_code.clone() } else { None },
        message: message.map(|m| m.chars().take(255).collect()),
        failure,
        http_status: record.http_status.filter(|s| *s != 200),
        instance_id: if proper { instance_id } else { None },
        elapsed_ms: u32::try_from(record.elapsed_ms).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_domain::time::parse_datetime;

    fn record(status: Option<u16>, body: Option<&str>, code: Option<&str>, failure: Option<CallFailure>) -> CallRecord {
        CallRecord {
            activity: "newInstance",
            attempt: 1,
            at: "2026-11-29T10:00:00+08:00".into(),
            url: "http://127.0.0.1:9/saasproduce".into(),
            request_body: "{}".into(),
            http_status: status,
            reply_body: body.map(str::to_string),
            result_code: code.map(str::to_string),
            body_sign_valid: None,
            elapsed_ms: 42,
            error: failure.map(|f| f.describe(status)),
            failure,
        }
    }

    #[test]
    fn a_proper_reply_gives_its_code_message_and_instance() {
        let at = parse_datetime("2026-11-29T10:00:00").expect("time");
        let body = r#"{"resultCode":"000004","resultMsg":"processing","instanceId":"sample-0000000001"}"#;
        let o = outcome(&record(Some(200), Some(body), Some("000004"), None), at);
        assert_eq!(o.result_code.as_deref(), Some("000004"));
        assert_eq!(o.message.as_deref(), Some("processing"));
        assert_eq!(o.instance_id.as_deref(), Some("sample-0000000001"));
        assert_eq!((o.at, o.elapsed_ms), (at, 42));
        let body = r#"{"resultCode":"000000","info":[{"instanceId":"sample-7"}]}"#;
        let o = outcome(&record(Some(200), Some(body), Some("000000"), None), at);
        assert_eq!(o.instance_id.as_deref(), Some("sample-7"), "queryInstance names it in info[]");
    }

    #[test]
    fn anything_else_is_a_failure_without_a_result_code() {
        let at = parse_datetime("2026-11-29T10:00:00").expect("time");
        let body = r#"{"resultCode":"000000","instanceId":"i"}"#;
        let wrong_status = outcome(&record(Some(201), Some(body), Some("000000"), Some(CallFailure::HttpStatus)), at);
        assert_eq!(wrong_status.result_code, None);
        assert_eq!(wrong_status.instance_id, None);
        assert_eq!((wrong_status.failure, wrong_status.http_status), (Some(CallFailure::HttpStatus), Some(201)));
        assert_eq!(wrong_status.message, None, "no words but the code's: the console words it");
        let bad_sign = record(Some(200), Some(body), Some("000000"), Some(CallFailure::BodySign));
        let o = outcome(&bad_sign, at);
        assert_eq!((o.result_code, o.failure, o.http_status), (None, Some(CallFailure::BodySign), None));
        let timeout = outcome(&record(None, None, None, Some(CallFailure::Timeout)), at);
        assert_eq!(timeout.failure, Some(CallFailure::Timeout));
        let busy = outcome(&record(Some(500), Some("busy"), None, Some(CallFailure::HttpStatus)), at);
        assert_eq!((busy.failure, busy.http_status), (Some(CallFailure::HttpStatus), Some(500)));
    }
}
