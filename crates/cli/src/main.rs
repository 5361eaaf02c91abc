//! `koodesk`: KooGallery seller rules and tools from the terminal.
//!
//! Each subcommand prints for people by default and, with `--json`, one JSON object for scripts; the
//! subcommand names and JSON keys are a public interface. Exit status: 0 success, 1 a negative answer (an invalid
//! credit code), 2 bad arguments.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// Rust ignores SIGPIPE, so writing to a closed pipe (`koodesk inbox | head`) would panic in `println!`. Restore
/// the default, as Unix command-line tools expect: the process ends quietly when its reader goes away.
#[cfg(unix)]
fn restore_sigpipe() {
    #[allow(unsafe_code)]
    // SAFETY: signal(2) with SIG_DFL is async-signal-safe and done once, before any other thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let calendar = match args::load_calendar(cli.calendar.as_deref()) {
        Ok(c) => c,
        Err(f) => return f.report(),
    };
    let result = match cli.command {
        Command::Tax(a) => commands::tax::run(a),
        Command::AmountWords(a) => commands::amount_words::run(a),
        Command::InvoiceRules(a) => commands::invoice_rules::run(a),
        Command::AppealCheck(a) => commands::appeal_check::run(a),
        Command::RefundRule(a) => commands::refund_rule::run(a),
        Command::WorkingDays(a) => commands::working_days::run(a, &calendar),
        Command::SettlementSchedule(a) => commands::settlement_schedule::run(a, &calendar),
        Command::MerchantChange(a) => commands::merchant_change::run(a, &calendar),
        Command::CreditCode(a) => commands::credit_code::run(a),
        Command::Sign(a) => commands::sign::run(a),
        Command::Field(a) => commands::field::run(a),
        Command::Bench(a) => commands::bench::run(a),
        Command::Sandbox(a) => commands::sandbox::run(a),
        Command::Sync(a) => commands::store::sync(a),
        Command::Inbox(a) => commands::store::inbox(a),
        Command::Dashboard(a) => commands::store::dashboard(a),
        Command::Credentials(a) => commands::store::credentials(a),
        Command::Import(a) => commands::import::run(a),
        Command::Orders(a) => commands::import::orders(a),
        Command::Lookup(a) => commands::lookup::run(a),
        Command::Track(a) => commands::track::run(a),
        Command::License(a) => commands::license::run(a.command),
        Command::Serve(a) => commands::serve::run(a),
        Command::CheckInterface(a) => commands::interface::check(a),
        Command::CheckOauth(a) => commands::check_oauth::run(a),
        Command::Invoice(a) => commands::invoice::run(a),
        Command::SampleInterface(a) => commands::interface::sample(a),
        Command::Gateway(a) => commands::gateway::run(a),
        Command::Demo(a) => {
            let now = match a.now.as_deref().map(koodesk_domain::time::parse_datetime) {
                None => Ok(args::now()),
                Some(Ok(t)) => Ok(t),
                Some(Err(e)) => Err(output::Failure::usage(format!("--now: {e}"))),
            };
            now.and_then(|now| commands::bench_store::demo(&a.db, a.orders, a.seed, now))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => f.report(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
