//! The audit view's commands (administrators only; the core refuses anyone else).

use std::sync::Arc;

use glabella_core::api::audit;
use glabella_core::api::signin::Desk;
use glabella_core::audit::{AuditEntry, AuditFilter};
use glabella_core::error::ApiError;
use tauri::{AppHandle, State};

use super::{as_actor, Native};

#[tauri::command]
#[specta::specta]
pub async fn list_audit(desk: State<'_, Arc<Desk>>, filter: AuditFilter) -> Result<Vec<AuditEntry>, ApiError> {
    as_actor(desk, move |c, a| audit::list_audit(c, a, &filter)).await
}

/// Saves what the filter shows as CSV where the person chooses; the file's name, or
/// `null` if they cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_csv(
    app: AppHandle,
    desk: State<'_, Arc<Desk>>,
    filter: AuditFilter,
) -> Result<Option<String>, ApiError> {
    as_actor(desk, move |c, a| audit::export_audit_csv(c, a, &filter, &Native(app))).await
}
