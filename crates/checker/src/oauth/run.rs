//! The OAuth suite: the checker drives the seller's login as a browser would, approves consent at the sandbox IdP,
//! and then asks the IdP what the seller's server did with the code and tokens [KG §8].

use std::time::{Duration, Instant};

use chrono::DateTime;
use koodesk_protocol::oauth::{LoginEventKind, LoginRecord, TokenPlacement, AUTHORIZE_PATH};
use koodesk_protocol::secret::Secret;
use reqwest::Url;

use super::browser::{form_fields, Browser, Reply};
use super::catalogue::OAuthCheck;
use super::idp::{Answer, Idp};
use super::report::{OAuthOutcome, OAuthReport, OAuthStep, Request};
use crate::report::Verdict;
use crate::target::{self, random_token, Transport};

type Time = DateTime<chrono::FixedOffset>;

/// The seller's login under test and the IdP it logs in with.
#[derive(Debug, Clone)]
pub struct OAuthTarget {
    /// The page that starts a login (redirects to the IdP's authorize URL).
    pub login_url: String,
    /// The application's client_id at the IdP.
    pub client_id: String,
    /// The seller's callback, as registered.
    pub redirect_uri: String,
    /// The IdP's base URL (the tenant domain); the KooDesk sandbox, whose admin API the checker asks.
    pub idp: String,
    pub client_secret: Secret,
}

/// Before an access token's expiry, when the checker loads the seller's page: the seller refreshes at one of them.
const PROBES_BEFORE_EXPIRY: [i64; 2] = [10 * 60, 60];
/// After the expiry, once, to tell a late refresh from none.
const PROBE_AFTER_EXPIRY: i64 = 60;

struct Step {
    name: String,
    started: Instant,
    requests: Vec<Request>,
    outcomes: Vec<OAuthOutcome>,
}

impl Step {
    fn new(name: &str) -> Step {
        Step { name: name.into(), started: Instant::now(), requests: Vec::new(), outcomes: Vec::new() }
    }

    fn judge(&mut self, check: OAuthCheck, ok: bool, detail: impl Into<String>) {
        let v = if ok { Verdict::Passed } else { Verdict::Failed };
        self.outcomes.push(OAuthOutcome::new(check, v, detail));
    }

    fn skip(&mut self, check: OAuthCheck, why: impl Into<String>) {
        self.outcomes.push(OAuthOutcome::new(check, Verdict::Skipped, why));
    }
}

struct Run<'a> {
    target: &'a OAuthTarget,
    browser: Browser,
    steps: Vec<OAuthStep>,
    on_step: &'a mut (dyn FnMut(&OAuthStep) + Send),
}

impl Run<'_> {
    fn done(&mut self, step: Step) {
        let s = OAuthStep {
            index: self.steps.len(),
            name: step.name,
            requests: step.requests,
            outcomes: step.outcomes,
            elapsed_ms: step.started.elapsed().as_millis() as u64,
        };
        (self.on_step)(&s);
        self.steps.push(s);
    }

    fn idp(&self) -> Idp<'_> {
        Idp {
            http: self.browser.client(),
            base: &self.target.idp,
            client_id: &self.target.client_id,
            client_secret: &self.target.client_secret,
        }
    }

    fn authorize_url(&self) -> String {
        format!("{}{AUTHORIZE_PATH}", self.target.idp.trim_end_matches('/'))
    }

    /// GETs the login URL; the IdP authorize URL it redirects to, if it does.
    async fn start_login(&mut self, log: &mut Vec<Request>) -> Result<Url, String> {
        let reply = self.browser.get(&self.target.login_url, log).await?;
        let Some(next) = reply.redirect() else {
            return Err(format!("the login URL answered {} without a redirect", reply.status));
        };
        let u = Url::parse(next).map_err(|e| format!("the redirect `{next}` is not a URL: {e}"))?;
        if !next.starts_with(&self.authorize_url()) {
            return Err(format!(
                "it redirects to {}, not to the IdP's {}",
                u.origin().ascii_serialization() + u.path(),
                self.authorize_url()
            ));
        }
        Ok(u)
    }

    /// Shows the IdP's consent page and approves it; the callback URL the IdP redirects to, with its code.
    async fn consent(&mut self, authorize: &Url, log: &mut Vec<Request>) -> Result<(Url, String), String> {
        let page = self.browser.get(authorize.as_str(), log).await?;
        if page.status != 200 {
            return Err(format!("the IdP's authorize page answered {}: {}", page.status, page.body));
        }
        let mut form = form_fields(&page.body);
        form.push(("decision".into(), "approve".into()));
        let reply = self.browser.post_form(&self.authorize_url(), &form, log).await?;
        let Some(cb) = reply.redirect() else {
            return Err(format!("the approved consent answered {} without a redirect: {}", reply.status, reply.body));
        };
        let cb = Url::parse(cb).map_err(|e| format!("the IdP's redirect is not a URL: {e}"))?;
        let code = query(&cb, "code").filter(|c| !c.is_empty());
        match code {
            Some(code) => Ok((cb, code)),
            None => Err(format!("the IdP's redirect has no code ({})", query(&cb, "error").unwrap_or_default())),
        }
    }

    /// A whole login through the IdP up to (not including) the callback: the IdP's callback URL and code.
    async fn authorized(&mut self, log: &mut Vec<Request>) -> Result<(Url, String), String> {
        let authorize = self.start_login(log).await?;
        self.consent(&authorize, log).await
    }

    /// Loads `page` (following the seller's redirects, never into a new login).
    async fn visit(&mut self, page: &str, log: &mut Vec<Request>) -> Result<Reply, String> {
        let stop = self.authorize_url();
        self.browser.follow(page, &stop, log).await
    }
}

fn query(u: &Url, name: &str) -> Option<String> {
    u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// `u` with its `state` set to `to`, or removed.
fn with_state(u: &Url, to: Option<&str>) -> Url {
    let pairs: Vec<(String, String)> =
        u.query_pairs().filter(|(k, _)| k != "state").map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut out = u.clone();
    {
        let mut q = out.query_pairs_mut();
        q.clear().extend_pairs(pairs);
        if let Some(s) = to {
            q.append_pair("state", s);
        }
    }
    out
}

fn fmt(t: &Time) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The step-1 judgements of the authorize URL the login redirected to.
fn judge_authorize(step: &mut Step, u: &Url, target: &OAuthTarget) {
    let get = |n: &str| query(u, n);
    match get("client_id") {
        Some(c) if c == target.client_id => step.judge(OAuthCheck::ClientId, true, format!("client_id {c}")),
        Some(c) => step.judge(OAuthCheck::ClientId, false, format!("client_id `{c}`, expected `{}`", target.client_id)),
        None => step.judge(OAuthCheck::ClientId, false, "no client_id"),
    }
    match get("redirect_uri") {
        Some(r) if r == target.redirect_uri => step.judge(OAuthCheck::RedirectUri, true, format!("redirect_uri {r}")),
        Some(r) => step.judge(
            OAuthCheck::RedirectUri,
            false,
            format!("redirect_uri `{r}`, expected `{}`", target.redirect_uri),
        ),
        None => step.judge(OAuthCheck::RedirectUri, false, "no redirect_uri"),
    }
    match get("response_type") {
        Some(r) if r == "code" => step.judge(OAuthCheck::ResponseType, true, "response_type=code"),
        Some(r) => step.judge(OAuthCheck::ResponseType, false, format!("response_type `{r}`, expected `code`")),
        None => step.judge(OAuthCheck::ResponseType, false, "no response_type"),
    }
    match get("state") {
        Some(s) if s.chars().count() >= 16 => {
            step.judge(OAuthCheck::StateSent, true, format!("a state of {} characters", s.chars().count()))
        }
        Some(s) if !s.is_empty() => step.judge(
            OAuthCheck::StateSent,
            false,
            format!("the state has {} characters: too easily guessed", s.chars().count()),
        ),
        _ => step.judge(OAuthCheck::StateSent, false, "the authorize request carries no state"),
    }
}

/// Whether the seller exchanged the code once (its own exchanges: the checker's come later).
pub fn judge_code_exchange(record: &LoginRecord) -> (bool, String) {
    let exchanges: Vec<_> =
        record.events.iter().filter(|e| e.kind == LoginEventKind::CodeExchange && !e.replayed).collect();
    match exchanges.as_slice() {
        [] => (false, "the seller's server never exchanged the code".into()),
        [one] if one.error.is_none() => (true, format!("exchanged once, at {}", fmt(&one.at))),
        [one] => (false, format!("the one exchange was refused: {}", one.detail)),
        many => (
            false,
            format!(
                "the code was presented {} times ({} refused): it is single-use, exchange it once",
                many.len(),
                many.iter().filter(|e| e.error.is_some()).count()
            ),
        ),
    }
}

/// Whether every userinfo call carried the token in `Authorization: Bearer`, and one succeeded.
pub fn judge_userinfo(record: &LoginRecord) -> (bool, String) {
    let calls: Vec<_> = record.events.iter().filter(|e| e.kind == LoginEventKind::Userinfo).collect();
    if let Some(q) = calls.iter().find(|e| e.token_in == Some(TokenPlacement::Query)) {
        return (
            false,
            format!("userinfo was called with the access token in the URL (?access_token=) at {}", fmt(&q.at)),
        );
    }
    match calls.iter().find(|e| e.error.is_none()) {
        Some(ok) => (true, format!("{} userinfo call(s), Bearer; the first answered at {}", calls.len(), fmt(&ok.at))),
        None if calls.is_empty() => (false, "the seller's server never fetched userinfo with the access token".into()),
        None => (false, format!("{} userinfo call(s), none answered: {}", calls.len(), calls[0].detail)),
    }
}

/// Whether a token reply is the refusal `{"error":"invalid_grant"}`.
pub fn judge_invalid_grant(a: &Answer, what: &str) -> (bool, String) {
    match (a.status, a.error()) {
        (400, Some("invalid_grant")) => (true, format!("{what}: 400 invalid_grant")),
        (0, _) => (false, format!("{what}: no answer from the IdP")),
        (200, _) => (false, format!("{what}: 200, tokens issued again")),
        (s, e) => (false, format!("{what}: {s} {}, expected 400 invalid_grant", e.unwrap_or("(no error field)"))),
    }
}

/// The seller's refreshes of `generation` (not the IdP's replays).
fn refreshes_of(record: &LoginRecord, generation: u32) -> Vec<&koodesk_protocol::oauth::LoginEvent> {
    record
        .events
        .iter()
        .filter(|e| e.kind == LoginEventKind::Refresh && !e.replayed && e.generation == generation)
        .collect()
}

/// Whether `generation`'s access token was refreshed before it expired.
pub fn judge_refresh(record: &LoginRecord, generation: u32) -> (bool, String) {
    let Some(gen) = record.tokens.iter().find(|t| t.generation == generation) else {
        return (false, format!("no tokens of generation {generation}"));
    };
    let ok = refreshes_of(record, generation).into_iter().find(|e| e.error.is_none());
    match ok {
        Some(e) if e.at < gen.access_expires_at => (
            true,
            format!("refreshed at {}, before the access token expired at {}", fmt(&e.at), fmt(&gen.access_expires_at)),
        ),
        Some(e) => (
            false,
            format!(
                "refreshed only at {}, after the access token had expired at {}",
                fmt(&e.at),
                fmt(&gen.access_expires_at)
            ),
        ),
        None => (
            false,
            format!(
                "no refresh of the access token issued at {} (expiring at {}), even with the user active after it \
                 expired",
                fmt(&gen.issued_at),
                fmt(&gen.access_expires_at)
            ),
        ),
    }
}

/// Whether, after `generation - 1` was refreshed, the seller presented `generation`'s refresh token (the rotated
/// one) and never a spent one again.
pub fn judge_rotation(record: &LoginRecord, generation: u32) -> (bool, String) {
    let spent: Vec<_> = record
        .events
        .iter()
        .filter(|e| e.kind == LoginEventKind::Refresh && !e.replayed && e.generation < generation && e.error.is_some())
        .collect();
    if let Some(e) = spent.first() {
        return (
            false,
            format!(
                "at {} the seller presented generation {}'s refresh token again, after a refresh had replaced it \
                 ({})",
                fmt(&e.at),
                e.generation,
                e.detail
            ),
        );
    }
    match refreshes_of(record, generation).into_iter().find(|e| e.error.is_none()) {
        Some(e) => (true, format!("the next refresh, at {}, presented the rotated refresh token", fmt(&e.at))),
        None => (false, format!("no refresh with generation {generation}'s refresh token was seen")),
    }
}

/// Loads the seller's page at a few instants around `generation`'s access-token expiry until it refreshes.
async fn until_refreshed(
    run: &mut Run<'_>,
    step: &mut Step,
    code: &str,
    page: &str,
    record: &LoginRecord,
    generation: u32,
) -> Option<LoginRecord> {
    let expires = record.tokens.iter().find(|t| t.generation == generation)?.access_expires_at;
    let mut instants: Vec<Time> =
        PROBES_BEFORE_EXPIRY.iter().map(|s| expires - chrono::Duration::seconds(*s)).collect();
    instants.push(expires + chrono::Duration::seconds(PROBE_AFTER_EXPIRY));
    let mut last = None;
    for at in instants {
        if let Err(e) = run.idp().set_clock(at, &mut step.requests).await {
            if let Some(r) = step.requests.last_mut() {
                r.error = Some(e);
            }
        }
        let _ = run.visit(page, &mut step.requests).await;
        let r = run.idp().login(code, &mut step.requests).await.ok()?;
        let refreshed = refreshes_of(&r, generation).iter().any(|e| e.error.is_none());
        let refused = refreshes_of(&r, generation.saturating_sub(1)).iter().any(|e| e.error.is_some());
        last = Some(r);
        if refreshed || (generation > 1 && refused) {
            break;
        }
    }
    last
}

/// A second login whose callback gets `state` (`None`: no state); whether the seller left the code unexchanged.
async fn forged_callback(run: &mut Run<'_>, step: &mut Step, check: OAuthCheck, state: Option<&str>) {
    let (cb, code) = match run.authorized(&mut step.requests).await {
        Ok(x) => x,
        Err(e) => return step.skip(check, format!("no second login to try it with: {e}")),
    };
    let forged = with_state(&cb, state);
    let reply = run.browser.get(forged.as_str(), &mut step.requests).await;
    let status = match &reply {
        Ok(r) => format!("answered {}", r.status),
        Err(e) => e.clone(),
    };
    match run.idp().login(&code, &mut step.requests).await {
        Err(e) => step.skip(check, e),
        Ok(r) => {
            let exchanged = r.events.iter().filter(|e| e.kind == LoginEventKind::CodeExchange).count();
            if exchanged == 0 {
                step.judge(check, true, format!("the callback {status} and the code was not exchanged"));
            } else {
                step.judge(check, false, format!("the callback {status}, but the seller's server exchanged the code"));
            }
        }
    }
}

/// Runs the whole suite; `on_step` sees each step as it completes.
pub async fn check_oauth(
    target: &OAuthTarget,
    timeout: Duration,
    on_step: &mut (dyn FnMut(&OAuthStep) + Send),
) -> OAuthReport {
    let started = Instant::now();
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut warnings = Vec::new();
    let report = |steps: Vec<OAuthStep>, warnings: Vec<String>| {
        let mut r = OAuthReport {
            login_url: target.login_url.clone(),
            idp: target.idp.clone(),
            client_id: target.client_id.clone(),
            redirect_uri: target.redirect_uri.clone(),
            started_at: started_at.clone(),
            elapsed_ms: started.elapsed().as_millis() as u64,
            warnings,
            steps,
            passed: 0,
            failed: 0,
            skipped: 0,
        };
        r.tally();
        r
    };
    let browser = match Browser::new(timeout) {
        Ok(b) => b,
        Err(e) => {
            let mut step = Step::new("endpoint");
            step.judge(OAuthCheck::Https, false, e);
            let s = OAuthStep { index: 0, name: step.name, requests: vec![], outcomes: step.outcomes, elapsed_ms: 0 };
            return report(vec![s], warnings);
        }
    };
    let mut run = Run { target, browser, steps: Vec::new(), on_step };

    // 0. The login URL may be called at all.
    let mut step = Step::new("endpoint");
    let callable = match target::transport(&target.login_url) {
        Transport::Https => {
            step.judge(OAuthCheck::Https, true, "HTTPS");
            true
        }
        Transport::LoopbackHttp => {
            warnings.push("plain HTTP on loopback: fine for a local test; a real login is HTTPS".into());
            step.judge(OAuthCheck::Https, true, "plain HTTP to this machine (local testing only)");
            true
        }
        Transport::Refused(why) => {
            step.judge(OAuthCheck::Https, false, why.english());
            false
        }
    };
    // The client secret goes to the IdP: never in clear to another machine.
    if let Transport::Refused(why) = target::transport(&target.idp) {
        step.judge(OAuthCheck::Https, false, format!("the IdP: {}", why.english()));
    }
    let callable = callable && !step.outcomes.iter().any(|o| o.verdict == Verdict::Failed);
    run.done(step);
    if !callable {
        return report(run.steps, warnings);
    }

    // 1. The login URL redirects to the IdP's authorize URL with the parameters.
    let mut step = Step::new("login URL redirects to the IdP's authorize URL");
    let authorize = run.start_login(&mut step.requests).await;
    let authorize = match authorize {
        Ok(u) => {
            step.judge(OAuthCheck::LoginRedirect, true, format!("redirects to {}", u.path()));
            judge_authorize(&mut step, &u, target);
            Some(u)
        }
        Err(e) => {
            step.judge(OAuthCheck::LoginRedirect, false, e);
            for c in [OAuthCheck::ClientId, OAuthCheck::RedirectUri, OAuthCheck::ResponseType, OAuthCheck::StateSent] {
                step.skip(c, "no authorize request to look at");
            }
            None
        }
    };
    run.done(step);

    // 2. Consent approved at the IdP; its redirect to the callback.
    let mut step = Step::new("consent approved at the IdP");
    let callback = match &authorize {
        None => {
            step.skip(OAuthCheck::Consent, "no authorize request");
            None
        }
        Some(u) => match run.consent(u, &mut step.requests).await {
            Ok((cb, code)) => {
                let sent = query(u, "state").unwrap_or_default();
                let echoed = query(&cb, "state").unwrap_or_default();
                let to_callback = cb.as_str().starts_with(&target.redirect_uri);
                step.judge(
                    OAuthCheck::Consent,
                    echoed == sent && to_callback,
                    if !to_callback {
                        format!("the IdP redirected to {}, not the redirect_uri", cb.path())
                    } else if echoed == sent {
                        "redirected to the callback with a code and the state".to_string()
                    } else {
                        "the IdP did not echo the state".to_string()
                    },
                );
                Some((cb, code))
            }
            Err(e) => {
                step.judge(OAuthCheck::Consent, false, e);
                None
            }
        },
    };
    run.done(step);
    let later = [
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
    let Some((callback, code)) = callback else {
        let mut step = Step::new("the rest");
        for c in later {
            step.skip(c, "no login got as far as the callback");
        }
        run.done(step);
        return report(run.steps, warnings);
    };

    // 3. The callback with the IdP's code and state completes the login.
    let mut step = Step::new("callback with the code and state");
    let home = match run.visit(callback.as_str(), &mut step.requests).await {
        Ok(r) if (200..300).contains(&r.status) => {
            step.judge(
                OAuthCheck::Callback,
                true,
                format!(
                    "ended on {} ({})",
                    Url::parse(&r.url).map(|u| u.path().to_string()).unwrap_or_default(),
                    r.status
                ),
            );
            Some(r.url)
        }
        Ok(r) => {
            step.judge(
                OAuthCheck::Callback,
                false,
                format!("ended with {} at {}", r.status, super::browser::mask(&r.url)),
            );
            None
        }
        Err(e) => {
            step.judge(OAuthCheck::Callback, false, e);
            None
        }
    };
    run.done(step);

    // 4. What the seller did with the code, as the IdP saw it.
    let mut step = Step::new("the code exchanged, userinfo fetched (as the IdP saw it)");
    let record = run.idp().login(&code, &mut step.requests).await;
    let record = match record {
        Ok(r) => {
            let (ok, d) = judge_code_exchange(&r);
            step.judge(OAuthCheck::CodeExchangedOnce, ok, d);
            let (ok, d) = judge_userinfo(&r);
            step.judge(OAuthCheck::UserinfoBearer, ok, d);
            Some(r)
        }
        Err(e) => {
            step.skip(OAuthCheck::CodeExchangedOnce, e.clone());
            step.skip(OAuthCheck::UserinfoBearer, e);
            None
        }
    };
    run.done(step);

    // 5. The spent code, presented again by the client.
    let mut step = Step::new("the spent code presented again");
    let spent = record
        .as_ref()
        .is_some_and(|r| r.events.iter().any(|e| e.kind == LoginEventKind::CodeExchange && e.error.is_none()));
    if spent {
        let a = run.idp().exchange_code(&code, &mut step.requests).await;
        let (ok, d) = judge_invalid_grant(&a, "the code again");
        step.judge(OAuthCheck::CodeReuseRefused, ok, d);
    } else {
        step.skip(OAuthCheck::CodeReuseRefused, "the seller's server never spent the code");
    }
    run.done(step);

    // 6. The first refresh, before the 2 h expiry; 7. the second, with the rotated token.
    let page = home.unwrap_or_else(|| target.redirect_uri.clone());
    let mut step = Step::new("the access token refreshed before its 2 h expiry");
    let mut refreshed = None;
    match &record {
        Some(r) if r.tokens.iter().any(|t| t.generation == 1) => {
            match until_refreshed(&mut run, &mut step, &code, &page, r, 1).await {
                Some(r) => {
                    let (ok, d) = judge_refresh(&r, 1);
                    step.judge(OAuthCheck::RefreshBeforeExpiry, ok, d);
                    refreshed = Some(r).filter(|r| r.tokens.iter().any(|t| t.generation == 2));
                }
                None => step.skip(OAuthCheck::RefreshBeforeExpiry, "the IdP's login record could not be read"),
            }
        }
        _ => step.skip(OAuthCheck::RefreshBeforeExpiry, "the code was never exchanged for tokens"),
    }
    run.done(step);

    let mut step = Step::new("the next refresh presents the rotated refresh token");
    match &refreshed {
        Some(r) => match until_refreshed(&mut run, &mut step, &code, &page, r, 2).await {
            Some(r) => {
                let (ok, d) = judge_rotation(&r, 2);
                step.judge(OAuthCheck::RefreshRotated, ok, d);
            }
            None => step.skip(OAuthCheck::RefreshRotated, "the IdP's login record could not be read"),
        },
        None => step.skip(OAuthCheck::RefreshRotated, "there was no first refresh"),
    }
    run.done(step);

    // 8. A spent refresh token presented again.
    let mut step = Step::new("the spent refresh token presented again");
    if refreshed.is_some() {
        let a = run.idp().replay_refresh(&code, 1, &mut step.requests).await;
        let (ok, d) = judge_invalid_grant(&a, "the first refresh token again");
        step.judge(OAuthCheck::RefreshReuseRefused, ok, d);
    } else {
        step.skip(OAuthCheck::RefreshReuseRefused, "no refresh token was spent");
    }
    run.done(step);

    // 9, 10. Callbacks with a wrong state and with none, each on a login of its own.
    let mut step = Step::new("a callback with a wrong state");
    let wrong = format!("forged{}", random_token(24));
    forged_callback(&mut run, &mut step, OAuthCheck::WrongStateRefused, Some(&wrong)).await;
    run.done(step);
    let mut step = Step::new("a callback without a state");
    forged_callback(&mut run, &mut step, OAuthCheck::MissingStateRefused, None).await;
    run.done(step);

    report(run.steps, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use koodesk_protocol::oauth::{ErrorCode, LoginEvent, TokenGeneration};

    fn t(min: i64) -> Time {
        DateTime::parse_from_rfc3339("2026-12-01T10:00:00+08:00").expect("time") + chrono::Duration::minutes(min)
    }

    fn ev(kind: LoginEventKind, generation: u32, at: i64, error: Option<ErrorCode>) -> LoginEvent {
        LoginEvent { at: t(at), kind, generation, error, detail: "d".into(), token_in: None, replayed: false }
    }

    fn record(events: Vec<LoginEvent>) -> LoginRecord {
        let gen = |g: u32, at: i64| TokenGeneration {
            generation: g,
            issued_at: t(at),
            access_expires_at: t(at + 120),
            refresh_expires_at: t(at + 30 * 24 * 60),
            refresh_spent_at: None,
        };
        LoginRecord {
            login: 1,
            client_id: "c".into(),
            redirect_uri: "http://h/cb".into(),
            state: Some("s".into()),
            authorized_at: t(0),
            tokens: vec![gen(1, 0), gen(2, 110)],
            events,
        }
    }

    #[test]
    fn a_code_counts_once_and_a_second_try_fails() {
        let once = record(vec![ev(LoginEventKind::CodeExchange, 0, 0, None)]);
        assert!(judge_code_exchange(&once).0);
        let twice = record(vec![
            ev(LoginEventKind::CodeExchange, 0, 0, None),
            ev(LoginEventKind::CodeExchange, 0, 0, Some(ErrorCode::InvalidGrant)),
        ]);
        assert!(judge_code_exchange(&twice).1.contains("2 times"));
        assert!(!judge_code_exchange(&record(vec![])).0);
    }

    #[test]
    fn refreshes_are_judged_against_the_expiry() {
        let early = record(vec![ev(LoginEventKind::Refresh, 1, 110, None)]);
        assert!(judge_refresh(&early, 1).0);
        let late = record(vec![ev(LoginEventKind::Refresh, 1, 121, None)]);
        let (ok, d) = judge_refresh(&late, 1);
        assert!(!ok && d.contains("after the access token had expired"), "{d}");
        assert!(!judge_refresh(&record(vec![]), 1).0);
    }

    #[test]
    fn presenting_a_spent_refresh_token_breaks_rotation() {
        let good = record(vec![ev(LoginEventKind::Refresh, 1, 110, None), ev(LoginEventKind::Refresh, 2, 220, None)]);
        assert!(judge_rotation(&good, 2).0);
        let reused = record(vec![
            ev(LoginEventKind::Refresh, 1, 110, None),
            ev(LoginEventKind::Refresh, 1, 220, Some(ErrorCode::InvalidGrant)),
        ]);
        let (ok, d) = judge_rotation(&reused, 2);
        assert!(!ok && d.contains("generation 1"), "{d}");
    }

    #[test]
    fn userinfo_with_the_token_in_the_url_fails() {
        let mut e = ev(LoginEventKind::Userinfo, 1, 1, Some(ErrorCode::Unauthorized));
        e.token_in = Some(TokenPlacement::Query);
        assert!(!judge_userinfo(&record(vec![e])).0);
        let mut ok = ev(LoginEventKind::Userinfo, 1, 1, None);
        ok.token_in = Some(TokenPlacement::Header);
        assert!(judge_userinfo(&record(vec![ok])).0);
    }

    #[test]
    fn only_invalid_grant_counts_as_refused() {
        let json = |v: serde_json::Value| Some(v);
        assert!(
            judge_invalid_grant(
                &Answer { status: 400, json: json(serde_json::json!({"error": "invalid_grant"})) },
                "x"
            )
            .0
        );
        assert!(
            !judge_invalid_grant(&Answer { status: 200, json: json(serde_json::json!({"access_token": "a"})) }, "x").0
        );
        assert!(
            !judge_invalid_grant(
                &Answer { status: 401, json: json(serde_json::json!({"error": "invalid_client"})) },
                "x"
            )
            .0
        );
    }

    #[test]
    fn a_forged_callback_keeps_everything_but_the_state() {
        let u = Url::parse("http://h/cb?code=abc&state=s1").expect("url");
        assert_eq!(with_state(&u, Some("x")).as_str(), "http://h/cb?code=abc&state=x");
        assert_eq!(with_state(&u, None).as_str(), "http://h/cb?code=abc");
    }
}
