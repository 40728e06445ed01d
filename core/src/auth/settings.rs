//! The clinic's own settings: its name, address and phone (for the header of printed
//! paperwork), how long the app may sit idle before it locks, and its time zone and
//! way of writing dates and times (see [`crate::calendar`]).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::{Actor, Permission};
use crate::calendar::{self, DateFormat, TimeFormat};
use crate::error::FieldError;
use crate::text;
use crate::{Error, Result};

/// Idle minutes before the app locks, unless an admin chose otherwise.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
/// The idle-lock range an admin may choose from.
pub const IDLE_LOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=120;

/// The clinic's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClinicSettings {
    pub clinic_name: String,
    pub clinic_address: String,
    pub clinic_phone: String,
    pub idle_lock_minutes: u32,
    /// An IANA name such as `Europe/London`; empty when setting up means the computer's.
    pub time_zone: String,
    pub date_format: DateFormat,
    pub time_format: TimeFormat,
}

fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?.query_row([key], |r| r.get(0)).optional()?)
}

/// The settings (readable by everyone signed in: the clinic's name is on every screen).
pub fn get_settings(conn: &Connection) -> Result<ClinicSettings> {
    Ok(ClinicSettings {
        clinic_name: get(conn, "clinic_name")?.unwrap_or_default(),
        clinic_address: get(conn, "clinic_address")?.unwrap_or_default(),
        clinic_phone: get(conn, "clinic_phone")?.unwrap_or_default(),
        idle_lock_minutes: get(conn, "idle_lock_minutes")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES),
        time_zone: calendar::zone(conn)?.name().to_string(),
        date_format: DateFormat::parse(&get(conn, "date_format")?.unwrap_or_default()),
        time_format: TimeFormat::parse(&get(conn, "time_format")?.unwrap_or_default()),
    })
}

/// Checks the settings and returns them trimmed.
pub fn validated(s: &ClinicSettings) -> Result<ClinicSettings> {
    let mut s = s.clone();
    s.clinic_name = s.clinic_name.trim().to_string();
    s.clinic_address = s.clinic_address.trim().to_string();
    s.clinic_phone = s.clinic_phone.trim().to_string();
    let mut problems = Vec::new();
    match calendar::parse_zone(&s.time_zone) {
        Some(zone) => s.time_zone = zone.name().to_string(),
        None if s.time_zone.trim().is_empty() => s.time_zone = calendar::computer_zone().name().to_string(),
        None => problems.push(FieldError {
            field: "timeZone",
            message: format!("\"{}\" is not a time zone; choose one from the list, e.g. Europe/London.", s.time_zone),
        }),
    }
    if s.clinic_name.is_empty() || s.clinic_name.chars().count() > 200 {
        problems.push(FieldError {
            field: "clinicName",
            message: "The clinic's name is required (at most 200 characters).".into(),
        });
    }
    if s.clinic_address.chars().count() > 500 {
        problems.push(FieldError {
            field: "clinicAddress",
            message: "The address is too long (at most 500 characters).".into(),
        });
    }
    if s.clinic_phone.chars().count() > 30 {
        problems.push(FieldError {
            field: "clinicPhone",
            message: "The phone number is too long (at most 30 characters).".into(),
        });
    }
    for (field, value, characters) in [
        ("clinicName", &s.clinic_name, text::line_problem as fn(&str) -> Option<String>),
        ("clinicAddress", &s.clinic_address, text::lines_problem),
        ("clinicPhone", &s.clinic_phone, text::line_problem),
    ] {
        if let Some(message) = characters(value).filter(|_| !problems.iter().any(|p| p.field == field)) {
            problems.push(FieldError { field, message });
        }
    }
    if !IDLE_LOCK_RANGE.contains(&s.idle_lock_minutes) {
        problems.push(FieldError {
            field: "idleLockMinutes",
            message: format!(
                "Lock after {} to {} minutes of inactivity.",
                IDLE_LOCK_RANGE.start(),
                IDLE_LOCK_RANGE.end()
            ),
        });
    }
    if problems.is_empty() {
        Ok(s)
    } else {
        Err(Error::Validation(problems))
    }
}

/// Writes validated settings without a permission check: setup, before any account exists.
pub(crate) fn store_settings(conn: &Connection, s: &ClinicSettings) -> Result<ClinicSettings> {
    let s = validated(s)?;
    let mut put = conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in [
        ("clinic_name", s.clinic_name.clone()),
        ("clinic_address", s.clinic_address.clone()),
        ("clinic_phone", s.clinic_phone.clone()),
        ("idle_lock_minutes", s.idle_lock_minutes.to_string()),
        ("time_zone", s.time_zone.clone()),
        ("date_format", s.date_format.as_str().to_string()),
        ("time_format", s.time_format.as_str().to_string()),
    ] {
        put.execute(params![key, value])?;
    }
    Ok(s)
}

/// Changes the settings (admins only).
pub fn update_settings(conn: &Connection, actor: &Actor, s: &ClinicSettings) -> Result<ClinicSettings> {
    actor.require(Permission::ManageSettings)?;
    store_settings(conn, s)
}
