//! This computer as a workstation of a clinic server, when it was connected to one
//! (`workstation.json` in the app's data folder: the server's address, the clinic's
//! authority, this device's certificate and key; no database, no key file). Then
//! every operation of the core's list goes to the server instead of the local core,
//! with the same name and the same arguments: the invoke handler forwards it before
//! any command runs, and Tauri's permission check has already run. The page hears
//! `server-connection` (connected or not, revoked) and `clinic-changed` (what changed) events.
//! While an operation runs on the server, its dialogs and printing happen here, on
//! this computer ([`Native`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use glabella_core::api::OPERATIONS;
use glabella_core::error::ApiError;
use glabella_core::files::save_file;
use glabella_core::printing;
use glabella_core::Error;
use glabella_server::client::{pair, Identity, Link, LinkError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use specta::Type;
use tauri::ipc::{Invoke, InvokeBody};
use tauri::{AppHandle, Emitter, Wry};

use crate::commands::Native;

/// The file that makes this computer a workstation.
const LINK_FILE: &str = "workstation.json";

/// Whether this computer works on a clinic server's records, and if so whether it is
/// connected to it now.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ServerConnection {
    /// The server's address; `None` when this computer holds the clinic's records.
    pub address: Option<String>,
    pub connected: bool,
    /// The server refuses this computer: an administrator revoked it.
    pub revoked: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Saved {
    address: String,
    identity: Identity,
}

/// The link to the clinic server, once this computer is a workstation.
#[derive(Default)]
pub struct ServerLink {
    link: RwLock<Option<(String, Arc<Link>)>>,
}

impl ServerLink {
    /// Connects to the server saved in `dir`, if this computer is a workstation (it
    /// keeps trying while the server cannot be reached).
    pub fn resume(&self, app: &AppHandle, dir: &Path) {
        let Ok(bytes) = std::fs::read(dir.join(LINK_FILE)) else { return };
        // A handout a crash left on its way to this computer's printer.
        printing::sweep_spool(&dir.join(printing::SPOOL_DIR));
        match serde_json::from_slice::<Saved>(&bytes) {
            Ok(saved) => {
                // The link's tasks run on Tauri's runtime.
                let here = Arc::new(Native(app.clone()));
                match tauri::async_runtime::block_on(async { Link::start(&saved.address, &saved.identity, here) }) {
                    Ok(link) => self.keep(app, saved.address, link),
                    Err(e) => log::error!("the clinic server's link could not start: {e}"),
                }
            }
            Err(e) => log::error!("{LINK_FILE} could not be read: {e}"),
        }
    }

    /// Pairs this computer, named `name`, with the server at `address` using the
    /// pairing `code`, saves the link in `dir` and works on the server from now on.
    pub async fn connect(
        &self,
        app: &AppHandle,
        dir: PathBuf,
        address: &str,
        code: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        let address = address.trim();
        if address.is_empty() {
            return Err(Error::invalid("address", "Enter the clinic server's address, e.g. 192.168.1.10:7443.").into());
        }
        let identity = pair(address, code, name.trim()).await.map_err(|e| match e {
            LinkError::Network(why) => {
                Error::invalid("address", format!("No clinic server answered at {address} ({why})."))
            }
            refused => Error::invalid("code", refused.to_string()), // a wrong or used code, another clinic's
        })?;
        let here = Arc::new(Native(app.clone()));
        let link =
            Link::connect(address, &identity, here).await.map_err(|e| Error::invalid("address", e.to_string()))?;
        let saved = Saved { address: address.to_string(), identity };
        let bytes = serde_json::to_vec_pretty(&saved).map_err(|e| Error::Internal(e.to_string()))?;
        save_file(&dir.join(LINK_FILE), &bytes)?;
        private(&dir.join(LINK_FILE));
        self.keep(app, saved.address, link);
        Ok(())
    }

    /// Whether this computer is a workstation, and connected.
    pub fn status(&self) -> ServerConnection {
        match &*self.link.read().unwrap_or_else(PoisonError::into_inner) {
            Some((address, link)) => connection(address, link),
            None => ServerConnection { address: None, connected: false, revoked: false },
        }
    }

    /// Sends `invoke` to the server if this computer is a workstation and it is one of
    /// the core's operations; gives it back to run here otherwise.
    pub fn forward(&self, invoke: Invoke<Wry>) -> Option<Invoke<Wry>> {
        let link = match &*self.link.read().unwrap_or_else(PoisonError::into_inner) {
            Some((_, link)) => link.clone(),
            None => return Some(invoke),
        };
        let command = invoke.message.command();
        let Some(op) = OPERATIONS.iter().find(|op| op.rsplit("::").next() == Some(command)) else {
            return Some(invoke);
        };
        let args = match invoke.message.payload() {
            InvokeBody::Json(Value::Object(args)) if !args.is_empty() => Value::Object(args.clone()),
            _ => Value::Null,
        };
        let resolver = invoke.resolver;
        tauri::async_runtime::spawn(async move {
            match link.call(op, args).await {
                Ok(value) => resolver.resolve(value),
                Err(LinkError::Remote(e)) => resolver.reject(e.detail),
                Err(e) => resolver.reject(json!({"code": "remote.offline", "message": e.to_string(), "field": null,
                    "fieldErrors": [], "duplicates": []})),
            }
        });
        None
    }

    /// Keeps `link` and tells the page of its connection and of what changed.
    fn keep(&self, app: &AppHandle, address: String, link: Link) {
        let (mut connected, mut revoked, mut changes) = (link.connected(), link.revoked(), link.changes());
        let (app_for_state, at) = (app.clone(), address.clone());
        tauri::async_runtime::spawn(async move {
            loop {
                let state = ServerConnection {
                    address: Some(at.clone()),
                    connected: *connected.borrow_and_update(),
                    revoked: *revoked.borrow_and_update(),
                };
                let _ = app_for_state.emit("server-connection", state);
                let changed = tokio::select! {
                    changed = connected.changed() => changed,
                    changed = revoked.changed() => changed,
                };
                if changed.is_err() {
                    return;
                }
            }
        });
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match changes.recv().await {
                    Ok(changed) => {
                        let _ = app.emit("clinic-changed", changed);
                    }
                    // Too much at once: every open screen reloads.
                    Err(RecvError::Lagged(_)) => {
                        let _ = app.emit("clinic-changed", Vec::<Value>::new());
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
        *self.link.write().unwrap_or_else(PoisonError::into_inner) = Some((address, Arc::new(link)));
    }
}

fn connection(address: &str, link: &Link) -> ServerConnection {
    ServerConnection {
        address: Some(address.to_string()),
        connected: *link.connected().borrow(),
        revoked: *link.revoked().borrow(),
    }
}

/// Only this computer's account may read the device's key.
fn private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}
