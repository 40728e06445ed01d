//! `glabella-admin`: maintenance of a Glabella clinic without the app window.
//! `demo-data` creates (or adds to) a demo clinic, holding the clinic folder's lock like
//! the app does (so it is refused while the app has the clinic open); `check` verifies
//! the database read-only (it may run beside the app) and exits non-zero on any problem. The database is encrypted, so commands that read an
//! existing clinic need a user's password (`--user`, with the password from
//! `GLABELLA_PASSWORD` or a prompt) or the recovery key (`--recovery-key`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use glabella_core::clinic::Clinic;
use glabella_core::db::{self, DatabaseKey, KeyFile, RecoveryKey};
use glabella_core::{check, demo, paths};

#[derive(Parser)]
#[command(name = "glabella-admin", version, about = "Maintenance of a Glabella clinic's database")]
struct Cli {
    /// The data directory (default: $GLABELLA_DATA_DIR, else the per-user app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Sign in as this user; the password comes from $GLABELLA_PASSWORD or a prompt.
    #[arg(long, global = true)]
    user: Option<String>,
    /// Open the database with the clinic's recovery key instead of a password.
    #[arg(long, global = true)]
    recovery_key: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a demo clinic (with one account per role, see the README), or add demo
    /// patients to an existing clinic (needs an admin's --user or the --recovery-key).
    DemoData {
        /// How many patients to add.
        #[arg(long, default_value_t = 1000)]
        patients: usize,
        /// The seed: the same seed gives the same patients.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check the database's integrity, foreign keys, schema version and audit chain.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.clone().unwrap_or_else(paths::data_dir);
    let result = match cli.command {
        Command::DemoData { patients, seed } => demo_data(&cli, &dir, patients, seed),
        Command::Check => check(&cli, &dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("glabella-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

fn password_for(user: &str) -> Result<String, String> {
    match std::env::var("GLABELLA_PASSWORD") {
        Ok(password) => Ok(password),
        Err(_) => rpassword::prompt_password(format!("Password for {user}: "))
            .map_err(|e| format!("cannot read the password: {e}")),
    }
}

/// The database key from the password of `--user` or from `--recovery-key`.
fn database_key(cli: &Cli, dir: &Path) -> Result<DatabaseKey, String> {
    let keys = KeyFile::load(dir).map_err(|e| e.to_string())?;
    match (&cli.user, &cli.recovery_key) {
        (_, Some(recovery)) => keys.unwrap_with_recovery(&RecoveryKey::parse(recovery).map_err(|e| e.to_string())?),
        (Some(user), None) => keys.unwrap_with_password(user, &password_for(user)?),
        (None, None) => return Err("the database is encrypted: give --user NAME (password from GLABELLA_PASSWORD or a prompt) or --recovery-key KEY".into()),
    }
    .map_err(|e| e.to_string())
}

fn demo_data(cli: &Cli, dir: &Path, patients: usize, seed: u64) -> Result<(), String> {
    let today = chrono::Local::now().date_naive();
    if !Clinic::is_set_up(dir) {
        let (set_up, history) = demo::create_demo_clinic(dir, patients, seed, today).map_err(|e| e.to_string())?;
        println!(
            "Created a demo clinic with {patients} patients, {} sessions and {} injection points (seed {seed}) in {}",
            history.sessions,
            history.points,
            dir.display()
        );
        println!("Accounts (demo only):");
        for (username, password, name, role) in demo::DEMO_ACCOUNTS {
            println!("  {username:<10} password {password:<20} {name} ({})", role.as_str());
        }
        println!("Recovery key (demo only): {}", set_up.recovery_key);
        return Ok(());
    }
    let user = cli
        .user
        .as_deref()
        .ok_or("this folder already holds a clinic: give --user NAME of an admin to add patients")?;
    let (clinic, actor) = Clinic::sign_in(dir, user, &password_for(user)?).map_err(|e| e.to_string())?;
    let (added, history) = clinic
        .db()
        .write(|tx| {
            let added = demo::add_demo_patients(tx, &actor, patients, seed, today)?;
            let injector = demo::demo_injector(tx)?.unwrap_or(actor.user_id);
            Ok((added, demo::add_demo_history(tx, injector, seed, today)?))
        })
        .map_err(|e| e.to_string())?;
    println!(
        "Added {added} demo patients with {} sessions and {} injection points (seed {seed}) to {}",
        history.sessions,
        history.points,
        clinic.db().path().display()
    );
    Ok(())
}

fn check(cli: &Cli, dir: &Path) -> Result<(), String> {
    let file = dir.join(db::DB_FILE);
    if !file.exists() {
        return Err(format!("no database at {}", file.display()));
    }
    println!("Checking {}", file.display());
    let report = if db::is_plaintext(&file).map_err(|e| e.to_string())? {
        println!("  not encrypted yet (from before version 2; the app encrypts it at setup)");
        check::check_unencrypted(&file)
    } else {
        let key = database_key(cli, dir)?;
        // The head the key file recorded, to tell whether entries were cut from the end.
        match KeyFile::load(dir).map_err(|e| e.to_string())?.audit_head() {
            Some(mark) => check::check_against(&file, &key, &mark.head(), &format!("at {}", mark.recorded_at)),
            None => check::check(&file, &key),
        }
    }
    .map_err(|e| format!("the database cannot be read: {e}"))?;
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
