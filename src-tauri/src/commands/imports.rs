//! Import patients from a CSV file (administrators): choose the file (native dialog),
//! preview it with changed settings, import.

use std::sync::Arc;

use glabella_core::api::imports;
use glabella_core::api::signin::Desk;
use glabella_core::error::ApiError;
use glabella_core::imports::{ImportOptions, PatientImportPreview, PatientImportReport};
use tauri::{AppHandle, State};

use super::{as_actor, Native};

/// Asks for the file in the native open dialog and previews it; `null` if cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_import_file(
    app: AppHandle,
    desk: State<'_, Arc<Desk>>,
) -> Result<Option<PatientImportPreview>, ApiError> {
    as_actor(desk, move |c, a| imports::choose_import_file(c, a, &Native(app))).await
}

#[tauri::command]
#[specta::specta]
pub async fn preview_import(
    desk: State<'_, Arc<Desk>>,
    token: String,
    options: ImportOptions,
) -> Result<PatientImportPreview, ApiError> {
    as_actor(desk, move |c, a| imports::preview_import(c, a, &token, &options)).await
}

#[tauri::command]
#[specta::specta]
pub async fn import_patients(
    desk: State<'_, Arc<Desk>>,
    token: String,
    options: ImportOptions,
) -> Result<PatientImportReport, ApiError> {
    as_actor(desk, move |c, a| imports::import_patients(c, a, &token, &options)).await
}
