//! Builds the Tauri context from the root `tauri.conf.json` and declares the app's
//! commands, so each must be allowed by name in `capabilities/` (least privilege).

const COMMANDS: &[&str] = &[
    "ui_ready",
    "app_status",
    "setup_clinic",
    "sign_in",
    "sign_out",
    "lock_app",
    "keep_alive",
    "change_own_password",
    "get_settings",
    "update_settings",
    "list_users",
    "create_user",
    "set_user_role",
    "deactivate_user",
    "reactivate_user",
    "reset_user_password",
    "list_audit",
    "export_audit_csv",
    "search_patients",
    "open_patient_chart",
    "register_patient",
    "update_patient",
    "archive_patient",
    "unarchive_patient",
    "list_patient_sessions",
    "start_session",
    "open_session",
    "save_session",
    "sign_session",
    "amend_session",
    "list_products",
    "create_product",
    "update_product",
    "set_product_retired",
    "scan_lot_code",
    "receive_lot",
    "get_inventory",
    "list_usable_lots",
    "open_vial",
    "list_recent_vials",
    "recall_lot",
    "export_recall_csv",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri build script failed");
}
