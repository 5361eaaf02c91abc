//! `koodesk track --db FILE --kind unsubscription|invoice-request|step --paste FILE`: rows copied from the
//! Seller Console's tables recorded as tracker entries, by the same reading and rules as the console's paste
//! dialog (`koodesk_app::paste`): all or nothing unless `--skip-invalid`, every problem by its row and field.

use std::io::Read;

use koodesk_app::api::{PasteKind, PasteReport};
use koodesk_app::paste;
use koodesk_app::ErrorCode;
use koodesk_store::trackers::Recorder;
use koodesk_store::Store;

use crate::args::TrackArgs;
use crate::output::{print_json, Failure};

fn kind_of(s: &str) -> Result<PasteKind, Failure> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string()))
        .map_err(|_| Failure::usage(format!("--kind `{s}`: unsubscription, invoice-request or step")))
}

pub fn run(a: TrackArgs) -> Result<(), Failure> {
    let kind = kind_of(&a.kind)?;
    let text = if a.paste.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| Failure::usage(format!("--paste -: {e}")))?;
        s
    } else {
        std::fs::read_to_string(&a.paste).map_err(|e| Failure::usage(format!("--paste {}: {e}", a.paste.display())))?
    };
    let by =
        a.by.clone()
            .or_else(|| ["USER", "USERNAME"].iter().find_map(|k| std::env::var(k).ok()))
            .filter(|b| !b.trim().is_empty())
            .ok_or_else(|| Failure::usage("--by: who records these (no OS user name to use)"))?;
    let r = Recorder { by, at: koodesk_app::clock::now() };
    let mut store = Store::open(&a.db).map_err(|e| Failure::negative(e.to_string()))?;
    let report = paste::apply(&mut store, kind, &text, a.skip_invalid, &r, !a.dry_run).map_err(|e| {
        if matches!(e.code, ErrorCode::PasteEmpty | ErrorCode::PasteTooMany) {
            Failure::usage(format!("--paste: {}", e.message))
        } else {
            Failure::negative(e.message)
        }
    })?;
    if a.json {
        print_json(&report)?;
    } else {
        print_text(&report, a.dry_run);
    }
    if report.invalid > 0 && (report.recorded == 0 || !a.skip_invalid) {
        return Err(Failure::negative(String::new()));
    }
    Ok(())
}

fn print_text(r: &PasteReport, dry_run: bool) {
    for row in &r.rows {
        for p in &row.problems {
            let field = p.field.as_deref().map(|f| format!(" {f}")).unwrap_or_default();
            let value = p.value.as_deref().map(|v| format!(" `{v}`")).unwrap_or_default();
            let detail = p.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            println!("row {}{field}: {}{value}{detail}", row.row, p.code);
        }
    }
    let rows = r.rows.len();
    if dry_run {
        println!("{rows} rows: {} valid, {} invalid; nothing recorded (--dry-run)", r.valid, r.invalid);
    } else if r.recorded == 0 && r.invalid > 0 {
        println!("{rows} rows: {} invalid; nothing recorded (--skip-invalid records the valid ones)", r.invalid);
    } else {
        println!("{} of {rows} rows recorded: {}", r.recorded, r.ids.join(" "));
    }
}
