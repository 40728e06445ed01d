//! The front desk through the API: conflicts refused in the booking's transaction,
//! the hours and *Book anyway*, the statuses from booked to completed, the recall
//! list and its calls, and time across daylight-saving changes in Chicago and London.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use glabella_core::api::{self, signin::Desk};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::{Actor, Role};
use glabella_core::booking::book::BookingForm;
use glabella_core::booking::calls::{CallForm, CallListQuery, CallOutcome};
use glabella_core::booking::setup::DayHours;
use glabella_core::booking::views::Columns;
use glabella_core::booking::{AppointmentKind, CancelReason, Status};
use glabella_core::clinic::Clinic;
use glabella_core::clock::TestClock;
use glabella_core::db::keys::KdfParams;
use glabella_core::products::TreatmentKind;
use glabella_core::Error;

struct Desk1 {
    _dir: tempfile::TempDir,
    clock: Arc<TestClock>,
    clinic: Arc<Clinic>,
    admin: Actor,
    ines: Actor,
    omar: Actor,
    rosa: Actor,
    ann: i64,
    ben: i64,
    room1: i64,
    room2: i64,
}

fn person(clinic: &Clinic, admin: &Actor, given: &str) -> i64 {
    api::patients::register_patient(clinic, admin, &common::person(given, "Lee", "1980-01-01"), true).unwrap().id
}

/// A clinic in `zone` at `now`: injectors Ines and Omar, receptionist Rosa, two rooms,
/// patients Ann and Ben; open Monday to Friday 09:00–17:00.
fn clinic_at(zone: &str, now: DateTime<Utc>) -> Desk1 {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at(now);
    let desk = Desk::new(dir.path()).with_kdf(KdfParams::INSECURE_FAST).with_clock(clock.clone());
    let settings = ClinicSettings { time_zone: zone.into(), ..common::desk::settings() };
    let admin = desk.setup_clinic(&settings, &common::desk::owner()).unwrap().user;
    let (clinic, _) = desk.actor().unwrap();
    let user = |username: &str, name: &str, role| {
        let form =
            NewUser { username: username.into(), display_name: name.into(), role, password: "a password".into() };
        let u = api::users::create_user(&clinic, &admin, &form).unwrap();
        Actor::new(u.id, u.username, u.display_name, role)
    };
    let (ines, omar, rosa) = (
        user("ines", "Ines", Role::Injector),
        user("omar", "Omar", Role::Injector),
        user("rosa", "Rosa", Role::Receptionist),
    );
    api::booking::add_room(&clinic, &admin, "Room 1").unwrap();
    let setup = api::booking::add_room(&clinic, &admin, "Room 2").unwrap();
    let (room1, room2) = (setup.rooms[0].id, setup.rooms[1].id);
    let (ann, ben) = (person(&clinic, &admin, "Ann"), person(&clinic, &admin, "Ben"));
    Desk1 { _dir: dir, clock, clinic, admin, ines, omar, rosa, ann, ben, room1, room2 }
}

/// Tuesday 1 December 2026, 08:00 in London (UTC in winter).
fn london() -> Desk1 {
    clinic_at("Europe/London", Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap())
}

fn form(_: &Desk1, patient: i64, injector: &Actor, room: i64, date: &str, time: &str, minutes: u32) -> BookingForm {
    BookingForm {
        patient_id: patient,
        injector_id: injector.user_id,
        room_id: Some(room),
        kind: AppointmentKind::Filler,
        date: date.into(),
        time: time.into(),
        minutes,
        note: String::new(),
        book_anyway: false,
    }
}

fn refusal(result: glabella_core::Result<impl std::fmt::Debug>) -> (String, String) {
    match result {
        Err(Error::Validation(problems)) => (problems[0].field.to_string(), problems[0].message.clone()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_injector_or_a_room_is_never_booked_twice_at_once() {
    let d = london();
    let book = |f: &BookingForm| api::appointments::book_appointment(&d.clinic, &d.rosa, f);
    let first = book(&form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "10:00", 30)).unwrap().appointment;
    assert_eq!(first.starts_at, "2026-12-01T10:00:00.000Z");
    assert_eq!((first.start_label.as_str(), first.end_label.as_str()), ("10:00", "10:30"));

    let (field, message) = refusal(book(&form(&d, d.ben, &d.ines, d.room2, "01/12/2026", "10:15", 30)));
    assert_eq!(field, "injectorId");
    assert!(message.contains("Ines is already booked from 10:00 to 10:30"), "{message}");
    let (field, message) = refusal(book(&form(&d, d.ben, &d.omar, d.room1, "01/12/2026", "09:45", 30)));
    assert_eq!(field, "roomId");
    assert!(message.contains("Room 1 is already booked"), "{message}");

    // Touching end to start is fine, on both sides.
    book(&form(&d, d.ben, &d.ines, d.room1, "01/12/2026", "10:30", 15)).unwrap();
    book(&form(&d, d.ben, &d.ines, d.room1, "01/12/2026", "09:30", 30)).unwrap();

    // A cancelled or no-show appointment frees its slot.
    api::appointments::cancel_appointment(&d.clinic, &d.rosa, first.id, CancelReason::Patient).unwrap();
    let again = book(&form(&d, d.ben, &d.ines, d.room1, "01/12/2026", "10:00", 30)).unwrap().appointment;
    api::appointments::set_appointment_status(&d.clinic, &d.rosa, again.id, Status::NoShow).unwrap();
    book(&form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "10:00", 30)).unwrap();

    // Moving an appointment onto another is refused too; onto itself it is fine.
    let later = book(&form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "14:00", 30)).unwrap().appointment;
    let onto = form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "10:15", 30);
    assert_eq!(refusal(api::appointments::reschedule_appointment(&d.clinic, &d.rosa, later.id, &onto)).0, "injectorId");
    let longer = form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "14:00", 45);
    api::appointments::reschedule_appointment(&d.clinic, &d.rosa, later.id, &longer).unwrap();
    let history = api::appointments::appointment_history(&d.clinic, &d.rosa, later.id).unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[1].what.contains("moved from Filler on 01/12/2026 14:00–14:30"), "{:?}", history[1]);
    assert_eq!(history[1].by, "Rosa");

    // The cancelled one is still there, with its reason.
    let day = api::appointments::day_view(&d.clinic, &d.rosa, "2026-12-01", Columns::Injectors).unwrap();
    let ines = day.columns.iter().find(|c| c.name == "Ines").unwrap();
    let cancelled = ines.appointments.iter().find(|a| a.id == first.id).unwrap();
    assert_eq!((cancelled.status, cancelled.cancel_reason), (Status::Cancelled, Some(CancelReason::Patient)));
    assert_eq!(ines.appointments.len(), 6);
}

#[test]
fn the_hours_refuse_a_booking_unless_an_administrator_books_anyway() {
    let d = london();
    let early = form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "8:30 AM", 30);
    let (field, message) = refusal(api::appointments::book_appointment(&d.clinic, &d.rosa, &early));
    assert_eq!(field, "time");
    assert!(message.contains("outside the clinic's opening hours on Tuesdays"), "{message}");
    let anyway = BookingForm { book_anyway: true, ..early };
    let (_, message) = refusal(api::appointments::book_appointment(&d.clinic, &d.rosa, &anyway));
    assert!(message.contains("Only an administrator"), "{message}");
    api::appointments::book_appointment(&d.clinic, &d.admin, &anyway).unwrap();

    let sunday = form(&d, d.ann, &d.ines, d.room1, "06/12/2026", "10:00", 30);
    assert!(refusal(api::appointments::book_appointment(&d.clinic, &d.rosa, &sunday)).1.contains("closed on Sundays"));

    // Ines works Tuesday afternoons only, and not at all on Wednesdays.
    let hours = |o: &str, c: &str| Some(DayHours { opens: o.into(), closes: c.into() });
    let mut week = vec![hours("09:00", "17:00"); 7];
    week[1] = hours("1:00 PM", "5:00 PM");
    week[2] = None;
    api::booking::save_injector_hours(&d.clinic, &d.admin, d.ines.user_id, Some(&week)).unwrap();
    let morning = form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "10:00", 30);
    let (_, message) = refusal(api::appointments::book_appointment(&d.clinic, &d.rosa, &morning));
    assert!(message.contains("outside Ines's working hours on Tuesdays"), "{message}");
    let wednesday = form(&d, d.ann, &d.ines, d.room1, "02/12/2026", "10:00", 30);
    assert!(refusal(api::appointments::book_appointment(&d.clinic, &d.rosa, &wednesday))
        .1
        .contains("Ines does not work on Wednesdays"));
    api::appointments::book_appointment(
        &d.clinic,
        &d.rosa,
        &form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "13:00", 30),
    )
    .unwrap();
    // Omar follows the clinic's hours.
    api::appointments::book_appointment(
        &d.clinic,
        &d.rosa,
        &form(&d, d.ann, &d.omar, d.room2, "01/12/2026", "10:00", 30),
    )
    .unwrap();

    // Nobody books for an injector who left, and bad input is named.
    api::users::deactivate_user(&d.clinic, &d.admin, d.omar.user_id).unwrap();
    let gone = form(&d, d.ben, &d.omar, d.room2, "01/12/2026", "15:00", 30);
    assert_eq!(refusal(api::appointments::book_appointment(&d.clinic, &d.rosa, &gone)).0, "injectorId");
    let bad = form(&d, d.ben, &d.ines, d.room2, "31/02/2026", "25:00", 2);
    let Err(Error::Validation(problems)) = api::appointments::book_appointment(&d.clinic, &d.rosa, &bad) else {
        panic!()
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["minutes", "date", "time"]);
}

fn sign(d: &Desk1, session: i64) -> glabella_core::sessions::Session {
    sign_due(d, session, None)
}

/// Signs a neurotoxin session of Ines, with its default next-due date or `next_due`.
fn sign_due(d: &Desk1, session: i64, next_due: Option<&str>) -> glabella_core::sessions::Session {
    common::desk::sign_neurotoxin(&d.clinic, &d.ines, session, next_due)
}

#[test]
fn an_appointment_goes_from_booked_to_completed_only_by_signing_its_session() {
    let d = london();
    let f = BookingForm {
        kind: AppointmentKind::Neurotoxin,
        ..form(&d, d.ann, &d.ines, d.room1, "01/12/2026", "09:00", 30)
    };
    let a = api::appointments::book_appointment(&d.clinic, &d.rosa, &f).unwrap().appointment;
    let set = |status| api::appointments::set_appointment_status(&d.clinic, &d.rosa, a.id, status);
    assert!(refusal(set(Status::Completed)).1.contains("completed when its session is signed"));
    assert_eq!(refusal(set(Status::InTreatment)).0, "status");
    assert_eq!(set(Status::Arrived).unwrap().status, Status::Arrived);
    assert_eq!(set(Status::Booked).unwrap().arrived_at, None);
    let arrived = set(Status::Arrived).unwrap();
    assert!(refusal(set(Status::NoShow)).1.contains("it cannot be marked no-show"));

    // Today's list: Ann is waiting; Ben, booked for 09:15, is late at 09:30.
    api::appointments::book_appointment(
        &d.clinic,
        &d.rosa,
        &form(&d, d.ben, &d.omar, d.room2, "01/12/2026", "09:15", 30),
    )
    .unwrap();
    d.clock.set(Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap());
    let today = api::appointments::today_list(&d.clinic, &d.ines, None).unwrap();
    assert_eq!(today.len(), 2);
    assert_eq!((today[0].waiting_minutes, today[0].late), (Some(90), false));
    assert_eq!((today[1].waiting_minutes, today[1].late), (None, true));
    assert_eq!(api::appointments::today_list(&d.clinic, &d.ines, Some(d.ines.user_id)).unwrap().len(), 1);
    assert_eq!(arrived.status_label, "arrived");

    // Only an injector starts the session; the kind is preset; the appointment is in treatment.
    assert!(matches!(api::appointments::start_appointment_session(&d.clinic, &d.rosa, a.id), Err(Error::Forbidden)));
    let session = api::appointments::start_appointment_session(&d.clinic, &d.ines, a.id).unwrap();
    assert_eq!((session.patient_id, session.form.kind), (d.ann, TreatmentKind::Neurotoxin));
    let again = api::appointments::start_appointment_session(&d.clinic, &d.ines, a.id).unwrap();
    assert_eq!(again.id, session.id, "starting again opens the same session");
    let a = api::appointments::get_appointment(&d.clinic, &d.rosa, a.id).unwrap();
    assert_eq!((a.status, a.session_id), (Status::InTreatment, Some(session.id)));
    assert!(refusal(api::appointments::cancel_appointment(&d.clinic, &d.rosa, a.id, CancelReason::Clinic))
        .1
        .contains("in treatment"));

    sign(&d, session.id);
    let a = api::appointments::get_appointment(&d.clinic, &d.rosa, a.id).unwrap();
    assert_eq!(a.status, Status::Completed);
    // The desk is offered the follow-up review and the next treatment.
    let today = api::appointments::today_list(&d.clinic, &d.rosa, None).unwrap();
    let labels: Vec<String> = today[0].suggestions.iter().map(|s| format!("{} {}", s.label, s.date_label)).collect();
    assert_eq!(labels, ["Follow-up review 15/12/2026", "Next treatment 01/03/2027"]);

    // The chart: nothing to come, one past, the next-due date.
    let chart = api::appointments::patient_appointments(&d.clinic, &d.rosa, d.ann).unwrap();
    assert_eq!((chart.upcoming.len(), chart.past.len(), chart.next_due.as_deref()), (0, 1, Some("01/03/2027")));
    let history = api::appointments::appointment_history(&d.clinic, &d.rosa, a.id).unwrap();
    let what: Vec<&str> = history.iter().map(|h| h.what.split(':').next().unwrap()).collect();
    assert_eq!(what, ["booked", "marked arrived", "marked booked", "marked arrived", "in treatment", "completed"]);
}

#[test]
fn soft_warnings_never_block_a_booking() {
    let d = london();
    let session = api::sessions::start_session(&d.clinic, &d.ines, d.ann, TreatmentKind::Neurotoxin).unwrap();
    sign(&d, session.id);
    let f = BookingForm {
        kind: AppointmentKind::Neurotoxin,
        ..form(&d, d.ann, &d.ines, d.room1, "02/02/2027", "10:00", 30)
    };
    let booked = api::appointments::book_appointment(&d.clinic, &d.rosa, &f).unwrap();
    assert_eq!(booked.warnings.len(), 1);
    assert!(booked.warnings[0].starts_with("Last treated 1 Dec 2026: 9 weeks"), "{:?}", booked.warnings);
    let review =
        BookingForm { kind: AppointmentKind::Review, ..form(&d, d.ann, &d.omar, d.room2, "02/02/2027", "15:00", 15) };
    let booked = api::appointments::book_appointment(&d.clinic, &d.rosa, &review).unwrap();
    assert_eq!(booked.warnings, ["Ann Lee already has an appointment that day: Neurotoxin at 10:00 with Ines."]);
}

#[test]
fn the_recall_list_shows_who_is_due_and_each_call_takes_them_off_for_a_while() {
    let d = london();
    let session = api::sessions::start_session(&d.clinic, &d.ines, d.ann, TreatmentKind::Neurotoxin).unwrap();
    sign(&d, session.id); // next due 01/03/2027
    let ben = api::sessions::start_session(&d.clinic, &d.ines, d.ben, TreatmentKind::Neurotoxin).unwrap();
    sign_due(&d, ben.id, Some("")); // the injector set no next-due date
    let list = |d: &Desk1| -> Vec<i64> {
        let page = api::calls::recall_list(&d.clinic, &d.rosa, &CallListQuery::default()).unwrap();
        page.rows.iter().map(|r| r.patient_id).collect()
    };
    let at = |y, m, day| Utc.with_ymd_and_hms(y, m, day, 10, 0, 0).unwrap();
    d.clock.set(at(2027, 2, 10));
    assert!(list(&d).is_empty(), "due in 19 days: not yet");
    d.clock.set(at(2027, 2, 20));
    assert_eq!(list(&d), [d.ann]);
    let row = &api::calls::recall_list(&d.clinic, &d.rosa, &CallListQuery::default()).unwrap().rows[0];
    assert_eq!((row.next_due.as_str(), row.overdue_days, row.last_treated.as_str()), ("01/03/2027", -9, "01/12/2026"));
    assert_eq!(
        (row.phone.as_str(), row.injector_name.as_str(), row.last_treatment.as_str()),
        ("(555) 010-2030", "Ines", "Neurotoxin")
    );

    let call = |outcome, call_back_on: &str| {
        let f = CallForm { patient_id: d.ann, outcome, call_back_on: call_back_on.into(), note: String::new() };
        api::calls::record_call(&d.clinic, &d.rosa, &f)
    };
    assert!(matches!(
        api::calls::record_call(
            &d.clinic,
            &d.ines,
            &CallForm {
                patient_id: d.ann,
                outcome: CallOutcome::NoAnswer,
                call_back_on: String::new(),
                note: String::new()
            }
        ),
        Err(Error::Forbidden)
    ));
    call(CallOutcome::NoAnswer, "").unwrap();
    assert!(list(&d).is_empty(), "called today");
    d.clock.set(at(2027, 2, 28));
    assert_eq!(list(&d), [d.ann], "back after a week");
    let row = &api::calls::recall_list(&d.clinic, &d.rosa, &CallListQuery::default()).unwrap().rows[0];
    assert_eq!(row.last_call, "No answer, 20/02/2027 (Rosa)");

    assert_eq!(refusal(call(CallOutcome::CallBack, "")).0, "callBackOn");
    call(CallOutcome::CallBack, "15/03/2027").unwrap();
    d.clock.set(at(2027, 3, 14));
    assert!(list(&d).is_empty(), "until the day to call back");
    d.clock.set(at(2027, 3, 15));
    assert_eq!(list(&d), [d.ann]);

    // A booking takes her off; cancelling it puts her back.
    let f = BookingForm {
        kind: AppointmentKind::Neurotoxin,
        ..form(&d, d.ann, &d.ines, d.room1, "22/03/2027", "10:00", 30)
    };
    let booked = api::appointments::book_appointment(&d.clinic, &d.rosa, &f).unwrap().appointment;
    assert!(list(&d).is_empty());
    api::appointments::cancel_appointment(&d.clinic, &d.rosa, booked.id, CancelReason::Patient).unwrap();
    assert_eq!(list(&d), [d.ann]);

    // Declined: off until her next treatment, however long that is.
    call(CallOutcome::Declined, "").unwrap();
    d.clock.set(at(2027, 9, 1));
    assert!(list(&d).is_empty());
    let next = api::sessions::start_session(&d.clinic, &d.ines, d.ann, TreatmentKind::Neurotoxin).unwrap();
    sign(&d, next.id); // due again 30/11/2027
    d.clock.set(at(2027, 11, 20));
    assert_eq!(list(&d), [d.ann]);
    api::patients::archive_patient(&d.clinic, &d.admin, d.ann).unwrap();
    assert!(list(&d).is_empty(), "archived patients are not called");
}

#[test]
fn daylight_saving_days_keep_every_appointment_on_its_day_and_hour() {
    // The zone, its spring and autumn change days, and its offset from UTC in winter.
    for (zone, spring, autumn, winter_offset) in
        [("America/Chicago", (2026, 3, 8), (2026, 11, 1), 6), ("Europe/London", (2026, 3, 29), (2026, 10, 25), 0)]
    {
        let (y, m, day) = spring;
        let spring = NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let (y, m, day) = autumn;
        let autumn = NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let d = clinic_at(zone, Utc.with_ymd_and_hms(2026, 1, 5, 12, 0, 0).unwrap());
        // Open every day, and the change days are Sundays.
        let all_week = vec![Some(DayHours { opens: "09:00".into(), closes: "17:00".into() }); 7];
        api::booking::save_opening_hours(&d.clinic, &d.admin, &all_week).unwrap();
        for (date, offset) in [(spring - Duration::days(1), winter_offset), (spring, winter_offset - 1)] {
            let f = form(&d, d.ann, &d.ines, d.room1, &date.format("%Y-%m-%d").to_string(), "09:00", 30);
            let a = api::appointments::book_appointment(&d.clinic, &d.admin, &f).unwrap().appointment;
            let expected = Utc.from_utc_datetime(&date.and_hms_opt(9, 0, 0).unwrap()) + Duration::hours(offset);
            assert_eq!(a.starts_at, glabella_core::clock::iso(expected), "{zone} {date}");
            assert_eq!(a.start_label, "09:00");
        }
        for date in [spring, autumn] {
            let iso = date.format("%Y-%m-%d").to_string();
            let late = BookingForm { book_anyway: true, ..form(&d, d.ben, &d.omar, d.room2, &iso, "23:30", 30) };
            let a = api::appointments::book_appointment(&d.clinic, &d.admin, &late).unwrap().appointment;
            assert_eq!(a.date, iso, "{zone}: 23:30 stays on its day");
            let view = api::appointments::day_view(&d.clinic, &d.rosa, &iso, Columns::Rooms).unwrap();
            assert!(view.columns.iter().any(|c| c.appointments.iter().any(|x| x.id == a.id)), "{zone} {iso}");
            assert_eq!(view.lines.first().unwrap().label, "09:00", "{zone} {iso}: the grid starts at opening");
            assert_eq!(view.lines.last().unwrap().label, "23:45", "{zone} {iso}: and reaches the late one");
            let next = api::appointments::day_view(&d.clinic, &d.rosa, &view.next, Columns::Rooms).unwrap();
            assert!(next.columns.iter().all(|c| c.appointments.iter().all(|x| x.id != a.id)));
        }
        // A session started at 23:30 local the night before a change: follow-up and
        // next-due are counted from that local day.
        for (day, follow, due) in [
            (spring - Duration::days(1), spring + Duration::days(13), spring + Duration::days(89)),
            (autumn - Duration::days(1), autumn + Duration::days(13), autumn + Duration::days(89)),
        ] {
            let tz: chrono_tz::Tz = zone.parse().unwrap();
            let at = tz.from_local_datetime(&day.and_hms_opt(23, 30, 0).unwrap()).unwrap().with_timezone(&Utc);
            d.clock.set(at);
            let s = api::sessions::start_session(&d.clinic, &d.ines, d.ann, TreatmentKind::Neurotoxin).unwrap();
            assert_eq!(s.form.follow_up_date, follow.format("%Y-%m-%d").to_string(), "{zone} {day}");
            assert_eq!(s.form.next_due_date, due.format("%Y-%m-%d").to_string(), "{zone} {day}");
        }
    }
}
