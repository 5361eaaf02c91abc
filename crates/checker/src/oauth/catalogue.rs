//! Every check of a seller's OAuth web login, with the rule it stands for [KG §8].

use serde::{Deserialize, Serialize};

/// One check of the OAuth suite. Its [`OAuthCheck::id`] is stable: reports and tests name checks by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OAuthCheck {
    Https,
    LoginRedirect,
    ClientId,
    RedirectUri,
    ResponseType,
    StateSent,
    Consent,
    Callback,
    CodeExchangedOnce,
    UserinfoBearer,
    CodeReuseRefused,
    RefreshBeforeExpiry,
    RefreshRotated,
    RefreshReuseRefused,
    WrongStateRefused,
    MissingStateRefused,
}

impl OAuthCheck {
    pub const ALL: [OAuthCheck; 16] = [
        OAuthCheck::Https,
        OAuthCheck::LoginRedirect,
        OAuthCheck::ClientId,
        OAuthCheck::RedirectUri,
        OAuthCheck::ResponseType,
        OAuthCheck::StateSent,
        OAuthCheck::Consent,
        OAuthCheck::Callback,
        OAuthCheck::CodeExchangedOnce,
        OAuthCheck::UserinfoBearer,
        OAuthCheck::CodeReuseRefused,
        OAuthCheck::RefreshBeforeExpiry,
        OAuthCheck::RefreshRotated,
        OAuthCheck::RefreshReuseRefused,
        OAuthCheck::WrongStateRefused,
        OAuthCheck::MissingStateRefused,
    ];

    /// Stable identifier, e.g. `oauth.code-exchanged-once`.
    pub fn id(self) -> &'static str {
        match self {
            OAuthCheck::Https => "oauth.https",
            OAuthCheck::LoginRedirect => "oauth.login-redirect",
            OAuthCheck::ClientId => "oauth.client-id",
            OAuthCheck::RedirectUri => "oauth.redirect-uri",
            OAuthCheck::ResponseType => "oauth.response-type",
            OAuthCheck::StateSent => "oauth.state-sent",
            OAuthCheck::Consent => "idp.consent",
            OAuthCheck::Callback => "oauth.callback",
            OAuthCheck::CodeExchangedOnce => "oauth.code-exchanged-once",
            OAuthCheck::UserinfoBearer => "oauth.userinfo-bearer",
            OAuthCheck::CodeReuseRefused => "idp.code-reuse-refused",
            OAuthCheck::RefreshBeforeExpiry => "oauth.refresh-before-expiry",
            OAuthCheck::RefreshRotated => "oauth.refresh-rotated",
            OAuthCheck::RefreshReuseRefused => "idp.refresh-reuse-refused",
            OAuthCheck::WrongStateRefused => "oauth.wrong-state-refused",
            OAuthCheck::MissingStateRefused => "oauth.missing-state-refused",
        }
    }

    pub fn from_id(id: &str) -> Option<OAuthCheck> {
        OAuthCheck::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The rule, as KooGallery's OAuth documentation (and RFC 6749, which it follows) states it.
    pub fn rule(self) -> &'static str {
        match self {
            OAuthCheck::Https => {
                "The seller's login URL is HTTPS; plain HTTP is accepted here only on a loopback address, for local \
                 testing [KG §8]."
            }
            OAuthCheck::LoginRedirect => {
                "The login URL sends the browser to the tenant domain's GET /api/v1/oauth2/authorize [KG §8]."
            }
            OAuthCheck::ClientId => {
                "The authorize request carries client_id, the ID of the application synced to the seller [KG §8]."
            }
            OAuthCheck::RedirectUri => {
                "The authorize request carries redirect_uri, the seller's callback the code comes back to [KG §8]."
            }
            OAuthCheck::ResponseType => "The authorize request asks for response_type=code [KG §8].",
            OAuthCheck::StateSent => {
                "The authorize request carries a state, unguessable (16 characters or more) and new for each login, \
                 which the IdP echoes to the callback [KG §8]."
            }
            OAuthCheck::Consent => {
                "The IdP answers an approved consent with a redirect to redirect_uri?code=…&state=… [KG §8]."
            }
            OAuthCheck::Callback => {
                "The callback, given the IdP's code and the login's own state, completes the login: after its \
                 redirects the browser gets a page (2xx) [KG §8]."
            }
            OAuthCheck::CodeExchangedOnce => {
                "The seller's server exchanges the code once, at POST /api/v1/oauth2/token with \
                 grant_type=authorization_code; a code is single-use [KG §8]."
            }
            OAuthCheck::UserinfoBearer => {
                "The seller's server fetches GET /api/v1/oauth2/userinfo with the access token in \
                 Authorization: Bearer, never in the URL [KG §8]."
            }
            OAuthCheck::CodeReuseRefused => {
                "A code already exchanged is refused with {\"error\":\"invalid_grant\"} [KG §8]."
            }
            OAuthCheck::RefreshBeforeExpiry => {
                "The access token lives 2 hours; while the user is active the seller's server refreshes it \
                 (grant_type=refresh_token) before it expires [KG §8]."
            }
            OAuthCheck::RefreshRotated => {
                "A refresh returns a new refresh token that replaces the one spent; the next refresh presents the \
                 new one [KG §8]."
            }
            OAuthCheck::RefreshReuseRefused => {
                "A refresh token already spent on a refresh is refused with {\"error\":\"invalid_grant\"} [KG §8]."
            }
            OAuthCheck::WrongStateRefused => {
                "A callback whose state is not the one its login sent is refused before the code is exchanged \
                 (it may be forged: cross-site request forgery) [KG §8]."
            }
            OAuthCheck::MissingStateRefused => {
                "A callback without a state is refused before the code is exchanged [KG §8]."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut ids: Vec<&str> = OAuthCheck::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), OAuthCheck::ALL.len());
        for c in OAuthCheck::ALL {
            assert_eq!(OAuthCheck::from_id(c.id()), Some(c));
            assert!(c.rule().contains("[KG §8]"), "{} cites its rule", c.id());
        }
    }
}
