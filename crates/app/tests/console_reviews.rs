//! Submissions on the Seller Console for review [KG §6], through the dispatcher the window and the browser use:
//! recorded with who recorded them, in the inbox with their due date, an overdue one notified once it is shown,
//! and gone from the inbox once KooGallery's answer is recorded.

use koodesk_app::dispatch::call;
use koodesk_app::{Workspace, WorkspaceConfig};
use serde_json::{json, Value};

async fn files_workspace(name: &str) -> std::sync::Arc<Workspace> {
    let dir = tempfile::Builder::new().prefix(&format!("koodesk-reviews-{name}-")).tempdir().expect("dir").keep();
    std::fs::write(dir.join("settings.json"), r#"{"mode": "files", "operator": "王五"}"#).expect("settings");
    Workspace::open(WorkspaceConfig::new(&dir)).await.expect("workspace")
}

async fn ok(ws: &Workspace, command: &str, args: Value) -> Value {
    match call(ws, command, args.clone()).await {
        Ok(v) => v,
        Err(e) => panic!("{command} {args}: {e:?}"),
    }
}

fn inbox_item<'a>(overview: &'a Value, ref_id: &str) -> Option<&'a Value> {
    overview["inbox"]["items"].as_array()?.iter().find(|i| i["ref_id"] == ref_id)
}

#[tokio::test]
async fn a_change_in_review_waits_in_the_inbox_is_notified_when_overdue_and_leaves_when_answered() {
    let ws = files_workspace("day").await;
    // Submitted long ago (Monday 2026-06-01 → due Thursday 2026-06-04), never answered: overdue now.
    let late = ok(
        &ws,
        "console_review_record",
        json!({"subject": "merchant-info", "field": "other", "note": "公司地址", "submitted_at": "2026-06-01T10:00:00"}),
    )
    .await;
    assert_eq!((late["status"].as_str(), late["review_due"].as_str()), (Some("in-review"), Some("2026-06-04")));
    assert_eq!((late["recorded_by"].as_str(), late["calendar"].as_str()), (Some("王五"), Some("official")));
    let id = late["id"].as_str().expect("id").to_string();
    let mobile = ok(
        &ws,
        "console_review_record",
        json!({"subject": "merchant-info", "field": "contact-mobile", "submitted_at": "2026-06-01T10:00:00"}),
    )
    .await;
    assert_eq!((mobile["status"].as_str(), mobile["review_due"].as_str()), (Some("effective"), None));

    let overview = ok(&ws, "overview", json!({})).await;
    let item = inbox_item(&overview, &id).expect("the review is in the inbox");
    assert_eq!((item["group"].as_str(), item["action"].as_str()), (Some("reviews"), Some("await-review")));
    assert_eq!(item["due_at"], "2026-06-05T00:00:00+08:00");
    assert_eq!(item["overdue"], true);
    assert!(inbox_item(&overview, mobile["id"].as_str().expect("id")).is_none(), "effective at once: nothing to do");

    let due = ok(&ws, "notifications_due", json!({})).await;
    let notice = due["notices"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["key"].as_str().is_some_and(|k| k.starts_with("review-overdue:"))))
        .expect("an overdue review is notified")
        .clone();
    assert_eq!(notice["key"], format!("review-overdue:{id}:2026-06-05T00:00:00+08:00"));
    assert_eq!(notice["route"], format!("/onboarding?review={id}"));
    assert_eq!(notice["about"]["code"], "review-overdue");
    assert_eq!(notice["about"]["item"]["facts"]["subject"], "merchant-info");
    let again = ok(&ws, "notifications_due", json!({})).await;
    assert!(again["notices"].as_array().is_some_and(|n| n.iter().any(|n| n["key"] == notice["key"])), "until shown");
    ok(&ws, "notification_shown", json!({"key": notice["key"], "route": notice["route"]})).await;
    let after = ok(&ws, "notifications_due", json!({})).await;
    assert!(after["notices"].as_array().is_some_and(|n| n.iter().all(|n| n["key"] != notice["key"])), "shown once");

    let open = ok(&ws, "console_reviews", json!({"open_only": true})).await;
    assert_eq!(open["items"].as_array().map(Vec::len), Some(1));
    let refused =
        call(&ws, "console_review_answer", json!({"id": id, "approved": false})).await.expect_err("no reason");
    assert_eq!(refused.code, "invalid");
    assert!(refused.message.starts_with("note"), "{}", refused.message);
    let answered = ok(&ws, "console_review_answer", json!({"id": id, "approved": true})).await;
    assert_eq!(answered["status"], "approved");
    assert!(inbox_item(&ok(&ws, "overview", json!({})).await, &id).is_none(), "answered: out of the inbox");
    let all = ok(&ws, "console_reviews", json!({})).await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn bad_arguments_are_refused_naming_the_field() {
    let ws = files_workspace("bad").await;
    let cases = [
        (json!({"subject": "merchant-info", "field": "company-name", "submitted_at": "2026-06-01T10:00:00"}), "field"),
        (json!({"subject": "merchant-info", "field": "other", "submitted_at": "yesterday"}), "submitted_at"),
        (json!({"subject": "listing", "submitted_at": "2026-06-01T10:00:00"}), "product_id"),
        (json!({"subject": "company", "submitted_at": "2026-06-01T10:00:00"}), "subject `company`: expected one of"),
    ];
    for (args, field) in cases {
        let e = call(&ws, "console_review_record", args.clone()).await.expect_err("refused");
        assert_eq!(e.code, "invalid", "{args}");
        assert!(e.message.contains(field), "{args}: {}", e.message);
        assert!(!e.message.contains("unknown variant"), "{}", e.message);
    }
    assert_eq!(ok(&ws, "console_reviews", json!({})).await["items"].as_array().map(Vec::len), Some(0));
}
