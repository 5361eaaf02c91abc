//! OAuth 2.0 for SaaS web login (authorization code and refresh), as KooGallery's tenant domain serves it
//! [KG §8]. Codes are single-use and live 10 minutes; access tokens 2 hours; refresh tokens 30 days (rotated on
//! use), all on the sandbox clock. Clients authenticate with HTTP Basic or form fields. Userinfo takes the access
//! token in `Authorization: Bearer` only.
//!
//! Each approved consent is a login, and the IdP records what the client did with its code and tokens (a
//! [`LoginRecord`], without any code or token in it) for `koodesk check-oauth` to read (`oauth_admin`).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::Duration;
use koodesk_domain::time::Instant;
use koodesk_protocol::oauth::{
    ErrorCode, LoginEvent, LoginEventKind, LoginRecord, OAuthError, TokenGeneration, TokenPlacement, TokenResponse,
    UserInfo, ACCESS_TOKEN_TTL_SECONDS, DEFAULT_SCOPE, REFRESH_TOKEN_TTL_SECONDS,
};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

use super::{bearer, pages, token_matches, AppState};
use crate::config::random_credential;

const CODE_TTL_MINUTES: i64 = 10;
/// Logins remembered for checking, newest last; older ones are forgotten (their tokens still work).
const KEPT_LOGINS: usize = 1000;

#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    buyer: usize,
    scope: String,
    expires: Instant,
    login: u64,
}

#[derive(Debug, Clone)]
struct TokenGrant {
    client_id: String,
    buyer: usize,
    scope: String,
    expires: Instant,
    login: u64,
    generation: u32,
}

/// One login: its record, and the code and spent refresh tokens that identify it (never shown).
struct Login {
    record: LoginRecord,
    code: String,
    /// Generation → its refresh token, once spent.
    spent_refresh: HashMap<u32, String>,
}

/// Codes and tokens issued; values are never logged.
#[derive(Default)]
pub struct OAuthState {
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, TokenGrant>,
    refresh: HashMap<String, TokenGrant>,
    next_login: u64,
    logins: VecDeque<Login>,
}

impl OAuthState {
    fn login_mut(&mut self, login: u64) -> Option<&mut Login> {
        self.logins.iter_mut().find(|l| l.record.login == login)
    }

    fn record(&mut self, login: u64, event: LoginEvent) {
        if let Some(l) = self.login_mut(login) {
            l.record.events.push(event);
        }
    }

    /// The record of the login whose code was `code`.
    pub(super) fn login_by_code(&self, code: &str) -> Option<&LoginRecord> {
        self.logins.iter().find(|l| l.code == code).map(|l| &l.record)
    }

    /// The spent refresh token of a login's generation.
    pub(super) fn spent_refresh(&self, code: &str, generation: u32) -> Option<String> {
        self.logins.iter().find(|l| l.code == code)?.spent_refresh.get(&generation).cloned()
    }

    /// Which login and generation a spent refresh token was.
    fn spent_refresh_owner(&self, token: &str) -> Option<(u64, u32)> {
        self.logins
            .iter()
            .find_map(|l| l.spent_refresh.iter().find(|(_, t)| t.as_str() == token).map(|(g, _)| (l.record.login, *g)))
    }
}

fn event(at: Instant, kind: LoginEventKind, generation: u32, error: Option<&OAuthError>) -> LoginEvent {
    LoginEvent {
        at,
        kind,
        generation,
        error: error.map(|e| e.error),
        detail: error.map(|e| e.error_description.clone()).unwrap_or_else(|| "answered".into()),
        token_in: None,
        replayed: false,
    }
}

pub(super) fn oauth_error(code: ErrorCode, description: impl Into<String>) -> Response {
    error_response(OAuthError::new(code, description))
}

fn error_response(e: OAuthError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = (status, axum::Json(e)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// `redirect_uri` with the reply's parameters appended.
fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", enc(v))).collect();
    Redirect::to(&format!("{redirect_uri}{sep}{}", query.join("&"))).into_response()
}

fn is_web_url(u: &str) -> bool {
    u.starts_with("http://") || u.starts_with("https://")
}

pub async fn authorize_page(State(state): State<Arc<AppState>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != state.cfg.oauth_client_id {
        return oauth_error(ErrorCode::InvalidClient, format!("unknown client_id `{}`", get("client_id")));
    }
    let redirect_uri = get("redirect_uri");
    if !is_web_url(redirect_uri) {
        return oauth_error(ErrorCode::InvalidRequest, "redirect_uri is mandatory: an http(s) URL");
    }
    if get("response_type") != "code" {
        return redirect_with(redirect_uri, &[("error", "unsupported_response_type"), ("state", get("state"))]);
    }
    let buyers: Vec<(String, String)> =
        state.world().buyers().iter().take(20).map(|b| (b.id.clone(), b.name.clone())).collect();
    let scope = if get("scope").is_empty() { DEFAULT_SCOPE } else { get("scope") };
    Html(pages::consent(get("client_id"), redirect_uri, scope, get("state"), &buyers)).into_response()
}

pub async fn authorize_consent(State(state): State<Arc<AppState>>, Form(f): Form<HashMap<String, String>>) -> Response {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != state.cfg.oauth_client_id {
        return oauth_error(ErrorCode::InvalidClient, format!("unknown client_id `{}`", get("client_id")));
    }
    let redirect_uri = get("redirect_uri");
    if !is_web_url(redirect_uri) {
        return oauth_error(ErrorCode::InvalidRequest, "redirect_uri is mandatory: an http(s) URL");
    }
    if get("decision") != "approve" {
        return redirect_with(redirect_uri, &[("error", "access_denied"), ("state", get("state"))]);
    }
    let now = state.clock.now();
    let Some(buyer) = state.world().buyers().iter().position(|b| b.id == get("buyer_id")) else {
        return oauth_error(ErrorCode::InvalidRequest, format!("unknown buyer_id `{}`", get("buyer_id")));
    };
    let code = random_credential(32);
    if let Ok(mut s) = state.oauth.lock() {
        s.next_login += 1;
        let login = s.next_login;
        let grant = CodeGrant {
            client_id: get("client_id").to_string(),
            redirect_uri: redirect_uri.to_string(),
            buyer,
            scope: if get("scope").is_empty() { DEFAULT_SCOPE.to_string() } else { get("scope").to_string() },
            expires: now + Duration::minutes(CODE_TTL_MINUTES),
            login,
        };
        s.codes.insert(code.clone(), grant);
        let record = LoginRecord {
            login,
            client_id: get("client_id").to_string(),
            redirect_uri: redirect_uri.to_string(),
            state: Some(get("state").to_string()).filter(|st| !st.is_empty()),
            authorized_at: now,
            tokens: Vec::new(),
            events: Vec::new(),
        };
        s.logins.push_back(Login { record, code: code.clone(), spent_refresh: HashMap::new() });
        if s.logins.len() > KEPT_LOGINS {
            s.logins.pop_front();
        }
    }
    redirect_with(redirect_uri, &[("code", &code), ("state", get("state"))])
}

/// The client's ID and secret, from HTTP Basic (RFC 6749 §2.3.1) or the form.
pub(super) fn client_credentials(headers: &HeaderMap, f: &HashMap<String, String>) -> Option<(String, String)> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| BASE64.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let dec = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned();
            Some((dec(id), dec(secret)))
        });
    basic.or_else(|| Some((f.get("client_id")?.clone(), f.get("client_secret")?.clone())))
}

fn issue(s: &mut OAuthState, client_id: &str, buyer: usize, scope: &str, now: Instant, login: u64) -> TokenResponse {
    let generation = s.login_mut(login).map(|l| l.record.tokens.len() as u32 + 1).unwrap_or(1);
    let access = format!("at_{}", random_credential(40));
    let refresh = format!("rt_{}", random_credential(40));
    let grant = |ttl: i64| TokenGrant {
        client_id: client_id.to_string(),
        buyer,
        scope: scope.to_string(),
        expires: now + Duration::seconds(ttl),
        login,
        generation,
    };
    s.access.insert(access.clone(), grant(ACCESS_TOKEN_TTL_SECONDS));
    s.refresh.insert(refresh.clone(), grant(REFRESH_TOKEN_TTL_SECONDS));
    if let Some(l) = s.login_mut(login) {
        l.record.tokens.push(TokenGeneration {
            generation,
            issued_at: now,
            access_expires_at: now + Duration::seconds(ACCESS_TOKEN_TTL_SECONDS),
            refresh_expires_at: now + Duration::seconds(REFRESH_TOKEN_TTL_SECONDS),
            refresh_spent_at: None,
        });
    }
    TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        scope: scope.to_string(),
        refresh_token: refresh,
    }
}

/// `grant_type=authorization_code`: a code is single-use, gone whatever happens next [KG §8].
fn code_grant(
    s: &mut OAuthState,
    client_id: &str,
    code: &str,
    redirect_uri: Option<&str>,
    now: Instant,
) -> Result<TokenResponse, OAuthError> {
    let Some(grant) = s.codes.remove(code) else {
        let e = OAuthError::new(ErrorCode::InvalidGrant, "Invalid authorization code");
        if let Some(login) = s.logins.iter().find(|l| l.code == code).map(|l| l.record.login) {
            let spent = OAuthError::new(ErrorCode::InvalidGrant, "Invalid authorization code (already used)");
            s.record(login, event(now, LoginEventKind::CodeExchange, 0, Some(&spent)));
        }
        return Err(e);
    };
    let refused = if grant.client_id != client_id {
        Some("the code was issued to another client")
    } else if now > grant.expires {
        Some("the authorization code has expired")
    } else if redirect_uri.is_some_and(|r| r != grant.redirect_uri) {
        Some("redirect_uri does not match the authorization request")
    } else {
        None
    };
    if let Some(why) = refused {
        let e = OAuthError::new(ErrorCode::InvalidGrant, why);
        s.record(grant.login, event(now, LoginEventKind::CodeExchange, 0, Some(&e)));
        return Err(e);
    }
    s.record(grant.login, event(now, LoginEventKind::CodeExchange, 0, None));
    Ok(issue(s, client_id, grant.buyer, &grant.scope, now, grant.login))
}

/// `grant_type=refresh_token`: the refresh token is rotated, the one presented spent whatever happens next
/// [KG §8]. `replayed`: presented by the IdP's own replay endpoint, for a checker.
pub(super) fn refresh_grant(
    s: &mut OAuthState,
    client_id: &str,
    presented: &str,
    now: Instant,
    replayed: bool,
) -> Result<TokenResponse, OAuthError> {
    let mark = |mut e: LoginEvent| {
        e.replayed = replayed;
        e
    };
    let Some(grant) = s.refresh.remove(presented) else {
        let e = OAuthError::new(ErrorCode::InvalidGrant, "Invalid refresh token");
        if let Some((login, generation)) = s.spent_refresh_owner(presented) {
            let spent = OAuthError::new(ErrorCode::InvalidGrant, "Invalid refresh token (already used and rotated)");
            s.record(login, mark(event(now, LoginEventKind::Refresh, generation, Some(&spent))));
        }
        return Err(e);
    };
    if let Some(l) = s.login_mut(grant.login) {
        l.spent_refresh.insert(grant.generation, presented.to_string());
        if let Some(t) = l.record.tokens.iter_mut().find(|t| t.generation == grant.generation) {
            t.refresh_spent_at = Some(now);
        }
    }
    if grant.client_id != client_id || now > grant.expires {
        let e = OAuthError::new(ErrorCode::InvalidGrant, "the refresh token has expired or is another client's");
        s.record(grant.login, mark(event(now, LoginEventKind::Refresh, grant.generation, Some(&e))));
        return Err(e);
    }
    s.record(grant.login, mark(event(now, LoginEventKind::Refresh, grant.generation, None)));
    Ok(issue(s, client_id, grant.buyer, &grant.scope, now, grant.login))
}

/// A token reply, never cached.
pub(super) fn token_reply(reply: Result<TokenResponse, OAuthError>) -> Response {
    match reply {
        Ok(t) => {
            let mut resp = axum::Json(t).into_response();
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => error_response(e),
    }
}

pub async fn token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some((client_id, secret)) = client_credentials(&headers, &f) else {
        return oauth_error(
            ErrorCode::InvalidClient,
            "client authentication is required (HTTP Basic or client_id + client_secret)",
        );
    };
    if client_id != state.cfg.oauth_client_id || !token_matches(Some(&secret), &state.cfg.oauth_client_secret) {
        return oauth_error(ErrorCode::InvalidClient, "client authentication failed");
    }
    let now = state.clock.now();
    let Ok(mut s) = state.oauth.lock() else {
        return oauth_error(ErrorCode::InvalidRequest, "try again");
    };
    let get = |k: &str| f.get(k).map(String::as_str);
    token_reply(match get("grant_type") {
        Some("authorization_code") => {
            code_grant(&mut s, &client_id, get("code").unwrap_or(""), get("redirect_uri"), now)
        }
        Some("refresh_token") => refresh_grant(&mut s, &client_id, get("refresh_token").unwrap_or(""), now, false),
        other => Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            format!("grant_type `{}`: authorization_code or refresh_token", other.unwrap_or("")),
        )),
    })
}

/// Records a userinfo call against the login its token belongs to, and answers it.
fn userinfo_refused(
    state: &AppState,
    grant: Option<&TokenGrant>,
    placement: TokenPlacement,
    e: OAuthError,
) -> Response {
    if let (Some(g), Ok(mut s)) = (grant, state.oauth.lock()) {
        let mut ev = event(state.clock.now(), LoginEventKind::Userinfo, g.generation, Some(&e));
        ev.token_in = Some(placement);
        s.record(g.login, ev);
    }
    error_response(e)
}

pub async fn userinfo(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let now = state.clock.now();
    let lookup = |t: &str| state.oauth.lock().ok()?.access.get(t).cloned();
    let Some(token) = bearer(&headers) else {
        // KooGallery takes the token in the header only; one in the URL is refused, and noted against its login.
        let grant = q.get("access_token").and_then(|t| lookup(t));
        let e = OAuthError::new(
            ErrorCode::Unauthorized,
            "the access token goes in `Authorization: Bearer <access_token>`; none was there",
        );
        return userinfo_refused(&state, grant.as_ref(), TokenPlacement::Query, e);
    };
    let grant = lookup(token);
    let Some(grant) = grant.filter(|g| now <= g.expires) else {
        let e = OAuthError::new(ErrorCode::Unauthorized, "the access token is missing, unknown or expired");
        return userinfo_refused(&state, lookup(token).as_ref(), TokenPlacement::Header, e);
    };
    if !grant.scope.split([' ', ',']).any(|s| s == DEFAULT_SCOPE) {
        let e = OAuthError::new(ErrorCode::InvalidScope, format!("userinfo needs the `{DEFAULT_SCOPE}` scope"));
        return userinfo_refused(&state, Some(&grant), TokenPlacement::Header, e);
    }
    let world = state.world();
    let Some(b) = world.buyers().get(grant.buyer) else {
        return oauth_error(ErrorCode::Unauthorized, "the user no longer exists");
    };
    let enterprise = b.kind == koodesk_protocol::feed::BuyerKind::Enterprise;
    let info = UserInfo {
        id: b.id.clone(),
        user_name: format!("user_{}", b.id.to_lowercase()),
        name: b.name.clone(),
        email: Some(format!("{}@example.com", b.id.to_lowercase())),
        mobile: Some(format!("138****{}", &b.id[b.id.len().saturating_sub(4)..])),
        role: if enterprise { "admin".into() } else { "user".into() },
        organization_name: if enterprise { b.name.clone() } else { "个人".into() },
        user_id: b.id.clone(),
        organization_code: b.taxpayer_id.clone().unwrap_or_default(),
        project_name: None,
        tenant: format!("tenant-{}", grant.client_id),
    };
    drop(world);
    if let Ok(mut s) = state.oauth.lock() {
        let mut ev = event(now, LoginEventKind::Userinfo, grant.generation, None);
        ev.token_in = Some(TokenPlacement::Header);
        s.record(grant.login, ev);
    }
    axum::Json(info).into_response()
}

pub async fn logout(Query(q): Query<HashMap<String, String>>) -> Response {
    match q.get("redirect_url").filter(|u| is_web_url(u)) {
        Some(url) => Redirect::to(url).into_response(),
        None => Redirect::to("/").into_response(),
    }
}
