//! `koodesk --version` prints the workspace's one version (`[workspace.package] version`), the same the gateway's
//! `/healthz`, the desktop's Settings and the packages carry.

use std::process::Command;

#[test]
fn version_is_the_workspaces() {
    let out = Command::new(env!("CARGO_BIN_EXE_koodesk")).arg("--version").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(text.trim(), format!("koodesk {}", env!("CARGO_PKG_VERSION")));
    // The workspace's manifest says the same: one version for every crate.
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.toml")).expect("reads");
    let workspace_version = manifest
        .split("[workspace.package]")
        .nth(1)
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("version = ")))
        .map(|v| v.trim_matches('"'))
        .expect("[workspace.package] version");
    assert_eq!(workspace_version, env!("CARGO_PKG_VERSION"));
}
