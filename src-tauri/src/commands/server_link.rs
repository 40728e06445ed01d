//! Connecting this computer to a clinic server (see `crate::server_link`).

use std::sync::Arc;

use glabella_core::error::ApiError;
use glabella_core::paths;
use tauri::{AppHandle, State};

use crate::server_link::{ServerConnection, ServerLink};

/// Pairs this computer with the clinic server at `address` using a pairing code from
/// its administrator; from then on this computer works on the server's records.
#[tauri::command]
#[specta::specta]
pub async fn connect_to_server(
    app: AppHandle,
    link: State<'_, Arc<ServerLink>>,
    address: String,
    code: String,
    name: String,
) -> Result<(), ApiError> {
    link.connect(&app, paths::data_dir(), &address, &code, &name).await
}

/// Whether this computer works on a clinic server, and is connected to it now.
#[tauri::command]
#[specta::specta]
pub fn server_connection(link: State<'_, Arc<ServerLink>>) -> ServerConnection {
    link.status()
}
