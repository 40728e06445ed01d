//! The recall calls.

use std::sync::Arc;

use glabella_core::api::calls;
use glabella_core::api::signin::Desk;
use glabella_core::booking::calls::{CallForm, CallList, CallListQuery};
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;

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
