//! Health check of a database file, for `glabella-admin check`: SQLite's integrity
//! and foreign-key checks plus the schema version. Opens the file read-only, so a
//! check never changes what it inspects.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::migrations::{schema_version, LATEST_VERSION};
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

/// Checks the database file at `path`. An unreadable or damaged file is an `Err`.
pub fn check(path: &Path) -> Result<CheckReport> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut report = CheckReport::default();

    let version = schema_version(&conn)?;
    match version {
        v if v > LATEST_VERSION => report.problem(format!(
            "schema version {v} is newer than this Glabella understands ({LATEST_VERSION}); update Glabella"
        )),
        v if v < LATEST_VERSION => report.ok(format!("schema version {v}; the app will upgrade it to {LATEST_VERSION} when it opens it")),
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

    let patients: i64 = conn.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?;
    report.ok(format!("{patients} patient record(s)"));
    Ok(report)
}
