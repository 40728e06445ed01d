//! `glabella-admin backup`, `verify-backup`, `restore` and `backup-folder`, run as the
//! real binary on a real clinic folder: what an administrator would type after losing a
//! computer, or for a clinic server.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use glabella_core::api;
use glabella_core::backup::bundle;
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::db::DB_FILE;

fn admin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_glabella-admin"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("GLABELLA_PASSWORD", "owner password")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("glabella-admin runs");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn patients(dir: &Path) -> i64 {
    let (clinic, _) = Clinic::sign_in(dir, "owner", "owner password").unwrap();
    clinic.db().read(|c| Ok(c.query_row("SELECT count(*) FROM patients", [], |r| r.get(0))?)).unwrap()
}

#[test]
fn backup_verify_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let set_up =
        Clinic::setup_with(dir.path(), &common::desk::settings(), &common::desk::owner(), KdfParams::INSECURE_FAST)
            .unwrap();
    let recovery = set_up.recovery_key.to_string();
    api::patients::register_patient(&set_up.clinic, &set_up.admin, &common::person("Ann", "Lee", "1980-01-01"), true)
        .unwrap();

    // A backup while the clinic is open; its path is what the command prints.
    let made = admin(dir.path(), &["--user", "owner", "backup", "--to", out_dir.path().to_str().unwrap()], None);
    assert!(made.status.success(), "{}", text(&made));
    let bundle_dir = PathBuf::from(String::from_utf8_lossy(&made.stdout).trim());
    assert!(bundle_dir.starts_with(out_dir.path()) && bundle_dir.join(bundle::MANIFEST_FILE).is_file());

    // Verified with a password of the bundle, or the recovery key on standard input.
    let ok = admin(dir.path(), &["--user", "owner", "verify-backup", bundle_dir.to_str().unwrap()], None);
    assert!(ok.status.success() && text(&ok).contains("OK: the backup is complete and verified."), "{}", text(&ok));
    let ok = admin(dir.path(), &["--recovery-key", "verify-backup", bundle_dir.to_str().unwrap()], Some(&recovery));
    assert!(ok.status.success(), "{}", text(&ok));
    // Never the key on the command line.
    let refused =
        admin(dir.path(), &["--recovery-key", &recovery, "verify-backup", bundle_dir.to_str().unwrap()], None);
    assert!(!refused.status.success());

    // A damaged copy is named and fails.
    let damaged = out_dir.path().join("damaged");
    std::fs::create_dir(&damaged).unwrap();
    for entry in std::fs::read_dir(&bundle_dir).unwrap().flatten() {
        std::fs::copy(entry.path(), damaged.join(entry.file_name())).unwrap();
    }
    let mut bytes = std::fs::read(damaged.join(DB_FILE)).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x40;
    std::fs::write(damaged.join(DB_FILE), bytes).unwrap();
    let bad = admin(dir.path(), &["--user", "owner", "verify-backup", damaged.to_str().unwrap()], None);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("glabella.sqlite3 does not match the checksum"), "{}", text(&bad));

    // Restore, with the app closed: the later patient is gone, the data before kept aside.
    api::patients::register_patient(&set_up.clinic, &set_up.admin, &common::person("Bo", "Kim", "1985-05-05"), true)
        .unwrap();
    drop(set_up);
    let restored = admin(dir.path(), &["--user", "owner", "restore", bundle_dir.to_str().unwrap()], None);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(text(&restored).contains("The data from before the restore was moved to"), "{}", text(&restored));
    assert_eq!(patients(dir.path()), 1);
    let aside: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(patients(&aside[0]), 2);
}

#[test]
fn import_patients_from_the_command_line_with_a_dry_run_first() {
    let dir = tempfile::tempdir().unwrap();
    let set_up =
        Clinic::setup_with(dir.path(), &common::desk::settings(), &common::desk::owner(), KdfParams::INSECURE_FAST)
            .unwrap();
    drop(set_up);
    let list = dir.path().join("old-system.csv");
    std::fs::write(
        &list,
        "Christian name;Family name;Geboren am\nZoë;Müller;14/03/1985\nBad;Date;31/02/1980\nBo;Kim;05/05/1990\n",
    )
    .unwrap();
    let list = list.to_str().unwrap();

    // Without a mapping the headers are not all recognised: the missing fields are named.
    let unmapped = admin(dir.path(), &["--user", "owner", "import-patients", list], None);
    assert!(!unmapped.status.success());
    assert!(text(&unmapped).contains("no column for first, dob: give --mapping"), "{}", text(&unmapped));

    let mapping = "first=Christian name,dob=Geboren am";
    let dry = admin(dir.path(), &["--user", "owner", "import-patients", list, "--mapping", mapping, "--dry-run"], None);
    assert!(dry.status.success(), "{}", text(&dry));
    let said = text(&dry);
    assert!(said.contains("Would add 2 patients; 0 likely already registered (skipped); 0 repeat an earlier row (skipped); 1 refused."), "{said}");
    assert!(said.contains("row 3: date of birth 31/02/1980 is not a date (read as DD/MM/YYYY)"), "{said}");
    assert!(said.contains("Semicolon-separated") && said.contains("column \"Family name\" → last name"), "{said}");
    assert_eq!(patients(dir.path()), 0, "a dry run writes nothing");

    let run = admin(dir.path(), &["--user", "owner", "import-patients", list, "--mapping", mapping], None);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run)
            .contains("Added 2 patients, merged 0 (empty fields filled), skipped 0 likely duplicates; 1 rows refused."),
        "{}",
        text(&run)
    );
    let again = admin(dir.path(), &["--user", "owner", "import-patients", list, "--mapping", mapping], None);
    assert!(text(&again).contains("Added 0 patients, merged 0 (empty fields filled), skipped 2"), "{}", text(&again));
    assert_eq!(patients(dir.path()), 2);
}

/// A clinic server's backup folder is chosen on its own computer: `backup-folder`.
#[test]
fn the_backup_folder_is_chosen_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let set_up =
        Clinic::setup_with(dir.path(), &common::desk::settings(), &common::desk::owner(), KdfParams::INSECURE_FAST)
            .unwrap();
    drop(set_up);
    let chosen = admin(dir.path(), &["--user", "owner", "backup-folder", usb.path().to_str().unwrap()], None);
    assert!(chosen.status.success(), "{}", text(&chosen));
    assert!(text(&chosen).contains(&format!("Backups also go to {}", usb.path().display())), "{}", text(&chosen));
    let (clinic, owner) = Clinic::sign_in(dir.path(), "owner", "owner password").unwrap();
    let status = api::backups::backup_status(&clinic, &owner).unwrap();
    assert_eq!(status.folder.as_deref(), Some(usb.path().to_str().unwrap()));
}
