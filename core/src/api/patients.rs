//! The patient registry: find, open, register, edit, archive and restore. A date of
//! birth may be typed the clinic's way; it is stored as `YYYY-MM-DD`.

use rusqlite::Connection;

use crate::auth::Actor;
use crate::calendar::{self, DateFormat};
use crate::clinic::Clinic;
use crate::patients::{self, Patient, PatientDetails, PatientSummary};
use crate::Result;

/// Search as you type (a read: it never waits for a write).
pub fn search_patients(
    clinic: &Clinic,
    actor: &Actor,
    query: &str,
    include_archived: bool,
) -> Result<Vec<PatientSummary>> {
    clinic.db().read(|c| patients::search_patients(c, actor, query, include_archived))
}

/// Opens a patient's chart; the view is written to the audit trail.
pub fn open_patient_chart(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Patient> {
    clinic.db().write(|tx| patients::open_chart(tx, actor, id))
}

/// Registers a patient; a likely duplicate fails with `patient.duplicate` unless
/// `register_anyway` is set.
pub fn register_patient(
    clinic: &Clinic,
    actor: &Actor,
    details: &PatientDetails,
    register_anyway: bool,
) -> Result<Patient> {
    let today = clinic.today();
    clinic.db().write(|tx| patients::register_patient(tx, actor, &as_stored(tx, details)?, register_anyway, today))
}

pub fn update_patient(clinic: &Clinic, actor: &Actor, id: i64, details: &PatientDetails) -> Result<Patient> {
    let today = clinic.today();
    clinic.db().write(|tx| patients::update_patient(tx, actor, id, &as_stored(tx, details)?, today))
}

/// `details` with the date of birth as stored, if it reads as a date the clinic's way.
fn as_stored(conn: &Connection, details: &PatientDetails) -> Result<PatientDetails> {
    let mut details = details.clone();
    calendar::normalise_date(&mut details.date_of_birth, DateFormat::of(conn)?);
    Ok(details)
}

/// Archives a patient (never deleted; found again with "include archived").
pub fn archive_patient(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Patient> {
    clinic.db().write(|tx| patients::archive_patient(tx, actor, id))
}

pub fn unarchive_patient(clinic: &Clinic, actor: &Actor, id: i64) -> Result<Patient> {
    clinic.db().write(|tx| patients::unarchive_patient(tx, actor, id))
}
