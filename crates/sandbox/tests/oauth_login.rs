//! The sandbox IdP's record of a login, for `koodesk check-oauth` [KG §8]: every use of a login's code and
//! tokens is recorded (never the values), a spent code or refresh token is refused with invalid_grant and noted
//! against its login, userinfo takes the token in the header only, and only the client (or the feed token) may
//! read the record, replay a spent refresh token or move the clock.

use koodesk_protocol::oauth::{
    ErrorCode, LoginEventKind, LoginRecord, TokenPlacement, SANDBOX_CLOCK_PATH, SANDBOX_LOGIN_PATH, SANDBOX_REPLAY_PATH,
};
use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn sandbox() -> RunningSandbox {
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").expect("start");
    let mut cfg = SandboxConfig::new(0, 3, start);
    cfg.speed = 0.0;
    cfg.world.history_days = 1;
    cfg.world.buyers = 5;
    cfg.world.products = 3;
    serve(cfg).await.expect("sandbox starts")
}

/// A browser would follow the IdP's redirect to the (absent) callback; the test reads it instead.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

struct Client<'a> {
    sb: &'a RunningSandbox,
    http: reqwest::Client,
}

impl Client<'_> {
    fn id(&self) -> String {
        self.sb.state.cfg.oauth_client_id.clone()
    }

    fn secret(&self) -> String {
        self.sb.state.cfg.oauth_client_secret.expose().to_string()
    }

    /// An approved consent: the code the IdP redirected with.
    async fn code(&self) -> String {
        let buyer = self.sb.state.world().buyers()[0].id.clone();
        let r = self
            .http
            .post(format!("{}/api/v1/oauth2/authorize", self.sb.base_url()))
            .form(&[
                ("client_id", self.id().as_str()),
                ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("state", "s-123"),
                ("buyer_id", &buyer),
                ("decision", "approve"),
            ])
            .send()
            .await
            .expect("sent");
        let location = r.headers()["location"].to_str().expect("location").to_string();
        let u = reqwest::Url::parse(&location).expect("url");
        u.query_pairs().find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()).expect("code")
    }

    async fn token(&self, form: &[(&str, &str)]) -> reqwest::Response {
        let (id, secret) = (self.id(), self.secret());
        let mut f = vec![("client_id", id.as_str()), ("client_secret", secret.as_str())];
        f.extend_from_slice(form);
        self.http.post(format!("{}/api/v1/oauth2/token", self.sb.base_url())).form(&f).send().await.expect("sent")
    }

    async fn record(&self, code: &str) -> LoginRecord {
        let r = self
            .http
            .get(format!("{}{SANDBOX_LOGIN_PATH}", self.sb.base_url()))
            .query(&[("code", code)])
            .basic_auth(self.id(), Some(self.secret()))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.expect("record")
    }
}

/// An event as the test compares it: kind, generation, error, where the token was, replayed.
type Seen = (LoginEventKind, u32, Option<ErrorCode>, Option<TokenPlacement>, bool);

#[tokio::test]
async fn a_login_is_recorded_use_by_use() {
    let sb = sandbox().await;
    let c = Client { sb: &sb, http: no_redirects() };
    let base = sb.base_url();
    let code = c.code().await;
    let t: Value = c.token(&[("grant_type", "authorization_code"), ("code", &code)]).await.json().await.expect("t");
    let access = t["access_token"].as_str().expect("at").to_string();
    let refresh = t["refresh_token"].as_str().expect("rt").to_string();
    let again = c.token(&[("grant_type", "authorization_code"), ("code", &code)]).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert_eq!(again.json::<Value>().await.expect("e")["error"], "invalid_grant");

    // userinfo: the header works, the URL does not.
    let ok = c.http.get(format!("{base}/api/v1/oauth2/userinfo")).bearer_auth(&access).send().await.expect("sent");
    assert_eq!(ok.status(), StatusCode::OK);
    let in_url = c.http.get(format!("{base}/api/v1/oauth2/userinfo")).query(&[("access_token", &access)]).send().await;
    assert_eq!(in_url.expect("sent").status(), StatusCode::UNAUTHORIZED);

    // A refresh rotates; the spent token, presented again by the client or replayed by the IdP, is refused.
    let t2 = c.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(t2.status(), StatusCode::OK);
    let reused = c.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)]).await;
    assert_eq!(reused.json::<Value>().await.expect("e")["error"], "invalid_grant");
    let replay = |generation: u32| {
        c.http
            .post(format!("{base}{SANDBOX_REPLAY_PATH}"))
            .basic_auth(c.id(), Some(c.secret()))
            .json(&json!({"code": code, "generation": generation}))
            .send()
    };
    let r = replay(1).await.expect("sent");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.expect("e")["error"], "invalid_grant");
    assert_eq!(replay(2).await.expect("sent").status(), StatusCode::NOT_FOUND, "generation 2 is not spent");

    let rec = c.record(&code).await;
    assert_eq!(rec.state.as_deref(), Some("s-123"));
    assert_eq!(rec.tokens.iter().map(|t| t.generation).collect::<Vec<_>>(), vec![1, 2]);
    assert!(rec.tokens[0].refresh_spent_at.is_some() && rec.tokens[1].refresh_spent_at.is_none());
    let seen: Vec<Seen> = rec.events.iter().map(|e| (e.kind, e.generation, e.error, e.token_in, e.replayed)).collect();
    assert_eq!(
        seen,
        vec![
            (LoginEventKind::CodeExchange, 0, None, None, false),
            (LoginEventKind::CodeExchange, 0, Some(ErrorCode::InvalidGrant), None, false),
            (LoginEventKind::Userinfo, 1, None, Some(TokenPlacement::Header), false),
            (LoginEventKind::Userinfo, 1, Some(ErrorCode::Unauthorized), Some(TokenPlacement::Query), false),
            (LoginEventKind::Refresh, 1, None, None, false),
            (LoginEventKind::Refresh, 1, Some(ErrorCode::InvalidGrant), None, false),
            (LoginEventKind::Refresh, 1, Some(ErrorCode::InvalidGrant), None, true),
        ]
    );
    let text = serde_json::to_string(&rec).expect("json");
    assert!(!text.contains(&code) && !text.contains(&access) && !text.contains(&refresh), "no value is shown");
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn only_the_client_or_the_seller_may_ask() {
    let sb = sandbox().await;
    let c = Client { sb: &sb, http: no_redirects() };
    let base = sb.base_url();
    let code = c.code().await;
    let url = format!("{base}{SANDBOX_LOGIN_PATH}");
    let wrong = c.http.get(&url).query(&[("code", &code)]).basic_auth(c.id(), Some("wrong")).send().await;
    assert_eq!(wrong.expect("sent").status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        c.http.get(&url).query(&[("code", &code)]).send().await.expect("sent").status(),
        StatusCode::UNAUTHORIZED
    );
    let feed = sb.state.cfg.feed_token.expose().to_string();
    let seller = c.http.get(&url).query(&[("code", &code)]).bearer_auth(&feed).send().await.expect("sent");
    assert_eq!(seller.status(), StatusCode::OK);
    let unknown = c.http.get(&url).query(&[("code", "nope")]).basic_auth(c.id(), Some(c.secret())).send().await;
    assert_eq!(unknown.expect("sent").status(), StatusCode::NOT_FOUND);

    // The clock moves forward only, for the client too.
    let clock = |set: &str| {
        c.http
            .post(format!("{base}{SANDBOX_CLOCK_PATH}"))
            .basic_auth(c.id(), Some(c.secret()))
            .json(&json!({"set": set}))
            .send()
    };
    let r = clock("2026-12-01T11:00:00+08:00").await.expect("sent");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(sb.state.clock.now().to_rfc3339(), "2026-12-01T11:00:00+08:00");
    assert_eq!(clock("2026-12-01T10:00:00+08:00").await.expect("sent").status(), StatusCode::BAD_REQUEST);
    assert_eq!(clock("not a time").await.expect("sent").status(), StatusCode::BAD_REQUEST);
    sb.stop().await.expect("stops");
}

#[tokio::test]
async fn the_sample_login_starts_at_the_idp_with_a_state_of_its_own() {
    let sb = sandbox().await;
    let http = no_redirects();
    let (login, callback) =
        koodesk_sandbox::sample_saas::urls(&sb.base_url(), koodesk_sandbox::sample_saas::Flaw::None);
    let r = http.get(&login).send().await.expect("sent");
    assert_eq!(r.status(), StatusCode::FOUND);
    assert!(r.headers()["set-cookie"].to_str().expect("cookie").contains("HttpOnly"));
    let to = reqwest::Url::parse(r.headers()["location"].to_str().expect("location")).expect("url");
    assert_eq!(to.path(), "/api/v1/oauth2/authorize");
    let q = |n: &str| to.query_pairs().find(|(k, _)| k == n).map(|(_, v)| v.into_owned());
    assert_eq!(q("client_id"), Some(sb.state.cfg.oauth_client_id.clone()));
    assert_eq!(q("redirect_uri"), Some(callback.clone()));
    assert_eq!(q("response_type").as_deref(), Some("code"));
    assert!(q("state").is_some_and(|s| s.len() >= 16));
    let again = http.get(&login).send().await.expect("sent");
    let to2 = reqwest::Url::parse(again.headers()["location"].to_str().expect("location")).expect("url");
    assert_ne!(
        to2.query_pairs().find(|(k, _)| k == "state"),
        to.query_pairs().find(|(k, _)| k == "state"),
        "new each login"
    );
    // A callback from a browser that started no login is refused, and so is an unknown variant.
    assert_eq!(
        http.get(format!("{callback}?code=x&state=y")).send().await.expect("sent").status(),
        StatusCode::BAD_REQUEST
    );
    let unknown = http.get(format!("{}/sample-saas/nope/login", sb.base_url())).send().await.expect("sent");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    sb.stop().await.expect("stops");
}
