use koodesk_domain::invoice::{self, Channel};
use koodesk_domain::time;
use serde::Serialize;

use crate::args::InvoiceRulesArgs;
use crate::output::{print_json, Failure};

#[derive(Serialize)]
struct InvoiceRulesOutput {
    issuer: &'static str,
    due_at: String,
    courier_payer: &'static str,
}

pub fn run(a: InvoiceRulesArgs) -> Result<(), Failure> {
    let channel = if a.joint_operation { Channel::JointOperation } else { Channel::General };
    let out = InvoiceRulesOutput {
        issuer: invoice::issuer(a.order_date, channel).as_str(),
        due_at: time::format_rfc3339(&invoice::due_at(a.requested_at)),
        courier_payer: invoice::courier_payer(a.medium, a.amount).as_str(),
    };
    if a.json {
        return print_json(&out);
    }
    let issuer = match out.issuer {
        "merchant" => "the merchant invoices the customer",
        _ => "Huawei Cloud invoices the customer (the merchant does not)",
    };
    let courier = match out.courier_payer {
        "customer" => "the customer pays the courier (到付: paper under 100 yuan)",
        "merchant" => "the merchant pays the courier",
        _ => "nothing is posted",
    };
    println!("issuer:  {issuer}");
    println!("due:     {} (7 days after the request)", out.due_at);
    println!("courier: {courier}");
    Ok(())
}
