//! The recall calls: patients whose next-due date has passed or comes soon, who have no
//! appointment to come and are not archived, and the outcome of each call made to them.
//! A patient called lately drops off the list for a while (a week unless the desk says
//! otherwise), one to call back drops off until that day, and one who declined until
//! their next treatment.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::AppointmentKind;
use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::calendar::{self, Writing};
use crate::clock::{iso, parse_iso};
use crate::products::TreatmentKind;
use crate::{text, Error, Result};

/// How a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CallOutcome {
    Booked,
    NoAnswer,
    LeftMessage,
    CallBack,
    Declined,
    WrongNumber,
}

impl CallOutcome {
    /// Every outcome, in the order the list offers them.
    pub const ALL: [CallOutcome; 6] = [
        CallOutcome::Booked,
        CallOutcome::NoAnswer,
        CallOutcome::LeftMessage,
        CallOutcome::CallBack,
        CallOutcome::Declined,
        CallOutcome::WrongNumber,
    ];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Booked => "booked",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::LeftMessage => "left_message",
            CallOutcome::CallBack => "call_back",
            CallOutcome::Declined => "declined",
            CallOutcome::WrongNumber => "wrong_number",
        }
    }

    /// As shown to people.
    pub fn label(self) -> &'static str {
        match self {
            CallOutcome::Booked => "Booked",
            CallOutcome::NoAnswer => "No answer",
            CallOutcome::LeftMessage => "Left a message",
            CallOutcome::CallBack => "Call back",
            CallOutcome::Declined => "Declined",
            CallOutcome::WrongNumber => "Wrong number",
        }
    }

    fn parse(s: &str) -> Option<CallOutcome> {
        CallOutcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Which patients the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CallListQuery {
    /// Due within this many days from today (or overdue).
    pub due_within_days: u32,
    /// Leave out patients called within this many days.
    pub quiet_days: u32,
    pub offset: u32,
    pub limit: u32,
}

impl Default for CallListQuery {
    fn default() -> Self {
        CallListQuery { due_within_days: 14, quiet_days: 7, offset: 0, limit: 50 }
    }
}

/// A patient to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DuePatient {
    pub patient_id: i64,
    pub patient_name: String,
    pub phone: String,
    /// What they last had, when and with whom.
    pub last_treatment: String,
    pub last_treated: String,
    pub injector_name: String,
    pub injector_id: i64,
    /// The kind to book them for.
    pub kind: AppointmentKind,
    /// `YYYY-MM-DD`, and as the clinic writes it.
    pub next_due_date: String,
    pub next_due: String,
    /// Days past the next-due date (negative: days until it).
    pub overdue_days: i64,
    /// The last call, e.g. "No answer, 01/12/2026 (Rosa)".
    pub last_call: String,
}

/// A page of the list, soonest due first; `more` when there are further pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CallList {
    pub rows: Vec<DuePatient>,
    pub more: bool,
}

/// The patients to call, most recently due first (those due in the coming days at the
/// top, then those overdue, longest overdue last).
pub fn recall_list(conn: &Connection, actor: &Actor, q: &CallListQuery, now: DateTime<Utc>) -> Result<CallList> {
    actor.require(Permission::Demographics)?;
    let w = Writing::of(conn)?;
    let today = calendar::local_date(now, w.zone);
    let horizon = today + Days::new(u64::from(q.due_within_days.min(366)));
    let quiet_since = now - Duration::days(i64::from(q.quiet_days.min(366)));
    let limit = q.limit.clamp(1, 500);
    let mut stmt = conn.prepare_cached(
        "SELECT d.patient_id, p.given_name || ' ' || p.family_name, p.phone, s.kind, s.started_at, u.display_name,
                s.injector_id, d.next_due_date,
                (SELECT c.outcome || '|' || c.called_at || '|' || cu.display_name FROM recall_calls c
                 JOIN users cu ON cu.id = c.called_by
                 WHERE c.patient_id = d.patient_id ORDER BY c.called_at DESC, c.id DESC LIMIT 1)
         FROM patient_due d
         JOIN patients p ON p.id = d.patient_id
         JOIN sessions s ON s.id = d.session_id
         JOIN users u ON u.id = s.injector_id
         WHERE d.next_due_date <= ?1 AND p.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = d.patient_id AND a.ends_at > ?2
                           AND a.status IN ('booked', 'arrived', 'in_treatment'))
           AND NOT EXISTS (
               SELECT 1 FROM recall_calls c
               WHERE c.id = (SELECT c2.id FROM recall_calls c2 WHERE c2.patient_id = d.patient_id
                             ORDER BY c2.called_at DESC, c2.id DESC LIMIT 1)
                 AND ((c.outcome = 'declined' AND c.called_at > s.started_at)
                      OR (c.outcome = 'call_back' AND c.call_back_on > ?3)
                      OR (c.outcome NOT IN ('declined', 'call_back') AND c.called_at > ?4)))
         ORDER BY d.next_due_date DESC, d.patient_id
         LIMIT ?5 OFFSET ?6",
    )?;
    let rows = stmt.query_map(
        params![
            horizon.format("%Y-%m-%d").to_string(),
            iso(now),
            today.format("%Y-%m-%d").to_string(),
            iso(quiet_since),
            limit + 1,
            q.offset
        ],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (patient_id, patient_name, phone, kind, started_at, injector_name, injector_id, due, call) = row?;
        let due_day = NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap_or(today);
        let treated = parse_iso(&started_at);
        let kind = AppointmentKind::of_treatment(TreatmentKind::parse(&kind));
        let last_call = call
            .map(|c| {
                let mut parts = c.splitn(3, '|');
                let (outcome, at, by) =
                    (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                let outcome = CallOutcome::parse(outcome).map(CallOutcome::label).unwrap_or(outcome);
                format!("{outcome}, {} ({by})", w.date(parse_iso(at)))
            })
            .unwrap_or_default();
        out.push(DuePatient {
            patient_id,
            patient_name,
            phone,
            last_treatment: kind.label().into(),
            last_treated: w.date(treated),
            injector_name,
            injector_id,
            kind,
            next_due: w.dates.format(due_day),
            next_due_date: due,
            overdue_days: (today - due_day).num_days(),
            last_call,
        });
    }
    let more = out.len() > limit as usize;
    out.truncate(limit as usize);
    Ok(CallList { rows: out, more })
}

/// What the receptionist records after a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CallForm {
    pub patient_id: i64,
    pub outcome: CallOutcome,
    /// For *call back*: the day, as the clinic writes dates.
    pub call_back_on: String,
    pub note: String,
}

/// Records a call's outcome (receptionists and administrators).
pub fn record_call(conn: &Connection, actor: &Actor, f: &CallForm, now: DateTime<Utc>) -> Result<()> {
    actor.require(Permission::Booking)?;
    let w = Writing::of(conn)?;
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM patients WHERE id = ?1)")?
        .query_row([f.patient_id], |r| r.get(0))?;
    if !exists {
        return Err(Error::NotFound("The patient"));
    }
    let call_back_on = match f.outcome {
        CallOutcome::CallBack => match w.dates.read(&f.call_back_on) {
            Some(day) if day > calendar::local_date(now, w.zone) => Some(day.format("%Y-%m-%d").to_string()),
            Some(_) => return Err(Error::invalid("callBackOn", "Choose a day after today to call back.")),
            None => return Err(Error::invalid("callBackOn", "Write the day to call back, like 02/04/2026.")),
        },
        _ => None,
    };
    if f.note.chars().count() > 200 {
        return Err(Error::invalid("note", "Keep the note short (at most 200 characters)."));
    }
    if let Some(message) = text::line_problem(&f.note) {
        return Err(Error::invalid("note", message));
    }
    conn.prepare_cached(
        "INSERT INTO recall_calls (patient_id, called_at, called_by, outcome, call_back_on, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![f.patient_id, iso(now), actor.user_id, f.outcome.as_str(), call_back_on, f.note.trim()])?;
    let entry = actor.audit(Action::RecallCall).on(entity::PATIENT, f.patient_id).described(f.outcome.label());
    audit::record(conn, &entry)?;
    Ok(())
}
