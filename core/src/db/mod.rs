//! The one place that opens the database. It sets the pragmas every connection needs
//! (WAL, `synchronous=FULL`, foreign keys, a busy timeout) and runs the migrations.
//!
//! Nobody gets a `&mut Connection`: reads go through [`Db::read`] and writes through
//! [`Db::write`], which opens an IMMEDIATE transaction, commits when the closure returns
//! `Ok` and rolls back when it returns `Err`. A half-done write therefore never reaches
//! the file. Reads use their own connection so a long write does not block search (WAL
//! lets readers see the last committed state while a write is in progress).

mod check;
mod migrations;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::Result;
pub use check::{check, CheckReport};
pub use migrations::{schema_version, LATEST_VERSION};

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "glabella.sqlite3";

/// An open Glabella database.
pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) the database in `data_dir`, migrating it to the
    /// current schema. A database from a newer Glabella is refused untouched.
    pub fn open_dir(data_dir: &Path) -> Result<Db> {
        std::fs::create_dir_all(data_dir)?;
        Db::open(&data_dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let mut writer = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
        migrations::migrate(&mut writer)?;
        let reader = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        Ok(Db { path: path.to_path_buf(), writer: Mutex::new(writer), reader: Mutex::new(reader) })
    }

    /// Where the database file lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with a read connection.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&conn)
    }

    /// Runs `f` inside one IMMEDIATE transaction: committed on `Ok`, rolled back on `Err`.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?; // dropping `tx` on the error path rolls back
        tx.commit()?;
        Ok(value)
    }
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(5))?;
    // Check the version before any pragma below can write to a file we must not touch.
    migrations::refuse_newer(&conn)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;",
    )?;
    Ok(conn)
}
