//! The desk: signing in and out, the idle lock on the clinic's clock, locking and
//! unlocking, and what each leaves in the audit log.

mod common;

use std::time::Duration;

use chrono::TimeZone;
use glabella_core::api::signin::Desk;
use glabella_core::audit::{self, AuditFilter};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::Permission;
use glabella_core::clock::TestClock;
use glabella_core::db::keys::KdfParams;

fn desk(dir: &std::path::Path, clock: std::sync::Arc<TestClock>) -> Desk {
    let desk = Desk::new(dir).with_kdf(KdfParams::INSECURE_FAST).with_clock(clock);
    assert!(desk.app_status().setup_needed);
    desk.setup_clinic(&common::desk::settings(), &common::desk::owner()).unwrap();
    desk
}

fn actions(desk: &Desk) -> Vec<String> {
    let (clinic, _) = desk.actor().unwrap();
    let mut entries = clinic.db().read(|c| audit::list_entries(c, &AuditFilter::default())).unwrap();
    entries.sort_by_key(|e| e.id); // the test clock stands still: order of writing
    entries.into_iter().map(|e| e.action).collect()
}

#[test]
fn the_desk_locks_itself_after_the_idle_time_by_the_clinics_clock() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let desk = desk(dir.path(), clock.clone());
    let status = desk.app_status();
    assert_eq!(status.idle_lock_seconds, 600);
    let owner = status.user.unwrap();
    assert!(owner.permissions.contains(&Permission::ManageUsers));
    assert!(!owner.permissions.contains(&Permission::ClinicalWrite), "only injectors record sessions");

    // Nine minutes of reading a chart, then a click: still signed in, and the idle
    // time starts again from that click.
    clock.advance(chrono::Duration::minutes(9));
    desk.keep_alive().unwrap();
    clock.advance(chrono::Duration::minutes(9));
    desk.keep_alive().unwrap();
    // Eleven minutes away from the desk: locked, and the lock is audited with its time.
    clock.advance(chrono::Duration::minutes(11));
    assert_eq!(desk.actor().unwrap_err().code(), "auth.locked");
    assert!(desk.app_status().locked);
    assert_eq!(desk.keep_alive().unwrap_err().code(), "auth.locked");

    desk.sign_in("owner", "owner password").unwrap();
    let last = actions(&desk);
    assert_eq!(&last[last.len() - 3..], ["lock", "login", "unlock"]);
    let (clinic, owner) = desk.actor().unwrap();
    let lock = clinic
        .db()
        .read(|c| audit::list_entries(c, &AuditFilter::default()))
        .unwrap()
        .into_iter()
        .find(|e| e.action == "lock")
        .unwrap();
    assert_eq!(lock.at, "2026-11-28T09:29:00.000Z", "the lock is stamped by the clinic's clock");
    assert_eq!(owner.username, "owner");
}

#[test]
fn a_shorter_idle_lock_set_by_an_admin_applies_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let desk = desk(dir.path(), clock.clone());
    let (clinic, owner) = desk.actor().unwrap();
    let settings = glabella_core::api::settings::get_settings(&clinic, &owner).unwrap();
    glabella_core::api::settings::update_settings(
        &clinic,
        &owner,
        &ClinicSettings { idle_lock_minutes: 2, ..settings },
    )
    .unwrap();
    assert_eq!(desk.app_status().idle_lock_seconds, 120);
    clock.advance(chrono::Duration::minutes(3));
    assert_eq!(desk.actor().unwrap_err().code(), "auth.locked");
}

#[test]
fn locking_signing_out_and_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap());
    let desk = desk(dir.path(), clock).with_idle_lock(Some(Duration::from_secs(3600)));
    desk.lock_app().unwrap();
    assert_eq!(desk.actor().unwrap_err().code(), "auth.locked");
    assert_eq!(desk.sign_in("owner", "not it").unwrap_err().code(), "auth.failed");
    assert_eq!(desk.sign_in("nobody", "owner password").unwrap_err().code(), "auth.failed");
    desk.sign_in("OWNER", "owner password").unwrap();
    desk.sign_out().unwrap();
    assert_eq!(desk.actor().unwrap_err().code(), "auth.required");
    assert!(!desk.app_status().setup_needed);
    assert!(desk.app_status().user.is_none());
    desk.sign_in("owner", "owner password").unwrap();
    let last = actions(&desk);
    let tail: Vec<&str> = last.iter().map(String::as_str).rev().take(7).collect();
    assert_eq!(tail, ["login", "logout", "unlock", "login", "login.failed", "login.failed", "lock"]);
}
