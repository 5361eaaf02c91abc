//! Running checks: the built-in suites (KooGallery's debug cases and the protocol's rules) and the seller's saved
//! cases, step by step, reporting each step as it completes.

use std::time::{Duration, Instant};

use koodesk_protocol::field_crypto::{self, EncryptType};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::cases::{Expectation, SavedSuite, Vars};
use crate::catalogue::Check;
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
    started: Instant,
    exchanges: Vec<Exchange>,
    reply: Vec<Outcome>,
    own: Vec<Outcome>,
}

impl Step {
    fn new(name: impl Into<String>) -> Step {
        Step { name: name.into(), started: Instant::now(), exchanges: Vec::new(), reply: Vec::new(), own: Vec::new() }
    }

    fn judge(&mut self, check: Check, ok: bool, detail: impl Into<String>) {
        let at = self.exchanges.len().checked_sub(1);
        let verdict = if ok { Verdict::Passed } else { Verdict::Failed };
        self.own.push(Outcome::new(check, verdict, detail, at));
    }

    fn skip(&mut self, check: Check, why: impl Into<String>) {
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
            exchanges: self.exchanges,
            outcomes: merged,
            elapsed_ms: self.started.elapsed().as_millis() as u64,
        }
    }
}

fn code(v: &Option<Value>) -> Option<&str> {
    v.as_ref().and_then(|v| v.get("resultCode")).and_then(Value::as_str)
}

fn code_text(v: &Option<Value>) -> String {
    match code(v) {
        Some(c) => format!("resultCode {c}"),
        None => "no resultCode".into(),
    }
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
        step.skip(Check::AppInfo, "no JSON reply");
        step.skip(Check::EncryptedFields, "no JSON reply");
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
        (Some("000000"), Some(_)) if !url.is_empty() => step.judge(Check::AppInfo, true, format!("frontEndUrl {url}")),
        (Some("000000"), _) => {
            step.judge(Check::AppInfo, false, format!("info[] has no appInfo.frontEndUrl for instance {id}"))
        }
        (Some("000004"), _) => {
            step.judge(Check::AppInfo, false, "still 000004 (processing) when the checker stopped polling")
        }
        _ => step.judge(Check::AppInfo, false, format!("{}, expected 000000 with info[] for {id}", code_text(reply))),
    }
    let Some(app) = app else {
        step.skip(Check::EncryptedFields, "no appInfo");
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
                step.judge(
                    Check::EncryptedFields,
                    false,
                    format!(
                        "appInfo.{field} does not decrypt with the interface key (encryptType {}): {e}",
                        kind.code()
                    ),
                );
                return;
            }
            seen.push(field);
        }
    }
    let detail = if seen.is_empty() {
        "no userName or password returned: nothing to decrypt".to_string()
    } else {
        format!("{} decrypt with the interface key (encryptType {})", seen.join(" and "), kind.code())
    };
    step.judge(Check::EncryptedFields, true, detail);
}

fn expect_code(step: &mut Step, check: Check, reply: &Option<Value>, expected: &[&str], why: &str) {
    match code(reply) {
        _ if reply.is_none() => step.skip(check, "no JSON reply to judge"),
        Some(c) if expected.contains(&c) => step.judge(check, true, format!("resultCode {c}")),
        _ => step.judge(check, false, format!("{}, expected {}{why}", code_text(reply), expected.join(" or "))),
    }
}

impl Checker {
    pub fn new(target: Target, opts: Options) -> Result<Checker, CheckerError> {
        let sender = Sender::new(target.clone(), opts.timeout).map_err(CheckerError)?;
        Ok(Checker { sender, target, opts })
    }

    /// The endpoint step: whether the URL may be called at all.
    fn endpoint(&self, warnings: &mut Vec<String>) -> (StepReport, bool) {
        let mut step = Step::new("endpoint");
        let callable = match target::transport(&self.target.url) {
            Transport::Https => {
                step.judge(Check::Https, true, "HTTPS");
                true
            }
            Transport::LoopbackHttp => {
                warnings
                    .push("plain HTTP on loopback: fine for a local test; KooGallery itself calls only HTTPS".into());
                step.judge(Check::Https, true, "plain HTTP to this machine (local testing only)");
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
        warnings: Vec<String>,
        steps: Vec<StepReport>,
    ) -> Report {
        let mut r = Report {
            url: self.target.url.clone(),
            suite: suite.to_string(),
            started_at,
            elapsed_ms: started.elapsed().as_millis() as u64,
            warnings,
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
            Err(e) => step.judge(Check::CaseExpectation, false, e),
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
        step.skip(Check::CaseExpectation, "no JSON reply to judge");
        return;
    };
    let codes: Vec<&str> = if expect.result_codes.is_empty() {
        vec!["000000"]
    } else {
        expect.result_codes.iter().map(String::as_str).collect()
    };
    let got = code(reply).unwrap_or("");
    if !codes.contains(&got) {
        step.judge(Check::CaseExpectation, false, format!("{}, expected {}", code_text(reply), codes.join(" or ")));
        return;
    }
    if let Some(missing) = expect.present.iter().find(|p| v.pointer(p).is_none_or(Value::is_null)) {
        step.judge(Check::CaseExpectation, false, format!("resultCode {got}, but the reply has no `{missing}`"));
        return;
    }
    step.judge(Check::CaseExpectation, true, format!("resultCode {got}"));
}

async fn run_builtin(run: &mut Run<'_>, suite: Suite) {
    let order = format!("KDCHK{}{}", chrono::Utc::now().format("%y%m%d%H%M%S"), random_token(6).to_uppercase());
    let line = format!("{order}-000001");
    let key = run.checker.target.key.expose().to_string();
    let new_instance = |order: &str, line: &str| json!({"activity": "newInstance", "orderId": order, "orderLineId": line, "businessId": random_token(32).to_lowercase(), "testFlag": "1"});

    // 新购: newInstance.
    let mut step = Step::new("newInstance (新购)");
    let reply = run.send(&mut step, new_instance(&order, &line), Signing::Correct).await;
    let instance = reply.as_ref().and_then(|v| v.get("instanceId")).and_then(Value::as_str).map(str::to_string);
    match (code(&reply), &instance) {
        _ if reply.is_none() => step.skip(Check::StepResult, "no JSON reply to judge"),
        (Some("000000" | "000004"), Some(id)) if !id.is_empty() => {
            step.judge(Check::StepResult, true, format!("{}, instanceId {id}", code_text(&reply)))
        }
        (Some("000000" | "000004"), _) => {
            step.judge(Check::StepResult, false, format!("{} without an instanceId", code_text(&reply)))
        }
        _ => step.judge(
            Check::StepResult,
            false,
            format!("{}, expected 000000 or 000004 with an instanceId", code_text(&reply)),
        ),
    }
    let instance = instance.filter(|id| !id.is_empty() && matches!(code(&reply), Some("000000" | "000004")));
    run.done(step);
    let needs = "newInstance returned no instanceId";

    // Idempotency: the same order line again with a new businessId.
    let mut step = Step::new("newInstance again: same order line, new businessId");
    match &instance {
        None => step.skip(Check::Idempotent, needs),
        Some(first) => {
            let reply = run.send(&mut step, new_instance(&order, &line), Signing::Correct).await;
            let again = reply.as_ref().and_then(|v| v.get("instanceId")).and_then(Value::as_str);
            match again {
                _ if reply.is_none() => step.skip(Check::Idempotent, "no JSON reply to judge"),
                Some(id) if id == first && matches!(code(&reply), Some("000000" | "000004")) => {
                    step.judge(Check::Idempotent, true, format!("the same instanceId {id}"))
                }
                Some(id) => step.judge(
                    Check::Idempotent,
                    false,
                    format!("{}, instanceId {id}; the first call returned {first}", code_text(&reply)),
                ),
                None => step.judge(
                    Check::Idempotent,
                    false,
                    format!("{} without an instanceId; the first call returned {first}", code_text(&reply)),
                ),
            }
        }
    }
    run.done(step);

    // queryInstance, polling while provisioning.
    let mut step = Step::new("queryInstance (poll while 000004)");
    match &instance {
        None => {
            step.skip(Check::AppInfo, needs);
            step.skip(Check::EncryptedFields, needs);
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
                "refreshInstance RENEWAL (续费)",
                json!({"activity": "refreshInstance", "scene": "RENEWAL", "orderId": order, "orderLineId": line, "expireTime": expire, "testFlag": "1"}),
            ),
            (
                "updateInstanceStatus FREEZE (过期)",
                json!({"activity": "updateInstanceStatus", "status": "FREEZE", "testFlag": "1"}),
            ),
            (
                "updateInstanceStatus UNFREEZE",
                json!({"activity": "updateInstanceStatus", "status": "UNFREEZE", "testFlag": "1"}),
            ),
            (
                "upgradeInstance",
                json!({"activity": "upgradeInstance", "orderId": format!("{order}U"), "orderLineId": format!("{order}U-000001"), "testFlag": "1"}),
            ),
        ];
        for (name, mut body) in lifecycle {
            let mut step = Step::new(name);
            match &instance {
                None => step.skip(Check::StepResult, needs),
                Some(id) => {
                    body["instanceId"] = json!(id);
                    let reply = run.send(&mut step, body, Signing::Correct).await;
                    expect_code(&mut step, Check::StepResult, &reply, &["000000"], "");
                }
            }
            run.done(step);
        }
    }

    // 释放, twice.
    for (name, check) in [("releaseInstance (释放)", Check::StepResult), ("releaseInstance again", Check::ReleaseTwice)]
    {
        let mut step = Step::new(name);
        match &instance {
            None => step.skip(check, needs),
            Some(id) => {
                let body = json!({"activity": "releaseInstance", "instanceId": id, "orderId": order, "orderLineId": line, "testFlag": "1"});
                let reply = run.send(&mut step, body, Signing::Correct).await;
                expect_code(&mut step, check, &reply, &["000000"], "");
            }
        }
        run.done(step);
    }

    let mut step = Step::new("queryInstance of an unknown instance");
    let unknown = format!("koodesk-check-unknown-{}", random_token(12).to_lowercase());
    let reply = run
        .send(&mut step, json!({"activity": "queryInstance", "instanceId": unknown, "testFlag": "1"}), Signing::Correct)
        .await;
    expect_code(&mut step, Check::UnknownInstance, &reply, &["000003"], "");
    run.done(step);

    let refused = ": the request was served instead of refused";
    let probe = |n: u32| {
        let o = format!("{order}P{n}");
        new_instance(&o, &format!("{o}-000001"))
    };
    let mut step = Step::new("newInstance signed with another key");
    let reply = run.send(&mut step, probe(1), Signing::WrongKey).await;
    expect_code(&mut step, Check::BadSignature, &reply, &["000001"], refused);
    run.done(step);

    let mut step = Step::new("newInstance with a timestamp 5 minutes old");
    let reply = run.send(&mut step, probe(2), Signing::Stale).await;
    expect_code(&mut step, Check::StaleTimestamp, &reply, &["000001"], refused);
    run.done(step);

    let mut step = Step::new("newInstance, then the same request replayed");
    let p = run.checker.sender.prepare(&probe(3), Signing::Correct);
    let first = run.call(&mut step, &p).await;
    let again = run.call(&mut step, &p).await;
    if code(&first) == Some("000001") && first.is_some() {
        step.judge(
            Check::ReplayedNonce,
            false,
            "the first, fresh request was refused (000001) too: check the key; replay protection cannot be told apart",
        );
    } else {
        expect_code(&mut step, Check::ReplayedNonce, &again, &["000001"], refused);
    }
    run.done(step);

    if suite == Suite::All {
        let mut step = Step::new("newInstance without orderLineId");
        let body = json!({"activity": "newInstance", "orderId": format!("{order}P4"), "businessId": random_token(32).to_lowercase(), "testFlag": "1"});
        let reply = run.send(&mut step, body, Signing::Correct).await;
        expect_code(&mut step, Check::InvalidParameter, &reply, &["000002"], "");
        run.done(step);
    }
}
