//! OAuth 2.0 for SaaS web login, at the tenant domain [KG §8].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

pub const AUTHORIZE_PATH: &str = "/api/v1/oauth2/authorize";
pub const TOKEN_PATH: &str = "/api/v1/oauth2/token";
pub const USERINFO_PATH: &str = "/api/v1/oauth2/userinfo";
pub const LOGOUT_PATH: &str = "/api/v1/logout";

/// Access tokens live 2 hours.
pub const ACCESS_TOKEN_TTL_SECONDS: i64 = 2 * 3600;
/// Refresh tokens live 30 days.
pub const REFRESH_TOKEN_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// The default scope.
pub const DEFAULT_SCOPE: &str = "get_user_info";

/// `GET /api/v1/oauth2/authorize` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    pub client_id: String,
    pub redirect_uri: String,
    /// Must be `code`.
    pub response_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `POST /api/v1/oauth2/token` form, by `grant_type`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "grant_type", rename_all = "snake_case")]
pub enum TokenRequest {
    AuthorizationCode {
        client_id: String,
        client_secret: Secret,
        code: String,
        #[serde(default)]
        redirect_uri: Option<String>,
    },
    RefreshToken {
        client_id: String,
        client_secret: Secret,
        refresh_token: Secret,
    },
}

impl TokenRequest {
    pub fn client_id(&self) -> &str {
        match self {
            TokenRequest::AuthorizationCode { client_id, .. } | TokenRequest::RefreshToken { client_id, .. } => {
                client_id
            }
        }
    }

    /// The form fields to send. This is where the client secret leaves the process, deliberately.
    pub fn to_form(&self) -> Vec<(&'static str, String)> {
        match self {
            TokenRequest::AuthorizationCode { client_id, client_secret, code, redirect_uri } => {
                let mut f = vec![
                    ("grant_type", "authorization_code".to_string()),
                    ("client_id", client_id.clone()),
                    ("client_secret", client_secret.expose().to_string()),
                    ("code", code.clone()),
                ];
                if let Some(r) = redirect_uri {
                    f.push(("redirect_uri", r.clone()));
                }
                f
            }
            TokenRequest::RefreshToken { client_id, client_secret, refresh_token } => vec![
                ("grant_type", "refresh_token".to_string()),
                ("client_id", client_id.clone()),
                ("client_secret", client_secret.expose().to_string()),
                ("refresh_token", refresh_token.expose().to_string()),
            ],
        }
    }
}

/// A token reply. `Debug` hides both tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds.
    pub expires_in: i64,
    pub scope: String,
    pub refresh_token: String,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"***")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("refresh_token", &"***")
            .finish()
    }
}

/// The OAuth error codes KooGallery answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    Unauthorized,
}

/// `{"error":"invalid_grant","error_description":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{error:?}: {error_description}")]
pub struct OAuthError {
    pub error: ErrorCode,
    pub error_description: String,
}

impl OAuthError {
    pub fn new(error: ErrorCode, description: impl Into<String>) -> OAuthError {
        OAuthError { error, error_description: description.into() }
    }

    /// The HTTP status for the error (RFC 6749 §5.2).
    pub fn status(&self) -> u16 {
        match self.error {
            ErrorCode::InvalidClient | ErrorCode::Unauthorized => 401,
            _ => 400,
        }
    }
}

/// `GET /api/v1/oauth2/userinfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    pub id: String,
    pub user_name: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// `user` or `admin`.
    pub role: String,
    pub organization_name: String,
    pub user_id: String,
    pub organization_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_name: Option<String>,
    pub tenant: String,
}

/// The sandbox IdP's record of one login, for checking a client (`koodesk check-oauth`): `GET` it with the
/// code the login was answered with, authenticated as the client (HTTP Basic client_id:client_secret).
pub const SANDBOX_LOGIN_PATH: &str = "/admin/oauth/login";
/// `POST` {code, generation}: the sandbox IdP presents that generation's spent refresh token to its token
/// endpoint again and answers as the endpoint did, so a checker sees rotation refuse it without the token ever
/// leaving the IdP.
pub const SANDBOX_REPLAY_PATH: &str = "/admin/oauth/replay-refresh";
/// `POST` {set: RFC 3339}: moves the sandbox clock forward, as `/admin/clock` does, for the client's checker to
/// reach a token's expiry without waiting 2 hours.
pub const SANDBOX_CLOCK_PATH: &str = "/admin/oauth/clock";

/// What a client did with one login's code and tokens, as the sandbox IdP saw it [KG §8]. No code or token
/// appears in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRecord {
    /// The IdP's number for the login (one approved consent).
    pub login: u64,
    pub client_id: String,
    pub redirect_uri: String,
    /// The `state` the authorize request carried, echoed on the redirect; `None` when it had none.
    pub state: Option<String>,
    pub authorized_at: chrono::DateTime<chrono::FixedOffset>,
    /// The tokens issued, generation 1 from the code, n + 1 from refreshing n.
    pub tokens: Vec<TokenGeneration>,
    /// Every presentation of the login's code or tokens, in order.
    pub events: Vec<LoginEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenGeneration {
    pub generation: u32,
    pub issued_at: chrono::DateTime<chrono::FixedOffset>,
    pub access_expires_at: chrono::DateTime<chrono::FixedOffset>,
    pub refresh_expires_at: chrono::DateTime<chrono::FixedOffset>,
    /// When its refresh token was spent on a refresh (and so rotated out).
    pub refresh_spent_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// Which grant or call an event was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginEventKind {
    /// `grant_type=authorization_code` with the login's code.
    CodeExchange,
    /// `grant_type=refresh_token` with one of the login's refresh tokens.
    Refresh,
    /// `GET /api/v1/oauth2/userinfo` with one of the login's access tokens.
    Userinfo,
}

/// Where a request carried its access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenPlacement {
    /// `Authorization: Bearer …`, as KooGallery requires [KG §8].
    Header,
    /// `?access_token=…` in the URL, where proxies and logs keep it.
    Query,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginEvent {
    pub at: chrono::DateTime<chrono::FixedOffset>,
    pub kind: LoginEventKind,
    /// The generation of the token presented; 0 for the code.
    pub generation: u32,
    /// `None`: answered with success.
    pub error: Option<ErrorCode>,
    pub detail: String,
    /// Userinfo only: where the access token was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_in: Option<TokenPlacement>,
    /// Made by the IdP's replay endpoint ([`SANDBOX_REPLAY_PATH`]), not by the client.
    #[serde(default)]
    pub replayed: bool,
}

/// The body of [`SANDBOX_REPLAY_PATH`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayRefresh {
    pub code: String,
    pub generation: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_requests_parse_by_grant_type() {
        let form = "grant_type=authorization_code&client_id=c&client_secret=s3cret&code=abc";
        let pairs: serde_json::Map<String, serde_json::Value> =
            form.split('&').filter_map(|p| p.split_once('=')).map(|(k, v)| (k.to_string(), v.into())).collect();
        let req: TokenRequest = serde_json::from_value(serde_json::Value::Object(pairs)).expect("parses");
        assert_eq!(req.client_id(), "c");
        assert!(!format!("{req:?}").contains("s3cret"), "Debug hides the secret");
        assert!(req.to_form().contains(&("client_secret", "s3cret".to_string())));
    }

    #[test]
    fn errors_and_tokens() {
        let e = OAuthError::new(ErrorCode::InvalidGrant, "Invalid authorization code");
        assert_eq!(
            serde_json::to_value(&e).expect("json"),
            serde_json::json!({"error":"invalid_grant","error_description":"Invalid authorization code"})
        );
        assert_eq!(e.status(), 400);
        let t = TokenResponse {
            access_token: "AT-secret".into(),
            token_type: "Bearer".into(),
            expires_in: 7200,
            scope: DEFAULT_SCOPE.into(),
            refresh_token: "RT-secret".into(),
        };
        let dbg = format!("{t:?}");
        assert!(!dbg.contains("AT-secret") && !dbg.contains("RT-secret"));
    }
}
