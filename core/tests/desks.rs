//! Several desks at one office, as on the clinic server: each desk has its own person
//! and its own idle lock, the clinic opens once however many sign in at the same
//! moment, failed sign-ins add up across desks, and a restore at one desk signs the
//! others out.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::TimeZone;
use glabella_core::api::office::Office;
use glabella_core::api::signin::{Desk, RestoreUnlock};
use glabella_core::api::{backups, users};
use glabella_core::audit::{self, AuditFilter};
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Role;
use glabella_core::clock::TestClock;
use glabella_core::db::keys::KdfParams;

const OWNER: (&str, &str) = ("owner", "owner password");
const INES: (&str, &str) = ("ines", "injector password");

/// A clinic set up in a temp folder with the owner and the injector Ines, closed
/// again: an office made on it next starts as the app does, with the clinic closed.
fn staffed_clinic() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(dir.path()).with_kdf(KdfParams::INSECURE_FAST);
    let owner = desk.setup_clinic(&common::desk::settings(), &common::desk::owner()).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    let ines = NewUser {
        username: INES.0.into(),
        display_name: "Ines Injector".into(),
        role: Role::Injector,
        password: INES.1.into(),
    };
    users::create_user(&clinic, &owner, &ines).unwrap();
    desk.sign_out().unwrap();
    dir
}

/// A fresh office on the clinic in `dir`, on a test clock at 09:00.
fn office(dir: &std::path::Path) -> (Arc<Office>, Arc<TestClock>) {
    let clock = TestClock::at(chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let office = Office::new(dir).with_kdf(KdfParams::INSECURE_FAST).with_clock(clock.clone());
    (Arc::new(office), clock)
}

fn username(desk: &Desk) -> String {
    desk.actor().unwrap().1.username
}

fn error(desk: &Desk) -> &'static str {
    desk.actor().unwrap_err().code()
}

/// The front desk with the owner signed in and the treatment room with Ines, on `office`.
fn front_and_room(office: Arc<Office>) -> (Desk, Desk) {
    let front = Desk::at(office.clone());
    let room = Desk::at(office);
    front.sign_in(OWNER.0, OWNER.1).unwrap();
    room.sign_in(INES.0, INES.1).unwrap();
    (front, room)
}

#[test]
fn each_desk_has_its_own_person_and_locks_on_its_own() {
    let dir = staffed_clinic();
    let (office, clock) = office(dir.path());
    let (front, room) = front_and_room(office);
    assert_eq!((username(&front), username(&room)), ("owner".into(), "ines".into()));
    assert_eq!(front.app_status().user.unwrap().username, "owner");

    front.lock_app().unwrap();
    assert_eq!(error(&front), "auth.locked");
    assert!(front.app_status().locked && !room.app_status().locked);
    assert_eq!(username(&room), "ines", "locking the front desk leaves the treatment room at work");
    front.sign_in(OWNER.0, OWNER.1).unwrap();

    // Ines keeps working; nobody touches the front desk for twelve minutes (the
    // clinic locks after ten).
    clock.advance(chrono::Duration::minutes(6));
    room.keep_alive().unwrap();
    clock.advance(chrono::Duration::minutes(6));
    assert_eq!(error(&front), "auth.locked");
    assert_eq!(username(&room), "ines");
    assert!(!room.app_status().locked);
}

#[test]
fn signing_out_at_one_desk_leaves_the_other_signed_in() {
    let dir = staffed_clinic();
    let (office, _) = office(dir.path());
    let (front, room) = front_and_room(office);

    front.sign_out().unwrap();
    assert_eq!(error(&front), "auth.required");
    assert!(front.app_status().user.is_none());
    let (clinic, ines) = room.actor().unwrap();
    assert_eq!(ines.username, "ines");
    let entries = clinic.db().read(|c| audit::list_entries(c, &AuditFilter::default())).unwrap();
    let logouts: Vec<_> = entries.iter().filter(|e| e.action == "logout").map(|e| e.username.as_str()).collect();
    assert_eq!(logouts, ["owner", "owner"], "the setup's sign-out and the front desk's, none for Ines");
}

#[test]
fn desks_signing_in_at_the_same_moment_open_the_clinic_once() {
    let dir = staffed_clinic();
    let (office, _) = office(dir.path());
    assert!(office.clinic().is_none(), "nobody has signed in since the start");
    let desks: Vec<Desk> = (0..4).map(|_| Desk::at(office.clone())).collect();
    let start = Barrier::new(desks.len());
    std::thread::scope(|s| {
        for (i, desk) in desks.iter().enumerate() {
            let (name, password) = if i % 2 == 0 { OWNER } else { INES };
            let start = &start;
            s.spawn(move || {
                start.wait();
                desk.sign_in(name, password).unwrap();
            });
        }
    });
    // A second open would have replaced the first clinic, and the desks signed in on
    // the first would find themselves signed out.
    let clinics: Vec<_> = desks.iter().map(|desk| desk.actor().unwrap().0).collect();
    assert!(clinics.iter().all(|c| Arc::ptr_eq(c, &clinics[0])));
    assert!(Arc::ptr_eq(&clinics[0], &office.clinic().unwrap()));
}

#[test]
fn failed_sign_ins_add_up_across_desks() {
    let dir = staffed_clinic();
    let (office, _) = office(dir.path());
    let front = Desk::at(office.clone());
    let room = Desk::at(office);
    // Two free guesses at the front desk, before the clinic is even open...
    for _ in 0..2 {
        assert_eq!(front.sign_in(OWNER.0, "guess").unwrap_err().code(), "auth.failed");
    }
    // ...so the next attempt for the owner, at another desk, waits before answering.
    let asked = Instant::now();
    assert_eq!(room.sign_in("OWNER", "another guess").unwrap_err().code(), "auth.failed");
    assert!(asked.elapsed() >= Duration::from_millis(500), "answered after {:?}", asked.elapsed());

    room.sign_in(INES.0, INES.1).unwrap();
    let (clinic, _) = room.actor().unwrap();
    let entries = clinic.db().read(|c| audit::list_entries(c, &AuditFilter::default())).unwrap();
    let failed = entries.iter().filter(|e| e.action == "login.failed").count();
    assert_eq!(failed, 3, "all three guesses are in the audit log, also those from before the clinic opened");
}

#[test]
fn a_restore_at_one_desk_signs_out_the_others() {
    let dir = staffed_clinic();
    let (office, _) = office(dir.path());
    let front = Desk::at(office.clone());
    let room = Desk::at(office);
    front.sign_in(OWNER.0, OWNER.1).unwrap();
    let (clinic, owner) = front.actor().unwrap();
    backups::back_up_now(&clinic, &owner).unwrap();
    drop(clinic);
    room.sign_in(INES.0, INES.1).unwrap();

    let id = front.list_backups()[0].id.clone();
    let unlock = RestoreUnlock { username: OWNER.0.into(), password: OWNER.1.into(), recovery_key: None };
    front.restore_backup(&id, &unlock).unwrap();
    assert_eq!(username(&front), "owner", "the administrator who restored is signed in");
    assert_eq!(error(&room), "auth.required");
    assert!(room.app_status().user.is_none());
    room.sign_in(INES.0, INES.1).unwrap();
    assert!(Arc::ptr_eq(&room.actor().unwrap().0, &front.actor().unwrap().0), "both on the restored clinic");
}
