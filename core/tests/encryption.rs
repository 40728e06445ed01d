//! Encryption at rest: the key file's wrappings (each user's password and the recovery
//! key open the database; a removed user's, a wrong password and a wrong recovery key
//! don't), what actually lies on disk (no patient name in any file, and plain SQLite
//! cannot read it), and the encryption of a database from before encryption.

mod common;

use std::path::Path;

use glabella_core::db::{self, DatabaseKey, KdfParams, KeyFile, RecoveryKey, DB_FILE, KEY_FILE, LATEST_VERSION};
use glabella_core::{Db, Error};
use rusqlite::{Connection, ErrorCode};

/// Cheap Argon2 parameters, chosen explicitly: the production default costs 64 MiB
/// and several seconds per derivation in an unoptimised test build.
const FAST: KdfParams = KdfParams::INSECURE_FAST;

/// A key file for `anna` (password `anna-secret-1`) in a new temp dir.
fn new_key_file() -> (tempfile::TempDir, KeyFile, DatabaseKey, RecoveryKey) {
    let dir = tempfile::tempdir().unwrap();
    let (file, key, recovery) = KeyFile::create_with_params(dir.path(), "Anna", "anna-secret-1", FAST).unwrap();
    (dir, file, key, recovery)
}

/// A key file as the app would find it on the next start.
fn reload(dir: &Path) -> KeyFile {
    let mut file = KeyFile::load(dir).unwrap();
    file.set_kdf_params(FAST).unwrap();
    file
}

fn patient_count(db: &Db) -> i64 {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?)).unwrap()
}

/// Whether the raw bytes of the file at `path` contain `needle`, in any letter case.
fn file_contains(path: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap().to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase().into_bytes();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// The names of the files in `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && file_contains(p, needle))
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

fn zebulon() -> glabella_core::patients::PatientDetails {
    glabella_core::patients::PatientDetails {
        notes: "Zebulon prefers mornings; botox 20 units glabella.".into(),
        ..common::person("Zebulon", "Quixotic", "1977-07-07")
    }
}

// --- Key wrapping -------------------------------------------------------------------

#[test]
fn each_users_password_opens_the_database() {
    let (dir, mut file, key, _) = new_key_file();
    file.set_user("bob", "bob-secret-22", &key).unwrap();
    file.save().unwrap();
    {
        let db = Db::open_dir(dir.path(), &key).unwrap();
        common::register(&db, zebulon());
    }

    let file = reload(dir.path());
    assert_eq!(file.usernames().collect::<Vec<_>>(), ["anna", "bob"]);
    for (user, password) in [("anna", "anna-secret-1"), ("ANNA ", "anna-secret-1"), ("bob", "bob-secret-22")] {
        let key = file.unwrap_with_password(user, password).unwrap();
        let db = Db::open_dir(dir.path(), &key).unwrap();
        assert_eq!(patient_count(&db), 1, "{user}");
    }
}

#[test]
fn a_deactivated_users_password_no_longer_opens_it() {
    let (dir, mut file, key, _) = new_key_file();
    file.set_user("bob", "bob-secret-22", &key).unwrap();
    file.save().unwrap();
    assert!(reload(dir.path()).unwrap_with_password("bob", "bob-secret-22").is_ok());

    assert!(file.remove_user("Bob"));
    assert!(!file.remove_user("bob"), "already gone");
    file.save().unwrap();

    let file = reload(dir.path());
    let e = file.unwrap_with_password("bob", "bob-secret-22").unwrap_err();
    assert_eq!(e.code(), "auth.failed");
    assert!(file.unwrap_with_password("anna", "anna-secret-1").is_ok(), "the others keep their access");
    assert!(!std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap().contains("bob"));
}

#[test]
fn a_password_reset_replaces_the_old_password() {
    let (dir, mut file, key, _) = new_key_file();
    file.set_user("anna", "a-new-password", &key).unwrap();
    file.save().unwrap();
    let file = reload(dir.path());
    assert_eq!(file.unwrap_with_password("anna", "anna-secret-1").unwrap_err().code(), "auth.failed");
    let unwrapped = file.unwrap_with_password("anna", "a-new-password").unwrap();
    Db::open_dir(dir.path(), &unwrapped).unwrap();
}

#[test]
fn a_wrong_password_and_an_unknown_user_get_the_same_error() {
    let (dir, _, _, _) = new_key_file();
    let file = reload(dir.path());
    let wrong_password = file.unwrap_with_password("anna", "anna-secret-2").unwrap_err();
    let unknown_user = file.unwrap_with_password("nobody", "anna-secret-1").unwrap_err();
    assert!(matches!(wrong_password, Error::LoginFailed));
    for e in [&wrong_password, &unknown_user] {
        assert_eq!((e.code(), e.to_string().as_str()), ("auth.failed", "Wrong username or password."));
    }
    assert_eq!(file.unwrap_with_password("anna", "").unwrap_err().code(), "auth.failed");
}

#[test]
fn the_recovery_key_opens_the_database_and_a_wrong_one_does_not() {
    let (dir, _, key, recovery) = new_key_file();
    Db::open_dir(dir.path(), &key).unwrap();
    let file = reload(dir.path());

    // As a person would type it from the printout.
    let typed = recovery.to_string().to_lowercase().replace('-', " ");
    let unwrapped = file.unwrap_with_recovery(&RecoveryKey::parse(&typed).unwrap()).unwrap();
    Db::open_dir(dir.path(), &unwrapped).unwrap();

    let (_other_dir, _, _, other_recovery) = new_key_file();
    let e = file.unwrap_with_recovery(&other_recovery).unwrap_err();
    assert_eq!(e.code(), "auth.wrong_recovery_key");
    assert!(matches!(e, Error::WrongRecoveryKey));
}

#[test]
fn a_new_recovery_key_replaces_the_old_one() {
    let (dir, mut file, key, old) = new_key_file();
    let new = file.replace_recovery_key(&key).unwrap();
    file.save().unwrap();
    let file = reload(dir.path());
    assert_eq!(file.unwrap_with_recovery(&old).unwrap_err().code(), "auth.wrong_recovery_key");
    assert!(file.unwrap_with_recovery(&new).is_ok());
}

#[test]
fn the_key_file_holds_only_wrapped_keys() {
    let (dir, _, key, recovery) = new_key_file();
    let text = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], 2);
    assert_eq!(json["users"].as_object().unwrap().keys().collect::<Vec<_>>(), ["anna"], "usernames are lower-cased");
    let anna = &json["users"]["anna"];
    assert_eq!((anna["kdf"].as_str(), anna["cipher"].as_str()), (Some("argon2id-v19"), Some("xchacha20poly1305")));
    assert_eq!(anna["kdfParams"]["memoryKib"], FAST.memory_kib);
    assert_ne!(anna["salt"], json["recovery"]["salt"], "every wrapping has its own salt");

    let pragma = key.sqlcipher_pragmas();
    let key_hex = pragma.split('\'').nth(1).unwrap();
    assert!(!text.to_lowercase().contains(key_hex), "the database key must not be stored as it is");
    assert!(!text.contains("anna-secret-1"));
    let recovery_chars: String = recovery.to_string().replace('-', "");
    assert!(!text.to_uppercase().contains(&recovery_chars));
    assert!(!dir.path().join(format!("{KEY_FILE}.tmp")).exists(), "the temp file of the atomic save is renamed away");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the key file: {mode:o}");
    }
}

#[test]
fn a_key_file_is_never_overwritten_by_create() {
    let (dir, _, _, _) = new_key_file();
    let before = std::fs::read(dir.path().join(KEY_FILE)).unwrap();
    let e = KeyFile::create_with_params(dir.path(), "mallory", "mallory-pass", FAST).unwrap_err();
    assert_eq!(e.code(), "keys.exists");
    assert_eq!(std::fs::read(dir.path().join(KEY_FILE)).unwrap(), before);
}

#[test]
fn a_missing_damaged_or_newer_key_file_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    assert!(!KeyFile::exists(dir.path()));
    assert_eq!(KeyFile::load(dir.path()).unwrap_err().code(), "keys.missing");

    let (dir, _, _, _) = new_key_file();
    let path = dir.path().join(KEY_FILE);
    let text = std::fs::read_to_string(&path).unwrap();

    std::fs::write(&path, &text[..text.len() / 2]).unwrap();
    let e = KeyFile::load(dir.path()).unwrap_err();
    assert_eq!(e.code(), "keys.invalid");
    assert!(e.to_string().contains("damaged"), "{e}");

    std::fs::write(&path, text.replacen("\"format\": 2", "\"format\": 3", 1)).unwrap();
    let e = KeyFile::load(dir.path()).unwrap_err();
    assert_eq!(e.code(), "keys.invalid");
    assert!(e.to_string().contains("newer version of Glabella"), "{e}");

    // A wrapping whose sealed key was altered no longer opens: tampering is detected.
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let wrapped = json["users"]["anna"]["wrappedKey"].as_str().unwrap().to_string();
    let flipped = format!("{}{}", if wrapped.starts_with('0') { "1" } else { "0" }, &wrapped[1..]);
    json["users"]["anna"]["wrappedKey"] = flipped.into();
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    assert_eq!(reload(dir.path()).unwrap_with_password("anna", "anna-secret-1").unwrap_err().code(), "auth.failed");
}

#[test]
fn new_wrappings_use_the_strong_parameters_unless_told_otherwise() {
    let strong = KdfParams::RECOMMENDED;
    assert!(
        strong.memory_kib >= 19 * 1024 && strong.iterations >= 2,
        "at least the argon2 crate's defaults: {strong:?}"
    );
    let (dir, file, _, _) = new_key_file();
    assert_eq!(file.kdf_params(), FAST, "as asked for at creation");
    // A key file loaded as the app loads it wraps new passwords with the strong
    // parameters; only an explicit call (as in `reload`) makes them cheaper.
    assert_eq!(KeyFile::load(dir.path()).unwrap().kdf_params(), strong);
    let too_weak = KdfParams { memory_kib: 1, iterations: 1, parallelism: 1 };
    assert_eq!(KeyFile::load(dir.path()).unwrap().set_kdf_params(too_weak).unwrap_err().code(), "keys.invalid");
}

// --- The database file --------------------------------------------------------------

#[test]
fn a_wrong_key_is_refused_with_a_clear_error() {
    let (dir, _, key, _) = new_key_file();
    let db = Db::open_dir(dir.path(), &key).unwrap();
    common::register(&db, zebulon());
    drop(db);
    let before = std::fs::read(dir.path().join(DB_FILE)).unwrap();

    let wrong = DatabaseKey::generate().unwrap();
    let e = Db::open_dir(dir.path(), &wrong).err().expect("a wrong key must not open the database");
    assert_eq!(e.code(), "db.wrong_key");
    assert!(e.to_string().contains("could not be unlocked"), "{e}");
    assert_eq!(glabella_core::check::check(&dir.path().join(DB_FILE), &wrong).unwrap_err().code(), "db.wrong_key");
    assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), before, "a failed unlock changes nothing");

    let report = glabella_core::check::check(&dir.path().join(DB_FILE), &key).unwrap();
    assert_eq!(report.problems, 0, "{:?}", report.lines);
}

#[test]
fn no_file_on_disk_holds_a_patients_name_while_open_or_after() {
    let (dir, _, key, _) = new_key_file();
    let db = Db::open_dir(dir.path(), &key).unwrap();
    common::register(&db, zebulon());
    // A search builds temporary b-trees; they must not reach the disk either.
    let actor = common::receptionist(&db);
    db.read(|c| glabella_core::patients::search_patients(c, &actor, "zeb qui", false)).unwrap();

    let wal = dir.path().join(format!("{DB_FILE}-wal"));
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the patient's row is in the WAL while the database is open");
    for needle in ["Zebulon", "Quixotic", "prefers mornings"] {
        assert_eq!(files_containing(dir.path(), needle), Vec::<String>::new(), "{needle} while open");
    }

    drop(db);
    assert!(std::fs::metadata(dir.path().join(DB_FILE)).unwrap().len() > 0);
    for needle in ["Zebulon", "Quixotic", "prefers mornings"] {
        assert_eq!(files_containing(dir.path(), needle), Vec::<String>::new(), "{needle} after closing");
    }
    assert!(!db::is_plaintext(&dir.path().join(DB_FILE)).unwrap());
}

#[test]
fn the_same_scan_finds_the_name_in_an_unencrypted_database() {
    // The control for the test above: the scan does find a name that is there.
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open_dir_unencrypted(dir.path()).unwrap();
    common::register(&db, zebulon());
    assert!(!files_containing(dir.path(), "Zebulon").is_empty());
    drop(db);
    assert_eq!(files_containing(dir.path(), "Zebulon"), [DB_FILE]);
    assert!(db::is_plaintext(&dir.path().join(DB_FILE)).unwrap());
}

#[test]
fn plain_sqlite_cannot_read_the_file() {
    let (dir, _, key, _) = new_key_file();
    let db = Db::open_dir(dir.path(), &key).unwrap();
    common::register(&db, zebulon());
    drop(db);

    let path = dir.path().join(DB_FILE);
    let header = std::fs::read(&path).unwrap()[..16].to_vec();
    assert_ne!(header, b"SQLite format 3\0");
    let plain = Connection::open(&path).unwrap();
    let e = plain.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert_eq!(e.sqlite_error_code(), Some(ErrorCode::NotADatabase), "{e}");
    assert!(Db::open_dir_unencrypted(dir.path()).is_err());
}

// --- Databases from before encryption -----------------------------------------------

#[test]
fn an_unencrypted_database_is_encrypted_in_place_and_keeps_its_patients() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Db::open_dir_unencrypted(dir.path()).unwrap();
        common::register(&db, zebulon());
    }
    let path = dir.path().join(DB_FILE);
    assert!(db::is_plaintext(&path).unwrap());

    // A key on the plaintext file is refused without touching it.
    let (_, key, _) = KeyFile::create_with_params(dir.path(), "anna", "anna-secret-1", FAST).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert_eq!(Db::open_dir(dir.path(), &key).err().unwrap().code(), "db.not_encrypted");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    assert!(db::encrypt_plaintext(dir.path(), &key).unwrap());
    assert!(!db::is_plaintext(&path).unwrap());
    assert_eq!(files_containing(dir.path(), "Zebulon"), Vec::<String>::new());
    let mut left: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, [KEY_FILE, DB_FILE], "no temp copy, old plaintext, -wal or -shm is left");

    let db = Db::open_dir(dir.path(), &key).unwrap();
    let actor = common::receptionist(&db);
    let found = db.read(|c| glabella_core::patients::search_patients(c, &actor, "zebulon", false)).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(db.read(db::schema_version).unwrap(), LATEST_VERSION);
    drop(db);
    assert!(!db::encrypt_plaintext(dir.path(), &key).unwrap(), "an encrypted database is left alone");
    assert!(!db::encrypt_plaintext(tempfile::tempdir().unwrap().path(), &key).unwrap(), "so is a missing one");
}

#[test]
fn a_version_1_database_left_by_a_crash_is_encrypted_with_its_wal_and_then_upgraded() {
    // A version-1 file as an older Glabella left it when it stopped without closing:
    // the last patient only in the WAL (copied while the connection is open).
    let live = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    {
        let c = Connection::open(live.path().join(DB_FILE)).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;").unwrap();
        c.execute_batch(include_str!("../migrations/0001_init.sql")).unwrap();
        c.pragma_update(None, "user_version", 1).unwrap();
        c.execute(
            "INSERT INTO patients (given_name, family_name, date_of_birth, name_key, sort_key, created_at, updated_at)
             VALUES ('Zebulon', 'Quixotic', '1977-07-07', 'zebulon quixotic', 'quixotic zebulon', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        for suffix in ["", "-wal"] {
            std::fs::copy(
                live.path().join(format!("{DB_FILE}{suffix}")),
                dir.path().join(format!("{DB_FILE}{suffix}")),
            )
            .unwrap();
        }
    }
    assert!(file_contains(&dir.path().join(format!("{DB_FILE}-wal")), "Zebulon"));

    let key = DatabaseKey::generate().unwrap();
    assert!(db::encrypt_plaintext(dir.path(), &key).unwrap());
    assert_eq!(files_containing(dir.path(), "Zebulon"), Vec::<String>::new());
    {
        let raw = Connection::open(dir.path().join(DB_FILE)).unwrap();
        raw.execute_batch(&key.sqlcipher_pragmas()).unwrap();
        assert_eq!(
            raw.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(),
            1,
            "the version is copied too"
        );
    }

    let db = Db::open_dir(dir.path(), &key).unwrap();
    assert_eq!(db.read(db::schema_version).unwrap(), LATEST_VERSION);
    let name: String = db.read(|c| Ok(c.query_row("SELECT given_name FROM patients", [], |r| r.get(0))?)).unwrap();
    assert_eq!(name, "Zebulon");
}

#[test]
fn leftovers_of_an_interrupted_encryption_are_cleaned_up_safely() {
    let key = DatabaseKey::generate().unwrap();

    // Interrupted before the swap: the second name is the live plaintext file, which
    // must be unlinked, not wiped.
    let dir = tempfile::tempdir().unwrap();
    {
        let db = Db::open_dir_unencrypted(dir.path()).unwrap();
        common::register(&db, zebulon());
    }
    let path = dir.path().join(DB_FILE);
    let old = dir.path().join(format!("{DB_FILE}.plaintext-old"));
    std::fs::hard_link(&path, &old).unwrap();
    assert!(db::encrypt_plaintext(dir.path(), &key).unwrap());
    assert!(!old.exists());
    let db = Db::open_dir(dir.path(), &key).unwrap();
    assert_eq!(patient_count(&db), 1, "the data survived the cleanup");
    drop(db);

    // Interrupted after the swap: the old plaintext is wiped when the database opens.
    std::fs::write(&old, b"SQLite format 3\0 ... Zebulon Quixotic ...").unwrap();
    let db = Db::open_dir(dir.path(), &key).unwrap();
    assert!(!old.exists());
    assert_eq!(patient_count(&db), 1);
    assert_eq!(files_containing(dir.path(), "Zebulon"), Vec::<String>::new());
}

#[test]
fn a_plaintext_database_from_a_newer_glabella_is_not_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let key = DatabaseKey::generate().unwrap();
    assert_eq!(db::encrypt_plaintext(dir.path(), &key).unwrap_err().code(), "db.too_new");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join(format!("{DB_FILE}.encrypting")).exists());
}

/// One wrapping sealed the way format 1 sealed it, by hand: Argon2id of `secret`, then
/// XChaCha20-Poly1305 with `glabella.keys/1/<slot>` as associated data.
fn format_1_wrapping(key: &[u8; 32], secret: &[u8], slot: &str, salt: u8, nonce: u8) -> serde_json::Value {
    use chacha20poly1305::aead::{Aead, KeyInit, Payload};
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let (salt, nonce) = ([salt; 16], [nonce; 24]);
    let params = argon2::Params::new(64, 1, 1, Some(32)).unwrap();
    let mut kek = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(secret, &salt, &mut kek)
        .unwrap();
    let aad = format!("glabella.keys/1/{slot}");
    let sealed = chacha20poly1305::XChaCha20Poly1305::new_from_slice(&kek)
        .unwrap()
        .encrypt((&nonce).into(), Payload { msg: key, aad: aad.as_bytes() })
        .unwrap();
    serde_json::json!({
        "kdf": "argon2id-v19",
        "kdfParams": { "memoryKib": 64, "iterations": 1, "parallelism": 1 },
        "salt": hex(&salt),
        "cipher": "xchacha20poly1305",
        "nonce": hex(&nonce),
        "wrappedKey": hex(&sealed),
    })
}

#[test]
fn a_format_1_key_file_still_opens_and_is_saved_as_format_2() {
    let dir = tempfile::tempdir().unwrap();
    let key = [7u8; 32];
    let mut recovery = [0u8; 20];
    recovery[19] = 31; // 0000-0000-0000-0000-0000-0000-0000-000Z
    let file = serde_json::json!({
        "format": 1,
        "users": { "anna": format_1_wrapping(&key, b"anna-secret-1", "user:anna", 1, 2) },
        "recovery": format_1_wrapping(&key, &recovery, "recovery", 3, 4),
    });
    std::fs::write(dir.path().join(KEY_FILE), serde_json::to_string_pretty(&file).unwrap()).unwrap();

    let mut loaded = reload(dir.path());
    assert!(loaded.audit_head().is_none(), "format 1 has no recorded audit head");
    let expected = format!("x'{}'", "07".repeat(32));
    let by_password = loaded.unwrap_with_password("anna", "anna-secret-1").unwrap();
    assert!(by_password.sqlcipher_pragmas().contains(&expected));
    let by_recovery =
        loaded.unwrap_with_recovery(&RecoveryKey::parse("0000-0000-0000-0000-0000-0000-0000-000Z").unwrap()).unwrap();
    assert!(by_recovery.sqlcipher_pragmas().contains(&expected));

    let head = glabella_core::audit::AuditHead { entries: 3, hash: "ab".repeat(32) };
    loaded.set_audit_head(&head, "2026-11-28T10:00:00Z".into());
    loaded.save().unwrap();
    let text = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
    assert!(text.contains("\"format\": 2"), "{text}");
    let saved = reload(dir.path());
    assert_eq!(saved.audit_head().unwrap().head(), head);
    assert!(saved.unwrap_with_password("anna", "anna-secret-1").is_ok(), "the old wrappings keep opening");
}
