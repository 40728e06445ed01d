//! The recall call list on paper and as CSV: every patient the Recall calls screen's
//! query selects (all its pages), with their phone, last treatment and injector, when
//! they are due and the last call. Printed across the page with a blank "Notes" column
//! to write the calls' outcomes in; the CSV has the same columns for a spreadsheet.

use chrono::{DateTime, Days, Utc};
use rusqlite::Connection;

use super::sheet::{Column, Row, Sheet};
use crate::audit::{self, Action};
use crate::auth::{Actor, Permission};
use crate::booking::calls::{recall_list, CallListQuery, DuePatient};
use crate::calendar::{self, Writing};
use crate::csv::{document, push_row};
use crate::Result;

/// The CSV's header row.
pub const CALL_LIST_HEADER: [&str; 8] =
    ["Patient", "Phone", "Last treatment", "Treated on", "Injector", "Next due", "Due", "Last call"];

/// Every patient `query` selects, soonest due first: all its pages, whatever its
/// `offset` and `limit` (the list's own page size caps each page at 500).
pub fn due_patients(
    conn: &Connection,
    actor: &Actor,
    query: &CallListQuery,
    now: DateTime<Utc>,
) -> Result<Vec<DuePatient>> {
    let mut page = CallListQuery { offset: 0, limit: 500, ..*query };
    let mut all = Vec::new();
    loop {
        let list = recall_list(conn, actor, &page, now)?;
        page.offset += list.rows.len() as u32;
        all.extend(list.rows);
        if !list.more {
            return Ok(all);
        }
    }
}

/// When a patient is due, in words: "9 days overdue", "today", "in 3 days".
fn due_in_words(p: &DuePatient) -> String {
    let days = |n: i64| if n == 1 { "1 day".to_string() } else { format!("{n} days") };
    match p.overdue_days {
        0 => "today".into(),
        n if n > 0 => format!("{} overdue", days(n)),
        n => format!("in {}", days(-n)),
    }
}

/// The call list as a PDF (for [`record_call_list`] and then the printer), and how
/// many patients it lists. Reads only; receptionists and administrators.
pub fn call_list_pdf(
    conn: &Connection,
    actor: &Actor,
    query: &CallListQuery,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, u32)> {
    actor.require(Permission::Booking)?;
    let patients = due_patients(conn, actor, query, now)?;
    let w = Writing::of(conn)?;
    let horizon = calendar::local_date(now, w.zone) + Days::new(u64::from(query.due_within_days.min(366)));
    let mut sheet = Sheet::new(conn, actor, "Recall calls", now)?;
    sheet.landscape = true;
    sheet.details = vec![
        ("Due".into(), format!("by {}, or overdue", w.dates.format(horizon))),
        ("Not listed".into(), format!("anyone booked, or called in the last {} days", query.quiet_days)),
        ("Patients".into(), patients.len().to_string()),
    ];
    sheet.columns = vec![
        Column { label: "Patient", width: 4 },
        Column { label: "Phone", width: 4 },
        Column { label: "Last treatment", width: 4 },
        Column { label: "Injector", width: 3 },
        Column { label: "Next due", width: 4 },
        Column { label: "Last call", width: 5 },
        Column { label: "Notes", width: 5 },
    ];
    sheet.rows = patients
        .iter()
        .map(|p| Row {
            cells: vec![
                p.patient_name.clone(),
                if p.phone.is_empty() { "—".into() } else { p.phone.clone() },
                format!("{}, {}", p.last_treatment, p.last_treated),
                p.injector_name.clone(),
                format!("{} ({})", p.next_due, due_in_words(p)),
                if p.last_call.is_empty() { "—".into() } else { p.last_call.clone() },
                String::new(),
            ],
            alert: false,
        })
        .collect();
    sheet.empty = "Nobody to call: everyone due has an appointment or was called lately.".into();
    Ok((sheet.render()?, patients.len() as u32))
}

/// Records that the call list of `patients` patients left the app (`how`: "printed",
/// "exported as CSV"): a disclosure of their contact details.
pub fn record_call_list(conn: &Connection, actor: &Actor, patients: u32, how: &str) -> Result<()> {
    actor.require(Permission::Booking)?;
    let entry = actor.audit(Action::CallListExport).described(format!("recall call list of {patients} patients {how}"));
    audit::record(conn, &entry).map(drop)
}

/// The call list as CSV (dates as the clinic writes them; cells that look like a
/// formula neutralised) and how many patients it lists, recorded as a disclosure: run
/// it in the write transaction.
pub fn call_list_csv(
    conn: &Connection,
    actor: &Actor,
    query: &CallListQuery,
    now: DateTime<Utc>,
) -> Result<(String, u32)> {
    actor.require(Permission::Booking)?;
    let patients = due_patients(conn, actor, query, now)?;
    let mut out = document(&CALL_LIST_HEADER);
    for p in &patients {
        push_row(
            &mut out,
            [
                p.patient_name.clone(),
                p.phone.clone(),
                p.last_treatment.clone(),
                p.last_treated.clone(),
                p.injector_name.clone(),
                p.next_due.clone(),
                due_in_words(p),
                p.last_call.clone(),
            ],
        );
    }
    record_call_list(conn, actor, patients.len() as u32, "exported as CSV")?;
    Ok((out, patients.len() as u32))
}

/// The suggested file name, e.g. `call-list-2026-12-01` (the clinic's day; add the
/// extension).
pub fn call_list_file_name(conn: &Connection, now: DateTime<Utc>) -> Result<String> {
    let zone = calendar::zone(conn)?;
    Ok(format!("call-list-{}", calendar::local_date(now, zone).format("%Y-%m-%d")))
}
