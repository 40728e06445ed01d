//! The clinic as a whole: setup, signing in through the key file, accounts whose
//! passwords open the database (and stop opening it when deactivated), the recovery
//! key, and the audit rows each of these leaves.

mod common;

use std::path::PathBuf;

use glabella_core::api;
use glabella_core::audit::{self, AuditFilter};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::clinic::{Clinic, SetUp};
use glabella_core::db::keys::KdfParams;
use glabella_core::db::{DB_FILE, KEY_FILE};
use glabella_core::files::SaveDialog;
use glabella_core::Error;

const ADMIN_PASSWORD: &str = "correct horse battery";

fn settings() -> ClinicSettings {
    ClinicSettings {
        clinic_name: "Harbour Aesthetics".into(),
        clinic_address: String::new(),
        clinic_phone: String::new(),
        idle_lock_minutes: 10,
        time_zone: "Europe/London".into(),
        date_format: Default::default(),
        time_format: Default::default(),
    }
}

fn account(username: &str, role: Role, password: &str) -> NewUser {
    NewUser { username: username.into(), display_name: format!("{username} Example"), role, password: password.into() }
}

fn set_up() -> (tempfile::TempDir, SetUp) {
    let dir = tempfile::tempdir().unwrap();
    let set_up = Clinic::setup_with(
        dir.path(),
        &settings(),
        &account("Avery", Role::Admin, ADMIN_PASSWORD),
        KdfParams::INSECURE_FAST,
    )
    .unwrap();
    (dir, set_up)
}

fn actions(clinic: &Clinic) -> Vec<String> {
    let entries = clinic.db().read(|c| audit::list_entries(c, &AuditFilter::default())).unwrap();
    entries.into_iter().rev().map(|e| e.action).collect()
}

#[test]
fn setup_creates_the_first_admin_who_can_sign_in() {
    let (dir, set_up) = set_up();
    assert_eq!(set_up.admin.role, Role::Admin);
    assert_eq!(set_up.admin.username, "avery", "usernames are stored lower-case");
    drop(set_up);
    let (clinic, actor) = Clinic::sign_in(dir.path(), "AVERY", ADMIN_PASSWORD).unwrap();
    assert_eq!(actor.display_name, "Avery Example");
    assert_eq!(actions(&clinic), vec!["setup", "user.create", "login", "login"]);
}

#[test]
fn a_wrong_password_or_unknown_user_says_the_same() {
    let (dir, set_up) = set_up();
    drop(set_up);
    for (user, password) in [("avery", "wrong password"), ("nobody", ADMIN_PASSWORD)] {
        let err = Clinic::sign_in(dir.path(), user, password).unwrap_err();
        assert_eq!((err.code(), err.to_string().as_str()), ("auth.failed", "Wrong username or password."));
    }
}

#[test]
fn failed_sign_ins_on_an_open_clinic_are_audited() {
    let (_dir, set_up) = set_up();
    assert!(matches!(set_up.clinic.authenticate("avery", "nope nope"), Err(Error::LoginFailed)));
    let entries = set_up.clinic.db().read(|c| audit::list_entries(c, &AuditFilter::default())).unwrap();
    assert_eq!(
        (entries[0].action.as_str(), entries[0].username.as_str(), entries[0].user_id),
        ("login.failed", "avery", None)
    );
}

#[test]
fn setup_with_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let err =
        Clinic::setup_with(dir.path(), &settings(), &account("Avery", Role::Admin, "short"), KdfParams::INSECURE_FAST)
            .unwrap_err();
    assert_eq!(err.field(), Some("password"));
    assert!(!dir.path().join(KEY_FILE).exists() && !dir.path().join(DB_FILE).exists());
}

#[test]
fn a_new_account_opens_the_database_until_it_is_deactivated() {
    let (dir, set_up) = set_up();
    let (clinic, admin) = (&set_up.clinic, &set_up.admin);
    let user = clinic.create_user(admin, &account("rosa", Role::Receptionist, "front desk pass")).unwrap();
    let (_, rosa) = Clinic::sign_in(dir.path(), "rosa", "front desk pass").unwrap();
    assert_eq!(rosa.role, Role::Receptionist);

    clinic.deactivate_user(admin, user.id).unwrap();
    assert!(matches!(Clinic::sign_in(dir.path(), "rosa", "front desk pass"), Err(Error::LoginFailed)));
    assert!(
        matches!(clinic.authenticate("rosa", "front desk pass"), Err(Error::LoginFailed)),
        "nor on the open clinic"
    );

    clinic.reactivate_user(admin, user.id, "a fresh passphrase").unwrap();
    assert!(Clinic::sign_in(dir.path(), "rosa", "a fresh passphrase").is_ok());
    assert!(Clinic::sign_in(dir.path(), "rosa", "front desk pass").is_err(), "the old password stays dead");
}

#[test]
fn password_reset_and_change_replace_the_wrapping() {
    let (dir, set_up) = set_up();
    let (clinic, admin) = (&set_up.clinic, &set_up.admin);
    let user = clinic.create_user(admin, &account("ines", Role::Injector, "first password")).unwrap();
    clinic.reset_password(admin, user.id, "second password").unwrap();
    assert!(Clinic::sign_in(dir.path(), "ines", "first password").is_err());
    let (open, ines) = Clinic::sign_in(dir.path(), "ines", "second password").unwrap();

    let wrong = open.change_own_password(&ines, "not it at all", "third password").unwrap_err();
    assert_eq!(wrong.field(), Some("currentPassword"));
    let short = open.change_own_password(&ines, "second password", "short").unwrap_err();
    assert_eq!(short.field(), Some("newPassword"));
    open.change_own_password(&ines, "second password", "third password").unwrap();
    assert!(Clinic::sign_in(dir.path(), "ines", "second password").is_err());
    assert!(Clinic::sign_in(dir.path(), "ines", "third password").is_ok());
}

#[test]
fn the_recovery_key_opens_the_clinic_and_a_wrong_one_does_not() {
    let (dir, set_up) = set_up();
    let recovery = set_up.recovery_key.to_string();
    drop(set_up);
    let clinic = Clinic::open_with_recovery(dir.path(), &recovery.to_lowercase().replace('-', " ")).unwrap();
    assert_eq!(actions(&clinic)[0], "setup");
    let mut wrong = recovery.clone().into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    assert!(Clinic::open_with_recovery(dir.path(), std::str::from_utf8(&wrong).unwrap()).is_err());
}

#[test]
fn an_admin_keeps_admin_rights_and_an_active_account() {
    let (_dir, set_up) = set_up();
    let (clinic, admin) = (&set_up.clinic, &set_up.admin);
    assert_eq!(clinic.set_role(admin, admin.user_id, Role::Receptionist).unwrap_err().field(), Some("role"));
    assert_eq!(clinic.deactivate_user(admin, admin.user_id).unwrap_err().field(), Some("active"));
}

#[test]
fn a_taken_username_is_refused_at_the_field() {
    let (_dir, set_up) = set_up();
    let err =
        set_up.clinic.create_user(&set_up.admin, &account("AVERY", Role::Injector, "another password")).unwrap_err();
    assert_eq!(err.field(), Some("username"));
}

/// The save dialog, answered by the test: a file in `folder`, or cancelled.
struct Answer(Option<PathBuf>);

impl SaveDialog for Answer {
    fn choose(&self, file_name: &str, _: &str, extension: &str) -> Option<PathBuf> {
        assert!(file_name.ends_with(&format!(".{extension}")), "{file_name}");
        self.0.as_ref().map(|folder| folder.join(file_name))
    }
}

#[test]
fn audit_export_is_itself_audited_and_csv() {
    let (dir, set_up) = set_up();
    let saved = api::audit::export_audit_csv(
        &set_up.clinic,
        &set_up.admin,
        &AuditFilter::default(),
        &Answer(Some(dir.path().to_path_buf())),
    )
    .unwrap();
    assert_eq!(saved.as_deref(), Some("glabella-audit.csv"));
    let csv = std::fs::read_to_string(dir.path().join("glabella-audit.csv")).unwrap();
    assert!(csv.lines().count() >= 3, "{csv}");
    assert!(csv.contains("setup"));
    assert_eq!(actions(&set_up.clinic).last().unwrap(), "audit.export");
}

#[test]
fn a_cancelled_export_writes_and_audits_nothing() {
    let (_dir, set_up) = set_up();
    let before = actions(&set_up.clinic).len();
    let saved = api::audit::export_audit_csv(&set_up.clinic, &set_up.admin, &AuditFilter::default(), &Answer(None));
    assert_eq!(saved.unwrap(), None);
    assert_eq!(actions(&set_up.clinic).len(), before);
}
