//! Booking, moving, cancelling and checking in appointments, and the rules that keep the
//! book honest: an injector or a room is never booked twice at once (checked inside the
//! booking's own write transaction, so two desks cannot both win), nobody is booked
//! outside the hours unless an administrator says *Book anyway*, and an appointment is
//! completed only by signing its session. Every change is kept in
//! `appointment_changes` and audited on the patient; nothing is deleted.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::setup::{self, MINUTES_RANGE};
use super::views;
use super::{Appointment, AppointmentKind, CancelReason, Status};
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission, Role};
use crate::calendar::{self, Writing};
use crate::clock::{iso, parse_iso};
use crate::error::FieldError;
use crate::sessions::{self, Session, RETREATMENT_DAYS};
use crate::{text, Error, Result};

/// The longest note on an appointment: a few words for the desk, no clinical detail.
pub const NOTE_MAX: usize = 200;

/// What the booking dialog sends: who, with whom, where, what, when and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookingForm {
    pub patient_id: i64,
    pub injector_id: i64,
    pub room_id: Option<i64>,
    pub kind: AppointmentKind,
    /// As the clinic writes dates (or `YYYY-MM-DD`).
    pub date: String,
    /// As typed: `14:30`, `2:30 PM`.
    pub time: String,
    pub minutes: u32,
    pub note: String,
    /// Outside the opening or working hours all the same (administrators only).
    pub book_anyway: bool,
}

/// A booking made, with what the desk should know about it (never a reason to refuse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Booked {
    pub appointment: Appointment,
    pub warnings: Vec<String>,
}

/// One change of an appointment, for its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentChange {
    /// UTC, ISO-8601.
    pub at: String,
    pub by: String,
    pub what: String,
}

/// The form's times as instants, after every check; `except` is the appointment being
/// moved (it does not conflict with itself).
fn check(conn: &Connection, actor: &Actor, f: &BookingForm, except: i64) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let w = Writing::of(conn)?;
    let mut problems = Vec::new();
    let mut problem = |field: &'static str, message: String| problems.push(FieldError { field, message });
    let injector: Option<(String, String, bool)> = conn
        .prepare_cached("SELECT display_name, role, active FROM users WHERE id = ?1")?
        .query_row([f.injector_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let injector_name = match &injector {
        Some((name, role, true)) if Role::parse(role) == Some(Role::Injector) => name.clone(),
        Some((name, _, false)) => {
            problem("injectorId", format!("{name} no longer works here; choose another injector."));
            name.clone()
        }
        _ => {
            problem("injectorId", "Choose the injector.".into());
            String::new()
        }
    };
    if let Some(room) = f.room_id {
        let retired: Option<bool> = conn
            .prepare_cached("SELECT retired_at IS NOT NULL FROM rooms WHERE id = ?1")?
            .query_row([room], |r| r.get(0))
            .optional()?;
        match retired {
            None => problem("roomId", "Choose a room.".into()),
            Some(true) => problem("roomId", "This room is retired; choose another.".into()),
            Some(false) => {}
        }
    }
    let archived: Option<bool> = conn
        .prepare_cached("SELECT archived_at IS NOT NULL FROM patients WHERE id = ?1")?
        .query_row([f.patient_id], |r| r.get(0))
        .optional()?;
    match archived {
        None => problem("patientId", "Choose the patient.".into()),
        Some(true) => problem("patientId", "This patient is archived; restore them before booking.".into()),
        Some(false) => {}
    }
    if !MINUTES_RANGE.contains(&f.minutes) {
        problem(
            "minutes",
            format!("An appointment takes {} to {} minutes.", MINUTES_RANGE.start(), MINUTES_RANGE.end()),
        );
    }
    if f.note.chars().count() > NOTE_MAX {
        problem(
            "note",
            format!("Keep the note short (at most {NOTE_MAX} characters); clinical notes belong in the session."),
        );
    } else if let Some(message) = text::line_problem(&f.note) {
        problem("note", message);
    }
    let date = w.dates.read(&f.date);
    let time = calendar::read_time(&f.time);
    if date.is_none() {
        problem(
            "date",
            format!("Write the date like {}.", w.dates.format(NaiveDate::from_ymd_opt(1985, 4, 2).unwrap())),
        );
    }
    if time.is_none() {
        problem("time", "Write the time like 14:30 or 2:30 PM.".into());
    }
    let start = match date.zip(time) {
        Some((d, t)) => {
            let start = calendar::instant(d.and_time(t), w.zone);
            if start.is_none() {
                problem(
                    "time",
                    format!("{} does not exist on {}: the clocks go forward.", w.times.format(t), w.dates.format(d)),
                );
            }
            start
        }
        None => None,
    };
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let start = start.expect("checked above");
    let end = start + Duration::minutes(i64::from(f.minutes));

    // Overlaps: [a, b) and [c, d) overlap when a < d and c < b; touching is fine.
    let earliest = iso(start - Duration::minutes(i64::from(*MINUTES_RANGE.end())));
    for (field, column, whose) in
        [("injectorId", "injector_id", injector_name.clone()), ("roomId", "room_id", String::new())]
    {
        let id = if column == "room_id" { f.room_id } else { Some(f.injector_id) };
        let Some(id) = id else { continue };
        let sql = format!(
            "{} WHERE a.{column} = ?1 AND a.starts_at < ?2 AND a.starts_at > ?3 AND a.ends_at > ?4
               AND a.status NOT IN ('cancelled', 'no_show') AND a.id <> ?5 ORDER BY a.starts_at LIMIT 1",
            views::SELECT
        );
        let clash = conn
            .prepare_cached(&sql)?
            .query_row(params![id, iso(end), earliest, iso(start), except], |r| views::appointment(r, &w))
            .optional()?;
        if let Some(c) = clash {
            let who = if whose.is_empty() { c.room_name.clone() } else { whose };
            return Err(Error::invalid(
                field,
                format!(
                    "{who} is already booked from {} to {} ({}, {}).",
                    c.start_label, c.end_label, c.patient_name, c.kind_label
                ),
            ));
        }
    }

    // The hours: the clinic's and the injector's, on the start's local day.
    let local_start = calendar::local(start, w.zone);
    let local_end = calendar::local(end, w.zone);
    let day = local_start.date();
    let from = calendar::minute_of_day(local_start.time());
    let to = if local_end.date() == day { calendar::minute_of_day(local_end.time()) } else { 24 * 60 + 1 };
    let weekday = day.format("%A");
    let outside = match (setup::opening(conn, day.weekday())?, setup::working(conn, f.injector_id, day.weekday())?) {
        (None, _) => Some(format!("The clinic is closed on {weekday}s.")),
        (Some((o, c)), _) if from < o || to > c => {
            Some(format!("That is outside the clinic's opening hours on {weekday}s."))
        }
        (_, None) => Some(format!("{injector_name} does not work on {weekday}s.")),
        (_, Some((o, c))) if from < o || to > c => {
            Some(format!("That is outside {injector_name}'s working hours on {weekday}s."))
        }
        _ => None,
    };
    if let Some(reason) = outside {
        if !f.book_anyway {
            return Err(Error::invalid("time", format!("{reason} An administrator can book it anyway.")));
        }
        if !actor.role.allows(Permission::ManageSettings) {
            return Err(Error::invalid("time", format!("{reason} Only an administrator can book it anyway.")));
        }
    }
    Ok((start, end))
}

/// What the desk should know about a booking: the patient already has an appointment
/// that day; a neurotoxin sooner than about three months after the last one.
fn warnings(conn: &Connection, f: &BookingForm, start: DateTime<Utc>, except: i64) -> Result<Vec<String>> {
    let w = Writing::of(conn)?;
    let mut out = Vec::new();
    let (from, to) = calendar::day_span(calendar::local_date(start, w.zone), w.zone);
    let sql = format!(
        "{} WHERE a.patient_id = ?1 AND a.starts_at >= ?2 AND a.starts_at < ?3 AND a.id <> ?4
           AND a.status NOT IN ('cancelled', 'no_show') ORDER BY a.starts_at LIMIT 1",
        views::SELECT
    );
    let same_day = conn
        .prepare_cached(&sql)?
        .query_row(params![f.patient_id, iso(from), iso(to), except], |r| views::appointment(r, &w))
        .optional()?;
    if let Some(a) = same_day {
        out.push(format!(
            "{} already has an appointment that day: {} at {} with {}.",
            a.patient_name, a.kind_label, a.start_label, a.injector_name
        ));
    }
    if f.kind == AppointmentKind::Neurotoxin {
        let last: Option<String> = conn
            .prepare_cached(
                "SELECT MAX(started_at) FROM sessions WHERE patient_id = ?1 AND kind = 'neurotoxin'
                 AND signed_at IS NOT NULL AND started_at < ?2",
            )?
            .query_row(params![f.patient_id, iso(start)], |r| r.get(0))?;
        if let Some(last) = last {
            let last = parse_iso(&last);
            let days = (start - last).num_days();
            if days < RETREATMENT_DAYS {
                out.push(format!(
                    "Last treated {}: {} weeks before this booking. Re-treatment is usually not sooner than about 3 months.",
                    calendar::spoken_date(calendar::local_date(last, w.zone)),
                    days / 7
                ));
            }
        }
    }
    Ok(out)
}

fn record(conn: &Connection, actor: &Actor, action: Action, a: &Appointment, what: String) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO appointment_changes (appointment_id, changed_at, changed_by, what) VALUES (?1, glabella_now(), ?2, ?3)",
    )?
    .execute(params![a.id, actor.user_id, what])?;
    let entry =
        actor.audit(action).on(entity::PATIENT, a.patient_id).described(format!("appointment {}: {what}", a.id));
    audit::record(conn, &entry)?;
    Ok(())
}

fn summary(a: &Appointment) -> String {
    let room = if a.room_name.is_empty() { String::new() } else { format!(" in {}", a.room_name) };
    format!("{} on {} {}–{} with {}{room}", a.kind_label, a.date_label, a.start_label, a.end_label, a.injector_name)
}

/// Books an appointment (receptionists and administrators).
pub fn book(conn: &Connection, actor: &Actor, f: &BookingForm) -> Result<Booked> {
    actor.require(Permission::Booking)?;
    let (start, end) = check(conn, actor, f, 0)?;
    let warnings = warnings(conn, f, start, 0)?;
    conn.prepare_cached(
        "INSERT INTO appointments (patient_id, injector_id, room_id, kind, starts_at, ends_at, note, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, glabella_now(), ?8, glabella_now())",
    )?
    .execute(params![f.patient_id, f.injector_id, f.room_id, f.kind.as_str(), iso(start), iso(end), f.note.trim(), actor.user_id])?;
    let appointment = views::get(conn, conn.last_insert_rowid())?;
    record(conn, actor, Action::AppointmentBook, &appointment, format!("booked: {}", summary(&appointment)))?;
    Ok(Booked { appointment, warnings })
}

/// Moves an appointment to another time, length, injector, room or kind (the patient
/// stays); only while it is booked or the patient has arrived.
pub fn reschedule(conn: &Connection, actor: &Actor, id: i64, f: &BookingForm) -> Result<Booked> {
    actor.require(Permission::Booking)?;
    let before = views::get(conn, id)?;
    if !matches!(before.status, Status::Booked | Status::Arrived) {
        return Err(Error::invalid(
            "status",
            format!("This appointment is {}; it can no longer be moved.", before.status.label()),
        ));
    }
    let f = BookingForm { patient_id: before.patient_id, ..f.clone() };
    let (start, end) = check(conn, actor, &f, id)?;
    let warnings = warnings(conn, &f, start, id)?;
    conn.prepare_cached(
        "UPDATE appointments SET injector_id = ?1, room_id = ?2, kind = ?3, starts_at = ?4, ends_at = ?5, note = ?6,
                updated_at = glabella_now() WHERE id = ?7",
    )?
    .execute(params![f.injector_id, f.room_id, f.kind.as_str(), iso(start), iso(end), f.note.trim(), id])?;
    let appointment = views::get(conn, id)?;
    let what = format!("moved from {} to {}", summary(&before), summary(&appointment));
    record(conn, actor, Action::AppointmentReschedule, &appointment, what)?;
    Ok(Booked { appointment, warnings })
}

/// Cancels an appointment, with the reason; it stays in the book, its slot free again.
pub fn cancel(conn: &Connection, actor: &Actor, id: i64, reason: CancelReason) -> Result<Appointment> {
    actor.require(Permission::Booking)?;
    let before = views::get(conn, id)?;
    if !matches!(before.status, Status::Booked | Status::Arrived) {
        return Err(Error::invalid(
            "status",
            format!("This appointment is {}; it cannot be cancelled.", before.status.label()),
        ));
    }
    conn.prepare_cached(
        "UPDATE appointments SET status = 'cancelled', cancel_reason = ?1, updated_at = glabella_now() WHERE id = ?2",
    )?
    .execute(params![reason.as_str(), id])?;
    let appointment = views::get(conn, id)?;
    record(conn, actor, Action::AppointmentCancel, &appointment, format!("cancelled ({})", reason.label()))?;
    Ok(appointment)
}

/// Checks a patient in (`Arrived`), takes that back (`Booked`), or marks a no-show.
/// *In treatment* comes from starting the session and *completed* from signing it.
pub fn set_status(conn: &Connection, actor: &Actor, id: i64, status: Status) -> Result<Appointment> {
    actor.require(Permission::Booking)?;
    let before = views::get(conn, id)?;
    let allowed = match status {
        Status::Arrived => before.status == Status::Booked,
        Status::Booked => before.status == Status::Arrived,
        Status::NoShow => before.status == Status::Booked,
        Status::InTreatment => {
            return Err(Error::invalid("status", "Start the session from the appointment to put it in treatment."))
        }
        Status::Completed => {
            return Err(Error::invalid("status", "An appointment is completed when its session is signed."))
        }
        Status::Cancelled => return Err(Error::invalid("status", "Cancel the appointment with a reason.")),
    };
    if !allowed {
        return Err(Error::invalid(
            "status",
            format!("This appointment is {}; it cannot be marked {}.", before.status.label(), status.label()),
        ));
    }
    conn.prepare_cached(
        "UPDATE appointments SET status = ?1,
                arrived_at = CASE WHEN ?1 = 'arrived' THEN glabella_now() ELSE NULL END,
                updated_at = glabella_now() WHERE id = ?2",
    )?
    .execute(params![status.as_str(), id])?;
    let appointment = views::get(conn, id)?;
    record(conn, actor, Action::AppointmentStatus, &appointment, format!("marked {}", status.label()))?;
    Ok(appointment)
}

/// Starts the session of an appointment (injectors): a draft for its patient with the
/// kind preset, linked to it; the appointment is then in treatment. An appointment
/// already in treatment gives its session back.
pub fn start_session(conn: &Connection, actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<Session> {
    actor.require(Permission::ClinicalWrite)?;
    let a = views::get(conn, id)?;
    match (a.status, a.session_id) {
        (Status::InTreatment, Some(session)) => return sessions::open_session(conn, actor, session),
        (Status::Booked | Status::Arrived, _) => {}
        (status, _) => {
            return Err(Error::invalid(
                "status",
                format!("This appointment is {}; no session can start from it.", status.label()),
            ))
        }
    }
    let session = sessions::start_session(conn, actor, a.patient_id, a.kind.treatment(), now)?;
    conn.prepare_cached(
        "UPDATE appointments SET status = 'in_treatment', session_id = ?1, updated_at = glabella_now() WHERE id = ?2",
    )?
    .execute(params![session.id, id])?;
    record(conn, actor, Action::AppointmentStatus, &a, format!("in treatment: session {} started", session.id))?;
    Ok(session)
}

/// Completes the appointment a session was started from, as the session is signed.
pub fn complete_for_session(conn: &Connection, actor: &Actor, session_id: i64) -> Result<()> {
    let id: Option<i64> = conn
        .prepare_cached("SELECT id FROM appointments WHERE session_id = ?1 AND status = 'in_treatment'")?
        .query_row([session_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = id {
        conn.prepare_cached("UPDATE appointments SET status = 'completed', updated_at = glabella_now() WHERE id = ?1")?
            .execute([id])?;
        let a = views::get(conn, id)?;
        record(conn, actor, Action::AppointmentStatus, &a, format!("completed: session {session_id} signed"))?;
    }
    Ok(())
}

/// Every change of an appointment, oldest first.
pub fn history(conn: &Connection, actor: &Actor, id: i64) -> Result<Vec<AppointmentChange>> {
    actor.require(Permission::Demographics)?;
    views::get(conn, id)?;
    Ok(conn
        .prepare_cached(
            "SELECT c.changed_at, u.display_name, c.what FROM appointment_changes c JOIN users u ON u.id = c.changed_by
             WHERE c.appointment_id = ?1 ORDER BY c.id",
        )?
        .query_map([id], |r| Ok(AppointmentChange { at: r.get(0)?, by: r.get(1)?, what: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}
