//! Nobody is locked out by a crash or a failed write: for each account operation that
//! touches the key file, a key file that cannot be saved, and a crash between the
//! key-file save and the database commit, leave the clinic opening from disk with the
//! old or the new password, and always with the recovery key.
//!
//! A failed save is real: the temp file the atomic save writes is made a directory, so
//! opening it for writing fails, as a file held by a virus scanner would. A crash is
//! reproduced as the files it would leave: the database as it was before the
//! operation's commit or after it, beside the key file as it was before or after the
//! save (each copied while the clinic had them flushed), then the clinic is opened from
//! disk the way the app opens it at the next start.

mod common;

use std::path::{Path, PathBuf};

use glabella_core::audit::{self, AuditFilter};
use glabella_core::auth::users::NewUser;
use glabella_core::auth::{Actor, Role};
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::db::{KeyFile, DB_FILE, KEY_FILE};
use glabella_core::Error;

const ADMIN_PASSWORD: &str = "owner passphrase";
const OLD: &str = "the old password";
const NEW: &str = "the new password";

struct Fixture {
    dir: tempfile::TempDir,
    clinic: Clinic,
    admin: Actor,
    recovery: String,
    /// `ines`, an injector whose password is [`OLD`].
    ines: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let settings = common::desk::settings();
    let set_up = Clinic::setup_with(
        dir.path(),
        &settings,
        &account("avery", Role::Admin, ADMIN_PASSWORD),
        KdfParams::INSECURE_FAST,
    )
    .unwrap();
    let ines = set_up.clinic.create_user(&set_up.admin, &account("ines", Role::Injector, OLD)).unwrap().id;
    Fixture { dir, clinic: set_up.clinic, admin: set_up.admin, recovery: set_up.recovery_key.to_string(), ines }
}

fn account(username: &str, role: Role, password: &str) -> NewUser {
    NewUser { username: username.into(), display_name: format!("{username} Example"), role, password: password.into() }
}

/// The clinic's two files as they are on disk now (the database flushed from its WAL).
#[derive(Clone)]
struct Files {
    db: Vec<u8>,
    keys: Vec<u8>,
}

fn files(clinic: &Clinic, dir: &Path) -> Files {
    clinic.db().read(|c| Ok(c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?)).unwrap();
    Files { db: std::fs::read(dir.join(DB_FILE)).unwrap(), keys: std::fs::read(dir.join(KEY_FILE)).unwrap() }
}

/// Puts `db` and `keys` in place as a crash would have left them (the clinic closed).
fn leave_on_disk(dir: &Path, db: &[u8], keys: &[u8]) {
    for leftover in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{DB_FILE}{leftover}")));
    }
    std::fs::write(dir.join(DB_FILE), db).unwrap();
    std::fs::write(dir.join(KEY_FILE), keys).unwrap();
}

/// The key file saved by the operation, with the audit head it records as of the
/// commit before the operation's (the key file is saved inside the transaction, so it
/// records the head as then committed).
fn saved_before_commit(after: &Files, before: &Files) -> Vec<u8> {
    let mut saved: serde_json::Value = serde_json::from_slice(&after.keys).unwrap();
    let before: serde_json::Value = serde_json::from_slice(&before.keys).unwrap();
    saved["auditHead"] = before["auditHead"].clone();
    serde_json::to_vec_pretty(&saved).unwrap()
}

/// Makes every key-file save in `dir` fail until the returned path is removed.
fn block_saves(dir: &Path) -> PathBuf {
    let tmp = dir.join(format!("{KEY_FILE}.tmp"));
    std::fs::create_dir(&tmp).unwrap();
    tmp
}

fn opens(dir: &Path, username: &str, password: &str) -> bool {
    match Clinic::sign_in(dir, username, password) {
        Ok(_) => true,
        Err(Error::LoginFailed) => false,
        Err(e) => panic!("signing in as {username} failed otherwise: {e}"),
    }
}

/// The recovery key and the admin always open the clinic from disk, and the audit log
/// is found intact.
fn still_recoverable(dir: &Path, recovery: &str) {
    let clinic = Clinic::open_with_recovery(dir, recovery).unwrap();
    assert_eq!(clinic.audit_tail(), None, "the recorded audit head is never ahead of the database");
    drop(clinic);
    assert!(opens(dir, "avery", ADMIN_PASSWORD));
}

/// Closes the clinic (as a crash would), keeping its folder and recovery key.
fn close(f: Fixture) -> (tempfile::TempDir, String) {
    drop(f.clinic);
    (f.dir, f.recovery)
}

fn has_wrapping(dir: &Path, username: &str) -> bool {
    KeyFile::load(dir).unwrap().usernames().any(|name| name == username)
}

fn audit_actions(clinic: &Clinic) -> Vec<String> {
    let entries = clinic.db().read(|c| audit::list_entries(c, &AuditFilter::default())).unwrap();
    entries.into_iter().map(|e| e.action).collect()
}

/// An operation that gives a password the power to open the clinic.
type Grant = fn(&Fixture) -> glabella_core::Result<()>;

fn change_own(f: &Fixture) -> glabella_core::Result<()> {
    let ines = Actor::new(f.ines, "ines", "ines Example", Role::Injector);
    f.clinic.change_own_password(&ines, OLD, NEW)
}

fn reset(f: &Fixture) -> glabella_core::Result<()> {
    f.clinic.reset_password(&f.admin, f.ines, NEW).map(drop)
}

#[test]
fn a_failed_save_of_a_password_change_or_reset_changes_nothing() {
    for (name, grant, action) in
        [("change", change_own as Grant, "password.change"), ("reset", reset, "password.reset")]
    {
        let f = fixture();
        let before = std::fs::read(f.dir.path().join(KEY_FILE)).unwrap();
        let blocked = block_saves(f.dir.path());
        let e = grant(&f).unwrap_err();
        assert_eq!(e.code(), "keys.not_saved", "{name}: {e}");
        assert!(e.to_string().contains("nothing was changed"), "{e}");
        assert!(!audit_actions(&f.clinic).contains(&action.to_string()), "{name}: the transaction was rolled back");
        assert_eq!(std::fs::read(f.dir.path().join(KEY_FILE)).unwrap(), before, "{name}: the key file is the old one");
        assert!(f.clinic.authenticate("ines", OLD).is_ok(), "{name}: the open clinic keeps the old password");
        assert!(f.clinic.authenticate("ines", NEW).is_err(), "{name}");

        std::fs::remove_dir(blocked).unwrap();
        assert!(opens(f.dir.path(), "ines", OLD), "{name}: the old password opens the clinic from disk");
        assert!(!opens(f.dir.path(), "ines", NEW), "{name}");
        still_recoverable(f.dir.path(), &f.recovery);
    }
}

#[test]
fn a_failed_save_of_a_new_account_creates_nothing() {
    let f = fixture();
    let blocked = block_saves(f.dir.path());
    let e = f.clinic.create_user(&f.admin, &account("rosa", Role::Receptionist, NEW)).unwrap_err();
    assert_eq!(e.code(), "keys.not_saved");
    let users = f.clinic.db().read(|c| glabella_core::auth::users::list_users(c, &f.admin)).unwrap();
    assert!(users.iter().all(|u| u.username != "rosa"), "the row was rolled back");
    std::fs::remove_dir(blocked).unwrap();
    // Nothing half-made is left: the same account can be created again at once.
    f.clinic.create_user(&f.admin, &account("rosa", Role::Receptionist, NEW)).unwrap();
    assert!(opens(f.dir.path(), "rosa", NEW));
    still_recoverable(f.dir.path(), &f.recovery);
}

#[test]
fn a_failed_save_of_a_reactivation_leaves_the_account_deactivated() {
    let f = fixture();
    f.clinic.deactivate_user(&f.admin, f.ines).unwrap();
    let blocked = block_saves(f.dir.path());
    assert_eq!(f.clinic.reactivate_user(&f.admin, f.ines, NEW).unwrap_err().code(), "keys.not_saved");
    let users = f.clinic.db().read(|c| glabella_core::auth::users::list_users(c, &f.admin)).unwrap();
    assert!(users.iter().any(|u| u.id == f.ines && !u.active), "the reactivation was rolled back");
    std::fs::remove_dir(blocked).unwrap();
    assert!(!opens(f.dir.path(), "ines", NEW) && !opens(f.dir.path(), "ines", OLD));
    still_recoverable(f.dir.path(), &f.recovery);
}

#[test]
fn a_failed_save_still_deactivates_and_the_wrapping_goes_with_the_next_save() {
    let f = fixture();
    let blocked = block_saves(f.dir.path());
    f.clinic.deactivate_user(&f.admin, f.ines).unwrap();
    assert!(has_wrapping(f.dir.path(), "ines"), "the key file could not be saved");
    assert!(matches!(f.clinic.authenticate("ines", OLD), Err(Error::LoginFailed)), "an inactive account is refused");
    std::fs::remove_dir(blocked).unwrap();
    assert!(!opens(f.dir.path(), "ines", OLD), "refused from disk too, though the wrapping is still there");
    f.clinic.record_audit_head().unwrap();
    assert!(!has_wrapping(f.dir.path(), "ines"), "the next save removes the leftover wrapping");
    still_recoverable(f.dir.path(), &f.recovery);
}

#[test]
fn a_crash_after_saving_a_new_password_before_the_commit_keeps_the_new_one() {
    for (name, grant) in [("change", change_own as Grant), ("reset", reset)] {
        let f = fixture();
        let before = files(&f.clinic, f.dir.path());
        grant(&f).unwrap();
        let after = files(&f.clinic, f.dir.path());
        let (dir, recovery) = close(f);
        leave_on_disk(dir.path(), &before.db, &saved_before_commit(&after, &before));
        assert!(opens(dir.path(), "ines", NEW), "{name}: the new password opens");
        assert!(!opens(dir.path(), "ines", OLD), "{name}");
        still_recoverable(dir.path(), &recovery);
    }
}

#[test]
fn a_crash_after_saving_a_new_account_before_the_commit_leaves_no_account() {
    let f = fixture();
    let before = files(&f.clinic, f.dir.path());
    f.clinic.create_user(&f.admin, &account("rosa", Role::Receptionist, NEW)).unwrap();
    let after = files(&f.clinic, f.dir.path());
    let (dir, recovery) = close(f);
    leave_on_disk(dir.path(), &before.db, &saved_before_commit(&after, &before));
    assert!(has_wrapping(dir.path(), "rosa"));
    assert!(!opens(dir.path(), "rosa", NEW), "a wrapping without an account signs nobody in");
    assert!(!has_wrapping(dir.path(), "rosa"), "opening the clinic (and closing it) removed the leftover wrapping");
    still_recoverable(dir.path(), &recovery);
}

#[test]
fn a_crash_after_saving_a_reactivation_before_the_commit_leaves_it_deactivated() {
    let f = fixture();
    f.clinic.deactivate_user(&f.admin, f.ines).unwrap();
    let before = files(&f.clinic, f.dir.path());
    f.clinic.reactivate_user(&f.admin, f.ines, NEW).unwrap();
    let after = files(&f.clinic, f.dir.path());
    let (dir, recovery) = close(f);
    leave_on_disk(dir.path(), &before.db, &saved_before_commit(&after, &before));
    assert!(!opens(dir.path(), "ines", NEW) && !opens(dir.path(), "ines", OLD));
    assert!(!has_wrapping(dir.path(), "ines"));
    still_recoverable(dir.path(), &recovery);
}

#[test]
fn a_crash_after_a_deactivation_commits_before_the_save_keeps_the_account_out() {
    let f = fixture();
    let before = files(&f.clinic, f.dir.path());
    f.clinic.deactivate_user(&f.admin, f.ines).unwrap();
    let after = files(&f.clinic, f.dir.path());
    let (dir, recovery) = close(f);
    leave_on_disk(dir.path(), &after.db, &before.keys);
    assert!(has_wrapping(dir.path(), "ines"));
    assert!(!opens(dir.path(), "ines", OLD), "an inactive account is refused though its wrapping is there");
    assert!(!has_wrapping(dir.path(), "ines"), "opening the clinic (and closing it) removed the leftover wrapping");
    still_recoverable(dir.path(), &recovery);
}

#[test]
fn a_failed_setup_on_a_fresh_folder_is_undone_so_it_can_be_tried_again() {
    let dir = tempfile::tempdir().unwrap();
    let settings = common::desk::settings();
    let admin = account("avery", Role::Admin, ADMIN_PASSWORD);
    // The database cannot be opened in WAL mode: its -wal file's name is taken by a folder.
    let in_the_way = dir.path().join(format!("{DB_FILE}-wal"));
    std::fs::create_dir(&in_the_way).unwrap();
    Clinic::setup_with(dir.path(), &settings, &admin, KdfParams::INSECURE_FAST).unwrap_err();
    assert!(!Clinic::is_set_up(dir.path()), "no key file is left without its first admin");
    assert!(!dir.path().join(DB_FILE).exists());

    std::fs::remove_dir(&in_the_way).unwrap();
    let set_up = Clinic::setup_with(dir.path(), &settings, &admin, KdfParams::INSECURE_FAST).unwrap();
    drop(set_up.clinic);
    assert!(opens(dir.path(), "avery", ADMIN_PASSWORD));
}

#[test]
fn a_setup_cut_short_before_its_key_file_was_in_place_asks_for_setup_again_and_keeps_what_it_left() {
    let dir = tempfile::tempdir().unwrap();
    let settings = common::desk::settings();
    let admin = account("avery", Role::Admin, ADMIN_PASSWORD);
    // What a crash after the first admin's commit, before the key file's rename, leaves:
    // the database and the key file still in setup's staging folder.
    drop(Clinic::setup_with(dir.path(), &settings, &admin, KdfParams::INSECURE_FAST).unwrap());
    std::fs::create_dir(dir.path().join(".setup")).unwrap();
    std::fs::rename(dir.path().join(KEY_FILE), dir.path().join(".setup").join(KEY_FILE)).unwrap();

    assert!(!Clinic::is_set_up(dir.path()), "the app offers setup again, not a sign-in nobody can pass");
    let again = account("blair", Role::Admin, "another passphrase");
    drop(Clinic::setup_with(dir.path(), &settings, &again, KdfParams::INSECURE_FAST).unwrap());
    assert!(opens(dir.path(), "blair", "another passphrase"));
    let aside: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("interrupted-setup-"))
        .collect();
    assert_eq!(aside.len(), 1, "what the cut-short setup left is kept");
    assert!(aside[0].join(DB_FILE).is_file() && aside[0].join(".setup").join(KEY_FILE).is_file());
}
