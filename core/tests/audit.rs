//! The audit trail: appending inside the caller's transaction, the triggers that refuse
//! UPDATE and DELETE, the hash chain catching edited, deleted and inserted rows (also
//! through `glabella-admin check`), the audit view's filters and the CSV export.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use glabella_core::audit::{
    entity, entry_hash, list_entries, record, record_at, to_csv, verify_chain, Action, AuditEntry, AuditFilter,
    ChainProblem, ChainStatus, NewEntry, GENESIS_HASH,
};
use glabella_core::{db, Db, Error};
use rusqlite::{params, Connection};

/// A connection to `db`'s file that bypasses `Db`, with the append-only triggers
/// dropped: what someone with the file, its key and a SQLite tool could do.
fn tamper(db: &Db) -> Connection {
    let conn = common::open_raw(db.path());
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
    conn
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn view(patient_id: i64) -> NewEntry {
    NewEntry::new(None, "anna", Action::PatientView).on(entity::PATIENT, patient_id)
}

/// Appends `entries` in one transaction each, an hour apart from 28 Nov 2026 08:00.
fn append(db: &Db, entries: &[NewEntry]) -> Vec<AuditEntry> {
    entries.iter().zip(8..).map(|(e, hour)| db.write(|tx| record_at(tx, e, at(28, hour))).unwrap()).collect()
}

fn five_views(db: &Db) -> Vec<AuditEntry> {
    append(db, &[view(1), view(2), view(3), view(4), view(5)])
}

fn status(db: &Db) -> ChainStatus {
    db.read(verify_chain).unwrap()
}

fn broken(row_id: i64, problem: ChainProblem) -> ChainStatus {
    ChainStatus::Broken { row_id, problem }
}

fn add_user(db: &Db, id: i64, username: &str) {
    db.write(|tx| {
        tx.execute(
            "INSERT INTO users (id, username, display_name, role, password_hash, created_at, updated_at)
             VALUES (?1, ?2, ?2, 'receptionist', 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            params![id, username],
        )?;
        Ok(())
    })
    .unwrap();
}

#[test]
fn entries_are_appended_with_their_details_and_a_linked_chain() {
    let (_dir, db) = common::temp_db();
    assert_eq!(status(&db), ChainStatus::Intact { entries: 0, head: GENESIS_HASH.to_string() });

    let first = db.write(|tx| record(tx, &NewEntry::new(None, "anna", Action::Login))).unwrap();
    let second = db.write(|tx| record(tx, &view(42).described("opened the chart"))).unwrap();
    assert_eq!((first.id, second.id), (1, 2));
    assert_eq!(
        (second.action.as_str(), second.entity.as_str(), second.entity_id.as_str()),
        ("patient.view", "patient", "42")
    );
    assert_eq!(second.description, "opened the chart");
    // UTC, ISO-8601 with milliseconds.
    assert!(
        DateTime::parse_from_rfc3339(&second.at).is_ok() && second.at.ends_with('Z') && second.at.len() == 24,
        "{}",
        second.at
    );

    let stored: Vec<(String, String)> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT prev_hash, hash FROM audit_log ORDER BY id")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
        .unwrap();
    assert_eq!(stored[0].0, GENESIS_HASH);
    assert_eq!(stored[0].1, entry_hash(GENESIS_HASH, &first));
    assert_eq!(stored[1].0, stored[0].1, "each row points at the one before it");
    assert_eq!(stored[1].1, entry_hash(&stored[0].1, &second));
    assert_eq!(status(&db), ChainStatus::Intact { entries: 2, head: stored[1].1.clone() });
}

#[test]
fn the_audit_row_rolls_back_with_the_change_it_records() {
    let (_dir, db) = common::temp_db();
    let failed = db.write(|tx| {
        record(tx, &view(1))?;
        Err::<(), _>(Error::NotFound("The patient"))
    });
    assert!(failed.is_err());
    assert_eq!(db.read(|c| list_entries(c, &AuditFilter::default())).unwrap(), vec![]);
}

#[test]
fn the_log_refuses_update_and_delete() {
    let (_dir, db) = common::temp_db();
    five_views(&db);
    for sql in
        ["UPDATE audit_log SET description = 'nothing to see' WHERE id = 2", "DELETE FROM audit_log WHERE id = 2"]
    {
        let err = db.write(|tx| Ok(tx.execute(sql, [])?)).unwrap_err();
        assert!(err.to_string().contains("the audit log is append-only"), "{sql}: {err}");
    }
    assert_eq!(db.read(|c| list_entries(c, &AuditFilter::default())).unwrap().len(), 5);
    assert!(matches!(status(&db), ChainStatus::Intact { entries: 5, .. }));
}

#[test]
fn an_edited_row_is_named() {
    let (_dir, db) = common::temp_db();
    five_views(&db);
    tamper(&db).execute("UPDATE audit_log SET entity_id = '99' WHERE id = 3", []).unwrap();
    assert_eq!(status(&db), broken(3, ChainProblem::Altered));
}

#[test]
fn an_edited_hash_is_named() {
    let (_dir, db) = common::temp_db();
    five_views(&db);
    tamper(&db).execute("UPDATE audit_log SET hash = ?1 WHERE id = 5", [GENESIS_HASH]).unwrap();
    assert_eq!(status(&db), broken(5, ChainProblem::Altered));
}

#[test]
fn a_deleted_row_breaks_the_chain_at_the_row_after_it() {
    let (_dir, db) = common::temp_db();
    five_views(&db);
    tamper(&db).execute("DELETE FROM audit_log WHERE id = 3", []).unwrap();
    assert_eq!(status(&db), broken(4, ChainProblem::Unlinked));
}

#[test]
fn deleting_the_oldest_rows_is_caught_too() {
    let (_dir, db) = common::temp_db();
    five_views(&db);
    tamper(&db).execute("DELETE FROM audit_log WHERE id <= 2", []).unwrap();
    assert_eq!(status(&db), broken(3, ChainProblem::Unlinked));
}

/// The limit of any chain: cutting off the newest row leaves a valid, shorter chain.
/// Only the newest hash, noted down earlier, shows it.
#[test]
fn deleting_the_newest_row_shows_only_in_the_newest_hash() {
    let (_dir, db) = common::temp_db();
    five_views(&db);
    let ChainStatus::Intact { head: noted, .. } = status(&db) else { panic!("intact") };
    tamper(&db).execute("DELETE FROM audit_log WHERE id = 5", []).unwrap();
    match status(&db) {
        ChainStatus::Intact { entries: 4, head } => assert_ne!(head, noted),
        other => panic!("{other:?}"),
    }
}

/// A forger who knows the recipe slips a well-formed row in between rows 2 and 3,
/// renumbering the rows after it: the row after the forgery no longer follows it.
#[test]
fn an_inserted_row_breaks_the_chain_at_the_row_after_it() {
    let (_dir, db) = common::temp_db();
    let rows = five_views(&db);
    let conn = tamper(&db);
    conn.execute_batch("UPDATE audit_log SET id = -id WHERE id >= 3; UPDATE audit_log SET id = 1 - id WHERE id < 0;")
        .unwrap();
    let prev_hash: String = conn.query_row("SELECT hash FROM audit_log WHERE id = 2", [], |r| r.get(0)).unwrap();
    let forged = AuditEntry { id: 3, entity_id: "77".into(), ..rows[2].clone() };
    conn.execute(
        "INSERT INTO audit_log (id, at, user_id, username, action, entity, entity_id, description, prev_hash, hash)
         VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            forged.id,
            forged.at,
            forged.username,
            forged.action,
            forged.entity,
            forged.entity_id,
            forged.description,
            prev_hash,
            entry_hash(&prev_hash, &forged)
        ],
    )
    .unwrap();
    assert_eq!(status(&db), broken(4, ChainProblem::Unlinked));
}

#[test]
fn check_names_the_first_broken_row() {
    let (dir, db) = common::temp_db();
    five_views(&db);
    let path = dir.path().join(db::DB_FILE);

    let report = glabella_core::check::check(&path, common::key()).unwrap();
    assert_eq!(report.problems, 0, "{:?}", report.lines);
    assert!(
        report.lines.iter().any(|l| l.starts_with("audit log: 5 entries, hash chain intact")),
        "{:?}",
        report.lines
    );

    tamper(&db).execute("UPDATE audit_log SET username = 'someone else' WHERE id = 2", []).unwrap();
    let report = glabella_core::check::check(&path, common::key()).unwrap();
    assert_eq!(report.problems, 1, "{:?}", report.lines);
    let line = report.lines.iter().find(|l| l.starts_with("PROBLEM: audit log")).unwrap();
    assert!(line.contains("breaks at row 2") && line.contains("changed"), "{line}");
}

#[test]
fn a_version_1_database_is_upgraded_to_an_empty_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(db::DB_FILE);
    {
        common::database_at_version(&path, 1);
    }
    let report = glabella_core::check::check(&path, common::key()).unwrap();
    assert_eq!(report.problems, 0, "a database without an audit log yet is fine: {:?}", report.lines);

    let db = common::reopen(dir.path());
    assert_eq!(db.read(db::schema_version).unwrap(), db::LATEST_VERSION);
    db.write(|tx| record(tx, &view(1))).unwrap();
    assert!(matches!(status(&db), ChainStatus::Intact { entries: 1, .. }));
}

#[test]
fn the_view_filters_by_day_user_patient_and_action_newest_first() {
    let (_dir, db) = common::temp_db();
    let set_zone = |zone: &str| {
        db.write(|tx| {
            tx.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('time_zone', ?1)", [zone])?;
            Ok(())
        })
        .unwrap()
    };
    set_zone("UTC");
    add_user(&db, 1, "anna");
    add_user(&db, 2, "ben");
    let anna = |action| NewEntry::new(Some(1), "anna", action);
    let ben = |action| NewEntry::new(Some(2), "ben", action);
    let rows = [
        (at(26, 23), anna(Action::Login)),
        (at(27, 0), anna(Action::PatientView).on(entity::PATIENT, 7)),
        (at(27, 9), ben(Action::PatientView).on(entity::PATIENT, 8)),
        (at(27, 23), ben(Action::PatientUpdate).on(entity::PATIENT, 7)),
        (at(28, 0), anna(Action::PatientView).on(entity::USER, 7)), // a user 7, not patient 7
        (at(28, 10), NewEntry::new(None, "=cmd", Action::LoginFailed)),
    ];
    for (time, entry) in &rows {
        db.write(|tx| record_at(tx, entry, *time)).unwrap();
    }
    let ids = |filter: AuditFilter| -> Vec<i64> {
        db.read(|c| list_entries(c, &filter)).unwrap().into_iter().map(|e| e.id).collect()
    };
    let day = |d: &str| Some(d.to_string());

    assert_eq!(ids(AuditFilter::default()), [6, 5, 4, 3, 2, 1]);
    assert_eq!(ids(AuditFilter { from: day("2026-11-27"), to: day("2026-11-27"), ..Default::default() }), [4, 3, 2]);
    assert_eq!(ids(AuditFilter { from: day("2026-11-28"), ..Default::default() }), [6, 5]);
    assert_eq!(ids(AuditFilter { to: day("2026-11-26"), ..Default::default() }), [1]);
    // The days are the clinic's: in Chicago (UTC−6) the 27th runs from 06:00 UTC.
    set_zone("America/Chicago");
    assert_eq!(ids(AuditFilter { from: day("2026-11-27"), to: day("2026-11-27"), ..Default::default() }), [5, 4, 3]);
    set_zone("UTC");
    assert_eq!(ids(AuditFilter { user_id: Some(2), ..Default::default() }), [4, 3]);
    assert_eq!(ids(AuditFilter { patient_id: Some(7), ..Default::default() }), [4, 2]);
    assert_eq!(ids(AuditFilter { action: Some(Action::PatientView), ..Default::default() }), [5, 3, 2]);
    assert_eq!(
        ids(AuditFilter {
            action: Some(Action::PatientView),
            user_id: Some(1),
            patient_id: Some(7),
            ..Default::default()
        }),
        [2]
    );
    assert_eq!(ids(AuditFilter { limit: Some(2), ..Default::default() }), [6, 5]);
    assert_eq!(ids(AuditFilter { action: Some(Action::Setup), ..Default::default() }), Vec::<i64>::new());
}

#[test]
fn bad_filter_dates_are_validation_errors_on_their_field() {
    let (_dir, db) = common::temp_db();
    let list = |filter: AuditFilter| db.read(|c| list_entries(c, &filter)).unwrap_err();
    let err = list(AuditFilter { from: Some("28.11.2026".into()), ..Default::default() });
    assert_eq!((err.code(), err.field()), ("validation", Some("from")));
    let err =
        list(AuditFilter { from: Some("2026-11-28".into()), to: Some("2026-11-27".into()), ..Default::default() });
    assert_eq!((err.code(), err.field()), ("validation", Some("to")));
}

#[test]
fn action_codes_are_stable_dotted_text_over_ipc_too() {
    assert_eq!(Action::PatientView.code(), "patient.view");
    assert_eq!(Action::LoginFailed.code(), "login.failed");
    for &action in Action::ALL {
        assert_eq!(serde_json::to_value(action).unwrap(), action.code(), "{action:?}");
        assert_eq!(Action::from_code(action.code()), Some(action));
    }
    assert_eq!(Action::from_code("patient.teleport"), None);
    let mut codes: Vec<_> = Action::ALL.iter().map(|a| a.code()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), Action::ALL.len(), "codes are unique");
}

#[test]
fn a_typed_username_is_clipped_before_it_is_stored() {
    let (_dir, db) = common::temp_db();
    let entry = db.write(|tx| record(tx, &NewEntry::new(None, "x".repeat(10_000), Action::LoginFailed))).unwrap();
    assert_eq!(entry.username.chars().count(), 100);
    assert!(matches!(status(&db), ChainStatus::Intact { entries: 1, .. }));
}

#[test]
fn the_csv_export_quotes_and_neutralises_cells() {
    let (_dir, db) = common::temp_db();
    append(
        &db,
        &[
            NewEntry::new(None, "=HYPERLINK(\"http://evil\")", Action::LoginFailed),
            view(42).described("reason: \"follow-up\", booked\nby phone"),
            NewEntry::new(None, "-anna", Action::Logout).described("+1 @home"),
        ],
    );
    let entries = db.read(|c| list_entries(c, &AuditFilter::default())).unwrap();
    let csv = to_csv(&entries);
    let expected = "\u{feff}id,time_utc,user_id,username,action,entity,entity_id,description\r\n\
        3,2026-11-28T10:00:00.000Z,,'-anna,logout,,,'+1 @home\r\n\
        2,2026-11-28T09:00:00.000Z,,anna,patient.view,patient,42,\"reason: \"\"follow-up\"\", booked\nby phone\"\r\n\
        1,2026-11-28T08:00:00.000Z,,\"'=HYPERLINK(\"\"http://evil\"\")\",login.failed,,,\r\n";
    assert_eq!(csv, expected);
    assert_eq!(to_csv(&[]), "\u{feff}id,time_utc,user_id,username,action,entity,entity_id,description\r\n");
}
