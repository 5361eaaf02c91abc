//! What a run found: steps, the exchanges each sent and received, the outcome of every check; as JSON, as text for
//! people, and as JUnit XML for CI systems.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalogue::Check;
use crate::note::{Note, StepKind, Warning};
use crate::tally::{self, verdict_word, Counts, Judged};

/// One request sent and what came back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Exchange {
    pub activity: String,
    /// The URL with its `signature`, `timestamp` and `nonce` (none of which reveals the key).
    pub url: String,
    pub request_body: String,
    /// `HTTP/1.1` etc.; `None` when nothing came back.
    pub http_version: Option<String>,
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub body_sign: Option<String>,
    /// At most 64 KiB of the reply body.
    pub reply_body: Option<String>,
    pub elapsed_ms: u64,
    /// Why nothing (or nothing whole) came back.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Passed,
    Failed,
    /// Could not be checked because an earlier check of the step (or a step it needs) failed.
    Skipped,
}

/// The outcome of one check in one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Outcome {
    pub check: Check,
    /// [`Check::id`], for readers of the JSON.
    pub id: String,
    pub verdict: Verdict,
    /// What was seen, by code with its values: the console words it in the seller's language. `None` only in a
    /// report saved before outcomes carried it (its `detail` is then all there is).
    #[serde(default)]
    pub note: Option<Note>,
    /// What was seen; for a failure, what was wrong: [`Note::english`], for the CLI, JUnit and readers of the JSON.
    pub detail: String,
    /// The rule from the documentation.
    pub rule: String,
    /// Index into the step's exchanges of the one this outcome is about.
    pub exchange: Option<usize>,
}

impl Outcome {
    pub fn new(check: Check, verdict: Verdict, note: Note, exchange: Option<usize>) -> Outcome {
        Outcome {
            check,
            id: check.id().to_string(),
            verdict,
            detail: note.english(),
            note: Some(note),
            rule: check.rule().to_string(),
            exchange,
        }
    }
}

impl Judged for Outcome {
    type Check = Check;
    fn check(&self) -> Check {
        self.check
    }
    fn verdict(&self) -> Verdict {
        self.verdict
    }
}

/// One step of a run: usually one call, sometimes a call and its repeats (polling, a replay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StepReport {
    pub index: usize,
    pub name: String,
    /// A built-in suite's step, by code (the console names it); none for a saved case's step, named by the seller,
    /// and in a report saved before steps carried it.
    #[serde(default)]
    pub kind: Option<StepKind>,
    pub exchanges: Vec<Exchange>,
    pub outcomes: Vec<Outcome>,
    pub elapsed_ms: u64,
}

impl StepReport {
    pub fn failed(&self) -> bool {
        self.outcomes.iter().any(|o| o.verdict == Verdict::Failed)
    }
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Report {
    pub url: String,
    pub suite: String,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub elapsed_ms: u64,
    /// In English ([`Warning::english`]), for the CLI, JUnit and readers of the JSON.
    pub warnings: Vec<String>,
    /// The same warnings by code, for the console to word; empty in a report saved before they were kept.
    #[serde(default)]
    pub warning_codes: Vec<Warning>,
    pub steps: Vec<StepReport>,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Report {
    /// Recounts passed, failed and skipped from the steps.
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
    pub fn failed_checks(&self) -> Vec<Check> {
        tally::failed_checks(self.steps.iter().flat_map(|s| &s.outcomes))
    }

    /// For people: a line a step, then each failure with its rule, request and reply.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "KooGallery production-interface check of {} (suite {})", self.url, self.suite);
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        for step in &self.steps {
            let mark = tally::step_mark(&step.outcomes);
            let _ = writeln!(out, "{mark} {:>2}. {} ({} ms)", step.index + 1, step.name, step.elapsed_ms);
            for o in step.outcomes.iter().filter(|o| o.verdict != Verdict::Passed) {
                let _ = writeln!(out, "       {} {}: {}", verdict_word(o.verdict), o.id, o.detail);
                if o.verdict == Verdict::Failed {
                    let _ = writeln!(out, "         rule: {}", o.rule);
                    if let Some(x) = o.exchange.and_then(|i| step.exchanges.get(i)) {
                        let _ = writeln!(out, "         request: POST {}", x.url);
                        let _ = writeln!(out, "                  {}", x.request_body);
                        let _ = writeln!(out, "         reply:   {}", reply_line(x));
                    }
                }
            }
        }
        self.counts().write_total(&mut out, self.elapsed_ms);
        out
    }

    /// JUnit XML: one test suite, one test case per step and check.
    pub fn junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let tests = self.passed + self.failed + self.skipped;
        let secs = self.elapsed_ms as f64 / 1000.0;
        let _ = writeln!(
            out,
            "<testsuites name=\"koodesk check-interface\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{secs:.3}\">",
            self.failed, self.skipped
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{secs:.3}\" timestamp=\"{}\">",
            xml(&format!("{} {}", self.suite, self.url)),
            self.failed,
            self.skipped,
            xml(&self.started_at)
        );
        let _ = writeln!(out, "    <properties><property name=\"url\" value=\"{}\"/></properties>", xml(&self.url));
        for step in &self.steps {
            let class = format!("{:02} {}", step.index + 1, step.name);
            for o in &step.outcomes {
                let time = step.elapsed_ms as f64 / 1000.0 / step.outcomes.len().max(1) as f64;
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{time:.3}\"",
                    xml(&class),
                    xml(&o.id)
                );
                match o.verdict {
                    Verdict::Passed => out.push_str("/>\n"),
                    Verdict::Skipped => {
                        let _ = writeln!(out, ">\n      <skipped message=\"{}\"/>\n    </testcase>", xml(&o.detail));
                    }
                    Verdict::Failed => {
                        let mut body = format!("rule: {}\n", o.rule);
                        if let Some(x) = o.exchange.and_then(|i| step.exchanges.get(i)) {
                            let _ = write!(
                                body,
                                "request: POST {}\n{}\nreply: {}\n{}",
                                x.url,
                                x.request_body,
                                reply_line(x),
                                x.reply_body.as_deref().unwrap_or("")
                            );
                        }
                        let _ = writeln!(
                            out,
                            ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                            xml(&o.detail),
                            xml(&o.id),
                            xml(&body)
                        );
                    }
                }
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

fn reply_line(x: &Exchange) -> String {
    match (&x.error, x.status) {
        (Some(e), None) => format!("none ({e}) after {} ms", x.elapsed_ms),
        _ => format!(
            "{} {} in {} ms, Content-Type {}, Body-Sign {}: {}",
            x.http_version.as_deref().unwrap_or("HTTP/?"),
            x.status.map(|s| s.to_string()).unwrap_or_default(),
            x.elapsed_ms,
            x.content_type.as_deref().unwrap_or("(none)"),
            if x.body_sign.is_some() { "present" } else { "absent" },
            x.reply_body.as_deref().unwrap_or("")
        ),
    }
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
