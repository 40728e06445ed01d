//! Where the app keeps its data: `GLABELLA_DATA_DIR` when set, else the folder named by
//! the app's identifier in the per-user app-data folder, checked against what the OS
//! itself says it is (on Windows `%APPDATA%`, the roaming profile folder; this test
//! runs under Wine in `scripts/windows.sh`). One test, so nothing else in this binary
//! reads the environment while it is changed.

use std::path::PathBuf;

use glabella_core::paths::{data_dir, APP_IDENTIFIER, DATA_DIR_ENV};

/// The per-user app-data folder as the OS names it, found without the `dirs` crate.
fn app_data() -> PathBuf {
    let var = |name: &str| PathBuf::from(std::env::var_os(name).unwrap_or_else(|| panic!("{name} is set")));
    if cfg!(windows) {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").join("Library/Application Support")
    } else {
        match std::env::var_os("XDG_DATA_HOME") {
            Some(dir) if PathBuf::from(&dir).is_absolute() => PathBuf::from(dir),
            _ => var("HOME").join(".local/share"),
        }
    }
}

#[test]
fn the_data_folder_is_the_apps_own_in_the_users_app_data_unless_overridden() {
    std::env::remove_var(DATA_DIR_ENV);
    let dir = data_dir();
    assert!(dir.is_absolute(), "{}", dir.display());
    assert_eq!(dir, app_data().join(APP_IDENTIFIER));

    std::env::set_var(DATA_DIR_ENV, "");
    assert_eq!(data_dir(), app_data().join(APP_IDENTIFIER), "an empty override is no override");
    let portable = std::env::temp_dir().join("Glabella portable data");
    std::env::set_var(DATA_DIR_ENV, &portable);
    assert_eq!(data_dir(), portable);
}
