//! Helpers shared by the integration tests: a fresh database in a temp folder and a
//! valid patient to start from.

use chrono::NaiveDate;
use glabella_core::patients::{register_patient, Patient, PatientDetails};
use glabella_core::Db;

/// The date the tests treat as today.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// A new, empty database that lives as long as the returned temp dir.
pub fn temp_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_dir(dir.path()).unwrap();
    (dir, db)
}

/// A valid patient with the given names and birth date.
pub fn person(given: &str, family: &str, birth: &str) -> PatientDetails {
    PatientDetails {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: birth.into(),
        phone: "(555) 010-2030".into(),
        email: "someone@example.com".into(),
        ..Default::default()
    }
}

/// Registers `details` (duplicates allowed) and returns the stored patient.
pub fn register(db: &Db, details: PatientDetails) -> Patient {
    db.write(|tx| register_patient(tx, &details, true, today())).unwrap()
}
