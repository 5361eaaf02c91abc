//! A workspace: one seller's store, settings and connection, and the embedded sandbox when the console runs
//! on its default.
//!
//! The store has one writer — a thread of its own ([`Writer`]) that the sync and every command send their writes
//! to — and a small pool of read-only connections ([`Readers`]) the screens' queries run on, each on a blocking
//! thread: SQLite never runs on an async worker, two writes never contend for the lock, and a long export never
//! stalls `status`. Syncs are serialised by an async mutex so two never overlap.

use crate::error::ErrorCode;
use koodesk_domain::problem::Rule;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use koodesk_client::credentials::{self, Credential};
use koodesk_client::{FeedClient, SyncOptions};
use koodesk_domain::time::{self, Instant};
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::{RunningSandbox, SandboxConfig};
use koodesk_store::{Readers, Store, StoreError, Writer};
use tokio::sync::Mutex as AsyncMutex;

use crate::api::{ApiError, EndpointMode, Queued, Settings, SyncFailure, SyncResult};
use crate::log::Log;
use koodesk_store::outbox::{ActionStatus, PendingSync};

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
    /// The open API's base URLs on a gateway or with files only, instead of KooGallery's hosts for the region
    /// (https://, or plain http:// only to this machine): a KooGallery stand-in on loopback in tests.
    pub open_api_bases: Option<Vec<String>>,
}

impl WorkspaceConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> WorkspaceConfig {
        WorkspaceConfig {
            data_dir: data_dir.into(),
            sandbox_seed: 7,
            sandbox_history_days: 60,
            initial_sync: true,
            open_api_bases: None,
        }
    }
}

/// What the last syncs did, for the status bar.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    pub syncing: bool,
    pub offline: bool,
    pub last_sync_at: Option<Instant>,
    pub last_error: Option<SyncFailure>,
    pub failures_in_a_row: u32,
    /// When the current streak of failed syncs began (none after a good one).
    pub failing_since: Option<Instant>,
}

struct Embedded {
    running: Option<RunningSandbox>,
    state: Arc<koodesk_sandbox::http::AppState>,
    addr: std::net::SocketAddr,
    feed_token: Secret,
}

pub struct Workspace {
    writer: Writer,
    readers: Readers,
    /// Held while a sync or an immediate push runs.
    syncing: AsyncMutex<()>,
    pub(crate) settings: Mutex<Settings>,
    pub(crate) sync_state: Mutex<SyncState>,
    sandbox: AsyncMutex<Option<Embedded>>,
    pub(crate) log: Log,
    data_dir: PathBuf,
    open_api_bases: Option<Vec<String>>,
    pub(crate) interface: crate::interface_runs::InterfaceState,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the data as it was written; carry on with it.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        to_api(e)
    }
}

/// Connections the screens read on at once.
const READERS: usize = 3;

pub(crate) fn to_api(e: koodesk_store::StoreError) -> ApiError {
    match e {
        koodesk_store::StoreError::Invalid(p) => ApiError::from(p),
        koodesk_store::StoreError::NotFound(m) => ApiError::new(ErrorCode::NotFound, format!("no {m} in this store")),
        e @ koodesk_store::StoreError::Stale { .. } => ApiError::new(ErrorCode::Stale, e.to_string()),
        other => ApiError::new(ErrorCode::Store, other.to_string()),
    }
}

impl Workspace {
    /// Opens the workspace in `cfg.data_dir`: reads the settings, opens the store, and on the sandbox default starts
    /// the embedded sandbox (a new demo marketplace each start, in `sandbox.db`) and syncs it once.
    pub async fn open(cfg: WorkspaceConfig) -> Result<Arc<Workspace>, ApiError> {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|e| {
            ApiError::new(ErrorCode::Store, format!("data directory {}: cannot create it: {e}", cfg.data_dir.display()))
        })?;
        let log = Log::new(cfg.data_dir.join("koodesk.log"));
        let settings = load_settings(&cfg.data_dir)?;
        let db = cfg.data_dir.join(match settings.mode {
            EndpointMode::Sandbox => "sandbox.db",
            EndpointMode::Gateway | EndpointMode::Files => "koodesk.db",
        });
        let mut sandbox = None;
        if settings.mode == EndpointMode::Sandbox {
            // The demo marketplace is invented anew at each start, so its store starts empty too.
            for suffix in ["", "-wal", "-shm"] {
                let p = PathBuf::from(format!("{}{suffix}", db.display()));
                if p.exists() {
                    std::fs::remove_file(&p).map_err(|e| {
                        ApiError::new(ErrorCode::Store, format!("{}: cannot reset the demo store: {e}", p.display()))
                    })?;
                }
            }
            let mut sc = SandboxConfig::new(0, cfg.sandbox_seed, time::to_beijing(Utc::now()));
            sc.world.history_days = cfg.sandbox_history_days;
            let feed_token = sc.feed_token.clone();
            let running = koodesk_sandbox::serve(sc)
                .await
                .map_err(|e| ApiError::new(ErrorCode::Sync, format!("cannot start the embedded sandbox: {e}")))?;
            log.info(&format!("embedded sandbox on {}", running.base_url()));
            sandbox =
                Some(Embedded { addr: running.addr, state: running.state.clone(), running: Some(running), feed_token });
        }
        let mut store = Store::open(&db).map_err(to_api)?;
        // Orders a feed brings are marked with its source; without a feed, actions are recorded, not sent.
        store.set_connection_mode(settings.mode.connection()).map_err(to_api)?;
        let writer = Writer::spawn(store).map_err(to_api)?;
        let readers = Readers::open(&db, READERS).map_err(to_api)?;
        log.info(&format!("store {}", db.display()));
        let ws = Arc::new(Workspace {
            writer,
            readers,
            syncing: AsyncMutex::new(()),
            settings: Mutex::new(settings),
            sync_state: Mutex::new(SyncState::default()),
            sandbox: AsyncMutex::new(sandbox),
            log,
            data_dir: cfg.data_dir.clone(),
            open_api_bases: cfg.open_api_bases.clone(),
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

    /// Runs a query on a reader connection, off the async workers.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<R, ApiError> + Send + 'static,
    ) -> Result<R, ApiError> {
        self.readers.read(move |s| Ok(f(s))).await.map_err(to_api)?
    }

    /// Runs a write on the store's writer thread.
    pub async fn write<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, ApiError> + Send + 'static,
    ) -> Result<R, ApiError> {
        self.writer.run(move |s| Ok(f(s))).await.map_err(to_api)?
    }

    /// The store's writer, for callers that sync or write themselves (tests, the shell).
    pub fn writer(&self) -> &Writer {
        &self.writer
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
        let text = serde_json::to_string_pretty(&s).map_err(|e| ApiError::new(ErrorCode::Store, e.to_string()))?;
        std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &path)).map_err(|e| {
            ApiError::new(ErrorCode::Store, format!("{}: cannot save the settings: {e}", path.display()))
        })?;
        *lock(&self.settings) = s;
        Ok(())
    }

    /// Where sync goes, and with which token.
    async fn endpoint(&self) -> Result<(String, Secret), ApiError> {
        let settings = self.settings();
        match settings.mode {
            EndpointMode::Sandbox => match &*self.sandbox.lock().await {
                Some(e) => Ok((format!("http://{}", e.addr), e.feed_token.clone())),
                None => Err(ApiError::new(ErrorCode::Sync, "the embedded sandbox is not running")),
            },
            EndpointMode::Files => Err(ApiError::new(ErrorCode::FilesOnly, "files only: there is no feed to sync")),
            EndpointMode::Gateway => {
                if settings.feed_url.is_empty() {
                    return Err(ApiError::invalid(
                        "feed_url",
                        Rule::NotConfigured,
                        "feed_url: set the seller feed's URL in Settings first",
                    ));
                }
                let account = settings.account.clone();
                let token = keyring(move || credentials::load(&account, Credential::FeedToken))
                    .await?
                    .map_err(|e| ApiError::new(ErrorCode::Keyring, e.to_string()))?;
                Ok((settings.feed_url.clone(), token))
            }
        }
    }

    /// Where and as whom `order/query` is called: the embedded sandbox's open API and keys in the demo, else
    /// KooGallery's hosts for the region with the seller's AK/SK from the keyring.
    pub async fn open_api(&self) -> Result<koodesk_client::lookup::OpenApi, ApiError> {
        let settings = self.settings();
        if settings.mode == EndpointMode::Sandbox {
            return match &*self.sandbox.lock().await {
                Some(e) => Ok(koodesk_client::lookup::OpenApi {
                    bases: vec![format!("http://{}", e.addr)],
                    access_key: Secret::new(e.state.cfg.access_key.clone()),
                    secret_key: e.state.cfg.secret_key.clone(),
                }),
                None => Err(ApiError::new(ErrorCode::Sync, "the embedded sandbox is not running")),
            };
        }
        let account = settings.account.clone();
        let (ak, sk) = keyring(move || {
            Ok::<_, credentials::CredentialError>((
                credentials::load(&account, Credential::AccessKey)?,
                credentials::load(&account, Credential::SecretKey)?,
            ))
        })
        .await?
        .map_err(|e| ApiError::new(ErrorCode::Keyring, e.to_string()))?;
        let bases = match &self.open_api_bases {
            Some(bases) => bases.clone(),
            None => hosts(&settings.region).into_iter().map(|h| format!("https://{h}")).collect(),
        };
        Ok(koodesk_client::lookup::OpenApi { bases, access_key: ak, secret_key: sk })
    }

    /// Describes where sync goes (no secret).
    pub async fn endpoint_label(&self) -> String {
        match self.settings().mode {
            EndpointMode::Sandbox => match &*self.sandbox.lock().await {
                Some(e) => format!("sandbox http://{}", e.addr),
                None => "sandbox (stopped)".into(),
            },
            EndpointMode::Gateway => self.settings().feed_url,
            EndpointMode::Files => "files".into(),
        }
    }

    /// One sync the seller asked for: every pending action is pushed at once, whatever its backoff.
    pub async fn sync_now(&self) -> SyncResult {
        self.sync(true).await
    }

    /// The options of the console's syncs: few, quick retries (the schedule tries again).
    fn sync_options(push_all_pending: bool) -> SyncOptions {
        SyncOptions {
            attempts: 2,
            backoff: std::time::Duration::from_millis(100),
            push_all_pending,
            ..SyncOptions::default()
        }
    }

    /// One sync: push the outbox, pull every feed. Never fails: the result says what happened.
    pub async fn sync(&self, push_all_pending: bool) -> SyncResult {
        if self.settings().mode == EndpointMode::Files {
            // Nothing to pull and nowhere to push: not a failure, and not counted as one.
            return SyncResult {
                ok: true,
                pages: 0,
                items: 0,
                actions_sent: 0,
                actions_refused: 0,
                actions_untried: 0,
                offline: false,
                message: "files only: there is no feed to sync".into(),
            };
        }
        let _one_at_a_time = self.syncing.lock().await;
        lock(&self.sync_state).syncing = true;
        let outcome = async {
            let (url, token) = self.endpoint().await?;
            let client = FeedClient::new(&url, token).map_err(|e| ApiError::new(ErrorCode::Sync, e.to_string()))?;
            koodesk_client::sync(&self.writer, &client, &Workspace::sync_options(push_all_pending))
                .await
                .map_err(|e| ApiError::new(ErrorCode::Sync, e.to_string()))
        }
        .await;
        self.record_sync(outcome, true)
    }

    /// Pushes what the seller just did (and anything else due) and pulls only the feeds it changed, so the echo
    /// comes back with the reply; the full pull is left to the schedule. Answers where the action stands.
    pub async fn push_action(&self, action_id: &str) -> Queued {
        let outcome = {
            let _one_at_a_time = self.syncing.lock().await;
            async {
                let (url, token) = self.endpoint().await?;
                let client = FeedClient::new(&url, token).map_err(|e| ApiError::new(ErrorCode::Sync, e.to_string()))?;
                koodesk_client::push_and_echo(&self.writer, &client, &Workspace::sync_options(false))
                    .await
                    .map_err(|e| ApiError::new(ErrorCode::Sync, e.to_string()))
            }
            .await
        };
        self.record_sync(outcome, false);
        let id = action_id.to_string();
        let state = self.read(move |s| Ok((s.action(&id)?, s.in_flight_for_action(&id)?))).await;
        let (sent, refused, pending_sync) = match state {
            Ok((Some(Ok(a)), in_flight)) => (
                a.status == ActionStatus::Sent,
                (a.status == ActionStatus::Refused).then(|| a.last_error.unwrap_or_default()),
                in_flight,
            ),
            _ => (false, None, Some(PendingSync::Queued)),
        };
        // The console words the outcome from these fields (sent, awaiting the echo, queued, refused).
        Queued { action_id: action_id.to_string(), sent, pending_sync, refused, recorded: false }
    }

    /// Records what a sync or a push did in the status bar's state. `full`: a whole sync (only a good one counts
    /// as the last sync).
    fn record_sync(&self, outcome: Result<koodesk_client::SyncReport, ApiError>, full: bool) -> SyncResult {
        let now = time::to_beijing(Utc::now());
        let mut st = lock(&self.sync_state);
        st.syncing = false;
        let result = match outcome {
            Ok(report) => {
                let items: usize = report.items.values().sum();
                let ok = report.incomplete.is_empty() && !report.offline;
                st.offline = report.offline;
                if ok {
                    if full {
                        st.failures_in_a_row = 0;
                        st.failing_since = None;
                        st.last_error = None;
                        st.last_sync_at = Some(now);
                    }
                } else {
                    st.failures_in_a_row += 1;
                    st.failing_since.get_or_insert(now);
                    st.last_error = Some(if report.offline {
                        SyncFailure::Offline
                    } else {
                        SyncFailure::Incomplete { detail: report.incomplete.join("; ") }
                    });
                }
                for d in &report.actions_damaged {
                    self.log.info(d);
                }
                SyncResult {
                    ok,
                    pages: report.pages,
                    items,
                    actions_sent: report.actions_sent,
                    actions_refused: report.actions_refused.len(),
                    actions_untried: report.actions_untried,
                    offline: report.offline,
                    message: if ok {
                        format!("synced {} pages, {items} changes, {} actions sent", report.pages, report.actions_sent)
                    } else {
                        st.last_error.as_ref().map(SyncFailure::english).unwrap_or_default()
                    },
                }
            }
            Err(e) => {
                st.failures_in_a_row += 1;
                st.failing_since.get_or_insert(now);
                st.last_error = Some(SyncFailure::Failed { error: e.clone() });
                SyncResult {
                    ok: false,
                    pages: 0,
                    items: 0,
                    actions_sent: 0,
                    actions_refused: 0,
                    actions_untried: 0,
                    offline: st.offline,
                    message: e.message,
                }
            }
        };
        drop(st);
        self.log.info(&format!("{}: {}", if full { "sync" } else { "push" }, result.message));
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
                    r.stop()
                        .await
                        .map_err(|err| ApiError::new(ErrorCode::Sync, format!("stopping the sandbox: {err}")))?;
                }
                self.log.info("embedded sandbox stopped (network cut)");
            }
            (true, false) => {
                let r = koodesk_sandbox::serve_state(e.state.clone(), e.addr).await.map_err(|err| {
                    ApiError::new(ErrorCode::Sync, format!("restarting the sandbox on {}: {err}", e.addr))
                })?;
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
    // The feed token goes with every request: https://, or plain http:// only to a loopback address — judged on
    // the parsed URL, so `http://127.evil.example` is not taken for this machine.
    if s.mode == EndpointMode::Gateway && !s.feed_url.is_empty() {
        koodesk_protocol::endpoint::check("feed_url", &s.feed_url)
            .map_err(|e| ApiError::invalid("feed_url", Rule::BadFormat, e.to_string()))?;
    }
    if !["light", "dark"].contains(&s.theme.as_str()) {
        return Err(ApiError::invalid("theme", Rule::OneOf, format!("theme `{}`: light or dark", s.theme)));
    }
    if !["cn", "intl"].contains(&s.region.as_str()) {
        return Err(ApiError::invalid(
            "region",
            Rule::OneOf,
            format!("region `{}`: cn (Chinese mainland) or intl", s.region),
        ));
    }
    if s.account.trim().is_empty() {
        return Err(ApiError::invalid("account", Rule::Required, "account: a name for the keyring entries, not empty"));
    }
    if s.sync_interval_secs != 0 && s.sync_interval_secs < 5 {
        return Err(ApiError::invalid(
            "sync_interval_secs",
            Rule::OutOfRange,
            "sync_interval_secs: 0 (off) or at least 5",
        ));
    }
    Ok(())
}

fn load_settings(dir: &Path) -> Result<Settings, ApiError> {
    let path = dir.join("settings.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            ApiError::invalid(
                "settings",
                Rule::BadFormat,
                format!("{}: not valid settings ({e}); fix or delete it", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(ApiError::new(ErrorCode::Store, format!("{}: {e}", path.display()))),
    }
}

/// Production hosts of a region: the open API and OAuth are served there [KG §7].
pub fn hosts(region: &str) -> Vec<String> {
    match region {
        "intl" => vec![koodesk_protocol::open_api::INTL_HOST.to_string()],
        _ => koodesk_protocol::open_api::HOSTS.iter().map(|h| h.to_string()).collect(),
    }
}

/// Runs keyring work (D-Bus to the Secret Service on Linux: it blocks) on a blocking thread, off the async
/// workers.
pub async fn keyring<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Keyring, format!("the keyring call stopped: {e}")))
}

/// Saves a credential in the OS keyring for the settings' account.
pub fn save_credential(account: &str, name: &str, value: &Secret) -> Result<(), ApiError> {
    let c = parse_credential(name)?;
    let trimmed = value.expose().trim();
    if trimmed.is_empty() {
        return Err(ApiError::invalid(name, Rule::Required, format!("{name}: the value is empty")));
    }
    let value = if trimmed.len() == value.expose().len() { value.clone() } else { Secret::new(trimmed) };
    credentials::store(account, c, &value).map_err(|e| ApiError::new(ErrorCode::Keyring, e.to_string()))
}

pub fn parse_credential(name: &str) -> Result<Credential, ApiError> {
    Credential::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Credential::ALL.iter().map(|c| c.name()).collect();
        ApiError::invalid("name", Rule::OneOf, format!("name `{name}`: one of {}", names.join(", ")))
    })
}
