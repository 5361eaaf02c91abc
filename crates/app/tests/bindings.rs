//! The TypeScript the UI compiles against is generated from the Rust types; this test fails when the committed
//! file is stale. `UPDATE_BINDINGS=1 cargo test -p koodesk-app --test bindings` rewrites it.

use std::path::PathBuf;

#[test]
fn typescript_bindings_are_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/bindings.ts");
    let generated = koodesk_app::bindings::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &generated).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run UPDATE_BINDINGS=1 cargo test -p koodesk-app --test bindings",
        path.display()
    );
}

#[test]
fn every_command_has_a_handler() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    rt.block_on(async {
        let mut cfg = koodesk_app::WorkspaceConfig::new(dir.path());
        cfg.initial_sync = false;
        cfg.sandbox_history_days = 2;
        let ws = koodesk_app::Workspace::open(cfg).await.expect("workspace");
        for name in koodesk_app::dispatch::COMMANDS {
            if let Err(e) = koodesk_app::dispatch::call(&ws, name, serde_json::Value::Null).await {
                assert_ne!(e.code, "unknown-command", "{name}");
            }
        }
        let e = koodesk_app::dispatch::call(&ws, "nope", serde_json::Value::Null).await.expect_err("unknown");
        assert_eq!(e.code, "unknown-command");
    });
}
