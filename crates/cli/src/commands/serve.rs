//! `koodesk serve`: the console in a browser (also what `make run` starts on a machine with no display).

use std::path::PathBuf;

use koodesk_app::{Workspace, WorkspaceConfig};

use crate::args::ServeArgs;
use crate::output::Failure;

/// `$XDG_DATA_HOME/koodesk`, else `~/.local/share/koodesk`.
pub fn default_data_dir() -> PathBuf {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("koodesk")
}

pub fn run(a: ServeArgs) -> Result<(), Failure> {
    if !(0..=3650).contains(&a.history_days) {
        return Err(Failure::usage("--history-days: 0 to 3650"));
    }
    let ui = a.ui.join("index.html").exists().then_some(a.ui.clone());
    if ui.is_none() {
        eprintln!(
            "koodesk: {} has no index.html: serving the commands only (build the UI with `npm --prefix ui run build`)",
            a.ui.display()
        );
    }
    let mut cfg = WorkspaceConfig::new(a.data_dir.unwrap_or_else(default_data_dir));
    cfg.sandbox_seed = a.seed;
    cfg.sandbox_history_days = a.history_days;
    let rt = tokio::runtime::Runtime::new().map_err(|e| Failure::negative(format!("runtime: {e}")))?;
    rt.block_on(async move {
        let ws = Workspace::open(cfg).await.map_err(|e| Failure::negative(e.message))?;
        let _sync = ws.spawn_background_sync();
        let served = koodesk_app::http::serve(ws, a.port, ui)
            .await
            .map_err(|e| Failure { status: 1, message: format!("--port {}: cannot serve: {e}", a.port) })?;
        if a.json {
            println!("{}", serde_json::json!({"url": served.url(), "addr": served.addr.to_string(), "token": served.token}));
        } else {
            println!("KooDesk is serving the console at {}", served.url());
            println!("Open that URL in a browser (it carries this run's token). Ctrl-C stops.");
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        tokio::select! {
            r = served.task => r.map_err(|e| Failure::negative(e.to_string()))?.map_err(|e| Failure::negative(e.to_string())),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}
