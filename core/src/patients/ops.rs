//! The SQL of the patient registry. Functions take a `&Connection` (a transaction
//! derefs to one) so callers decide the transaction; `Db::write` makes each call one.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use super::{MedicalFlags, Patient, PatientDetails, PatientSummary, Sex};
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::calendar::DateFormat;
use crate::clock;
use crate::text::{fold, name_terms, phone_terms};
use crate::{Error, Result};

const PATIENT_COLUMNS: &str = "id, given_name, family_name, preferred_name, date_of_birth, sex, phone, email, address,
    emergency_contact_name, emergency_contact_phone, allergies, medications,
    flag_pregnant_or_breastfeeding, flag_neuromuscular_disorder, flag_aminoglycoside_antibiotics,
    flag_blood_thinners, flag_keloid_history, flag_active_skin_infection, flag_previous_adverse_reaction,
    consents, notes, archived_at, created_at, updated_at, external_id";

/// Columns of [`PatientSummary`], in the order [`summary_from_row`] reads them.
pub(super) const SUMMARY_COLUMNS: &str =
    "p.id, p.given_name, p.family_name, p.preferred_name, p.date_of_birth, p.phone, p.archived_at IS NOT NULL";

/// The columns a registration or an edit writes, in the order of [`written_values`].
const WRITTEN_COLUMNS: [&str; 23] = [
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "address",
    "emergency_contact_name",
    "emergency_contact_phone",
    "allergies",
    "medications",
    "flag_pregnant_or_breastfeeding",
    "flag_neuromuscular_disorder",
    "flag_aminoglycoside_antibiotics",
    "flag_blood_thinners",
    "flag_keloid_history",
    "flag_active_skin_infection",
    "flag_previous_adverse_reaction",
    "consents",
    "notes",
    "name_key",
    "sort_key",
];

/// The values of [`WRITTEN_COLUMNS`] for validated details.
fn written_values(d: &PatientDetails) -> Vec<Value> {
    let text = |s: &str| Value::Text(s.to_string());
    let flag = |b: bool| Value::Integer(b.into());
    vec![
        text(&d.given_name),
        text(&d.family_name),
        text(&d.preferred_name),
        text(&d.date_of_birth),
        text(d.sex.as_str()),
        text(&d.phone),
        text(&d.email),
        text(&d.address),
        text(&d.emergency_contact_name),
        text(&d.emergency_contact_phone),
        text(&d.allergies),
        text(&d.medications),
        flag(d.flags.pregnant_or_breastfeeding),
        flag(d.flags.neuromuscular_disorder),
        flag(d.flags.aminoglycoside_antibiotics),
        flag(d.flags.blood_thinners),
        flag(d.flags.keloid_history),
        flag(d.flags.active_skin_infection),
        flag(d.flags.previous_adverse_reaction),
        text(&d.consents),
        text(&d.notes),
        Value::Text(name_key(d)),
        Value::Text(sort_key(d)),
    ]
}

fn patient_from_row(row: &Row) -> rusqlite::Result<Patient> {
    Ok(Patient {
        id: row.get(0)?,
        details: PatientDetails {
            given_name: row.get(1)?,
            family_name: row.get(2)?,
            preferred_name: row.get(3)?,
            date_of_birth: row.get(4)?,
            sex: Sex::parse(&row.get::<_, String>(5)?),
            phone: row.get(6)?,
            email: row.get(7)?,
            address: row.get(8)?,
            emergency_contact_name: row.get(9)?,
            emergency_contact_phone: row.get(10)?,
            allergies: row.get(11)?,
            medications: row.get(12)?,
            flags: MedicalFlags {
                pregnant_or_breastfeeding: row.get(13)?,
                neuromuscular_disorder: row.get(14)?,
                aminoglycoside_antibiotics: row.get(15)?,
                blood_thinners: row.get(16)?,
                keloid_history: row.get(17)?,
                active_skin_infection: row.get(18)?,
                previous_adverse_reaction: row.get(19)?,
            },
            consents: row.get(20)?,
            notes: row.get(21)?,
        },
        archived_at: row.get(22)?,
        created_at: row.get(23)?,
        updated_at: row.get(24)?,
        external_id: row.get(25)?,
    })
}

pub(super) fn summary_from_row(row: &Row) -> rusqlite::Result<PatientSummary> {
    Ok(PatientSummary {
        id: row.get(0)?,
        given_name: row.get(1)?,
        family_name: row.get(2)?,
        preferred_name: row.get(3)?,
        date_of_birth: row.get(4)?,
        phone: row.get(5)?,
        archived: row.get(6)?,
    })
}

/// Folded "given family": equal for names that differ only in case, accents,
/// apostrophes or hyphens (the duplicate rule's name).
pub fn name_key(d: &PatientDetails) -> String {
    fold(&format!("{} {}", d.given_name, d.family_name))
}

fn sort_key(d: &PatientDetails) -> String {
    fold(&format!("{} {}", d.family_name, d.given_name))
}

/// The patient with this id.
pub fn get_patient(conn: &Connection, actor: &Actor, id: i64) -> Result<Patient> {
    actor.require(Permission::Demographics)?;
    load(conn, id)
}

/// Opens a patient's chart: the patient, with the view recorded in the audit trail.
pub fn open_chart(conn: &Connection, actor: &Actor, id: i64) -> Result<Patient> {
    let patient = get_patient(conn, actor, id)?;
    audit::record(conn, &actor.audit(Action::PatientView).on(entity::PATIENT, id))?;
    Ok(patient)
}

fn load(conn: &Connection, id: i64) -> Result<Patient> {
    conn.prepare_cached(&format!("SELECT {PATIENT_COLUMNS} FROM patients WHERE id = ?1"))?
        .query_row([id], patient_from_row)
        .optional()?
        .ok_or(Error::NotFound("The patient"))
}

/// Registered patients (archived ones included) with the same name, ignoring case
/// and accents, and the same date of birth.
pub fn find_duplicates(conn: &Connection, details: &PatientDetails) -> Result<Vec<PatientSummary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM patients p WHERE p.name_key = ?1 AND p.date_of_birth = ?2 ORDER BY p.id"
    ))?;
    let rows = stmt.query_map(params![name_key(details), details.date_of_birth.trim()], summary_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Registers a new patient. Unless `register_anyway` is set, a likely duplicate is
/// refused with [`Error::DuplicatePatient`] listing the existing records.
pub fn register_patient(
    conn: &Connection,
    actor: &Actor,
    details: &PatientDetails,
    register_anyway: bool,
    today: NaiveDate,
) -> Result<Patient> {
    actor.require(Permission::Demographics)?;
    let d = details.validated(today, DateFormat::of(conn)?)?;
    if !register_anyway {
        let existing = find_duplicates(conn, &d)?;
        if !existing.is_empty() {
            return Err(Error::DuplicatePatient { existing });
        }
    }
    let id = insert(conn, &d, "")?;
    let note = if register_anyway { "registered despite a likely duplicate" } else { "" };
    audit::record(conn, &actor.audit(Action::PatientCreate).on(entity::PATIENT, id).described(note))?;
    load(conn, id)
}

/// Inserts validated details with their search terms; the new patient's id.
fn insert(conn: &Connection, d: &PatientDetails, external_id: &str) -> Result<i64> {
    let now = clock::now_iso(conn)?;
    let placeholders = vec!["?"; WRITTEN_COLUMNS.len() + 3].join(", ");
    let sql = format!(
        "INSERT INTO patients ({}, external_id, created_at, updated_at) VALUES ({placeholders})",
        WRITTEN_COLUMNS.join(", ")
    );
    let mut values = written_values(d);
    values.extend([Value::Text(external_id.to_string()), Value::Text(now.clone()), Value::Text(now)]);
    conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    let id = conn.last_insert_rowid();
    index_patient(conn, id, d)?;
    Ok(id)
}

/// The registered patient (archived ones included) that `details` most likely is: the
/// one with this `external_id` (if not empty), else the first with the same folded name
/// and date of birth. `details` are validated, so the date is stored `YYYY-MM-DD`.
pub fn duplicate_of(conn: &Connection, details: &PatientDetails, external_id: &str) -> Result<Option<i64>> {
    if !external_id.is_empty() {
        let found = conn
            .prepare_cached("SELECT id FROM patients WHERE external_id = ?1 AND external_id <> '' ORDER BY id LIMIT 1")?
            .query_row([external_id], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(conn
        .prepare_cached("SELECT id FROM patients WHERE name_key = ?1 AND date_of_birth = ?2 ORDER BY id LIMIT 1")?
        .query_row(params![name_key(details), details.date_of_birth], |r| r.get(0))
        .optional()?)
}

/// Adds a patient read from an imported file, already validated (`details.validated`)
/// and checked against [`duplicate_of`] by the caller; audited as a registration.
pub fn insert_imported(conn: &Connection, actor: &Actor, details: &PatientDetails, external_id: &str) -> Result<i64> {
    actor.require(Permission::Demographics)?;
    let id = insert(conn, details, external_id)?;
    audit::record(conn, &actor.audit(Action::PatientCreate).on(entity::PATIENT, id).described("imported"))?;
    Ok(id)
}

/// Fills the empty fields of patient `id` from `details` (validated), leaving every
/// field that holds something as it is: the contact details, allergies, medications,
/// notes, sex (if unknown) and the external id. Whether anything changed (then audited
/// as an edit).
pub fn fill_empty_fields(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    details: &PatientDetails,
    external_id: &str,
) -> Result<bool> {
    actor.require(Permission::Demographics)?;
    let existing = load(conn, id)?;
    let mut merged = existing.details.clone();
    let mut changed = false;
    for (into, from) in [
        (&mut merged.preferred_name, &details.preferred_name),
        (&mut merged.phone, &details.phone),
        (&mut merged.email, &details.email),
        (&mut merged.address, &details.address),
        (&mut merged.allergies, &details.allergies),
        (&mut merged.medications, &details.medications),
        (&mut merged.notes, &details.notes),
    ] {
        if into.is_empty() && !from.is_empty() {
            *into = from.clone();
            changed = true;
        }
    }
    if merged.sex == Sex::Unknown && details.sex != Sex::Unknown {
        merged.sex = details.sex;
        changed = true;
    }
    let new_external = existing.external_id.is_empty() && !external_id.is_empty();
    if new_external {
        conn.prepare_cached("UPDATE patients SET external_id = ?2 WHERE id = ?1")?.execute(params![id, external_id])?;
    }
    if changed {
        rewrite(conn, id, &merged)?;
    }
    if changed || new_external {
        audit::record(
            conn,
            &actor.audit(Action::PatientUpdate).on(entity::PATIENT, id).described("empty fields filled by an import"),
        )?;
    }
    Ok(changed || new_external)
}

/// Saves edited details of an existing patient.
pub fn update_patient(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    details: &PatientDetails,
    today: NaiveDate,
) -> Result<Patient> {
    actor.require(Permission::Demographics)?;
    let d = details.validated(today, DateFormat::of(conn)?)?;
    rewrite(conn, id, &d)?;
    audit::record(conn, &actor.audit(Action::PatientUpdate).on(entity::PATIENT, id))?;
    load(conn, id)
}

/// Writes validated details over patient `id`, search terms included.
fn rewrite(conn: &Connection, id: i64, d: &PatientDetails) -> Result<()> {
    let assignments: Vec<String> = WRITTEN_COLUMNS.iter().map(|c| format!("{c} = ?")).collect();
    let sql = format!("UPDATE patients SET {}, updated_at = ? WHERE id = ?", assignments.join(", "));
    let mut values = written_values(d);
    values.extend([Value::Text(clock::now_iso(conn)?), Value::Integer(id)]);
    let changed = conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    if changed == 0 {
        return Err(Error::NotFound("The patient"));
    }
    // The name terms' and pairs' keys are made of the search terms (found by their
    // patient index), so they go first.
    let (old_terms, old_sort): (Vec<String>, String) = {
        let mut stmt = conn.prepare_cached("SELECT term, sort_key FROM patient_search_terms WHERE patient_id = ?1")?;
        let rows: Vec<(String, String)> =
            stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let sort = rows.first().map(|(_, s)| s.clone()).unwrap_or_default();
        (name_words_of(rows.into_iter().map(|(t, _)| t)), sort)
    };
    let mut delete_name =
        conn.prepare_cached("DELETE FROM patient_name_terms WHERE term = ?1 AND sort_key = ?2 AND patient_id = ?3")?;
    for term in &old_terms {
        delete_name.execute(params![term, old_sort, id])?;
    }
    let mut delete_pair = conn.prepare_cached(
        "DELETE FROM patient_name_pairs
         WHERE other_prefix = ?1 AND term = ?2 AND sort_key = ?3 AND patient_id = ?4 AND other = ?5",
    )?;
    for (prefix, term, other) in name_pairs(&old_terms) {
        delete_pair.execute(params![prefix, term, old_sort, id, other])?;
    }
    conn.prepare_cached("DELETE FROM patient_search_terms WHERE patient_id = ?1")?.execute([id])?;
    index_patient(conn, id, d)
}

/// Archives a patient: kept with all history, hidden from search unless asked for.
pub fn archive_patient(conn: &Connection, actor: &Actor, id: i64) -> Result<Patient> {
    set_archived(conn, actor, id, Some(clock::now_iso(conn)?))
}

/// Brings an archived patient back to the active list.
pub fn unarchive_patient(conn: &Connection, actor: &Actor, id: i64) -> Result<Patient> {
    set_archived(conn, actor, id, None)
}

fn set_archived(conn: &Connection, actor: &Actor, id: i64, archived_at: Option<String>) -> Result<Patient> {
    actor.require(Permission::Demographics)?;
    let action = if archived_at.is_some() { Action::PatientArchive } else { Action::PatientUnarchive };
    let changed = conn
        .prepare_cached("UPDATE patients SET archived_at = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, archived_at, clock::now_iso(conn)?])?;
    if changed == 0 {
        return Err(Error::NotFound("The patient"));
    }
    audit::record(conn, &actor.audit(action).on(entity::PATIENT, id))?;
    load(conn, id)
}

/// Writes the search terms of a patient: the words of every name and the phone suffixes;
/// the name terms (those with a letter) again with all of them beside each, for
/// searches of several words; and every pair of two name terms, for searches of two
/// (see `search.rs`).
fn index_patient(conn: &Connection, id: i64, d: &PatientDetails) -> Result<()> {
    let sort = sort_key(d);
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO patient_search_terms (term, sort_key, patient_id) VALUES (?1, ?2, ?3)",
    )?;
    let names = [&d.given_name, &d.family_name, &d.preferred_name];
    let terms: Vec<String> = names.iter().flat_map(|n| name_terms(n)).collect();
    for term in terms.iter().cloned().chain(phone_terms(&d.phone)) {
        insert.execute(params![term, sort, id])?;
    }
    let name_words = name_words_of(terms);
    let words: String = name_words.iter().flat_map(|t| [" ", t.as_str()]).collect();
    let mut insert_name = conn.prepare_cached(
        "INSERT OR IGNORE INTO patient_name_terms (term, sort_key, patient_id, words) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for term in &name_words {
        insert_name.execute(params![term, sort, id, words])?;
    }
    let mut insert_pair = conn.prepare_cached(
        "INSERT OR IGNORE INTO patient_name_pairs (other_prefix, term, sort_key, patient_id, other)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (prefix, term, other) in name_pairs(&name_words) {
        insert_pair.execute(params![prefix, term, sort, id, other])?;
    }
    Ok(())
}

/// The name terms among a patient's search terms (those with a letter), sorted, without
/// duplicates.
fn name_words_of(terms: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = terms.into_iter().filter(|t| t.bytes().any(|b| b.is_ascii_alphabetic())).collect();
    names.sort();
    names.dedup();
    names
}

/// The rows of `patient_name_pairs` for a patient's name terms (no duplicates), as
/// (other's prefix, term, other): every ordered pair of two different terms, under the
/// other's first letter and, when it has three or more, under its first three.
fn name_pairs(terms: &[String]) -> impl Iterator<Item = (&str, &str, &str)> {
    terms.iter().flat_map(move |a| {
        terms.iter().filter(move |b| *b != a).flat_map(move |b| {
            let three = (b.len() >= 3).then(|| (&b[..3], a.as_str(), b.as_str()));
            std::iter::once((&b[..1], a.as_str(), b.as_str())).chain(three)
        })
    })
}
