//! Checks a SaaS seller's web login with KooGallery's OAuth [KG §8], with the KooDesk sandbox as the identity
//! provider: the checker is the browser (it follows the login's redirects by hand, keeping cookies, and approves
//! consent at the IdP), then asks the IdP what the seller's server did with the code and tokens.
//!
//! - [`catalogue`]: every check and its rule.
//! - [`browser`]: redirects one hop at a time, cookies, the consent form.
//! - [`idp`]: the token endpoint and the sandbox IdP's record of a login, replay and clock.
//! - [`run`]: the suite.
//! - [`report`]: the outcome as JSON and text.

pub mod browser;
pub mod catalogue;
pub mod idp;
pub mod report;
pub mod run;

pub use catalogue::OAuthCheck;
pub use report::{OAuthOutcome, OAuthReport, OAuthStep};
pub use run::{check_oauth, OAuthTarget};
