//! `koodesk check-oauth` against a `koodesk sandbox` process on loopback, with the sandbox's sample SaaS login
//! [KG §8]: exit status 0 when every check passes, 1 naming the rule a broken login breaks, 2 for bad arguments;
//! the client secret is never printed.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const SECRET: &str = "cli-test-oauth-client-secret-4d9e1b";

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_koodesk"))
}

struct Sandbox {
    child: Child,
    url: String,
    client_id: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox() -> Sandbox {
    let mut child = Command::new(bin())
        .args(["sandbox", "--port", "0", "--json", "--buyers", "5", "--products", "3", "--history-days", "1"])
        .env("KOODESK_SANDBOX_CLIENT_SECRET", SECRET)
        .env("KOODESK_SANDBOX_CLIENT_ID", "cli-test-client")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sandbox starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("banner");
    let banner: Value = serde_json::from_str(&line).expect("json banner");
    Sandbox {
        child,
        url: banner["url"].as_str().expect("url").to_string(),
        client_id: banner["client_id"].as_str().expect("client id").to_string(),
    }
}

fn check(sb: &Sandbox, flaw: Option<&str>, extra: &[&str]) -> Output {
    let base = match flaw {
        None => format!("{}/sample-saas", sb.url),
        Some(f) => format!("{}/sample-saas/{f}", sb.url),
    };
    Command::new(bin())
        .args(["check-oauth", "--login-url", &format!("{base}/login"), "--redirect-uri", &format!("{base}/callback")])
        .args(["--client-id", &sb.client_id, "--idp", &sb.url, "--client-secret-env", "THE_SECRET"])
        .args(extra)
        .env("THE_SECRET", SECRET)
        .output()
        .expect("runs")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

#[test]
fn the_sample_login_passes_and_the_secret_is_never_printed() {
    let sb = sandbox();
    let out = check(&sb, None, &[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("PASS") && all.contains("oauth.refresh-rotated"), "{all}");
    assert!(!all.contains(SECRET), "the client secret is not printed");

    let out = check(&sb, None, &["--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["failed"], 0);
    assert!(report["passed"].as_u64().is_some_and(|n| n >= 16), "{report}");
    assert!(!text(&out).contains(SECRET));
}

#[test]
fn a_broken_login_exits_1_naming_the_rule() {
    let sb = sandbox();
    for (flaw, rule) in [("code-twice", "oauth.code-exchanged-once"), ("token-in-query", "oauth.userinfo-bearer")] {
        let out = check(&sb, Some(flaw), &["--json"]);
        assert_eq!(out.status.code(), Some(1), "{flaw}: {}", text(&out));
        let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        let failed: Vec<&str> = report["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .flat_map(|s| s["outcomes"].as_array().expect("outcomes"))
            .filter(|o| o["verdict"] == "failed")
            .filter_map(|o| o["id"].as_str())
            .collect();
        assert!(failed.contains(&rule), "{flaw} fails {rule}: {failed:?}");
        assert!(!text(&out).contains(SECRET));
    }
    let out = check(&sb, Some("no-state"), &[]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(all.contains("failed oauth.state-sent") && all.contains("rule: ") && all.contains("[KG §8]"), "{all}");
}

#[test]
fn bad_arguments_exit_2_naming_the_argument() {
    let out = Command::new(bin())
        .args(["check-oauth", "--login-url", "http://127.0.0.1:9/login", "--redirect-uri", "http://127.0.0.1:9/cb"])
        .args(["--client-id", "c", "--client-secret-env", "KOODESK_TEST_UNSET_SECRET_VAR"])
        .env_remove("KOODESK_TEST_UNSET_SECRET_VAR")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--client-secret-env KOODESK_TEST_UNSET_SECRET_VAR"), "{}", text(&out));
    let out = Command::new(bin())
        .args(["check-oauth", "--login-url", "not a url", "--redirect-uri", "http://127.0.0.1:9/cb"])
        .args(["--client-id", "c", "--client-secret-env", "THE_SECRET"])
        .env("THE_SECRET", SECRET)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--login-url"), "{}", text(&out));
}
