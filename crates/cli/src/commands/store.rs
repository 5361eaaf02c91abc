//! `koodesk sync`, `koodesk inbox`, `koodesk dashboard`, `koodesk credentials`.

use std::io::Read;
use std::path::Path;

use koodesk_app::notice_text::{self, Lang};
use koodesk_client::credentials::{self, Credential};
use koodesk_client::{FeedClient, SyncOptions};
use koodesk_domain::calendar::WorkingCalendar;
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::secret::Secret;
use koodesk_store::Store;

use crate::args::{self, CredentialsArgs, CredentialsCommand, InboxArgs, SyncArgs};
use crate::output::{print_json, Failure};

fn open_existing(db: &Path) -> Result<Store, Failure> {
    if !db.exists() {
        return Err(Failure::usage(format!("--db {}: no such store; `koodesk sync` creates one", db.display())));
    }
    Store::open(db).map_err(|e| Failure::negative(e.to_string()))
}

fn now_arg(now: Option<&str>) -> Result<Instant, Failure> {
    match now {
        None => Ok(args::now()),
        Some(s) => time::parse_datetime(s).map_err(|e| Failure::usage(format!("--now: {e}"))),
    }
}

pub fn sync(a: SyncArgs) -> Result<(), Failure> {
    // The token goes with every request: https://, or plain http:// only to this machine.
    koodesk_protocol::endpoint::check("--feed", &a.feed).map_err(|e| Failure::usage(e.to_string()))?;
    let token = credentials::load(&a.account, Credential::FeedToken).map_err(|e| Failure::negative(e.to_string()))?;
    let store = Store::open(&a.db).map_err(|e| Failure::negative(e.to_string()))?;
    let writer = koodesk_store::Writer::spawn(store).map_err(|e| Failure::negative(e.to_string()))?;
    let client = FeedClient::new(&a.feed, token).map_err(|e| Failure::negative(e.to_string()))?;
    let opts = SyncOptions { page_size: a.page_size.clamp(1, 5000), ..SyncOptions::default() };
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::negative(format!("runtime: {e}")))?;
    let started = std::time::Instant::now();
    let report = rt
        .block_on(koodesk_client::sync(&writer, &client, &opts))
        .map_err(|e| Failure::negative(format!("sync: {e}")))?;
    let seconds = started.elapsed().as_secs_f64();
    if a.json {
        print_json(&serde_json::json!({"report": report, "seconds": seconds}))?;
    } else {
        let items: Vec<String> = report.items.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!(
            "synced {} pages in {seconds:.2} s: {}",
            report.pages,
            if items.is_empty() { "nothing new".into() } else { items.join(", ") }
        );
        if report.actions_sent + report.actions_refused.len() + report.actions_deferred > 0 {
            println!(
                "actions: {} sent, {} refused, {} waiting to retry",
                report.actions_sent,
                report.actions_refused.len(),
                report.actions_deferred
            );
        }
        if report.actions_untried > 0 {
            println!("  {} more still queued: the marketplace cannot be reached", report.actions_untried);
        }
        for r in &report.actions_refused {
            println!("  refused {} on {}: {}", r.action_id, r.target, r.reason);
        }
        for d in &report.actions_damaged {
            println!("  {d}");
        }
        for i in &report.incomplete {
            println!("  incomplete: {i}");
        }
    }
    if report.incomplete.is_empty() {
        Ok(())
    } else {
        Err(Failure::negative("some feeds did not finish; the next sync resumes them"))
    }
}

pub fn inbox(a: InboxArgs) -> Result<(), Failure> {
    let now = now_arg(a.now.as_deref())?;
    let store = open_existing(&a.db)?;
    let inbox = store.inbox(now, WorkingCalendar::embedded()).map_err(|e| Failure::negative(e.to_string()))?;
    if a.json {
        return print_json(&inbox);
    }
    println!("{} to do, {} overdue (at {})", inbox.actionable, inbox.overdue, inbox.now);
    for i in &inbox.items {
        let flag = if i.overdue {
            "!"
        } else if i.pending_sync.is_some() {
            "~"
        } else {
            " "
        };
        println!(
            "{flag} {:<22} {:<24} due {}  {}  [{}]",
            i.action.as_str(),
            i.ref_id,
            i.due_at.as_deref().unwrap_or("-"),
            notice_text::summary(i, Lang::EnUs),
            i.console_path.map(|p| notice_text::console_path(p, Lang::EnUs)).unwrap_or("-")
        );
    }
    Ok(())
}

pub fn dashboard(a: InboxArgs) -> Result<(), Failure> {
    let now = now_arg(a.now.as_deref())?;
    let store = open_existing(&a.db)?;
    let d = store.dashboard(now).map_err(|e| Failure::negative(e.to_string()))?;
    if a.json {
        return print_json(&d);
    }
    println!("{} orders, revenue {} yuan", d.orders, d.revenue);
    for b in d.by_month.iter().rev().take(6) {
        println!("  {}  {:>6} orders  {:>14} yuan", b.key, b.orders, b.revenue);
    }
    println!(
        "invoices: {} requested, {} issued, {} overdue",
        d.invoices.requested, d.invoices.issued, d.invoices.overdue
    );
    for u in &d.unsubscriptions {
        println!("unsubscriptions {}: {} ({} yuan)", u.status.as_str(), u.count, u.amount);
    }
    for t in &d.tax_by_rate {
        println!("tax at {}: {} on {} net", t.rate, t.tax, t.net);
    }
    Ok(())
}

pub fn credentials(a: CredentialsArgs) -> Result<(), Failure> {
    let parse = |name: &str| {
        Credential::parse(name).ok_or_else(|| {
            let names: Vec<&str> = Credential::ALL.iter().map(|c| c.name()).collect();
            Failure::usage(format!("`{name}` is not a credential: one of {}", names.join(", ")))
        })
    };
    match a.command {
        CredentialsCommand::Set { name, account } => {
            let c = parse(&name)?;
            let mut value = String::new();
            std::io::stdin().read_to_string(&mut value).map_err(|e| Failure::usage(format!("standard input: {e}")))?;
            let value = value.trim_end_matches(['\r', '\n']);
            if value.is_empty() {
                return Err(Failure::usage(format!("{name}: the value is read from standard input, which was empty")));
            }
            credentials::store(&account, c, &Secret::new(value)).map_err(|e| Failure::negative(e.to_string()))?;
            println!("{name} stored in the OS keyring for account `{account}`");
            Ok(())
        }
        CredentialsCommand::Status { account } => {
            for c in Credential::ALL {
                let stored = credentials::is_stored(&account, c).map_err(|e| Failure::negative(e.to_string()))?;
                let env = std::env::var(c.env_var()).is_ok_and(|v| !v.is_empty());
                println!(
                    "{:<20} {}{}",
                    c.name(),
                    if stored { "stored in the keyring" } else { "not stored" },
                    if env { format!(" (overridden by {})", c.env_var()) } else { String::new() }
                );
            }
            Ok(())
        }
        CredentialsCommand::Delete { name, account } => {
            let c = parse(&name)?;
            credentials::delete(&account, c).map_err(|e| Failure::negative(e.to_string()))?;
            println!("{name} removed for account `{account}`");
            Ok(())
        }
    }
}
