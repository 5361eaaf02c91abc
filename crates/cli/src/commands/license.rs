//! `koodesk license activate|query --code CODE`: a License 2.0 code activated or queried through the open API
//! with the seller's AK/SK (`koodesk_client::license`) [KG §3, §8]. Exit status 0 when KooGallery answered
//! `92020000`, 1 for its refusal (named), 2 for bad arguments.

use chrono::Utc;
use koodesk_domain::time;
use koodesk_protocol::license::{LicenseCode, LicenseError, Operation};
use serde::Serialize;

use crate::args::LicenseCommand;
use crate::output::{print_json, Failure};

#[derive(Serialize)]
struct Answer<'a> {
    operation: &'static str,
    code: &'a str,
    #[serde(flatten)]
    info: &'a LicenseCode,
    /// RFC 3339, Beijing time.
    expire_at: Option<String>,
}

pub fn run(command: LicenseCommand) -> Result<(), Failure> {
    let (op, call, effective_at) = match command {
        LicenseCommand::Activate(a) => {
            let at = a
                .effective_at
                .as_deref()
                .map(|s| time::parse_datetime(s.trim()).map_err(|e| Failure::usage(format!("--effective-at: {e}"))))
                .transpose()?;
            (Operation::Activate, a.call, at.map(|t| t.with_timezone(&Utc)))
        }
        LicenseCommand::Query(a) => (Operation::Query, a, None),
    };
    let api = super::lookup::open_api(call.api.as_deref(), &call.account)?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::negative(format!("runtime: {e}")))?;
    let info = rt.block_on(koodesk_client::license::call(&api, op, &call.code, effective_at)).map_err(|e| match e {
        LicenseError::Invalid(m) if m.starts_with("code:") => Failure::usage(format!("--{m}")),
        LicenseError::Invalid(m) => Failure::usage(format!("--api: {m}")),
        other => Failure::negative(other.to_string()),
    })?;
    let answer = Answer {
        operation: if op == Operation::Activate { "activate" } else { "query" },
        code: call.code.trim(),
        info: &info,
        expire_at: info.expire_at.map(|t| time::format_rfc3339(&t)),
    };
    if call.json {
        return print_json(&answer);
    }
    let status = serde_json::to_value(info.status).ok().and_then(|v| v.as_str().map(str::to_string));
    println!(
        "{} {}: {}{}{}",
        answer.operation,
        answer.code,
        status.unwrap_or_default(),
        info.order_id.as_deref().map(|o| format!(", order {o}")).unwrap_or_default(),
        answer.expire_at.as_deref().map(|t| format!(", expires about {t}")).unwrap_or_default(),
    );
    Ok(())
}
