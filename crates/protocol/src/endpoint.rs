//! Which URLs a credential may be sent to: `https://` anywhere, plain `http://` only to this machine.
//!
//! The feed token, the interface key and the open API's keys travel with every request, so a plain-HTTP URL is
//! accepted only when the URL, parsed (WHATWG rules, as the HTTP client itself parses it), names a loopback host:
//! an IPv4 address in 127.0.0.0/8, the IPv6 `::1`, or exactly `localhost`. No name is resolved — a name that
//! merely starts with `127.` (`127.evil.example`) or resolves to 127.0.0.1 today (`127.0.0.1.nip.io`) is another
//! host — and the user-info part of a URL never counts as its host (`http://user@127.0.0.1@evil` goes to `evil`).
//!
//! Errors name the field and the rule, and show the host, never the whole URL (its user-info or query could hold
//! a credential).

use std::fmt;

use url::{Host, Url};

/// How a URL that passed [`check`] is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Https,
    /// Plain HTTP to this machine.
    LoopbackHttp,
}

/// Why a URL may not carry a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    /// The field the URL came from (`feed_url`, `--feed`, …).
    pub field: String,
    pub why: String,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.why)
    }
}

impl std::error::Error for EndpointError {}

const RULE: &str = "an https:// URL, or plain http:// only to this machine (127.0.0.0/8, [::1] or localhost)";

/// Whether a parsed URL's host is this machine: a loopback IP address, or exactly `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        // The parser lowercases names, so `LOCALHOST` arrives as `localhost`; `localhost.` is not it.
        Some(Host::Domain(name)) => name == "localhost",
        None => false,
    }
}

fn parse(field: &str, url: &str) -> Result<Url, EndpointError> {
    let err = |why: String| EndpointError { field: field.to_string(), why };
    let parsed = Url::parse(url.trim()).map_err(|e| err(format!("not a URL ({e}); {RULE}")))?;
    if parsed.host().is_none() {
        return Err(err(format!("the URL names no host; {RULE}")));
    }
    Ok(parsed)
}

fn host_of(url: &Url) -> String {
    url.host().map(|h| h.to_string()).unwrap_or_default()
}

/// Checks a URL a credential will be sent to: `https://`, or `http://` to a loopback host.
pub fn check(field: &str, url: &str) -> Result<Transport, EndpointError> {
    let parsed = parse(field, url)?;
    match parsed.scheme() {
        "https" => Ok(Transport::Https),
        "http" if is_loopback(&parsed) => Ok(Transport::LoopbackHttp),
        "http" => Err(EndpointError {
            field: field.to_string(),
            why: format!("plain http:// to `{}`, which is not this machine; {RULE}", host_of(&parsed)),
        }),
        other => Err(EndpointError { field: field.to_string(), why: format!("the scheme is `{other}:`; {RULE}") }),
    }
}

/// Checks a URL that must be plain `http://` to this machine (the sandbox calls nothing else).
pub fn check_loopback_http(field: &str, url: &str) -> Result<Url, EndpointError> {
    let parsed = parse(field, url)?;
    let rule = "a plain http:// URL to this machine (127.0.0.0/8, [::1] or localhost)";
    if parsed.scheme() != "http" {
        let why = format!("the scheme is `{}:`; {rule}", parsed.scheme());
        return Err(EndpointError { field: field.to_string(), why });
    }
    if !is_loopback(&parsed) {
        let why = format!("`{}` is not this machine; {rule}", host_of(&parsed));
        return Err(EndpointError { field: field.to_string(), why });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_a_loopback_host() {
        for ok in [
            "http://127.0.0.1:8787",
            "http://127.0.0.1:8787/",
            "http://127.255.0.9/feed",
            "http://[::1]:8080",
            "http://localhost:1",
            "http://LOCALHOST:1/x",
            "http://user@127.0.0.1:9/",
        ] {
            assert_eq!(check("feed_url", ok), Ok(Transport::LoopbackHttp), "{ok}");
        }
        for (bad, host) in [
            ("http://127.evil.example", "127.evil.example"),
            ("http://127.evil.example:8787/feed", "127.evil.example"),
            ("http://127.0.0.1.nip.io", "127.0.0.1.nip.io"),
            ("http://user@127.0.0.1@evil", "evil"),
            ("http://127.0.0.1@evil.example", "evil.example"),
            ("http://localhost.evil.example", "localhost.evil.example"),
            ("http://localhost.", "localhost."),
            ("http://10.0.0.1", "10.0.0.1"),
            ("http://[::ffff:7f00:1]", "[::ffff:7f00:1]"),
            ("http://0.0.0.0:8787", "0.0.0.0"),
        ] {
            let e = check("feed_url", bad).expect_err(bad);
            assert_eq!(e.field, "feed_url");
            let text = e.to_string();
            assert!(text.starts_with("feed_url: plain http:// to "), "{bad}: {text}");
            assert!(text.contains(&format!("`{host}`")), "{bad}: names the host it would go to: {text}");
            assert!(text.contains("127.0.0.0/8, [::1] or localhost"), "{bad}: states the rule: {text}");
        }
    }

    #[test]
    fn https_anywhere_and_nothing_else() {
        assert_eq!(check("feed_url", "https://feed.example.com/v1"), Ok(Transport::Https));
        assert_eq!(check("feed_url", "https://127.evil.example"), Ok(Transport::Https));
        for bad in ["ftp://127.0.0.1/", "file:///etc/passwd", "127.0.0.1:8787", "", "http://", "data:,x"] {
            let e = check("--feed", bad).expect_err(bad);
            assert!(e.to_string().starts_with("--feed: "), "{e}");
        }
    }

    #[test]
    fn errors_never_echo_the_url() {
        let e = check("feed_url", "http://me:hunter2@evil.example/?token=kdf_abc").expect_err("refused");
        let text = e.to_string();
        assert!(!text.contains("hunter2") && !text.contains("kdf_abc"), "{text}");
        let e = check("feed_url", "gopher://me:hunter2@127.0.0.1/").expect_err("refused");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }

    #[test]
    fn the_sandbox_calls_only_plain_http_on_this_machine() {
        assert!(check_loopback_http("url", "http://127.0.0.1:8080/saasproduce").is_ok());
        assert!(check_loopback_http("url", "http://localhost:9/x").is_ok());
        assert!(check_loopback_http("url", "http://[::1]:9/x").is_ok());
        for bad in [
            "https://127.0.0.1/x",
            "http://10.0.0.1/x",
            "http://127.evil.example/x",
            "http://127.0.0.1.nip.io/x",
            "http://user@127.0.0.1@evil/x",
        ] {
            let e = check_loopback_http("call_interface", bad).expect_err(bad);
            assert!(e.to_string().starts_with("call_interface: "), "{e}");
        }
    }
}
