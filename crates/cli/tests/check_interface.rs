//! `koodesk check-interface` against `koodesk sample-interface` processes on loopback: exit status, the text
//! and JSON reports, JUnit written, saved cases from a file, and the key never printed.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

const KEY: &str = "cli-test-interface-key-7f3a9c";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_koodesk"))
}

struct Sample {
    child: Child,
    url: String,
}

impl Drop for Sample {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sample(flaw: &str) -> Sample {
    let mut child = Command::new(bin())
        .args(["sample-interface", "--port", "0", "--json", "--flaw", flaw, "--provisioning-ms", "50"])
        .env("KOODESK_SAMPLE_INTERFACE_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sample starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let banner: Value = serde_json::from_str(&line).expect("json banner");
    assert_eq!(banner["flaw"], flaw);
    Sample { child, url: banner["url"].as_str().expect("url").to_string() }
}

fn check(url: &str, extra: &[&str]) -> std::process::Output {
    Command::new(bin())
        .args(["check-interface", "--url", url, "--key-env", "THE_KEY"])
        .args(extra)
        .env("THE_KEY", KEY)
        .output()
        .expect("runs")
}

fn temp(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-check-{}-{name}", std::process::id()))
}

#[test]
fn a_correct_endpoint_passes_with_status_0_and_a_junit_report() {
    let s = sample("none");
    let junit = temp("ok.xml");
    let out = check(&s.url, &["--suite", "period", "--report", junit.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("PASS"), "{stdout}");
    assert!(stderr.contains("ok newInstance (新购)"), "live progress on stderr: {stderr}");
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(xml.contains("<testsuites") && xml.contains("failures=\"0\""), "{xml}");
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY) && !xml.contains(KEY), "the key is never printed");
    let _ = std::fs::remove_file(junit);
}

#[test]
fn a_broken_endpoint_fails_with_status_1_naming_the_check_and_rule() {
    let s = sample("no-idempotency");
    let out = check(&s.url, &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    let failed: Vec<&Value> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .flat_map(|s| s["outcomes"].as_array().expect("outcomes"))
        .filter(|o| o["verdict"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["id"], "behaviour.idempotent");
    assert!(failed[0]["rule"].as_str().expect("rule").contains("orderId + orderLineId"));
    let s = sample("missing-body-sign");
    let out = check(&s.url, &["--suite", "per-call"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("failed reply.body-sign-present") && stdout.contains("rule: Every reply carries Body-Sign"),
        "{stdout}"
    );
    assert!(stdout.contains("request: POST http://127.0.0.1") && stdout.contains("Body-Sign absent"), "{stdout}");
}

#[test]
fn saved_cases_from_a_file() {
    let s = sample("none");
    let file = temp("cases.json");
    let cases = serde_json::json!({"format": "koodesk-interface-cases/1", "suites": [
        {"name": "mine", "cases": [
            {"name": "buy", "request": {"activity": "newInstance", "orderId": "${orderId}", "orderLineId": "${orderLineId}", "businessId": "${businessId}"}, "expect": {"result_codes": ["000000", "000004"]}},
            {"name": "look", "request": {"activity": "queryInstance", "instanceId": "${instanceId}"}, "expect": {"poll": true, "present": ["/info/0/appInfo/frontEndUrl"]}}
        ]},
        {"name": "other", "cases": [{"name": "bad", "request": {"activity": "queryInstance", "instanceId": "x"}}]}
    ]});
    std::fs::write(&file, cases.to_string()).expect("write");
    let path = file.to_str().expect("utf-8");
    let out = check(&s.url, &["--cases", path, "--case-suite", "mine"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = check(&s.url, &["--cases", path]);
    assert_eq!(out.status.code(), Some(1), "the `other` suite expects 000000 of an unknown instance");
    std::fs::write(&file, r#"{"format":"koodesk-interface-cases/1","suites":[{"name":"s","cases":[{"name":"c","request":{"activity":"x","id":"${nope}"}}]}]}"#).expect("write");
    let out = check(&s.url, &["--cases", path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("${nope}"));
    let _ = std::fs::remove_file(file);
}

#[test]
fn usage_errors_name_the_argument() {
    let out = Command::new(bin()).args(["check-interface", "--url", "http://127.0.0.1:1/x"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "a key source is required");
    let out = check("http://127.0.0.1:1/x", &[]);
    assert_eq!(out.status.code(), Some(1), "nothing listening: a failed check, not a crash");
    assert!(String::from_utf8_lossy(&out.stdout).contains("transport.reachable"));
    let out = Command::new(bin())
        .args(["check-interface", "--url", "http://127.0.0.1:1/x", "--key-env", "KOODESK_TEST_UNSET_VAR"])
        .env_remove("KOODESK_TEST_UNSET_VAR")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--key-env KOODESK_TEST_UNSET_VAR"));
    let out = check("http://example.com/produce", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("HTTPS only"));
}
