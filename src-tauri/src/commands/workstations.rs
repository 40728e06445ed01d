//! *Settings → Workstations*. On a workstation these go to the clinic server, which
//! has the devices; here, where this computer holds the records, there are none.

use std::sync::Arc;

use glabella_core::api::signin::Desk;
use glabella_core::api::workstations::{self, NoWorkstations, PairingCode, Workstation};
use glabella_core::error::ApiError;
use tauri::State;

use super::as_actor;

#[tauri::command]
#[specta::specta]
pub async fn list_workstations(desk: State<'_, Arc<Desk>>) -> Result<Vec<Workstation>, ApiError> {
    as_actor(desk, |c, a| workstations::list_workstations(c, a, &NoWorkstations)).await
}

#[tauri::command]
#[specta::specta]
pub async fn start_pairing(desk: State<'_, Arc<Desk>>) -> Result<PairingCode, ApiError> {
    as_actor(desk, |c, a| workstations::start_pairing(c, a, &NoWorkstations)).await
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_workstation(desk: State<'_, Arc<Desk>>, id: String) -> Result<(), ApiError> {
    as_actor(desk, move |c, a| workstations::revoke_workstation(c, a, &NoWorkstations, &id)).await
}
