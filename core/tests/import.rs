//! Importing patients from a CSV file: what the preview says before anything is
//! written, what the import adds, skips and merges, and files that try to break it.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use glabella_core::api::{self, signin::Desk};
use glabella_core::audit::{Action, AuditFilter};
use glabella_core::auth::Actor;
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::imports::OpenDialog;
use glabella_core::imports::{
    CsvFile, DatePattern, Delimiter, DuplicateRule, ImportField, ImportOptions, PatientImportPreview, TextEncoding,
};
use glabella_core::patients::Patient;

struct Open {
    _dir: tempfile::TempDir,
    _desk: Desk,
    clinic: Arc<Clinic>,
    admin: Actor,
}

/// A new clinic (dates written day first) with Ann Lee, born 1 January 1980, registered.
fn clinic() -> Open {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::new(dir.path()).with_kdf(KdfParams::INSECURE_FAST);
    let admin = desk.setup_clinic(&common::desk::settings(), &common::desk::owner()).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    let ann = glabella_core::patients::PatientDetails {
        address: String::new(),
        ..common::person("Ann", "Lee", "1980-01-01")
    };
    api::patients::register_patient(&clinic, &admin, &ann, false).unwrap();
    Open { _dir: dir, _desk: desk, clinic, admin }
}

fn file(text: &str) -> CsvFile {
    CsvFile::from_bytes("patients.csv", text.as_bytes().to_vec()).unwrap()
}

impl Open {
    fn preview(&self, file: &CsvFile, options: &ImportOptions) -> PatientImportPreview {
        api::imports::preview_file(&self.clinic, &self.admin, file, options).unwrap()
    }

    fn patients(&self) -> Vec<Patient> {
        let ids: Vec<i64> = self
            .clinic
            .db()
            .read(|c| {
                let mut stmt = c.prepare("SELECT id FROM patients ORDER BY id")?;
                let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                Ok(ids)
            })
            .unwrap();
        ids.iter()
            .map(|id| self.clinic.db().read(|c| glabella_core::patients::get_patient(c, &self.admin, *id)).unwrap())
            .collect()
    }

    fn names(&self) -> Vec<String> {
        self.patients().iter().map(|p| format!("{} {}", p.details.given_name, p.details.family_name)).collect()
    }

    fn imports_audited(&self) -> Vec<String> {
        let filter = AuditFilter { action: Some(Action::PatientImport), ..Default::default() };
        api::audit::list_audit(&self.clinic, &self.admin, &filter).unwrap().into_iter().map(|e| e.description).collect()
    }
}

const LIST: &str = "First Name,Surname,DOB,Mobile,E-mail\n\
                    Zoë,Müller,14/03/1985,+49 170 1234567,zoe@example.com\n\
                    Bo,Kim,05/05/1990,,\n";

#[test]
fn detects_delimiter_and_encoding_including_windows_1252() {
    let open = clinic();
    for (text, delimiter) in [
        (LIST.to_string(), Delimiter::Comma),
        (LIST.replace(',', ";"), Delimiter::Semicolon),
        (LIST.replace(',', "\t"), Delimiter::Tab),
    ] {
        let preview = open.preview(&file(&text), &ImportOptions::default());
        assert_eq!(preview.settings.delimiter, delimiter);
        assert_eq!(preview.settings.encoding, TextEncoding::Utf8);
        assert_eq!((preview.rows, preview.to_add), (2, 2), "{delimiter:?}");
        assert_eq!(preview.sample[0][0], "Zoë");
    }
    // With a byte-order mark, as Excel's "CSV UTF-8" writes.
    let preview = open.preview(&file(&format!("\u{feff}{LIST}")), &ImportOptions::default());
    assert_eq!((preview.headers[0].as_str(), preview.to_add), ("First Name", 2));

    // Excel's plain "CSV" on Windows: Windows-1252, semicolons in much of Europe.
    let semicolons = LIST.replace(',', ";");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&semicolons);
    let legacy = CsvFile::from_bytes("legacy.csv", bytes.into_owned()).unwrap();
    let preview = open.preview(&legacy, &ImportOptions::default());
    assert_eq!(
        (preview.settings.encoding, preview.settings.delimiter),
        (TextEncoding::Windows1252, Delimiter::Semicolon)
    );
    assert_eq!(&preview.sample[0][..2], ["Zoë", "Müller"]);
    api::imports::import_file(&open.clinic, &open.admin, &legacy, &ImportOptions::default()).unwrap();
    assert_eq!(open.names(), ["Ann Lee", "Zoë Müller", "Bo Kim"]);

    // The guess can be changed: read as UTF-8 the accents are lost, and the page shows it.
    let forced = ImportOptions { encoding: Some(TextEncoding::Utf8), ..Default::default() };
    assert_eq!(open.preview(&legacy, &forced).sample[0][0], "Zo\u{fffd}");
}

#[test]
fn common_headers_are_mapped_and_the_mapping_can_be_changed() {
    let open = clinic();
    let text = "Given Name,Last Name,Date of Birth,Gender,Phone,Email Address,Street Address,Allergy,Medication,Comments,Patient ID,Favourite colour\n\
                Cy,Ng,1970-02-03,F,555 010 9999,cy@example.com,1 Main St,latex,none,likes tea,P-77,blue\n";
    let preview = open
        .preview(&file(text), &ImportOptions { date_pattern: Some(DatePattern::YearMonthDay), ..Default::default() });
    let mut expected: Vec<Option<ImportField>> = ImportField::ALL.into_iter().map(Some).collect();
    expected.push(None);
    assert_eq!(preview.settings.columns, expected);
    assert!(preview.unmapped.is_empty());
    let report = api::imports::import_file(
        &open.clinic,
        &open.admin,
        &file(text),
        &ImportOptions { date_pattern: Some(DatePattern::YearMonthDay), ..Default::default() },
    )
    .unwrap();
    assert_eq!(report.added, 1);
    let cy = open.patients().pop().unwrap();
    assert_eq!(
        (
            cy.details.date_of_birth.as_str(),
            cy.details.sex.as_str(),
            cy.details.allergies.as_str(),
            cy.external_id.as_str()
        ),
        ("1970-02-03", "female", "latex", "P-77")
    );
    assert_eq!(cy.details.notes, "likes tea");

    // Headers nobody could guess: the required fields are named, and the mapping fixes it.
    let odd = file("Vorname;Zuname;Born on\nDe;Ox;01/02/1960\n");
    let preview = open.preview(&odd, &ImportOptions::default());
    assert_eq!(preview.unmapped, [ImportField::LastName, ImportField::DateOfBirth]);
    assert_eq!(preview.to_add, 0);
    let refused = api::imports::import_file(&open.clinic, &open.admin, &odd, &ImportOptions::default()).unwrap_err();
    assert_eq!(refused.field(), Some("columns"));
    let headers = preview.headers.clone();
    let columns = glabella_core::imports::parse_mapping("last=Zuname, dob=born on", &headers).unwrap();
    let preview = open.preview(&odd, &ImportOptions { columns: Some(columns), ..Default::default() });
    assert_eq!((preview.unmapped.len(), preview.to_add), (0, 1));
    assert!(glabella_core::imports::parse_mapping("birthday=Born on", &headers)
        .unwrap_err()
        .to_string()
        .contains("is not a field"));
    assert!(glabella_core::imports::parse_mapping("dob=Geboren", &headers)
        .unwrap_err()
        .to_string()
        .contains("no column \"Geboren\""));
}

#[test]
fn each_row_that_cannot_be_imported_is_named_with_its_reason() {
    let open = clinic();
    let huge = "x".repeat(10 * 1024 * 1024);
    let text = format!(
        "First name,Last name,DOB,Sex,Phone,Email,Notes\n\
         Ok,Person,01/02/1980,,,,\n\
         Bad,Date,31/02/1980,,,,\n\
         No,,01/02/1980,,,,\n\
         Bad,Email,01/02/1980,,,not-an-address,\n\
         Bad,Phone,01/02/1980,,call me,,\n\
         Future,Born,01/02/2999,,,,\n\
         Odd,Sex,01/02/1980,Q,,,\n\
         Big,Notes,01/02/1980,,,,{huge}\n\
         No,Date,,,,,\n"
    );
    let preview = open.preview(&file(&text), &ImportOptions::default());
    let reasons: Vec<(u32, &str)> = preview.refused.iter().map(|r| (r.row, r.reason.as_str())).collect();
    assert_eq!(
        reasons,
        [
            (3, "date of birth 31/02/1980 is not a date (read as DD/MM/YYYY)"),
            (4, "Last name is required."),
            (5, "Email does not look like an address (e.g. name@example.com)."),
            (6, "Phone may contain only digits, spaces and + - ( ) . /"),
            (7, "Date of birth cannot be in the future."),
            (8, "sex \"Q\" is not one of female, male or other"),
            (9, "Notes is too long (at most 20000 characters)."),
            (10, "Date of birth is required."),
        ]
    );
    assert_eq!((preview.rows, preview.to_add, preview.refused_count), (9, 1, 8));
    let report = api::imports::import_file(&open.clinic, &open.admin, &file(&text), &ImportOptions::default()).unwrap();
    assert_eq!((report.added, report.refused_count), (1, 8));
    assert_eq!(open.names(), ["Ann Lee", "Ok Person"]);

    // The same dates read month first: row 3 is still no date, and 01/02 is 2 January.
    let month_first = ImportOptions { date_pattern: Some(DatePattern::MonthDayYear), ..Default::default() };
    let preview = open.preview(&file(&text), &month_first);
    assert_eq!(preview.refused[0].reason, "date of birth 31/02/1980 is not a date (read as MM/DD/YYYY)");
}

#[test]
fn likely_duplicates_are_skipped_or_merged_into_empty_fields_only() {
    let open = clinic();
    // Ann Lee as the old system spelled her, with an address the chart lacks and another phone.
    let text = "First,Last,DOB,Phone,Address,ID\nANN,lée,01/01/1980,555 999 0000,\"2 High St\nFlat 3\",A-1\nNew,Person,02/02/1992,,,N-1\n";
    let preview = open.preview(&file(text), &ImportOptions::default());
    assert_eq!((preview.to_add, preview.duplicates_existing, preview.duplicates_in_file), (1, 1, 0));

    let report = api::imports::import_file(&open.clinic, &open.admin, &file(text), &ImportOptions::default()).unwrap();
    assert_eq!((report.added, report.merged, report.skipped), (1, 0, 1));
    let ann = &open.patients()[0];
    assert_eq!((ann.details.address.as_str(), ann.external_id.as_str()), ("", ""), "skipped: left as it was");

    let merge = ImportOptions { duplicates: DuplicateRule::Merge, ..Default::default() };
    let report = api::imports::import_file(&open.clinic, &open.admin, &file(text), &merge).unwrap();
    assert_eq!((report.added, report.merged, report.skipped), (0, 1, 1), "New Person is known by now");
    let ann = &open.patients()[0];
    assert_eq!(ann.details.address, "2 High St\nFlat 3", "an empty field filled, its line break kept");
    assert_eq!(ann.details.phone, "(555) 010-2030", "a filled field never changed");
    assert_eq!(ann.external_id, "A-1");
    // Found by the new external id even with her name spelled differently.
    let renamed = file("First,Last,DOB,ID\nAnnie,Lee-Smith,01/01/1980,A-1\n");
    assert_eq!(open.preview(&renamed, &ImportOptions::default()).duplicates_existing, 1);
    assert_eq!(open.names(), ["Ann Lee", "New Person"]);
}

#[test]
fn the_same_file_twice_adds_no_one_twice_and_repeats_in_a_file_count_once() {
    let open = clinic();
    let text =
        "First,Last,DOB,ID\nBo,Kim,05/05/1990,\nbo,KIM,05/05/1990,\nCy,Ng,06/06/1966,X1\nCyril,Ng,07/07/1967,X1\n";
    let preview = open.preview(&file(text), &ImportOptions::default());
    assert_eq!((preview.to_add, preview.duplicates_in_file), (2, 2));
    let first = api::imports::import_file(&open.clinic, &open.admin, &file(text), &ImportOptions::default()).unwrap();
    let second = api::imports::import_file(&open.clinic, &open.admin, &file(text), &ImportOptions::default()).unwrap();
    assert_eq!((first.added, first.skipped), (2, 2));
    assert_eq!((second.added, second.skipped), (0, 4));
    assert_eq!(open.names(), ["Ann Lee", "Bo Kim", "Cy Ng"]);

    // Each import is audited once, with who, the counts and the file's SHA-256.
    let audited = open.imports_audited();
    assert_eq!(audited.len(), 2);
    assert!(audited[0].contains("0 added") && audited[1].contains("2 added, 0 merged, 2 skipped"), "{audited:?}");
    assert!(audited[0].ends_with(&first.sha256) && first.sha256.len() == 64);
}

#[test]
fn a_row_failing_during_the_commit_leaves_no_one_added() {
    let open = clinic();
    open.clinic
        .db()
        .write(|tx| {
            Ok(tx.execute_batch(
                "CREATE TRIGGER fail_boom BEFORE INSERT ON patients WHEN NEW.given_name = 'Boom'
                 BEGIN SELECT RAISE(ABORT, 'forced failure'); END;",
            )?)
        })
        .unwrap();
    let mut text = String::from("First,Last,DOB\n");
    for i in 0..50 {
        text.push_str(&format!("Pat{i},Row,01/01/1970\n"));
    }
    text.push_str("Boom,Last,01/01/1970\nAfter,Boom,01/01/1970\n");
    assert_eq!(open.preview(&file(&text), &ImportOptions::default()).to_add, 52);
    assert!(api::imports::import_file(&open.clinic, &open.admin, &file(&text), &ImportOptions::default()).is_err());
    assert_eq!(open.names(), ["Ann Lee"], "nobody added");
    assert!(open.imports_audited().is_empty(), "nor audited");
    let found = api::patients::search_patients(&open.clinic, &open.admin, "pat1", false).unwrap();
    assert!(found.is_empty(), "no search terms left behind");
}

#[test]
fn hostile_files_are_refused_clearly_or_stored_as_plain_text() {
    let open = clinic();
    // A binary file renamed .csv (a PNG), and a spreadsheet's own format.
    for bytes in [common::TINY_PNG.to_vec(), b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00".to_vec()] {
        let refused = CsvFile::from_bytes("list.csv", bytes).unwrap_err();
        assert!(refused.to_string().starts_with("This is not a CSV text file."), "{refused}");
    }
    assert_eq!(CsvFile::from_bytes("empty.csv", b"\r\n".to_vec()).unwrap_err().to_string(), "empty.csv is empty.");

    // Formula cells are text, stored as typed, never evaluated.
    let text = "First,Last,DOB,Notes\n=1+1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",01/01/1970,@SUM(A1)\n";
    api::imports::import_file(&open.clinic, &open.admin, &file(text), &ImportOptions::default()).unwrap();
    let p = open.patients().pop().unwrap();
    assert_eq!(
        (p.details.given_name.as_str(), p.details.family_name.as_str()),
        ("=1+1", "=HYPERLINK(\"http://x\",\"y\")")
    );
    assert_eq!(p.details.notes, "@SUM(A1)");

    // More than 100,000 rows: refused whole, before anything is checked.
    let mut many = String::from("First,Last,DOB\n");
    for i in 0..=100_000 {
        many.push_str(&format!("P{i},Q,01/01/1970\n"));
    }
    let refused =
        api::imports::preview_file(&open.clinic, &open.admin, &file(&many), &ImportOptions::default()).unwrap_err();
    assert!(refused.to_string().starts_with("This file has more than 100000 rows"), "{refused}");

    // A file over 50 MB is refused before it is read.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big).unwrap().set_len(51 * 1024 * 1024).unwrap();
    let refused = CsvFile::read(&big).unwrap_err();
    assert!(refused.to_string().contains("Glabella imports files of up to 50 MB"), "{refused}");
    assert_eq!(open.names().len(), 2, "only the formula patient was added");
}

/// Answers the open dialog with a file, or cancels.
struct Pick(Option<PathBuf>);

impl OpenDialog for Pick {
    fn choose_file(&self, _: &str, _: &str, _: &[&str]) -> Option<PathBuf> {
        self.0.clone()
    }
}

#[test]
fn the_chosen_file_is_held_by_token_until_it_is_imported() {
    let open = clinic();
    assert!(api::imports::choose_import_file(&open.clinic, &open.admin, &Pick(None)).unwrap().is_none());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("from-old-system.csv");
    std::fs::write(&path, LIST).unwrap();
    let preview = api::imports::choose_import_file(&open.clinic, &open.admin, &Pick(Some(path))).unwrap().unwrap();
    assert_eq!(
        (preview.file_name.as_str(), preview.size_bytes, preview.to_add),
        ("from-old-system.csv", LIST.len() as u64, 2)
    );
    let again =
        api::imports::preview_import(&open.clinic, &open.admin, &preview.token, &ImportOptions::default()).unwrap();
    assert_eq!(again.token, preview.token);
    assert!(
        api::imports::preview_import(&open.clinic, &open.admin, "not-the-token", &ImportOptions::default()).is_err()
    );
    let report =
        api::imports::import_patients(&open.clinic, &open.admin, &preview.token, &ImportOptions::default()).unwrap();
    assert_eq!(report.added, 2);
    let gone = api::imports::import_patients(&open.clinic, &open.admin, &preview.token, &ImportOptions::default())
        .unwrap_err();
    assert!(gone.to_string().contains("choose it again"), "{gone}");
    // Found by search as soon as imported.
    let found = api::patients::search_patients(&open.clinic, &open.admin, "muller", false).unwrap();
    assert_eq!(found.len(), 1);
}

#[test]
fn a_version_8_database_is_upgraded_with_empty_external_ids() {
    let dir = tempfile::tempdir().unwrap();
    {
        let c = common::database_at_version(&dir.path().join(glabella_core::db::DB_FILE), 8);
        c.execute_batch(
            "INSERT INTO patients (given_name, family_name, date_of_birth, name_key, sort_key, created_at, updated_at)
             VALUES ('Ann', 'Lee', '1980-01-01', 'ann lee', 'lee ann', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');",
        )
        .unwrap();
    }
    let db = common::reopen(dir.path());
    assert_eq!(db.read(glabella_core::db::schema_version).unwrap(), glabella_core::db::LATEST_VERSION);
    let actor = common::receptionist(&db);
    let ann = db.read(|c| glabella_core::patients::get_patient(c, &actor, 1)).unwrap();
    assert_eq!((ann.details.given_name.as_str(), ann.external_id.as_str()), ("Ann", ""));
}
