//! Builds the Tauri context from this folder's `tauri.conf.json`.

fn main() {
    tauri_build::build();
}
