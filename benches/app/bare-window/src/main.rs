//! A bare Tauri 2 window with one text box. It exists only as the baseline for the
//! "App start-up and memory" figures in BENCHMARKS.md (measured by
//! `scripts/measure-app.sh`): same Tauri version and features, same window size, and
//! the same `ui ready <N> ms after launch` line once its page has loaded, so Glabella
//! and this window are measured the same way. It is not part of the product.

// Like Glabella: no console window behind release builds on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::Instant;

/// When the process started.
struct Started(Instant);

/// Called by the page once its text box is focused.
#[tauri::command]
fn ready(started: tauri::State<'_, Started>) {
    println!("ui ready {} ms after launch", started.0.elapsed().as_millis());
}

fn main() {
    let started = Instant::now();
    tauri::Builder::default()
        .manage(Started(started))
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("error while running the bare window");
}
