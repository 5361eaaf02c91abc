//! A SaaS seller's web login with KooGallery's OAuth written the right way — the reference an integrator can read,
//! and the test bed for `koodesk check-oauth` [KG §8]. The sandbox serves it under [`PREFIX`], with itself as the
//! identity provider and its own OAuth client (`oauth_client_id`, `oauth_client_secret`).
//!
//! What "right" means here:
//! 1. `/login` starts a login: a fresh, unguessable `state` kept in the browser's server-side session, and a
//!    redirect to `/api/v1/oauth2/authorize` with client_id, redirect_uri, response_type=code, scope and state.
//! 2. `/callback` refuses a missing or different `state` (the session's is spent either way) before anything
//!    else, so a forged callback never gets a code exchanged; then it exchanges the code once (the client secret
//!    in the form, from this server only), fetches userinfo with `Authorization: Bearer`, and sends the browser
//!    home.
//! 3. `/home` keeps the session alive while the user is active: an access token with less than
//!    [`REFRESH_WINDOW_MINUTES`] left (2 h from its issue) is refreshed first, and the refresh token the reply
//!    carries replaces the spent one.
//!
//! Time is the sandbox clock's, so a checker that moves it reaches a token's expiry at once. [`Flaw`] breaks one
//! of these rules, selected by the path: `/sample-saas/{flaw}/login`.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use koodesk_domain::time::Instant;
use koodesk_protocol::oauth::{TokenResponse, UserInfo, AUTHORIZE_PATH, DEFAULT_SCOPE, TOKEN_PATH, USERINFO_PATH};
use koodesk_protocol::secret::Secret;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::config::random_credential;
use crate::http::AppState;

/// Where the sandbox serves the sample.
pub const PREFIX: &str = "/sample-saas";
/// An access token with less than this left is refreshed before it is used.
pub const REFRESH_WINDOW_MINUTES: i64 = 15;
/// Browser sessions kept at most.
const KEPT_SESSIONS: usize = 1000;

/// One way to break the sample login; [`Flaw::None`] is the correct one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Flaw {
    #[default]
    None,
    /// Sends no `state` to the IdP (and so checks none).
    NoState,
    /// Sends a `state` but takes any callback, with any state or none.
    StateUnchecked,
    /// Exchanges the code twice.
    CodeTwice,
    /// Never refreshes: the login ends when the access token expires.
    NoRefresh,
    /// Refreshes only once the access token has expired and userinfo refused it.
    RefreshLate,
    /// Keeps presenting the first refresh token instead of the one each refresh returns.
    RefreshReused,
    /// Sends the access token to userinfo in the URL (`?access_token=`) instead of the header.
    TokenInQuery,
}

impl Flaw {
    pub const ALL: [Flaw; 8] = [
        Flaw::None,
        Flaw::NoState,
        Flaw::StateUnchecked,
        Flaw::CodeTwice,
        Flaw::NoRefresh,
        Flaw::RefreshLate,
        Flaw::RefreshReused,
        Flaw::TokenInQuery,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Flaw::None => "none",
            Flaw::NoState => "no-state",
            Flaw::StateUnchecked => "state-unchecked",
            Flaw::CodeTwice => "code-twice",
            Flaw::NoRefresh => "no-refresh",
            Flaw::RefreshLate => "refresh-late",
            Flaw::RefreshReused => "refresh-reused",
            Flaw::TokenInQuery => "token-in-query",
        }
    }

    /// The path the flaw's pages live under: `/sample-saas` for the correct login, `/sample-saas/{flaw}` else.
    pub fn base_path(self) -> String {
        match self {
            Flaw::None => PREFIX.to_string(),
            f => format!("{PREFIX}/{}", f.name()),
        }
    }
}

impl fmt::Display for Flaw {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Flaw {
    type Err = String;
    fn from_str(s: &str) -> Result<Flaw, String> {
        Flaw::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Flaw::ALL.iter().map(|f| f.name()).collect();
            format!("unknown flaw `{s}`; one of: {}", names.join(", "))
        })
    }
}

/// The sample's login URL and redirect URI on a sandbox at `base_url`.
pub fn urls(base_url: &str, flaw: Flaw) -> (String, String) {
    let base = format!("{}{}", base_url.trim_end_matches('/'), flaw.base_path());
    (format!("{base}/login"), format!("{base}/callback"))
}

struct Tokens {
    access: Secret,
    refresh: Secret,
    expires: Instant,
}

#[derive(Default)]
struct Session {
    /// The state of the login this browser started, until its callback spends it.
    state: Option<String>,
    tokens: Option<Tokens>,
    /// [`Flaw::RefreshReused`]: the first refresh token, presented every time.
    first_refresh: Option<Secret>,
    user: Option<String>,
}

struct Sample {
    app: Arc<AppState>,
    http: reqwest::Client,
    sessions: Mutex<HashMap<String, Session>>,
}

/// The sample's routes, to nest under [`PREFIX`].
pub fn router(app: Arc<AppState>) -> Router {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default();
    let sample = Arc::new(Sample { app, http, sessions: Mutex::new(HashMap::new()) });
    Router::new()
        .route("/login", get(|s: State<Arc<Sample>>, h: HeaderMap| login(s, Flaw::None, h)))
        .route("/callback", get(|s: State<Arc<Sample>>, h, q| callback(s, Flaw::None, h, q)))
        .route("/home", get(|s: State<Arc<Sample>>, h: HeaderMap| home(s, Flaw::None, h)))
        .route("/{flaw}/login", get(|s: State<Arc<Sample>>, Path(f): Path<String>, h| with_flaw(f, |f| login(s, f, h))))
        .route(
            "/{flaw}/callback",
            get(|s: State<Arc<Sample>>, Path(f): Path<String>, h, q| with_flaw(f, |f| callback(s, f, h, q))),
        )
        .route("/{flaw}/home", get(|s: State<Arc<Sample>>, Path(f): Path<String>, h| with_flaw(f, |f| home(s, f, h))))
        .with_state(sample)
}

async fn with_flaw<F, Fut>(name: String, then: F) -> Response
where
    F: FnOnce(Flaw) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    match name.parse::<Flaw>() {
        Ok(f) => then(f).await,
        Err(e) => page(StatusCode::NOT_FOUND, "无此示例", &e),
    }
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        r#"<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{t} · Sample SaaS</title>
<body style="font-family:sans-serif;max-width:30rem;margin:3rem auto"><h1>{t}</h1><p>{b}</p></body></html>"#,
        t = esc(title),
        b = esc(body)
    );
    (status, Html(html)).into_response()
}

fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_string())]).into_response()
}

fn cookie_name(flaw: Flaw) -> String {
    format!("sample_saas_{}", flaw.name().replace('-', "_"))
}

fn session_id(headers: &HeaderMap, flaw: Flaw) -> Option<String> {
    let name = cookie_name(flaw);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl Sample {
    fn idp(&self) -> Option<String> {
        self.app.listening().map(|a| format!("http://{a}"))
    }

    fn with_session<T>(&self, id: &str, f: impl FnOnce(&mut Session) -> T) -> T {
        let mut all = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        if all.len() >= KEPT_SESSIONS && !all.contains_key(id) {
            // A sample, not a product: past the limit, one session (any) makes room.
            if let Some(old) = all.keys().next().cloned() {
                all.remove(&old);
            }
        }
        f(all.entry(id.to_string()).or_default())
    }

    /// The token endpoint, with this server's client credentials in the form.
    async fn token(&self, idp: &str, grant: &[(&str, &str)]) -> Result<TokenResponse, String> {
        let cfg = &self.app.cfg;
        let mut form: Vec<(&str, &str)> =
            vec![("client_id", &cfg.oauth_client_id), ("client_secret", cfg.oauth_client_secret.expose())];
        form.extend_from_slice(grant);
        let resp = self.http.post(format!("{idp}{TOKEN_PATH}")).form(&form).send().await.map_err(|e| e.to_string())?;
        let status = resp.status();
        let body = resp.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("the token endpoint answered {status}: {body}"));
        }
        serde_json::from_str(&body).map_err(|e| format!("the token reply: {e}"))
    }

    async fn userinfo(&self, idp: &str, flaw: Flaw, access: &Secret) -> Result<UserInfo, StatusCode> {
        let url = format!("{idp}{USERINFO_PATH}");
        let req = match flaw {
            Flaw::TokenInQuery => self.http.get(format!("{url}?access_token={}", enc(access.expose()))),
            _ => self.http.get(url).bearer_auth(access.expose()),
        };
        let resp = req.header(header::ACCEPT, "application/json").send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
        if !resp.status().is_success() {
            return Err(resp.status());
        }
        resp.json().await.map_err(|_| StatusCode::BAD_GATEWAY)
    }

    fn keep(&self, sid: &str, flaw: Flaw, t: TokenResponse) {
        let expires = self.app.clock.now() + chrono::Duration::seconds(t.expires_in);
        let tokens = Tokens { access: Secret::new(t.access_token), refresh: Secret::new(t.refresh_token), expires };
        self.with_session(sid, |s| {
            if flaw == Flaw::RefreshReused && s.first_refresh.is_none() {
                s.first_refresh = Some(tokens.refresh.clone());
            }
            s.tokens = Some(tokens);
        });
    }

    /// Refreshes the session's tokens; the reply's refresh token replaces the spent one.
    async fn refresh(&self, idp: &str, sid: &str, flaw: Flaw) -> Result<(), String> {
        let presented = self.with_session(sid, |s| match (flaw, &s.first_refresh, &s.tokens) {
            (Flaw::RefreshReused, Some(first), _) => Some(first.clone()),
            (_, _, Some(t)) => Some(t.refresh.clone()),
            _ => None,
        });
        let Some(rt) = presented else { return Err("no refresh token".into()) };
        let t = self.token(idp, &[("grant_type", "refresh_token"), ("refresh_token", rt.expose())]).await?;
        self.keep(sid, flaw, t);
        Ok(())
    }

    fn end(&self, sid: &str) {
        self.with_session(sid, |s| {
            s.tokens = None;
            s.user = None;
        });
    }
}

async fn login(State(sample): State<Arc<Sample>>, flaw: Flaw, headers: HeaderMap) -> Response {
    let Some(idp) = sample.idp() else {
        return page(StatusCode::SERVICE_UNAVAILABLE, "未就绪", "the sandbox is not listening yet");
    };
    let sid = session_id(&headers, flaw).unwrap_or_else(|| random_credential(32));
    let state = (flaw != Flaw::NoState).then(|| random_credential(32));
    sample.with_session(&sid, |s| s.state = state.clone());
    let (_, redirect_uri) = urls(&idp, flaw);
    let mut url = format!(
        "{idp}{AUTHORIZE_PATH}?client_id={}&redirect_uri={}&response_type=code&scope={DEFAULT_SCOPE}",
        enc(&sample.app.cfg.oauth_client_id),
        enc(&redirect_uri)
    );
    if let Some(st) = &state {
        url.push_str(&format!("&state={}", enc(st)));
    }
    let cookie = format!("{}={sid}; Path={PREFIX}; HttpOnly; SameSite=Lax", cookie_name(flaw));
    let mut resp = found(&url);
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn callback(
    State(sample): State<Arc<Sample>>,
    flaw: Flaw,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(idp) = sample.idp() else {
        return page(StatusCode::SERVICE_UNAVAILABLE, "未就绪", "the sandbox is not listening yet");
    };
    let Some(sid) = session_id(&headers, flaw) else {
        return page(StatusCode::BAD_REQUEST, "登录失败", "no login was started in this browser");
    };
    // The state first, before the code is touched: a callback this browser did not start is refused [KG §8].
    let expected = sample.with_session(&sid, |s| s.state.take());
    if !matches!(flaw, Flaw::NoState | Flaw::StateUnchecked) {
        let matched = match (&expected, q.get("state")) {
            (Some(e), Some(got)) => Secret::new(e.clone()).matches(got),
            _ => false,
        };
        if !matched {
            return page(
                StatusCode::BAD_REQUEST,
                "登录失败",
                "the state does not match the login this browser started",
            );
        }
    }
    if let Some(e) = q.get("error") {
        return page(StatusCode::FORBIDDEN, "登录失败", &format!("the IdP answered {e}"));
    }
    let Some(code) = q.get("code").filter(|c| !c.is_empty()) else {
        return page(StatusCode::BAD_REQUEST, "登录失败", "the callback has no code");
    };
    let (_, redirect_uri) = urls(&idp, flaw);
    let grant =
        [("grant_type", "authorization_code"), ("code", code.as_str()), ("redirect_uri", redirect_uri.as_str())];
    let first = sample.token(&idp, &grant).await;
    if flaw == Flaw::CodeTwice {
        let _ = sample.token(&idp, &grant).await;
    }
    let t = match first {
        Ok(t) => t,
        Err(e) => return page(StatusCode::BAD_GATEWAY, "登录失败", &e),
    };
    let access = Secret::new(t.access_token.clone());
    sample.keep(&sid, flaw, t);
    match sample.userinfo(&idp, flaw, &access).await {
        Ok(user) => {
            sample.with_session(&sid, |s| s.user = Some(user.name));
            found(&format!("{}/home", flaw.base_path()))
        }
        Err(status) => {
            sample.end(&sid);
            page(StatusCode::BAD_GATEWAY, "登录失败", &format!("userinfo answered {status}"))
        }
    }
}

async fn home(State(sample): State<Arc<Sample>>, flaw: Flaw, headers: HeaderMap) -> Response {
    let Some(idp) = sample.idp() else {
        return page(StatusCode::SERVICE_UNAVAILABLE, "未就绪", "the sandbox is not listening yet");
    };
    let not_in = || page(StatusCode::UNAUTHORIZED, "请登录", "not logged in, or the login has ended: log in again");
    let Some(sid) = session_id(&headers, flaw) else { return not_in() };
    let Some(expires) = sample.with_session(&sid, |s| s.tokens.as_ref().map(|t| t.expires)) else {
        return not_in();
    };
    let soon = expires - sample.app.clock.now() < chrono::Duration::minutes(REFRESH_WINDOW_MINUTES);
    if soon && !matches!(flaw, Flaw::NoRefresh | Flaw::RefreshLate) && sample.refresh(&idp, &sid, flaw).await.is_err() {
        sample.end(&sid);
        return not_in();
    }
    for attempt in 0..2 {
        let Some(access) = sample.with_session(&sid, |s| s.tokens.as_ref().map(|t| t.access.clone())) else {
            return not_in();
        };
        match sample.userinfo(&idp, flaw, &access).await {
            Ok(user) => return page(StatusCode::OK, "首页", &format!("你好，{}", user.name)),
            Err(StatusCode::UNAUTHORIZED)
                if attempt == 0 && flaw == Flaw::RefreshLate && sample.refresh(&idp, &sid, flaw).await.is_ok() => {}
            Err(_) => break,
        }
    }
    sample.end(&sid);
    not_in()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flaws_round_trip_and_name_their_paths() {
        for f in Flaw::ALL {
            assert_eq!(f.name().parse::<Flaw>(), Ok(f));
        }
        assert!("nope".parse::<Flaw>().is_err_and(|e| e.contains("no-state")));
        assert_eq!(
            urls("http://127.0.0.1:9/", Flaw::None),
            ("http://127.0.0.1:9/sample-saas/login".into(), "http://127.0.0.1:9/sample-saas/callback".into())
        );
        assert_eq!(urls("http://h", Flaw::CodeTwice).0, "http://h/sample-saas/code-twice/login");
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; sample_saas_no_state=abc; b=2".parse().expect("header"));
        assert_eq!(session_id(&h, Flaw::NoState).as_deref(), Some("abc"));
        assert_eq!(session_id(&h, Flaw::None), None);
    }
}
