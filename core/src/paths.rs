//! Where Glabella keeps its data. The same rule serves the app and the admin CLI, so
//! both always open the same database.

use std::path::PathBuf;

/// The application identifier; also the folder name inside the OS's app-data folder.
pub const APP_IDENTIFIER: &str = "org.glabella.desktop";

/// Environment variable that overrides the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "GLABELLA_DATA_DIR";

/// The data directory: `$GLABELLA_DATA_DIR` if set, else the per-user app-data folder
/// (`%APPDATA%\org.glabella.desktop` on Windows, `~/Library/Application
/// Support/org.glabella.desktop` on macOS, `~/.local/share/org.glabella.desktop` on Linux).
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(APP_IDENTIFIER),
    }
}
