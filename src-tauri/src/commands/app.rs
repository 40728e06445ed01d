//! Commands about the app itself rather than any record.

use glabella_core::error::ApiError;
use tauri::State;

use crate::state::AppState;

/// `null` when the database is open; otherwise why it is not (the UI shows it).
#[tauri::command]
#[specta::specta]
pub fn database_status(state: State<'_, AppState>) -> Option<ApiError> {
    state.db().err()
}

/// Called by the UI once the search box is ready; logs the time since launch.
#[tauri::command]
#[specta::specta]
pub fn ui_ready(state: State<'_, AppState>) {
    log::info!("ui ready {} ms after launch", state.started.elapsed().as_millis());
}
