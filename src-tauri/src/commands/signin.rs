//! First-start setup, signing in and out, locking: the [`Desk`]'s operations.

use std::sync::Arc;

use glabella_core::api::signin::{
    AdminAccount, AppStatus, BackupChoice, Desk, RestoreResult, RestoreUnlock, SetupResult,
};
use glabella_core::auth::settings::ClinicSettings;
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Actor;
use glabella_core::backup::BackupReason;
use glabella_core::error::ApiError;
use tauri::{AppHandle, State};

use super::{blocking, Native};

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
    desk.sign_out()?;
    // A backup on sign-out when the last good one is old, without holding up the screen.
    let desk = desk.inner().clone();
    std::thread::spawn(move || crate::back_up_if_due(&desk, BackupReason::SignOut));
    Ok(())
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

#[tauri::command]
#[specta::specta]
pub async fn list_backups(desk: State<'_, Arc<Desk>>) -> Result<Vec<BackupChoice>, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || Ok(desk.list_backups())).await
}

#[tauri::command]
#[specta::specta]
pub async fn find_backups(app: AppHandle, desk: State<'_, Arc<Desk>>) -> Result<Vec<BackupChoice>, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || Ok(desk.find_backups(&Native(app)))).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_backup(
    desk: State<'_, Arc<Desk>>,
    id: String,
    unlock: RestoreUnlock,
) -> Result<RestoreResult, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || desk.restore_backup(&id, &unlock)).await
}

#[tauri::command]
#[specta::specta]
pub async fn recovery_admins(desk: State<'_, Arc<Desk>>, recovery_key: String) -> Result<Vec<AdminAccount>, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || desk.recovery_admins(&recovery_key)).await
}

#[tauri::command]
#[specta::specta]
pub async fn recover_access(
    desk: State<'_, Arc<Desk>>,
    recovery_key: String,
    user_id: i64,
    password: String,
) -> Result<Actor, ApiError> {
    let desk = desk.inner().clone();
    blocking(move || desk.recover_access(&recovery_key, user_id, &password)).await
}
