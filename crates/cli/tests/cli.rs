//! Runs the `koodesk` binary: the subcommands, their JSON keys (a public interface) and exit statuses.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

fn koodesk() -> Command {
    Command::cargo_bin("koodesk").expect("the koodesk binary is built")
}

/// Runs with the arguments, expects success, and parses the JSON it printed.
fn json_of(args: &[&str]) -> Value {
    let out = koodesk().args(args).assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("stdout is one JSON object")
}

#[test]
fn tax_json() {
    let v = json_of(&["tax", "--access-type", "saas", "--billing-mode", "period", "--date", "2026-11-29", "--json"]);
    assert_eq!(v["access_type"], "saas");
    assert_eq!(v["billing_mode"], "period");
    assert_eq!(v["tax_product"], "service");
    assert_eq!(v["rate"], "0.06");
    let v = json_of(&[
        "tax",
        "--access-type",
        "hardware",
        "--billing-mode",
        "per-quantity",
        "--date",
        "2018-05-01",
        "--json",
    ]);
    assert_eq!((v["tax_product"].as_str(), v["rate"].as_str()), (Some("hardware"), Some("0.16")));
    let v = json_of(&[
        "tax",
        "--access-type",
        "ai-asset",
        "--billing-mode",
        "per-call",
        "--taxpayer",
        "small-scale",
        "--date",
        "2026-01-01",
        "--amount",
        "103",
        "--json",
    ]);
    assert_eq!(v["rate"], "0.03");
    assert_eq!(v["split"], json!({"gross": "103.00", "net": "100.00", "tax": "3.00", "rate": "0.03"}));
}

#[test]
fn tax_without_mapping_names_both_arguments() {
    koodesk().args(["tax", "--access-type", "image", "--billing-mode", "per-call"]).assert().code(2).stderr(
        predicate::str::contains("--access-type/--billing-mode")
            .and(predicate::str::contains("`image`"))
            .and(predicate::str::contains("`per-call`")),
    );
}

#[test]
fn bad_arguments_exit_2_naming_the_argument_and_what_it_accepts() {
    let cases: &[(&[&str], &str, &str)] = &[
        (&["tax", "--access-type", "vm", "--billing-mode", "period"], "--access-type", "manual-service"),
        (&["tax", "--access-type", "saas", "--billing-mode", "yearly"], "--billing-mode", "per-quantity"),
        (
            &["tax", "--access-type", "saas", "--billing-mode", "period", "--taxpayer", "big"],
            "--taxpayer",
            "small-scale",
        ),
        (&["tax", "--access-type", "saas", "--billing-mode", "period", "--date", "2026-13-01"], "--date", "YYYY-MM-DD"),
        (&["amount-words", "1.005"], "AMOUNT", "more than 2 decimals"),
        (&["amount-words", "lots"], "AMOUNT", "decimal number"),
        (&["amount-words", "1000000000000"], "AMOUNT", "at most 999999999999.99"),
        (
            &[
                "invoice-rules",
                "--order-date",
                "x",
                "--requested-at",
                "2026-01-01T00:00:00",
                "--amount",
                "1",
                "--medium",
                "paper",
            ],
            "--order-date",
            "RFC 3339",
        ),
        (
            &[
                "invoice-rules",
                "--order-date",
                "2026-01-01",
                "--requested-at",
                "2026-01-01T00:00:00",
                "--amount",
                "1",
                "--medium",
                "fax",
            ],
            "--medium",
            "electronic",
        ),
        (&["appeal-check", "--side", "buyer", "--since", "2026-01-01T00:00:00"], "--side", "merchant"),
        (
            &["appeal-check", "--side", "user", "--since", "2026-01-01T00:00:00", "--rejections", "-1"],
            "--rejections",
            "invalid value",
        ),
        (
            &["refund-rule", "--access-type", "api", "--billing-mode", "per-call", "--supervised", "yes"],
            "--supervised",
            "never",
        ),
        (
            &["refund-rule", "--access-type", "saas", "--billing-mode", "period", "--supervised", "maybe"],
            "--supervised",
            "yes",
        ),
        (&["working-days", "add", "--from", "2026/01/01", "--days", "3"], "--from", "YYYY-MM-DD"),
        (&["settlement-schedule", "--period", "2026-5"], "--period", "YYYY-MM"),
    ];
    for (args, names, accepts) in cases {
        koodesk()
            .args(*args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*names).and(predicate::str::contains(*accepts)));
    }
}

#[test]
fn amount_words_prints_the_capital_form_alone() {
    for (amount, words) in [
        ("0", "零圆整"),
        ("10", "壹拾圆整"),
        ("1004.5", "壹仟零肆圆伍角整"),
        ("100.5", "壹佰圆伍角整"),
        ("1.05", "壹圆零伍分"),
        ("0.5", "伍角整"),
        ("0.05", "伍分"),
        ("100010", "壹拾万零壹拾圆整"),
        ("10010000", "壹仟零壹万圆整"),
        ("100000000", "壹亿圆整"),
    ] {
        koodesk().args(["amount-words", amount]).assert().success().stdout(format!("{words}\n"));
    }
}

#[test]
fn invoice_rules_json() {
    let v = json_of(&[
        "invoice-rules",
        "--order-date",
        "2026-11-01",
        "--requested-at",
        "2026-11-20T10:00:00",
        "--amount",
        "99.99",
        "--medium",
        "paper",
        "--json",
    ]);
    assert_eq!(v, json!({"issuer": "merchant", "due_at": "2026-11-27T10:00:00+08:00", "courier_payer": "customer"}));
    let v = json_of(&[
        "invoice-rules",
        "--order-date",
        "2018-10-31",
        "--requested-at",
        "2026-11-20T02:00:00Z",
        "--amount",
        "100",
        "--medium",
        "paper",
        "--json",
    ]);
    assert_eq!(v, json!({"issuer": "huawei", "due_at": "2026-11-27T10:00:00+08:00", "courier_payer": "merchant"}));
    let v = json_of(&[
        "invoice-rules",
        "--order-date",
        "2026-11-01",
        "--requested-at",
        "2026-11-20T10:00:00",
        "--amount",
        "5",
        "--medium",
        "electronic",
        "--joint-operation",
        "--json",
    ]);
    assert_eq!((v["issuer"].as_str(), v["courier_payer"].as_str()), (Some("huawei"), Some("none")));
}

#[test]
fn appeal_check_json() {
    let base = ["appeal-check", "--since", "2026-11-20T09:00:00", "--json"];
    let run = |side: &str, now: &str, rejections: &str| {
        let mut args = base.to_vec();
        args.extend(["--side", side, "--now", now, "--rejections", rejections]);
        json_of(&args)
    };
    // Exactly 120 h: not yet; one second later: yes.
    let v = run("user", "2026-11-25T09:00:00", "0");
    assert_eq!(
        v,
        json!({"merchant_may_appeal": false, "user_may_appeal": false,
               "merchant_may_appeal_at": "2026-11-25T09:00:00+08:00", "user_may_appeal_at": null})
    );
    assert_eq!(run("user", "2026-11-25T09:00:01", "0")["merchant_may_appeal"], true);
    let v = run("merchant", "2026-11-25T09:00:01", "3");
    assert_eq!((v["user_may_appeal"].as_bool(), v["merchant_may_appeal_at"].is_null()), (Some(true), true));
    let v = run("merchant", "2026-11-21T09:00:00", "4");
    assert_eq!(v["user_may_appeal"], true);
    assert_eq!(v["user_may_appeal_at"], "2026-11-20T09:00:00+08:00");
}

#[test]
fn refund_rule_json() {
    let run = |t: &str, m: &str, s: &str| {
        json_of(&["refund-rule", "--access-type", t, "--billing-mode", m, "--supervised", s, "--json"])
    };
    assert_eq!(
        run("manual-service", "one-time", "yes"),
        json!({"rule": "negotiated", "where": "买家中心 > 我的云商店 > 退订管理"})
    );
    assert_eq!(run("image", "period", "no"), json!({"rule": "five-day-full", "where": "费用中心 > 退订管理"}));
    assert_eq!(run("saas", "on-demand", "no")["rule"], "not-refundable");
    assert_eq!(run("api", "per-call-package", "no")["rule"], "not-refundable");
}

#[test]
fn working_days() {
    koodesk()
        .args(["working-days", "add", "--from", "2026-09-30", "--days", "1"])
        .assert()
        .success()
        .stdout("2026-10-08\n");
    koodesk()
        .args(["working-days", "add", "--from", "2026-10-08", "--days", "-1"])
        .assert()
        .success()
        .stdout("2026-09-30\n");
    koodesk().args(["working-days", "check", "2026-02-14"]).assert().success();
    koodesk().args(["working-days", "check", "2026-02-16"]).assert().code(1).stdout(predicate::str::contains("春节"));
}

#[test]
fn a_year_without_holiday_data_is_reported_not_silent() {
    koodesk()
        .args(["working-days", "add", "--from", "2027-03-01", "--days", "2", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"calendar_fallback_years\":[2027]"))
        .stderr(predicate::str::contains("no holiday data for 2027"));
}

#[test]
fn extra_calendar_years_from_a_file() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("koodesk-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("2027.json");
    std::fs::write(
        &file,
        r#"{"years":[{"year":2027,"source":"test","holidays":[{"name":"元旦","from":"2027-01-01","to":"2027-01-01"}],"working_weekends":[]}]}"#,
    )
    .expect("write");
    let path = file.to_str().expect("utf-8 path");
    koodesk()
        .args(["--calendar", path, "working-days", "add", "--from", "2026-12-31", "--days", "1"])
        .assert()
        .success()
        .stdout("2027-01-04\n")
        .stderr("");
    std::fs::write(&file, "{not json").expect("write");
    koodesk()
        .args(["--calendar", path, "working-days", "add", "--from", "2026-12-31", "--days", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--calendar"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn settlement_schedule_json() {
    let v = json_of(&["settlement-schedule", "--period", "2026-09", "--json"]);
    assert_eq!(
        v,
        json!({"period": "2026-09", "bill_id": "202609", "bill_date": "2026-10-08", "send_by": "2026-10-10",
               "sign_off_by": "2026-10-21", "payment_by": "2026-10-29", "calendar_fallback_years": []})
    );
}

#[test]
fn credit_code_exit_status() {
    koodesk().args(["credit-code", "91350100M000100Y43"]).assert().success().stdout(predicate::str::contains("valid"));
    koodesk()
        .args(["credit-code", "91350100M000100Y44"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("GB 32100-2015"));
    let out = koodesk().args(["credit-code", "9135", "--json"]).assert().code(1).get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(v["valid"], false);
    assert!(v["reason"].as_str().is_some_and(|r| r.contains("18 characters")));
}

#[test]
fn help_lists_every_subcommand() {
    let out = koodesk().arg("--help").assert().success().get_output().stdout.clone();
    let text = String::from_utf8(out).expect("utf-8");
    for sub in [
        "tax",
        "amount-words",
        "invoice-rules",
        "appeal-check",
        "refund-rule",
        "working-days",
        "settlement-schedule",
        "credit-code",
    ] {
        assert!(text.contains(sub), "{sub} missing from --help");
    }
}

#[test]
fn sandbox_flags_that_cannot_work_are_refused_naming_the_flag() {
    let refused = |args: &[&str], env: &[(&str, &str)], needle: &str| {
        let mut cmd = koodesk();
        cmd.arg("sandbox").args(["--port", "0", "--history-days", "0"]).args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env_remove("KOODESK_TEST_NO_SUCH_VAR");
        cmd.assert().code(2).stderr(predicate::str::contains(needle));
    };
    refused(&["--open-api-rate-limit", "0"], &[], "--open-api-rate-limit: at least 1");
    refused(
        &["--call-interface", "http://127.0.0.1:9/saasproduce", "--interface-key-env", "KOODESK_TEST_NO_SUCH_VAR"],
        &[],
        "--interface-key-env KOODESK_TEST_NO_SUCH_VAR: the environment variable KOODESK_TEST_NO_SUCH_VAR is not set",
    );
    refused(
        &["--call-interface", "http://10.1.2.3/saasproduce", "--interface-key-env", "KOODESK_TEST_KEY"],
        &[("KOODESK_TEST_KEY", "k-0123456789")],
        "--call-interface: the production URL `http://10.1.2.3/saasproduce` is not an http:// URL on a loopback",
    );
}

#[test]
fn sync_sends_the_feed_token_only_over_https_or_to_this_machine() {
    let db = std::env::temp_dir().join(format!("koodesk-never-created-{}.db", std::process::id()));
    for feed in ["http://127.evil.example", "http://127.0.0.1.nip.io:8787", "http://user@127.0.0.1@evil", "ftp://x"] {
        koodesk()
            .args(["sync", "--db"])
            .arg(&db)
            .args(["--feed", feed])
            .env("KOODESK_FEED_TOKEN", "kdf_must_not_travel_in_clear")
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("--feed: ")
                    .and(predicate::str::contains("127.0.0.0/8, [::1] or localhost"))
                    .and(predicate::str::contains("kdf_").not()),
            );
    }
    assert!(!db.exists(), "refused before the store was opened");
}
