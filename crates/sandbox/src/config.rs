//! What a sandbox is started with.

use std::net::SocketAddr;

use koodesk_domain::time::Instant;
use koodesk_protocol::secret::Secret;
use rand::distributions::Alphanumeric;
use rand::Rng;

use crate::faults::FaultRule;
use crate::world::WorldConfig;

/// Everything a sandbox needs. Credentials are the sandbox's own: they are printed at start.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub bind: SocketAddr,
    pub world: WorldConfig,
    /// Virtual seconds per real second.
    pub speed: f64,
    /// Open-API (APIG) access key and secret key.
    pub access_key: String,
    pub secret_key: Secret,
    /// The merchant's interface key (商家对接密钥): production-interface signatures, usage pushes, field encryption.
    pub interface_key: Secret,
    /// The seller's feed token.
    pub feed_token: Secret,
    pub oauth_client_id: String,
    pub oauth_client_secret: Secret,
    pub faults: Vec<FaultRule>,
    /// The open API's flow control: at most this many requests a second per access key, then HTTP 406
    /// `MKT.0250` [KG §8]; `None` (the default) does not limit.
    pub open_api_rate_limit: Option<u32>,
    /// The seller's production interface (an `http://` URL on loopback) KooGallery calls for real for the SaaS
    /// orders placed from the start on, signed with `interface_key` [KG §7]; `None`: those calls are simulated,
    /// as the history's are.
    pub call_interface: Option<String>,
}

/// A random credential of `len` letters and digits.
pub fn random_credential(len: usize) -> String {
    rand::thread_rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

impl SandboxConfig {
    /// A sandbox on `127.0.0.1:port` (0: any free port) with fresh random credentials.
    pub fn new(port: u16, seed: u64, start: Instant) -> SandboxConfig {
        SandboxConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], port)),
            world: WorldConfig { seed, buyers: 200, products: 40, orders_per_day: 40.0, history_days: 90, start },
            speed: 1.0,
            access_key: format!("AK{}", random_credential(18).to_uppercase()),
            secret_key: Secret::new(random_credential(40)),
            interface_key: Secret::new(random_credential(32)),
            feed_token: Secret::new(format!("kdf_{}", random_credential(32))),
            oauth_client_id: format!("sandbox-{}", random_credential(8).to_lowercase()),
            oauth_client_secret: Secret::new(random_credential(32)),
            faults: Vec::new(),
            open_api_rate_limit: None,
            call_interface: None,
        }
    }
}
