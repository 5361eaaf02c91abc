//! `koodesk gateway`: the seller's production interface and feed source, until SIGTERM or Ctrl-C.

use std::path::Path;
use std::time::Duration;

use koodesk_gateway::{DatabaseUrl, GatewayConfig, OpenApiConfig, Provisioning, StartError, TlsFiles};
use koodesk_protocol::secret::Secret;
use serde_json::json;

use crate::args::GatewayArgs;
use crate::output::Failure;

/// A secret from `--X-env VAR` or `--X-file FILE`; the message names the flag.
fn secret(env_flag: &str, env: Option<&str>, file: Option<&Path>) -> Result<Option<Secret>, Failure> {
    let flag = env_flag.trim_end_matches("-env");
    match (env, file) {
        (Some(var), _) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim().to_string()))),
            Ok(_) => Err(Failure::usage(format!("{env_flag} {var}: the variable is empty"))),
            Err(_) => Err(Failure::usage(format!("{env_flag} {var}: the variable is not set"))),
        },
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(Secret::new(v.trim().to_string()))),
            Ok(_) => Err(Failure::usage(format!("{flag}-file {}: the file is empty", path.display()))),
            Err(e) => Err(Failure::usage(format!("{flag}-file {}: {e}", path.display()))),
        },
        (None, None) => Ok(None),
    }
}

fn required(s: Option<Secret>, flag: &str) -> Result<Secret, Failure> {
    s.ok_or_else(|| Failure::usage(format!("{flag} VAR (or {}-file FILE) is required", flag.trim_end_matches("-env"))))
}

pub fn config(a: &GatewayArgs) -> Result<GatewayConfig, Failure> {
    let listen = a
        .listen
        .parse()
        .map_err(|_| Failure::usage(format!("--listen: `{}` is not ADDR:PORT, e.g. 127.0.0.1:8443", a.listen)))?;
    let database = DatabaseUrl::parse(&a.database).map_err(|e| Failure::usage(e.to_string()))?;
    let interface_key = required(
        secret("--interface-key-env", a.interface_key_env.as_deref(), a.interface_key_file.as_deref())?,
        "--interface-key-env",
    )?;
    let feed_token = required(
        secret("--feed-token-env", a.feed_token_env.as_deref(), a.feed_token_file.as_deref())?,
        "--feed-token-env",
    )?;
    let mut cfg = GatewayConfig::new(listen, database, interface_key, feed_token);
    cfg.provisioning = match (&a.front_end_url, &a.upstream, &a.provision_hook) {
        (Some(t), None, None) => Provisioning::FrontEndUrl(t.clone()),
        (None, Some(u), None) => Provisioning::Upstream(u.clone()),
        (None, None, Some(h)) => {
            if a.hook_timeout_ms == 0 || a.hook_timeout_ms >= 5000 {
                return Err(Failure::usage("--hook-timeout-ms: 1 to 4999 (KooGallery waits 5 s)"));
            }
            Provisioning::Hook { url: h.clone(), timeout: Duration::from_millis(a.hook_timeout_ms) }
        }
        _ => return Err(Failure::usage("one of --front-end-url, --upstream or --provision-hook")),
    };
    let ak = secret("--access-key-env", a.access_key_env.as_deref(), a.access_key_file.as_deref())?;
    let sk = secret("--secret-key-env", a.secret_key_env.as_deref(), a.secret_key_file.as_deref())?;
    cfg.open_api = match (ak, sk) {
        (Some(ak), Some(sk)) => Some(OpenApiConfig {
            bases: if a.open_api.is_empty() { OpenApiConfig::default_bases() } else { a.open_api.clone() },
            access_key: ak.expose().to_string(),
            secret_key: sk,
        }),
        (None, None) if a.open_api.is_empty() => None,
        (None, None) => return Err(Failure::usage("--open-api needs --access-key-env and --secret-key-env")),
        _ => return Err(Failure::usage("--access-key-env and --secret-key-env go together")),
    };
    cfg.path = a.path.clone();
    cfg.tls = match (&a.tls_cert, &a.tls_key) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.clone(), key: key.clone() }),
        _ => None,
    };
    cfg.retention_days = a.retention_days;
    if let Some(r) = &a.replica {
        cfg.replica = r.clone();
    }
    cfg.validate().map_err(|e| Failure::usage(e.to_string()))?;
    Ok(cfg)
}

pub fn run(a: GatewayArgs) -> Result<(), Failure> {
    let cfg = config(&a)?;
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let gw = koodesk_gateway::start(cfg).await.map_err(|e| match e {
            StartError::Other(m) => Failure { status: 1, message: m },
            e => Failure::usage(e.to_string()),
        })?;
        if a.json {
            println!("{}", json!({"url": gw.base_url, "interface_url": gw.interface_url, "database": gw.db.engine()}));
        } else {
            println!("KooDesk Gateway on {}", gw.base_url);
            println!("  production interface  {}", gw.interface_url);
            println!("  seller feed           {}/feed/v1/orders", gw.base_url);
            println!("  health                {}/healthz, {}/metrics", gw.base_url, gw.base_url);
            println!("SIGTERM or Ctrl-C stops it after the calls in flight.");
        }
        let stop = gw.stopper();
        tokio::spawn(async move {
            wait_for_termination().await;
            let _ = stop.send(true);
        });
        gw.wait().await;
        Ok(())
    })
}

async fn wait_for_termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
