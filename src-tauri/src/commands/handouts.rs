//! Aftercare handout commands: the clinic's templates, paper size and logo, and
//! giving, reprinting and listing handouts.

use std::sync::Arc;

use glabella_core::api::handouts::{self, SavedHandout};
use glabella_core::api::signin::Desk;
use glabella_core::error::ApiError;
use glabella_core::handouts::{AftercareTemplate, HandoutRecord, Paper};
use glabella_core::products::TreatmentKind;
use tauri::{AppHandle, State};

use super::{as_actor, Native};

#[tauri::command]
#[specta::specta]
pub async fn list_aftercare_templates(desk: State<'_, Arc<Desk>>) -> Result<Vec<AftercareTemplate>, ApiError> {
    as_actor(desk, handouts::list_aftercare_templates).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_template_versions(
    desk: State<'_, Arc<Desk>>,
    kind: TreatmentKind,
) -> Result<Vec<AftercareTemplate>, ApiError> {
    as_actor(desk, move |c, a| handouts::list_template_versions(c, a, kind)).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_aftercare_template(
    desk: State<'_, Arc<Desk>>,
    kind: TreatmentKind,
    title: String,
    body: String,
) -> Result<AftercareTemplate, ApiError> {
    as_actor(desk, move |c, a| handouts::save_aftercare_template(c, a, kind, &title, &body)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_handout_paper(desk: State<'_, Arc<Desk>>) -> Result<Paper, ApiError> {
    as_actor(desk, handouts::get_handout_paper).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_handout_paper(desk: State<'_, Arc<Desk>>, paper: Paper) -> Result<Paper, ApiError> {
    as_actor(desk, move |c, a| handouts::set_handout_paper(c, a, paper)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_clinic_logo(desk: State<'_, Arc<Desk>>) -> Result<Option<Vec<u8>>, ApiError> {
    as_actor(desk, handouts::get_clinic_logo).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_clinic_logo(desk: State<'_, Arc<Desk>>, image: Vec<u8>) -> Result<(), ApiError> {
    as_actor(desk, move |c, a| handouts::set_clinic_logo(c, a, &image)).await
}

#[tauri::command]
#[specta::specta]
pub async fn print_handout(
    desk: State<'_, Arc<Desk>>,
    session_id: i64,
    article_ids: Vec<i64>,
) -> Result<HandoutRecord, ApiError> {
    as_actor(desk, move |c, a| handouts::print_handout(c, a, session_id, &article_ids, c)).await
}

/// Saves the handout as a PDF where the person chooses; `null` if they cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_handout_pdf(
    app: AppHandle,
    desk: State<'_, Arc<Desk>>,
    session_id: i64,
    article_ids: Vec<i64>,
) -> Result<Option<SavedHandout>, ApiError> {
    as_actor(desk, move |c, a| handouts::save_handout_pdf(c, a, session_id, &article_ids, &Native(app))).await
}

#[tauri::command]
#[specta::specta]
pub async fn reprint_handout(desk: State<'_, Arc<Desk>>, id: i64) -> Result<HandoutRecord, ApiError> {
    as_actor(desk, move |c, a| handouts::reprint_handout(c, a, id, c)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_handouts(desk: State<'_, Arc<Desk>>, patient_id: i64) -> Result<Vec<HandoutRecord>, ApiError> {
    as_actor(desk, move |c, a| handouts::list_handouts(c, a, patient_id)).await
}
