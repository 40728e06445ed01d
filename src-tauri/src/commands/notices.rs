//! The banners of the main screen.

use std::sync::Arc;

use glabella_core::api::notices::{self, Notice};
use glabella_core::api::signin::Desk;
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn notices(desk: State<'_, Arc<Desk>>) -> Result<Vec<Notice>, ApiError> {
    as_actor(desk, notices::notices).await
}
