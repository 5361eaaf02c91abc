//! The OAuth suite against the sandbox on loopback, with its sample SaaS login [KG §8]: the correct login passes
//! every check, and each broken variant fails with the rule it breaks named. Nothing waits on time: the checker
//! moves the sandbox clock to reach a token's expiry.

use std::time::Duration;

use koodesk_checker::oauth::{check_oauth, OAuthCheck, OAuthReport, OAuthTarget};
use koodesk_checker::Verdict;
use koodesk_sandbox::sample_saas::{self, Flaw};
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};

async fn sandbox() -> RunningSandbox {
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").expect("start");
    let mut cfg = SandboxConfig::new(0, 7, start);
    cfg.world.history_days = 1;
    cfg.world.buyers = 5;
    cfg.world.products = 3;
    cfg.world.orders_per_day = 1.0;
    serve(cfg).await.expect("sandbox starts")
}

fn target(sb: &RunningSandbox, flaw: Flaw) -> OAuthTarget {
    let (login_url, redirect_uri) = sample_saas::urls(&sb.base_url(), flaw);
    OAuthTarget {
        login_url,
        client_id: sb.state.cfg.oauth_client_id.clone(),
        redirect_uri,
        idp: sb.base_url(),
        client_secret: sb.state.cfg.oauth_client_secret.clone(),
    }
}

/// Whether `s` holds something shaped like a sandbox token: `at_` or `rt_` and 40 letters and digits.
fn has_token(s: &str) -> bool {
    ["at_", "rt_"].iter().any(|p| {
        s.match_indices(p).any(|(i, _)| s[i + 3..].chars().take_while(char::is_ascii_alphanumeric).count() >= 40)
    })
}

async fn check(sb: &RunningSandbox, flaw: Flaw) -> OAuthReport {
    let mut seen = 0;
    let report = check_oauth(&target(sb, flaw), Duration::from_secs(5), &mut |_| seen += 1).await;
    assert_eq!(seen, report.steps.len(), "every step is reported as it completes");
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_login_passes_every_check() {
    let sb = sandbox().await;
    let report = check(&sb, Flaw::None).await;
    assert!(report.ok(), "{}", report.text());
    for c in OAuthCheck::ALL {
        let o = report.outcome(c).unwrap_or_else(|| panic!("{} ran\n{}", c.id(), report.text()));
        assert_eq!(o.verdict, Verdict::Passed, "{}", report.text());
    }
    let secret = sb.state.cfg.oauth_client_secret.expose().to_string();
    let json = serde_json::to_string(&report).expect("json");
    assert!(!json.contains(&secret) && !report.text().contains(&secret), "the client secret never shows");
    assert!(!has_token(&json) && !has_token(&report.text()), "no token shows either");
    sb.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_broken_login_fails_with_its_rule_named() {
    let sb = sandbox().await;
    let cases = [
        (Flaw::NoState, OAuthCheck::StateSent),
        (Flaw::StateUnchecked, OAuthCheck::WrongStateRefused),
        (Flaw::StateUnchecked, OAuthCheck::MissingStateRefused),
        (Flaw::CodeTwice, OAuthCheck::CodeExchangedOnce),
        (Flaw::NoRefresh, OAuthCheck::RefreshBeforeExpiry),
        (Flaw::RefreshLate, OAuthCheck::RefreshBeforeExpiry),
        (Flaw::RefreshReused, OAuthCheck::RefreshRotated),
        (Flaw::TokenInQuery, OAuthCheck::UserinfoBearer),
    ];
    for (flaw, rule) in cases {
        let report = check(&sb, flaw).await;
        assert!(!report.ok(), "{flaw} fails");
        assert!(report.failed_checks().contains(&rule), "{flaw} fails {}:\n{}", rule.id(), report.text());
        let text = report.text();
        assert!(text.contains(&format!("failed {}", rule.id())) && text.contains("[KG §8]"), "{text}");
    }
    // The state-less login fails on state alone; a late refresh is told from none.
    let report = check(&sb, Flaw::NoState).await;
    assert!(report.outcome(OAuthCheck::CodeExchangedOnce).is_some_and(|o| o.verdict == Verdict::Passed));
    let late = check(&sb, Flaw::RefreshLate).await;
    let detail = &late.outcome(OAuthCheck::RefreshBeforeExpiry).expect("judged").detail;
    assert!(detail.contains("after the access token had expired"), "{detail}");
    assert!(late.outcome(OAuthCheck::RefreshRotated).is_some_and(|o| o.verdict == Verdict::Passed), "{}", late.text());
    sb.stop().await.expect("stops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_that_is_not_there_fails_at_the_redirect() {
    let sb = sandbox().await;
    let mut t = target(&sb, Flaw::None);
    t.login_url = format!("{}/sample-saas/nope/login", sb.base_url());
    let report = check_oauth(&t, Duration::from_secs(5), &mut |_| {}).await;
    assert_eq!(report.failed_checks(), vec![OAuthCheck::LoginRedirect], "{}", report.text());
    let mut t = target(&sb, Flaw::None);
    t.login_url = "http://saas.example.com/login".into();
    let report = check_oauth(&t, Duration::from_secs(5), &mut |_| {}).await;
    assert_eq!(report.failed_checks(), vec![OAuthCheck::Https], "plain HTTP off loopback is not called");
    let mut t = target(&sb, Flaw::None);
    t.idp = "http://idp.example.com".into();
    let report = check_oauth(&t, Duration::from_secs(5), &mut |_| {}).await;
    assert_eq!(report.failed_checks(), vec![OAuthCheck::Https], "the secret is not sent in clear off loopback");
    assert_eq!(report.steps.len(), 1, "nothing is called");
    sb.stop().await.expect("stops");
}
