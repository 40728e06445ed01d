//! Search as you type: word prefixes of any name, accents and case ignored, phone
//! digits without formatting, dates of birth; exact matches first; archived patients
//! only on request.

mod common;

use common::{person, receptionist, register, temp_db};
use glabella_core::patients::{archive_patient, search_patients, update_patient, PatientSummary};
use glabella_core::Db;

fn names(results: &[PatientSummary]) -> Vec<String> {
    results.iter().map(|p| format!("{} {}", p.given_name, p.family_name)).collect()
}

fn search(db: &Db, query: &str) -> Vec<String> {
    let staff = receptionist(db);
    names(&db.read(|c| search_patients(c, &staff, query, false)).unwrap())
}

fn clinic() -> (tempfile::TempDir, Db) {
    let (dir, db) = temp_db();
    register(&db, person("María", "Núñez", "1980-03-14"));
    register(&db, person("Seán", "O'Brien", "1975-01-02"));
    register(&db, person("Anne-Marie", "Smith-Jones", "1990-07-30"));
    register(&db, person("Nuno", "Costa", "1985-05-05"));
    register(&db, person("Nun", "Ward", "1970-10-10"));
    (dir, db)
}

#[test]
fn finds_word_prefixes_ignoring_case_and_accents() {
    let (_dir, db) = clinic();
    assert_eq!(
        search(&db, "nun"),
        vec!["Nun Ward", "María Núñez", "Nuno Costa"],
        "exact match first, then prefixes alphabetically"
    );
    assert_eq!(search(&db, "NÚÑ"), search(&db, "nun"));
    assert_eq!(search(&db, "nunez"), vec!["María Núñez"]);
    assert_eq!(search(&db, "maria"), vec!["María Núñez"]);
    assert_eq!(search(&db, "sean"), vec!["Seán O'Brien"]);
}

#[test]
fn apostrophes_and_hyphens_are_forgiven() {
    let (_dir, db) = clinic();
    assert_eq!(search(&db, "obr"), vec!["Seán O'Brien"]);
    assert_eq!(search(&db, "o'br"), vec!["Seán O'Brien"]);
    assert_eq!(search(&db, "brien"), vec!["Seán O'Brien"]);
    assert_eq!(search(&db, "jones"), vec!["Anne-Marie Smith-Jones"]);
    assert_eq!(search(&db, "marie smith"), vec!["Anne-Marie Smith-Jones"]);
}

#[test]
fn several_words_list_by_the_longest_word_then_by_name() {
    let (_dir, db) = temp_db();
    for (given, family) in [("Marta", "García"), ("Gabriel", "Martín"), ("Mario", "García"), ("Ana", "Garza")] {
        register(&db, person(given, family, "1980-01-01"));
    }
    assert_eq!(search(&db, "garcia m"), vec!["Mario García", "Marta García"], "the Garcías by given name");
    assert_eq!(search(&db, "m garcia"), search(&db, "garcia m"), "whatever the words' order");
    assert_eq!(
        search(&db, "mar ga"),
        vec!["Mario García", "Marta García", "Gabriel Martín"],
        "by the matching term of \"mar\": mario, marta, martin"
    );
    assert_eq!(
        search(&db, "gar mar"),
        vec!["Mario García", "Marta García"],
        "of words of one length, by the first: garcia, then by name"
    );
}

#[test]
fn every_word_of_the_query_must_match() {
    let (_dir, db) = clinic();
    assert_eq!(search(&db, "mar nu"), vec!["María Núñez"]);
    assert_eq!(search(&db, "mar costa"), Vec::<String>::new());
}

#[test]
fn finds_phone_digits_ignoring_formatting() {
    let (_dir, db) = temp_db();
    let mut d = person("Ann", "Lee", "1980-01-01");
    d.phone = "+1 (555) 867-5309".into();
    register(&db, d);
    let mut d = person("Bo", "Kim", "1980-01-01");
    d.phone = "555.123.4567".into();
    register(&db, d);
    assert_eq!(search(&db, "867-53"), vec!["Ann Lee"]);
    assert_eq!(search(&db, "5309"), vec!["Ann Lee"]);
    assert_eq!(search(&db, "(555)"), vec!["Bo Kim", "Ann Lee"], "a number starting with the digits ranks first");
    assert_eq!(search(&db, "4567"), vec!["Bo Kim"]);
}

#[test]
fn finds_date_of_birth_in_common_formats() {
    let (_dir, db) = clinic();
    assert_eq!(search(&db, "1980-03-14"), vec!["María Núñez"]);
    assert_eq!(search(&db, "14.03.1980"), vec!["María Núñez"]);
    assert_eq!(search(&db, "14/03/1980"), vec!["María Núñez"]);
    assert_eq!(search(&db, "03/14/1980"), vec!["María Núñez"]);
}

#[test]
fn archived_patients_only_on_request() {
    let (_dir, db) = clinic();
    let staff = receptionist(&db);
    let id = db.read(|c| search_patients(c, &staff, "obrien", false)).unwrap()[0].id;
    db.write(|tx| archive_patient(tx, &staff, id)).unwrap();
    assert!(search(&db, "obrien").is_empty());
    let with_archived = db.read(|c| search_patients(c, &staff, "obrien", true)).unwrap();
    assert_eq!(names(&with_archived), vec!["Seán O'Brien"]);
    assert!(with_archived[0].archived);
}

#[test]
fn edits_reindex_the_patient() {
    let (_dir, db) = clinic();
    let staff = receptionist(&db);
    let p = db.read(|c| search_patients(c, &staff, "costa", false)).unwrap().remove(0);
    let mut details = db.read(|c| glabella_core::patients::get_patient(c, &staff, p.id)).unwrap().details;
    details.family_name = "Ferreira".into();
    db.write(|tx| update_patient(tx, &staff, p.id, &details, common::today())).unwrap();
    assert!(search(&db, "costa").is_empty());
    assert_eq!(search(&db, "ferr"), vec!["Nuno Ferreira"]);
}

#[test]
fn a_patient_matching_twice_is_listed_once() {
    let (_dir, db) = temp_db();
    register(&db, person("Ann", "Annan", "1980-01-01"));
    assert_eq!(search(&db, "ann"), vec!["Ann Annan"]);
}

#[test]
fn markup_in_names_is_just_text() {
    let (_dir, db) = temp_db();
    register(&db, person("<img src=x onerror=alert(1)>", "Test", "1980-01-01"));
    assert_eq!(search(&db, "onerror"), vec!["<img src=x onerror=alert(1)> Test"]);
}

#[test]
fn prefix_search_uses_the_index_not_a_scan() {
    let (_dir, db) = clinic();
    let plan: Vec<String> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "EXPLAIN QUERY PLAN SELECT t.patient_id FROM patient_search_terms t JOIN patients p ON p.id = t.patient_id
                 WHERE t.term >= 'nun' AND t.term < 'nun\u{10FFFF}' ORDER BY t.term, t.sort_key",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert!(plan.iter().any(|l| l.contains("SEARCH t USING PRIMARY KEY")), "{plan:?}");
    assert!(!plan.iter().any(|l| l.contains("TEMP B-TREE")), "no sort needed: {plan:?}");
}
