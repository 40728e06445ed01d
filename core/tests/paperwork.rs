//! The front desk's paperwork through the API, read back as the printer or the
//! spreadsheet gets it: the recall call list printed (its text read back by
//! `common::pdf`) and saved as CSV, and an injector's day sheet, in a
//! Chicago clinic that writes dates month first and times with AM/PM.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use glabella_core::api::{self, signin::Desk};
use glabella_core::audit::{list_entries, Action, AuditEntry, AuditFilter};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::{Actor, Role};
use glabella_core::booking::book::BookingForm;
use glabella_core::booking::calls::CallListQuery;
use glabella_core::booking::{AppointmentKind, CancelReason, Status};
use glabella_core::calendar::{DateFormat, TimeFormat};
use glabella_core::clinic::Clinic;
use glabella_core::clock::TestClock;
use glabella_core::db::keys::KdfParams;
use glabella_core::files::SaveDialog;
use glabella_core::patients::PatientDetails;
use glabella_core::printing::Printer;
use glabella_core::products::TreatmentKind;

struct Front {
    dir: tempfile::TempDir,
    clock: Arc<TestClock>,
    clinic: Arc<Clinic>,
    admin: Actor,
    nadia: Actor,
    omar: Actor,
    rosa: Actor,
    room: i64,
}

impl Front {
    fn printed(&self, job: &str) -> Vec<u8> {
        let path = self.dir.path().join("printed").join(job);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{} was not printed: {e}", path.display()))
    }

    fn patient(&self, given: &str, family: &str, phone: &str) -> i64 {
        let details = PatientDetails { phone: phone.into(), ..common::person(given, family, "1980-01-01") };
        api::patients::register_patient(&self.clinic, &self.admin, &details, true).unwrap().id
    }

    /// The audit entries of `action`, newest first.
    fn audited(&self, action: Action) -> Vec<AuditEntry> {
        let filter = AuditFilter { action: Some(action), ..AuditFilter::default() };
        self.clinic.db().read(|c| list_entries(c, &filter)).unwrap()
    }
}

/// Tuesday 1 December 2026, 08:00 in Chicago (14:00 UTC): injectors Nadia Needle and
/// Omar, receptionist Rosa, one room; its printer is a folder.
fn front_desk() -> Front {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(Utc.with_ymd_and_hms(2026, 12, 1, 14, 0, 0).unwrap());
    let desk = Desk::new(dir.path())
        .with_kdf(KdfParams::INSECURE_FAST)
        .with_clock(clock.clone())
        .with_printer(Printer::ToFolder(dir.path().join("printed")));
    let settings = ClinicSettings {
        clinic_name: "Lakeside Aesthetics".into(),
        clinic_address: "200 Lake Shore Drive, Chicago IL".into(),
        clinic_phone: "(312) 555-0100".into(),
        time_zone: "America/Chicago".into(),
        date_format: DateFormat::MonthDayYear,
        time_format: TimeFormat::TwelveHour,
        ..common::desk::settings()
    };
    let admin = desk.setup_clinic(&settings, &common::desk::owner()).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    let user = |username: &str, name: &str, role| {
        let form =
            NewUser { username: username.into(), display_name: name.into(), role, password: "a password".into() };
        let u = api::users::create_user(&clinic, &admin, &form).unwrap();
        Actor::new(u.id, u.username, u.display_name, role)
    };
    let nadia = user("nadia", "Nadia Needle", Role::Injector);
    let omar = user("omar", "Omar", Role::Injector);
    let rosa = user("rosa", "Rosa", Role::Receptionist);
    let room = api::booking::add_room(&clinic, &admin, "Room 1").unwrap().rooms[0].id;
    Front { dir, clock, clinic, admin, nadia, omar, rosa, room }
}

/// The PDF's text with every run of white space as one space: line and page breaks
/// too, or (`by_line`) the lines as laid out on the page, one table row a line.
fn text_of(pdf: &[u8], by_line: bool) -> String {
    if by_line {
        common::pdf::lines(pdf).join("\n")
    } else {
        common::pdf::text(pdf)
    }
}

/// Where each of `words` first appears in `text`, failing if one is missing.
fn positions(text: &str, words: &[&str]) -> Vec<usize> {
    words.iter().map(|w| text.find(w).unwrap_or_else(|| panic!("{w:?} is not in: {text}"))).collect()
}

/// Saves into a folder, or cancels (the app shows the native dialog).
struct Dialog(Option<PathBuf>);

impl SaveDialog for Dialog {
    fn choose(&self, file_name: &str, _: &str, _: &str) -> Option<PathBuf> {
        self.0.as_ref().map(|dir| dir.join(file_name))
    }
}

/// Ann, Ben and "=cmd" (the one whose name a spreadsheet would run) are due in March
/// 2027 and nobody has called them; Dora is due in June. The clock is then moved to
/// Saturday 20 February 2027, when the first three are due within the fortnight.
fn due_patients(f: &Front) -> [i64; 4] {
    let ann = f.patient("Ann", "Lee", "(555) 010-2030");
    let ben = f.patient("Ben", "Okafor", "+1 312 555 0199");
    let cmd = f.patient("=cmd", "Smith", "(555) 010-7777");
    let dora = f.patient("Dora", "Diaz", "(555) 010-8888");
    for (patient, due) in [(ann, "2027-03-01"), (ben, "2027-02-25"), (cmd, "2027-03-05"), (dora, "2027-06-01")] {
        let s = api::sessions::start_session(&f.clinic, &f.nadia, patient, TreatmentKind::Neurotoxin).unwrap();
        common::desk::sign_neurotoxin(&f.clinic, &f.nadia, s.id, Some(due));
    }
    f.clock.set(Utc.with_ymd_and_hms(2027, 2, 20, 16, 0, 0).unwrap());
    [ann, ben, cmd, dora]
}

#[test]
fn the_printed_call_list_has_everyone_due_with_their_phones_in_the_clinics_date_format() {
    let f = front_desk();
    due_patients(&f);
    // The screen shows one row per page here; the printed list has every page.
    let query = CallListQuery { limit: 1, ..CallListQuery::default() };
    assert!(api::calls::recall_list(&f.clinic, &f.rosa, &query).unwrap().more);

    assert_eq!(api::calls::print_call_list(&f.clinic, &f.rosa, &query, &*f.clinic).unwrap(), 3);
    let pdf = f.printed("call-list-2027-02-20.pdf");
    keep("call-list.pdf", &pdf);
    let text = text_of(&pdf, false);
    for expected in [
        "Lakeside Aesthetics",
        "200 Lake Shore Drive, Chicago IL",
        "(312) 555-0100",
        "Recall calls",
        "by 03/06/2027, or overdue",
        "Ann Lee",
        "(555) 010-2030",
        "Ben Okafor",
        "+1 312 555 0199",
        "=cmd Smith",
        "Neurotoxin, 12/01/2026",
        "Nadia Needle",
        "03/01/2027 (in 9 days)",
        "02/25/2027 (in 5 days)",
        "Printed by Rosa on 02/20/2027 at 10:00 AM",
    ] {
        assert!(text.contains(expected), "{expected:?} is not in the call list: {text}");
    }
    assert!(!text.contains("Dora"), "Dora is not due until June: {text}");
    // In the screen's order: those due in the coming days first, the latest due at the top.
    let at = positions(&text, &["=cmd Smith", "Ann Lee", "Ben Okafor"]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "not in the screen's order: {text}");

    let audited = f.audited(Action::CallListExport);
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].username, "rosa");
    assert_eq!(audited[0].description, "recall call list of 3 patients printed");
    assert!(!audited[0].description.contains("Lee"), "the audit log names no patient");
}

#[test]
fn the_call_list_csv_has_a_header_row_and_neutralises_a_name_that_looks_like_a_formula() {
    let f = front_desk();
    due_patients(&f);
    let out = tempfile::tempdir().unwrap();
    let query = CallListQuery { limit: 2, ..CallListQuery::default() };

    let cancelled = api::calls::export_call_list_csv(&f.clinic, &f.admin, &query, &Dialog(None)).unwrap();
    assert_eq!(cancelled, None);
    assert!(f.audited(Action::CallListExport).is_empty(), "a cancelled export discloses nothing");

    let saved = api::calls::export_call_list_csv(&f.clinic, &f.rosa, &query, &Dialog(Some(out.path().into())))
        .unwrap()
        .unwrap();
    assert_eq!((saved.file_name.as_str(), saved.patients), ("call-list-2027-02-20.csv", 3));
    let csv = std::fs::read_to_string(out.path().join(&saved.file_name)).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "Patient,Phone,Last treatment,Treated on,Injector,Next due,Due,Last call");
    assert_eq!(lines.len(), 4, "a header and three patients:\n{csv}");
    assert!(lines[1].starts_with("'=cmd Smith,"), "the formula is shown as text: {}", lines[1]);
    assert_eq!(lines[3], "Ben Okafor,'+1 312 555 0199,Neurotoxin,12/01/2026,Nadia Needle,02/25/2027,in 5 days,");

    let audited = f.audited(Action::CallListExport);
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].description, "recall call list of 3 patients exported as CSV");
}

fn booking(f: &Front, patient: i64, injector: &Actor, time: &str, minutes: u32, note: &str) -> BookingForm {
    BookingForm {
        patient_id: patient,
        injector_id: injector.user_id,
        room_id: Some(f.room),
        kind: AppointmentKind::Neurotoxin,
        date: "12/01/2026".into(),
        time: time.into(),
        minutes,
        note: note.into(),
        book_anyway: false,
    }
}

#[test]
fn the_day_sheet_lists_the_injectors_day_in_time_order_and_marks_patients_with_alerts() {
    let f = front_desk();
    let ann = f.patient("Ann", "Lee", "(555) 010-2030");
    let allergic =
        PatientDetails { allergies: "Penicillin, latex".into(), ..common::person("Ben", "Okafor", "1975-05-05") };
    let ben = api::patients::register_patient(&f.clinic, &f.admin, &allergic, true).unwrap().id;
    let cara = f.patient("Cara", "Cancelled", "(555) 010-3333");
    let noah = f.patient("Noah", "Noshow", "(555) 010-4444");
    let otto = f.patient("Otto", "Other", "(555) 010-5555");
    let book = |form: BookingForm| api::appointments::book_appointment(&f.clinic, &f.rosa, &form).unwrap().appointment;
    book(booking(&f, ann, &f.nadia, "2:00 PM", 30, "Top-up"));
    book(booking(&f, ben, &f.nadia, "9:00 AM", 30, "First visit"));
    let cancelled = book(booking(&f, cara, &f.nadia, "10:00 AM", 30, ""));
    api::appointments::cancel_appointment(&f.clinic, &f.rosa, cancelled.id, CancelReason::Patient).unwrap();
    let missed = book(booking(&f, noah, &f.nadia, "11:00 AM", 15, ""));
    api::appointments::set_appointment_status(&f.clinic, &f.rosa, missed.id, Status::NoShow).unwrap();
    book(booking(&f, otto, &f.omar, "9:30 AM", 30, ""));

    // Nadia prints her own day.
    assert_eq!(
        api::appointments::print_day_sheet(&f.clinic, &f.nadia, "12/01/2026", f.nadia.user_id, &*f.clinic).unwrap(),
        2
    );
    let pdf = f.printed(&format!("day-sheet-2026-12-01-{}.pdf", f.nadia.user_id));
    keep("day-sheet.pdf", &pdf);
    let text = text_of(&pdf, false);
    for expected in [
        "Lakeside Aesthetics",
        "Day sheet: Nadia Needle",
        "Tuesday 12/01/2026",
        "9:00 AM – 9:30 AM",
        "2:00 PM – 2:30 PM",
        "Room 1",
        "Neurotoxin",
        "First visit",
        "Top-up",
        "Allergies or a medical flag: see the chart before treating.",
    ] {
        assert!(text.contains(expected), "{expected:?} is not on the day sheet: {text}");
    }
    // Row by row, as laid out on the page: Ben first with the mark, then Ann without.
    let rows: Vec<String> =
        text_of(&pdf, true).lines().filter(|l| l.contains(" AM ") || l.contains(" PM ")).map(String::from).collect();
    assert_eq!(
        rows,
        [
            "! 9:00 AM – 9:30 AM Ben Okafor Neurotoxin Room 1 First visit",
            "2:00 PM – 2:30 PM Ann Lee Neurotoxin Room 1 Top-up",
            "Printed by Nadia Needle on 12/01/2026 at 8:00 AM · Lakeside Aesthetics Page 1 of 1",
        ]
    );
    for absent in ["Cara", "Noah", "Otto", "Penicillin"] {
        assert!(!text.contains(absent), "{absent:?} is on the day sheet: {text}");
    }

    let audited = f.audited(Action::DaySheetPrint);
    assert_eq!(audited.len(), 1);
    assert_eq!((audited[0].entity.as_str(), audited[0].entity_id.clone()), ("user", f.nadia.user_id.to_string()));
    assert_eq!(audited[0].description, "day sheet of 2026-12-01 printed: 2 appointments, 2 patients");

    // The desk prints anyone's day; only injectors have day sheets.
    assert_eq!(
        api::appointments::print_day_sheet(&f.clinic, &f.rosa, "2026-12-01", f.omar.user_id, &*f.clinic).unwrap(),
        1
    );
    let err = api::appointments::print_day_sheet(&f.clinic, &f.rosa, "", f.rosa.user_id, &*f.clinic).unwrap_err();
    assert_eq!(err.code(), "not_found");
}

/// Keeps a copy of a document for a person to look at, when `GLABELLA_PAPERWORK_OUT`
/// names a folder.
fn keep(name: &str, pdf: &[u8]) {
    if let Ok(dir) = std::env::var("GLABELLA_PAPERWORK_OUT") {
        std::fs::write(Path::new(&dir).join(name), pdf).unwrap();
    }
}
