//! KooDesk's desktop shell: a thin Tauri v2 layer over `koodesk-app`. One IPC command (`call`) runs the same
//! dispatcher the loopback HTTP server runs; the rest is the window, the tray, notifications and the keyring
//! (through the core's `credentials`, never a file).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod measure;
mod notify;
mod rendering;
mod tray;
mod window;

use std::sync::Arc;
use std::time::Duration;

use koodesk_app::{ApiError, Workspace, WorkspaceConfig};
use tauri::{Manager, State, WindowEvent};

/// The workspace, opened in the background while the window loads; the first command waits for it.
pub struct Core {
    cell: tokio::sync::OnceCell<Arc<Workspace>>,
    cfg: WorkspaceConfig,
}

impl Core {
    /// The workspace, opening it (embedded sandbox, first sync, background sync) if no one has yet.
    pub async fn ws(&self) -> Result<&Arc<Workspace>, ApiError> {
        self.cell
            .get_or_try_init(|| async {
                let ws = Workspace::open(self.cfg.clone()).await?;
                ws.spawn_background_sync();
                Ok(ws)
            })
            .await
    }
}

#[tauri::command]
async fn call(
    app: tauri::AppHandle,
    core: State<'_, Core>,
    command: String,
    args: serde_json::Value,
) -> Result<serde_json::Value, ApiError> {
    let ws = core.ws().await?;
    let r = koodesk_app::dispatch::call(ws, &command, args).await;
    if command == "sync_now" || command.ends_with("_act") || command.ends_with("_decide") {
        // The tray follows what the seller just did.
        tauri::async_runtime::spawn(async move { tray::refresh(&app).await });
    }
    r
}

fn has_display() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    } else {
        true
    }
}

fn main() {
    rendering::choose();
    if !has_display() {
        eprintln!(
            "koodesk-desktop: no display (neither DISPLAY nor WAYLAND_DISPLAY is set). \
             `koodesk serve` serves the same console to a browser; `make run` picks it on such a machine."
        );
        std::process::exit(2);
    }
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| window::show_main(app)))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(tauri::generate_handler![call, measure::rendered])
        .setup(|app| {
            let dir = match std::env::var_os("KOODESK_DATA_DIR") {
                Some(d) => d.into(),
                None => app.path().app_data_dir()?,
            };
            // The window starts loading at once; the workspace opens beside it.
            app.manage(Core { cell: tokio::sync::OnceCell::new(), cfg: WorkspaceConfig::new(dir) });
            window::create(app.handle())?;
            let tray = tray::build(app.handle())?;
            app.manage(tray);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = handle.state::<Core>().ws().await {
                    eprintln!("koodesk-desktop: {e}");
                }
                loop {
                    tray::refresh(&handle).await;
                    notify::raise_due(&handle).await;
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
            });
            Ok(())
        })
        .on_window_event(|w, event| {
            // Closing the window keeps KooDesk in the tray.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if w.label() == window::MAIN {
                    api.prevent_close();
                    let _ = w.hide();
                }
            }
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("koodesk-desktop: {e}");
        std::process::exit(1);
    }
}
