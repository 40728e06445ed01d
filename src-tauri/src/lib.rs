//! The Tauri shell: opens the database, registers the plugins and the commands, and
//! runs the window. Business rules live in `glabella-core`; commands only adapt.

mod commands;
mod printing;
mod state;

use glabella_core::paths;
use tauri::Manager;

pub use commands::bindings_builder;
use state::AppState;

/// Starts the app.
pub fn run() {
    let started = std::time::Instant::now();
    let commands = bindings_builder();
    let builder = tauri::Builder::default();
    #[cfg(not(feature = "e2e"))]
    let builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
        // A second launch brings the running window to the front instead.
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.set_focus();
        }
    }));
    builder
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Log lines are written by the shell only and never carry patient data.
        .plugin(tauri_plugin_log::Builder::new().level(log::LevelFilter::Info).build())
        .invoke_handler(commands.invoke_handler())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // The database opens when someone signs in: it is encrypted with a key
            // that only a password (or the recovery key) unwraps.
            app.manage(AppState::new(paths::data_dir(), started));
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running Glabella");
}
