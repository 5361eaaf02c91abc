//! The outbox: actions the seller takes — online or not — kept until the marketplace has them and the feed has
//! echoed them back.
//!
//! Each action gets a unique `action_id` when it is queued; the marketplace treats a repeated `action_id` as the
//! same action, so pushing again after a crash or a lost reply is safe. An action moves through three states:
//!
//! - **queued** (`status = 'pending'`): not yet accepted by the marketplace;
//! - **sent, awaiting echo** (`status = 'sent'`, `echo_seq` above the stored row's `seq`): accepted — the reply
//!   carried the entity's new change sequence — but the pulled row has not reached it yet, so the screens still
//!   show the row as it was before the action;
//! - **done**: sent, and the pulled row has reached `echo_seq`.
//!
//! A target with a queued or an awaiting-echo action is *in flight* (the `outbox_in_flight` view): the screens
//! show it as waiting and the queue refuses a second action on it, so a click between the push and the pull can
//! never queue an action the marketplace would refuse as a repeat. An action the marketplace refuses stays here
//! with the reason until the seller dismisses it. A row this build cannot read (an unknown kind or status, a
//! payload that is not JSON, a delivery without its file) is reported by its ID and left untouched: it is never
//! sent.

use crate::{Problem, Rule};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rand::distributions::Alphanumeric;
use rand::Rng;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::Store;
use crate::error::StoreError;

/// What kind of action, and so which feed route receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
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
    // The record kinds are left out of the TypeScript union until `ui/src/api/bindings.ts` is regenerated with them
    // (UPDATE_BINDINGS=1 cargo test -p koodesk-app --test bindings): the console reads a kind as a string.
    /// On a gateway: a supervision step recorded by hand; target: the order ID; payload: the whole flow.
    #[ts(skip)]
    RecordStep,
    /// On a gateway: an unsubscription request recorded by hand; target: its ID; payload: the whole request.
    #[ts(skip)]
    RecordUnsubscription,
    /// On a gateway: an invoice request recorded by hand; target: its ID; payload: the whole request.
    #[ts(skip)]
    RecordInvoiceRequest,
}

impl ActionKind {
    pub const ALL: [ActionKind; 7] = [
        ActionKind::Supervision,
        ActionKind::Delivery,
        ActionKind::UnsubscriptionDecision,
        ActionKind::InvoiceIssued,
        ActionKind::RecordStep,
        ActionKind::RecordUnsubscription,
        ActionKind::RecordInvoiceRequest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Supervision => "supervision",
            ActionKind::Delivery => "delivery",
            ActionKind::UnsubscriptionDecision => "unsubscription-decision",
            ActionKind::InvoiceIssued => "invoice-issued",
            ActionKind::RecordStep => "record-step",
            ActionKind::RecordUnsubscription => "record-unsubscription",
            ActionKind::RecordInvoiceRequest => "record-invoice-request",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    Pending,
    Sent,
    Refused,
}

impl ActionStatus {
    fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Pending => "pending",
            ActionStatus::Sent => "sent",
            ActionStatus::Refused => "refused",
        }
    }

    fn parse(s: &str) -> Option<ActionStatus> {
        [ActionStatus::Pending, ActionStatus::Sent, ActionStatus::Refused].into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a target shows as waiting: its action is still queued, or KooGallery accepted it and the feed has not
/// echoed it yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum PendingSync {
    /// Waiting in the outbox to reach KooGallery.
    Queued,
    /// Sent; waiting for KooGallery's feed to show it.
    AwaitingEcho,
}

impl PendingSync {
    fn parse(s: &str) -> Option<PendingSync> {
        match s {
            "queued" => Some(PendingSync::Queued),
            "awaiting-echo" => Some(PendingSync::AwaitingEcho),
            _ => None,
        }
    }
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
    /// The entity's change sequence KooGallery answered with when it accepted the action.
    pub echo_seq: Option<i64>,
}

impl QueuedAction {
    /// A delivery's file, decoded. Only for [`ActionKind::Delivery`]; a row whose file cannot be read never
    /// reaches a caller (it is reported as damaged).
    pub fn delivery_file(&self) -> Option<(String, Vec<u8>)> {
        let name = self.payload.get("file_name")?.as_str()?.to_string();
        let content = BASE64.decode(self.payload.get("content_base64")?.as_str()?).ok()?;
        Some((name, content))
    }
}

/// An outbox row this build cannot read: reported, left untouched, never sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DamagedAction {
    pub id: i64,
    pub action_id: String,
    /// What is wrong with it, naming the column.
    pub problem: String,
}

impl std::fmt::Display for DamagedAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "outbox row {} (action {}): {}; left untouched, not sent", self.id, self.action_id, self.problem)
    }
}

/// Rows read from the outbox: those this build can send, and those it cannot read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OutboxRows {
    pub actions: Vec<QueuedAction>,
    pub damaged: Vec<DamagedAction>,
}

/// Seconds to wait after the `attempts`-th failure: 2, 4, 8 … capped at 5 minutes.
pub fn backoff_seconds(attempts: i64) -> i64 {
    2i64.saturating_pow(attempts.clamp(1, 20) as u32).min(300)
}

/// How long a sent action is kept after its echo (for the order's timeline) before it is pruned.
pub const SENT_RETENTION_SECS: i64 = 30 * 86_400;

const COLUMNS: &str =
    "id, action_id, kind, target, payload, created_ts, attempts, next_attempt_ts, status, last_error, echo_seq";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<QueuedAction, DamagedAction>> {
    let id: i64 = r.get(0)?;
    let action_id: String = r.get(1)?;
    let kind: String = r.get(2)?;
    let payload: String = r.get(4)?;
    let status: String = r.get(8)?;
    let damaged = |problem: String| Ok(Err(DamagedAction { id, action_id: action_id.clone(), problem }));
    let Some(kind) = ActionKind::parse(&kind) else {
        return damaged(format!("kind `{kind}` is not one this build knows"));
    };
    let Some(status) = ActionStatus::parse(&status) else {
        return damaged(format!("status `{status}` is not pending, sent or refused"));
    };
    let payload: serde_json::Value = match serde_json::from_str(&payload) {
        Ok(v @ serde_json::Value::Object(_)) => v,
        Ok(_) => return damaged("payload is not a JSON object".into()),
        Err(e) => return damaged(format!("payload is not valid JSON ({e})")),
    };
    let action = QueuedAction {
        id,
        action_id: action_id.clone(),
        kind,
        target: r.get(3)?,
        payload,
        created_ts: r.get(5)?,
        attempts: r.get(6)?,
        next_attempt_ts: r.get(7)?,
        status,
        last_error: r.get(9)?,
        echo_seq: r.get(10)?,
    };
    if kind == ActionKind::Delivery && action.delivery_file().is_none() {
        return damaged("payload has no readable file_name and base64 content_base64".into());
    }
    Ok(Ok(action))
}

fn collect(
    rows: impl Iterator<Item = rusqlite::Result<Result<QueuedAction, DamagedAction>>>,
) -> Result<OutboxRows, StoreError> {
    let mut out = OutboxRows::default();
    for row in rows {
        match row? {
            Ok(a) => out.actions.push(a),
            Err(d) => out.damaged.push(d),
        }
    }
    Ok(out)
}

/// The action in flight on a target, if any: queued, or sent and not yet echoed.
pub(crate) fn in_flight_on(
    conn: &rusqlite::Connection,
    target: &str,
) -> Result<Option<(String, PendingSync)>, StoreError> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT action_id, state FROM outbox_in_flight WHERE target = ?1 ORDER BY id LIMIT 1")?
        .query_row([target], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.and_then(|(a, s)| PendingSync::parse(&s).map(|s| (a, s))))
}

/// Queues an action on a connection (or inside a caller's transaction); returns its `action_id`. Refused when
/// the target already has an action in flight: the marketplace would refuse the second as a repeat.
pub(crate) fn enqueue_on(
    conn: &rusqlite::Connection,
    kind: ActionKind,
    target: &str,
    payload: serde_json::Value,
    now_ts: i64,
) -> Result<String, StoreError> {
    if target.trim().is_empty() {
        return Err(StoreError::Invalid(Problem::new("target", Rule::Required, "target: an ID is required")));
    }
    if !payload.is_object() {
        return Err(StoreError::Invalid(Problem::new("payload", Rule::Required, "payload: a JSON object is required")));
    }
    if let Some((action_id, state)) = in_flight_on(conn, target)? {
        return Err(StoreError::Invalid(Problem::new(
            "target",
            Rule::Busy,
            match state {
                PendingSync::Queued => {
                    format!("{target}: action {action_id} is still waiting to reach KooGallery; sync first")
                }
                PendingSync::AwaitingEcho => format!(
                    "{target}: action {action_id} was sent and KooGallery has not shown it yet; wait for the next sync"
                ),
            },
        )));
    }
    insert_action(conn, kind, target, &payload, now_ts)
}

/// The stored change sequence of the row an action of `kind` on `target` acts on (`None`: no such row, or a
/// record kind, which carries the whole state and is never refused for it).
fn stored_seq(conn: &rusqlite::Connection, kind: ActionKind, target: &str) -> Result<Option<i64>, StoreError> {
    let sql = match kind {
        ActionKind::Supervision | ActionKind::Delivery => "SELECT seq FROM supervision_flows WHERE order_id = ?1",
        ActionKind::UnsubscriptionDecision => "SELECT seq FROM unsubscriptions WHERE id = ?1",
        ActionKind::InvoiceIssued => "SELECT seq FROM invoice_requests WHERE id = ?1",
        ActionKind::RecordStep | ActionKind::RecordUnsubscription | ActionKind::RecordInvoiceRequest => {
            return Ok(None)
        }
    };
    Ok(conn.prepare_cached(sql)?.query_row([target], |r| r.get(0)).optional()?)
}

/// [`StoreError::Stale`] when the stored row has moved past the sequence the seller's screen showed. A row the
/// store does not have is left to KooGallery to judge.
pub(crate) fn check_screen_on(
    conn: &rusqlite::Connection,
    kind: ActionKind,
    target: &str,
    shown_seq: i64,
) -> Result<(), StoreError> {
    match stored_seq(conn, kind, target)? {
        Some(stored) if stored > shown_seq => {
            Err(StoreError::Stale { target: target.to_string(), shown: shown_seq, stored })
        }
        _ => Ok(()),
    }
}

/// Adds an action to the outbox under a new idempotent `action_id`, due at once; returns the ID.
fn insert_action(
    conn: &rusqlite::Connection,
    kind: ActionKind,
    target: &str,
    payload: &serde_json::Value,
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

/// Queues a record (a `record-*` action: the entity's whole state) on a connection. A record still queued for
/// the target is brought up to date instead (the gateway need only hear the latest state); one sent and awaiting
/// its echo does not hold a new one back, since each carries the whole state. Returns the `action_id`.
pub(crate) fn enqueue_record_on(
    conn: &rusqlite::Connection,
    kind: ActionKind,
    target: &str,
    payload: serde_json::Value,
    now_ts: i64,
) -> Result<String, StoreError> {
    let queued: Option<String> = conn
        .query_row(
            "SELECT action_id FROM outbox WHERE kind = ?1 AND target = ?2 AND status = 'pending' ORDER BY id LIMIT 1",
            params![kind.as_str(), target],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(action_id) = queued {
        conn.execute("UPDATE outbox SET payload = ?2 WHERE action_id = ?1", params![action_id, payload.to_string()])?;
        return Ok(action_id);
    }
    insert_action(conn, kind, target, &payload, now_ts)
}

impl Store {
    /// Queues an action on the store as it is now (a script, a test: no screen); returns its `action_id`.
    /// Refused when the target has an action in flight. An action the seller took on a screen goes through
    /// [`Store::enqueue_from_screen`].
    pub fn enqueue(
        &mut self,
        kind: ActionKind,
        target: &str,
        payload: serde_json::Value,
        now_ts: i64,
    ) -> Result<String, StoreError> {
        let tx = self.write()?;
        let id = enqueue_on(&tx, kind, target, payload, now_ts)?;
        tx.commit()?;
        Ok(id)
    }

    /// Queues an action the seller took on a screen that showed the target at change sequence `shown_seq` (the
    /// row's `seq`); returns its `action_id`. Refused when the target has an action in flight, and when the stored
    /// row has changed since that screen was read ([`StoreError::Stale`]): the seller's own earlier action echoed
    /// meanwhile, or another window's, or the buyer's — KooGallery would refuse the action and the refusal would
    /// stay.
    pub fn enqueue_from_screen(
        &mut self,
        kind: ActionKind,
        target: &str,
        payload: serde_json::Value,
        shown_seq: i64,
        now_ts: i64,
    ) -> Result<String, StoreError> {
        let tx = self.write()?;
        let id = enqueue_on(&tx, kind, target, payload, now_ts)?;
        check_screen_on(&tx, kind, target, shown_seq)?;
        tx.commit()?;
        Ok(id)
    }

    /// Whether a screen that showed `target` at change sequence `shown_seq` is still current for an action of
    /// `kind` on it: [`StoreError::Stale`] when the stored row has changed since. For a caller that queues inside
    /// its own write (issuing an invoice queues its request's action).
    pub fn check_screen(&self, kind: ActionKind, target: &str, shown_seq: i64) -> Result<(), StoreError> {
        check_screen_on(&self.conn, kind, target, shown_seq)
    }

    /// Pending actions whose next attempt is due, oldest first; rows this build cannot read come apart.
    pub fn due_actions(&self, now_ts: i64, limit: usize) -> Result<OutboxRows, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_ts <= ?1 ORDER BY id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now_ts, limit as i64], read_row)?;
        collect(rows)
    }

    /// Every readable action in a status, oldest first.
    pub fn actions(&self, status: ActionStatus) -> Result<Vec<QueuedAction>, StoreError> {
        let mut stmt =
            self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE status = ?1 ORDER BY id"))?;
        let rows = stmt.query_map([status.as_str()], read_row)?;
        Ok(collect(rows)?.actions)
    }

    /// One action by its `action_id`.
    pub fn action(&self, action_id: &str) -> Result<Option<Result<QueuedAction, DamagedAction>>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE action_id = ?1"))?
            .query_row([action_id], read_row)
            .optional()?)
    }

    /// Every outbox row this build cannot read, whatever its status.
    pub fn damaged_actions(&self) -> Result<Vec<DamagedAction>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))?;
        let rows = stmt.query_map([], read_row)?;
        Ok(collect(rows)?.damaged)
    }

    /// How many targets have an action in flight, by state.
    pub fn in_flight_counts(&self) -> Result<(i64, i64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(state = 'queued'), 0), coalesce(sum(state = 'awaiting-echo'), 0) FROM outbox_in_flight",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// The action in flight on a target, if any (the UI shows "waiting to sync" or "sent, waiting for
    /// KooGallery").
    pub fn in_flight_for(&self, target: &str) -> Result<Option<(String, PendingSync)>, StoreError> {
        in_flight_on(&self.conn, target)
    }

    /// Where one action stands, when it is in flight.
    pub fn in_flight_for_action(&self, action_id: &str) -> Result<Option<PendingSync>, StoreError> {
        let state: Option<String> = self
            .conn
            .prepare_cached("SELECT state FROM outbox_in_flight WHERE action_id = ?1")?
            .query_row([action_id], |r| r.get(0))
            .optional()?;
        Ok(state.as_deref().and_then(PendingSync::parse))
    }

    /// Every target with an action in flight, and why.
    pub fn in_flight_targets(&self) -> Result<std::collections::HashMap<String, PendingSync>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT target, state FROM outbox_in_flight ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (target, state) = row?;
            if let Some(s) = PendingSync::parse(&state) {
                // A queued action outranks an echo still awaited on the same target.
                out.entry(target)
                    .and_modify(|e| {
                        if s == PendingSync::Queued {
                            *e = s
                        }
                    })
                    .or_insert(s);
            }
        }
        Ok(out)
    }

    /// KooGallery accepted the action; `echo_seq` is the entity's change sequence it answered with. Until a pull
    /// stores the entity at that sequence, the target stays in flight.
    pub fn mark_sent(&mut self, id: i64, echo_seq: Option<u64>, now_ts: i64) -> Result<(), StoreError> {
        let echo = echo_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
        let tx = self.write()?;
        tx.execute(
            "UPDATE outbox SET status = 'sent', attempts = attempts + 1, done_ts = ?2, last_error = NULL, echo_seq = ?3
              WHERE id = ?1",
            params![id, now_ts, echo],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The marketplace refused it: kept, with the reason, for the seller.
    pub fn mark_refused(&mut self, id: i64, reason: &str, now_ts: i64) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE outbox SET status = 'refused', attempts = attempts + 1, done_ts = ?3, last_error = ?2 WHERE id = ?1",
            params![id, reason, now_ts],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// It could not be delivered (network, 5xx): try again after a backoff.
    pub fn mark_retry(&mut self, id: i64, error: &str, now_ts: i64) -> Result<(), StoreError> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,
                    next_attempt_ts = ?3 + min(300, 1 << min(20, max(1, attempts + 1)))
              WHERE id = ?1",
            params![id, error, now_ts],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The seller has read a refusal: the refused action leaves the outbox.
    pub fn dismiss_refused(&mut self, action_id: &str) -> Result<(), StoreError> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM outbox WHERE action_id = ?1 AND status = 'refused'", [action_id])?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("refused action {action_id}")));
        }
        tx.commit()?;
        Ok(())
    }

    /// Removes sent actions that the feed has echoed and that were sent more than `retention_secs` ago; queued,
    /// awaiting-echo and refused ones stay. Returns how many went.
    pub fn prune_outbox(&mut self, now_ts: i64, retention_secs: i64) -> Result<usize, StoreError> {
        let tx = self.write()?;
        let n = tx.execute(
            "DELETE FROM outbox WHERE status = 'sent' AND done_ts < ?1
                AND id NOT IN (SELECT id FROM outbox_in_flight)",
            [now_ts.saturating_sub(retention_secs)],
        )?;
        tx.commit()?;
        Ok(n)
    }
}
