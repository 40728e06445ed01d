//! Everything the clinic holds, taken out: patients, sessions with every injection
//! point (product, lot, expiry, dose in the product's own unit), appointments and the
//! handouts given — as CSV files in one `.zip` ([`csv`]) or as one FHIR R4 `Bundle`
//! ([`fhir`]). Administrators only.
//!
//! Contract: an export is written from ONE read transaction ([`snapshot`]), so it is
//! consistent and the desk keeps working (no write lock is held while it runs); it is
//! streamed row by row into the file, so a clinic of 100,000 patients is never held in
//! memory; and it is a disclosure of every patient in it, recorded in one audit entry
//! ([`record_export`]) naming the format and the counts once the file is on disk.

pub mod csv;
pub mod fhir;
pub mod rows;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use specta::Type;

use crate::audit::{self, Action};
use crate::auth::{Actor, Permission};
use crate::Result;

/// The two ways out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One CSV file per table, in a `.zip`.
    Csv,
    /// A FHIR R4 JSON `Bundle` of type `collection`.
    Fhir,
}

impl Format {
    /// The save dialog's file type and extension.
    pub fn file_type(self) -> (&'static str, &'static str) {
        match self {
            Format::Csv => ("ZIP archive of CSV files", "zip"),
            Format::Fhir => ("FHIR R4 JSON", "json"),
        }
    }

    /// How the audit trail names it.
    fn described(self) -> &'static str {
        match self {
            Format::Csv => "CSV (.zip)",
            Format::Fhir => "FHIR R4 (JSON)",
        }
    }

    /// The name the save dialog suggests: `glabella-export-<date>.zip` (or `.json`).
    pub fn file_name(self, today: NaiveDate) -> String {
        format!("glabella-export-{today}.{}", self.file_type().1)
    }
}

/// What an export holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportCounts {
    pub patients: u32,
    /// Every session in the CSV; the signed ones (FHIR `Procedure`s) in FHIR.
    pub sessions: u32,
    /// The injection points of those sessions.
    pub points: u32,
    pub appointments: u32,
    pub handouts: u32,
}

/// An export saved: the file's name and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub file_name: String,
    pub counts: ExportCounts,
}

/// Runs `f` inside one read transaction of `conn`, so that every query of an export
/// sees the same committed state (a plain read connection gives each statement its own).
pub fn snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let tx = conn.unchecked_transaction()?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// Records an export as a disclosure of every patient in it: one entry naming the
/// format and the counts (never who). Run it in a short write.
pub fn record_export(conn: &Connection, actor: &Actor, format: Format, counts: &ExportCounts) -> Result<()> {
    actor.require(Permission::ExportRecords)?;
    let ExportCounts { patients, sessions, points, appointments, handouts } = counts;
    let entry = actor.audit(Action::DataExport).described(format!(
        "everything exported as {}: {patients} patients, {sessions} sessions ({points} injection points), \
         {appointments} appointments, {handouts} handouts",
        format.described()
    ));
    audit::record(conn, &entry).map(drop)
}
