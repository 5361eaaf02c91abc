use koodesk_domain::time;
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::SandboxConfig;
use serde_json::json;

use crate::args::{self, SandboxArgs};
use crate::output::Failure;

pub fn run(a: SandboxArgs) -> Result<(), Failure> {
    let start = match a.start.as_deref().map(time::parse_datetime) {
        None => args::now(),
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(Failure::usage(format!("--start: {e}"))),
    };
    if !(0.0..=1_000_000.0).contains(&a.speed) {
        return Err(Failure::usage("--speed: between 0 and 1000000"));
    }
    if !(0..=3650).contains(&a.history_days) {
        return Err(Failure::usage("--history-days: 0 to 3650"));
    }
    if a.buyers == 0 || a.products == 0 {
        return Err(Failure::usage("--buyers and --products: at least 1"));
    }
    if a.open_api_rate_limit == Some(0) {
        return Err(Failure::usage("--open-api-rate-limit: at least 1 request a second (leave it out for no limit)"));
    }
    let mut cfg = SandboxConfig::new(a.port, a.seed, start);
    cfg.speed = a.speed;
    cfg.world.history_days = a.history_days;
    cfg.world.buyers = a.buyers;
    cfg.world.products = a.products;
    cfg.world.orders_per_day = a.orders_per_day.max(0.0);
    if let Some(v) = a.access_key {
        cfg.access_key = v;
    }
    let secret = |v: Option<String>, default: Secret| v.map(Secret::new).unwrap_or(default);
    cfg.secret_key = secret(a.secret_key, cfg.secret_key);
    cfg.feed_token = secret(a.feed_token, cfg.feed_token);
    cfg.interface_key = match &a.interface_key_env {
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Secret::new(v),
            _ => {
                return Err(Failure::usage(format!(
                    "--interface-key-env {var}: the environment variable {var} is not set or empty"
                )))
            }
        },
        None => secret(a.interface_key, cfg.interface_key),
    };
    cfg.oauth_client_secret = secret(a.client_secret, cfg.oauth_client_secret);
    if let Some(id) = a.client_id {
        cfg.oauth_client_id = id;
    }
    cfg.faults = a.faults;
    cfg.open_api_rate_limit = a.open_api_rate_limit;
    cfg.call_interface = a.call_interface.clone();
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Failure::usage(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let sandbox = koodesk_sandbox::serve(cfg).await.map_err(|e| match e.kind() {
            // The URL given is refused before anything is bound.
            std::io::ErrorKind::InvalidInput if a.call_interface.is_some() => {
                Failure::usage(format!("--call-interface: {}", e.to_string().trim_start_matches("call_interface: ")))
            }
            _ => Failure { status: 1, message: format!("--port {}: cannot serve: {e}", a.port) },
        })?;
        // A key from the seller's environment is theirs: it is not printed.
        let shown_key = match &a.interface_key_env {
            Some(_) => None,
            None => Some(sandbox.state.cfg.interface_key.expose().to_string()),
        };
        let c = &sandbox.state.cfg;
        let stats = sandbox.state.world().stats();
        // The sandbox's own credentials are printed on purpose: they exist to be used against it.
        if a.json {
            let banner = json!({
                "url": sandbox.base_url(),
                "access_key": c.access_key,
                "secret_key": c.secret_key.expose(),
                "interface_key": shown_key,
                "interface_key_env": a.interface_key_env,
                "call_interface": c.call_interface,
                "feed_token": c.feed_token.expose(),
                "client_id": c.oauth_client_id,
                "client_secret": c.oauth_client_secret.expose(),
                "seed": c.world.seed,
                "now": stats.now,
                "orders": stats.orders,
                "open_api_rate_limit": c.open_api_rate_limit,
            });
            println!("{banner}");
        } else {
            println!("KooDesk sandbox (KooGallery emulator) on {}", sandbox.base_url());
            println!("  sandbox time   {} (speed ×{}), seed {}", stats.now, c.speed, c.world.seed);
            println!("  world          {} orders, {} buyers, {} products", stats.orders, stats.buyers, stats.products);
            println!("  open API       access key {}  secret key {}", c.access_key, c.secret_key.expose());
            if let Some(n) = c.open_api_rate_limit {
                println!("  rate limit     {n} open-API requests a second per access key (then 406 MKT.0250)");
            }
            match (&shown_key, &a.interface_key_env) {
                (Some(key), _) => println!("  interface key  {key}"),
                (None, var) => println!("  interface key  from ${}", var.as_deref().unwrap_or("")),
            }
            if let Some(url) = &c.call_interface {
                println!("  calls          {url} for the SaaS orders sold from now on (retried as KooGallery does)");
            }
            println!("  feed token     {}", c.feed_token.expose());
            println!("  OAuth client   {}  secret {}", c.oauth_client_id, c.oauth_client_secret.expose());
            let (login, _) = koodesk_sandbox::sample_saas::urls(&sandbox.base_url(), Default::default());
            println!("  sample login   {login} (a SaaS web login with this sandbox as IdP: koodesk check-oauth)");
            println!("Ctrl-C stops it.");
        }
        sandbox.wait().await.map_err(|e| Failure { status: 1, message: format!("sandbox: {e}") })
    })
}
