//! Setup for booking (Settings → Booking): the clinic's opening hours, its rooms, each
//! injector's working week and how long each kind of appointment takes. Hours are the
//! clinic's local wall-clock times; one span a day.

use chrono::{NaiveTime, Weekday};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::AppointmentKind;
use crate::audit::{self, entity, Action};
use crate::auth::{settings, Actor, Permission, Role};
use crate::calendar::{self, minute_of_day, TimeFormat};
use crate::error::FieldError;
use crate::{clock, text, Error, Result};

/// The weekdays as fields of a week's form, Monday first.
pub const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// One day's hours, as the clinic writes times (`09:00`, `9:00 AM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DayHours {
    pub opens: String,
    pub closes: String,
}

/// A room appointments can be booked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Room {
    pub id: i64,
    pub name: String,
    pub retired: bool,
}

/// An injector's working week; `days` is `None` while they work whenever the clinic is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct InjectorWeek {
    pub user_id: i64,
    pub name: String,
    pub active: bool,
    /// Monday first; `None` on a day off.
    pub days: Option<Vec<Option<DayHours>>>,
}

/// How long an appointment of a kind takes by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KindLength {
    pub kind: AppointmentKind,
    pub label: String,
    pub minutes: u32,
}

/// Everything Settings → Booking shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookingSetup {
    /// Monday first; `None` when the clinic is closed that day.
    pub opening_hours: Vec<Option<DayHours>>,
    pub rooms: Vec<Room>,
    pub injectors: Vec<InjectorWeek>,
    pub lengths: Vec<KindLength>,
}

/// A span of a day in minutes since local midnight, `[opens, closes)`.
pub type Span = (u32, u32);

/// The shortest and longest appointment, in minutes.
pub const MINUTES_RANGE: std::ops::RangeInclusive<u32> = 5..=480;

fn time_format(conn: &Connection) -> Result<TimeFormat> {
    Ok(settings::get_settings(conn)?.time_format)
}

fn stored_time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap_or(NaiveTime::MIN)
}

fn shown(format: TimeFormat, opens: &str, closes: &str) -> DayHours {
    DayHours { opens: format.format(stored_time(opens)), closes: format.format(stored_time(closes)) }
}

/// Everything Settings → Booking shows (anyone signed in may read it: the book uses it).
pub fn booking_setup(conn: &Connection) -> Result<BookingSetup> {
    let format = time_format(conn)?;
    let mut opening_hours = vec![None; 7];
    let mut stmt = conn.prepare_cached("SELECT weekday, opens, closes FROM opening_hours")?;
    for row in
        stmt.query_map([], |r| Ok((r.get::<_, u32>(0)? as usize, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
    {
        let (day, opens, closes) = row?;
        opening_hours[day] = Some(shown(format, &opens, &closes));
    }
    let rooms = conn
        .prepare_cached("SELECT id, name, retired_at IS NOT NULL FROM rooms ORDER BY name")?
        .query_map([], |r| Ok(Room { id: r.get(0)?, name: r.get(1)?, retired: r.get(2)? }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut injectors = conn
        .prepare_cached("SELECT id, display_name, active FROM users WHERE role = 'injector' ORDER BY display_name")?
        .query_map([], |r| Ok(InjectorWeek { user_id: r.get(0)?, name: r.get(1)?, active: r.get(2)?, days: None }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached("SELECT weekday, opens, closes FROM injector_hours WHERE user_id = ?1")?;
    for injector in &mut injectors {
        let mut days = Vec::new();
        let rows = stmt.query_map([injector.user_id], |r| {
            Ok((r.get::<_, u32>(0)? as usize, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
        })?;
        for row in rows {
            let (day, opens, closes) = row?;
            days.resize(days.len().max(day + 1), None);
            days[day] = opens.zip(closes).map(|(o, c)| shown(format, &o, &c));
        }
        if !days.is_empty() {
            days.resize(7, None);
            injector.days = Some(days);
        }
    }
    let lengths = AppointmentKind::ALL
        .into_iter()
        .map(|kind| Ok(KindLength { kind, label: kind.label().into(), minutes: length(conn, kind)? }))
        .collect::<Result<Vec<_>>>()?;
    Ok(BookingSetup { opening_hours, rooms, injectors, lengths })
}

/// The clinic's opening hours on `weekday`, or `None` when it is closed.
pub fn opening(conn: &Connection, weekday: Weekday) -> Result<Option<Span>> {
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT opens, closes FROM opening_hours WHERE weekday = ?1")?
        .query_row([weekday.num_days_from_monday()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(o, c)| (minute_of_day(stored_time(&o)), minute_of_day(stored_time(&c)))))
}

/// When `user_id` works on `weekday`: their own hours once set, else the clinic's.
pub fn working(conn: &Connection, user_id: i64, weekday: Weekday) -> Result<Option<Span>> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT opens, closes FROM injector_hours WHERE user_id = ?1 AND weekday = ?2")?
        .query_row(params![user_id, weekday.num_days_from_monday()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => opening(conn, weekday),
        Some((opens, closes)) => {
            Ok(opens.zip(closes).map(|(o, c)| (minute_of_day(stored_time(&o)), minute_of_day(stored_time(&c)))))
        }
    }
}

/// The default length of an appointment of `kind`, in minutes.
pub fn length(conn: &Connection, kind: AppointmentKind) -> Result<u32> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([format!("appointment_minutes_{}", kind.as_str())], |r| r.get(0))
        .optional()?;
    Ok(stored.and_then(|m| m.parse().ok()).unwrap_or_else(|| kind.default_minutes()))
}

/// A week's form read into stored `HH:MM` spans, or what is wrong with each day.
fn read_week(days: &[Option<DayHours>]) -> Result<Vec<Option<(String, String)>>> {
    if days.len() != 7 {
        return Err(Error::invalid("monday", "A week has seven days, Monday to Sunday."));
    }
    let mut problems = Vec::new();
    let mut week = Vec::new();
    for (field, day) in WEEKDAYS.iter().zip(days) {
        let Some(day) = day else {
            week.push(None);
            continue;
        };
        match (calendar::read_time(&day.opens), calendar::read_time(&day.closes)) {
            (Some(opens), Some(closes)) if closes > opens => {
                week.push(Some((opens.format("%H:%M").to_string(), closes.format("%H:%M").to_string())));
            }
            (Some(_), Some(_)) => {
                problems.push(FieldError { field, message: "The closing time must be after the opening time.".into() })
            }
            _ => problems.push(FieldError {
                field,
                message: format!("Write the times like 09:00 or 9:00 AM (\"{}\" to \"{}\").", day.opens, day.closes),
            }),
        }
    }
    if problems.is_empty() {
        Ok(week)
    } else {
        Err(Error::Validation(problems))
    }
}

fn audit_setting(conn: &Connection, actor: &Actor, what: String) -> Result<()> {
    audit::record(conn, &actor.audit(Action::SettingChange).on(entity::SETTING, "booking").described(what))?;
    Ok(())
}

/// Sets the clinic's opening hours (administrators).
pub fn save_opening_hours(conn: &Connection, actor: &Actor, days: &[Option<DayHours>]) -> Result<BookingSetup> {
    actor.require(Permission::ManageSettings)?;
    let week = read_week(days)?;
    conn.execute("DELETE FROM opening_hours", [])?;
    let mut put = conn.prepare_cached("INSERT INTO opening_hours (weekday, opens, closes) VALUES (?1, ?2, ?3)")?;
    for (day, hours) in week.iter().enumerate() {
        if let Some((opens, closes)) = hours {
            put.execute(params![day as u32, opens, closes])?;
        }
    }
    audit_setting(conn, actor, "opening hours".into())?;
    booking_setup(conn)
}

/// Sets an injector's working week, or (`None`) has them follow the clinic's hours.
pub fn save_injector_hours(
    conn: &Connection,
    actor: &Actor,
    user_id: i64,
    days: Option<&[Option<DayHours>]>,
) -> Result<BookingSetup> {
    actor.require(Permission::ManageSettings)?;
    let role: Option<String> =
        conn.prepare_cached("SELECT role FROM users WHERE id = ?1")?.query_row([user_id], |r| r.get(0)).optional()?;
    if role.as_deref().and_then(Role::parse) != Some(Role::Injector) {
        return Err(Error::NotFound("The injector"));
    }
    let week = days.map(read_week).transpose()?;
    conn.prepare_cached("DELETE FROM injector_hours WHERE user_id = ?1")?.execute([user_id])?;
    let mut put =
        conn.prepare_cached("INSERT INTO injector_hours (user_id, weekday, opens, closes) VALUES (?1, ?2, ?3, ?4)")?;
    for (day, hours) in week.iter().flatten().enumerate() {
        let (opens, closes) = hours.clone().unzip();
        put.execute(params![user_id, day as u32, opens, closes])?;
    }
    audit_setting(conn, actor, format!("working hours of user {user_id}"))?;
    booking_setup(conn)
}

fn room_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err(Error::invalid("roomName", "Give the room a name (at most 60 characters)."));
    }
    if let Some(message) = text::line_problem(name) {
        return Err(Error::invalid("roomName", message));
    }
    Ok(name.to_string())
}

fn refuse_taken_name(conn: &Connection, name: &str, except: i64) -> Result<()> {
    let taken: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM rooms WHERE name = ?1 AND id <> ?2)")?
        .query_row(params![name, except], |r| r.get(0))?;
    if taken {
        return Err(Error::invalid("roomName", format!("There is already a room called {name}.")));
    }
    Ok(())
}

/// Adds a room (administrators).
pub fn add_room(conn: &Connection, actor: &Actor, name: &str) -> Result<BookingSetup> {
    actor.require(Permission::ManageSettings)?;
    let name = room_name(name)?;
    refuse_taken_name(conn, &name, 0)?;
    conn.prepare_cached("INSERT INTO rooms (name, created_at) VALUES (?1, ?2)")?
        .execute(params![name, clock::now_iso(conn)?])?;
    audit_setting(conn, actor, format!("room {} added", conn.last_insert_rowid()))?;
    booking_setup(conn)
}

/// Renames a room (administrators).
pub fn rename_room(conn: &Connection, actor: &Actor, id: i64, name: &str) -> Result<BookingSetup> {
    actor.require(Permission::ManageSettings)?;
    let name = room_name(name)?;
    refuse_taken_name(conn, &name, id)?;
    if conn.prepare_cached("UPDATE rooms SET name = ?1 WHERE id = ?2")?.execute(params![name, id])? == 0 {
        return Err(Error::NotFound("The room"));
    }
    audit_setting(conn, actor, format!("room {id} renamed"))?;
    booking_setup(conn)
}

/// Retires a room (no new bookings in it; its appointments stay) or brings it back.
pub fn set_room_retired(conn: &Connection, actor: &Actor, id: i64, retired: bool) -> Result<BookingSetup> {
    actor.require(Permission::ManageSettings)?;
    let at = retired.then(|| clock::now_iso(conn)).transpose()?;
    if conn.prepare_cached("UPDATE rooms SET retired_at = ?1 WHERE id = ?2")?.execute(params![at, id])? == 0 {
        return Err(Error::NotFound("The room"));
    }
    audit_setting(conn, actor, format!("room {id} {}", if retired { "retired" } else { "brought back" }))?;
    booking_setup(conn)
}

/// Sets the default length of each kind of appointment (administrators).
pub fn save_appointment_lengths(conn: &Connection, actor: &Actor, lengths: &[KindLength]) -> Result<BookingSetup> {
    actor.require(Permission::ManageSettings)?;
    if let Some(bad) = lengths.iter().find(|l| !MINUTES_RANGE.contains(&l.minutes)) {
        return Err(Error::invalid(
            bad.kind.as_str(),
            format!("An appointment takes {} to {} minutes.", MINUTES_RANGE.start(), MINUTES_RANGE.end()),
        ));
    }
    let mut put = conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    for l in lengths {
        put.execute(params![format!("appointment_minutes_{}", l.kind.as_str()), l.minutes.to_string()])?;
    }
    audit_setting(conn, actor, "appointment lengths".into())?;
    booking_setup(conn)
}
