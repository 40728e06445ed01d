//! Staff accounts (administrators only; the core refuses anyone else).

use std::sync::Arc;

use glabella_core::api::signin::Desk;
use glabella_core::api::users;
use glabella_core::auth::users::{NewUser, User};
use glabella_core::auth::Role;
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn list_users(desk: State<'_, Arc<Desk>>) -> Result<Vec<User>, ApiError> {
    as_actor(desk, users::list_users).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_user(desk: State<'_, Arc<Desk>>, user: NewUser) -> Result<User, ApiError> {
    as_actor(desk, move |c, a| users::create_user(c, a, &user)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_user_role(desk: State<'_, Arc<Desk>>, id: i64, role: Role) -> Result<User, ApiError> {
    as_actor(desk, move |c, a| users::set_user_role(c, a, id, role)).await
}

#[tauri::command]
#[specta::specta]
pub async fn deactivate_user(desk: State<'_, Arc<Desk>>, id: i64) -> Result<User, ApiError> {
    as_actor(desk, move |c, a| users::deactivate_user(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn reactivate_user(desk: State<'_, Arc<Desk>>, id: i64, password: String) -> Result<User, ApiError> {
    as_actor(desk, move |c, a| users::reactivate_user(c, a, id, &password)).await
}

#[tauri::command]
#[specta::specta]
pub async fn reset_user_password(desk: State<'_, Arc<Desk>>, id: i64, password: String) -> Result<User, ApiError> {
    as_actor(desk, move |c, a| users::reset_user_password(c, a, id, &password)).await
}
