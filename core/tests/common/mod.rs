//! Helpers shared by the integration tests: a fresh database in a temp folder and a
//! valid patient to start from.
#![allow(dead_code)] // each test binary uses its own share of these

pub mod desk;
pub mod pdf;
pub mod treatment;

use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use glabella_core::auth::{Actor, Role};
use glabella_core::db::DatabaseKey;
use glabella_core::patients::{register_patient, Patient, PatientDetails};
use glabella_core::Db;
use rusqlite::Connection;

/// The date the tests treat as today.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// The key the test databases are encrypted with: random, one per test binary.
pub fn key() -> &'static DatabaseKey {
    static KEY: OnceLock<DatabaseKey> = OnceLock::new();
    KEY.get_or_init(|| DatabaseKey::generate().unwrap())
}

/// A new, empty database (encrypted with [`key`]) that lives as long as the returned
/// temp dir.
pub fn temp_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_dir(dir.path(), key()).unwrap();
    (dir, db)
}

/// Reopens the database in `dir` with [`key`].
pub fn reopen(dir: &Path) -> Db {
    Db::open_dir(dir, key()).unwrap()
}

/// A raw connection to an encrypted test database, unlocked with [`key`], for tests
/// that must go around `Db` (fixtures of older or newer schemas, tampering).
pub fn open_raw(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&key().sqlcipher_pragmas()).unwrap();
    conn
}

/// A database file at `path` as an older Glabella left it: the first `version`
/// migrations of `core/migrations/` applied, and `user_version` saying so.
pub fn database_at_version(path: &Path, version: usize) -> Connection {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= version, "only {} migrations in {}", files.len(), dir.display());
    let conn = open_raw(path);
    for file in &files[..version] {
        conn.execute_batch(&std::fs::read_to_string(file).unwrap()).unwrap();
    }
    conn.pragma_update(None, "user_version", version as i64).unwrap();
    conn
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

/// A staff member with `role`, stored in the database (the audit trail refers to
/// them); the password hash is a placeholder, since these tests never sign in.
pub fn staff(db: &Db, role: Role) -> Actor {
    let username = format!("{}{}", role.as_str(), fastrand::u32(..));
    let user_id = db
        .write(|tx| {
            tx.execute(
                "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
                 VALUES (?1, ?1, ?2, 'not-a-hash', '2026-11-28T00:00:00Z', '2026-11-28T00:00:00Z')",
                [&username, role.as_str()],
            )?;
            Ok(tx.last_insert_rowid())
        })
        .unwrap();
    Actor::new(user_id, username.clone(), username, role)
}

/// A receptionist of the test clinic.
pub fn receptionist(db: &Db) -> Actor {
    staff(db, Role::Receptionist)
}

/// Registers `details` (duplicates allowed) and returns the stored patient.
pub fn register(db: &Db, details: PatientDetails) -> Patient {
    let actor = receptionist(db);
    db.write(|tx| register_patient(tx, &actor, &details, true, today())).unwrap()
}

/// A valid 1×1 PNG.
pub const TINY_PNG: [u8; 69] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0x8f, 0x4f, 0x03, 0x00, 0x01, 0x85, 0x00, 0xe5, 0x7a, 0x5c, 0xc7, 0x6a,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
