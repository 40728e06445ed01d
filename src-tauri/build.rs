//! Builds the Tauri context from the root `tauri.conf.json` and declares the app's
//! commands, so each must be allowed by name in `capabilities/` (least privilege).

const COMMANDS: &[&str] = &[
    "database_status",
    "ui_ready",
    "search_patients",
    "get_patient",
    "register_patient",
    "update_patient",
    "archive_patient",
    "unarchive_patient",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
