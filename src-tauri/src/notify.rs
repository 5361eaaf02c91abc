//! Native notifications for the notices the core chooses (each once). On Linux they carry an "open" action that
//! shows the item; elsewhere the plugin shows them and the tray lists the items.

use koodesk_app::api::Notice;
use tauri::{AppHandle, Manager};

/// Raises what is due now.
pub async fn raise_due(app: &AppHandle) {
    let Some(core) = app.try_state::<crate::Core>() else { return };
    let Ok(ws) = core.ws().await else { return };
    match koodesk_app::notices::due(ws, koodesk_app::commands::now()) {
        Ok(notices) => {
            for n in notices {
                show(app, n);
            }
        }
        Err(e) => eprintln!("koodesk: notices: {e}"),
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
fn show(app: &AppHandle, n: Notice) {
    let app = app.clone();
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("KooDesk")
            .summary(&n.title)
            .body(&n.body)
            .action("default", "打开 Open")
            .show();
        match shown {
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    crate::window::open_route(&app, &n.route);
                }
            }),
            Err(e) => eprintln!("koodesk: notification {}: {e}", n.key),
        }
    });
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn show(app: &AppHandle, n: Notice) {
    use tauri_plugin_notification::NotificationExt;
    if let Err(e) = app.notification().builder().title(&n.title).body(&n.body).show() {
        eprintln!("koodesk: notification {}: {e}", n.key);
    }
}
