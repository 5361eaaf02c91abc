//! Fault injection: make a route slow, fail, truncate its reply, sign it wrongly or drop the connection.

use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fault {
    /// Answer after a delay.
    Latency { ms: u64 },
    /// Answer with this HTTP status (5xx) instead of serving.
    Status { status: u16 },
    /// Serve, then cut the body in half.
    Truncate,
    /// Serve with a wrong `Body-Sign` header.
    BadSignature,
    /// Drop the connection mid-reply.
    Reset,
}

/// A fault on every route whose path starts with `route` (`*` for all; a trailing `$` for that path alone, e.g.
/// `/feed/v1/supervision$` fails the supervision feed's pages and not the actions posted under it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub route: String,
    #[serde(flatten)]
    pub fault: Fault,
    /// Apply to this many requests, then stop; every request if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

impl FaultRule {
    fn matches(&self, path: &str) -> bool {
        match self.route.strip_suffix('$') {
            Some(exact) => path == exact,
            None => self.route == "*" || path.starts_with(&self.route),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--fault `{0}`: expected ROUTE=KIND[:ARG][*COUNT], KIND one of latency:MS, status:CODE, truncate, bad-signature, reset (e.g. /feed/v1/orders=status:503*2)")]
pub struct BadFaultSpec(pub String);

/// `ROUTE=KIND[:ARG][*COUNT]`, e.g. `/feed/v1=latency:200`, `*=reset*1`.
impl FromStr for FaultRule {
    type Err = BadFaultSpec;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadFaultSpec(s.to_string());
        let (route, rest) = s.split_once('=').ok_or_else(bad)?;
        let (spec, count) = match rest.split_once('*') {
            Some((spec, n)) => (spec, Some(n.parse().map_err(|_| bad())?)),
            None => (rest, None),
        };
        let (kind, arg) = match spec.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (spec, None),
        };
        let fault = match (kind, arg) {
            ("latency", Some(ms)) => Fault::Latency { ms: ms.parse().map_err(|_| bad())? },
            ("status", Some(code)) => {
                let status: u16 = code.parse().map_err(|_| bad())?;
                if !(400..=599).contains(&status) {
                    return Err(bad());
                }
                Fault::Status { status }
            }
            ("truncate", None) => Fault::Truncate,
            ("bad-signature", None) => Fault::BadSignature,
            ("reset", None) => Fault::Reset,
            _ => return Err(bad()),
        };
        if route.is_empty() {
            return Err(bad());
        }
        Ok(FaultRule { route: route.to_string(), fault, count })
    }
}

/// The rules in force.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

impl Faults {
    pub fn new(rules: Vec<FaultRule>) -> Faults {
        Faults { rules: Mutex::new(rules) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn add(&self, rule: FaultRule) {
        self.lock().push(rule);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn list(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    /// The faults to apply to a request for `path`, spending their counts.
    pub fn take(&self, path: &str) -> Vec<Fault> {
        let mut rules = self.lock();
        if rules.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for r in rules.iter_mut().filter(|r| r.matches(path)) {
            match &mut r.count {
                Some(0) => continue,
                Some(n) => *n -= 1,
                None => {}
            }
            out.push(r.fault.clone());
        }
        rules.retain(|r| r.count != Some(0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        let r: FaultRule = "/feed/v1/orders=status:503*2".parse().expect("parses");
        assert_eq!(
            r,
            FaultRule { route: "/feed/v1/orders".into(), fault: Fault::Status { status: 503 }, count: Some(2) }
        );
        assert_eq!("*=reset".parse::<FaultRule>().expect("parses").fault, Fault::Reset);
        assert_eq!("/x=latency:250".parse::<FaultRule>().expect("parses").fault, Fault::Latency { ms: 250 });
        for bad in ["/x", "/x=status:200", "/x=latency", "/x=explode", "=reset", "/x=reset*z"] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn counts_run_out() {
        let f = Faults::new(vec!["/feed=truncate*2".parse().expect("rule"), "/other=reset".parse().expect("rule")]);
        assert_eq!(f.take("/feed/v1/orders"), [Fault::Truncate]);
        assert_eq!(f.take("/feed/v1/bills"), [Fault::Truncate]);
        assert!(f.take("/feed/v1/orders").is_empty());
        assert_eq!(f.list().len(), 1);
        assert_eq!(f.take("/other/x"), [Fault::Reset]);
        assert_eq!(f.take("/other/x"), [Fault::Reset], "no count: every time");
    }

    #[test]
    fn a_trailing_dollar_matches_that_path_alone() {
        let f = Faults::new(vec!["/feed/v1/supervision$=status:500".parse().expect("rule")]);
        assert!(f.take("/feed/v1/supervision/CS1/actions").is_empty());
        assert_eq!(f.take("/feed/v1/supervision"), [Fault::Status { status: 500 }]);
    }
}
