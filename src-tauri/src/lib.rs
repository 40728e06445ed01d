//! The Tauri shell: registers the plugins and the commands, keeps the [`Desk`] (who
//! is signed in at this window) and runs the window. Everything the commands do is a
//! function of `glabella_core::api`; the shell adds only what needs the window: the
//! native save dialog, the single-instance guard and the remembered window size.
//!
//! The desk takes the clinic folder's lock at start. If another Glabella holds it (or
//! the folder is on a network drive) the window still opens and shows why, from
//! `app_status`, instead of the sign-in screen.

mod commands;

use std::sync::Arc;
use std::time::{Duration, Instant};

use glabella_core::api::signin::Desk;
use glabella_core::paths;
use tauri::Manager;

pub use commands::bindings_builder;

/// Environment variable that sets the idle lock in seconds, overriding the clinic's
/// setting: a test hook, so the lock can be tested without waiting minutes.
const IDLE_LOCK_ENV: &str = "GLABELLA_IDLE_LOCK_SECONDS";

/// Starts the app.
pub fn run() {
    let started = Instant::now();
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
            let idle = std::env::var(IDLE_LOCK_ENV).ok().and_then(|s| s.parse().ok()).map(Duration::from_secs);
            app.manage(Arc::new(Desk::new(paths::data_dir()).with_idle_lock(idle)));
            app.manage(commands::app::Started(started));
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while starting Glabella")
        .run(|app, event| {
            // Closing records the audit log's head in the key file (as signing out does).
            if let tauri::RunEvent::Exit = event {
                let _ = app.state::<Arc<Desk>>().close();
            }
        });
}
