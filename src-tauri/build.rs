fn main() {
    // The one app command, `call`, gets a permission of its own (`allow-call`) so the capability grants exactly it.
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&["call", "rendered"])),
    )
    .expect("tauri build script");
}
