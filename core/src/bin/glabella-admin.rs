//! `glabella-admin`: maintenance of a Glabella database without the app window.
//! `demo-data` fills it with a demo clinic; `check` verifies it and exits non-zero on
//! any problem.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use glabella_core::{db, demo, paths, Db};

#[derive(Parser)]
#[command(name = "glabella-admin", version, about = "Maintenance of a Glabella database")]
struct Cli {
    /// The data directory (default: $GLABELLA_DATA_DIR, else the per-user app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill the database with a realistic, deterministic demo clinic.
    DemoData {
        /// How many patients to add.
        #[arg(long, default_value_t = 1000)]
        patients: usize,
        /// The seed: the same seed gives the same clinic.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check the database's integrity, foreign keys and schema version.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
    let result = match cli.command {
        Command::DemoData { patients, seed } => demo_data(&dir, patients, seed),
        Command::Check => check(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("glabella-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

fn demo_data(dir: &std::path::Path, patients: usize, seed: u64) -> Result<(), String> {
    let db = Db::open_dir(dir).map_err(|e| e.to_string())?;
    let today = chrono::Local::now().date_naive();
    let added = db.write(|tx| demo::add_demo_patients(tx, patients, seed, today)).map_err(|e| e.to_string())?;
    println!("Added {added} demo patients (seed {seed}) to {}", db.path().display());
    Ok(())
}

fn check(dir: &std::path::Path) -> Result<(), String> {
    let file = dir.join(db::DB_FILE);
    if !file.exists() {
        return Err(format!("no database at {}", file.display()));
    }
    println!("Checking {}", file.display());
    let report = db::check(&file).map_err(|e| format!("the database cannot be read: {e}"))?;
    for line in &report.lines {
        println!("  {line}");
    }
    if report.problems == 0 {
        println!("OK: no problems found.");
        Ok(())
    } else {
        Err(format!("{} problem(s) found.", report.problems))
    }
}
