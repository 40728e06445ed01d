//! Export everything, read back as the receiving system gets it: the CSV files out of
//! the .zip, the FHIR bundle parsed. A small clinic whose injector signed a Botox, a
//! Dysport and a filler session (and left one draft), with a booking, a handout given
//! and a patient whose name looks like a spreadsheet formula.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use glabella_core::api;
use glabella_core::audit::{list_entries, Action, AuditFilter};
use glabella_core::booking::book::BookingForm;
use glabella_core::booking::AppointmentKind;
use glabella_core::files::SaveDialog;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::PointInput;
use glabella_core::stock::{LotForm, VialForm};
use serde_json::Value;

use common::desk::{signed_session, Signed};
use common::treatment::{DYSPORT_300, JUVEDERM_ULTRA};

/// Saves into a folder, or cancels.
struct Folder(Option<PathBuf>);

impl SaveDialog for Folder {
    fn choose(&self, file_name: &str, _: &str, _: &str) -> Option<PathBuf> {
        self.0.as_ref().map(|dir| dir.join(file_name))
    }
}

/// Signs a session of `kind` for `patient` with one point of `dose` from a new lot.
fn sign(c: &Signed, patient: i64, product: i64, lot: &str, kind: TreatmentKind, area: &str, dose: f64) -> i64 {
    let form = LotForm {
        product_id: Some(product),
        lot_number: lot.into(),
        expiry: "2099-06-30".into(),
        quantity: 2,
        gtin: String::new(),
    };
    let lot = api::stock::receive_lot(&c.clinic, &c.injector, &form).unwrap();
    let diluent = (kind == TreatmentKind::Neurotoxin).then_some(1.5);
    let vial = VialForm { lot_id: lot.id, diluent_ml: diluent, single_patient: false };
    let vial = api::stock::open_vial(&c.clinic, &c.injector, &vial).unwrap();
    let session = api::sessions::start_session(&c.clinic, &c.injector, patient, kind).unwrap();
    let mut form = session.form.clone();
    form.consent_confirmed = true;
    form.consent_version = "v1".into();
    form.screen_acknowledged = true;
    form.points = vec![PointInput { vial_id: vial.id, area: area.into(), x: 0.5, y: 0.5, dose }];
    api::sessions::sign_session(&c.clinic, &c.injector, session.id, &form).unwrap().id
}

struct Clinic {
    c: Signed,
    out: tempfile::TempDir,
    formula: i64,
}

fn clinic() -> Clinic {
    let c = signed_session();
    let details = common::person("=HYPERLINK(\"http://x\")", "Formula", "1975-05-05");
    let formula = api::patients::register_patient(&c.clinic, &c.admin, &details, true).unwrap().id;
    sign(&c, formula, DYSPORT_300, "D555", TreatmentKind::Neurotoxin, "crows_feet_left", 30.0);
    sign(&c, c.patient, JUVEDERM_ULTRA, "J777", TreatmentKind::Filler, "lips", 1.0);
    api::sessions::start_session(&c.clinic, &c.injector, formula, TreatmentKind::Neurotoxin).unwrap(); // a draft
    let booking = BookingForm {
        patient_id: c.patient,
        injector_id: c.injector.user_id,
        room_id: None,
        kind: AppointmentKind::Review,
        date: "2099-01-05".into(),
        time: "10:00".into(),
        minutes: 15,
        note: "two-week review".into(),
        book_anyway: true,
    };
    api::appointments::book_appointment(&c.clinic, &c.admin, &booking).unwrap();
    let out = tempfile::tempdir().unwrap();
    let handouts = Folder(Some(out.path().join("handouts")));
    std::fs::create_dir_all(out.path().join("handouts")).unwrap();
    api::handouts::save_handout_pdf(&c.clinic, &c.injector, c.session, &[], &handouts).unwrap().unwrap();
    Clinic { c, out, formula }
}

impl Clinic {
    fn dialog(&self) -> Folder {
        Folder(Some(self.out.path().to_path_buf()))
    }

    fn fhir(&self) -> Value {
        let saved =
            api::export::export_everything_fhir(&self.c.clinic, &self.c.admin, &self.dialog()).unwrap().unwrap();
        serde_json::from_slice(&std::fs::read(self.out.path().join(&saved.file_name)).unwrap()).unwrap()
    }
}

/// The files of a .zip, by name, as text without the byte-order mark.
fn unzip(path: &Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().unwrap().to_string(), text.trim_start_matches('\u{feff}').to_string())
        })
        .collect()
}

/// A CSV file's rows as maps from its header (no quoted line breaks in these).
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines().map(split);
    let header = lines.next().unwrap();
    lines.map(|cells| header.iter().cloned().zip(cells).collect()).collect()
}

fn split(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(ch),
        }
    }
    cells.push(cell);
    cells
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    let entries = bundle["entry"].as_array().unwrap();
    entries.iter().map(|e| &e["resource"]).filter(|r| r["resourceType"] == kind).collect()
}

/// Every `{"reference": …}` anywhere in `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("reference") {
                found.push(r.clone());
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[test]
fn the_csv_zip_holds_four_files_with_every_point_and_neutralised_formulas() {
    let k = clinic();
    let saved = api::export::export_everything_csv(&k.c.clinic, &k.c.admin, &k.dialog()).unwrap().unwrap();
    assert!(
        saved.file_name.starts_with("glabella-export-") && saved.file_name.ends_with(".zip"),
        "{}",
        saved.file_name
    );
    let counts = &saved.counts;
    assert_eq!((counts.patients, counts.sessions, counts.points), (2, 4, 3), "the draft is in the CSV");
    assert_eq!((counts.appointments, counts.handouts), (1, 1));

    let files = unzip(&k.out.path().join(&saved.file_name));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["patients.csv", "sessions.csv", "appointments.csv", "handouts.csv"]);
    let file = |name: &str| rows(&files.iter().find(|(n, _)| n == name).unwrap().1);

    let patients = file("patients.csv");
    assert_eq!(patients.len(), 2);
    let formula = patients.iter().find(|p| p["Patient ID"] == k.formula.to_string()).unwrap();
    assert_eq!(formula["First name"], "'=HYPERLINK(\"http://x\")", "a formula is shown as text, never run");
    assert_eq!(formula["Date of birth"], "1975-05-05");

    let sessions = file("sessions.csv");
    assert_eq!(sessions.len(), 4, "three points and one empty draft");
    let lot = |lot: &str| sessions.iter().find(|s| s["Lot"] == lot).unwrap();
    let dysport = lot("D555");
    assert_eq!(
        [&dysport["Product"], &dysport["Expiry"], &dysport["Dose"], &dysport["Unit"], &dysport["Area"]],
        ["Dysport 300 U", "2099-06-30", "30", "U", "Crow's feet (left)"],
        "Dysport units stay Dysport units, with their own number"
    );
    assert_eq!(dysport["Patient ID"], k.formula.to_string());
    assert_eq!(dysport["Status"], "signed");
    let botox = lot("C1234");
    assert_eq!([&botox["Product"], &botox["Dose"], &botox["Unit"]], ["Botox Cosmetic 100 U", "20", "U"]);
    let filler = lot("J777");
    assert_eq!([&filler["Dose"], &filler["Unit"], &filler["Area"]], ["1", "mL", "Lips"]);
    assert!(sessions.iter().any(|s| s["Status"] == "draft" && s["Lot"].is_empty()));

    let appointments = file("appointments.csv");
    assert_eq!(appointments.len(), 1);
    assert_eq!(
        [&appointments[0]["Kind"], &appointments[0]["Status"], &appointments[0]["Note"]],
        ["review", "booked", "two-week review"]
    );
    let handouts = file("handouts.csv");
    assert_eq!(handouts.len(), 1);
    assert_eq!(handouts[0]["Session ID"], k.c.session.to_string());
    assert_eq!(handouts[0]["PDF SHA-256"].len(), 64);
}

#[test]
fn the_fhir_bundle_carries_lots_and_units_and_every_reference_resolves() {
    let k = clinic();
    let bundle = k.fhir();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let count = |kind: &str| resources(&bundle, kind).len();
    assert_eq!(count("Patient"), 2);
    assert_eq!(count("Practitioner"), 2, "the owner and the injector");
    assert_eq!(count("Procedure"), 3, "signed sessions only; the draft is not a record yet");
    assert_eq!(count("MedicationAdministration"), 3);
    assert_eq!(count("Medication"), 3, "one per lot");
    assert_eq!(count("Appointment"), 1);
    assert_eq!(count("DocumentReference"), 1);

    let entries = bundle["entry"].as_array().unwrap();
    let urls: BTreeSet<&str> = entries.iter().map(|e| e["fullUrl"].as_str().unwrap()).collect();
    assert_eq!(urls.len(), entries.len(), "every entry has its own fullUrl");
    for e in entries {
        assert_eq!(e["fullUrl"].as_str().unwrap(), format!("urn:uuid:{}", e["resource"]["id"].as_str().unwrap()));
    }
    let mut found = Vec::new();
    references(&bundle, &mut found);
    assert!(found.len() > 20);
    for r in &found {
        assert!(urls.contains(r.as_str()), "{r} does not resolve inside the bundle");
    }

    let by_url = |url: &Value| entries.iter().find(|e| e["fullUrl"] == *url).map(|e| &e["resource"]).unwrap();
    let administrations = resources(&bundle, "MedicationAdministration");
    let given = |lot: &str| {
        *administrations
            .iter()
            .find(|a| by_url(&a["medicationReference"]["reference"])["batch"]["lotNumber"] == lot)
            .unwrap()
    };
    let dysport = given("D555");
    assert_eq!(
        dysport["dosage"]["dose"],
        serde_json::json!({ "value": 30.0, "unit": "U" }),
        "no UCUM code for a brand's unit"
    );
    assert_eq!(dysport["dosage"]["site"]["text"], "Crow's feet (left)");
    let medication = by_url(&dysport["medicationReference"]["reference"]);
    assert_eq!(medication["code"]["text"], "Dysport 300 U");
    assert_eq!(medication["batch"]["expirationDate"], "2099-06-30");
    let patient = by_url(&dysport["subject"]["reference"]);
    assert_eq!(patient["name"][0]["family"], "Formula");
    assert_eq!(patient["name"][0]["given"][0], "=HYPERLINK(\"http://x\")", "JSON carries the name as it is");
    assert_eq!(patient["birthDate"], "1975-05-05");
    let procedure = by_url(&dysport["partOf"][0]["reference"]);
    assert_eq!(procedure["status"], "completed");
    assert_eq!(procedure["subject"], dysport["subject"]);

    let filler = given("J777");
    assert_eq!(
        filler["dosage"]["dose"],
        serde_json::json!({ "value": 1.0, "unit": "mL", "system": "http://unitsofmeasure.org", "code": "mL" })
    );
    assert_eq!(given("C1234")["dosage"]["dose"]["value"], 20.0);

    let handout = resources(&bundle, "DocumentReference")[0];
    assert_eq!(handout["identifier"][0]["value"].as_str().unwrap().len(), 64, "the PDF's SHA-256");
    assert!(handout["content"][0]["attachment"].get("hash").is_none(), "FHIR's hash is SHA-1: not faked");

    let text = serde_json::to_string(&bundle).unwrap();
    assert!(!text.contains("\"\"") && !text.contains("null") && !text.contains("[]"), "FHIR refuses empty values");

    let again = k.fhir();
    let ids = |b: &Value| b["entry"].as_array().unwrap().iter().map(|e| e["fullUrl"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&bundle), ids(&again), "the same records get the same ids");
}

#[test]
fn an_export_is_audited_once_and_a_cancelled_one_not_at_all() {
    let k = clinic();
    let c = &k.c;
    assert!(api::export::export_everything_csv(&c.clinic, &c.admin, &Folder(None)).unwrap().is_none());
    assert!(api::export::export_everything_fhir(&c.clinic, &c.admin, &Folder(None)).unwrap().is_none());
    let audited = || {
        let filter = AuditFilter { action: Some(Action::DataExport), ..AuditFilter::default() };
        c.clinic.db().read(|db| list_entries(db, &filter)).unwrap()
    };
    assert!(audited().is_empty(), "nothing was read or disclosed");

    api::export::export_everything_csv(&c.clinic, &c.admin, &k.dialog()).unwrap().unwrap();
    k.fhir();
    let entries = audited();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].username, "owner");
    assert!(entries[0].description.contains("FHIR R4") && entries[0].description.contains("2 patients"));
    assert!(entries[1].description.contains("CSV (.zip)") && entries[1].description.contains("4 sessions"));
    assert!(!entries[1].description.contains("Formula"), "the audit names counts, never patients");
}

#[test]
fn an_injector_or_receptionist_cannot_export_and_sees_no_dialog() {
    let k = clinic();
    struct Never;
    impl SaveDialog for Never {
        fn choose(&self, _: &str, _: &str, _: &str) -> Option<PathBuf> {
            panic!("no dialog for someone refused")
        }
    }
    let refused = api::export::export_everything_fhir(&k.c.clinic, &k.c.injector, &Never).unwrap_err();
    assert_eq!(refused.code(), "auth.forbidden");
}

#[test]
fn the_csv_export_imported_into_a_new_clinic_gives_the_same_patients() {
    use glabella_core::imports::{CsvFile, ImportOptions};
    let c = clinic();
    let plus = glabella_core::patients::PatientDetails {
        phone: "+44 7700 900123".into(),
        ..common::person("Zoë", "Plus", "1990-01-01")
    };
    api::patients::register_patient(&c.c.clinic, &c.c.admin, &plus, true).unwrap();
    let saved = api::export::export_everything_csv(&c.c.clinic, &c.c.admin, &c.dialog()).unwrap().unwrap();
    let (_, patients) =
        unzip(&c.out.path().join(&saved.file_name)).into_iter().find(|(n, _)| n == "patients.csv").unwrap();
    let file = c.out.path().join("patients.csv");
    std::fs::write(&file, patients).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let desk =
        glabella_core::api::signin::Desk::new(dir.path()).with_kdf(glabella_core::db::keys::KdfParams::INSECURE_FAST);
    let admin = desk.setup_clinic(&common::desk::settings(), &common::desk::owner()).unwrap().user;
    let (fresh, _) = desk.actor().unwrap();
    let csv = CsvFile::read(&file).unwrap();
    let report = api::imports::import_file(&fresh, &admin, &csv, &ImportOptions::default()).unwrap();
    assert_eq!((report.added, report.refused_count), (3, 0), "{report:?}");

    let people = |clinic: &glabella_core::clinic::Clinic| -> Vec<Vec<String>> {
        clinic
            .db()
            .read(|conn| {
                let mut stmt = conn.prepare(
                    "SELECT given_name, family_name, date_of_birth, sex, phone, email, address, allergies, medications, notes
                     FROM patients ORDER BY family_name, given_name",
                )?;
                let rows = stmt.query_map([], |r| (0..10).map(|i| r.get::<_, String>(i)).collect())?;
                Ok(rows.collect::<rusqlite::Result<Vec<Vec<String>>>>()?)
            })
            .unwrap()
    };
    assert_eq!(people(&fresh), people(&c.c.clinic), "the same patients, formula-like name and '+' phones included");
    // Twice adds no one.
    let again = api::imports::import_file(&fresh, &admin, &csv, &ImportOptions::default()).unwrap();
    assert_eq!((again.added, again.skipped), (0, 3));
}
