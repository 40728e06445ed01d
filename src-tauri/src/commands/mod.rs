//! The IPC commands: adapters of a few lines around `glabella_core::api`, one per
//! operation, named like the function they call and grouped like it. Each unpacks its
//! arguments, takes the clinic and the signed-in person from the [`Desk`], runs the
//! core function off the UI thread (all but `search_patients`, see there) and maps its
//! error to `{code, message, field?}`.
//! The list of commands is the core's `api::OPERATIONS` (plus the shell's own
//! `ui_ready`): `build.rs` turns it into the `collect_commands!` below and the
//! capability file. The TypeScript bindings in `ui/src/lib/api/bindings.ts` are
//! generated from it by a test.

pub(crate) mod app;
mod appointments;
mod audit;
mod backups;
mod booking;
mod calls;
mod export;
mod handouts;
mod imports;
mod library;
mod notices;
mod patients;
mod server_link;
mod sessions;
mod settings;
mod signin;
mod stock;
mod users;
mod workstations;

use std::path::PathBuf;
use std::sync::Arc;

use glabella_core::api::signin::Desk;
use glabella_core::auth::Actor;
use glabella_core::clinic::Clinic;
use glabella_core::error::ApiError;
use glabella_core::files::SaveDialog;
use glabella_core::imports::OpenDialog;
use glabella_core::printing::{Print, SPOOL_DIR};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_specta::{Builder, ErrorHandlingMode};

/// Every command the UI may call, for the invoke handler and the bindings.
pub fn bindings_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .error_handling(ErrorHandlingMode::Throw)
        .dangerously_cast_bigints_to_number() // ids stay far below 2^53
        .disable_serde_phases() // one TypeScript type per Rust type
        .constant("SEARCH_LIMIT", glabella_core::patients::SEARCH_LIMIT)
        .constant("FACE_AREAS", glabella_core::sessions::face_areas())
        .constant("TREATMENT_KINDS", glabella_core::products::TreatmentKind::ALL)
        .constant("APPOINTMENT_KINDS", glabella_core::booking::AppointmentKind::ALL)
        .constant("CALL_OUTCOMES", glabella_core::booking::calls::CallOutcome::ALL)
        .commands(include!(concat!(env!("OUT_DIR"), "/commands.rs")))
}

/// Runs `f` on a blocking thread, so the UI thread never waits for the disk.
async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> glabella_core::Result<T> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::from(glabella_core::Error::Internal(format!("the operation was interrupted: {e}"))))?
        .map_err(ApiError::from)
}

/// Runs `f` for the signed-in, unlocked person (refused with `auth.required` or
/// `auth.locked` otherwise).
async fn as_actor<T, F>(desk: State<'_, Arc<Desk>>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Clinic, &Actor) -> glabella_core::Result<T> + Send + 'static,
{
    let (clinic, actor) = desk.actor()?;
    blocking(move || f(&clinic, &actor)).await
}

/// This computer's dialogs (over the main window) and printer. The core's operations
/// here use them for saving and opening files; a workstation lends them to the clinic
/// server (the clinic's own printer prints what is printed on this computer).
pub(crate) struct Native(pub AppHandle);

impl SaveDialog for Native {
    fn choose(&self, file_name: &str, filter: &str, extension: &str) -> Option<PathBuf> {
        // End-to-end builds only: a native dialog cannot be driven through WebDriver.
        if let Some(dir) = crate::hooks::save_to_dir() {
            return Some(dir.join(file_name));
        }
        let mut dialog = self.0.dialog().file().set_file_name(file_name).add_filter(filter, &[extension]);
        if let Some(window) = self.0.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        dialog.blocking_save_file().and_then(|chosen| chosen.into_path().ok())
    }

    fn choose_folder(&self, title: &str) -> Option<PathBuf> {
        if let Some(dir) = crate::hooks::pick_folder() {
            return Some(dir);
        }
        let mut dialog = self.0.dialog().file().set_title(title);
        if let Some(window) = self.0.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        dialog.blocking_pick_folder().and_then(|chosen| chosen.into_path().ok())
    }
}

impl OpenDialog for Native {
    fn choose_file(&self, title: &str, filter: &str, extensions: &[&str]) -> Option<PathBuf> {
        // End-to-end builds only: a native dialog cannot be driven through WebDriver.
        if let Some(file) = crate::hooks::open_file() {
            return Some(file);
        }
        let mut dialog = self.0.dialog().file().set_title(title).add_filter(filter, extensions);
        if let Some(window) = self.0.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        dialog.blocking_pick_file().and_then(|chosen| chosen.into_path().ok())
    }
}

/// Prints on this computer's printer (the one the clinic would use), through a private
/// spool folder in the app's data folder.
impl Print for Native {
    fn print(&self, pdf: &[u8], job: &str) -> glabella_core::Result<()> {
        crate::hooks::printer().print(&glabella_core::paths::data_dir().join(SPOOL_DIR), pdf, job)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Regenerates the TypeScript bindings and fails if the committed file was stale,
    /// so CI catches a Rust change whose bindings were not committed.
    #[test]
    fn typescript_bindings_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/api/bindings.ts");
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        super::bindings_builder()
            .export(
                specta_typescript::Typescript::default()
                    .header("// Generated from the Rust commands by `cargo test -p glabella`. Do not edit.\n"),
                &path,
            )
            .expect("export TypeScript bindings");
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(before == after, "ui/src/lib/api/bindings.ts was stale and has been regenerated; commit it");
    }

    /// No command takes a file path from the page: the shell asks the person.
    #[test]
    fn no_command_takes_a_path() {
        let bindings =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/api/bindings.ts"))
                .unwrap();
        let commands: Vec<&str> = bindings.lines().filter(|l| l.contains("=> __TAURI_INVOKE<")).collect();
        assert!(commands.len() > 50, "the commands were not found in bindings.ts");
        for line in commands {
            let parameters = line.split("=>").next().unwrap().to_lowercase();
            assert!(!parameters.contains("path"), "a command takes a path from the page: {line}");
        }
    }
}
