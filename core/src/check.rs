//! Health check of a database file, for `glabella-admin check`: SQLite's integrity
//! and foreign-key checks, the schema version, the audit log's hash chain and — given
//! the head recorded in the key file or a backup's manifest — whether entries were cut
//! from the end of the log since. Opens the file read-only, so a check never changes
//! what it inspects (and it may run beside the app).
//!
//! It sits above `db` and `audit`: the file-level checks use `db`'s way of opening a
//! connection, and the chain's recipe belongs to `audit`.

use std::path::Path;

use rusqlite::OpenFlags;

use crate::audit::{check_tail, verify_chain, AuditHead, ChainStatus};
use crate::db::{open_unlocked, schema_version, DatabaseKey, LATEST_VERSION};
use crate::Result;

/// What a check found: one line per finding, and how many of them are problems.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub lines: Vec<String>,
    pub problems: usize,
}

impl CheckReport {
    fn ok(&mut self, line: String) {
        self.lines.push(line);
    }

    fn problem(&mut self, line: String) {
        self.lines.push(format!("PROBLEM: {line}"));
        self.problems += 1;
    }
}

/// Checks the encrypted database file at `path`, unlocked with `key`. An unreadable or
/// damaged file, or a key that does not fit, is an `Err`.
pub fn check(path: &Path, key: &DatabaseKey) -> Result<CheckReport> {
    check_with(path, Some(key), None)
}

/// [`check`], and the end of the audit log against `recorded`, a head recorded earlier
/// (in the key file, `since` saying when, or in a backup's manifest).
pub fn check_against(path: &Path, key: &DatabaseKey, recorded: &AuditHead, since: &str) -> Result<CheckReport> {
    check_with(path, Some(key), Some((recorded, since)))
}

/// Checks an unencrypted database file, from a Glabella before encryption at rest
/// (see [`crate::db::is_plaintext`]).
pub fn check_unencrypted(path: &Path) -> Result<CheckReport> {
    check_with(path, None, None)
}

fn check_with(path: &Path, key: Option<&DatabaseKey>, recorded: Option<(&AuditHead, &str)>) -> Result<CheckReport> {
    let conn = open_unlocked(path, OpenFlags::SQLITE_OPEN_READ_ONLY, key)?;
    // The checks read every page, some many times; each read of an encrypted page
    // decrypts it, so a large page cache (filled only as pages are read) makes them
    // several times faster on a big clinic (see BENCHMARKS.md, "Backups").
    conn.execute_batch("PRAGMA cache_size = -262144;")?;
    let mut report = CheckReport::default();

    let version = schema_version(&conn)?;
    match version {
        v if v > LATEST_VERSION => report.problem(format!(
            "schema version {v} is newer than this Glabella understands ({LATEST_VERSION}); update Glabella"
        )),
        v if v < LATEST_VERSION => {
            report.ok(format!("schema version {v}; the app will upgrade it to {LATEST_VERSION} when it opens it"))
        }
        v => report.ok(format!("schema version {v} (current)")),
    }

    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let integrity: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity == ["ok"] {
        report.ok("integrity check: ok".to_string());
    } else {
        for line in integrity {
            report.problem(format!("integrity check: {line}"));
        }
    }

    if key.is_some() {
        let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
        let pages: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if pages.is_empty() {
            report.ok("encrypted pages (cipher integrity check): ok".to_string());
        }
        for line in pages {
            report.problem(format!("cipher integrity check: {line}"));
        }
    }

    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let broken: Vec<String> = stmt
        .query_map([], |r| {
            let (table, rowid, parent) = (r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?);
            Ok(match rowid {
                Some(rowid) => format!("row {rowid} of {table} refers to a missing {parent}"),
                None => format!("a row of {table} refers to a missing {parent}"),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if broken.is_empty() {
        report.ok("foreign keys: ok".to_string());
    }
    for line in broken {
        report.problem(format!("foreign keys: {line}"));
    }

    // A database from before schema version 2 has no audit log yet.
    let has_audit_log: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log')",
        [],
        |r| r.get(0),
    )?;
    if has_audit_log {
        match verify_chain(&conn)? {
            ChainStatus::Intact { entries, head } => {
                report.ok(format!("audit log: {entries} entries, hash chain intact (newest hash {head})"))
            }
            ChainStatus::Broken { row_id, problem } => {
                report.problem(format!("audit log: the hash chain breaks at row {row_id}: {problem}"))
            }
        }
        if let Some((head, since)) = recorded {
            match check_tail(&conn, head)? {
                None => report
                    .ok(format!("audit log: the head recorded {since} (entry {}) is still in the log", head.entries)),
                Some(problem) => report.problem(format!("audit log: {problem}, recorded {since}")),
            }
        }
    }

    let patients: i64 = conn.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?;
    report.ok(format!("{patients} patient record(s)"));
    Ok(report)
}
