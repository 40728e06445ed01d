//! Export everything (administrators only; the core refuses anyone else).

use std::sync::Arc;

use glabella_core::api::export;
use glabella_core::api::signin::Desk;
use glabella_core::error::ApiError;
use glabella_core::export::Exported;
use tauri::{AppHandle, State};

use super::{as_actor, Native};

/// Saves everything as CSV files in a .zip where the person chooses; `null` if they
/// cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_everything_csv(app: AppHandle, desk: State<'_, Arc<Desk>>) -> Result<Option<Exported>, ApiError> {
    as_actor(desk, move |c, a| export::export_everything_csv(c, a, &Native(app))).await
}

/// Saves everything as a FHIR R4 JSON bundle where the person chooses; `null` if they
/// cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_everything_fhir(app: AppHandle, desk: State<'_, Arc<Desk>>) -> Result<Option<Exported>, ApiError> {
    as_actor(desk, move |c, a| export::export_everything_fhir(c, a, &Native(app))).await
}
