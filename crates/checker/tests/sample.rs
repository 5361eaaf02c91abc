//! The checker against the sandbox's sample production interface on loopback: the correct server passes every
//! check, and each broken mode fails exactly the check for the rule it breaks.
//!
//! Nothing here depends on how fast the machine is: the sample provisions after a number of polls, not a time;
//! replies get KooGallery's own 5 s, except where a slow reply is the point (the sample then waits longer than
//! the checker does); and no test measures how long a run took.

use std::time::Duration;

use koodesk_checker::cases::{default_suites, Expectation, SavedCase, SavedSuite};
use koodesk_checker::{Check, Checker, Options, Report, Suite, Target, Verdict};
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::sample_interface::{self, Flaw, RunningSample, SampleConfig};
use serde_json::json;

const KEY: &str = "sample-interface-key-0123456789abcdef";

/// queryInstance polls the sample answers `000004` before an instance is ready.
const POLLS: u32 = 2;
/// The checker's patience with the slow sample, which answers only after `SLOW_BY`: it gives up first, always.
const SLOW_TIMEOUT: Duration = Duration::from_millis(400);
const SLOW_BY: Duration = Duration::from_millis(900);

async fn sample(flaw: Flaw) -> RunningSample {
    let mut cfg = SampleConfig::new(0, Secret::new(KEY));
    cfg.flaw = flaw;
    cfg.provisioning = Duration::ZERO;
    cfg.provisioning_polls = POLLS;
    cfg.slow_by = SLOW_BY;
    sample_interface::serve(cfg).await.expect("sample starts")
}

/// KooGallery's timeout (5 s), so a loaded machine cannot fail the timeliness check of a correct reply.
fn checker(url: &str, key: &str) -> Checker {
    checker_with(url, key, Options::default().timeout)
}

fn checker_with(url: &str, key: &str, timeout: Duration) -> Checker {
    let opts = Options { timeout, poll_interval: Duration::from_millis(1), ..Options::default() };
    Checker::new(Target { url: url.to_string(), key: Secret::new(key) }, opts).expect("checker")
}

async fn check(url: &str, suite: Suite) -> Report {
    check_with(checker(url, KEY), suite).await
}

async fn check_with(checker: Checker, suite: Suite) -> Report {
    let mut seen = 0;
    let report = checker.run(suite, &mut |_| seen += 1).await;
    assert_eq!(seen, report.steps.len(), "every step is reported as it completes");
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_correct_sample_passes_every_suite() {
    let server = sample(Flaw::None).await;
    for (suite, steps) in [(Suite::PerCall, 10), (Suite::Period, 14), (Suite::All, 15)] {
        let report = check(&server.url, suite).await;
        assert!(report.ok(), "{}", report.text());
        assert_eq!(report.steps.len(), steps, "{}", report.text());
        let ids: Vec<&str> = report.steps.iter().flat_map(|s| &s.outcomes).map(|o| o.id.as_str()).collect();
        for must in
            ["behaviour.idempotent", "behaviour.app-info", "behaviour.encrypted-fields", "security.replayed-nonce"]
        {
            assert!(ids.contains(&must), "{must} ran");
        }
        assert!(report.warnings.iter().any(|w| w.contains("plain HTTP")), "loopback HTTP is warned about");
        assert_eq!(report.warning_codes, vec![koodesk_checker::Warning::LoopbackHttp], "and by code");
        // Every outcome says what it saw by code, and its English detail is that code's sentence; every step of a
        // built-in suite is named by its kind.
        for s in &report.steps {
            assert!(s.kind.is_some_and(|k| k.english() == s.name), "{}", s.name);
            for o in &s.outcomes {
                let note = o.note.as_ref().expect("a note");
                assert_eq!(note.english(), o.detail, "{}", o.id);
            }
        }
        let text = serde_json::to_string(&report).expect("json");
        assert!(!text.contains(KEY), "the key never appears in a report");
    }
    // It provisions asynchronously, and the checker polled through 000004: POLLS answers of 000004, then 000000.
    let report = check(&server.url, Suite::PerCall).await;
    let query = report.steps.iter().find(|s| s.name.starts_with("queryInstance (poll")).expect("query step");
    let codes: Vec<bool> =
        query.exchanges.iter().map(|x| x.reply_body.as_deref().unwrap_or("").contains("000004")).collect();
    let expected: Vec<bool> = (0..POLLS).map(|_| true).chain([false]).collect();
    assert_eq!(codes, expected, "polled while 000004, then stopped");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_broken_mode_fails_exactly_its_check() {
    let cases = [
        (Flaw::WrongBodySign, Check::BodySignValid),
        (Flaw::MissingBodySign, Check::BodySignPresent),
        (Flaw::NoIdempotency, Check::Idempotent),
        (Flaw::SlowReply, Check::Timely),
        (Flaw::BadJson, Check::Json),
        (Flaw::WrongStatus, Check::StatusLine),
        (Flaw::AcceptsBadSignature, Check::BadSignature),
        (Flaw::AcceptsStaleTimestamp, Check::StaleTimestamp),
        (Flaw::AcceptsReplayedNonce, Check::ReplayedNonce),
        (Flaw::PlainCredentials, Check::EncryptedFields),
    ];
    for (flaw, expected) in cases {
        let server = sample(flaw).await;
        let timeout = if flaw == Flaw::SlowReply { SLOW_TIMEOUT } else { Options::default().timeout };
        let report = check_with(checker_with(&server.url, KEY, timeout), Suite::All).await;
        assert!(!report.ok(), "{flaw}: {}", report.text());
        assert_eq!(report.failed_checks(), vec![expected], "{flaw}:\n{}", report.text());
        let failure =
            report.steps.iter().flat_map(|s| &s.outcomes).find(|o| o.verdict == Verdict::Failed).expect("a failure");
        assert_eq!(failure.rule, expected.rule(), "the failure names the rule");
        assert!(failure.rule.contains("[KG §7]"));
        // The text for people shows the request sent and the reply received.
        let text = report.text();
        assert!(text.contains("rule:") && text.contains("request: POST http://127.0.0.1"), "{text}");
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_key_shows_as_refused_requests_not_a_pass() {
    let server = sample(Flaw::None).await;
    let report = checker(&server.url, "not-the-key").run(Suite::PerCall, &mut |_| {}).await;
    assert!(!report.ok());
    let failed = report.failed_checks();
    assert!(failed.contains(&Check::StepResult) && failed.contains(&Check::BodySignValid), "{failed:?}");
    server.stop().await;
}

#[tokio::test]
async fn plain_http_to_another_machine_is_never_called() {
    let report = checker("http://192.0.2.1:9/saasproduce", KEY).run(Suite::All, &mut |_| {}).await;
    assert_eq!(report.steps.len(), 1, "nothing but the endpoint step");
    assert_eq!(report.failed_checks(), vec![Check::Https]);
    assert!(report.steps[0].exchanges.is_empty());
}

#[tokio::test]
async fn nothing_listening_fails_reachability() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/saasproduce", listener.local_addr().expect("addr"));
    drop(listener);
    let report = checker(&url, KEY).run(Suite::PerCall, &mut |_| {}).await;
    assert_eq!(report.failed_checks(), vec![Check::Reachable], "{}", report.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_cases_replay_and_judge_their_expectations() {
    let server = sample(Flaw::None).await;
    let c = checker(&server.url, KEY);
    for suite in default_suites() {
        let report = c.run_cases(&suite, &mut |_| {}).await;
        assert!(report.ok(), "{}", report.text());
        assert_eq!(report.steps.len(), suite.cases.len() + 1);
    }
    let suite = SavedSuite {
        name: "mine".into(),
        cases: vec![
            SavedCase {
                name: "query before any instance".into(),
                request: json!({"activity": "queryInstance", "instanceId": "${instanceId}"}),
                expect: Expectation::default(),
            },
            SavedCase {
                name: "expects the wrong code".into(),
                request: json!({"activity": "queryInstance", "instanceId": "nope"}),
                expect: Expectation { result_codes: vec!["000000".into()], ..Expectation::default() },
            },
            SavedCase {
                name: "expects a field that is not there".into(),
                request: json!({"activity": "queryInstance", "instanceId": "nope"}),
                expect: Expectation {
                    result_codes: vec!["000003".into()],
                    present: vec!["/info/0".into()],
                    poll: false,
                },
            },
        ],
    };
    let report = c.run_cases(&suite, &mut |_| {}).await;
    let details: Vec<&str> = report.steps[1..]
        .iter()
        .map(|s| s.outcomes.iter().find(|o| o.check == Check::CaseExpectation).expect("judged").detail.as_str())
        .collect();
    assert!(details[0].contains("${instanceId}"), "{details:?}");
    assert!(details[1].contains("resultCode 000003, expected 000000"), "{details:?}");
    assert!(details[2].contains("/info/0"), "{details:?}");
    assert_eq!(report.failed, 3);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junit_is_well_formed_and_counts_what_the_report_counts() {
    let server = sample(Flaw::WrongStatus).await;
    let report = check(&server.url, Suite::Period).await;
    let xml = report.junit();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut skipped) = (0, 0, 0);
    let mut failure_types = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => cases += 1,
                b"failure" => {
                    failures += 1;
                    let t = e.try_get_attribute("type").expect("attr").expect("type");
                    failure_types.push(String::from_utf8_lossy(&t.value).into_owned());
                }
                b"skipped" => skipped += 1,
                _ => {}
            },
            _ => {}
        }
    }
    assert_eq!(cases, report.passed + report.failed + report.skipped);
    assert_eq!(failures, report.failed);
    assert_eq!(skipped, report.skipped);
    assert!(failures > 0 && failure_types.iter().all(|t| t == "transport.status-line"), "{failure_types:?}");
    assert!(xml.contains("HTTP/1.1 201"), "the failure shows the reply");
    server.stop().await;
}

/// A report saved before outcomes carried notes, steps their kinds and warnings their codes still reads: its English
/// lines are all it has, and the console shows them.
#[test]
fn a_report_saved_before_codes_still_reads() {
    let old = r#"{"url":"http://127.0.0.1:9/x","suite":"period","started_at":"2026-11-01T00:00:00Z","elapsed_ms":5,
        "warnings":["plain HTTP on loopback: fine for a local test; KooGallery itself calls only HTTPS"],
        "steps":[{"index":0,"name":"endpoint","exchanges":[],"elapsed_ms":0,"outcomes":[{"check":"https",
        "id":"transport.https","verdict":"passed","detail":"plain HTTP to this machine (local testing only)",
        "rule":"r","exchange":null}]}],"passed":1,"failed":0,"skipped":0}"#;
    let report: Report = serde_json::from_str(old).expect("an old report reads");
    assert!(report.warning_codes.is_empty());
    assert_eq!(report.steps[0].kind, None);
    assert_eq!(report.steps[0].outcomes[0].note, None);
    assert_eq!(report.steps[0].outcomes[0].detail, "plain HTTP to this machine (local testing only)");
}
