//! The ways of looking at the book: one day by injector or by room on a 15-minute grid,
//! one injector's week, today's list with who is waiting and who is late, and a
//! patient's own appointments for the chart.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, Utc};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::setup::{self, Span};
use super::{Appointment, AppointmentKind, CancelReason, Status};
use crate::auth::{Actor, Permission};
use crate::calendar::{self, Writing};
use crate::clock::parse_iso;
use crate::{Error, Result};

/// Minutes between the lines of the grid.
pub const GRID_MINUTES: u32 = 15;
/// Minutes past its start after which a patient who has not arrived is late.
pub const LATE_MINUTES: i64 = 10;

/// The columns of the day view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Columns {
    Injectors,
    Rooms,
}

/// One line of the grid: a wall-clock time of the day that exists on that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GridLine {
    /// Minutes since local midnight.
    pub minute: u32,
    /// As the clinic writes it, e.g. `9:15 AM`; also what the booking dialog's time
    /// field is filled with.
    pub label: String,
}

/// A column of the day view: an injector or a room, or one day of a week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// The injector's or room's id; in a week, the day as `YYYYMMDD`.
    pub id: i64,
    pub name: String,
    /// `YYYY-MM-DD` of the column's day.
    pub date: String,
    /// When bookable without *Book anyway*, in minutes since local midnight.
    pub open: Option<(u32, u32)>,
    pub appointments: Vec<Appointment>,
}

/// A day (or a week) of the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookView {
    /// The day shown (the Monday of a week), `YYYY-MM-DD`.
    pub date: String,
    /// e.g. `Tuesday 01/12/2026`, or `Week of 30/11/2026`.
    pub title: String,
    pub today: String,
    pub previous: String,
    pub next: String,
    pub lines: Vec<GridLine>,
    pub columns: Vec<Column>,
}

/// An appointment on today's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct TodayRow {
    pub appointment: Appointment,
    /// Minutes since they arrived, while waiting.
    pub waiting_minutes: Option<i64>,
    /// More than ten minutes past the start and not arrived.
    pub late: bool,
    /// After a signed session: the follow-up review and the next treatment, to book.
    pub suggestions: Vec<Suggestion>,
}

/// A booking the desk is offered after a session was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub kind: AppointmentKind,
    /// e.g. "Follow-up review"
    pub label: String,
    /// `YYYY-MM-DD`, and as the clinic writes it.
    pub date: String,
    pub date_label: String,
}

/// A patient's appointments for the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PatientAppointments {
    /// Still to come (booked or arrived), soonest first.
    pub upcoming: Vec<Appointment>,
    /// Everything else, newest first.
    pub past: Vec<Appointment>,
    pub no_shows: u32,
    /// The next-due date of their latest signed session, as the clinic writes it.
    pub next_due: Option<String>,
}

/// The columns every appointment query selects, for [`appointment`].
pub(crate) const SELECT: &str = "SELECT a.id, a.patient_id, p.given_name || ' ' || p.family_name, p.phone,
        (p.allergies <> '' OR p.flag_pregnant_or_breastfeeding OR p.flag_neuromuscular_disorder
         OR p.flag_aminoglycoside_antibiotics OR p.flag_blood_thinners OR p.flag_keloid_history
         OR p.flag_active_skin_infection OR p.flag_previous_adverse_reaction),
        a.injector_id, u.display_name, a.room_id, COALESCE(r.name, ''), a.kind, a.starts_at, a.ends_at, a.note,
        a.status, a.cancel_reason, a.arrived_at, a.session_id
    FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = a.injector_id
    LEFT JOIN rooms r ON r.id = a.room_id";

/// One row of [`SELECT`] as the clinic writes it.
pub(crate) fn appointment(row: &Row, w: &Writing) -> rusqlite::Result<Appointment> {
    let (starts_at, ends_at): (String, String) = (row.get(10)?, row.get(11)?);
    let (start, end) = (parse_iso(&starts_at), parse_iso(&ends_at));
    let local = calendar::local(start, w.zone);
    let kind = AppointmentKind::parse(&row.get::<_, String>(9)?);
    let status = Status::parse(&row.get::<_, String>(13)?);
    let cancel_reason = row.get::<_, Option<String>>(14)?.as_deref().and_then(CancelReason::parse);
    let status_label = match cancel_reason {
        Some(reason) if status == Status::Cancelled => format!("cancelled ({})", reason.label()),
        _ => status.label().into(),
    };
    Ok(Appointment {
        id: row.get(0)?,
        patient_id: row.get(1)?,
        patient_name: row.get(2)?,
        patient_phone: row.get(3)?,
        patient_alert: row.get(4)?,
        injector_id: row.get(5)?,
        injector_name: row.get(6)?,
        room_id: row.get(7)?,
        room_name: row.get(8)?,
        kind,
        kind_label: kind.label().into(),
        minutes: u32::try_from((end - start).num_minutes()).unwrap_or(0),
        date: local.date().format("%Y-%m-%d").to_string(),
        date_label: w.dates.format(local.date()),
        start_label: w.time(start),
        end_label: w.time(end),
        start_minute: calendar::minute_of_day(local.time()),
        starts_at,
        ends_at,
        note: row.get(12)?,
        status,
        status_label,
        cancel_reason,
        arrived_at: row.get(15)?,
        session_id: row.get(16)?,
    })
}

/// One appointment.
pub fn get(conn: &Connection, id: i64) -> Result<Appointment> {
    let w = Writing::of(conn)?;
    conn.prepare_cached(&format!("{SELECT} WHERE a.id = ?1"))?.query_row([id], |r| appointment(r, &w)).map_err(|e| {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NotFound("The appointment"),
            e => e.into(),
        }
    })
}

/// The appointments starting in `[from, to)` (of one injector, or everyone's), by start.
fn between(
    conn: &Connection,
    w: &Writing,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    injector: Option<i64>,
) -> Result<Vec<Appointment>> {
    let (from, to) = (crate::clock::iso(from), crate::clock::iso(to));
    let rows: rusqlite::Result<Vec<Appointment>> = match injector {
        None => {
            let sql = format!("{SELECT} WHERE a.starts_at >= ?1 AND a.starts_at < ?2 ORDER BY a.starts_at, a.id");
            conn.prepare_cached(&sql)?.query_map(params![from, to], |r| appointment(r, w))?.collect()
        }
        Some(id) => {
            let sql = format!(
                "{SELECT} WHERE a.injector_id = ?3 AND a.starts_at >= ?1 AND a.starts_at < ?2 ORDER BY a.starts_at, a.id"
            );
            conn.prepare_cached(&sql)?.query_map(params![from, to, id], |r| appointment(r, w))?.collect()
        }
    };
    Ok(rows?)
}

/// A date from the page (`YYYY-MM-DD`, or as the clinic writes it); empty is today.
fn day_or_today(text: &str, w: &Writing, now: DateTime<Utc>) -> Result<NaiveDate> {
    if text.trim().is_empty() {
        return Ok(calendar::local_date(now, w.zone));
    }
    w.dates.read(text).ok_or_else(|| Error::invalid("date", format!("\"{text}\" is not a date.")))
}

/// The grid's lines over `span` (the union of the hours and the appointments shown),
/// leaving out wall-clock times that do not exist on `date` (clocks going forward).
fn grid(date: NaiveDate, span: Span, w: &Writing) -> Vec<GridLine> {
    let from = span.0 / GRID_MINUTES * GRID_MINUTES;
    (from..span.1)
        .step_by(GRID_MINUTES as usize)
        .filter_map(|minute| {
            let time = NaiveTime::from_num_seconds_from_midnight_opt(minute * 60, 0)?;
            calendar::instant(date.and_time(time), w.zone)?;
            Some(GridLine { minute, label: w.times.format(time) })
        })
        .collect()
}

fn widen(span: &mut Option<Span>, with: Span) {
    *span = Some(match *span {
        None => with,
        Some((a, b)) => (a.min(with.0), b.max(with.1)),
    });
}

/// The span an appointment covers on its day's grid.
fn covers(a: &Appointment) -> Span {
    (a.start_minute, (a.start_minute + a.minutes).min(24 * 60))
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// One day of the book, by injector (active injectors, and anyone with an appointment
/// that day) or by room (rooms in use, and any room booked that day).
pub fn day_view(conn: &Connection, actor: &Actor, date: &str, by: Columns, now: DateTime<Utc>) -> Result<BookView> {
    actor.require(Permission::Demographics)?;
    let w = Writing::of(conn)?;
    let day = day_or_today(date, &w, now)?;
    let (from, to) = calendar::day_span(day, w.zone);
    let appointments = between(conn, &w, from, to, None)?;
    let mut span = setup::opening(conn, day.weekday())?;
    let mut columns: Vec<Column> = match by {
        Columns::Injectors => conn
            .prepare_cached(
                "SELECT id, display_name FROM users WHERE role = 'injector' AND active = 1 ORDER BY display_name",
            )?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|(id, name)| {
                Ok(Column {
                    id,
                    name,
                    date: ymd(day),
                    open: setup::working(conn, id, day.weekday())?,
                    appointments: vec![],
                })
            })
            .collect::<Result<_>>()?,
        Columns::Rooms => conn
            .prepare_cached("SELECT id, name FROM rooms WHERE retired_at IS NULL ORDER BY name")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
            .map(|row| row.map(|(id, name)| Column { id, name, date: ymd(day), open: span, appointments: vec![] }))
            .collect::<rusqlite::Result<_>>()?,
    };
    for a in appointments {
        let (id, name) = match by {
            Columns::Injectors => (a.injector_id, a.injector_name.clone()),
            Columns::Rooms => {
                (a.room_id.unwrap_or(0), if a.room_id.is_some() { a.room_name.clone() } else { "No room".into() })
            }
        };
        if a.status.holds_slot() {
            widen(&mut span, covers(&a));
        }
        match columns.iter_mut().find(|c| c.id == id) {
            Some(column) => column.appointments.push(a),
            None => columns.push(Column { id, name, date: ymd(day), open: None, appointments: vec![a] }),
        }
    }
    Ok(BookView {
        date: ymd(day),
        title: format!("{} {}", day.format("%A"), w.dates.format(day)),
        today: ymd(calendar::local_date(now, w.zone)),
        previous: ymd(day - Days::new(1)),
        next: ymd(day + Days::new(1)),
        lines: grid(day, span.unwrap_or((9 * 60, 17 * 60)), &w),
        columns,
    })
}

/// One injector's week, Monday to Sunday (days the clinic is closed and nothing is
/// booked are left out).
pub fn week_view(
    conn: &Connection,
    actor: &Actor,
    date: &str,
    injector_id: i64,
    now: DateTime<Utc>,
) -> Result<BookView> {
    actor.require(Permission::Demographics)?;
    let w = Writing::of(conn)?;
    let monday = calendar::week_start(day_or_today(date, &w, now)?);
    let (from, _) = calendar::day_span(monday, w.zone);
    let (_, to) = calendar::day_span(monday + Days::new(6), w.zone);
    let mut week = between(conn, &w, from, to, Some(injector_id))?;
    let mut span = None;
    let mut columns = Vec::new();
    for offset in 0..7 {
        let day = monday + Days::new(offset);
        let (appointments, later) = week.into_iter().partition(|a: &Appointment| a.date == ymd(day));
        week = later;
        let open = setup::working(conn, injector_id, day.weekday())?;
        if let Some(hours) = setup::opening(conn, day.weekday())? {
            widen(&mut span, hours);
        } else if appointments.is_empty() {
            continue;
        }
        for a in appointments.iter().filter(|a| a.status.holds_slot()) {
            widen(&mut span, covers(a));
        }
        let id = i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day());
        columns.push(Column {
            id,
            name: format!("{} {}", day.format("%a"), w.dates.format(day)),
            date: ymd(day),
            open,
            appointments,
        });
    }
    Ok(BookView {
        date: ymd(monday),
        title: format!("Week of {}", w.dates.format(monday)),
        today: ymd(calendar::local_date(now, w.zone)),
        previous: ymd(monday - Days::new(7)),
        next: ymd(monday + Days::new(7)),
        lines: grid(monday, span.unwrap_or((9 * 60, 17 * 60)), &w),
        columns,
    })
}

/// Today's appointments in time order (one injector's, or everyone's), with who is
/// waiting and for how long, who is late, and the bookings to offer after a session.
pub fn today_list(
    conn: &Connection,
    actor: &Actor,
    injector_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<TodayRow>> {
    actor.require(Permission::Demographics)?;
    let w = Writing::of(conn)?;
    let (from, to) = calendar::day_span(calendar::local_date(now, w.zone), w.zone);
    let mut due = conn.prepare_cached(
        "SELECT s.kind, COALESCE(s.follow_up_date, ''), COALESCE(s.next_due_date, '') FROM sessions s
         WHERE s.id = ?1 AND s.signed_at IS NOT NULL",
    )?;
    let mut rows = Vec::new();
    for a in between(conn, &w, from, to, injector_id)? {
        let start = parse_iso(&a.starts_at);
        let waiting_minutes = match (a.status, &a.arrived_at) {
            (Status::Arrived, Some(at)) => Some((now - parse_iso(at)).num_minutes().max(0)),
            _ => None,
        };
        let late = a.status == Status::Booked && now - start > Duration::minutes(LATE_MINUTES);
        let mut suggestions = Vec::new();
        if let (Status::Completed, Some(session)) = (a.status, a.session_id) {
            let found: Option<(String, String, String)> = {
                use rusqlite::OptionalExtension;
                due.query_row([session], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?
            };
            if let Some((kind, follow_up, next_due)) = found {
                let next_kind = if kind == "neurotoxin" { AppointmentKind::Neurotoxin } else { a.kind };
                for (kind, label, date) in
                    [(AppointmentKind::Review, "Follow-up review", follow_up), (next_kind, "Next treatment", next_due)]
                {
                    if let Ok(day) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
                        suggestions.push(Suggestion {
                            kind,
                            label: label.into(),
                            date,
                            date_label: w.dates.format(day),
                        });
                    }
                }
            }
        }
        rows.push(TodayRow { appointment: a, waiting_minutes, late, suggestions });
    }
    Ok(rows)
}

/// A patient's appointments and next-due date, for the chart.
pub fn patient_appointments(
    conn: &Connection,
    actor: &Actor,
    patient_id: i64,
    now: DateTime<Utc>,
) -> Result<PatientAppointments> {
    actor.require(Permission::Demographics)?;
    let w = Writing::of(conn)?;
    let sql = format!("{SELECT} WHERE a.patient_id = ?1 ORDER BY a.starts_at DESC, a.id DESC");
    let all = conn
        .prepare_cached(&sql)?
        .query_map([patient_id], |r| appointment(r, &w))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let now_iso = crate::clock::iso(now);
    let (mut upcoming, past): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|a| matches!(a.status, Status::Booked | Status::Arrived) && a.ends_at > now_iso);
    upcoming.reverse();
    let no_shows = past.iter().filter(|a| a.status == Status::NoShow).count() as u32;
    let next_due: Option<String> = {
        use rusqlite::OptionalExtension;
        conn.prepare_cached("SELECT next_due_date FROM patient_due WHERE patient_id = ?1")?
            .query_row([patient_id], |r| r.get(0))
            .optional()?
    };
    let next_due = next_due.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).map(|d| w.dates.format(d));
    Ok(PatientAppointments { upcoming, past, no_shows, next_due })
}
