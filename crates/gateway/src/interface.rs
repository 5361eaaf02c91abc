//! The production interface (生产接口): every call KooGallery makes for a SaaS order, verified, answered and
//! journaled [KG §7].
//!
//! A call meets, in order: the signature check ([`crate::verify`]), the nonce claimed in the shared database, the
//! body's own rules (000002 naming the field), then the activity. What the activity first needs from the
//! database (newInstance's upsert, the instances a call names) is done in the same batch and statement as the
//! nonce, and only if the nonce is fresh; the journal entry is the call's second and last batch. A refused call is answered 000001 and journaled,
//! and never reaches provisioning. Every answer is journaled before it is sent; if the journal cannot be written,
//! a success is not claimed (000005), so a reply of 000000 always has its journal entry.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use koodesk_protocol::field_crypto::{self, EncryptType};
use koodesk_protocol::production::{AppInfo, InstanceInfo, InstanceStatus, ProductionRequest, Reply};
use koodesk_protocol::replay::MAX_SKEW_MS;
use koodesk_protocol::result_code::ResultCode;
use koodesk_protocol::secret::Secret;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use tokio::sync::Notify;

use crate::config::Provisioning;
use crate::db::{
    Claimed, Db, DbError, Got, InstanceChange, InstanceRow, InstanceState, JournalEntry, NewInstance, OrderTouch,
    StoredApp, Then,
};
use crate::log;
use crate::metrics::Metrics;
use crate::upstream::{self, Signed};
use crate::verify::{self, Params, Refusal};

/// How long a provision hook may take in the background once KooGallery has been told 000004.
const HOOK_BACKGROUND_LIMIT: Duration = Duration::from_secs(60);
/// A provisioning instance untouched this long was abandoned (its replica stopped mid-hook) and may be taken over.
const PROVISIONING_LEASE_MS: i64 = 90_000;
/// The whole answer, database included, stays under KooGallery's 5 s [KG §7].
const ANSWER_BUDGET: Duration = Duration::from_millis(4_700);
/// The part of it kept for writing the journal.
const JOURNAL_BUDGET: Duration = Duration::from_millis(700);
/// The longest reply kept in the journal.
const JOURNAL_REPLY_MAX: usize = 8 * 1024;

/// What the gateway answers KooGallery with.
pub struct Answer {
    pub body: Vec<u8>,
    pub result_code: String,
}

/// What a call came to, before it is journaled.
struct Outcome {
    body: Vec<u8>,
    code: String,
    refused: Option<&'static str>,
    order_id: Option<String>,
    order_line_id: Option<String>,
    instance_id: Option<String>,
    test: bool,
    touch: Option<OrderTouch>,
}

impl Outcome {
    fn reply(reply: &Reply) -> Outcome {
        Outcome {
            body: serde_json::to_vec(reply).unwrap_or_else(|_| b"{\"resultCode\":\"000005\"}".to_vec()),
            code: reply.result_code.code().to_string(),
            refused: None,
            order_id: None,
            order_line_id: None,
            instance_id: None,
            test: false,
            touch: None,
        }
    }

    fn code(code: ResultCode, msg: impl Into<String>) -> Outcome {
        let mut r = Reply::of(code);
        r.result_msg = Some(truncate(msg.into(), 255));
        Outcome::reply(&r)
    }

    fn refused(r: &Refusal) -> Outcome {
        let mut o = Outcome::code(ResultCode::AuthFailed, r.to_string());
        o.refused = Some(r.reason());
        o
    }

    fn internal(e: &DbError) -> Outcome {
        log::error("database", &[("error", &e.to_string())]);
        Outcome::code(ResultCode::InternalError, "the gateway's database did not answer; try again")
    }

    /// Names the order and instance the call was about, and whether it touches a real order.
    fn about(mut self, req: &ProductionRequest, inst: Option<&InstanceRow>) -> Outcome {
        let (order_id, order_line_id) = request_order(req);
        self.order_id = order_id.or_else(|| inst.map(|i| i.order_id.clone()));
        self.order_line_id = order_line_id.or_else(|| inst.map(|i| i.order_line_id.clone()));
        self.instance_id =
            self.instance_id.take().or_else(|| request_instance(req)).or_else(|| inst.map(|i| i.instance_id.clone()));
        self.test = req.is_test() || inst.is_some_and(|i| i.test);
        let ok = self.code == ResultCode::Success.code();
        // The order is provisioned once its instance is (new purchase), renewed (refresh) or upgraded [KG §5].
        let provisioned = ok
            && matches!(
                req,
                ProductionRequest::NewInstance(_)
                    | ProductionRequest::QueryInstance(_)
                    | ProductionRequest::RefreshInstance(_)
                    | ProductionRequest::UpgradeInstance(_)
            );
        let single_query = !matches!(req, ProductionRequest::QueryInstance(q) if q.ids().count() != 1);
        if !self.test && single_query {
            if let Some(order_id) = self.order_id.clone() {
                self.touch = Some(OrderTouch {
                    order_id,
                    order_line_id: self.order_line_id.clone().unwrap_or_default(),
                    instance_id: self.instance_id.clone(),
                    provisioned,
                });
            }
        }
        self
    }
}

fn truncate(mut s: String, max: usize) -> String {
    if s.chars().count() > max {
        s = s.chars().take(max.saturating_sub(1)).collect::<String>() + "…";
    }
    s
}

fn request_order(req: &ProductionRequest) -> (Option<String>, Option<String>) {
    match req {
        ProductionRequest::NewInstance(r) => (Some(r.order_id.clone()), Some(r.order_line_id.clone())),
        ProductionRequest::RefreshInstance(r) => (Some(r.order_id.clone()), Some(r.order_line_id.clone())),
        ProductionRequest::UpgradeInstance(r) => (Some(r.order_id.clone()), Some(r.order_line_id.clone())),
        ProductionRequest::ReleaseInstance(r) => (r.order_id.clone(), r.order_line_id.clone()),
        ProductionRequest::OrderNotify(r) => (Some(r.order_id.clone()), r.order_line_id.clone()),
        _ => (None, None),
    }
}

fn request_instance(req: &ProductionRequest) -> Option<String> {
    match req {
        ProductionRequest::NewInstance(_) | ProductionRequest::OrderNotify(_) => None,
        ProductionRequest::QueryInstance(q) => {
            let ids: Vec<&str> = q.ids().collect();
            (ids.len() == 1).then(|| ids[0].to_string())
        }
        ProductionRequest::RefreshInstance(r) => Some(r.instance_id.clone()),
        ProductionRequest::UpdateInstanceStatus(r) => Some(r.instance_id.clone()),
        ProductionRequest::ReleaseInstance(r) => Some(r.instance_id.clone()),
        ProductionRequest::UpgradeInstance(r) => Some(r.instance_id.clone()),
        ProductionRequest::ChangeInstanceCheck(r) => Some(r.instance_id.clone()),
    }
}

/// The `activity` of a body, read without trusting it (for the journal of refused calls).
fn peek_activity(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Peek {
        activity: Option<String>,
    }
    serde_json::from_slice::<Peek>(body).ok()?.activity.map(|a| clean(truncate(a, 64)))
}

/// Text as the journal keeps it: control characters (which PostgreSQL's TEXT refuses, in the case of NUL) shown
/// as U+FFFD. What a caller sends can never make a journal write fail.
fn clean(s: String) -> String {
    if s.chars().any(char::is_control) {
        s.chars().map(|c| if c.is_control() { '\u{fffd}' } else { c }).collect()
    } else {
        s
    }
}

/// The reply as journaled: `userName` and `password` masked wherever they appear.
fn journal_reply(body: &[u8]) -> String {
    fn mask(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m.iter_mut() {
                    if k == "userName" || k == "password" {
                        *v = serde_json::Value::String("***".into());
                    } else {
                        mask(v);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(mask),
            _ => {}
        }
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(mut v) => {
            mask(&mut v);
            truncate(v.to_string(), JOURNAL_REPLY_MAX)
        }
        Err(_) => truncate(String::from_utf8_lossy(body).into_owned(), JOURNAL_REPLY_MAX),
    }
}

const URL_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Fills `{instanceId}`, `{orderId}` and `{orderLineId}`, percent-encoded.
pub fn fill_template(template: &str, instance_id: &str, order_id: &str, order_line_id: &str) -> String {
    let enc = |s: &str| utf8_percent_encode(s, URL_VALUE).to_string();
    template
        .replace("{instanceId}", &enc(instance_id))
        .replace("{orderId}", &enc(order_id))
        .replace("{orderLineId}", &enc(order_line_id))
}

/// A fresh instance ID: `kd` and 30 hex digits (KooGallery allows 64 characters).
pub fn new_instance_id() -> String {
    let bytes: [u8; 15] = rand::random();
    format!("kd{}", hex::encode(bytes))
}

/// The production interface of one replica.
pub struct Interface {
    pub db: Db,
    key: Secret,
    provisioning: Provisioning,
    http: reqwest::Client,
    replica: String,
    pub metrics: Arc<Metrics>,
    /// Woken when a call names an order, so enrichment starts at once.
    pub new_orders: Arc<Notify>,
}

impl Interface {
    pub fn new(
        db: Db,
        key: Secret,
        provisioning: Provisioning,
        replica: String,
        metrics: Arc<Metrics>,
    ) -> Result<Interface, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        Ok(Interface { db, key, provisioning, http, replica, metrics, new_orders: Arc::new(Notify::new()) })
    }

    /// The interface key, for the Body-Sign of replies.
    pub fn key(&self) -> &Secret {
        &self.key
    }

    /// Answers one call: `query` is the raw URL query, `source` the caller's address.
    pub async fn call(self: &Arc<Self>, query: &str, body: &[u8], source: String) -> Answer {
        let started = Instant::now();
        let now_ms = Utc::now().timestamp_millis();
        let params = Params::from_query(query);
        let work = async {
            match verify::check(&self.key, &params, body, now_ms) {
                Err(r) => Outcome::refused(&r),
                Ok(v) => {
                    // The body is read first (no I/O), so that what the call needs from the database goes in the
                    // same batch as its nonce — done only if the nonce is fresh. A replayed call is still
                    // refused (000001) before its body's own faults (000002) are told.
                    let parsed = ProductionRequest::parse(body);
                    let then = parsed.as_ref().map(|req| self.first_step(req, now_ms)).unwrap_or(Then::Nothing);
                    match self.db.claim(&v.nonce, v.timestamp_ms + MAX_SKEW_MS, then).await {
                        Err(e) => Outcome::internal(&e),
                        Ok(Claimed::Replayed) => Outcome::refused(&Refusal::Replayed(v.nonce.clone())),
                        Ok(Claimed::Fresh(got)) => match parsed {
                            Err(e) => Outcome::code(e.result_code(), e.to_string()),
                            Ok(req) => match self.serve(&req, body, now_ms, got).await {
                                Ok(o) => o,
                                Err(e) => Outcome::internal(&e),
                            },
                        },
                    }
                }
            }
        };
        // What has not finished by then is answered 000005 (KooGallery retries; every step is idempotent), leaving
        // the journal its share of the 5 s.
        let mut outcome = tokio::time::timeout(ANSWER_BUDGET - JOURNAL_BUDGET, work).await.unwrap_or_else(|_| {
            log::warn("slow-call", &[("activity", peek_activity(body).as_deref().unwrap_or("-"))]);
            Outcome::code(ResultCode::InternalError, "the gateway could not answer in time; try again")
        });
        let activity = peek_activity(body);
        let touches_order = outcome.touch.is_some();
        let mut entry = JournalEntry {
            received_ms: now_ms,
            activity: activity.clone(),
            order_id: outcome.order_id.take().map(clean),
            order_line_id: outcome.order_line_id.take().map(clean),
            instance_id: outcome.instance_id.take().map(clean),
            test: outcome.test,
            nonce: params.nonce.clone().map(|n| clean(truncate(n, 128))),
            timestamp: params.timestamp.clone().map(|t| clean(truncate(t, 32))),
            source: clean(source),
            replica: self.replica.clone(),
            refused: outcome.refused,
            result_code: outcome.code.clone(),
            reply: clean(journal_reply(&outcome.body)),
            latency_us: 0,
            touch: outcome.touch.take(),
        };
        entry.latency_us = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
        let recorded = match tokio::time::timeout(JOURNAL_BUDGET, self.db.record(&entry)).await {
            Ok(r) => r,
            Err(_) => Err(DbError { engine: self.db.engine(), doing: "journaling a call", detail: "timed out".into() }),
        };
        if let Err(e) = recorded {
            log::error("journal", &[("error", &e.to_string()), ("activity", activity.as_deref().unwrap_or("-"))]);
            if outcome.code == ResultCode::Success.code() || outcome.code == ResultCode::Processing.code() {
                outcome = Outcome::code(ResultCode::InternalError, "the call could not be journaled; try again");
            }
        } else if touches_order {
            self.new_orders.notify_one();
        }
        self.metrics.request(
            activity.as_deref().unwrap_or("unknown"),
            &outcome.code,
            outcome.refused,
            started.elapsed(),
        );
        Answer { body: outcome.body, result_code: outcome.code }
    }

    /// What a call needs from the database with its nonce: newInstance's candidate instance, the instances a
    /// queryInstance names, the instance any other activity acts on. In upstream mode, nothing: upstream answers
    /// first.
    fn first_step(&self, req: &ProductionRequest, now_ms: i64) -> Then {
        if let Provisioning::Upstream(_) = &self.provisioning {
            return Then::Nothing;
        }
        match req {
            ProductionRequest::NewInstance(n) => {
                let instance_id = new_instance_id();
                let (state, app) = match &self.provisioning {
                    Provisioning::FrontEndUrl(t) => {
                        let url = fill_template(t, &instance_id, &n.order_id, &n.order_line_id);
                        (InstanceState::Active, Some(StoredApp { front_end_url: url, ..StoredApp::default() }))
                    }
                    _ => (InstanceState::Provisioning, None),
                };
                Then::Upsert(NewInstance {
                    instance_id,
                    order_id: n.order_id.clone(),
                    order_line_id: n.order_line_id.clone(),
                    test: req.is_test(),
                    state,
                    app,
                    now_ms,
                })
            }
            ProductionRequest::QueryInstance(q) => Then::Read(q.ids().map(str::to_string).collect()),
            _ => request_instance(req).map_or(Then::Nothing, |id| Then::Read(vec![id])),
        }
    }

    /// Answers a call whose nonce was fresh; `got` is what [`Interface::first_step`] asked for.
    async fn serve(
        self: &Arc<Self>,
        req: &ProductionRequest,
        raw: &[u8],
        now_ms: i64,
        got: Got,
    ) -> Result<Outcome, DbError> {
        if let Provisioning::Upstream(url) = &self.provisioning {
            return self.forward(url, req, raw, now_ms).await;
        }
        let mismatch = || DbError {
            engine: self.db.engine(),
            doing: "reading a call's first batch",
            detail: "the batch answered something else than was asked".into(),
        };
        let (read, upserted) = match got {
            Got::Nothing => (Vec::new(), None),
            Got::Instances(rows) => (rows, None),
            Got::Upserted { row, created } => (Vec::new(), Some((*row, created))),
        };
        let known = match request_instance(req) {
            Some(id) => read.iter().find(|r| r.instance_id == id).cloned(),
            None => None,
        };
        let outcome = match req {
            ProductionRequest::NewInstance(_) => {
                let (row, created) = upserted.ok_or_else(mismatch)?;
                let mut o = self.new_instance(req, row.clone(), created).await?;
                o.instance_id = Some(row.instance_id.clone());
                return Ok(o.about(req, Some(&row)));
            }
            ProductionRequest::QueryInstance(q) => {
                let ids: Vec<String> = q.ids().map(str::to_string).collect();
                let rows = read;
                let mut info = Vec::with_capacity(ids.len());
                let mut code = ResultCode::Success;
                let mut msg = None;
                for id in &ids {
                    match rows.iter().find(|r| &r.instance_id == id) {
                        None => {
                            code = ResultCode::InstanceNotFound;
                            msg = Some(format!("instance `{id}` does not exist"));
                            break;
                        }
                        Some(r) if r.state == InstanceState::Released => {
                            code = ResultCode::InstanceNotFound;
                            msg = Some(format!("instance `{id}` was released"));
                            break;
                        }
                        Some(r) if r.state == InstanceState::Failed => {
                            code = ResultCode::InternalError;
                            msg = Some(format!(
                                "provisioning instance `{id}` failed; KooGallery may call newInstance again"
                            ));
                        }
                        Some(r) if r.state == InstanceState::Provisioning && code == ResultCode::Success => {
                            code = ResultCode::Processing;
                        }
                        Some(r) => {
                            info.push(InstanceInfo { instance_id: r.instance_id.clone(), app_info: self.app_info(r) })
                        }
                    }
                }
                let mut reply = Reply::of(code);
                if let Some(m) = msg {
                    reply.result_msg = Some(m);
                }
                if code == ResultCode::Success {
                    reply.encrypt_type = encrypt_type(rows.iter().filter_map(|r| r.app.as_ref()));
                    reply.info = Some(info);
                }
                let single = (rows.len() == 1).then(|| rows[0].clone());
                return Ok(Outcome::reply(&reply).about(req, single.as_ref()));
            }
            ProductionRequest::RefreshInstance(r) => match live(&known) {
                None => not_found(&r.instance_id),
                Some(_) => {
                    if let Err(o) = self.notify_hook(req).await {
                        return Ok(o.about(req, known.as_ref()));
                    }
                    self.db
                        .update_instance(&r.instance_id, &InstanceChange::Expire(r.expire_time.clone()), now_ms)
                        .await?;
                    Outcome::code(ResultCode::Success, "success")
                }
            },
            ProductionRequest::UpdateInstanceStatus(r) => match live(&known) {
                None => not_found(&r.instance_id),
                Some(_) => {
                    if let Err(o) = self.notify_hook(req).await {
                        return Ok(o.about(req, known.as_ref()));
                    }
                    let state = match r.status {
                        InstanceStatus::Freeze => InstanceState::Frozen,
                        InstanceStatus::Unfreeze => InstanceState::Active,
                    };
                    let change = InstanceChange::to(state, &[InstanceState::Active, InstanceState::Frozen]);
                    self.db.update_instance(&r.instance_id, &change, now_ms).await?;
                    Outcome::code(ResultCode::Success, "success")
                }
            },
            ProductionRequest::ReleaseInstance(r) => match &known {
                None => not_found(&r.instance_id),
                // Releasing twice succeeds [KG §7].
                Some(i) if i.state == InstanceState::Released => Outcome::code(ResultCode::Success, "already released"),
                Some(_) => {
                    if let Err(o) = self.notify_hook(req).await {
                        return Ok(o.about(req, known.as_ref()));
                    }
                    self.db
                        .update_instance(
                            &r.instance_id,
                            &InstanceChange::to(InstanceState::Released, crate::db::ANY_STATE),
                            now_ms,
                        )
                        .await?;
                    Outcome::code(ResultCode::Success, "success")
                }
            },
            ProductionRequest::UpgradeInstance(r) => match live(&known) {
                None => not_found(&r.instance_id),
                Some(_) => {
                    if let Err(o) = self.notify_hook(req).await {
                        return Ok(o.about(req, known.as_ref()));
                    }
                    Outcome::code(ResultCode::Success, "success")
                }
            },
            ProductionRequest::ChangeInstanceCheck(r) => match live(&known) {
                None => not_found(&r.instance_id),
                Some(_) => {
                    if let Err(o) = self.notify_hook(req).await {
                        return Ok(o.about(req, known.as_ref()));
                    }
                    Outcome::code(ResultCode::Success, "success")
                }
            },
            ProductionRequest::OrderNotify(_) => {
                if let Err(o) = self.notify_hook(req).await {
                    return Ok(o.about(req, known.as_ref()));
                }
                Outcome::code(ResultCode::Success, "success")
            }
        };
        Ok(outcome.about(req, known.as_ref()))
    }

    /// The app information as it goes on the wire (userName and password are stored encrypted).
    fn app_info(&self, r: &InstanceRow) -> Option<AppInfo> {
        r.app.as_ref().map(|a| AppInfo {
            front_end_url: a.front_end_url.clone(),
            admin_url: a.admin_url.clone(),
            user_name: a.user_name.clone(),
            password: a.password.clone(),
            memo: a.memo.clone(),
        })
    }

    async fn new_instance(
        self: &Arc<Self>,
        req: &ProductionRequest,
        row: InstanceRow,
        created: bool,
    ) -> Result<Outcome, DbError> {
        let ready = |row: &InstanceRow| {
            let mut reply = Reply::of(ResultCode::Success);
            reply.instance_id = Some(row.instance_id.clone());
            reply.app_info = self.app_info(row);
            reply.encrypt_type = encrypt_type(row.app.iter());
            Outcome::reply(&reply)
        };
        let processing = |row: &InstanceRow| {
            let mut reply = Reply::of(ResultCode::Processing);
            reply.instance_id = Some(row.instance_id.clone());
            Outcome::reply(&reply)
        };
        // KooGallery's saved debug cases are replayed twice a day (拨测), each run ending in releaseInstance: a debug
        // order line released earlier is brought back for the next run [KG §7].
        let row = if row.test && row.state == InstanceState::Released {
            let now = Utc::now().timestamp_millis();
            let back = InstanceChange::to(InstanceState::Active, &[InstanceState::Released]);
            self.db.update_instance(&row.instance_id, &back, now).await?.unwrap_or(row)
        } else {
            row
        };
        let Provisioning::Hook { url, timeout } = &self.provisioning else {
            return Ok(ready(&row));
        };
        let now = Utc::now().timestamp_millis();
        let mine = match row.state {
            InstanceState::Active | InstanceState::Frozen | InstanceState::Released => return Ok(ready(&row)),
            InstanceState::Provisioning if created => true,
            // A failed instance, or one whose provisioning was abandoned (its replica stopped mid-hook): one caller
            // takes it over, by a conditional update; the others answer 000004.
            InstanceState::Provisioning | InstanceState::Failed => {
                let take = InstanceChange::Move {
                    to: InstanceState::Provisioning,
                    from: &[InstanceState::Failed, InstanceState::Provisioning],
                    stale_before_ms: now - PROVISIONING_LEASE_MS,
                };
                self.db.update_instance(&row.instance_id, &take, now).await?.is_some()
            }
        };
        if !mine {
            return Ok(processing(&row));
        }
        let me = self.clone();
        let (url, req, id) = (url.clone(), req.clone(), row.instance_id.clone());
        let task = tokio::spawn(async move { me.provision_by_hook(&url, &req, &id).await });
        match tokio::time::timeout(*timeout, task).await {
            Err(_) => Ok(processing(&row)),
            Ok(Err(_)) | Ok(Ok(Err(_))) => {
                Ok(Outcome::code(ResultCode::InternalError, "provisioning failed; KooGallery may try again"))
            }
            Ok(Ok(Ok(row))) => Ok(ready(&row)),
        }
    }

    /// Calls the provision hook and stores what it said; runs on its own task, so it finishes after a 000004.
    async fn provision_by_hook(
        &self,
        url: &str,
        req: &ProductionRequest,
        instance_id: &str,
    ) -> Result<InstanceRow, String> {
        let result = self.hook(url, req, Some(instance_id), HOOK_BACKGROUND_LIMIT).await;
        let now = Utc::now().timestamp_millis();
        let stored = match result {
            Ok(Some(app)) => self.db.update_instance(instance_id, &InstanceChange::Ready(app), now).await,
            Ok(None) => {
                let _ = self.db.update_instance(instance_id, &failed(), now).await;
                return Err("the provision hook's reply has no frontEndUrl".into());
            }
            Err(e) => {
                let _ = self.db.update_instance(instance_id, &failed(), now).await;
                log::warn("provision-hook", &[("instance", instance_id), ("error", &e)]);
                return Err(e);
            }
        };
        match stored {
            Ok(Some(row)) => Ok(row),
            Ok(None) => Err(format!("instance `{instance_id}` disappeared while provisioning")),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Tells the provision hook about a call other than newInstance; a hook that fails fails the call (000005),
    /// so KooGallery retries it. Without a hook, nothing to do.
    async fn notify_hook(&self, req: &ProductionRequest) -> Result<(), Outcome> {
        let Provisioning::Hook { url, timeout } = &self.provisioning else { return Ok(()) };
        match self.hook(url, req, None, *timeout).await {
            Ok(_) => Ok(()),
            Err(e) => {
                log::warn("provision-hook", &[("activity", req.activity()), ("error", &e)]);
                Err(Outcome::code(ResultCode::InternalError, "the provision hook did not accept the call"))
            }
        }
    }

    /// One signed webhook call: the request with the gateway's instanceId; the reply's app information, with
    /// userName and password encrypted with the interface key (AES-256) as queryInstance sends them.
    async fn hook(
        &self,
        url: &str,
        req: &ProductionRequest,
        instance_id: Option<&str>,
        timeout: Duration,
    ) -> Result<Option<StoredApp>, String> {
        let mut event = serde_json::to_value(req).map_err(|e| e.to_string())?;
        if let (Some(id), Some(m)) = (instance_id, event.as_object_mut()) {
            m.insert("instanceId".into(), serde_json::Value::String(id.to_string()));
        }
        let body = serde_json::to_vec(&event).map_err(|e| e.to_string())?;
        let reply = upstream::post_signed(&self.http, url, &self.key, body, timeout).await?;
        if !(200..300).contains(&reply.status) {
            return Err(format!("the provision hook answered HTTP {}", reply.status));
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct HookApp {
            front_end_url: Option<String>,
            admin_url: Option<String>,
            user_name: Option<String>,
            password: Option<String>,
            memo: Option<String>,
        }
        if !matches!(req, ProductionRequest::NewInstance(_)) {
            return Ok(None);
        }
        let app: HookApp = serde_json::from_slice(&reply.body)
            // Not serde's message: it may quote a value, and the values are credentials.
            .map_err(|e| {
                format!(
                    "the provision hook's reply is not the expected JSON (line {}, column {})",
                    e.line(),
                    e.column()
                )
            })?;
        let key = self.key.expose();
        let Some(front_end_url) = app.front_end_url.filter(|u| !u.is_empty()) else { return Ok(None) };
        let stored = StoredApp {
            front_end_url,
            admin_url: app.admin_url,
            user_name: app.user_name.map(|u| field_crypto::encrypt(key, EncryptType::Aes256, &u)),
            password: app.password.map(|p| field_crypto::encrypt(key, EncryptType::Aes256, &p)),
            memo: app.memo,
        };
        AppInfo {
            front_end_url: stored.front_end_url.clone(),
            admin_url: stored.admin_url.clone(),
            user_name: stored.user_name.clone(),
            password: stored.password.clone(),
            memo: stored.memo.clone(),
        }
        .validate()
        .map_err(|e| format!("the provision hook's reply breaks KooGallery's limits: {e}"))?;
        Ok(Some(stored))
    }

    /// Upstream mode: the verified call, re-signed with the same key, to the seller's existing interface; its reply
    /// passed back as it is (re-signed by the server layer with the same key, so it is byte-for-byte the same).
    async fn forward(&self, url: &str, req: &ProductionRequest, raw: &[u8], now_ms: i64) -> Result<Outcome, DbError> {
        let reply = match upstream::post_signed(
            &self.http,
            url,
            &self.key,
            raw.to_vec(),
            crate::config::UPSTREAM_TIMEOUT,
        )
        .await
        {
            Ok(r) => r,
            Err(e) => {
                log::warn("upstream", &[("activity", req.activity()), ("error", &e)]);
                return Ok(
                    Outcome::code(ResultCode::InternalError, "the upstream interface did not answer").about(req, None)
                );
            }
        };
        let Signed { status, body, body_sign } = reply;
        if status != 200 {
            return Ok(Outcome::code(
                ResultCode::InternalError,
                format!("the upstream interface answered HTTP {status}"),
            )
            .about(req, None));
        }
        if let Some(h) = &body_sign {
            if koodesk_protocol::signature::body_sign_verify(self.key.expose(), &body, h).is_err() {
                return Ok(Outcome::code(
                    ResultCode::InternalError,
                    "the upstream interface's Body-Sign does not verify",
                )
                .about(req, None));
            }
        }
        let parsed: Reply = match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => {
                return Ok(Outcome::code(
                    ResultCode::InternalError,
                    format!(
                        "the upstream interface's reply is not a production-interface reply ({})",
                        format!("{:?}", e.classify()).to_lowercase()
                    ),
                )
                .about(req, None))
            }
        };
        let code = parsed.result_code;
        let mut body = body;
        let mut known = None;
        match req {
            ProductionRequest::NewInstance(n) if matches!(code, ResultCode::Success | ResultCode::Processing) => {
                if let Some(id) = parsed.instance_id.clone() {
                    let state =
                        if code == ResultCode::Success { InstanceState::Active } else { InstanceState::Provisioning };
                    let (row, _) = self
                        .db
                        .upsert_instance(&NewInstance {
                            instance_id: id.clone(),
                            order_id: n.order_id.clone(),
                            order_line_id: n.order_line_id.clone(),
                            test: req.is_test(),
                            state,
                            app: None,
                            now_ms,
                        })
                        .await?;
                    if row.instance_id != id {
                        log::warn(
                            "upstream",
                            &[
                                ("order", &n.order_id),
                                ("problem", "a second instanceId for the same order line"),
                                ("kept", &row.instance_id),
                                ("upstream", &id),
                            ],
                        );
                        // One order line, one instance: KooGallery is told the one it was told before.
                        let mut fixed = parsed.clone();
                        fixed.instance_id = Some(row.instance_id.clone());
                        body = serde_json::to_vec(&fixed).unwrap_or(body);
                    }
                    known = Some(row);
                }
            }
            ProductionRequest::ReleaseInstance(r) if code == ResultCode::Success => {
                known = self
                    .db
                    .update_instance(
                        &r.instance_id,
                        &InstanceChange::to(InstanceState::Released, crate::db::ANY_STATE),
                        now_ms,
                    )
                    .await?;
            }
            _ => {
                if let Some(id) = request_instance(req) {
                    known = self.db.instances(&[id]).await?.pop();
                }
            }
        }
        let o = Outcome { body, code: code.code().to_string(), ..Outcome::code(code, "") };
        let mut o = o.about(req, known.as_ref());
        if let (ProductionRequest::NewInstance(_), Some(row)) = (req, &known) {
            o.instance_id = Some(row.instance_id.clone());
        }
        Ok(o)
    }
}

/// An instance that is provisioned and not released: what refresh, freeze, upgrade and change checks act on.
fn live(known: &Option<InstanceRow>) -> Option<&InstanceRow> {
    known.as_ref().filter(|i| matches!(i.state, InstanceState::Active | InstanceState::Frozen))
}

fn failed() -> InstanceChange {
    InstanceChange::to(InstanceState::Failed, &[InstanceState::Provisioning])
}

fn not_found(id: &str) -> Outcome {
    Outcome::code(ResultCode::InstanceNotFound, format!("instance `{id}` does not exist or was released"))
}

/// `1` (AES-256) when any app information carries encrypted credentials.
fn encrypt_type<'a>(mut apps: impl Iterator<Item = &'a StoredApp>) -> Option<String> {
    apps.any(|a| a.user_name.is_some() || a.password.is_some()).then(|| EncryptType::Aes256.code().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_and_encode() {
        let url = fill_template(
            "https://app.example/open?i={instanceId}&o={orderId}&l={orderLineId}",
            "kd1",
            "CS 1",
            "CS1-000001",
        );
        assert_eq!(url, "https://app.example/open?i=kd1&o=CS%201&l=CS1-000001");
    }

    #[test]
    fn instance_ids_fit_koogallery() {
        let id = new_instance_id();
        assert_eq!(id.len(), 32);
        assert_ne!(id, new_instance_id());
    }

    #[test]
    fn journaled_replies_hide_credentials() {
        let body = br#"{"resultCode":"000000","info":[{"instanceId":"i","appInfo":{"frontEndUrl":"u","userName":"abc","password":"def"}}]}"#;
        let j = journal_reply(body);
        assert!(!j.contains("abc") && !j.contains("def"), "{j}");
        assert!(j.contains("\"frontEndUrl\":\"u\""));
    }
}
