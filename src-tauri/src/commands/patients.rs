//! Patient registry commands.

use std::sync::Arc;

use glabella_core::api::patients;
use glabella_core::api::signin::Desk;
use glabella_core::error::ApiError;
use glabella_core::patients::{Patient, PatientDetails, PatientSummary};
use tauri::State;

use super::as_actor;

// The one command that runs on the calling (main) thread instead of a blocking one:
// search as you type answers in well under a millisecond from the reader pool, and
// the hand-overs to a blocking thread and back were most of its time in the window
// (BENCHMARKS.md, "Search in the window"). The page renders in WebKit's own process.
// (A plain comment: doc comments go into the page's bindings.)
#[tauri::command]
#[specta::specta]
pub fn search_patients(
    desk: State<'_, Arc<Desk>>,
    query: String,
    include_archived: bool,
) -> Result<Vec<PatientSummary>, ApiError> {
    let (clinic, actor) = desk.actor()?;
    Ok(patients::search_patients(&clinic, &actor, &query, include_archived)?)
}

#[tauri::command]
#[specta::specta]
pub async fn open_patient_chart(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Patient, ApiError> {
    as_actor(desk, move |c, a| patients::open_patient_chart(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn register_patient(
    desk: State<'_, Arc<Desk>>,
    details: PatientDetails,
    register_anyway: bool,
) -> Result<Patient, ApiError> {
    as_actor(desk, move |c, a| patients::register_patient(c, a, &details, register_anyway)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_patient(desk: State<'_, Arc<Desk>>, id: i64, details: PatientDetails) -> Result<Patient, ApiError> {
    as_actor(desk, move |c, a| patients::update_patient(c, a, id, &details)).await
}

#[tauri::command]
#[specta::specta]
pub async fn archive_patient(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Patient, ApiError> {
    as_actor(desk, move |c, a| patients::archive_patient(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn unarchive_patient(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Patient, ApiError> {
    as_actor(desk, move |c, a| patients::unarchive_patient(c, a, id)).await
}
