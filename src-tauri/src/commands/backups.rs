//! Backups (administrators): their state, *Back up now*, choosing the backup folder.

use std::sync::Arc;

use glabella_core::api::backups;
use glabella_core::api::signin::Desk;
use glabella_core::backup::{BackupRun, BackupStatus};
use glabella_core::error::ApiError;
use tauri::{AppHandle, State};

use super::{as_actor, Native};

#[tauri::command]
#[specta::specta]
pub async fn backup_status(desk: State<'_, Arc<Desk>>) -> Result<BackupStatus, ApiError> {
    as_actor(desk, backups::backup_status).await
}

#[tauri::command]
#[specta::specta]
pub async fn back_up_now(desk: State<'_, Arc<Desk>>) -> Result<Vec<BackupRun>, ApiError> {
    as_actor(desk, backups::back_up_now).await
}

#[tauri::command]
#[specta::specta]
pub async fn choose_backup_folder(app: AppHandle, desk: State<'_, Arc<Desk>>) -> Result<BackupStatus, ApiError> {
    as_actor(desk, move |c, a| backups::choose_backup_folder(c, a, &Native(app))).await
}
