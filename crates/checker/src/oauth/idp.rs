//! The calls the checker makes to the identity provider as the seller's OAuth client [KG §8]: the token endpoint
//! (presenting a spent code again), and the sandbox IdP's record of a login, its replay of a spent refresh token,
//! and its clock. The client secret authenticates each (HTTP Basic, RFC 6749 §2.3.1) and appears nowhere else.

use koodesk_protocol::oauth::{
    LoginRecord, ReplayRefresh, SANDBOX_CLOCK_PATH, SANDBOX_LOGIN_PATH, SANDBOX_REPLAY_PATH, TOKEN_PATH,
};
use koodesk_protocol::secret::Secret;
use serde_json::Value;

use super::browser::mask;
use super::report::Request;

/// The identity provider and the client's credentials there.
pub struct Idp<'a> {
    pub http: &'a reqwest::Client,
    /// The IdP's base URL, e.g. `http://127.0.0.1:8787`.
    pub base: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a Secret,
}

/// A reply's status and JSON body.
pub struct Answer {
    pub status: u16,
    pub json: Option<Value>,
}

impl Answer {
    /// The OAuth `error` field, if any.
    pub fn error(&self) -> Option<&str> {
        self.json.as_ref()?.get("error")?.as_str()
    }
}

fn form_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Idp<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    async fn send(&self, req: reqwest::RequestBuilder, method: &str, url: &str, log: &mut Vec<Request>) -> Answer {
        let started = std::time::Instant::now();
        let req = req.basic_auth(form_encode(self.client_id), Some(form_encode(self.client_secret.expose())));
        let mut rec = Request { method: method.into(), url: mask(url), ..Request::default() };
        let answer = match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                rec.status = Some(status);
                rec.reply = Some(body.chars().take(2048).collect());
                Answer { status, json: serde_json::from_str(&body).ok() }
            }
            Err(e) => {
                rec.error = Some(format!("could not connect: {e}"));
                Answer { status: 0, json: None }
            }
        };
        rec.elapsed_ms = started.elapsed().as_millis() as u64;
        log.push(rec);
        answer
    }

    /// `POST /api/v1/oauth2/token` with `grant_type=authorization_code` and `code`.
    pub async fn exchange_code(&self, code: &str, log: &mut Vec<Request>) -> Answer {
        let url = self.url(TOKEN_PATH);
        let form = [("grant_type", "authorization_code"), ("code", code)];
        self.send(self.http.post(&url).form(&form), "POST", &url, log).await
    }

    /// The sandbox IdP's record of the login `code` answered.
    pub async fn login(&self, code: &str, log: &mut Vec<Request>) -> Result<LoginRecord, String> {
        let url = format!("{}?code={}", self.url(SANDBOX_LOGIN_PATH), form_encode(code));
        let a = self.send(self.http.get(&url), "GET", &url, log).await;
        match (a.status, a.json) {
            (200, Some(v)) => serde_json::from_value(v).map_err(|e| format!("the IdP's login record: {e}")),
            (0, _) => Err(format!("the IdP at {} did not answer", self.base)),
            (s, v) => Err(format!(
                "the IdP answered {s} for the login record ({}); check-oauth needs the KooDesk sandbox as the IdP",
                v.map(|v| v.to_string()).unwrap_or_default()
            )),
        }
    }

    /// The sandbox IdP presents the spent refresh token of `generation` to its token endpoint again.
    pub async fn replay_refresh(&self, code: &str, generation: u32, log: &mut Vec<Request>) -> Answer {
        let url = self.url(SANDBOX_REPLAY_PATH);
        let body = ReplayRefresh { code: code.to_string(), generation };
        self.send(self.http.post(&url).json(&body), "POST", &url, log).await
    }

    /// Moves the sandbox clock forward to `to`.
    pub async fn set_clock(
        &self,
        to: chrono::DateTime<chrono::FixedOffset>,
        log: &mut Vec<Request>,
    ) -> Result<(), String> {
        let url = self.url(SANDBOX_CLOCK_PATH);
        let body = serde_json::json!({"set": to.to_rfc3339()});
        let a = self.send(self.http.post(&url).json(&body), "POST", &url, log).await;
        match a.status {
            200 => Ok(()),
            s => Err(format!(
                "the IdP's clock could not be moved to {} ({s}: {})",
                to.to_rfc3339(),
                a.json.map(|v| v.to_string()).unwrap_or_default()
            )),
        }
    }
}
