//! Commands about the app itself rather than any record.

use tauri::State;

use crate::state::AppState;

/// Called by the UI once its first screen is ready; logs the time since launch.
#[tauri::command]
#[specta::specta]
pub fn ui_ready(state: State<'_, AppState>) {
    log::info!("ui ready {} ms after launch", state.started.elapsed().as_millis());
}
