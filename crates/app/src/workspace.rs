//! A workspace: one seller's store, settings and connection, and the embedded sandbox when the console runs
//! on its default.
//!
//! Reads go through one connection behind a mutex; sync writes through a second connection of its own (SQLite's
//! WAL lets the screens read while a sync writes), serialised by an async mutex so two syncs never overlap.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use koodesk_client::credentials::{self, Credential};
use koodesk_client::{FeedClient, SyncOptions};
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::{RunningSandbox, SandboxConfig};
use koodesk_store::Store;
use tokio::sync::Mutex as AsyncMutex;

use crate::api::{ApiError, EndpointMode, Settings, SyncResult};
use crate::log::Log;

/// How the workspace starts.
#[derive(Debug, Clone)]
pub struct WorkspaceConfig {
    /// Holds `koodesk.db` (or `sandbox.db`), `settings.json` and `koodesk.log`.
    pub data_dir: PathBuf,
    /// Seed of the embedded sandbox's world.
    pub sandbox_seed: u64,
    /// Days of history the embedded sandbox invents before now.
    pub sandbox_history_days: i64,
    /// Sync once before returning from [`Workspace::open`], so the first screen has data.
    pub initial_sync: bool,
}

impl WorkspaceConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> WorkspaceConfig {
        WorkspaceConfig { data_dir: data_dir.into(), sandbox_seed: 7, sandbox_history_days: 60, initial_sync: true }
    }
}

/// What the last syncs did, for the status bar.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    pub syncing: bool,
    pub offline: bool,
    pub last_sync_at: Option<Instant>,
    pub last_error: Option<String>,
    pub failures_in_a_row: u32,
}

struct Embedded {
    running: Option<RunningSandbox>,
    state: Arc<koodesk_sandbox::http::AppState>,
    addr: std::net::SocketAddr,
    feed_token: Secret,
}

pub struct Workspace {
    pub(crate) store: Mutex<Store>,
    sync_store: AsyncMutex<Store>,
    pub(crate) settings: Mutex<Settings>,
    pub(crate) sync_state: Mutex<SyncState>,
    sandbox: AsyncMutex<Option<Embedded>>,
    pub(crate) log: Log,
    data_dir: PathBuf,
    pub(crate) interface: crate::interface::InterfaceState,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the data as it was written; carry on with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn to_api(e: koodesk_store::StoreError) -> ApiError {
    match e {
        koodesk_store::StoreError::Invalid(m) => ApiError::invalid(m),
        koodesk_store::StoreError::NotFound(m) => ApiError::new("not-found", format!("no {m} in this store")),
        other => ApiError::new("store", other.to_string()),
    }
}

impl Workspace {
    /// Opens the workspace in `cfg.data_dir`: reads the settings, opens the store, and on the sandbox default starts
    /// the embedded sandbox (a new demo marketplace each start, in `sandbox.db`) and syncs it once.
    pub async fn open(cfg: WorkspaceConfig) -> Result<Arc<Workspace>, ApiError> {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|e| {
            ApiError::new("store", format!("data directory {}: cannot create it: {e}", cfg.data_dir.display()))
        })?;
        let log = Log::new(cfg.data_dir.join("koodesk.log"));
        let settings = load_settings(&cfg.data_dir)?;
        let db = cfg.data_dir.join(match settings.mode {
            EndpointMode::Sandbox => "sandbox.db",
            EndpointMode::Remote => "koodesk.db",
        });
        let mut sandbox = None;
        if settings.mode == EndpointMode::Sandbox {
            // The demo marketplace is invented anew at each start, so its store starts empty too.
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", db.display()));
                if p.exists() {
                    std::fs::remove_file(&p).map_err(|e| {
                        ApiError::new("store", format!("{}: cannot reset the demo store: {e}", p.display()))
                    })?;
                }
            }
            let mut sc = SandboxConfig::new(0, cfg.sandbox_seed, time::to_beijing(Utc::now()));
            sc.world.history_days = cfg.sandbox_history_days;
            let feed_token = sc.feed_token.clone();
            let running = koodesk_sandbox::serve(sc)
                .await
                .map_err(|e| ApiError::new("sync", format!("cannot start the embedded sandbox: {e}")))?;
            log.info(&format!("embedded sandbox on {}", running.base_url()));
            sandbox =
                Some(Embedded { addr: running.addr, state: running.state.clone(), running: Some(running), feed_token });
        }
        let store = Store::open(&db).map_err(to_api)?;
        let sync_store = Store::open(&db).map_err(to_api)?;
        log.info(&format!("store {}", db.display()));
        let ws = Arc::new(Workspace {
            store: Mutex::new(store),
            sync_store: AsyncMutex::new(sync_store),
            settings: Mutex::new(settings),
            sync_state: Mutex::new(SyncState::default()),
            sandbox: AsyncMutex::new(sandbox),
            log,
            data_dir: cfg.data_dir.clone(),
            interface: Default::default(),
        });
        if cfg.initial_sync {
            let r = ws.sync_now().await;
            ws.log.info(&format!("first sync: {}", r.message));
        }
        Ok(ws)
    }

    /// Whether this is the demo workspace on the embedded sandbox.
    pub fn is_sandbox(&self) -> bool {
        self.settings().mode == EndpointMode::Sandbox
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn sync_state(&self) -> SyncState {
        lock(&self.sync_state).clone()
    }

    /// Saves the settings; a change of mode takes effect at the next start.
    pub fn save_settings(&self, s: Settings) -> Result<(), ApiError> {
        validate_settings(&s)?;
        let path = self.data_dir.join("settings.json");
        let tmp = self.data_dir.join("settings.json.tmp");
        let text = serde_json::to_string_pretty(&s).map_err(|e| ApiError::new("store", e.to_string()))?;
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| ApiError::new("store", format!("{}: cannot save the settings: {e}", path.display())))?;
        *lock(&self.settings) = s;
        Ok(())
    }

    /// Where sync goes, and with which token.
    async fn endpoint(&self) -> Result<(String, Secret), ApiError> {
        let settings = self.settings();
        match settings.mode {
            EndpointMode::Sandbox => match &*self.sandbox.lock().await {
                Some(e) => Ok((format!("http://{}", e.addr), e.feed_token.clone())),
                None => Err(ApiError::new("sync", "the embedded sandbox is not running")),
            },
            EndpointMode::Remote => {
                if settings.feed_url.is_empty() {
                    return Err(ApiError::invalid("feed_url: set the seller feed's URL in Settings first"));
                }
                let token = credentials::load(&settings.account, Credential::FeedToken)
                    .map_err(|e| ApiError::new("keyring", e.to_string()))?;
                Ok((settings.feed_url.clone(), token))
            }
        }
    }

    /// Describes where sync goes (no secret).
    pub async fn endpoint_label(&self) -> String {
        match self.settings().mode {
            EndpointMode::Sandbox => match &*self.sandbox.lock().await {
                Some(e) => format!("sandbox http://{}", e.addr),
                None => "sandbox (stopped)".into(),
            },
            EndpointMode::Remote => self.settings().feed_url,
        }
    }

    /// One sync the seller asked for: every pending action is pushed at once, whatever its backoff.
    pub async fn sync_now(&self) -> SyncResult {
        self.sync(true).await
    }

    /// One sync: push the outbox, pull every feed. Never fails: the result says what happened.
    pub async fn sync(&self, push_all_pending: bool) -> SyncResult {
        let mut store = self.sync_store.lock().await;
        lock(&self.sync_state).syncing = true;
        let outcome = async {
            let (url, token) = self.endpoint().await?;
            let client = FeedClient::new(&url, token).map_err(|e| ApiError::new("sync", e.to_string()))?;
            let opts = SyncOptions {
                attempts: 2,
                backoff: std::time::Duration::from_millis(100),
                push_all_pending,
                ..SyncOptions::default()
            };
            koodesk_client::sync(&mut store, &client, &opts).await.map_err(|e| ApiError::new("sync", e.to_string()))
        }
        .await;
        let now = time::to_beijing(Utc::now());
        let mut st = lock(&self.sync_state);
        st.syncing = false;
        let result = match outcome {
            Ok(report) => {
                let items: usize = report.items.values().sum();
                let ok = report.incomplete.is_empty() && !report.offline;
                st.offline = report.offline;
                if ok {
                    st.failures_in_a_row = 0;
                    st.last_error = None;
                    st.last_sync_at = Some(now);
                } else {
                    st.failures_in_a_row += 1;
                    st.last_error = Some(if report.offline {
                        "the marketplace cannot be reached: working offline".to_string()
                    } else {
                        report.incomplete.join("; ")
                    });
                }
                SyncResult {
                    ok,
                    pages: report.pages,
                    items,
                    actions_sent: report.actions_sent,
                    actions_refused: report.actions_refused.len(),
                    offline: report.offline,
                    message: if ok {
                        format!("synced {} pages, {items} changes, {} actions sent", report.pages, report.actions_sent)
                    } else {
                        st.last_error.clone().unwrap_or_default()
                    },
                }
            }
            Err(e) => {
                st.failures_in_a_row += 1;
                st.last_error = Some(e.message.clone());
                SyncResult {
                    ok: false,
                    pages: 0,
                    items: 0,
                    actions_sent: 0,
                    actions_refused: 0,
                    offline: st.offline,
                    message: e.message,
                }
            }
        };
        drop(st);
        self.log.info(&format!("sync: {}", result.message));
        result
    }

    /// Stops or restarts the embedded sandbox's listener on the same port, its world kept: a network cut and
    /// its end, for demos and tests. `None` when not on the sandbox.
    pub async fn set_sandbox_online(&self, online: bool) -> Result<Option<bool>, ApiError> {
        let mut guard = self.sandbox.lock().await;
        let Some(e) = guard.as_mut() else { return Ok(None) };
        match (online, e.running.is_some()) {
            (false, true) => {
                if let Some(r) = e.running.take() {
                    r.stop().await.map_err(|err| ApiError::new("sync", format!("stopping the sandbox: {err}")))?;
                }
                self.log.info("embedded sandbox stopped (network cut)");
            }
            (true, false) => {
                let r = koodesk_sandbox::serve_state(e.state.clone(), e.addr)
                    .await
                    .map_err(|err| ApiError::new("sync", format!("restarting the sandbox on {}: {err}", e.addr)))?;
                e.running = Some(r);
                self.log.info("embedded sandbox serving again");
            }
            _ => {}
        }
        Ok(Some(e.running.is_some()))
    }

    pub async fn sandbox_online(&self) -> Option<bool> {
        self.sandbox.lock().await.as_ref().map(|e| e.running.is_some())
    }

    /// Background sync on the settings' schedule, until the workspace is dropped.
    pub fn spawn_background_sync(self: &Arc<Workspace>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                let secs = match weak.upgrade() {
                    Some(ws) => ws.settings().sync_interval_secs,
                    None => return,
                };
                tokio::time::sleep(std::time::Duration::from_secs(u64::from(secs.max(5)))).await;
                let Some(ws) = weak.upgrade() else { return };
                if ws.settings().sync_interval_secs > 0 {
                    ws.sync(false).await;
                }
            }
        })
    }
}

fn validate_settings(s: &Settings) -> Result<(), ApiError> {
    if s.mode == EndpointMode::Remote
        && !s.feed_url.is_empty()
        && !s.feed_url.starts_with("https://")
        && !s.feed_url.starts_with("http://127.")
        && !s.feed_url.starts_with("http://localhost")
    {
        return Err(ApiError::invalid(format!(
            "feed_url `{}`: an https:// URL (plain http only on loopback)",
            s.feed_url
        )));
    }
    if !["zh-CN", "en-US"].contains(&s.language.as_str()) {
        return Err(ApiError::invalid(format!("language `{}`: zh-CN or en-US", s.language)));
    }
    if !["light", "dark"].contains(&s.theme.as_str()) {
        return Err(ApiError::invalid(format!("theme `{}`: light or dark", s.theme)));
    }
    if !["cn", "intl"].contains(&s.region.as_str()) {
        return Err(ApiError::invalid(format!("region `{}`: cn (Chinese mainland) or intl", s.region)));
    }
    if s.account.trim().is_empty() {
        return Err(ApiError::invalid("account: a name for the keyring entries, not empty"));
    }
    if s.sync_interval_secs != 0 && s.sync_interval_secs < 5 {
        return Err(ApiError::invalid("sync_interval_secs: 0 (off) or at least 5"));
    }
    Ok(())
}

fn load_settings(dir: &Path) -> Result<Settings, ApiError> {
    let path = dir.join("settings.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| ApiError::invalid(format!("{}: not valid settings ({e}); fix or delete it", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(ApiError::new("store", format!("{}: {e}", path.display()))),
    }
}

/// Production hosts of a region: the open API and OAuth are served there [KG §7].
pub fn hosts(region: &str) -> Vec<String> {
    match region {
        "intl" => vec![koodesk_protocol::open_api::INTL_HOST.to_string()],
        _ => koodesk_protocol::open_api::HOSTS.iter().map(|h| h.to_string()).collect(),
    }
}

/// Saves a credential in the OS keyring for the settings' account.
pub fn save_credential(account: &str, name: &str, value: &str) -> Result<(), ApiError> {
    let c = parse_credential(name)?;
    if value.trim().is_empty() {
        return Err(ApiError::invalid(format!("{name}: the value is empty")));
    }
    credentials::store(account, c, &Secret::new(value.trim())).map_err(|e| ApiError::new("keyring", e.to_string()))
}

pub fn parse_credential(name: &str) -> Result<Credential, ApiError> {
    Credential::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Credential::ALL.iter().map(|c| c.name()).collect();
        ApiError::invalid(format!("name `{name}`: one of {}", names.join(", ")))
    })
}
