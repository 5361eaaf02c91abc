//! `koodesk merchant-change`: the outcome of a merchant-information change [KG §6], from the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

fn koodesk() -> Command {
    Command::cargo_bin("koodesk").expect("the koodesk binary is built")
}

fn json_of(args: &[&str]) -> Value {
    let out = koodesk().args(args).assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("stdout is one JSON object")
}

#[test]
fn contact_mobile_and_email_take_effect_at_once() {
    for field in ["contact-mobile", "contact-email"] {
        let v = json_of(&["merchant-change", "--field", field, "--submitted-at", "2026-09-24T20:00:00", "--json"]);
        assert_eq!(v, json!({"field": field, "outcome": "immediate", "review_due": null, "calendar": "official"}));
    }
}

#[test]
fn another_field_is_reviewed_within_three_working_days() {
    // Thursday 2026-09-24: Friday 25 is Mid-Autumn, then Mon 28, Tue 29, Wed 30.
    let v = json_of(&["merchant-change", "--field", "other", "--submitted-at", "2026-09-24T20:00:00", "--json"]);
    assert_eq!(v, json!({"field": "other", "outcome": "review", "review_due": "2026-09-30", "calendar": "official"}));
    // Late on Friday 27 November in UTC is already Saturday in Beijing: Mon 30, Tue 1, Wed 2 December.
    let v = json_of(&["merchant-change", "--field", "other", "--submitted-at", "2026-11-27T17:00:00Z", "--json"]);
    assert_eq!(v["review_due"], "2026-12-02");
    koodesk()
        .args(["merchant-change", "--field", "other", "--submitted-at", "2026-09-24T20:00:00"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2026-09-30"));
}

#[test]
fn a_year_without_holiday_data_counts_weekdays_only_and_says_so() {
    koodesk()
        .args(["merchant-change", "--field", "other", "--submitted-at", "2031-01-03T09:00:00", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""review_due":"2031-01-08""#))
        .stdout(predicate::str::contains(r#""calendar":"weekdays-only""#))
        .stderr(predicate::str::contains("no holiday data for 2031"));
}

#[test]
fn bad_values_exit_2_naming_the_argument() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["merchant-change", "--field", "company-name", "--submitted-at", "2026-09-24T20:00:00"],
            "--field",
            "contact-mobile, contact-email, other",
        ),
        (
            &["merchant-change", "--field", "other", "--submitted-at", "2026-13-01T00:00:00"],
            "--submitted-at",
            "2026-13-01",
        ),
        (&["merchant-change", "--field", "other"], "--submitted-at", "required"),
        (&["merchant-change", "--submitted-at", "2026-09-24T20:00:00"], "--field", "required"),
    ];
    for (args, names, says) in cases {
        koodesk()
            .args(*args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(*names).and(predicate::str::contains(*says)));
    }
}
