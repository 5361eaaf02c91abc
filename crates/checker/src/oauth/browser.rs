//! A browser as far as a web login needs one: GET and form POST without following redirects by itself (the
//! checker follows them, one hop at a time, and looks at each), keeping the cookies servers set.

use std::time::{Duration, Instant};

use reqwest::Url;

use super::report::Request;

/// Reply bodies kept, at most.
const KEPT_BODY: usize = 2048;
/// Query parameters whose values are credentials and never shown.
const MASKED: [&str; 5] = ["code", "access_token", "refresh_token", "client_secret", "password"];

/// The URL with credential-like query values replaced by `***`.
pub fn mask(url: &str) -> String {
    let Ok(mut u) = Url::parse(url) else { return url.to_string() };
    if u.query().is_none() {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let v = if MASKED.contains(&k.as_ref()) { "***".to_string() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}

#[derive(Debug, Clone)]
struct Cookie {
    /// host:port the cookie came from (sent back to it only).
    origin: String,
    name: String,
    value: String,
    path: String,
}

/// One reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub url: String,
    pub status: u16,
    /// The redirect's target, resolved against the request URL.
    pub location: Option<String>,
    pub body: String,
}

impl Reply {
    pub fn redirect(&self) -> Option<&str> {
        (300..400).contains(&self.status).then_some(self.location.as_deref()).flatten()
    }
}

pub struct Browser {
    http: reqwest::Client,
    jar: Vec<Cookie>,
}

fn origin(u: &Url) -> String {
    format!("{}:{}", u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(0))
}

impl Browser {
    pub fn new(timeout: Duration) -> Result<Browser, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        Ok(Browser { http, jar: Vec::new() })
    }

    /// The client underneath, for calls made as the OAuth client rather than as the browser.
    pub fn client(&self) -> &reqwest::Client {
        &self.http
    }

    fn cookie_header(&self, u: &Url) -> Option<String> {
        let o = origin(u);
        let pairs: Vec<String> = self
            .jar
            .iter()
            .filter(|c| c.origin == o && u.path().starts_with(&c.path))
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    fn keep_cookies(&mut self, u: &Url, headers: &reqwest::header::HeaderMap) {
        for v in headers.get_all(reqwest::header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            let mut parts = v.split(';');
            let Some((name, value)) = parts.next().and_then(|nv| nv.trim().split_once('=')) else { continue };
            let mut path = match u.path().rfind('/') {
                Some(0) | None => "/".to_string(),
                Some(i) => u.path()[..i].to_string(),
            };
            let mut gone = false;
            for attr in parts {
                let (k, val) = attr.trim().split_once('=').unwrap_or((attr.trim(), ""));
                if k.eq_ignore_ascii_case("path") && val.starts_with('/') {
                    path = val.to_string();
                }
                if k.eq_ignore_ascii_case("max-age") && val.trim().parse::<i64>().is_ok_and(|s| s <= 0) {
                    gone = true;
                }
            }
            let o = origin(u);
            self.jar.retain(|c| !(c.origin == o && c.name == name && c.path == path));
            if !gone {
                self.jar.push(Cookie { origin: o, name: name.to_string(), value: value.to_string(), path });
            }
        }
    }

    /// One GET, recorded in `log`.
    pub async fn get(&mut self, url: &str, log: &mut Vec<Request>) -> Result<Reply, String> {
        self.send("GET", url, None, log).await
    }

    /// One form POST, recorded in `log` (the form itself is not).
    pub async fn post_form(
        &mut self,
        url: &str,
        form: &[(String, String)],
        log: &mut Vec<Request>,
    ) -> Result<Reply, String> {
        self.send("POST", url, Some(form), log).await
    }

    async fn send(
        &mut self,
        method: &str,
        url: &str,
        form: Option<&[(String, String)]>,
        log: &mut Vec<Request>,
    ) -> Result<Reply, String> {
        let started = Instant::now();
        let mut rec = Request { method: method.into(), url: mask(url), ..Request::default() };
        let parsed = match Url::parse(url) {
            Ok(u) => u,
            Err(e) => {
                let e = format!("`{}` is not a URL: {e}", mask(url));
                rec.error = Some(e.clone());
                log.push(rec);
                return Err(e);
            }
        };
        let mut req = match form {
            Some(f) => self.http.post(parsed.clone()).form(f),
            None => self.http.get(parsed.clone()),
        };
        req = req.header(reqwest::header::ACCEPT, "text/html,application/json;q=0.9,*/*;q=0.8");
        if let Some(c) = self.cookie_header(&parsed) {
            req = req.header(reqwest::header::COOKIE, c);
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                let e = if e.is_timeout() { "no reply in time".to_string() } else { format!("could not connect: {e}") };
                rec.error = Some(e.clone());
                rec.elapsed_ms = started.elapsed().as_millis() as u64;
                log.push(rec);
                return Err(format!("{method} {}: {e}", mask(url)));
            }
        };
        self.keep_cookies(&parsed, resp.headers());
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| parsed.join(l).ok())
            .map(|u| u.to_string());
        let body = resp.text().await.unwrap_or_default();
        rec.status = Some(status);
        rec.location = location.as_deref().map(mask);
        rec.reply = Some(body.chars().take(KEPT_BODY).collect());
        rec.elapsed_ms = started.elapsed().as_millis() as u64;
        log.push(rec);
        Ok(Reply { url: url.to_string(), status, location, body })
    }

    /// GETs `url` and follows its redirects (at most 5) as long as they stay off `stop_at`'s URLs; the last reply.
    pub async fn follow(&mut self, url: &str, stop_at: &str, log: &mut Vec<Request>) -> Result<Reply, String> {
        let mut reply = self.get(url, log).await?;
        for _ in 0..5 {
            match reply.redirect() {
                Some(next) if !next.starts_with(stop_at) => {
                    let next = next.to_string();
                    reply = self.get(&next, log).await?;
                }
                _ => break,
            }
        }
        Ok(reply)
    }
}

/// The `<input type="hidden">` fields and the first `<option>` of each `<select>` of a page's first form, as a
/// browser would submit it; HTML entities in values decoded.
pub fn form_fields(html: &str) -> Vec<(String, String)> {
    let form = html.split("<form").nth(1).and_then(|f| f.split("</form>").next()).unwrap_or("");
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!("{name}=\"");
        let start = tag.find(&key)? + key.len();
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let mut fields = Vec::new();
    for tag in form.split('<').skip(1) {
        if tag.starts_with("input") && attr(tag, "type").as_deref() == Some("hidden") {
            if let Some(n) = attr(tag, "name") {
                fields.push((n, attr(tag, "value").unwrap_or_default()));
            }
        }
        if tag.starts_with("select") {
            if let Some(n) = attr(tag, "name") {
                let rest = &form[form.find(tag).unwrap_or(0)..];
                let first = rest.split("<option").nth(1).and_then(|o| attr(o, "value")).unwrap_or_default();
                fields.push((n, first));
            }
        }
    }
    fields
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_urls_are_masked() {
        let m = mask("http://127.0.0.1:9/cb?code=abc123&state=s1");
        assert!(!m.contains("abc123") && m.contains("state=s1"), "{m}");
        assert_eq!(mask("http://h/x"), "http://h/x");
    }

    #[test]
    fn a_consent_form_is_read_as_a_browser_submits_it() {
        let html = r#"<p>x</p><form method="post"><input type="hidden" name="client_id" value="c&amp;1">
            <input type="hidden" name="state" value=""><select name="buyer_id"><option value="B1">一</option>
            <option value="B2">二</option></select><button name="decision" value="approve">同意</button></form>"#;
        assert_eq!(
            form_fields(html),
            vec![
                ("client_id".to_string(), "c&1".to_string()),
                ("state".to_string(), String::new()),
                ("buyer_id".to_string(), "B1".to_string())
            ]
        );
    }
}
