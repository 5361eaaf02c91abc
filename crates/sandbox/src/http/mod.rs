//! The sandbox's HTTP server: KooGallery's real paths on loopback.
//!
//! | prefix | what |
//! |---|---|
//! | `/api/mkp-openapi-public/global/v1/` | the open API (APIG AK/SK signed) |
//! | `/api/v1/oauth2/`, `/api/v1/logout` | OAuth for SaaS web login |
//! | `/feed/v1/` | the seller feed KooDesk syncs from (Bearer feed token; replies signed) |
//! | `/admin/` | the sandbox's own controls: clock, faults, stats, orders placed now (Bearer feed token) |
//! | `/admin/oauth/` | what `koodesk check-oauth` asks the IdP (the OAuth client's credentials or the feed token) |
//! | `/sample-saas/` | a sample SaaS web login with this sandbox as its IdP, and broken variants of it |

mod admin;
mod faults_layer;
mod feed;
mod oauth;
mod oauth_admin;
mod open_api;
mod pages;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use koodesk_protocol::oauth as oauth_api;
use koodesk_protocol::open_api as api;
use koodesk_protocol::secret::Secret;
use serde::Serialize;
use tokio::sync::{oneshot, watch, Notify};
use tokio::task::JoinHandle;

use crate::caller::Caller;
use crate::clock::SandboxClock;
use crate::config::SandboxConfig;
use crate::faults::Faults;
use crate::rate_limit::RateLimiter;
use crate::world::World;

/// Shared by every handler.
pub struct AppState {
    pub cfg: SandboxConfig,
    pub clock: SandboxClock,
    world: Mutex<World>,
    pub faults: Faults,
    pub oauth: Mutex<oauth::OAuthState>,
    pub usage: Mutex<Vec<api::UsageRecord>>,
    /// Production-interface deliveries started through the admin API.
    pub deliveries: Mutex<Vec<admin::Delivery>>,
    /// The open API's flow control, from `cfg.open_api_rate_limit`; a test may put one on its own clock here
    /// before serving.
    pub open_api_limiter: Option<RateLimiter>,
    /// Wakes the task that makes the world's real production-interface calls (`cfg.call_interface`).
    pub live_calls_wake: Arc<Notify>,
    live_calls_started: AtomicBool,
    /// How many production-interface calls made for real have been recorded (an admin delivery's attempt or its
    /// end, a world order's call): [`AppState::calls_recorded`] lets a test wait for the next one.
    calls_recorded: watch::Sender<u64>,
    /// Where the sandbox last started serving (the sample SaaS login calls its IdP there).
    listening: Mutex<Option<SocketAddr>>,
}

impl AppState {
    pub fn new(cfg: SandboxConfig) -> AppState {
        let clock = SandboxClock::new(cfg.world.start, cfg.speed);
        let mut world = World::new(cfg.world.clone());
        if cfg.call_interface.is_some() {
            world.enable_live_calls();
        }
        let faults = Faults::new(cfg.faults.clone());
        AppState {
            clock,
            world: Mutex::new(world),
            faults,
            oauth: Mutex::new(oauth::OAuthState::default()),
            usage: Mutex::new(Vec::new()),
            deliveries: Mutex::new(Vec::new()),
            open_api_limiter: cfg.open_api_rate_limit.map(RateLimiter::new),
            live_calls_wake: Arc::new(Notify::new()),
            live_calls_started: AtomicBool::new(false),
            calls_recorded: watch::Sender::new(0),
            listening: Mutex::new(None),
            cfg,
        }
    }

    /// Changes each time a production-interface call made for real is recorded, after the record is visible
    /// (in [`AppState::deliveries`] or on the world's order): wait with `changed()`, then look.
    pub fn calls_recorded(&self) -> watch::Receiver<u64> {
        self.calls_recorded.subscribe()
    }

    /// Where the sandbox serves, once it does.
    pub fn listening(&self) -> Option<SocketAddr> {
        *self.listening.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn call_recorded(&self) {
        self.calls_recorded.send_modify(|n| *n += 1);
    }

    /// The world, brought up to the sandbox clock's now.
    pub fn world(&self) -> MutexGuard<'_, World> {
        let mut w = self.world.lock().unwrap_or_else(|p| p.into_inner());
        w.advance_to(self.clock.now());
        w
    }
}

/// A JSON reply with a status.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    (status, Json(body)).into_response()
}

/// Compares a presented token with the expected one in constant time (the length is not secret).
pub(crate) fn token_matches(presented: Option<&str>, expected: &Secret) -> bool {
    use subtle::ConstantTimeEq;
    presented.is_some_and(|p| {
        let (a, b) = (p.as_bytes(), expected.expose().as_bytes());
        a.len() == b.len() && bool::from(a.ct_eq(b))
    })
}

/// The refusal for a request without the seller's feed token (the feed and the admin API), if it lacks one.
pub(crate) fn without_feed_token(state: &AppState, headers: &axum::http::HeaderMap) -> Option<Response> {
    (!token_matches(bearer(headers), &state.cfg.feed_token)).then(|| {
        let e = koodesk_protocol::feed::FeedError {
            code: "unauthorized".into(),
            message: "this API needs `Authorization: Bearer <feed token>`".into(),
        };
        json(StatusCode::UNAUTHORIZED, &e)
    })
}

/// The bearer token of a request, if any.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
}

pub fn router(state: Arc<AppState>) -> Router {
    let open = |p: &str| format!("/api/mkp-openapi-public/global/v1/{p}");
    Router::new()
        .route("/", get(pages::index))
        .route("/openapi/feed.yaml", get(pages::feed_openapi))
        .route(&open(api::ORDER_QUERY), get(open_api::order_query))
        .route(&open(api::USAGE_DATA), post(open_api::usage_data))
        .route(&open(api::LICENSE_ACTIVATE), post(open_api::license_activate))
        .route(&open(api::LICENSE_HEARTBEAT), post(open_api::license_heartbeat))
        .route("/api/v1/oauth2/authorize", get(oauth::authorize_page).post(oauth::authorize_consent))
        .route("/api/v1/oauth2/token", post(oauth::token))
        .route("/api/v1/oauth2/userinfo", get(oauth::userinfo))
        .route("/api/v1/logout", get(oauth::logout))
        .route(oauth_api::SANDBOX_LOGIN_PATH, get(oauth_admin::login))
        .route(oauth_api::SANDBOX_REPLAY_PATH, post(oauth_admin::replay_refresh))
        .route(oauth_api::SANDBOX_CLOCK_PATH, post(oauth_admin::clock))
        .nest_service(crate::sample_saas::PREFIX, crate::sample_saas::router(state.clone()))
        .route(koodesk_protocol::interface_health::PATH, get(feed::interface_health))
        .route("/feed/v1/{kind}", get(feed::page))
        .route("/feed/v1/supervision/{order_id}/actions", post(feed::supervision_action))
        .route("/feed/v1/supervision/{order_id}/delivery", post(feed::delivery))
        .route("/feed/v1/unsubscriptions/{id}/decision", post(feed::unsubscription_decision))
        .route("/feed/v1/invoice-requests/{id}/issued", post(feed::invoice_issued))
        .route("/admin/clock", get(admin::clock).post(admin::set_clock))
        .route("/admin/faults", get(admin::faults).post(admin::add_fault).delete(admin::clear_faults))
        .route("/admin/stats", get(admin::stats))
        .route("/admin/production-calls", get(admin::deliveries).post(admin::start_delivery))
        .route("/admin/orders", post(admin::place_orders))
        .layer(axum::middleware::from_fn_with_state(state.clone(), faults_layer::apply))
        .with_state(state)
}

/// A sandbox serving on loopback until shut down.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningSandbox {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving and waits for the server to finish.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task.await.map_err(std::io::Error::other)?
    }

    /// Serves until the process is interrupted (Ctrl-C).
    pub async fn wait(self) -> std::io::Result<()> {
        tokio::select! {
            r = self.task => r.map_err(std::io::Error::other)?,
            r = tokio::signal::ctrl_c() => r,
        }
    }
}

/// Binds and starts serving. Only loopback addresses are accepted.
pub async fn serve(cfg: SandboxConfig) -> std::io::Result<RunningSandbox> {
    if !cfg.bind.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the sandbox serves on loopback only; {} is not a loopback address", cfg.bind.ip()),
        ));
    }
    let bind = cfg.bind;
    let state = Arc::new(AppState::new(cfg));
    // Build the history before the first request.
    drop(state.world());
    serve_state(state, bind).await
}

/// Serves an existing marketplace on `bind` (loopback only): a stopped sandbox comes back with its world as it
/// was, as a real marketplace does after a network outage.
pub async fn serve_state(state: Arc<AppState>, bind: SocketAddr) -> std::io::Result<RunningSandbox> {
    if !bind.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the sandbox serves on loopback only; {} is not a loopback address", bind.ip()),
        ));
    }
    // KooGallery's real calls start with the first serving and go on across restarts, as a marketplace's would.
    let caller =
        match &state.cfg.call_interface {
            Some(url) if !state.live_calls_started.load(Ordering::SeqCst) => {
                let key = state.cfg.interface_key.clone();
                Some(Caller::new(url, key).map_err(|e| {
                    std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("call_interface: {e}"))
                })?)
            }
            _ => None,
        };
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    *state.listening.lock().unwrap_or_else(|p| p.into_inner()) = Some(addr);
    if let Some(caller) = caller {
        if !state.live_calls_started.swap(true, Ordering::SeqCst) {
            crate::live_calls::spawn(&state, caller);
        }
    }
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(RunningSandbox { addr, state, shutdown: Some(tx), task })
}
