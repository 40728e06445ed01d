//! Dates typed the clinic's way at the API's front door: a day-first clinic types
//! 14/03/1980, a month-first one 03/14/1980, both store 1980-03-14; text that is no
//! date is refused beside its field, saying how the clinic writes dates.

mod common;

use common::desk::{self, Signed};
use glabella_core::api;
use glabella_core::audit::AuditFilter;
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::calendar::DateFormat;
use glabella_core::sessions::SessionForm;
use glabella_core::stock::LotForm;
use glabella_core::{Error, Result};

/// A clinic (with one signed session) that writes dates `format`.
fn clinic_writing(format: DateFormat) -> Signed {
    let s = desk::signed_session();
    let settings = desk::settings();
    api::settings::update_settings(&s.clinic, &s.admin, &ClinicSettings { date_format: format, ..settings }).unwrap();
    s
}

/// The field and message of a refusal with one field error.
fn refused<T: std::fmt::Debug>(outcome: Result<T>) -> (String, String) {
    match outcome {
        Err(Error::Validation(errors)) if errors.len() == 1 => (errors[0].field.to_string(), errors[0].message.clone()),
        other => panic!("expected one field error, got {other:?}"),
    }
}

#[test]
fn a_date_of_birth_is_typed_the_clinics_way_and_stored_as_year_month_day() {
    let register = |s: &Signed, born: &str| {
        api::patients::register_patient(&s.clinic, &s.admin, &common::person("Mia", "Cho", born), true)
    };
    let day_first = clinic_writing(DateFormat::DayMonthYear);
    assert_eq!(register(&day_first, "14/03/1980").unwrap().details.date_of_birth, "1980-03-14");
    assert_eq!(register(&day_first, "1980-03-14").unwrap().details.date_of_birth, "1980-03-14");
    let (field, message) = refused(register(&day_first, "31/02/1980"));
    assert_eq!(field, "dateOfBirth");
    assert_eq!(message, "Date of birth is not a valid date (write it as DD/MM/YYYY, e.g. 14/03/1980).");

    let month_first = clinic_writing(DateFormat::MonthDayYear);
    let patient = register(&month_first, "03/14/1980").unwrap();
    assert_eq!(patient.details.date_of_birth, "1980-03-14");
    let (field, message) = refused(register(&month_first, "14/03/1980"));
    assert_eq!(field, "dateOfBirth");
    assert!(message.contains("MM/DD/YYYY, e.g. 03/14/1980"), "{message}");
    // An edit reads the same way.
    let edit = common::person("Mia", "Cho", "4/2/1985");
    let edited = api::patients::update_patient(&month_first.clinic, &month_first.admin, patient.id, &edit).unwrap();
    assert_eq!(edited.details.date_of_birth, "1985-04-02");
}

#[test]
fn a_sessions_follow_up_and_next_due_dates_are_typed_the_clinics_way() {
    let s = clinic_writing(DateFormat::DayMonthYear);
    let kind = glabella_core::products::TreatmentKind::Neurotoxin;
    let draft = api::sessions::start_session(&s.clinic, &s.injector, s.patient, kind).unwrap();
    let form = SessionForm { follow_up_date: "31/12/2098".into(), next_due_date: "1.6.2099".into(), ..draft.form };
    let saved = api::sessions::save_session(&s.clinic, &s.injector, draft.id, &form).unwrap();
    assert_eq!((saved.form.follow_up_date.as_str(), saved.form.next_due_date.as_str()), ("2098-12-31", "2099-06-01"));
    let form = SessionForm { follow_up_date: "12/31/2098".into(), ..form };
    let (field, message) = refused(api::sessions::save_session(&s.clinic, &s.injector, draft.id, &form));
    assert_eq!(field, "followUpDate");
    assert!(message.contains("DD/MM/YYYY"), "{message}");
}

#[test]
fn a_lots_expiry_is_typed_the_clinics_way_or_as_the_barcode_gives_it() {
    let s = clinic_writing(DateFormat::MonthDayYear);
    let lot = |number: &str, expiry: &str| LotForm {
        product_id: Some(2),
        lot_number: number.into(),
        expiry: expiry.into(),
        quantity: 1,
        gtin: String::new(),
    };
    let typed = api::stock::receive_lot(&s.clinic, &s.injector, &lot("T1", "06/30/2099")).unwrap();
    assert_eq!(typed.expiry, "2099-06-30");
    let scanned = api::stock::receive_lot(&s.clinic, &s.injector, &lot("S1", "2099-12-31")).unwrap();
    assert_eq!(scanned.expiry, "2099-12-31");
    let (field, message) = refused(api::stock::receive_lot(&s.clinic, &s.injector, &lot("X1", "30/06/2099")));
    assert_eq!(field, "expiry");
    assert!(message.contains("MM/DD/YYYY"), "{message}");
}

#[test]
fn the_audit_views_days_are_typed_the_clinics_way() {
    let s = clinic_writing(DateFormat::DayMonthYear);
    let list = |from: &str, to: &str| {
        let filter = AuditFilter { from: Some(from.into()), to: Some(to.into()), ..Default::default() };
        api::audit::list_audit(&s.clinic, &s.admin, &filter)
    };
    assert!(!list("01/01/2000", "31/12/2099").unwrap().is_empty());
    assert!(list("01/01/2000", "31/12/2000").unwrap().is_empty());
    let (field, message) = refused(list("31/02/2000", ""));
    assert_eq!(field, "from");
    assert!(message.contains("DD/MM/YYYY"), "{message}");
}
