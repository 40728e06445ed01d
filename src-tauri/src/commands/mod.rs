//! The IPC commands: thin adapters that unpack arguments, run core functions off the
//! UI thread on behalf of the signed-in person, and map errors to `{code, message,
//! field?}`. The TypeScript bindings in `ui/src/lib/api/bindings.ts` are generated from
//! this list by a test.

mod app;
mod audit;
mod handouts;
mod library;
mod patients;
mod session;
mod sessions;
mod stock;
mod users;

use std::sync::Arc;

use glabella_core::auth::Actor;
use glabella_core::clinic::Clinic;
use glabella_core::error::ApiError;
use tauri::State;
use tauri_specta::{collect_commands, Builder, ErrorHandlingMode};

use crate::state::AppState;

/// Every command the UI may call, for the invoke handler and the bindings. A command
/// added here must also be named in `build.rs` and allowed in `capabilities/`.
pub fn bindings_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .error_handling(ErrorHandlingMode::Throw)
        .dangerously_cast_bigints_to_number() // ids stay far below 2^53
        .disable_serde_phases() // one TypeScript type per Rust type
        .constant("SEARCH_LIMIT", glabella_core::patients::SEARCH_LIMIT)
        .constant("FACE_AREAS", glabella_core::sessions::face_areas())
        .commands(collect_commands![
            app::ui_ready,
            session::app_status,
            session::setup_clinic,
            session::sign_in,
            session::sign_out,
            session::lock_app,
            session::keep_alive,
            session::change_own_password,
            session::get_settings,
            session::update_settings,
            users::list_users,
            users::create_user,
            users::set_user_role,
            users::deactivate_user,
            users::reactivate_user,
            users::reset_user_password,
            audit::list_audit,
            audit::export_audit_csv,
            patients::search_patients,
            patients::open_patient_chart,
            patients::register_patient,
            patients::update_patient,
            patients::archive_patient,
            patients::unarchive_patient,
            sessions::list_patient_sessions,
            sessions::start_session,
            sessions::open_session,
            sessions::save_session,
            sessions::sign_session,
            sessions::amend_session,
            stock::list_products,
            stock::create_product,
            stock::update_product,
            stock::set_product_retired,
            stock::scan_lot_code,
            stock::receive_lot,
            stock::get_inventory,
            stock::list_usable_lots,
            stock::open_vial,
            stock::list_recent_vials,
            stock::recall_lot,
            stock::export_recall_csv,
            library::search_library,
            library::list_library_tags,
            library::get_article,
            library::create_article,
            library::update_article,
            library::list_article_versions,
            library::get_article_version,
            library::import_articles,
            library::export_article_markdown,
            handouts::list_aftercare_templates,
            handouts::list_template_versions,
            handouts::save_aftercare_template,
            handouts::get_handout_paper,
            handouts::set_handout_paper,
            handouts::get_clinic_logo,
            handouts::set_clinic_logo,
            handouts::print_handout,
            handouts::save_handout_pdf,
            handouts::reprint_handout,
            handouts::list_handouts,
        ])
}

/// The clinic's local date.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
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
async fn as_actor<T, F>(state: State<'_, AppState>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Clinic, &Actor) -> glabella_core::Result<T> + Send + 'static,
{
    let (clinic, actor): (Arc<Clinic>, Actor) = state.actor()?;
    blocking(move || f(&clinic, &actor)).await
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
}
