//! `koodesk lookup --db FILE ORDER_ID…`: orders looked up by ID through the open API's `order/query` with the
//! seller's AK/SK, and stored as source `lookup` (`koodesk_client::lookup`).

use koodesk_client::credentials::{self, Credential};
use koodesk_client::lookup::{self, LookedUp, LookupError, LookupReport, OpenApi};
use koodesk_domain::catalog::AccessType;
use koodesk_protocol::{endpoint, order_query};
use koodesk_store::import::OrderSource;
use koodesk_store::{Store, Writer};

use crate::args::LookupArgs;
use crate::output::{print_json, Failure};

pub fn run(a: LookupArgs) -> Result<(), Failure> {
    let access_type = a
        .access_type
        .as_deref()
        .map(|s| s.parse::<AccessType>().map_err(|e| Failure::usage(format!("--access-type: {e}"))))
        .transpose()?;
    let api = open_api(a.api.as_deref(), &a.account)?;
    let store = Store::open(&a.db).map_err(|e| Failure::negative(e.to_string()))?;
    let mut order_ids = a.order_ids.clone();
    if a.imported {
        let imported = store.order_listing(Some(OrderSource::Import)).map_err(|e| Failure::negative(e.to_string()))?;
        for o in imported {
            if !order_ids.contains(&o.order_id) {
                order_ids.push(o.order_id);
            }
        }
    }
    let writer = Writer::spawn(store).map_err(|e| Failure::negative(e.to_string()))?;
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::negative(format!("runtime: {e}")))?;
    let report = rt.block_on(lookup::lookup(&writer, &api, &order_ids, access_type)).map_err(|e| match e {
        LookupError::BadUrl(m) => Failure::usage(format!("--api: {m}")),
        LookupError::Setup(m) => Failure::negative(m),
    })?;
    if a.json {
        print_json(&report)?;
    } else {
        print_text(&report);
    }
    outcome(&report)
}

/// Where the open API is (`--api`, else KooGallery's hosts) and the account's AK/SK from the keyring or the
/// environment: what `koodesk lookup` and `koodesk license` call it with. The keys sign every request, so the URL
/// is https://, or plain http:// only to this machine.
pub fn open_api(api: Option<&str>, account: &str) -> Result<OpenApi, Failure> {
    let bases = match api {
        Some(url) => {
            endpoint::check("--api", url).map_err(|e| Failure::usage(e.to_string()))?;
            vec![url.trim_end_matches('/').to_string()]
        }
        None => order_query::default_bases(),
    };
    let access_key = credentials::load(account, Credential::AccessKey).map_err(|e| Failure::negative(e.to_string()))?;
    let secret_key = credentials::load(account, Credential::SecretKey).map_err(|e| Failure::negative(e.to_string()))?;
    Ok(OpenApi { bases, access_key, secret_key })
}

fn print_text(report: &LookupReport) {
    for o in &report.looked_up {
        println!("{}", headline(o));
        for l in &o.lines {
            println!(
                "  {}  {}  {}/{}  ¥{}",
                l.order_line_id,
                l.product_name,
                l.access_type.as_str(),
                l.billing_mode.as_str(),
                l.amount
            );
        }
    }
    for f in &report.failed {
        println!("failed {}: {}", f.order_id, f.message);
    }
    println!("{} looked up, {} failed", report.looked_up.len(), report.failed.len());
}

fn headline(o: &LookedUp) -> String {
    let lines = match o.lines.len() {
        1 => "1 line".to_string(),
        n => format!("{n} lines"),
    };
    let what = format!("{} {}, {lines}, ¥{}", o.order_type.as_str(), o.status.as_str(), o.amount);
    if o.source != OrderSource::Lookup {
        format!(
            "kept {}: {what} — the {} feed's record stays (a lookup never replaces a feed's order)",
            o.order_id,
            o.source.as_str()
        )
    } else if o.changed {
        format!("stored {}: {what}, source lookup", o.order_id)
    } else {
        format!("unchanged {}: {what}, source lookup", o.order_id)
    }
}

/// Exit status 1 when any order failed; the reason the run stopped, if it did.
fn outcome(report: &LookupReport) -> Result<(), Failure> {
    match (&report.stopped, report.failed.len()) {
        (Some(why), _) => Err(Failure::negative(why.clone())),
        (None, 0) => Ok(()),
        (None, n) => {
            Err(Failure::negative(format!("{n} of {} orders could not be looked up", n + report.looked_up.len())))
        }
    }
}
