//! The KooGallery sandbox: a faithful local emulator of the marketplace, for development, tests and the demo.
//!
//! Start one in-process with [`serve`]; `koodesk sandbox` runs it from the command line.

pub mod caller;
pub mod clock;
pub mod config;
pub mod faults;
pub mod http;
pub mod live_calls;
pub mod rate_limit;
pub mod sample_interface;
pub mod sample_saas;
pub mod world;

pub use config::SandboxConfig;
pub use http::{serve, serve_state, RunningSandbox};
