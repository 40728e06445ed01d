//! First-start setup, signing in and out, locking, and the clinic's settings.

use glabella_core::auth::settings::{self, ClinicSettings};
use glabella_core::auth::users::NewUser;
use glabella_core::auth::Actor;
use glabella_core::clinic::Clinic;
use glabella_core::error::ApiError;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager, State};

use super::{as_actor, blocking};
use crate::state::AppState;

/// Which screen the app should show, and for whom.
#[derive(Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    /// No clinic in the data folder yet: show the first-start setup.
    pub setup_needed: bool,
    /// Who is signed in (also while locked).
    pub user: Option<Actor>,
    pub locked: bool,
    /// Seconds of inactivity after which the app locks.
    pub idle_lock_seconds: u32,
}

/// What setup hands back: the first admin, signed in, and the recovery key to show once.
#[derive(Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SetupResult {
    pub user: Actor,
    pub recovery_key: String,
}

#[tauri::command]
#[specta::specta]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    let session = state.session();
    AppStatus {
        setup_needed: state.clinic().is_none() && !Clinic::is_set_up(&state.dir),
        locked: session.as_ref().is_some_and(|(_, locked, _)| *locked),
        idle_lock_seconds: session.as_ref().map_or(0, |(_, _, idle)| idle.as_secs() as u32),
        user: session.map(|(actor, _, _)| actor),
    }
}

/// Sets up the clinic on first start: its details and the first admin account.
#[tauri::command]
#[specta::specta]
pub async fn setup_clinic(
    state: State<'_, AppState>,
    clinic: ClinicSettings,
    admin: NewUser,
) -> Result<SetupResult, ApiError> {
    let dir = state.dir.clone();
    if state.clinic().is_some() || Clinic::is_set_up(&dir) {
        return Err(ApiError::from(glabella_core::Error::Forbidden));
    }
    let set_up = blocking(move || Clinic::setup(&dir, &clinic, &admin)).await?;
    let result = SetupResult { user: set_up.admin.clone(), recovery_key: set_up.recovery_key.to_string() };
    state.start(set_up.clinic, set_up.admin);
    Ok(result)
}

/// Signs a person in (also to unlock, or to take over a locked front desk). Repeated
/// failures for a username wait longer and longer before answering.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(app: AppHandle, username: String, password: String) -> Result<Actor, ApiError> {
    let delay = app.state::<AppState>().login_delay(&username);
    blocking(move || {
        std::thread::sleep(delay);
        app.state::<AppState>().sign_in(&username, &password)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub fn sign_out(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.sign_out().map_err(ApiError::from)
}

/// Locks the app now (the lock button, or the UI's idle timer).
#[tauri::command]
#[specta::specta]
pub fn lock_app(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.lock().map_err(ApiError::from)
}

/// Tells the core the person is still at work (keyboard or mouse), so the idle lock
/// does not fall while they read a chart.
#[tauri::command]
#[specta::specta]
pub fn keep_alive(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.actor().map(drop).map_err(ApiError::from)
}

#[tauri::command]
#[specta::specta]
pub async fn change_own_password(
    state: State<'_, AppState>,
    current: String,
    replacement: String,
) -> Result<(), ApiError> {
    as_actor(state, move |clinic, actor| clinic.change_own_password(actor, &current, &replacement)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> Result<ClinicSettings, ApiError> {
    as_actor(state, |clinic, _| clinic.db().read(settings::get_settings)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_settings(state: State<'_, AppState>, settings: ClinicSettings) -> Result<ClinicSettings, ApiError> {
    let saved = as_actor(state.clone(), move |clinic, actor| clinic.update_settings(actor, &settings)).await?;
    state.refresh_idle_lock();
    Ok(saved)
}
