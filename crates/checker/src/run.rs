//! Running checks: the built-in suites (KooGallery's debug cases and the protocol's rules) and the seller's saved
//! cases, step by step, reporting each step as it completes.

use std::time::{Duration, Instant};

use koodesk_protocol::field_crypto::{self, EncryptType};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::cases::{Expectation, SavedSuite, Vars};
use crate::catalogue::Check;
use crate::note::{Note, StepKind, Warning};
use crate::report::{Exchange, Outcome, Report, StepReport, Verdict};
use crate::target::{self, random_token, reply_checks, Prepared, Sender, Signing, Target, Transport};

/// Which built-in suite: KooGallery requires 新购/续费/过期/释放 of a period product and 新购/释放 of a per-call one
/// before listing [KG §7].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Suite {
    /// newInstance (twice), queryInstance, releaseInstance (twice), and the protocol checks.
    PerCall,
    /// PerCall plus refreshInstance (renewal), freeze, unfreeze and upgradeInstance.
    Period,
    /// Period plus a request with a missing mandatory field.
    All,
}

impl Suite {
    pub fn name(self) -> &'static str {
        match self {
            Suite::PerCall => "per-call",
            Suite::Period => "period",
            Suite::All => "all",
        }
    }
}

/// How patient the checker is.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long to wait for each reply (KooGallery: 5 s).
    pub timeout: Duration,
    /// Between queryInstance polls while the server answers 000004.
    pub poll_interval: Duration,
    /// How long to keep polling.
    pub poll_for: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: target::KOOGALLERY_TIMEOUT,
            poll_interval: Duration::from_millis(100),
            poll_for: Duration::from_secs(30),
        }
    }
}

/// A step being run.
struct Step {
    name: String,
    kind: Option<StepKind>,
    started: Instant,
    exchanges: Vec<Exchange>,
    reply: Vec<Outcome>,
    own: Vec<Outcome>,
}

impl Step {
    /// A saved case's step, named by the seller.
    fn new(name: impl Into<String>) -> Step {
        Step {
            name: name.into(),
            kind: None,
            started: Instant::now(),
            exchanges: Vec::new(),
            reply: Vec::new(),
            own: Vec::new(),
        }
    }

    /// A built-in suite's step.
    fn builtin(kind: StepKind) -> Step {
        Step { kind: Some(kind), ..Step::new(kind.english()) }
    }

    fn judge(&mut self, check: Check, ok: bool, note: Note) {
        let at = self.exchanges.len().checked_sub(1);
        let verdict = if ok { Verdict::Passed } else { Verdict::Failed };
        self.own.push(Outcome::new(check, verdict, note, at));
    }

    fn skip(&mut self, check: Check, why: Note) {
        self.own.push(Outcome::new(check, Verdict::Skipped, why, None));
    }

    /// Per check, the first failure of any exchange, else its first pass, else a skip; then the step's own checks.
    fn finish(self, index: usize) -> StepReport {
        let mut merged: Vec<Outcome> = Vec::new();
        for o in self.reply {
            match merged.iter_mut().find(|m| m.check == o.check) {
                None => merged.push(o),
                Some(m) => {
                    let rank = |v: Verdict| match v {
                        Verdict::Failed => 2,
                        Verdict::Passed => 1,
                        Verdict::Skipped => 0,
                    };
                    if rank(o.verdict) > rank(m.verdict) {
                        *m = o;
                    }
                }
            }
        }
        merged.extend(self.own);
        StepReport {
            index,
            name: self.name,
            kind: self.kind,
            exchanges: self.exchanges,
            outcomes: merged,
            elapsed_ms: self.started.elapsed().as_millis() as u64,
        }
    }
}

fn code(v: &Option<Value>) -> Option<&str> {
    v.as_ref().and_then(|v| v.get("resultCode")).and_then(Value::as_str)
}

/// The reply's resultCode, for a note.
fn got(v: &Option<Value>) -> Option<String> {
    code(v).map(str::to_string)
}

/// Runs checks against one target.
pub struct Checker {
    sender: Sender,
    target: Target,
    opts: Options,
}

/// The checker could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CheckerError(pub String);

struct Run<'a> {
    checker: &'a Checker,
    steps: Vec<StepReport>,
    on_step: &'a mut (dyn FnMut(&StepReport) + Send + Sync),
}

impl Run<'_> {
    async fn call(&self, step: &mut Step, p: &Prepared) -> Option<Value> {
        let x = self.checker.sender.send(p).await;
        let (outcomes, json) = reply_checks(&x, self.checker.sender.key(), step.exchanges.len());
        step.exchanges.push(x);
        step.reply.extend(outcomes);
        json
    }

    async fn send(&self, step: &mut Step, body: Value, signing: Signing) -> Option<Value> {
        let p = self.checker.sender.prepare(&body, signing);
        self.call(step, &p).await
    }

    fn done(&mut self, step: Step) {
        let report = step.finish(self.steps.len());
        (self.on_step)(&report);
        self.steps.push(report);
    }

    /// queryInstance until it stops answering 000004 (or patience runs out).
    async fn poll_query(&self, step: &mut Step, instance_id: &str) -> Option<Value> {
        let until = Instant::now() + self.checker.opts.poll_for;
        loop {
            let reply = self
                .send(
                    step,
                    json!({"activity": "queryInstance", "instanceId": instance_id, "testFlag": "1"}),
                    Signing::Correct,
                )
                .await;
            if code(&reply) != Some("000004") || Instant::now() >= until {
                return reply;
            }
            tokio::time::sleep(self.checker.opts.poll_interval).await;
        }
    }
}

/// Whether a queryInstance reply describes `id` with a frontEndUrl; and its encrypted fields decrypt.
fn judge_app_info(step: &mut Step, reply: &Option<Value>, id: &str, key: &str) {
    if reply.is_none() {
        step.skip(Check::AppInfo, Note::NoJsonReply);
        step.skip(Check::EncryptedFields, Note::NoJsonReply);
        return;
    }
    let info = reply
        .as_ref()
        .and_then(|v| v.get("info"))
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|i| i.get("instanceId").and_then(Value::as_str) == Some(id)));
    let app = info.and_then(|i| i.get("appInfo"));
    let url = app.and_then(|a| a.get("frontEndUrl")).and_then(Value::as_str).unwrap_or("");
    match (code(reply), app) {
        (Some("000000"), Some(_)) if !url.is_empty() => {
            step.judge(Check::AppInfo, true, Note::FrontEndUrl { url: url.to_string() })
        }
        (Some("000000"), _) => step.judge(Check::AppInfo, false, Note::NoFrontEndUrl { instance_id: id.to_string() }),
        (Some("000004"), _) => step.judge(Check::AppInfo, false, Note::StillProcessing),
        _ => step.judge(Check::AppInfo, false, Note::NoInfo { got: got(reply), instance_id: id.to_string() }),
    }
    let Some(app) = app else {
        step.skip(Check::EncryptedFields, Note::NoAppInfo);
        return;
    };
    let kind = match reply.as_ref().and_then(|v| v.get("encryptType")).and_then(Value::as_str).unwrap_or("1") {
        "2" => EncryptType::Aes128,
        _ => EncryptType::Aes256,
    };
    let mut seen = Vec::new();
    for field in ["userName", "password"] {
        if let Some(value) = app.get(field).and_then(Value::as_str) {
            if let Err(e) = field_crypto::decrypt(key, kind, value) {
                let (field, encrypt_type, error) = (field.to_string(), kind.code().to_string(), e.to_string());
                step.judge(Check::EncryptedFields, false, Note::NotDecrypted { field, encrypt_type, error });
                return;
            }
            seen.push(field);
        }
    }
    let fields = seen.into_iter().map(str::to_string).collect();
    step.judge(Check::EncryptedFields, true, Note::Decrypted { fields, encrypt_type: kind.code().to_string() });
}

/// `served`: the expected code is a refusal, so another answer means the request was served.
fn expect_code(step: &mut Step, check: Check, reply: &Option<Value>, expected: &[&str], served: bool) {
    match code(reply) {
        _ if reply.is_none() => step.skip(check, Note::NoJsonReply),
        Some(c) if expected.contains(&c) => step.judge(check, true, Note::ResultCode { result_code: c.to_string() }),
        _ => {
            let expected = expected.iter().map(|c| c.to_string()).collect();
            step.judge(check, false, Note::Unexpected { got: got(reply), expected, served })
        }
    }
}

impl Checker {
    pub fn new(target: Target, opts: Options) -> Result<Checker, CheckerError> {
        let sender = Sender::new(target.clone(), opts.timeout).map_err(CheckerError)?;
        Ok(Checker { sender, target, opts })
    }

    /// The endpoint step: whether the URL may be called at all.
    fn endpoint(&self, warnings: &mut Vec<Warning>) -> (StepReport, bool) {
        let mut step = Step::builtin(StepKind::Endpoint);
        let callable = match target::transport(&self.target.url) {
            Transport::Https => {
                step.judge(Check::Https, true, Note::Https);
                true
            }
            Transport::LoopbackHttp => {
                warnings.push(Warning::LoopbackHttp);
                step.judge(Check::Https, true, Note::LoopbackHttp);
                true
            }
            Transport::Refused(why) => {
                step.judge(Check::Https, false, why);
                false
            }
        };
        (step.finish(0), callable)
    }

    fn report(
        &self,
        suite: &str,
        started: Instant,
        started_at: String,
        warnings: Vec<Warning>,
        steps: Vec<StepReport>,
    ) -> Report {
        let mut r = Report {
            url: self.target.url.clone(),
            suite: suite.to_string(),
            started_at,
            elapsed_ms: started.elapsed().as_millis() as u64,
            warnings: warnings.iter().map(|w| w.english().to_string()).collect(),
            warning_codes: warnings,
            steps,
            passed: 0,
            failed: 0,
            skipped: 0,
        };
        r.tally();
        r
    }

    /// Runs a built-in suite; `on_step` sees each step as it completes.
    pub async fn run(&self, suite: Suite, on_step: &mut (dyn FnMut(&StepReport) + Send + Sync)) -> Report {
        self.execute(Plan::Builtin(suite), on_step).await
    }

    /// Replays a saved suite of cases in order.
    pub async fn run_cases(&self, suite: &SavedSuite, on_step: &mut (dyn FnMut(&StepReport) + Send + Sync)) -> Report {
        self.execute(Plan::Cases(suite), on_step).await
    }

    /// The endpoint step, then the plan's steps if the endpoint may be called, then the report.
    async fn execute(&self, plan: Plan<'_>, on_step: &mut (dyn FnMut(&StepReport) + Send + Sync)) -> Report {
        let started = Instant::now();
        let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let mut warnings = Vec::new();
        let (endpoint, callable) = self.endpoint(&mut warnings);
        on_step(&endpoint);
        let mut run = Run { checker: self, steps: vec![endpoint], on_step };
        if callable {
            match plan {
                Plan::Builtin(suite) => run_builtin(&mut run, suite).await,
                Plan::Cases(suite) => run_saved(&mut run, suite).await,
            }
        }
        let name = match plan {
            Plan::Builtin(suite) => suite.name().to_string(),
            Plan::Cases(suite) => suite.name.clone(),
        };
        let steps = run.steps;
        self.report(&name, started, started_at, warnings, steps)
    }
}

#[derive(Clone, Copy)]
enum Plan<'a> {
    Builtin(Suite),
    Cases(&'a SavedSuite),
}

async fn run_saved(run: &mut Run<'_>, suite: &SavedSuite) {
    let mut vars = Vars::for_run();
    for case in &suite.cases {
        let mut step = Step::new(case.name.clone());
        match vars.render(&case.request) {
            Err(e) => step.judge(Check::CaseExpectation, false, Note::CaseNotMade { error: e.to_string() }),
            Ok(body) => {
                let is_query = body.get("activity").and_then(Value::as_str) == Some("queryInstance");
                let instance = body.get("instanceId").and_then(Value::as_str).unwrap_or("").to_string();
                let reply = if is_query && case.expect.poll {
                    run.poll_query(&mut step, &instance).await
                } else {
                    run.send(&mut step, body, Signing::Correct).await
                };
                if let Some(id) = reply.as_ref().and_then(|v| v.get("instanceId")).and_then(Value::as_str) {
                    vars.instance_id = Some(id.to_string());
                }
                judge_case(&mut step, &case.expect, &reply);
            }
        }
        run.done(step);
    }
}

fn judge_case(step: &mut Step, expect: &Expectation, reply: &Option<Value>) {
    let Some(v) = reply else {
        step.skip(Check::CaseExpectation, Note::NoJsonReply);
        return;
    };
    let codes: Vec<&str> = if expect.result_codes.is_empty() {
        vec!["000000"]
    } else {
        expect.result_codes.iter().map(String::as_str).collect()
    };
    let result_code = code(reply).unwrap_or("");
    if !codes.contains(&result_code) {
        let expected = codes.iter().map(|c| c.to_string()).collect();
        step.judge(Check::CaseExpectation, false, Note::Unexpected { got: got(reply), expected, served: false });
        return;
    }
    if let Some(missing) = expect.present.iter().find(|p| v.pointer(p).is_none_or(Value::is_null)) {
        let (got, pointer) = (result_code.to_string(), missing.to_string());
        step.judge(Check::CaseExpectation, false, Note::MissingField { got, pointer });
        return;
    }
    step.judge(Check::CaseExpectation, true, Note::ResultCode { result_code: result_code.to_string() });
}

async fn run_builtin(run: &mut Run<'_>, suite: Suite) {
    let order = format!("KDCHK{}{}", chrono::Utc::now().format("%y%m%d%H%M%S"), random_token(6).to_uppercase());
    let line = format!("{order}-000001");
    let key = run.checker.target.key.expose().to_string();
    let new_instance = |order: &str, line: &str| json!({"activity": "newInstance", "orderId": order, "orderLineId": line, "businessId": random_token(32).to_lowercase(), "testFlag": "1"});

    // 新购: newInstance.
    let mut step = Step::builtin(StepKind::NewInstance);
    let reply = run.send(&mut step, new_instance(&order, &line), Signing::Correct).await;
    let instance = reply.as_ref().and_then(|v| v.get("instanceId")).and_then(Value::as_str).map(str::to_string);
    match (code(&reply), &instance) {
        _ if reply.is_none() => step.skip(Check::StepResult, Note::NoJsonReply),
        (Some(c @ ("000000" | "000004")), Some(id)) if !id.is_empty() => {
            step.judge(Check::StepResult, true, Note::NewInstance { got: c.to_string(), instance_id: id.clone() })
        }
        (Some(c @ ("000000" | "000004")), _) => {
            step.judge(Check::StepResult, false, Note::NoInstanceId { got: c.to_string() })
        }
        _ => step.judge(Check::StepResult, false, Note::NoInstanceExpected { got: got(&reply) }),
    }
    let instance = instance.filter(|id| !id.is_empty() && matches!(code(&reply), Some("000000" | "000004")));
    run.done(step);
    let needs = || Note::NeedsInstance;

    // Idempotency: the same order line again with a new businessId.
    let mut step = Step::builtin(StepKind::NewInstanceAgain);
    match &instance {
        None => step.skip(Check::Idempotent, needs()),
        Some(first) => {
            let reply = run.send(&mut step, new_instance(&order, &line), Signing::Correct).await;
            let again = reply.as_ref().and_then(|v| v.get("instanceId")).and_then(Value::as_str);
            match again {
                _ if reply.is_none() => step.skip(Check::Idempotent, Note::NoJsonReply),
                Some(id) if id == first && matches!(code(&reply), Some("000000" | "000004")) => {
                    step.judge(Check::Idempotent, true, Note::SameInstance { instance_id: id.to_string() })
                }
                Some(id) => {
                    let (instance_id, first) = (id.to_string(), first.clone());
                    step.judge(Check::Idempotent, false, Note::OtherInstance { got: got(&reply), instance_id, first })
                }
                None => step.judge(
                    Check::Idempotent,
                    false,
                    Note::NoInstanceAgain { got: got(&reply), first: first.clone() },
                ),
            }
        }
    }
    run.done(step);

    // queryInstance, polling while provisioning.
    let mut step = Step::builtin(StepKind::QueryInstance);
    match &instance {
        None => {
            step.skip(Check::AppInfo, needs());
            step.skip(Check::EncryptedFields, needs());
        }
        Some(id) => {
            let reply = run.poll_query(&mut step, id).await;
            judge_app_info(&mut step, &reply, id, &key);
        }
    }
    run.done(step);

    if suite != Suite::PerCall {
        let expire = (chrono::Utc::now() + chrono::Duration::days(365)).format("%Y%m%d%H%M%S").to_string();
        let lifecycle = [
            (
                StepKind::Renewal,
                json!({"activity": "refreshInstance", "scene": "RENEWAL", "orderId": order, "orderLineId": line, "expireTime": expire, "testFlag": "1"}),
            ),
            (StepKind::Freeze, json!({"activity": "updateInstanceStatus", "status": "FREEZE", "testFlag": "1"})),
            (StepKind::Unfreeze, json!({"activity": "updateInstanceStatus", "status": "UNFREEZE", "testFlag": "1"})),
            (
                StepKind::Upgrade,
                json!({"activity": "upgradeInstance", "orderId": format!("{order}U"), "orderLineId": format!("{order}U-000001"), "testFlag": "1"}),
            ),
        ];
        for (kind, mut body) in lifecycle {
            let mut step = Step::builtin(kind);
            match &instance {
                None => step.skip(Check::StepResult, needs()),
                Some(id) => {
                    body["instanceId"] = json!(id);
                    let reply = run.send(&mut step, body, Signing::Correct).await;
                    expect_code(&mut step, Check::StepResult, &reply, &["000000"], false);
                }
            }
            run.done(step);
        }
    }

    // 释放, twice.
    for (kind, check) in [(StepKind::Release, Check::StepResult), (StepKind::ReleaseAgain, Check::ReleaseTwice)] {
        let mut step = Step::builtin(kind);
        match &instance {
            None => step.skip(check, needs()),
            Some(id) => {
                let body = json!({"activity": "releaseInstance", "instanceId": id, "orderId": order, "orderLineId": line, "testFlag": "1"});
                let reply = run.send(&mut step, body, Signing::Correct).await;
                expect_code(&mut step, check, &reply, &["000000"], false);
            }
        }
        run.done(step);
    }

    let mut step = Step::builtin(StepKind::UnknownInstance);
    let unknown = format!("koodesk-check-unknown-{}", random_token(12).to_lowercase());
    let reply = run
        .send(&mut step, json!({"activity": "queryInstance", "instanceId": unknown, "testFlag": "1"}), Signing::Correct)
        .await;
    expect_code(&mut step, Check::UnknownInstance, &reply, &["000003"], false);
    run.done(step);

    let probe = |n: u32| {
        let o = format!("{order}P{n}");
        new_instance(&o, &format!("{o}-000001"))
    };
    let mut step = Step::builtin(StepKind::WrongKey);
    let reply = run.send(&mut step, probe(1), Signing::WrongKey).await;
    expect_code(&mut step, Check::BadSignature, &reply, &["000001"], true);
    run.done(step);

    let mut step = Step::builtin(StepKind::StaleTimestamp);
    let reply = run.send(&mut step, probe(2), Signing::Stale).await;
    expect_code(&mut step, Check::StaleTimestamp, &reply, &["000001"], true);
    run.done(step);

    let mut step = Step::builtin(StepKind::Replayed);
    let p = run.checker.sender.prepare(&probe(3), Signing::Correct);
    let first = run.call(&mut step, &p).await;
    let again = run.call(&mut step, &p).await;
    if code(&first) == Some("000001") && first.is_some() {
        step.judge(Check::ReplayedNonce, false, Note::FreshRefused);
    } else {
        expect_code(&mut step, Check::ReplayedNonce, &again, &["000001"], true);
    }
    run.done(step);

    if suite == Suite::All {
        let mut step = Step::builtin(StepKind::NoOrderLineId);
        let body = json!({"activity": "newInstance", "orderId": format!("{order}P4"), "businessId": random_token(32).to_lowercase(), "testFlag": "1"});
        let reply = run.send(&mut step, body, Signing::Correct).await;
        expect_code(&mut step, Check::InvalidParameter, &reply, &["000002"], false);
        run.done(step);
    }
}
