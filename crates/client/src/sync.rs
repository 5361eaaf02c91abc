//! One sync: push the outbox, then pull every feed from its cursor to the end.
//!
//! Each page is verified and then applied with its cursor in one transaction, so a sync killed at any point
//! resumes where the last committed page left off, with nothing lost or doubled. Transient failures (network,
//! 5xx, truncated or unsigned replies) are retried with backoff; when they persist, that feed stops for this
//! run and the report says why — the store is never written from a bad reply.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use koodesk_protocol::feed::{Kind, DEFAULT_PAGE};
use koodesk_store::outbox::{ActionKind, QueuedAction};
use koodesk_store::{Store, StoreError};
use serde::Serialize;

use crate::feed_client::{FeedClient, FetchError};

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub page_size: usize,
    /// Attempts per request before giving up on a feed for this run.
    pub attempts: u32,
    /// First retry delay; doubled each time, at most 8 s.
    pub backoff: Duration,
    /// Unix seconds "now" for the outbox schedule.
    pub now_ts: i64,
    /// Push every pending action now, whatever its backoff (a sync the seller asked for).
    pub push_all_pending: bool,
}

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            page_size: DEFAULT_PAGE,
            attempts: 5,
            backoff: Duration::from_millis(200),
            now_ts: chrono::Utc::now().timestamp(),
            push_all_pending: false,
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub pages: usize,
    pub items: BTreeMap<String, usize>,
    pub actions_sent: usize,
    pub actions_refused: Vec<RefusedAction>,
    pub actions_deferred: usize,
    pub retries: usize,
    /// Feeds that stopped early, and why.
    pub incomplete: Vec<String>,
    /// The feed could not be reached at all: working offline.
    pub offline: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RefusedAction {
    pub action_id: String,
    pub target: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(FetchError),
}

async fn with_retries<T, F, Fut>(opts: &SyncOptions, report: &mut SyncReport, mut call: F) -> Result<T, FetchError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, FetchError>>,
{
    let mut delay = opts.backoff;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(e) if e.is_transient() && attempt < opts.attempts => {
                report.retries += 1;
                attempt += 1;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(8));
            }
            other => return other,
        }
    }
}

async fn push_one(client: &FeedClient, a: &QueuedAction) -> Result<Vec<u8>, FetchError> {
    let mut body = a.payload.clone();
    if let Some(obj) = body.as_object_mut() {
        obj.insert("action_id".into(), a.action_id.clone().into());
    }
    match a.kind {
        ActionKind::Supervision => client.post_json(&format!("/feed/v1/supervision/{}/actions", a.target), &body).await,
        ActionKind::UnsubscriptionDecision => {
            client.post_json(&format!("/feed/v1/unsubscriptions/{}/decision", a.target), &body).await
        }
        ActionKind::InvoiceIssued => {
            client.post_json(&format!("/feed/v1/invoice-requests/{}/issued", a.target), &body).await
        }
        ActionKind::Delivery => {
            let name = a.payload["file_name"].as_str().unwrap_or("delivery-proof");
            let content = BASE64.decode(a.payload["content_base64"].as_str().unwrap_or("")).map_err(|_| {
                FetchError::Refused { status: 0, code: "invalid".into(), message: "the queued file is damaged".into() }
            })?;
            client
                .post_file(
                    &format!("/feed/v1/supervision/{}/delivery", a.target),
                    &[("action_id", a.action_id.as_str()), ("file_name", name)],
                    content,
                )
                .await
        }
    }
}

/// Pushes due outbox actions: sent, refused (kept with the reason) or deferred (backoff).
async fn push(
    store: &mut Store,
    client: &FeedClient,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let horizon = if opts.push_all_pending { i64::MAX } else { opts.now_ts };
    for a in store.due_actions(horizon, 1000)? {
        match with_retries(opts, report, || push_one(client, &a)).await {
            Ok(_) => {
                store.mark_sent(a.id, opts.now_ts)?;
                report.actions_sent += 1;
            }
            Err(FetchError::Refused { message, .. }) => {
                store.mark_refused(a.id, &message, opts.now_ts)?;
                report.actions_refused.push(RefusedAction {
                    action_id: a.action_id.clone(),
                    target: a.target.clone(),
                    reason: message,
                });
            }
            Err(FetchError::Unauthorized) => return Err(SyncError::Auth(FetchError::Unauthorized)),
            Err(e) => {
                store.mark_retry(a.id, &e.to_string(), opts.now_ts)?;
                report.actions_deferred += 1;
            }
        }
    }
    Ok(())
}

/// How a pull ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pulled {
    ToTheEnd,
    /// Stopped early (recorded in the report); the other feeds may still be tried.
    Stopped,
    /// The host cannot be reached: the other feeds would fail the same way.
    Offline,
}

/// Pulls one feed to its end. Returns false when it stopped early (recorded in the report).
async fn pull(
    store: &mut Store,
    client: &FeedClient,
    kind: Kind,
    opts: &SyncOptions,
    report: &mut SyncReport,
) -> Result<Pulled, SyncError> {
    loop {
        let cursor = store.cursor(kind)?;
        let body = match with_retries(opts, report, || client.page(kind, &cursor, opts.page_size)).await {
            Ok(b) => b,
            Err(FetchError::Unauthorized) => return Err(SyncError::Auth(FetchError::Unauthorized)),
            Err(e) => {
                report.incomplete.push(format!("{}: {e}", kind.path()));
                return Ok(if matches!(e, FetchError::Unreachable(_)) { Pulled::Offline } else { Pulled::Stopped });
            }
        };
        let applied = match store.apply_page(kind, &body, opts.now_ts) {
            Ok(a) => a,
            Err(StoreError::UnknownOrder(_)) if kind != Kind::Orders => {
                // The order arrived after the orders feed was read: read it again, then this page.
                let orders = Box::pin(pull(store, client, Kind::Orders, opts, report)).await?;
                if orders != Pulled::ToTheEnd {
                    return Ok(orders);
                }
                store.apply_page(kind, &body, opts.now_ts)?
            }
            Err(StoreError::BadFeedData { what, detail }) => {
                report.incomplete.push(format!("{}: {what}: {detail}", kind.path()));
                return Ok(Pulled::Stopped);
            }
            Err(e) => return Err(e.into()),
        };
        report.pages += 1;
        *report.items.entry(kind.path().to_string()).or_default() += applied.items;
        if !applied.has_more {
            return Ok(Pulled::ToTheEnd);
        }
    }
}

/// One full sync.
pub async fn sync(store: &mut Store, client: &FeedClient, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    push(store, client, opts, &mut report).await?;
    for kind in Kind::ALL {
        if pull(store, client, kind, opts, &mut report).await? == Pulled::Offline {
            report.offline = true;
            break;
        }
    }
    Ok(report)
}
