//! Saved debug cases: named suites of request bodies with expectations, replayed against the endpoint — the
//! seller's own copy of KooGallery's debug-case management (调试用例), exportable and importable as JSON.
//!
//! A request body may hold placeholders, filled in per run:
//! `${orderId}`, `${orderLineId}` (one fresh order per run), `${businessId}` (fresh for every request),
//! `${instanceId}` (the last instanceId a reply returned), `${expireTime}` (a year from now, UTC yyyyMMddHHmmss).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::target::random_token;

/// The placeholders a request may use.
pub const PLACEHOLDERS: [&str; 5] = ["orderId", "orderLineId", "businessId", "instanceId", "expireTime"];
/// Most characters of a case's or a suite's name.
pub const NAME_MAX: usize = 80;
/// The export format's tag.
pub const FORMAT: &str = "koodesk-interface-cases/1";

/// What a case expects of the reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Expectation {
    /// Accepted result codes; empty means 000000.
    #[serde(default)]
    pub result_codes: Vec<String>,
    /// JSON pointers (e.g. `/info/0/appInfo/frontEndUrl`) that must be present and not null.
    #[serde(default)]
    pub present: Vec<String>,
    /// For queryInstance: poll while the reply is 000004, as KooGallery does.
    #[serde(default)]
    pub poll: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedCase {
    pub name: String,
    #[ts(type = "JsonValue")]
    pub request: Value,
    #[serde(default)]
    pub expect: Expectation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SavedSuite {
    pub name: String,
    pub cases: Vec<SavedCase>,
}

/// Why a case or an import was refused; names the case and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CaseError(pub String);

impl SavedCase {
    /// Checks a case before it is stored.
    pub fn validate(&self) -> Result<(), CaseError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(CaseError(format!("case `name` must be 1 to {NAME_MAX} characters")));
        }
        let Some(obj) = self.request.as_object() else {
            return Err(CaseError(format!("case `{name}`: `request` must be a JSON object (the request body)")));
        };
        if !obj.get("activity").is_some_and(Value::is_string) {
            return Err(CaseError(format!("case `{name}`: `request.activity` is mandatory (e.g. \"newInstance\")")));
        }
        let mut unknown = Vec::new();
        walk_strings(&self.request, &mut |s| {
            for var in placeholders_in(s) {
                if !PLACEHOLDERS.contains(&var) {
                    unknown.push(var.to_string());
                }
            }
        });
        if let Some(var) = unknown.first() {
            return Err(CaseError(format!(
                "case `{name}`: `${{{var}}}` is not a placeholder; use one of {}",
                PLACEHOLDERS.map(|p| format!("${{{p}}}")).join(", ")
            )));
        }
        for code in &self.expect.result_codes {
            if koodesk_protocol::result_code::ResultCode::parse(code).is_none() {
                return Err(CaseError(format!(
                    "case `{name}`: `expect.result_codes` has `{code}`, not a documented code"
                )));
            }
        }
        if let Some(p) = self.expect.present.iter().find(|p| !p.starts_with('/')) {
            return Err(CaseError(format!(
                "case `{name}`: `expect.present` entry `{p}` is not a JSON pointer (starts with /)"
            )));
        }
        Ok(())
    }
}

impl SavedSuite {
    pub fn validate(&self) -> Result<(), CaseError> {
        if self.name.trim().is_empty() || self.name.chars().count() > NAME_MAX {
            return Err(CaseError(format!("suite `name` must be 1 to {NAME_MAX} characters")));
        }
        let mut names = std::collections::HashSet::new();
        for c in &self.cases {
            c.validate()?;
            if !names.insert(c.name.trim()) {
                return Err(CaseError(format!("suite `{}` has two cases named `{}`", self.name, c.name)));
            }
        }
        Ok(())
    }
}

fn walk_strings(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| walk_strings(x, f)),
        Value::Object(o) => o.values().for_each(|x| walk_strings(x, f)),
        _ => {}
    }
}

fn placeholders_in(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// The values placeholders take in one run.
#[derive(Debug, Clone)]
pub struct Vars {
    pub order_id: String,
    pub instance_id: Option<String>,
    pub expire_time: String,
}

impl Vars {
    pub fn for_run() -> Vars {
        let now = chrono::Utc::now();
        Vars {
            order_id: format!("KDCASE{}{}", now.format("%y%m%d%H%M%S"), random_token(6).to_uppercase()),
            instance_id: None,
            expire_time: (now + chrono::Duration::days(365)).format("%Y%m%d%H%M%S").to_string(),
        }
    }

    fn value(&self, var: &str) -> Result<String, String> {
        match var {
            "orderId" => Ok(self.order_id.clone()),
            "orderLineId" => Ok(format!("{}-000001", self.order_id)),
            "businessId" => Ok(random_token(32).to_lowercase()),
            "expireTime" => Ok(self.expire_time.clone()),
            "instanceId" => self.instance_id.clone().ok_or_else(|| {
                "`${instanceId}` has no value: no earlier reply in this run returned an instanceId".into()
            }),
            other => Err(format!("`${{{other}}}` is not a placeholder")),
        }
    }

    /// The request with its placeholders filled in.
    pub fn render(&self, template: &Value) -> Result<Value, String> {
        Ok(match template {
            Value::String(s) => {
                let mut out = String::new();
                let mut rest = s.as_str();
                while let Some(start) = rest.find("${") {
                    let Some(end) = rest[start..].find('}') else { break };
                    out.push_str(&rest[..start]);
                    out.push_str(&self.value(&rest[start + 2..start + end])?);
                    rest = &rest[start + end + 1..];
                }
                out.push_str(rest);
                Value::String(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.render(x)).collect::<Result<_, _>>()?),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, x)| Ok((k.clone(), self.render(x)?))).collect::<Result<_, String>>()?)
            }
            other => other.clone(),
        })
    }
}

fn case(name: &str, request: Value, codes: &[&str], present: &[&str], poll: bool) -> SavedCase {
    SavedCase {
        name: name.to_string(),
        request,
        expect: Expectation {
            result_codes: codes.iter().map(|c| c.to_string()).collect(),
            present: present.iter().map(|p| p.to_string()).collect(),
            poll,
        },
    }
}

/// KooGallery's listing debug cases: 新购/续费/过期/释放 for a period product, 新购/释放 for a per-call one [KG §7].
pub fn default_suites() -> Vec<SavedSuite> {
    let buy = case(
        "新购 newInstance",
        json!({"activity": "newInstance", "orderId": "${orderId}", "orderLineId": "${orderLineId}", "businessId": "${businessId}", "testFlag": "1"}),
        &["000000", "000004"],
        &["/instanceId"],
        false,
    );
    let query = case(
        "queryInstance",
        json!({"activity": "queryInstance", "instanceId": "${instanceId}", "testFlag": "1"}),
        &[],
        &["/info/0/appInfo/frontEndUrl"],
        true,
    );
    let release = case(
        "释放 releaseInstance",
        json!({"activity": "releaseInstance", "instanceId": "${instanceId}", "orderId": "${orderId}", "orderLineId": "${orderLineId}", "testFlag": "1"}),
        &[],
        &[],
        false,
    );
    let renew = case(
        "续费 refreshInstance",
        json!({"activity": "refreshInstance", "scene": "RENEWAL", "orderId": "${orderId}", "orderLineId": "${orderLineId}", "instanceId": "${instanceId}", "expireTime": "${expireTime}", "testFlag": "1"}),
        &[],
        &[],
        false,
    );
    let expire = case(
        "过期 updateInstanceStatus FREEZE",
        json!({"activity": "updateInstanceStatus", "instanceId": "${instanceId}", "status": "FREEZE", "testFlag": "1"}),
        &[],
        &[],
        false,
    );
    vec![
        SavedSuite { name: "period".into(), cases: vec![buy.clone(), query.clone(), renew, expire, release.clone()] },
        SavedSuite { name: "per-call".into(), cases: vec![buy, query, release] },
    ]
}

/// Export as `{"format": "koodesk-interface-cases/1", "suites": [...]}`.
pub fn export(suites: &[SavedSuite]) -> Value {
    json!({"format": FORMAT, "suites": suites})
}

/// Import an export; every suite and case is validated before any is returned.
pub fn import(text: &str) -> Result<Vec<SavedSuite>, CaseError> {
    let v: Value = serde_json::from_str(text).map_err(|e| CaseError(format!("the file is not JSON: {e}")))?;
    match v.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(other) => return Err(CaseError(format!("`format` is `{other}`; this KooDesk reads `{FORMAT}`"))),
        None => return Err(CaseError(format!("`format` is missing; expected `{FORMAT}`"))),
    }
    let suites: Vec<SavedSuite> = serde_json::from_value(v.get("suites").cloned().unwrap_or(Value::Null))
        .map_err(|e| CaseError(format!("`suites` is not a list of suites: {e}")))?;
    for s in &suites {
        s.validate()?;
    }
    Ok(suites)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip_through_export() {
        let suites = default_suites();
        for s in &suites {
            s.validate().expect("valid");
        }
        let text = export(&suites).to_string();
        assert_eq!(import(&text).expect("import"), suites);
    }

    #[test]
    fn placeholders_are_filled_per_run() {
        let mut vars = Vars::for_run();
        let body = json!({"a": "${orderId}", "b": ["x-${orderLineId}"], "c": 5});
        let out = vars.render(&body).expect("render");
        assert_eq!(out["a"], json!(vars.order_id));
        assert_eq!(out["b"][0], json!(format!("x-{}-000001", vars.order_id)));
        assert_eq!(out["c"], json!(5));
        let e = vars.render(&json!({"i": "${instanceId}"})).expect_err("no instance yet");
        assert!(e.contains("instanceId"), "{e}");
        vars.instance_id = Some("i-1".into());
        assert_eq!(vars.render(&json!("${instanceId}")).expect("render"), json!("i-1"));
        let b1 = vars.render(&json!("${businessId}")).expect("b");
        let b2 = vars.render(&json!("${businessId}")).expect("b");
        assert_ne!(b1, b2, "businessId is new every request");
    }

    #[test]
    fn bad_cases_name_the_field() {
        let mut c = default_suites()[0].cases[0].clone();
        c.request = json!({"activity": "newInstance", "orderId": "${order}"});
        assert!(c.validate().expect_err("unknown var").0.contains("${order}"));
        c.request = json!(["not", "an", "object"]);
        assert!(c.validate().expect_err("array").0.contains("`request`"));
        c.request = json!({"orderId": "x"});
        assert!(c.validate().expect_err("activity").0.contains("request.activity"));
        c.request = json!({"activity": "newInstance"});
        c.expect.result_codes = vec!["999999".into()];
        assert!(c.validate().expect_err("code").0.contains("999999"));
        assert!(import("{}").expect_err("format").0.contains("format"));
        assert!(import(r#"{"format":"other/2","suites":[]}"#).expect_err("format").0.contains("other/2"));
        let dup = SavedSuite { name: "s".into(), cases: vec![c.clone(), c.clone()] };
        c.expect.result_codes.clear();
        let dup = SavedSuite { cases: vec![c.clone(), c], ..dup };
        assert!(dup.validate().expect_err("dup").0.contains("two cases"));
    }
}
