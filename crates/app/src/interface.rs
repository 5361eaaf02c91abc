//! The console's production-interface checks: the sample interface the demo workspace checks against, runs with
//! live progress, run history and saved debug cases in the store [KG §7].
//!
//! A run is one command that returns the whole report; while it runs, `interface_run_progress` with the same
//! client-chosen token answers the steps done so far. The interface key is read from the OS keyring (or, for the
//! embedded sample, kept in memory) and never leaves this module.

use crate::error::ErrorCode;
use koodesk_domain::problem::Rule;
use std::time::Duration;

use koodesk_checker::case_form::CaseForm;
use koodesk_checker::cases::{self, Expectation, SavedCase, SavedSuite};
use koodesk_checker::{Checker, Options, Report, StepReport, Suite, Target};
use koodesk_client::credentials::{self, Credential};
use koodesk_store::interface_checks::{RunSummary, StoredCase};

use crate::api::{ApiError, InterfaceOverview, InterfaceRunArgs, InterfaceRunResult, KeySource};
use crate::interface_runs::lock;
use crate::workspace::{self, Workspace};

/// The built-in suites the interface check offers, in the order the console lists them [KG §7].
pub const BUILT_IN_SUITES: [Suite; 3] = [Suite::All, Suite::Period, Suite::PerCall];

/// Runs in progress, by token, kept at most this many.
const MAX_LIVE_RUNS: usize = 16;

pub async fn overview(ws: &Workspace) -> Result<InterfaceOverview, ApiError> {
    let sample = ws.interface.sample(ws.is_sandbox(), &ws.log).await;
    let account = ws.settings().account;
    let asked = account.clone();
    let stored =
        workspace::keyring(move || credentials::is_stored(&asked, Credential::InterfaceKey).unwrap_or(false)).await?;
    let mut key_sources = vec![KeySource { id: "keyring".into(), account: account.clone(), available: stored }];
    if sample.is_some() {
        key_sources.insert(0, KeySource { id: "sample".into(), account: String::new(), available: true });
    }
    Ok(InterfaceOverview {
        sample_url: sample.map(|(url, _)| url),
        key_sources,
        built_in: BUILT_IN_SUITES.iter().map(|s| s.name().to_string()).collect(),
        suites: suites(ws).await?,
        runs: ws.read(|s| Ok(s.interface_runs(50)?)).await?,
    })
}

/// The saved suites; KooGallery's listing cases are saved the first time.
pub async fn suites(ws: &Workspace) -> Result<Vec<SavedSuite>, ApiError> {
    let seeded = cases::default_suites()
        .iter()
        .map(|s| Ok((s.name.clone(), stored_cases(s)?)))
        .collect::<Result<Vec<_>, ApiError>>()?;
    let rows = ws
        .write(move |store| {
            if store.interface_suites()?.is_empty() && !store.notified("interface-cases-seeded")? {
                for (name, cases) in &seeded {
                    store.save_interface_suite(name, cases)?;
                }
                store.notify_once("interface-cases-seeded", "", chrono::Utc::now().timestamp())?;
            }
            Ok(store.interface_suites()?)
        })
        .await?;
    rows.into_iter()
        .map(|(name, rows)| {
            let cases = rows
                .into_iter()
                .map(|c| {
                    Ok(SavedCase {
                        request: serde_json::from_str(&c.request)
                            .map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?,
                        expect: serde_json::from_str::<Expectation>(&c.expect)
                            .map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?,
                        name: c.name,
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            Ok(SavedSuite { name, cases })
        })
        .collect()
}

fn stored_cases(s: &SavedSuite) -> Result<Vec<StoredCase>, ApiError> {
    s.cases
        .iter()
        .map(|c| {
            Ok(StoredCase {
                name: c.name.trim().to_string(),
                request: c.request.to_string(),
                expect: serde_json::to_string(&c.expect).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?,
            })
        })
        .collect()
}

/// Saves a suite (validated whole first: a bad case changes nothing).
pub async fn save_suite(ws: &Workspace, s: &SavedSuite) -> Result<Vec<SavedSuite>, ApiError> {
    s.validate().map_err(|e| ApiError::invalid("suite", Rule::Rule, e.0))?;
    if s.cases.is_empty() {
        return Err(ApiError::invalid(
            "suite",
            Rule::Required,
            format!("suite `{}`: `cases` is empty; delete the suite instead", s.name),
        ));
    }
    let (name, cases) = (s.name.trim().to_string(), stored_cases(s)?);
    ws.write(move |store| Ok(store.save_interface_suite(&name, &cases)?)).await?;
    suites(ws).await
}

pub async fn delete_suite(ws: &Workspace, name: &str) -> Result<Vec<SavedSuite>, ApiError> {
    let name = name.to_string();
    ws.write(move |store| Ok(store.save_interface_suite(&name, &[])?)).await?;
    suites(ws).await
}

/// What the debug-case form offers: activities, their documented fields and limits, placeholders, result codes.
pub async fn case_form(_: &Workspace, _: crate::api::NoArgs) -> Result<CaseForm, ApiError> {
    Ok(koodesk_checker::case_form::case_form())
}

pub async fn export(ws: &Workspace) -> Result<String, ApiError> {
    Ok(cases::export(&suites(ws).await?).to_string())
}

/// Imports an export: every suite is validated before any is saved; suites of the same name are replaced.
pub async fn import(ws: &Workspace, text: &str) -> Result<Vec<SavedSuite>, ApiError> {
    let imported =
        cases::import(text).map_err(|e| ApiError::invalid("json", Rule::BadFormat, format!("json: {}", e.0)))?;
    let rows: Vec<(String, Vec<StoredCase>)> =
        imported.iter().map(|s| Ok((s.name.trim().to_string(), stored_cases(s)?))).collect::<Result<_, ApiError>>()?;
    ws.write(move |store| {
        for (name, cases) in &rows {
            store.save_interface_suite(name, cases)?;
        }
        Ok(())
    })
    .await?;
    suites(ws).await
}

/// Runs a check to the end, publishing each step under `a.token` as it completes, and records it.
pub async fn run(ws: &Workspace, a: InterfaceRunArgs) -> Result<InterfaceRunResult, ApiError> {
    let token = a.token.trim().to_string();
    if token.is_empty() || token.len() > 64 {
        return Err(ApiError::invalid(
            "token",
            Rule::TooLong,
            "token: 1 to 64 characters, chosen by the caller to poll progress",
        )
        .with("max", 64));
    }
    if a.url.trim().is_empty() {
        return Err(ApiError::invalid("url", Rule::Required, "url: the production URL to check is empty"));
    }
    let key = match a.key_source.as_str() {
        "sample" => match ws.interface.sample(ws.is_sandbox(), &ws.log).await {
            Some((_, key)) => key,
            None => {
                return Err(ApiError::invalid(
                    "key_source",
                    Rule::NotConfigured,
                    "key_source `sample`: only the demo workspace has a sample interface",
                ))
            }
        },
        "keyring" => {
            let account = ws.settings().account;
            workspace::keyring(move || credentials::load(&account, Credential::InterfaceKey))
                .await?
                .map_err(|e| ApiError::new(ErrorCode::Keyring, e.to_string()))?
        }
        other => {
            return Err(ApiError::invalid(
                "key_source",
                Rule::OneOf,
                format!("key_source `{other}`: one of sample, keyring"),
            ))
        }
    };
    let saved = if a.saved {
        let all = suites(ws).await?;
        Some(all.into_iter().find(|s| s.name == a.suite).ok_or_else(|| {
            ApiError::new(ErrorCode::NotFound, format!("suite `{}`: no saved suite of that name", a.suite))
        })?)
    } else {
        None
    };
    let suite = match a.suite.as_str() {
        _ if saved.is_some() => Suite::All,
        "all" => Suite::All,
        "period" => Suite::Period,
        "per-call" => Suite::PerCall,
        other => {
            return Err(ApiError::invalid(
                "suite",
                Rule::OneOf,
                format!("suite `{other}`: one of all, period, per-call"),
            ))
        }
    };
    let opts = Options { poll_for: Duration::from_secs(20), ..Options::default() };
    let checker = Checker::new(Target { url: a.url.trim().to_string(), key }, opts)
        .map_err(|e| ApiError::invalid("url", Rule::BadFormat, e.0))?;
    {
        let mut progress = lock(&ws.interface.progress);
        if progress.len() >= MAX_LIVE_RUNS {
            progress.clear();
        }
        progress.insert(token.clone(), Vec::new());
    }
    let mut publish = |s: &StepReport| {
        if let Some(steps) = lock(&ws.interface.progress).get_mut(&token) {
            steps.push(s.clone());
        }
    };
    let report = match &saved {
        Some(s) => checker.run_cases(s, &mut publish).await,
        None => checker.run(suite, &mut publish).await,
    };
    lock(&ws.interface.progress).remove(&token);
    let id = record(ws, &report).await?;
    ws.log.info(&format!(
        "interface check of {} ({}): {} passed, {} failed, {} skipped",
        report.url, report.suite, report.passed, report.failed, report.skipped
    ));
    Ok(InterfaceRunResult { id, report })
}

async fn record(ws: &Workspace, r: &Report) -> Result<i64, ApiError> {
    let summary = RunSummary {
        id: 0,
        started_at: r.started_at.clone(),
        url: r.url.clone(),
        suite: r.suite.clone(),
        passed: r.passed as i64,
        failed: r.failed as i64,
        skipped: r.skipped as i64,
        elapsed_ms: r.elapsed_ms as i64,
    };
    let json = serde_json::to_string(r).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?;
    ws.write(move |store| Ok(store.record_interface_run(&summary, &json)?)).await
}

/// The steps a run in progress has finished; empty once it is over (its report is then in the history).
pub fn progress(ws: &Workspace, token: &str) -> Vec<StepReport> {
    lock(&ws.interface.progress).get(token).cloned().unwrap_or_default()
}

pub async fn report(ws: &Workspace, id: i64) -> Result<Report, ApiError> {
    let json = ws.read(move |s| Ok(s.interface_run_report(id)?)).await?;
    serde_json::from_str(&json).map_err(|e| ApiError::new(ErrorCode::Store, format!("interface check run {id}: {e}")))
}
