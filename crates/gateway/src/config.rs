//! What a gateway is started with: where it listens, its database, its secrets and how it provisions.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use koodesk_protocol::order_query;
use koodesk_protocol::secret::Secret;

/// The default production-interface path.
pub const DEFAULT_PATH: &str = "/saasproduce";
/// How long the journal is kept by default: a year of orders plus KooGallery's 15-day freeze period [KG §7].
pub const DEFAULT_RETENTION_DAYS: u32 = 400;
/// How long the gateway waits for a provision hook before answering 000004: under KooGallery's 5 s [KG §7].
pub const DEFAULT_HOOK_TIMEOUT: Duration = Duration::from_millis(3_500);
/// How long the gateway waits for an upstream production interface: KooGallery waits 5 s in all [KG §7].
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_millis(4_500);

/// Where the gateway keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// One replica, one file.
    Sqlite(PathBuf),
    /// Several replicas sharing one PostgreSQL. The URL may carry a password: it is never printed.
    Postgres(Secret),
}

impl DatabaseUrl {
    /// `sqlite:PATH`, `sqlite://PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(s: &str) -> Result<DatabaseUrl, ConfigError> {
        if let Some(path) = s.strip_prefix("sqlite://").or_else(|| s.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(ConfigError::Database(
                    "`sqlite:` needs a file path, e.g. sqlite:/var/lib/koodesk-gateway/gateway.db".into(),
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(Secret::new(s)));
        }
        Err(ConfigError::Database(format!("`{}` is neither sqlite:PATH nor postgres://USER@HOST/DB", redact_url(s))))
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

/// A URL with any `user:password@` reduced to `user:***@`, for messages.
pub fn redact_url(s: &str) -> String {
    let Some((scheme, rest)) = s.split_once("://") else { return s.to_string() };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => s.to_string(),
    }
}

/// How a newInstance becomes a running instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provisioning {
    /// Built in: answer at once with a generated instanceId and `appInfo.frontEndUrl` from the template, whose
    /// `{instanceId}`, `{orderId}` and `{orderLineId}` are filled in. For SaaS that provisions on first login.
    FrontEndUrl(String),
    /// A verifying, journaling reverse proxy in front of the seller's existing production interface: each verified
    /// call is forwarded re-signed with the same key, and its reply recorded and passed back.
    Upstream(String),
    /// A signed JSON webhook to the seller's internal API; answered 000004 when the hook is slower than `timeout`,
    /// finished in the background.
    Hook { url: String, timeout: Duration },
}

impl Provisioning {
    pub fn name(&self) -> &'static str {
        match self {
            Provisioning::FrontEndUrl(_) => "front-end-url",
            Provisioning::Upstream(_) => "upstream",
            Provisioning::Hook { .. } => "provision-hook",
        }
    }
}

/// The open API `order/query` used to learn each new order's type, lines, product, amount and buyer [KG §8].
#[derive(Debug, Clone)]
pub struct OpenApiConfig {
    /// Base URLs tried in order: the primary host, then its fallbacks.
    pub bases: Vec<String>,
    pub access_key: String,
    pub secret_key: Secret,
}

impl OpenApiConfig {
    /// KooGallery's production hosts: mkt.myhuaweicloud.com, falling back to mkt.myhuaweicloud.cn [REAL-DATA §5].
    pub fn default_bases() -> Vec<String> {
        order_query::default_bases()
    }
}

/// The certificate and key files of the HTTPS listener (PEM); reloaded on SIGHUP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Everything a gateway needs.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub listen: SocketAddr,
    pub database: DatabaseUrl,
    /// The production-interface path, `/saasproduce` by default.
    pub path: String,
    /// The interface key (商家对接密钥) shared with KooGallery.
    pub interface_key: Secret,
    /// The bearer token of the feed the console syncs.
    pub feed_token: Secret,
    pub provisioning: Provisioning,
    pub open_api: Option<OpenApiConfig>,
    pub tls: Option<TlsFiles>,
    pub retention_days: u32,
    /// This replica's name in the journal (the host name by default).
    pub replica: String,
}

impl GatewayConfig {
    /// A gateway on `listen` with the built-in provisioning and no open API.
    pub fn new(listen: SocketAddr, database: DatabaseUrl, interface_key: Secret, feed_token: Secret) -> GatewayConfig {
        GatewayConfig {
            listen,
            database,
            path: DEFAULT_PATH.to_string(),
            interface_key,
            feed_token,
            provisioning: Provisioning::FrontEndUrl("https://saas.example.com/login?instance={instanceId}".into()),
            open_api: None,
            tls: None,
            retention_days: DEFAULT_RETENTION_DAYS,
            replica: default_replica_name(),
        }
    }

    /// Checks what the type system cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.path.starts_with('/') {
            return Err(ConfigError::Flag { flag: "--path", why: format!("`{}` must start with `/`", self.path) });
        }
        if self.interface_key.is_empty() {
            return Err(ConfigError::Flag { flag: "--interface-key-env", why: "the interface key is empty".into() });
        }
        if self.feed_token.is_empty() {
            return Err(ConfigError::Flag { flag: "--feed-token-env", why: "the feed token is empty".into() });
        }
        if self.retention_days == 0 {
            return Err(ConfigError::Flag { flag: "--retention-days", why: "must be at least 1".into() });
        }
        let url_flag = |flag: &'static str, url: &str| {
            if url.starts_with("http://") || url.starts_with("https://") {
                Ok(())
            } else {
                Err(ConfigError::Flag { flag, why: format!("`{url}` is not an http:// or https:// URL") })
            }
        };
        match &self.provisioning {
            Provisioning::FrontEndUrl(t) => {
                if !t.contains("{instanceId}") {
                    return Err(ConfigError::Flag {
                        flag: "--front-end-url",
                        why: format!("`{t}` has no {{instanceId}}: every instance would get the same address"),
                    });
                }
                url_flag("--front-end-url", t)?;
            }
            Provisioning::Upstream(u) => url_flag("--upstream", u)?,
            Provisioning::Hook { url, .. } => url_flag("--provision-hook", url)?,
        }
        if let Some(api) = &self.open_api {
            for b in &api.bases {
                url_flag("--open-api", b)?;
            }
            if api.access_key.is_empty() || api.secret_key.is_empty() {
                return Err(ConfigError::Flag {
                    flag: "--access-key-env",
                    why: "the open API needs both an access key and a secret key".into(),
                });
            }
        }
        Ok(())
    }
}

fn default_replica_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_string()))
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| format!("pid-{}", std::process::id()))
}

/// A configuration the gateway cannot start with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{flag}: {why}")]
    Flag { flag: &'static str, why: String },
    #[error("--database: {0}")]
    Database(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls() {
        assert_eq!(DatabaseUrl::parse("sqlite:/tmp/g.db"), Ok(DatabaseUrl::Sqlite("/tmp/g.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:///tmp/g.db"), Ok(DatabaseUrl::Sqlite("/tmp/g.db".into())));
        assert_eq!(DatabaseUrl::parse("postgres://u@h/db").map(|d| d.engine()), Ok("postgres"));
        let e = DatabaseUrl::parse("mysql://root:hunter2@h/db").expect_err("not supported");
        assert!(e.to_string().starts_with("--database:"), "{e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(DatabaseUrl::parse("sqlite:").is_err());
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/gw"), "postgres://app:***@db:5432/gw");
        assert_eq!(redact_url("postgres://db/gw"), "postgres://db/gw");
    }

    #[test]
    fn a_template_without_the_instance_is_refused() {
        let mut c = GatewayConfig::new(
            "127.0.0.1:0".parse().expect("addr"),
            DatabaseUrl::Sqlite("g.db".into()),
            Secret::new("k"),
            Secret::new("t"),
        );
        assert_eq!(c.validate(), Ok(()));
        c.provisioning = Provisioning::FrontEndUrl("https://a.example/{orderId}".into());
        let e = c.validate().expect_err("no instance");
        assert!(e.to_string().starts_with("--front-end-url"), "{e}");
        c.provisioning = Provisioning::Upstream("ftp://x".into());
        assert!(c.validate().expect_err("scheme").to_string().starts_with("--upstream"));
    }
}
