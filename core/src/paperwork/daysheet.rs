//! An injector's day sheet: the appointments that hold their slot on one day (cancelled
//! and no-shows left out), in time order, with the time, patient, kind, room and note,
//! and a "!" beside patients with allergies or a medical flag. The sheet only says
//! *that* there is something to read in the chart, never what: the allergies stay in
//! the chart, where the injector reads them before treating.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::sheet::{Column, Row, Sheet};
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::booking::views::{day_view, Columns};
use crate::booking::Appointment;
use crate::{Error, Result};

/// A typeset day sheet, to record and then print.
#[derive(Debug, Clone)]
pub struct DaySheet {
    pub pdf: Vec<u8>,
    pub injector_id: i64,
    /// `YYYY-MM-DD`, the clinic's day.
    pub date: String,
    pub appointments: u32,
    /// Different patients among them.
    pub patients: u32,
}

/// The day sheet of `injector_id` on `date` (`YYYY-MM-DD` or as the clinic writes
/// it; empty is today). Reads only; anyone signed in (injectors print their own day).
pub fn day_sheet(
    conn: &Connection,
    actor: &Actor,
    date: &str,
    injector_id: i64,
    now: DateTime<Utc>,
) -> Result<DaySheet> {
    actor.require(Permission::Demographics)?;
    let name: String = conn
        .prepare_cached("SELECT display_name FROM users WHERE id = ?1 AND role = 'injector'")?
        .query_row([injector_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound("The injector"))?;
    let view = day_view(conn, actor, date, Columns::Injectors, now)?;
    let day: Vec<Appointment> = view
        .columns
        .into_iter()
        .filter(|c| c.id == injector_id)
        .flat_map(|c| c.appointments)
        .filter(|a| a.status.holds_slot())
        .collect(); // the book's order: by start
    let mut patients: Vec<i64> = day.iter().map(|a| a.patient_id).collect();
    patients.sort_unstable();
    patients.dedup();

    let mut sheet = Sheet::new(conn, actor, &format!("Day sheet: {name}"), now)?;
    sheet.details =
        vec![("Day".into(), view.title), ("Injector".into(), name), ("Appointments".into(), day.len().to_string())];
    sheet.columns = vec![
        Column { label: "Time", width: 0 },
        Column { label: "Patient", width: 4 },
        Column { label: "Kind", width: 3 },
        Column { label: "Room", width: 2 },
        Column { label: "Note", width: 6 },
    ];
    sheet.alert_column = true;
    sheet.legend = "Allergies or a medical flag: see the chart before treating.".into();
    sheet.rows = day
        .iter()
        .map(|a| Row {
            cells: vec![
                format!("{} – {}", a.start_label, a.end_label),
                a.patient_name.clone(),
                a.kind_label.clone(),
                if a.room_name.is_empty() { "—".into() } else { a.room_name.clone() },
                a.note.clone(),
            ],
            alert: a.patient_alert,
        })
        .collect();
    sheet.empty = "No appointments.".into();
    Ok(DaySheet {
        pdf: sheet.render()?,
        injector_id,
        date: view.date,
        appointments: day.len() as u32,
        patients: patients.len() as u32,
    })
}

/// Records that `sheet` was printed: a disclosure of the day's patients, on the
/// injector whose day it is.
pub fn record_day_sheet(conn: &Connection, actor: &Actor, sheet: &DaySheet) -> Result<()> {
    actor.require(Permission::Demographics)?;
    let entry = actor.audit(Action::DaySheetPrint).on(entity::USER, sheet.injector_id).described(format!(
        "day sheet of {} printed: {} appointments, {} patients",
        sheet.date, sheet.appointments, sheet.patients
    ));
    audit::record(conn, &entry).map(drop)
}

/// The print job's name, e.g. `day-sheet-2026-12-01-3.pdf` (never a patient's name).
pub fn day_sheet_job(sheet: &DaySheet) -> String {
    format!("day-sheet-{}-{}.pdf", sheet.date, sheet.injector_id)
}
