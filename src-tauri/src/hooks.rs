//! The end-to-end tests' stand-ins, read from the environment in `e2e` builds only
//! (`--features e2e`): a normal build ignores these variables, so nobody can shorten
//! the idle lock, redirect printed handouts or skip the save dialog by setting them.
//!
//! - `GLABELLA_IDLE_LOCK_SECONDS`: the idle lock in seconds, instead of the clinic's setting;
//! - `GLABELLA_PRINT_TO_DIR`: "print" handouts into this folder (there is no printer);
//! - `GLABELLA_PRINT_TIMEOUT_SECONDS`: give up on the printer after this many seconds;
//! - `GLABELLA_SAVE_TO_DIR`: save files into this folder instead of asking where;
//! - `GLABELLA_PICK_FOLDER`: the folder the folder dialog "picks" (backups);
//! - `GLABELLA_OPEN_FILE`: the file the open dialog "picks" (a patient list to import).

use std::path::PathBuf;
use std::time::Duration;

use glabella_core::printing::Printer;

const IDLE_LOCK_ENV: &str = "GLABELLA_IDLE_LOCK_SECONDS";
const PRINT_TO_DIR_ENV: &str = "GLABELLA_PRINT_TO_DIR";
const PRINT_TIMEOUT_ENV: &str = "GLABELLA_PRINT_TIMEOUT_SECONDS";
const SAVE_TO_DIR_ENV: &str = "GLABELLA_SAVE_TO_DIR";
const PICK_FOLDER_ENV: &str = "GLABELLA_PICK_FOLDER";
const OPEN_FILE_ENV: &str = "GLABELLA_OPEN_FILE";

/// The value of a test hook: the variable in an `e2e` build, `None` in any other.
fn hook(name: &str) -> Option<String> {
    if cfg!(feature = "e2e") {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    } else {
        None
    }
}

/// The idle lock in place of the clinic's setting, if a test set one.
pub fn idle_lock() -> Option<Duration> {
    hook(IDLE_LOCK_ENV).and_then(|s| s.parse().ok()).map(Duration::from_secs)
}

/// The printer handouts go to: the system's, unless a test named a folder or a time-out.
pub fn printer() -> Printer {
    if let Some(dir) = hook(PRINT_TO_DIR_ENV) {
        return Printer::ToFolder(dir.into());
    }
    match hook(PRINT_TIMEOUT_ENV).and_then(|s| s.parse().ok()) {
        Some(seconds) => Printer::System { timeout: Duration::from_secs(seconds) },
        None => Printer::default(),
    }
}

/// The folder files are saved into without a dialog, if a test named one.
pub fn save_to_dir() -> Option<PathBuf> {
    hook(SAVE_TO_DIR_ENV).map(PathBuf::from)
}

/// The folder the folder dialog answers with, if a test named one.
pub fn pick_folder() -> Option<PathBuf> {
    hook(PICK_FOLDER_ENV).map(PathBuf::from)
}

/// The file the open dialog answers with, if a test named one.
pub fn open_file() -> Option<PathBuf> {
    hook(OPEN_FILE_ENV).map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every hook set, an `e2e` build follows them and any other build ignores
    /// them. (`cargo test -p glabella` checks the normal build, `--features e2e` the other.)
    #[test]
    fn hooks_work_in_e2e_builds_only() {
        std::env::set_var(IDLE_LOCK_ENV, "4");
        std::env::set_var(PRINT_TO_DIR_ENV, "/tmp/printed");
        std::env::set_var(PRINT_TIMEOUT_ENV, "1");
        std::env::set_var(SAVE_TO_DIR_ENV, "/tmp/saved");
        std::env::set_var(PICK_FOLDER_ENV, "/tmp/usb");
        std::env::set_var(OPEN_FILE_ENV, "/tmp/patients.csv");
        if cfg!(feature = "e2e") {
            assert_eq!(pick_folder(), Some(PathBuf::from("/tmp/usb")));
            assert_eq!(open_file(), Some(PathBuf::from("/tmp/patients.csv")));
            assert_eq!(idle_lock(), Some(Duration::from_secs(4)));
            assert_eq!(printer(), Printer::ToFolder("/tmp/printed".into()));
            assert_eq!(save_to_dir(), Some(PathBuf::from("/tmp/saved")));
            std::env::remove_var(PRINT_TO_DIR_ENV);
            assert_eq!(printer(), Printer::System { timeout: Duration::from_secs(1) });
        } else {
            assert_eq!(idle_lock(), None);
            assert_eq!(printer(), Printer::default());
            assert_eq!(save_to_dir(), None);
            assert_eq!(pick_folder(), None);
            assert_eq!(open_file(), None);
        }
    }
}
