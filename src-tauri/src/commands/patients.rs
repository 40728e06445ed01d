//! Patient registry commands.

use glabella_core::error::ApiError;
use glabella_core::patients::{self, Patient, PatientDetails, PatientSummary};
use tauri::State;

use super::{as_actor, today};
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn search_patients(
    state: State<'_, AppState>,
    query: String,
    include_archived: bool,
) -> Result<Vec<PatientSummary>, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().read(|c| patients::search_patients(c, actor, &query, include_archived))
    })
    .await
}

/// Opens a patient's chart; the view is recorded in the audit trail.
#[tauri::command]
#[specta::specta]
pub async fn open_patient_chart(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| patients::open_chart(tx, actor, id))).await
}

/// Registers a patient; a likely duplicate fails with `patient.duplicate` unless
/// `register_anyway` is set.
#[tauri::command]
#[specta::specta]
pub async fn register_patient(
    state: State<'_, AppState>,
    details: PatientDetails,
    register_anyway: bool,
) -> Result<Patient, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| patients::register_patient(tx, actor, &details, register_anyway, today()))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn update_patient(state: State<'_, AppState>, id: i64, details: PatientDetails) -> Result<Patient, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| patients::update_patient(tx, actor, id, &details, today()))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn archive_patient(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| patients::archive_patient(tx, actor, id))).await
}

#[tauri::command]
#[specta::specta]
pub async fn unarchive_patient(state: State<'_, AppState>, id: i64) -> Result<Patient, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| patients::unarchive_patient(tx, actor, id))).await
}
