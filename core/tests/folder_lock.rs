//! Two copies of Glabella never open the same clinic: while a clinic is open in this
//! process, `glabella-admin` (another process) is refused with a clear message; a desk
//! whose folder is held elsewhere says so instead of offering sign-in, and recovers
//! once the other copy is gone. `check` reads only and may run beside the app.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Output};

use glabella_core::api::signin::Desk;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::db::LOCK_FILE;

const PASSWORD: &str = "owner passphrase";
const IN_USE: &str = "Glabella is already open on this computer's clinic folder";

fn set_up(dir: &Path) -> Clinic {
    let settings = common::desk::settings();
    let admin = NewUser {
        username: "avery".into(),
        display_name: "Avery Admin".into(),
        role: Role::Admin,
        password: PASSWORD.into(),
    };
    Clinic::setup_with(dir, &settings, &admin, KdfParams::INSECURE_FAST).unwrap().clinic
}

fn admin(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glabella-admin"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .args(["--user", "avery"])
        .env("GLABELLA_PASSWORD", PASSWORD)
        .output()
        .unwrap()
}

#[test]
fn glabella_admin_is_refused_while_the_clinic_is_open_and_runs_once_it_is_closed() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = set_up(dir.path());

    let refused = admin(dir.path(), &["demo-data", "--patients", "1"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains(IN_USE) && stderr.contains("Close the other window first."), "{stderr}");

    let check = admin(dir.path(), &["check"]);
    assert!(check.status.success(), "check only reads: {}", String::from_utf8_lossy(&check.stderr));

    drop(clinic);
    let added = admin(dir.path(), &["demo-data", "--patients", "1"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
}

#[test]
fn a_desk_whose_folder_is_held_elsewhere_says_why_and_recovers_when_it_is_freed() {
    let dir = tempfile::tempdir().unwrap();
    drop(set_up(dir.path()));
    // Another copy's lock: an OS lock on the lock file through a handle of its own.
    let other = File::options().read(true).write(true).open(dir.path().join(LOCK_FILE)).unwrap();
    other.lock().unwrap();

    let desk = Desk::new(dir.path()).with_kdf(KdfParams::INSECURE_FAST);
    let problem = desk.app_status().folder_problem.expect("the folder is in use");
    assert!(problem.contains(IN_USE), "{problem}");
    assert_eq!(desk.sign_in("avery", PASSWORD).unwrap_err().code(), "clinic.in_use");
    assert_eq!(Clinic::sign_in(dir.path(), "avery", PASSWORD).unwrap_err().code(), "clinic.in_use");

    drop(other);
    assert_eq!(desk.app_status().folder_problem, None, "the desk takes the lock once it is free");
    desk.sign_in("avery", PASSWORD).unwrap();
}

#[test]
fn the_desk_holds_the_folder_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(dir.path());
    assert_eq!(desk.app_status().folder_problem, None);
    let other = File::options().read(true).write(true).open(dir.path().join(LOCK_FILE)).unwrap();
    assert!(other.try_lock().is_err(), "no one else can take the folder before anyone signed in");
    drop(desk);
    other.lock().unwrap();
}
