//! The IPC commands: thin adapters that unpack arguments, run core functions off the
//! UI thread and map errors to `{code, message, field?}`. The TypeScript bindings in
//! `ui/src/lib/api/bindings.ts` are generated from this list by a test.

mod app;
mod patients;

use std::sync::Arc;

use glabella_core::error::ApiError;
use glabella_core::Db;
use tauri::State;
use tauri_specta::{collect_commands, Builder, ErrorHandlingMode};

use crate::state::AppState;

/// Every command the UI may call, for the invoke handler and the bindings.
pub fn bindings_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .error_handling(ErrorHandlingMode::Throw)
        .dangerously_cast_bigints_to_number() // ids stay far below 2^53
        .disable_serde_phases() // one TypeScript type per Rust type
        .constant("SEARCH_LIMIT", glabella_core::patients::SEARCH_LIMIT)
        .commands(collect_commands![
            app::database_status,
            app::ui_ready,
            patients::search_patients,
            patients::get_patient,
            patients::register_patient,
            patients::update_patient,
            patients::archive_patient,
            patients::unarchive_patient,
        ])
}

/// Runs `f` against the database on a blocking thread, so the UI thread never waits.
async fn with_db<T, F>(state: State<'_, AppState>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Db) -> glabella_core::Result<T> + Send + 'static,
{
    let db: Arc<Db> = state.db()?;
    tauri::async_runtime::spawn_blocking(move || f(&db))
        .await
        .map_err(|e| ApiError { code: "internal".into(), message: format!("The operation was interrupted: {e}"), field: None, field_errors: Vec::new(), duplicates: Vec::new() })?
        .map_err(ApiError::from)
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
            .export(specta_typescript::Typescript::default().header("// Generated from the Rust commands by `cargo test -p glabella`. Do not edit.\n"), &path)
            .expect("export TypeScript bindings");
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(before == after, "ui/src/lib/api/bindings.ts was stale and has been regenerated; commit it");
    }
}
