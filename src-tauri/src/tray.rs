//! The tray: an icon whose title is the count of urgent items, a menu (open, sync now, the three most urgent
//! items, quit), refreshed with the status every half minute and after each sync.

use std::sync::{Arc, Mutex};

use koodesk_app::api::Status;
use koodesk_app::notice_text::{self, Lang};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Wry};

use crate::window;

pub struct Tray {
    icon: TrayIcon,
    /// Open, sync now, quit: worded again in the user's language at each refresh.
    fixed: [MenuItem<Wry>; 3],
    top: Vec<MenuItem<Wry>>,
    routes: Mutex<Vec<String>>,
}

pub fn build(app: &AppHandle) -> tauri::Result<Arc<Tray>> {
    // In Chinese until the first refresh knows the user's language.
    let [open_text, sync_text, quit_text] = notice_text::tray_menu(Lang::ZhCn);
    let open = MenuItem::with_id(app, "open", open_text, true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", sync_text, true, None::<&str>)?;
    let top: Vec<MenuItem<Wry>> = (0..3)
        .map(|i| MenuItem::with_id(app, format!("top-{i}"), "—", false, None::<&str>))
        .collect::<Result<_, _>>()?;
    let quit = MenuItem::with_id(app, "quit", quit_text, true, None::<&str>)?;
    let sep1 = PredefinedMenuItem::separator(app)?;
    let sep2 = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open, &sync, &sep1, &top[0], &top[1], &top[2], &sep2, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main").menu(&menu).tooltip("KooDesk");
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder
        .on_menu_event(|app, event| {
            let id = event.id().as_ref().to_string();
            match id.as_str() {
                "open" => window::show_main(app),
                "quit" => app.exit(0),
                "sync" => {
                    let app = app.clone();
                    tauri::async_runtime::spawn(async move {
                        if let Some(core) = app.try_state::<crate::Core>() {
                            if let Ok(ws) = core.ws().await {
                                ws.sync_now().await;
                            }
                        }
                        refresh(&app).await;
                    });
                }
                other => {
                    if let (Some(n), Some(tray)) =
                        (other.strip_prefix("top-").and_then(|n| n.parse::<usize>().ok()), app.try_state::<Arc<Tray>>())
                    {
                        let route = tray.routes.lock().unwrap_or_else(|e| e.into_inner()).get(n).cloned();
                        if let Some(route) = route {
                            window::open_route(app, &route);
                        }
                    }
                }
            }
        })
        .build(app)?;
    Ok(Arc::new(Tray { icon, fixed: [open, sync, quit], top, routes: Mutex::new(Vec::new()) }))
}

impl Tray {
    pub fn show(&self, s: &Status, lang: Lang) {
        let badge = if s.urgent > 0 { Some(s.urgent.to_string()) } else { None };
        // Linux (AppIndicator) shows the title beside the icon: the badge count.
        let _ = self.icon.set_title(badge.as_deref());
        let _ = self.icon.set_tooltip(Some(notice_text::tray_tip(s.urgent, s.offline, s.outbox_pending, lang)));
        for (item, text) in self.fixed.iter().zip(notice_text::tray_menu(lang)) {
            let _ = item.set_text(text);
        }
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        routes.clear();
        for (i, item) in self.top.iter().enumerate() {
            match s.top.get(i) {
                Some(t) => {
                    let text: String = format!("{} · {}", t.item.ref_id, notice_text::summary(&t.item, lang))
                        .chars()
                        .take(60)
                        .collect();
                    let _ = item.set_text(text);
                    let _ = item.set_enabled(true);
                    routes.push(t.route.clone());
                }
                None => {
                    let _ = item.set_text("—");
                    let _ = item.set_enabled(false);
                    routes.push(String::new());
                }
            }
        }
    }
}

/// Reads the status and shows it in the tray.
pub async fn refresh(app: &AppHandle) {
    let Some(core) = app.try_state::<crate::Core>() else { return };
    let Ok(ws) = core.ws().await else { return };
    if let (Ok(status), Some(tray)) = (koodesk_app::commands::status(ws).await, app.try_state::<Arc<Tray>>()) {
        tray.show(&status, Lang::of(ws.settings().language));
    }
}
