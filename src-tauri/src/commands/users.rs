//! Account commands (admins only; the core refuses anyone else).

use glabella_core::auth::users::{self, NewUser, User};
use glabella_core::auth::Role;
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_users(state: State<'_, AppState>) -> Result<Vec<User>, ApiError> {
    as_actor(state, |clinic, actor| clinic.db().read(|c| users::list_users(c, actor))).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_user(state: State<'_, AppState>, user: NewUser) -> Result<User, ApiError> {
    as_actor(state, move |clinic, actor| clinic.create_user(actor, &user)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_user_role(state: State<'_, AppState>, id: i64, role: Role) -> Result<User, ApiError> {
    as_actor(state, move |clinic, actor| clinic.set_role(actor, id, role)).await
}

#[tauri::command]
#[specta::specta]
pub async fn deactivate_user(state: State<'_, AppState>, id: i64) -> Result<User, ApiError> {
    as_actor(state, move |clinic, actor| clinic.deactivate_user(actor, id)).await
}

/// Reactivates an account with a new password (the old one no longer opens the database).
#[tauri::command]
#[specta::specta]
pub async fn reactivate_user(state: State<'_, AppState>, id: i64, password: String) -> Result<User, ApiError> {
    as_actor(state, move |clinic, actor| clinic.reactivate_user(actor, id, &password)).await
}

#[tauri::command]
#[specta::specta]
pub async fn reset_user_password(state: State<'_, AppState>, id: i64, password: String) -> Result<User, ApiError> {
    as_actor(state, move |clinic, actor| clinic.reset_password(actor, id, &password)).await
}
