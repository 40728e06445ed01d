//! The recall calls, and the whole list printed or saved as CSV.

use std::sync::Arc;

use glabella_core::api::calls;
use glabella_core::api::signin::Desk;
use glabella_core::booking::calls::{CallForm, CallList, CallListQuery};
use glabella_core::error::ApiError;
use glabella_core::paperwork::SavedList;
use tauri::{AppHandle, State};

use super::{as_actor, Native};

#[tauri::command]
#[specta::specta]
pub async fn recall_list(desk: State<'_, Arc<Desk>>, query: CallListQuery) -> Result<CallList, ApiError> {
    as_actor(desk, move |c, a| calls::recall_list(c, a, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn record_call(desk: State<'_, Arc<Desk>>, form: CallForm) -> Result<(), ApiError> {
    as_actor(desk, move |c, a| calls::record_call(c, a, &form)).await
}

/// Prints the whole list `query` selects; how many patients it lists.
#[tauri::command]
#[specta::specta]
pub async fn print_call_list(desk: State<'_, Arc<Desk>>, query: CallListQuery) -> Result<u32, ApiError> {
    as_actor(desk, move |c, a| calls::print_call_list(c, a, &query, c)).await
}

/// Saves the whole list `query` selects as CSV where the person chooses; `null` if
/// they cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_call_list_csv(
    app: AppHandle,
    desk: State<'_, Arc<Desk>>,
    query: CallListQuery,
) -> Result<Option<SavedList>, ApiError> {
    as_actor(desk, move |c, a| calls::export_call_list_csv(c, a, &query, &Native(app))).await
}
