//! Native notifications for the notices the core chooses (each once: recorded only after it was delivered, so a
//! notice that could not be shown comes again). On Linux they carry an "open" action that shows the item;
//! elsewhere the plugin shows them and the tray lists the items. The core sends what a notice is about as codes;
//! it is worded here in the language the user chose in the UI (`koodesk_app::notice_text`).

use koodesk_app::api::Notice;
use koodesk_app::notice_text::{self, Lang};
use tauri::{AppHandle, Manager};

/// Raises what is due now.
pub async fn raise_due(app: &AppHandle) {
    let Some(core) = app.try_state::<crate::Core>() else { return };
    let Ok(ws) = core.ws().await else { return };
    match koodesk_app::notices::due(ws, koodesk_app::clock::now()).await {
        Ok(notices) => {
            let lang = Lang::of(ws.settings().language);
            for n in notices {
                let (key, route) = (n.key.clone(), n.route.clone());
                if show(app, n, lang).await {
                    if let Err(e) = koodesk_app::notices::shown(ws, &key, &route, koodesk_app::clock::now()).await {
                        eprintln!("koodesk: notice {key}: {e}");
                    }
                }
            }
        }
        Err(e) => eprintln!("koodesk: notices: {e}"),
    }
}

/// Shows a notice; true once the notification daemon has it.
#[cfg(all(unix, not(target_os = "macos")))]
async fn show(app: &AppHandle, n: Notice, lang: Lang) -> bool {
    let app = app.clone();
    let (delivered, answer) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let (title, body) = notice_text::notice(&n, lang);
        let shown = notify_rust::Notification::new()
            .appname("KooDesk")
            .summary(&title)
            .body(&body)
            .action("default", notice_text::open(lang))
            .show();
        match shown {
            Ok(handle) => {
                let _ = delivered.send(true);
                handle.wait_for_action(|action| {
                    if action == "default" {
                        crate::window::open_route(&app, &n.route);
                    }
                })
            }
            Err(e) => {
                eprintln!("koodesk: notification {}: {e}", n.key);
                let _ = delivered.send(false);
            }
        }
    });
    answer.await.unwrap_or(false)
}

/// Shows a notice; true once the platform has it.
#[cfg(not(all(unix, not(target_os = "macos"))))]
async fn show(app: &AppHandle, n: Notice, lang: Lang) -> bool {
    use tauri_plugin_notification::NotificationExt;
    let (title, body) = notice_text::notice(&n, lang);
    match app.notification().builder().title(&title).body(&body).show() {
        Ok(()) => true,
        Err(e) => {
            eprintln!("koodesk: notification {}: {e}", n.key);
            false
        }
    }
}
