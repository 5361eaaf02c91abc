//! The app crate's modules, read from its own sources, use each other without a cycle: the command types
//! (`api`), the error, the clock and the routes are leaves; the handlers use them; the command table (`dispatch`)
//! and the bindings sit on top. A cycle would mean two modules that can only be understood, tested or moved
//! together.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module name → the crate modules its code names (`crate::x`, `crate::{x, y}`), comments left out.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names: Vec<String> = fs::read_dir(&src)
        .unwrap_or_else(|e| panic!("read {}: {e}", src.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("read {}: {e}", src.display())).path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|n| n != "lib")
        .collect();
    names.sort();
    let mut g = BTreeMap::new();
    for name in &names {
        let path = src.join(format!("{name}.rs"));
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let code: String =
            text.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
        let mut uses = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let named: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for n in named {
                let m: String = n.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if names.contains(&m) && &m != name {
                    uses.insert(m);
                }
            }
        }
        g.insert(name.clone(), uses);
    }
    g
}

/// A cycle through `from`, if any: the path back to it.
fn cycle_from(g: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    fn walk(
        g: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in g.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(g, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_string()];
    walk(g, from, from, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_modules_use_each_other_without_a_cycle() {
    let g = graph();
    assert!(g.len() > 10 && g["dispatch"].contains("commands"), "the graph was read: {g:?}");
    let cycles: Vec<String> = g.keys().filter_map(|m| cycle_from(&g, m)).map(|p| p.join(" → ")).collect();
    assert!(cycles.is_empty(), "module cycles in crates/app/src:\n{}", cycles.join("\n"));
}

#[test]
fn the_command_types_the_error_the_clock_and_the_routes_are_leaves() {
    let g = graph();
    for leaf in ["error", "clock", "routes", "log", "interface_runs"] {
        let uses: Vec<&String> = g[leaf].iter().filter(|m| !["error", "log"].contains(&m.as_str())).collect();
        assert!(uses.is_empty(), "{leaf} uses {uses:?}");
    }
    assert_eq!(g["api"], BTreeSet::from(["error".to_string()]), "api holds types only");
}
