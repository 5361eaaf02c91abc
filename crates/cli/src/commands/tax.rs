use koodesk_domain::tax::{self, TaxError, TaxSplit};
use koodesk_domain::time;
use serde::Serialize;

use crate::args::{self, TaxArgs};
use crate::output::{percent, print_json, Failure};

#[derive(Serialize)]
struct TaxOutput {
    access_type: &'static str,
    billing_mode: &'static str,
    tax_product: &'static str,
    taxpayer: &'static str,
    date: String,
    rate: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<TaxSplit>,
}

pub fn run(a: TaxArgs) -> Result<(), Failure> {
    let date = a.date.unwrap_or_else(|| time::business_date(&args::now()));
    let found = tax::lookup(a.access_type, a.billing_mode, a.taxpayer, date).map_err(|e| match e {
        TaxError::NoMapping(e) => Failure::usage(format!("--access-type/--billing-mode: {e}")),
        TaxError::NoRate(e) => Failure::usage(format!("--date: {e}")),
    })?;
    let split = a.amount.map(|gross| tax::split_gross(gross, found.rate));
    if a.json {
        return print_json(&TaxOutput {
            access_type: found.access_type.as_str(),
            billing_mode: found.billing_mode.as_str(),
            tax_product: found.tax_product.as_str(),
            taxpayer: found.taxpayer.as_str(),
            date: found.date.to_string(),
            rate: found.rate.to_string(),
            split,
        });
    }
    println!(
        "{} ({}) × {} ({}) → {} ({}): {} for a {} taxpayer on {}",
        found.access_type,
        found.access_type.zh(),
        found.billing_mode,
        found.billing_mode.zh(),
        found.tax_product,
        found.tax_product.zh(),
        percent(found.rate),
        found.taxpayer,
        found.date
    );
    if let Some(s) = split {
        println!("{} tax-inclusive = {} net + {} tax", s.gross, s.net, s.tax);
    }
    Ok(())
}
