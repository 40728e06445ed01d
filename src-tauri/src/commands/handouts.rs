//! Aftercare handout commands: the clinic's templates and paper size, and giving,
//! reprinting and listing handouts. Printing happens inside the transaction that
//! records the handout, so a handout that could not be printed is not recorded.

use std::path::PathBuf;

use glabella_core::error::ApiError;
use glabella_core::handouts::{self, AftercareTemplate, HandoutOutput, HandoutRecord, Paper};
use glabella_core::products::TreatmentKind;
use tauri::State;

use super::as_actor;
use crate::printing::print_pdf;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_aftercare_templates(state: State<'_, AppState>) -> Result<Vec<AftercareTemplate>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| handouts::current_templates(c, actor))).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_template_versions(
    state: State<'_, AppState>,
    kind: TreatmentKind,
) -> Result<Vec<AftercareTemplate>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| handouts::template_versions(c, actor, kind))).await
}

/// Saves a new version of a kind's aftercare template.
#[tauri::command]
#[specta::specta]
pub async fn save_aftercare_template(
    state: State<'_, AppState>,
    kind: TreatmentKind,
    title: String,
    body: String,
) -> Result<AftercareTemplate, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| handouts::save_template(tx, actor, kind, &title, &body))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn get_handout_paper(state: State<'_, AppState>) -> Result<Paper, ApiError> {
    as_actor(state, move |clinic, _| clinic.db().read(handouts::handout_paper)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_handout_paper(state: State<'_, AppState>, paper: Paper) -> Result<Paper, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| handouts::set_handout_paper(tx, actor, paper))).await
}

/// The clinic's logo (PNG or JPEG bytes), if it has one.
#[tauri::command]
#[specta::specta]
pub async fn get_clinic_logo(state: State<'_, AppState>) -> Result<Option<Vec<u8>>, ApiError> {
    as_actor(state, move |clinic, _| clinic.db().read(handouts::clinic_logo)).await
}

/// Sets the logo printed on handouts; an empty image removes it.
#[tauri::command]
#[specta::specta]
pub async fn set_clinic_logo(state: State<'_, AppState>, image: Vec<u8>) -> Result<(), ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| handouts::set_clinic_logo(tx, actor, &image))).await
}

/// Makes the handout of a signed session (with the chosen articles), sends it to the
/// printer and records it; returns the record.
#[tauri::command]
#[specta::specta]
pub async fn print_handout(
    state: State<'_, AppState>,
    session_id: i64,
    article_ids: Vec<i64>,
) -> Result<HandoutRecord, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| {
            let (record, pdf) =
                handouts::give_handout(tx, actor, session_id, &article_ids, HandoutOutput::Print, chrono::Utc::now())?;
            print_pdf(&pdf, record.id)?;
            Ok(record)
        })
    })
    .await
}

/// Makes the handout and writes it to `path` (chosen in the native save dialog).
#[tauri::command]
#[specta::specta]
pub async fn save_handout_pdf(
    state: State<'_, AppState>,
    session_id: i64,
    article_ids: Vec<i64>,
    path: PathBuf,
) -> Result<HandoutRecord, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| {
            let (record, pdf) =
                handouts::give_handout(tx, actor, session_id, &article_ids, HandoutOutput::Pdf, chrono::Utc::now())?;
            std::fs::write(&path, pdf)?;
            Ok(record)
        })
    })
    .await
}

/// Prints a recorded handout again, exactly as it was given.
#[tauri::command]
#[specta::specta]
pub async fn reprint_handout(state: State<'_, AppState>, id: i64) -> Result<HandoutRecord, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| {
            let (record, pdf) = handouts::reprint_handout(tx, actor, id)?;
            print_pdf(&pdf, record.id)?;
            Ok(record)
        })
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_handouts(state: State<'_, AppState>, patient_id: i64) -> Result<Vec<HandoutRecord>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| handouts::list_handouts(c, actor, patient_id))).await
}
