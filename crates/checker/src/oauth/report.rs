//! What an OAuth check found: steps, the requests each made, the outcome of every check; as JSON and as text.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::catalogue::OAuthCheck;
use crate::report::Verdict;
use crate::tally::{self, verdict_word, Counts, Judged};

/// One HTTP request the checker made, as a browser or as the client. Codes and tokens in URLs are masked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    /// Where a redirect pointed (masked too).
    pub location: Option<String>,
    /// At most 2 KiB of the reply body.
    pub reply: Option<String>,
    pub elapsed_ms: u64,
    /// Why nothing came back.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthOutcome {
    pub check: OAuthCheck,
    /// [`OAuthCheck::id`], for readers of the JSON.
    pub id: String,
    pub verdict: Verdict,
    pub detail: String,
    pub rule: String,
}

impl OAuthOutcome {
    pub fn new(check: OAuthCheck, verdict: Verdict, detail: impl Into<String>) -> OAuthOutcome {
        OAuthOutcome { check, id: check.id().to_string(), verdict, detail: detail.into(), rule: check.rule().into() }
    }
}

impl Judged for OAuthOutcome {
    type Check = OAuthCheck;
    fn check(&self) -> OAuthCheck {
        self.check
    }
    fn verdict(&self) -> Verdict {
        self.verdict
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthStep {
    pub index: usize,
    pub name: String,
    pub requests: Vec<Request>,
    pub outcomes: Vec<OAuthOutcome>,
    pub elapsed_ms: u64,
}

impl OAuthStep {
    pub fn failed(&self) -> bool {
        self.outcomes.iter().any(|o| o.verdict == Verdict::Failed)
    }
}

/// A whole run of the OAuth suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthReport {
    pub login_url: String,
    pub idp: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub elapsed_ms: u64,
    pub warnings: Vec<String>,
    pub steps: Vec<OAuthStep>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl OAuthReport {
    pub fn tally(&mut self) {
        let c = Counts::of(self.steps.iter().flat_map(|s| &s.outcomes));
        (self.passed, self.failed, self.skipped) = (c.passed, c.failed, c.skipped);
    }

    fn counts(&self) -> Counts {
        Counts { passed: self.passed, failed: self.failed, skipped: self.skipped }
    }

    /// Every check ran and passed.
    pub fn ok(&self) -> bool {
        self.counts().ok()
    }

    /// The distinct checks that failed, in the order they first failed.
    pub fn failed_checks(&self) -> Vec<OAuthCheck> {
        tally::failed_checks(self.steps.iter().flat_map(|s| &s.outcomes))
    }

    /// The outcome of a check, the first failure if any.
    pub fn outcome(&self, check: OAuthCheck) -> Option<&OAuthOutcome> {
        let all = || self.steps.iter().flat_map(|s| &s.outcomes).filter(move |o| o.check == check);
        all().find(|o| o.verdict == Verdict::Failed).or_else(|| all().next())
    }

    /// For people: a line a step, then each failure with its rule and the requests of its step.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "KooGallery OAuth login check of {} (IdP {})", self.login_url, self.idp);
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        for step in &self.steps {
            let mark = tally::step_mark(&step.outcomes);
            let _ = writeln!(out, "{mark} {:>2}. {} ({} ms)", step.index + 1, step.name, step.elapsed_ms);
            for o in &step.outcomes {
                let _ = writeln!(out, "       {} {}: {}", verdict_word(o.verdict), o.id, o.detail);
                if o.verdict == Verdict::Failed {
                    let _ = writeln!(out, "         rule: {}", o.rule);
                }
            }
            if step.failed() {
                for r in &step.requests {
                    let status = r.status.map(|s| s.to_string()).unwrap_or_else(|| "no reply".into());
                    let _ = write!(out, "         {} {} → {status}", r.method, r.url);
                    if let Some(l) = &r.location {
                        let _ = write!(out, " Location {l}");
                    }
                    if let Some(e) = &r.error {
                        let _ = write!(out, " ({e})");
                    }
                    out.push('\n');
                }
            }
        }
        self.counts().write_total(&mut out, self.elapsed_ms);
        out
    }
}
