//! The production-interface checks' state in a workspace: the embedded sample interface (started on first use)
//! and the steps done so far of each run in progress. A leaf: the workspace holds it, and [`crate::interface`]
//! runs the checks with it.

use std::collections::HashMap;
use std::sync::Mutex;

use koodesk_checker::StepReport;
use koodesk_protocol::secret::Secret;
use koodesk_sandbox::sample_interface::{self, RunningSample, SampleConfig};
use tokio::sync::Mutex as AsyncMutex;

use crate::log::Log;

#[derive(Default)]
pub struct InterfaceState {
    sample: AsyncMutex<Option<(RunningSample, Secret)>>,
    /// The steps done so far of each run in progress, by the caller's token.
    pub(crate) progress: Mutex<HashMap<String, Vec<StepReport>>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl InterfaceState {
    /// The embedded sample interface (demo workspace only), started on first use.
    pub(crate) async fn sample(&self, sandbox: bool, log: &Log) -> Option<(String, Secret)> {
        if !sandbox {
            return None;
        }
        let mut guard = self.sample.lock().await;
        if guard.is_none() {
            let key = Secret::new(koodesk_sandbox::config::random_credential(32));
            match sample_interface::serve(SampleConfig::new(0, key.clone())).await {
                Ok(running) => {
                    log.info(&format!("sample production interface on {}", running.url));
                    *guard = Some((running, key));
                }
                Err(e) => log.info(&format!("the sample production interface did not start: {e}")),
            }
        }
        guard.as_ref().map(|(r, k)| (r.url.clone(), k.clone()))
    }
}
