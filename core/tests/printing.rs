//! Printing a handout outside the write lock: the record is written when the handout
//! is sent, a printer that fails leaves the record marked as failed (append-only) and
//! tells the person why, and a printer that hangs does not stop the front desk.
//!
//! The printer is the real print command looked up on `PATH` (`lp`); the test puts its
//! own `lp` first on `PATH`, one that hangs or fails as a real printer queue can. One
//! test function, since `PATH` and the print variables belong to the whole process.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::sync::mpsc;
use std::time::Duration;

use glabella_core::api;

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
    std::env::remove_var("GLABELLA_PRINT_TO_DIR");

    // A printer queue that refuses: the handout stays recorded, marked failed, and the
    // person reads the printer's own words.
    fake_lp(&bin, "echo 'lp: The printer or class does not exist.' >&2; exit 1");
    let err = api::handouts::print_handout(&c.clinic, &c.injector, c.session, &[]).unwrap_err();
    assert_eq!(err.code(), "print.failed");
    assert!(err.to_string().contains("The printer or class does not exist"), "{err}");
    let given = api::handouts::list_handouts(&c.clinic, &c.injector, c.patient).unwrap();
    assert_eq!(given.len(), 1, "the handout was recorded when it was sent");
    assert!(given[0].failure.as_deref().unwrap().contains("does not exist"), "{:?}", given[0].failure);
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
            let result = api::handouts::print_handout(&c.clinic, &c.injector, c.session, &[]);
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
    assert_eq!(api::handouts::list_handouts(&c.clinic, &c.injector, c.patient).unwrap().len(), 2);

    // A printer that never answers is given up on, with a message saying what to do.
    std::env::set_var("GLABELLA_PRINT_TIMEOUT_SECONDS", "1");
    fake_lp(&bin, "sleep 60");
    let err = api::handouts::reprint_handout(&c.clinic, &c.injector, given[0].id).unwrap_err();
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
}
