//! What the debug-case form offers: every production-interface activity with its documented request fields
//! (maximum length, mandatory, kind), the placeholders a value may hold, and the documented result codes an
//! expectation may name [KG §7]. Built from the protocol's field table and the checker's own constants, the same
//! ones [`koodesk_protocol::production::ProductionRequest::validate`] and [`crate::cases::SavedCase::validate`]
//! apply, so the form and the checks cannot disagree.

use koodesk_protocol::production::{FieldKind, ACTIVITIES, MAX_QUERY_IDS};
use koodesk_protocol::result_code::ResultCode;
use serde::Serialize;
use ts_rs::TS;

use crate::cases::{NAME_MAX, PLACEHOLDERS};

/// What a field holds, for the form's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CaseFieldKind {
    /// Free text.
    Text,
    /// Comma-separated IDs, each up to `max_chars`, at most [`CaseForm::max_ids`].
    Ids,
    /// UTC time as `yyyyMMddHHmmss`.
    Time,
    /// One of `choices`.
    Choice,
    /// A whole number.
    Integer,
    /// The debug flag (`1`).
    Flag,
}

/// One request field of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CaseField {
    /// The documented name; dotted for a field of a nested object (`productInfo.skuCode`).
    pub name: String,
    /// Most characters the value may have (for `ids`, each ID).
    pub max_chars: u32,
    pub mandatory: bool,
    pub kind: CaseFieldKind,
    /// For `choice`: the documented values.
    pub choices: Vec<String>,
    /// The placeholder filled in per run for this field, when there is one (`instanceId` for `${instanceId}`).
    pub placeholder: Option<String>,
}

/// An activity and its request fields, in the documented order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CaseActivity {
    pub activity: String,
    pub fields: Vec<CaseField>,
}

/// Everything the debug-case form needs to offer and check a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CaseForm {
    pub activities: Vec<CaseActivity>,
    /// Placeholder names (`orderId` stands for `${orderId}`).
    pub placeholders: Vec<String>,
    /// The documented result codes an expectation may accept.
    pub result_codes: Vec<String>,
    /// Most instance IDs one queryInstance may ask for.
    pub max_ids: u32,
    /// Most characters of a case's or a suite's name.
    pub name_max: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The form's description, from the same constants the checks use.
pub fn case_form() -> CaseForm {
    let activities = ACTIVITIES
        .iter()
        .map(|a| CaseActivity {
            activity: a.activity.to_string(),
            fields: a
                .fields
                .iter()
                .map(|f| {
                    let (kind, choices) = match f.kind {
                        FieldKind::Text => (CaseFieldKind::Text, Vec::new()),
                        FieldKind::Ids => (CaseFieldKind::Ids, Vec::new()),
                        FieldKind::Time => (CaseFieldKind::Time, Vec::new()),
                        FieldKind::Choice(values) => {
                            (CaseFieldKind::Choice, values.iter().map(|v| v.to_string()).collect())
                        }
                        FieldKind::Integer => (CaseFieldKind::Integer, Vec::new()),
                        FieldKind::Flag => (CaseFieldKind::Flag, Vec::new()),
                    };
                    CaseField {
                        name: f.name.to_string(),
                        max_chars: count(f.max),
                        mandatory: f.mandatory,
                        kind,
                        choices,
                        placeholder: PLACEHOLDERS.iter().find(|p| **p == f.name).map(|p| p.to_string()),
                    }
                })
                .collect(),
        })
        .collect();
    CaseForm {
        activities,
        placeholders: PLACEHOLDERS.iter().map(|p| p.to_string()).collect(),
        result_codes: ResultCode::ALL.iter().map(|c| c.code().to_string()).collect(),
        max_ids: count(MAX_QUERY_IDS),
        name_max: count(NAME_MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_describes_every_activity_with_the_checked_limits() {
        let form = case_form();
        let names: Vec<&str> = form.activities.iter().map(|a| a.activity.as_str()).collect();
        assert_eq!(
            names,
            [
                "newInstance",
                "queryInstance",
                "refreshInstance",
                "updateInstanceStatus",
                "releaseInstance",
                "upgradeInstance",
                "changeInstanceCheck",
                "orderNotify"
            ]
        );
        let new = &form.activities[0].fields;
        assert_eq!(new[0].name, "orderId");
        assert_eq!((new[0].max_chars, new[0].mandatory), (64, true));
        assert_eq!(new[0].placeholder.as_deref(), Some("orderId"));
        let refresh = &form.activities[2].fields;
        assert_eq!(refresh[0].kind, CaseFieldKind::Choice);
        assert!(refresh[0].choices.contains(&"RENEWAL".to_string()));
        // Every placeholder a default case uses is one the form offers for that field.
        for suite in crate::cases::default_suites() {
            for case in &suite.cases {
                let activity = case.request["activity"].as_str().unwrap_or_default();
                let spec = form.activities.iter().find(|a| a.activity == activity).expect(activity);
                for f in &spec.fields {
                    if let Some(v) = case.request.get(&f.name).and_then(|v| v.as_str()) {
                        if v.starts_with("${") {
                            assert_eq!(f.placeholder.as_deref(), Some(&v[2..v.len() - 1]), "{activity} {}", f.name);
                        }
                    }
                }
            }
        }
        assert!(form.result_codes.contains(&"000004".to_string()));
        assert_eq!(form.max_ids, 100);
    }
}
