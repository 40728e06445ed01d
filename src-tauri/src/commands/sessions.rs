//! Injection session commands: the chart's timeline, and an injector starting, saving,
//! signing and amending a session.

use glabella_core::error::ApiError;
use glabella_core::products::TreatmentKind;
use glabella_core::sessions::{self, Session, SessionForm, SessionSummary};
use tauri::State;

use super::as_actor;
use crate::state::AppState;

/// A patient's sessions, newest first, as summaries (everyone at the desk sees these).
#[tauri::command]
#[specta::specta]
pub async fn list_patient_sessions(
    state: State<'_, AppState>,
    patient_id: i64,
) -> Result<Vec<SessionSummary>, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().read(|c| sessions::list_sessions(c, actor, patient_id))).await
}

#[tauri::command]
#[specta::specta]
pub async fn start_session(
    state: State<'_, AppState>,
    patient_id: i64,
    kind: TreatmentKind,
) -> Result<Session, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| sessions::start_session(tx, actor, patient_id, kind, chrono::Utc::now()))
    })
    .await
}

/// Opens a session to read or go on with; the view is audited.
#[tauri::command]
#[specta::specta]
pub async fn open_session(state: State<'_, AppState>, id: i64) -> Result<Session, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| sessions::open_session(tx, actor, id))).await
}

/// Saves a draft as it stands (the session screen calls this as the injector works).
#[tauri::command]
#[specta::specta]
pub async fn save_session(state: State<'_, AppState>, id: i64, form: SessionForm) -> Result<Session, ApiError> {
    as_actor(state, move |clinic, actor| clinic.db().write(|tx| sessions::save_session(tx, actor, id, &form))).await
}

#[tauri::command]
#[specta::specta]
pub async fn sign_session(state: State<'_, AppState>, id: i64, form: SessionForm) -> Result<Session, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| sessions::sign_session(tx, actor, id, &form, chrono::Utc::now()))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn amend_session(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
    text: String,
) -> Result<Session, ApiError> {
    as_actor(state, move |clinic, actor| {
        clinic.db().write(|tx| sessions::amend_session(tx, actor, id, &reason, &text, chrono::Utc::now()))
    })
    .await
}
