//! Opening a store: refusing what is not ours, migrating (after a backup) what is older.

use crate::{Problem, Rule};
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::StoreError;
use crate::schema::{self, APPLICATION_ID, MIGRATIONS};

/// The local store of one seller.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn looks_like_sqlite(path: &Path) -> Result<bool, StoreError> {
    let mut header = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|source| StoreError::Io { path: path.into(), source })?;
    let n = f.read(&mut header).map_err(|source| StoreError::Io { path: path.into(), source })?;
    Ok(n == 0 || (n == 16 && &header == SQLITE_HEADER))
}

fn corrupt(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite { path: path.into() },
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path: path.into(), detail: e.to_string() },
        _ => StoreError::Sql(e),
    }
}

impl Store {
    /// Opens (or creates) the store at `path`, migrating an older schema after backing the file up to
    /// `<path>.v<N>.bak`.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        if path.exists() && !looks_like_sqlite(path)? {
            return Err(StoreError::NotSqlite { path: path.into() });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(path, e))?;
        // Every query the store runs stays prepared (the sync's bulk writes alone are a dozen).
        conn.set_prepared_statement_cache_capacity(128);
        let mut store = Store { conn, path: path.into() };
        store.prepare().map_err(|e| match e {
            StoreError::Sql(e) => corrupt(path, e),
            other => other,
        })?;
        Ok(store)
    }

    /// Opens a connection that only reads (`PRAGMA query_only`) to a store the writer has opened and migrated:
    /// it runs no migration and writes nothing, and refuses a file at another schema version.
    pub fn open_reader(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        if !path.exists() || !looks_like_sqlite(path)? {
            return Err(StoreError::NotSqlite { path: path.into() });
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| corrupt(path, e))?;
        conn.set_prepared_statement_cache_capacity(128);
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768;")
            .map_err(|e| corrupt(path, e))?;
        let store = Store { conn, path: path.into() };
        let app_id: i32 =
            store.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(|e| corrupt(path, e))?;
        if app_id != APPLICATION_ID {
            return Err(StoreError::Foreign { path: path.into(), found: app_id });
        }
        let found = store.schema_version()?;
        if found != schema::latest() {
            return Err(StoreError::ReaderBeforeWriter { path: path.into(), found, known: schema::latest() });
        }
        Ok(store)
    }

    /// A store in memory, for tests and previews.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut store = Store { conn: Connection::open_in_memory()?, path: PathBuf::from(":memory:") };
        store.prepare()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Begins a write transaction: `BEGIN IMMEDIATE`, so the write lock is taken before anything is read. A
    /// deferred transaction that reads and then writes fails at once with "database is locked" when another
    /// connection committed in between, whatever the busy timeout; an immediate one waits for the lock instead.
    pub(crate) fn write(&mut self) -> Result<Transaction<'_>, StoreError> {
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn prepare(&mut self) -> Result<(), StoreError> {
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let app_id: i32 = self.conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version = self.schema_version()?;
        let tables: i64 =
            self.conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(StoreError::Foreign { path: self.path.clone(), found: app_id });
        }
        if version > schema::latest() {
            return Err(StoreError::Newer { path: self.path.clone(), found: version, known: schema::latest() });
        }
        // Statement journals and temporary b-trees in memory, not temp files; a page cache big enough that a
        // 5,000-order sync page is written once, at commit, rather than spilled to the WAL as it grows; and a WAL
        // of up to 64 MiB before it is checkpointed into the file, so a sync's pages do not each pay a checkpoint
        // (docs/performance.md, "Sync"). The cache is an upper bound, filled only as pages are read.
        self.conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384;",
        )?;
        if version < schema::latest() {
            if version > 0 {
                self.backup(version)?;
            }
            self.migrate(version)?;
        }
        self.refresh_tax_rates()
    }

    fn backup(&self, version: i64) -> Result<(), StoreError> {
        if self.path == Path::new(":memory:") {
            return Ok(());
        }
        let mut target = self.path.clone().into_os_string();
        target.push(format!(".v{version}.bak"));
        let target = PathBuf::from(target);
        let _ = std::fs::remove_file(&target);
        self.conn
            .execute("VACUUM INTO ?1", [target.to_string_lossy().as_ref()])
            .map_err(|e| StoreError::Backup { path: self.path.clone(), detail: e.to_string() })?;
        Ok(())
    }

    /// Applies every migration after `from`, each in its own transaction with its version number.
    fn migrate(&mut self, from: i64) -> Result<(), StoreError> {
        run_migrations(&mut self.conn, from as usize, MIGRATIONS.len())
    }

    /// SQLite's full integrity check: `ok`, or what is wrong.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Migrates an in-memory or file store only up to `version` (tests of migrations from earlier schemas).
    #[doc(hidden)]
    pub fn create_at_version(path: impl AsRef<Path>, version: i64) -> Result<Store, StoreError> {
        let path = path.as_ref();
        let conn = Connection::open(path)?;
        let mut store = Store { conn, path: path.into() };
        store.conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        run_migrations(&mut store.conn, 0, version as usize)?;
        Ok(store)
    }

    /// Runs SQL against the store (tests and the `sqlite3` baseline comparisons).
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Applies migrations `from..to`, each in its own transaction. Foreign keys are off while they run (a migration
/// may rebuild a table other tables refer to) and checked before they are turned back on.
fn run_migrations(conn: &mut Connection, from: usize, to: usize) -> Result<(), StoreError> {
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let result = (|| {
        for (i, sql) in MIGRATIONS.iter().enumerate().take(to).skip(from) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};", i + 1))?;
            let broken: Option<String> = tx.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
            if let Some(table) = broken {
                return Err(StoreError::Invalid(Problem::new(
                    "migration",
                    Rule::Rule,
                    format!(
                    "migration {} would leave rows of {table} pointing nowhere; the database is left at version {i}",
                    i + 1
                ),
                )));
            }
            tx.commit()?;
        }
        Ok(())
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    result
}
