//! The patient registry against a real SQLite file: validation per field, duplicates,
//! edits, archiving, and that a failed write leaves nothing behind.

mod common;

use common::{person, receptionist, register, temp_db, today};
use glabella_core::patients::{self, get_patient, register_patient, MedicalFlags, PatientDetails, Sex};
use glabella_core::Error;

fn count(db: &glabella_core::Db) -> i64 {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?)).unwrap()
}

/// Registers `details` and returns the field and message of the validation error.
fn rejection(details: PatientDetails) -> (String, String) {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    match db.write(|tx| register_patient(tx, &staff, &details, false, today())) {
        Err(Error::Validation(errors)) => {
            assert_eq!(count(&db), 0, "a rejected patient must not be saved");
            assert_eq!(errors.len(), 1, "{errors:?}");
            (errors[0].field.to_string(), errors[0].message.clone())
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn registers_a_patient_with_every_field() {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    let details = PatientDetails {
        given_name: " Zoë ".into(),
        family_name: "Núñez".into(),
        preferred_name: "Zo".into(),
        date_of_birth: "1980-03-14".into(),
        sex: Sex::Female,
        phone: "+1 (555) 010-2030".into(),
        email: "zoe@example.com".into(),
        address: "12 Oak Avenue\nSpringfield".into(),
        emergency_contact_name: "Luis Núñez".into(),
        emergency_contact_phone: "555 010 9999".into(),
        allergies: "Lidocaine".into(),
        medications: "Warfarin".into(),
        flags: MedicalFlags { pregnant_or_breastfeeding: true, blood_thinners: true, ..Default::default() },
        consents: "Neurotoxin consent v1".into(),
        notes: "Prefers mornings".into(),
    };
    let saved = register(&db, details.clone());
    let loaded = db.read(|c| get_patient(c, &staff, saved.id)).unwrap();
    assert_eq!(loaded.details.given_name, "Zoë", "names are trimmed");
    assert_eq!(loaded.details.address, "12 Oak Avenue\nSpringfield");
    assert!(loaded.details.flags.pregnant_or_breastfeeding && loaded.details.flags.blood_thinners);
    assert!(!loaded.details.flags.keloid_history);
    assert_eq!(loaded.details.sex, Sex::Female);
    assert_eq!(loaded.archived_at, None);
    assert_eq!(PatientDetails { given_name: "Zoë".into(), ..details }, loaded.details);
}

#[test]
fn names_are_required() {
    assert_eq!(rejection(person("  ", "Smith", "1980-01-01")), ("givenName".into(), "First name is required.".into()));
    assert_eq!(rejection(person("Ann", "", "1980-01-01")), ("familyName".into(), "Last name is required.".into()));
}

#[test]
fn date_of_birth_must_be_a_real_past_date_within_130_years() {
    assert_eq!(rejection(person("Ann", "Lee", "")).0, "dateOfBirth");
    let (field, message) = rejection(person("Ann", "Lee", "1980-02-30"));
    assert_eq!(field, "dateOfBirth");
    assert!(message.contains("not a valid date"), "{message}");
    let (_, message) = rejection(person("Ann", "Lee", "2026-11-29"));
    assert!(message.contains("future"), "{message}");
    let (_, message) = rejection(person("Ann", "Lee", "1896-11-27"));
    assert!(message.contains("130 years"), "{message}");
    // The boundaries themselves are accepted.
    let (_dir, db) = temp_db();
    register(&db, person("Ann", "Lee", "2026-11-28"));
    register(&db, person("Ann", "Lee", "1896-11-28"));
}

#[test]
fn phone_and_email_must_be_plausible() {
    let mut d = person("Ann", "Lee", "1980-01-01");
    d.phone = "call me".into();
    assert_eq!(rejection(d.clone()).0, "phone");
    d.phone = "12 34".into();
    assert!(rejection(d.clone()).1.contains("between 6 and 15 digits"));
    d.phone = "+1 555 010 2030".into();
    d.email = "ann@example".into();
    assert_eq!(rejection(d.clone()).0, "email");
    d.email = "ann lee@example.com".into();
    assert_eq!(rejection(d.clone()).0, "email");
    d.email = String::new();
    d.emergency_contact_phone = "+1 555 + 1234".into();
    assert_eq!(rejection(d).0, "emergencyContactPhone");
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    let mut d = person("", "Lee", "1980-01-01");
    d.email = "nope".into();
    match db.write(|tx| register_patient(tx, &staff, &d, false, today())) {
        Err(Error::Validation(errors)) => {
            let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
            assert_eq!(fields, vec!["givenName", "email"]);
        }
        other => panic!("expected validation errors, got {other:?}"),
    }
}

#[test]
fn fields_have_length_limits() {
    let mut d = person(&"A".repeat(101), "Lee", "1980-01-01");
    let (field, message) = rejection(d.clone());
    assert_eq!(field, "givenName");
    assert!(message.contains("at most 100"), "{message}");
    d.given_name = "Ann".into();
    d.notes = "x".repeat(20_001);
    assert_eq!(rejection(d).0, "notes");
}

#[test]
fn a_likely_duplicate_needs_register_anyway() {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    let first = register(&db, person("José", "Núñez", "1975-06-01"));
    let again = person("jose", "NUNEZ", "1975-06-01");
    match db.write(|tx| register_patient(tx, &staff, &again, false, today())) {
        Err(Error::DuplicatePatient { existing }) => {
            assert_eq!(existing.iter().map(|p| p.id).collect::<Vec<_>>(), vec![first.id])
        }
        other => panic!("expected a duplicate warning, got {other:?}"),
    }
    assert_eq!(count(&db), 1);
    // Same name, other birth date: not a duplicate.
    db.write(|tx| register_patient(tx, &staff, &person("José", "Núñez", "1975-06-02"), false, today())).unwrap();
    // Register anyway.
    db.write(|tx| register_patient(tx, &staff, &again, true, today())).unwrap();
    assert_eq!(count(&db), 3);
}

#[test]
fn edits_are_saved_and_validated() {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    let p = register(&db, person("Ann", "Lee", "1980-01-01"));
    let mut d = p.details.clone();
    d.family_name = "O'Brien".into();
    d.allergies = "Latex".into();
    let updated = db.write(|tx| patients::update_patient(tx, &staff, p.id, &d, today())).unwrap();
    assert_eq!(updated.details.family_name, "O'Brien");
    d.email = "nope".into();
    assert!(
        matches!(db.write(|tx| patients::update_patient(tx, &staff, p.id, &d, today())), Err(Error::Validation(e)) if e[0].field == "email")
    );
    let stored = db.read(|c| get_patient(c, &staff, p.id)).unwrap();
    assert_eq!(stored.details.email, "someone@example.com", "a rejected edit changes nothing");
    assert_eq!(stored.details.allergies, "Latex");
    assert!(matches!(
        db.write(|tx| patients::update_patient(tx, &staff, 9999, &person("A", "B", "1980-01-01"), today())),
        Err(Error::NotFound(_))
    ));
}

#[test]
fn archiving_keeps_the_record_and_can_be_undone() {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    let p = register(&db, person("Ann", "Lee", "1980-01-01"));
    let archived = db.write(|tx| patients::archive_patient(tx, &staff, p.id)).unwrap();
    assert!(archived.archived_at.is_some());
    assert_eq!(count(&db), 1, "archiving never deletes");
    let back = db.write(|tx| patients::unarchive_patient(tx, &staff, p.id)).unwrap();
    assert_eq!(back.archived_at, None);
    assert_eq!(back.details, p.details);
}

#[test]
fn a_write_that_fails_half_way_leaves_nothing() {
    let (_dir, db) = temp_db();
    let staff = receptionist(&db);
    let result: glabella_core::Result<()> = db.write(|tx| {
        register_patient(tx, &staff, &person("Half", "Way", "1980-01-01"), false, today())?;
        // The second step of the same write fails: the first must be rolled back.
        register_patient(tx, &staff, &person("", "Broken", "1980-01-01"), false, today())?;
        Ok(())
    });
    assert!(result.is_err());
    assert_eq!(count(&db), 0);
    let terms: i64 =
        db.read(|c| Ok(c.query_row("SELECT count(*) FROM patient_search_terms", [], |r| r.get(0))?)).unwrap();
    assert_eq!(terms, 0, "no orphaned search terms");
}

#[test]
fn errors_cross_ipc_as_code_message_field() {
    let err = glabella_core::error::ApiError::from(Error::invalid("email", "Email does not look like an address."));
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "code": "validation",
            "message": "Email does not look like an address.",
            "field": "email",
            "fieldErrors": [{"field": "email", "message": "Email does not look like an address."}],
            "duplicates": []
        })
    );
}
