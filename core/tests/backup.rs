//! Backups and restore: bundles made while people keep working are consistent and
//! verified; verification catches damage; the schedule and retention; restoring at the
//! desk (with a password or the recovery key) moves the current data aside; and the
//! recovery key's way back in.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::Duration;
use glabella_core::api::signin::{Desk, RestoreUnlock};
use glabella_core::api::{self, backups, notices};
use glabella_core::backup::{self, bundle, BackupReason};
use glabella_core::clinic::Clinic;
use glabella_core::clock::TestClock;
use glabella_core::db::{KeyFile, DB_FILE, KEY_FILE};
use glabella_core::files::SaveDialog;

/// A folder dialog that answers with a fixed folder (the app shows the native one).
struct Pick(PathBuf);

impl SaveDialog for Pick {
    fn choose(&self, _: &str, _: &str, _: &str) -> Option<PathBuf> {
        None
    }
    fn choose_folder(&self, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

fn owner_unlock() -> RestoreUnlock {
    RestoreUnlock { username: "owner".into(), password: "owner password".into(), recovery_key: None }
}

fn patient_count(clinic: &Clinic) -> i64 {
    clinic.db().read(|c| Ok(c.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?)).unwrap()
}

#[test]
fn a_backup_made_during_a_stream_of_writes_is_consistent_and_verified() {
    let s = common::desk::signed_session();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (clinic, admin, stop) = (s.clinic.clone(), s.admin.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let person = common::person("Stream", &format!("Writer{n}"), "1990-05-05");
                api::patients::register_patient(&clinic, &admin, &person, true).unwrap();
                n += 1;
            }
            n
        })
    };
    let key = KeyFile::load(s.dir.path()).unwrap().unwrap_with_password("owner", "owner password").unwrap();
    let mut counts = Vec::new();
    for _ in 0..3 {
        let runs = backups::back_up_now(&s.clinic, &s.admin).unwrap();
        assert_eq!(runs.len(), 1, "only the app's own folder when none is chosen");
        assert!(runs[0].verified, "{:?}", runs[0].problem);
        // Checked again here, before the next backup of the day replaces it.
        let made = Path::new(&runs[0].folder).join(runs[0].bundle.as_ref().unwrap());
        let verification = bundle::verify(&made, &key).unwrap();
        assert!(verification.problems.is_empty(), "{:?}", verification.problems);
        counts.push(verification.manifest.patients);
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "each backup holds the patients written before it: {counts:?}");
    assert!(counts[0] >= 1);
    let status = backups::backup_status(&s.clinic, &s.admin).unwrap();
    assert!(status.last_verified.is_some() && !status.overdue && status.failures.is_empty());
    assert_eq!(status.kept_local, 1, "three backups of one day keep the newest");
}

#[test]
fn verification_catches_a_flipped_byte_a_missing_key_file_and_a_wrong_checksum() {
    let s = common::desk::signed_session();
    let run = backups::back_up_now(&s.clinic, &s.admin).unwrap().remove(0);
    let made = Path::new(&run.folder).join(run.bundle.unwrap());
    let key = KeyFile::load(s.dir.path()).unwrap().unwrap_with_password("owner", "owner password").unwrap();
    let copy = |name: &str| {
        let to = s.dir.path().join(name);
        std::fs::create_dir(&to).unwrap();
        for f in [DB_FILE, KEY_FILE, bundle::MANIFEST_FILE] {
            std::fs::copy(made.join(f), to.join(f)).unwrap();
        }
        to
    };
    let problems = |b: &Path| bundle::verify(b, &key).unwrap().problems.join(" | ");
    assert_eq!(problems(&made), "");

    let flipped = copy("flipped");
    let mut bytes = std::fs::read(flipped.join(DB_FILE)).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(flipped.join(DB_FILE), bytes).unwrap();
    assert!(problems(&flipped).contains("glabella.sqlite3 does not match the checksum"), "{}", problems(&flipped));

    let no_keys = copy("no-keys");
    std::fs::remove_file(no_keys.join(KEY_FILE)).unwrap();
    assert!(problems(&no_keys).contains("glabella.keys is missing"), "{}", problems(&no_keys));

    let wrong = copy("wrong-manifest");
    let text = std::fs::read_to_string(wrong.join(bundle::MANIFEST_FILE)).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest["files"]["glabella.keys"] = "00".repeat(32).into();
    manifest["patients"] = 99.into();
    std::fs::write(wrong.join(bundle::MANIFEST_FILE), manifest.to_string()).unwrap();
    assert!(problems(&wrong).contains("glabella.keys does not match the checksum"), "{}", problems(&wrong));

    // The checksums right but the counts wrong: the copy is compared with the manifest.
    let counts = copy("wrong-counts");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(counts.join(bundle::MANIFEST_FILE)).unwrap()).unwrap();
    manifest["patients"] = 99.into();
    std::fs::write(counts.join(bundle::MANIFEST_FILE), manifest.to_string()).unwrap();
    assert!(problems(&counts).contains("the manifest says 99 patients, the copy holds 1"), "{}", problems(&counts));
}

#[test]
fn an_unavailable_backup_folder_is_reported_in_plain_words_and_the_local_backup_still_made() {
    let s = common::desk::signed_session();
    let usb = tempfile::tempdir().unwrap();
    let status = backups::choose_backup_folder(&s.clinic, &s.admin, &Pick(usb.path().to_path_buf())).unwrap();
    assert_eq!(status.folder.as_deref(), Some(usb.path().to_str().unwrap()));
    let runs = backups::back_up_now(&s.clinic, &s.admin).unwrap();
    assert!(runs.iter().all(|r| r.verified), "{runs:?}");
    assert_eq!(bundle::list(usb.path()).len(), 1);

    let gone = usb.path().to_path_buf();
    drop(usb); // the drive is unplugged
    let runs = backups::back_up_now(&s.clinic, &s.admin).unwrap();
    assert!(runs[0].verified, "the app's own folder still gets one");
    let problem = runs[1].problem.clone().unwrap();
    let expected = format!("The backup folder {} is not available — is the USB drive plugged in", gone.display());
    assert!(problem.starts_with(&expected), "{problem}");
    let status = backups::backup_status(&s.clinic, &s.admin).unwrap();
    assert_eq!(status.failures.len(), 1);
    assert_eq!(status.failures[0].problem.as_deref(), Some(problem.as_str()));
    assert!(!gone.exists(), "a missing drive is never created as a folder");

    // Other roles may not see or run backups.
    let e = backups::back_up_now(&s.clinic, &s.injector).unwrap_err();
    assert_eq!(e.code(), "auth.forbidden");
}

#[test]
fn backups_are_due_daily_and_on_sign_out_after_four_hours_and_overdue_after_two_days() {
    let s = common::desk::signed_session();
    let overdue = |c: &Clinic| notices::notices(c, &s.admin).unwrap().iter().any(|n| n.kind == "backupOverdue");
    assert!(!overdue(&s.clinic), "a clinic set up today is not warned about yet");
    // From 06:00 UTC tomorrow, so that the three backups below fall on two days (bundles
    // are kept one per UTC day) whatever the time of day the test runs at.
    let tomorrow = (s.clinic.now() + Duration::days(1)).date_naive();
    let start = tomorrow.and_hms_opt(6, 0, 0).unwrap().and_utc();
    let clock = TestClock::at(start + Duration::days(2) + Duration::hours(1));
    s.clinic.set_clock(clock.clone());
    assert!(overdue(&s.clinic), "a clinic that never backed up in 2 days is overdue");
    assert!(notices::notices(&s.clinic, &s.injector).unwrap().is_empty(), "only administrators are warned");
    assert!(backup::back_up_if_due(&s.clinic, BackupReason::Daily).unwrap().is_some());
    assert!(!overdue(&s.clinic));
    clock.advance(Duration::hours(3));
    assert!(backup::back_up_if_due(&s.clinic, BackupReason::SignOut).unwrap().is_none());
    assert!(backup::back_up_if_due(&s.clinic, BackupReason::Daily).unwrap().is_none());
    clock.advance(Duration::hours(2));
    assert!(backup::back_up_if_due(&s.clinic, BackupReason::SignOut).unwrap().is_some());
    clock.advance(Duration::hours(23));
    assert!(backup::back_up_if_due(&s.clinic, BackupReason::Daily).unwrap().is_none(), "23 h after the last");
    clock.advance(Duration::hours(2));
    assert!(backup::back_up_if_due(&s.clinic, BackupReason::Daily).unwrap().is_some());
    clock.advance(Duration::days(2) + Duration::minutes(1));
    assert!(overdue(&s.clinic));
    // Two days of bundles in the app's folder: one per day kept.
    let status = backups::backup_status(&s.clinic, &s.admin).unwrap();
    assert_eq!(status.kept_local, 2);
    assert_eq!(status.recent.len(), 3);
}

#[test]
fn restoring_at_the_desk_brings_back_the_backup_and_keeps_the_current_data_aside() {
    let s = common::desk::signed_session();
    backups::back_up_now(&s.clinic, &s.admin).unwrap();
    api::patients::register_patient(&s.clinic, &s.admin, &common::person("Later", "Added", "1991-02-03"), true)
        .unwrap();
    assert_eq!(patient_count(&s.clinic), 2);
    let desk = s.desk;
    drop(s.clinic);
    desk.sign_out().unwrap();

    let choices = desk.list_backups();
    assert_eq!(choices.len(), 1);
    assert_eq!((choices[0].patients, choices[0].sessions), (1, 1));
    let wrong = RestoreUnlock { password: "not it".into(), ..owner_unlock() };
    assert_eq!(desk.restore_backup(&choices[0].id, &wrong).unwrap_err().code(), "auth.failed");

    let restored = desk.restore_backup(&choices[0].id, &owner_unlock()).unwrap();
    assert_eq!(restored.user.as_ref().unwrap().username, "owner");
    let (clinic, admin) = desk.actor().unwrap();
    assert_eq!(patient_count(&clinic), 1, "the patient registered after the backup is gone");
    let entries = api::audit::list_audit(&clinic, &admin, &Default::default()).unwrap();
    assert!(entries.iter().any(|e| e.action == "backup.restore"), "the restore is audited in the restored clinic");

    // The data from before the restore was moved aside, whole: it still opens.
    let aside = PathBuf::from(restored.moved_aside.unwrap());
    assert!(aside.starts_with(s.dir.path()));
    let (before, _) = Clinic::sign_in(&aside, "owner", "owner password").unwrap();
    assert_eq!(patient_count(&before), 2);
}

#[test]
fn a_restore_on_a_new_computer_uses_a_picked_folder_and_the_recovery_key() {
    let s = common::desk::signed_session();
    let usb = tempfile::tempdir().unwrap();
    backups::choose_backup_folder(&s.clinic, &s.admin, &Pick(usb.path().to_path_buf())).unwrap();
    backups::back_up_now(&s.clinic, &s.admin).unwrap();
    let recovery = {
        // The recovery key of this clinic: replace it to learn it (setup showed it once).
        let mut keys = KeyFile::load(s.dir.path()).unwrap();
        let key = keys.unwrap_with_password("owner", "owner password").unwrap();
        let recovery = keys.replace_recovery_key(&key).unwrap();
        keys.save().unwrap();
        recovery.to_string()
    };
    backups::back_up_now(&s.clinic, &s.admin).unwrap();

    let new_computer = tempfile::tempdir().unwrap();
    let desk = Desk::new(new_computer.path()).with_kdf(glabella_core::db::keys::KdfParams::INSECURE_FAST);
    assert!(desk.app_status().setup_needed);
    assert!(desk.list_backups().is_empty());
    let found = desk.find_backups(&Pick(usb.path().to_path_buf()));
    assert_eq!(found.len(), 1, "two backups of one day: the newest is kept ({found:?})");
    let newest = &found[0];
    assert!(newest.id.starts_with("chosen/"));
    let unlock = RestoreUnlock { recovery_key: Some(recovery.clone()), ..owner_unlock() };
    let restored = desk.restore_backup(&newest.id, &unlock).unwrap();
    assert!(restored.user.is_none() && restored.moved_aside.is_none());
    assert!(!desk.app_status().setup_needed);

    let admins = desk.recovery_admins(&recovery).unwrap();
    assert_eq!(admins.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), ["owner"]);
    let actor = desk.recover_access(&recovery, admins[0].id, "a brand new password").unwrap();
    let (clinic, _) = desk.actor().unwrap();
    assert_eq!(patient_count(&clinic), 1);
    assert_eq!(actor.username, "owner");
    desk.sign_out().unwrap();
    drop(clinic);
    // The new password opens the clinic from disk, and the emergency shows once.
    let again = Desk::new(new_computer.path());
    let owner = again.sign_in("owner", "a brand new password").unwrap();
    let (clinic, _) = again.actor().unwrap();
    let shown = notices::notices(&clinic, &owner).unwrap();
    assert!(shown.iter().any(|n| n.kind == "emergencyAccess" && n.message.contains("Olive Owner")), "{shown:?}");
    again.sign_out().unwrap();
    again.sign_in("owner", "a brand new password").unwrap();
    assert!(!notices::notices(&clinic, &owner).unwrap().iter().any(|n| n.kind == "emergencyAccess"));
}

#[test]
fn a_backup_from_a_newer_glabella_is_refused_untouched() {
    let s = common::desk::signed_session();
    let run = backups::back_up_now(&s.clinic, &s.admin).unwrap().remove(0);
    let made = Path::new(&run.folder).join(run.bundle.unwrap());
    let path = made.join(bundle::MANIFEST_FILE);
    let mut manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    manifest["schemaVersion"] = 999.into();
    manifest["glabellaVersion"] = "9.0.0".into();
    std::fs::write(&path, manifest.to_string()).unwrap();
    let before = std::fs::read(s.dir.path().join(DB_FILE)).unwrap().len();
    s.desk.sign_out().unwrap();
    let id = s.desk.list_backups()[0].id.clone();
    assert!(s.desk.list_backups()[0].problem.as_deref().unwrap().contains("newer version of Glabella (9.0.0)"));
    let e = s.desk.restore_backup(&id, &owner_unlock()).unwrap_err();
    assert_eq!(e.code(), "backup.too_new");
    assert!(s.dir.path().join(DB_FILE).exists());
    assert_eq!(std::fs::read(s.dir.path().join(DB_FILE)).unwrap().len(), before);
    assert!(!std::fs::read_dir(s.dir.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("before-restore")));
}

#[test]
fn about_glabella_gives_the_version_the_data_folder_and_the_last_verified_backup() {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(dir.path()).with_kdf(glabella_core::db::keys::KdfParams::INSECURE_FAST);
    let before = desk.about();
    assert_eq!(before.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(before.data_folder, dir.path());
    assert_eq!(before.last_verified_backup, None, "nothing is read before the clinic opens");
    assert!(before.text().contains("shown once someone has signed in"), "{}", before.text());

    let admin = desk.setup_clinic(&common::desk::settings(), &common::desk::owner()).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    assert_eq!(desk.about().last_verified_backup, Some(None));
    assert!(desk.about().text().ends_with("Last verified backup: none yet"), "{}", desk.about().text());

    let run = backups::back_up_now(&clinic, &admin).unwrap().remove(0);
    assert!(run.verified);
    let text = desk.about().text();
    let folder = dir.path().display().to_string();
    assert!(
        text.starts_with(&format!("Glabella {}\n\nData folder:\n{folder}\n\n", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    // The clinic's way of writing dates and times, in its zone, not an ISO instant.
    let at = chrono::DateTime::parse_from_rfc3339(&run.finished_at).unwrap().with_timezone(&chrono::Utc);
    let way = clinic.db().read(|c| glabella_core::calendar::Writing::of(c)).unwrap();
    assert!(text.ends_with(&format!("Last verified backup: {}, {}", way.date(at), way.time(at))), "{text}");
    assert!(!text.contains(&run.finished_at[..13]), "no raw ISO instant: {text}");
}
