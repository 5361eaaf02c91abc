//! `koodesk license activate|query` (the built binary) against a sandbox on loopback, with the AK/SK in
//! KOODESK_ACCESS_KEY and KOODESK_SECRET_KEY: the `--json` answer, the exit statuses (0 success, 1 KooGallery's
//! refusal named, 2 a bad argument named), and the secret key never printed.

use assert_cmd::Command;
use koodesk_domain::supervision::ProductType;
use koodesk_sandbox::RunningSandbox;
use serde_json::Value;

mod support;

fn sandbox() -> support::Running {
    support::sandbox(32, 20)
}

/// A License 2.0 order's ID and code.
fn license_order(sb: &RunningSandbox) -> (String, String) {
    let w = sb.state.world();
    let f = w.flows().iter().find(|f| f.flow.product() == ProductType::License2).expect("a License 2.0 order");
    (w.orders()[f.order].id.clone(), w.license_code(f.order).expect("its code"))
}

fn license(sb: &RunningSandbox, args: &[&str]) -> (Option<i32>, String, String) {
    let mut c = Command::cargo_bin("koodesk").expect("binary");
    c.env("KOODESK_ACCESS_KEY", &sb.state.cfg.access_key)
        .env("KOODESK_SECRET_KEY", sb.state.cfg.secret_key.expose())
        .arg("license")
        .args(args)
        .args(["--api", &sb.base_url()]);
    let out = c.output().expect("runs");
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string());
    let secret = sb.state.cfg.secret_key.expose();
    assert!(!stdout.contains(secret) && !stderr.contains(secret), "the secret key is never printed");
    (out.status.code(), stdout, stderr)
}

#[test]
fn query_and_activate_answer_the_codes_state() {
    let r = sandbox();
    let sb = &r.sandbox;
    let (order_id, code) = license_order(sb);

    let (status, stdout, stderr) = license(sb, &["query", "--code", &code, "--json"]);
    assert_eq!(status, Some(0), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["operation"], "query");
    assert_eq!(v["code"], code.as_str());
    assert_eq!(v["order_id"], order_id.as_str());
    assert!(v["status"] == "alive" || v["status"] == "released", "{v}");
    assert!(v["expire_at"].as_str().is_some_and(|t| t.ends_with("+08:00")), "Beijing time: {v}");

    let (status, stdout, stderr) =
        license(sb, &["activate", "--code", &code, "--effective-at", "2026-11-29 10:00", "--json"]);
    if v["status"] == "alive" {
        assert_eq!(status, Some(0), "{stderr}");
        assert_eq!(serde_json::from_str::<Value>(&stdout).expect("json")["operation"], "activate");
    } else {
        assert_eq!(status, Some(1), "a released code is refused: {stdout}");
    }
}

#[test]
fn refusals_and_bad_arguments_are_named() {
    let r = sandbox();
    let sb = &r.sandbox;
    let (status, _, stderr) = license(sb, &["activate", "--code", "LIC-NO-SUCH-ORDER"]);
    assert_eq!(status, Some(1));
    assert!(stderr.contains("license/activate refused the code: 94060999 (failed)"), "{stderr}");

    let (status, _, stderr) = license(sb, &["activate", "--code", "LIC-1", "--effective-at", "tomorrow"]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("--effective-at"), "{stderr}");

    let (status, _, stderr) = license(sb, &["query", "--code", "  "]);
    assert_eq!(status, Some(2));
    assert!(stderr.contains("--code"), "{stderr}");
}
