//! `koodesk check-oauth`: checks a SaaS seller's OAuth web login with the sandbox as the IdP [KG §8]. Exit status
//! 0 only when every check passes, 1 when one fails, 2 for bad arguments.

use std::time::Duration;

use koodesk_checker::oauth::{check_oauth, OAuthStep, OAuthTarget};
use koodesk_protocol::secret::Secret;

use crate::args::CheckOauthArgs;
use crate::output::{print_json, Failure};

fn client_secret(var: &str) -> Result<Secret, Failure> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
        _ => Err(Failure::usage(format!(
            "--client-secret-env {var}: the environment variable {var} is not set or empty"
        ))),
    }
}

fn web_url(flag: &str, value: &str) -> Result<(), Failure> {
    match reqwest::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(()),
        Ok(u) => Err(Failure::usage(format!("{flag} {value}: an http(s) URL, not {}:", u.scheme()))),
        Err(e) => Err(Failure::usage(format!("{flag} {value}: not a URL: {e}"))),
    }
}

pub fn run(a: CheckOauthArgs) -> Result<(), Failure> {
    if a.timeout_ms == 0 || a.timeout_ms > 60_000 {
        return Err(Failure::usage("--timeout-ms: 1 to 60000"));
    }
    web_url("--login-url", &a.login_url)?;
    web_url("--redirect-uri", &a.redirect_uri)?;
    web_url("--idp", &a.idp)?;
    if a.client_id.trim().is_empty() {
        return Err(Failure::usage("--client-id: the application's client_id, not empty"));
    }
    let target = OAuthTarget {
        login_url: a.login_url.clone(),
        client_id: a.client_id.clone(),
        redirect_uri: a.redirect_uri.clone(),
        idp: a.idp.clone(),
        client_secret: client_secret(&a.client_secret_env)?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::negative(format!("cannot start the runtime: {e}")))?;
    let live = !a.json;
    let mut progress = |s: &OAuthStep| {
        if live {
            let mark = if s.failed() { "FAIL" } else { "ok" };
            eprintln!("{mark:>4} {}", s.name);
        }
    };
    let report = runtime.block_on(check_oauth(&target, Duration::from_millis(a.timeout_ms), &mut progress));
    if a.json {
        print_json(&report)?;
    } else {
        print!("{}", report.text());
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure::negative(String::new()))
    }
}
