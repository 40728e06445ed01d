//! Commands about the app itself rather than any record.

use std::time::Instant;

use tauri::State;

/// When the process started, to log the time to a usable window.
pub struct Started(pub Instant);

/// Called by the UI once its first screen is ready; logs the time since launch
/// (read by `scripts/measure-app.sh`).
#[tauri::command]
#[specta::specta]
pub fn ui_ready(started: State<'_, Started>) {
    log::info!("ui ready {} ms after launch", started.0.elapsed().as_millis());
}
