//! `koodesk check-interface` and `koodesk sample-interface`: checking a SaaS production interface [KG §7].

use std::time::Duration;

use koodesk_checker::cases::{self, SavedSuite};
use koodesk_checker::{Checker, Options, Report, Suite, Target};
use koodesk_client::credentials::{self, Credential};
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::sample_interface::{self, SampleConfig};
use serde_json::json;

use crate::args::{CheckInterfaceArgs, SampleInterfaceArgs, SuiteArg};
use crate::output::{print_json, Failure};

fn key(a: &CheckInterfaceArgs) -> Result<Secret, Failure> {
    match (&a.key_from_keyring, &a.key_env) {
        (Some(account), _) => credentials::load_from_keyring(account, Credential::InterfaceKey)
            .map_err(|e| Failure::negative(format!("--key-from-keyring {account}: {e}"))),
        (None, Some(var)) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
            _ => Err(Failure::usage(format!("--key-env {var}: the environment variable {var} is not set or empty"))),
        },
        (None, None) => Err(Failure::usage("give --key-from-keyring NAME or --key-env VAR")),
    }
}

fn saved_suites(a: &CheckInterfaceArgs) -> Result<Option<Vec<SavedSuite>>, Failure> {
    let Some(path) = &a.cases else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("--cases {}: cannot read: {e}", path.display())))?;
    let mut suites = cases::import(&text).map_err(|e| Failure::usage(format!("--cases {}: {e}", path.display())))?;
    if suites.is_empty() {
        return Err(Failure::usage(format!("--cases {}: the file has no suites", path.display())));
    }
    if let Some(name) = &a.case_suite {
        suites.retain(|s| &s.name == name);
        if suites.is_empty() {
            return Err(Failure::usage(format!("--case-suite {name}: no suite of that name in {}", path.display())));
        }
    }
    Ok(Some(suites))
}

/// One report of several saved suites run one after another (one endpoint step, then every case).
fn merge(reports: Vec<Report>) -> Option<Report> {
    let mut it = reports.into_iter();
    let mut all = it.next()?;
    for r in it {
        all.suite = format!("{}, {}", all.suite, r.suite);
        all.elapsed_ms += r.elapsed_ms;
        let offset = all.steps.len() - 1;
        all.steps.extend(r.steps.into_iter().skip(1).map(|mut s| {
            s.index += offset;
            s
        }));
    }
    all.tally();
    Some(all)
}

pub fn check(a: CheckInterfaceArgs) -> Result<(), Failure> {
    if a.timeout_ms == 0 || a.timeout_ms > 60_000 {
        return Err(Failure::usage("--timeout-ms: 1 to 60000"));
    }
    let key = key(&a)?;
    let saved = saved_suites(&a)?;
    let opts = Options { timeout: Duration::from_millis(a.timeout_ms), ..Options::default() };
    let checker =
        Checker::new(Target { url: a.url.clone(), key }, opts).map_err(|e| Failure::negative(e.to_string()))?;
    let suite = match a.suite {
        SuiteArg::Period => Suite::Period,
        SuiteArg::PerCall => Suite::PerCall,
        SuiteArg::All => Suite::All,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::negative(format!("cannot start the runtime: {e}")))?;
    let live = !a.json;
    let mut progress = |s: &koodesk_checker::StepReport| {
        if live {
            let mark = if s.failed() { "FAIL" } else { "ok" };
            eprintln!("{mark:>4} {}", s.name);
        }
    };
    let report = runtime.block_on(async {
        match &saved {
            None => checker.run(suite, &mut progress).await,
            Some(suites) => {
                let mut reports = Vec::new();
                for s in suites {
                    reports.push(checker.run_cases(s, &mut progress).await);
                }
                // saved_suites refuses a file without suites, so there is at least one report.
                merge(reports).unwrap_or_else(|| unreachable!("at least one saved suite"))
            }
        }
    });
    if let Some(path) = &a.report {
        std::fs::write(path, report.junit())
            .map_err(|e| Failure::negative(format!("--report {}: cannot write: {e}", path.display())))?;
    }
    if a.json {
        print_json(&report)?;
    } else {
        print!("{}", report.text());
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Failure::negative(String::new()))
    }
}

pub fn sample(a: SampleInterfaceArgs) -> Result<(), Failure> {
    let key = Secret::new(a.key.clone().unwrap_or_else(|| koodesk_sandbox::config::random_credential(32)));
    let mut cfg = SampleConfig::new(a.port, key.clone());
    cfg.flaw = a.flaw;
    cfg.provisioning = Duration::from_millis(a.provisioning_ms);
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Failure::negative(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let server = sample_interface::serve(cfg)
            .await
            .map_err(|e| Failure::negative(format!("--port {}: cannot serve: {e}", a.port)))?;
        // The sample's key is printed on purpose: it exists to be used against it.
        if a.json {
            print_json(&json!({"url": server.url, "interface_key": key.expose(), "flaw": a.flaw.name()}))?;
        } else {
            println!("KooDesk sample production interface on {} (flaw: {})", server.url, a.flaw);
            println!("interface key: {}", key.expose());
            println!("check it:  KEY={} koodesk check-interface --url {} --key-env KEY", key.expose(), server.url);
            println!("Ctrl-C stops it.");
        }
        let _ = tokio::signal::ctrl_c().await;
        server.stop().await;
        Ok(())
    })
}
