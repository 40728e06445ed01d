//! First-start setup, signing in and out, locking: the [`Desk`]'s operations.

use std::sync::Arc;

use glabella_core::api::signin::{AppStatus, Desk, SetupResult};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Actor;
use glabella_core::error::ApiError;
use tauri::State;

use super::blocking;

#[tauri::command]
#[specta::specta]
pub fn app_status(desk: State<'_, Arc<Desk>>) -> AppStatus {
    desk.app_status()
}

#[tauri::command]
#[specta::specta]
pub async fn setup_clinic(
    desk: State<'_, Arc<Desk>>,
    clinic: ClinicSettings,
    admin: NewUser,
) -> Result<SetupResult, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || desk.setup_clinic(&clinic, &admin)).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(desk: State<'_, Arc<Desk>>, username: String, password: String) -> Result<Actor, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || desk.sign_in(&username, &password)).await
}

#[tauri::command]
#[specta::specta]
pub fn sign_out(desk: State<'_, Arc<Desk>>) -> Result<(), ApiError> {
    desk.sign_out().map_err(ApiError::from)
}

#[tauri::command]
#[specta::specta]
pub fn lock_app(desk: State<'_, Arc<Desk>>) -> Result<(), ApiError> {
    desk.lock_app().map_err(ApiError::from)
}

#[tauri::command]
#[specta::specta]
pub fn keep_alive(desk: State<'_, Arc<Desk>>) -> Result<(), ApiError> {
    desk.keep_alive().map_err(ApiError::from)
}
