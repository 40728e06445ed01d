//! The CSV export: `patients.csv`, `sessions.csv` (one row per injection point, the
//! session's columns repeated; a session without points has one row), `appointments.csv`
//! and `handouts.csv`, deflated into one `.zip`. Cells are written by [`crate::csv`]
//! (formula cells neutralised, a byte-order mark for Excel); times are UTC ISO-8601 and
//! dates `YYYY-MM-DD`, as stored, so another system reads them without guessing; ids
//! are Glabella's, so the files can be joined on them. Doses stay in the product's own
//! unit, named in the next column: a Dysport unit is not a Botox unit.

use std::io::Write;

use rusqlite::Connection;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::rows::{self, FLAGS};
use super::ExportCounts;
use crate::auth::{Actor, Permission};
use crate::csv::{document, push_row};
use crate::sessions::area_label;
use crate::Result;

/// The files of the archive, in order.
pub const FILES: [&str; 4] = ["patients.csv", "sessions.csv", "appointments.csv", "handouts.csv"];

const SESSION_HEADER: [&str; 23] = [
    "Session ID",
    "Patient ID",
    "Injector",
    "Started at (UTC)",
    "Treatment",
    "Status",
    "Signed at (UTC)",
    "Signed by",
    "Consent confirmed",
    "Consent version",
    "Screen acknowledged",
    "Follow-up date",
    "Next due date",
    "Notes",
    "Point",
    "Area",
    "Area code",
    "Product",
    "Lot",
    "Expiry",
    "Dose",
    "Unit",
    "Diluent (mL)",
];

const APPOINTMENT_HEADER: [&str; 13] = [
    "Appointment ID",
    "Patient ID",
    "Injector",
    "Room",
    "Kind",
    "Starts at (UTC)",
    "Ends at (UTC)",
    "Status",
    "Cancel reason",
    "Arrived at (UTC)",
    "Session ID",
    "Note",
    "Booked at (UTC)",
];

const HANDOUT_HEADER: [&str; 10] = [
    "Handout ID",
    "Patient ID",
    "Session ID",
    "Given at (UTC)",
    "Given by",
    "How",
    "Template",
    "Template version",
    "Articles (id, version)",
    "PDF SHA-256",
];

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.into()
}

/// Writes the archive into `out` from `conn` (inside one [`super::snapshot`]), as a
/// stream: `out` need not seek, so it may be a file on another computer.
pub fn write_zip(conn: &Connection, actor: &Actor, out: impl Write) -> Result<ExportCounts> {
    actor.require(Permission::ExportRecords)?;
    let mut zip = ZipWriter::new_stream(out);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
    let mut counts = ExportCounts::default();
    let mut line = String::new();
    let mut row = |zip: &mut ZipWriter<_>, cells: Vec<String>| -> Result<()> {
        line.clear();
        push_row(&mut line, cells);
        Ok(zip.write_all(line.as_bytes())?)
    };

    zip.start_file(FILES[0], options).map_err(zip_error)?;
    let with_external = rows::has_external_id(conn)?;
    let mut header = vec!["Patient ID"];
    if with_external {
        header.push("External ID");
    }
    header.extend([
        "First name",
        "Last name",
        "Preferred name",
        "Date of birth",
        "Sex",
        "Phone",
        "Email",
        "Address",
        "Emergency contact",
        "Emergency contact phone",
        "Allergies",
        "Medications",
    ]);
    header.extend(FLAGS.map(|f| f.1));
    header.extend(["Consents", "Notes", "Archived at (UTC)", "Registered at (UTC)", "Updated at (UTC)"]);
    zip.write_all(document(&header).as_bytes())?;
    rows::patients(conn, |p| {
        counts.patients += 1;
        let mut cells = vec![p.id.to_string()];
        if with_external {
            cells.push(p.external_id.unwrap_or_default());
        }
        cells.extend([
            p.given_name,
            p.family_name,
            p.preferred_name,
            p.date_of_birth,
            p.sex,
            p.phone,
            p.email,
            p.address,
            p.emergency_contact_name,
            p.emergency_contact_phone,
            p.allergies,
            p.medications,
        ]);
        cells.extend(p.flags.map(yes_no));
        cells.extend([p.consents, p.notes, p.archived_at.unwrap_or_default(), p.created_at, p.updated_at]);
        row(&mut zip, cells)
    })?;

    zip.start_file(FILES[1], options).map_err(zip_error)?;
    zip.write_all(document(&SESSION_HEADER).as_bytes())?;
    rows::sessions(conn, |s, points| {
        counts.sessions += 1;
        counts.points += points.len() as u32;
        let session = vec![
            s.id.to_string(),
            s.patient_id.to_string(),
            s.injector,
            s.started_at,
            s.kind,
            if s.signed_at.is_some() { "signed" } else { "draft" }.into(),
            s.signed_at.unwrap_or_default(),
            s.signed_by,
            yes_no(s.consent_confirmed),
            s.consent_version,
            yes_no(s.screen_acknowledged),
            s.follow_up_date.unwrap_or_default(),
            s.next_due_date.unwrap_or_default(),
            s.notes,
        ];
        if points.is_empty() {
            let mut cells = session;
            cells.resize(SESSION_HEADER.len(), String::new());
            return row(&mut zip, cells);
        }
        for p in points {
            let mut cells = session.clone();
            cells.extend([
                p.position.to_string(),
                area_label(&p.area),
                p.area,
                p.product,
                p.lot_number,
                p.expiry,
                p.dose.to_string(),
                p.unit,
                p.diluent_ml.map(|d| d.to_string()).unwrap_or_default(),
            ]);
            row(&mut zip, cells)?;
        }
        Ok(())
    })?;

    zip.start_file(FILES[2], options).map_err(zip_error)?;
    zip.write_all(document(&APPOINTMENT_HEADER).as_bytes())?;
    rows::appointments(conn, |a| {
        counts.appointments += 1;
        let cells = vec![
            a.id.to_string(),
            a.patient_id.to_string(),
            a.injector,
            a.room,
            a.kind,
            a.starts_at,
            a.ends_at,
            a.status,
            a.cancel_reason.unwrap_or_default(),
            a.arrived_at.unwrap_or_default(),
            a.session_id.map(|id| id.to_string()).unwrap_or_default(),
            a.note,
            a.created_at,
        ];
        row(&mut zip, cells)
    })?;

    zip.start_file(FILES[3], options).map_err(zip_error)?;
    zip.write_all(document(&HANDOUT_HEADER).as_bytes())?;
    rows::handouts(conn, |h| {
        counts.handouts += 1;
        let cells = vec![
            h.id.to_string(),
            h.patient_id.to_string(),
            h.session_id.to_string(),
            h.given_at,
            h.given_by,
            h.how,
            h.template,
            h.template_version.to_string(),
            h.articles,
            h.sha256,
        ];
        row(&mut zip, cells)
    })?;

    zip.finish().map_err(zip_error)?;
    Ok(counts)
}

fn zip_error(e: zip::result::ZipError) -> crate::Error {
    match e {
        zip::result::ZipError::Io(e) => e.into(),
        other => crate::Error::Internal(format!("the archive could not be written: {other}")),
    }
}
