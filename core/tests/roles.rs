//! Every operation of the core's API × every role: allowed or refused with
//! `auth.forbidden`, decided in the core whatever the UI shows. The table calls the
//! very functions the app's commands call (`glabella_core::api`), and must name every
//! one of `api::OPERATIONS`.

mod common;

use std::path::PathBuf;

use glabella_core::api::signin::Desk;
use glabella_core::api::workstations::NoWorkstations;
use glabella_core::api::{self, OPERATIONS};
use glabella_core::articles::{ArticleForm, ImportFile, LibraryQuery};
use glabella_core::audit::AuditFilter;
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::{Actor, Role};
use glabella_core::booking::book::BookingForm;
use glabella_core::booking::calls::{CallForm, CallListQuery, CallOutcome};
use glabella_core::booking::setup::DayHours;
use glabella_core::booking::views::Columns;
use glabella_core::booking::{AppointmentKind, CancelReason, Status};
use glabella_core::clinic::Clinic;
use glabella_core::db::keys::KdfParams;
use glabella_core::files::SaveDialog;
use glabella_core::handouts::Paper;
use glabella_core::imports::OpenDialog;
use glabella_core::printing::Printer;
use glabella_core::products::{DoseUnit, ProductForm, TreatmentKind};
use glabella_core::sessions::{PointInput, SessionForm};
use glabella_core::stock::{LotForm, VialForm};
use glabella_core::{Error, Result};

type Operation = fn(&Clinic, &Actor) -> Result<()>;

/// Saves into the test's folder (the app shows the native dialog).
struct Folder(PathBuf);

impl SaveDialog for Folder {
    fn choose(&self, file_name: &str, _: &str, _: &str) -> Option<PathBuf> {
        Some(self.0.join(file_name))
    }
}

fn folder() -> Folder {
    Folder(std::env::temp_dir().join(format!("glabella-roles-{}", std::process::id())))
}

/// Picks a small patient list (the app shows the native open dialog).
struct PatientList;

impl OpenDialog for PatientList {
    fn choose_file(&self, _: &str, _: &str, _: &[&str]) -> Option<PathBuf> {
        let dir = folder().0;
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join("patients.csv");
        std::fs::write(&path, "First name,Last name,DOB\nRolf,Roles,01/02/1970\n").ok()?;
        Some(path)
    }
}

/// The token of the chosen patient list, for a role that may choose one (else none).
fn import_token(c: &Clinic, a: &Actor) -> String {
    let chosen = api::imports::choose_import_file(c, a, &PatientList).ok().flatten();
    chosen.map(|p| p.token).unwrap_or_default()
}

const ALL: &[Role] = &[Role::Admin, Role::Injector, Role::Receptionist];
const ADMIN: &[Role] = &[Role::Admin];
const INJECTOR: &[Role] = &[Role::Injector];
/// Writing the library and the aftercare templates.
const WRITERS: &[Role] = &[Role::Admin, Role::Injector];
/// Reading clinical records, stock and recalls.
const CLINICAL: &[Role] = &[Role::Admin, Role::Injector];
/// The front desk: booking, checking in, the recall calls.
const DESK: &[Role] = &[Role::Admin, Role::Receptionist];

/// Session 1 is signed (to amend), session 2 a draft; both of patient 1, from vial 1.
const SIGNED: i64 = 1;
const DRAFT: i64 = 2;

fn draft_form() -> SessionForm {
    SessionForm {
        kind: TreatmentKind::Neurotoxin,
        consent_confirmed: true,
        consent_version: "v1".into(),
        screen_acknowledged: true,
        points: vec![PointInput { vial_id: 1, area: "glabella".into(), x: 0.5, y: 0.3, dose: 20.0 }],
        adverse_events: Vec::new(),
        notes: String::new(),
        follow_up_date: String::new(),
        next_due_date: String::new(),
    }
}

/// A booking of patient 1 with Ines (user 2), well in the future and outside any hours.
fn booking_form(minute: u32) -> BookingForm {
    BookingForm {
        patient_id: 1,
        injector_id: 2,
        room_id: None,
        kind: AppointmentKind::Neurotoxin,
        date: "2099-01-04".into(),
        time: format!("06:{minute:02}"),
        minutes: 5,
        note: String::new(),
        book_anyway: true,
    }
}

fn article_form() -> ArticleForm {
    ArticleForm {
        title: "Sun care".into(),
        summary: String::new(),
        body: "Wear a hat.".into(),
        tags: Vec::new(),
        kinds: Vec::new(),
        source: String::new(),
        published: true,
    }
}

fn product_form() -> ProductForm {
    ProductForm {
        name: format!("Filler {}", fastrand::u32(..)),
        kind: TreatmentKind::Filler,
        unit: DoseUnit::Millilitres,
        size: 1.0,
        default_diluent_ml: None,
        dose_scale_min: None,
        dose_scale_max: None,
        gtin: String::new(),
    }
}

fn lot_form() -> LotForm {
    LotForm {
        product_id: Some(2),
        lot_number: "C1234".into(),
        expiry: "2099-12-31".into(),
        quantity: 10,
        gtin: String::new(),
    }
}

/// (operation, who may call it, the call). The operations of one's own sign-in
/// (`signin::*`) need no role and are checked for every role below.
const TABLE: &[(&str, &[Role], Operation)] = &[
    ("settings::change_own_password", ALL, |c, a| {
        match api::settings::change_own_password(c, a, "not the password", "another password") {
            Err(Error::Validation(_)) => Ok(()), // allowed, and the wrong current password said so
            other => other,
        }
    }),
    ("settings::get_settings", ALL, |c, a| api::settings::get_settings(c, a).map(drop)),
    ("settings::update_settings", ADMIN, |c, a| {
        let s = api::settings::get_settings(c, a)?;
        api::settings::update_settings(c, a, &ClinicSettings { idle_lock_minutes: 15, ..s }).map(drop)
    }),
    ("users::list_users", ADMIN, |c, a| api::users::list_users(c, a).map(drop)),
    ("users::create_user", ADMIN, |c, a| {
        let username = format!("new{}", fastrand::u32(..));
        let new = NewUser {
            username,
            display_name: "New Person".into(),
            role: Role::Receptionist,
            password: "long enough".into(),
        };
        api::users::create_user(c, a, &new).map(drop)
    }),
    ("users::set_user_role", ADMIN, |c, a| api::users::set_user_role(c, a, 4, Role::Injector).map(drop)),
    ("users::deactivate_user", ADMIN, |c, a| api::users::deactivate_user(c, a, 4).map(drop)),
    ("users::reactivate_user", ADMIN, |c, a| api::users::reactivate_user(c, a, 4, "back again please").map(drop)),
    ("users::reset_user_password", ADMIN, |c, a| api::users::reset_user_password(c, a, 4, "a new password").map(drop)),
    ("audit::list_audit", ADMIN, |c, a| api::audit::list_audit(c, a, &AuditFilter::default()).map(drop)),
    ("audit::export_audit_csv", ADMIN, |c, a| {
        api::audit::export_audit_csv(c, a, &AuditFilter::default(), &folder()).map(drop)
    }),
    ("export::export_everything_csv", ADMIN, |c, a| api::export::export_everything_csv(c, a, &folder()).map(drop)),
    ("export::export_everything_fhir", ADMIN, |c, a| api::export::export_everything_fhir(c, a, &folder()).map(drop)),
    ("patients::search_patients", ALL, |c, a| api::patients::search_patients(c, a, "ann", false).map(drop)),
    ("patients::open_patient_chart", ALL, |c, a| api::patients::open_patient_chart(c, a, 1).map(drop)),
    ("patients::register_patient", ALL, |c, a| {
        api::patients::register_patient(c, a, &common::person("Ann", "Lee", "1980-01-01"), true).map(drop)
    }),
    ("patients::update_patient", ALL, |c, a| {
        api::patients::update_patient(c, a, 1, &common::person("Ann", "Lee", "1980-01-02")).map(drop)
    }),
    ("patients::archive_patient", ALL, |c, a| api::patients::archive_patient(c, a, 1).map(drop)),
    ("patients::unarchive_patient", ALL, |c, a| api::patients::unarchive_patient(c, a, 1).map(drop)),
    ("imports::choose_import_file", ADMIN, |c, a| api::imports::choose_import_file(c, a, &PatientList).map(drop)),
    ("imports::preview_import", ADMIN, |c, a| {
        api::imports::preview_import(c, a, &import_token(c, a), &Default::default()).map(drop)
    }),
    ("imports::import_patients", ADMIN, |c, a| {
        api::imports::import_patients(c, a, &import_token(c, a), &Default::default()).map(drop)
    }),
    ("sessions::list_patient_sessions", ALL, |c, a| api::sessions::list_patient_sessions(c, a, 1).map(drop)),
    ("sessions::start_session", INJECTOR, |c, a| {
        api::sessions::start_session(c, a, 1, TreatmentKind::Neurotoxin).map(drop)
    }),
    ("sessions::open_session", CLINICAL, |c, a| api::sessions::open_session(c, a, SIGNED).map(drop)),
    ("sessions::save_session", INJECTOR, |c, a| api::sessions::save_session(c, a, DRAFT, &draft_form()).map(drop)),
    ("sessions::sign_session", INJECTOR, |c, a| api::sessions::sign_session(c, a, DRAFT, &draft_form()).map(drop)),
    ("sessions::amend_session", INJECTOR, |c, a| api::sessions::amend_session(c, a, SIGNED, "why", "what").map(drop)),
    ("booking::get_booking_setup", ALL, |c, a| api::booking::get_booking_setup(c, a).map(drop)),
    ("booking::save_opening_hours", ADMIN, |c, a| {
        let day = Some(DayHours { opens: "09:00".into(), closes: "17:00".into() });
        api::booking::save_opening_hours(c, a, &[day.clone(), day.clone(), day.clone(), day.clone(), day, None, None])
            .map(drop)
    }),
    ("booking::save_injector_hours", ADMIN, |c, a| api::booking::save_injector_hours(c, a, 2, None).map(drop)),
    ("booking::add_room", ADMIN, |c, a| api::booking::add_room(c, a, &format!("Room {}", fastrand::u32(..))).map(drop)),
    ("booking::rename_room", ADMIN, |c, a| {
        api::booking::rename_room(c, a, 1, &format!("Room {}", fastrand::u32(..))).map(drop)
    }),
    ("booking::set_room_retired", ADMIN, |c, a| api::booking::set_room_retired(c, a, 1, false).map(drop)),
    ("booking::save_appointment_lengths", ADMIN, |c, a| api::booking::save_appointment_lengths(c, a, &[]).map(drop)),
    ("appointments::day_view", ALL, |c, a| api::appointments::day_view(c, a, "", Columns::Injectors).map(drop)),
    ("appointments::week_view", ALL, |c, a| api::appointments::week_view(c, a, "", 2).map(drop)),
    ("appointments::today_list", ALL, |c, a| api::appointments::today_list(c, a, None).map(drop)),
    ("appointments::patient_appointments", ALL, |c, a| api::appointments::patient_appointments(c, a, 1).map(drop)),
    ("appointments::get_appointment", ALL, |c, a| api::appointments::get_appointment(c, a, 1).map(drop)),
    ("appointments::appointment_history", ALL, |c, a| api::appointments::appointment_history(c, a, 1).map(drop)),
    ("appointments::book_appointment", DESK, |c, a| {
        api::appointments::book_appointment(c, a, &booking_form(fastrand::u32(0..12) * 5)).map(drop)
    }),
    ("appointments::reschedule_appointment", DESK, |c, a| {
        api::appointments::reschedule_appointment(c, a, 1, &booking_form(0)).map(drop)
    }),
    ("appointments::cancel_appointment", DESK, |c, a| {
        api::appointments::cancel_appointment(c, a, 2, CancelReason::Clinic).map(drop)
    }),
    ("appointments::set_appointment_status", DESK, |c, a| {
        api::appointments::set_appointment_status(c, a, 1, Status::Arrived).map(drop)
    }),
    ("appointments::start_appointment_session", INJECTOR, |c, a| {
        api::appointments::start_appointment_session(c, a, 3).map(drop)
    }),
    // Everyone signed in: the desk prints the injectors' days, an injector their own.
    ("appointments::print_day_sheet", ALL, |c, a| {
        api::appointments::print_day_sheet(c, a, "2099-01-04", 2, c).map(drop)
    }),
    ("calls::recall_list", ALL, |c, a| api::calls::recall_list(c, a, &CallListQuery::default()).map(drop)),
    ("calls::record_call", DESK, |c, a| {
        let form = CallForm {
            patient_id: 1,
            outcome: CallOutcome::NoAnswer,
            call_back_on: String::new(),
            note: String::new(),
        };
        api::calls::record_call(c, a, &form).map(drop)
    }),
    ("calls::print_call_list", DESK, |c, a| api::calls::print_call_list(c, a, &CallListQuery::default(), c).map(drop)),
    ("calls::export_call_list_csv", DESK, |c, a| {
        api::calls::export_call_list_csv(c, a, &CallListQuery::default(), &folder()).map(drop)
    }),
    ("stock::list_products", ALL, |c, a| api::stock::list_products(c, a).map(drop)),
    ("stock::create_product", ADMIN, |c, a| api::stock::create_product(c, a, &product_form()).map(drop)),
    ("stock::update_product", ADMIN, |c, a| {
        let form = c.db().read(|t| glabella_core::products::get_product(t, 9))?.form;
        api::stock::update_product(c, a, 9, &form).map(drop)
    }),
    ("stock::set_product_retired", ADMIN, |c, a| api::stock::set_product_retired(c, a, 10, true).map(drop)),
    ("stock::scan_lot_code", CLINICAL, |c, a| api::stock::scan_lot_code(c, a, "C1234").map(drop)),
    ("stock::receive_lot", CLINICAL, |c, a| api::stock::receive_lot(c, a, &lot_form()).map(drop)),
    ("stock::get_inventory", CLINICAL, |c, a| api::stock::get_inventory(c, a).map(drop)),
    ("stock::list_usable_lots", CLINICAL, |c, a| api::stock::list_usable_lots(c, a).map(drop)),
    ("stock::open_vial", CLINICAL, |c, a| {
        api::stock::open_vial(c, a, &VialForm { lot_id: 1, diluent_ml: Some(2.5), single_patient: false }).map(drop)
    }),
    ("stock::list_recent_vials", CLINICAL, |c, a| api::stock::list_recent_vials(c, a).map(drop)),
    ("stock::recall_lot", CLINICAL, |c, a| api::stock::recall_lot(c, a, "C1234").map(drop)),
    ("stock::export_recall_csv", CLINICAL, |c, a| api::stock::export_recall_csv(c, a, "C1234", &folder()).map(drop)),
    ("library::search_library", ALL, |c, a| api::library::search_library(c, a, &LibraryQuery::default()).map(drop)),
    ("library::list_library_tags", ALL, |c, a| api::library::list_library_tags(c, a).map(drop)),
    ("library::get_article", ALL, |c, a| api::library::get_article(c, a, 1).map(drop)),
    ("library::create_article", WRITERS, |c, a| api::library::create_article(c, a, &article_form()).map(drop)),
    ("library::update_article", WRITERS, |c, a| api::library::update_article(c, a, 1, &article_form()).map(drop)),
    ("library::list_article_versions", ALL, |c, a| api::library::list_article_versions(c, a, 1).map(drop)),
    ("library::get_article_version", ALL, |c, a| api::library::get_article_version(c, a, 1, 1).map(drop)),
    ("library::import_articles", WRITERS, |c, a| {
        let files = [ImportFile { name: "x.md".into(), text: "---\ntitle: X\n---\nText".into() }];
        api::library::import_articles(c, a, &files).map(drop)
    }),
    ("library::export_article_markdown", ALL, |c, a| {
        api::library::export_article_markdown(c, a, 1, &folder()).map(drop)
    }),
    ("handouts::list_aftercare_templates", ALL, |c, a| api::handouts::list_aftercare_templates(c, a).map(drop)),
    ("handouts::list_template_versions", ALL, |c, a| {
        api::handouts::list_template_versions(c, a, TreatmentKind::Filler).map(drop)
    }),
    ("handouts::save_aftercare_template", WRITERS, |c, a| {
        api::handouts::save_aftercare_template(c, a, TreatmentKind::Other, "Aftercare", "Hello {{first_name}}")
            .map(drop)
    }),
    ("handouts::get_handout_paper", ALL, |c, a| api::handouts::get_handout_paper(c, a).map(drop)),
    ("handouts::set_handout_paper", ADMIN, |c, a| api::handouts::set_handout_paper(c, a, Paper::Letter).map(drop)),
    ("handouts::get_clinic_logo", ALL, |c, a| api::handouts::get_clinic_logo(c, a).map(drop)),
    ("handouts::set_clinic_logo", ADMIN, |c, a| api::handouts::set_clinic_logo(c, a, &[]).map(drop)),
    ("handouts::print_handout", ALL, |c, a| api::handouts::print_handout(c, a, SIGNED, &[1], c).map(drop)),
    ("handouts::save_handout_pdf", ALL, |c, a| api::handouts::save_handout_pdf(c, a, SIGNED, &[], &folder()).map(drop)),
    ("handouts::reprint_handout", ALL, |c, a| api::handouts::reprint_handout(c, a, 1, c).map(drop)),
    ("handouts::list_handouts", ALL, |c, a| api::handouts::list_handouts(c, a, 1).map(drop)),
    ("notices::notices", ALL, |c, a| api::notices::notices(c, a).map(drop)),
    ("backups::backup_status", ADMIN, |c, a| api::backups::backup_status(c, a).map(drop)),
    ("backups::back_up_now", ADMIN, |c, a| api::backups::back_up_now(c, a).map(drop)),
    ("backups::choose_backup_folder", ADMIN, |c, a| api::backups::choose_backup_folder(c, a, &folder()).map(drop)),
    // This clinic is no server: an administrator is told so, anyone else refused first.
    ("workstations::list_workstations", ADMIN, |c, a| {
        api::workstations::list_workstations(c, a, &NoWorkstations).map(drop)
    }),
    ("workstations::start_pairing", ADMIN, |c, a| allowed(api::workstations::start_pairing(c, a, &NoWorkstations))),
    ("workstations::revoke_workstation", ADMIN, |c, a| {
        allowed(api::workstations::revoke_workstation(c, a, &NoWorkstations, "0123"))
    }),
];

/// Allowed: it ran, or failed for another reason than the role.
fn allowed<T>(result: Result<T>) -> Result<()> {
    match result {
        Err(Error::Forbidden) => Err(Error::Forbidden),
        _ => Ok(()),
    }
}

#[test]
fn every_operation_is_allowed_or_refused_by_role() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(folder().0).unwrap();
    let (settings, admin_form) = (common::desk::settings(), common::desk::owner());
    let desk = Desk::new(dir.path())
        .with_kdf(KdfParams::INSECURE_FAST)
        .with_printer(Printer::ToFolder(dir.path().join("printed")));
    let admin = desk.setup_clinic(&settings, &admin_form).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    let clinic = &*clinic;
    let mut actors = vec![admin.clone()];
    let mut passwords = vec![admin_form.password.clone()];
    for (name, role) in [("ines", Role::Injector), ("rosa", Role::Receptionist), ("target", Role::Receptionist)] {
        let form = NewUser { username: name.into(), display_name: name.into(), role, password: "a password".into() };
        let user = api::users::create_user(clinic, &admin, &form).unwrap();
        actors.push(Actor::new(user.id, user.username, user.display_name, role));
        passwords.push(form.password);
    }
    actors.truncate(3); // "target" (user 4) is only acted upon
    api::patients::register_patient(clinic, &admin, &common::person("Ann", "Lee", "1980-01-01"), true).unwrap();
    let injector = &actors[1];
    api::stock::receive_lot(clinic, injector, &lot_form()).unwrap();
    api::stock::open_vial(clinic, injector, &VialForm { lot_id: 1, diluent_ml: Some(2.5), single_patient: false })
        .unwrap();
    let signed = api::sessions::start_session(clinic, injector, 1, TreatmentKind::Neurotoxin).unwrap();
    api::sessions::sign_session(clinic, injector, signed.id, &draft_form()).unwrap();
    let draft = api::sessions::start_session(clinic, injector, 1, TreatmentKind::Neurotoxin).unwrap();
    assert_eq!((signed.id, draft.id), (SIGNED, DRAFT));
    api::handouts::print_handout(clinic, injector, SIGNED, &[], clinic).unwrap();
    api::booking::add_room(clinic, &admin, "Room 1").unwrap();
    for minute in [0, 10, 20] {
        api::appointments::book_appointment(clinic, &admin, &booking_form(minute)).unwrap();
    }

    let mut wrong = Vec::new();
    for (operation, allowed, call) in TABLE {
        for actor in &actors {
            let refused = matches!(call(clinic, actor), Err(Error::Forbidden));
            if refused == allowed.contains(&actor.role) {
                wrong.push(format!("{operation} as {:?}: {}", actor.role, if refused { "refused" } else { "allowed" }));
            }
        }
    }
    assert!(wrong.is_empty(), "role checks disagree with the table:\n{}", wrong.join("\n"));

    // One's own sign-in needs no role: every role signs in, keeps alive, locks and
    // signs out at the desk.
    for (actor, password) in actors.iter().zip(&passwords) {
        let signed_in = desk.sign_in(&actor.username, password).unwrap();
        assert_eq!(signed_in.role, actor.role);
        desk.keep_alive().unwrap();
        assert_eq!(desk.app_status().user.map(|u| u.user_id), Some(actor.user_id));
        desk.lock_app().unwrap();
        assert!(desk.app_status().locked);
        assert_eq!(desk.actor().unwrap_err().code(), "auth.locked");
        desk.sign_out().unwrap();
        assert_eq!(desk.actor().unwrap_err().code(), "auth.required");
    }
    assert_eq!(desk.setup_clinic(&settings, &admin_form).unwrap_err().code(), "auth.forbidden");

    // The table and the sign-in checks cover exactly the API's list of operations.
    let mut covered: Vec<&str> = TABLE.iter().map(|(name, _, _)| *name).collect();
    covered.extend(["signin::app_status", "signin::setup_clinic", "signin::sign_in", "signin::sign_out"]);
    covered.extend(["signin::lock_app", "signin::keep_alive"]);
    // The sign-in screen's ways back in need no one signed in; tests/backup.rs covers them.
    covered.extend(["signin::list_backups", "signin::find_backups", "signin::restore_backup"]);
    covered.extend(["signin::recovery_admins", "signin::recover_access"]);
    covered.sort_unstable();
    let mut listed = OPERATIONS.to_vec();
    listed.sort_unstable();
    assert_eq!(covered, listed, "the role table must name every operation of api::OPERATIONS, once");
}
