//! Connections that only read: a small pool the screens' queries run on, each on a blocking thread, while the
//! writer writes (SQLite's WAL lets readers see the last commit without waiting for it).

use crate::{Problem, Rule};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::db::Store;
use crate::error::StoreError;

/// A pool of read-only connections to one store file.
#[derive(Clone)]
pub struct Readers {
    idle: Arc<Mutex<Vec<Store>>>,
    permits: Arc<tokio::sync::Semaphore>,
    path: PathBuf,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers").field("path", &self.path).finish()
    }
}

impl Readers {
    /// Opens `n` read-only connections (at least one) to a store the writer has already opened and migrated.
    pub fn open(path: impl AsRef<Path>, n: usize) -> Result<Readers, StoreError> {
        let path = path.as_ref().to_path_buf();
        let n = n.max(1);
        let stores = (0..n).map(|_| Store::open_reader(&path)).collect::<Result<Vec<_>, _>>()?;
        Ok(Readers { idle: Arc::new(Mutex::new(stores)), permits: Arc::new(tokio::sync::Semaphore::new(n)), path })
    }

    /// Runs a read on a connection of the pool, on a blocking thread, and awaits it.
    pub async fn read<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<R, StoreError> + Send + 'static,
    ) -> Result<R, StoreError> {
        let _permit = self.permits.clone().acquire_owned().await.map_err(|_| StoreError::WriterGone)?;
        let (idle, path) = (self.idle.clone(), self.path.clone());
        tokio::task::spawn_blocking(move || {
            let store = idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let store = match store {
                Some(s) => s,
                None => Store::open_reader(&path)?,
            };
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&store)));
            idle.lock().unwrap_or_else(|e| e.into_inner()).push(store);
            result.unwrap_or_else(|_| {
                Err(StoreError::Invalid(Problem::new("store", Rule::Rule, "a read of the store failed")))
            })
        })
        .await
        .map_err(|_| StoreError::Invalid(Problem::new("store", Rule::Rule, "a read of the store was cancelled")))?
    }

    /// Runs a read on a connection of the pool, on this thread (not from an async worker).
    pub fn read_blocking<R>(&self, f: impl FnOnce(&Store) -> Result<R, StoreError>) -> Result<R, StoreError> {
        let store = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let store = match store {
            Some(s) => s,
            None => Store::open_reader(&self.path)?,
        };
        let result = f(&store);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(store);
        result
    }
}
