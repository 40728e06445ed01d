//! The duplicate rule and the import: each prepared row is new, a repeat of an earlier
//! row of the file (counted once), or likely a registered patient — the same external
//! id, or the same folded name and date of birth (`patients::duplicate_of`, the rule
//! registration warns by). The preview counts; the import, in the caller's one
//! transaction, decides again against the database as it is then and writes.

use std::collections::HashSet;

use rusqlite::Connection;

use super::{
    Candidate, CsvFile, DuplicateRule, PatientImportPreview, PatientImportReport, Prepared, RefusedRow, REFUSED_SHOWN,
};
use crate::audit::{self, Action};
use crate::auth::{Actor, Permission};
use crate::patients::{self, name_key};
use crate::{Error, Result};

/// What becomes of one candidate.
enum Fate {
    New,
    InFile,
    Registered(i64),
}

/// Each candidate's fate, in order.
fn fates(conn: &Connection, candidates: &[Candidate]) -> Result<Vec<Fate>> {
    let mut seen_names = HashSet::new();
    let mut seen_ids = HashSet::new();
    let mut fates = Vec::with_capacity(candidates.len());
    for c in candidates {
        let repeated_id = !c.external_id.is_empty() && !seen_ids.insert(c.external_id.clone());
        let repeated_name = !seen_names.insert((name_key(&c.details), c.details.date_of_birth.clone()));
        fates.push(if repeated_id || repeated_name {
            Fate::InFile
        } else {
            match patients::duplicate_of(conn, &c.details, &c.external_id)? {
                Some(id) => Fate::Registered(id),
                None => Fate::New,
            }
        });
    }
    Ok(fates)
}

fn shown(refused: &[RefusedRow]) -> Vec<RefusedRow> {
    refused.iter().take(REFUSED_SHOWN).cloned().collect()
}

/// What importing `prepared` (read from `file`) would do; reads only. The token is
/// left empty for the caller that holds the file.
pub fn preview(conn: &Connection, actor: &Actor, file: &CsvFile, prepared: &Prepared) -> Result<PatientImportPreview> {
    actor.require(Permission::ManageSettings)?;
    let fates = fates(conn, &prepared.candidates)?;
    let count = |f: fn(&Fate) -> bool| fates.iter().filter(|x| f(x)).count() as u32;
    Ok(PatientImportPreview {
        token: String::new(),
        file_name: file.name.clone(),
        size_bytes: file.bytes.len() as u64,
        settings: prepared.settings.clone(),
        headers: prepared.headers.clone(),
        sample: prepared.sample.clone(),
        rows: prepared.rows,
        to_add: count(|f| matches!(f, Fate::New)),
        duplicates_existing: count(|f| matches!(f, Fate::Registered(_))),
        duplicates_in_file: count(|f| matches!(f, Fate::InFile)),
        refused: shown(&prepared.refused),
        refused_count: prepared.refused.len() as u32,
        unmapped: prepared.unmapped.clone(),
    })
}

/// Imports `prepared` (read from `file`): every new row added, each likely duplicate
/// skipped or merged as its settings say, audited with the file's SHA-256. Run inside
/// one write transaction: an error anywhere leaves no one added.
pub fn import(conn: &Connection, actor: &Actor, file: &CsvFile, prepared: &Prepared) -> Result<PatientImportReport> {
    actor.require(Permission::ManageSettings)?;
    if let Some(field) = prepared.unmapped.first() {
        let missing: Vec<&str> = prepared.unmapped.iter().map(|f| f.label()).collect();
        return Err(Error::invalid(
            "columns",
            format!(
                "Choose the column of each required field first ({}); no {} column is chosen.",
                missing.join(", "),
                field.label()
            ),
        ));
    }
    let (mut added, mut merged, mut skipped) = (0, 0, 0);
    for (c, fate) in prepared.candidates.iter().zip(fates(conn, &prepared.candidates)?) {
        match fate {
            Fate::New => {
                patients::insert_imported(conn, actor, &c.details, &c.external_id)?;
                added += 1;
            }
            Fate::Registered(id) if prepared.settings.duplicates == DuplicateRule::Merge => {
                if patients::fill_empty_fields(conn, actor, id, &c.details, &c.external_id)? {
                    merged += 1;
                } else {
                    skipped += 1;
                }
            }
            Fate::Registered(_) | Fate::InFile => skipped += 1,
        }
    }
    let refused = prepared.refused.len() as u32;
    let description = format!(
        "{} rows: {added} added, {merged} merged, {skipped} skipped, {refused} refused; file SHA-256 {}",
        prepared.rows, file.sha256
    );
    audit::record(conn, &actor.audit(Action::PatientImport).described(description))?;
    Ok(PatientImportReport {
        added,
        merged,
        skipped,
        refused: shown(&prepared.refused),
        refused_count: refused,
        sha256: file.sha256.clone(),
    })
}
