//! The store's one writer: a thread of its own owns the connection that writes, and everyone who writes — the
//! sync, the commands, the notifier — sends it a job and awaits the answer.
//!
//! SQLite allows one writer at a time per file. With a single connection that writes, two writes never contend
//! for the lock (so none fails with "database is locked"), jobs run in the order they were sent, and the async
//! workers never block on SQLite: they await a reply while this thread does the work. Reads go through
//! [`crate::readers::Readers`], which never write.

use crate::{Problem, Rule};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc;

use crate::db::Store;
use crate::error::StoreError;

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A handle on the writer thread. Cheap to clone; the thread ends when the last handle is dropped, after the
/// jobs already sent.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    path: std::path::PathBuf,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("path", &self.path).finish()
    }
}

impl Writer {
    /// Starts the writer thread, which owns `store` from now on.
    pub fn spawn(mut store: Store) -> Result<Writer, StoreError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let path = store.path().to_path_buf();
        std::thread::Builder::new()
            .name("koodesk-store-writer".into())
            .spawn(move || {
                for job in queue {
                    job(&mut store);
                }
            })
            .map_err(|source| StoreError::Io { path: path.clone(), source })?;
        Ok(Writer { jobs, path })
    }

    /// The file the writer writes.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    fn send<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
        reply: impl FnOnce(Result<R, StoreError>) + Send + 'static,
    ) -> Result<(), StoreError> {
        let job: Job = Box::new(move |store| {
            // A job that panics answers with an error; the thread, and the store, carry on with the next one
            // (the panicking job's transaction, if any, was rolled back when it was dropped).
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| f(store))).unwrap_or_else(|_| {
                Err(StoreError::Invalid(Problem::new("store", Rule::Rule, "the store's writer failed on this request")))
            });
            reply(result);
        });
        self.jobs.send(job).map_err(|_| StoreError::WriterGone)
    }

    /// Runs `f` on the writer thread and awaits its result, without blocking the async worker.
    pub async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `f` on the writer thread and waits for it: for callers that are not async (the CLI, tests). Must
    /// not be called from an async worker.
    pub fn run_blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let (tx, rx) = mpsc::channel();
        self.send(f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.recv().map_err(|_| StoreError::WriterGone)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_in_order_and_a_panicking_job_leaves_the_writer_working() {
        let w = Writer::spawn(Store::open_in_memory().expect("store")).expect("writer");
        let failed = w.run_blocking(|_s| -> Result<(), StoreError> { panic!("boom") });
        assert!(matches!(failed, Err(StoreError::Invalid(_))), "{failed:?}");
        let v = w.run_blocking(|s| s.schema_version()).expect("still works");
        assert_eq!(v, crate::schema::latest());
    }
}
