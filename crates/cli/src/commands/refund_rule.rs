use koodesk_domain::refund::{self, RefundError, RefundRule};
use serde::Serialize;

use crate::args::{RefundRuleArgs, YesNo};
use crate::output::{print_json, Failure};

#[derive(Serialize)]
struct RefundRuleOutput {
    rule: &'static str,
    #[serde(rename = "where")]
    place: &'static str,
}

pub fn run(a: RefundRuleArgs) -> Result<(), Failure> {
    let supervised = matches!(a.supervised, YesNo::Yes);
    let policy = refund::policy(a.access_type, a.billing_mode, supervised).map_err(|e| match e {
        RefundError::NoMapping(e) => Failure::usage(format!("--access-type/--billing-mode: {e}")),
        other => Failure::usage(format!("--supervised: {other}")),
    })?;
    let out = RefundRuleOutput { rule: policy.rule.as_str(), place: policy.place.path() };
    if a.json {
        return print_json(&out);
    }
    let rule = match policy.rule {
        RefundRule::Negotiated => format!(
            "negotiated unsubscription (协商退订) while supervision runs: 0 < refund ≤ amount paid; \
             the merchant reviews it in {}",
            refund::MERCHANT_REVIEW_PATH
        ),
        RefundRule::FiveDayFull => {
            "5-day no-reason full refund (5天无理由全额退订), at most 10 a year per account".into()
        }
        RefundRule::NotRefundable => "not refundable (不支持退订)".into(),
    };
    println!("rule:  {rule}");
    println!("where: {}", out.place);
    Ok(())
}
