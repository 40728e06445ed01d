//! The clinic's settings and one's own password.

use std::sync::Arc;

use glabella_core::api::settings;
use glabella_core::api::signin::Desk;
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn change_own_password(
    desk: State<'_, Arc<Desk>>,
    current: String,
    replacement: String,
) -> Result<(), ApiError> {
    as_actor(desk, move |c, a| settings::change_own_password(c, a, &current, &replacement)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(desk: State<'_, Arc<Desk>>) -> Result<ClinicSettings, ApiError> {
    as_actor(desk, settings::get_settings).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_settings(desk: State<'_, Arc<Desk>>, settings: ClinicSettings) -> Result<ClinicSettings, ApiError> {
    as_actor(desk, move |c, a| settings::update_settings(c, a, &settings)).await
}
