//! The Tauri shell: registers the plugins and the commands, keeps the [`Desk`] (who
//! is signed in at this window) and runs the window. Everything the commands do is a
//! function of `glabella_core::api`; the shell adds only what needs the window: the
//! native save dialog, the menu, the single-instance guard, the remembered window size
//! and the rotating log.
//!
//! A computer connected to a clinic server (see [`server_link`]) sends the core's
//! operations there instead, through the same commands and bindings.
//!
//! The desk takes the clinic folder's lock at start. If another Glabella holds it (or
//! the folder is on a network drive) the window still opens and shows why, from
//! `app_status`, instead of the sign-in screen.

mod commands;
mod hooks;
mod menu;
mod server_link;

use std::sync::Arc;
use std::time::{Duration, Instant};

use glabella_core::api::signin::Desk;
use glabella_core::backup::{self, BackupReason};
use glabella_core::paths;
use server_link::ServerLink;
use tauri::Manager;
use tauri_plugin_log::RotationStrategy;

pub use commands::bindings_builder;

/// Starts the app.
pub fn run() {
    let started = Instant::now();
    let commands = bindings_builder();
    let local = commands.invoke_handler();
    let server_link = Arc::new(ServerLink::default());
    let forwarding = server_link.clone();
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
        // Log lines are written by the shell only and never carry patient data; the log
        // folder keeps the current file and three older ones of at most 2 MB each.
        .plugin(
            tauri_plugin_log::Builder::new()
                .level(log::LevelFilter::Info)
                .max_file_size(LOG_FILE_BYTES)
                .rotation_strategy(RotationStrategy::KeepSome(LOG_FILES_KEPT))
                .build(),
        )
        // On a workstation of a clinic server, the core's operations go to the server.
        .invoke_handler(move |invoke| match forwarding.forward(invoke) {
            None => true,
            Some(invoke) => local(invoke),
        })
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // The test hooks do nothing outside end-to-end builds (see `hooks`).
            log::info!("Glabella {} started", env!("CARGO_PKG_VERSION"));
            let desk = Desk::new(paths::data_dir()).with_idle_lock(hooks::idle_lock()).with_printer(hooks::printer());
            let desk = Arc::new(desk);
            start_daily_backups(desk.clone());
            app.manage(desk);
            server_link.resume(app.handle(), &paths::data_dir());
            app.manage(server_link.clone());
            app.manage(commands::app::Started(started));
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while starting Glabella")
        .run(|app, event| {
            // A backup when the last good one is old; then the audit log's head is
            // recorded in the key file (as signing out does).
            if let tauri::RunEvent::Exit = event {
                let desk = app.state::<Arc<Desk>>();
                back_up_if_due(&desk, BackupReason::Closing);
                let _ = desk.close();
            }
        });
}

/// The log's files: rotated at this size, this many older ones kept.
const LOG_FILE_BYTES: u128 = 2_000_000;
const LOG_FILES_KEPT: usize = 3;

/// How often the app looks whether the daily backup is due.
const BACKUP_CHECK_EVERY: Duration = Duration::from_secs(5 * 60);

/// Checks every few minutes, while the app runs, whether the daily backup is due.
fn start_daily_backups(desk: Arc<Desk>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(BACKUP_CHECK_EVERY);
        back_up_if_due(&desk, BackupReason::Daily);
    });
}

/// Backs the open clinic up if a backup is due for `reason`; failures are kept with
/// the backup runs (Settings → Backups shows them) and logged.
pub(crate) fn back_up_if_due(desk: &Desk, reason: BackupReason) {
    if let Some(clinic) = desk.clinic() {
        if let Err(e) = backup::back_up_if_due(&clinic, reason) {
            log::warn!("the {reason:?} backup failed: {e}");
        }
    }
}
