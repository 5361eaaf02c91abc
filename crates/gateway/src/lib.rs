//! KooDesk Gateway: the seller's production interface (生产接口), deployed on the seller's server, and the real
//! source of the feed the console syncs [KG §7, REAL-DATA §1, §3].
//!
//! KooGallery has no seller API that lists orders; what it does is call the seller's production interface for
//! every SaaS order, and answer the open API. The gateway answers those calls correctly — verified, idempotent,
//! journaled, within KooGallery's 5 s — provisions in one of three ways, learns each order's details from
//! `order/query`, and serves them as the seller feed.
//!
//! | module | holds |
//! |---|---|
//! | [`config`] | what a gateway is started with |
//! | [`verify`] | the V2.0 signature, timestamp window and the parameters as sent |
//! | [`interface`] | every activity, answered and journaled |
//! | [`upstream`] | the gateway's own signed calls: upstream interface, provision hook |
//! | [`enrich`] | `order/query` for each new order |
//! | [`feed`] | the seller feed and the interface-health view |
//! | [`db`] | SQLite or a shared PostgreSQL: nonces, instances, journal, orders, migrations |
//! | [`metrics`] | `/metrics` |
//! | [`openapi`] | the feed's OpenAPI document as the gateway serves it |
//! | `server` | routes, TLS, shutdown |

pub mod config;
pub mod db;
pub mod enrich;
pub mod feed;
pub mod interface;
pub mod log;
pub mod metrics;
pub mod openapi;
mod server;
pub mod upstream;
pub mod verify;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{ConfigError, DatabaseUrl, GatewayConfig, OpenApiConfig, Provisioning, TlsFiles};
use db::{Db, DbError};

const NONCE_MARGIN_MS: i64 = 300_000;
/// How often expired nonces and journal entries past retention are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// Why a gateway did not start; each names the flag to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("--database: {0}")]
    Database(#[from] DbError),
    #[error("--listen: cannot listen on {addr}: {error}")]
    Listen { addr: SocketAddr, error: std::io::Error },
    #[error("--tls-cert/--tls-key: {0}")]
    Tls(String),
    #[error("{0}")]
    Other(String),
}

/// A gateway serving on its own tasks.
pub struct RunningGateway {
    pub addr: SocketAddr,
    /// `http://ADDR` or `https://ADDR`.
    pub base_url: String,
    /// The production URL to give KooGallery.
    pub interface_url: String,
    pub db: Db,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    server: JoinHandle<()>,
}

impl RunningGateway {
    /// Stops accepting, lets in-flight calls finish (at most 30 s), and stops the background work.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Waits until the server ends (after [`RunningGateway::stop`] from elsewhere, or a failure).
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }

    pub async fn wait(self) {
        let _ = self.server.await;
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// Opens the database (migrating it), binds, and serves.
pub async fn start(cfg: GatewayConfig) -> Result<RunningGateway, StartError> {
    cfg.validate()?;
    let db = Db::open(&cfg.database).await?;
    let metrics = Arc::new(metrics::Metrics::default());
    let iface = interface::Interface::new(
        db.clone(),
        cfg.interface_key.clone(),
        cfg.provisioning.clone(),
        cfg.replica.clone(),
        metrics.clone(),
    )
    .map_err(StartError::Other)?;
    let iface = Arc::new(iface);
    let (stop, stop_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    if let Some(api) = cfg.open_api.clone() {
        let e = enrich::Enricher::new(db.clone(), api, metrics.clone(), iface.new_orders.clone())
            .map_err(StartError::Other)?;
        tasks.push(tokio::spawn(e.run(stop_rx.clone())));
    }
    tasks.push(tokio::spawn(prune(db.clone(), cfg.retention_days, stop_rx.clone())));
    let shared = Arc::new(server::Shared {
        interface: iface,
        db: db.clone(),
        feed_token: cfg.feed_token.clone(),
        metrics,
        enrichment_configured: cfg.open_api.is_some(),
    });
    let app = server::router(&cfg.path, shared).into_make_service_with_connect_info::<SocketAddr>();
    let listener =
        std::net::TcpListener::bind(cfg.listen).map_err(|error| StartError::Listen { addr: cfg.listen, error })?;
    listener.set_nonblocking(true).map_err(|error| StartError::Listen { addr: cfg.listen, error })?;
    let addr = listener.local_addr().map_err(|error| StartError::Listen { addr: cfg.listen, error })?;
    let mut shutdown = stop_rx.clone();
    let (scheme, server) = match &cfg.tls {
        None => {
            let listener =
                tokio::net::TcpListener::from_std(listener).map_err(|error| StartError::Listen { addr, error })?;
            let server = tokio::spawn(async move {
                let graceful = async move {
                    let _ = shutdown.wait_for(|s| *s).await;
                };
                if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(graceful).await {
                    log::error("server", &[("error", &e.to_string())]);
                }
            });
            ("http", server)
        }
        Some(tls) => {
            let _ = rustls_provider();
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .map_err(|e| StartError::Tls(format!("{} / {}: {e}", tls.cert.display(), tls.key.display())))?;
            let handle = axum_server::Handle::new();
            let h = handle.clone();
            tasks.push(tokio::spawn(async move {
                let _ = shutdown.wait_for(|s| *s).await;
                h.graceful_shutdown(Some(server::DRAIN));
            }));
            tasks.push(tokio::spawn(reload_on_hangup(config.clone(), tls.clone(), stop_rx.clone())));
            let server = axum_server::from_tcp_rustls(listener, config)
                .map_err(|e| StartError::Listen { addr, error: e })?
                .handle(handle);
            let server = tokio::spawn(async move {
                if let Err(e) = server.serve(app).await {
                    log::error("server", &[("error", &e.to_string())]);
                }
            });
            ("https", server)
        }
    };
    let base_url = format!("{scheme}://{addr}");
    let interface_url = format!("{base_url}{}", cfg.path);
    log::info(
        "started",
        &[
            ("listen", &addr.to_string()),
            ("scheme", scheme),
            ("database", db.engine()),
            ("provisioning", cfg.provisioning.name()),
            ("replica", &cfg.replica),
            ("enrichment", if cfg.open_api.is_some() { "on" } else { "off" }),
        ],
    );
    Ok(RunningGateway { addr, base_url, interface_url, db, stop, tasks, server })
}

/// Resolves once the gateway is told to stop.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// rustls needs one process-wide crypto provider; ring is the one built in.
fn rustls_provider() -> Result<(), String> {
    rustls::crypto::ring::default_provider()
        .install_default()
        .map_err(|_| "a crypto provider was already installed".to_string())
}

async fn prune(db: Db, retention_days: u32, mut stop: watch::Receiver<bool>) {
    loop {
        let now = chrono::Utc::now().timestamp_millis();
        let before = now - i64::from(retention_days) * 86_400_000;
        // A nonce is kept 5 minutes past its window, so a replica whose clock runs ahead cannot forget a nonce that
        // another replica would still accept.
        match db.prune(now - NONCE_MARGIN_MS, before).await {
            Ok((n, j)) if n + j > 0 => log::info("pruned", &[("nonces", &n.to_string()), ("journal", &j.to_string())]),
            Ok(_) => {}
            Err(e) => log::warn("prune", &[("error", &e.to_string())]),
        }
        tokio::select! {
            _ = tokio::time::sleep(PRUNE_EVERY) => {}
            _ = stopped(&mut stop) => return,
        }
    }
}

/// SIGHUP reloads the certificate and key (renewed certificates need no restart).
async fn reload_on_hangup(
    config: axum_server::tls_rustls::RustlsConfig,
    tls: TlsFiles,
    mut stop: watch::Receiver<bool>,
) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else { return };
        loop {
            tokio::select! {
                _ = hup.recv() => {
                    match config.reload_from_pem_file(&tls.cert, &tls.key).await {
                        Ok(()) => log::info("tls-reloaded", &[("cert", &tls.cert.display().to_string())]),
                        Err(e) => log::error("tls-reload", &[("error", &e.to_string())]),
                    }
                }
                _ = stopped(&mut stop) => return,
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (config, tls);
        stopped(&mut stop).await;
    }
}
