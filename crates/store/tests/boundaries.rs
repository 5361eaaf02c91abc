//! The store's module boundaries, read from its own sources: only the ingest module sees wire types, so a change of
//! the feed's format stops at `src/ingest.rs` and never becomes a change of the read models or a migration.

use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("read {}: {e}", dir.display())).path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// Whether `file` (relative to `src/`) belongs to the ingest module: `ingest.rs` or anything under `ingest/`.
fn is_ingest(file: &Path) -> bool {
    file == Path::new("ingest.rs") || file.starts_with("ingest")
}

#[test]
fn only_the_ingest_module_sees_the_wire_types() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&src);
    assert!(files.iter().any(|f| f.ends_with("ingest.rs")), "the store has an ingest module (src/ingest.rs)");
    let offenders: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(&src).unwrap_or(f);
            if is_ingest(rel) {
                return None;
            }
            let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("read {}: {e}", f.display()));
            let lines: Vec<String> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| l.contains("koodesk_protocol"))
                .map(|(i, l)| format!("{}:{}: {}", rel.display(), i + 1, l.trim()))
                .collect();
            (!lines.is_empty()).then(|| lines.join("\n"))
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "only src/ingest.rs may name koodesk_protocol (the wire types); map them to rows there instead:\n{}",
        offenders.join("\n")
    );
}
