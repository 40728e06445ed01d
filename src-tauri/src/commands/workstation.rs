//! Connecting this computer to a clinic server (see `crate::workstation`).

use std::sync::Arc;

use glabella_core::error::ApiError;
use glabella_core::paths;
use tauri::{AppHandle, State};

use crate::workstation::{ServerConnection, Workstation};

/// Pairs this computer with the clinic server at `address` using a pairing code from
/// its administrator; from then on this computer works on the server's records.
#[tauri::command]
#[specta::specta]
pub async fn connect_to_server(
    app: AppHandle,
    workstation: State<'_, Arc<Workstation>>,
    address: String,
    code: String,
    name: String,
) -> Result<(), ApiError> {
    workstation.connect(&app, paths::data_dir(), &address, &code, &name).await
}

/// Whether this computer works on a clinic server, and is connected to it now.
#[tauri::command]
#[specta::specta]
pub fn server_connection(workstation: State<'_, Arc<Workstation>>) -> ServerConnection {
    workstation.status()
}
