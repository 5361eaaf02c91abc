//! The outbox: actions the seller takes — online or not — kept until the marketplace has them.
//!
//! Each action gets a unique `action_id` when it is queued; the marketplace treats a repeated `action_id` as the
//! same action, so pushing again after a crash or a lost reply is safe. An action the marketplace refuses stays
//! here with the reason, for the seller to see: it is never dropped.

use rand::distributions::Alphanumeric;
use rand::Rng;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::Store;
use crate::error::StoreError;

/// What kind of action, and so which feed route receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// A supervision action (confirm, reject, activate, appeal); target: the order ID.
    Supervision,
    /// Delivery proof upload; target: the order ID; payload: {file_name, content_base64}.
    Delivery,
    /// Approve or reject an unsubscription; target: its ID.
    UnsubscriptionDecision,
    /// Mark an invoice request issued; target: its ID.
    InvoiceIssued,
}

impl ActionKind {
    fn as_str(self) -> &'static str {
        match self {
            ActionKind::Supervision => "supervision",
            ActionKind::Delivery => "delivery",
            ActionKind::UnsubscriptionDecision => "unsubscription-decision",
            ActionKind::InvoiceIssued => "invoice-issued",
        }
    }

    fn parse(s: &str) -> Option<ActionKind> {
        [ActionKind::Supervision, ActionKind::Delivery, ActionKind::UnsubscriptionDecision, ActionKind::InvoiceIssued]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    Pending,
    Sent,
    Refused,
}

/// A queued action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueuedAction {
    pub id: i64,
    pub action_id: String,
    pub kind: ActionKind,
    pub target: String,
    pub payload: serde_json::Value,
    pub created_ts: i64,
    pub attempts: i64,
    pub next_attempt_ts: i64,
    pub status: ActionStatus,
    pub last_error: Option<String>,
}

/// Seconds to wait after the `attempts`-th failure: 2, 4, 8 … capped at 5 minutes.
pub fn backoff_seconds(attempts: i64) -> i64 {
    2i64.saturating_pow(attempts.clamp(1, 20) as u32).min(300)
}

fn row_to_action(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueuedAction> {
    let kind: String = r.get(2)?;
    let payload: String = r.get(4)?;
    let status: String = r.get(8)?;
    Ok(QueuedAction {
        id: r.get(0)?,
        action_id: r.get(1)?,
        kind: ActionKind::parse(&kind).unwrap_or(ActionKind::Supervision),
        target: r.get(3)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        created_ts: r.get(5)?,
        attempts: r.get(6)?,
        next_attempt_ts: r.get(7)?,
        status: match status.as_str() {
            "sent" => ActionStatus::Sent,
            "refused" => ActionStatus::Refused,
            _ => ActionStatus::Pending,
        },
        last_error: r.get(9)?,
    })
}

/// Queues an action on a connection (or inside a caller's transaction); returns its `action_id`.
pub(crate) fn enqueue_on(
    conn: &rusqlite::Connection,
    kind: ActionKind,
    target: &str,
    payload: serde_json::Value,
    now_ts: i64,
) -> Result<String, StoreError> {
    let action_id: String = format!(
        "kd-{}",
        rand::thread_rng().sample_iter(&Alphanumeric).take(24).map(char::from).collect::<String>().to_lowercase()
    );
    conn.execute(
        "INSERT INTO outbox (action_id, kind, target, payload, created_ts, next_attempt_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![action_id, kind.as_str(), target, payload.to_string(), now_ts],
    )?;
    Ok(action_id)
}

const COLUMNS: &str = "id, action_id, kind, target, payload, created_ts, attempts, next_attempt_ts, status, last_error";

impl Store {
    /// Queues an action; returns its `action_id`.
    pub fn enqueue(
        &mut self,
        kind: ActionKind,
        target: &str,
        payload: serde_json::Value,
        now_ts: i64,
    ) -> Result<String, StoreError> {
        enqueue_on(&self.conn, kind, target, payload, now_ts)
    }

    /// Pending actions whose next attempt is due, oldest first.
    pub fn due_actions(&self, now_ts: i64, limit: usize) -> Result<Vec<QueuedAction>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_ts <= ?1 ORDER BY id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now_ts, limit as i64], row_to_action)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every action in a status, oldest first.
    pub fn actions(&self, status: ActionStatus) -> Result<Vec<QueuedAction>, StoreError> {
        let s = match status {
            ActionStatus::Pending => "pending",
            ActionStatus::Sent => "sent",
            ActionStatus::Refused => "refused",
        };
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE status = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([s], row_to_action)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The pending action for a target, if any (the UI shows "waiting to sync").
    pub fn pending_for(&self, target: &str) -> Result<Option<QueuedAction>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND target = ?1 ORDER BY id LIMIT 1"),
                [target],
                row_to_action,
            )
            .optional()?)
    }

    pub fn mark_sent(&mut self, id: i64, now_ts: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, done_ts = ?2, last_error = NULL WHERE id = ?1",
            params![id, now_ts],
        )?;
        Ok(())
    }

    /// The marketplace refused it: kept, with the reason, for the seller.
    pub fn mark_refused(&mut self, id: i64, reason: &str, now_ts: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET status = 'refused', attempts = attempts + 1, done_ts = ?3, last_error = ?2 WHERE id = ?1",
            params![id, reason, now_ts],
        )?;
        Ok(())
    }

    /// It could not be delivered (network, 5xx): try again after a backoff.
    pub fn mark_retry(&mut self, id: i64, error: &str, now_ts: i64) -> Result<(), StoreError> {
        let attempts: i64 = self.conn.query_row("SELECT attempts FROM outbox WHERE id = ?1", [id], |r| r.get(0))?;
        let next = now_ts + backoff_seconds(attempts + 1);
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_ts = ?3, last_error = ?2 WHERE id = ?1",
            params![id, error, next],
        )?;
        Ok(())
    }
}
