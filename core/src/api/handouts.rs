//! Aftercare handouts: the clinic's templates, paper size and logo, and giving,
//! reprinting and listing handouts.
//!
//! A handout is typeset on a read connection, recorded in one short write transaction,
//! and only then sent to the printer (or the chosen file), so neither the typesetting
//! nor a slow or hung printer holds the write lock: the front desk keeps working. If the printer or the file then fails, the
//! failure is appended beside the record and the person is told; nothing is lost.

use crate::auth::{Actor, Permission};
use crate::clinic::Clinic;
use crate::files::{save_bytes, SaveDialog};
use crate::handouts::{self, AftercareTemplate, HandoutOutput, HandoutRecord, Paper};
use crate::printing::Print;
use crate::products::TreatmentKind;
use crate::{Error, Result};
use serde::Serialize;
use specta::Type;

/// A handout saved as a PDF: its record and the file's name.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedHandout {
    pub record: HandoutRecord,
    pub file_name: String,
}

pub fn list_aftercare_templates(clinic: &Clinic, actor: &Actor) -> Result<Vec<AftercareTemplate>> {
    clinic.db().read(|c| handouts::current_templates(c, actor))
}

pub fn list_template_versions(clinic: &Clinic, actor: &Actor, kind: TreatmentKind) -> Result<Vec<AftercareTemplate>> {
    clinic.db().read(|c| handouts::template_versions(c, actor, kind))
}

/// Saves a new version of a kind's aftercare template.
pub fn save_aftercare_template(
    clinic: &Clinic,
    actor: &Actor,
    kind: TreatmentKind,
    title: &str,
    body: &str,
) -> Result<AftercareTemplate> {
    clinic.db().write(|tx| handouts::save_template(tx, actor, kind, title, body))
}

/// The paper size handouts print on (anyone signed in may read it).
pub fn get_handout_paper(clinic: &Clinic, _actor: &Actor) -> Result<Paper> {
    clinic.db().read(handouts::handout_paper)
}

pub fn set_handout_paper(clinic: &Clinic, actor: &Actor, paper: Paper) -> Result<Paper> {
    clinic.db().write(|tx| handouts::set_handout_paper(tx, actor, paper))
}

/// The clinic's logo (PNG or JPEG bytes), if it has one (anyone signed in may read it).
pub fn get_clinic_logo(clinic: &Clinic, _actor: &Actor) -> Result<Option<Vec<u8>>> {
    clinic.db().read(handouts::clinic_logo)
}

/// Sets the logo printed on handouts; an empty image removes it.
pub fn set_clinic_logo(clinic: &Clinic, actor: &Actor, image: &[u8]) -> Result<()> {
    clinic.db().write(|tx| handouts::set_clinic_logo(tx, actor, image))
}

/// Makes the handout of a signed session with the chosen articles, records it and
/// sends it to `printer`. A failed print stays recorded as failed and is reported.
pub fn print_handout(
    clinic: &Clinic,
    actor: &Actor,
    session_id: i64,
    article_ids: &[i64],
    printer: &dyn Print,
) -> Result<HandoutRecord> {
    let (record, pdf) = give(clinic, actor, session_id, article_ids, HandoutOutput::Print)?;
    delivered(clinic, actor, &record, false, printer.print(&pdf, &format!("handout-{}.pdf", record.id)))?;
    Ok(record)
}

/// Asks where to save the handout (before anything is written), then makes, records
/// and saves it; `None` if the person cancelled the dialog.
pub fn save_handout_pdf(
    clinic: &Clinic,
    actor: &Actor,
    session_id: i64,
    article_ids: &[i64],
    dialog: &dyn SaveDialog,
) -> Result<Option<SavedHandout>> {
    actor.require(Permission::PrintHandouts)?;
    let name = clinic.db().read(|c| handouts::handout_file_name(c, session_id))?;
    let Some(target) = dialog.save_as(&name, "PDF", "pdf")? else { return Ok(None) };
    let (record, pdf) = give(clinic, actor, session_id, article_ids, HandoutOutput::Pdf)?;
    let file_name = delivered(clinic, actor, &record, false, save_bytes(target, &pdf))?;
    Ok(Some(SavedHandout { record, file_name }))
}

/// Prints a recorded handout again on `printer`, exactly as it was given.
pub fn reprint_handout(clinic: &Clinic, actor: &Actor, id: i64, printer: &dyn Print) -> Result<HandoutRecord> {
    let (patient_id, pdf) = clinic.db().read(|c| handouts::prepare_reprint(c, actor, id))?;
    let record = clinic.db().write(|tx| handouts::record_reprint(tx, actor, id, patient_id))?;
    delivered(clinic, actor, &record, true, printer.print(&pdf, &format!("handout-{}.pdf", record.id)))?;
    Ok(record)
}

pub fn list_handouts(clinic: &Clinic, actor: &Actor, patient_id: i64) -> Result<Vec<HandoutRecord>> {
    clinic.db().read(|c| handouts::list_handouts(c, actor, patient_id))
}

/// Typesets the handout (a read) and records it (a short write); the record and the PDF.
fn give(
    clinic: &Clinic,
    actor: &Actor,
    session_id: i64,
    article_ids: &[i64],
    how: HandoutOutput,
) -> Result<(HandoutRecord, Vec<u8>)> {
    let now = clinic.now();
    let handout = clinic.db().read(|c| handouts::prepare_handout(c, actor, session_id, article_ids, now))?;
    let record = clinic.db().write(|tx| handouts::record_handout(tx, actor, &handout, how))?;
    Ok((record, handout.pdf))
}

/// What became of a recorded handout at the printer or file: on failure the failure is
/// appended to the record (its own transaction, after the print returned) and the
/// printer's message goes back to the person.
fn delivered<T>(clinic: &Clinic, actor: &Actor, record: &HandoutRecord, reprint: bool, sent: Result<T>) -> Result<T> {
    sent.map_err(|failure| {
        let reason = failure.to_string();
        match clinic.db().write(|tx| handouts::record_failure(tx, actor, record.id, reprint, &reason)) {
            Ok(_) => failure,
            Err(e) => Error::Internal(format!("{reason} The failure could not be recorded either: {e}")),
        }
    })
}
