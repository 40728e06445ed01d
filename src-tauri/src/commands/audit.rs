//! The audit view's commands (admins only; the core refuses anyone else).

use std::path::PathBuf;

use glabella_core::audit::{AuditEntry, AuditFilter};
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_audit(state: State<'_, AppState>, filter: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.audit_entries(actor, &filter)).await
}

/// Writes the entries matching `filter` as CSV to `path` (chosen by the person in the
/// native save dialog); returns the path written.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_csv(
    state: State<'_, AppState>,
    filter: AuditFilter,
    path: PathBuf,
) -> Result<String, ApiError> {
    as_actor(state, move |clinic, actor| {
        let csv = clinic.export_audit(actor, &filter)?;
        std::fs::write(&path, csv)?;
        Ok(path.display().to_string())
    })
    .await
}
