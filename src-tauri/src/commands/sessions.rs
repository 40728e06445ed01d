//! Injection session commands: the chart's timeline, and an injector starting, saving,
//! signing and amending a session.

use std::sync::Arc;

use glabella_core::api::sessions;
use glabella_core::api::signin::Desk;
use glabella_core::error::ApiError;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{Session, SessionForm, SessionSummary};
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn list_patient_sessions(
    desk: State<'_, Arc<Desk>>,
    patient_id: i64,
) -> Result<Vec<SessionSummary>, ApiError> {
    as_actor(desk, move |c, a| sessions::list_patient_sessions(c, a, patient_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn start_session(
    desk: State<'_, Arc<Desk>>,
    patient_id: i64,
    kind: TreatmentKind,
) -> Result<Session, ApiError> {
    as_actor(desk, move |c, a| sessions::start_session(c, a, patient_id, kind)).await
}

#[tauri::command]
#[specta::specta]
pub async fn open_session(desk: State<'_, Arc<Desk>>, id: i64) -> Result<Session, ApiError> {
    as_actor(desk, move |c, a| sessions::open_session(c, a, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_session(desk: State<'_, Arc<Desk>>, id: i64, form: SessionForm) -> Result<Session, ApiError> {
    as_actor(desk, move |c, a| sessions::save_session(c, a, id, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_session(desk: State<'_, Arc<Desk>>, id: i64, form: SessionForm) -> Result<Session, ApiError> {
    as_actor(desk, move |c, a| sessions::sign_session(c, a, id, &form)).await
}

#[tauri::command]
#[specta::specta]
pub async fn amend_session(
    desk: State<'_, Arc<Desk>>,
    id: i64,
    reason: String,
    text: String,
) -> Result<Session, ApiError> {
    as_actor(desk, move |c, a| sessions::amend_session(c, a, id, &reason, &text)).await
}
