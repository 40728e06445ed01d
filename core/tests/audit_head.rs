//! The end of the audit trail cannot be cut unnoticed: the key file records the log's
//! head, and both opening the clinic and `glabella-admin check` report entries cut
//! from the end since, naming how many.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use glabella_core::audit::{self, chain_head, verify_chain, Action, AuditHead, ChainStatus, TailProblem, GENESIS_HASH};
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::db::{DatabaseKey, KeyFile, DB_FILE};
use rusqlite::Connection;

const PASSWORD: &str = "owner passphrase";

/// A set-up clinic whose admin has viewed a few charts and signed out (recording the
/// head), then closed it. Returns the folder, the recovery key and the recorded head.
fn clinic_with_recorded_head() -> (tempfile::TempDir, String, AuditHead) {
    let dir = tempfile::tempdir().unwrap();
    let settings = common::desk::settings();
    let admin = NewUser {
        username: "avery".into(),
        display_name: "Avery Admin".into(),
        role: Role::Admin,
        password: PASSWORD.into(),
    };
    let set_up = Clinic::setup_with(dir.path(), &settings, &admin, KdfParams::INSECURE_FAST).unwrap();
    for _ in 0..5 {
        set_up.clinic.record(&set_up.admin, Action::Lock).unwrap();
    }
    set_up.clinic.record(&set_up.admin, Action::Logout).unwrap();
    set_up.clinic.record_audit_head().unwrap();
    let head = set_up.clinic.db().read(chain_head).unwrap();
    drop(set_up.clinic);
    (dir, set_up.recovery_key.to_string(), head)
}

fn database_key(dir: &Path) -> DatabaseKey {
    KeyFile::load(dir).unwrap().unwrap_with_password("avery", PASSWORD).unwrap()
}

/// What someone with the file and its key could do: drop the append-only trigger and
/// delete the newest `n` entries.
fn cut_the_newest(dir: &Path, n: i64) {
    let conn = Connection::open(dir.join(DB_FILE)).unwrap();
    conn.execute_batch(&database_key(dir).sqlcipher_pragmas()).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_delete;").unwrap();
    let deleted = conn.execute("DELETE FROM audit_log WHERE id > (SELECT max(id) FROM audit_log) - ?1", [n]).unwrap();
    assert_eq!(deleted as i64, n);
}

#[test]
fn the_head_is_the_count_and_the_newest_hash() {
    let (dir, recovery, head) = clinic_with_recorded_head();
    let clinic = Clinic::open_with_recovery(dir.path(), &recovery).unwrap();
    let ChainStatus::Intact { entries, head: newest } = clinic.db().read(verify_chain).unwrap() else {
        panic!("the chain is intact")
    };
    assert_eq!((head.entries, head.hash.as_str()), (entries, newest.as_str()));
    assert!(head.entries >= 8, "setup, user.create, login, 5 locks, logout: {head:?}");
    assert_eq!(
        KeyFile::load(dir.path()).unwrap().audit_head().unwrap().head(),
        head,
        "the key file holds the head recorded at sign-out"
    );
    assert_eq!(serde_json::to_value(&head).unwrap(), serde_json::json!({ "entries": head.entries, "hash": head.hash }));
    let empty = tempfile::tempdir().unwrap();
    let db = glabella_core::Db::open_dir(empty.path(), &DatabaseKey::generate().unwrap()).unwrap();
    assert_eq!(db.read(chain_head).unwrap(), AuditHead { entries: 0, hash: GENESIS_HASH.into() });
}

#[test]
fn an_intact_log_opens_without_a_finding() {
    let (dir, recovery, _) = clinic_with_recorded_head();
    let (clinic, _) = Clinic::sign_in(dir.path(), "avery", PASSWORD).unwrap();
    assert_eq!(clinic.audit_tail(), None);
    drop(clinic);
    let clinic = Clinic::open_with_recovery(dir.path(), &recovery).unwrap();
    assert_eq!(clinic.audit_tail(), None, "entries added since the recorded head are fine");
}

#[test]
fn entries_cut_from_the_end_are_reported_at_opening_with_their_count() {
    let (dir, recovery, head) = clinic_with_recorded_head();
    cut_the_newest(dir.path(), 3);
    // The rest of the chain is intact: without the recorded head nothing would show.
    let key = database_key(dir.path());
    let report = glabella_core::check::check(&dir.path().join(DB_FILE), &key).unwrap();
    assert_eq!(report.problems, 0, "{:?}", report.lines);

    let (clinic, _) = Clinic::sign_in(dir.path(), "avery", PASSWORD).unwrap();
    assert_eq!(clinic.audit_tail_missing(), Some(3));
    assert_eq!(clinic.audit_tail(), Some(&TailProblem::Missing { missing: 3, recorded: head.clone() }));
    assert_eq!(
        clinic.audit_tail().unwrap().to_string(),
        format!("3 entries are missing from the end since the recorded head (entry {})", head.entries)
    );
    clinic.record_audit_head().unwrap();
    drop(clinic);
    assert_eq!(
        KeyFile::load(dir.path()).unwrap().audit_head().unwrap().head(),
        head,
        "a head the log no longer contains is not recorded over"
    );
    let clinic = Clinic::open_with_recovery(dir.path(), &recovery).unwrap();
    assert!(clinic.audit_tail().is_some(), "and the cut is reported again: {:?}", clinic.audit_tail());
}

#[test]
fn an_end_cut_and_refilled_is_reported_as_rewritten() {
    let (dir, recovery, head) = clinic_with_recorded_head();
    cut_the_newest(dir.path(), 1);
    {
        // One new entry takes the cut one's id, with another hash.
        let clinic = Clinic::open_with_recovery(dir.path(), &recovery).unwrap();
        assert_eq!(clinic.audit_tail_missing(), Some(1));
        clinic
            .db()
            .write(|tx| audit::record(tx, &audit::NewEntry::new(None, "someone", Action::LoginFailed)).map(drop))
            .unwrap();
    }
    let clinic = Clinic::open_with_recovery(dir.path(), &recovery).unwrap();
    assert_eq!(clinic.audit_tail(), Some(&TailProblem::Rewritten { recorded: head }));
    assert_eq!(clinic.audit_tail_missing(), Some(0));
}

#[test]
fn glabella_admin_check_reports_the_missing_entries() {
    let (dir, recovery, _) = clinic_with_recorded_head();
    // The recovery key comes on standard input, never on the command line.
    let check = || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_glabella-admin"))
            .args(["check", "--data-dir"])
            .arg(dir.path())
            .arg("--recovery-key")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(recovery.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let before = check();
    let stdout = String::from_utf8_lossy(&before.stdout);
    assert!(before.status.success(), "{stdout}{}", String::from_utf8_lossy(&before.stderr));
    assert!(stdout.contains("is still in the log"), "{stdout}");

    cut_the_newest(dir.path(), 3);
    let after = check();
    let stdout = String::from_utf8_lossy(&after.stdout);
    assert!(!after.status.success(), "{stdout}");
    assert!(
        stdout.contains("PROBLEM: audit log: 3 entries are missing from the end since the recorded head"),
        "{stdout}"
    );
}

#[test]
fn an_admin_signing_in_at_a_desk_is_told_of_the_cut() {
    let (dir, _, _) = clinic_with_recorded_head();
    cut_the_newest(dir.path(), 3);
    let desk = glabella_core::api::signin::Desk::new(dir.path());
    assert_eq!(desk.app_status().audit_warning, None, "nobody is signed in yet");
    desk.sign_in("avery", PASSWORD).unwrap();
    let warning = desk.app_status().audit_warning.expect("the admin sees the finding");
    assert!(warning.contains("3 entries are missing from the end"), "{warning}");
}
