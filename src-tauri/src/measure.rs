//! Startup measurement: when `KOODESK_MEASURE_FILE` is set, the first `rendered` call (the UI's overview drawn
//! with data, or the minimal window's page) writes the wall-clock time in Unix milliseconds there, once.
//! `scripts/measure-desktop.sh` compares it with the moment it started the process.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static DONE: AtomicBool = AtomicBool::new(false);

#[tauri::command]
pub fn rendered() {
    if DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let Some(path) = std::env::var_os("KOODESK_MEASURE_FILE") else { return };
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    if let Err(e) = std::fs::write(&path, ms.to_string()) {
        eprintln!("koodesk: cannot write {}: {e}", std::path::Path::new(&path).display());
    }
}
