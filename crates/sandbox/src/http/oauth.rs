//! OAuth 2.0 for SaaS web login (authorization code and refresh), as KooGallery's tenant domain serves it
//! [KG §8]. Codes are single-use and live 10 minutes; access tokens 2 hours; refresh tokens 30 days (rotated on
//! use), all on the sandbox clock. Clients authenticate with HTTP Basic or form fields.

use std::collections::HashMap;
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
    ErrorCode, OAuthError, TokenResponse, UserInfo, ACCESS_TOKEN_TTL_SECONDS, DEFAULT_SCOPE, REFRESH_TOKEN_TTL_SECONDS,
};
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

use super::{bearer, pages, token_matches, AppState};
use crate::config::random_credential;

const CODE_TTL_MINUTES: i64 = 10;

#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    buyer: usize,
    scope: String,
    expires: Instant,
}

#[derive(Debug, Clone)]
struct TokenGrant {
    client_id: String,
    buyer: usize,
    scope: String,
    expires: Instant,
}

/// Codes and tokens issued; values are never logged.
#[derive(Default)]
pub struct OAuthState {
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, TokenGrant>,
    refresh: HashMap<String, TokenGrant>,
}

fn oauth_error(code: ErrorCode, description: impl Into<String>) -> Response {
    let e = OAuthError::new(code, description);
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
    let grant = CodeGrant {
        client_id: get("client_id").to_string(),
        redirect_uri: redirect_uri.to_string(),
        buyer,
        scope: if get("scope").is_empty() { DEFAULT_SCOPE.to_string() } else { get("scope").to_string() },
        expires: now + Duration::minutes(CODE_TTL_MINUTES),
    };
    if let Ok(mut s) = state.oauth.lock() {
        s.codes.insert(code.clone(), grant);
    }
    redirect_with(redirect_uri, &[("code", &code), ("state", get("state"))])
}

/// The client's ID and secret, from HTTP Basic (RFC 6749 §2.3.1) or the form.
fn client_credentials(headers: &HeaderMap, f: &HashMap<String, String>) -> Option<(String, String)> {
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

fn issue(s: &mut OAuthState, client_id: &str, buyer: usize, scope: &str, now: Instant) -> TokenResponse {
    let access = format!("at_{}", random_credential(40));
    let refresh = format!("rt_{}", random_credential(40));
    let grant = |ttl: i64| TokenGrant {
        client_id: client_id.to_string(),
        buyer,
        scope: scope.to_string(),
        expires: now + Duration::seconds(ttl),
    };
    s.access.insert(access.clone(), grant(ACCESS_TOKEN_TTL_SECONDS));
    s.refresh.insert(refresh.clone(), grant(REFRESH_TOKEN_TTL_SECONDS));
    TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        scope: scope.to_string(),
        refresh_token: refresh,
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
    let reply = match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = f.get("code").map(String::as_str).unwrap_or("");
            // Single use: the code is gone whatever happens next.
            let Some(grant) = s.codes.remove(code) else {
                return oauth_error(ErrorCode::InvalidGrant, "Invalid authorization code");
            };
            if grant.client_id != client_id {
                return oauth_error(ErrorCode::InvalidGrant, "the code was issued to another client");
            }
            if now > grant.expires {
                return oauth_error(ErrorCode::InvalidGrant, "the authorization code has expired");
            }
            if f.get("redirect_uri").is_some_and(|r| *r != grant.redirect_uri) {
                return oauth_error(ErrorCode::InvalidGrant, "redirect_uri does not match the authorization request");
            }
            issue(&mut s, &client_id, grant.buyer, &grant.scope, now)
        }
        Some("refresh_token") => {
            let presented = f.get("refresh_token").map(String::as_str).unwrap_or("");
            let Some(grant) = s.refresh.remove(presented) else {
                return oauth_error(ErrorCode::InvalidGrant, "Invalid refresh token");
            };
            if grant.client_id != client_id || now > grant.expires {
                return oauth_error(ErrorCode::InvalidGrant, "the refresh token has expired or is another client's");
            }
            issue(&mut s, &client_id, grant.buyer, &grant.scope, now)
        }
        other => {
            return oauth_error(
                ErrorCode::UnsupportedGrantType,
                format!("grant_type `{}`: authorization_code or refresh_token", other.unwrap_or("")),
            )
        }
    };
    let mut resp = axum::Json(reply).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

pub async fn userinfo(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let now = state.clock.now();
    let grant = bearer(&headers).and_then(|t| state.oauth.lock().ok()?.access.get(t).cloned());
    let Some(grant) = grant.filter(|g| now <= g.expires) else {
        return oauth_error(ErrorCode::Unauthorized, "the access token is missing, unknown or expired");
    };
    if !grant.scope.split([' ', ',']).any(|s| s == DEFAULT_SCOPE) {
        return oauth_error(ErrorCode::InvalidScope, format!("userinfo needs the `{DEFAULT_SCOPE}` scope"));
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
    axum::Json(info).into_response()
}

pub async fn logout(Query(q): Query<HashMap<String, String>>) -> Response {
    match q.get("redirect_url").filter(|u| is_web_url(u)) {
        Some(url) => Redirect::to(url).into_response(),
        None => Redirect::to("/").into_response(),
    }
}
