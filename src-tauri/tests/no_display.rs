//! Without a display the desktop binary says so and points to `koodesk serve`, instead of crashing in GTK. (This
//! test also makes `cargo nextest` build the binary with the workspace's features, for the WebDriver smoke test.)

#[test]
#[cfg(target_os = "linux")]
fn without_a_display_it_points_to_the_browser_console() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_koodesk-desktop"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no display") && err.contains("koodesk serve"), "{err}");
}
