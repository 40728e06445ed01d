//! The one place that opens the database. It unlocks every connection with the
//! database key, sets the pragmas every connection needs (WAL, `synchronous=FULL`,
//! foreign keys, a busy timeout, temp storage in memory) and runs the migrations.
//!
//! The file is encrypted with SQLCipher (AES-256 per page with an HMAC; the WAL is
//! encrypted the same way, and the `-shm` index holds no row data). `PRAGMA key` is the
//! very first statement on every connection; a key that does not fit shows up on the
//! first read as SQLite's "file is not a database", which becomes `db.wrong_key` (or
//! `db.not_encrypted` for a file from before encryption; see [`encrypt_plaintext`]).
//! Sorts, temp tables and transient indices could otherwise spill into temporary files
//! that SQLCipher does not promise to encrypt, so they stay in memory: SQLCipher's
//! required build option `SQLITE_TEMP_STORE=2` (set by the bundled build) and
//! `temp_store = MEMORY` on every connection, in case a build ever differs.
//! `cipher_memory_security` (wiping freed memory) stays at SQLCipher's default, off:
//! the goal is data at rest, and the option slows every query. Where the key comes from
//! is [`keys`]. Who may open the folder at all (one process at a time, no network
//! drive) is [`lock`].
//!
//! Nobody gets a `&mut Connection`: reads go through [`Db::read`] and writes through
//! [`Db::write`], which opens an IMMEDIATE transaction, commits when the closure returns
//! `Ok` and rolls back when it returns `Err`. A half-done write therefore never reaches
//! the file. Reads use their own connection so a long write does not block search (WAL
//! lets readers see the last committed state while a write is in progress).

mod aside;
pub mod keys;
pub mod lock;
mod migrations;
mod plaintext;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::clock::SharedClock;
use crate::{Error, Result};
pub use aside::{free_path, move_aside};
pub use keys::{DatabaseKey, KdfParams, KeyFile, RecoveryKey, KEY_FILE};
pub use lock::{linux_network_fs, lock_folder, macos_network_fs, FolderLock, LOCK_FILE};
pub use migrations::{schema_version, LATEST_VERSION};
pub use plaintext::{encrypt_plaintext, is_plaintext};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "glabella.sqlite3";

/// An open Glabella database.
pub struct Db {
    path: PathBuf,
    clock: SharedClock,
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    /// Told what each committed write changed, when someone listens (the clinic server).
    on_commit: OnceLock<ChangeHook>,
}

/// One thing a committed write changed, as its audit entry names it: no patient details.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// What kind of record, e.g. `patient`, `appointment`, `session`.
    pub entity: String,
    /// Which one (the record's id as text).
    pub id: String,
    /// What happened, e.g. `patient.create`.
    pub action: String,
}

/// Called after each committed write with what it changed (never empty).
pub type ChangeHook = Arc<dyn Fn(&[Change]) + Send + Sync>;

/// Read connections beside the writer: a recall export or a long audit query on one
/// leaves another for the search box. Each has its own page cache, so the count is
/// kept small (see [`connect`]).
const READERS: usize = 3;

impl Db {
    /// Opens (creating if needed) the encrypted database in `data_dir` with `key`,
    /// migrating it to the current schema. A database from a newer Glabella is refused
    /// untouched; a key that does not fit is `db.wrong_key`; a database from before
    /// encryption is `db.not_encrypted` (encrypt it with [`encrypt_plaintext`] first).
    pub fn open_dir(data_dir: &Path, key: &DatabaseKey) -> Result<Db> {
        std::fs::create_dir_all(data_dir)?;
        Db::open(&data_dir.join(DB_FILE), key)
    }

    /// Opens (creating if needed) the encrypted database file at `path` with `key`.
    pub fn open(path: &Path, key: &DatabaseKey) -> Result<Db> {
        plaintext::remove_leftovers(path)?;
        Db::open_with(path, Some(key))
    }

    /// Opens (creating if needed) the database in `data_dir` **unencrypted**, as
    /// Glabella did before encryption at rest: for tests and fixtures of such
    /// databases only. The app never writes a plaintext database; it uses
    /// [`Db::open_dir`]. An encrypted database does not open this way.
    pub fn open_dir_unencrypted(data_dir: &Path) -> Result<Db> {
        std::fs::create_dir_all(data_dir)?;
        Db::open_with(&data_dir.join(DB_FILE), None)
    }

    fn open_with(path: &Path, key: Option<&DatabaseKey>) -> Result<Db> {
        let clock = SharedClock::default();
        let mut writer = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE, key, &clock)?;
        migrations::migrate(&mut writer)?;
        let readers = (0..READERS)
            .map(|_| connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, key, &clock).map(Mutex::new))
            .collect::<Result<_>>()?;
        Ok(Db {
            path: path.to_path_buf(),
            clock,
            writer: Mutex::new(writer),
            readers,
            next_reader: AtomicUsize::new(0),
            on_commit: OnceLock::new(),
        })
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The clock every connection of this database reads (`glabella_now()`).
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Runs `f` with a read connection: the first one free, or (all busy) waits for
    /// the one after the last taken, so readers never queue behind one long read
    /// while another connection sits idle.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        for reader in &self.readers {
            if let Ok(conn) = reader.try_lock() {
                return f(&conn);
            }
        }
        let next = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let conn = self.readers[next].lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&conn)
    }

    /// Runs `f` inside one IMMEDIATE transaction: committed on `Ok`, rolled back on `Err`.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hook = self.on_commit.get();
        let before = match hook {
            Some(_) => Some(last_audit_id(&tx)?),
            None => None,
        };
        let value = f(&tx)?; // dropping `tx` on the error path rolls back
        let changes = match before {
            Some(before) => changes_since(&tx, before)?,
            None => Vec::new(),
        };
        tx.commit()?;
        drop(conn);
        if let (Some(hook), false) = (hook, changes.is_empty()) {
            hook(&changes);
        }
        Ok(value)
    }

    /// From now on, `hook` hears of every committed write's changes (set once; later
    /// calls are ignored). The desktop app sets none and pays nothing.
    pub fn notify_changes(&self, hook: ChangeHook) {
        let _ = self.on_commit.set(hook);
    }
}

fn last_audit_id(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0))?)
}

/// The records the audit entries after `id` changed: views, exports, sign-ins and
/// printed lists change nothing another screen shows, so they are left out.
fn changes_since(conn: &Connection, id: i64) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT entity, entity_id, action FROM audit_log WHERE id > ?1 AND entity <> '' \
         AND action NOT LIKE '%.view' AND action NOT LIKE '%.export' \
         AND action NOT IN ('login', 'login.failed', 'logout', 'daysheet.print', 'recall.lookup', \
                            'emergency.access', 'backup.create') ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| Ok(Change { entity: r.get(0)?, id: r.get(1)?, action: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A connection for the app: unlocked, checked against a newer schema, and set up
/// with the pragmas every connection needs.
fn connect(path: &Path, flags: OpenFlags, key: Option<&DatabaseKey>, clock: &SharedClock) -> Result<Connection> {
    let conn = open_unlocked(path, flags, key)?;
    clock.install(&conn)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Check the version before any pragma below can write to a file we must not touch.
    migrations::refuse_newer(&conn)?;
    // Every page read from disk must be decrypted, so a page cache that holds the hot
    // part of the search index matters more than usual: 64 MiB per connection, filled
    // only as pages are used (SQLite's 2 MiB default made searches 7-9× slower at
    // 100,000 patients; see BENCHMARKS.md).
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -65536;",
    )?;
    Ok(conn)
}

/// Opens a connection and unlocks it: `PRAGMA key` first (when there is a key), temp
/// storage in memory, then one read to find out whether the key fits. Every connection
/// to a Glabella database starts here, the health check's and the encryption's too.
pub(crate) fn open_unlocked(path: &Path, flags: OpenFlags, key: Option<&DatabaseKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    if let Some(key) = key {
        conn.execute_batch(&key.sqlcipher_pragmas())?;
    }
    conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())) {
        Ok(()) => Ok(conn),
        Err(e) if key.is_some() && e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
            Err(if is_plaintext(path).unwrap_or(false) { Error::DatabaseNotEncrypted } else { Error::WrongDatabaseKey })
        }
        Err(e) => Err(e.into()),
    }
}

/// Flushes a file's contents to disk before it is renamed into place. Windows flushes
/// only through a handle open for writing (FlushFileBuffers; a read-only one is refused
/// with "Access denied"), so the file is opened for writing there and read-only elsewhere.
pub(crate) fn sync_file(path: &Path) -> std::io::Result<()> {
    std::fs::OpenOptions::new().read(true).write(cfg!(windows)).open(path)?.sync_all()
}

/// Flushes a folder's entries (a rename) to disk where the OS allows it (not Windows,
/// which cannot flush a folder; NTFS journals the rename itself).
pub(crate) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
