//! A sandbox on loopback for the tests that run the built binary against it.

use koodesk_sandbox::{serve, RunningSandbox, SandboxConfig};

pub struct Running {
    pub sandbox: RunningSandbox,
    // Serves the sandbox while the test runs the binary.
    _rt: tokio::runtime::Runtime,
}

/// A still sandbox (time does not pass) started at 2026-11-29 10:00 Beijing time with `history_days` of orders.
pub fn sandbox(seed: u64, history_days: i64) -> Running {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let start = koodesk_domain::time::parse_datetime("2026-11-29T10:00:00").expect("t");
    let mut cfg = SandboxConfig::new(0, seed, start);
    cfg.speed = 0.0;
    cfg.world.history_days = history_days;
    let sandbox = rt.block_on(serve(cfg)).expect("sandbox");
    Running { sandbox, _rt: rt }
}
