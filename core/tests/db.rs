//! Opening the database: pragmas, migrations, refusal of a newer schema, and the
//! health check behind `glabella-admin check`.

mod common;

use glabella_core::db::{self, DB_FILE, LATEST_VERSION};
use glabella_core::{Db, Error};

#[test]
fn a_new_database_is_migrated_with_wal_and_full_sync() {
    let (dir, db) = common::temp_db();
    let (version, journal, sync, fk): (i64, String, i64, i64) = db
        .read(|c| {
            Ok((
                c.pragma_query_value(None, "user_version", |r| r.get(0))?,
                c.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
                c.pragma_query_value(None, "synchronous", |r| r.get(0))?,
                c.pragma_query_value(None, "foreign_keys", |r| r.get(0))?,
            ))
        })
        .unwrap();
    assert_eq!((version, journal.as_str(), sync, fk), (LATEST_VERSION, "wal", 2, 1));
    assert!(dir.path().join(DB_FILE).exists());
}

#[test]
fn reopening_keeps_the_data() {
    let (dir, db) = common::temp_db();
    common::register(&db, common::person("Ann", "Lee", "1980-01-01"));
    drop(db);
    let db = common::reopen(dir.path());
    let n: i64 = db.read(|c| Ok(c.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?)).unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_newer_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let c = common::open_raw(&path);
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Db::open_dir(dir.path(), common::key()) {
        Err(e @ Error::DatabaseTooNew { found: 99, .. }) => {
            assert_eq!(e.code(), "db.too_new");
            assert!(e.to_string().contains("newer version of Glabella"), "{e}");
        }
        other => panic!("expected a refusal, got {:?}", other.err()),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file must not change");
    assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists(), "not even a WAL file is created");
}

#[test]
fn check_reports_a_healthy_database() {
    let (dir, db) = common::temp_db();
    common::register(&db, common::person("Ann", "Lee", "1980-01-01"));
    drop(db);
    let report = glabella_core::check::check(&dir.path().join(DB_FILE), common::key()).unwrap();
    assert_eq!(report.problems, 0, "{:?}", report.lines);
    assert!(report.lines.iter().any(|l| l == "1 patient record(s)"));
}

#[test]
fn check_finds_broken_foreign_keys_and_a_newer_schema() {
    let (dir, db) = common::temp_db();
    drop(db);
    let path = dir.path().join(DB_FILE);
    {
        let c = common::open_raw(&path);
        c.execute_batch("PRAGMA foreign_keys = OFF; INSERT INTO patient_search_terms VALUES ('ghost', 'ghost', 42); PRAGMA user_version = 99;").unwrap();
    }
    let report = glabella_core::check::check(&path, common::key()).unwrap();
    assert_eq!(report.problems, 2, "{:?}", report.lines);
}

#[test]
fn check_refuses_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    std::fs::write(&path, b"this is not a database, just some bytes that happen to be here. ".repeat(100)).unwrap();
    assert!(glabella_core::check::check(&path, common::key()).is_err());
}

#[test]
fn a_version_2_database_is_upgraded_with_the_product_catalogue_and_keeps_its_patients() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let c = common::database_at_version(&path, 2);
        c.execute_batch(
            "INSERT INTO patients (given_name, family_name, date_of_birth, name_key, sort_key, created_at, updated_at)
             VALUES ('Ann', 'Lee', '1980-01-01', 'ann lee', 'lee ann', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');",
        )
        .unwrap();
    }
    let db = common::reopen(dir.path());
    assert_eq!(db.read(db::schema_version).unwrap(), LATEST_VERSION);
    let (patients, toxins, fillers): (i64, i64, i64) = db
        .read(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM patients),
                        (SELECT count(*) FROM products WHERE kind = 'neurotoxin' AND unit = 'U'),
                        (SELECT count(*) FROM products WHERE kind = 'filler' AND unit = 'mL')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((patients, toxins), (1, 8), "Botox 50/100, Dysport 300, Xeomin 50/100, Jeuveau 100, Daxxify 50/100");
    assert!(fillers >= 5);
}

#[test]
fn a_version_4_database_is_upgraded_with_its_patients_found_by_two_words_and_handout_failures_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let c = common::database_at_version(&path, 4);
        c.execute_batch(
            "INSERT INTO patients (given_name, family_name, date_of_birth, name_key, sort_key, created_at, updated_at)
             VALUES ('Marta', 'García', '1980-01-01', 'marta garcia', 'garcia marta', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
             INSERT INTO patient_search_terms (term, sort_key, patient_id) VALUES
                 ('marta', 'garcia marta', 1), ('garcia', 'garcia marta', 1), ('5550102', 'garcia marta', 1);",
        )
        .unwrap();
    }
    let db = common::reopen(dir.path());
    assert_eq!(db.read(db::schema_version).unwrap(), LATEST_VERSION);
    let desk = common::receptionist(&db);
    for query in ["mar gar", "garcia m", "Garc"] {
        let found = db.read(|c| glabella_core::patients::search_patients(c, &desk, query, false)).unwrap();
        assert_eq!(found.iter().map(|p| p.family_name.as_str()).collect::<Vec<_>>(), ["García"], "{query}");
    }
    let failures: i64 =
        db.read(|c| Ok(c.query_row("SELECT count(*) FROM handout_failures", [], |r| r.get(0))?)).unwrap();
    assert_eq!(failures, 0, "the table of handout failures exists, empty");
}
