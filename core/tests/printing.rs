//! Printing a handout outside the write lock: the record is written when the handout
//! is sent, a printer that fails leaves the record marked as failed (append-only) and
//! tells the person why, and a printer that hangs does not stop the front desk. The
//! file handed to the printer has a random name in a private folder and is gone
//! afterwards; a saved handout is offered under the patient's number, not their name.
//!
//! The printer is the real print command looked up on `PATH` (`lp`); the test puts its
//! own `lp` first on `PATH`, one that hangs or fails as a real printer queue can. One
//! test function, since `PATH` and the environment belong to the whole process.
//!
//! Not on Windows: the stand-in printer is a shell script, and the core prints there
//! through PowerShell's print verb (`Start-Process -Verb Print`), which Wine lacks.
#![cfg(unix)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::sync::mpsc;
use std::time::Duration;

use glabella_core::api;
use glabella_core::api::signin::Desk;
use glabella_core::files::SaveDialog;
use glabella_core::printing::{Printer, SPOOL_DIR};

fn fake_lp(dir: &std::path::Path, script: &str) {
    let lp = dir.join("lp");
    std::fs::write(&lp, format!("#!/bin/sh\n{script}\n")).unwrap();
    std::fs::set_permissions(&lp, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn printing_never_holds_the_write_lock_and_failures_are_kept() {
    let c = common::desk::signed_session();
    let bin = c.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::env::set_var("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()));
    // The end-to-end tests' folder printer is the shell's choice (in its e2e build
    // only): the core's default printer ignores the variable that chooses it.
    let decoy = c.dir.path().join("decoy");
    std::env::set_var("GLABELLA_PRINT_TO_DIR", &decoy);
    std::env::set_var("GLABELLA_PRINT_TIMEOUT_SECONDS", "1");
    let spool = c.dir.path().join(SPOOL_DIR);

    // A printer that takes the handout: `lp` gets a file with a random name, readable by
    // this user only, in a folder only this user may enter; afterwards nothing is left.
    let seen = c.dir.path().join("seen");
    let lp_log = format!(
        "f=\"$1\"; echo \"$f $(ls -ld \"$f\" | cut -c1-10) $(ls -ld \"$(dirname \"$f\")\" | cut -c1-10)\" >> '{}'",
        seen.display()
    );
    fake_lp(&bin, &lp_log);
    api::handouts::print_handout(&c.clinic, &c.injector, c.session, &[], &*c.clinic).unwrap();
    api::handouts::print_handout(&c.clinic, &c.injector, c.session, &[], &*c.clinic).unwrap();
    let seen = std::fs::read_to_string(&seen).unwrap();
    let lines: Vec<Vec<&str>> = seen.lines().map(|l| l.split(' ').collect()).collect();
    assert_eq!(lines.len(), 2, "{seen}");
    for line in &lines {
        let file = std::path::Path::new(line[0]);
        assert_eq!(file.parent().unwrap(), spool, "{seen}");
        let name = file.file_name().unwrap().to_str().unwrap();
        assert!(
            name.len() == "glabella-0123456789abcdef.pdf".len()
                && name.starts_with("glabella-")
                && name.ends_with(".pdf")
                && name[9..25].chars().all(|c| c.is_ascii_hexdigit()),
            "not a random name: {name}"
        );
        assert_eq!((line[1], line[2]), ("-rw-------", "drwx------"), "file and folder modes: {seen}");
    }
    assert_ne!(lines[0][0], lines[1][0], "each print has its own random name");
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0, "the printed handout was left in the spool folder");
    assert!(!decoy.exists(), "the default printer followed GLABELLA_PRINT_TO_DIR");
    std::env::remove_var("GLABELLA_PRINT_TIMEOUT_SECONDS");

    // Whatever a crash left in the spool folder is swept away when the app next starts.
    std::fs::write(spool.join("glabella-00000000deadbeef.pdf"), b"%PDF").unwrap();
    drop(Desk::new(c.dir.path()));
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0, "the start-up did not sweep the spool folder");

    // A saved handout is offered under the patient's number and the date, not the name.
    let dialog = Suggested::default();
    assert!(api::handouts::save_handout_pdf(&c.clinic, &c.injector, c.session, &[], &dialog).unwrap().is_none());
    let offered = dialog.0.lock().unwrap().clone();
    assert!(
        offered.starts_with(&format!("aftercare-patient-{}-20", c.patient)) && offered.ends_with(".pdf"),
        "{offered}"
    );
    assert!(!offered.to_lowercase().contains("lee") && !offered.to_lowercase().contains("ann"), "{offered}");

    // A printer queue that refuses: the handout stays recorded, marked failed, and the
    // person reads the printer's own words.
    fake_lp(&bin, "echo 'lp: The printer or class does not exist.' >&2; exit 1");
    let err = api::handouts::print_handout(&c.clinic, &c.injector, c.session, &[], &*c.clinic).unwrap_err();
    assert_eq!(err.code(), "print.failed");
    assert!(err.to_string().contains("The printer or class does not exist"), "{err}");
    let given = api::handouts::list_handouts(&c.clinic, &c.injector, c.patient).unwrap();
    assert_eq!(given.len(), 3, "the handout was recorded when it was sent");
    assert!(given[0].failure.as_deref().unwrap().contains("does not exist"), "{:?}", given[0].failure);
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0, "a failed print left its file behind");
    let failed: i64 = c
        .clinic
        .db()
        .read(|conn| Ok(conn.query_row("SELECT count(*) FROM handout_failures", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(failed, 1);
    let refused = c.clinic.db().write(|tx| Ok(tx.execute("DELETE FROM handout_failures", [])?));
    assert!(refused.is_err(), "failures are append-only");

    // A printer that hangs: while the print waits, the front desk registers a patient.
    fake_lp(&bin, "sleep 5");
    let (done, printed) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            let result = api::handouts::print_handout(&c.clinic, &c.injector, c.session, &[], &*c.clinic);
            done.send(result.map(|r| r.id)).unwrap();
        });
        std::thread::sleep(Duration::from_millis(500)); // the print command is running
        let ben = common::person("Ben", "Hale", "1975-05-05");
        api::patients::register_patient(&c.clinic, &c.admin, &ben, false).unwrap();
        assert!(printed.try_recv().is_err(), "the patient was registered while the printer still hung");
        let hits = api::patients::search_patients(&c.clinic, &c.admin, "hale", false).unwrap();
        assert_eq!(hits.len(), 1);
    });
    printed.recv().unwrap().unwrap();
    assert_eq!(api::handouts::list_handouts(&c.clinic, &c.injector, c.patient).unwrap().len(), 4);

    // A printer that never answers is given up on, with a message saying what to do.
    c.clinic.set_printer(Printer::System { timeout: Duration::from_secs(1) });
    fake_lp(&bin, "sleep 60");
    let err = api::handouts::reprint_handout(&c.clinic, &c.injector, given[0].id, &*c.clinic).unwrap_err();
    assert_eq!(err.code(), "print.failed");
    assert!(err.to_string().starts_with("The printer did not answer within 1 seconds."), "{err}");
    let failures: Vec<(i64, String)> = c
        .clinic
        .db()
        .read(|conn| {
            let mut stmt = conn.prepare("SELECT reprint, reason FROM handout_failures ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[1].0, 1, "the reprint's failure is kept as a reprint's");
    assert_eq!(std::fs::read_dir(&spool).unwrap().count(), 0, "a timed-out print left its file behind");
}

/// A save dialog that remembers the name it was offered and cancels.
#[derive(Default)]
struct Suggested(std::sync::Mutex<String>);

impl SaveDialog for Suggested {
    fn choose(&self, file_name: &str, _filter: &str, _extension: &str) -> Option<std::path::PathBuf> {
        *self.0.lock().unwrap() = file_name.to_string();
        None
    }
}
