//! Checks a SaaS seller's production interface the way KooGallery calls it, before KooGallery does [KG §7].
//!
//! - [`target`]: the endpoint, signing and sending, and the checks every reply gets (status line, content type,
//!   time, JSON, result code, field limits, Body-Sign).
//! - [`run`]: the built-in suites (新购/续费/过期/释放, idempotency, polling while provisioning, release twice,
//!   unknown instance, bad signature, stale timestamp, replayed nonce) and replaying saved cases.
//! - [`cases`]: the seller's saved debug cases, with placeholders, import and export.
//! - [`case_form`]: what the debug-case form offers: activities, their fields and limits, result codes.
//! - [`catalogue`]: every check and the documented rule it stands for.
//! - [`report`]: the outcome as JSON, text and JUnit XML.
//! - [`tally`]: what the interface and OAuth reports share: counts, failed checks, marks.
//! - [`oauth`]: the seller's OAuth web login, with the sandbox as the identity provider [KG §8].

pub mod case_form;
pub mod cases;
pub mod catalogue;
pub mod note;
pub mod oauth;
pub mod report;
pub mod run;
pub mod tally;
pub mod target;

pub use catalogue::Check;
pub use note::{Note, StepKind, Warning};
pub use report::{Exchange, Outcome, Report, StepReport, Verdict};
pub use run::{Checker, CheckerError, Options, Suite};
pub use target::Target;
