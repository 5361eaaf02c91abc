use koodesk_domain::supervision::{AppealClocks, Side};
use koodesk_domain::time::{self, Instant};
use serde::Serialize;

use crate::args::{self, AppealCheckArgs, SideArg};
use crate::output::{print_json, Failure};

#[derive(Serialize)]
struct AppealCheckOutput {
    merchant_may_appeal: bool,
    user_may_appeal: bool,
    merchant_may_appeal_at: Option<String>,
    user_may_appeal_at: Option<String>,
}

pub fn run(a: AppealCheckArgs) -> Result<(), Failure> {
    let side = match a.side {
        SideArg::User => Side::User,
        SideArg::Merchant => Side::Merchant,
    };
    let now = a.now.unwrap_or_else(args::now);
    let clocks = AppealClocks::new(side, a.since, a.rejections);
    let fmt = |t: Option<Instant>| t.map(|t| time::format_rfc3339(&t));
    let out = AppealCheckOutput {
        merchant_may_appeal: clocks.merchant_may_appeal(now),
        user_may_appeal: clocks.user_may_appeal(now),
        merchant_may_appeal_at: fmt(clocks.merchant_may_appeal_at),
        user_may_appeal_at: fmt(clocks.user_may_appeal_at),
    };
    if a.json {
        return print_json(&out);
    }
    let line = |who: &str, may: bool, at: &Option<String>| match (may, at) {
        (true, Some(at)) => println!("{who}: may appeal (since {at})"),
        (false, Some(at)) => println!("{who}: may not appeal yet (possible after {at})"),
        (_, None) => println!("{who}: no appeal clock runs for this step"),
    };
    line("merchant", out.merchant_may_appeal, &out.merchant_may_appeal_at);
    line("user", out.user_may_appeal, &out.user_may_appeal_at);
    if clocks.user_by_rejections {
        println!("(more than 3 rejections: the user may appeal at any time)");
    }
    Ok(())
}
