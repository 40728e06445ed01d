//! Numbered, embedded schema migrations, versioned by `PRAGMA user_version`.
//!
//! A migration file is never edited once it has landed; changes come as a new file.
//! Each migration runs in its own transaction together with the version bump, so a
//! failure leaves the database at the previous version. A database whose version is
//! newer than [`LATEST_VERSION`] is refused before anything is written to it.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// The migrations, in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_staff_audit.sql"),
    include_str!("../../migrations/0003_sessions_stock.sql"),
    include_str!("../../migrations/0004_library_handouts.sql"),
    include_str!("../../migrations/0005_handout_failures.sql"),
    include_str!("../../migrations/0006_search.sql"),
    include_str!("../../migrations/0007_backups.sql"),
    include_str!("../../migrations/0008_booking.sql"),
    include_str!("../../migrations/0009_patient_import.sql"),
    include_str!("../../migrations/0010_name_pairs.sql"),
];

/// The schema version this build of Glabella writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema version recorded in the database.
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Returns the database's schema version, or refuses one newer than this build.
pub(super) fn refuse_newer(conn: &Connection) -> Result<i64> {
    let found = schema_version(conn)?;
    if found > LATEST_VERSION {
        return Err(Error::DatabaseTooNew { found, supported: LATEST_VERSION });
    }
    Ok(found)
}

/// Brings the database up to [`LATEST_VERSION`], or refuses a newer one untouched.
pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let found = refuse_newer(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
