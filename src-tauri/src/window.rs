//! The main window: created at start, hidden (not closed) when the seller closes it, shown again from the tray,
//! a second launch or a notification; its size and position are remembered by the window-state plugin.

use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};

pub const MAIN: &str = "main";

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
        .title("KooDesk")
        .inner_size(1440.0, 900.0)
        .min_inner_size(960.0, 600.0)
        .build()?;
    Ok(())
}

pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

/// Shows the window on a UI route such as `/invoices?id=IR1`.
pub fn open_route(app: &AppHandle, route: &str) {
    show_main(app);
    if let (Some(w), Ok(quoted)) = (app.get_webview_window(MAIN), serde_json::to_string(route)) {
        let _ = w.eval(format!("location.hash = {quoted}"));
    }
}
