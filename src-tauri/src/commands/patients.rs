//! Patient registry commands.

use glabella_core::error::ApiError;
use glabella_core::patients::{self, Patient, PatientDetails, PatientSummary};
use tauri::State;

use super::with_db;
use crate::state::AppState;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[tauri::command]
#[specta::specta]
pub async fn search_patients(state: State<'_, AppState>, query: String, include_archived: bool) -> Result<Vec<PatientSummary>, ApiError> {
    with_db(state, move |db| db.read(|c| patients::search_patients(c, &query, include_archived))).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_patient(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    with_db(state, move |db| db.read(|c| patients::get_patient(c, id))).await
}

/// Registers a patient; a likely duplicate fails with `patient.duplicate` unless
/// `register_anyway` is set.
#[tauri::command]
#[specta::specta]
pub async fn register_patient(state: State<'_, AppState>, details: PatientDetails, register_anyway: bool) -> Result<Patient, ApiError> {
    with_db(state, move |db| db.write(|tx| patients::register_patient(tx, &details, register_anyway, today()))).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_patient(state: State<'_, AppState>, id: i64, details: PatientDetails) -> Result<Patient, ApiError> {
    with_db(state, move |db| db.write(|tx| patients::update_patient(tx, id, &details, today()))).await
}

#[tauri::command]
#[specta::specta]
pub async fn archive_patient(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    with_db(state, move |db| db.write(|tx| patients::archive_patient(tx, id))).await
}

#[tauri::command]
#[specta::specta]
pub async fn unarchive_patient(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    with_db(state, move |db| db.write(|tx| patients::unarchive_patient(tx, id))).await
}
